//! Team work in the workbench: the team's state in the status line, the Conflicts view, and the sync key.
//!
//! The state is read once at start (one query, see `store::team_status`) and again after every write the
//! workbench commits, every review and every sync — never while drawing. The sync runs on the workbench's own
//! connection (the workbench holds the workspace lock, so `assay sync` from a shell is refused meanwhile): the key
//! asks for it, the event loop draws a frame that says so and then runs it ([`App::run_pending_sync`]), and what it
//! said stays on screen.

use std::path::Path;

use color_eyre::Result;

use super::{Action, App, Context, Overlay, Tab, layout};
use crate::team::FlipError;

/// What the sync key and the Conflicts view say on a workspace that is not bound to a team.
pub const NOT_A_TEAM: &str = "This workspace is not part of a team: assay team init or join";

/// How long the outcome of a sync stays, in ticks of a quarter second: long enough to be read whole.
const SYNC_TICKS: u16 = 48;

/// One conflict as the view lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictRow {
    pub id: i64,
    /// When the merge made it (RFC 3339, UTC).
    pub at: String,
    /// What happened, in a line (see `team::describe`).
    pub text: String,
    pub reviewed: bool,
}

/// The conflicts merges resolved, newest first, with a cursor.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflicts {
    /// False when the workspace is not part of a team (the view says how to join one).
    pub bound: bool,
    /// The reviewed conflicts are listed too.
    pub all: bool,
    pub rows: Vec<ConflictRow>,
    pub selected: usize,
    /// The first line shown, of the rows as wrapped.
    pub scroll: usize,
}

impl Conflicts {
    /// Each conflict's description wrapped to `width` columns: a long one is read whole.
    pub fn wrapped(&self, width: usize) -> Vec<Vec<String>> {
        self.rows.iter().map(|r| crate::text::wrap(&r.text, width)).collect()
    }

    /// The lines row `i` takes, as (first, past the last), at `width` columns.
    fn span(&self, width: usize, i: usize) -> (usize, usize) {
        let lines: Vec<usize> = self.wrapped(width).iter().map(|l| l.len().max(1)).collect();
        let first: usize = lines.iter().take(i).sum();
        (first, first + lines.get(i).copied().unwrap_or(0))
    }

    fn last(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }
}

impl App {
    /// Reads the team's state again (one query); None when the workspace is not part of a team.
    pub(super) fn refresh_team(&mut self) {
        self.team_seen = self.store.commits();
        self.team = crate::store::team_status::status(self.store.conn()).ok().flatten();
    }

    /// After an action: the team's state again when it wrote. Only on a bound workspace: no binding can appear
    /// while the workbench holds the workspace.
    pub(super) fn note_writes(&mut self) {
        if self.team.is_some() && self.store.commits() != self.team_seen {
            self.refresh_team();
        }
    }

    /// The team's state for the status line, as a long and a short span; None when the workspace is not part of
    /// a team.
    pub fn team_line(&self) -> Option<(String, String)> {
        let t = self.team.as_ref()?;
        let mut parts = Vec::new();
        if t.conflicts > 0 {
            parts.push(crate::domain::count(t.conflicts, "conflict", "conflicts"));
        }
        if t.to_share > 0 {
            parts.push(format!("{} to share", t.to_share));
        }
        let outcome = t.last_outcome.as_deref().unwrap_or_default();
        if outcome.starts_with("not shared") {
            parts.push("not shared (out of reach)".into());
        } else if outcome.starts_with("not admitted") {
            parts.push("not admitted yet".into());
        } else if parts.is_empty() {
            parts.push(match t.last_sync.as_deref().and_then(|at| self.local_time(at)) {
                Some(at) => format!("synced {at}"),
                None => "never synced".into(),
            });
        }
        let long = format!("· team: {} ", parts.join(", "));
        let short = format!("· team: {} ", parts[0]);
        Some((long, short))
    }

    /// A stored time (RFC 3339) as the local time of day, or the local date when it is not today.
    fn local_time(&self, at: &str) -> Option<String> {
        let t = chrono::DateTime::parse_from_rfc3339(at).ok()?.with_timezone(&chrono::Local);
        Some(if t.date_naive() == chrono::Local::now().date_naive() {
            t.format("%H:%M").to_string()
        } else {
            self.dates.show(&t.format("%Y-%m-%d").to_string())
        })
    }

    /// Opens the Conflicts view: the conflicts not reviewed yet, newest first.
    pub(super) fn open_conflicts(&mut self) -> Result<()> {
        self.toast = None;
        let mut c = Conflicts { bound: false, all: false, rows: Vec::new(), selected: 0, scroll: 0 };
        self.load_conflicts(&mut c)?;
        self.overlay = Some(Overlay::Conflicts(c));
        Ok(())
    }

