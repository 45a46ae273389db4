//! The Vetting tab: one provider's team at a time, members down and the seven checks across, filled from the
//! keyboard; a member's detail with its private notes hidden until revealed; the roster's history; and the role
//! pairs one person must not hold.
//!
//! Clearance, warnings and the roster history are computed here after every load or write, so that drawing a
//! frame reads only the rows on screen.

use std::collections::HashMap;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::form::Form;
use super::table::TableCursor;
use super::{Action, App, Confirm, FormPurpose, Overlay, Pending};
use crate::domain::plural;
use crate::domain::vetting::{
    self, CheckKind, CheckStatus, Clearance, Holdings, MIN_REFERENCES, MemberChecks, RoleConflict, RosterEvent,
    TeamClearance, TeamMember, VettingCheck,
};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::store::{engagements, providers, vetting as store};

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
    /// Whether the private notes are shown; forgotten when the detail closes.
    pub revealed: bool,
    pub scroll: u16,
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
        self.rows.get(self.cursor.selected)
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

    fn select_member(&mut self, id: i64) {
        if let Some(i) = self.rows.iter().position(|r| r.member.id == id) {
            self.cursor.select(i);
        }
    }
}

/// The one field of a waiver.
const WAIVE_FIELDS: &[FieldSpec] = &[FieldSpec::new("note", "Reason for the waiver", FieldKind::LongText).required()];
/// The one field of a check local law forbids.
const FORBIDDEN_FIELDS: &[FieldSpec] =
    &[FieldSpec::new("note", "Law or rule that forbids it", FieldKind::LongText).required()];

