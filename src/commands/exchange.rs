//! `assay export` and `assay import`: the JSON bundle, CSV files and the XLSX workbook, with progress on stderr
//! when stderr is a terminal (never in a pipe).

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, eyre};

use super::report::resolve;
use super::{Outcome, stop};
use crate::cli::{DateOrder, ExportFormat};
use crate::domain::{Engagement, plural};
use crate::interchange::{self, write_back, write_back::CellText};
use crate::report::slug;
use crate::store::registers::{self, Matched, Register};
use crate::store::{Store, bundle, engagements};

/// Progress as a line on stderr that rewrites itself; silent when stderr is not a terminal.
pub struct CliProgress {
    label: &'static str,
    on: bool,
    shown: Option<usize>,
}

impl CliProgress {
    pub fn new(label: &'static str) -> CliProgress {
        CliProgress { label, on: crate::visible::stderr_is_terminal(), shown: None }
    }

    pub fn update(&mut self, done: usize, total: usize) {
        if !self.on || total == 0 {
            return;
        }
        let pct = done * 100 / total;
        if self.shown == Some(pct) {
            return;
        }
        self.shown = Some(pct);
        crate::visible::progress_line(&format!("{} {done}/{total} ({pct} %)", self.label), done >= total);
    }
}

/// The engagement named, or the only one there is.
fn one_engagement(store: &Store, spec: Option<&str>, what: &str) -> Result<Engagement> {
    match spec {
        Some(s) => resolve(store.conn(), s),
        None => {
            let all = engagements::list(store.conn())?;
            match all.as_slice() {
                [one] => Ok(one.clone()),
                [] => Err(eyre!("the workspace has no engagement")),
                _ => Err(eyre!(
                    "the workspace has {} engagements: name the one {what} ({})",
                    all.len(),
                    super::ENGAGEMENT_ARG
                )),
            }
        }
    }
}

fn sensitive_note(include: bool) -> &'static str {
    if include {
        "results and notes of criminal-record and credit checks included"
    } else {
        "results and notes of criminal-record and credit checks left out (--include-sensitive to include them)"
    }
}

/// How `assay export` writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct ExportOptions {
    /// Include the results and notes of criminal-record and credit checks.
    pub include_sensitive: bool,
    /// Include the catalog's texts of the items cited, with their terms of reuse.
    pub with_catalog_text: bool,
    /// CSV with a UTF-8 byte-order mark, for Excel on Windows.
    pub excel: bool,
    /// Headers only: a blank template.
    pub template: bool,
    /// JSON only: the content of the evidence files too.
    pub with_evidence: bool,
}

/// How `assay import` reads and applies a file.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    pub dry_run: bool,
    pub delete_missing: bool,
    pub date_format: DateOrder,
    /// Once the import is applied, write each record's UUID and reference into the rows of the file that had no id.
    pub write_ids: bool,
}

/// Why `--write-ids` and `--dry-run` do not go together, for the usage error.
pub const WRITE_IDS_NOT_DRY: &str = "--write-ids writes the ids of the records an import added or matched back into \
    the file, once the import is applied; a dry run applies nothing, so there is nothing to write: leave out one of \
    the two";

/// The exit status of an import that found nothing to change.
pub const NOTHING_CHANGED: u8 = 3;

/// An import that changed nothing: not a failure, but reported with its own exit status ([`NOTHING_CHANGED`]).
#[derive(Debug)]
pub struct NothingChanged(pub String);

