//! Trust: the history accounts for every row, tampering is found, and the cascade map matches the schema.

mod common;

use assay::store::verify::{Finding, verify};
use assay::store::{CASCADES, SET_NULLS, Store, Table, engagements};
use common::bin::{arg, assay, assay_with_passphrase, stderr, stdout};
use common::workspace::{demo_at, rows};
use strum::IntoEnumIterator;

/// The small demo on disk, as `w.db` in a folder of its own.
fn demo_store() -> (tempfile::TempDir, std::path::PathBuf, Store) {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let store = demo_at(&path, None);
    (dir, path, store)
}

#[test]
fn the_cascade_map_matches_the_schema() {
    let store = Store::open_in_memory("t").expect("store");
    let mut cascades = Vec::new();
    let mut nulls = Vec::new();
    for t in Table::iter() {
        let sql = format!("SELECT \"table\", \"from\", on_delete FROM pragma_foreign_key_list('{}')", t.name());
        let fks: Vec<(String, String, String)> = rows(store.conn(), &sql, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)));
        for (parent, column, on_delete) in fks {
            match on_delete.as_str() {
                "CASCADE" => cascades.push((parent, t.name().to_string(), column)),
                "SET NULL" => nulls.push((parent, t.name().to_string(), column)),
                other => panic!("{} {column}: unexpected ON DELETE {other}", t.name()),
            }
        }
    }
    let mut declared: Vec<_> =
        CASCADES.iter().map(|(p, c, f)| (p.name().to_string(), c.name().to_string(), f.to_string())).collect();
    let mut declared_nulls: Vec<_> =
        SET_NULLS.iter().map(|(p, c, f)| (p.name().to_string(), c.name().to_string(), f.to_string())).collect();
    for v in [&mut cascades, &mut nulls, &mut declared, &mut declared_nulls] {
        v.sort();
    }
    assert_eq!(declared, cascades);
    assert_eq!(declared_nulls, nulls);
}

#[test]
fn a_workspace_written_by_assay_verifies_clean_even_after_deletes() {
    let (_dir, _path, mut store) = demo_store();
    let r = verify(store.conn()).expect("verify");
    assert!(r.is_clean(), "{:?}", r.findings);
    assert!(r.entries > 1000 && r.rows > 1000);
    // Deleting an engagement cascades to hundreds of rows and nulls references; the history accounts for all.
    let id = engagements::list(store.conn()).expect("list")[0].id;
    store.write(|w| engagements::delete(w, id)).expect("delete");
    // A team member whose deletion nulls asset holders and backups elsewhere.
    let member: i64 = store
        .conn()
        .query_row("SELECT holder_id FROM asset WHERE holder_id IS NOT NULL LIMIT 1", [], |r| r.get(0))
        .expect("a held asset");
    store.write(|w| w.delete(Table::TeamMember, member)).expect("delete member");
    let r = verify(store.conn()).expect("verify");
    assert!(r.is_clean(), "{:?}", r.findings);
}

#[test]
fn a_row_changed_behind_assays_back_is_named() {
    let (_dir, path, store) = demo_store();
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("UPDATE risk SET likelihood = CASE likelihood WHEN 5 THEN 4 ELSE likelihood + 1 END WHERE id = 3", [])
        .expect("tamper");
    raw.execute(
        "INSERT INTO note (engagement_id, text, created_at, updated_at, uuid) VALUES (1, 'forged', 'x', 'x', \
         randomblob(16))",
        [],
    )
    .expect("forge");
    drop(raw);
    let store = Store::open(&path, "tester").expect("open");
    let r = verify(store.conn()).expect("verify");
    assert!(
        r.findings
            .iter()
            .any(|f| matches!(f, Finding::Changed { table: "risk", row: 3, field, .. } if field == "likelihood")),
        "{:?}",
        r.findings
    );
    assert!(r.findings.iter().any(|f| matches!(f, Finding::Unrecorded { table: "note", .. })), "{:?}", r.findings);
    assert!(r.findings.iter().all(|f| !matches!(f, Finding::BrokenChain { .. })));
    let text = r.findings.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    assert!(text.contains("risk #3: likelihood") && text.contains("changed outside assay"), "{text}");
}

