//! Evidence files: stored inside the workspace (encrypted with it), listed, exported byte for byte, re-hashed by
//! `verify`; bad files refused with one line and nothing stored.

mod common;

use std::path::{Path, PathBuf};

use assay::store::evidence::{self, Attach, FileError};
use assay::store::verify::verify;
use assay::store::{Store, Table, engagements};
use common::bin::{arg, assay, assay_with_passphrase, command, demo_file, stderr, stdout};
use common::workspace::{count, fingerprint};
use sha2::{Digest, Sha256};

/// `n` bytes that do not repeat in any useful way (xorshift), the same on every run.
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Three files of different kinds and sizes in `dir`: a photo larger than one chunk, a text, and a PDF whose name
/// has a space and a letter outside ASCII. Returns their paths and contents.
fn three_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let files = vec![
        (dir.join("server-room.jpg"), noise(700_001, 7)),
        (dir.join("interview notes.txt"), b"Badge readers on every door; visitor log kept.\n".to_vec()),
        (dir.join("contrat signé.pdf"), [b"%PDF-1.7\n".as_slice(), &noise(5_000, 9)].concat()),
    ];
    for (p, bytes) in &files {
        std::fs::write(p, bytes).expect("write file");
    }
    files
}

/// The small demo as `w.db` in a new folder, with an engagement named "Payroll …" (engagement 1).
fn demo_dir() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    (dir, db)
}

fn open(db: &Path) -> Store {
    Store::open_read_only(db, "t", None, false).expect("open")
}

