//! Files in and out: the registers as CSV files or one XLSX workbook, and reading such files back as tables for
//! the store's register import. The JSON bundle lives in `store::bundle`; the management report in
//! `report`. [`write_back`] writes records' ids back into the file an import read.

pub mod write_back;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{DataValidation, ExcelDateTime, Format, FormatBorder, Note, Workbook};

use crate::domain::Value;
use crate::domain::fields::{FieldKind, FieldSpec, guard_formula, is_iso_date};
use crate::store::registers::{self, CellError, Column, Register, Role, Sheet, Table2};

/// A value as a CSV cell. Text that a spreadsheet would run as a formula gets a `'` in front; numbers never do.
fn csv_cell(v: &Value) -> String {
    match v {
        Value::Text(t) => guard_formula(t).into_owned(),
        other => other.to_string(),
    }
}

/// Writes each register as `<dir>/<register>.csv` (UTF-8, a header row, comma-separated; with a byte-order mark
/// first when `bom`, which Excel on Windows needs to read UTF-8). Returns the files.
pub fn write_csv(
    dir: &Path,
    sheets: &[Sheet],
    bom: bool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Vec<std::path::PathBuf>, String> {
    crate::private_fs::folder(dir)?;
    let mut out = Vec::new();
    for (n, sheet) in sheets.iter().enumerate() {
        let path = dir.join(format!("{}.csv", sheet.name));
        crate::private_fs::write_with(&path, |file| {
            if bom {
                std::io::Write::write_all(&mut *file, b"\xEF\xBB\xBF")?;
            }
            let mut w = csv::Writer::from_writer(file);
            w.write_record(&sheet.headers)?;
            for row in &sheet.rows {
                w.write_record(row.iter().map(csv_cell))?;
            }
            w.flush()
        })?;
        out.push(path);
        progress(n + 1, sheets.len());
    }
    Ok(out)
}

/// The first rows of every sheet of a workbook: the stored keys (a hidden row the import reads, so it does not
/// depend on the wording), then the headers people read. Data starts below them.
const KEY_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;
/// How far down the dropdowns of a choice column reach, past the last row, for rows added by hand.
const ROOM_FOR_NEW_ROWS: u32 = 1000;

/// The registers as one workbook made for editing: a README sheet saying what may be edited, then a sheet per
/// register with human headers (the stored keys in a hidden row above them), each record's UUID in a hidden first
/// column and its short reference in the first column shown, read-only columns marked, a dropdown
/// on every choice column listing the labels people see, real date cells, numbers as numbers, a frozen header
/// with a filter, fitting column widths, and print setup (landscape, one page wide, header repeated, sheet name
/// and page number in the footer).
pub fn xlsx_bytes(sheets: &[Sheet], progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let header =
        Format::new().set_bold().set_text_wrap().set_border_bottom(FormatBorder::Thin).set_background_color("D9D9D9");
    let read_only_header = header.clone().set_italic().set_font_color("595959").set_background_color("EDEDED");
    let read_only = Format::new().set_font_color("595959").set_background_color("F2F2F2");
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    readme_sheet(&mut book, sheets).map_err(e)?;
    for (n, sheet) in sheets.iter().enumerate() {
        let register = Register::from_name(sheet.name);
        let column = |key: &str| register.and_then(|r| r.columns().iter().find(|c| c.key == key));
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(e)?;
        let last_row = FIRST_DATA_ROW + sheet.rows.len() as u32;
        for (c, h) in sheet.headers.iter().enumerate() {
            let col = c as u16;
            let spec = column(h);
            let label = spec.map_or(h.as_str(), |s| s.label);
            let fixed = spec.is_some_and(|s| !s.editable());
            ws.write_string(KEY_ROW, col, h).map_err(e)?;
            ws.write_string_with_format(HEADER_ROW, col, label, if fixed { &read_only_header } else { &header })
                .map_err(e)?;
            match spec.map(|s| s.role) {
                Some(Role::Ref) => {
                    ws.insert_note(
                        HEADER_ROW,
                        col,
                        &Note::new(
                            "The record's reference, given by assay: a change here is not imported. Leave it blank \
                             in a new row.",
                        ),
                    )
                    .map_err(e)?;
                }
                Some(Role::Id) => {
                    // The record's UUID, which matches the row on import: kept out of sight and out of the way.
                    ws.set_column_hidden(col).map_err(e)?;
                }
                _ if fixed => {
                    ws.insert_note(HEADER_ROW, col, &Note::new("Worked out by assay: changes here are not imported."))
                        .map_err(e)?;
                }
                _ => {}
            }
            let widest = sheet
                .rows
                .iter()
                .take(200)
                .map(|r| r.get(c).map_or(0, |v| v.to_string().chars().count()))
                .max()
                .unwrap_or(0)
                .max(label.chars().count().min(24));
            ws.set_column_width(col, (widest as f64 + 2.0).clamp(8.0, 50.0)).map_err(e)?;
            // A dropdown of the labels people see; the import takes the labels and the stored values alike.
            let choices: Option<Vec<String>> = match spec.map(|s| s.role) {
                Some(Role::Edit(FieldSpec { kind: FieldKind::YesNo, .. })) => Some(vec!["yes".into(), "no".into()]),
                _ => spec
                    .and_then(Column::choices)
                    .map(|c| c.iter().filter(|v| !v.is_empty()).map(|v| registers::choice_label(v)).collect()),
            };
            if let Some(list) = choices {
                let rule = DataValidation::new()
                    .allow_list_strings(&list)
                    .and_then(|v| v.set_error_message(format!("Choose one of: {}", list.join(", "))))
                    .map_err(e)?;
                ws.add_data_validation(FIRST_DATA_ROW, col, last_row + ROOM_FOR_NEW_ROWS, col, &rule).map_err(e)?;
            }
        }
        ws.set_row_hidden(KEY_ROW).map_err(e)?;
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = FIRST_DATA_ROW + r as u32;
            for (c, v) in row.iter().enumerate() {
                let spec = sheet.headers.get(c).and_then(|h| column(h));
                let fixed = spec.is_some_and(|s| !s.editable());
                let c = c as u16;
                match v {
                    Value::Null => {}
                    Value::Int(i) if fixed => {
                        ws.write_number_with_format(r, c, *i as f64, &read_only).map_err(e)?;
                    }
                    Value::Int(i) => {
                        ws.write_number(r, c, *i as f64).map_err(e)?;
                    }
                    Value::Real(x) => {
                        ws.write_number(r, c, *x).map_err(e)?;
                    }
                    Value::Text(t) if fixed => {
                        ws.write_string_with_format(r, c, t, &read_only).map_err(e)?;
                    }
                    Value::Text(t) => match spec.map(|s| s.role) {
                        Some(Role::Edit(FieldSpec { kind: FieldKind::Date, .. })) if is_iso_date(t) => {
                            let day = ExcelDateTime::parse_from_str(t).map_err(e)?;
                            {
                                ws.write_datetime_with_format(r, c, &day, &date).map_err(e)?;
                            }
                        }
                        Some(Role::Edit(FieldSpec { kind: FieldKind::Enum(_), .. })) | Some(Role::Check(_)) => {
                            ws.write_string(r, c, registers::choice_label(t)).map_err(e)?;
                        }
                        _ => {
                            ws.write_string_with_format(r, c, t, &text).map_err(e)?;
                        }
                    },
                }
            }
        }
        ws.set_freeze_panes(FIRST_DATA_ROW, 0).map_err(e)?;
        if !sheet.headers.is_empty() {
            ws.autofilter(HEADER_ROW, 0, last_row.max(FIRST_DATA_ROW), (sheet.headers.len() - 1) as u16).map_err(e)?;
        }
        ws.set_landscape();
        ws.set_paper_size(9); // A4
        ws.set_print_fit_to_pages(1, 0);
        ws.set_repeat_rows(KEY_ROW, HEADER_ROW).map_err(e)?;
        ws.set_footer("&L&A&RPage &P of &N");
        progress(n + 1, sheets.len());
    }
    book.save_to_buffer().map_err(e)
}

