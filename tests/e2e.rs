//! End to end: the real binary in tmux, typed at like a person would, then the database read back.

mod tmux;

use tmux::Tmux;

#[test]
fn create_an_engagement_with_keystrokes_then_find_it_in_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let t = Tmux::start("create", &db, dir.path());
    t.wait_for("no engagement yet");
    t.send(&["Enter"]);
    t.wait_for("New engagement");
    t.type_text("Offshore payroll – Kraków");
    t.send(&["Enter"]);
    t.wait_for("Engagement created");
    t.wait_for("Offshore payroll – Kraków");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let (name, phase): (String, String) =
        conn.query_row("SELECT name, phase FROM engagement", [], |r| Ok((r.get(0)?, r.get(1)?))).expect("row");
    assert_eq!(name, "Offshore payroll – Kraków");
    assert_eq!(phase, "pre");
    let audited: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE table_name = 'engagement' AND action = 'insert'", [], |r| {
            r.get(0)
        })
        .expect("audit");
    assert_eq!(audited, 1);
}
