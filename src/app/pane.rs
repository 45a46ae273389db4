//! The contract between [`App`](super::App), the router, and each tab's pane.
//!
//! A pane owns its state, its keys, its forms and dialogs (as its own enums, carried opaquely in an [`Intent`]) and
//! its drawing. It never touches `App`: it reads and writes through a [`Cx`], and asks for everything else — a
//! message, a form, a dialog, another tab, a reload of what others show — by pushing an [`Effect`] that `App` applies
//! in one place once the pane returns.

use std::any::Any;
use std::fmt::Debug;
use std::path::Path;

use chrono::NaiveDate;
use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::{Confirm, Pending, Tab};
use crate::domain::risk::RegisterFigures;
use crate::domain::{Engagement, EngagementSummary, FieldSpec, Value};
use crate::keys::{Action, Context, Keymap};
use crate::store::{Store, Table, journal::Entry};
use crate::theme::Theme;
use crate::widgets::form::Form;
use crate::widgets::picker::{PickItem, Picker};
use crate::widgets::table::TableCursor;
use crate::widgets::table_view::DrawnRows;
use crate::worker::Control;

/// The values of a validated form, by field key.
pub type Values = [(&'static str, Value)];

/// What the open engagement is, for every pane: the list of engagements, the current one and its figures.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// Every engagement, in list order.
    pub engagements: Vec<Engagement>,
    pub current: Option<Engagement>,
    pub summary: EngagementSummary,
    /// The current engagement's latest journal entries, newest first.
    pub journal: Vec<Entry>,
    /// The reason recorded with the current engagement's last change of status (closed, reopened), with its time.
    pub status_reason: Option<(String, String)>,
    /// The verdict on the current engagement's risk register, with its unaccepted and overdue counts.
    pub risks: RegisterFigures,
}

impl Session {
    pub fn current_id(&self) -> Option<i64> {
        self.current.as_ref().map(|e| e.id)
    }

    pub fn engagement(&self, id: i64) -> Option<&Engagement> {
        self.engagements.iter().find(|e| e.id == id)
    }
}

/// What a form, a dialog or a picker does once answered: the pane that asked, and that pane's own value (usually a
/// variant of the pane's form enum), which only that pane reads.
pub struct Intent {
    pub tab: Tab,
    data: Box<dyn IntentData>,
}

impl Intent {
    pub fn new<T: Any + Debug + Clone + PartialEq>(tab: Tab, data: T) -> Intent {
        Intent { tab, data: Box::new(data) }
    }

    /// The pane's value, if it is of type `T`.
    pub fn get<T: Any>(&self) -> Option<&T> {
        self.data.as_any().downcast_ref::<T>()
    }
}

impl Clone for Intent {
    fn clone(&self) -> Self {
        Intent { tab: self.tab, data: self.data.clone_box() }
    }
}

impl PartialEq for Intent {
    fn eq(&self, other: &Self) -> bool {
        self.tab == other.tab && self.data.eq_dyn(other.data.as_any())
    }
}

impl Debug for Intent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}:{:?}", self.tab, self.data)
    }
}

trait IntentData: Debug {
    fn as_any(&self) -> &dyn Any;
    fn clone_box(&self) -> Box<dyn IntentData>;
    fn eq_dyn(&self, other: &dyn Any) -> bool;
}

