//! `assay verify`: integrity, the history's hash chain, and every row against its history.

use std::path::Path;

use color_eyre::eyre::Result;

use crate::store::verify;

/// Prints what was checked; fails (exit 1) naming the first broken entry and every row that differs.
pub fn run(path: &Path, assessor: &str) -> Result<()> {
    let store = super::secure::open_existing(path, assessor)?;
    let report = verify::verify(store.conn())?;
    if report.is_clean() {
        outln!(
            "{}: intact — SQLite integrity ok; {} history entries, chain unbroken; {} rows, each as its history says",
            path.display(),
            report.entries,
            report.rows
        );
        return Ok(());
    }
    for f in &report.findings {
        outln!("{f}");
    }
    Err(super::stop(
        super::Outcome::Problem,
        format!(
            "{} failed verification: {} problem{} (the first is listed first)",
            path.display(),
            report.findings.len(),
            if report.findings.len() == 1 { "" } else { "s" }
        ),
    ))
}
