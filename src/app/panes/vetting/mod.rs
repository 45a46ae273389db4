//! The Vetting tab: one provider's team at a time, members down and the seven checks across, filled from the
//! keyboard; a member's detail with its private notes hidden until revealed; the roster's history; and the role
//! pairs one person must not hold.
//!
//! Clearance, warnings and the roster history are computed here after every load or write, so that drawing a
//! frame reads only the rows on screen. The team is the costliest pane to load: it is loaded when shown.

mod forms;
mod view;

use std::collections::HashMap;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::layout::list_rows;
use crate::app::pane::{Cx, Intent, Pane, Session, Values, View};
use crate::domain::vetting::{
    self, CheckKind, Clearance, Holdings, MemberChecks, RoleConflict, RosterEvent, TeamClearance, TeamMember,
};
use crate::keys::{Action, Context};
use crate::store::{Table, providers, vetting as store};
use crate::widgets::find::{Find, FindKey};
use crate::widgets::table::TableCursor;
use crate::widgets::table_view::DrawnRows;

/// Height of the warnings strip under the grid (borders included).
pub const VET_STRIP: u16 = 8;

/// Rows of members on a screen `height` rows tall: less the tab bar, the status line, the strip, the grid's
/// borders, its header and the line about the cell.
pub fn vetting_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2 + VET_STRIP + 2 + 1 + 1)).max(1)
}

/// The views of the tab, cycled by one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VetView {
    #[default]
    Grid,
    Roster,
    Conflicts,
}

impl VetView {
    pub fn next(self) -> VetView {
        match self {
            VetView::Grid => VetView::Roster,
            VetView::Roster => VetView::Conflicts,
            VetView::Conflicts => VetView::Grid,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            VetView::Grid => "Checks",
            VetView::Roster => "Roster changes",
            VetView::Conflicts => "Role conflicts",
        }
    }
}

/// One member with what the grid shows of them.
#[derive(Debug, Clone, PartialEq)]
pub struct VetRow {
    pub member: TeamMember,
    pub checks: MemberChecks,
    pub clearance: Clearance,
    /// The name of the member this one backs up.
    pub backs_up: Option<String>,
}

/// A member shown whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberDetail {
    pub member: i64,
    /// The member's UUID, read when the detail opens, to be quoted with the reference.
    pub uuid: String,
    /// Whether the private notes are shown; forgotten when the detail closes.
    pub revealed: bool,
    pub scroll: u16,
    /// The journal entries linked to the member and the evidence files about them, read when the detail opens.
    pub about: Vec<(String, String)>,
}

/// State of the Vetting tab.
#[derive(Debug, Clone, Default)]
pub struct VettingPane {
    pub engagement: Option<i64>,
    /// The engagement's providers: (id, name).
    pub providers: Vec<(i64, String)>,
    /// Index into `providers` of the one shown.
    pub provider: usize,
    pub rows: Vec<VetRow>,
    /// Indices into `rows` of the members passing the find; the member cursor moves over these.
    pub visible: Vec<usize>,
    /// The grid shows only the members whose name, role or backup contain this text.
    pub find: Find,
    pub team: TeamClearance,
    /// The warnings about the shown team, in words, most serious first.
    pub warnings: Vec<String>,
    pub holdings: HashMap<i64, Holdings>,
    /// Member rows.
    pub cursor: TableCursor,
    /// 0 is the member's name; 1–7 the checks in grid order.
    pub col: usize,
    pub view: VetView,
    pub detail: Option<MemberDetail>,
    /// The shown provider's roster changes, oldest first.
    pub roster: Vec<RosterEvent>,
    pub roster_cursor: TableCursor,
    pub conflicts: Vec<RoleConflict>,
    pub conflict_cursor: TableCursor,
}

impl VettingPane {
    pub fn provider_id(&self) -> Option<i64> {
        self.providers.get(self.provider).map(|p| p.0)
    }

    pub fn provider_name(&self) -> &str {
        self.providers.get(self.provider).map_or("", |p| p.1.as_str())
    }

