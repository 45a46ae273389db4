//! The Engagements tab: every engagement in the workspace, with a filter; creating, editing, opening, phasing,
//! annotating, reopening and deleting engagements. Its forms are in [`forms`], and the Overview opens them too.

pub(crate) mod forms;
mod view;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use self::forms::{EngagementAsk, EngagementForm};
use crate::app::Tab;
use crate::app::layout::list_rows;
use crate::app::pane::{Cx, Effect, Intent, Pane, Session, Values, View};
use crate::domain::Engagement;
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::widgets::input::TextInput;
use crate::widgets::table::TableCursor;

/// The engagement list with its filter.
#[derive(Debug, Clone, Default)]
pub struct EngagementsPane {
    /// Indices into the session's engagements of the rows that pass the filter.
    pub visible: Vec<usize>,
    pub filter: TextInput,
    pub filtering: bool,
    pub cursor: TableCursor,
    /// The engagement to select when the list is next loaded (the one a save changed).
    select: Option<i64>,
    /// The terminal's height, for the rows the list has room for (one fewer under a filter line).
    height: u16,
}

impl EngagementsPane {
    pub fn selected<'a>(&self, all: &'a [Engagement]) -> Option<&'a Engagement> {
        self.visible.get(self.cursor.selected).and_then(|&i| all.get(i))
    }

    fn refilter(&mut self, all: &[Engagement]) {
        let needle = self.filter.value().to_lowercase();
        self.visible = all
            .iter()
            .enumerate()
            .filter(|(_, e)| {
                needle.is_empty()
                    || crate::app::panes::refs::label(crate::store::Table::Engagement, e.number).to_lowercase()
                        == needle
                    || e.name.to_lowercase().contains(&needle)
                    || e.business_owner.as_deref().is_some_and(|o| o.to_lowercase().contains(&needle))
                    || e.phase.as_ref().contains(&needle)
                    || e.status.contains(&needle)
            })
            .map(|(i, _)| i)
            .collect();
        self.cursor.set_len(self.visible.len());
    }

    /// Sets the rows the list shows: a filter line takes one.
    fn fit(&mut self) {
        let filter_line = usize::from(self.filtering || !self.filter.value().is_empty());
        self.cursor.set_height(list_rows(self.height).saturating_sub(filter_line));
    }

    fn select_id(&mut self, id: i64, all: &[Engagement]) {
        if let Some(pos) = self.visible.iter().position(|&i| all.get(i).is_some_and(|e| e.id == id)) {
            self.cursor.select(pos);
        }
    }

    fn update_filter(&mut self, action: Action, cx: &mut Cx) {
        match action {
            Action::Char(c) => self.filter.insert(c),
            Action::Backspace => self.filter.backspace(),
            Action::CursorLeft => self.filter.left(),
            Action::CursorRight => self.filter.right(),
            Action::ClearField => self.filter.clear(),
            Action::Submit => self.filtering = false,
            Action::Cancel => {
                self.filter.clear();
                self.filtering = false;
            }
            _ => {}
        }
        self.refilter(&cx.session.engagements);
        self.fit();
    }

    /// The engagement `O` reopens: the selected row on this tab, the current engagement on the others.
    fn reopen_target<'s>(&self, cx: &Cx<'s>) -> Option<&'s Engagement> {
        if cx.shown == Tab::Engagements { self.selected(&cx.session.engagements) } else { cx.session.current.as_ref() }
    }
}

impl Pane for EngagementsPane {
    fn title(&self) -> &'static str {
        "Engagements"
    }

    fn short_title(&self) -> &'static str {
        "Engmts"
    }

    /// Loaded with the engagement list, which the first frame may show.
    fn lazy(&self) -> bool {
        false
    }

    fn needs_engagement(&self) -> bool {
        false
    }

    fn context(&self) -> Context {
        if self.filtering { Context::Filter } else { Context::List }
    }

    /// Filters the session's engagements (reloaded by `App` whenever the store changes), keeping the selection
    /// or moving it to the engagement a save changed.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        self.refilter(&cx.session.engagements);
        if let Some(id) = self.select.take() {
            self.select_id(id, &cx.session.engagements);
        }
        Ok(())
    }

    fn resize(&mut self, (_, h): (u16, u16)) {
        self.height = h;
        self.fit();
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        // Starting a new engagement and reopening a closed one work from every tab: `App` sends them here.
        match action {
            Action::NewEngagement => {
                forms::open_new(cx);
                return Ok(());
            }
            Action::Reopen => {
                if let Some(e) = self.reopen_target(cx) {
                    forms::open_reopen(e, cx);
                }
                return Ok(());
            }
            _ => {}
        }
        if self.filtering {
            self.update_filter(action, cx);
            return Ok(());
        }
        let selected = self.selected(&cx.session.engagements).cloned();
        match action {
            ref a if self.cursor.navigate(a) => {}
            Action::Filter => {
                self.filtering = true;
                self.fit();
            }
            Action::Cancel => {
                self.filter.clear();
                self.refilter(&cx.session.engagements);
                self.fit();
            }
            Action::Add => forms::open_new(cx),
            Action::Edit => {
                if let Some(e) = selected {
                    forms::open_edit(&e, cx);
                }
            }
            Action::Open => {
                if let Some(e) = selected {
                    cx.push(Effect::Open(e.id));
                }
            }
            Action::SetPhase => {
                if let Some(e) = selected {
                    forms::open_set_phase(&e, cx);
                }
            }
            Action::Note => {
                if let Some(e) = selected {
                    forms::open_note(&e, cx);
                }
            }
            Action::Delete => {
                if let Some(e) = selected {
                    forms::ask_delete(&e, cx)?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn writes(&self, action: &Action) -> bool {
        // `a` starts a new engagement and Enter opens one: nothing of the selected one changes.
        match action {
            Action::Add | Action::Open => false,
            a => crate::app::pane::writes_by_default(a),
        }
    }

    fn target<'s>(&self, session: &'s Session) -> Option<&'s Engagement> {
        self.selected(&session.engagements)
    }

    fn intent_target(&self, intent: &Intent, session: &Session) -> Option<i64> {
        match intent.get::<EngagementForm>() {
            Some(f) => f.target(),
            None => session.current_id(),
        }
    }

    fn form_rule(&self, intent: &Intent, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        forms::rule(intent.get::<EngagementForm>()?, values, cx.session)
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        match intent.get::<EngagementForm>() {
            Some(data) => self.save_form(&data.clone(), values, cx),
            None => Ok(String::new()),
        }
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        if let Some(EngagementAsk::Delete(id)) = intent.get::<EngagementAsk>() {
            self.delete(*id, cx);
        }
        Ok(())
    }

    fn selected_record(&self, session: &Session) -> Option<(Table, i64, String)> {
        self.selected(&session.engagements).map(|e| (Table::Engagement, e.id, e.name.clone()))
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        (!self.filtering).then_some(&mut self.cursor)
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}
