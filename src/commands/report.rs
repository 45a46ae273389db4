//! `assay report ENGAGEMENT` and `assay report assets ENGAGEMENT`: the command-line entries. The reports
//! themselves are built in [`crate::report`], which the workbench's report key uses too.

use std::io::IsTerminal;
use std::path::Path;

use color_eyre::eyre::{Result, eyre};
use rusqlite::Connection;

use crate::cli::{FormFormat, ReportFormat};
use crate::domain::Engagement;
use crate::report::{self, Format, assets};
use crate::store::engagements;

// The report's builders, at the path they had before they moved to `crate::report`.
pub use crate::report::{Block, Report, Section, build, build_with, html, json, markdown, md_text, slug, write_both};

impl From<ReportFormat> for Format {
    fn from(f: ReportFormat) -> Format {
        match f {
            ReportFormat::Md => Format::Md,
            ReportFormat::Html => Format::Html,
            ReportFormat::Json => Format::Json,
            ReportFormat::Pdf => Format::Pdf,
        }
    }
}

/// Finds the engagement a command line names (see [`super::find_engagement`]).
pub fn resolve(conn: &Connection, spec: &str) -> Result<Engagement> {
    super::find_engagement(&engagements::list(conn)?, spec)
}

/// `assay report ENGAGEMENT`: prints the report, or writes it to `out`.
pub fn run(
    store: &crate::store::Store,
    spec: &str,
    format: ReportFormat,
    out: Option<&Path>,
    how: report::Options,
    with_journal: bool,
) -> Result<()> {
    let e = resolve(store.conn(), spec)?;
    if format == ReportFormat::Pdf {
        refuse_pdf_to_terminal(out)?;
    }
    if how.is_final {
        let missing = report::missing_narrative(store.conn(), &e)?;
        if !missing.is_empty() {
            return Err(eyre!(
                "the final report of {} is refused: its narrative is not complete. Still to be written:\n  - {}\n\
                 Write them in the workbench (the engagement's and each risk's form), or leave out --final for a \
                 draft that shows what is missing.",
                super::engagement_named(&e),
                missing.join("\n  - ")
            ));
        }
    }
    let today = chrono::Local::now().date_naive();
    let mut r = report::build_opts(store.conn(), &e, today, store.assessor(), how)?;
    if with_journal {
        match report::journal_appendix(store.conn(), &e)? {
            Some(appendix) => report::add_appendix(&mut r, appendix),
            None => errln!(
                "assay: note: {} has no journal entry: the report has no journal appendix",
                super::engagement_named(&e)
            ),
        }
    }
    if format == ReportFormat::Pdf {
        let pdf = report::pdf::report(&r)?;
        return write_pdf(&pdf, out, &format!("the report of {}", super::engagement_named(&e)));
    }
    let text = report::written(&r, format.into());
    match out {
        Some(p) => {
            crate::private_fs::write(p, text.as_bytes()).map_err(|err| eyre!(err))?;
            errln!("wrote the report of {} to {}", super::engagement_named(&e), p.display());
        }
        None => out!("{text}"),
    }
    Ok(())
}

/// `assay report assets ENGAGEMENT`: writes the asset tracking form of the engagement named by `args` (see
/// [`super::find_engagement`]).
pub fn run_assets(path: &Path, assessor: &str, args: &[String], format: FormFormat, out: Option<&Path>) -> Result<()> {
    if args.is_empty() {
        return Err(eyre!("name the engagement: assay report assets ENGAGEMENT ({})", super::ENGAGEMENT_ARG));
    }
    if format == FormFormat::Pdf {
        refuse_pdf_to_terminal(out)?;
    }
    let store = super::secure::open_existing(path, assessor)?;
    let e = resolve(store.conn(), &args.join(" "))?;
    let form = assets::gather(store.conn(), &e, chrono::Local::now().date_naive(), assessor)?;
    let text = match format {
        FormFormat::Md => assets::markdown(&form),
        FormFormat::Html => assets::html(&form),
        FormFormat::Pdf => {
            let pdf = report::pdf::asset_form(&form)?;
            return write_pdf(&pdf, out, &format!("the asset form of {}", super::engagement_named(&e)));
        }
    };
    match out {
        Some(p) => {
            crate::private_fs::write(p, text.as_bytes()).map_err(|err| eyre!(err))?;
            let full = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            errln!("wrote the asset form of {} to {}", super::engagement_named(&e), full.display());
        }
        None => out!("{text}"),
    }
    Ok(())
}

