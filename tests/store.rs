//! The workspace on disk: creation, pragmas, refusals that leave files untouched, the audited write path.

mod common;

#[cfg(unix)]
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use assay::cli::DemoSize;
use assay::commands::demo::Shape;
use assay::domain::Value;
use assay::store::{self, OpenError, Store, engagements, migrations};
use common::workspace::{demo_at, demo_store, rows};

fn new_engagement(store: &mut Store, name: &str) -> i64 {
    store
        .write(|w| engagements::create(w, &[("name", Value::text(name)), ("phase", Value::text("pre"))]))
        .expect("create engagement")
}

/// A new plain workspace, and one decrypted, is made of 16 KiB pages (fewer reads for `verify`); an encrypted one
/// keeps SQLCipher's 4 KiB pages; one made with 4 KiB pages keeps them and opens as before.
#[test]
fn new_plain_workspaces_are_made_of_16_kib_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page_size = |path: &Path| -> i64 {
        let raw = rusqlite::Connection::open(path).expect("raw");
        raw.query_row("PRAGMA page_size", [], |r| r.get(0)).expect("page size")
    };
    let plain = dir.path().join("plain.db");
    let mut store = Store::open(&plain, "tester").expect("open");
    new_engagement(&mut store, "Payroll");
    drop(store);
    assert_eq!(page_size(&plain), i64::from(store::PLAIN_PAGE_SIZE));

    let old = dir.path().join("old.db");
    {
        let raw = rusqlite::Connection::open(&old).expect("raw");
        raw.execute_batch("PRAGMA page_size = 4096; VACUUM;").expect("4 KiB");
    }
    let mut store = Store::open(&old, "tester").expect("open old");
    new_engagement(&mut store, "Payroll");
    drop(store);
    assert_eq!(page_size(&old), 4096);
    let raw = rusqlite::Connection::open(&old).expect("raw");
    let names = common::workspace::rows(&raw, "SELECT name FROM engagement", |r| r.get::<_, String>(0));
    assert_eq!(names, vec!["Payroll".to_string()]);

    let pass = "page size passphrase 2026";
    let sealed = dir.path().join("sealed.db");
    let mut store = Store::open_with_key(&sealed, "tester", Some(pass)).expect("encrypted");
    new_engagement(&mut store, "Hosting");
    drop(store);
    let head = std::fs::read(&sealed).expect("read");
    assert_ne!(&head[..16], b"SQLite format 3\0", "encrypted from the first page");
    assert_eq!(std::fs::metadata(&sealed).expect("meta").len() % 4096, 0);
    let store = Store::open_with_key(&sealed, "tester", Some(pass)).expect("reopened");
    // Decrypted, it is made like a new plain workspace.
    let plain_again = store::crypto::rekey(store, None).expect("decrypt");
    assert_eq!(page_size(&plain_again), i64::from(store::PLAIN_PAGE_SIZE));
    let store = Store::open(&plain_again, "tester").expect("open decrypted");
    let v = store::verify::verify_with(store.conn(), Default::default()).expect("verify");
    assert!(v.is_clean(), "{:?}", v.findings);
}

