//! The Overview's report and export keys: the management report (Markdown, HTML and PDF) and the JSON bundle of the
//! current engagement, written to the reports folder (`reports_dir` in the config; by default the folder assay was
//! started from), with the full paths shown in a message.
//!
//! Both run as a long task ([`crate::worker`]): on a thread of their own with a read-only connection of their own,
//! their progress in the status line, stopped by Esc, their result shown as a message when they end. The user
//! keeps reading and moving meanwhile.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::pane::{Task, TaskResult};
use super::{Action, App, Context, Tab};
use crate::domain::Engagement;
use crate::report;
use crate::store::{Store, bundle};
use crate::worker::{Control, Finished, Job, Poll};

/// What a long task ends with: a message to show, or the result of a pane's task, for that pane.
pub enum Outcome {
    Said(Finished),
    Pane(Tab, TaskResult),
}

impl App {
    /// The folder reports and exports go to.
    pub fn reports_dir(&self) -> &Path {
        &self.reports_dir
    }

    pub(super) fn write_report(&mut self, e: &Engagement) {
        let (e, dir, today, assessor) =
            (e.clone(), self.reports_dir.clone(), self.today, self.store.assessor().to_string());
        self.start_reading("Writing report", move |conn, c| {
            let step = &mut |fraction: f32, word: &str| {
                c.progress(fraction, word);
                !c.cancelled()
            };
            match report::pdf::write_all_steps(conn, &e, &dir, today, &assessor, step) {
                Ok(Some(written)) => {
                    let shown: Vec<String> = written.paths.iter().map(|p| p.display().to_string()).collect();
                    let said = format!("Report written ({} PDF pages): {}", written.pages, shown.join(", "));
                    match written.warning {
                        Some(warning) => Finished::Failed(format!("{said} — but {warning}")),
                        None => Finished::Done(said),
                    }
                }
                Ok(None) => Finished::Cancelled,
                Err(err) => Finished::Failed(format!("Report not written: {err}")),
            }
        });
    }

    pub(super) fn export_bundle(&mut self, e: &Engagement) {
        let dir = self.reports_dir.clone();
        let path = dir.join(format!("{}-{}.json", report::slug(&e.name), self.today));
        let (id, now) = (e.id, self.store.now());
        self.start_reading("Exporting", move |conn, c| {
            let mut last = (0, 0);
            let read = bundle::read(conn, Some(&[id]), false, &now, &mut |d, t| {
                last = (d, t);
                c.progress(0.9 * d as f32 / t.max(1) as f32, "Exporting");
            })
            .and_then(|mut b| {
                b.history_head = Some(crate::store::history::head(conn)?.to_string());
                Ok(b)
            });
            if c.cancelled() {
                return Finished::Cancelled;
            }
            let written = read.map_err(|err| err.to_string()).and_then(|b| {
                crate::private_fs::folder(&dir)?;
                crate::private_fs::write(&path, b.to_json().as_bytes())?;
                Ok(b.rows())
            });
            match written {
                Ok(rows) => Finished::Done(format!(
                    "Exported {rows} rows ({}/{} tables) to {} — criminal-record and credit checks left out",
                    last.0,
                    last.1,
                    path.display()
                )),
                Err(err) => Finished::Failed(format!("Not exported: {err}")),
            }
        });
    }

    /// Starts a long task that reads the workspace and ends with a message.
    fn start_reading(&mut self, label: &str, task: impl FnOnce(&Connection, &Control) -> Finished + Send + 'static) {
        self.start_job(label, move |conn, c| Outcome::Said(task(conn, c)));
    }

    /// Starts the long task of the pane on `tab`; its result goes back to that pane. False when another task is
    /// still under way (and said so).
    pub(super) fn start_task(&mut self, tab: Tab, task: Task) -> bool {
        let run = task.run;
        self.start_job(&task.label, move |conn, c| Outcome::Pane(tab, run(conn, c)))
    }

