//! The forms and questions about an engagement: new, edit, delete, a note, a phase move with its gate and the way
//! back, and reopening a closed one. The Overview opens the same forms; the Engagements pane saves them all.

use color_eyre::Result;

use super::EngagementsPane;
use crate::app::Tab;
use crate::app::closed::CLOSED;
use crate::app::pane::{Cx, Effect, Intent, Session, Values};
use crate::catalog::{self, Use};
use crate::domain::engagement::REPORT_KEYS;
use crate::domain::plural;
use crate::domain::{Engagement, FieldKind, FieldSpec, Phase, Value, workflow};
use crate::keys::{Action, Context};
use crate::store::{Table, checklist, criteria, engagements, journal, notes, settings};
use crate::widgets::form::Form;

/// The one field of the phase gate.
const GATE_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Reason to go on anyway", FieldKind::LongText).required()];

/// The one field of the confirmation that moves an engagement back.
const BACK_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Why move back", FieldKind::LongText).required()];

/// The one field of the note form.
const NOTE_FIELDS: &[FieldSpec] = &[FieldSpec::new("text", "What was said or seen", FieldKind::LongText).required()];

/// The one field of the reopen form.
const REOPEN_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Why reopen it", FieldKind::LongText).required()];

/// The forms about an engagement.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum EngagementForm {
    New,
    Edit(i64),
    SetPhase(i64),
    Note(i64),
    /// Moving on with items of the phase left still open: the reason is required.
    Gate {
        engagement: i64,
        from: Phase,
        to: Phase,
        open_refs: Vec<String>,
    },
    /// Moving back to an earlier phase: asked first, the reason is required and recorded.
    Back {
        engagement: i64,
        from: Phase,
        to: Phase,
    },
    /// Reopening a closed engagement: the reason is required and recorded.
    Reopen(i64),
}

impl EngagementForm {
    /// The engagement the form writes to (`None` for a new one, and for reopening, which a closed engagement
    /// allows).
    pub(super) fn target(&self) -> Option<i64> {
        match self {
            EngagementForm::New | EngagementForm::Reopen(_) => None,
            EngagementForm::Edit(id) | EngagementForm::SetPhase(id) | EngagementForm::Note(id) => Some(*id),
            EngagementForm::Gate { engagement, .. } | EngagementForm::Back { engagement, .. } => Some(*engagement),
        }
    }
}

/// The questions about an engagement.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum EngagementAsk {
    Delete(i64),
}

/// A form about an engagement, whichever tab opens it: the Engagements pane saves it.
fn form(title: impl Into<String>, data: EngagementForm, specs: &[FieldSpec], values: &[Value]) -> Form<Intent> {
    Form::new(title, Intent::new(Tab::Engagements, data), specs, values)
}

/// A new engagement's form: the report's narrative is written later, from the edit form (the classification starts
/// as Confidential).
pub(super) fn open_new(cx: &mut Cx) {
    let (fields, values): (Vec<FieldSpec>, Vec<Value>) = Engagement::FIELDS
        .iter()
        .zip(Engagement::defaults())
        .filter(|(f, _)| !REPORT_KEYS.contains(&f.key))
        .map(|(f, v)| (*f, v))
        .unzip();
    cx.open(form("New engagement", EngagementForm::New, &fields, &values));
}

/// Edits every field but the phase, which moves only through the phase gate.
pub(crate) fn open_edit(e: &Engagement, cx: &mut Cx) {
    let fields: Vec<FieldSpec> = Engagement::FIELDS.iter().filter(|f| f.key != "phase").copied().collect();
    let values: Vec<Value> = fields.iter().map(|f| e.value(f.key)).collect();
    let title = format!("Edit engagement {} — {}", crate::app::panes::refs::label(Table::Engagement, e.number), e.name);
    cx.open(form(title, EngagementForm::Edit(e.id), &fields, &values));
}

pub(crate) fn open_set_phase(e: &Engagement, cx: &mut Cx) {
    let spec: Vec<FieldSpec> = Engagement::FIELDS.iter().filter(|f| f.key == "phase").copied().collect();
    let keys =
        format!("{} {}", cx.key(Context::Form, &Action::CursorLeft), cx.key(Context::Form, &Action::CursorRight));
    cx.open(form(
        format!("Phase of {} ({} or letters)", e.name, keys.trim()),
        EngagementForm::SetPhase(e.id),
        &spec,
        &[e.value("phase")],
    ));
}