impl<T: Any + Debug + Clone + PartialEq> IntentData for T {
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn clone_box(&self) -> Box<dyn IntentData> {
        Box::new(self.clone())
    }
    fn eq_dyn(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
}

/// What a pane asks `App` to do once it returns.
#[derive(Debug)]
pub enum Effect {
    /// A message in the corner.
    Toast(String),
    /// An error in the corner (it stays longer).
    Error(String),
    /// An edit was committed: the message, and the time in the status line.
    Saved(String),
    Form(Box<Form<Intent>>),
    Confirm(Confirm),
    Picker(Picker<Intent>),
    /// Show another tab.
    Show(Tab),
    /// Make this engagement the current one and show its Overview.
    Open(i64),
    /// The store changed: reload the engagement list, the current engagement's figures and every other pane
    /// (the pane that wrote reloads itself, keeping its selection).
    Changed,
    /// Write the report of this engagement into the reports folder.
    WriteReport(i64),
    /// Export this engagement as a bundle into the reports folder.
    ExportBundle(i64),
    /// Open the lookup on the detail of this catalog item (its index in the catalog).
    ShowItem(usize),
    /// Show a record whole, read only.
    Detail(crate::app::Detail),
    /// Run a long task of this pane on the worker; its result goes back to the pane's [`Pane::task_done`].
    Task(Task),
}

/// What a pane's long task returns, handed back to the pane that started it.
pub type TaskResult = Box<dyn Any + Send>;

/// The work of a pane's long task, given the task's own read-only connection and its control.
pub type TaskRun = Box<dyn FnOnce(&rusqlite::Connection, &Control) -> TaskResult + Send>;

/// A long task a pane hands to the worker: it runs off the event loop with a read-only connection of its own, its
/// progress in the status line (Esc stops it), and its result goes back to the pane's [`Pane::task_done`].
pub struct Task {
    pub label: String,
    pub run: TaskRun,
}

impl Task {
    pub fn new<T: Any + Send>(
        label: impl Into<String>,
        run: impl FnOnce(&rusqlite::Connection, &Control) -> T + Send + 'static,
    ) -> Task {
        Task { label: label.into(), run: Box::new(move |conn, c| Box::new(run(conn, c)) as TaskResult) }
    }
}

impl Debug for Task {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Task({})", self.label)
    }
}

/// What a pane may use while it handles a key or a save: the store, the session, the keymap, and a list of effects.
pub struct Cx<'a> {
    pub store: &'a mut Store,
    pub session: &'a Session,
    pub keymap: &'a Keymap,
    pub today: NaiveDate,
    pub size: (u16, u16),
    /// How dates are shown (the config's `date_format`).
    pub dates: crate::domain::DateStyle,
    /// The record under the cursor of the tab on screen, given with the action that links a journal entry to it
    /// (`None` otherwise).
    pub selected: Option<(Table, i64, String)>,
    pub reports_dir: &'a Path,
    /// The largest evidence file stored, in bytes.
    pub evidence_limit: u64,
    /// The tab of the pane being served (the owner of the intents it makes).
    pub tab: Tab,
    /// The tab on screen.
    pub shown: Tab,
    pub(super) effects: Vec<Effect>,
}