/// The first sheet of a workbook: how to edit it and import it back, and which columns of each sheet are editable.
fn readme_sheet(book: &mut Workbook, sheets: &[Sheet]) -> Result<(), rust_xlsxwriter::XlsxError> {
    let ws = book.add_worksheet();
    ws.set_name(README_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    ws.set_column_width(0, 22)?;
    ws.set_column_width(1, 100)?;
    ws.write_string_with_format(0, 0, "How to edit this workbook", &title)?;
    let lines = [
        "Edit the white columns; grey ones are worked out by assay, and a change to them is reported, not imported.",
        "Choice columns have a dropdown. Dates are real dates. Yes/no columns take yes or no.",
        "Each row carries its record's UUID in a hidden column (id) and, where records are numbered, its reference \
         (R-12) in the first column shown: the import updates the record the UUID names, so keep both as they are.",
        "A new row: type it below the others, with the reference and the hidden id blank (a copied row carries its \
         record's, so clear them); the import matches it by its natural key (named below) so importing the same \
         file twice adds nothing twice.",
        "A row you delete is kept unless you import with --delete-missing.",
        "Preview first:  assay import FILE.xlsx --into ENGAGEMENT --dry-run",
        "Then import:    assay import FILE.xlsx --into ENGAGEMENT",
        "To have the ids of new rows written into this workbook as well, add --write-ids (and close it first).",
        "The hidden first row of each sheet holds the stored column names; keep it (the headers may be reworded).",
        "\"withheld\" marks a sensitive value left out of this export: it leaves the stored value as it is.",
        "The catalog and history_head sheets are for reference: they are not read back.",
    ];
    for (i, l) in lines.iter().enumerate() {
        ws.write_string_with_format(2 + i as u32, 1, *l, &wrap)?;
    }
    let mut r = 3 + lines.len() as u32;
    for sheet in sheets {
        let Some(register) = Register::from_name(sheet.name) else { continue };
        let cols = register.columns();
        let names = |editable: bool| -> String {
            let v: Vec<&str> = cols
                .iter()
                .filter(|c| c.editable() == editable && !matches!(c.role, Role::Id | Role::Ref))
                .map(|c| c.label)
                .collect();
            if v.is_empty() { "none".into() } else { v.join(", ") }
        };
        ws.write_string_with_format(r, 0, sheet.name, &bold)?;
        ws.write_string_with_format(r, 1, format!("Editable: {}", names(true)), &wrap)?;
        ws.write_string_with_format(r + 1, 1, format!("Read-only: {}", names(false)), &wrap)?;
        let extra = if register == Register::Scores {
            " Each provider's column, headed by its name and reference, holds its scores (0-5)."
        } else {
            ""
        };
        ws.write_string_with_format(
            r + 2,
            1,
            format!("New rows are matched by {}.{extra}", register.natural_key()),
            &wrap,
        )?;
        r += 4;
    }
    Ok(())
}

/// The name of a workbook's first sheet, which explains the others.
pub const README_SHEET: &str = "README";

/// Sheets written for reference and never read back: the catalog items the registers cite, and the history head
/// the export was made at (checked with `assay verify --head`).
pub const REFERENCE_SHEETS: &[&str] = &["catalog", "history_head"];

fn refused(source: &str, row: Option<usize>, message: String) -> CellError {
    CellError { source: source.to_string(), row, column: None, message }
}

/// Reads a CSV file as a table. Text must be UTF-8 (a byte-order mark is allowed); the error names the line and
/// byte offset where it is not.
pub fn read_csv(bytes: &[u8], source: &str) -> Result<Table2, CellError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(e) = std::str::from_utf8(bytes) {
        let at = e.valid_up_to();
        let line = bytes[..at].iter().filter(|b| **b == b'\n').count() + 1;
        return Err(refused(
            source,
            Some(line),
            format!("not UTF-8 text (byte offset {at}); save the file as UTF-8 CSV"),
        ));
    }
    let separator = detect_separator(bytes);
    if let Some(line) = unterminated_quote(bytes, separator) {
        return Err(refused(
            source,
            Some(line),
            "a quoted cell that starts on this line is never closed (a \" is missing), so the rows after it would be \
             read as part of it"
                .into(),
        ));
    }
    let mut r = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(separator).from_reader(bytes);
    let mut table = Table2 { formula_guards: true, ..Table2::default() };
    for (i, rec) in r.records().enumerate() {
        let rec = rec.map_err(|e| {
            let (line, message) = match e.kind() {
                csv::ErrorKind::Utf8 { pos, err } => (
                    pos.as_ref().map(|p| p.line() as usize),
                    format!(
                        "not UTF-8 text (byte offset {}, in field {}); save the file as UTF-8 CSV",
                        pos.as_ref().map_or(0, |p| p.byte()) + err.valid_up_to() as u64,
                        err.field() + 1
                    ),
                ),
                _ => (e.position().map(|p| p.line() as usize), format!("unreadable CSV: {e}")),
            };
            refused(source, line, message)
        })?;
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if i == 0 {
            table.headers = cells;
        } else {
            // The line a record starts on, counted from the bytes: the same for files saved with CRLF or LF.
            let line = rec.position().map_or(i + 1, |p| line_at(bytes, p.byte() as usize));
            table.rows.push((line, cells));
        }
    }
    if table.headers.is_empty() {
        return Err(refused(source, None, "the file is empty: a header row is needed".into()));
    }
    Ok(table)
}

