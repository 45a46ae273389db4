//! The Engagements, Overview and Workflow panes: their key names come from the keymap, and a failed write shows
//! its message and loses nothing.

mod common;

use std::collections::BTreeMap;

use assay::app::{Action, App, EngagementsPane, Keymap, Overlay, Tab, WorkflowPane};
use assay::catalog::catalog;
use assay::store::{Store, engagements};
use assay::theme::Theme;
use common::*;
use ratatui::crossterm::event::KeyCode;

/// An empty workspace with a keymap changed as a user's config would change it.
fn app_with_keys(overrides: &[(&str, &str, &str)]) -> App {
    let mut map: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (ctx, action, key) in overrides {
        map.entry(ctx.to_string()).or_default().insert(action.to_string(), vec![key.to_string()]);
    }
    let mut keymap = Keymap::default_map();
    keymap.apply_overrides(&map).expect("overrides");
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let mut app = App::new(store, keymap, Theme::plain(), today()).expect("app");
    app.update(Action::Resize(120, 30)).expect("resize");
    app
}

fn toast(app: &App) -> String {
    app.toast.as_ref().map(|t| t.text.clone()).unwrap_or_default()
}

#[test]
fn remapped_keys_are_named_on_the_three_panes() {
    let mut app = app_with_keys(&[
        ("overview", "note", "N"),
        ("workflow", "hide_done", "z"),
        ("workflow", "switch_view", "w"),
        ("list", "cancel", "ctrl-x"),
        ("form", "cursor_left", "ctrl-b"),
        ("form", "cursor_right", "ctrl-f"),
    ]);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Payroll outsourcing");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.tab, Tab::Overview);

    // The Overview: no journal entry yet, and the key that writes one.
    let s = screen(&app);
    assert!(s.contains("none yet — N writes one here"), "{s}");
    assert!(!s.contains("none yet — n writes one"), "{s}");

    // The phase form names the keys that change the phase.
    keys(&mut app, "p");
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the phase form") };
    assert!(form.title.contains("(Ctrl-B Ctrl-F or letters)"), "{}", form.title);
    assert!(screen(&app).contains("Ctrl-B Ctrl-F or letters"));
    press(&mut app, KeyCode::Esc);

    // The Workflow: the keys that switch the view and hide what is done.
    keys(&mut app, "7");
    let s = screen(&app);
    assert!(s.contains("w agreement view  z hide done"), "{s}");
    assert!(!s.contains("v agreement view") && !s.contains("h hide done"), "{s}");

    // The Engagements list: a filter that matches nothing, and the key that clears it.
    keys(&mut app, "1f");
    keys(&mut app, "zzz");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("No engagement matches the filter (Ctrl-X clears it)"), "{s}");
    assert!(!s.contains("Esc clears"), "{s}");
}

#[test]
fn a_failed_write_keeps_the_form_and_the_session() {
    let mut app = demo_app(120, 30);
    assert_eq!(app.tab, Tab::Overview);
    let id = app.session.current_id().expect("current");
    let name = app.session.current.as_ref().expect("current").name.clone();
    // Every write now fails, as it would on a store gone read-only under the workbench.
    app.store.conn().execute_batch("PRAGMA query_only = ON").expect("query only");

    // Editing on the Overview: the error shows, the form stays with what was typed.
    keys(&mut app, "e");
    keys(&mut app, " (renamed)");
    press(&mut app, KeyCode::Enter);
    assert!(!app.should_quit);
    assert!(app.toast.as_ref().is_some_and(|t| t.error), "an error: {}", toast(&app));
    assert!(toast(&app).starts_with("Not saved"), "{}", toast(&app));
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the form stays open") };
    assert_eq!(form.value_of("name"), Some(format!("{name} (renamed)").as_str()));
    assert!(screen(&app).contains("Not saved"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));

    // A note: the same.
    keys(&mut app, "n");
    keys(&mut app, "call the provider");
    press_mod(&mut app, KeyCode::Char('s'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the note form stays open") };
    assert_eq!(form.value_of("text"), Some("call the provider"));
    assert!(toast(&app).starts_with("Not saved"), "{}", toast(&app));
    app.overlay = None;

    // Moving the phase on past open items: the gate's reason is kept when the move cannot be written.
    keys(&mut app, "p");
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(gate)) = &app.overlay else { panic!("the phase gate") };
    assert!(gate.title.starts_with("Move "), "{}", gate.title);
    keys(&mut app, "tender signed");
    press_mod(&mut app, KeyCode::Char('s'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    let Some(Overlay::Form(gate)) = &app.overlay else { panic!("the gate stays open") };
    assert_eq!(gate.value_of("reason"), Some("tender signed"));
    assert!(toast(&app).starts_with("Not saved"), "{}", toast(&app));
    app.overlay = None;

    // Ticking a checklist item: the error shows, the item stays open.
    keys(&mut app, "7");
    let item = app.pane::<WorkflowPane>().selected_item().expect("an item");
    keys(&mut app, "x");
    assert!(toast(&app).starts_with("Not saved"), "{}", toast(&app));
    let still = app.pane::<WorkflowPane>().statuses().get(&catalog().items[item].id).copied().unwrap_or_default();
    assert!(!still.is_closed(), "nothing ticked");

    // Opening another engagement: it opens, and the message says it is not remembered for the next start.
    keys(&mut app, "1");
    let other = app.session.engagements.iter().find(|e| e.id != id).expect("another engagement").id;
    let row = app.pane::<EngagementsPane>().visible.iter().position(|&i| app.session.engagements[i].id == other);
    app.pane_state::<EngagementsPane>().cursor.select(row.expect("its row"));
    press(&mut app, KeyCode::Enter);
    assert!(app.toast.as_ref().is_some_and(|t| t.error), "an error: {}", toast(&app));
    assert!(toast(&app).starts_with("Opened, but not remembered"), "{}", toast(&app));
    assert_eq!((app.session.current_id(), app.tab), (Some(other), Tab::Overview));

    // Deleting one: refused by the store, said so, nothing gone.
    keys(&mut app, "1d");
    press(&mut app, KeyCode::Char('y'));
    assert!(toast(&app).starts_with("Not deleted"), "{}", toast(&app));
    assert!(!app.should_quit);
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), app.session.engagements.len());
}

#[test]
fn the_checklist_opens_an_items_detail_and_a_tick_there_shows_on_the_checklist() {
    let mut app = demo_app(120, 36);
    keys(&mut app, "7");
    let item = app.pane::<WorkflowPane>().selected_item().expect("an item");
    let id = catalog().items[item].id.clone();
    let open_before = app.session.summary.checklist_open;
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Lookup(l)) = &app.overlay else { panic!("the lookup") };
    assert!(l.detail.is_some(), "opened on the item's detail");
    press(&mut app, KeyCode::Char('x'));
    let status = app.pane::<WorkflowPane>().statuses().get(&id).copied().unwrap_or_default();
    assert!(status.is_closed(), "the checklist pane sees the tick");
    assert!(app.session.summary.checklist_open < open_before, "the overview's figures follow");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert!(screen(&app).contains(&id));
}
