//! Spreadsheets both ways: every register survives a real round trip through a workbook edited cell by cell
//! (read with calamine, written back with rust_xlsxwriter, as a spreadsheet program would), the dry run shows
//! exactly the edits, the import applies exactly them, and a second import changes nothing. Natural keys, deletes,
//! names, withheld cells, read-only cells and Excel's CSV conventions too.

mod common;

use std::path::{Path, PathBuf};

use assay::domain::Value;
use assay::interchange;
use assay::store::registers::{self, Change, DateFormat, Options, Register, Table2};
use assay::store::{Store, Table, ids};
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::bin::{assay, stderr, stdout};
use common::today;
use common::workspace::{count, demo_store, fingerprint};

fn workbook(store: &Store, dir: &Path, sensitive: bool) -> PathBuf {
    let sheets = registers::sheets(store.conn(), 1, today(), sensitive).expect("sheets");
    let path = dir.join("export.xlsx");
    std::fs::write(&path, interchange::xlsx_bytes(&sheets, &mut |_, _| {}).expect("xlsx")).expect("write");
    path
}

/// Opens a workbook as a spreadsheet program would, sets `edits` (sheet, data row counted from 0, column by its
/// stored key, new text) and saves it as a new file: every other cell is written back as it was read.
fn edit_workbook(from: &Path, to: &Path, edits: &[(&str, usize, &str, &str)]) {
    let mut book: Xlsx<_> = open_workbook(from).expect("open");
    let mut out = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("range");
        let ws = out.add_worksheet();
        ws.set_name(&name).expect("name");
        let rows: Vec<Vec<Data>> = range.rows().map(<[Data]>::to_vec).collect();
        // The row that names the columns by their stored keys, and the first data row after it.
        let key_row = rows
            .iter()
            .position(|r| r.iter().any(|c| matches!(c, Data::String(s) if s == "id" || s == "criterion_id")));
        let (r0, c0) = range.start().expect("start");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (rr, cc) = (r0 + r as u32, (c0 + c as u32) as u16);
                match cell {
                    Data::Empty => {}
                    Data::Float(f) => {
                        ws.write_number(rr, cc, *f).expect("n");
                    }
                    Data::Int(i) => {
                        ws.write_number(rr, cc, *i as f64).expect("n");
                    }
                    Data::DateTime(d) => {
                        ws.write_number_with_format(rr, cc, d.as_f64(), &date).expect("d");
                    }
                    other => {
                        ws.write_string(rr, cc, other.to_string()).expect("s");
                    }
                }
            }
        }
        let Some(key_row) = key_row else { continue };
        // Under the keys, the row of headers people read.
        let labels = matches!(&rows[key_row + 1][0], Data::String(s) if s == "Id" || s == "Criterion id");
        for (_, at, key, text) in edits.iter().filter(|e| e.0 == name) {
            let c = rows[key_row].iter().position(|h| matches!(h, Data::String(s) if s == key)).expect("column");
            let r = key_row + 1 + usize::from(labels) + at;
            let (rr, cc) = (r0 + r as u32, (c0 + c as u32) as u16);
            match text.parse::<f64>() {
                Ok(n) => {
                    ws.write_number(rr, cc, n).expect("n");
                }
                Err(_) => {
                    ws.write_string(rr, cc, *text).expect("s");
                }
            }
        }
    }
    out.save(to).expect("save");
}

fn plan_file(store: &Store, path: &Path, options: Options) -> registers::Plan {
    let tables = interchange::read_xlsx(path).expect("read");
    let list: Vec<(Register, &Table2, &str)> = tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
    registers::plan(store.conn(), 1, &list, today(), options).expect("plan")
}

/// The text of a sheet's cell in the export: (sheet, data row, key).
fn exported(store: &Store, sheet: &str, row: usize, key: &str) -> String {
    let sheets = registers::sheets(store.conn(), 1, today(), true).expect("sheets");
    let s = sheets.iter().find(|s| s.name == sheet).expect("sheet");
    let c = s.headers.iter().position(|h| h == key).expect("key");
    s.rows[row][c].to_string()
}

#[test]
fn every_register_round_trips_through_an_edited_workbook() {
    let mut store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let original = workbook(&store, dir.path(), false);
    // A check that is not withheld, for the vetting_checks sheet.
    let sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let checks = sheets.iter().find(|s| s.name == "vetting_checks").expect("checks");
    let status = checks.headers.iter().position(|h| h == "status").expect("status");
    let open_check = checks.rows.iter().position(|r| r[status] != Value::text("withheld")).expect("check");
    let weight = exported(&store, "scores", 0, "weight").parse::<i64>().expect("weight");
    let new_weight = ((weight + 1) % 11).to_string();
    let edits: Vec<(&str, usize, &str, &str)> = vec![
        ("risks", 0, "title", "Edited risk title"),
        ("team_members", 0, "role", "Edited role"),
        ("vetting_checks", open_check, "verifier", "Edited verifier"),
        ("assets", 0, "condition", "Edited condition"),
        ("access_grants", 0, "target", "Edited system"),
        ("providers", 0, "focal_point", "Edited focal point"),
        ("scores", 0, "weight", &new_weight),
        ("checklist", 0, "note", "Edited note"),
    ];
    let edited = dir.path().join("edited.xlsx");
    edit_workbook(&original, &edited, &edits);
    let before = fingerprint(&store);

    // The dry run shows exactly the edits, one changed field per register, and writes nothing.
    let plan = plan_file(&store, &edited, Options::default());
    assert_eq!(plan.sheets.len(), Register::ALL.len(), "every sheet is read");
    for s in &plan.sheets {
        let (_, row, key, new) = edits.iter().find(|e| e.0 == s.register.name()).expect("edited");
        assert!(s.added.is_empty() && s.removed.is_empty(), "{}: {:?} {:?}", s.source, s.added, s.removed);
        assert!(s.read_only.is_empty() && s.ambiguous.is_empty(), "{}: {:?}", s.source, s.read_only);
        assert_eq!(s.updated.len(), 1, "{}: {:?}", s.source, s.updated);
        let old = exported(&store, s.register.name(), *row, key);
        let column = if *key == "criterion" { "text" } else { key };
        assert_eq!(
            s.updated[0].changes,
            vec![Change { column: column.to_string(), old, new: (*new).to_string() }],
            "{}",
            s.source
        );
    }
    let preview = plan.preview();
    assert!(preview.contains("“Edited risk title”") && preview.contains("1 to update"), "{preview}");
    assert_eq!(fingerprint(&store), before, "a plan writes nothing");

    // The import applies exactly them.
    let done = registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!((done.added, done.updated, done.removed), (0, Register::ALL.len(), 0), "{done:?}");
    for (sheet, row, key, new) in &edits {
        assert_eq!(&exported(&store, sheet, *row, key), new, "{sheet}.{key}");
    }
    let audit = count(&store, "SELECT count(*) FROM audit_log") - before.last().expect("the history's length");
    assert_eq!(audit, Register::ALL.len() as i64, "one audited change per edit");

    // A second import of the same file changes nothing.
    let again = plan_file(&store, &edited, Options::default());
    assert!(again.changes_nothing(), "{}", again.preview());
    assert!(again.sheets.iter().all(|s| s.updated.is_empty()), "{}", again.preview());
}

