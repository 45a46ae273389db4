//! Hostile conditions around the workspace file itself, kept as fixtures: plaintext left behind by encryption,
//! neighbouring workspaces' backups, symbolic and hard links to the workspace, links planted where assay writes,
//! forged and cut histories, planted triggers, FIFOs and empty files at the workspace path.

mod common;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};

use assay::store::{Store, backup, lock};
use common::bin::{arg, assay_with_passphrase, command, text};
use common::workspace::{demo_at, names_in, rows};

const PASS: &str = "correct horse battery";

fn is_plain(p: &Path) -> bool {
    std::fs::read(p).expect("read").starts_with(b"SQLite format 3\0")
}

fn holds(p: &Path, needle: &[u8]) -> bool {
    std::fs::read(p).expect("read").windows(needle.len()).any(|w| w == needle)
}

// H1 ---------------------------------------------------------------------------------------------------------------

#[test]
fn encrypt_encrypts_the_backups_and_lists_the_plaintext_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
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

    let out = assay_with_passphrase(dir.path(), &["encrypt", "--db", arg(&path)], Some(PASS));
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
    demo_at(&path, None);
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).expect("mkdir");
    std::fs::write(reports.join("a.html"), "<p>Payroll</p>").expect("report");
    let out = assay_with_passphrase(dir.path(), &["encrypt", "--remove-outputs", "--db", arg(&path)], Some(PASS));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("1 removed"), "{}", text(&out.stderr));
    assert!(names_in(&reports).is_empty());
}

#[test]
fn encrypt_finds_the_workbench_reports_where_they_were_written_and_nothing_else() {
    // Failed before: the workbench writes reports to the folder it was started from (or `reports_dir`), and
    // encrypt looked only in `reports/` beside the workspace, so those plaintext reports were never named.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let ours = ["payroll-processing-finance-report-2026-11-30.html", "payroll-processing-finance-2026-11-30.json"];
    let others = ["holiday-photos-2026-11-30.json", "payroll-processing-finance-notes.md", "budget.xlsx"];
    for name in ours.iter().chain(&others) {
        std::fs::write(dir.path().join(name), "Payroll").expect("write");
    }
    let out = assay_with_passphrase(dir.path(), &["encrypt", "--remove-outputs", "--db", arg(&path)], Some(PASS));
    let err = text(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("2 reports and exports of this workspace are not encrypted"), "{err}");
    assert!(err.contains("2 removed"), "{err}");
    for name in ours {
        assert!(!dir.path().join(name).exists(), "{name} was left in plaintext");
    }
    for name in others {
        assert!(dir.path().join(name).exists(), "{name} is not assay's and must be kept");
    }
}

#[test]
fn an_encrypted_workspace_is_never_backed_up_in_plaintext() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let store = demo_at(&path, Some(PASS));
    let b = backup::rotate(&store, "20261101-000000", 5).expect("backup").expect("made");
    assert!(!is_plain(&b));
    #[cfg(unix)]
    assert_eq!(std::fs::metadata(&b).expect("meta").permissions().mode() & 0o777, 0o600);
}

// M6 ---------------------------------------------------------------------------------------------------------------

#[test]
fn rotation_never_touches_the_backups_of_a_workspace_with_a_longer_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let w = dir.path().join("w.db");
    let old = dir.path().join("w-old.db");
    demo_at(&w, None);
    demo_at(&old, None);
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

#[cfg(unix)]
#[test]
fn encrypting_through_a_symlink_encrypts_the_real_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir(dir.path().join("real")).expect("mkdir");
    let real = dir.path().join("real/assay.db");
    demo_at(&real, None);
    let link = dir.path().join("link.db");
    std::os::unix::fs::symlink(&real, &link).expect("symlink");
    let out = assay_with_passphrase(dir.path(), &["encrypt", "--db", arg(&link)], Some(PASS));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(std::fs::symlink_metadata(&link).expect("meta").file_type().is_symlink(), "the link stays a link");
    assert!(!is_plain(&real), "the real file is encrypted");
    assert!(!holds(&real, b"Payroll"));
    assert!(Store::open_with_key(&link, "t", Some(PASS)).is_ok());
}

// M7 ---------------------------------------------------------------------------------------------------------------

