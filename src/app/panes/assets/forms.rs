//! The forms and questions of the Assets tab: hand-over, return, destruction, grant, revocation and close, each
//! checked as a whole before it is saved, and the deletions.
//!
//! The holder is resolved against the team as the store has it when the form is checked and again when it is
//! saved, so members added or renamed in any tab count at once.

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::{AssetPane, candidates, current_status, left_by};
use crate::app::pane::{Cx, Intent, Values};
use crate::domain::assets::{self, Asset, AssetState, Close, CloseRefused, Grant};
use crate::domain::{FieldKind, FieldSpec, Value, plural};
use crate::keys::{Action, Context};
use crate::store::assets as store;
use crate::store::assets::Member;

/// The one field of the close form.
const CLOSE_FIELDS: &[FieldSpec] =
    &[FieldSpec::new("reason", "Reason to close with items outstanding", FieldKind::LongText).required()];

/// The forms of the Assets tab.
#[derive(Debug, Clone, PartialEq)]
enum AssetForm {
    /// A new asset; in a series, saving opens the next one pre-filled.
    New {
        engagement: i64,
        series: bool,
    },
    Edit(i64),
    Return(i64),
    Destroy(i64),
    NewGrant(i64),
    EditGrant(i64),
    Revoke(i64),
    /// Closing an engagement with items outstanding: the reason is required.
    Close(i64),
}

/// The questions of the Assets tab.
#[derive(Debug, Clone, PartialEq)]
enum AssetAsk {
    Delete(i64),
    DeleteGrant(i64),
}

fn get<'a>(values: &'a Values, key: &str) -> &'a Value {
    values.iter().find(|(k, _)| *k == key).map_or(&Value::Null, |(_, v)| v)
}

fn text(values: &Values, key: &str) -> String {
    get(values, key).to_string()
}