#[test]
fn creates_a_private_wal_workspace_with_the_whole_schema() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let store = Store::open(&path, "tester").expect("open");
    #[cfg(unix)]
    assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o600);
    let c = store.conn();
    let q = |sql: &str| c.query_row(sql, [], |r| r.get::<_, Value>(0)).expect(sql);
    assert_eq!(q("PRAGMA journal_mode"), Value::text("wal"));
    assert_eq!(q("PRAGMA foreign_keys"), Value::Int(1));
    assert_eq!(q("PRAGMA synchronous"), Value::Int(2), "FULL");
    assert_eq!(q("PRAGMA application_id"), Value::Int(i64::from(store::APPLICATION_ID)));
    assert_eq!(store.schema_version().expect("version"), migrations::latest_version() as i64);
    for table in [
        "engagement",
        "provider",
        "criterion",
        "score",
        "risk",
        "team_member",
        "vetting_check",
        "asset",
        "access_grant",
        "checklist_item",
        "note",
        "evidence",
        "audit_log",
    ] {
        let cols: Vec<String> = rows(c, &format!("SELECT name FROM pragma_table_info('{table}')"), |r| r.get(0));
        for required in ["id", "created_at", "updated_at"] {
            assert!(cols.iter().any(|x| x == required), "{table} lacks {required}");
        }
    }
    drop(store);
    // Reopening an existing workspace works and keeps its data.
    let mut store = Store::open(&path, "tester").expect("reopen");
    new_engagement(&mut store, "Kept");
    drop(store);
    let store = Store::open(&path, "tester").expect("reopen again");
    assert_eq!(engagements::list(store.conn()).expect("list")[0].name, "Kept");
}

/// Opens `path`, expects a refusal whose message contains `needle`, and checks the file did not change.
fn refused(path: &Path, needle: &str) -> OpenError {
    let before = std::fs::read(path).ok();
    let err = match Store::open(path, "tester") {
        Ok(_) => panic!("{} should have been refused", path.display()),
        Err(e) => e,
    };
    let msg = err.to_string();
    assert!(msg.contains(needle), "message {msg:?} lacks {needle:?}");
    assert!(!msg.contains('\n'), "one line: {msg:?}");
    assert_eq!(std::fs::read(path).ok(), before, "file changed");
    for suffix in ["-wal", "-shm"] {
        let side = format!("{}{suffix}", path.display());
        assert!(!Path::new(&side).exists() || before.is_none(), "{side} was created");
    }
    err
}

#[test]
fn refuses_a_file_that_is_not_a_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("notes.txt");
    std::fs::write(&path, "Meeting notes: this is plainly not a database, but it is longer than one hundred bytes of text so the header is read whole.\n").expect("write");
    refused(&path, "not an assay workspace");
    let short = dir.path().join("short.db");
    std::fs::write(&short, "tiny").expect("write");
    refused(&short, "not an assay workspace");
}

#[test]
fn refuses_a_truncated_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("full.db");
    let store = demo_at(&path, None);
    store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
    drop(store);
    let bytes = std::fs::read(&path).expect("read");
    let cut = dir.path().join("cut.db");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).expect("write");
    refused(&cut, "truncated");
    let ragged = dir.path().join("ragged.db");
    std::fs::write(&ragged, &bytes[..bytes.len() - 100]).expect("write");
    refused(&ragged, "truncated");
}

/// A crash in the middle of a checkpoint leaves the file's first page (with the new page count) written, the pages
/// after the old end not yet, and every page still in the write-ahead log. SQLite recovers that from the log; the
/// check of the header must not call it truncated. Failed before the fix: the next start refused the workspace.
#[test]
fn a_checkpoint_cut_short_by_a_crash_is_recovered_not_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    drop(Store::open(&path, "tester").expect("create"));
    let small = std::fs::metadata(&path).expect("meta").len();
    // Grow the database in the log only, and copy the files as a crash would leave them, the writer still open.
    let writer = rusqlite::Connection::open(&path).expect("raw open");
    writer
        .execute_batch(
            "PRAGMA wal_autocheckpoint = 0;
             WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
             INSERT INTO setting (uuid, key, value, created_at, updated_at)
             SELECT randomblob(16), 'filler-' || i, hex(randomblob(200)), '2026-01-01', '2026-01-01'
             FROM n;",
        )
        .expect("grow");
    let crashed = dir.path().join("crashed.db");
    std::fs::copy(&path, &crashed).expect("copy");
    let wal = std::fs::read(dir.path().join("w.db-wal")).expect("wal");
    std::fs::write(dir.path().join("crashed.db-wal"), &wal).expect("copy wal");
    drop(writer);
    // The checkpoint had written the log's last copy of page 1 into the file, and nothing after it.
    let page = u32::from_be_bytes([wal[8], wal[9], wal[10], wal[11]]) as usize;
    let frame = 24 + page;
    let last_first_page = (32..wal.len())
        .step_by(frame)
        .rfind(|at| at + frame <= wal.len() && wal[*at..at + 4] == [0, 0, 0, 1])
        .expect("page 1 is in the log");
    let mut db = std::fs::read(&crashed).expect("read");
    db[..page].copy_from_slice(&wal[last_first_page + 24..last_first_page + frame]);
    std::fs::write(&crashed, &db).expect("write page 1");
    let claimed = u64::from(u32::from_be_bytes([db[28], db[29], db[30], db[31]])) * page as u64;
    assert!(claimed > small && db.len() as u64 == small, "the file is shorter than its header says: {claimed}");

    let store = Store::open(&crashed, "tester").expect("a crashed checkpoint opens");
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM setting WHERE key LIKE 'filler-%'", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 2000, "every row written before the crash is there");
}

