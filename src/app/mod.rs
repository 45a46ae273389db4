//! The state machine: [`App`] is the model, [`Action`] the messages, [`App::update`] the only place state changes.

pub mod assets;
mod closed;
mod engagements;
pub mod layout;
pub mod lookup;
pub mod pane;
pub mod panes;
mod reports;
mod router;
pub mod scorecard;
pub mod vetting;
pub use panes::workflow;

pub use crate::keys::{action, keymap};
pub use crate::widgets::table_view::DrawnRows;
pub use crate::widgets::toast::Toast;
pub use crate::widgets::{form, input, picker, table};
pub use layout::{MIN_SIZE, list_rows};

use chrono::NaiveDate;
use ratatui::crossterm::event::KeyEvent;
use strum::IntoEnumIterator;

pub use action::Action;
pub use assets::{AssetPane, AssetView, QuickFilter};
pub use keymap::{Context, Key, Keymap};
pub use panes::risks::{RISK_STRIP, RiskFocus, RiskPane, risk_rows};
pub use panes::{engagements::EngagementsPane, overview::OverviewPane, workflow::WorkflowPane};
pub use picker::Picker;

use crate::store::{Store, Table};
use crate::theme::Theme;
use form::Form;
use input::TextInput;
use lookup::Lookup;
use pane::{Intent, Pane, Session};
use scorecard::Scorecard;
use table::TableCursor;
use vetting::{VetView, VettingPane};

/// The tabs along the top, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::EnumIter, strum::FromRepr, Default)]
pub enum Tab {
    #[default]
    Engagements,
    Overview,
    Scorecard,
    Risks,
    Vetting,
    Assets,
    Workflow,
}

impl Tab {
    pub fn title(self) -> &'static str {
        match self {
            Tab::Engagements => "Engagements",
            Tab::Overview => "Overview",
            Tab::Scorecard => "Scorecard",
            Tab::Workflow => "Workflow",
            Tab::Risks => "Risks",
            Tab::Vetting => "Vetting",
            Tab::Assets => "Assets",
        }
    }

    /// The label on a narrow terminal, where the full titles do not fit.
    pub fn short(self) -> &'static str {
        match self {
            Tab::Engagements => "Engmts",
            Tab::Overview => "Overview",
            Tab::Scorecard => "Score",
            Tab::Workflow => "Flow",
            Tab::Risks => "Risks",
            Tab::Vetting => "Vet",
            Tab::Assets => "Assets",
        }
    }

    /// Whether the tab shows the current engagement (and so needs one).
    pub fn needs_engagement(self) -> bool {
        !matches!(self, Tab::Engagements)
    }
}

/// What saving the open form does.
#[derive(Debug, Clone, PartialEq)]
pub enum FormPurpose {
    NewProvider(i64),
    EditProvider(i64),
    /// Set a provider's status (with the reason for a selection or rejection).
    Decide(i64),
    NewCriterion(i64),
    EditCriterion(i64),
    CellNote {
        provider: i64,
        criterion: i64,
    },
    NewMember(i64),
    EditMember {
        provider: i64,
        member: i64,
    },
    /// The whole form of one check of a member.
    Check {
        member: i64,
        kind: crate::domain::vetting::CheckKind,
    },
    /// Waive a check: the reason is required.
    WaiveCheck {
        member: i64,
        kind: crate::domain::vetting::CheckKind,
    },
    /// A check local law forbids: the note is required.
    ForbiddenCheck {
        member: i64,
        kind: crate::domain::vetting::CheckKind,
    },
    NewRoleConflict(i64),
    EditRoleConflict(i64),
    /// A new asset; in a series, saving opens the next one pre-filled.
    NewAsset {
        engagement: i64,
        series: bool,
    },
    EditAsset(i64),
    ReturnAsset(i64),
    DestroyAsset(i64),
    NewGrant(i64),
    EditGrant(i64),
    RevokeGrant(i64),
    /// Closing an engagement with items outstanding: the reason is required.
    CloseEngagement(i64),
    /// A form of a pane: saving it goes to that pane.
    Pane(Intent),
}

/// What a yes in the open dialog does.
#[derive(Debug, Clone, PartialEq)]
pub enum Pending {
    DeleteProvider(i64),
    DeleteCriterion(i64),
    DeleteMember(i64),
    DeleteRoleConflict(i64),
    DeleteAsset(i64),
    DeleteGrant(i64),
    /// Set a recorded vetting check back to pending.
    ResetCheck {
        member: i64,
        kind: crate::domain::vetting::CheckKind,
    },
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
    Form(Box<Form<FormPurpose>>),
    Confirm(Confirm),
    Lookup(Box<Lookup>),
    History(History),
    Picker(Picker<Intent>),
}

