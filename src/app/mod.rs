//! The state machine: [`App`] is the model, [`Action`] the messages, [`App::update`] the only place state changes.

pub(crate) mod clipboard;
mod closed;
pub mod layout;
pub mod lookup;
pub mod pane;
pub mod panes;
mod reports;
mod router;
mod session;
mod team;
mod undo;
pub use panes::{Tab, scorecard, workflow};

pub use crate::keys::{action, keymap};
pub use crate::widgets::table_view::DrawnRows;
pub use crate::widgets::toast::Toast;
pub use crate::widgets::{form, input, picker, table};
pub use layout::{MIN_SIZE, list_rows};

use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use strum::IntoEnumIterator;

pub use action::Action;
pub use keymap::{Context, Key, Keymap};
pub use panes::assets::{AssetPane, AssetView, QuickFilter};
pub use panes::risks::{RISK_STRIP, RiskFocus, RiskPane, risk_rows};
pub use panes::vetting::{VetView, VettingPane};
pub use panes::{engagements::EngagementsPane, overview::OverviewPane, workflow::WorkflowPane};
pub use picker::Picker;
pub use reports::Outcome;
pub use team::{ConflictRow, Conflicts, NOT_A_TEAM};

use crate::store::{Store, Table};
use crate::theme::Theme;
use crate::widgets::editor::Edit;
use form::Form;
use lookup::Lookup;
use pane::{Intent, Pane, Session};

/// What a yes in the open dialog does.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    Quit,
    /// Esc on a changed form: yes discards it, the save key saves it, no goes back to it.
    DiscardForm,
    /// A question of a pane: a yes goes to that pane.
    Pane(Intent),
}

/// A yes/no question.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub title: String,
    pub message: String,
    pub pending: Pending,
    /// What to go back to on a "no" (the form whose quit was asked about).
    pub back: Option<Box<Overlay>>,
}

/// What sits on top of the pane, taking the keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    Help { scroll: usize },
    Form(Box<Form<Intent>>),
    Confirm(Confirm),
    Lookup(Box<Lookup>),
    History(History),
    Detail(Detail),
    Picker(Picker<Intent>),
    Conflicts(Conflicts),
}

/// A record shown whole, read only: its fields as (label, value) pairs. `e` edits it on its tab, `H` shows its
/// history.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub title: String,
    /// The tab whose pane edits it (its selection is the record).
    pub tab: Tab,
    /// The record, for its history.
    pub record: Option<(Table, i64)>,
    pub lines: Vec<(String, String)>,
    pub scroll: usize,
}

impl Detail {
    /// The lines as drawn `width` columns wide: each value wrapped beside its label, for the scroll's bound.
    pub fn wrapped(&self, width: usize) -> Vec<(String, String)> {
        let label_w = layout::DETAIL_LABEL_W;
        let value_w = width.saturating_sub(label_w + 2).max(10);
        let mut out = Vec::new();
        for (label, value) in &self.lines {
            if label.is_empty() && value.is_empty() {
                out.push((String::new(), String::new()));
                continue;
            }
            for (i, part) in value.split('\n').flat_map(|l| crate::text::wrap(l, value_w)).enumerate() {
                out.push((if i == 0 { label.clone() } else { String::new() }, part));
            }
        }
        out
    }
}

/// The recorded changes of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub title: String,
    pub entries: Vec<crate::store::history::Entry>,
    pub scroll: usize,
}

impl History {
    /// Each entry's description wrapped to `width` columns: a reason recorded with a change is read whole.
    pub fn wrapped(&self, width: usize) -> Vec<Vec<String>> {
        self.entries.iter().map(|e| crate::text::wrap(&e.describe(), width)).collect()
    }
}

