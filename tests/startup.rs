//! The start path waits only for what is on screen: opening an engagement leaves the Vetting and Assets panes,
//! the costliest to load, until they are shown, and showing them loads them for the open engagement.

mod common;

use assay::app::{Action, App, AssetPane, Keymap, VettingPane};
use assay::theme::Theme;
use common::{demo_app, press, screen};
use ratatui::crossterm::event::KeyCode;

/// The frame `app` draws at 160×48.
fn frame(app: &mut App) -> ratatui::buffer::Buffer {
    app.update(Action::Resize(160, 48)).expect("resize");
    common::render(app).backend().buffer().clone()
}

/// A workbench over a fresh demo workspace with the default keys, made by `make` (`App::new` or `App::opening`).
fn over_demo(make: fn(assay::store::Store, Keymap, Theme, chrono::NaiveDate) -> color_eyre::Result<App>) -> App {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
    make(common::workspace::demo_store(), Keymap::default_map(), Theme::plain(), today).expect("app")
}

#[test]
fn vetting_and_assets_load_when_shown_not_at_start() {
    let mut app = demo_app(140, 44);
    let open = app.session.current.as_ref().map(|e| e.id).expect("the demo opens an engagement");
    assert!(
        app.pane::<AssetPane>().all.is_empty() && app.pane::<AssetPane>().engagement.is_none(),
        "assets loaded before they were shown"
    );
    assert!(
        app.pane::<VettingPane>().rows.is_empty() && app.pane::<VettingPane>().engagement.is_none(),
        "the team loaded before it was shown"
    );

    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.pane::<AssetPane>().engagement, Some(open));
    assert!(!app.pane::<AssetPane>().all.is_empty());
    let tag = app.pane::<AssetPane>().all[0].tag.clone();
    assert!(screen(&app).contains(&tag), "the Assets tab shows its first asset");

    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.pane::<VettingPane>().engagement, Some(open));
    assert!(!app.pane::<VettingPane>().rows.is_empty());

    // Another engagement opened from the list: the panes follow it when shown again.
    press(&mut app, KeyCode::Char('1'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Enter);
    let other = app.session.current.as_ref().map(|e| e.id).expect("open");
    assert_ne!(other, open);
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.pane::<AssetPane>().engagement, Some(other));
    assert!(app.pane::<AssetPane>().all.iter().all(|a| a.engagement_id == other));
}

/// The workbench reads the workspace while the key table is still being prepared, and is given the table before
/// its first frame: what it loads must not depend on the keys, so its first frame is the one it would draw had it
/// had the table from the start, hints included.
#[test]
fn the_first_frame_does_not_depend_on_the_keys_being_there_while_loading() {
    let mut with_keys = over_demo(App::new);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 1, 15).expect("date");
    let mut keys_later =
        App::new(common::workspace::demo_store(), Keymap::default(), Theme::plain(), today).expect("app");
    keys_later.keymap = Keymap::default_map();
    assert_eq!(frame(&mut keys_later), frame(&mut with_keys));
    // Every tab, each loaded as it is shown.
    for tab in ['1', '2', '3', '4', '5', '6', '7'] {
        common::press(&mut with_keys, KeyCode::Char(tab));
        common::press(&mut keys_later, KeyCode::Char(tab));
        assert_eq!(frame(&mut keys_later), frame(&mut with_keys), "tab {tab}");
    }
}

/// The first frame waits on the engagement it shows and not on the list of all of them (which the Overview does not
/// draw): the workbench opens with that engagement alone in its list, draws, and reads the rest of the list before
/// any key. Both frames are the ones the workbench draws with everything read, and so is the list's tab after it.
#[test]
fn the_first_frame_waits_on_one_engagement_and_the_list_is_read_after_it() {
    let ids = |app: &App| app.session.engagements.iter().map(|e| e.id).collect::<Vec<_>>();
    let mut whole = over_demo(App::new);
    let mut opening = over_demo(App::opening);
    let current = whole.session.current_id().expect("the demo opens an engagement");
    assert!(whole.session.engagements.len() > 1, "the demo holds several engagements");
    assert_eq!(opening.session.current_id(), Some(current), "both open on the same engagement");
    assert_eq!(ids(&opening), vec![current], "only the engagement shown is read before the first frame");
    assert_eq!(frame(&mut opening), frame(&mut whole), "the first frame");

    opening.finish_opening().expect("the rest");
    assert_eq!(ids(&opening), ids(&whole), "the whole list, in its order");
    assert_eq!(frame(&mut opening), frame(&mut whole), "the frame after the list is read");
    for tab in ['1', 'j', '2'] {
        common::press(&mut whole, KeyCode::Char(tab));
        common::press(&mut opening, KeyCode::Char(tab));
        assert_eq!(frame(&mut opening), frame(&mut whole), "after {tab}");
    }
}