#[test]
fn refuses_a_workspace_from_a_newer_version() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("future.db");
    drop(Store::open(&path, "tester").expect("open"));
    {
        let c = rusqlite::Connection::open(&path).expect("raw open");
        c.execute_batch("PRAGMA user_version = 999; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;")
            .expect("bump");
    }
    let err = refused(&path, "newer assay");
    assert!(err.to_string().contains("schema 999"), "{err}");
}

#[test]
fn refuses_another_programs_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("other.db");
    {
        let c = rusqlite::Connection::open(&path).expect("raw open");
        c.execute_batch(
            "CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO recipes (name) VALUES ('soup');",
        )
        .expect("seed");
    }
    refused(&path, "another program");
}

#[test]
fn refuses_missing_and_read_only_folders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no/such/folder/w.db");
    refused(&missing, "does not exist");
    assert!(!missing.parent().expect("parent").exists(), "folder must not be created");

    // Permission bits make a folder read-only on Unix.
    #[cfg(unix)]
    {
        let ro = dir.path().join("ro");
        std::fs::create_dir(&ro).expect("mkdir");
        // An existing workspace in a folder that later became read-only.
        let existing = ro.join("w.db");
        drop(Store::open(&existing, "tester").expect("open"));
        {
            let c = rusqlite::Connection::open(&existing).expect("raw");
            c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
        }
        for side in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{side}", existing.display()));
        }
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).expect("chmod");
        refused(&ro.join("new.db"), "read-only");
        assert!(!ro.join("new.db").exists());
        refused(&existing, "read-only");
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o755)).expect("chmod back");
    }
}

#[test]
fn a_folder_is_not_a_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let err = Store::open(dir.path(), "tester").err().expect("refused");
    assert!(err.to_string().contains("is a folder"), "{err}");
}

#[test]
fn an_empty_file_becomes_a_workspace() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("empty.db");
    std::fs::write(&path, b"").expect("touch");
    let store = Store::open(&path, "tester").expect("open empty file");
    assert_eq!(store.schema_version().expect("version"), migrations::latest_version() as i64);
}

/// action, table, row, field, old, new, previous hash, hash
type AuditRow = (String, String, i64, Option<String>, Option<String>, Option<String>, String, String);

fn audit_rows(store: &Store) -> Vec<AuditRow> {
    rows(
        store.conn(),
        "SELECT action, table_name, row_id, field, old_value, new_value, prev_hash, hash FROM audit_log ORDER BY id",
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?)),
    )
}