#[cfg(unix)]
#[test]
fn the_lock_names_its_holder_alone_whatever_the_last_one_left() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let lock_file = lock::lock_path(&path);
    // A longer note than ours, as a holder with a longer pid (or an older assay) leaves it.
    std::fs::write(&lock_file, format!("pid 4194304 since 1999-01-01 00:00 and more{}", " ".repeat(200)))
        .expect("plant");
    let held = lock::acquire(&path).expect("lock");
    let note = std::fs::read_to_string(&lock_file).expect("read");
    let mine = format!("pid {} since ", std::process::id());
    assert!(note.starts_with(&mine) && note.len() == mine.len() + "YYYY-MM-DD HH:MM".len(), "{note:?}");
    let err = lock::acquire(&path).expect_err("held");
    assert!(err.contains(&format!("({})", note)), "{err}");
    drop(held);
}

#[cfg(unix)]
#[test]
fn the_lock_holds_the_file_whatever_name_reaches_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
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
    let out =
        assay_with_passphrase(dir.path(), &["import", "--db", arg(&hard), arg(&dir.path().join("none.json"))], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("open in another assay"), "{}", text(&out.stderr));
    drop(held);
}

// L3 ---------------------------------------------------------------------------------------------------------------

#[cfg(unix)]
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

#[cfg(unix)]
#[test]
fn a_planted_backups_symlink_receives_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("backups")).expect("symlink");
    let store = Store::open(&path, "t").expect("open");
    let err = backup::rotate(&store, "20261101-000000", 5).expect_err("refused");
    assert!(err.contains("symbolic link"), "{err}");
    assert!(names_in(&elsewhere).is_empty());
}

// M4 ---------------------------------------------------------------------------------------------------------------

fn head_of(out: &Output) -> String {
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.starts_with("history head: ")).expect("a head line");
    line["history head: ".len()..].split_whitespace().next().expect("head").to_string()
}

/// Rewrites every entry's hash from `from` on, as someone who knows the (public) hash recipe would.
fn recompute_chain(conn: &rusqlite::Connection) {
    type Entry =
        (i64, String, String, String, String, i64, Option<String>, Option<String>, Option<String>, Option<Vec<u8>>);
    let all: Vec<Entry> = rows(
        conn,
        "SELECT id, at, assessor, action, table_name, row_id, field, old_value, new_value, row_uuid FROM audit_log \
         ORDER BY id",
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
                r.get(9)?,
            ))
        },
    );
    let mut prev = assay::store::GENESIS_HASH.to_string();
    for (id, at, who, action, table, row, field, old, new, uuid) in all {
        let uuid = uuid.and_then(|b| uuid::Uuid::from_slice(&b).ok());
        let h = assay::store::entry_hash(
            &prev,
            &at,
            &who,
            &action,
            &table,
            assay::store::EntryRow { id: row, uuid: uuid.as_ref() },
            field.as_deref(),
            old.as_deref(),
            new.as_deref(),
        );
        conn.execute("UPDATE audit_log SET prev_hash = ?1, hash = ?2 WHERE id = ?3", rusqlite::params![prev, h, id])
            .expect("rewrite");
        prev = h;
    }
}

#[test]
fn a_history_cut_back_is_caught_by_the_anchored_head() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let mut store = Store::open(&path, "t").expect("open");
    let before = assay::store::history::head(store.conn()).expect("head");
    assay::store::engagements::create_in(&mut store, "Late addition").expect("create");
    drop(store);
    let ok = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let anchored = head_of(&ok);
    assert!(anchored.starts_with(&format!("{}:", before.count + 1)), "{anchored}");
    assert!(
        assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", &anchored], None).status.success()
    );

    // Cut the last entry together with the row it created: the chain alone still checks out…
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute_batch(
        "DELETE FROM engagement WHERE name = 'Late addition';
         DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log);",
    )
    .expect("cut");
    drop(raw);
    assert!(
        assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None).status.success(),
        "undetectable from inside"
    );
    // …but not against the head kept outside the file.
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", &anchored], None);
    assert_eq!(out.status.code(), Some(4));
    assert!(text(&out.stdout).contains("cut short"), "{}", text(&out.stdout));
    // The earlier head is still in the history, unchanged.
    assert!(
        assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", &before.to_string()], None)
            .status
            .success()
    );
}