pub(crate) fn open_note(e: &Engagement, cx: &mut Cx) {
    cx.open(form(format!("Journal entry on {}", e.name), EngagementForm::Note(e.id), NOTE_FIELDS, &[]));
}

/// Reopens a closed engagement, asking why.
pub(super) fn open_reopen(e: &Engagement, cx: &mut Cx) {
    if e.status != CLOSED {
        cx.toast(format!("“{}” is not closed", e.name));
        return;
    }
    let mut f = form(format!("Reopen {}?", e.name), EngagementForm::Reopen(e.id), REOPEN_FIELDS, &[]);
    f.intro = vec![format!(
        "“{}” is closed and read-only. Reopening makes it editable again; the reason is recorded.",
        e.name
    )];
    cx.open(f);
}

/// Asks before deleting an engagement, naming what it holds.
pub(super) fn ask_delete(e: &Engagement, cx: &mut Cx) -> Result<()> {
    let s = engagements::summary(cx.store.conn(), e.id, &cx.today.to_string())?;
    let held = [
        (s.providers, "provider", "providers"),
        (s.risks, "risk", "risks"),
        (s.members, "team member", "team members"),
        (s.assets, "asset", "assets"),
        (s.checklist_total, "checklist item", "checklist items"),
        (s.journal, "journal entry", "journal entries"),
    ]
    .iter()
    .filter(|(n, ..)| *n > 0)
    .map(|&(n, one, many)| crate::domain::count(n as usize, one, many))
    .collect::<Vec<_>>();
    let contents =
        if held.is_empty() { "It holds no records yet.".to_string() } else { format!("It holds {}.", held.join(", ")) };
    cx.confirm(
        "Delete engagement",
        format!("Delete “{}” and everything recorded under it? {contents} {}", e.name, cx.undo_note()),
        EngagementAsk::Delete(e.id),
    );
    Ok(())
}

/// A rule across the fields of an engagement form.
pub(super) fn rule(data: &EngagementForm, values: &Values, session: &Session) -> Option<(&'static str, String)> {
    match data {
        // Closing goes through the close-out, which checks what is outstanding and records the reason.
        EngagementForm::Edit(id) => {
            let was = session.engagement(*id).map(|e| e.status.as_str());
            let status = values.iter().find(|(k, _)| *k == "status").map(|(_, v)| v.to_string()).unwrap_or_default();
            (status == CLOSED && was != Some(CLOSED))
                .then(|| ("status", "close the engagement from the close-out view of the Assets tab".to_string()))
        }
        _ => None,
    }
}

fn reason(values: &Values) -> Option<String> {
    values.first().map(|(_, v)| v.to_string())
}

impl EngagementsPane {
    /// Commits a form about an engagement through the store; returns the message to show ("" when it opened a
    /// follow-up).
    pub(super) fn save_form(&mut self, data: &EngagementForm, values: &Values, cx: &mut Cx) -> Result<String> {
        match data {
            EngagementForm::New => {
                let id = cx.store.write(|w| {
                    let id = engagements::create(w, values)?;
                    criteria::insert_defaults(w, id)?;
                    checklist::seed(w, id)?;
                    settings::set(w, settings::CURRENT_ENGAGEMENT, &id.to_string())?;
                    Ok(id)
                })?;
                self.after_write(id, cx);
                cx.push(Effect::Open(id));
                Ok("Engagement created".into())
            }
            EngagementForm::Edit(id) => {
                let n = cx.store.write(|w| engagements::update(w, *id, values))?;
                self.after_write(*id, cx);
                Ok(if n == 0 { "No changes".into() } else { format!("Saved ({n} field{})", plural(n)) })
            }
            EngagementForm::SetPhase(id) => self.move_phase(*id, values, cx),
            EngagementForm::Back { engagement, from, to } => {
                let reason = reason(values);
                cx.store.write(|w| checklist::change_phase(w, *engagement, *from, *to, &[], reason.as_deref()))?;
                self.after_write(*engagement, cx);
                Ok(format!("Moved back to {} (reason recorded)", to.label()))
            }
            EngagementForm::Gate { engagement, from, to, open_refs } => {
                let reason = reason(values);
                cx.store
                    .write(|w| checklist::change_phase(w, *engagement, *from, *to, open_refs, reason.as_deref()))?;
                self.after_write(*engagement, cx);
                Ok(format!(
                    "Moved to {} with {} open item{} (reason recorded)",
                    to.label(),
                    open_refs.len(),
                    plural(open_refs.len())
                ))
            }
            EngagementForm::Note(id) => {
                // A note on an engagement is an entry of its interview journal, about the engagement as a whole.
                let text = reason(values).unwrap_or_default();
                let said_at = cx.store.now();
                let entry =
                    journal::NewEntry { said_at: &said_at, text: &text, interviewed: None, present: None, link: None };
                cx.store.write(|w| journal::add(w, *id, &entry))?;
                cx.changed();
                Ok("Journal entry added".into())
            }
            EngagementForm::Reopen(id) => {
                let reason = reason(values).unwrap_or_default();
                cx.store.write(|w| {
                    engagements::update(w, *id, &[("status", Value::text("active"))])?;
                    notes::add(w, *id, Some((Table::Engagement, *id)), &format!("Reopened: {reason}"))
                })?;
                cx.changed();
                Ok("Engagement reopened (reason recorded)".into())
            }
        }
    }