impl Cx<'_> {
    /// What a question before a delete says about getting the record back: the undo key, from the keymap.
    pub fn undo_note(&self) -> String {
        match self.keymap.key_for(Context::Global, &Action::Undo) {
            Some(k) => format!("{k} undoes it until assay is closed."),
            None => "Undo reaches it until assay is closed.".into(),
        }
    }

    pub fn push(&mut self, e: Effect) {
        self.effects.push(e);
    }

    pub fn toast(&mut self, text: impl Into<String>) {
        self.push(Effect::Toast(text.into()));
    }

    pub fn error(&mut self, text: impl Into<String>) {
        self.push(Effect::Error(text.into()));
    }

    pub fn saved(&mut self, text: impl Into<String>) {
        self.push(Effect::Saved(text.into()));
    }

    /// The store changed: everything else on screen is reloaded once this pane returns.
    pub fn changed(&mut self) {
        self.push(Effect::Changed);
    }

    /// An intent of this pane.
    pub fn intent<T: Any + Debug + Clone + PartialEq>(&self, data: T) -> Intent {
        Intent::new(self.tab, data)
    }

    /// A form of this pane, ready to be changed before [`Cx::open`] (an intro, a focused field).
    pub fn form<T: Any + Debug + Clone + PartialEq>(
        &self,
        title: impl Into<String>,
        data: T,
        specs: &[FieldSpec],
        values: &[Value],
    ) -> Form<Intent> {
        Form::new(title, self.intent(data), specs, values)
    }

    /// Opens a form.
    pub fn open(&mut self, form: Form<Intent>) {
        self.push(Effect::Form(Box::new(form)));
    }

    /// Opens a form of this pane as it is.
    pub fn open_form<T: Any + Debug + Clone + PartialEq>(
        &mut self,
        title: impl Into<String>,
        data: T,
        specs: &[FieldSpec],
        values: &[Value],
    ) {
        let form = self.form(title, data, specs, values);
        self.open(form);
    }

    /// Asks a yes/no question; a yes calls the pane's [`Pane::confirmed`] with `data`.
    pub fn confirm<T: Any + Debug + Clone + PartialEq>(
        &mut self,
        title: impl Into<String>,
        message: impl Into<String>,
        data: T,
    ) {
        let pending = Pending::Pane(self.intent(data));
        self.push(Effect::Confirm(Confirm { title: title.into(), message: message.into(), pending, back: None }));
    }

    /// Opens a list to pick from; the pick calls the pane's [`Pane::picked`] with `data`.
    pub fn pick<T: Any + Debug + Clone + PartialEq>(
        &mut self,
        title: impl Into<String>,
        data: T,
        items: Vec<PickItem>,
    ) {
        let picker = Picker::new(title, self.intent(data), items, self.size.1);
        self.push(Effect::Picker(picker));
    }

    /// The names of the keys bound to `action` in `ctx`, joined with "/", for hints ("" when unbound).
    pub fn key(&self, ctx: Context, action: &Action) -> String {
        self.keymap.key_for(ctx, action).map(|k| k.to_string()).unwrap_or_default()
    }
}

/// What a pane may read while it draws.
pub struct View<'a> {
    pub theme: &'a Theme,
    pub keymap: &'a Keymap,
    pub session: &'a Session,
    pub today: NaiveDate,
    pub size: (u16, u16),
    /// How dates are shown (the config's `date_format`).
    pub dates: crate::domain::DateStyle,
}

impl View<'_> {
    /// The name of the first key bound to `action` in `ctx`, for a hint ("?" when unbound).
    pub fn key(&self, ctx: Context, action: &Action) -> String {
        self.keymap.key_for(ctx, action).map(|k| k.to_string()).unwrap_or_else(|| "?".into())
    }
}

/// One tab of the workbench. See ARCHITECTURE.md for how to add one.
pub trait Pane: Any {
    /// The title in the tab bar, and the shorter one for narrow terminals.
    fn title(&self) -> &'static str;
    fn short_title(&self) -> &'static str;

    /// Whether the tab shows the current engagement (and so needs one).
    fn needs_engagement(&self) -> bool {
        true
    }

    /// Whether the pane is loaded only when shown, rather than with the engagement: every tab is, so that the first
    /// frame waits for no tab it does not show, but those the first frame shows (the Overview, the Engagements list).
    fn lazy(&self) -> bool {
        true
    }

    /// Where keys go while the pane is shown with nothing over it.
    fn context(&self) -> Context;

    /// Reads what the pane shows for the current engagement. Loading the same engagement again keeps the selection.
    fn load(&mut self, cx: &mut Cx) -> Result<()>;

    /// The terminal changed size: resize the cursors' windows.
    fn resize(&mut self, _size: (u16, u16)) {}

    /// The user left the tab.
    fn leave(&mut self) {}

    /// Handles an action of the pane's context.
    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()>;

    /// Whether `action` would write to the engagement the pane acts on (refused while it is closed).
    fn writes(&self, action: &Action) -> bool {
        writes_by_default(action)
    }