#[test]
fn a_recomputed_chain_is_caught_by_the_anchored_head_and_backwards_times_are_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let anchored = head_of(&assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None));
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("UPDATE audit_log SET at = '2001-01-01T00:00:00Z' WHERE id = 20", []).expect("backdate");
    recompute_chain(&raw);
    drop(raw);
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", &anchored], None);
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("no longer the one anchored"), "{stdout}");
    assert!(stdout.contains("history entry #20 is dated 2001-01-01T00:00:00Z, before"), "{stdout}");
    // A head that is not COUNT:HASH is a usage error.
    assert!(
        assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", "12:zz"], None).status.code()
            == Some(2)
    );
}

#[test]
fn a_forged_entry_in_an_encrypted_workspace_lacks_the_seal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let store = demo_at(&path, Some(PASS));
    drop(store);
    assert!(assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], Some(PASS)).status.success());
    // Someone who can write the pages appends an entry chained to the last hash, by the public recipe.
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.pragma_update(None, "key", PASS).expect("key");
    let (id, last): (i64, String) = raw
        .query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("last");
    let at = "2026-11-30T10:00:00Z";
    let h = assay::store::entry_hash(
        &last,
        at,
        "mallory",
        "update",
        "risk",
        assay::store::EntryRow { id: 1, uuid: None },
        Some("title"),
        Some("a"),
        Some("b"),
    );
    raw.execute(
        "INSERT INTO audit_log (at, assessor, action, table_name, row_id, field, old_value, new_value, prev_hash, \
         hash, created_at, updated_at) VALUES (?1, 'mallory', 'update', 'risk', 1, 'title', 'a', 'b', ?2, ?3, ?1, ?1)",
        rusqlite::params![at, last, h],
    )
    .expect("forge");
    drop(raw);
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], Some(PASS));
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&format!("history entry #{} ", id + 1)) && stdout.contains("seal"), "{stdout}");
}

#[test]
fn entry_times_never_go_backwards_even_when_the_clock_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db"), "t").expect("open");
    store.set_fixed_now(Some("2026-11-23T09:00:00Z"));
    assay::store::engagements::create_in(&mut store, "First").expect("create");
    store.set_fixed_now(Some("2026-01-01T00:00:00Z"));
    assay::store::engagements::create_in(&mut store, "Second").expect("create");
    let last: String =
        store.conn().query_row("SELECT at FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| r.get(0)).expect("at");
    assert_eq!(last, "2026-11-23T09:00:00Z");
    assert!(assay::store::verify::verify(store.conn()).expect("verify").is_clean());
}

// L5, L6 -----------------------------------------------------------------------------------------------------------

#[test]
fn a_planted_trigger_is_refused_at_open_and_named_by_verify() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute_batch(
        "CREATE TRIGGER wipe AFTER UPDATE ON engagement BEGIN DELETE FROM audit_log; END;
         ALTER TABLE risk ADD COLUMN planted TEXT;
         PRAGMA wal_checkpoint(TRUNCATE);",
    )
    .expect("plant");
    drop(raw);
    let bytes = std::fs::read(&path).expect("read");
    let err = match Store::open(&path, "t") {
        Err(e) => e.to_string(),
        Ok(_) => panic!("opened a workspace with a planted trigger"),
    };
    assert!(err.contains("trigger “wipe”") && err.contains("“planted”") && err.contains("untouched"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "untouched");
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None);
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("schema: an extra trigger “wipe” on engagement"), "{stdout}");
    assert!(stdout.contains("extra columns “planted”"), "{stdout}");
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "verify changed nothing");
}

#[test]
fn row_stamps_are_checked_against_the_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("UPDATE risk SET created_at = '2020-01-01T00:00:00Z' WHERE id = 2", []).expect("tamper");
    raw.execute("UPDATE provider SET updated_at = '2030-01-01T00:00:00Z' WHERE id = 1", []).expect("tamper");
    drop(raw);
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None);
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("risk #2: created_at is “2020-01-01T00:00:00Z”"), "{stdout}");
    assert!(stdout.contains("provider #1: updated_at is “2030-01-01T00:00:00Z”"), "{stdout}");
}

// L7, L8, L9, L10, L11 ---------------------------------------------------------------------------------------------

#[test]
fn encrypt_flag_on_an_existing_file_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    std::fs::write(&path, b"").expect("empty file");
    let out = assay_with_passphrase(dir.path(), &["--encrypt", "--db", arg(&path)], Some(PASS));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("assay encrypt"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&path).expect("read").len(), 0);
}