impl App {
    /// Loads the current engagement's providers and the shown provider's team (the hook `load_current` calls).
    /// Switching engagements starts afresh; reloading keeps the provider, the selection and an open detail.
    pub(super) fn load_vetting(&mut self) -> Result<()> {
        let engagement = self.session.current.as_ref().map(|e| e.id);
        let conn = self.store.conn();
        let pane = &mut self.vetting;
        if pane.engagement != engagement {
            // A fresh pane, keeping the view and every viewport's height (set from the terminal size, which has
            // not changed): a reset height would show one row per screen until the next resize.
            *pane = VettingPane {
                view: pane.view,
                cursor: pane.cursor,
                roster_cursor: TableCursor { height: pane.roster_cursor.height, ..TableCursor::default() },
                conflict_cursor: TableCursor { height: pane.conflict_cursor.height, ..TableCursor::default() },
                ..VettingPane::default()
            };
            pane.engagement = engagement;
            pane.cursor.select(0);
        }
        let keep_provider = pane.provider_id();
        let keep_member = pane.selected().map(|r| r.member.id);
        let Some(e) = engagement else {
            pane.providers.clear();
            pane.rows.clear();
            pane.cursor.set_len(0);
            return Ok(());
        };
        pane.providers = providers::list(conn, e)?.into_iter().map(|p| (p.id, p.name)).collect();
        pane.provider = keep_provider
            .and_then(|id| pane.providers.iter().position(|p| p.0 == id))
            .unwrap_or(pane.provider.min(pane.providers.len().saturating_sub(1)));
        pane.conflicts = store::role_conflicts(conn, e)?;
        pane.conflict_cursor.set_len(pane.conflicts.len());
        let (members, checks, holdings, changes) = match pane.provider_id() {
            Some(p) => (
                store::members(conn, p)?,
                store::checks(conn, p)?,
                store::holdings(conn, p)?,
                store::roster_changes(conn, p)?,
            ),
            None => Default::default(),
        };
        let today = self.today;
        let mut by_member: HashMap<i64, MemberChecks> = HashMap::new();
        for c in checks {
            if let Some(kind) = c.kind {
                let member = c.member_id;
                by_member.entry(member).or_default()[kind.index()] = Some(c);
            }
        }
        let names: HashMap<i64, String> = members.iter().map(|m| (m.id, m.name.clone())).collect();
        pane.warnings = {
            let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("member #{id}"));
            vetting::warnings(&members, &holdings, &pane.conflicts, today).iter().map(|w| w.text(&name)).collect()
        };
        pane.roster = vetting::roster_events(&changes, &names);
        pane.roster_cursor.set_len(pane.roster.len());
        pane.rows = members
            .into_iter()
            .map(|m| {
                let checks = by_member.remove(&m.id).unwrap_or_default();
                let clearance = vetting::member_clearance(&m, &checks, today);
                let backs_up = m.backup_for.map(|b| names.get(&b).cloned().unwrap_or_else(|| format!("#{b}")));
                VetRow { member: m, checks, clearance, backs_up }
            })
            .collect();
        let clearances: Vec<Clearance> = pane.rows.iter().map(|r| r.clearance).collect();
        pane.team = TeamClearance::of(&clearances);
        pane.holdings = holdings;
        pane.cursor.set_len(pane.rows.len());
        if let Some(id) = keep_member {
            pane.select_member(id);
        }
        if let Some(d) = &pane.detail
            && pane.row_of(d.member).is_none()
        {
            pane.detail = None;
        }
        Ok(())
    }

    /// After a write: the tab and the overview's figures.
    fn after_vetting_write(&mut self, select: Option<i64>) -> Result<()> {
        self.load_vetting()?;
        // The Assets tab resolves holders against this team and marks its leavers.
        self.load_assets()?;
        if let Some(e) = &self.session.current {
            self.session.summary = engagements::summary(self.store.conn(), e.id, &self.today.to_string())?;
        }
        if let Some(id) = select {
            self.vetting.select_member(id);
        }
        Ok(())
    }

    pub(super) fn resize_vetting(&mut self, h: u16) {
        self.vetting.cursor.set_height(vetting_rows(h));
        self.vetting.roster_cursor.set_height(super::list_rows(h));
        self.vetting.conflict_cursor.set_height(super::list_rows(h));
    }

    fn switch_provider(&mut self, step: isize) -> Result<()> {
        let pane = &mut self.vetting;
        let n = pane.providers.len();
        if n == 0 {
            self.toast("No providers yet — add them on the Scorecard tab");
            return Ok(());
        }
        pane.provider = (pane.provider as isize + step).rem_euclid(n as isize) as usize;
        pane.detail = None;
        pane.cursor.select(0);
        pane.roster_cursor.select(0);
        self.load_vetting()?;
        self.vetting.roster_cursor.last();
        Ok(())
    }

    pub(super) fn update_vetting(&mut self, action: Action) -> Result<()> {
        match action {
            Action::NextProvider => return self.switch_provider(1),
            Action::PrevProvider => return self.switch_provider(-1),
            Action::NextView => {
                let pane = &mut self.vetting;
                pane.view = pane.view.next();
                if pane.view == VetView::Roster {
                    pane.roster_cursor.last();
                }
                return Ok(());
            }
            _ => {}
        }
        match self.vetting.view {
            VetView::Grid => self.update_vetting_grid(action),
            VetView::Roster => {
                let c = &mut self.vetting.roster_cursor;
                match action {
                    ref a if c.navigate(a) => {}
                    _ => {}
                }
                Ok(())
            }
            VetView::Conflicts => self.update_conflicts(action),
        }
    }

    fn update_vetting_grid(&mut self, action: Action) -> Result<()> {
        let pane = &mut self.vetting;
        match action {
            ref a if pane.cursor.navigate(a) => {}
            Action::NextColumn => pane.col = (pane.col + 1).min(CheckKind::ALL.len()),
            Action::PrevColumn => pane.col = pane.col.saturating_sub(1),
            Action::Add => self.open_member_form(None),
            Action::Edit => {
                if let Some(id) = pane.selected().map(|r| r.member.id) {
                    self.open_member_form(Some(id));
                }
            }
            Action::Delete => self.ask_delete_member(),
            Action::Detail => self.open_detail(),
            Action::Open => match pane.kind() {
                None => self.open_detail(),
                Some(kind) => self.open_check_form(kind, None),
            },
            Action::MarkPassed
            | Action::MarkFailed
            | Action::MarkPending
            | Action::MarkWaived
            | Action::MarkNotPermitted => self.mark(&action)?,
            Action::CountUp => self.change_references(1)?,
            Action::CountDown => self.change_references(-1)?,
            _ => {}
        }
        Ok(())
    }

    pub(super) fn update_vetting_member(&mut self, action: Action) -> Result<()> {
        let Some(d) = &mut self.vetting.detail else { return Ok(()) };
        match action {
            Action::Reveal => {
                d.revealed = !d.revealed;
                let msg = if d.revealed { "Private notes shown" } else { "Private notes hidden" };
                self.toast(msg);
            }
            Action::ScrollDown => d.scroll = d.scroll.saturating_add(1),
            Action::ScrollUp => d.scroll = d.scroll.saturating_sub(1),
            Action::Edit => {
                let id = d.member;
                self.open_member_form(Some(id));
            }
            Action::Cancel => self.vetting.detail = None,
            _ => {}
        }
        Ok(())
    }

    fn open_detail(&mut self) {
        if let Some(id) = self.vetting.selected().map(|r| r.member.id) {
            self.vetting.detail = Some(MemberDetail { member: id, revealed: false, scroll: 0 });
        }
    }

    fn update_conflicts(&mut self, action: Action) -> Result<()> {
        let Some(engagement) = self.vetting.engagement else { return Ok(()) };
        let selected = self.vetting.conflicts.get(self.vetting.conflict_cursor.selected).cloned();
        let c = &mut self.vetting.conflict_cursor;
        match action {
            Action::NextRow => c.next(),
            Action::PrevRow => c.prev(),
            Action::FirstRow => c.first(),
            Action::LastRow => c.last(),
            Action::Add => {
                self.overlay = Some(Overlay::Form(Box::new(Form::new(
                    "Roles one person must not hold together",
                    FormPurpose::NewRoleConflict(engagement),
                    RoleConflict::FIELDS,
                    &[],
                ))))
            }
            Action::Edit | Action::Open => {
                if let Some(rc) = selected {
                    let values: Vec<Value> = RoleConflict::FIELDS.iter().map(|f| rc.value(f.key)).collect();
                    self.overlay = Some(Overlay::Form(Box::new(Form::new(
                        "Edit role conflict",
                        FormPurpose::EditRoleConflict(rc.id),
                        RoleConflict::FIELDS,
                        &values,
                    ))));
                }
            }
            Action::Delete => {
                if let Some(rc) = selected {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete role conflict".into(),
                        message: format!("No longer warn when one person holds “{}” and “{}”?", rc.role_a, rc.role_b),
                        pending: Pending::DeleteRoleConflict(rc.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn open_member_form(&mut self, id: Option<i64>) {
        let pane = &self.vetting;
        let Some(provider) = pane.provider_id() else {
            self.toast("No providers yet — add them on the Scorecard tab");
            return;
        };
        let members = pane.members();
        let (title, purpose, values) = match id.and_then(|id| pane.row_of(id)) {
            Some(row) => {
                let m = &row.member;
                let values: Vec<Value> = TeamMember::FIELDS
                    .iter()
                    .map(|f| match f.key {
                        "backup_for" => Value::from(
                            m.backup_for.and_then(|b| members.iter().find(|x| x.id == b)).map(|b| b.handle(&members)),
                        ),
                        key => m.value(key),
                    })
                    .collect();
                (format!("Edit member — {}", m.name), FormPurpose::EditMember { provider, member: m.id }, values)
            }
            None => (format!("New member of {}", pane.provider_name()), FormPurpose::NewMember(provider), vec![]),
        };
        let mut form = Form::new(title, purpose, TeamMember::FIELDS, &values);
        if !members.is_empty() {
            let names: Vec<String> = members.iter().take(8).map(|m| m.handle(&members)).collect();
            let more = if members.len() > 8 { format!(" … and {} more", members.len() - 8) } else { String::new() };
            form.intro = vec![format!("Backs up: type the name of one of {}{more}", names.join(", "))];
        }
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn ask_delete_member(&mut self) {
        let Some(r) = self.vetting.selected() else { return };
        let recorded = r.checks.iter().flatten().count();
        self.overlay = Some(Overlay::Confirm(Confirm {
            title: "Delete member".into(),
            message: format!(
                "Remove {} from the roster with {recorded} recorded check{}? To record that someone left, edit the \
                 member and give the date instead. The history keeps the removal.",
                r.member.name,
                if recorded == 1 { "" } else { "s" }
            ),
            pending: Pending::DeleteMember(r.member.id),
            back: None,
        }));
    }

    /// The check form of the selected member, with the date defaulting to today and the verifier to the assessor;
    /// `preset` sets the status (and focuses what it needs).
    fn open_check_form(&mut self, kind: CheckKind, preset: Option<CheckStatus>) {
        let Some(row) = self.vetting.selected() else { return };
        let specs = VettingCheck::fields_for(kind);
        let existing = row.checks[kind.index()].clone().unwrap_or_default();
        let values: Vec<Value> = specs
            .iter()
            .map(|f| match (f.key, existing.value(f.key)) {
                ("status", _) if preset.is_some() => Value::text(preset.unwrap_or_default().as_ref()),
                ("checked_on", Value::Null) => Value::text(self.today.to_string()),
                ("verifier", Value::Null) => Value::text(self.store.assessor()),
                (_, v) => v,
            })
            .collect();
        let mut form = Form::new(
            format!("{} — {}", kind.label(), row.member.name),
            FormPurpose::Check { member: row.member.id, kind },
            &specs,
            &values,
        );
        if vetting::is_sensitive(kind) {
            form.intro = vec!["The note of this check is private: hidden on screen and left out of exports.".into()];
        }
        if preset == Some(CheckStatus::Passed) && kind == CheckKind::References {
            form.intro.push(format!("At least {MIN_REFERENCES} references are needed to pass: how many came back?"));
            form.focus_key("reference_count");
        }
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    /// A status key on a check cell.
    fn mark(&mut self, action: &Action) -> Result<()> {
        let (Some(row), Some(kind)) = (self.vetting.selected(), self.vetting.kind()) else {
            if self.vetting.rows.is_empty() {
                self.toast("No members yet — press a to add one");
            } else {
                self.toast("Move onto a check first (l or →)");
            }
            return Ok(());
        };
        let (member, name) = (row.member.id, row.member.name.clone());
        let existing = row.checks[kind.index()].clone().unwrap_or_default();
        if *action == Action::MarkPending {
            // Resetting throws a recorded result off the grid: it is asked about first, never done by a stray key.
            if existing.status == CheckStatus::Pending {
                self.toast(format!("{name}: {} is already pending", kind.label()));
                return Ok(());
            }
            let when = match (&existing.checked_on, &existing.verifier) {
                (Some(on), Some(by)) => format!(" on {on} by {by}"),
                (Some(on), None) => format!(" on {on}"),
                _ => String::new(),
            };
            self.overlay = Some(Overlay::Confirm(Confirm {
                title: "Reset check to pending".into(),
                message: format!(
                    "Reset {name}'s {} check, recorded as {}{when}, to pending? The history keeps the old result.",
                    kind.label().to_lowercase(),
                    existing.status.label()
                ),
                pending: Pending::ResetCheck { member, kind },
                back: None,
            }));
            return Ok(());
        }
        let stamp = |values: &mut Vec<(&'static str, Value)>, app: &App| {
            if existing.checked_on.is_none() {
                values.push(("checked_on", Value::text(app.today.to_string())));
            }
            if existing.verifier.is_none() {
                values.push(("verifier", Value::text(app.store.assessor())));
            }
        };
        let status = match action {
            Action::MarkPassed => CheckStatus::Passed,
            Action::MarkFailed => CheckStatus::Failed,
            Action::MarkPending => CheckStatus::Pending,
            Action::MarkWaived => {
                let mut form = Form::new(
                    format!("Waive {} — {name}", kind.label().to_lowercase()),
                    FormPurpose::WaiveCheck { member, kind },
                    WAIVE_FIELDS,
                    &[existing.value("note")],
                );
                form.intro = vec!["A waiver counts towards clearance only with its reason.".into()];
                self.overlay = Some(Overlay::Form(Box::new(form)));
                return Ok(());
            }
            Action::MarkNotPermitted if !kind.may_be_forbidden() => {
                self.toast_error(format!(
                    "Only the criminal-record and credit checks may be forbidden by law; waive the {} check with a \
                     reason instead",
                    kind.short()
                ));
                return Ok(());
            }
            Action::MarkNotPermitted => {
                self.overlay = Some(Overlay::Form(Box::new(Form::new(
                    format!("{} not permitted by local law — {name}", kind.label()),
                    FormPurpose::ForbiddenCheck { member, kind },
                    FORBIDDEN_FIELDS,
                    &[existing.value("note")],
                ))));
                return Ok(());
            }
            _ => return Ok(()),
        };
        if status == CheckStatus::Passed
            && kind == CheckKind::References
            && existing.reference_count.unwrap_or(0) < MIN_REFERENCES
        {
            self.open_check_form(kind, Some(CheckStatus::Passed));
            return Ok(());
        }
        let mut values: Vec<(&'static str, Value)> = vec![("status", Value::text(status.as_ref()))];
        if status != CheckStatus::Pending {
            stamp(&mut values, self);
        }
        match self.store.write(|w| store::save_check(w, member, kind, &values)) {
            Ok(_) => {
                self.after_vetting_write(Some(member))?;
                if status != CheckStatus::Pending {
                    self.vetting.col = (self.vetting.col + 1).min(CheckKind::ALL.len());
                }
                let extra = if kind == CheckKind::NdaSigned && status == CheckStatus::Passed {
                    format!(
                        " (signed {}; the check's form changes the date)",
                        existing.checked_on.unwrap_or(self.today.to_string())
                    )
                } else {
                    String::new()
                };
                self.saved(&format!("{name}: {} {}{extra}", kind.label(), status.label()));
            }
            Err(e) => self.toast_error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    /// Sets a recorded check back to pending, once the user said yes.
    pub(super) fn reset_check(&mut self, member: i64, kind: CheckKind) -> Result<()> {
        let status = CheckStatus::Pending;
        match self.store.write(|w| store::save_check(w, member, kind, &[("status", Value::text(status.as_ref()))])) {
            Ok(_) => {
                self.after_vetting_write(Some(member))?;
                let name = self.vetting.name_of(member);
                self.saved(&format!("{name}: {} reset to pending", kind.label()));
            }
            Err(e) => self.toast_error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    fn change_references(&mut self, step: i64) -> Result<()> {
        let Some(row) = self.vetting.selected() else { return Ok(()) };
        let (member, name) = (row.member.id, row.member.name.clone());
        let now = row.checks[CheckKind::References.index()].as_ref().and_then(|c| c.reference_count).unwrap_or(0);
        let next = (now + step).clamp(0, 99);
        if next == now {
            return Ok(());
        }
        let values = [("reference_count", Value::Int(next))];
        match self.store.write(|w| store::save_check(w, member, CheckKind::References, &values)) {
            Ok(_) => {
                self.after_vetting_write(Some(member))?;
                self.saved(&format!("{name}: {next} reference{} received", if next == 1 { "" } else { "s" }));
            }
            Err(e) => self.toast_error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    /// Rules across the fields of a vetting form: the field to mark and what it needs.
    pub(super) fn vetting_form_rule(
        &self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Option<(&'static str, String)> {
        match purpose {
            FormPurpose::Check { kind, .. } => VettingCheck::check(*kind, values).err(),
            FormPurpose::NewMember(_) | FormPurpose::EditMember { .. } => {
                if let Err(e) = TeamMember::check(values) {
                    return Some(e);
                }
                let typed = values.iter().find(|(k, _)| *k == "backup_for").map(|(_, v)| v.to_string());
                let members = self.vetting.members();
                match vetting::resolve_member(typed.as_deref().unwrap_or_default(), &members) {
                    Err(e) => Some(("backup_for", e)),
                    Ok(Some(b)) if matches!(purpose, FormPurpose::EditMember { member, .. } if *member == b) => {
                        Some(("backup_for", "a member cannot back themselves up".into()))
                    }
                    Ok(_) => None,
                }
            }
            FormPurpose::NewRoleConflict(_) | FormPurpose::EditRoleConflict(_) => RoleConflict::check(values).err(),
            _ => None,
        }
    }

    /// Commits a vetting form; returns the message to show.
    pub(super) fn save_vetting_form(
        &mut self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Result<String> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        match purpose {
            FormPurpose::NewMember(provider) | FormPurpose::EditMember { provider, .. } => {
                let members = self.vetting.members();
                let backup = vetting::resolve_member(&get("backup_for").to_string(), &members).map_err(|e| eyre!(e))?;
                let resolved: Vec<(&'static str, Value)> = values
                    .iter()
                    .map(|(k, v)| if *k == "backup_for" { (*k, Value::from(backup)) } else { (*k, v.clone()) })
                    .collect();
                let name = get("name").to_string();
                if let FormPurpose::EditMember { member, .. } = purpose {
                    let n = self.store.write(|w| store::update_member(w, *member, &resolved))?;
                    self.after_vetting_write(Some(*member))?;
                    Ok(if n == 0 { "No changes".into() } else { format!("{name} saved ({n} field{})", plural(n)) })
                } else {
                    let id = self.store.write(|w| store::create_member(w, *provider, &resolved))?;
                    self.after_vetting_write(Some(id))?;
                    self.vetting.col = 1;
                    Ok(format!("{name} added to {}", self.vetting.provider_name()))
                }
            }
            FormPurpose::Check { member, kind } => {
                self.store.write(|w| store::save_check(w, *member, *kind, values))?;
                self.after_vetting_write(Some(*member))?;
                // A recorded result moves on to the next check, as the quick marks do (the reference count's
                // dialog after `p` included).
                let recorded = CheckStatus::parse(&get("status").to_string()) != CheckStatus::Pending;
                if recorded && self.vetting.kind() == Some(*kind) {
                    self.vetting.col = (self.vetting.col + 1).min(CheckKind::ALL.len());
                }
                Ok(format!(
                    "{}: {} {}",
                    self.vetting.name_of(*member),
                    kind.label(),
                    CheckStatus::parse(&get("status").to_string()).label()
                ))
            }
            FormPurpose::WaiveCheck { member, kind } | FormPurpose::ForbiddenCheck { member, kind } => {
                let status = if matches!(purpose, FormPurpose::WaiveCheck { .. }) { "waived" } else { "not_permitted" };
                let existing = self.vetting.row_of(*member).and_then(|r| r.checks[kind.index()].clone());
                let mut all: Vec<(&'static str, Value)> = vec![("status", Value::text(status)), ("note", get("note"))];
                if existing.as_ref().is_none_or(|c| c.checked_on.is_none()) {
                    all.push(("checked_on", Value::text(self.today.to_string())));
                }
                if existing.as_ref().is_none_or(|c| c.verifier.is_none()) {
                    all.push(("verifier", Value::text(self.store.assessor())));
                }
                self.store.write(|w| store::save_check(w, *member, *kind, &all))?;
                self.after_vetting_write(Some(*member))?;
                if self.vetting.kind() == Some(*kind) {
                    self.vetting.col = (self.vetting.col + 1).min(CheckKind::ALL.len());
                }
                Ok(format!(
                    "{}: {} {} (reason recorded)",
                    self.vetting.name_of(*member),
                    kind.label(),
                    CheckStatus::parse(status).label()
                ))
            }
            FormPurpose::NewRoleConflict(engagement) => {
                self.store.write(|w| store::create_conflict(w, *engagement, values))?;
                self.after_vetting_write(None)?;
                self.vetting.conflict_cursor.last();
                Ok(format!("“{}” and “{}” are now kept apart", get("role_a"), get("role_b")))
            }
            FormPurpose::EditRoleConflict(id) => {
                let n = self.store.write(|w| store::update_conflict(w, *id, values))?;
                self.after_vetting_write(None)?;
                Ok(if n == 0 { "No changes".into() } else { "Role conflict saved".into() })
            }
            _ => Err(eyre!("not a vetting form")),
        }
    }

    pub(super) fn delete_vetting_record(&mut self, pending: &Pending) -> Result<()> {
        let result = match pending {
            Pending::DeleteMember(id) => {
                let name = self.vetting.name_of(*id);
                self.store.write(|w| store::delete_member(w, *id)).map(|_| format!("{name} removed from the roster"))
            }
            Pending::DeleteRoleConflict(id) => {
                self.store.write(|w| store::delete_conflict(w, *id)).map(|_| "Role conflict deleted".to_string())
            }
            _ => return Ok(()),
        };
        match result {
            Ok(msg) => {
                self.after_vetting_write(None)?;
                self.saved(&msg);
            }
            Err(e) => self.toast_error(format!("Not deleted: {e}")),
        }
        Ok(())
    }
}