    /// The engagement the pane's actions act on: the current one, unless the pane lists engagements.
    fn target<'s>(&self, session: &'s Session) -> Option<&'s Engagement> {
        session.current.as_ref()
    }

    /// The engagement a form of this pane writes to (`None`: no engagement, such as a new one).
    fn intent_target(&self, _intent: &Intent, session: &Session) -> Option<i64> {
        session.current_id()
    }

    /// A rule across the fields of a form, checked before it is saved: the field to fix and why.
    fn form_rule(&self, _intent: &Intent, _values: &Values, _cx: &Cx) -> Option<(&'static str, String)> {
        None
    }

    /// Commits a form of this pane; returns the message to show ("" when the save opened a follow-up).
    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String>;

    /// A yes to a question of this pane.
    fn confirmed(&mut self, _intent: &Intent, _cx: &mut Cx) -> Result<()> {
        Ok(())
    }

    /// The result of a long task of this pane ([`Effect::Task`]): `None` when it was stopped or lost (the status
    /// line has said so).
    fn task_done(&mut self, _result: Option<TaskResult>, _cx: &mut Cx) -> Result<()> {
        Ok(())
    }

    /// An item picked from a list of this pane.
    fn picked(&mut self, _intent: &Intent, _key: &str, _cx: &mut Cx) -> Result<()> {
        Ok(())
    }

    /// Selects the record `id` of `table` (with its parent record, such as a member's provider), for a jump from the
    /// lookup: true when the pane shows it.
    fn reveal(&mut self, _table: Table, _id: i64, _parent: Option<i64>, _cx: &mut Cx) -> Result<bool> {
        Ok(false)
    }

    /// The record the cursor is on, for its history: (table, id, what to call it).
    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        None
    }

    /// A summary of the record the cursor is on, to copy to the clipboard: (what to call it, the text). By default
    /// the name [`Pane::selected_record`] gives it.
    fn copy_text(&self, session: &Session) -> Option<(String, String)> {
        self.selected_record(session).map(|(_, _, name)| (name.clone(), name))
    }

    /// The cursor of the list the keys move in now, if any (for mouse clicks).
    fn cursor(&mut self) -> Option<&mut TableCursor> {
        None
    }

    /// A click on rows drawn by this pane: row `i` of `drawn`, in column `col` of a grid. Returns true when the
    /// click was on the row (and column) already selected, so that it does what Enter does.
    fn click(&mut self, drawn: &DrawnRows, i: usize, _col: Option<usize>) -> bool {
        self.cursor().is_some_and(|cursor| click_list(cursor, drawn, i))
    }

    /// Draws the pane into `area`.
    fn render(&self, area: Rect, frame: &mut Frame, view: &View);
}

/// A click on row `i` of the rows `drawn` for the list of `cursor`: selects it, or, when it is already selected,
/// returns true so that the click does what Enter does. Rows drawn for another window on the list are ignored.
pub fn click_list(cursor: &mut TableCursor, drawn: &DrawnRows, i: usize) -> bool {
    if cursor.offset != drawn.offset || cursor.len != drawn.len || i >= cursor.len {
        return false;
    }
    if cursor.selected == i {
        return true;
    }
    cursor.select(i);
    false
}

/// The actions that change the engagement in every pane (`Add` and `Open` vary by pane: see [`Pane::writes`]).
pub fn writes_by_default(action: &Action) -> bool {
    matches!(
        action,
        Action::Add
            | Action::Edit
            | Action::Delete
            | Action::Note
            | Action::SetPhase
            | Action::AddFromCatalog
            | Action::Accept
            | Action::SetStatus
            | Action::WeightUp
            | Action::WeightDown
            | Action::ToggleMustHave
            | Action::Score0
            | Action::Score1
            | Action::Score2
            | Action::Score3
            | Action::Score4
            | Action::Score5
            | Action::ClearScore
            | Action::ToggleDone
            | Action::ToggleNa
            | Action::MarkPassed
            | Action::MarkFailed
            | Action::MarkWaived
            | Action::MarkNotPermitted
            | Action::MarkPending
            | Action::CountUp
            | Action::CountDown
            | Action::RapidAdd
            | Action::RecordReturn
            | Action::RecordDestruction
            | Action::Revoke
    )
}
