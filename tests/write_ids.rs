//! `assay import FILE --write-ids`: the rows of a CSV file or workbook that had no id (added, or matched by ref or
//! natural key) get their record's UUID and ref written back into the same file, every other byte of a CSV file and
//! every other cell and part of a workbook staying as they were; importing the file again then matches every row
//! by its id and changes nothing. Refused with a dry run; a file that cannot be written still gets the import, and
//! the message says loudly that its ids were not written and why.

mod common;

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

use assay::interchange;
use assay::store::Store;
use calamine::{Data, Reader, Xlsx, open_workbook};
use common::bin::{assay, stderr};

/// The demo workspace `a.db` in `dir`, with its registers exported as `regs/*.csv` and `pay.xlsx`.
fn demo_with_exports(dir: &Path) {
    let run = |args: &[&str]| assay(dir, args);
    let out = run(&["demo", "--out", "a.db"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["--db", "a.db", "export", "pay", "--format", "csv", "--out", "regs"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["--db", "a.db", "export", "pay", "--format", "xlsx", "--out", "pay.xlsx"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The UUID and short reference of the payroll engagement's risk with this title, from the workspace file.
fn risk_identity(dir: &Path, title: &str) -> (String, String) {
    let store = Store::open(&dir.join("a.db"), "tester").expect("open");
    let (uuid, number): (Vec<u8>, i64) = store
        .conn()
        .query_row(
            "SELECT r.uuid, r.number FROM risk r JOIN engagement e ON e.id = r.engagement_id \
             WHERE e.name LIKE 'Payroll%' AND r.title = ?",
            [title],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("the risk");
    (uuid::Uuid::from_slice(&uuid).expect("uuid").hyphenated().to_string(), format!("R-{number}"))
}

fn risks_titled(dir: &Path, title: &str) -> i64 {
    let store = Store::open(&dir.join("a.db"), "tester").expect("open");
    store.conn().query_row("SELECT count(*) FROM risk WHERE title = ?", [title], |r| r.get(0)).expect("count")
}

/// Records as a CSV file the way a spreadsheet program might save them: the separator, line end and byte-order
/// mark given, quotes only where a field needs them.
fn csv_file(records: &[Vec<String>], separator: u8, crlf: bool, bom: bool) -> Vec<u8> {
    let terminator = if crlf { csv::Terminator::CRLF } else { csv::Terminator::Any(b'\n') };
    let mut w = csv::WriterBuilder::new().delimiter(separator).terminator(terminator).from_writer(Vec::new());
    for r in records {
        w.write_record(r).expect("record");
    }
    let body = w.into_inner().expect("csv");
    if bom { [b"\xEF\xBB\xBF".to_vec(), body].concat() } else { body }
}

/// The exported risks as records, and the index of a column by its key.
fn exported_risks(dir: &Path) -> Vec<Vec<String>> {
    let t =
        interchange::read_csv(&std::fs::read(dir.join("regs/risks.csv")).expect("read"), "risks.csv").expect("parse");
    std::iter::once(t.headers).chain(t.rows.into_iter().map(|(_, r)| r)).collect()
}

fn col(records: &[Vec<String>], key: &str) -> usize {
    records[0].iter().position(|h| h == key).expect("column")
}

/// The title of the new row: a separator, quotes and a non-ASCII letter, so that its field is quoted.
const NEW_TITLE: &str = "Payroll data copied to a \"shared\" drive; Søren's report";

/// The exported risks with three rows meant to get their ids: the second matched by its natural key (id and ref
/// cleared, description changed), the third by its ref (id cleared), and a new row (a copy of the first with id, ref
/// and worked-out cells cleared, and a title of its own) after them.
fn risks_to_identify(records: &[Vec<String>]) -> Vec<Vec<String>> {
    let (ii, ri, ti, di) =
        (col(records, "id"), col(records, "ref"), col(records, "title"), col(records, "description"));
    let mut out = records.to_vec();
    out[2][ii].clear();
    out[2][ri].clear();
    out[2][di] = "Changed in the file".into();
    out[3][ii].clear();
    let mut new = records[1].clone();
    new[ii].clear();
    new[ri].clear();
    new[ti] = NEW_TITLE.into();
    for key in ["inherent_level", "inherent_band", "residual_band", "acceptance"] {
        new[col(records, key)].clear();
    }
    out.insert(4, new);
    out
}

#[test]
fn csv_rows_without_ids_get_them_in_place_and_the_next_import_changes_nothing() {
    // Plain CSV, and the CSV of Excel where the decimal mark is a comma: `;`, a byte-order mark, CRLF.
    for (separator, crlf, bom) in [(b',', false, false), (b';', true, true)] {
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: &[&str]| assay(dir.path(), args);
        demo_with_exports(dir.path());
        let records = exported_risks(dir.path());
        let mut file = risks_to_identify(&records);
        let path = dir.path().join("regs/risks.csv");
        std::fs::write(&path, csv_file(&file, separator, crlf, bom)).expect("write");

        let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(err.contains("1 added, 1 updated"), "{err}");
        assert!(
            err.contains(
                "wrote the ids and refs of 3 rows back into regs/risks.csv (1 added, 1 matched by their ref, 1 \
                 matched by risk title within the engagement)"
            ),
            "{err}"
        );

        // The file is what it was, with the UUID and ref of each of the three rows in their cells: every other
        // byte (separator, quoting, byte-order mark, line ends) as it was.
        let (ii, ri, ti) = (col(&records, "id"), col(&records, "ref"), col(&records, "title"));
        for row in [2, 3, 4] {
            let (uuid, reference) = risk_identity(dir.path(), &file[row][ti]);
            if row == 3 {
                assert_eq!(file[row][ri], reference, "matched by this ref");
            }
            file[row][ii] = uuid;
            file[row][ri] = reference;
        }
        let expected = csv_file(&file, separator, crlf, bom);
        let written = std::fs::read(&path).expect("read");
        assert_eq!(String::from_utf8_lossy(&written), String::from_utf8_lossy(&expected));
        assert_eq!(written, expected);
        assert_eq!(risks_titled(dir.path(), NEW_TITLE), 1);

        // Again: every row is matched by its UUID, nothing changes, nothing is reported, the file stays.
        let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(err.contains("nothing to change") && err.contains("carries its id already"), "{err}");
        assert!(!err.contains("not imported"), "no read-only cell is reported: {err}");
        assert_eq!(std::fs::read(&path).expect("read"), expected);
        let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--dry-run"]);
        assert!(String::from_utf8_lossy(&out.stdout).contains("0 to add, 0 to update"), "{out:?}");
        assert_eq!(risks_titled(dir.path(), NEW_TITLE), 1, "added once");
    }
}

/// The parts of a workbook: name → uncompressed bytes, in the package's order.
fn parts(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("part");
            let mut b = Vec::new();
            f.read_to_end(&mut b).expect("read");
            (f.name().expect("name").into_owned(), b)
        })
        .collect()
}

/// A workbook with the same parts, `name` replaced by `text`: how a test edits a sheet's XML.
fn with_part(bytes: &[u8], name: &str, text: &str) -> Vec<u8> {
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in parts(bytes) {
        out.start_file(n.as_str(), options).expect("start");
        out.write_all(if n == name { text.as_bytes() } else { &b }).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

/// Every cell of every sheet of a workbook: (sheet, row, column) → the cell, as calamine reads them.
fn cells(path: &Path) -> BTreeMap<(String, u32, u32), Data> {
    let mut book: Xlsx<_> = open_workbook(path).expect("open");
    let mut out = BTreeMap::new();
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("range");
        for (r, c, d) in range.used_cells() {
            let (r0, c0) = range.start().expect("start");
            out.insert((name.clone(), r0 + r as u32, c0 + c as u32), d.clone());
        }
    }
    out
}

/// A sheet's XML without the cells of `refs` (`A4`, …): what is left of it must not change.
fn without_cells(xml: &str, refs: &[&str]) -> String {
    refs.iter().fold(xml.to_string(), |xml, r| {
        let cell = regex::Regex::new(&format!(r#"<c r="{r}"[^>]*?(/>|>.*?</c>)"#)).expect("regex");
        cell.replace_all(&xml, "").into_owned()
    })
}

/// The title of the risk typed as a new row of the workbook.
const TYPED_TITLE: &str = "Payroll data on a shared drive";

/// The exported workbook edited as a spreadsheet program would save it: in the risks sheet (sheet 2), row 4 (R-2)
/// loses its id and ref, so that it is matched by its title, and a new risk is typed under the last row.
struct EditedBook {
    /// The workbook as exported, and as edited (`pay-edited.xlsx` in the test's folder).
    edited: Vec<u8>,
    /// The risks sheet's XML as edited.
    xml: String,
    /// The sheet's last exported row and the typed row (1-based).
    last: u32,
    new_row: u32,
    /// The title of R-2.
    r2_title: String,
}

const RISKS_PART: &str = "xl/worksheets/sheet2.xml";

fn edited_book(dir: &Path) -> EditedBook {
    let exported = std::fs::read(dir.join("pay.xlsx")).expect("read");
    let xml =
        String::from_utf8(parts(&exported).into_iter().find(|(n, _)| n == RISKS_PART).expect("risks").1).expect("utf8");
    let xml = without_cells(&xml, &["A4", "B4"]);
    let mut book: Xlsx<_> = open_workbook(dir.join("pay.xlsx")).expect("open");
    let risks = book.worksheet_range("risks").expect("risks");
    let keys: Vec<String> = risks.rows().next().expect("keys").iter().map(ToString::to_string).collect();
    let index = |key: &str| keys.iter().position(|k| k == key).expect("key");
    let letter = |key: &str| assay::store::registers::column_letter(index(key) + 1);
    let last = risks.end().expect("end").0 + 1;
    let new_row = last + 1;
    let text = |key: &str, t: &str| format!(r#"<c r="{}{new_row}" t="inlineStr"><is><t>{t}</t></is></c>"#, letter(key));
    let number = |key: &str, n: u8| format!(r#"<c r="{}{new_row}"><v>{n}</v></c>"#, letter(key));
    let typed = format!(
        r#"<row r="{new_row}">{}{}{}{}{}{}{}</row></sheetData>"#,
        text("title", TYPED_TITLE),
        number("likelihood", 2),
        number("impact_c", 3),
        number("impact_i", 1),
        number("impact_a", 1),
        text("treatment", "modify"),
        text("status", "open"),
    );
    let xml = xml.replacen("</sheetData>", &typed, 1);
    let edited = with_part(&exported, RISKS_PART, &xml);
    std::fs::write(dir.join("pay-edited.xlsx"), &edited).expect("write");
    let r2_title = risks.get_value((3, index("title") as u32)).expect("R-2").to_string();
    EditedBook { edited, xml, last, new_row, r2_title }
}

#[test]
fn workbook_rows_without_ids_get_them_and_everything_else_stays() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    demo_with_exports(dir.path());
    let EditedBook { edited, xml, last, new_row, r2_title } = edited_book(dir.path());
    let sheet = RISKS_PART;
    let path = dir.path().join("pay-edited.xlsx");
    let before = cells(&path);

    let out = run(&["--db", "a.db", "import", "pay-edited.xlsx", "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("wrote the ids and refs of 2 rows back into pay-edited.xlsx"), "{err}");
    assert!(err.contains("risks 2: 1 added, 1 matched by risk title within the engagement"), "{err}");

    // Read back with calamine: the two rows hold their records' UUIDs and refs, and every other cell of every
    // sheet is as it was.
    let after = cells(&path);
    let (new_uuid, new_ref) = risk_identity(dir.path(), TYPED_TITLE);
    let (r2_uuid, r2_ref) = risk_identity(dir.path(), &r2_title);
    assert_eq!(r2_ref, "R-2");
    let written = [
        ((3, 0), r2_uuid.clone()),
        ((3, 1), r2_ref.clone()),
        ((new_row - 1, 0), new_uuid.clone()),
        ((new_row - 1, 1), new_ref.clone()),
    ];
    let mut want = before.clone();
    for ((r, c), t) in &written {
        want.insert(("risks".to_string(), *r, *c), Data::String(t.clone()));
    }
    assert_eq!(after, want);

    // Every part of the package but the risks sheet is as it was, byte for byte; in that sheet only those cells
    // are new, and the hidden id column, dropdowns and frozen header are still there.
    let new_parts = parts(&std::fs::read(&path).expect("read"));
    let old_parts = parts(&edited);
    assert_eq!(
        new_parts.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        old_parts.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, new), (_, old)) in new_parts.iter().zip(&old_parts) {
        if name != sheet {
            assert!(new == old, "{name} changed");
        }
    }
    let new_xml =
        String::from_utf8(new_parts.iter().find(|(n, _)| n == sheet).expect("risks").1.clone()).expect("utf8");
    let a = format!("A{new_row}");
    let b = format!("B{new_row}");
    assert_eq!(without_cells(&new_xml, &["A4", "B4", &a, &b]), xml);
    // The new cells look like their neighbours above: the ref grey as the export made it.
    let style = |xml: &str, cell: &str| {
        regex::Regex::new(&format!(r#"<c r="{cell}"( s="\d+")?"#))
            .expect("regex")
            .captures(xml)
            .and_then(|c| c.get(1).map(|m| m.as_str().to_string()))
    };
    assert_eq!(style(&new_xml, "B4"), style(&new_xml, "B3"));
    assert_eq!(style(&new_xml, &b), style(&new_xml, &format!("B{last}")));
    assert!(style(&new_xml, "B3").is_some());
    assert!(new_xml.contains(&format!("<t>{r2_uuid}</t>")) && new_xml.contains(&format!("<t>{new_ref}</t>")));
    assert!(new_xml.contains(r#"hidden="1""#) && new_xml.contains("<dataValidation ") && new_xml.contains("<pane "));

    // Again: nothing to change, and the workbook stays as it is.
    let now = std::fs::read(&path).expect("read");
    let out = run(&["--db", "a.db", "import", "pay-edited.xlsx", "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("nothing to change") && !err.contains("not imported"), "{err}");
    assert_eq!(std::fs::read(&path).expect("read"), now);
    assert_eq!(risks_titled(dir.path(), TYPED_TITLE), 1);
}

/// `soffice --headless --convert-to xlsx` of `file` into `out_dir`: the workbook read and saved again by LibreOffice.
fn saved_by_libreoffice(dir: &Path, file: &Path, out_dir: &Path) -> std::path::PathBuf {
    let profile = format!("-env:UserInstallation=file://{}", dir.join("profile").display());
    let out = std::process::Command::new("soffice")
        .args([profile.as_str(), "--headless", "--convert-to", "xlsx", "--outdir"])
        .arg(out_dir)
        .arg(file)
        .output()
        .expect("soffice");
    assert!(out.status.success(), "{}", stderr(&out));
    out_dir.join(file.file_name().expect("name"))
}

/// With the spreadsheet program many assessors use: a workbook edited and saved by LibreOffice (its own XML, shared
/// strings and all) gets its ids written, and LibreOffice reads them back. Skipped, and said so, when LibreOffice is
/// not installed.
#[test]
fn a_workbook_saved_by_libreoffice_gets_its_ids_and_libreoffice_reads_them() {
    let found = std::process::Command::new("soffice").arg("--version").output().is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("skipped: LibreOffice (soffice) is not installed");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    demo_with_exports(dir.path());
    let EditedBook { r2_title, .. } = edited_book(dir.path());
    let saved = saved_by_libreoffice(dir.path(), &dir.path().join("pay-edited.xlsx"), &dir.path().join("lo"));
    let shown = saved.strip_prefix(dir.path()).expect("inside").to_str().expect("utf8").to_string();
    let out = run(&["--db", "a.db", "import", &shown, "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("wrote the ids and refs of 2 rows back into lo/pay-edited.xlsx"), "{err}");

    // LibreOffice opens the written workbook and saves it again with the ids in their cells.
    let again = saved_by_libreoffice(dir.path(), &saved, &dir.path().join("lo2"));
    let mut book: Xlsx<_> = open_workbook(&again).expect("open");
    let risks = book.worksheet_range("risks").expect("risks");
    let rows: Vec<Vec<String>> = risks.rows().map(|r| r.iter().map(ToString::to_string).collect()).collect();
    let title = rows[0].iter().position(|k| k == "title").expect("title");
    for t in [TYPED_TITLE, r2_title.as_str()] {
        let (uuid, reference) = risk_identity(dir.path(), t);
        let row = rows.iter().find(|r| r[title] == t).expect("the row");
        assert_eq!((row[0].as_str(), row[1].as_str()), (uuid.as_str(), reference.as_str()), "{t}");
    }
    let out = run(&["--db", "a.db", "import", "lo2/pay-edited.xlsx", "--into", "pay", "--write-ids"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
}

#[test]
fn write_ids_is_refused_with_a_dry_run_and_without_an_id_column() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    demo_with_exports(dir.path());
    let records = risks_to_identify(&exported_risks(dir.path()));
    let path = dir.path().join("regs/risks.csv");
    std::fs::write(&path, csv_file(&records, b',', false, false)).expect("write");
    let file = std::fs::read(&path).expect("read");
    let db = std::fs::read(dir.path().join("a.db")).expect("db");

    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--dry-run", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--write-ids") && err.contains("a dry run applies nothing"), "{err}");
    assert!(out.stdout.is_empty(), "no preview either");
    assert_eq!(std::fs::read(&path).expect("read"), file);
    assert_eq!(std::fs::read(dir.path().join("a.db")).expect("db"), db);

    // A file without an id column: nowhere to write the ids, so nothing is imported.
    let (ii, ri) = (col(&records, "id"), col(&records, "ref"));
    let bare: Vec<Vec<String>> = records
        .iter()
        .map(|r| r.iter().enumerate().filter(|(i, _)| *i != ii && *i != ri).map(|(_, c)| c.clone()).collect())
        .collect();
    std::fs::write(&path, csv_file(&bare, b',', false, false)).expect("write");
    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("regs/risks.csv") && err.contains("id column") && err.contains("nothing was imported"),
        "{err}"
    );
    assert_eq!(risks_titled(dir.path(), NEW_TITLE), 0);
}

#[cfg(unix)]
#[test]
fn a_read_only_file_gets_the_import_and_says_loudly_that_its_ids_were_not_written() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| assay(dir.path(), args);
    demo_with_exports(dir.path());
    let records = risks_to_identify(&exported_risks(dir.path()));
    let path = dir.path().join("regs/risks.csv");
    std::fs::write(&path, csv_file(&records, b',', false, false)).expect("write");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).expect("chmod");
    let file = std::fs::read(&path).expect("read");

    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(5), "applied, but not all of it: {err}");
    assert!(err.contains("1 added, 1 updated"), "what was applied is said: {err}");
    assert!(
        err.contains(
            "the import was applied, but the ids were NOT written back into regs/risks.csv: the file is read-only"
        ),
        "{err}"
    );
    assert_eq!(std::fs::read(&path).expect("read"), file, "the file is untouched");
    assert_eq!(risks_titled(dir.path(), NEW_TITLE), 1, "the import is applied");

    // Writable again, the same command adds nothing twice and writes the ids: every row is matched now.
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("nothing to change in the workspace"), "{err}");
    assert!(
        err.contains(
            "wrote the ids and refs of 3 rows back into regs/risks.csv (1 matched by their ref, 2 matched by risk title"
        ),
        "{err}"
    );
    assert_eq!(std::fs::metadata(&path).expect("meta").permissions().mode() & 0o777, 0o644, "its mode kept");
    let out = run(&["--db", "a.db", "import", "regs/risks.csv", "--into", "pay", "--write-ids"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(risks_titled(dir.path(), NEW_TITLE), 1);
}
