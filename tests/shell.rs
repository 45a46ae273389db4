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

#[test]
fn the_phase_dialog_never_moves_back_silently() {
    let mut app = demo_app(120, 32);
    let id = app.current.as_ref().expect("current").id;
    // Forward to During through the gate.
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Right);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Contract signed early");
    press(&mut app, KeyCode::Enter);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");
    let before = assay::store::checklist::phase_changes(app.store.conn(), id).expect("changes").len();

    // `p` `p` Enter: `p` fits pre and post, so nothing is picked and the phase stays.
    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pp");
    assert!(screen(&app).contains("type the next letter"), "{}", screen(&app));
    press(&mut app, KeyCode::Enter);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");

    // `pr` picks pre: moving back asks first and needs a reason.
    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pr");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("moving back asks first") };
    assert!(form.title.contains("back"), "{}", form.title);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "no reason, no move");
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");
    press(&mut app, KeyCode::Esc);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "during");

    press(&mut app, KeyCode::Char('p'));
    keys(&mut app, "pr");
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Provider withdrew");
    press(&mut app, KeyCode::Enter);
    assert_eq!(engagements::get(app.store.conn(), id).expect("get").expect("row").phase.as_ref(), "pre");
    let changes = assay::store::checklist::phase_changes(app.store.conn(), id).expect("changes");
    assert_eq!(changes.len(), before + 1, "the move back is recorded");
    let last = changes.last().expect("last");
    assert_eq!((last.from.as_str(), last.to.as_str()), ("during", "pre"));
    assert_eq!(last.reason.as_deref(), Some("Provider withdrew"));
}
