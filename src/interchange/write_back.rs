//! Writing cells back into the file an import read (`assay import --write-ids`): each record's UUID into its row's
//! `id` cell and its short reference into `ref`, and nothing else of the file changed.
//!
//! A CSV file is edited byte by byte: only the bytes of the cells written change; the separator, the quoting, the
//! byte-order mark and the line ends stay as the file had them. A workbook is edited part by part: the cells are
//! written into the XML of their sheets, every other element of those sheets stays byte for byte, and every other
//! part of the package (styles, shared strings, other sheets, notes, dropdowns, print setup) is copied as it was,
//! compressed bytes included. Neither ever rebuilds a file from what was read of it.
//!
//! Both check their work before giving it: the new file is read back as an import reads it and must give the same
//! table, cell for cell, with only the written cells changed. Anything else (a file this module does not understand
//! well enough to edit) is an error, and the caller writes nothing.

use std::collections::{BTreeMap, HashMap};
use std::io::{Cursor, Read, Write};

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipArchive, ZipWriter};

use super::{detect_separator, read_csv, read_xlsx_bytes};
use crate::store::registers::{Table2, column_letter};

/// A cell to write: the row as the import's table numbers it (1-based: the line a CSV record starts on, or the row
/// of a sheet), the column (0-based, as the table's header counts it) and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CellText {
    pub row: usize,
    pub column: usize,
    pub text: String,
}

/// The most a sheet's XML may take once uncompressed to be edited (a sheet at the import's size limits is far
/// smaller); a part larger than that is refused rather than read into memory.
const MAX_PART_BYTES: u64 = 512 * 1024 * 1024;

/// The table `before` with `cells` written into it: what reading the edited file must give.
fn expected(before: &Table2, cells: &[CellText]) -> Result<Table2, String> {
    let mut want = before.clone();
    for c in cells {
        let Some((_, row)) = want.rows.iter_mut().find(|(line, _)| *line == c.row) else {
            return Err(format!("row {} is not a row of the table", c.row));
        };
        if row.len() <= c.column {
            row.resize(c.column + 1, String::new());
        }
        row[c.column] = c.text.clone();
    }
    Ok(want)
}

/// Whether two tables hold the same cells, a row's missing trailing cells counting as blank.
fn same_cells(a: &Table2, b: &Table2) -> bool {
    fn trimmed(cells: &[String]) -> &[String] {
        let end = cells.iter().rposition(|c| !c.is_empty()).map_or(0, |i| i + 1);
        &cells[..end]
    }
    trimmed(&a.headers) == trimmed(&b.headers)
        && a.rows.len() == b.rows.len()
        && a.rows.iter().zip(&b.rows).all(|((la, ra), (lb, rb))| la == lb && trimmed(ra) == trimmed(rb))
}

