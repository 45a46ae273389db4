//! The command line as scripts use it: short options, help that shows what applies, completions and man pages,
//! the exit-code table, and `--json` outputs that parse and keep their field names.

mod common;

use std::collections::BTreeSet;

use common::bin::{assay, demo_file, stderr, stdout};

/// A folder with the small demo workspace in it as `d.db`.
fn demo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    demo_file(dir.path(), "d.db");
    dir
}

fn keys(v: &serde_json::Value) -> BTreeSet<String> {
    v.as_object().expect("an object").keys().cloned().collect()
}

#[test]
fn global_options_are_listed_once_and_each_help_shows_what_applies() {
    let dir = tempfile::tempdir().expect("tempdir");
    let top = assay(dir.path(), &["--help"]);
    assert!(top.status.success());
    let text = stdout(&top);
    for want in ["--db", "--config", "--encrypt", "Exit status:", "4  verify found a problem", "list", "completions"] {
        assert!(text.contains(want), "assay --help lacks {want}:\n{text}");
    }
    for sub in ["verify", "decrypt", "lookup", "list", "export", "report"] {
        let h = assay(dir.path(), &[sub, "--help"]);
        assert!(h.status.success(), "{sub}: {}", stderr(&h));
        let text = stdout(&h);
        assert!(!text.contains("--encrypt") && !text.contains("--db") && !text.contains("--config"), "{sub}:\n{text}");
        assert!(text.contains("Exit status:"), "{sub}:\n{text}");
    }
    // The global options are still accepted after a subcommand's name; --encrypt is not, where it means nothing.
    let d = demo();
    assert!(assay(d.path(), &["verify", "--db", "d.db"]).status.success());
    let o = assay(d.path(), &["--db", "d.db", "verify", "--encrypt"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--encrypt"), "{}", stderr(&o));
}

#[test]
fn short_options_work_like_the_long_ones() {
    let d = demo();
    let long = assay(d.path(), &["--db", "d.db", "report", "1", "--format", "html", "--out", "a.html"]);
    let short = assay(d.path(), &["--db", "d.db", "report", "1", "-f", "html", "-o", "b.html"]);
    assert!(long.status.success() && short.status.success(), "{}{}", stderr(&long), stderr(&short));
    let a = std::fs::read_to_string(d.path().join("a.html")).expect("a");
    let b = std::fs::read_to_string(d.path().join("b.html")).expect("b");
    assert_eq!(a, b);
    let o = assay(d.path(), &["lookup", "incident", "-p", "during", "-P", "provider", "-b", "-n", "2"]);
    let long =
        assay(d.path(), &["lookup", "incident", "--phase", "during", "--party", "provider", "--brief", "--limit", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), stdout(&long), "short and long options give the same answers");
    let ids = stdout(&o).lines().filter(|l| !l.starts_with(' ') && !l.trim().is_empty()).count();
    assert!((1..=2).contains(&ids), "at most the 2 asked for: {}", stdout(&o));
}

#[test]
fn completions_generate_for_every_shell() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (shell, marker) in [
        ("bash", "complete -F"),
        ("zsh", "#compdef assay"),
        ("fish", "complete -c assay"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let o = assay(dir.path(), &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", stderr(&o));
        let script = stdout(&o);
        assert!(script.contains(marker), "{shell}:\n{script}");
        assert!(script.contains("list") && script.contains("format"), "{shell} completes the subcommands");
        assert!(stderr(&o).is_empty(), "{shell}: {}", stderr(&o));
    }
    let o = assay(dir.path(), &["completions", "tcsh"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn man_pages_generate_one_per_command() {
    let dir = tempfile::tempdir().expect("tempdir");
    let o = assay(dir.path(), &["man"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(".TH assay 1") && stdout(&o).contains("Exit status"), "{}", stdout(&o));
    let o = assay(dir.path(), &["man", "pages"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let pages = dir.path().join("pages");
    for name in ["assay.1", "assay-list.1", "assay-export.1", "assay-report.1", "assay-report-assets.1"] {
        let text = std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.starts_with(".ie") || text.contains(".TH"), "{name}:\n{text}");
    }
    let printed = stdout(&o);
    let listed: Vec<&str> = printed.lines().collect();
    assert!(listed.len() >= 12 && listed.iter().all(|l| l.ends_with(".1")), "{listed:?}");
}

#[test]
fn list_prints_a_table_or_one_json_array_with_stable_fields() {
    let d = demo();
    let o = assay(d.path(), &["--db", "d.db", "list"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(table.starts_with("NO  NAME"), "the engagement's number comes first: {table}");
    assert_eq!(table.lines().count(), 4, "{table}");
    assert!(table.contains("Payroll processing"), "{table}");

    let o = assay(d.path(), &["--db", "d.db", "list", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).is_empty(), "diagnostics only on stderr, and none here: {}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    let rows = v.as_array().expect("an array");
    assert_eq!(rows.len(), 3);
    let want: BTreeSet<String> = [
        "number",
        "ref",
        "uuid",
        "name",
        "phase",
        "status",
        "start_date",
        "planned_end",
        "updated_at",
        "providers",
        "criteria",
        "risks",
        "team_members",
        "checks_pending",
        "assets",
        "assets_out",
        "checklist_open",
        "checklist_total",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    for r in rows {
        assert_eq!(keys(r), want);
        assert!(r["number"].is_i64() && r["risks"].as_i64() == Some(14), "{r}");
        assert_eq!(r["ref"], format!("E-{}", r["number"]), "{r}");
        assert!(r["uuid"].as_str().is_some_and(|u| uuid::Uuid::parse_str(u).is_ok()), "{r}");
    }

    // An empty workspace: nothing found (3), and still one JSON document.
    let empty = tempfile::tempdir().expect("tempdir");
    {
        let store = assay::store::Store::open(&empty.path().join("e.db"), "t").expect("create");
        drop(store);
    }
    let o = assay(empty.path(), &["--db", "e.db", "list", "--json"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(serde_json::from_str::<serde_json::Value>(&stdout(&o)).expect("json"), serde_json::json!([]));
    assert!(stderr(&o).contains("no engagement"), "{}", stderr(&o));
}

#[test]
fn verify_json_reports_findings_and_exits_4_on_a_problem() {
    let d = demo();
    let o = assay(d.path(), &["--db", "d.db", "verify", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let want: BTreeSet<String> =
        ["workspace", "intact", "history_entries", "history_head", "sealed", "rows", "findings"]
            .into_iter()
            .map(String::from)
            .collect();
    assert_eq!(keys(&v), want);
    assert_eq!(v["intact"], true);
    assert!(v["history_head"].as_str().is_some_and(|h| h.contains(':')), "{v}");
    assert!(v["history_entries"].as_u64().unwrap_or(0) > 100, "{v}");

    {
        let conn = rusqlite::Connection::open(d.path().join("d.db")).expect("sqlite");
        conn.execute("UPDATE risk SET title = 'quietly changed' WHERE id = 1", []).expect("tamper");
    }
    let o = assay(d.path(), &["--db", "d.db", "verify", "--json"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("still one JSON document");
    assert_eq!(v["intact"], false);
    let f = &v["findings"][0];
    assert_eq!(f["kind"], "changed", "{v}");
    assert!(f["message"].as_str().unwrap_or_default().contains("quietly changed"), "{v}");
    assert!(stderr(&o).contains("failed verification"), "{}", stderr(&o));
    let o = assay(d.path(), &["--db", "d.db", "verify"]);
    assert_eq!(o.status.code(), Some(4), "{}", stderr(&o));
}

#[test]
fn report_json_is_the_reports_data() {
    let d = demo();
    let o = assay(d.path(), &["--db", "d.db", "report", "Payroll", "-f", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("one JSON document");
    assert_eq!(
        keys(&v),
        ["classification", "engagement", "meta", "sections", "title"].into_iter().map(String::from).collect()
    );
    let sections = v["sections"].as_array().expect("sections");
    assert!(sections.len() > 3, "{v}");
    let kinds: BTreeSet<&str> = sections
        .iter()
        .flat_map(|s| s["blocks"].as_array().into_iter().flatten())
        .filter_map(|b| b["kind"].as_str())
        .collect();
    assert!(kinds.contains("table") && kinds.contains("facts") && kinds.contains("heat"), "{kinds:?}");
    // The same, written to a file.
    let o = assay(d.path(), &["--db", "d.db", "report", "1", "-f", "json", "-o", "r.json"]);
    assert!(o.status.success() && stdout(&o).is_empty(), "{}", stderr(&o));
    let text = std::fs::read_to_string(d.path().join("r.json")).expect("r.json");
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok());
}

#[test]
fn report_assets_is_a_subcommand() {
    let d = demo();
    let o = assay(d.path(), &["--db", "d.db", "report", "assets", "1", "-f", "html"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("<!DOCTYPE html>"), "{}", stdout(&o));
    let o = assay(d.path(), &["--db", "d.db", "report", "form", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = assay(d.path(), &["--db", "d.db", "report", "assets", "1", "-f", "json"]);
    assert_eq!(o.status.code(), Some(2), "the asset form has no JSON form: {}", stderr(&o));
}

/// Every argument naming an engagement takes its number (never the file's row id), its reference, its UUID or a
/// unique start of one, or the start of its name; an ambiguous one exits 2 and lists the candidates, an unknown
/// one exits 3.
#[test]
fn an_engagement_is_named_by_number_reference_uuid_or_name() {
    use assay::store::{Store, engagements};
    let d = demo();
    {
        // Engagement 3 goes and a new one comes: the new row may take the freed row id, never the number 3.
        let mut store = Store::open(&d.path().join("d.db"), "t").expect("open");
        let third = engagements::list(store.conn()).expect("list").into_iter().find(|e| e.number == 3).expect("E-3");
        store.write(|w| engagements::delete(w, third.id)).expect("delete");
        engagements::create_in(&mut store, "Payroll review — Audit").expect("create");
    }
    let o = assay(d.path(), &["--db", "d.db", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    let rows = listed.as_array().expect("rows");
    let uuid_of = |n: i64| rows.iter().find(|r| r["number"] == n).and_then(|r| r["uuid"].as_str()).expect("uuid");
    assert_eq!(rows.iter().find(|r| r["name"] == "Payroll review — Audit").expect("new")["number"], 4);
    let table = stdout(&assay(d.path(), &["--db", "d.db", "list"]));
    assert!(table.lines().any(|l| l.starts_with("4   Payroll review")), "{table}");

    let title = |spec: &str| {
        let o = assay(d.path(), &["--db", "d.db", "report", spec, "-f", "json"]);
        assert!(o.status.success(), "report {spec}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
        v["title"].as_str().expect("title").to_string()
    };
    assert!(title("4").ends_with("Payroll review — Audit"), "a bare number is the engagement's number");
    assert!(title("E-4").ends_with("Payroll review — Audit"));
    assert!(title("e 2").ends_with("Managed security operations — Group IT"));
    assert!(title("payroll p").ends_with("Payroll processing — Finance"), "the start of a name, any case");
    let two = uuid_of(2);
    assert!(title(two).ends_with("Group IT"), "a whole UUID");
    // The shortest start of its UUID that no other engagement's shares, from 4 hex digits.
    let others: Vec<&str> = [1, 4].iter().map(|n| uuid_of(*n)).collect();
    let start =
        (4..two.len()).map(|n| &two[..n]).find(|p| others.iter().all(|o| !o.starts_with(p))).expect("a unique start");
    assert!(title(start).ends_with("Group IT"), "a unique start of the UUID: {start}");
    assert!(title(&start.to_uppercase()).ends_with("Group IT"), "in any case");

    // The other commands take the same.
    let o = assay(d.path(), &["--db", "d.db", "report", "assets", "E-1"]);
    assert!(o.status.success() && stdout(&o).contains("Payroll processing"), "{}", stderr(&o));
    let o = assay(d.path(), &["--db", "d.db", "export", "E-2", "-f", "csv", "-o", "regs"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("of E-2 “Managed security operations — Group IT”"),
        "messages name E-2: {}",
        stderr(&o)
    );
    let o = assay(d.path(), &["--db", "d.db", "export", "1"]);
    let bundle: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("bundle");
    assert_eq!(bundle["engagements"].as_array().map(Vec::len), Some(1), "{}", stderr(&o));

    // Unknown: exit 3, saying what was looked for and what is accepted.
    let fails = |spec: &str, code: i32, says: &str| {
        let o = assay(d.path(), &["--db", "d.db", "report", spec]);
        assert_eq!(o.status.code(), Some(code), "report {spec}: {}", stderr(&o));
        let err = stderr(&o);
        assert!(err.starts_with("assay: ") && err.contains(says), "report {spec}: {err}");
        assert_eq!(err.lines().count(), 1, "one line: {err}");
        assert!(stdout(&o).is_empty());
    };
    fails("3", 3, "no engagement has the number 3");
    fails("E-3", 3, "no engagement has the number 3");
    fails("Nothing like it", 3, "no engagement matches “Nothing like it”");
    fails("R-2", 3, "“R-2” is the reference of a risk, not of an engagement");
    fails("ffffffff-ffff-7fff-bfff-ffffffffffff", 3, "no engagement has the UUID");
    // Ambiguous: exit 2, listing the candidates by reference and name.
    fails("Pay", 2, "“Pay” matches 2 engagements: E-1 “Payroll processing — Finance”, E-4 “Payroll review — Audit”");
    let common = (4..two.len()).map(|n| &two[..n]).take_while(|p| others.iter().all(|o| o.starts_with(p))).last();
    if let Some(common) = common {
        fails(common, 2, "matches 3 engagements");
    }
}

/// One table of exit codes, the same for every command.
#[test]
fn exit_codes_follow_the_table() {
    let d = demo();
    let cases: &[(&[&str], i32)] = &[
        (&["--db", "d.db", "list"], 0),
        (&["--db", "d.db", "verify"], 0),
        (&["--db", "missing.db", "list"], 1),
        (&["--db", "missing.db", "report", "1"], 1),
        (&["--bogus"], 2),
        (&["list", "--bogus"], 2),
        (&["report"], 2),
        (&["--encrypt", "--db", "d.db", "verify"], 2),
        (&["lookup", "x", "--phase", "soon"], 2),
        (&["--db", "d.db", "export", "-f", "oscal"], 2),
        (&["lookup", "qqqzzzxxx"], 3),
        (&["--db", "d.db", "report", "no such engagement"], 3),
        (&["--db", "d.db", "export", "no such engagement", "-f", "csv"], 3),
        (&["--db", "d.db", "report", "assets", "no such engagement"], 3),
    ];
    for (args, code) in cases {
        let o = assay(d.path(), args);
        assert_eq!(o.status.code(), Some(*code), "assay {args:?}: {}", stderr(&o));
        if *code != 0 {
            assert!(!stderr(&o).is_empty(), "assay {args:?} says why");
        }
    }
}

/// The subcommands reuse the store, the domain and the report builder; the terminal interface they reach through
/// `tui::start` alone, never by building its state or importing its screens.
#[test]
fn commands_reach_the_workbench_through_one_call() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut starts = 0;
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/commands") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("source");
        for layer in ["crate::ui", "crate::app", "assay::ui", "assay::app"] {
            assert!(!text.contains(layer), "{} uses {layer}", path.display());
        }
        for (i, _) in text.match_indices("crate::tui::") {
            assert!(text[i..].starts_with("crate::tui::start("), "{} reaches into tui beyond start", path.display());
            starts += 1;
        }
        files += 1;
    }
    assert!(files >= 8, "the commands' files were read ({files})");
    assert_eq!(starts, 1, "one call opens the workbench");
}
