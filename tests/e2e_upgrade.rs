//! End to end: the real workbench, started in a terminal on a large workspace written before record identities,
//! converts it with a progress line on stderr before its first frame, and the line's last word stays on the
//! terminal after the workbench hands it back.

mod tmux;

use std::io::Read;

use tmux::Tmux;

#[test]
fn a_large_old_workspace_is_converted_with_progress_on_stderr() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/made-by-schema-6.zip"))
        .expect("fixture");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut bytes = Vec::new();
    zip.by_name("v6-demo-small.db").expect("entry").read_to_end(&mut bytes).expect("read");
    let db = dir.path().join("old.db");
    std::fs::write(&db, bytes).expect("write");
    {
        // Large enough to wait for: 30,000 more notes, as schema 6 held them.
        let mut raw = rusqlite::Connection::open(&db).expect("raw");
        let tx = raw.transaction().expect("tx");
        for i in 0..30_000 {
            tx.execute(
                "INSERT INTO note (engagement_id, text, created_at, updated_at) VALUES (1, ?1, ?2, ?2)",
                rusqlite::params![format!("note {i}"), "2026-11-01T09:00:00Z"],
            )
            .expect("note");
        }
        tx.commit().expect("commit");
    }
    let t = Tmux::start_shell("upgrade", dir.path());
    t.wait_for("bash-");
    t.type_text(&format!("{} --db old.db", env!("CARGO_BIN_EXE_assay")));
    t.send(&["Enter"]);
    t.wait_display("#{alternate_on}", "1");
    t.wait_for("Payroll processing");
    t.send(&["q"]);
    t.wait_display("#{alternate_on}", "0");
    t.wait_for("giving every record a stable identity: 31342 rows, done");
    let raw = rusqlite::Connection::open(&db).expect("raw");
    let version: i64 = raw.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
    assert_eq!(version as usize, assay::store::migrations::latest_version());
    let missing: i64 = raw.query_row("SELECT count(*) FROM note WHERE uuid IS NULL", [], |r| r.get(0)).expect("n");
    assert_eq!(missing, 0);
}