/// The UUID of a row, as the `id` column of a sheet holds it.
fn uuid_of(store: &Store, table: Table, id: i64) -> String {
    ids::of(store.conn(), table, id).expect("read").expect("a UUID").to_string()
}

/// The row an `id` cell (a UUID) names.
fn row_of(store: &Store, table: Table, cell: &str) -> i64 {
    let u = uuid::Uuid::parse_str(cell).expect("a UUID");
    ids::row_of(store.conn(), table, &u).expect("read").expect("a row")
}

fn risks_csv(store: &Store) -> Table2 {
    let sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let dir = tempfile::tempdir().expect("dir");
    let risks = sheets.into_iter().find(|s| s.name == "risks").expect("risks");
    let files = interchange::write_csv(dir.path(), &[risks], false, &mut |_, _| {}).expect("csv");
    interchange::read_csv(&std::fs::read(&files[0]).expect("read"), "risks.csv").expect("parse")
}

fn plan_csv(store: &Store, reg: Register, t: &Table2, options: Options) -> Result<registers::Plan, String> {
    registers::plan(store.conn(), 1, &[(reg, t, "risks.csv")], today(), options).map_err(|e| e.to_string())
}

fn at(t: &Table2, key: &str) -> usize {
    t.headers.iter().position(|h| h == key).expect("column")
}

#[test]
fn new_rows_match_by_natural_key_the_second_time_and_deletes_need_asking() {
    let mut store = demo_store();
    let mut t = risks_csv(&store);
    let (ii, ri, ti) = (at(&t, "id"), at(&t, "ref"), at(&t, "title"));
    let gone = t.rows.remove(0);
    let gone_id = row_of(&store, Table::Risk, &gone.1[ii]);
    let mut new = t.rows[0].clone();
    new.1[ii] = String::new();
    new.1[ri] = String::new();
    new.1[ti] = "Typed into the spreadsheet".into();
    t.rows.push(new);

    let plan = plan_csv(&store, Register::Risks, &t, Options::default()).expect("plan");
    let s = &plan.sheets[0];
    assert_eq!((s.added.len(), s.updated.len(), s.removed.len()), (1, 0, 1));
    assert!(plan.preview().contains("kept (not in the file; --delete-missing removes it)"), "{}", plan.preview());
    let done = registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!((done.added, done.removed), (1, 0));
    assert_eq!(count(&store, &format!("SELECT count(*) FROM risk WHERE id = {gone_id}")), 1, "kept unless asked");

    // The same file again: the new row is found by its title, not added twice.
    let plan = plan_csv(&store, Register::Risks, &t, Options::default()).expect("plan");
    assert!(plan.changes_nothing(), "{}", plan.preview());
    assert!(
        plan.preview().contains("matched by their ref, else by risk title within the engagement"),
        "{}",
        plan.preview()
    );
    // Its worked-out cells are compared with the record it matched, which agrees with them.
    assert!(plan.sheets[0].read_only.is_empty(), "{:?}", plan.sheets[0].read_only);
    assert_eq!(count(&store, "SELECT count(*) FROM risk WHERE title = 'Typed into the spreadsheet'"), 1);

    // With --delete-missing the risk left out goes, audited.
    let options = Options { delete_missing: true, ..Options::default() };
    let plan = plan_csv(&store, Register::Risks, &t, options).expect("plan");
    let done = registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!((done.added, done.updated, done.removed), (0, 0, 1));
    assert_eq!(count(&store, &format!("SELECT count(*) FROM risk WHERE id = {gone_id}")), 0);
    assert_eq!(
        count(
            &store,
            &format!(
                "SELECT count(*) FROM audit_log WHERE table_name = 'risk' AND row_id = {gone_id} AND action = 'delete'"
            )
        ),
        1
    );
}

#[test]
fn an_ambiguous_natural_key_is_listed_and_refused() {
    let mut store = demo_store();
    let title: String =
        store.conn().query_row("SELECT title FROM risk WHERE engagement_id = 1 LIMIT 1", [], |r| r.get(0)).expect("t");
    store
        .write(|w| {
            w.insert(
                Table::Risk,
                &[
                    ("engagement_id", Value::Int(1)),
                    ("title", Value::text(title.clone())),
                    ("likelihood", Value::Int(2)),
                    ("impact_c", Value::Int(1)),
                    ("impact_i", Value::Int(1)),
                    ("impact_a", Value::Int(1)),
                ],
            )
        })
        .expect("twin");
    let mut t = risks_csv(&store);
    let (ii, ri, ti) = (at(&t, "id"), at(&t, "ref"), at(&t, "title"));
    let row = t.rows.iter().position(|r| r.1[ti] == title).expect("row");
    t.rows[row].1[ii] = String::new();
    t.rows[row].1[ri] = String::new();
    let before = fingerprint(&store);
    let plan = plan_csv(&store, Register::Risks, &t, Options::default()).expect("plan");
    assert_eq!(plan.sheets[0].ambiguous.len(), 1, "{}", plan.preview());
    assert!(plan.preview().contains("2 records share this risk title"), "{}", plan.preview());
    let err = registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect_err("refused").to_string();
    assert!(err.contains("ambiguous"), "{err}");
    assert_eq!(fingerprint(&store), before);
}

