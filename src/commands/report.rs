//! `assay report ENGAGEMENT` and `assay report assets ENGAGEMENT`: the command-line entries. The reports
//! themselves are built in [`crate::report`], which the workbench's report key uses too.

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
        }
    }
}

/// Finds an engagement by id, or by a case-insensitive prefix of its name that only it has.
pub fn resolve(conn: &Connection, spec: &str) -> Result<Engagement> {
    super::find_engagement(&engagements::list(conn)?, spec)
}

/// `assay report ENGAGEMENT`: prints the report, or writes it to `out`.
pub fn run(
    store: &crate::store::Store,
    spec: &str,
    format: ReportFormat,
    out: Option<&Path>,
    include_sensitive: bool,
    with_catalog_text: bool,
    with_journal: bool,
) -> Result<()> {
    let e = resolve(store.conn(), spec)?;
    let today = chrono::Local::now().date_naive();
    let mut r = report::build_with(store.conn(), &e, today, store.assessor(), include_sensitive, with_catalog_text)?;
    if with_journal {
        match report::journal_appendix(store.conn(), &e)? {
            Some(appendix) => r.sections.push(appendix),
            None => errln!("assay: note: “{}” has no journal entry: the report has no journal appendix", e.name),
        }
    }
    let text = report::written(&r, format.into());
    match out {
        Some(p) => {
            crate::private_fs::write(p, text.as_bytes()).map_err(|err| eyre!(err))?;
            errln!("wrote the report of “{}” to {}", e.name, p.display());
        }
        None => out!("{text}"),
    }
    Ok(())
}

/// `assay report assets ENGAGEMENT`: writes the asset tracking form of the engagement named by `args` (an id or the
/// start of its name).
pub fn run_assets(path: &Path, assessor: &str, args: &[String], format: FormFormat, out: Option<&Path>) -> Result<()> {
    if args.is_empty() {
        return Err(eyre!("name the engagement: assay report assets ENGAGEMENT (its id or the start of its name)"));
    }
    let store = super::secure::open_existing(path, assessor)?;
    let e = resolve(store.conn(), &args.join(" "))?;
    let form = assets::gather(store.conn(), &e, chrono::Local::now().date_naive(), assessor)?;
    let text = match format {
        FormFormat::Md => assets::markdown(&form),
        FormFormat::Html => assets::html(&form),
    };
    match out {
        Some(p) => {
            crate::private_fs::write(p, text.as_bytes()).map_err(|err| eyre!(err))?;
            let full = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
            errln!("wrote the asset form of “{}” to {}", e.name, full.display());
        }
        None => out!("{text}"),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::find_engagement;
    use crate::domain::Engagement;

    fn eng(id: i64, name: &str) -> Engagement {
        Engagement {
            id,
            number: id,
            uuid: String::new(),
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
        }
    }

    #[test]
    fn engagements_are_found_by_id_or_unique_prefix() {
        let all = [eng(1, "Payroll processing"), eng(2, "Payment gateway"), eng(3, "Help desk")];
        assert_eq!(find_engagement(&all, "3").expect("id").name, "Help desk");
        assert_eq!(find_engagement(&all, "payr").expect("prefix").id, 1);
        assert_eq!(find_engagement(&all, "HELP DESK").expect("exact").id, 3);
        let err = find_engagement(&all, "pay").expect_err("two").to_string();
        assert!(err.contains("matches 2 engagements") && err.contains("id 2"), "{err}");
        assert!(find_engagement(&all, "zzz").expect_err("none").to_string().contains("no engagement matches"));
    }
}