#[test]
fn an_edited_or_removed_history_entry_breaks_the_chain_there() {
    let (_dir, path, store) = demo_store();
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("UPDATE audit_log SET assessor = 'someone else' WHERE id = 40", []).expect("edit entry");
    drop(raw);
    let store = Store::open(&path, "tester").expect("open");
    let r = verify(store.conn()).expect("verify");
    assert!(
        matches!(r.findings.first(), Some(Finding::BrokenChain { entry: 40, why, .. }) if why.contains("edited")),
        "{:?}",
        r.findings.first()
    );
    drop(store);

    let (_dir, path, store) = demo_store();
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("DELETE FROM audit_log WHERE id = 77", []).expect("remove entry");
    drop(raw);
    let store = Store::open(&path, "tester").expect("open");
    let r = verify(store.conn()).expect("verify");
    assert!(
        matches!(r.findings.first(), Some(Finding::BrokenChain { entry: 78, why, .. }) if why.contains("removed")),
        "{:?}",
        r.findings.first()
    );
}

#[test]
fn verify_from_the_command_line() {
    let (dir, path, store) = demo_store();
    drop(store);
    let run = || assay(dir.path(), &["verify", "--db", arg(&path)]);
    let ok = run();
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("intact"));
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute("UPDATE engagement SET name = 'X' WHERE id = 1", []).expect("tamper");
    drop(raw);
    let bad = run();
    assert_eq!(bad.status.code(), Some(4), "verify found a problem");
    assert!(stdout(&bad).contains("engagement #1: name is “X”"));
    assert!(stderr(&bad).contains("failed verification"));
}

#[test]
fn encrypt_refuse_wrong_passphrase_unchanged_then_decrypt() {
    let (dir, path, store) = demo_store();
    drop(store);
    let db = path.to_str().expect("utf8");
    let out = assay_with_passphrase(dir.path(), &["encrypt", "--db", db], Some("correct horse"));
    assert!(out.status.success(), "{}", stderr(&out));
    let bytes = std::fs::read(&path).expect("read");
    assert_ne!(&bytes[..16], b"SQLite format 3\0", "the header is encrypted too");
    assert!(!bytes.windows(b"Payroll".len()).any(|w| w == b"Payroll"), "no plaintext on disk");
    assert!(
        rusqlite::Connection::open(&path)
            .expect("raw")
            .query_row("SELECT count(*) FROM engagement", [], |r| r.get::<_, i64>(0))
            .is_err()
    );

    // No passphrase, then a wrong one: one clear line, nothing else, the file unchanged.
    let none = assay_with_passphrase(dir.path(), &["verify", "--db", db], None);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("give its passphrase"));
    let wrong = assay_with_passphrase(dir.path(), &["verify", "--db", db], Some("wrong"));
    assert_eq!(wrong.status.code(), Some(1));
    let err = stderr(&wrong);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(wrong.stdout.is_empty());
    assert_eq!(std::fs::read(&path).expect("read"), bytes, "untouched");

    // The right one: everything is there and the history still verifies.
    let ok = assay_with_passphrase(dir.path(), &["verify", "--db", db], Some("correct horse"));
    assert!(ok.status.success(), "{}", stderr(&ok));
    let store = Store::open_with_key(&path, "t", Some("correct horse")).expect("open encrypted");
    assert_eq!(engagements::list(store.conn()).expect("list").len(), 3);
    drop(store);

    // An encrypted backup, then decryption back to a plain SQLite file.
    let copy = dir.path().join("copy.db");
    let out =
        assay_with_passphrase(dir.path(), &["backup", "--db", db, copy.to_str().expect("utf8")], Some("correct horse"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(Store::open_with_key(&copy, "t", Some("correct horse")).is_ok());
    assert!(Store::open(&copy, "t").is_err(), "the backup is encrypted as well");
    let out = assay_with_passphrase(dir.path(), &["decrypt", "--db", db], Some("correct horse"));
    assert!(out.status.success(), "{}", stderr(&out));
    let raw = rusqlite::Connection::open(&path).expect("raw");
    let n: i64 = raw.query_row("SELECT count(*) FROM engagement", [], |r| r.get(0)).expect("plain again");
    assert_eq!(n, 3);
}

#[test]
fn a_new_workspace_can_be_created_encrypted() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.db");
    let mut store = Store::open_with_key(&path, "t", Some("pw")).expect("create encrypted");
    engagements::create_in(&mut store, "Secret project").expect("create");
    drop(store);
    assert!(matches!(Store::open(&path, "t"), Err(assay::store::OpenError::NeedsPassphrase(_))));
    let store = Store::open_with_key(&path, "t", Some("pw")).expect("reopen");
    assert_eq!(engagements::list(store.conn()).expect("list")[0].name, "Secret project");
}

