//! Hostile conditions around the workspace file itself, kept as fixtures: plaintext left behind by encryption,
//! neighbouring workspaces' backups, symbolic and hard links to the workspace, links planted where assay writes,
//! forged and cut histories, planted triggers, FIFOs and empty files at the workspace path.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use assay::cli::DemoSize;
use assay::commands::demo::{self, Shape};
use assay::store::{Store, backup, lock};

const PASS: &str = "correct horse battery";

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn demo_at(path: &Path) {
    let mut store = Store::open(path, "tester").expect("open");
    demo::generate(&mut store, Shape::of(DemoSize::Small), today()).expect("demo");
}

fn cli(args: &[&str], dir: &Path, pass: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_assay"));
    c.args(args)
        .current_dir(dir)
        .env("ASSAY_CONFIG", dir.join("none.toml"))
        .env_remove("ASSAY_PASSPHRASE")
        .env_remove("ASSAY_ALLOW_WEAK_PASSPHRASE")
        .stdin(std::process::Stdio::null());
    if let Some(p) = pass {
        c.env("ASSAY_PASSPHRASE", p);
    }
    c.output().expect("run assay")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf8")
}

fn is_plain(p: &Path) -> bool {
    std::fs::read(p).expect("read").starts_with(b"SQLite format 3\0")
}

fn holds(p: &Path, needle: &[u8]) -> bool {
    std::fs::read(p).expect("read").windows(needle.len()).any(|w| w == needle)
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
    v.sort();
    v
}

// H1 ---------------------------------------------------------------------------------------------------------------

#[test]
fn encrypt_encrypts_the_backups_and_lists_the_plaintext_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path);
    let store = Store::open(&path, "t").expect("open");
    for stamp in ["20261101-000000", "20261102-000000"] {
        backup::rotate(&store, stamp, 5).expect("backup");
    }
    drop(store);
    let backups = backup::of_workspace(&path).expect("backups");
    assert_eq!(backups.len(), 2);
    assert!(backups.iter().all(|b| is_plain(b) && holds(b, b"Payroll")), "plaintext before");
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("mkdir");
    std::fs::write(reports.join("payroll-2026-11-23.md"), "Payroll outsourcing report").expect("report");

    let out = cli(&["encrypt", "--db", s(&path)], dir.path(), Some(PASS));
    assert!(out.status.success(), "{}", text(&out.stderr));
    let err = text(&out.stderr);
    assert!(err.contains("2 backups in") && err.contains("encrypted with the same passphrase"), "{err}");
    for b in &backups {
        assert!(!is_plain(b), "{} is still plaintext", b.display());
        assert!(!holds(b, b"Payroll"));
        let copy = Store::open_with_key(b, "t", Some(PASS)).expect("the backup opens with the passphrase");
        assert!(assay::store::verify::verify(copy.conn()).expect("verify").is_clean());
    }
    // Without --remove-outputs and without a terminal: listed and kept.
    assert!(err.contains("payroll-2026-11-23.md") && err.contains("not encrypted") && err.contains("kept"), "{err}");
    assert!(reports.join("payroll-2026-11-23.md").exists());
}

#[test]
fn encrypt_with_remove_outputs_removes_the_plaintext_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path);
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("mkdir");
    std::fs::write(reports.join("a.html"), "<p>Payroll</p>").expect("report");
    let out = cli(&["encrypt", "--remove-outputs", "--db", s(&path)], dir.path(), Some(PASS));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1 removed"), "{}", text(&out.stderr));
    assert!(names_in(&reports).is_empty());
}

#[test]
fn an_encrypted_workspace_is_never_backed_up_in_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let mut store = Store::open_with_key(&path, "t", Some(PASS)).expect("create");
    demo::generate(&mut store, Shape::of(DemoSize::Small), today()).expect("demo");
    let b = backup::rotate(&store, "20261101-000000", 5).expect("backup").expect("made");
    assert!(!is_plain(&b));
    assert_eq!(std::fs::metadata(&b).expect("meta").permissions().mode() & 0o777, 0o600);
}

// M6 ---------------------------------------------------------------------------------------------------------------

#[test]
fn rotation_never_touches_the_backups_of_a_workspace_with_a_longer_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = dir.path().join("w.db");
    let old = dir.path().join("w-old.db");
    demo_at(&w);
    demo_at(&old);
    let other = Store::open(&old, "t").expect("open");
    backup::rotate(&other, "20261101-000000", 5).expect("backup");
    backup::rotate(&other, "20261102-000000", 5).expect("backup");
    let mine = Store::open(&w, "t").expect("open");
    backup::rotate(&mine, "20261103-000000", 1).expect("backup");
    backup::rotate(&mine, "20261104-000000", 1).expect("backup");
    assert_eq!(
        names_in(&backup::folder(&w)),
        vec!["w-20261104-000000.db", "w-old-20261101-000000.db", "w-old-20261102-000000.db"]
    );
    assert!(backup::is_backup_of("w", "w-20261104-000000.db"));
    assert!(!backup::is_backup_of("w", "w-old-20261101-000000.db"));
    assert!(!backup::is_backup_of("w", "w-20261104-000000.db-wal"));
}

// M1 ---------------------------------------------------------------------------------------------------------------

#[test]
fn encrypting_through_a_symlink_encrypts_the_real_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    let real = dir.path().join("real/assay.db");
    demo_at(&real);
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let out = cli(&["encrypt", "--db", s(&link)], dir.path(), Some(PASS));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "the link stays a link");
    assert!(!is_plain(&real), "the real file is encrypted");
    assert!(!holds(&real, b"Payroll"));
    assert!(Store::open_with_key(&link, "t", Some(PASS)).is_ok());
}

// M7 ---------------------------------------------------------------------------------------------------------------

#[test]
fn the_lock_holds_the_file_whatever_name_reaches_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path);
    let hard = dir.path().join("hard.db");
    std::fs::hard_link(&path, &hard).expect("hard link");
    let soft = dir.path().join("soft.db");
    std::os::unix::fs::symlink(&path, &soft).expect("symlink");

    let first = lock::acquire(&path).expect("first");
    let err = lock::acquire(&hard).expect_err("a hard link finds it locked");
    assert!(err.contains("open in another assay"), "{err}");
    let err = lock::acquire(&soft).expect_err("a symlink finds it locked");
    assert!(err.contains("open in another assay"), "{err}");
    drop(first);
    let through_hard = lock::acquire(&hard).expect("free again");
    assert!(lock::acquire(&path).is_err(), "and the other way round");
    drop(through_hard);

    // The real binary: a workbench-like writer (import) is refused through the hard link while the lock is held.
    let held = lock::acquire(&path).expect("held");
    let out = cli(&["import", "--db", s(&hard), s(&dir.path().join("none.json"))], dir.path(), None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("open in another assay"), "{}", text(&out.stderr));
    drop(held);
}

// L3 ---------------------------------------------------------------------------------------------------------------

#[test]
fn a_planted_lock_symlink_is_refused_and_its_target_kept() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious").expect("write");
    std::os::unix::fs::symlink(&victim, dir.path().join("w.db.lock")).expect("symlink");
    let err = lock::acquire(&path).expect_err("refused");
    assert!(err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
}

#[test]
fn a_planted_backups_symlink_receives_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("backups")).expect("symlink");
    let store = Store::open(&path, "t").expect("open");
    let err = backup::rotate(&store, "20261101-000000", 5).expect_err("refused");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(names_in(&elsewhere).is_empty());
}
