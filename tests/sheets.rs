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