/// The whole state of the workbench.
pub struct App {
    pub store: Store,
    pub keymap: Keymap,
    pub theme: Theme,
    pub today: NaiveDate,
    pub tab: Tab,
    pub overlay: Option<Overlay>,
    pub toast: Option<Toast>,
    /// The engagements, the current one and its figures: what every pane may read.
    pub session: Session,
    /// The panes built as components, each on its tab.
    panes: Vec<(Tab, Box<dyn Pane>)>,
    /// Panes whose data changed while they were not loaded (lazy panes): they reload when shown.
    stale: Vec<Tab>,
    /// When the last edit was committed (local time, for the status line).
    pub last_saved: Option<String>,
    pub size: (u16, u16),
    pub should_quit: bool,
    /// The rows of the lists drawn in the last frame (see [`App::note_drawn`]), so that a click finds its row.
    pub drawn: Vec<DrawnRows>,
    /// Where the report and export keys write (the config's `reports_dir`, or the folder assay was started from).
    pub reports_dir: std::path::PathBuf,
    /// The long task running off the event loop, if any (see `reports.rs`).
    pub work: Option<crate::worker::Job<Outcome>>,
    /// Text to put on the clipboard: the event loop takes it and writes it to the terminal (OSC 52), which is the
    /// only place that may write to it.
    pub clipboard: Option<String>,
    /// How dates are shown and typed (the config's `date_format`).
    pub dates: crate::domain::DateStyle,
    /// The largest evidence file stored, in bytes (the config's `evidence_max_mb`).
    pub evidence_limit: u64,
    /// The team's state for the status line, None when the workspace is not part of a team (see `team.rs`).
    pub team: Option<crate::store::team_status::TeamStatus>,
    /// The store's commits when the team's state was last read.
    team_seen: u64,
    /// The sync key was pressed: the sync runs once a frame says so.
    sync_pending: bool,
}

/// How long a message stays, in ticks of a quarter second.
const TOAST_TICKS: u16 = 16;

impl App {
    /// The workbench over `store`, everything read: [`App::opening`], then [`App::finish_opening`].
    pub fn new(store: Store, keymap: Keymap, theme: Theme, today: NaiveDate) -> color_eyre::Result<App> {
        let mut app = App::opening(store, keymap, theme, today)?;
        app.finish_opening()?;
        Ok(app)
    }

    /// The workbench over `store` with what its first frame shows read: the engagement it opens on (the one last
    /// open while it exists, else the one changed last) and its overview. The list of engagements then holds that one
    /// alone, so that the first frame waits on no more than one engagement whatever the workspace holds (the list is
    /// not drawn on the Overview); [`App::finish_opening`] reads the rest of it, and must come before any key is
    /// handled.
    pub fn opening(store: Store, keymap: Keymap, theme: Theme, today: NaiveDate) -> color_eyre::Result<App> {
        let mut app = App {
            store,
            keymap,
            theme,
            today,
            tab: Tab::Engagements,
            overlay: None,
            toast: None,
            session: Session::default(),
            panes: panes::registry(),
            stale: Vec::new(),
            last_saved: None,
            size: (120, 40),
            should_quit: false,
            reports_dir: reports::default_reports_dir(),
            drawn: Vec::new(),
            work: None,
            clipboard: None,
            dates: crate::domain::DateStyle::Iso,
            evidence_limit: crate::store::evidence::DEFAULT_MAX_MB * crate::store::evidence::MB,
            team: None,
            team_seen: 0,
            sync_pending: false,
        };
        app.store.start_undo_session();
        if let Some(id) = crate::store::engagements::shown_first(app.store.conn())? {
            app.load_current(id)?;
            app.session.engagements.extend(app.session.current.clone());
            app.tab = Tab::Overview;
        }
        app.resize(app.size.0, app.size.1);
        app.refresh_team();
        Ok(app)
    }

    /// Reads the whole list of engagements, after [`App::opening`] (the Engagements pane lists them again).
    pub fn finish_opening(&mut self) -> color_eyre::Result<()> {
        self.reload_engagements()
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.overlay {
            Some(Overlay::Help { .. }) => Context::Help,
            Some(Overlay::Form(_)) => Context::Form,
            Some(Overlay::Confirm(_)) => Context::Confirm,
            Some(Overlay::Lookup(l)) if l.detail.is_some() => Context::LookupDetail,
            Some(Overlay::Lookup(_)) => Context::Lookup,
            Some(Overlay::History(_)) => Context::History,
            Some(Overlay::Conflicts(_)) => Context::Conflicts,
            Some(Overlay::Detail(_)) => Context::Detail,
            Some(Overlay::Picker(_)) => Context::Picker,
            None if self.session.engagements.is_empty() => Context::Start,
            None => self.pane_ref(self.tab).map_or(Context::Start, |p| p.context()),
        }
    }