    pub fn selected(&self) -> Option<&VetRow> {
        self.rows.get(*self.visible.get(self.cursor.selected)?)
    }

    /// The members passing the find, the cursor staying on the same member while they pass.
    fn refilter(&mut self) {
        let keep = self.selected().map(|r| r.member.id);
        let words = self.find.words();
        let opt = |s: &Option<String>| s.as_deref().unwrap_or("").to_string();
        self.visible = (0..self.rows.len())
            .filter(|&i| {
                let r = &self.rows[i];
                let id = crate::app::panes::refs::label(Table::TeamMember, r.member.number);
                let (role, backs_up) = (opt(&r.member.role), opt(&r.backs_up));
                Find::passes(&words, [r.member.name.as_str(), role.as_str(), backs_up.as_str(), id.as_str()])
            })
            .collect();
        self.cursor.set_len(self.visible.len());
        if let Some(id) = keep {
            self.select_member(id);
        }
    }

    /// The check kind under the cursor (none on the name column).
    pub fn kind(&self) -> Option<CheckKind> {
        self.col.checked_sub(1).and_then(|i| CheckKind::ALL.get(i).copied())
    }

    pub fn row_of(&self, member: i64) -> Option<&VetRow> {
        self.rows.iter().find(|r| r.member.id == member)
    }

    pub fn name_of(&self, member: i64) -> String {
        self.row_of(member).map_or_else(|| format!("member #{member}"), |r| r.member.name.clone())
    }

    /// The roster history of one member.
    pub fn history_of(&self, member: i64) -> impl Iterator<Item = &RosterEvent> {
        self.roster.iter().filter(move |e| e.member_id == member)
    }

    fn members(&self) -> Vec<TeamMember> {
        self.rows.iter().map(|r| r.member.clone()).collect()
    }

    fn select_member(&mut self, id: i64) -> bool {
        match self.visible.iter().position(|&i| self.rows.get(i).is_some_and(|r| r.member.id == id)) {
            Some(i) => {
                self.cursor.select(i);
                true
            }
            None => false,
        }
    }
}
/// The forms of the Vetting tab.
#[derive(Debug, Clone, PartialEq)]
enum VetForm {
    NewMember(i64),
    EditMember {
        provider: i64,
        member: i64,
    },
    /// The whole form of one check of a member.
    Check {
        member: i64,
        kind: CheckKind,
    },
    /// Waive a check: the reason is required.
    Waive {
        member: i64,
        kind: CheckKind,
    },
    /// A check local law forbids: the note is required.
    Forbidden {
        member: i64,
        kind: CheckKind,
    },
    NewConflict(i64),
    EditConflict(i64),
}

/// The questions of the Vetting tab.
#[derive(Debug, Clone, PartialEq)]
enum VetAsk {
    DeleteMember(i64),
    DeleteConflict(i64),
    /// Set a recorded check back to pending.
    ResetCheck {
        member: i64,
        kind: CheckKind,
    },
}

impl VettingPane {
    /// After a write: the figures of the engagement and the other panes reload, this team reloads, and the member
    /// `select` is selected.
    fn after_write(&mut self, select: Option<i64>, cx: &mut Cx) -> Result<()> {
        cx.changed();
        self.load(cx)?;
        if let Some(id) = select
            && !self.select_member(id)
            && self.find.narrows()
        {
            self.find.clear();
            self.refilter();
            self.select_member(id);
        }
        Ok(())
    }

    fn switch_provider(&mut self, step: isize, cx: &mut Cx) -> Result<()> {
        let n = self.providers.len();
        if n == 0 {
            cx.toast("No providers yet — add them on the Scorecard tab");
            return Ok(());
        }
        self.provider = (self.provider as isize + step).rem_euclid(n as isize) as usize;
        self.detail = None;
        self.find.clear();
        self.cursor.select(0);
        self.roster_cursor.select(0);
        self.load(cx)?;
        self.roster_cursor.last();
        Ok(())
    }