    /// Reads the view's conflicts again (and the team's state, whose count they are), keeping the cursor's place.
    fn load_conflicts(&mut self, c: &mut Conflicts) -> Result<()> {
        self.refresh_team();
        c.bound = self.team.is_some();
        c.rows = if c.bound {
            let conn = self.store.conn();
            crate::store::team::conflicts(conn, c.all)?
                .iter()
                .map(|x| {
                    // The description starts with the conflict's id, aligned for a terminal: here it is marked as
                    // the number the shell's `assay team conflicts --flip` takes.
                    let said = crate::team::describe(conn, x);
                    let rest = said.trim_start().strip_prefix(&x.id.to_string()).map_or(said.as_str(), str::trim_start);
                    ConflictRow { id: x.id, at: x.at.clone(), text: format!("#{} {rest}", x.id), reviewed: x.reviewed }
                })
                .collect()
        } else {
            Vec::new()
        };
        c.selected = c.selected.min(c.last());
        self.keep_in_view(c);
        Ok(())
    }

    /// Scrolls the view so that the selected conflict is on screen, whole when it fits.
    fn keep_in_view(&self, c: &mut Conflicts) {
        let message =
            self.toast.as_ref().map_or(0, |t| crate::widgets::toast::lines(t, self.size.0, self.size.1 / 3).len());
        let rows = layout::conflict_rows(self.size, message);
        let (first, end) = c.span(layout::conflict_text_width(self.size), c.selected);
        if end > c.scroll + rows {
            c.scroll = end - rows;
        }
        c.scroll = c.scroll.min(first);
    }

    /// Keys in the Conflicts view.
    pub(super) fn update_conflicts(&mut self, mut c: Conflicts, action: Action) -> Result<Option<Action>> {
        let page = layout::conflict_rows(self.size, 0).saturating_sub(1).max(1);
        match action {
            Action::Cancel => return Ok(None),
            Action::NextRow | Action::ScrollDown => c.selected = (c.selected + 1).min(c.last()),
            Action::PrevRow | Action::ScrollUp => c.selected = c.selected.saturating_sub(1),
            Action::FirstRow => c.selected = 0,
            Action::LastRow => c.selected = c.last(),
            Action::PageDown => c.selected = (c.selected + page).min(c.last()),
            Action::PageUp => c.selected = c.selected.saturating_sub(page),
            Action::FlipConflict => self.flip_selected(&mut c)?,
            Action::MarkReviewed => self.review_selected(&mut c)?,
            Action::ShowReviewed => {
                c.all = !c.all;
                self.load_conflicts(&mut c)?;
            }
            _ => {}
        }
        self.keep_in_view(&mut c);
        self.overlay = Some(Overlay::Conflicts(c));
        Ok(None)
    }

    /// Takes the value the merge set aside for the selected conflict (a write through the write path, shared at
    /// the next sync), then reads the panes and the list again.
    fn flip_selected(&mut self, c: &mut Conflicts) -> Result<()> {
        let Some(id) = c.rows.get(c.selected).map(|r| r.id) else { return Ok(()) };
        match crate::team::flip(&mut self.store, id) {
            Ok(said) => match self.reload_all() {
                Ok(()) => self.saved(&format!("Conflict {}", said.trim_start_matches("conflict "))),
                Err(e) => self.toast_error(format!("Flipped, but the screen could not be brought up to date: {e}")),
            },
            Err(FlipError::NoSuch) => self.toast_error(format!("Conflict {id} is no longer there")),
            Err(FlipError::NotAField) => {
                let key = self.key_in_view(&Action::MarkReviewed);
                self.toast_error(format!(
                    "Conflict {id} is not about one field's value: there is nothing to flip to ({key} marks it \
                     reviewed)"
                ))
            }
            Err(FlipError::Gone) => {
                self.toast_error(format!("Conflict {id}: the record is no longer here; nothing was changed"))
            }
            Err(FlipError::Failed(e)) => self.toast_error(format!("Conflict {id} not flipped: {e}")),
        }
        self.load_conflicts(c)
    }

    /// Marks the selected conflict reviewed; it leaves the list unless the reviewed ones are shown.
    fn review_selected(&mut self, c: &mut Conflicts) -> Result<()> {
        let Some(id) = c.rows.get(c.selected).map(|r| r.id) else { return Ok(()) };
        if crate::store::team::mark_reviewed(self.store.conn(), id)? {
            self.toast(format!("Conflict {id} marked reviewed"));
        }
        self.load_conflicts(c)
    }