    /// Starts a long task that reads the workspace: on its own thread, with a read-only connection of its own. A
    /// workspace held only in memory (tests, benchmarks) has no second connection, so the task runs here instead.
    /// One task at a time: while one runs, another is refused with a message (and false returned).
    fn start_job(&mut self, label: &str, task: impl FnOnce(&Connection, &Control) -> Outcome + Send + 'static) -> bool {
        if let Some(job) = &self.work {
            let stop = self.cancel_key().map(|k| format!(", or press {k} to stop it")).unwrap_or_default();
            self.toast_error(format!("{} is still under way: wait for it{stop}", job.progress().word));
            return false;
        }
        let inline = self.store.path().is_none();
        let job = match self.store.path() {
            Some(path) => {
                let (path, assessor, key) =
                    (path.to_path_buf(), self.store.assessor().to_string(), self.store.key().map(str::to_string));
                let what = label.to_string();
                let failed = move |err: String| {
                    Outcome::Said(Finished::Failed(format!("{what}: the workspace could not be read: {err}")))
                };
                Job::spawn(label, move |c| {
                    let reader = match Store::open_read_only(&path, &assessor, key.as_deref(), false) {
                        Ok(r) => r,
                        Err(err) => return failed(err.to_string()),
                    };
                    // One read transaction: the task sees one state of the workspace throughout, whatever is
                    // saved meanwhile.
                    match reader.conn().unchecked_transaction() {
                        Ok(snapshot) => task(&snapshot, c),
                        Err(err) => failed(err.to_string()),
                    }
                })
            }
            None => Job::inline(label, |c| task(self.store.conn(), c)),
        };
        self.work = Some(job);
        if inline {
            self.poll_work();
        }
        true
    }

    /// Takes in the running task's progress, and its result once it ends (shown as a message, or handed to the pane
    /// that started it). Returns whether anything changed on screen. The event loop calls it between events.
    pub fn poll_work(&mut self) -> bool {
        let Some(job) = self.work.as_mut() else {
            return false;
        };
        let outcome = match job.poll() {
            Poll::Running(moved) => return moved,
            Poll::Done(Outcome::Pane(_, _)) if job.is_cancelled() => None,
            Poll::Done(f) => Some(f),
            Poll::Lost => None,
        };
        let (label, cancelled) = (job.label().to_string(), job.is_cancelled());
        self.work = None;
        match outcome {
            Some(Outcome::Said(Finished::Done(message))) => self.toast(message),
            Some(Outcome::Said(Finished::Failed(message))) => self.toast_error(message),
            Some(Outcome::Said(Finished::Cancelled)) => self.toast(format!("{label} stopped; nothing was written")),
            Some(Outcome::Pane(tab, result)) => {
                if let Some(Err(e)) = self.with_pane(tab, |p, cx| p.task_done(Some(result), cx)) {
                    self.toast_error(format!("{e}"));
                }
            }
            None => {
                if cancelled {
                    self.toast(format!("{label} stopped; nothing was written"));
                } else {
                    self.toast_error(format!("{label} stopped unexpectedly; nothing was written"));
                }
                // A pane waiting for the task learns that it ended without a result.
                for tab in self.pane_tabs() {
                    if let Some(Err(e)) = self.with_pane(tab, |p, cx| p.task_done(None, cx)) {
                        self.toast_error(format!("{e}"));
                    }
                }
            }
        }
        true
    }

    /// Asks the running task, if any, to stop.
    pub(super) fn cancel_work(&mut self) {
        if let Some(job) = &self.work {
            job.cancel();
        }
    }

    /// The status-line segment of the running task (or of the sync about to run): what it is doing, how far it has
    /// come and how to stop it.
    pub fn work_status(&self) -> Option<String> {
        if self.sync_pending() {
            return Some("⟳ Syncing with the team…".into());
        }
        let job = self.work.as_ref()?;
        let p = job.progress();
        if job.is_cancelled() {
            return Some(format!("⟳ {}… stopping", p.word));
        }
        let stop = self.cancel_key().map(|k| format!(" · {k} cancels")).unwrap_or_default();
        Some(format!("⟳ {}… {:.0}%{stop}", p.word, p.fraction * 100.0))
    }

    /// The key that stops a running task, as the keymap has it.
    fn cancel_key(&self) -> Option<String> {
        self.keymap.key_for(Context::Global, &Action::CancelTask).map(|k| k.to_string())
    }
}

/// The folder assay was started from, in full: where reports go unless the config says otherwise.
pub fn default_reports_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}