    fn update_grid(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        match action {
            ref a if self.cursor.navigate(a) => {}
            Action::Filter => self.find.start(),
            Action::Cancel => {
                self.find.clear();
                self.refilter();
            }
            Action::NextColumn => self.col = (self.col + 1).min(CheckKind::ALL.len()),
            Action::PrevColumn => self.col = self.col.saturating_sub(1),
            Action::Add => self.open_member_form(None, cx),
            Action::Edit => {
                if let Some(id) = self.selected().map(|r| r.member.id) {
                    self.open_member_form(Some(id), cx);
                }
            }
            Action::Delete => self.ask_delete_member(cx),
            Action::Detail => self.open_detail(cx),
            Action::Open => match self.kind() {
                None => self.open_detail(cx),
                Some(kind) => self.open_check_form(kind, None, cx),
            },
            Action::MarkPassed
            | Action::MarkFailed
            | Action::MarkPending
            | Action::MarkWaived
            | Action::MarkNotPermitted => self.mark(&action, cx)?,
            Action::CountUp => self.change_references(1, cx)?,
            Action::CountDown => self.change_references(-1, cx)?,
            _ => {}
        }
        Ok(())
    }

    fn update_member(&mut self, action: Action, cx: &mut Cx) {
        let Some(d) = &mut self.detail else { return };
        match action {
            Action::Reveal => {
                d.revealed = !d.revealed;
                cx.toast(if d.revealed { "Private notes shown" } else { "Private notes hidden" });
            }
            Action::ScrollDown => d.scroll = d.scroll.saturating_add(1),
            Action::ScrollUp => d.scroll = d.scroll.saturating_sub(1),
            Action::Edit => {
                let id = d.member;
                self.open_member_form(Some(id), cx);
            }
            Action::Cancel => self.detail = None,
            _ => {}
        }
    }

    fn open_detail(&mut self, cx: &Cx) {
        if let Some(id) = self.selected().map(|r| r.member.id) {
            let uuid = crate::store::ids::of(cx.store.conn(), Table::TeamMember, id)
                .ok()
                .flatten()
                .map(|u| u.to_string())
                .unwrap_or_default();
            let mut about = crate::app::panes::overview::journal::linked_lines(cx, Table::TeamMember, id);
            about.extend(crate::app::panes::overview::evidence::about_lines(cx.store.conn(), Table::TeamMember, id));
            self.detail = Some(MemberDetail { member: id, uuid, revealed: false, scroll: 0, about });
        }
    }

    fn update_conflicts(&mut self, action: Action, cx: &mut Cx) {
        let Some(engagement) = self.engagement else { return };
        let selected = self.conflicts.get(self.conflict_cursor.selected).cloned();
        let c = &mut self.conflict_cursor;
        match action {
            Action::NextRow => c.next(),
            Action::PrevRow => c.prev(),
            Action::FirstRow => c.first(),
            Action::LastRow => c.last(),
            Action::Add => cx.open_form(
                "Roles one person must not hold together",
                VetForm::NewConflict(engagement),
                RoleConflict::FIELDS,
                &[],
            ),
            Action::Edit | Action::Open => {
                if let Some(rc) = selected {
                    let values: Vec<_> = RoleConflict::FIELDS.iter().map(|f| rc.value(f.key)).collect();
                    cx.open_form("Edit role conflict", VetForm::EditConflict(rc.id), RoleConflict::FIELDS, &values);
                }
            }
            Action::Delete => {
                if let Some(rc) = selected {
                    cx.confirm(
                        "Delete role conflict",
                        format!("No longer warn when one person holds “{}” and “{}”?", rc.role_a, rc.role_b),
                        VetAsk::DeleteConflict(rc.id),
                    );
                }
            }
            _ => {}
        }
    }
}

