//! Undo and redo from any pane: the store inverts the change through the audited write path, and the workbench
//! reads everything again and says what was undone.

use color_eyre::Result;

use super::{App, Tab};

impl App {
    /// Undoes the last change of this session (`redo`: does again the change undone last).
    pub(super) fn undo(&mut self, redo: bool) -> Result<()> {
        self.toast = None;
        let done = if redo { self.store.redo() } else { self.store.undo() };
        let undone = match done {
            Ok(Some(undone)) => undone,
            Ok(None) if redo => {
                self.toast("Nothing to redo");
                return Ok(());
            }
            Ok(None) => {
                let why = self.store.nothing_to_undo();
                self.toast(why);
                return Ok(());
            }
            Err(e) => {
                let verb = if redo { "redone" } else { "undone" };
                self.toast_error(format!("Not {verb}: {e}; nothing was changed"));
                return Ok(());
            }
        };
        // The change may have been anywhere: read everything again, and keep an engagement open if one is left.
        let before = self.session.current_id();
        self.reload_engagements()?;
        let open = undone
            .engagement_back
            .or(before)
            .filter(|id| self.session.engagements.iter().any(|e| e.id == *id))
            .or_else(|| self.session.engagements.first().map(|e| e.id));
        match open {
            // An engagement that came back is opened (and remembered for the next start), to be seen whole.
            Some(id) if undone.engagement_back == Some(id) && before != Some(id) => self.open_engagement(id)?,
            Some(id) => {
                self.load_session(id)?;
                self.load_panes(None)?;
            }
            None => {
                self.clear_session()?;
                self.tab = Tab::Engagements;
            }
        }
        let (left, _) = self.store.undo_depth();
        let word = if redo { "Redone" } else { "Undone" };
        let what = format!("{word}: {}", undone.what);
        let what = if redo || left == 0 { what } else { format!("{what} · {left} more to undo") };
        self.saved(&what);
        Ok(())
    }
}
