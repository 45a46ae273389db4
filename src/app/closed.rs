//! A closed engagement is read-only: every action that would write to it is refused with a message saying how to
//! reopen it, and reopening is itself a recorded action that asks why.

use color_eyre::Result;

use super::form::Form;
use super::{Action, App, Context, FormPurpose, Overlay, Tab};
use crate::domain::{Engagement, FieldKind, FieldSpec, Value};
use crate::store::{Table, engagements, notes};

/// The one field of the reopen form.
const REOPEN_FIELDS: &[FieldSpec] = &[FieldSpec::new("reason", "Why reopen it", FieldKind::LongText).required()];

/// The status a closed engagement has.
pub const CLOSED: &str = "closed";

impl App {
    /// The engagement an action in the current context would act on: the selected row on the Engagements tab, the
    /// current engagement on every other tab.
    fn target_engagement(&self) -> Option<&Engagement> {
        if let Some(p) = self.pane_ref(self.tab) {
            return p.target(&self.session);
        }
        match self.tab {
            Tab::Engagements => self.engagements.selected(&self.session.engagements),
            _ => self.session.current.as_ref(),
        }
    }

    /// Whether `action` in the current context would change the engagement it acts on.
    fn writes(&self, action: &Action) -> bool {
        if let Some(p) = self.pane_ref(self.tab) {
            return p.writes(action);
        }
        let ctx = self.context();
        match action {
            // On the Engagements list and the Overview, `a` starts a new engagement: nothing of this one changes.
            Action::Add => !matches!(ctx, Context::List | Context::Overview),
            a => super::pane::writes_by_default(a),
        }
    }

    /// The message that refuses a write to a closed engagement, naming the key that reopens it.
    pub(super) fn closed_message(&self, name: &str) -> String {
        let key = self.keymap.key_for(Context::Overview, &Action::Reopen).map(|k| k.to_string());
        match key {
            Some(k) => format!("“{name}” is closed and read-only; press {k} on the Overview to reopen it"),
            None => format!("“{name}” is closed and read-only until it is reopened"),
        }
    }

    /// Refuses an action that would write to a closed engagement: true when refused (a message says why).
    pub(super) fn refuse_if_closed(&mut self, action: &Action) -> bool {
        let Some(e) = self.target_engagement().filter(|e| e.status == CLOSED) else { return false };
        if !self.writes(action) {
            return false;
        }
        let msg = self.closed_message(&e.name.clone());
        self.toast_error(msg);
        true
    }

    /// Refuses to save a form that writes to a closed engagement (the last line of defence: such forms are not
    /// opened in the first place).
    pub(super) fn closed_form_target(&self, purpose: &FormPurpose) -> Option<String> {
        let id = match purpose {
            FormPurpose::NewEngagement | FormPurpose::Reopen(_) => return None,
            FormPurpose::EditEngagement(id) | FormPurpose::SetPhase(id) => *id,
            FormPurpose::Note { engagement, .. }
            | FormPurpose::PhaseGate { engagement, .. }
            | FormPurpose::PhaseBack { engagement, .. } => *engagement,
            _ => self.session.current.as_ref()?.id,
        };
        let e = self.session.engagements.iter().find(|e| e.id == id)?;
        (e.status == CLOSED).then(|| self.closed_message(&e.name))
    }

    /// `O`: reopens a closed engagement, asking why.
    pub(super) fn start_reopen(&mut self) {
        let Some(e) = self.target_engagement().cloned() else { return };
        if e.status != CLOSED {
            self.toast(format!("“{}” is not closed", e.name));
            return;
        }
        let mut form = Form::new(format!("Reopen {}?", e.name), FormPurpose::Reopen(e.id), REOPEN_FIELDS, &[]);
        form.intro = vec![format!(
            "“{}” is closed and read-only. Reopening makes it editable again; the reason is recorded.",
            e.name
        )];
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    pub(super) fn save_reopen(&mut self, id: i64, values: &[(&'static str, Value)]) -> Result<String> {
        let reason = values.first().map(|(_, v)| v.to_string()).unwrap_or_default();
        self.store.write(|w| {
            engagements::update(w, id, &[("status", Value::text("active"))])?;
            notes::add(w, id, Some((Table::Engagement, id)), &format!("Reopened: {reason}"))
        })?;
        self.reload_engagements()?;
        if self.session.current.as_ref().is_some_and(|c| c.id == id) {
            self.load_current(id)?;
        }
        Ok("Engagement reopened (reason recorded)".into())
    }
}