/// The recorded changes of one record.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub title: String,
    pub entries: Vec<crate::store::history::Entry>,
    pub scroll: usize,
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
    pub scorecard: Scorecard,
    pub vetting: VettingPane,
    pub assets: AssetPane,
    /// When the last edit was committed (local time, for the status line).
    pub last_saved: Option<String>,
    pub size: (u16, u16),
    pub should_quit: bool,
    /// The rows of the lists drawn in the last frame (set while rendering), so that a click finds its row.
    pub drawn: std::cell::RefCell<Vec<DrawnRows>>,
    /// Where the report and export keys write (the config's `reports_dir`, or the folder assay was started from).
    pub reports_dir: std::path::PathBuf,
}

/// How long a message stays, in ticks of a quarter second.
const TOAST_TICKS: u16 = 16;

impl App {
    pub fn new(store: Store, keymap: Keymap, theme: Theme, today: NaiveDate) -> color_eyre::Result<App> {
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
            scorecard: Scorecard::default(),
            vetting: VettingPane::default(),
            assets: AssetPane::default(),
            last_saved: None,
            size: (120, 40),
            should_quit: false,
            reports_dir: reports::default_reports_dir(),
            drawn: std::cell::RefCell::new(Vec::new()),
        };
        app.reload_engagements()?;
        let remembered = crate::store::settings::get(app.store.conn(), crate::store::settings::CURRENT_ENGAGEMENT)?
            .and_then(|s| s.parse::<i64>().ok());
        let first = remembered
            .filter(|id| app.session.engagements.iter().any(|e| e.id == *id))
            .or_else(|| app.session.engagements.first().map(|e| e.id));
        if let Some(id) = first {
            app.load_current(id)?;
            app.tab = Tab::Overview;
        }
        app.resize(app.size.0, app.size.1);
        Ok(app)
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
            Some(Overlay::Picker(_)) => Context::Picker,
            None if self.session.engagements.is_empty() => Context::Start,
            None if self.pane_ref(self.tab).is_some() => {
                self.pane_ref(self.tab).map_or(Context::Start, |p| p.context())
            }
            None => match self.tab {
                Tab::Engagements => Context::List,
                Tab::Overview => Context::Overview,
                Tab::Scorecard => match self.scorecard.view {
                    scorecard::ScoreView::Providers => Context::Providers,
                    scorecard::ScoreView::Criteria => Context::Criteria,
                    scorecard::ScoreView::Grid if self.scorecard.scoring => Context::Scoring,
                    scorecard::ScoreView::Grid => Context::Grid,
                },
                Tab::Workflow => Context::Workflow,
                Tab::Risks => Context::Risks,
                Tab::Vetting if self.vetting.detail.is_some() => Context::VettingMember,
                Tab::Vetting => match self.vetting.view {
                    VetView::Grid => Context::Vetting,
                    VetView::Roster => Context::Roster,
                    VetView::Conflicts => Context::RoleConflicts,
                },
                Tab::Assets if self.assets.filtering => Context::Filter,
                Tab::Assets => match self.assets.view {
                    AssetView::Assets => Context::Assets,
                    AssetView::Access => Context::Access,
                    AssetView::CloseOut => Context::CloseOut,
                },
            },
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
            Action::Lookup => {
                match self.overlay.take() {
                    Some(Overlay::Lookup(l)) => self.overlay = Some(Overlay::Lookup(l)),
                    Some(Overlay::Confirm(c)) => self.overlay = Some(Overlay::Confirm(c)),
                    Some(Overlay::Form(f)) => self.open_lookup(Some(Overlay::Form(f)))?,
                    Some(Overlay::Picker(p)) => self.open_lookup(Some(Overlay::Picker(p)))?,
                    Some(Overlay::Help { .. } | Overlay::History(_)) | None => self.open_lookup(None)?,
                }
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
                h.scroll = h.scroll.min(h.entries.len().saturating_sub(1));
                self.overlay = Some(Overlay::History(h));
                Ok(None)
            }
            Some(Overlay::Picker(p)) => self.update_picker(p, action).map(|()| None),
            None => self.update_pane(action),
        }
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
        self.resize_scorecard(w, h);
        if let Some(Overlay::Lookup(l)) = &mut self.overlay {
            l.cursor.set_height(layout::lookup_rows((w, h)));
        }
        self.resize_vetting(h);
        self.resize_assets(h);
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
                return Ok(Some(Action::Submit));
            }
            Action::ConfirmYes => match c.pending {
                Pending::Quit => self.should_quit = true,
                Pending::DiscardForm => {}
                p @ (Pending::DeleteProvider(_) | Pending::DeleteCriterion(_)) => self.delete_scorecard_record(&p)?,
                p @ (Pending::DeleteMember(_) | Pending::DeleteRoleConflict(_)) => self.delete_vetting_record(&p)?,
                p @ (Pending::DeleteAsset(_) | Pending::DeleteGrant(_)) => self.delete_asset_record(&p)?,
                Pending::ResetCheck { member, kind } => self.reset_check(member, kind)?,
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

    fn update_form(&mut self, mut form: Form<FormPurpose>, action: Action) -> color_eyre::Result<Option<Action>> {
        match action {
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
            Action::Submit => {
                let Some(values) = form.validate(self.today) else {
                    self.overlay = Some(Overlay::Form(Box::new(form)));
                    return Ok(None);
                };
                if let FormPurpose::Pane(intent) = &form.purpose {
                    self.save_pane_form(form.clone(), intent.clone(), values);
                    return Ok(None);
                }
                // Rules across fields, which single-field validation cannot see.
                let rule = self
                    .scorecard_form_rule(&form.purpose, &values)
                    .or_else(|| self.vetting_form_rule(&form.purpose, &values))
                    .or_else(|| self.asset_form_rule(&form.purpose, &values));
                if let Some((key, message)) = rule {
                    form.mark_error(key, message);
                    self.overlay = Some(Overlay::Form(Box::new(form)));
                    return Ok(None);
                }
                if let Some(message) = self.closed_form_target(&form.purpose) {
                    self.toast_error(message);
                    return Ok(None);
                }
                match self.save_form(&form.purpose, &values) {
                    Ok(msg) if msg.is_empty() => {} // the save opened a follow-up (the phase gate)
                    Ok(msg) => self.saved(&msg),
                    Err(e) => {
                        self.toast_error(format!("Not saved: {e}"));
                        self.overlay = Some(Overlay::Form(Box::new(form)));
                    }
                }
                return Ok(None);
            }
            Action::NextField => form.next_field(),
            Action::PrevField => form.prev_field(),
            Action::CursorLeft => form.left(),
            Action::CursorRight => form.right(),
            Action::CursorHome => form.edit(TextInput::home),
            Action::CursorEnd => form.edit(TextInput::end),
            Action::Backspace => form.edit(TextInput::backspace),
            Action::DeleteChar => form.edit(TextInput::delete),
            Action::ClearField => form.edit(TextInput::clear),
            Action::Char(c) => form.type_char(c),
            Action::Help => {
                // Help over a form would hide it; the form's keys are in the status line.
                self.toast("Tab/↑↓ move between fields · Enter saves · Esc cancels");
            }
            _ => {}
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
            Action::Tab8 => self.goto_tab_index(7, false),
            Action::NewEngagement => self.route(Tab::Engagements, Action::NewEngagement),
            ref other if self.refuse_if_closed(other) => {}
            Action::Reopen => self.route(Tab::Engagements, Action::Reopen),
            other if self.pane_ref(self.tab).is_some() && !self.session.engagements.is_empty() => {
                self.route(self.tab, other)
            }
            other => match self.context() {
                Context::Start => {}
                Context::Filter | Context::Assets | Context::Access | Context::CloseOut if self.tab == Tab::Assets => {
                    self.update_assets(other)?
                }
                Context::Providers | Context::Criteria | Context::Grid | Context::Scoring => {
                    self.update_scorecard(other)?
                }
                Context::Vetting | Context::Roster | Context::RoleConflicts => self.update_vetting(other)?,
                Context::VettingMember => self.update_vetting_member(other)?,
                _ => {}
            },
        }
        Ok(None)
    }

    /// The record the cursor is on, for its history: (table, id, what to call it).
    pub fn selected_record(&self) -> Option<(Table, i64, String)> {
        if let Some(p) = self.pane_ref(self.tab)
            && self.overlay.is_none()
        {
            return p.selected_record(&self.session);
        }
        match self.context() {
            Context::Providers => {
                self.scorecard.selected_provider().map(|p| (Table::Provider, p.id, format!("provider {}", p.name)))
            }
            Context::Criteria => {
                self.scorecard.selected_criterion().map(|c| (Table::Criterion, c.id, format!("criterion {}", c.text)))
            }
            Context::Vetting => self
                .vetting
                .selected()
                .map(|r| (Table::TeamMember, r.member.id, format!("team member {}", r.member.name))),
            Context::VettingMember => {
                let id = self.vetting.detail.as_ref()?.member;
                let row = self.vetting.row_of(id)?;
                Some((Table::TeamMember, id, format!("team member {}", row.member.name)))
            }
            Context::Assets => self.assets.selected().map(|(a, _)| (Table::Asset, a.id, format!("asset {}", a.tag))),
            Context::Access => {
                self.assets.selected_grant().map(|(g, _)| (Table::AccessGrant, g.id, format!("access to {}", g.target)))
            }
            _ => None,
        }
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
                layout::tab_spans(self.size.0).into_iter().find(|(_, a, b)| (*a..*b).contains(&x))
            {
                self.goto_tab_index(tab as usize, false);
            }
            return Ok(());
        }
        self.click_row(x, y)
    }

    /// The cursor of the list the keys move in now, if the current context is a list.
    fn list_cursor(&mut self) -> Option<&mut TableCursor> {
        Some(match self.context() {
            Context::Providers => &mut self.scorecard.provider_cursor,
            Context::Criteria => &mut self.scorecard.criterion_cursor,
            Context::Vetting => &mut self.vetting.cursor,
            Context::Roster => &mut self.vetting.roster_cursor,
            Context::RoleConflicts => &mut self.vetting.conflict_cursor,
            Context::Assets => &mut self.assets.cursor,
            Context::Access => &mut self.assets.grant_cursor,
            _ => return None,
        })
    }

    /// A click on a row of the list on screen selects it (and, in a grid, the column); a click on the row (and
    /// column) already selected does what Enter does there.
    fn click_row(&mut self, x: u16, y: u16) -> color_eyre::Result<()> {
        let at = ratatui::layout::Position { x, y };
        let Some(drawn) = self.drawn.borrow().iter().find(|d| d.rows.contains(at)).cloned() else { return Ok(()) };
        let i = drawn.offset + usize::from(y - drawn.rows.y);
        let col = drawn.cols.iter().position(|&(a, w)| (a..a + w).contains(&x));
        let ctx = self.context();
        if let Some(p) = self.pane_mut(self.tab) {
            let again = p.click(&drawn, i, col);
            if again {
                let enter = Key { code: ratatui::crossterm::event::KeyCode::Enter, ctrl: false, alt: false };
                if let Some(action) = self.keymap.lookup(ctx, enter).cloned() {
                    return self.update_pane(action).map(|_| ());
                }
            }
            return Ok(());
        }
        if ctx == Context::Grid {
            // The score grid: the row is a criterion, the column a provider (both counted from what is shown).
            let cell = &mut self.scorecard.cell;
            if drawn.offset == cell.row_offset && i < drawn.len {
                cell.row = i;
                if let Some(c) = col {
                    cell.col = (cell.col_offset + c).min(self.scorecard.providers.len().saturating_sub(1));
                }
            }
            return Ok(());
        }
        let grid_col = if ctx == Context::Vetting { col } else { None };
        let Some(cursor) = self.list_cursor() else { return Ok(()) };
        // The rows drawn must be this list's (the same window on the same rows), and the click on one of them.
        if cursor.offset != drawn.offset || cursor.len != drawn.len || i >= cursor.len {
            return Ok(());
        }
        let again = cursor.selected == i && grid_col.is_none_or(|c| c == self.vetting.col);
        if !again {
            if let Some(cursor) = self.list_cursor() {
                cursor.select(i);
            }
            if let Some(c) = grid_col {
                self.vetting.col = c;
            }
            return Ok(());
        }
        let enter = Key { code: ratatui::crossterm::event::KeyCode::Enter, ctrl: false, alt: false };
        match self.keymap.lookup(ctx, enter).cloned() {
            Some(action) => self.update_pane(action).map(|_| ()),
            None => Ok(()),
        }
    }

    fn goto_tab_index(&mut self, i: usize, wrap: bool) {
        let count = Tab::iter().count();
        let i = if wrap { i % count } else { i };
        let Some(tab) = Tab::from_repr(i) else { return };
        if tab.needs_engagement() && self.session.current.is_none() {
            self.toast("Open or create an engagement first");
            return;
        }
        if let Some(p) = self.pane_mut(self.tab) {
            p.leave();
        }
        self.tab = tab;
        self.load_if_stale(tab);
        // Score mode belongs to the grid on screen: leaving the tab ends it.
        self.scorecard.scoring = false;
        // Providers are added and removed on the Scorecard tab: the vetting pane catches up when it is shown.
        // Both it and the Assets pane are loaded only when shown (`load_current` leaves them).
        if tab == Tab::Vetting
            && let Err(e) = self.load_vetting()
        {
            self.toast_error(format!("Cannot load the team: {e}"));
        }
        if tab == Tab::Assets
            && let Err(e) = self.load_assets()
        {
            self.toast_error(format!("Cannot load the assets: {e}"));
        }
    }
}
