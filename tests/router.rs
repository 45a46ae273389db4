//! What the router does around a pane: a failure after the edit was kept is not reported as "not saved".

mod common;

use assay::app::{Action, Overlay, Tab};
use common::{demo_app, keys, screen};

#[test]
fn a_save_kept_but_not_read_back_says_saved_and_does_not_invite_a_second_save() {
    let mut app = demo_app(120, 40);
    // Every new risk is made unreadable right after it is written: the write is kept, reading the register back
    // fails.
    app.store
        .conn()
        .execute_batch(
            "CREATE TEMP TRIGGER spoil AFTER INSERT ON main.risk BEGIN
               UPDATE risk SET title = x'00ff' WHERE id = NEW.id;
             END;",
        )
        .expect("trigger");
    let risks_before: i64 = app.store.conn().query_row("SELECT count(*) FROM risk", [], |r| r.get(0)).expect("n");
    app.update(Action::Tab4).expect("risks");
    assert_eq!(app.tab, Tab::Risks);
    app.update(Action::Add).expect("new risk");
    keys(&mut app, "Courier loses backup tapes");
    // The likelihood (two fields on) and the confidentiality impact (the next one), as the register needs them.
    app.update(Action::NextField).expect("field");
    app.update(Action::NextField).expect("field");
    keys(&mut app, "4");
    app.update(Action::NextField).expect("field");
    app.update(Action::ClearField).expect("clear");
    keys(&mut app, "5");
    app.update(Action::Submit).expect("save");

    let risks_after: i64 = app.store.conn().query_row("SELECT count(*) FROM risk", [], |r| r.get(0)).expect("n");
    assert_eq!(risks_after, risks_before + 1, "the risk was written once: {:?} {:?}", app.toast, app.overlay.is_some());
    assert!(!matches!(app.overlay, Some(Overlay::Form(_))), "the form is not reopened for a second save");
    let shown = screen(&app);
    assert!(shown.contains("Saved, but the screen could not be brought up to date"), "{shown}");
    assert!(!shown.contains("Not saved"), "{shown}");
    assert!(!app.should_quit, "the workbench goes on");
}

#[test]
fn a_failure_outside_any_pane_is_shown_and_the_workbench_goes_on() {
    let mut app = demo_app(120, 40);
    // The history can no longer be read: opening a record's history fails in the router itself.
    app.store.conn().execute_batch("ALTER TABLE audit_log RENAME TO audit_log_gone").expect("rename");
    app.update(Action::Tab4).expect("risks");
    let result = assay::tui::dispatch(&mut app, Action::History);
    assert!(result.is_ok(), "the event loop goes on: {result:?}");
    assert!(!app.should_quit);
    let toast = app.toast.clone().expect("a message");
    assert!(toast.error && toast.text.contains("audit_log"), "{toast:?}");
    // And the next key still works.
    assay::tui::dispatch(&mut app, Action::Tab1).expect("next key");
    assert_eq!(app.tab, Tab::Engagements);
}
