//! Files in and out: the registers as CSV files or one XLSX workbook, and reading such files back as tables for
//! the store's register import. The JSON bundle lives in `store::bundle`; the management report in
//! `commands::report`.

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use rust_xlsxwriter::{Format, FormatBorder, Workbook};

use crate::domain::Value;
use crate::domain::fields::guard_formula;
use crate::store::registers::{CellError, Register, Sheet, Table2};

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

/// The registers as one workbook in memory: a sheet per register, a bold frozen header row with a filter,
/// sensible column widths, numbers as numbers and everything else (dates included, ISO) as text.
pub fn xlsx_bytes(sheets: &[Sheet], progress: &mut dyn FnMut(usize, usize)) -> Result<Vec<u8>, String> {
    let mut book = Workbook::new();
    let header = Format::new().set_bold().set_border_bottom(FormatBorder::Thin).set_background_color("D9D9D9");
    let text = Format::new().set_num_format("@");
    let e = |e: rust_xlsxwriter::XlsxError| e.to_string();
    for (n, sheet) in sheets.iter().enumerate() {
        let ws = book.add_worksheet();
        ws.set_name(sheet.name).map_err(e)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            let col = c as u16;
            ws.write_string_with_format(0, col, h, &header).map_err(e)?;
            let widest = sheet
                .rows
                .iter()
                .take(200)
                .map(|r| r.get(c).map_or(0, |v| v.to_string().chars().count()))
                .max()
                .unwrap_or(0)
                .max(h.chars().count());
            ws.set_column_width(col, (widest as f64 + 2.0).clamp(6.0, 60.0)).map_err(e)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = (r + 1) as u32;
            for (c, v) in row.iter().enumerate() {
                let c = c as u16;
                match v {
                    Value::Null => {}
                    Value::Int(i) => {
                        ws.write_number(r, c, *i as f64).map_err(e)?;
                    }
                    Value::Real(x) => {
                        ws.write_number(r, c, *x).map_err(e)?;
                    }
                    Value::Text(t) => {
                        ws.write_string_with_format(r, c, t, &text).map_err(e)?;
                    }
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(e)?;
        if !sheet.headers.is_empty() {
            ws.autofilter(0, 0, sheet.rows.len() as u32, (sheet.headers.len() - 1) as u16).map_err(e)?;
        }
        progress(n + 1, sheets.len());
    }
    book.save_to_buffer().map_err(e)
}

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

/// Reads the importable sheets (risks, team_members, assets) of a workbook. Other sheets are ignored. A sheet is
/// read cell by cell, never as a whole grid: its declared extent (the `dimension` the file gives) and the place of
/// every cell are checked against [`MAX_SHEET_ROWS`] and [`MAX_SHEET_COLUMNS`] first, so a tiny file that claims
/// a cell at XFD1048576 is refused instead of filling the memory.
pub fn read_xlsx(path: &Path) -> Result<Vec<(Register, Table2, String)>, CellError> {
    let source = path.display().to_string();
    let mut book: Xlsx<_> =
        open_workbook(path).map_err(|e| refused(&source, None, format!("not a readable XLSX workbook: {e}")))?;
    let mut out = Vec::new();
    for name in book.sheet_names() {
        let Some(register) = Register::from_name(&name) else { continue };
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
        for (i, (r, cells)) in grid.into_iter().enumerate() {
            let width = cells.iter().map(|(c, _)| *c as usize + 1).max().unwrap_or(0);
            let mut row = vec![String::new(); width];
            for (c, text) in cells {
                row[c as usize] = text;
            }
            if i == 0 {
                table.headers = row;
            } else {
                table.rows.push((r as usize + 1, row));
            }
        }
        out.push((register, table, here));
    }
    if out.is_empty() {
        return Err(refused(&source, None, "no sheet named risks, team_members or assets to import".into()));
    }
    Ok(out)
}