impl std::fmt::Display for NothingChanged {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for NothingChanged {}

/// `assay export --format json --with-evidence`: the bundle with the content of its evidence files, streamed file
/// by file into the output, and a warning that what it carries is not encrypted.
fn export_with_evidence(
    store: &Store,
    b: &bundle::Bundle,
    text: &str,
    ids: Option<&[i64]>,
    out: Option<&Path>,
    include_sensitive: bool,
) -> Result<()> {
    let mut written = bundle::content::Written::default();
    let mut fill = |w: &mut dyn std::io::Write| -> std::io::Result<()> {
        written = bundle::content::write_with_content(store.conn(), text, ids, w)?;
        w.flush()
    };
    let place = match out {
        Some(p) => {
            crate::private_fs::write_with(p, &mut fill).map_err(|e| eyre!("{e}; nothing was written"))?;
            p.display().to_string()
        }
        None => {
            crate::visible::write_safe_out(&mut fill).map_err(|e| eyre!("cannot write the bundle: {e}"))?;
            "standard output".to_string()
        }
    };
    errln!(
        "exported {} engagement{} ({} rows) and the content of {} evidence file{} ({}) to {place}; {}",
        b.engagements.len(),
        plural(b.engagements.len()),
        b.rows(),
        written.files,
        plural(written.files),
        crate::store::evidence::human_size(written.bytes),
        sensitive_note(include_sensitive)
    );
    errln!(
        "assay: note: a bundle is not encrypted, even from an encrypted workspace: anyone who has the file can read \
         the records and the evidence files in it; keep it where the workspace itself would be kept"
    );
    Ok(())
}

/// `assay export`.
pub fn export(
    store: &Store,
    spec: Option<&str>,
    format: ExportFormat,
    out: Option<&Path>,
    how: ExportOptions,
) -> Result<()> {
    if format == ExportFormat::Oscal {
        return super::oscal::export(store, spec, out);
    }
    if format == ExportFormat::OscalPoam {
        return super::oscal::export_poam(store, spec, out);
    }
    let include_sensitive = how.include_sensitive;
    let mut progress = CliProgress::new("exporting");
    let today = chrono::Local::now().date_naive();
    if how.template && format == ExportFormat::Json {
        return Err(eyre!("--template writes a blank workbook or blank CSV files: add --format xlsx or --format csv"));
    }
    if how.with_evidence && format != ExportFormat::Json {
        return Err(eyre!(
            "--with-evidence is for JSON bundles (a workbook or CSV file holds the registers, not files): use \
             --format json, or `assay evidence export` to write the files into a folder"
        ));
    }
    if how.excel && format != ExportFormat::Csv {
        return Err(eyre!("--excel is for CSV files (a workbook needs no byte-order mark): add --format csv"));
    }
    let sheets = |e: &Engagement| -> Result<Vec<registers::Sheet>> {
        let mut sheets = registers::sheets(store.conn(), e.id, today, include_sensitive)?;
        if how.template {
            for s in &mut sheets {
                s.rows.clear();
            }
        }
        Ok(sheets)
    };
    match format {
        ExportFormat::Json => {
            let ids = match spec {
                Some(s) => Some(vec![resolve(store.conn(), s)?.id]),
                None => None,
            };
            let mut b = bundle::read(store.conn(), ids.as_deref(), include_sensitive, &store.now(), &mut |d, t| {
                progress.update(d, t)
            })?;
            if how.with_catalog_text {
                b.catalog_text = Some(crate::catalog::sources::catalog_text(b.to_json().split('"')));
            }
            b.history_head = Some(crate::store::history::head(store.conn())?.to_string());
            let text = b.to_json();
            if how.with_evidence {
                return export_with_evidence(store, &b, &text, ids.as_deref(), out, include_sensitive);
            }
            match out {
                Some(p) => {
                    crate::private_fs::write(p, text.as_bytes()).map_err(|e| eyre!(e))?;
                    errln!(
                        "exported {} engagement{} ({} rows) to {}; {}",
                        b.engagements.len(),
                        plural(b.engagements.len()),
                        b.rows(),
                        p.display(),
                        sensitive_note(include_sensitive)
                    );
                }
                None => out!("{text}"),
            }
        }
        ExportFormat::Csv => {
            let e = one_engagement(store, spec, "to export")?;
            let mut sheets = sheets(&e)?;
            sheets.push(crate::report::citations::sheet(&sheets, how.with_catalog_text));
            sheets.push(head_sheet(store)?);
            let dir =
                out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}-registers", slug(&e.name))));
            let files = interchange::write_csv(&dir, &sheets, how.excel, &mut |d, t| progress.update(d, t))
                .map_err(|m| eyre!(m))?;
            for f in &files {
                outln!("{}", f.display());
            }
            errln!(
                "wrote {} CSV files of {}{}; {}",
                files.len(),
                super::engagement_named(&e),
                if how.template { " (headers only)" } else { "" },
                sensitive_note(include_sensitive)
            );
        }
        ExportFormat::Xlsx => {
            let e = one_engagement(store, spec, "to export")?;
            let mut sheets = sheets(&e)?;
            sheets.push(crate::report::citations::sheet(&sheets, how.with_catalog_text));
            sheets.push(head_sheet(store)?);
            let path = out.map(Path::to_path_buf).unwrap_or_else(|| {
                PathBuf::from(format!("{}{}.xlsx", slug(&e.name), if how.template { "-template" } else { "" }))
            });
            let bytes = interchange::xlsx_bytes(&sheets, &mut |d, t| progress.update(d, t)).map_err(|m| eyre!(m))?;
            crate::private_fs::write(&path, &bytes).map_err(|err| eyre!(err))?;
            outln!("{}", path.display());
            errln!(
                "wrote {} sheets of {}{}; {}",
                sheets.len(),
                super::engagement_named(&e),
                if how.template { " (headers only)" } else { "" },
                sensitive_note(include_sensitive)
            );
        }
        ExportFormat::Oscal | ExportFormat::OscalPoam => {}
    }
    Ok(())
}

