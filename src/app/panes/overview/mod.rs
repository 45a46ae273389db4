//! The Overview tab: the current engagement's details, what it holds, its risk verdict and its latest notes. Its
//! forms are the Engagements pane's; the report and the export are written by `App`.

mod view;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::pane::{Cx, Effect, Intent, Pane, Session, Values, View};
use crate::app::panes::engagements::forms;
use crate::keys::{Action, Context};
use crate::store::Table;

/// State of the Overview tab: how far the details are scrolled.
#[derive(Debug, Clone, Default)]
pub struct OverviewPane {
    /// The engagement shown: another one starts at the top.
    pub engagement: Option<i64>,
    pub scroll: u16,
}

impl Pane for OverviewPane {
    fn title(&self) -> &'static str {
        "Overview"
    }

    fn short_title(&self) -> &'static str {
        "Overview"
    }

    fn context(&self) -> Context {
        Context::Overview
    }

    /// Everything the Overview draws is in the session; only the scroll is the pane's.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        let engagement = cx.session.current_id();
        if self.engagement != engagement {
            self.engagement = engagement;
            self.scroll = 0;
        }
        Ok(())
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let session = cx.session;
        let Some(e) = session.current.as_ref() else { return Ok(()) };
        match action {
            Action::Edit => forms::open_edit(e, cx),
            Action::SetPhase => forms::open_set_phase(e, cx),
            Action::Note => forms::open_note(e, cx),
            Action::WriteReport => cx.push(Effect::WriteReport(e.id)),
            Action::ExportBundle => cx.push(Effect::ExportBundle(e.id)),
            Action::ScrollDown => self.scroll = self.scroll.saturating_add(1),
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }

    fn writes(&self, action: &Action) -> bool {
        // `a` starts a new engagement: nothing of this one changes.
        match action {
            Action::Add => false,
            a => crate::app::pane::writes_by_default(a),
        }
    }

    /// The Overview's forms are saved by the Engagements pane.
    fn save(&mut self, _intent: &Intent, _values: &Values, _cx: &mut Cx) -> Result<String> {
        Ok(String::new())
    }

    fn selected_record(&self, session: &Session) -> Option<(Table, i64, String)> {
        session.current.as_ref().map(|e| (Table::Engagement, e.id, e.name.clone()))
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame.buffer_mut());
    }
}
