//! The real binary from a shell: exit codes, one-line messages, files left untouched.

mod common;

use common::bin::{arg, assay, assay_with_passphrase, command, demo_file, stderr, stdout};

#[test]
fn a_bad_workspace_gets_one_line_and_a_failure_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bad = dir.path().join("photo.jpg");
    std::fs::write(&bad, vec![0xFFu8; 4096]).expect("write");
    let out = assay(dir.path(), &["--db", bad.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert_eq!(msg.lines().count(), 1, "{msg}");
    assert!(msg.starts_with("assay: ") && msg.contains("not an assay workspace"), "{msg}");
    assert_eq!(std::fs::read(&bad).expect("read"), vec![0xFFu8; 4096]);

    let out = assay(dir.path(), &["--db", "/no/such/dir/w.db"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
}

#[test]
fn the_workbench_needs_a_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("w.db");
    let out = assay(dir.path(), &["--db", db.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("interactive terminal"), "{}", stderr(&out));
}

#[test]
fn demo_prints_its_path_and_will_not_overwrite() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = assay(dir.path(), &["demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let printed = String::from_utf8(out.stdout).expect("utf8");
    let path = std::path::PathBuf::from(printed.trim());
    assert!(path.ends_with("assay-demo-small.db"), "{printed}");
    let conn = rusqlite::Connection::open(&path).expect("open demo");
    let (e, p, r): (i64, i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM engagement), (SELECT count(*) FROM provider), (SELECT count(*) FROM risk)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("counts");
    assert_eq!((e, p, r), (3, 12, 42));
    let again = assay(dir.path(), &["demo"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));
    let forced = assay(dir.path(), &["demo", "--force"]);
    assert!(forced.status.success(), "{}", stderr(&forced));
}

#[test]
fn a_malformed_config_is_named_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cfg = dir.path().join("config.toml");
    std::fs::write(&cfg, "assessor = 'Ana'\n[keys.list]\nnext_row = \"j\"\n").expect("write");
    let db = dir.path().join("w.db");
    let out = command(dir.path(), &["--db", common::bin::arg(&db)]).env("ASSAY_CONFIG", &cfg).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let msg = stderr(&out);
    assert!(msg.contains("config.toml") && msg.contains("line 3"), "{msg}");
    let bad_key = dir.path().join("keys.toml");
    std::fs::write(&bad_key, "[keys.list]\nnext_row = [\"hyper-j\"]\n").expect("write");
    let out =
        command(dir.path(), &["--db", common::bin::arg(&db)]).env("ASSAY_CONFIG", &bad_key).output().expect("run");
    assert!(stderr(&out).contains("unknown key \"hyper-j\""), "{}", stderr(&out));
}

#[test]
fn lookup_prints_the_best_matches_and_says_when_none_answers() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out =
        assay(dir.path(), &["lookup", "what", "must", "the", "agreement", "say", "about", "return", "of", "assets"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("utf8");
    let first = text.lines().next().expect("a line");
    assert!(first.to_lowercase().contains("return"), "{text}");
    assert!(text.contains("Annex A") && text.contains("§"), "{text}");
    let out = assay(dir.path(), &["lookup", "incident", "--phase", "during", "--party", "provider", "--brief"]);
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(
        text.lines().filter(|l| !l.starts_with(' ') && !l.starts_with('(')).all(|l| l.starts_with("G-6")),
        "{text}"
    );
    let out = assay(dir.path(), &["lookup", "qqqzzzxxx"]);
    assert_eq!(out.status.code(), Some(3), "nothing found is status 3");
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("Nothing answers \"qqqzzzxxx\" well"), "{}", stderr(&out));
    let out = assay(dir.path(), &["lookup", "x", "--phase", "later"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    assert!(stderr(&out).contains("unknown phase"));
}

#[test]
fn a_lookup_miss_is_one_line_with_suggestions_and_status_3_even_with_backtraces_on() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = command(dir.path(), &["lookup", "pizza", "recipe", "tomorrow"])
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let msg = stderr(&out);
    assert_eq!(msg.lines().count(), 1, "one line, no error report: {msg}");
    assert!(!msg.contains("acktrace") && !msg.contains("Location"), "{msg}");
    assert!(msg.starts_with("assay: Nothing answers \"pizza recipe tomorrow\" well"), "{msg}");
    assert!(out.stdout.is_empty());
}

#[test]
fn lookup_explains_its_matches_and_prints_json_for_scripts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = assay(dir.path(), &["lookup", "what", "if", "the", "vendor", "goes", "bust"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).expect("utf8");
    assert!(text.contains("matched: ") && text.contains("(synonym of "), "{text}");

    let out = assay(dir.path(), &["lookup", "--json", "--limit", "3", "right", "to", "audit"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let hits = v.as_array().expect("an array");
    assert_eq!(hits.len(), 3);
    for h in hits {
        for field in ["id", "title", "citation", "phase", "party", "topic", "annex_a", "score", "matched"] {
            assert!(h.get(field).is_some(), "{field} missing in {h}");
        }
        assert!(h["matched"].as_array().is_some_and(|m| !m.is_empty()), "{h}");
    }
    assert!(hits.iter().any(|h| h["id"] == "P-5.3.7-b.10" || h["id"] == "G-5.5-c.1"), "{v}");

    let out = assay(dir.path(), &["lookup", "--json", "zzqqxx"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stdout(&out).trim(), "[]");
}

/// A workspace in a folder whose names hold spaces and letters outside ASCII (as under a Windows profile such as
/// `C:\Users\Zoë Müller`) goes through the whole round: demo, list, verify, backup, export, report, encryption
/// and opening the encrypted file with `ASSAY_PASSPHRASE`, with every path printed as given.
#[test]
fn paths_with_spaces_and_accents_work_end_to_end() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("Zoë Müller").join("Prüfungen 2026 — Ærø");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let db = demo_file(&dir, "Arbeitsbereich Straße.db");
    let db_arg = arg(&db);
    let out = assay(&dir, &["--db", db_arg, "list"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Payroll processing"), "{}", stdout(&out));
    let out = assay(&dir, &["--db", db_arg, "verify"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let copy = dir.join("Sicherung März.db");
    let out = assay(&dir, &["--db", db_arg, "backup", arg(&copy)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(copy.is_file());
    let json = dir.join("Ausfuhr ü.json");
    let out = assay(&dir, &["--db", db_arg, "export", "--format", "json", "--out", arg(&json)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let bundle: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json).expect("read export")).expect("the export is JSON");
    assert!(bundle.is_object());
    let html = dir.join("Bericht für die Geschäftsleitung.html");
    let out = assay(&dir, &["--db", db_arg, "report", "1", "--format", "html", "--out", arg(&html)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(std::fs::read_to_string(&html).expect("read report").contains("<html"));
    let pass = "correct horse battery staple";
    let out = assay_with_passphrase(&dir, &["--db", db_arg, "encrypt"], Some(pass));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = assay_with_passphrase(&dir, &["--db", db_arg, "verify"], Some(pass));
    assert!(out.status.success(), "{}", stderr(&out));
    let out = assay(&dir, &["--db", db_arg, "verify"]);
    assert!(!out.status.success(), "an encrypted workspace needs its passphrase");
    assert!(stderr(&out).contains("Straße"), "the path is named as given: {}", stderr(&out));
}
