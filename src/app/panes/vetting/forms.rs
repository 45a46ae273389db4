//! The Vetting tab's writes: the member and role-pair forms, a check's form, the quick marks on a check cell, the
//! reference count, and the questions before a deletion or a reset.

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::{VetAsk, VetForm, VettingPane};
use crate::app::pane::{Cx, Values};
use crate::domain::plural;
use crate::domain::vetting::{self, CheckKind, CheckStatus, MIN_REFERENCES, RoleConflict, TeamMember, VettingCheck};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::keys::{Action, Context};
use crate::store::vetting as store;

/// The one field of a waiver.
const WAIVE_FIELDS: &[FieldSpec] = &[FieldSpec::new("note", "Reason for the waiver", FieldKind::LongText).required()];
/// The one field of a check local law forbids.
const FORBIDDEN_FIELDS: &[FieldSpec] =
    &[FieldSpec::new("note", "Law or rule that forbids it", FieldKind::LongText).required()];

/// Every key bound to `action` on the grid, as "l or →", for a message.
fn grid_keys(cx: &Cx, action: &Action) -> String {
    let bindings = cx.keymap.bindings(Context::Vetting).iter().filter(|b| &b.action == action);
    let names: Vec<String> = bindings.flat_map(|b| b.keys.iter().map(ToString::to_string)).collect();
    names.join(" or ")
}