#[test]
fn a_short_passphrase_is_refused_unless_allowed_out_loud() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let bytes = std::fs::read(&path).expect("read");
    let out = assay_with_passphrase(dir.path(), &["encrypt", "--db", arg(&path)], Some("p"));
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("too short") && text(&out.stderr).contains("12"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    let out = command(dir.path(), &["encrypt", "--db", arg(&path)])
        .env("ASSAY_PASSPHRASE", "p")
        .env("ASSAY_ALLOW_WEAK_PASSPHRASE", "1")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("ASSAY_ALLOW_WEAK_PASSPHRASE"), "{}", text(&out.stderr));
}

#[test]
fn a_partial_rekey_copy_is_removed_at_the_next_start() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let partial = dir.path().join("w.db.rekey");
    std::fs::write(&partial, b"SQLite format 3\0 half a plaintext copy").expect("partial");
    let out =
        assay_with_passphrase(dir.path(), &["import", "--db", arg(&path), arg(&dir.path().join("missing.json"))], None);
    assert!(text(&out.stderr).contains("partial copy"), "{}", text(&out.stderr));
    assert!(!partial.exists());
}

#[test]
fn demo_force_never_replaces_an_encrypted_or_open_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let enc = dir.path().join("enc.db");
    let mut store = Store::open_with_key(&enc, "t", Some(PASS)).expect("create");
    assay::store::engagements::create_in(&mut store, "Secret").expect("create");
    drop(store);
    let bytes = std::fs::read(&enc).expect("read");
    let out = assay_with_passphrase(dir.path(), &["demo", "--force", "--out", arg(&enc)], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("encrypted"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&enc).expect("read"), bytes);

    let open = dir.path().join("open.db");
    demo_at(&open, None);
    let bytes = std::fs::read(&open).expect("read");
    let held = lock::acquire(&open).expect("lock");
    let out = assay_with_passphrase(dir.path(), &["demo", "--force", "--out", arg(&open)], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("open in another assay"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read(&open).expect("read"), bytes);
    drop(held);
}

#[test]
fn read_only_commands_never_create_or_change_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    // An empty file is not turned into a workspace.
    let empty = dir.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    for args in [
        vec!["verify", "--db", arg(&empty)],
        vec!["report", "--db", arg(&empty), "x"],
        vec!["export", "--db", arg(&empty)],
        vec!["backup", "--db", arg(&empty), arg(&dir.path().join("copy.db"))],
    ] {
        let out = assay_with_passphrase(dir.path(), &args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("is empty"), "{args:?}: {}", text(&out.stderr));
    }
    assert_eq!(names_in(dir.path()), vec!["empty.db"]);
    assert_eq!(std::fs::metadata(&empty).expect("meta").len(), 0);

    // A workspace: verified, reported and exported, byte for byte as it was, no file added beside it.
    let sub = dir.path().join("ws");
    std::fs::create_dir(&sub).expect("mkdir");
    let path = sub.join("w.db");
    demo_at(&path, None);
    let bytes = std::fs::read(&path).expect("read");
    let before = names_in(&sub);
    assert!(assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None).status.success());
    assert!(assay_with_passphrase(dir.path(), &["export", "--db", arg(&path)], None).status.success());
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
    assert_eq!(names_in(&sub), before);
}

