//! A closed engagement is read-only: every action that would write to it is refused with a message saying how to
//! reopen it, and reopening is itself a recorded action that asks why.

use super::{Action, App, Context};
use crate::domain::Engagement;

/// The status a closed engagement has.
pub const CLOSED: &str = "closed";

impl App {
    /// The engagement an action in the current context would act on: the selected row on the Engagements tab, the
    /// current engagement on every other tab.
    fn target_engagement(&self) -> Option<&Engagement> {
        self.pane_ref(self.tab).and_then(|p| p.target(&self.session))
    }

    /// Whether `action` in the current context would change the engagement it acts on.
    fn writes(&self, action: &Action) -> bool {
        self.pane_ref(self.tab).is_some_and(|p| p.writes(action))
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
}