/// The separator a CSV file uses: the one of `,` `;` and TAB that its header line (outside quotes) has most of.
/// Excel writes `;` where the decimal mark is a comma, and "Unicode text" with TABs.
pub fn detect_separator(bytes: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in bytes {
        match b {
            b'"' => quoted = !quoted,
            b'\n' | b'\r' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i))).unwrap_or(0);
    if counts[best] == 0 { b',' } else { [b',', b';', b'\t'][best] }
}

/// The 1-based line a record starting at `offset` is on. The reader puts the start of a record after a CRLF at
/// the LF (it ends the record at the CR), so line ends at the offset belong to the line before.
fn line_at(bytes: &[u8], offset: usize) -> usize {
    let mut start = offset.min(bytes.len());
    while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
        start += 1;
    }
    bytes[..start].iter().filter(|b| **b == b'\n').count() + 1
}

/// The line on which a quoted CSV field opens that the file never closes, if there is one. The csv reader takes
/// everything to the end of the file into such a field without a word; this reads the quoting the same way
/// (RFC 4180: a field is quoted when it starts with `"`, and `""` inside it is one quote) to find it.
fn unterminated_quote(bytes: &[u8], separator: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum At {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut at = At::FieldStart;
    let mut line = 1;
    let mut opened = 1;
    for &b in bytes {
        at = match (at, b) {
            (At::FieldStart, b'"') => {
                opened = line;
                At::Quoted
            }
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b'\n' | b'\r') => At::FieldStart,
            (_, b) if b == separator => At::FieldStart,
            (_, _) => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    (at == At::Quoted).then_some(opened)
}

/// One workbook cell as the text an import parses: whole numbers without ".0", dates as ISO `YYYY-MM-DD`.
fn cell_text(d: &Data) -> Result<String, String> {
    Ok(match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => t.date().to_string(),
            Some(t) => t.to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(format!("the cell holds a spreadsheet error ({e:?})")),
    })
}

/// The most rows a sheet may have to be imported (the header included).
pub const MAX_SHEET_ROWS: u32 = 100_000;
/// The most columns a sheet may have to be imported.
pub const MAX_SHEET_COLUMNS: u32 = 256;

fn too_large(rows: u64, columns: u64) -> String {
    format!(
        "the sheet is too large to import: it spans {rows} rows and {columns} columns (at most {MAX_SHEET_ROWS} rows \
         and {MAX_SHEET_COLUMNS} columns); delete the cells beyond its table and save it again"
    )
}

/// Reads the register sheets of a workbook (named as the export names them, in any case, spaces for `_`); the
/// README sheet is skipped and any other sheet refused, so that no edit is lost unseen. A sheet is
/// read cell by cell, never as a whole grid: its declared extent (the `dimension` the file gives) and the place of
/// every cell are checked against [`MAX_SHEET_ROWS`] and [`MAX_SHEET_COLUMNS`] first, so a tiny file that claims
/// a cell at XFD1048576 is refused instead of filling the memory.
pub fn read_xlsx(path: &Path) -> Result<Vec<(Register, Table2, String)>, CellError> {
    let source = path.display().to_string();
    let book: Xlsx<_> =
        open_workbook(path).map_err(|e| refused(&source, None, format!("not a readable XLSX workbook: {e}")))?;
    Ok(read_book(book, &source)?.into_iter().map(|s| (s.register, s.table, s.source)).collect())
}

/// One register sheet of a workbook, as read for an import.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkbookSheet {
    pub register: Register,
    pub table: Table2,
    /// The file and sheet, for messages: "pay.xlsx [sheet risks]".
    pub source: String,
    /// The sheet's name as the workbook spells it.
    pub name: String,
}