fn check_cells(cells: &[CellText]) -> Result<(), String> {
    for c in cells {
        if c.text.is_empty() || c.text.chars().any(char::is_control) {
            return Err(format!("a blank or unprintable value for row {}", c.row));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/// One field of a CSV record as it lies in the file: its bytes (quotes included) and whether it is quoted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Field {
    start: usize,
    end: usize,
    quoted: bool,
}

/// One record of a CSV file: the line it starts on, its fields, and where its last field ends (its line end, or
/// the end of the file).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Record {
    line: usize,
    fields: Vec<Field>,
    end: usize,
}

/// The records of a CSV body (no byte-order mark) as the csv reader that imports them reads them (RFC 4180 with
/// `""` for a quote inside a quoted field, a line ended by CR, LF or CRLF, blank lines skipped), with where each
/// field lies.
fn csv_records(body: &[u8], separator: u8) -> Vec<Record> {
    #[derive(PartialEq, Clone, Copy)]
    enum At {
        RecordStart,
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut records = Vec::new();
    let mut at = At::RecordStart;
    let mut fields: Vec<Field> = Vec::new();
    let mut field = Field { start: 0, end: 0, quoted: false };
    let mut line = 1;
    let mut record_line = 1;
    for (i, &b) in body.iter().enumerate() {
        if at == At::RecordStart {
            if matches!(b, b'\r' | b'\n') {
                line += usize::from(b == b'\n');
                continue;
            }
            record_line = line;
            at = At::FieldStart;
        }
        if at == At::FieldStart {
            field = Field { start: i, end: i, quoted: b == b'"' };
        }
        let ends_line = matches!(b, b'\r' | b'\n');
        at = match (at, b) {
            (At::FieldStart, b'"') => At::Quoted,
            (At::Quoted, b'"') => At::QuoteInQuoted,
            (At::Quoted, _) => At::Quoted,
            (At::QuoteInQuoted, b'"') => At::Quoted,
            (_, b) if b == separator || ends_line => {
                field.end = i;
                fields.push(field);
                if ends_line {
                    records.push(Record { line: record_line, fields: std::mem::take(&mut fields), end: i });
                    At::RecordStart
                } else {
                    field = Field { start: i + 1, end: i + 1, quoted: false };
                    At::FieldStart
                }
            }
            (_, _) => At::Unquoted,
        };
        if b == b'\n' {
            line += 1;
        }
    }
    if at != At::RecordStart {
        field.end = body.len();
        fields.push(field);
        records.push(Record { line: record_line, fields, end: body.len() });
    }
    records
}

/// A value as a CSV field: quoted when the field it replaces was, or when the value needs it.
fn csv_field(text: &str, separator: u8, quoted: bool) -> Vec<u8> {
    let needs = text.bytes().any(|b| b == separator || matches!(b, b'"' | b'\r' | b'\n'));
    if quoted || needs { format!("\"{}\"", text.replace('"', "\"\"")).into_bytes() } else { text.as_bytes().to_vec() }
}

/// The CSV file `bytes` with `cells` written into it and every other byte as it was. A row shorter than a cell's
/// column gets the separators it needs at its end. Refused when a row is not found, or when the edited file would
/// not read back as the same table with only those cells changed.
pub fn csv_with_cells(bytes: &[u8], cells: &[CellText]) -> Result<Vec<u8>, String> {
    check_cells(cells)?;
    let before = read_csv(bytes, "").map_err(|e| e.to_string())?;
    let bom = if bytes.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let body = &bytes[bom..];
    let separator = detect_separator(body);
    let records = csv_records(body, separator);
    let by_line: HashMap<usize, &Record> = records.iter().map(|r| (r.line, r)).collect();
    // (start, end, replacement) in the body, in order.
    let mut edits: Vec<(usize, usize, Vec<u8>)> = Vec::new();
    let mut by_row: BTreeMap<usize, BTreeMap<usize, &str>> = BTreeMap::new();
    for c in cells {
        if by_row.entry(c.row).or_default().insert(c.column, &c.text).is_some() {
            return Err(format!("row {}, column {} is written twice", c.row, column_letter(c.column + 1)));
        }
    }
    for (row, columns) in &by_row {
        let record = by_line.get(row).ok_or_else(|| format!("no record starts on line {row}"))?;
        let mut appended = Vec::new();
        for (&column, text) in columns {
            match record.fields.get(column) {
                Some(f) => edits.push((f.start, f.end, csv_field(text, separator, f.quoted))),
                None => {
                    let have = record.fields.len() + appended_fields(&appended, separator);
                    appended.extend(std::iter::repeat_n(separator, column + 1 - have));
                    appended.extend(csv_field(text, separator, false));
                }
            }
        }
        if !appended.is_empty() {
            edits.push((record.end, record.end, appended));
        }
    }
    edits.sort_by_key(|(start, _, _)| *start);
    let mut out = Vec::with_capacity(bytes.len() + cells.len() * 40);
    out.extend_from_slice(&bytes[..bom]);
    let mut from = 0;
    for (start, end, text) in edits {
        out.extend_from_slice(&body[from..start]);
        out.extend_from_slice(&text);
        from = end;
    }
    out.extend_from_slice(&body[from..]);
    let after = read_csv(&out, "").map_err(|e| format!("the edited file would not read back: {e}"))?;
    if !same_cells(&after, &expected(&before, cells)?) {
        return Err("the edited file would not read back as the same table with only the ids written".into());
    }
    Ok(out)
}

/// How many fields the separators and values appended to a record so far add.
fn appended_fields(appended: &[u8], separator: u8) -> usize {
    appended.iter().filter(|b| **b == separator).count()
}

// ---------------------------------------------------------------------------------------------------------------
// XLSX

fn zip_error(e: zip::result::ZipError) -> String {
    format!("not a readable XLSX package: {e}")
}

fn xml_error(part: &str, e: impl std::fmt::Display) -> String {
    format!("{part} is not XML this can edit: {e}")
}

/// The text of one part of the package, found by its name in any case (with `\` read as `/`).
fn part_text<R: Read + std::io::Seek>(zip: &mut ZipArchive<R>, name: &str) -> Result<(usize, String), String> {
    let wanted = name.trim_start_matches('/').replace('\\', "/").to_ascii_lowercase();
    let index = (0..zip.len())
        .find(|&i| {
            zip.name_for_index(i)
                .and_then(Result::ok)
                .is_some_and(|n| n.replace('\\', "/").to_ascii_lowercase() == wanted)
        })
        .ok_or_else(|| format!("the workbook has no part {name}"))?;
    let file = zip.by_index(index).map_err(zip_error)?;
    if file.size() > MAX_PART_BYTES {
        return Err(format!("{name} is too large to edit ({} bytes)", file.size()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_PART_BYTES + 1).read_to_end(&mut bytes).map_err(|e| format!("cannot read {name}: {e}"))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(format!("{name} is too large to edit"));
    }
    let text = String::from_utf8(bytes).map_err(|_| format!("{name} is not UTF-8 XML, which is all this can edit"))?;
    Ok((index, text))
}

/// An attribute's value by its local name (`r:id` is found as `id`), unescaped.
fn attribute(e: &BytesStart<'_>, local: &str) -> Result<Option<String>, String> {
    for a in e.attributes().with_checks(false) {
        let a = a.map_err(|e| e.to_string())?;
        if a.key.local_name().as_ref() == local {
            return a
                .normalized_value(XmlVersion::Implicit1_0)
                .map(|v| Some(v.into_owned()))
                .map_err(|e| e.to_string());
        }
    }
    Ok(None)
}

/// The relationships of a part: id → (type, target).
fn relationships(xml: &str, part: &str) -> Result<HashMap<String, (String, String)>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = HashMap::new();
    loop {
        match reader.read_event().map_err(|e| xml_error(part, e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "Relationship" => {
                if let (Some(id), Some(target)) = (attribute(&e, "Id")?, attribute(&e, "Target")?) {
                    out.insert(id, (attribute(&e, "Type")?.unwrap_or_default(), target));
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A relationship's target as a part name: absolute targets from the package's root, others from `dir`.
fn resolve(dir: &str, target: &str) -> String {
    let joined = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("{dir}{target}"),
    };
    let mut parts: Vec<&str> = Vec::new();
    for p in joined.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The part of each worksheet of the workbook, by the sheet's name.
fn sheet_parts<R: Read + std::io::Seek>(zip: &mut ZipArchive<R>) -> Result<HashMap<String, String>, String> {
    let (_, root) = part_text(zip, "_rels/.rels")?;
    let book = relationships(&root, "_rels/.rels")?
        .into_values()
        .find(|(kind, _)| kind.ends_with("/officeDocument"))
        .map_or_else(|| "xl/workbook.xml".to_string(), |(_, target)| resolve("", &target));
    let (dir, name) = book.rsplit_once('/').map_or((String::new(), book.as_str()), |(d, n)| (format!("{d}/"), n));
    let (_, rels) = part_text(zip, &format!("{dir}_rels/{name}.rels"))?;
    let rels = relationships(&rels, "the workbook's relationships")?;
    let (_, xml) = part_text(zip, &book)?;
    let mut reader = quick_xml::Reader::from_str(&xml);
    let mut out = HashMap::new();
    loop {
        match reader.read_event().map_err(|e| xml_error(&book, e))? {
            Event::Start(e) | Event::Empty(e) if e.local_name().as_ref() == "sheet" => {
                let (Some(sheet), Some(id)) = (attribute(&e, "name")?, attribute(&e, "id")?) else { continue };
                if let Some((_, target)) = rels.get(&id) {
                    out.insert(sheet, resolve(&dir, target));
                }
            }
            Event::Eof => return Ok(out),
            _ => {}
        }
    }
}

/// A cell reference ("AB12") as (row, column), both 0-based.
fn cell_position(r: &str) -> Option<(usize, usize)> {
    let letters = r.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column =
        r[..letters].bytes().try_fold(0usize, |n, b| Some(n * 26 + usize::from(b.to_ascii_uppercase() - b'A') + 1))?;
    let row: usize = r[letters..].parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

/// A new cell holding `text` as an inline string, with the element prefix of its sheet and the style it had.
fn inline_cell(prefix: &str, row: usize, column: usize, style: Option<&str>, text: &str) -> String {
    let style = style.map(|s| format!(" s=\"{}\"", quick_xml::escape::escape(s))).unwrap_or_default();
    format!(
        "<{prefix}c r=\"{}{row}\"{style} t=\"inlineStr\"><{prefix}is><{prefix}t>{}</{prefix}t></{prefix}is></{prefix}c>",
        column_letter(column + 1),
        quick_xml::escape::escape(text)
    )
}

/// The element prefix of a tag, with its colon ("x:"), or nothing.
fn prefix_of(e: &BytesStart<'_>) -> String {
    e.name().prefix().map(|p| format!("{}:", p.as_ref())).unwrap_or_default()
}

/// Whether a row's `spans` attribute (the columns its cells lie in, "1:12" or several such) covers `column`.
fn spans_cover(spans: &str, column: usize) -> bool {
    let n = column + 1;
    spans.split_whitespace().any(|s| {
        s.split_once(':')
            .and_then(|(a, b)| Some((a.parse::<usize>().ok()?, b.parse::<usize>().ok()?)))
            .is_some_and(|(a, b)| a <= n && n <= b)
    })
}

/// A row's start tag without its `spans` attribute (an optional hint of where its cells lie, which a new cell
/// outside it would make wrong), everything else as it was.
fn without_spans(raw: &str) -> String {
    let Some(at) = raw.find(" spans=") else { return raw.to_string() };
    let rest = &raw[at + 7..];
    let Some(quote) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else { return raw.to_string() };
    match rest[1..].find(quote) {
        Some(close) => format!("{}{}", &raw[..at], &rest[close + 2..]),
        None => raw.to_string(),
    }
}

/// A row of a sheet's XML that cells are to be written into, while it is read.
struct OpenRow<'a> {
    row: usize,
    prefix: String,
    /// Where its start tag lies, should a new cell fall outside its `spans`.
    tag: (usize, usize),
    spans: Option<String>,
    /// Column → text, of the cells still to write.
    pending: BTreeMap<usize, &'a str>,
}

impl OpenRow<'_> {
    /// Inserts at `at` the new cells of the columns still pending before `column` (all of them when none), each in
    /// the style of the nearest cell above it, and drops the row's `spans` (an optional hint of where its cells lie)
    /// when a new cell falls outside them.
    fn insert_before(
        &mut self,
        column: Option<usize>,
        at: usize,
        xml: &str,
        styles: &HashMap<usize, String>,
        edits: &mut Vec<(usize, usize, String)>,
    ) {
        let columns: Vec<usize> = self.pending.keys().copied().filter(|c| column.is_none_or(|n| *c < n)).collect();
        if columns.is_empty() {
            return;
        }
        let mut new = String::new();
        for c in &columns {
            if let Some(text) = self.pending.remove(c) {
                new.push_str(&inline_cell(&self.prefix, self.row, *c, styles.get(c).map(String::as_str), text));
            }
        }
        edits.push((at, at, new));
        if let Some(spans) = &self.spans
            && columns.iter().any(|c| !spans_cover(spans, *c))
        {
            let (start, end) = self.tag;
            edits.push((start, end, without_spans(&xml[start..end])));
            self.spans = None;
        }
    }
}

/// A position reported by the XML reader, as an index into the text.
fn offset(position: u64) -> Result<usize, String> {
    usize::try_from(position).map_err(|e| e.to_string())
}

/// A worksheet's XML with `cells` written into it: an existing cell is replaced by an inline string keeping its
/// style, a missing one is inserted in column order with the style of the nearest cell above it in its column (a
/// ref typed under others looks like them). Every other byte stays as it was.
fn patch_sheet(xml: &str, part: &str, cells: &[CellText]) -> Result<String, String> {
    let mut rows: BTreeMap<usize, BTreeMap<usize, &str>> = BTreeMap::new();
    for c in cells {
        if c.row == 0 || rows.entry(c.row).or_default().insert(c.column, &c.text).is_some() {
            return Err(format!("row {}, column {} cannot be written", c.row, column_letter(c.column + 1)));
        }
    }
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut edits: Vec<(usize, usize, String)> = Vec::new();
    let mut open: Option<OpenRow<'_>> = None;
    // The row and column being read, counted as a spreadsheet counts them where `r` is left out (0-based).
    let (mut row_index, mut col_index) = (0usize, 0usize);
    // The style of the last cell read in each column.
    let mut styles: HashMap<usize, String> = HashMap::new();
    loop {
        let from = offset(reader.buffer_position())?;
        let event = reader.read_event().map_err(|e| xml_error(part, e))?;
        let to = offset(reader.buffer_position())?;
        let (tag, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            Event::Eof => break,
            _ => (None, false),
        };
        match (tag, &event) {
            (Some(e), _) if e.local_name().as_ref() == "row" => {
                if let Some(r) = attribute(e, "r")? {
                    row_index = r
                        .parse::<usize>()
                        .ok()
                        .and_then(|r| r.checked_sub(1))
                        .ok_or_else(|| xml_error(part, format!("a row numbered “{r}”")))?;
                }
                col_index = 0;
                let row = row_index + 1;
                if let Some(pending) = rows.remove(&row) {
                    let prefix = prefix_of(e);
                    if empty {
                        // A row without cells: it opens and closes around the new ones.
                        let new: String = pending
                            .iter()
                            .map(|(c, t)| inline_cell(&prefix, row, *c, styles.get(c).map(String::as_str), t))
                            .collect();
                        let tag = without_spans(xml[from..to].trim_end_matches('>').trim_end_matches('/'));
                        edits.push((from, to, format!("{tag}>{new}</{prefix}row>")));
                    } else {
                        let spans = attribute(e, "spans")?;
                        open = Some(OpenRow { row, prefix, tag: (from, to), spans, pending });
                    }
                }
                if empty {
                    row_index += 1;
                }
            }
            (Some(e), _) if e.local_name().as_ref() == "c" => {
                let column = match attribute(e, "r")? {
                    Some(r) => {
                        let (at_row, c) = cell_position(&r).ok_or_else(|| xml_error(part, format!("a cell “{r}”")))?;
                        if at_row != row_index {
                            return Err(xml_error(part, format!("the cell {r} lies outside its row")));
                        }
                        c
                    }
                    None => col_index,
                };
                col_index = column + 1;
                let mut end = to;
                if !empty {
                    // The cell's content, to its end tag.
                    loop {
                        match reader.read_event().map_err(|e| xml_error(part, e))? {
                            Event::End(c) if c.local_name().as_ref() == "c" => break,
                            Event::Eof => return Err(xml_error(part, "a cell is never closed")),
                            _ => {}
                        }
                    }
                    end = offset(reader.buffer_position())?;
                }
                let style = attribute(e, "s")?;
                if let Some(o) = open.as_mut() {
                    o.insert_before(Some(column), from, xml, &styles, &mut edits);
                    if let Some(text) = o.pending.remove(&column) {
                        edits.push((from, end, inline_cell(&o.prefix, o.row, column, style.as_deref(), text)));
                    }
                }
                match style {
                    Some(s) => styles.insert(column, s),
                    None => styles.remove(&column),
                };
            }
            (None, Event::End(e)) if e.local_name().as_ref() == "row" => {
                if let Some(mut o) = open.take() {
                    o.insert_before(None, from, xml, &styles, &mut edits);
                }
                row_index += 1;
                col_index = 0;
            }
            _ => {}
        }
    }
    if let Some((row, _)) = rows.into_iter().next() {
        return Err(format!("{part} has no row {row}"));
    }
    edits.sort_by_key(|(start, _, _)| *start);
    let mut out = String::with_capacity(xml.len() + cells.len() * 120);
    let mut from = 0;
    for (start, end, text) in edits {
        if start < from {
            return Err(xml_error(part, "two edits overlap"));
        }
        out.push_str(&xml[from..start]);
        out.push_str(&text);
        from = end;
    }
    out.push_str(&xml[from..]);
    Ok(out)
}

/// The workbook `bytes` with `cells` written into the sheets named: only those sheets' XML changes, and in it only
/// those cells; every other part is copied as it was. Refused when a sheet or row is not found, when the package or
/// a sheet's XML cannot be edited, or when the edited workbook would not read back as the same sheets with only
/// those cells changed.
pub fn xlsx_with_cells(bytes: &[u8], sheets: &[(String, Vec<CellText>)]) -> Result<Vec<u8>, String> {
    let before = read_xlsx_bytes(bytes, "").map_err(|e| e.to_string())?;
    let mut zip = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    let parts = sheet_parts(&mut zip)?;
    let mut replaced: HashMap<usize, String> = HashMap::new();
    for (sheet, cells) in sheets {
        check_cells(cells)?;
        if cells.is_empty() {
            continue;
        }
        let part = parts.get(sheet).ok_or_else(|| format!("the workbook has no sheet {sheet}"))?;
        let (index, xml) = part_text(&mut zip, part)?;
        if replaced.contains_key(&index) {
            return Err(format!("the sheet {sheet} is named twice"));
        }
        replaced.insert(index, patch_sheet(&xml, part, cells)?);
    }
    let mut out = ZipWriter::new(Cursor::new(Vec::with_capacity(bytes.len() + 4096)));
    for i in 0..zip.len() {
        match replaced.remove(&i) {
            Some(xml) => {
                let file = zip.by_index_raw(i).map_err(zip_error)?;
                let name = file.name().map_err(zip_error)?.into_owned();
                let mut options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
                if let Some(t) = file.last_modified() {
                    options = options.last_modified_time(t);
                }
                drop(file);
                out.start_file(name, options).map_err(zip_error)?;
                out.write_all(xml.as_bytes()).map_err(|e| e.to_string())?;
            }
            None => {
                out.raw_copy_file(zip.by_index_raw(i).map_err(zip_error)?).map_err(zip_error)?;
            }
        }
    }
    if !zip.comment().is_empty() {
        out.set_raw_comment(zip.comment().into()).map_err(zip_error)?;
    }
    let out = out.finish().map_err(zip_error)?.into_inner();
    let after = read_xlsx_bytes(&out, "").map_err(|e| format!("the edited workbook would not read back: {e}"))?;
    let fits = after.len() == before.len()
        && before.iter().zip(&after).all(|(b, a)| {
            let cells = sheets.iter().find(|(n, _)| *n == b.name).map_or(&[][..], |(_, c)| c.as_slice());
            a.name == b.name && expected(&b.table, cells).is_ok_and(|want| same_cells(&a.table, &want))
        });
    if !fits {
        return Err("the edited workbook would not read back as the same sheets with only the ids written".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(row: usize, column: usize, text: &str) -> CellText {
        CellText { row, column, text: text.into() }
    }

    #[test]
    fn csv_cells_are_written_in_place_and_nothing_else_moves() {
        let file =
            b"\xEF\xBB\xBFid;ref;title\r\n;;\"Quoted; title\"\r\n\"\";R-2;Two\r\n\r\nx;;\"multi\r\nline\"\r\n;;Short";
        // Line 5 is the record "x;;multi line"; the last record (line 7) lacks nothing; a cell beyond a short row.
        let cells = [cell(2, 0, "u-1"), cell(2, 1, "R-1"), cell(3, 0, "u-2"), cell(7, 0, "u-3"), cell(7, 4, "far")];
        let out = csv_with_cells(file, &cells).expect("written");
        let want = b"\xEF\xBB\xBFid;ref;title\r\nu-1;R-1;\"Quoted; title\"\r\n\"u-2\";R-2;Two\r\n\r\nx;;\"multi\r\nline\"\r\nu-3;;Short;;far";
        assert_eq!(String::from_utf8_lossy(&out), String::from_utf8_lossy(want));
        assert!(csv_with_cells(file, &[cell(4, 0, "u")]).is_err(), "no record starts on a blank line");
        assert!(csv_with_cells(file, &[cell(6, 0, "u")]).is_err(), "nor inside a quoted field");
        assert!(csv_with_cells(file, &[cell(2, 0, "a\nb")]).is_err(), "an id is one line of text");
    }

    #[test]
    fn csv_records_are_found_where_the_reader_finds_them() {
        let body = b"a,\"b\"\"c\",d\n\"x\"y,,\r\r\nlast";
        let records = csv_records(body, b',');
        let lines: Vec<usize> = records.iter().map(|r| r.line).collect();
        let read = read_csv(body, "t").expect("read");
        let want: Vec<usize> = std::iter::once(1).chain(read.rows.iter().map(|(l, _)| *l)).collect();
        assert_eq!(lines, want);
        assert_eq!(lines, vec![1, 2, 3], "lines are counted by their LF, as the import counts them");
        let f = records[0].fields[1];
        assert_eq!((&body[f.start..f.end], f.quoted), (&b"\"b\"\"c\""[..], true));
        assert_eq!(records[1].fields.len(), 3);
        assert_eq!(records[2].end, body.len());
    }

    #[test]
    fn sheet_cells_keep_their_style_and_go_in_column_order() {
        let xml = concat!(
            r#"<x:worksheet xmlns:x="s"><x:sheetData>"#,
            r#"<x:row r="1" spans="1:3"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1"><x:v>1</x:v></x:c></x:row>"#,
            r#"<x:row r="2" spans="2:3"><x:c r="C2" s="9"><x:v>7</x:v></x:c></x:row>"#,
            r#"<x:row r="3"/>"#,
            r#"<x:row r="4"><x:c r="A4" s="5"/><x:c r="B4"><x:v>2</x:v></x:c></x:row>"#,
            r#"</x:sheetData></x:worksheet>"#
        );
        let cells =
            [cell(2, 0, "a&b"), cell(2, 1, "R-1"), cell(3, 0, "z"), cell(3, 2, "y"), cell(4, 0, "u"), cell(4, 3, "d")];
        let out = patch_sheet(xml, "sheet", &cells).expect("patched");
        let want = concat!(
            r#"<x:worksheet xmlns:x="s"><x:sheetData>"#,
            r#"<x:row r="1" spans="1:3"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="C1"><x:v>1</x:v></x:c></x:row>"#,
            r#"<x:row r="2">"#,
            r#"<x:c r="A2" t="inlineStr"><x:is><x:t>a&amp;b</x:t></x:is></x:c>"#,
            r#"<x:c r="B2" t="inlineStr"><x:is><x:t>R-1</x:t></x:is></x:c>"#,
            r#"<x:c r="C2" s="9"><x:v>7</x:v></x:c></x:row>"#,
            r#"<x:row r="3"><x:c r="A3" t="inlineStr"><x:is><x:t>z</x:t></x:is></x:c>"#,
            r#"<x:c r="C3" s="9" t="inlineStr"><x:is><x:t>y</x:t></x:is></x:c></x:row>"#,
            r#"<x:row r="4"><x:c r="A4" s="5" t="inlineStr"><x:is><x:t>u</x:t></x:is></x:c>"#,
            r#"<x:c r="B4"><x:v>2</x:v></x:c><x:c r="D4" t="inlineStr"><x:is><x:t>d</x:t></x:is></x:c></x:row>"#,
            r#"</x:sheetData></x:worksheet>"#
        );
        assert_eq!(out, want);
        assert!(patch_sheet(xml, "sheet", &[cell(9, 0, "u")]).is_err_and(|e| e.contains("no row 9")));
    }

    #[test]
    fn parts_resolve_as_a_spreadsheet_resolves_them() {
        assert_eq!(resolve("xl/", "worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/", "/xl/worksheets/sheet1.xml"), "xl/worksheets/sheet1.xml");
        assert_eq!(resolve("xl/", "../xl/./worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(cell_position("AB12"), Some((11, 27)));
        assert_eq!(cell_position("12"), None);
        assert!(spans_cover("1:3 5:6", 4) && !spans_cover("1:3", 3));
        assert_eq!(without_spans(r#"<row r="2" spans="1:3" ht="15""#), r#"<row r="2" ht="15""#);
    }
}