    /// Maps a key press to an action: the context's own bindings first, then typing (in text contexts), then the
    /// global bindings (not under a dialog, and only non-printable keys while typing).
    pub fn action_for_key(&self, ev: KeyEvent) -> Option<Action> {
        let key = Key::from_event(ev);
        if self.too_small() {
            // Nothing is drawn but the too-small notice: keys must not reach the hidden pane or form. `q` quits,
            // as the notice says, and so do the global quit keys.
            let quits = key.printable() == Some('q') || self.keymap.lookup(Context::Global, key) == Some(&Action::Quit);
            return quits.then_some(Action::Quit);
        }
        let ctx = self.context();
        if let Some(a) = self.keymap.lookup(ctx, key) {
            return Some(a.clone());
        }
        if ctx.takes_text()
            && let Some(c) = key.printable()
        {
            return Some(Action::Char(c));
        }
        if ctx == Context::Confirm {
            return None;
        }
        self.keymap.lookup(Context::Global, key).cloned()
    }

    /// Applies an action. Returns a follow-up action, if any. Store failures become error messages on screen; the
    /// form that caused them stays open so nothing typed is lost.
    pub fn update(&mut self, action: Action) -> color_eyre::Result<Option<Action>> {
        let next = self.update_inner(action);
        self.note_writes();
        next
    }

    fn update_inner(&mut self, action: Action) -> color_eyre::Result<Option<Action>> {
        match action {
            Action::Tick => {
                if let Some(t) = &mut self.toast {
                    t.ticks_left = t.ticks_left.saturating_sub(1);
                    if t.ticks_left == 0 {
                        self.toast = None;
                    }
                }
                return Ok(None);
            }
            Action::Resize(w, h) => {
                self.resize(w, h);
                return Ok(None);
            }
            Action::Quit if self.too_small() => {
                self.should_quit = true;
                return Ok(None);
            }
            Action::Quit => {
                self.quit();
                return Ok(None);
            }
            // While the terminal is too small nothing but the notice shows: nothing else may act unseen.
            _ if self.too_small() => return Ok(None),
            // A paste goes whole to a form (a long text keeps its lines); anywhere else it is typed character by
            // character.
            Action::Paste(text) if !matches!(self.overlay, Some(Overlay::Form(_))) => {
                for c in text.chars() {
                    let mut next = self.update(Action::Char(c))?;
                    while let Some(a) = next {
                        next = self.update(a)?;
                    }
                }
                return Ok(None);
            }
            // While a long task runs, Esc stops it, unless a popup is open to take it.
            Action::CancelTask => {
                self.cancel_work();
                return Ok(None);
            }
            Action::Cancel if self.overlay.is_none() && self.work.is_some() => {
                self.cancel_work();
                return Ok(None);
            }
            Action::Copy => {
                self.copy();
                return Ok(None);
            }
            Action::Lookup => {
                match self.overlay.take() {
                    Some(Overlay::Lookup(l)) => self.overlay = Some(Overlay::Lookup(l)),
                    Some(Overlay::Confirm(c)) => self.overlay = Some(Overlay::Confirm(c)),
                    Some(Overlay::Form(f)) => self.open_lookup(Some(Overlay::Form(f)))?,
                    Some(Overlay::Picker(p)) => self.open_lookup(Some(Overlay::Picker(p)))?,
                    Some(Overlay::Help { .. } | Overlay::History(_) | Overlay::Detail(_) | Overlay::Conflicts(_))
                    | None => self.open_lookup(None)?,
                }
                return Ok(None);
            }
            // The team's conflicts and the sync, from anywhere (the start screen too: a laptop that just joined has
            // no engagement before its first sync).
            Action::Conflicts => {
                match self.overlay.take() {
                    Some(Overlay::Conflicts(_)) => {}
                    Some(o @ (Overlay::Form(_) | Overlay::Confirm(_) | Overlay::Lookup(_) | Overlay::Picker(_))) => {
                        self.overlay = Some(o)
                    }
                    Some(Overlay::Help { .. } | Overlay::History(_) | Overlay::Detail(_)) | None => {
                        self.open_conflicts()?
                    }
                }
                return Ok(None);
            }
            Action::Sync => {
                self.request_sync();
                return Ok(None);
            }
            _ => {}
        }
        match self.overlay.take() {
            Some(Overlay::Help { scroll }) => {
                self.overlay = self.update_help(scroll, &action);
                Ok(None)
            }
            Some(Overlay::Form(form)) => self.update_form(*form, action),
            Some(Overlay::Confirm(c)) => self.update_confirm(c, &action),
            Some(Overlay::Lookup(l))
                if matches!(action, Action::ToggleDone | Action::ToggleNa)
                    && self.session.current.as_ref().is_some_and(|e| e.status == closed::CLOSED) =>
            {
                let name = self.session.current.as_ref().map(|e| e.name.clone()).unwrap_or_default();
                self.toast_error(self.closed_message(&name));
                self.overlay = Some(Overlay::Lookup(l));
                Ok(None)
            }
            Some(Overlay::Lookup(l)) => self.update_lookup(*l, action).map(|()| None),
            Some(Overlay::History(mut h)) => {
                let page = usize::from(self.size.1.saturating_sub(8)).max(1);
                match action {
                    Action::Cancel | Action::History => return Ok(None),
                    Action::ScrollDown => h.scroll += 1,
                    Action::ScrollUp => h.scroll = h.scroll.saturating_sub(1),
                    Action::PageDown => h.scroll += page,
                    Action::PageUp => h.scroll = h.scroll.saturating_sub(page),
                    _ => {}
                }
                let lines: usize = h.wrapped(layout::history_text_width(self.size)).iter().map(Vec::len).sum();
                h.scroll = h.scroll.min(lines.saturating_sub(1));
                self.overlay = Some(Overlay::History(h));
                Ok(None)
            }
            Some(Overlay::Picker(p)) => self.update_picker(p, action).map(|()| None),
            Some(Overlay::Detail(d)) => self.update_detail(d, action),
            Some(Overlay::Conflicts(c)) => self.update_conflicts(c, action),
            None => self.update_pane(action),
        }
    }