#[test]
fn names_labels_withheld_and_read_only_cells() {
    let mut store = demo_store();
    let sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let dir = tempfile::tempdir().expect("dir");
    let files = interchange::write_csv(dir.path(), &sheets, false, &mut |_, _| {}).expect("csv");
    let read = |name: &str| {
        let f = files.iter().find(|f| f.file_stem().is_some_and(|s| s == name)).expect("file");
        interchange::read_csv(&std::fs::read(f).expect("read"), name).expect("parse")
    };

    // A new asset typed with a holder's name gets that holder.
    let (holder_id, holder): (i64, String) = store
        .conn()
        .query_row(
            "SELECT m.id, m.name FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = 1
             AND (SELECT count(*) FROM team_member n JOIN provider q ON q.id = n.provider_id
                  WHERE q.engagement_id = 1 AND n.name = m.name) = 1 LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("member");
    let mut t = read("assets");
    let mut row = vec![String::new(); t.headers.len()];
    row[at(&t, "tag")] = "LAPTOP-NEW".into();
    row[at(&t, "kind")] = "Data set".into();
    row[at(&t, "holder")] = holder.to_uppercase();
    t.rows.push((99, row.clone()));
    registers::import(&mut store, 1, Register::Assets, &t, "assets.csv", today(), &mut |_, _| {}).expect("import");
    assert_eq!(
        count(&store, "SELECT holder_id FROM asset WHERE tag = 'LAPTOP-NEW' AND kind = 'data_set'"),
        holder_id,
        "the holder's name resolved and the label of the kind accepted"
    );
    // A name nobody has is refused as the form refuses it.
    let mut t = read("assets");
    row[at(&t, "tag")] = "LAPTOP-NEW-2".into();
    row[at(&t, "holder")] = "Nobody Byname".into();
    t.rows.push((99, row));
    let err = plan_csv(&store, Register::Assets, &t, Options::default()).expect_err("unknown");
    assert!(err.contains("row 99") && err.contains("(holder)") && err.contains("no team member"), "{err}");

    // A backup typed by name resolves among the member's colleagues, as in the member form.
    let (member, colleague, colleague_name): (i64, i64, String) = store
        .conn()
        .query_row(
            "SELECT a.id, b.id, b.name FROM team_member a JOIN team_member b ON b.provider_id = a.provider_id
             JOIN provider p ON p.id = a.provider_id WHERE p.engagement_id = 1 AND a.id <> b.id
             AND (a.backup_for IS NULL OR a.backup_for <> b.id)
             AND (SELECT count(*) FROM team_member c WHERE c.provider_id = b.provider_id AND c.name = b.name) = 1
             LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("two colleagues");
    let mut t = read("team_members");
    let (ii, bi) = (at(&t, "id"), at(&t, "backup"));
    let row = t.rows.iter().position(|r| r.1[ii] == uuid_of(&store, Table::TeamMember, member)).expect("row");
    t.rows[row].1[bi] = colleague_name.to_lowercase();
    let plan = plan_csv(&store, Register::TeamMembers, &t, Options::default()).expect("plan");
    let change = &plan.sheets[0].updated[0].changes[0];
    let colleague_ref = ids::ident(store.conn(), Table::TeamMember, colleague)
        .expect("read")
        .and_then(|i| i.short(Table::TeamMember))
        .expect("a reference");
    assert_eq!((change.column.as_str(), change.new.clone()), ("backup_for", colleague_ref), "shown by its reference");
    let own: String =
        store.conn().query_row("SELECT name FROM team_member WHERE id = ?", [member], |r| r.get(0)).expect("name");
    let dup: i64 = count(
        &store,
        &format!(
            "SELECT count(*) FROM team_member WHERE name = (SELECT name FROM team_member WHERE id = {member}) AND \
             provider_id = (SELECT provider_id FROM team_member WHERE id = {member})"
        ),
    );
    if dup == 1 {
        t.rows[row].1[bi] = own;
        let err = plan_csv(&store, Register::TeamMembers, &t, Options::default()).expect_err("self");
        assert!(err.contains("(backup)") && err.contains("cannot back themselves up"), "{err}");
    }

    // A check's status set in the team members sheet meets the check form's rules: a waiver needs its reason.
    let mut t = read("team_members");
    let ri = at(&t, "references");
    let row = (0..t.rows.len())
        .find(|&r| {
            let id = row_of(&store, Table::TeamMember, &t.rows[r].1[0]);
            count(&store, &format!("SELECT count(*) FROM vetting_check WHERE member_id = {id} AND note IS NOT NULL"))
                == 0
        })
        .expect("a member without notes");
    t.rows[row].1[ri] = "Waived".into();
    let err = plan_csv(&store, Register::TeamMembers, &t, Options::default()).expect_err("waiver without reason");
    assert!(err.contains("(references)") && err.contains("reason for the waiver"), "{err}");

    // A choice typed as the label people see.
    let mut t = read("risks");
    let si = at(&t, "status");
    t.rows[0].1[si] = "In progress".into();
    let plan = plan_csv(&store, Register::Risks, &t, Options::default()).expect("plan");
    assert_eq!(plan.sheets[0].updated[0].changes.last().map(|c| c.new.as_str()), Some("in_progress"));

    // A worked-out cell changed in the file is reported, not imported and not dropped in silence.
    let mut t = read("risks");
    let bi = at(&t, "inherent_band");
    t.rows[0].1[bi] = "Negligible".into();
    let plan = plan_csv(&store, Register::Risks, &t, Options::default()).expect("plan");
    assert!(plan.sheets[0].updated.is_empty());
    assert_eq!(plan.read_only_changes().len(), 1);
    assert!(plan.preview().contains("read-only, not imported") && plan.preview().contains("inherent_band"));

    // Withheld cells leave the stored values as they are.
    let stored = count(&store, "SELECT count(*) FROM vetting_check WHERE kind IN ('criminal_record', 'credit')");
    assert!(stored > 0);
    let t = read("vetting_checks");
    assert!(t.rows.iter().any(|r| r.1.iter().any(|c| c == "withheld")));
    let before = fingerprint(&store);
    let plan = plan_csv(&store, Register::VettingChecks, &t, Options::default()).expect("plan");
    assert!(plan.changes_nothing(), "{}", plan.preview());
    let t = read("team_members");
    let plan = plan_csv(&store, Register::TeamMembers, &t, Options::default()).expect("plan");
    assert!(plan.changes_nothing(), "{}", plan.preview());
    assert_eq!(fingerprint(&store), before);
}

#[test]
fn csv_as_excel_writes_it() {
    let store = demo_store();
    let t = risks_csv(&store);
    let header = t.headers.join(";");
    let first: Vec<String> = t.rows[0].1.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
    // Semicolons, a BOM and CRLF line ends, with the likelihood of the second data row (row 3) wrong.
    let mut second = t.rows[1].1.clone();
    second[at(&t, "likelihood")] = "9".into();
    let second: Vec<String> = second.iter().map(|c| format!("\"{}\"", c.replace('"', "\"\""))).collect();
    let text = format!("\u{feff}{header}\r\n{}\r\n{}\r\n", first.join(";"), second.join(";"));
    let parsed = interchange::read_csv(text.as_bytes(), "eu.csv").expect("semicolons");
    assert_eq!(parsed.headers, t.headers);
    let err = plan_csv(&store, Register::Risks, &parsed, Options::default()).expect_err("bad likelihood");
    assert!(err.contains("row 3") && err.contains("(likelihood)"), "{err}");
    // A workbook saved as CSV keeps both header rows, the stored keys and the words: the second is no record.
    let labels: Vec<String> = t
        .headers
        .iter()
        .map(|h| Register::Risks.columns().iter().find(|c| c.key == h).map_or(h.clone(), |c| c.label.to_string()))
        .collect();
    let mut both = t.clone();
    both.rows.insert(0, (2, labels));
    let plan = plan_csv(&store, Register::Risks, &both, Options::default()).expect("two header rows");
    assert!(plan.changes_nothing(), "{}", plan.preview());
    // TABs.
    let tabbed = format!("{}\n{}\n", t.headers.join("\t"), t.rows[0].1.join("\t").replace('\n', " "));
    assert_eq!(interchange::read_csv(tabbed.as_bytes(), "tab.csv").expect("tabs").headers, t.headers);

    // Day-first dates when asked, and a two-digit year refused rather than guessed.
    let mut d = t.clone();
    d.rows.truncate(1);
    d.rows[0].1[at(&t, "due_date")] = "03/04/2027".into();
    let err = plan_csv(&store, Register::Risks, &d, Options::default()).expect_err("ISO by default");
    assert!(err.contains("YYYY-MM-DD"), "{err}");
    let dmy = Options { date_format: DateFormat::Dmy, ..Options::default() };
    let plan = plan_csv(&store, Register::Risks, &d, dmy).expect("dmy");
    let change = plan.sheets[0].updated[0].changes.iter().find(|c| c.column == "due_date").expect("due").clone();
    assert_eq!(change.new, "2027-04-03");
    d.rows[0].1[at(&t, "due_date")] = "03.04.27".into();
    let err = plan_csv(&store, Register::Risks, &d, dmy).expect_err("two-digit year");
    assert!(err.contains("year of 2 digits"), "{err}");

    // --excel writes a byte-order mark.
    let dir = tempfile::tempdir().expect("dir");
    let sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let files = interchange::write_csv(dir.path(), &sheets[..1], true, &mut |_, _| {}).expect("csv");
    assert!(std::fs::read(&files[0]).expect("read").starts_with(b"\xEF\xBB\xBFid,"));
}

#[test]
fn the_command_line_previews_and_says_when_nothing_changed() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "--out", "a.db"]).status.success());
    assert!(run(&["--db", "a.db", "export", "pay", "--format", "csv", "--out", "regs"]).status.success());
    let out = run(&["--db", "a.db", "import", "regs/providers.csv", "--into", "pay"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("nothing to change"));

    let path = dir.path().join("regs/providers.csv");
    let text = std::fs::read_to_string(&path).expect("read");
    // id, ref, name.
    let name = text.lines().nth(1).and_then(|l| l.split(',').nth(2)).expect("name").to_string();
    std::fs::write(&path, text.replacen(&name, "Renamed Provider Ltd", 1)).expect("write");
    let db = std::fs::read(dir.path().join("a.db")).expect("db");
    let out = run(&["--db", "a.db", "import", "regs/providers.csv", "--into", "pay", "--dry-run"]);
    assert!(out.status.success());
    let shown = stdout(&out);
    assert!(shown.contains(&format!("name: “{name}” → “Renamed Provider Ltd”")), "{shown}");
    assert_eq!(std::fs::read(dir.path().join("a.db")).expect("db"), db, "a dry run writes nothing");
    let out = run(&["--db", "a.db", "import", "regs/providers.csv", "--into", "pay"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("1 updated"));
    let out = run(&["--db", "a.db", "import", "regs/providers.csv", "--into", "pay"]);
    assert_eq!(out.status.code(), Some(3));
}

/// The XML of one part of a workbook.
fn part(path: &Path, name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).expect("open")).expect("zip");
    let mut f = zip.by_name(name).expect("part");
    let mut s = String::new();
    std::io::Read::read_to_string(&mut f, &mut s).expect("read");
    s
}