/// The history head of the workspace as one small sheet (`history_head.csv`, or a sheet of the workbook), so that
/// the export can be checked against the workspace later with `assay verify --head`.
fn head_sheet(store: &Store) -> Result<registers::Sheet> {
    let head = crate::store::history::head(store.conn())?;
    Ok(registers::Sheet {
        name: "history_head",
        headers: vec!["history_head".to_string()],
        rows: vec![vec![crate::domain::Value::text(head.to_string())]],
    })
}

/// `assay import`.
pub fn import(
    store: &mut Store,
    path: &Path,
    into: Option<&str>,
    register: Option<&str>,
    how: ImportOptions,
) -> Result<()> {
    let mut progress = CliProgress::new("importing");
    let today = chrono::Local::now().date_naive();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let shown = path.display().to_string();
    if how.write_ids && how.dry_run {
        return Err(stop(Outcome::Usage, WRITE_IDS_NOT_DRY));
    }
    // The file as read: the tables are read from these bytes, and `--write-ids` writes into these same bytes.
    let original: Vec<u8>;
    let tables: Vec<Read> = match ext.as_str() {
        "json" => {
            if how.write_ids {
                return Err(stop(
                    Outcome::Usage,
                    "--write-ids is for CSV and XLSX files: the rows of a bundle carry their ids already",
                ));
            }
            if into.is_some() {
                return Err(eyre!("a bundle brings its own engagements; --into is for CSV and XLSX files"));
            }
            if how.dry_run || how.delete_missing {
                return Err(eyre!(
                    "--dry-run and --delete-missing are for CSV and XLSX files; a bundle adds and updates, never removes"
                ));
            }
            let bytes = std::fs::read(path).map_err(|e| eyre!("cannot read {shown}: {e}"))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                eyre!("{shown}: not UTF-8 text (byte offset {}); nothing was imported", e.utf8_error().valid_up_to())
            })?;
            let parsed = bundle::parse_with_content(&text).map_err(|e| eyre!("{shown}, {e}; nothing was imported"))?;
            let done =
                bundle::restore_with_content(store, &parsed.engagements, &parsed.evidence_content, &mut |d, t| {
                    progress.update(d, t)
                })
                .map_err(|e| eyre!("{shown}, {e}; nothing was imported"))?;
            let files = match done.files {
                0 => String::new(),
                n => format!("; the content of {} evidence file{} stored", n, plural(n)),
            };
            let renumbered = if done.renumbered > 0 {
                format!("; {} added under a new short number (theirs was taken in this workspace)", done.renumbered)
            } else {
                String::new()
            };
            let summary = format!(
                "{} engagement{} from {shown}: {} rows added, {} updated, {} unchanged{renumbered}{files}",
                done.engagements,
                plural(done.engagements),
                done.added,
                done.updated,
                done.unchanged,
            );
            if done.added == 0 && done.updated == 0 && done.files == 0 {
                return Err(NothingChanged(format!("nothing to change: {summary}")).into());
            }
            errln!("imported {summary}");
            return Ok(());
        }
        "csv" => {
            let name = match register {
                Some(r) => r.to_string(),
                None => path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string(),
            };
            let reg = Register::from_name(&name).ok_or_else(|| {
                eyre!("which register does {shown} hold? pass --register with one of {}", Register::names())
            })?;
            original = std::fs::read(path).map_err(|err| eyre!("cannot read {shown}: {err}"))?;
            let table = interchange::read_csv(&original, &shown).map_err(|err| eyre!("{err}; nothing was imported"))?;
            vec![Read { register: reg, table, source: shown.clone(), sheet: None }]
        }
        "xlsx" => {
            if register.is_some() {
                return Err(eyre!("a workbook names its registers by its sheets; --register is for CSV files"));
            }
            original = std::fs::read(path).map_err(|err| eyre!("cannot read {shown}: {err}"))?;
            interchange::read_xlsx_bytes(&original, &shown)
                .map_err(|err| eyre!("{err}; nothing was imported"))?
                .into_iter()
                .map(|s| Read { register: s.register, table: s.table, source: s.source, sheet: Some(s.name) })
                .collect()
        }
        _ => return Err(eyre!("{shown}: import reads .json bundles, .csv files and .xlsx workbooks")),
    };
    let e = one_engagement(store, into, "to import into (--into)")?;
    let list: Vec<(Register, &registers::Table2, &str)> =
        tables.iter().map(|t| (t.register, &t.table, t.source.as_str())).collect();
    let options = registers::Options {
        date_format: match how.date_format {
            DateOrder::Iso => registers::DateFormat::Iso,
            DateOrder::Dmy => registers::DateFormat::Dmy,
        },
        delete_missing: how.delete_missing,
    };
    let plan = registers::plan(store.conn(), e.id, &list, today, options)
        .map_err(|err| eyre!("{err}; nothing was imported"))?;
    let read_only = plan.read_only_changes();
    if how.dry_run {
        out!("{}", plan.preview());
        errln!(
            "dry run: nothing was changed{}",
            if plan.changes_nothing() { " (and an import would change nothing)" } else { "" }
        );
        return Ok(());
    }
    if how.write_ids {
        // Everything that can be checked before the import is: a column to write each id into, and a file this can
        // edit (the same edit, with stand-in ids), so that the import is refused rather than applied without them.
        let stand_in: Vec<registers::RowIdentity> = plan
            .rows_without_id()
            .into_iter()
            .map(|(sheet, line, matched)| registers::RowIdentity {
                sheet,
                line,
                matched,
                uuid: uuid::Uuid::nil().hyphenated().to_string(),
                reference: Some("X-1".into()),
            })
            .collect();
        for (n, sheet) in plan.sheets.iter().enumerate() {
            if sheet.id_column.is_none() && stand_in.iter().any(|r| r.sheet == n) {
                return Err(eyre!(
                    "{}: --write-ids writes each record's id into the row's {} column, and the file has none: add \
                     that column (left blank), or import without --write-ids; nothing was imported",
                    sheet.source,
                    if sheet.register == Register::Scores { "criterion_id" } else { "id" }
                ));
            }
        }
        with_ids(&ext, &original, &plan, &tables, &stand_in).map_err(|err| {
            eyre!("{shown}: the ids could not be written into this file ({err}); nothing was imported")
        })?;
    }
    for w in &read_only {
        errln!("not imported (read-only, worked out by the workbench): {w}");
    }
    let (done, identities) =
        registers::apply_and_identify(store, e.id, &plan, today, &mut |d, t| progress.update(d, t))
            .map_err(|err| eyre!("{err}; nothing was imported"))?;
    let not_written = |why: String| {
        stop(
            Outcome::Partial,
            format!(
                "the import was applied, but the ids were NOT written back into {shown}: {why}. Once the file can be \
                 written, run the same command again: its rows find their records by ref or natural key, nothing is \
                 imported twice, and their ids are written then"
            ),
        )
    };
    let kept: usize = if how.delete_missing { 0 } else { plan.sheets.iter().map(|s| s.removed.len()).sum() };
    let summary = format!(
        "{} into {}: {} added, {} updated, {} removed, {} unchanged{}",
        if list.len() == 1 { list[0].0.title() } else { format!("{} sheets", list.len()) },
        super::engagement_named(&e),
        done.added,
        done.updated,
        done.removed,
        done.unchanged,
        if kept > 0 { format!("; {kept} not in the file kept (--delete-missing removes them)") } else { String::new() }
    );
    if !how.write_ids {
        if done.is_nothing() {
            return Err(NothingChanged(format!("nothing to change: {summary}")).into());
        }
        errln!("{summary}");
        return Ok(());
    }
    let identities = match identities {
        Ok(rows) => rows,
        Err(err) => {
            errln!("{summary}");
            return Err(not_written(err.to_string()));
        }
    };
    if identities.is_empty() {
        if done.is_nothing() {
            return Err(NothingChanged(format!(
                "nothing to change: {summary}; every row of {shown} carries its id already"
            ))
            .into());
        }
        errln!("{summary}");
        errln!("every row of {shown} carries its id already: nothing to write back");
        return Ok(());
    }
    errln!("{}{summary}", if done.is_nothing() { "nothing to change in the workspace: " } else { "" });
    let written = with_ids(&ext, &original, &plan, &tables, &identities)
        .and_then(|bytes| crate::private_fs::replace(path, &original, &bytes));
    match written {
        Ok(()) => {
            errln!("{}", written_ids(&shown, &plan, &identities));
            Ok(())
        }
        Err(why) => Err(not_written(why)),
    }
}

