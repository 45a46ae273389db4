//! End to end: the real binary in tmux deletes a risk, brings it back with `u`, deletes it again with Ctrl-R and
//! back once more; the database holds the risk as it was, and `assay verify` finds the history whole.

mod tmux;

use tmux::Tmux;

#[test]
fn a_deleted_risk_comes_back_with_u_in_the_real_workbench() {
    let (dir, db, t) = Tmux::start_fresh("undo");
    t.create_first_engagement("Managed SOC");
    t.send(&["4"]);
    t.wait_for("No risks yet");
    t.add_risk("Provider analysts can read mailboxes", "4", "5");

    t.send(&["d"]);
    t.wait_for("Delete the risk");
    t.wait_for("u undoes it");
    t.send(&["y"]);
    t.wait_for("No risks yet");
    t.send(&["u"]);
    t.wait_for("Undone: deleted risk “Provider analysts can read mailboxes”");
    t.wait_gone("No risks yet");
    t.send(&["C-r"]);
    t.wait_for("Redone: deleted risk");
    t.wait_for("No risks yet");
    t.send(&["u"]);
    t.wait_for("Undone: deleted risk");
    t.send(&["q"]);
    t.wait_exit();

    let conn = rusqlite::Connection::open(&db).expect("open");
    let title: String = conn.query_row("SELECT title FROM risk", [], |r| r.get(0)).expect("the risk is back");
    assert_eq!(title, "Provider analysts can read mailboxes");
    let deletes: i64 = conn
        .query_row("SELECT count(*) FROM audit_log WHERE table_name = 'risk' AND action = 'delete'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(deletes, 2, "both deletes are in the history, and so are both restores");
    drop(conn);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(["--db", db.to_str().expect("utf8"), "verify"])
        .current_dir(dir.path())
        .output()
        .expect("verify");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
