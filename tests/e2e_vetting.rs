//! End to end: the real binary in tmux vets a provider's team member by member, and the database holds each check.

mod common;
mod tmux;

use common::workspace::rows;
use tmux::Tmux;

#[test]
fn vet_a_team_from_the_keyboard_and_find_every_check_in_the_database() {
    let (_dir, db, t) = Tmux::start_fresh("vetting");
    t.create_first_engagement("Service desk");
    t.add_provider("Fabrikam");

    t.send(&["5"]);
    t.wait_for("No team members recorded for this provider");
    t.send(&["a"]);
    t.wait_for("New member of Fabrikam");
    t.type_text("Ana Souza");
    t.send(&["Tab"]);
    t.type_text("Service desk lead");
    t.send(&["Enter"]);
    t.wait_for("Ana Souza added to Fabrikam");
    // References: two came back, then passed; then every other check passes.
    t.type_text("++");
    t.wait_for("2 references received");
    t.type_text("p");
    t.wait_for("References passed");
    t.type_text("pppp");
    t.wait_for("Identity document passed");
    // Credit is forbidden by local law here: the note is asked for.
    t.type_text("n");
    t.wait_for("Credit check not permitted by local law");
    t.type_text("Consumer credit act forbids it");
    t.send(&["C-s"]); // a long text: Enter would start a new line
    t.wait_for("Credit check not permitted by law (reason recorded)");
    t.type_text("p");
    t.wait_for("1/1 cleared (100 %)");
    // The member's detail hides the private note until r.
    t.send(&["i"]);
    t.wait_for("hidden — press r to reveal");
    t.send(&["r"]);
    t.wait_for("Consumer credit act forbids it");
    t.send(&["Escape"]);
    t.wait_for("[Checks]");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let rows: Vec<(String, String, Option<i64>, Option<String>)> =
        rows(&conn, "SELECT kind, status, reference_count, note FROM vetting_check ORDER BY id", |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        });
    assert_eq!(rows.len(), 7, "{rows:?}");
    assert_eq!(rows[0], ("references".into(), "passed".into(), Some(2), None));
    let credit = rows.iter().find(|r| r.0 == "credit").expect("credit");
    assert_eq!((credit.1.as_str(), credit.3.as_deref()), ("not_permitted", Some("Consumer credit act forbids it")));
    assert!(rows.iter().filter(|r| r.0 != "credit").all(|r| r.1 == "passed"));
}
