//! A progress bar on stderr for commands that can take a while (`verify`, team work on a large register): shown
//! only on a terminal and only once the work has taken half a second (`ASSAY_PROGRESS_AFTER_MS` sets another
//! wait), redrawn at most ten times a second, and cleared before the command prints its result.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One bar: what is being done, and how far.
pub struct Bar {
    started: Instant,
    after: Duration,
    shown: bool,
    last: Instant,
    what: String,
    /// The width of the line last drawn, wiped by the next.
    width: usize,
}

impl Default for Bar {
    fn default() -> Bar {
        Bar::new()
    }
}

impl Bar {
    pub fn new() -> Bar {
        let after = std::env::var("ASSAY_PROGRESS_AFTER_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(500);
        Bar {
            started: Instant::now(),
            after: Duration::from_millis(after),
            shown: false,
            last: Instant::now(),
            what: String::new(),
            width: 0,
        }
    }

    /// Shows `done` of `total` under `what` (`total` 0: a step without a count, named only).
    pub fn show(&mut self, what: &str, done: u64, total: u64) {
        if self.started.elapsed() < self.after || !crate::visible::stderr_is_terminal() {
            return;
        }
        let new_step = what != self.what;
        if self.shown && !new_step && self.last.elapsed() < Duration::from_millis(100) && done < total {
            return;
        }
        self.shown = true;
        self.last = Instant::now();
        if new_step {
            self.what = what.to_string();
        }
        let width = 30u64;
        let line = if let Some(filled) = (done.min(total) * width).checked_div(total) {
            let filled = filled as usize;
            format!(
                "{what} [{}{}] {:>3}%",
                "#".repeat(filled),
                " ".repeat(width as usize - filled),
                done.min(total) * 100 / total
            )
        } else {
            format!("{what}…")
        };
        // The line before is wiped whole: a step's name may be shorter than the last one's.
        let width = line.chars().count();
        let pad = " ".repeat(self.width.saturating_sub(width));
        crate::visible::progress_line(&format!("{line}{pad}"), false);
        self.width = width;
    }

    /// Takes the bar off the screen, if it was shown.
    pub fn clear(&mut self) {
        if self.shown {
            crate::visible::progress_line(&" ".repeat(self.width), false);
            crate::visible::progress_line("", false);
            self.shown = false;
            self.width = 0;
        }
    }
}

/// The bar team work reports to (see [`crate::team::report_progress_to`]): one for the process, as a command runs
/// one team step at a time.
static TEAM: Mutex<Option<Bar>> = Mutex::new(None);

/// What team work reports, drawn on the team's bar.
pub fn team_step(what: &str, done: usize, total: usize) {
    if let Ok(mut bar) = TEAM.lock() {
        bar.get_or_insert_with(Bar::new).show(what, done as u64, total as u64);
    }
}

/// Takes the team's bar off the screen before the command says what it did.
pub fn team_done() {
    if let Ok(mut bar) = TEAM.lock()
        && let Some(b) = bar.as_mut()
    {
        b.clear();
    }
}