/// A table an import read: a CSV file, or one sheet of a workbook (its name as the workbook spells it).
struct Read {
    register: Register,
    table: registers::Table2,
    source: String,
    sheet: Option<String>,
}

/// The file `original` with the ids of `rows` written into it: each row's UUID into its id column and its short
/// reference into its ref column (where the sheet has one), every other cell as it was.
fn with_ids(
    ext: &str,
    original: &[u8],
    plan: &registers::Plan,
    tables: &[Read],
    rows: &[registers::RowIdentity],
) -> std::result::Result<Vec<u8>, String> {
    let cells: Vec<Vec<CellText>> = plan
        .sheets
        .iter()
        .enumerate()
        .map(|(n, sheet)| {
            rows.iter()
                .filter(|r| r.sheet == n)
                .flat_map(|r| {
                    let id = sheet.id_column.map(|c| CellText { row: r.line, column: c, text: r.uuid.clone() });
                    let reference = sheet.ref_column.zip(r.reference.clone()).map(|(c, text)| CellText {
                        row: r.line,
                        column: c,
                        text,
                    });
                    id.into_iter().chain(reference)
                })
                .collect()
        })
        .collect();
    match ext {
        "csv" => write_back::csv_with_cells(original, cells.first().map_or(&[][..], Vec::as_slice)),
        _ => {
            let sheets: Vec<(String, Vec<CellText>)> =
                tables.iter().zip(cells).filter_map(|(t, c)| Some((t.sheet.clone()?, c))).collect();
            write_back::xlsx_with_cells(original, &sheets)
        }
    }
}