impl VettingPane {
    pub(super) fn open_member_form(&self, id: Option<i64>, cx: &mut Cx) {
        let Some(provider) = self.provider_id() else {
            cx.toast("No providers yet — add them on the Scorecard tab");
            return;
        };
        let members = self.members();
        let (title, purpose, values) = match id.and_then(|id| self.row_of(id)) {
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
                (
                    format!(
                        "Edit member {} — {}",
                        crate::app::panes::refs::label(crate::store::Table::TeamMember, m.number),
                        m.name
                    ),
                    VetForm::EditMember { provider, member: m.id },
                    values,
                )
            }
            None => (format!("New member of {}", self.provider_name()), VetForm::NewMember(provider), vec![]),
        };
        let mut form = cx.form(title, purpose, TeamMember::FIELDS, &values);
        if !members.is_empty() {
            let names: Vec<String> = members.iter().take(8).map(|m| m.handle(&members)).collect();
            let more = if members.len() > 8 { format!(" … and {} more", members.len() - 8) } else { String::new() };
            form.intro = vec![format!("Backs up: type the name of one of {}{more}", names.join(", "))];
        }
        cx.open(form);
    }

    pub(super) fn ask_delete_member(&self, cx: &mut Cx) {
        let Some(r) = self.selected() else { return };
        let recorded = r.checks.iter().flatten().count();
        cx.confirm(
            "Delete member",
            format!(
                "Remove {} from the roster with {recorded} recorded check{}? To record that someone left, edit the \
                 member and give the date instead. The history keeps the removal.",
                r.member.name,
                plural(recorded)
            ),
            VetAsk::DeleteMember(r.member.id),
        );
    }

    /// The check form of the selected member, with the date defaulting to today and the verifier to the assessor;
    /// `preset` sets the status (and focuses what it needs).
    pub(super) fn open_check_form(&self, kind: CheckKind, preset: Option<CheckStatus>, cx: &mut Cx) {
        let Some(row) = self.selected() else { return };
        let specs = VettingCheck::fields_for(kind);
        let existing = row.checks[kind.index()].clone().unwrap_or_default();
        let values: Vec<Value> = specs
            .iter()
            .map(|f| match (f.key, existing.value(f.key)) {
                ("status", _) if preset.is_some() => Value::text(preset.unwrap_or_default().as_ref()),
                ("checked_on", Value::Null) => Value::text(cx.today.to_string()),
                ("verifier", Value::Null) => Value::text(cx.store.assessor()),
                (_, v) => v,
            })
            .collect();
        let mut form = cx.form(
            format!("{} — {}", kind.label(), row.member.name),
            VetForm::Check { member: row.member.id, kind },
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
        cx.open(form);
    }

    /// A status key on a check cell.
    pub(super) fn mark(&mut self, action: &Action, cx: &mut Cx) -> Result<()> {
        let (Some(row), Some(kind)) = (self.selected(), self.kind()) else {
            if self.rows.is_empty() {
                cx.toast(format!("No members yet — press {} to add one", cx.key(Context::Vetting, &Action::Add)));
            } else {
                cx.toast(format!("Move onto a check first ({})", grid_keys(cx, &Action::NextColumn)));
            }
            return Ok(());
        };
        let (member, name) = (row.member.id, row.member.name.clone());
        let existing = row.checks[kind.index()].clone().unwrap_or_default();
        if *action == Action::MarkPending {
            // Resetting throws a recorded result off the grid: it is asked about first, never done by a stray key.
            if existing.status == CheckStatus::Pending {
                cx.toast(format!("{name}: {} is already pending", kind.label()));
                return Ok(());
            }
            let when = match (&existing.checked_on, &existing.verifier) {
                (Some(on), Some(by)) => format!(" on {on} by {by}"),
                (Some(on), None) => format!(" on {on}"),
                _ => String::new(),
            };
            cx.confirm(
                "Reset check to pending",
                format!(
                    "Reset {name}'s {} check, recorded as {}{when}, to pending? The history keeps the old result.",
                    kind.label().to_lowercase(),
                    existing.status.label()
                ),
                VetAsk::ResetCheck { member, kind },
            );
            return Ok(());
        }
        let status = match action {
            Action::MarkPassed => CheckStatus::Passed,
            Action::MarkFailed => CheckStatus::Failed,
            Action::MarkWaived => {
                let mut form = cx.form(
                    format!("Waive {} — {name}", kind.label().to_lowercase()),
                    VetForm::Waive { member, kind },
                    WAIVE_FIELDS,
                    &[existing.value("note")],
                );
                form.intro = vec!["A waiver counts towards clearance only with its reason.".into()];
                cx.open(form);
                return Ok(());
            }
            Action::MarkNotPermitted if !kind.may_be_forbidden() => {
                cx.error(format!(
                    "Only the criminal-record and credit checks may be forbidden by law; waive the {} check with a \
                     reason instead",
                    kind.short()
                ));
                return Ok(());
            }
            Action::MarkNotPermitted => {
                cx.open_form(
                    format!("{} not permitted by local law — {name}", kind.label()),
                    VetForm::Forbidden { member, kind },
                    FORBIDDEN_FIELDS,
                    &[existing.value("note")],
                );
                return Ok(());
            }
            _ => return Ok(()),
        };
        if status == CheckStatus::Passed
            && kind == CheckKind::References
            && existing.reference_count.unwrap_or(0) < MIN_REFERENCES
        {
            self.open_check_form(kind, Some(CheckStatus::Passed), cx);
            return Ok(());
        }
        let mut values: Vec<(&'static str, Value)> = vec![("status", Value::text(status.as_ref()))];
        if existing.checked_on.is_none() {
            values.push(("checked_on", Value::text(cx.today.to_string())));
        }
        if existing.verifier.is_none() {
            values.push(("verifier", Value::text(cx.store.assessor())));
        }
        match cx.store.write(|w| store::save_check(w, member, kind, &values)) {
            Ok(_) => {
                self.after_write(Some(member), cx)?;
                self.col = (self.col + 1).min(CheckKind::ALL.len());
                let extra = if kind == CheckKind::NdaSigned && status == CheckStatus::Passed {
                    format!(
                        " (signed {}; the check's form changes the date)",
                        existing.checked_on.unwrap_or(cx.today.to_string())
                    )
                } else {
                    String::new()
                };
                cx.saved(format!("{name}: {} {}{extra}", kind.label(), status.label()));
            }
            Err(e) => cx.error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    pub(super) fn change_references(&mut self, step: i64, cx: &mut Cx) -> Result<()> {
        let Some(row) = self.selected() else { return Ok(()) };
        let (member, name) = (row.member.id, row.member.name.clone());
        let now = row.checks[CheckKind::References.index()].as_ref().and_then(|c| c.reference_count).unwrap_or(0);
        let next = (now + step).clamp(0, 99);
        if next == now {
            return Ok(());
        }
        let values = [("reference_count", Value::Int(next))];
        match cx.store.write(|w| store::save_check(w, member, CheckKind::References, &values)) {
            Ok(_) => {
                self.after_write(Some(member), cx)?;
                cx.saved(format!("{name}: {next} reference{} received", plural(next)));
            }
            Err(e) => cx.error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    /// Rules across the fields of a form: the field to mark and what it needs.
    pub(super) fn rule(&self, form: &VetForm, values: &Values) -> Option<(&'static str, String)> {
        match form {
            VetForm::Check { kind, .. } => VettingCheck::check(*kind, values).err(),
            VetForm::NewMember(_) | VetForm::EditMember { .. } => {
                if let Err(e) = TeamMember::check(values) {
                    return Some(e);
                }
                let typed = values.iter().find(|(k, _)| *k == "backup_for").map(|(_, v)| v.to_string());
                let members = self.members();
                match vetting::resolve_member(typed.as_deref().unwrap_or_default(), &members) {
                    Err(e) => Some(("backup_for", e)),
                    Ok(Some(b)) if matches!(form, VetForm::EditMember { member, .. } if *member == b) => {
                        Some(("backup_for", "a member cannot back themselves up".into()))
                    }
                    Ok(_) => None,
                }
            }
            VetForm::NewConflict(_) | VetForm::EditConflict(_) => RoleConflict::check(values).err(),
            VetForm::Waive { .. } | VetForm::Forbidden { .. } => None,
        }
    }

    /// Commits a form; returns the message to show.
    pub(super) fn save_form(&mut self, form: &VetForm, values: &Values, cx: &mut Cx) -> Result<String> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        match form {
            VetForm::NewMember(provider) | VetForm::EditMember { provider, .. } => {
                let members = self.members();
                let backup = vetting::resolve_member(&get("backup_for").to_string(), &members).map_err(|e| eyre!(e))?;
                let resolved: Vec<(&'static str, Value)> = values
                    .iter()
                    .map(|(k, v)| if *k == "backup_for" { (*k, Value::from(backup)) } else { (*k, v.clone()) })
                    .collect();
                let name = get("name").to_string();
                if let VetForm::EditMember { member, .. } = form {
                    let n = cx.store.write(|w| store::update_member(w, *member, &resolved))?;
                    self.after_write(Some(*member), cx)?;
                    Ok(if n == 0 { "No changes".into() } else { format!("{name} saved ({n} field{})", plural(n)) })
                } else {
                    let id = cx.store.write(|w| store::create_member(w, *provider, &resolved))?;
                    self.after_write(Some(id), cx)?;
                    self.col = 1;
                    Ok(format!("{name} added to {}", self.provider_name()))
                }
            }
            VetForm::Check { member, kind } => {
                cx.store.write(|w| store::save_check(w, *member, *kind, values))?;
                self.after_write(Some(*member), cx)?;
                // A recorded result moves on to the next check, as the quick marks do (the reference count's
                // dialog after the pass key included).
                let status = CheckStatus::parse(&get("status").to_string());
                if status != CheckStatus::Pending && self.kind() == Some(*kind) {
                    self.col = (self.col + 1).min(CheckKind::ALL.len());
                }
                Ok(format!("{}: {} {}", self.name_of(*member), kind.label(), status.label()))
            }
            VetForm::Waive { member, kind } | VetForm::Forbidden { member, kind } => {
                let status = if matches!(form, VetForm::Waive { .. }) { "waived" } else { "not_permitted" };
                let existing = self.row_of(*member).and_then(|r| r.checks[kind.index()].clone());
                let mut all: Vec<(&'static str, Value)> = vec![("status", Value::text(status)), ("note", get("note"))];
                if existing.as_ref().is_none_or(|c| c.checked_on.is_none()) {
                    all.push(("checked_on", Value::text(cx.today.to_string())));
                }
                if existing.as_ref().is_none_or(|c| c.verifier.is_none()) {
                    all.push(("verifier", Value::text(cx.store.assessor())));
                }
                cx.store.write(|w| store::save_check(w, *member, *kind, &all))?;
                self.after_write(Some(*member), cx)?;
                if self.kind() == Some(*kind) {
                    self.col = (self.col + 1).min(CheckKind::ALL.len());
                }
                Ok(format!(
                    "{}: {} {} (reason recorded)",
                    self.name_of(*member),
                    kind.label(),
                    CheckStatus::parse(status).label()
                ))
            }
            VetForm::NewConflict(engagement) => {
                cx.store.write(|w| store::create_conflict(w, *engagement, values))?;
                self.after_write(None, cx)?;
                self.conflict_cursor.last();
                Ok(format!("“{}” and “{}” are now kept apart", get("role_a"), get("role_b")))
            }
            VetForm::EditConflict(id) => {
                let n = cx.store.write(|w| store::update_conflict(w, *id, values))?;
                self.after_write(None, cx)?;
                Ok(if n == 0 { "No changes".into() } else { "Role conflict saved".into() })
            }
        }
    }

    /// A yes to one of the tab's questions: a deletion, or a check set back to pending.
    pub(super) fn answer(&mut self, ask: &VetAsk, cx: &mut Cx) -> Result<()> {
        let (result, select) = match ask {
            VetAsk::DeleteMember(id) => {
                let name = self.name_of(*id);
                let done = cx.store.write(|w| store::delete_member(w, *id));
                (done.map(|_| format!("{name} removed from the roster")).map_err(|e| format!("Not deleted: {e}")), None)
            }
            VetAsk::DeleteConflict(id) => {
                let done = cx.store.write(|w| store::delete_conflict(w, *id));
                (done.map(|_| "Role conflict deleted".to_string()).map_err(|e| format!("Not deleted: {e}")), None)
            }
            VetAsk::ResetCheck { member, kind } => {
                let values = [("status", Value::text(CheckStatus::Pending.as_ref()))];
                let done = cx.store.write(|w| store::save_check(w, *member, *kind, &values));
                let name = self.name_of(*member);
                let msg = format!("{name}: {} reset to pending", kind.label());
                (done.map(|_| msg).map_err(|e| format!("Not saved: {e}")), Some(*member))
            }
        };
        match result {
            Ok(msg) => {
                self.after_write(select, cx)?;
                cx.saved(msg);
            }
            Err(e) => cx.error(e),
        }
        Ok(())
    }
}
