//! The shell's own rules, each found in field use: dialogs, forms, the too-small screen, toasts, help, layout at
//! 80×24 and mouse clicks.

mod common;

use assay::app::{Overlay, Tab};
use assay::store::engagements;
use common::*;
use ratatui::crossterm::event::KeyCode;

#[test]
fn enter_in_a_destructive_dialog_means_no() {
    let mut app = demo_app(120, 32);
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tab, Tab::Engagements);
    press(&mut app, KeyCode::Char('d'));
    assert!(matches!(app.overlay, Some(Overlay::Confirm(_))));
    let shown = screen(&app);
    assert!(shown.contains("y yes"), "the dialog names the key for yes:\n{shown}");
    assert!(shown.contains("n/Esc/Enter no"), "and the keys for no:\n{shown}");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "Enter closes the dialog");
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), 3, "Enter deletes nothing");
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(engagements::list(app.store.conn()).expect("list").len(), 2, "y deletes");
}