#[test]
fn every_write_is_audited_in_a_hash_chain() {
    let mut store = Store::open_in_memory("Ana Souza").expect("open");
    store.set_fixed_now(Some("2026-11-23T09:00:00Z"));
    let id = new_engagement(&mut store, "Payroll");
    let changed = store
        .write(|w| {
            engagements::update(w, id, &[("name", Value::text("Payroll (SaaS)")), ("phase", Value::text("pre"))])
        })
        .expect("update");
    assert_eq!(changed, 1, "only the name changed");
    store.write(|w| engagements::delete(w, id)).expect("delete");

    let rows = audit_rows(&store);
    assert_eq!(rows.len(), 3);
    assert_eq!((rows[0].0.as_str(), rows[0].1.as_str(), rows[0].2), ("insert", "engagement", id));
    assert!(rows[0].5.as_deref().is_some_and(|j| j.contains("\"name\":\"Payroll\"")));
    assert_eq!(rows[1].3.as_deref(), Some("name"));
    assert_eq!(rows[1].4.as_deref(), Some("Payroll"));
    assert_eq!(rows[1].5.as_deref(), Some("Payroll (SaaS)"));
    assert_eq!(rows[2].0, "delete");
    assert!(rows[2].4.as_deref().is_some_and(|j| j.contains("Payroll (SaaS)")), "delete keeps the old row");
    // The chain: each entry names the hash of the one before, and each hash is recomputable.
    assert_eq!(rows[0].6, store::GENESIS_HASH);
    for pair in rows.windows(2) {
        assert_eq!(pair[1].6, pair[0].7);
    }
    let r = &rows[1];
    // Each entry names its row by UUID too, the engagement's own, and the hash covers it.
    let named: Vec<Vec<u8>> = store
        .conn()
        .prepare("SELECT row_uuid FROM audit_log ORDER BY id")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<rusqlite::Result<_>>()
        .expect("uuids");
    let uuid = uuid::Uuid::from_slice(&named[1]).expect("a uuid");
    assert!(named.iter().all(|n| n == &named[0]), "every entry names the same engagement");
    assert_eq!(uuid.get_version_num(), 7);
    assert!(rows[0].5.as_deref().is_some_and(|j| j.contains(&format!("\"uuid\":\"{uuid}\""))));
    let again = store::entry_hash(
        &r.6,
        "2026-11-23T09:00:00Z",
        "Ana Souza",
        &r.0,
        &r.1,
        store::EntryRow { id: r.2, uuid: Some(&uuid) },
        r.3.as_deref(),
        r.4.as_deref(),
        r.5.as_deref(),
    );
    assert_eq!(again, r.7);
    let assessor: String =
        store.conn().query_row("SELECT assessor FROM audit_log LIMIT 1", [], |r| r.get(0)).expect("assessor");
    assert_eq!(assessor, "Ana Souza");
}

#[test]
fn a_failed_write_leaves_nothing_behind() {
    let mut store = Store::open_in_memory("tester").expect("open");
    let result = store.write(|w| {
        engagements::create(w, &[("name", Value::text("Good"))])?;
        engagements::create(w, &[("name", Value::text("Bad")), ("phase", Value::text("someday"))])
    });
    assert!(result.is_err(), "the CHECK constraint refuses the phase");
    let n: i64 = store.conn().query_row("SELECT count(*) FROM engagement", [], |r| r.get(0)).expect("count");
    let a: i64 = store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
    assert_eq!((n, a), (0, 0));
}

#[test]
fn deleting_an_engagement_removes_everything_under_it() {
    let mut store = demo_store();
    let all = engagements::list(store.conn()).expect("list");
    assert_eq!(all.len(), 3);
    let victim = all[0].id;
    let before = engagements::summary(store.conn(), victim, "2026-11-23").expect("summary");
    assert!(before.providers > 0 && before.risks > 0 && before.assets > 0 && before.checklist_total > 0);
    store.write(|w| engagements::delete(w, victim)).expect("delete");
    let after = engagements::summary(store.conn(), victim, "2026-11-23").expect("summary");
    assert_eq!(after, Default::default());
    let orphans: i64 = store
        .conn()
        .query_row(
            "SELECT (SELECT count(*) FROM team_member WHERE provider_id NOT IN (SELECT id FROM provider))
                  + (SELECT count(*) FROM vetting_check WHERE member_id NOT IN (SELECT id FROM team_member))
                  + (SELECT count(*) FROM score WHERE provider_id NOT IN (SELECT id FROM provider))",
            [],
            |r| r.get(0),
        )
        .expect("orphans");
    assert_eq!(orphans, 0);
    assert_eq!(engagements::list(store.conn()).expect("list").len(), 2);
}

