//! The Overview's report and export keys: the management report (Markdown and HTML) and the JSON bundle of the
//! current engagement, written to `reports/` beside the workspace, with the paths shown in a toast.

use std::path::PathBuf;

use super::App;
use crate::commands::report;
use crate::domain::Engagement;
use crate::store::bundle;

impl App {
    /// The folder reports and exports go to: `reports/` beside the workspace (the temporary folder for a
    /// workspace in memory).
    pub fn reports_dir(&self) -> PathBuf {
        match self.store.path().and_then(|p| p.parent()) {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join("reports"),
            Some(_) => PathBuf::from("reports"),
            None => std::env::temp_dir().join("assay-reports"),
        }
    }

    pub(super) fn write_report(&mut self, e: &Engagement) {
        let dir = self.reports_dir();
        match report::write_both(self.store.conn(), e, &dir, self.today, self.store.assessor()) {
            Ok(paths) => {
                let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
                self.toast(format!("Report written: {}", shown.join(" and ")));
            }
            Err(err) => self.toast_error(format!("Report not written: {err}")),
        }
    }

    pub(super) fn export_bundle(&mut self, e: &Engagement) {
        let dir = self.reports_dir();
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
            std::fs::create_dir_all(&dir).map_err(|err| format!("cannot create {}: {err}", dir.display()))?;
            std::fs::write(&path, b.to_json()).map_err(|err| format!("cannot write {}: {err}", path.display()))?;
            Ok(b.rows())
        });
        match result {
            Ok(rows) => self.toast(format!(
                "Exported {rows} rows ({}/{} tables) to {} — sensitive check notes left out",
                last.0,
                last.1,
                path.display()
            )),
            Err(err) => self.toast_error(format!("Not exported: {err}")),
        }
    }
}
