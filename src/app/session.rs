//! The session: the engagement list, the current engagement and its figures, which every pane reads; and opening
//! an engagement.

use color_eyre::Result;

use super::{App, Tab};
use crate::store::{engagements, journal, settings};

impl App {
    pub(super) fn reload_engagements(&mut self) -> Result<()> {
        self.session.engagements = engagements::list(self.store.conn())?;
        // The Engagements pane filters the list it is given.
        self.with_pane(Tab::Engagements, |p, cx| p.load(cx)).unwrap_or(Ok(()))
    }

    /// Makes `id` the current engagement and loads what the overview shows.
    pub(super) fn load_current(&mut self, id: i64) -> Result<()> {
        self.load_session(id)?;
        self.load_panes(None)
    }

    /// Reads the engagement `id` and its figures into the session.
    pub(super) fn load_session(&mut self, id: i64) -> Result<()> {
        self.session.current = engagements::get(self.store.conn(), id)?;
        self.load_figures()
    }

    /// No engagement is open (the last one went): the session holds none, and no figures.
    pub(super) fn clear_session(&mut self) -> Result<()> {
        self.session.current = None;
        self.load_figures()
    }

    /// The figures of the open engagement, or none.
    fn load_figures(&mut self) -> Result<()> {
        match &self.session.current {
            Some(e) => {
                self.session.summary = engagements::summary(self.store.conn(), e.id, &self.today.to_string())?;
                self.session.journal = journal::recent(self.store.conn(), e.id, 20)?;
                self.session.status_reason =
                    crate::store::notes::status_reasons(self.store.conn(), e.id)?.pop().map(|n| (n.created_at, n.text));
                let facts = crate::store::risks::facts(self.store.conn(), e.id)?;
                self.session.risks = crate::domain::risk::RegisterFigures::of(&facts, self.today);
            }
            None => {
                self.session.summary = Default::default();
                self.session.journal.clear();
                self.session.status_reason = None;
                self.session.risks = Default::default();
            }
        }
        Ok(())
    }

    /// Makes the engagement current and shows its overview; remembered for the next start (when that cannot be
    /// written, it opens all the same and says so).
    pub(super) fn open_engagement(&mut self, id: i64) -> Result<()> {
        let remembered =
            self.store.write_not_undoable(|w| settings::set(w, settings::CURRENT_ENGAGEMENT, &id.to_string()));
        self.load_current(id)?;
        self.tab = Tab::Overview;
        if let Err(e) = remembered {
            self.toast_error(format!("Opened, but not remembered for the next start: {e}"));
        }
        Ok(())
    }
}
