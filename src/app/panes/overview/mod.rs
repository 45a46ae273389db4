//! The Overview tab: the current engagement's details, what it holds, its risk verdict and its latest notes. Its
//! forms are the Engagements pane's; the report and the export are written by `App`. The import of a spreadsheet
//! (its form, its preview worked out on the worker, and applying it) is the Overview's own (`import.rs`).

pub mod evidence;
mod evidence_view;
pub mod import;
mod import_view;
pub mod journal;
mod journal_view;
mod view;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::pane::{Cx, Effect, Intent, Pane, Session, TaskResult, Values, View};
use crate::app::panes::engagements::forms;
use crate::domain::Value;
use crate::keys::{Action, Context};
use crate::store::Table;
use evidence::{EvidenceAsk, EvidenceForm, EvidenceView};
use import::{ImportForm, ImportState};
use journal::{JournalAsk, JournalForm, JournalView};

/// State of the Overview tab: how far the details are scrolled, and the import under way, if any.
#[derive(Debug, Clone, Default)]
pub struct OverviewPane {
    /// The engagement shown: another one starts at the top.
    pub engagement: Option<i64>,
    pub scroll: u16,
    /// A spreadsheet being imported: its preview being worked out, or shown until applied or cancelled.
    pub import: Option<ImportState>,
    /// What the import form held last, so that nothing typed is lost when a file is refused.
    pub import_typed: Vec<Value>,
    /// The interview journal, when it is listed.
    pub journal: Option<JournalView>,
    /// The evidence files, when they are listed.
    pub evidence: Option<EvidenceView>,
    size: (u16, u16),
}

impl Pane for OverviewPane {
    fn title(&self) -> &'static str {
        "Overview"
    }

    fn short_title(&self) -> &'static str {
        "Overview"
    }

    /// Loaded with the engagement: the first frame shows it.
    fn lazy(&self) -> bool {
        false
    }

    fn context(&self) -> Context {
        match (&self.import, &self.journal, &self.evidence) {
            (Some(ImportState::Preview(_)), ..) => Context::ImportPreview,
            (_, Some(j), _) if j.find.typing => Context::Filter,
            (_, Some(_), _) => Context::Journal,
            (.., Some(v)) if v.find.typing => Context::Filter,
            (.., Some(_)) => Context::Evidence,
            _ => Context::Overview,
        }
    }

    fn resize(&mut self, size: (u16, u16)) {
        self.size = size;
    }

    /// Everything the Overview draws is in the session; only the scroll is the pane's.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        let engagement = cx.session.current_id();
        if self.engagement != engagement {
            self.engagement = engagement;
            self.scroll = 0;
            // A preview is of one engagement's registers, and the journal of one engagement.
            self.import = None;
            self.journal = None;
            self.evidence = None;
        }
        self.load_journal(cx)?;
        self.load_evidence(cx)
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let session = cx.session;
        let Some(e) = session.current.as_ref() else { return Ok(()) };
        match (&self.import, &action) {
            (Some(ImportState::Preview(_)), _) => return self.update_import(action, cx),
            (Some(ImportState::Reading(file)), Action::ImportSheet) => {
                cx.toast(format!("Still reading {file}: its preview shows when it is ready"));
                return Ok(());
            }
            _ => {}
        }
        // `J` from any tab: a new journal entry linked to what the cursor is on there.
        if action == Action::JournalEntry {
            let link = cx.selected.clone();
            self.open_entry(cx, link, (None, None));
            return Ok(());
        }
        // `E` from any tab: a file attached to what the cursor is on there.
        if action == Action::AttachEvidence {
            let target = cx.selected.clone();
            self.open_attach(cx, target);
            return Ok(());
        }
        if self.journal.is_some() {
            return self.update_journal(action, cx);
        }
        if self.evidence.is_some() {
            return self.update_evidence(action, cx);
        }
        match action {
            Action::Journal => self.open_journal(cx)?,
            Action::Evidence => self.open_evidence(cx)?,
            Action::Edit => forms::open_edit(e, cx),
            Action::SetPhase => forms::open_set_phase(e, cx),
            // A note on the engagement is an entry of its journal, about the engagement as a whole.
            Action::Note => self.open_entry(cx, None, (None, None)),
            Action::WriteReport => cx.push(Effect::WriteReport(e.id)),
            Action::ExportBundle => cx.push(Effect::ExportBundle(e.id)),
            Action::ImportSheet => self.open_import(cx),
            Action::ScrollDown => self.scroll = self.scroll.saturating_add(1),
            Action::ScrollUp => self.scroll = self.scroll.saturating_sub(1),
            _ => {}
        }
        Ok(())
    }

    fn writes(&self, action: &Action) -> bool {
        // `a` starts a new engagement: nothing of this one changes.
        match action {
            Action::Add | Action::Edit | Action::Delete if self.journal.is_some() || self.evidence.is_some() => true,
            Action::Add => false,
            // Choosing a file and reading its preview write nothing; applying it does.
            Action::ImportSheet => matches!(self.import, None | Some(ImportState::Reading(_))),
            Action::ConfirmYes => matches!(self.import, Some(ImportState::Preview(_))),
            // Listing the journal or the evidence files writes nothing.
            Action::Journal | Action::Evidence => false,
            a => crate::app::pane::writes_by_default(a),
        }
    }

    fn form_rule(&self, intent: &Intent, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        if let Some(form) = intent.get::<EvidenceForm>() {
            return OverviewPane::evidence_rule(form, values, cx);
        }
        intent.get::<ImportForm>().and_then(|_| OverviewPane::import_rule(values, cx))
    }

    /// The import form is the Overview's; its other forms are saved by the Engagements pane.
    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        if intent.get::<ImportForm>().is_some() {
            return self.start_import(values, cx);
        }
        if let Some(form) = intent.get::<JournalForm>() {
            return self.save_journal(form, values, cx);
        }
        if let Some(form) = intent.get::<EvidenceForm>() {
            return self.save_evidence(form, values, cx);
        }
        Ok(String::new())
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        if let Some(ask) = intent.get::<EvidenceAsk>() {
            return self.confirm_evidence(ask, cx);
        }
        match intent.get::<JournalAsk>() {
            Some(ask) => self.confirm_journal(ask, cx),
            None => Ok(()),
        }
    }

    fn task_done(&mut self, result: Option<TaskResult>, cx: &mut Cx) -> Result<()> {
        self.import_done(result, cx);
        Ok(())
    }

    fn selected_record(&self, session: &Session) -> Option<(Table, i64, String)> {
        session.current.as_ref().map(|e| (Table::Engagement, e.id, e.name.clone()))
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        if let Some(state) = &self.import {
            return import_view::render(state, view, area, frame.buffer_mut());
        }
        if let Some(journal) = &self.journal {
            return journal_view::render(journal, view, area, frame.buffer_mut());
        }
        if let Some(files) = &self.evidence {
            return evidence_view::render(files, view, area, frame);
        }
        view::render(self, view, area, frame.buffer_mut());
    }
}
