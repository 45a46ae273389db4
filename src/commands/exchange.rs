//! `assay export` and `assay import`: the JSON bundle, CSV files and the XLSX workbook, with progress on stderr
//! when stderr is a terminal (never in a pipe).

use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, eyre};

use super::report::{resolve, slug};
use crate::cli::ExportFormat;
use crate::domain::Engagement;
use crate::interchange;
use crate::store::registers::{self, Register};
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
                    "the workspace has {} engagements: name the one {what} (id or the start of its name)",
                    all.len()
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

/// `assay export`.
pub fn export(
    store: &Store,
    spec: Option<&str>,
    format: ExportFormat,
    out: Option<&Path>,
    include_sensitive: bool,
) -> Result<()> {
    if format == ExportFormat::Oscal {
        return super::oscal::export(store, spec, out);
    }
    if format == ExportFormat::OscalPoam {
        return super::oscal::export_poam(store, spec, out);
    }
    let mut progress = CliProgress::new("exporting");
    let today = chrono::Local::now().date_naive();
    match format {
        ExportFormat::Json => {
            let ids = match spec {
                Some(s) => Some(vec![resolve(store.conn(), s)?.id]),
                None => None,
            };
            let b = bundle::read(store.conn(), ids.as_deref(), include_sensitive, &store.now(), &mut |d, t| {
                progress.update(d, t)
            })?;
            let text = b.to_json();
            match out {
                Some(p) => {
                    crate::private_fs::write(p, text.as_bytes()).map_err(|e| eyre!(e))?;
                    errln!(
                        "exported {} engagement{} ({} rows) to {}; {}",
                        b.engagements.len(),
                        if b.engagements.len() == 1 { "" } else { "s" },
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
            let sheets = registers::sheets(store.conn(), e.id, today, include_sensitive)?;
            let dir =
                out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}-registers", slug(&e.name))));
            let files =
                interchange::write_csv(&dir, &sheets, &mut |d, t| progress.update(d, t)).map_err(|m| eyre!(m))?;
            for f in &files {
                outln!("{}", f.display());
            }
            errln!("wrote {} CSV files of “{}”; {}", files.len(), e.name, sensitive_note(include_sensitive));
        }
        ExportFormat::Xlsx => {
            let e = one_engagement(store, spec, "to export")?;
            let sheets = registers::sheets(store.conn(), e.id, today, include_sensitive)?;
            let path = out.map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from(format!("{}.xlsx", slug(&e.name))));
            let bytes = interchange::xlsx_bytes(&sheets, &mut |d, t| progress.update(d, t)).map_err(|m| eyre!(m))?;
            crate::private_fs::write(&path, &bytes).map_err(|err| eyre!(err))?;
            outln!("{}", path.display());
            errln!("wrote {} sheets of “{}”; {}", sheets.len(), e.name, sensitive_note(include_sensitive));
        }
        ExportFormat::Oscal | ExportFormat::OscalPoam => {}
    }
    Ok(())
}

/// `assay import`.
pub fn import(store: &mut Store, path: &Path, into: Option<&str>, register: Option<&str>) -> Result<()> {
    let mut progress = CliProgress::new("importing");
    let today = chrono::Local::now().date_naive();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let shown = path.display().to_string();
    match ext.as_str() {
        "json" => {
            if into.is_some() {
                return Err(eyre!("a bundle brings its own engagements; --into is for CSV and XLSX files"));
            }
            let bytes = std::fs::read(path).map_err(|e| eyre!("cannot read {shown}: {e}"))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                eyre!("{shown}: not UTF-8 text (byte offset {}); nothing was imported", e.utf8_error().valid_up_to())
            })?;
            let (engs, _) = bundle::parse(&text).map_err(|e| eyre!("{shown}, {e}; nothing was imported"))?;
            let done = bundle::restore(store, &engs, &mut |d, t| progress.update(d, t))
                .map_err(|e| eyre!("{shown}, {e}; nothing was imported"))?;
            errln!(
                "imported {} engagement{} ({} rows) from {shown}; {}",
                done.engagements,
                if done.engagements == 1 { "" } else { "s" },
                done.rows,
                if done.kept_ids { "ids kept (the workspace was empty)" } else { "every row has a new id" }
            );
        }
        "csv" => {
            let name = match register {
                Some(r) => r.to_string(),
                None => path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string(),
            };
            let reg = Register::from_name(&name).ok_or_else(|| {
                eyre!("which register does {shown} hold? pass --register risks, team_members or assets")
            })?;
            let e = one_engagement(store, into, "to import into (--into)")?;
            let bytes = std::fs::read(path).map_err(|err| eyre!("cannot read {shown}: {err}"))?;
            let table = interchange::read_csv(&bytes, &shown).map_err(|err| eyre!("{err}; nothing was imported"))?;
            let done = registers::import(store, e.id, reg, &table, &shown, today, &mut |d, t| progress.update(d, t))
                .map_err(|err| eyre!("{err}; nothing was imported"))?;
            errln!(
                "{} of “{}”: {} added, {} updated, {} unchanged",
                reg.name().replace('_', " "),
                e.name,
                done.added,
                done.updated,
                done.unchanged
            );
        }
        "xlsx" => {
            if register.is_some() {
                return Err(eyre!("a workbook names its registers by its sheets; --register is for CSV files"));
            }
            let e = one_engagement(store, into, "to import into (--into)")?;
            let tables = interchange::read_xlsx(path).map_err(|err| eyre!("{err}; nothing was imported"))?;
            let list: Vec<(Register, &registers::Table2, &str)> =
                tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
            let done = registers::import_many(store, e.id, &list, today, &mut |d, t| progress.update(d, t))
                .map_err(|err| eyre!("{err}; nothing was imported"))?;
            errln!(
                "{} sheet{} into “{}”: {} added, {} updated, {} unchanged",
                list.len(),
                if list.len() == 1 { "" } else { "s" },
                e.name,
                done.added,
                done.updated,
                done.unchanged
            );
        }
        _ => return Err(eyre!("{shown}: import reads .json bundles, .csv files and .xlsx workbooks")),
    }
    Ok(())
}