/// A PDF is bytes, which a terminal would show as noise: without `--out` it goes only to a pipe or a file.
fn refuse_pdf_to_terminal(out: Option<&Path>) -> Result<()> {
    if out.is_none() && std::io::stdout().is_terminal() {
        return Err(super::stop(
            super::Outcome::Usage,
            "a PDF is not printed on a terminal: name the file to write with --out FILE (or send the output to a pipe)",
        ));
    }
    Ok(())
}

/// Writes a PDF to `out` (owner-only, all at once) or to standard output, and says which characters no font could
/// draw.
fn write_pdf(pdf: &report::pdf::Pdf, out: Option<&Path>, what: &str) -> Result<()> {
    if let Some(warning) = pdf.warning() {
        errln!("assay: warning: {warning}");
    }
    match out {
        Some(p) => {
            crate::private_fs::write(p, &pdf.bytes).map_err(|err| eyre!(err))?;
            let full = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            errln!("wrote {what} to {} ({} pages)", full.display(), pdf.pages);
        }
        None => crate::visible::write_binary_out(&pdf.bytes)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::{exit_code, find_engagement};
    use crate::domain::Engagement;

    fn eng(number: i64, name: &str, uuid: &str) -> Engagement {
        Engagement {
            id: 10 + number,
            number,
            uuid: uuid.into(),
            name: name.into(),
            service: None,
            scope: None,
            objective: None,
            business_owner: None,
            phase: Default::default(),
            start_date: None,
            planned_end: None,
            status: "active".into(),
            updated_at: String::new(),
            conclusion: None,
            overall_rating: None,
            approach: None,
            limitations: None,
            reviewer: None,
            distribution: None,
            classification: Default::default(),
        }
    }

    #[test]
    fn engagements_are_found_by_number_reference_uuid_or_unique_start() {
        let all = [
            eng(1, "Payroll processing", "01970000-aaaa-7000-8000-000000000001"),
            eng(2, "Payment gateway", "01970000-bbbb-7000-8000-000000000002"),
            eng(3, "Help desk", "0197cafe-cccc-7000-8000-000000000003"),
        ];
        let name = |q: &str| find_engagement(&all, q).map(|e| e.name).map_err(|e| (exit_code(&e), e.to_string()));
        assert_eq!(name("3"), Ok("Help desk".into()), "a bare number is the engagement's number, not its row id");
        assert_eq!(name("E-3"), Ok("Help desk".into()));
        assert_eq!(name("e3"), Ok("Help desk".into()));
        assert_eq!(name("payr"), Ok("Payroll processing".into()));
        assert_eq!(name("HELP DESK"), Ok("Help desk".into()));
        assert_eq!(name("0197cafe-cccc-7000-8000-000000000003"), Ok("Help desk".into()));
        assert_eq!(name("0197CAFE"), Ok("Help desk".into()), "a start of a UUID, any case");
        assert_eq!(name("01970000-bb"), Ok("Payment gateway".into()), "hyphens are kept or left out");
        let (code, err) = name("pay").expect_err("two");
        assert_eq!(code, 2, "ambiguous is a usage error");
        assert!(err.contains("matches 2 engagements") && err.contains("E-2 “Payment gateway”"), "{err}");
        let (code, err) = name("0197").expect_err("three UUIDs");
        assert!(code == 2 && err.contains("matches 3 engagements"), "{err}");
        let (code, err) = name("zzz").expect_err("none");
        assert!(code == 3 && err.contains("no engagement matches “zzz”") && err.contains("E-3"), "{err}");
        let (code, err) = name("E-9").expect_err("no such number");
        assert!(code == 3 && err.contains("no engagement has the number 9"), "{err}");
        let (code, err) = name("R-3").expect_err("a risk's reference");
        assert!(code == 3 && err.contains("reference of a risk"), "{err}");
        let (code, err) = name("A-3").expect_err("an asset's reference");
        assert!(code == 3 && err.contains("reference of an asset"), "{err}");
        let (code, _) = name("  ").expect_err("blank");
        assert_eq!(code, 2);
    }
}