#[test]
fn large_demo_has_the_promised_shape() {
    let s = Shape::of(DemoSize::Large);
    assert!(s.engagements >= 50);
    assert!(s.engagements * s.providers_per_engagement >= 500);
    assert!(s.engagements * s.risks_per_engagement >= 5_000);
    assert!(s.engagements * s.assets_per_engagement >= 50_000);
    let members = s.engagements * s.providers_per_engagement * s.members_per_provider;
    assert!(members >= 10_000, "{members} team members");
}

#[test]
fn an_older_workspace_is_upgraded_in_place_with_its_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("v1.db");
    {
        // A workspace as the first release wrote it: schema step 1 only, with an engagement in it.
        let mut c = rusqlite::Connection::open(&path).expect("raw open");
        migrations::migrations().to_version(&mut c, 1).expect("to v1");
        c.execute_batch(&format!(
            "PRAGMA application_id = {};
             INSERT INTO engagement (name, phase, status, created_at, updated_at)
             VALUES ('Legacy payroll', 'during', 'active', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z');",
            store::APPLICATION_ID
        ))
        .expect("seed v1");
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).expect("version");
        assert_eq!(v, 1);
    }
    let mut store = Store::open(&path, "tester").expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), migrations::latest_version() as i64);
    let e = &engagements::list(store.conn()).expect("list")[0];
    assert_eq!((e.name.as_str(), e.phase.as_ref()), ("Legacy payroll", "during"));
    // The new step works on the old data.
    let id = e.id;
    store
        .write(|w| {
            assay::store::checklist::change_phase(
                w,
                id,
                assay::domain::Phase::During,
                assay::domain::Phase::Post,
                &[],
                None,
            )
        })
        .expect("phase change on an upgraded workspace");
    assert_eq!(assay::store::checklist::phase_changes(store.conn(), id).expect("changes").len(), 1);
}

#[test]
fn the_overviews_outstanding_assets_count_as_the_asset_list_does() {
    let store = demo_store();
    let conn = store.conn();
    let mut outstanding_somewhere = false;
    for e in engagements::list(conn).expect("list") {
        // Today, and past every expected return, so overdue assets are counted too.
        for today in [common::today(), chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date")] {
            let listed = store::assets::list(conn, e.id)
                .expect("assets")
                .iter()
                .filter(|a| a.state(today).is_outstanding())
                .count();
            let counted = engagements::assets_outstanding(conn, e.id, &today.to_string()).expect("count");
            assert_eq!(counted, i64::try_from(listed).expect("fits"), "engagement {}", e.name);
            outstanding_somewhere |= listed > 0;
        }
    }
    assert!(outstanding_somewhere, "the demo has outstanding assets to count");
}

#[test]
fn an_assets_field_that_holds_no_text_is_refused_by_the_overview_as_by_the_asset_list() {
    let store = demo_store();
    let conn = store.conn();
    let e = engagements::list(conn).expect("list").remove(0);
    let today = common::today().to_string();
    engagements::summary(conn, e.id, &today).expect("sound figures");
    // The overview reads the assets in place, without copying their text: a value that is not text (a blob, from a
    // tool other than assay) is still an error, as it is for the asset list, and never taken for a blank field.
    let changed = conn
        .execute(
            "UPDATE asset SET accepted_by = x'00ff' WHERE id = (SELECT min(id) FROM asset WHERE engagement_id = ?)",
            [e.id],
        )
        .expect("changed");
    assert_eq!(changed, 1);
    assert!(store::assets::list(conn, e.id).is_err(), "the asset list refuses it");
    assert!(engagements::summary(conn, e.id, &today).is_err(), "and so does the overview");
}

