//! End to end: a tender scored in the real binary, then the database read back.

mod common;
mod tmux;

use common::workspace::rows;
use tmux::Tmux;

#[test]
fn add_a_provider_score_its_column_and_select_it() {
    let (_dir, db, t) = Tmux::start_fresh("scorecard");
    t.create_first_engagement("Helpdesk tender");
    t.add_provider("Contoso");
    t.send(&["v", "v"]);
    t.wait_for("[Grid + ranking]");
    t.send(&["i"]);
    t.wait_for("SCORE MODE");
    t.type_text("543");
    t.wait_for("Contoso: 3 on");
    t.send(&["Escape"]);
    t.wait_gone("SCORE MODE");
    t.send(&["s"]);
    t.wait_for("Status of Contoso");
    t.type_text("se"); // `s` alone fits shortlisted and selected
    t.send(&["Tab"]);
    t.type_text("Only bidder");
    // Contoso has no certificate on record: selecting it is an explicit gate override.
    t.send(&["Tab"]);
    t.type_text("y");
    t.send(&["Enter"]);
    t.wait_for("Contoso is now selected");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let scores: Vec<i64> =
        rows(&conn, "SELECT s.score FROM score s JOIN criterion c ON c.id = s.criterion_id ORDER BY c.position", |r| {
            r.get(0)
        });
    assert_eq!(scores, [5, 4, 3]);
    let (status, reason, by): (String, String, String) = conn
        .query_row("SELECT status, decision_reason, decided_by FROM provider", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("provider");
    assert_eq!(status, "selected");
    assert!(reason.starts_with("Gate override (fails: must-have ") && reason.ends_with("): Only bidder"), "{reason}");
    assert!(!by.is_empty());
}