    /// After a write to the engagement `id`: everything reloads, and the list keeps `id` selected.
    fn after_write(&mut self, id: i64, cx: &mut Cx) {
        self.select = Some(id);
        cx.changed();
    }

    /// Moves an engagement to the phase chosen in the form: forward straight away when nothing of the phase being
    /// left is open, otherwise through the gate, which lists the open items and asks for a reason; back only after
    /// a confirmation that asks why (recorded like a forward move).
    fn move_phase(&mut self, id: i64, values: &Values, cx: &mut Cx) -> Result<String> {
        let Some(e) = engagements::get(cx.store.conn(), id)? else { return Ok("Engagement not found".into()) };
        let to: Phase = values.first().and_then(|(_, v)| v.to_string().parse().ok()).unwrap_or(e.phase);
        if to == e.phase {
            return Ok("Phase unchanged".into());
        }
        if (to as u8) < (e.phase as u8) {
            let mut f = form(
                format!("Move {} back to {}?", e.name, to.label()),
                EngagementForm::Back { engagement: id, from: e.phase, to },
                BACK_FIELDS,
                &[],
            );
            f.intro = vec![
                format!(
                    "{} is in {}. Moving it back to {} is recorded with the reason.",
                    e.name,
                    e.phase.label(),
                    to.label()
                ),
                format!("{} keeps the phase as it is.", cx.key(Context::Form, &Action::Cancel)),
            ];
            cx.open(f);
            return Ok(String::new());
        }
        let rows = checklist::rows(cx.store.conn(), id)?;
        let status = rows.iter().map(|(k, r)| (k.clone(), r.status)).collect();
        let open = workflow::gate(catalog::catalog().with_use(Use::Workflow), &status, e.phase, to);
        if open.is_empty() {
            cx.store.write(|w| checklist::change_phase(w, id, e.phase, to, &[], None))?;
            self.after_write(id, cx);
            return Ok(format!("Phase set to {}", to.label()));
        }
        let mut intro = vec![format!(
            "{} item{} of {} {} still open:",
            open.len(),
            plural(open.len()),
            e.phase.label(),
            if open.len() == 1 { "is" } else { "are" }
        )];
        intro.extend(open.iter().take(8).map(|i| format!("  [ ] {}  {}", i.id, i.title)));
        if open.len() > 8 {
            intro.push(format!("  … and {} more (see the Workflow tab)", open.len() - 8));
        }
        intro.push("Give the reason to go on anyway; it is recorded with the phase change.".into());
        let mut f = form(
            format!("Move {} to {}?", e.name, to.label()),
            EngagementForm::Gate {
                engagement: id,
                from: e.phase,
                to,
                open_refs: open.iter().map(|i| i.id.clone()).collect(),
            },
            GATE_FIELDS,
            &[],
        );
        f.intro = intro;
        cx.open(f);
        Ok(String::new())
    }

    /// A yes to deleting an engagement: it goes with everything under it; when it was the current one, the first
    /// left becomes current. The list stays on screen.
    pub(super) fn delete(&mut self, id: i64, cx: &mut Cx) {
        let name = cx.session.engagement(id).map(|e| e.name.clone()).unwrap_or_default();
        match cx.store.write(|w| engagements::delete(w, id)) {
            Ok(_) => {
                cx.changed();
                if cx.session.current_id() == Some(id)
                    && let Some(first) = cx.session.engagements.iter().find(|e| e.id != id)
                {
                    cx.push(Effect::Open(first.id));
                }
                cx.push(Effect::Show(Tab::Engagements));
                cx.saved(format!("Deleted “{name}”"));
            }
            Err(e) => cx.error(format!("Not deleted: {e}")),
        }
    }
}