    fn update_detail(&mut self, mut d: Detail, action: Action) -> color_eyre::Result<Option<Action>> {
        let page = usize::from(self.size.1.saturating_sub(8)).max(1);
        match action {
            Action::Cancel => return Ok(None),
            Action::Edit => {
                self.route(d.tab, Action::Edit);
                return Ok(None);
            }
            Action::History => {
                if let Some((table, id)) = d.record {
                    let entries = crate::store::history::for_row(self.store.conn(), table, id)?;
                    self.overlay = Some(Overlay::History(History { title: d.title, entries, scroll: 0 }));
                    return Ok(None);
                }
            }
            Action::ScrollDown => d.scroll += 1,
            Action::ScrollUp => d.scroll = d.scroll.saturating_sub(1),
            Action::PageDown => d.scroll += page,
            Action::PageUp => d.scroll = d.scroll.saturating_sub(page),
            _ => {}
        }
        let lines = d.wrapped(layout::detail_width(self.size)).len();
        d.scroll = d.scroll.min(lines.saturating_sub(1));
        self.overlay = Some(Overlay::Detail(d));
        Ok(None)
    }

    /// Takes where the lists' rows were drawn in the frame just rendered, for the next mouse click.
    pub fn note_drawn(&mut self) {
        self.drawn = crate::widgets::table_view::take_drawn();
    }

    /// Whether the terminal is below the smallest size the workbench draws in.
    pub fn too_small(&self) -> bool {
        self.size.0 < MIN_SIZE.0 || self.size.1 < MIN_SIZE.1
    }