#[test]
fn three_files_are_stored_listed_and_exported_byte_for_byte() {
    let (dir, db) = demo_dir();
    let files = three_files(dir.path());
    let names: Vec<&str> = files.iter().map(|(p, _)| arg(p)).collect();
    let mut args = vec!["evidence", "add", "--db", arg(&db), "Payroll", "--to", "R-2", "--caption", "Site visit"];
    args.extend(&names);
    let out = assay(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    // One line each on stdout: reference, SHA-256, name.
    let lines: Vec<String> = stdout(&out).lines().map(str::to_string).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    for (i, (p, bytes)) in files.iter().enumerate() {
        let name = p.file_name().expect("name").to_string_lossy();
        assert_eq!(lines[i], format!("F-{}  {}  {name}", i + 1, sha256(bytes)));
    }
    assert!(stderr(&out).contains("stored 3 files") && stderr(&out).contains("(R-2)"), "{}", stderr(&out));

    // The table names each file, its size, hash, what it is attached to, and who added it.
    let out = assay(dir.path(), &["evidence", "list", "--db", arg(&db), "Payroll"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table = stdout(&out);
    for (i, (_, bytes)) in files.iter().enumerate() {
        let line = table.lines().find(|l| l.starts_with(&format!("F-{} ", i + 1))).expect("a line per file");
        assert!(line.contains(&sha256(bytes)) && line.contains("R-2 risk “"), "{line}");
    }
    assert!(table.contains("684 KB") && table.contains("Site visit") && table.contains("contrat signé.pdf"), "{table}");

    // The same as JSON, field by field.
    let out = assay(dir.path(), &["evidence", "list", "--db", arg(&db), "Payroll", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    let listed = listed.as_array().expect("array");
    assert_eq!(listed.len(), 3);
    for (i, (p, bytes)) in files.iter().enumerate() {
        let f = &listed[i];
        assert_eq!(f["ref"], format!("F-{}", i + 1));
        assert_eq!(f["name"], p.file_name().expect("name").to_string_lossy().as_ref());
        assert_eq!(f["size"], bytes.len());
        assert_eq!(f["sha256"], sha256(bytes));
        assert_eq!(f["caption"], "Site visit");
        assert_eq!(f["attached_to"]["kind"], "risk");
        assert_eq!(f["attached_to"]["ref"], "R-2");
        assert_eq!(f["engagement_ref"], "E-1");
        assert_eq!(f["stored"], true);
        assert!(f["added_by"].is_string() && f["added_at"].is_string() && f["id"].is_string(), "{f}");
    }
    let types: Vec<&str> = listed.iter().map(|f| f["media_type"].as_str().expect("type")).collect();
    assert_eq!(types, ["image/jpeg", "text/plain", "application/pdf"]);

    // Exported into a new folder: the same bytes under the same names; SHA256SUMS-style lines on stdout.
    let out_dir = dir.path().join("exported");
    let out = assay(dir.path(), &["evidence", "export", "--db", arg(&db), "Payroll", arg(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (p, bytes) in &files {
        let written = out_dir.join(p.file_name().expect("name"));
        assert_eq!(&std::fs::read(&written).expect("exported file"), bytes);
        assert!(stdout(&out).contains(&format!("{}  {}", sha256(bytes), written.display())), "{}", stdout(&out));
    }
    // Again into the same folder: nothing overwritten, each name numbered.
    std::fs::write(out_dir.join("server-room.jpg"), b"mine").expect("overwrite by hand");
    let out = assay(dir.path(), &["evidence", "export", "--db", arg(&db), "Payroll", arg(&out_dir)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(out_dir.join("server-room.jpg")).expect("kept"), b"mine");
    assert_eq!(std::fs::read(out_dir.join("server-room (2).jpg")).expect("numbered"), files[0].1);
    assert_eq!(std::fs::read(out_dir.join("contrat signé (2).pdf")).expect("numbered"), files[2].1);

    // The history accounts for every record, and each file's content is what was hashed.
    let out = assay(dir.path(), &["verify", "--db", arg(&db)]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("3 evidence files, each as hashed when added"), "{}", stdout(&out));
}

#[test]
fn content_changed_behind_assays_back_is_named_by_verify() {
    let (dir, db) = demo_dir();
    let files = three_files(dir.path());
    let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", arg(&files[0].0), arg(&files[1].0)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // One byte of the photo's content, changed with plain SQL.
    let raw = rusqlite::Connection::open(&db).expect("raw");
    let changed = raw
        .execute(
            "UPDATE evidence_content SET data = CAST(substr(data, 1, 99999) || X'00' || substr(data, 100001) AS BLOB)
             WHERE size = 700001",
            [],
        )
        .expect("tamper");
    assert_eq!(changed, 1);
    drop(raw);
    let out = assay(dir.path(), &["verify", "--db", arg(&db)]);
    assert_eq!(out.status.code(), Some(4), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("evidence F-1 “server-room.jpg”") && text.contains("changed outside assay"), "{text}");
    assert!(!text.contains("F-2"), "only the changed file is named: {text}");
    let out = assay(dir.path(), &["verify", "--db", arg(&db), "--json"]);
    assert_eq!(out.status.code(), Some(4));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["findings"][0]["kind"], "evidence", "{json}");

    // Export refuses the changed file and writes the other.
    let out_dir = dir.path().join("out");
    let out = assay(dir.path(), &["evidence", "export", "--db", arg(&db), "1", arg(&out_dir)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not exported: F-1 “server-room.jpg”"), "{}", stderr(&out));
    assert!(!out_dir.join("server-room.jpg").exists());
    assert_eq!(std::fs::read(out_dir.join("interview notes.txt")).expect("written"), files[1].1);

    // Content that is not there is counted beside the result (a bundle brings records without their files).
    let raw = rusqlite::Connection::open(&db).expect("raw");
    raw.execute("DELETE FROM evidence_content WHERE size < 1000", []).expect("remove");
    drop(raw);
    let out = assay(dir.path(), &["verify", "--db", arg(&db)]);
    assert!(stdout(&out).contains("note: 1 evidence record without its file in this workspace"), "{}", stdout(&out));
}

/// Runs `assay evidence add` with `files` into the demo workspace and checks that it failed with exit 1 and one
/// line containing `says`, and that the workspace holds exactly what it held before.
fn refused(dir: &Path, db: &Path, config: Option<&Path>, files: &[&str], says: &str) {
    let before = fingerprint(&open(db));
    let bytes = std::fs::read(db).expect("read workspace");
    let mut args = vec!["evidence", "add", "--db", arg(db), "Payroll"];
    args.extend(files);
    let mut cmd = command(dir, &args);
    if let Some(c) = config {
        cmd.env("ASSAY_CONFIG", c);
    }
    let out = cmd.output().expect("run");
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{files:?}: {err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(err.starts_with("assay: ") && err.contains(says) && err.contains("nothing was stored"), "{err}");
    assert_eq!(fingerprint(&open(db)), before, "{files:?}: the workspace changed");
    assert_eq!(std::fs::read(db).expect("read workspace"), bytes, "{files:?}: the file changed");
}

#[test]
fn a_missing_file_a_folder_a_pipe_and_an_oversized_file_are_refused_with_nothing_stored() {
    let (dir, db) = demo_dir();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "fine").expect("write");
    let p = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    refused(dir.path(), &db, None, &[arg(&good), &p("missing.pdf")], "missing.pdf: no such file");
    std::fs::create_dir(dir.path().join("photos")).expect("folder");
    refused(dir.path(), &db, None, &[&p("photos"), arg(&good)], "is a folder, not a file");
    #[cfg(unix)]
    {
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            refused(dir.path(), &db, None, &[arg(&fifo)], "not a regular file");
        } else {
            eprintln!("skipped the named pipe: mkfifo is not available");
        }
    }
    // A limit of 1 MB set in the config: a file one byte over it is refused, one at it stored.
    let config = dir.path().join("c.toml");
    std::fs::write(&config, "evidence_max_mb = 1\n").expect("config");
    let big = dir.path().join("big.bin");
    std::fs::write(&big, noise(1024 * 1024 + 1, 3)).expect("big");
    refused(dir.path(), &db, Some(&config), &[arg(&good), arg(&big)], "over the limit of 1 MB (1048576 bytes)");
    std::fs::write(&big, noise(1024 * 1024, 3)).expect("at the limit");
    let out = command(dir.path(), &["evidence", "add", "--db", arg(&db), "Payroll", arg(&big)])
        .env("ASSAY_CONFIG", &config)
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    // A limit out of range is named.
    std::fs::write(&config, "evidence_max_mb = 5000\n").expect("config");
    refused(dir.path(), &db, Some(&config), &[arg(&good)], "evidence_max_mb = 5000");
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_refused_with_nothing_stored() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, db) = demo_dir();
    let secret = dir.path().join("secret.pdf");
    std::fs::write(&secret, "x").expect("write");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    if std::fs::File::open(&secret).is_ok() {
        eprintln!("skipped: this user reads files whatever their permissions (root)");
        return;
    }
    refused(dir.path(), &db, None, &[arg(&secret)], "cannot read");
}

#[test]
fn a_file_that_changes_while_it_is_read_is_refused_with_nothing_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("w.db"), "t").expect("open");
    let eng = engagements::create_in(&mut store, "E").expect("engagement");
    let file = dir.path().join("log.txt");
    let before = fingerprint(&store);
    // Appended to after the first chunk was read; then rewritten in place (same size) after the first chunk.
    let edits: [fn(&Path); 2] = [
        |p| {
            use std::io::Write;
            let mut f = std::fs::OpenOptions::new().append(true).open(p).expect("append");
            f.write_all(b"one more line\n").expect("append");
        },
        |p| {
            std::thread::sleep(std::time::Duration::from_millis(20));
            let mut bytes = std::fs::read(p).expect("read");
            bytes[0] ^= 1;
            std::fs::write(p, bytes).expect("rewrite");
        },
    ];
    for edit in edits {
        std::fs::write(&file, noise(1_000_000, 5)).expect("write");
        let mut sources = vec![evidence::open_source(&file, evidence::MB * 50).expect("source")];
        let mut edited = false;
        let result = evidence::add_files(
            &mut store,
            &mut sources,
            Attach { engagement: eng, target: None, caption: None },
            &mut |_, _, _| {
                if !edited {
                    edited = true;
                    edit(&file);
                }
            },
        );
        let err = result.expect_err("refused");
        assert!(matches!(evidence::file_error(&err), Some(FileError::Changed { .. })), "{err:?}");
        let text = evidence::file_error(&err).map(ToString::to_string).unwrap_or_default();
        assert!(text.contains("changed while it was being read"), "{text}");
        assert_eq!(fingerprint(&store), before);
        assert_eq!(count(&store, "SELECT count(*) FROM evidence_content"), 0);
    }
}

#[test]
fn an_encrypted_workspace_stores_its_files_encrypted() {
    let marker = b"ASSAY-EVIDENCE-MARKER-7f3a9c".repeat(2000);
    for key in [None, Some("correct horse battery staple")] {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("w.db");
        let file = dir.path().join("minutes.txt");
        std::fs::write(&file, &marker).expect("write");
        {
            let mut store = Store::open_with_key(&path, "t", key).expect("open");
            let eng = engagements::create_in(&mut store, "E").expect("engagement");
            let mut sources = vec![evidence::open_source(&file, evidence::MB).expect("source")];
            let attach = Attach { engagement: eng, target: None, caption: None };
            evidence::add_files(&mut store, &mut sources, attach, &mut |_, _, _| {}).expect("add");
            let listed = evidence::list(store.conn(), Some(eng)).expect("list");
            assert_eq!(listed[0].sha256, sha256(&marker));
            assert!(verify(store.conn()).expect("verify").is_clean());
        }
        // Everything on disk beside the workspace (its WAL too, if one is left).
        let mut bytes = Vec::new();
        for entry in std::fs::read_dir(dir.path()).expect("dir") {
            let p = entry.expect("entry").path();
            if p != file && p.is_file() {
                bytes.extend(std::fs::read(&p).expect("read"));
            }
        }
        let found = bytes.windows(28).any(|w| w == &marker[..28]);
        match key {
            // The check would see the content in a plain workspace...
            None => assert!(found, "a plain workspace holds the file as it is"),
            // ...and does not see it in an encrypted one.
            Some(_) => assert!(!found, "the file's content is in the encrypted workspace in the clear"),
        }
    }
}

#[test]
fn to_names_a_record_by_its_reference_or_uuid() {
    let (dir, db) = demo_dir();
    let file = dir.path().join("photo.png");
    std::fs::write(&file, noise(1000, 11)).expect("write");
    let member_uuid: String = {
        let store = open(&db);
        let id = count(
            &store,
            "SELECT id FROM team_member WHERE number = 3 AND provider_id IN (SELECT id FROM provider WHERE engagement_id = 1)",
        );
        assay::store::ids::of(store.conn(), Table::TeamMember, id).expect("uuid").expect("has one").to_string()
    };
    for (to, kind, reference) in [
        ("R-3", "risk", Some("R-3")),
        ("risk:R-4", "risk", Some("R-4")),
        ("M-2", "team_member", Some("M-2")),
        (member_uuid.as_str(), "team_member", Some("M-3")),
        ("checklist:g-5.5-a", "checklist_item", None),
    ] {
        let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", arg(&file), "--to", to]);
        assert!(out.status.success(), "--to {to}: {}", stderr(&out));
        let out = assay(dir.path(), &["evidence", "list", "--db", arg(&db), "1", "--json"]);
        let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
        let last = listed.as_array().and_then(|a| a.last()).expect("one").clone();
        assert_eq!(last["attached_to"]["kind"], kind, "--to {to}");
        assert_eq!(last["attached_to"]["ref"].as_str(), reference, "--to {to}");
    }
    for (to, code) in [("widget:R-1", 2), ("R-999", 3), ("not a ref", 2), ("E-2", 2)] {
        let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", arg(&file), "--to", to]);
        assert_eq!(out.status.code(), Some(code), "--to {to}: {}", stderr(&out));
        assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    }
    let out = assay(dir.path(), &["verify", "--db", arg(&db)]);
    assert!(out.status.success(), "{}", stdout(&out));
}

#[test]
fn an_empty_list_exits_3_and_a_missing_workspace_is_not_created() {
    let (dir, db) = demo_dir();
    let out = assay(dir.path(), &["evidence", "list", "--db", arg(&db)]);
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("no evidence files"), "{}", stderr(&out));
    let out = assay(dir.path(), &["evidence", "list", "--db", arg(&db), "--json"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out).trim(), "[]");
    let nowhere = dir.path().join("none.db");
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "a").expect("write");
    let out = assay(dir.path(), &["evidence", "add", "--db", arg(&nowhere), "1", arg(&file)]);
    assert_eq!(out.status.code(), Some(1));
    assert!(!nowhere.exists(), "a missing workspace is not created");
}

/// Content is kept by its hash: a deleted engagement undone finds its files, and content whose last record was
/// deleted is removed the next time the workspace is opened for writing.
#[test]
fn content_outlives_an_undoable_delete_and_goes_at_the_next_opening() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    let file = dir.path().join("a.bin");
    std::fs::write(&file, noise(300_000, 13)).expect("write");
    let mut store = Store::open(&path, "t").expect("open");
    let eng = engagements::create_in(&mut store, "E").expect("engagement");
    let add = |store: &mut Store| {
        let mut sources = vec![evidence::open_source(&file, evidence::MB).expect("source")];
        let attach = Attach { engagement: eng, target: None, caption: None };
        evidence::add_files(store, &mut sources, attach, &mut |_, _, _| {}).expect("add")
    };
    add(&mut store);
    add(&mut store);
    // The same bytes twice: two records, one copy.
    assert_eq!(count(&store, "SELECT count(*) FROM evidence"), 2);
    assert_eq!(count(&store, "SELECT count(*) FROM evidence_content"), 1);
    store.write(|w| engagements::delete(w, eng)).expect("delete");
    store.undo().expect("undo").expect("undone");
    let report = verify(store.conn()).expect("verify");
    assert!(report.is_clean() && report.files == 2, "{:?}", report.findings);
    store.write(|w| engagements::delete(w, eng)).expect("delete again");
    assert_eq!(count(&store, "SELECT count(*) FROM evidence_content"), 1, "kept while undo may need it");
    drop(store);
    let store = Store::open(&path, "t").expect("reopen");
    assert_eq!(count(&store, "SELECT count(*) FROM evidence_content"), 0);
    assert!(verify(store.conn()).expect("verify").is_clean());
}

/// A bundle carries what describes each file (its record, attached to a record named by UUID) but not the file:
/// imported elsewhere, the record says its content is not there, and `verify` (clean) says so beside its result.
#[test]
fn a_bundle_carries_the_records_of_files_but_not_their_content() {
    let (dir, db) = demo_dir();
    let file = dir.path().join("scan.pdf");
    std::fs::write(&file, noise(2000, 17)).expect("write");
    let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", arg(&file), "--to", "R-5"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = dir.path().join("e.json");
    let out = assay(dir.path(), &["export", "--db", arg(&db), "1", "-o", arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&bundle).expect("read")).expect("json");
    let row = &json["engagements"][0]["evidence"][0];
    assert_eq!(row["name"], "scan.pdf");
    assert_eq!(row["media_type"], "application/pdf");
    assert_eq!(row["target_table"], "risk");
    let risk = json["engagements"][0]["risks"].as_array().expect("risks").iter().find(|r| r["ref"] == "R-5").cloned();
    assert_eq!(row["target_id"], risk.expect("R-5")["id"], "the target is named by its UUID");
    assert!(row.get("data").is_none() && !std::fs::read_to_string(&bundle).expect("read").contains("content"));

    let other = dir.path().join("other.db");
    let out = assay(dir.path(), &["import", "--db", arg(&other), arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = assay(dir.path(), &["evidence", "list", "--db", arg(&other), "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(listed[0]["stored"], false);
    assert_eq!(listed[0]["attached_to"]["ref"], "R-5");
    let out = assay(dir.path(), &["verify", "--db", arg(&other)]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(stdout(&out).contains("1 evidence record without its file"), "{}", stdout(&out));
}

#[test]
fn an_encrypted_workspace_takes_files_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("w.db");
    drop(common::workspace::demo_at(&path, Some("correct horse battery staple")));
    let file = dir.path().join("a.txt");
    std::fs::write(&file, "attached").expect("write");
    let pass = Some("correct horse battery staple");
    let out = assay_with_passphrase(dir.path(), &["evidence", "add", "--db", arg(&path), "1", arg(&file)], pass);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = assay_with_passphrase(dir.path(), &["verify", "--db", arg(&path)], pass);
    assert!(out.status.success(), "{}", stdout(&out));
    let out = assay_with_passphrase(dir.path(), &["evidence", "list", "--db", arg(&path)], None);
    assert_eq!(out.status.code(), Some(1), "no passphrase, no list");
}

/// Neither storing nor verifying a large file holds it in memory: the peak resident memory of the whole process
/// (as `/usr/bin/time` reports it) stays far below the file's size. Storing a 40 MB file used about 93 MB when the
/// content row was updated after its blob was written (SQLite rewrites a whole row on update).
#[test]
fn storing_and_verifying_a_40_mb_file_stays_within_a_small_memory() {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        eprintln!("skipped: /usr/bin/time is not installed, so the peak memory cannot be read");
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    drop({
        let mut store = Store::open(&db, "t").expect("open");
        engagements::create_in(&mut store, "E").expect("engagement");
        store
    });
    let file = dir.path().join("capture.pcap");
    std::fs::write(&file, noise(40 * 1024 * 1024, 19)).expect("write");
    let peak_kb = |args: &[&str]| -> u64 {
        let mut all = vec!["-f", "%M", env!("CARGO_BIN_EXE_assay")];
        all.extend(args);
        let out = std::process::Command::new(time)
            .args(&all)
            .current_dir(dir.path())
            .env("ASSAY_CONFIG", dir.path().join("no-config.toml"))
            .env_remove("ASSAY_DB")
            .env_remove("ASSAY_PASSPHRASE")
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        err.lines().last().and_then(|l| l.trim().parse().ok()).expect("the peak in KB on the last line")
    };
    let adding = peak_kb(&["evidence", "add", "--db", arg(&db), "E", arg(&file)]);
    let verifying = peak_kb(&["verify", "--db", arg(&db)]);
    assert!(adding < 48 * 1024, "storing a 40 MB file peaked at {adding} KB");
    assert!(verifying < 48 * 1024, "verifying a 40 MB file peaked at {verifying} KB");
}

/// A file attached to a record that is then deleted stays in the engagement and stops naming the record (it used to
/// go on pointing at a row that was gone); undoing the delete attaches it again, and the history stays whole.
#[test]
fn deleting_the_record_a_file_is_about_unlinks_it_and_undo_links_it_again() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = common::workspace::demo_store();
    let file = dir.path().join("cctv.jpg");
    std::fs::write(&file, b"a camera over the server-room door").expect("file");
    let risk = count(&store, "SELECT min(id) FROM risk WHERE engagement_id = 1");
    let mut src = evidence::open_source(&file, 1 << 20).expect("source");
    let to = Attach { engagement: 1, target: Some((Table::Risk, risk)), caption: None };
    evidence::add_files(&mut store, std::slice::from_mut(&mut src), to, &mut |_, _, _| {}).expect("add");
    let target = |store: &Store| -> (Option<String>, Option<i64>) {
        store
            .conn()
            .query_row("SELECT target_table, target_id FROM evidence", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("target")
    };
    assert_eq!(target(&store), (Some("risk".into()), Some(risk)));
    store.write(|w| w.delete(Table::Risk, risk)).expect("delete");
    assert_eq!(target(&store), (None, None), "the file no longer names the deleted risk");
    assert_eq!(count(&store, "SELECT count(*) FROM evidence"), 1, "the file stays");
    store.undo().expect("undo");
    assert_eq!(target(&store), (Some("risk".into()), Some(risk)));
    assert!(verify(store.conn()).expect("verify").is_clean());
}

/// `--with-evidence` carries the files too: imported elsewhere, each is stored and exported back byte for byte,
/// `verify` is clean there with every file present, and the export says the bundle is not encrypted.
#[test]
fn a_bundle_with_evidence_carries_the_files_into_another_workspace() {
    let (dir, db) = demo_dir();
    let files = three_files(dir.path());
    let paths: Vec<&str> = files.iter().map(|(p, _)| arg(p)).collect();
    let mut args = vec!["evidence", "add", "--db", arg(&db), "1"];
    args.extend(&paths);
    let out = assay(dir.path(), &args);
    assert!(out.status.success(), "{}", stderr(&out));
    // The same photo attached a second time is carried once.
    let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", paths[0], "--to", "R-2"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let bundle = dir.path().join("with.json");
    let out = assay(dir.path(), &["export", "--db", arg(&db), "1", "--with-evidence", "-o", arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("the content of 3 evidence files"), "{}", stderr(&out));
    assert!(stderr(&out).contains("a bundle is not encrypted"), "{}", stderr(&out));
    let text = std::fs::read_to_string(&bundle).expect("read");
    let json: serde_json::Value = serde_json::from_str(&text).expect("the bundle is JSON");
    assert_eq!(json["evidence_content"].as_array().map(Vec::len), Some(3));
    let schema = assay::store::bundle::bundle_schema();
    let validator = jsonschema::validator_for(&schema).expect("schema");
    assert!(
        validator.is_valid(&json),
        "{:?}",
        validator.iter_errors(&json).map(|e| e.to_string()).take(3).collect::<Vec<_>>()
    );

    let other = dir.path().join("other.db");
    let out = assay(dir.path(), &["import", "--db", arg(&other), arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("the content of 3 evidence files stored"), "{}", stderr(&out));
    let back = dir.path().join("back");
    let out = assay(dir.path(), &["evidence", "export", "--db", arg(&other), "1", arg(&back)]);
    assert!(out.status.success(), "{}", stderr(&out));
    for (p, bytes) in &files {
        let name = p.file_name().expect("name");
        assert_eq!(&std::fs::read(back.join(name)).expect("exported"), bytes, "{}", name.to_string_lossy());
    }
    let out = assay(dir.path(), &["verify", "--db", arg(&other)]);
    assert!(out.status.success(), "{}", stdout(&out));
    assert!(!stdout(&out).contains("without its file"), "{}", stdout(&out));

    // Imported again, nothing changes: the rows are held and so is every file.
    let out = assay(dir.path(), &["import", "--db", arg(&other), arg(&bundle)]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

/// A file altered in the bundle (its base64 no longer what its SHA-256 says) is refused, naming it, and nothing of
/// the bundle is imported; `--with-evidence` is for JSON bundles only.
#[test]
fn a_bundle_whose_file_was_altered_is_refused_whole() {
    let (dir, db) = demo_dir();
    let file = dir.path().join("register.jpg");
    std::fs::write(&file, noise(3000, 5)).expect("write");
    let out = assay(dir.path(), &["evidence", "add", "--db", arg(&db), "1", arg(&file)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle = dir.path().join("b.json");
    let out = assay(dir.path(), &["export", "--db", arg(&db), "1", "--with-evidence", "-o", arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&bundle).expect("read")).expect("json");
    let b64 = json["evidence_content"][0]["base64"].as_str().expect("base64").to_string();
    let (first, rest) = b64.split_at(1);
    let flipped = format!("{}{rest}", if first == "A" { "B" } else { "A" });
    json["evidence_content"][0]["base64"] = serde_json::Value::String(flipped);
    let altered = dir.path().join("altered.json");
    std::fs::write(&altered, serde_json::to_string(&json).expect("json")).expect("write");

    let other = dir.path().join("other.db");
    let out = assay(dir.path(), &["import", "--db", arg(&other), arg(&bundle)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let before = fingerprint(&open(&other));
    let out = assay(dir.path(), &["import", "--db", arg(&other), arg(&altered)]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("evidence_content[0]") && stderr(&out).contains("hashes to"), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing was imported"), "{}", stderr(&out));
    assert_eq!(fingerprint(&open(&other)), before);

    let out = assay(dir.path(), &["export", "--db", arg(&db), "1", "--with-evidence", "--format", "csv"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--with-evidence is for JSON bundles"), "{}", stderr(&out));
}
