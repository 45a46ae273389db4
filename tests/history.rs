//! The history of the selected record, on screen.

mod common;

use assay::app::Overlay;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

#[test]
fn the_history_of_an_engagement_shows_who_changed_what() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('e'));
    press_mod(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(&mut app, "Payroll (renamed)");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('H'));
    let Some(Overlay::History(h)) = &app.overlay else { panic!("history opens") };
    assert_eq!(h.entries.first().map(|e| e.action.as_str()), Some("insert"));
    let last = h.entries.last().expect("the rename");
    assert_eq!(last.field.as_deref(), Some("name"));
    assert_eq!(last.new.as_deref(), Some("Payroll (renamed)"));
    assert_eq!(last.assessor, "tester");
    insta::assert_snapshot!(render(&app).backend());
    assert!(screen(&app).contains("name: “Payroll processing — Finance” → “Payroll (renamed)”"));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn the_history_of_a_checklist_item_and_of_a_risk() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('7'));
    let ticked = app.pane::<assay::app::WorkflowPane>().cursor.selected;
    press(&mut app, KeyCode::Char(' '));
    app.pane_state::<assay::app::WorkflowPane>().cursor.select(ticked); // a tick moves on: back to the item ticked
    press(&mut app, KeyCode::Char('H'));
    let Some(Overlay::History(h)) = &app.overlay else { panic!("history opens") };
    assert!(h.title.starts_with("checklist item"));
    assert!(h.entries.iter().any(|e| e.field.as_deref() == Some("status")), "{:?}", h.entries);
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Char('H'));
    let Some(Overlay::History(h)) = &app.overlay else { panic!("history opens") };
    assert!(h.title.starts_with("risk "));
    assert_eq!(h.entries.len(), 1, "created by the demo, unchanged since");
}