/// Columns to write, with the team member the holder resolved to.
type Columns = Vec<(&'static str, Value)>;

/// Whether a grant form marks its holder as someone outside the team.
fn outside(values: &Values) -> bool {
    matches!(get(values, "outside"), Value::Int(1))
}

fn opt(values: &Values, key: &str) -> Option<String> {
    Some(text(values, key)).filter(|s| !s.is_empty())
}

impl AssetPane {
    pub(super) fn ask_delete(&self, cx: &mut Cx) {
        if let Some((a, _)) = self.selected() {
            cx.confirm(
                "Delete asset",
                format!("Delete the asset {} and its hand-over and return record? {}", a.tag, cx.undo_note()),
                AssetAsk::Delete(a.id),
            );
        }
    }

    pub(super) fn ask_delete_grant(&self, cx: &mut Cx) {
        if let Some((g, _)) = self.selected_grant() {
            cx.confirm(
                "Delete access grant",
                format!(
                    "Delete the grant of {} to {}? Delete only a grant recorded in error: a real one is revoked ({}). \
                     {}",
                    g.target,
                    g.holder_name.as_deref().unwrap_or("nobody"),
                    cx.key(Context::Access, &Action::Revoke),
                    cx.undo_note()
                ),
                AssetAsk::DeleteGrant(g.id),
            );
        }
    }

    pub(super) fn open_new_asset(&self, series: bool, cx: &mut Cx) {
        let Some(engagement) = self.engagement else { return };
        let last = self
            .last_added
            .and_then(|id| self.all.iter().find(|a| a.id == id))
            .or_else(|| self.all.iter().max_by_key(|a| a.id));
        let (title, values) = match (series, last) {
            (true, Some(a)) => (
                format!(
                    "Next asset after {} ({} adds, {} ends the series)",
                    a.tag,
                    cx.key(Context::Form, &Action::Submit),
                    cx.key(Context::Form, &Action::Cancel)
                ),
                self.series_values(a),
            ),
            (true, None) => ("New asset (the first of a series)".to_string(), Asset::defaults()),
            (false, _) => ("New asset".to_string(), Asset::defaults()),
        };
        cx.open_form(title, AssetForm::New { engagement, series }, Asset::FIELDS, &values);
    }

    /// The pre-filled values of the next asset of a series, with the holder named so that it resolves again.
    fn series_values(&self, a: &Asset) -> Vec<Value> {
        let mut values = a.next_in_series();
        if let (Some(id), Some(pos)) = (a.holder_id, Asset::FIELDS.iter().position(|f| f.key == "holder")) {
            let candidates = self.candidates();
            if let Some(i) = self.members.iter().position(|m| m.id == id) {
                values[pos] = Value::text(assets::holder_label(&candidates, i));
            }
        }
        values
    }

    pub(super) fn open_edit_asset(&self, cx: &mut Cx) {
        let Some((a, _)) = self.selected() else { return };
        let mut values: Vec<Value> = Asset::FIELDS.iter().map(|f| a.value(f.key)).collect();
        if let Some(pos) = Asset::FIELDS.iter().position(|f| f.key == "holder") {
            values[pos] = self.series_values(a)[pos].clone();
        }
        let title =
            format!("Edit asset {} — {}", crate::app::panes::refs::label(crate::store::Table::Asset, a.number), a.tag);
        let mut form = cx.form(title, AssetForm::Edit(a.id), Asset::FIELDS, &values);
        // What was said about it in interviews, so that the asset's form shows its journal as a risk's view does.
        form.intro.extend(crate::app::panes::overview::journal::linked_brief(cx, crate::store::Table::Asset, a.id, 3));
        cx.open(form);
    }

    /// The return (or destruction) form: today filled in; the verifier is left to be named, never assumed.
    pub(super) fn open_disposal(&self, destroy: bool, cx: &mut Cx) {
        let Some((a, state)) = self.selected() else { return };
        if state == AssetState::NotIssued {
            let edit = cx.key(Context::Assets, &Action::Edit);
            cx.error(format!("{} was never handed over: record the hand-over first ({edit})", a.tag));
            return;
        }
        let specs = if destroy { Asset::DESTRUCTION_FIELDS } else { Asset::RETURN_FIELDS };
        let values: Vec<Value> = specs
            .iter()
            .map(|f| match f.key {
                "returned_on" => Value::text(cx.today.to_string()),
                "condition" if !destroy => Value::text("Good"),
                _ => Value::Null,
            })
            .collect();
        let (title, purpose) = if destroy {
            (format!("Record destruction — {}", a.tag), AssetForm::Destroy(a.id))
        } else {
            (format!("Record return — {}", a.tag), AssetForm::Return(a.id))
        };
        let mut form = cx.form(title, purpose, specs, &values);
        if let Some(g) = a.gap().filter(|_| a.disposition.is_some()) {
            form.intro = vec![format!("Already recorded as {}, but {g}.", a.disposition.as_deref().unwrap_or(""))];
        } else if let Some(d) = &a.disposition {
            form.intro = vec![format!("Already recorded as {d}; saving replaces that record.")];
        }
        if destroy {
            form.focus_key("certificate");
        }
        cx.open(form);
    }

    pub(super) fn open_new_grant(&self, cx: &mut Cx) {
        let Some(engagement) = self.engagement else { return };
        cx.open_form("New access grant", AssetForm::NewGrant(engagement), Grant::FIELDS, &Grant::defaults(cx.today));
    }

    pub(super) fn open_edit_grant(&self, cx: &mut Cx) {
        let Some((g, _)) = self.selected_grant() else { return };
        let mut values: Vec<Value> = Grant::FIELDS.iter().map(|f| g.value(f.key)).collect();
        // A member's name is given so that it resolves to the same person again (twins get their provider).
        if let (Some(id), Some(pos)) = (g.holder_id, Grant::FIELDS.iter().position(|f| f.key == "holder"))
            && let Some(i) = self.members.iter().position(|m| m.id == id)
        {
            values[pos] = Value::text(assets::holder_label(&self.candidates(), i));
        }
        let title = format!(
            "Edit access grant {} — {}",
            crate::app::panes::refs::label(crate::store::Table::AccessGrant, g.number),
            g.target
        );
        cx.open_form(title, AssetForm::EditGrant(g.id), Grant::FIELDS, &values);
    }

    pub(super) fn open_revoke(&self, cx: &mut Cx) {
        let Some((g, _)) = self.selected_grant() else { return };
        let values = vec![
            Value::text(g.revoked_on.clone().unwrap_or_else(|| cx.today.to_string())),
            // Whoever checked the removal is named, not assumed to be the assessor.
            Value::from(g.verified_by.clone()),
        ];
        cx.open_form(
            format!("Revoke {} — {}", g.target, g.holder_name.as_deref().unwrap_or("")),
            AssetForm::Revoke(g.id),
            Grant::REVOKE_FIELDS,
            &values,
        );
    }

    /// The close action: straight away when nothing is outstanding, otherwise a form that lists what is and asks
    /// for the reason. A failed write says so and leaves the engagement open.
    pub(super) fn start_close(&mut self, cx: &mut Cx) -> Result<()> {
        let Some(engagement) = self.engagement else { return Ok(()) };
        match assets::close(current_status(cx.session), &self.blockers, None) {
            Err(CloseRefused::AlreadyClosed) => cx.toast("This engagement is already closed"),
            Ok(how) => {
                let note = assets::close_note(&self.blockers, &how);
                match cx.store.write(|w| store::close_engagement(w, engagement, &note)) {
                    Ok(()) => {
                        self.after_write(None, cx)?;
                        cx.saved("Engagement closed: nothing outstanding");
                    }
                    Err(e) => cx.error(format!("Not closed: {e}")),
                }
            }
            Err(CloseRefused::NeedsReason { outstanding }) => {
                let name = cx.session.current.as_ref().map(|e| e.name.clone()).unwrap_or_default();
                let mut intro = vec![format!(
                    "{outstanding} item{} still block the close:",
                    if outstanding == 1 { "" } else { "s" }
                )];
                intro.extend(self.blockers.summary_lines().into_iter().map(|l| format!("  • {l}")));
                intro.push("Closing anyway records this reason in a note on the engagement.".into());
                let mut form = cx.form(
                    format!("Close {name} with items outstanding?"),
                    AssetForm::Close(engagement),
                    CLOSE_FIELDS,
                    &[],
                );
                form.intro = intro;
                cx.open(form);
            }
        }
        Ok(())
    }

    /// A yes to a deletion.
    pub(super) fn delete(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        let result = match intent.get::<AssetAsk>() {
            Some(AssetAsk::Delete(id)) => cx.store.write(|w| store::delete(w, *id)).map(|_| "Asset deleted"),
            Some(AssetAsk::DeleteGrant(id)) => {
                cx.store.write(|w| store::delete_grant(w, *id)).map(|_| "Access grant deleted")
            }
            None => return Ok(()),
        };
        match result {
            Ok(msg) => {
                self.after_write(None, cx)?;
                cx.saved(msg);
            }
            Err(e) => cx.error(format!("Not deleted: {e}")),
        }
        Ok(())
    }

    /// Checks an asset or grant form as a whole: the holder resolves, the tag is new, the dates are in order.
    pub(super) fn rule(&self, intent: &Intent, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        match intent.get::<AssetForm>()? {
            form @ (AssetForm::New { .. } | AssetForm::Edit(_)) => {
                if let Err(e) = self.resolve_member(&text(values, "holder"), cx) {
                    return Some(("holder", e));
                }
                let tag = text(values, "tag");
                let me = match form {
                    AssetForm::Edit(id) => Some(*id),
                    _ => None,
                };
                if self.all.iter().any(|a| a.tag.eq_ignore_ascii_case(&tag) && Some(a.id) != me) {
                    return Some(("tag", format!("{tag} is already used in this engagement")));
                }
                Asset::check(values).err()
            }
            AssetForm::Return(id) | AssetForm::Destroy(id) => {
                self.all.iter().find(|a| a.id == *id).and_then(|a| a.check_disposal(values).err())
            }
            AssetForm::NewGrant(_) | AssetForm::EditGrant(_) => {
                if !outside(values)
                    && let Err(e) = self.resolve_member(&text(values, "holder"), cx)
                {
                    return Some(("holder", format!("{e} (an outside holder is marked as such below)")));
                }
                Grant::check(values).err()
            }
            AssetForm::Revoke(id) => {
                let g = self.grants.iter().find(|g| g.id == *id)?;
                let granted = g.granted_on.clone().map(Value::text).unwrap_or(Value::Null);
                let mut all = values.to_vec();
                all.push(("granted_on", granted));
                Grant::check(&all).err()
            }
            AssetForm::Close(_) => None,
        }
    }

    /// Resolves a typed holder against the team as the store has it now (members added or renamed in any tab
    /// count at once): the member, none for a blank name, or the reason it names nobody.
    fn resolve_member(&self, typed: &str, cx: &Cx) -> std::result::Result<Option<Member>, String> {
        let Some(engagement) = self.engagement else { return Ok(None) };
        let members = store::members(cx.store.conn(), engagement).map_err(|e| format!("cannot read the team: {e}"))?;
        // A member's short reference ("M-40") names them as exactly as a name does.
        if let Some((crate::store::Table::TeamMember, _)) = crate::store::ids::parse_ref(typed) {
            let found =
                crate::store::ids::find_in(cx.store.conn(), crate::store::Table::TeamMember, Some(engagement), typed)?;
            return match found.and_then(|id| members.iter().find(|m| m.id == id)) {
                Some(m) => Ok(Some(m.clone())),
                None => Err(format!("no team member of this engagement is {}", typed.trim().to_uppercase())),
            };
        }
        let i = assets::resolve_holder(&candidates(&members), typed)?;
        Ok(i.and_then(|i| members.get(i).cloned()))
    }

    /// The asset's columns from a hand-over form, the holder resolved to a team member.
    fn asset_columns(&self, values: &Values, cx: &Cx) -> Result<(Columns, Option<Member>)> {
        let holder = self.resolve_member(&text(values, "holder"), cx).map_err(|e| eyre!(e))?;
        let mut out: Columns = values.iter().filter(|(k, _)| *k != "holder").map(|(k, v)| (*k, v.clone())).collect();
        out.push(("holder_id", Value::from(holder.as_ref().map(|m| m.id))));
        Ok((out, holder))
    }

    /// A grant's columns: the holder resolved to a team member exactly as an asset's is, or, when the form marks
    /// the holder as outside the team, kept by name and linked to nobody.
    fn grant_columns(&self, values: &Values, cx: &Cx) -> Result<(Columns, Option<Member>)> {
        let typed = text(values, "holder");
        let member = if outside(values) { None } else { self.resolve_member(&typed, cx).map_err(|e| eyre!(e))? };
        let mut out: Columns =
            values.iter().filter(|(k, _)| !matches!(*k, "holder" | "outside")).map(|(k, v)| (*k, v.clone())).collect();
        out.push(("holder_id", Value::from(member.as_ref().map(|m| m.id))));
        out.push(("holder_name", Value::text(member.as_ref().map_or(typed, |m| m.name.clone()))));
        Ok((out, member))
    }

    /// The saved message, turned into a warning when the holder has already left the team.
    fn saved_with_holder(msg: String, holder: Option<&Member>, what: &str, cx: &mut Cx) -> String {
        match holder.and_then(|m| left_by(m, cx.today).map(|on| (m.name.clone(), on))) {
            Some((name, on)) => {
                cx.saved(msg.clone());
                cx.error(format!("{msg} — but {name} left the team on {on}: {what} a leaver"));
                String::new()
            }
            None => msg,
        }
    }

    /// Commits a form of the tab; returns the message to show.
    pub(super) fn commit(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        let Some(form) = intent.get::<AssetForm>() else { return Ok(String::new()) };
        match form {
            AssetForm::New { engagement, series } => {
                let (cols, holder) = self.asset_columns(values, cx)?;
                let id = cx.store.write(|w| store::create(w, *engagement, &cols))?;
                self.last_added = Some(id);
                self.after_write(Some(id), cx)?;
                let tag = text(values, "tag");
                let msg = if *series {
                    self.open_new_asset(true, cx);
                    let end = cx.key(Context::Form, &Action::Cancel);
                    format!("Asset {tag} added — the next is ready ({end} ends the series)")
                } else {
                    format!("Asset {tag} added")
                };
                Ok(Self::saved_with_holder(msg, holder.as_ref(), "it is with", cx))
            }
            AssetForm::Edit(id) => {
                let (cols, holder) = self.asset_columns(values, cx)?;
                let n = cx.store.write(|w| store::update(w, *id, &cols))?;
                self.after_write(Some(*id), cx)?;
                let msg = if n == 0 { "No changes".into() } else { format!("Asset saved ({n} field{})", plural(n)) };
                let out = self.all.iter().find(|a| a.id == *id).is_some_and(|a| a.state(cx.today).is_outstanding());
                Ok(if out { Self::saved_with_holder(msg, holder.as_ref(), "it is with", cx) } else { msg })
            }
            AssetForm::Return(id) => {
                let (on, by, condition) =
                    (text(values, "returned_on"), text(values, "verified_by"), opt(values, "condition"));
                cx.store.write(|w| store::record_return(w, *id, &on, &by, condition.as_deref()))?;
                self.after_write(Some(*id), cx)?;
                Ok(format!("Return recorded on {on}, verified by {by}"))
            }
            AssetForm::Destroy(id) => {
                let (on, by, cert) =
                    (text(values, "returned_on"), text(values, "verified_by"), text(values, "certificate"));
                let remarks = opt(values, "condition");
                cx.store.write(|w| store::record_destruction(w, *id, &on, &by, &cert, remarks.as_deref()))?;
                self.after_write(Some(*id), cx)?;
                Ok(format!("Destruction recorded on {on} (certificate {cert})"))
            }
            AssetForm::NewGrant(engagement) => {
                let (cols, holder) = self.grant_columns(values, cx)?;
                let id = cx.store.write(|w| store::create_grant(w, *engagement, &cols))?;
                self.after_write(None, cx)?;
                self.select_grant_id(id);
                let active = self.selected_grant().is_some_and(|(_, s)| s.is_outstanding());
                let msg = "Access grant added".to_string();
                Ok(if active { Self::saved_with_holder(msg, holder.as_ref(), "access granted to", cx) } else { msg })
            }
            AssetForm::EditGrant(id) => {
                let (cols, holder) = self.grant_columns(values, cx)?;
                let n = cx.store.write(|w| store::update_grant(w, *id, &cols))?;
                self.after_write(None, cx)?;
                self.select_grant_id(*id);
                let msg = if n == 0 { "No changes".into() } else { format!("Grant saved ({n} field{})", plural(n)) };
                let active = self.selected_grant().is_some_and(|(_, s)| s.is_outstanding());
                Ok(if active { Self::saved_with_holder(msg, holder.as_ref(), "access granted to", cx) } else { msg })
            }
            AssetForm::Revoke(id) => {
                let (on, by) = (text(values, "revoked_on"), text(values, "verified_by"));
                cx.store.write(|w| store::revoke(w, *id, &on, &by))?;
                self.after_write(None, cx)?;
                self.select_grant_id(*id);
                Ok(format!("Revoked on {on}, verified by {by}"))
            }
            AssetForm::Close(engagement) => {
                // Look again: something may have been returned since the form opened.
                crate::app::pane::Pane::load(self, cx)?;
                let reason = opt(values, "reason");
                match assets::close(current_status(cx.session), &self.blockers, reason.as_deref()) {
                    Ok(how) => {
                        let note = assets::close_note(&self.blockers, &how);
                        let outstanding = self.blockers.total();
                        cx.store.write(|w| store::close_engagement(w, *engagement, &note))?;
                        self.after_write(None, cx)?;
                        Ok(match how {
                            Close::Clean => "Engagement closed: nothing outstanding".into(),
                            Close::WithReason(_) => {
                                format!("Engagement closed with {outstanding} outstanding (reason recorded)")
                            }
                        })
                    }
                    Err(CloseRefused::AlreadyClosed) => Ok("This engagement is already closed".into()),
                    Err(CloseRefused::NeedsReason { .. }) => Err(eyre!("a reason is required")),
                }
            }
        }
    }
}