#[test]
fn the_workbook_is_made_for_editing() {
    let store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let path = workbook(&store, dir.path(), false);
    let mut book: Xlsx<_> = open_workbook(&path).expect("open");
    let names = book.sheet_names();
    assert_eq!(names[0], "README", "{names:?}");
    let readme = book.worksheet_range("README").expect("readme");
    let text: Vec<String> = readme.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|t| t.contains("Read-only: Inherent level")), "{text:?}");

    let risks = book.worksheet_range("risks").expect("risks");
    let rows: Vec<Vec<Data>> = risks.rows().map(<[Data]>::to_vec).collect();
    let key = |k: &str| rows[0].iter().position(|c| matches!(c, Data::String(s) if s == k)).expect("key");
    // Stored keys in the first (hidden) row, headers people read in the second.
    assert_eq!(rows[1][key("impact_c")], Data::String("Impact on confidentiality (0-5)".into()));
    // Numbers are numbers, choices are labels, dates are dates.
    assert!(matches!(rows[2][key("likelihood")], Data::Float(_)), "{:?}", rows[2][key("likelihood")]);
    let statuses: Vec<&Data> = rows[2..].iter().map(|r| &r[key("status")]).collect();
    assert!(statuses.iter().all(|s| matches!(s, Data::String(s) if !s.contains('_'))), "{statuses:?}");
    let due = rows[2..].iter().map(|r| &r[key("due_date")]).find(|d| **d != Data::Empty).expect("a due date");
    assert!(matches!(due, Data::DateTime(_)), "{due:?}");

    // Sheet 2 is the risks: a hidden key row, dropdowns, print setup.
    let xml = part(&path, "xl/worksheets/sheet2.xml");
    assert!(xml.contains(r#"<row r="1" "#) && xml.contains(r#"hidden="1""#), "the key row is hidden");
    assert!(xml.contains("<dataValidation ") && xml.contains("\"open,in progress,done\""), "dropdown of labels");
    assert!(xml.contains(r#"orientation="landscape""#) && xml.contains(r#"fitToHeight="0""#), "print setup");
    assert!(xml.contains("<oddFooter>&amp;L&amp;A&amp;RPage &amp;P of &amp;N</oddFooter>"), "footer");
    assert!(xml.contains(r#"<pane ySplit="2""#), "frozen header");
    assert!(xml.contains("<autoFilter "), "filter");
    let names = part(&path, "xl/workbook.xml");
    assert!(names.contains("_xlnm.Print_Titles"), "the header rows repeat on every page");

    // A workbook saved without the hidden row (headers people read only) imports as well.
    let tables = interchange::read_xlsx(&path).expect("read");
    let (_, t, _) = tables.iter().find(|(r, _, _)| *r == Register::Risks).expect("risks");
    let mut human = t.clone();
    human.headers = Register::Risks
        .columns()
        .iter()
        .map(|c| c.label.to_string())
        .collect::<Vec<_>>()
        .into_iter()
        .take(t.headers.len())
        .collect();
    assert_eq!(human.headers.len(), t.headers.len());
    let plan = registers::plan(store.conn(), 1, &[(Register::Risks, &human, "human")], today(), Options::default())
        .expect("human headers");
    assert!(plan.changes_nothing() && plan.sheets[0].read_only.is_empty(), "{}", plan.preview());
}

#[test]
fn a_sheet_that_is_no_register_is_refused_not_skipped() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("renamed.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for name in ["Team members", "Risks (copy)"] {
        let ws = book.add_worksheet();
        ws.set_name(name).expect("name");
        ws.write_string(0, 0, "id").expect("id");
    }
    book.save(&path).expect("save");
    let err = interchange::read_xlsx(&path).expect_err("refused").to_string();
    assert!(err.contains("[sheet Risks (copy)]") && err.contains("not a register"), "{err}");
}

#[test]
fn the_template_is_the_same_workbook_empty() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    let out = run(&["demo", "--out", "a.db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["--db", "a.db", "export", "pay", "--format", "xlsx", "--template", "--out", "t.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let tables = interchange::read_xlsx(&dir.path().join("t.xlsx")).expect("read");
    assert_eq!(tables.len(), Register::ALL.len());
    assert!(tables.iter().all(|(_, t, _)| t.rows.is_empty() && !t.headers.is_empty()));
    assert!(part(&dir.path().join("t.xlsx"), "xl/worksheets/sheet2.xml").contains("<dataValidation "));
    // Importing the empty template changes nothing (the records it does not list are kept).
    let out = run(&["--db", "a.db", "import", "t.xlsx", "--into", "pay"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("not in the file kept"));
}

/// The round trip through LibreOffice, the spreadsheet program many assessors use: an edited workbook converted
/// (read and written again) by `soffice --headless --convert-to xlsx` previews exactly the edit, imports it, and a
/// second import changes nothing. One conversion per run; skipped, and said so, when LibreOffice is not installed.
#[test]
fn a_workbook_saved_by_libreoffice_round_trips() {
    let found = std::process::Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        return;
    }
    let mut store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let original = workbook(&store, dir.path(), false);
    let edited = dir.path().join("edited.xlsx");
    edit_workbook(&original, &edited, &[("assets", 0, "condition", "Dented by LibreOffice")]);
    let out_dir = dir.path().join("converted");
    let profile = format!("-env:UserInstallation=file://{}", dir.path().join("profile").display());
    let out = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(&out_dir)
        .arg(&edited)
        .output()
        .expect("soffice");
    assert!(out.status.success(), "{}", stderr(&out));
    let converted = out_dir.join("edited.xlsx");
    let plan = plan_file(&store, &converted, Options::default());
    let changed: Vec<&registers::RowPlan> = plan.sheets.iter().flat_map(|s| &s.updated).collect();
    assert_eq!(changed.len(), 1, "{}", plan.preview());
    assert_eq!(changed[0].changes[0].new, "Dented by LibreOffice");
    assert!(plan.sheets.iter().all(|s| s.added.is_empty() && s.read_only.is_empty()), "{}", plan.preview());
    registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert!(plan_file(&store, &converted, Options::default()).changes_nothing());
}

// Identities: a file names every record by its UUID (`id`) and short reference (`ref`), never by its row id.

/// Each record of `table` in engagement 1 as a file names it: (UUID, short reference if numbered), by row id.
fn identities(store: &Store, table: Table) -> std::collections::HashMap<i64, (String, Option<String>)> {
    ids::idents(store.conn(), table, 1)
        .expect("idents")
        .into_iter()
        .map(|(id, i)| (id, (i.uuid.to_string(), i.short(table))))
        .collect()
}

/// The CSV files of engagement 1, read back as tables by register name.
fn csv_tables(store: &Store, dir: &Path) -> Vec<(String, Table2)> {
    let sheets = registers::sheets(store.conn(), 1, today(), true).expect("sheets");
    let files = interchange::write_csv(dir, &sheets, false, &mut |_, _| {}).expect("csv");
    files
        .iter()
        .map(|f| {
            let name = f.file_stem().and_then(|s| s.to_str()).expect("stem").to_string();
            (name.clone(), interchange::read_csv(&std::fs::read(f).expect("read"), &name).expect("parse"))
        })
        .collect()
}

#[test]
fn the_csv_id_column_holds_each_records_uuid_and_ref_its_short_reference() {
    let store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let tables = csv_tables(&store, dir.path());
    for register in Register::ALL {
        let (_, t) = tables.iter().find(|(n, _)| n == register.name()).expect("file");
        let table = register.table();
        let id_key = if register == Register::Scores { "criterion_id" } else { "id" };
        assert_eq!(t.headers[0], id_key, "{}: the id first", register.name());
        // Every record once, by the UUID and reference the database holds for it.
        let mut want: Vec<(String, Option<String>)> = identities(&store, table).into_values().collect();
        let ri = t.headers.iter().position(|h| h == "ref");
        assert_eq!(ri.is_some(), want.iter().all(|(_, r)| r.is_some()), "{}: a ref where numbered", register.name());
        assert_eq!(ri, ri.map(|_| 1), "{}: the ref next to the id", register.name());
        let mut got: Vec<(String, Option<String>)> =
            t.rows.iter().map(|(_, r)| (r[0].clone(), ri.map(|i| r[i].clone()))).collect();
        want.sort();
        got.sort();
        assert!(!got.is_empty(), "{}", register.name());
        assert_eq!(got, want, "{}", register.name());
    }
    // A column naming another record gives its short reference, as does a scores column's header.
    let members = identities(&store, Table::TeamMember);
    let providers = identities(&store, Table::Provider);
    let (_, t) = tables.iter().find(|(n, _)| n == "team_members").expect("members");
    let pi = at(t, "provider_id");
    for (_, row) in &t.rows {
        let member = row_of(&store, Table::TeamMember, &row[0]);
        let provider: i64 = count(&store, &format!("SELECT provider_id FROM team_member WHERE id = {member}"));
        assert_eq!(Some(row[pi].clone()), providers[&provider].1, "{}", row[0]);
        assert!(members.values().any(|(u, _)| *u == row[0]));
    }
    let (_, t) = tables.iter().find(|(n, _)| n == "scores").expect("scores");
    for (_, (_, reference)) in providers {
        let reference = reference.expect("numbered");
        assert!(t.headers.iter().any(|h| h.ends_with(&format!(" ({reference})"))), "{reference}: {:?}", t.headers);
    }
    assert!(!t.headers.iter().any(|h| h.contains("(#")), "no row ids: {:?}", t.headers);
}

#[test]
fn the_workbook_hides_the_uuid_and_shows_the_reference_first() {
    let store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let path = workbook(&store, dir.path(), false);
    let mut book: Xlsx<_> = open_workbook(&path).expect("open");
    let risks = book.worksheet_range("risks").expect("risks");
    let rows: Vec<Vec<Data>> = risks.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][..2], [Data::String("id".into()), Data::String("ref".into())]);
    assert_eq!(rows[1][..2], [Data::String("Id".into()), Data::String("Ref".into())]);
    let want = identities(&store, Table::Risk);
    assert_eq!(rows.len() - 2, want.len());
    for row in &rows[2..] {
        let (Data::String(uuid), Data::String(reference)) = (&row[0], &row[1]) else {
            panic!("the UUID and the reference are text: {:?}", &row[..2]);
        };
        let id = row_of(&store, Table::Risk, uuid);
        assert_eq!(want[&id], (uuid.clone(), Some(reference.clone())));
    }
    // Column A (the UUID) is hidden; the reference is the first column shown, grey like other worked-out cells,
    // with a note saying it is not imported.
    let xml = part(&path, "xl/worksheets/sheet2.xml");
    let cols = &xml[xml.find("<cols>").expect("cols")..xml.find("</cols>").expect("cols")];
    let first = cols.split("<col ").find(|c| c.contains(r#"min="1""#)).expect("column A");
    assert!(first.contains(r#"hidden="1""#), "{cols}");
    let second = cols.split("<col ").find(|c| c.contains(r#"min="2""#)).expect("column B");
    assert!(!second.contains("hidden"), "{cols}");
    let comments = (1..=9)
        .filter_map(|n| {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&path).expect("open")).expect("zip");
            let mut f = zip.by_name(&format!("xl/comments{n}.xml")).ok()?;
            let mut s = String::new();
            std::io::Read::read_to_string(&mut f, &mut s).ok()?;
            Some(s)
        })
        .collect::<String>();
    assert!(comments.contains("reference, given by assay"), "the ref's note");
    // The README sheet says what the two columns hold.
    let readme = book.worksheet_range("README").expect("readme");
    let text: Vec<String> = readme.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
    assert!(text.iter().any(|t| t.contains("UUID in a hidden column")), "{text:?}");
    assert!(!text.iter().any(|t| t.contains("Read-only: Ref")), "the ref is explained once, not listed: {text:?}");
}

/// A title changed in a sheet updates the record the row's UUID names: the same UUID, the same number, no new row.
#[test]
fn an_edited_sheet_updates_the_same_record_by_its_uuid() {
    let mut store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let before = identities(&store, Table::Risk);
    let original = workbook(&store, dir.path(), false);
    let edited = dir.path().join("edited.xlsx");
    edit_workbook(&original, &edited, &[("risks", 3, "title", "Renamed in the workbook")]);
    let plan = plan_file(&store, &edited, Options::default());
    let risks = plan.sheets.iter().find(|s| s.register == Register::Risks).expect("risks");
    assert_eq!((risks.added.len(), risks.updated.len()), (0, 1), "{}", plan.preview());
    let row = &risks.updated[0];
    assert!(!row.by_natural_key && !row.by_reference, "matched by its id");
    let id = row.id.expect("an existing record");
    assert_eq!(row.reference, before[&id].1);
    assert!(
        plan.preview().contains(&format!("row 6 ({}): ", before[&id].1.clone().expect("ref"))),
        "{}",
        plan.preview()
    );
    registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!(identities(&store, Table::Risk), before, "same records, same UUIDs and numbers");
    let title: String =
        store.conn().query_row("SELECT title FROM risk WHERE id = ?", [id], |r| r.get(0)).expect("title");
    assert_eq!(title, "Renamed in the workbook");

    // The same through CSV files and the command line.
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "--out", "a.db"]).status.success());
    assert!(run(&["--db", "a.db", "export", "pay", "--format", "csv", "--out", "regs"]).status.success());
    let path = dir.path().join("regs/risks.csv");
    let mut t = interchange::read_csv(&std::fs::read(&path).expect("read"), "risks.csv").expect("parse");
    let (uuid, reference) = (t.rows[2].1[0].clone(), t.rows[2].1[1].clone());
    let ti = at(&t, "title");
    t.rows[2].1[ti] = "Renamed in the CSV file".into();
    let mut w = csv::Writer::from_path(&path).expect("csv");
    w.write_record(&t.headers).expect("header");
    for (_, r) in &t.rows {
        w.write_record(r).expect("row");
    }
    w.flush().expect("flush");
    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("0 added, 1 updated"), "{}", stderr(&out));
    let db = Store::open(&dir.path().join("a.db"), "tester").expect("open");
    let (title, number, n): (String, i64, i64) = db
        .conn()
        .query_row(
            "SELECT title, number, (SELECT count(*) FROM risk WHERE title = 'Renamed in the CSV file') FROM risk \
             WHERE uuid = ?",
            [uuid::Uuid::parse_str(&uuid).expect("uuid").as_bytes().as_slice()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("the risk by its UUID");
    assert_eq!((title.as_str(), format!("R-{number}"), n), ("Renamed in the CSV file", reference, 1));
}

/// A row whose id is blank is matched by its ref; a ref changed next to an id is reported, never applied.
#[test]
fn a_row_without_an_id_is_matched_by_its_ref_and_a_changed_ref_is_only_reported() {
    let mut store = demo_store();
    let before = identities(&store, Table::Asset);
    let dir = tempfile::tempdir().expect("dir");
    let tables = csv_tables(&store, dir.path());
    let (_, t) = tables.iter().find(|(n, _)| n == "assets").expect("assets");
    let (ii, ri, ci) = (at(t, "id"), at(t, "ref"), at(t, "condition"));

    let mut by_ref = t.clone();
    by_ref.rows[1].1[ii] = String::new();
    by_ref.rows[1].1[ri] = by_ref.rows[1].1[ri].to_lowercase();
    by_ref.rows[1].1[ci] = "Matched by its reference".into();
    let target = row_of(&store, Table::Asset, &t.rows[1].1[ii]);
    let plan = plan_csv(&store, Register::Assets, &by_ref, Options::default()).expect("plan");
    let s = &plan.sheets[0];
    assert_eq!((s.added.len(), s.updated.len()), (0, 1), "{}", plan.preview());
    assert!(s.updated[0].by_reference && s.updated[0].id == Some(target), "{:?}", s.updated[0]);
    assert!(s.read_only.is_empty(), "the same reference in another case: {:?}", s.read_only);
    assert!(plan.preview().contains("matched by ref"), "{}", plan.preview());
    registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!(identities(&store, Table::Asset), before);
    assert_eq!(
        count(&store, &format!("SELECT count(*) FROM asset WHERE id = {target} AND condition LIKE 'Matched%'")),
        1
    );

    // A ref changed next to the record's UUID: reported, and the UUID decides.
    let tables = csv_tables(&store, dir.path());
    let (_, t) = tables.iter().find(|(n, _)| n == "assets").expect("assets");
    let mut renumbered = t.clone();
    renumbered.rows[0].1[ri] = "A-999".into();
    let plan = plan_csv(&store, Register::Assets, &renumbered, Options::default()).expect("plan");
    assert_eq!(plan.read_only_changes().len(), 1, "{}", plan.preview());
    assert!(plan.read_only_changes()[0].contains("column B (ref)"), "{:?}", plan.read_only_changes());
    assert!(plan.sheets[0].updated.is_empty(), "{}", plan.preview());

    // A new row typed without id and ref is added and gets its UUID and number from the workbench.
    let mut added = t.clone();
    let mut row = vec![String::new(); added.headers.len()];
    row[at(t, "tag")] = "NEW-BY-HAND".into();
    row[at(t, "kind")] = "device".into();
    added.rows.push((99, row));
    registers::import(&mut store, 1, Register::Assets, &added, "assets.csv", today(), &mut |_, _| {}).expect("import");
    let after = identities(&store, Table::Asset);
    assert_eq!(after.len(), before.len() + 1);
    let new: Vec<&(String, Option<String>)> =
        after.iter().filter(|(k, _)| !before.contains_key(k)).map(|(_, v)| v).collect();
    let highest = before.values().filter_map(|(_, r)| r.as_deref()?.strip_prefix("A-")?.parse::<i64>().ok()).max();
    assert_eq!(new[0].1, Some(format!("A-{}", highest.expect("numbers") + 1)), "the next number");
}

/// Sheets exported before records had UUIDs (made by that version, from the same demo: integer ids, no ref,
/// provider columns headed "Name (#id)") still import, matched by the row ids they carry.
#[test]
fn sheets_made_before_uuids_still_import() {
    let mut store = demo_store();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sheets-before-uuids");
    let read = |name: &str| {
        interchange::read_csv(&std::fs::read(fixtures.join(format!("{name}.csv"))).expect("fixture"), name)
            .expect("parse")
    };
    let risks = read("risks");
    assert_eq!(risks.headers[..2], ["id".to_string(), "catalog_ref".to_string()], "a sheet of the old shape");
    let before = identities(&store, Table::Risk);
    let fp = fingerprint(&store);
    for (name, register) in [("team_members", Register::TeamMembers), ("scores", Register::Scores)] {
        let t = read(name);
        let plan = plan_csv(&store, register, &t, Options::default()).expect("plan");
        assert!(plan.changes_nothing(), "{name}: {}", plan.preview());
        assert!(plan.sheets[0].read_only.is_empty(), "{name}: {}", plan.preview());
    }
    let plan = plan_csv(&store, Register::Risks, &risks, Options::default()).expect("plan");
    let s = &plan.sheets[0];
    assert_eq!((s.added.len(), s.updated.len(), s.removed.len()), (0, 1, 0), "{}", plan.preview());
    assert_eq!(s.updated[0].id, Some(1), "the row id the old sheet carries");
    assert_eq!(fingerprint(&store), fp, "a plan writes nothing");
    registers::apply(&mut store, 1, &plan, today(), &mut |_, _| {}).expect("apply");
    assert_eq!(identities(&store, Table::Risk), before, "updated in place");
    assert_eq!(
        count(&store, "SELECT count(*) FROM risk WHERE id = 1 AND title = 'Renamed in a sheet made before UUIDs'"),
        1
    );

    // A whole workbook of that version: one edited cell, the rest unchanged.
    let store = demo_store();
    let plan = plan_file(&store, &fixtures.join("legacy.xlsx"), Options::default());
    let changed: Vec<&registers::RowPlan> = plan.sheets.iter().flat_map(|s| &s.updated).collect();
    assert_eq!(changed.len(), 1, "{}", plan.preview());
    assert_eq!(changed[0].changes[0].new, "Dented before UUIDs");
    assert!(plan.sheets.iter().all(|s| s.added.is_empty() && s.read_only.is_empty()), "{}", plan.preview());
}

/// Expects planning `tables` to be refused with each of `want` in the message; applies nothing.
fn refused_ids(store: &mut Store, tables: &[(Register, &Table2, &str)], want: &[&str]) {
    let before = fingerprint(store);
    let err = registers::plan(store.conn(), 1, tables, today(), Options::default()).expect_err("refused").to_string();
    for w in want {
        assert!(err.contains(w), "{err:?} lacks {w:?}");
    }
    let list: Vec<(Register, &Table2, &str)> = tables.to_vec();
    assert!(registers::import_many(store, 1, &list, today(), &mut |_, _| {}).is_err());
    assert_eq!(fingerprint(store), before, "nothing of the import is applied");
}

#[test]
fn malformed_repeated_and_foreign_ids_are_refused_with_file_row_and_column() {
    let mut store = demo_store();
    let dir = tempfile::tempdir().expect("dir");
    let tables = csv_tables(&store, dir.path());
    let get = |name: &str| tables.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).expect("table");
    // Every case comes after a valid edit in another file of the same import, which must not be applied either.
    let mut providers = get("providers");
    let fi = at(&providers, "focal_point");
    providers.rows[0].1[fi] = "Applied only with the rest".into();
    let risks = get("risks");
    let case = |store: &mut Store, t: &Table2, want: &[&str]| {
        refused_ids(
            store,
            &[(Register::Providers, &providers, "providers.csv"), (Register::Risks, t, "risks.csv")],
            want,
        )
    };

    let mut t = risks.clone();
    t.rows[2].1[0] = "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9fa0bz".into();
    case(&mut store, &t, &["risks.csv", "row 4", "column A (id)", "not a valid UUID"]);
    t.rows[2].1[0] = "R-3".into();
    case(&mut store, &t, &["risks.csv", "row 4", "column A (id)", "not a valid UUID", "ref column"]);

    let mut t = risks.clone();
    t.rows[4].1[0] = t.rows[1].1[0].to_uppercase();
    case(&mut store, &t, &["risks.csv", "row 6", "column A (id)", "duplicate id", "row 3 has it too"]);

    // A risk of another engagement, by its UUID: refused, not matched, not added.
    let other: i64 = count(&store, "SELECT min(id) FROM risk WHERE engagement_id = 2");
    let mut t = risks.clone();
    t.rows[0].1[0] = uuid_of(&store, Table::Risk, other);
    case(&mut store, &t, &["risks.csv", "row 2", "column A (id)", "a risk of another engagement"]);

    // A record of another register.
    let asset: i64 = count(&store, "SELECT min(id) FROM asset WHERE engagement_id = 1");
    let mut t = risks.clone();
    t.rows[0].1[0] = uuid_of(&store, Table::Asset, asset);
    case(&mut store, &t, &["risks.csv", "row 2", "column A (id)", "the id of an asset, not of a risk"]);

    // A UUID nobody has.
    let mut t = risks.clone();
    t.rows[0].1[0] = uuid::Uuid::nil().to_string();
    case(&mut store, &t, &["risks.csv", "row 2", "column A (id)", "unknown id"]);

    // With the id blank, a ref of another register, one the engagement lacks, one given twice, one not a ref.
    let ri = at(&risks, "ref");
    let mut t = risks.clone();
    t.rows[0].1[0] = String::new();
    t.rows[0].1[ri] = "A-1".into();
    case(&mut store, &t, &["risks.csv", "row 2", "column B (ref)", "A-1 is the reference of an asset, not of a risk"]);
    t.rows[0].1[ri] = "R-9999".into();
    case(&mut store, &t, &["risks.csv", "row 2", "column B (ref)", "unknown reference R-9999"]);
    t.rows[0].1[ri] = t.rows[1].1[ri].clone();
    t.rows[1].1[0] = String::new();
    case(&mut store, &t, &["risks.csv", "row 3", "column B (ref)", "is on row 2 too"]);
    t.rows[0].1[ri] = "risk twelve".into();
    case(&mut store, &t, &["risks.csv", "row 2", "column B (ref)", "not a short reference"]);

    // A column naming another record: a provider of another engagement, by its UUID or as another kind.
    let members = get("team_members");
    let pi = at(&members, "provider_id");
    let theirs: i64 = count(&store, "SELECT min(id) FROM provider WHERE engagement_id = 2");
    let mut t = members.clone();
    t.rows[1].1[pi] = uuid_of(&store, Table::Provider, theirs);
    let want = ["team_members.csv", "row 3", "column C (provider_id)", "a provider of another engagement"];
    refused_ids(
        &mut store,
        &[(Register::Providers, &providers, "p.csv"), (Register::TeamMembers, &t, "team_members.csv")],
        &want,
    );
    t.rows[1].1[pi] = "M-1".into();
    let want = ["team_members.csv", "row 3", "column C (provider_id)", "M-1 is the reference of a team member"];
    refused_ids(
        &mut store,
        &[(Register::Providers, &providers, "p.csv"), (Register::TeamMembers, &t, "team_members.csv")],
        &want,
    );

    // The command line says the same, exits 1, and leaves the workspace file as it was.
    let run = |args: &[&str]| assay(dir.path(), args);
    assert!(run(&["demo", "--out", "a.db"]).status.success());
    assert!(run(&["--db", "a.db", "export", "pay", "--format", "xlsx", "--out", "pay.xlsx"]).status.success());
    let book = dir.path().join("pay.xlsx");
    let mut xlsx: Xlsx<_> = open_workbook(&book).expect("open");
    let rows: Vec<Vec<Data>> = xlsx.worksheet_range("assets").expect("assets").rows().map(<[Data]>::to_vec).collect();
    let first = rows[2][0].to_string();
    edit_workbook(
        &book,
        &dir.path().join("twice.xlsx"),
        &[("providers", 0, "focal_point", "Not applied"), ("assets", 1, "id", &first)],
    );
    let db = std::fs::read(dir.path().join("a.db")).expect("db");
    let out = run(&["--db", "a.db", "import", "twice.xlsx", "--into", "pay"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[sheet assets]") && err.contains("row 4") && err.contains("column A (id)"), "{err}");
    assert!(err.contains("duplicate id") && err.contains("nothing was imported"), "{err}");
    assert_eq!(std::fs::read(dir.path().join("a.db")).expect("db"), db, "the workspace is unchanged");
}