    /// The key of an action of the Conflicts view, as the keymap has it.
    fn key_in_view(&self, action: &Action) -> String {
        self.keymap.key_for(Context::Conflicts, action).map(|k| k.to_string()).unwrap_or_else(|| "?".into())
    }

    /// The sync key: refused, with the reason, on a workspace that is not part of a team, over an edit not saved,
    /// and while a long task reads the workspace; otherwise asked for, to run once a frame says so.
    pub(super) fn request_sync(&mut self) {
        self.refresh_team();
        if self.team.is_none() {
            self.toast(NOT_A_TEAM);
            return;
        }
        let form = match &self.overlay {
            Some(Overlay::Form(f)) => Some(f.as_ref()),
            Some(Overlay::Lookup(l)) => match l.back.as_deref() {
                Some(Overlay::Form(f)) => Some(f.as_ref()),
                _ => None,
            },
            _ => None,
        };
        if let Some(f) = form.filter(|f| f.changed()) {
            let message = format!(
                "Not synced: “{}” has changes that are not saved. Save or cancel it first: the sync may change the \
                 record it edits",
                f.title
            );
            self.toast_error(message);
            return;
        }
        if let Some(job) = &self.work {
            let message = format!("Not synced: {} is still under way; sync once it ends", job.progress().word);
            self.toast_error(message);
            return;
        }
        if self.store.path().is_none() {
            self.toast_error("This workspace is held in memory: there is nothing to sync it from");
            return;
        }
        // What is open over the panes may show what the sync changes (an unchanged form, a record read whole): only
        // the help and the Conflicts view, which is read again afterwards, stay.
        if !matches!(self.overlay, None | Some(Overlay::Help { .. } | Overlay::Conflicts(_))) {
            self.overlay = None;
        }
        self.toast = None;
        self.sync_pending = true;
    }

    /// Whether a sync was asked for and waits for its frame (the status line says so).
    pub fn sync_pending(&self) -> bool {
        self.sync_pending
    }

    /// Runs the sync the sync key asked for, once a frame saying so is on screen: true when one ran. It holds the
    /// workbench until the sync ends, then reads the panes and the team's state again and shows what it said.
    pub fn run_pending_sync(&mut self) -> bool {
        if !std::mem::take(&mut self.sync_pending) {
            return false;
        }
        let Some(path) = self.store.path().map(Path::to_path_buf) else { return true };
        let before = self.store.commits();
        let outcome = crate::team::sync(&mut self.store, &path);
        let wrote = self.store.commits() != before;
        if wrote {
            // The team's records were written under this session's changes: undoing one of those now could take a
            // colleague's work back.
            self.store.forget_undo("the sync with the team");
        }
        let refreshed = if wrote { self.after_sync() } else { Ok(()) };
        self.refresh_team();
        if let Some(Overlay::Conflicts(mut c)) = self.overlay.take() {
            if let Err(e) = self.load_conflicts(&mut c) {
                self.toast_error(format!("{e}"));
            }
            self.overlay = Some(Overlay::Conflicts(c));
        }
        let (text, error) = match outcome {
            Ok(report) => {
                let last = report.lines.last().cloned().unwrap_or_else(|| "synced".into());
                let key = self.keymap.key_for(Context::Global, &Action::Conflicts).map(|k| k.to_string());
                match key {
                    Some(k) if report.conflicts > 0 => (format!("{last} · {k} shows them"), false),
                    _ => (last, !report.shared),
                }
            }
            Err(e) => (format!("Not synced: {e}"), true),
        };
        self.toast_for(text, error, SYNC_TICKS);
        if let Err(e) = refreshed {
            self.toast_error(format!("Synced, but the screen could not be brought up to date: {e}"));
        }
        true
    }

    /// Reads everything again after a sync wrote: the engagement open stays open if it is still there; otherwise
    /// the first one opens (a laptop that just joined gets its first engagements at its first sync).
    fn after_sync(&mut self) -> Result<()> {
        let before = self.session.current_id();
        self.reload_engagements()?;
        let exists = |id: &i64| self.session.engagements.iter().any(|e| e.id == *id);
        let open = before.filter(exists).or_else(|| self.session.engagements.first().map(|e| e.id));
        match open {
            Some(id) if Some(id) == before => {
                self.load_session(id)?;
                self.load_panes(None)?;
            }
            Some(id) => {
                self.load_current(id)?;
                self.tab = Tab::Overview;
            }
            None => {
                self.clear_session()?;
                self.tab = Tab::Engagements;
            }
        }
        Ok(())
    }
}