#[test]
fn a_fifo_at_the_workspace_path_is_refused_not_hung_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let fifo = dir.path().join("w.db");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    for args in [vec!["verify", "--db", arg(&fifo)], vec!["import", "--db", arg(&fifo), "x.json"]] {
        let mut child = command(dir.path(), &args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        let started = std::time::Instant::now();
        let status = loop {
            if let Some(st) = child.try_wait().expect("wait") {
                break Some(st);
            }
            if started.elapsed() > std::time::Duration::from_secs(20) {
                let _ = child.kill();
                break None;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let out = child.wait_with_output().expect("output");
        assert_eq!(status.and_then(|s| s.code()), Some(1), "{args:?} hung or passed: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains("not a regular file"), "{args:?}: {}", text(&out.stderr));
    }
}

#[test]
fn reports_and_exports_carry_the_history_head_that_verify_checks() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let head = head_of(&assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None));
    let report = assay_with_passphrase(dir.path(), &["report", "--db", arg(&path), "1"], None);
    assert!(text(&report.stdout).contains(&format!("History head {head}.")), "{}", text(&report.stdout));
    let assets = assay_with_passphrase(dir.path(), &["report", "--db", arg(&path), "assets", "1"], None);
    assert!(text(&assets.stdout).contains(&format!("History head: {head}")));
    let json = assay_with_passphrase(dir.path(), &["export", "--db", arg(&path)], None);
    assert!(text(&json.stdout).contains(&format!("\"history_head\": \"{head}\"")));
    let csv_dir = dir.path().join("csv");
    assert!(
        assay_with_passphrase(
            dir.path(),
            &["export", "1", "--format", "csv", "--db", arg(&path), "--out", arg(&csv_dir)],
            None
        )
        .status
        .success()
    );
    assert!(std::fs::read_to_string(csv_dir.join("history_head.csv")).expect("csv").contains(&head));
    // A bundle carrying a head imports as before.
    let bundle = dir.path().join("b.json");
    std::fs::write(&bundle, &json.stdout).expect("write");
    let other = dir.path().join("other.db");
    let out = assay_with_passphrase(dir.path(), &["import", "--db", arg(&other), arg(&bundle)], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path), "--head", &head], None).status.success());
}

#[test]
fn an_encrypted_workspace_from_before_the_seals_is_sealed_when_upgraded() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v4.db");
    {
        // An encrypted workspace as schema step 4 wrote it, with one recorded entry and its row.
        let mut c = rusqlite::Connection::open(&path).expect("raw open");
        c.pragma_update(None, "key", PASS).expect("key");
        assay::store::migrations::migrations().to_version(&mut c, 4).expect("to v4");
        let at = "2025-01-01T00:00:00Z";
        let row = format!(
            r#"{{"business_owner":null,"created_at":"{at}","id":1,"name":"Legacy","objective":null,"phase":"pre","planned_end":null,"scope":null,"service":null,"start_date":null,"status":"active","updated_at":"{at}"}}"#
        );
        let h = assay::store::entry_hash(
            assay::store::GENESIS_HASH,
            at,
            "t",
            "insert",
            "engagement",
            assay::store::EntryRow { id: 1, uuid: None },
            None,
            None,
            Some(&row),
        );
        c.execute_batch(&format!("PRAGMA application_id = {};", assay::store::APPLICATION_ID)).expect("id");
        c.execute("INSERT INTO engagement (id, name, created_at, updated_at) VALUES (1, 'Legacy', ?1, ?1)", [at])
            .expect("row");
        c.execute(
            "INSERT INTO audit_log (at, assessor, action, table_name, row_id, new_value, prev_hash, hash, created_at, \
             updated_at) VALUES (?1, 't', 'insert', 'engagement', 1, ?2, ?3, ?4, ?1, ?1)",
            rusqlite::params![at, row, assay::store::GENESIS_HASH, h],
        )
        .expect("entry");
    }
    let store = Store::open_with_key(&path, "t", Some(PASS)).expect("upgrade");
    let report = assay::store::verify::verify_with(
        store.conn(),
        assay::store::verify::Options { chain_key: store.chain_key().copied(), ..Default::default() },
    )
    .expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings);
    let sealed: i64 =
        store.conn().query_row("SELECT count(*) FROM audit_log WHERE mac IS NOT NULL", [], |r| r.get(0)).expect("n");
    assert_eq!(sealed, 1);
}

#[test]
fn a_damaged_index_is_reported_by_the_integrity_check_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    demo_at(&path, None);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    let other: i64 = raw
        .query_row("SELECT rootpage FROM sqlite_master WHERE name = 'criterion_engagement'", [], |r| r.get(0))
        .expect("root");
    raw.execute_batch(&format!(
        "PRAGMA writable_schema = ON;
         UPDATE sqlite_master SET rootpage = {other} WHERE name = 'provider_engagement';
         PRAGMA writable_schema = OFF;"
    ))
    .expect("swap an index's pages");
    drop(raw);
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], None);
    assert_eq!(out.status.code(), Some(4));
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("SQLite integrity check:"), "{stdout}");
    assert!(stdout.contains("missing from index provider_engagement"), "{stdout}");
    assert!(!stdout.contains("history entry") && !stdout.contains("schema:"), "only the integrity check: {stdout}");
}