#[test]
fn the_overviews_pending_checks_count_as_the_vetting_pane_does() {
    let store = demo_store();
    let conn = store.conn();
    let mut pending_somewhere = false;
    for e in engagements::list(conn).expect("list") {
        let members = store::vetting::engagement_members(conn, e.id).expect("members");
        let checks = store::vetting::engagement_checks(conn, e.id).expect("checks");
        // Today, and far ahead, when the members with a leaving date have left.
        let mut recorded: std::collections::HashMap<i64, assay::domain::vetting::MemberChecks> = Default::default();
        for c in &checks {
            let kind = c.kind.expect("a known kind");
            recorded.entry(c.member_id).or_default()[kind.index()] = Some(c.clone());
        }
        for today in [common::today(), chrono::NaiveDate::from_ymd_opt(2099, 1, 1).expect("date")] {
            // Member by member, with every field of every check, as the Vetting tab lists what is pending.
            let full: usize = members
                .iter()
                .map(|m| {
                    let theirs = recorded.get(&m.id).cloned().unwrap_or_default();
                    assay::domain::vetting::pending_kinds(m, &theirs, today).len()
                })
                .sum();
            let counted = engagements::pending_checks(conn, e.id, &today.to_string()).expect("count");
            assert_eq!(counted, i64::try_from(full).expect("fits"), "engagement {}", e.name);
            pending_somewhere |= full > 0;
        }
    }
    assert!(pending_somewhere, "the demo has pending checks to count");
}

#[test]
fn the_overviews_figures_count_what_the_lists_hold() {
    let store = demo_store();
    let conn = store.conn();
    let today = common::today();
    for e in engagements::list(conn).expect("list") {
        let s = engagements::summary(conn, e.id, &today.to_string()).expect("summary");
        let members = store::vetting::engagement_members(conn, e.id).expect("members");
        assert_eq!(s.members, i64::try_from(members.len()).expect("fits"), "members of {}", e.name);
        let assets = store::assets::list(conn, e.id).expect("assets");
        assert_eq!(s.assets, i64::try_from(assets.len()).expect("fits"), "assets of {}", e.name);
        let out = assets.iter().filter(|a| a.state(today).is_outstanding()).count();
        assert_eq!(s.assets_out, i64::try_from(out).expect("fits"), "outstanding assets of {}", e.name);
        // The risk figures from the facts read alone, as from the whole register.
        let listed: Vec<_> = store::risks::list(conn, e.id).expect("risks").iter().map(|r| r.facts()).collect();
        let read = store::risks::facts(conn, e.id).expect("facts");
        let sorted = |v: &[assay::domain::risk::RiskFacts]| {
            let mut v: Vec<String> = v.iter().map(|f| format!("{f:?}")).collect();
            v.sort();
            v
        };
        assert_eq!(sorted(&read), sorted(&listed), "risk facts of {}", e.name);
        assert!(!listed.is_empty(), "{} has risks to read", e.name);
    }
}

/// SQLite is built (by `.cargo/config.toml`) so that connections on different threads do not wait on each other: each
/// has its own page cache, and no lock is taken at every allocation for memory statistics nothing reads.
#[test]
fn sqlite_is_built_without_locks_shared_between_connections() {
    let store = Store::open_in_memory("tester").expect("store");
    let options = common::workspace::rows(store.conn(), "PRAGMA compile_options", |r| r.get::<_, String>(0));
    assert!(!options.iter().any(|o| o == "ENABLE_MEMORY_MANAGEMENT"), "{options:?}");
    assert!(options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"), "{options:?}");
}