    fn quit(&mut self) {
        match self.overlay.take() {
            Some(Overlay::Form(f)) if f.changed() => {
                let message = format!("“{}” has changes that are not saved. Quit and discard them?", f.title);
                self.overlay = Some(Overlay::Confirm(Confirm {
                    title: "Unsaved edit".into(),
                    message,
                    pending: Pending::Quit,
                    back: Some(Box::new(Overlay::Form(f))),
                }));
            }
            Some(Overlay::Confirm(c)) if c.pending == Pending::Quit => self.should_quit = true,
            _ => self.should_quit = true,
        }
    }

    /// Shows a message in the corner.
    pub fn toast(&mut self, text: impl Into<String>) {
        self.toast = Some(Toast { text: text.into(), error: false, ticks_left: TOAST_TICKS });
    }

    /// Shows an error in the corner; it stays twice as long.
    pub fn toast_error(&mut self, text: impl Into<String>) {
        self.toast = Some(Toast { text: text.into(), error: true, ticks_left: TOAST_TICKS * 2 });
    }

    /// Shows a message (an error when `error`) for `ticks` quarter seconds.
    fn toast_for(&mut self, text: impl Into<String>, error: bool, ticks: u16) {
        self.toast = Some(Toast { text: text.into(), error, ticks_left: ticks });
    }

    /// Notes that an edit was committed.
    fn saved(&mut self, what: &str) {
        let at = chrono::DateTime::parse_from_rfc3339(&self.store.now())
            .map(|t| t.with_timezone(&chrono::Local).format("%H:%M:%S").to_string())
            .unwrap_or_default();
        self.last_saved = Some(at);
        self.toast(what.to_string());
    }

    fn resize(&mut self, w: u16, h: u16) {
        self.size = (w, h);
        if let Some(Overlay::Lookup(l)) = &mut self.overlay {
            l.cursor.set_height(layout::lookup_rows((w, h)));
        }
        if let Some(Overlay::Picker(p)) = &mut self.overlay {
            p.cursor.set_height(picker::picker_rows(h));
        }
        for (_, p) in &mut self.panes {
            p.resize((w, h));
        }
    }

    /// The furthest the help scrolls: its last line at the bottom of the popup (the body less its borders).
    fn help_max_scroll(&self) -> usize {
        self.keymap.help_len().saturating_sub(usize::from(self.size.1.saturating_sub(4)))
    }

    fn update_help(&mut self, scroll: usize, action: &Action) -> Option<Overlay> {
        let page = usize::from(self.size.1.saturating_sub(6)).max(1);
        let max = self.help_max_scroll();
        match action {
            Action::Cancel | Action::Help => None,
            Action::ScrollDown => Some(Overlay::Help { scroll: (scroll + 1).min(max) }),
            Action::ScrollUp => Some(Overlay::Help { scroll: scroll.saturating_sub(1) }),
            Action::PageDown => Some(Overlay::Help { scroll: (scroll + page).min(max) }),
            Action::PageUp => Some(Overlay::Help { scroll: scroll.saturating_sub(page) }),
            _ => Some(Overlay::Help { scroll }),
        }
    }

    fn update_confirm(&mut self, c: Confirm, action: &Action) -> color_eyre::Result<Option<Action>> {
        match action {
            // Save from the question Esc asked about a changed form: back to the form, and save it.
            Action::Submit if c.pending == Pending::DiscardForm => {
                self.overlay = c.back.map(|b| *b);
                return Ok(Some(Action::SaveForm));
            }
            Action::ConfirmYes => match c.pending {
                Pending::Quit => self.should_quit = true,
                Pending::DiscardForm => {}
                Pending::Pane(intent) => {
                    if let Some(Err(e)) = self.with_pane(intent.tab, |p, cx| p.confirmed(&intent, cx)) {
                        self.toast_error(format!("{e}"));
                    }
                }
            },
            Action::ConfirmNo | Action::Cancel => self.overlay = c.back.map(|b| *b),
            _ => self.overlay = Some(Overlay::Confirm(c)),
        }
        Ok(None)
    }

