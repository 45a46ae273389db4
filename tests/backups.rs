//! Automatic backups off the start path: taken in the background after the first frame (and at quit), only when
//! the workspace changed since the newest one, bounded by count and total size, encrypted with the workspace,
//! 0600, and a failure shown in the workbench.

mod common;
mod tmux;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::atomic::AtomicBool;

use assay::store::backup::{self, Bounds, Outcome};
use assay::store::{Store, engagements};
use common::workspace::{demo_at, names_in};
use tmux::Tmux;

fn take(path: &Path, key: Option<&str>, keep: usize, stamp: &str) -> Outcome {
    backup::take_if_changed(path, key, Bounds::new(keep), stamp, &AtomicBool::new(false))
}

#[test]
fn a_backup_is_taken_only_when_the_workspace_changed_since_the_newest() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let mut store = demo_at(&path, None);
    let first = take(&path, None, 5, "20261101-000000");
    assert!(matches!(&first, Outcome::Taken(p) if p.ends_with("w-20261101-000000.db")), "{first:?}");
    assert_eq!(take(&path, None, 5, "20261102-000000"), Outcome::Unchanged);
    engagements::create_in(&mut store, "One more").expect("create");
    assert!(matches!(take(&path, None, 5, "20261103-000000"), Outcome::Taken(_)));
    let names = backup::of_workspace(&path).expect("list");
    assert_eq!(names.len(), 2);
    for b in &names {
        #[cfg(unix)]
        assert_eq!(std::fs::metadata(b).expect("meta").permissions().mode() & 0o777, 0o600);
        let copy = Store::open(b, "t").expect("a backup opens");
        assert!(assay::store::verify::verify(copy.conn()).expect("verify").is_clean());
    }
}

#[test]
fn backups_stay_within_their_count_and_three_times_the_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let mut store = demo_at(&path, None);
    for day in 1..=6 {
        engagements::create_in(&mut store, &format!("Change {day}")).expect("create");
        let o = take(&path, None, 5, &format!("202611{day:02}-000000"));
        assert!(matches!(o, Outcome::Taken(_)), "{o:?}");
    }
    let size = store
        .conn()
        .query_row("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", [], |r| r.get::<_, i64>(0))
        .expect("size") as u64;
    let kept = backup::of_workspace(&path).expect("list");
    let total: u64 = kept.iter().map(|b| std::fs::metadata(b).expect("meta").len()).sum();
    assert!(kept.len() <= 5 && total <= 3 * size, "{} backups, {total} bytes for a {size}-byte workspace", kept.len());
    assert!(kept.last().expect("newest").ends_with("w-20261106-000000.db"), "the newest is kept");
    // Count bound on its own.
    let kept_two = {
        engagements::create_in(&mut store, "Another").expect("create");
        take(&path, None, 2, "20261120-000000");
        backup::of_workspace(&path).expect("list")
    };
    assert_eq!(kept_two.len(), 2);
}

#[test]
fn an_encrypted_workspace_gets_encrypted_backups_and_a_stopped_one_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let pass = "correct horse battery";
    drop(demo_at(&path, Some(pass)));
    let Outcome::Taken(b) = take(&path, Some(pass), 5, "20261101-000000") else { panic!("not taken") };
    assert!(!std::fs::read(&b).expect("read").starts_with(b"SQLite format 3\0"));
    assert!(Store::open_with_key(&b, "t", Some(pass)).is_ok());
    std::fs::remove_file(&b).expect("rm");
    let stopped = backup::take_if_changed(&path, Some(pass), Bounds::new(5), "20261102-000000", &AtomicBool::new(true));
    assert_eq!(stopped, Outcome::Stopped);
    assert!(std::fs::read_dir(backup::folder(&path)).expect("dir").next().is_none(), "no partial file left");
}

#[test]
fn a_failed_backup_is_a_message_not_a_stop() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    drop(demo_at(&path, None));
    std::fs::write(dir.path().join("backups"), "not a folder").expect("plant");
    let o = take(&path, None, 5, "20261101-000000");
    assert!(matches!(&o, Outcome::Failed(m) if m.contains("not a folder")), "{o:?}");
}

#[test]
fn the_workbench_shows_a_failed_backup_and_keeps_working() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    drop(demo_at(&db, None));
    std::fs::write(dir.path().join("backups"), "not a folder").expect("plant");
    let t = Tmux::start("backup-failed", &db, dir.path());
    t.wait_for("Backup failed");
    t.send(&["q"]);
    t.wait_exit();
}

#[test]
fn the_workbench_backs_up_after_its_first_frame_and_not_again_when_nothing_changed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    drop(demo_at(&db, None));
    for _ in 0..2 {
        let t = Tmux::start("backup-bg", &db, dir.path());
        t.wait_for("Payroll");
        let start = std::time::Instant::now();
        while backup::of_workspace(&db).expect("list").is_empty() && start.elapsed().as_secs() < 20 {
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        t.send(&["q"]);
        t.wait_exit();
        std::thread::sleep(std::time::Duration::from_millis(1100)); // a new second, so a new name were one taken
    }
    assert_eq!(backup::of_workspace(&db).expect("list").len(), 1, "the second start had nothing new to back up");
}

#[test]
fn an_edit_made_after_the_background_backup_is_backed_up_at_quit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    drop(demo_at(&db, None));
    let entries = |db: &Path| -> i64 {
        let conn = rusqlite::Connection::open(db).expect("open");
        conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count")
    };
    let before = entries(&db);
    let t = Tmux::start("backup-edit", &db, dir.path());
    t.wait_for("Payroll");
    let start = std::time::Instant::now();
    while backup::of_workspace(&db).expect("list").is_empty() && start.elapsed().as_secs() < 20 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(backup::of_workspace(&db).expect("list").len(), 1, "the background backup");
    std::thread::sleep(std::time::Duration::from_millis(1100)); // a new second, so a new name
    // One edit: a checklist item ticked on the Workflow tab.
    t.send(&["7"]);
    t.wait_for("Phase workflows");
    t.send(&["x"]);
    t.send(&["q"]);
    t.wait_exit();
    assert!(entries(&db) > before, "the edit was made");
    assert_eq!(backup::of_workspace(&db).expect("list").len(), 2, "and backed up at quit");
}

#[test]
fn a_backup_of_a_closed_workspace_leaves_no_journal_files_beside_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    drop(demo_at(&path, None));
    let before = names_in(dir.path());
    assert!(matches!(take(&path, None, 5, "20261101-000000"), Outcome::Taken(_)));
    let mut after = names_in(dir.path());
    after.retain(|n| n != "backups");
    assert_eq!(after, before);
}
