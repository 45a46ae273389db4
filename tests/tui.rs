//! The workbench on screen: snapshots of every screen of the shell, and keystroke flows checked in the database.

mod common;

use assay::app::{Action, Overlay, Tab};
use assay::store::engagements;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn start_screen_on_an_empty_workspace() {
    let app = empty_app(100, 30);
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn a_first_engagement_in_three_keystrokes_plus_its_name() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    insta::assert_snapshot!("new_engagement_form", render(&app).backend());
    keys(&mut app, "Vendor audit – Zürich");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved and closed");
    let all = engagements::list(app.store.conn()).expect("list");
    assert_eq!(all.len(), 1);
    assert_eq!(all[0].name, "Vendor audit – Zürich");
    assert_eq!(all[0].phase.as_ref(), "pre");
    assert_eq!(all[0].status, "active");
    assert_eq!(app.tab, Tab::Overview);
    assert!(screen(&app).contains("Vendor audit – Zürich"));
}

#[test]
fn form_validation_shows_messages_next_to_fields_and_keeps_the_input() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    // Leave the name blank; put a bad date in the start date.
    for _ in 0..6 {
        press(&mut app, KeyCode::Tab);
    }
    keys(&mut app, "31/12/2026");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("form stays open") };
    assert_eq!(form.focus, 0, "focus moves to the first field in error");
    assert_eq!(form.value_of("start_date"), Some("31/12/2026"), "input kept");
    insta::assert_snapshot!(render(&app).backend());
    assert!(engagements::list(app.store.conn()).expect("list").is_empty());
}

#[test]
fn engagement_list_and_overview_of_the_demo() {
    let mut app = demo_app(120, 32);
    assert_eq!(app.tab, Tab::Overview, "opens on the remembered engagement");
    insta::assert_snapshot!("overview", render(&app).backend());
    press(&mut app, KeyCode::Char('1'));
    insta::assert_snapshot!("engagement_list", render(&app).backend());
}

#[test]
fn help_is_generated_from_the_keymap() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    insta::assert_snapshot!(render(&app).backend());
    // It opens at the Overview's keys; back to the top, then every binding's description of the default keymap
    // appears somewhere in the (scrolled) help.
    for _ in 0..50 {
        press(&mut app, KeyCode::PageUp);
    }
    let all: String = {
        let mut text = String::new();
        // Page through to the end, however long the help grows.
        let mut last = String::new();
        for _ in 0..200 {
            let page = screen(&app);
            if page == last {
                break;
            }
            text.push_str(&page);
            last = page;
            press(&mut app, KeyCode::PageDown);
        }
        text
    };
    for ctx in <assay::app::Context as strum::IntoEnumIterator>::iter() {
        for b in app.keymap.bindings(ctx) {
            assert!(all.contains(&b.desc), "help lacks {:?}", b.desc);
        }
    }
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn too_small_screen_says_how_big_it_must_be() {
    let app = demo_app(79, 24);
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn no_panic_at_any_size() {
    let mut app = demo_app(80, 24);
    press(&mut app, KeyCode::Char('e')); // a form open on top
    for w in (1..=130).step_by(7) {
        for h in (1..=45).step_by(4) {
            app.update(Action::Resize(w, h)).expect("resize");
            let _ = render(&app);
        }
    }
    let mut app = empty_app(1, 1);
    for (w, h) in [(1, 1), (2, 1), (80, 24), (80, 1), (1, 24), (500, 200)] {
        app.update(Action::Resize(w, h)).expect("resize");
        let _ = render(&app);
    }
}

#[test]
fn edit_set_phase_and_switch_engagements() {
    let mut app = demo_app(120, 32);
    let id = app.session.current.as_ref().expect("current").id;
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab); // service
    press_mod(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(&mut app, "Payroll run and payslips");
    // The service is a long text, where Enter starts a new line: Ctrl-S saves from any field.
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let e = engagements::get(app.store.conn(), id).expect("get").expect("exists");
    assert_eq!(e.service.as_deref(), Some("Payroll run and payslips"));

    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    // Pre-outsourcing items are still open in the demo: the gate asks why.
    keys(&mut app, "Contract signed early");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let e = engagements::get(app.store.conn(), id).expect("get").expect("exists");
    assert_eq!(e.phase.as_ref(), "during");

    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('j'));
    let other = app.pane::<assay::app::EngagementsPane>().selected(&app.session.engagements).expect("row").id;
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.session.current.as_ref().map(|c| c.id), Some(other));
    assert_eq!(app.tab, Tab::Overview);
    let remembered =
        assay::store::settings::get(app.store.conn(), assay::store::settings::CURRENT_ENGAGEMENT).expect("setting");
    assert_eq!(remembered, Some(other.to_string()));
}

