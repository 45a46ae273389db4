//! Report building: the management report and the asset tracking form of an engagement, and how outputs cite the
//! catalog. Used by the workbench's report key and by `assay report`; it reads through `store` and renders text,
//! and knows nothing of the terminal or of the command line.

pub mod assets;
mod build;
mod charts;
pub mod citations;
mod data;
mod escape;
mod findings;
mod front;
pub mod html;
mod markdown;
mod model;
pub mod pdf;
mod people;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use color_eyre::eyre::{Result, eyre};
use rusqlite::Connection;

pub use build::{build, build_opts, build_with, missing_narrative};
pub use data::Options;
pub use html::html;
pub use markdown::{markdown, md_text};
pub use model::{Bar, Block, FIRST_APPENDIX, REF_HEADER, Record, Report, SIGNATURE_HEADER, Section, TO_WRITE};

use crate::domain::Engagement;

/// The forms a report is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Md,
    Html,
    Json,
    /// A PDF, written by [`pdf::report`]; as text ([`written`]), its pages as plain text (what a text extractor
    /// reads from it).
    Pdf,
}

/// Renders the report of an engagement in the given format.
pub fn render(
    conn: &Connection,
    e: &Engagement,
    format: Format,
    today: NaiveDate,
    assessor: &str,
    include_sensitive: bool,
) -> Result<String> {
    render_with(conn, e, format, today, assessor, include_sensitive, false)
}

/// [`render`], with the catalog's texts of the items cited when `with_catalog_text`.
pub fn render_with(
    conn: &Connection,
    e: &Engagement,
    format: Format,
    today: NaiveDate,
    assessor: &str,
    include_sensitive: bool,
    with_catalog_text: bool,
) -> Result<String> {
    let r = build_with(conn, e, today, assessor, include_sensitive, with_catalog_text)?;
    Ok(written(&r, format))
}

/// A report built, in `format`.
pub fn written(r: &Report, format: Format) -> String {
    match format {
        Format::Md => markdown(r),
        Format::Html => html(r),
        Format::Json => json(r),
        Format::Pdf => pdf::report_text(r),
    }
}

/// The appendix of the interview journal: every entry in the order it was said, with when, who was interviewed,
/// who was present and what it is about. `None` when the engagement has no entry.
pub fn journal_appendix(conn: &Connection, e: &Engagement) -> Result<Option<Section>> {
    let entries = crate::store::journal::list(conn, e.id)?;
    if entries.is_empty() {
        return Ok(None);
    }
    let mut blocks = vec![Block::Para(format!(
        "The {} entr{} of the interview journal, in the order they were written (times in UTC).",
        entries.len(),
        if entries.len() == 1 { "y" } else { "ies" }
    ))];
    for entry in &entries {
        let mut head = format!(
            "{} · {}",
            crate::store::refs::label(crate::store::Table::JournalEntry, entry.number),
            entry.said_at.get(..16).unwrap_or(&entry.said_at).replace('T', " ")
        );
        if let Some(who) = &entry.interviewed {
            head.push_str(&format!(" — {who}"));
        }
        if let Some(present) = &entry.present {
            head.push_str(&format!(" (present: {present})"));
        }
        if let Some(link) = &entry.link_label {
            head.push_str(&format!(" · on {link}"));
        }
        blocks.push(Block::Heading(head));
        blocks.push(Block::Para(entry.text.clone()));
    }
    Ok(Some(Section { title: "Appendix: interview journal".into(), blocks }))
}

/// Adds an appendix after the register's (the first), so that the appendices keep their order: register,
/// journal, evidence, verification, catalog references.
pub fn add_appendix(r: &mut Report, appendix: Section) {
    let at = r.sections.iter().position(|s| s.title == FIRST_APPENDIX).map_or(r.sections.len(), |i| i + 1);
    r.sections.insert(at, appendix);
}

/// The report's data as one JSON document: title, meta, classification, and the sections with their blocks.
pub fn json(r: &Report) -> String {
    let mut s = crate::visible::json(&serde_json::to_string_pretty(r).unwrap_or_default()).into_owned();
    s.push('\n');
    s
}

/// A file-name-safe form of an engagement's name.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for ch in name.chars() {
        if ch.is_alphanumeric() {
            out.extend(ch.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').chars().take(60).collect::<String>();
    if out.is_empty() { "engagement".into() } else { out }
}

/// Writes the Markdown and HTML reports of an engagement into `dir`; returns the two paths.
pub fn write_both(
    conn: &Connection,
    e: &Engagement,
    dir: &Path,
    today: NaiveDate,
    assessor: &str,
) -> Result<Vec<PathBuf>> {
    let written = write_both_steps(conn, e, dir, today, assessor, &mut |_, _| true)?;
    written.ok_or_else(|| eyre!("the report was stopped"))
}

/// [`write_both`] in steps: before each, `step` is told how far the work has come (a fraction and a word) and
/// answers whether to go on. Stopped, it returns `None` having written nothing: both files are written only
/// after the last step, each in full or not at all.
pub fn write_both_steps(
    conn: &Connection,
    e: &Engagement,
    dir: &Path,
    today: NaiveDate,
    assessor: &str,
    step: &mut dyn FnMut(f32, &str) -> bool,
) -> Result<Option<Vec<PathBuf>>> {
    if !step(0.05, "Reading the workspace") {
        return Ok(None);
    }
    let r = build(conn, e, today, assessor, false)?;
    if !step(0.5, "Writing report") {
        return Ok(None);
    }
    let md_text = markdown(&r);
    if !step(0.7, "Writing report") {
        return Ok(None);
    }
    let html_text = html(&r);
    if !step(0.9, "Writing report") {
        return Ok(None);
    }
    crate::private_fs::folder(dir).map_err(|err| eyre!(err))?;
    let stem = format!("{}-report-{today}", slug(&e.name));
    let md = dir.join(format!("{stem}.md"));
    let html_path = dir.join(format!("{stem}.html"));
    crate::private_fs::write(&md, md_text.as_bytes()).map_err(|err| eyre!(err))?;
    crate::private_fs::write(&html_path, html_text.as_bytes()).map_err(|err| eyre!(err))?;
    step(1.0, "Report written");
    Ok(Some(vec![md, html_path]))
}
