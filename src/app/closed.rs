//! A closed engagement is read-only: every action that would write to it is refused with a message saying how to
//! reopen it, and reopening is itself a recorded action that asks why.

use super::{Action, App, Context, FormPurpose, VetView};
use crate::domain::Engagement;

/// The status a closed engagement has.
pub const CLOSED: &str = "closed";

impl App {
    /// The engagement an action in the current context would act on: the selected row on the Engagements tab, the
    /// current engagement on every other tab.
    fn target_engagement(&self) -> Option<&Engagement> {
        if let Some(p) = self.pane_ref(self.tab) {
            return p.target(&self.session);
        }
        self.session.current.as_ref()
    }

    /// Whether `action` in the current context would change the engagement it acts on.
    fn writes(&self, action: &Action) -> bool {
        if let Some(p) = self.pane_ref(self.tab) {
            return p.writes(action);
        }
        let ctx = self.context();
        match action {
            // Enter opens a check's form on the vetting grid and a pair's form among the role conflicts.
            Action::Open => match ctx {
                Context::Vetting => self.vetting.view == VetView::Grid && self.vetting.kind().is_some(),
                Context::RoleConflicts => true,
                _ => false,
            },
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
    pub(super) fn closed_form_target(&self, _purpose: &FormPurpose) -> Option<String> {
        let id = self.session.current.as_ref()?.id;
        let e = self.session.engagements.iter().find(|e| e.id == id)?;
        (e.status == CLOSED).then(|| self.closed_message(&e.name))
    }
}