impl Pane for VettingPane {
    fn title(&self) -> &'static str {
        "Vetting"
    }

    fn short_title(&self) -> &'static str {
        "Vet"
    }

    fn context(&self) -> Context {
        if self.detail.is_some() {
            return Context::VettingMember;
        }
        if self.find.typing {
            return Context::Filter;
        }
        match self.view {
            VetView::Grid => Context::Vetting,
            VetView::Roster => Context::Roster,
            VetView::Conflicts => Context::RoleConflicts,
        }
    }

    /// Loads the current engagement's providers and the shown provider's team. Switching engagements starts
    /// afresh; reloading keeps the provider, the selection and an open detail.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        let engagement = cx.session.current_id();
        let conn = cx.store.conn();
        if self.engagement != engagement {
            // A fresh pane, keeping the view and every viewport's height (set from the terminal size, which has
            // not changed): a reset height would show one row per screen until the next resize.
            *self = VettingPane {
                view: self.view,
                cursor: self.cursor,
                roster_cursor: TableCursor { height: self.roster_cursor.height, ..TableCursor::default() },
                conflict_cursor: TableCursor { height: self.conflict_cursor.height, ..TableCursor::default() },
                ..VettingPane::default()
            };
            self.engagement = engagement;
            self.cursor.select(0);
        }
        let keep_provider = self.provider_id();
        let keep_member = self.selected().map(|r| r.member.id);
        let Some(e) = engagement else {
            self.providers.clear();
            self.rows.clear();
            self.visible.clear();
            self.cursor.set_len(0);
            return Ok(());
        };
        self.providers = providers::list(conn, e)?.into_iter().map(|p| (p.id, p.name)).collect();
        self.provider = keep_provider
            .and_then(|id| self.providers.iter().position(|p| p.0 == id))
            .unwrap_or(self.provider.min(self.providers.len().saturating_sub(1)));
        self.conflicts = store::role_conflicts(conn, e)?;
        self.conflict_cursor.set_len(self.conflicts.len());
        let (members, checks, holdings, changes) = match self.provider_id() {
            Some(p) => (
                store::members(conn, p)?,
                store::checks(conn, p)?,
                store::holdings(conn, p)?,
                store::roster_changes(conn, p)?,
            ),
            None => Default::default(),
        };
        let today = cx.today;
        let mut by_member: HashMap<i64, MemberChecks> = HashMap::new();
        for c in checks {
            if let Some(kind) = c.kind {
                let member = c.member_id;
                by_member.entry(member).or_default()[kind.index()] = Some(c);
            }
        }
        let names: HashMap<i64, String> = members.iter().map(|m| (m.id, m.name.clone())).collect();
        self.warnings = {
            let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("member #{id}"));
            vetting::warnings(&members, &holdings, &self.conflicts, today).iter().map(|w| w.text(&name)).collect()
        };
        self.roster = vetting::roster_events(&changes, &names);
        self.roster_cursor.set_len(self.roster.len());
        self.rows = members
            .into_iter()
            .map(|m| {
                let checks = by_member.remove(&m.id).unwrap_or_default();
                let clearance = vetting::member_clearance(&m, &checks, today);
                let backs_up = m.backup_for.map(|b| names.get(&b).cloned().unwrap_or_else(|| format!("#{b}")));
                VetRow { member: m, checks, clearance, backs_up }
            })
            .collect();
        let clearances: Vec<Clearance> = self.rows.iter().map(|r| r.clearance).collect();
        self.team = TeamClearance::of(&clearances);
        self.holdings = holdings;
        self.refilter();
        if let Some(id) = keep_member
            && !self.select_member(id)
            && self.find.narrows()
            && self.rows.iter().any(|r| r.member.id == id)
        {
            // The member just written no longer passes the find: the find gives way so that they stay in view.
            self.find.clear();
            self.refilter();
            self.select_member(id);
        }
        if let Some(d) = &self.detail
            && self.row_of(d.member).is_none()
        {
            self.detail = None;
        }
        Ok(())
    }

    fn resize(&mut self, (_, h): (u16, u16)) {
        self.cursor.set_height(vetting_rows(h));
        self.roster_cursor.set_height(list_rows(h));
        self.conflict_cursor.set_height(list_rows(h));
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        if self.detail.is_some() {
            self.update_member(action, cx);
            return Ok(());
        }
        if self.find.typing {
            if self.find.update(&action) == FindKey::Changed {
                self.refilter();
            }
            return Ok(());
        }
        match action {
            Action::NextProvider => return self.switch_provider(1, cx),
            Action::PrevProvider => return self.switch_provider(-1, cx),
            Action::NextView => {
                self.view = self.view.next();
                if self.view == VetView::Roster {
                    self.roster_cursor.last();
                }
                return Ok(());
            }
            _ => {}
        }
        match self.view {
            VetView::Grid => self.update_grid(action, cx)?,
            VetView::Roster => {
                self.roster_cursor.navigate(&action);
            }
            VetView::Conflicts => self.update_conflicts(action, cx),
        }
        Ok(())
    }

    fn writes(&self, action: &Action) -> bool {
        // Enter opens a check's form on the grid (a member's detail on a name) and a pair's form among the role
        // conflicts.
        match action {
            Action::Open => match self.context() {
                Context::Vetting => self.kind().is_some(),
                Context::RoleConflicts => true,
                _ => false,
            },
            a => crate::app::pane::writes_by_default(a),
        }
    }

    fn form_rule(&self, intent: &Intent, values: &Values, _cx: &Cx) -> Option<(&'static str, String)> {
        self.rule(intent.get::<VetForm>()?, values)
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        match intent.get::<VetForm>() {
            Some(form) => self.save_form(form, values, cx),
            None => Ok(String::new()),
        }
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        match intent.get::<VetAsk>() {
            Some(ask) => self.answer(ask, cx),
            None => Ok(()),
        }
    }

    /// Shows a team member: their provider's team, with them selected.
    fn reveal(&mut self, table: Table, id: i64, parent: Option<i64>, cx: &mut Cx) -> Result<bool> {
        if table != Table::TeamMember {
            return Ok(false);
        }
        self.detail = None;
        self.view = VetView::Grid;
        if let Some(p) = parent.and_then(|id| self.providers.iter().position(|p| p.0 == id)) {
            self.provider = p;
            self.load(cx)?;
        }
        if !self.select_member(id) && self.find.narrows() {
            self.find.clear();
            self.refilter();
        }
        Ok(self.select_member(id))
    }

    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        let row = match self.context() {
            Context::Vetting => self.selected()?,
            Context::VettingMember => self.row_of(self.detail.as_ref()?.member)?,
            _ => return None,
        };
        Some((Table::TeamMember, row.member.id, format!("team member {}", row.member.name)))
    }

    /// The member: name, role, provider, whom they back up, and each check's status.
    fn copy_text(&self, _session: &Session) -> Option<(String, String)> {
        let row = match self.context() {
            Context::Vetting => self.selected()?,
            Context::VettingMember => self.row_of(self.detail.as_ref()?.member)?,
            _ => return None,
        };
        let m = &row.member;
        let mut lines = vec![format!(
            "{} · {} · {}{}",
            m.name,
            m.role.as_deref().unwrap_or("—"),
            self.provider_name(),
            row.backs_up.as_ref().map(|b| format!(" · backs up {b}")).unwrap_or_default()
        )];
        lines.extend(CheckKind::ALL.iter().map(|k| {
            let status = row.checks[k.index()].as_ref().map_or("pending", |c| c.status.label());
            format!("{}: {status}", k.label())
        }));
        Some((format!("team member {}", m.name), lines.join("\n")))
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        match self.context() {
            Context::Vetting => Some(&mut self.cursor),
            Context::Roster => Some(&mut self.roster_cursor),
            Context::RoleConflicts => Some(&mut self.conflict_cursor),
            _ => None,
        }
    }

    /// A click on the grid selects the member and the check clicked; on the roster and the pairs, the row.
    fn click(&mut self, drawn: &DrawnRows, i: usize, col: Option<usize>) -> bool {
        let grid_col = if self.context() == Context::Vetting { col } else { None };
        let shown_col = self.col;
        let Some(cursor) = self.cursor() else { return false };
        // The rows drawn must be this list's (the same window on the same rows), and the click on one of them.
        if cursor.offset != drawn.offset || cursor.len != drawn.len || i >= cursor.len {
            return false;
        }
        if cursor.selected == i && grid_col.is_none_or(|c| c == shown_col) {
            return true;
        }
        cursor.select(i);
        if let Some(c) = grid_col {
            self.col = c;
        }
        false
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}