#[test]
fn delete_asks_first_and_removes_on_yes() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('1'));
    let victim = app.pane::<assay::app::EngagementsPane>().selected(&app.session.engagements).expect("row").clone();
    press(&mut app, KeyCode::Char('d'));
    insta::assert_snapshot!("confirm_delete", render(&app).backend());
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), 3, "no keeps it");
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    let left = engagements::list(app.store.conn()).expect("list");
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|e| e.id != victim.id));
}

#[test]
fn filter_narrows_the_list_and_esc_clears_it() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('f'));
    keys(&mut app, "payroll");
    assert_eq!(app.pane::<assay::app::EngagementsPane>().visible.len(), 1);
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("filter: payroll"));
    assert!(screen(&app).contains("1 of 3"));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.pane::<assay::app::EngagementsPane>().visible.len(), 3);
}

#[test]
fn quit_asks_only_when_an_edit_is_unsaved() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('e'));
    keys(&mut app, " (draft)");
    press_mod(&mut app, KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(!app.should_quit);
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    press(&mut app, KeyCode::Char('n'));
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("back to the form") };
    assert!(form.value_of("name").is_some_and(|n| n.ends_with(" (draft)")), "typing survives");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y')); // discard the changed form
    press(&mut app, KeyCode::Char('q'));
    assert!(app.should_quit, "nothing unsaved: quits at once");
}

#[test]
fn n_on_the_overview_writes_a_journal_entry_about_the_engagement() {
    let mut app = demo_app(120, 32);
    let before = app.session.summary.journal;
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Provider confirmed the DR site address.");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    // The next entry is open for what is said next; Esc closes it, untouched.
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
    assert_eq!(app.session.summary.journal, before + 1);
    assert!(screen(&app).contains("Provider confirmed the DR site address."));
    let engagement = app.session.current_id().expect("engagement");
    let latest = assay::store::journal::recent(app.store.conn(), engagement, 1).expect("journal");
    assert_eq!(latest[0].text, "Provider confirmed the DR site address.");
    assert_eq!(latest[0].link, None, "about the engagement as a whole");
}

#[test]
fn mouse_clicks_select_tabs_and_rows() {
    let mut app = demo_app(120, 32);
    let engagements_tab = assay::app::layout::tab_spans(120, &app.tab_titles())[0];
    app.update(Action::Click(engagements_tab.1 + 1, 0)).expect("click");
    assert_eq!(app.tab, Tab::Engagements);
    let _ = render(&app); // clicks land on what was drawn
    app.note_drawn();
    app.update(Action::Click(10, 4)).expect("click second row");
    assert_eq!(app.pane::<assay::app::EngagementsPane>().cursor.selected, 1);
    let id = app.pane::<assay::app::EngagementsPane>().selected(&app.session.engagements).expect("row").id;
    app.update(Action::Click(10, 4)).expect("click again opens");
    assert_eq!(app.session.current.as_ref().map(|c| c.id), Some(id));
}

#[test]
fn no_color_theme_marks_the_selection_without_colour() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('1'));
    let t = render(&app);
    let buf = t.backend().buffer();
    // The selected row (first data row, y = 3) is reversed, not coloured.
    let cell = &buf[(5, 3)];
    assert!(cell.modifier.contains(ratatui::style::Modifier::REVERSED));
    assert_eq!(cell.fg, ratatui::style::Color::Reset);
}

#[test]
fn at_80_columns_the_overview_figures_are_read_whole() {
    // Failed before: at 80×24 the figures' words were cut at the panel's edge ("15 criteri", "0 checks p").
    let mut app = empty_app(80, 24);
    keys(&mut app, "a");
    keys(&mut app, "Payroll");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('2'));
    let s = screen(&app);
    let words: String = s.lines().map(|l| l.split('│').nth(3).unwrap_or_default().trim().to_string() + " ").collect();
    for figure in
        ["15 criteria", "0 unaccepted · 0 overdue", "0 checks pending", "0 not returned", "142 open · 0% done"]
    {
        let flat = words.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(figure), "{figure:?} whole in:\n{s}");
    }
}