/// What `--write-ids` wrote, in words: "wrote the ids and refs of 3 rows back into risks.csv (2 added, 1 matched
/// by risk title within the engagement)".
fn written_ids(shown: &str, plan: &registers::Plan, rows: &[registers::RowIdentity]) -> String {
    let refs = rows.iter().any(|r| r.reference.is_some() && plan.sheets[r.sheet].ref_column.is_some());
    let mut parts = Vec::new();
    for (n, sheet) in plan.sheets.iter().enumerate() {
        let count = |m: Matched| rows.iter().filter(|r| r.sheet == n && r.matched == m).count();
        let all = rows.iter().filter(|r| r.sheet == n).count();
        if all == 0 {
            continue;
        }
        let how: Vec<String> = [
            (count(Matched::Added), "added".to_string()),
            (count(Matched::ByRef), "matched by their ref".to_string()),
            (count(Matched::ByKey), format!("matched by {}", sheet.register.natural_key())),
        ]
        .into_iter()
        .filter(|(k, _)| *k > 0)
        .map(|(k, what)| format!("{k} {what}"))
        .collect();
        parts.push(if plan.sheets.len() > 1 {
            format!("{} {all}: {}", sheet.register.title(), how.join(", "))
        } else {
            how.join(", ")
        });
    }
    format!(
        "wrote the ids{} of {} row{} back into {shown} ({})",
        if refs { " and refs" } else { "" },
        rows.len(),
        plural(rows.len()),
        parts.join("; ")
    )
}
