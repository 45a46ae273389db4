//! The start path waits only for what is on screen: opening an engagement leaves the Vetting and Assets panes,
//! the costliest to load, until they are shown, and showing them loads them for the open engagement.

mod common;

use assay::app::VettingPane;
use common::{demo_app, press, screen};
use ratatui::crossterm::event::KeyCode;

#[test]
fn vetting_and_assets_load_when_shown_not_at_start() {
    let mut app = demo_app(140, 44);
    let open = app.session.current.as_ref().map(|e| e.id).expect("the demo opens an engagement");
    assert!(app.assets.all.is_empty() && app.assets.engagement.is_none(), "assets loaded before they were shown");
    assert!(
        app.pane::<VettingPane>().rows.is_empty() && app.pane::<VettingPane>().engagement.is_none(),
        "the team loaded before it was shown"
    );

    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.assets.engagement, Some(open));
    assert!(!app.assets.all.is_empty());
    let tag = app.assets.all[0].tag.clone();
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
    assert_eq!(app.assets.engagement, Some(other));
    assert!(app.assets.all.iter().all(|a| a.engagement_id == other));
}