#[test]
fn backups_are_consistent_and_rotate() {
    let (dir, path, store) = demo_store();
    for stamp in ["20261101-000000", "20261102-000000", "20261103-000000", "20261104-000000"] {
        assay::store::backup::rotate(&store, stamp, 3).expect("rotate");
    }
    let folder = assay::store::backup::folder(&path);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .expect("dir")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["w-20261102-000000.db", "w-20261103-000000.db", "w-20261104-000000.db"]);
    let copy = Store::open(&folder.join("w-20261104-000000.db"), "t").expect("open backup");
    assert!(verify(copy.conn()).expect("verify").is_clean());
    assert_eq!(engagements::list(copy.conn()).expect("list").len(), 3);
    // A backup never overwrites.
    let err = assay::store::backup::to_file(&store, &folder.join("w-20261104-000000.db")).expect_err("exists");
    assert!(err.contains("exists"));
    drop(dir);
}

#[test]
fn a_second_workbench_on_the_same_workspace_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let first = assay::store::lock::acquire(&path).expect("first lock");
    let err = assay::store::lock::acquire(&path).expect_err("second refused");
    assert!(err.contains("open in another assay") && err.contains(&format!("pid {}", std::process::id())), "{err}");
    drop(first);
    assert!(assay::store::lock::acquire(&path).is_ok(), "free again once the first is gone");
}

/// With the workspace's path, `verify` shares its work between three connections on their own threads; what it finds,
/// and in what order, is what one connection finds alone, and its progress only moves forward, to the end.
#[test]
fn verify_shared_between_connections_finds_what_one_connection_finds() {
    let (_dir, path, store) = demo_store();
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute_batch(
        "UPDATE risk SET likelihood = CASE likelihood WHEN 5 THEN 4 ELSE likelihood + 1 END WHERE id = 3;
         UPDATE asset SET description = 'swapped' WHERE id = 5;
         UPDATE vetting_check SET note = 'rewritten' WHERE id = 7;
         UPDATE engagement SET name = 'renamed' WHERE id = 2;
         DELETE FROM score WHERE id = 4;
         INSERT INTO note (engagement_id, text, created_at, updated_at, uuid)
             VALUES (1, 'forged', 'x', 'x', randomblob(16));
         UPDATE audit_log SET assessor = 'someone else' WHERE id = 60;",
    )
    .expect("tamper");
    drop(raw);
    let store = Store::open(&path, "tester").expect("open");
    let alone = verify(store.conn()).expect("verify alone");
    let mut told: Vec<(u64, u64)> = Vec::new();
    let mut tell = |done: u64, total: u64| told.push((done, total));
    let shared = assay::store::verify::verify_with(
        store.conn(),
        assay::store::verify::Options {
            progress: Some(&mut tell),
            beside: Some((path.clone(), None)),
            ..Default::default()
        },
    )
    .expect("verify shared");
    assert_eq!(shared, alone);
    for table in ["risk", "asset", "vetting_check", "engagement"] {
        assert!(
            shared.findings.iter().any(|f| matches!(f, Finding::Changed { table: t, .. } if *t == table)),
            "{table}: {:?}",
            shared.findings
        );
    }
    assert!(shared.findings.iter().any(|f| matches!(f, Finding::Missing { table: "score", row: 4 })));
    assert!(matches!(shared.findings.first(), Some(Finding::BrokenChain { entry: 60, .. })), "{:?}", shared.findings);
    let (last, total) = *told.last().expect("progress told");
    assert_eq!(last, total, "{told:?}");
    assert!(told.windows(2).all(|w| w[0].0 <= w[1].0 && w[1].0 <= total), "{told:?}");
}

/// A value against the schema's own rules, written behind assay's back, is named with its row, its field and what
/// its history says, by the replay (the integrity check, read-only, leaves those rules to it).
#[test]
fn a_value_against_the_schemas_rules_is_named_by_the_replay() {
    let (dir, path, store) = demo_store();
    drop(store);
    let raw = rusqlite::Connection::open(&path).expect("raw");
    raw.execute_batch("PRAGMA ignore_check_constraints = ON; UPDATE risk SET likelihood = 9 WHERE id = 3;")
        .expect("tamper");
    let broken: i64 = raw
        .query_row("SELECT count(*) FROM risk WHERE likelihood NOT BETWEEN 1 AND 5", [], |r| r.get(0))
        .expect("count");
    assert_eq!(broken, 1, "the value breaks the rule");
    drop(raw);
    let out = assay(dir.path(), &["verify", "--db", arg(&path)]);
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("risk #3: likelihood is “9” but its history says"), "{text}");
    assert!(text.contains("changed outside assay"), "{text}");
}