    fn update_form(&mut self, mut form: Form<Intent>, action: Action) -> color_eyre::Result<Option<Action>> {
        // Names offered under the field: ↓ ↑ choose one, Enter takes it, Esc lets go of it; anything else (typing
        // on) lets go of it too and keeps the text typed.
        let choosing = matches!(action, Action::LineDown | Action::LineUp);
        match action {
            Action::LineDown if form.pick_down() => {}
            Action::LineUp if form.pick_up() => {}
            Action::Submit if form.take_pick() => {}
            Action::Cancel if form.drop_pick() => {}
            Action::Cancel if form.changed() => {
                let message = format!("“{}” has changes that are not saved.", form.title);
                self.overlay = Some(Overlay::Confirm(Confirm {
                    title: "Unsaved changes".into(),
                    message,
                    pending: Pending::DiscardForm,
                    back: Some(Box::new(Overlay::Form(Box::new(form)))),
                }));
                return Ok(None);
            }
            Action::Cancel => return Ok(None),
            // Enter makes a new line in a multi-line field; the save key saves from any field.
            Action::Submit if form.newline() => {}
            Action::Submit | Action::SaveForm => {
                let Some(values) = form.validate(self.today) else {
                    self.overlay = Some(Overlay::Form(Box::new(form)));
                    return Ok(None);
                };
                self.save_pane_form(form, values);
                return Ok(None);
            }
            // Tab in a path field completes it while the files and folders it could name agree.
            Action::NextField if form.complete_path() => {}
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::LineDown if !form.line_down() => form.next_field(),
            Action::LineUp if !form.line_up() => form.prev_field(),
            Action::CursorLeft => form.left(),
            Action::CursorRight => form.right(),
            Action::CursorHome => form.apply(Edit::Home),
            Action::CursorEnd => form.apply(Edit::End),
            Action::WordLeft => form.apply(Edit::WordLeft),
            Action::WordRight => form.apply(Edit::WordRight),
            Action::Backspace => form.apply(Edit::Backspace),
            Action::DeleteChar => form.apply(Edit::Delete),
            Action::DeleteWord => form.apply(Edit::DeleteWord),
            Action::DeleteToStart => form.apply(Edit::DeleteToStart),
            Action::ClearField => form.apply(Edit::Clear),
            Action::Char(c) => form.type_char(c),
            Action::Paste(text) => form.paste(&text),
            Action::Help => {
                // Help over a form would hide it; the form's keys are in the status line.
                let key = |a: &Action| self.keymap.key_for(Context::Form, a).map(|k| k.to_string()).unwrap_or_default();
                let text = format!(
                    "{}/↑↓ move between fields · {} saves (a new line in a long text) · {} saves from any field · \
                     {} cancels",
                    key(&Action::NextField),
                    key(&Action::Submit),
                    key(&Action::SaveForm),
                    key(&Action::Cancel)
                );
                self.toast(text);
            }
            _ => {}
        }
        if !choosing {
            form.pick = None;
            form.refresh_paths();
        }
        self.overlay = Some(Overlay::Form(Box::new(form)));
        Ok(None)
    }