/// Reads the register sheets of a workbook held in memory, as [`read_xlsx`] reads a file; `source` names the file
/// in messages.
pub fn read_xlsx_bytes(bytes: &[u8], source: &str) -> Result<Vec<WorkbookSheet>, CellError> {
    let book = Xlsx::new(std::io::Cursor::new(bytes))
        .map_err(|e| refused(source, None, format!("not a readable XLSX workbook: {e}")))?;
    read_book(book, source)
}

fn read_book<RS: std::io::Read + std::io::Seek>(
    mut book: Xlsx<RS>,
    source: &str,
) -> Result<Vec<WorkbookSheet>, CellError> {
    let source = source.to_string();
    let mut out = Vec::new();
    for name in book.sheet_names() {
        if name.trim().eq_ignore_ascii_case(README_SHEET)
            || REFERENCE_SHEETS.iter().any(|r| name.trim().eq_ignore_ascii_case(r))
        {
            continue;
        }
        // A sheet of another name would be skipped with its edits: it is refused instead.
        let Some(register) = Register::from_name(&name.trim().to_lowercase().replace(' ', "_")) else {
            return Err(refused(
                &format!("{source} [sheet {name}]"),
                None,
                format!(
                    "this sheet is not a register, so its rows would be lost: name it one of {} (or {README_SHEET}), \
                     or move it to another workbook",
                    Register::names()
                ),
            ));
        };
        let here = format!("{source} [sheet {name}]");
        let mut reader = book.worksheet_cells_reader(&name).map_err(|e| refused(&here, None, e.to_string()))?;
        let declared = reader.dimensions();
        let (rows, columns) = (u64::from(declared.end.0) + 1, u64::from(declared.end.1) + 1);
        if rows > u64::from(MAX_SHEET_ROWS) || columns > u64::from(MAX_SHEET_COLUMNS) {
            return Err(refused(&here, None, too_large(rows, columns)));
        }
        // Row number (0-based) → the non-empty cells of that row, (column, text).
        let mut grid: std::collections::BTreeMap<u32, Vec<(u32, String)>> = std::collections::BTreeMap::new();
        while let Some(cell) = reader.next_cell().map_err(|e| refused(&here, None, e.to_string()))? {
            let (r, c) = cell.get_position();
            if r >= MAX_SHEET_ROWS || c >= MAX_SHEET_COLUMNS {
                return Err(CellError {
                    source: here.clone(),
                    row: Some(r as usize + 1),
                    column: Some((c as usize + 1, String::new())),
                    message: too_large(u64::from(r) + 1, u64::from(c) + 1),
                });
            }
            let text = cell_text(&Data::from(cell.get_value().clone())).map_err(|m| CellError {
                source: here.clone(),
                row: Some(r as usize + 1),
                column: Some((c as usize + 1, String::new())),
                message: m,
            })?;
            if !text.is_empty() {
                grid.entry(r).or_default().push((c, text));
            }
        }
        let mut table = Table2::default();
        let mut grid: Vec<(u32, Vec<String>)> = grid
            .into_iter()
            .map(|(r, cells)| {
                let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
                let mut row = vec![String::new(); width];
                for (c, text) in cells {
                    row[c as usize] = text;
                }
                (r, row)
            })
            .collect();
        // A workbook made by assay names its columns twice: the stored keys, then the headers people read.
        if grid.len() >= 2 && is_header_row(register, &grid[0].1, &grid[1].1) {
            grid.remove(1);
        }
        for (i, (r, row)) in grid.into_iter().enumerate() {
            if i == 0 {
                table.headers = row;
            } else {
                table.rows.push((r as usize + 1, row));
            }
        }
        out.push(WorkbookSheet { register, table, source: here, name });
    }
    if out.is_empty() {
        return Err(refused(
            &source,
            None,
            format!("no sheet to import: a sheet must be named one of {}", Register::names()),
        ));
    }
    Ok(out)
}

/// Whether `second` is the row of headers people read under the row of stored `keys`: every cell of it is the
/// label (or the key) of the column the key above it names.
fn is_header_row(register: Register, keys: &[String], second: &[String]) -> bool {
    let cols = register.columns();
    let mut named = 0;
    for (i, cell) in second.iter().enumerate() {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let Some(key) = keys.get(i) else { return false };
        let fits = match cols.iter().find(|c| c.key == key.trim()) {
            Some(c) => c.label.eq_ignore_ascii_case(cell) || c.key == cell,
            None => registers::score_column(key).is_some() && key.trim() == cell,
        };
        if !fits {
            return false;
        }
        named += 1;
    }
    named > 0 && cols.iter().any(|c| keys.iter().any(|k| k == c.key))
}
