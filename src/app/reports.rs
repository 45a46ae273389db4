//! The Overview's report and export keys: the management report (Markdown and HTML) and the JSON bundle of the
//! current engagement, written to the reports folder (`reports_dir` in the config; by default the folder assay was
//! started from), with the full paths shown in a message.

use std::path::{Path, PathBuf};

use super::App;
use crate::domain::Engagement;
use crate::report;
use crate::store::bundle;

impl App {
    /// The folder reports and exports go to.
    pub fn reports_dir(&self) -> &Path {
        &self.reports_dir
    }

    pub(super) fn write_report(&mut self, e: &Engagement) {
        let dir = self.reports_dir.clone();
        match report::write_both(self.store.conn(), e, &dir, self.today, self.store.assessor()) {
            Ok(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                self.toast(format!("Report written: {}", shown.join(" and ")));
            }
            Err(err) => self.toast_error(format!("Report not written: {err}")),
        }
    }

    pub(super) fn export_bundle(&mut self, e: &Engagement) {
        let dir = self.reports_dir.clone();
        let path = dir.join(format!("{}-{}.json", report::slug(&e.name), self.today));
        let mut last = (0, 0);
        let result = bundle::read(self.store.conn(), Some(&[e.id]), false, &self.store.now(), &mut |d, t| {
            last = (d, t);
        })
        .and_then(|mut b| {
            b.history_head = Some(crate::store::history::head(self.store.conn())?.to_string());
            Ok(b)
        })
        .map_err(|err| err.to_string())
        .and_then(|b| {
            crate::private_fs::folder(&dir)?;
            crate::private_fs::write(&path, b.to_json().as_bytes())?;
            Ok(b.rows())
        });
        match result {
            Ok(rows) => self.toast(format!(
                "Exported {rows} rows ({}/{} tables) to {} — criminal-record and credit checks left out",
                last.0,
                last.1,
                path.display()
            )),
            Err(err) => self.toast_error(format!("Not exported: {err}")),
        }
    }
}

/// The folder assay was started from, in full: where reports go unless the config says otherwise.
pub fn default_reports_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}