    fn update_pane(&mut self, action: Action) -> color_eyre::Result<Option<Action>> {
        match action {
            // A popup the user asks for takes the corner's message away with it: it has been read.
            Action::Help => {
                self.toast = None;
                // Open at the keys of where the user is; the global ones are a scroll away.
                let scroll = self.keymap.help_line(self.context()).min(self.help_max_scroll());
                self.overlay = Some(Overlay::Help { scroll });
                return Ok(None);
            }
            Action::Click(x, y) => self.click(x, y)?,
            Action::History => {
                self.toast = None;
                self.open_history()?
            }
            Action::NextTab => self.goto_tab_index(self.tab as usize + 1, true),
            Action::PrevTab => {
                self.goto_tab_index((self.tab as usize + Tab::iter().count() - 1) % Tab::iter().count(), true)
            }
            Action::Tab1 => self.goto_tab_index(0, false),
            Action::Tab2 => self.goto_tab_index(1, false),
            Action::Tab3 => self.goto_tab_index(2, false),
            Action::Tab4 => self.goto_tab_index(3, false),
            Action::Tab5 => self.goto_tab_index(4, false),
            Action::Tab6 => self.goto_tab_index(5, false),
            Action::Tab7 => self.goto_tab_index(6, false),
            Action::NewEngagement => self.route(Tab::Engagements, Action::NewEngagement),
            Action::Undo => self.undo(false)?,
            // A journal entry or an evidence file from anywhere, about what the cursor is on; the Overview keeps
            // both.
            Action::JournalEntry | Action::AttachEvidence => match self.session.current.as_ref() {
                Some(e) if e.status == closed::CLOSED => {
                    let message = self.closed_message(&e.name.clone());
                    self.toast_error(message);
                }
                Some(_) => {
                    // Only these actions need the record under the cursor: it is read here, not for every pane call.
                    let link = self.selected_record();
                    if let Some(Err(e)) = self.with_pane(Tab::Overview, |p, cx| {
                        cx.selected = link;
                        p.update(action, cx)
                    }) {
                        self.toast_error(format!("{e}"));
                    }
                }
                None => self.toast("Open or create an engagement first"),
            },
            Action::Redo => self.undo(true)?,
            ref other if self.refuse_if_closed(other) => {}
            Action::Reopen => self.route(Tab::Engagements, Action::Reopen),
            // The start screen (no engagement yet) has only the global keys.
            _ if self.session.engagements.is_empty() => {}
            other => self.route(self.tab, other),
        }
        Ok(None)
    }

    /// The record the cursor is on, for its history: (table, id, what to call it).
    pub fn selected_record(&self) -> Option<(Table, i64, String)> {
        if self.overlay.is_some() || self.session.engagements.is_empty() {
            return None;
        }
        self.pane_ref(self.tab)?.selected_record(&self.session)
    }

    fn open_history(&mut self) -> color_eyre::Result<()> {
        match self.selected_record() {
            Some((table, id, title)) => {
                let entries = crate::store::history::for_row(self.store.conn(), table, id)?;
                self.overlay = Some(Overlay::History(History { title, entries, scroll: 0 }));
            }
            None => self.toast("Select a record to see its history"),
        }
        Ok(())
    }

    /// A left click: on a tab title it opens the tab; on a list row it selects it (a second click opens it).
    fn click(&mut self, x: u16, y: u16) -> color_eyre::Result<()> {
        if y == 0 {
            if let Some((tab, _, _)) =
                layout::tab_spans(self.size.0, &self.tab_titles()).into_iter().find(|(_, a, b)| (*a..*b).contains(&x))
            {
                self.goto_tab_index(tab as usize, false);
            }
            return Ok(());
        }
        self.click_row(x, y)
    }

    /// A click on a row of the list on screen selects it (and, in a grid, the column); a click on the row (and
    /// column) already selected does what Enter does there.
    fn click_row(&mut self, x: u16, y: u16) -> color_eyre::Result<()> {
        let at = ratatui::layout::Position { x, y };
        let Some(drawn) = self.drawn.iter().find(|d| d.rows.contains(at)).cloned() else { return Ok(()) };
        let i = drawn.offset + usize::from(y - drawn.rows.y);
        let col = drawn.cols.iter().position(|&(a, w)| (a..a + w).contains(&x));
        let ctx = self.context();
        if ctx == Context::Start {
            return Ok(());
        }
        let again = self.pane_mut(self.tab).is_some_and(|p| p.click(&drawn, i, col));
        if again {
            let enter = Key { code: ratatui::crossterm::event::KeyCode::Enter, ctrl: false, alt: false };
            if let Some(action) = self.keymap.lookup(ctx, enter).cloned() {
                return self.update_pane(action).map(|_| ());
            }
        }
        Ok(())
    }

    fn goto_tab_index(&mut self, i: usize, wrap: bool) {
        let count = Tab::iter().count();
        let i = if wrap { i % count } else { i };
        let Some(tab) = Tab::from_repr(i) else { return };
        if self.pane_ref(tab).is_some_and(|p| p.needs_engagement()) && self.session.current.is_none() {
            self.toast("Open or create an engagement first");
            return;
        }
        if let Some(p) = self.pane_mut(self.tab) {
            p.leave();
        }
        self.tab = tab;
        self.load_if_stale(tab);
    }
}
