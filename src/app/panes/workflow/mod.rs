//! The Workflow tab: the phase workflows and the agreement review, catalog items as checklists of the open
//! engagement.

mod view;

use std::collections::HashMap;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::layout::{WORKFLOW_SUMMARY_LINES, list_rows};
use crate::app::pane::{Cx, Effect, Intent, Pane, Session, Values, View};
use crate::catalog::{Party, Use, catalog};
use crate::domain::workflow::{self, CheckStatus, PARTY_ORDER, PHASE_ORDER, Progress};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::store::checklist::{self, ChecklistRow};
use crate::widgets::find::{Find, FindKey};
use crate::widgets::table::TableCursor;

/// Which checklist the pane shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ChecklistView {
    /// The role-and-responsibility items, by phase and party.
    #[default]
    Phases,
    /// The contents an outsourcing agreement must cover.
    Agreement,
}

/// One line of the checklist: a group heading or an item.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    Heading {
        title: String,
        progress: Progress,
    },
    Item {
        catalog_idx: usize,
        status: CheckStatus,
        note: Option<String>,
        done_at: Option<String>,
        done_by: Option<String>,
    },
}

/// The forms of the Workflow tab.
#[derive(Debug, Clone, PartialEq)]
enum WorkflowForm {
    Note { engagement: i64, catalog_ref: String },
}

/// The pane's state: lines built in update, so that drawing only indexes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowPane {
    /// The engagement the checklist belongs to.
    pub engagement: Option<i64>,
    pub view: ChecklistView,
    pub lines: Vec<Line>,
    pub cursor: TableCursor,
    pub hide_closed: bool,
    /// The checklist shows only the items whose id, title, text or note contain this text.
    pub find: Find,
    /// How many items the checklist shows, and how many it has (for the find's count).
    pub shown_items: usize,
    pub total_items: usize,
    /// Progress per phase and party, for the group headings.
    pub progress: Vec<(crate::catalog::ItemPhase, Party, Progress)>,
    /// Progress per phase over every party (items for both parties, management, audit… included), for the
    /// summary bar: the same items the close-out counts for the post phase.
    pub phases: Vec<(crate::catalog::ItemPhase, Progress)>,
    /// Progress of the agreement review.
    pub agreement: Progress,
    rows: HashMap<String, ChecklistRow>,
}

/// The one field of the checklist note form.
const NOTE_FIELDS: &[FieldSpec] = &[FieldSpec::new("note", "Note", FieldKind::LongText)];

impl WorkflowPane {
    fn status(&self, id: &str) -> CheckStatus {
        self.rows.get(id).map(|r| r.status).unwrap_or_default()
    }

    /// The status of every catalog item recorded for the engagement (absent = open).
    pub fn statuses(&self) -> HashMap<String, CheckStatus> {
        self.rows.iter().map(|(k, r)| (k.clone(), r.status)).collect()
    }

    pub fn set_rows(&mut self, rows: HashMap<String, ChecklistRow>) {
        self.rows = rows;
        self.rebuild();
    }

    /// Rebuilds the lines and progress figures from the rows, keeping the selection on the same item.
    pub fn rebuild(&mut self) {
        let keep = self.selected_item();
        let cat = catalog();
        let item_line = |i: usize| {
            let row = self.rows.get(&cat.items[i].id);
            Line::Item {
                catalog_idx: i,
                status: row.map(|r| r.status).unwrap_or_default(),
                note: row.and_then(|r| r.note.clone()),
                done_at: row.and_then(|r| r.done_at.clone()),
                done_by: row.and_then(|r| r.done_by.clone()),
            }
        };
        let mut lines = Vec::new();
        let mut progress = Vec::new();
        let words = self.find.words();
        let narrows = !words.is_empty();
        let passes = |i: usize| {
            let it = &cat.items[i];
            let note = self.rows.get(&it.id).and_then(|r| r.note.as_deref()).unwrap_or("");
            Find::passes(&words, [it.id.as_str(), it.title.as_str(), it.text.as_str(), note])
        };
        let mut total = 0;
        let push_group = |title: String, members: Vec<usize>, lines: &mut Vec<Line>, total: &mut usize| -> Progress {
            let mut p = Progress::default();
            for &i in &members {
                p.add(self.status(&cat.items[i].id));
            }
            *total += members.len();
            let shown: Vec<usize> = members
                .into_iter()
                .filter(|&i| !(self.hide_closed && self.status(&cat.items[i].id).is_closed()) && passes(i))
                .collect();
            // A heading stays (to say the group is complete) unless the find hides every item under it.
            if p.total > 0 && !(narrows && shown.is_empty()) {
                lines.push(Line::Heading { title, progress: p });
                lines.extend(shown.into_iter().map(item_line));
            }
            p
        };
        match self.view {
            ChecklistView::Phases => {
                for phase in PHASE_ORDER {
                    for party in PARTY_ORDER {
                        let members: Vec<usize> = (0..cat.items.len())
                            .filter(|&i| {
                                let it = &cat.items[i];
                                it.has_use(Use::Workflow) && it.phase == phase && it.party == party
                            })
                            .collect();
                        let title = format!("{} · {}", workflow::phase_label(phase), workflow::party_label(party));
                        let p = push_group(title, members, &mut lines, &mut total);
                        if p.total > 0 {
                            progress.push((phase, party, p));
                        }
                    }
                }
            }
            ChecklistView::Agreement => {
                let mut sections: Vec<(crate::catalog::Source, String)> = Vec::new();
                for it in cat.with_use(Use::Agreement) {
                    let key = (it.source, it.section.clone());
                    if !sections.contains(&key) {
                        sections.push(key);
                    }
                }
                for (source, section) in sections {
                    let members: Vec<usize> = (0..cat.items.len())
                        .filter(|&i| {
                            let it = &cat.items[i];
                            it.has_use(Use::Agreement) && it.source == source && it.section == section
                        })
                        .collect();
                    push_group(format!("{} §{section}", source.label()), members, &mut lines, &mut total);
                }
            }
        }
        self.phases = PHASE_ORDER
            .into_iter()
            .map(|phase| {
                let mut p = Progress::default();
                for it in cat.with_use(Use::Workflow).filter(|it| it.phase == phase) {
                    p.add(self.status(&it.id));
                }
                (phase, p)
            })
            .filter(|(_, p)| p.total > 0)
            .collect();
        let mut agreement = Progress::default();
        for it in cat.with_use(Use::Agreement) {
            agreement.add(self.status(&it.id));
        }
        self.shown_items = lines.iter().filter(|l| matches!(l, Line::Item { .. })).count();
        self.total_items = total;
        self.lines = lines;
        if self.view == ChecklistView::Phases {
            self.progress = progress;
        }
        self.agreement = agreement;
        self.cursor.set_len(self.lines.len());
        let pos = keep.and_then(|k| {
            self.lines.iter().position(|l| matches!(l, Line::Item { catalog_idx, .. } if *catalog_idx == k))
        });
        match pos {
            Some(p) => self.cursor.select(p),
            None => self.skip_heading(true),
        }
    }

    /// The stored row of a catalog item's checklist entry, if it has one.
    pub fn row_id(&self, catalog_ref: &str) -> Option<i64> {
        self.rows.get(catalog_ref).map(|r| r.id)
    }

    pub fn selected_item(&self) -> Option<usize> {
        match self.lines.get(self.cursor.selected) {
            Some(Line::Item { catalog_idx, .. }) => Some(*catalog_idx),
            _ => None,
        }
    }

    /// Moves off a heading line, in the given direction (or the other way at the ends).
    fn skip_heading(&mut self, forward: bool) {
        let is_heading = |s: &Self| matches!(s.lines.get(s.cursor.selected), Some(Line::Heading { .. }));
        for dir in [forward, !forward] {
            while is_heading(self) {
                let before = self.cursor.selected;
                if dir {
                    self.cursor.next()
                } else {
                    self.cursor.prev()
                }
                if self.cursor.selected == before {
                    break;
                }
            }
        }
    }
}

impl WorkflowPane {
    /// Sets a checklist item to `target`, or back to open if it already is `target`; the same obligation stated
    /// elsewhere (the crosswalk) is ticked with it. Used by the tab's keys and by the lookup's detail view.
    pub fn toggle(&mut self, catalog_idx: usize, target: CheckStatus, cx: &mut Cx) -> Result<()> {
        let (Some(engagement), Some(item)) = (self.engagement, catalog().items.get(catalog_idx)) else {
            cx.toast("Open an engagement to tick its checklist");
            return Ok(());
        };
        if !(item.has_use(Use::Workflow) || item.has_use(Use::Agreement)) {
            cx.toast("This item is not on a checklist");
            return Ok(());
        }
        let now = self.status(&item.id);
        let next = if now == target { CheckStatus::Open } else { target };
        let today = cx.today.to_string();
        // The same obligation stated elsewhere (the crosswalk) is ticked with it, so that no clause of the
        // agreement is reviewed twice; a counterpart already in another state keeps it.
        let mut ids = vec![item.id.clone()];
        ids.extend(
            item.see_also
                .iter()
                .filter(|id| {
                    catalog().get(id).is_some_and(|o| o.has_use(Use::Workflow) || o.has_use(Use::Agreement))
                        && self.status(id) == now
                })
                .cloned(),
        );
        let saved = cx.store.write(|w| {
            for id in &ids {
                checklist::set_status(w, engagement, id, next, &today)?;
            }
            Ok(())
        });
        match saved {
            Ok(()) => {
                // The overview's figures and the close-out (which counts the open post-outsourcing items) follow.
                cx.changed();
                self.load(cx)?;
                let with = match &ids[1..] {
                    [] => String::new(),
                    more => format!(" (with the same obligation in {})", more.join(", ")),
                };
                cx.saved(format!("{} — {}{with}", item.id, next.label()));
            }
            Err(err) => cx.error(format!("Not saved: {err}")),
        }
        Ok(())
    }

    fn open_note(&self, cx: &mut Cx) {
        let (Some(i), Some(engagement)) = (self.selected_item(), self.engagement) else { return };
        let item = &catalog().items[i];
        let note = self.rows.get(&item.id).and_then(|r| r.note.clone());
        let mut form = cx.form(
            format!("Note on {} {}", item.id, item.title),
            WorkflowForm::Note { engagement, catalog_ref: item.id.clone() },
            NOTE_FIELDS,
            &[Value::from(note)],
        );
        form.intro = vec![item.text.clone()];
        cx.open(form);
    }
}

impl Pane for WorkflowPane {
    fn title(&self) -> &'static str {
        "Workflow"
    }

    fn short_title(&self) -> &'static str {
        "Flow"
    }

    fn context(&self) -> Context {
        if self.find.typing { Context::Filter } else { Context::Workflow }
    }

    /// Reloads the checklist of the current engagement, keeping the selection on the same item.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        self.engagement = cx.session.current_id();
        let rows = match self.engagement {
            Some(id) => checklist::rows(cx.store.conn(), id)?,
            None => HashMap::new(),
        };
        self.set_rows(rows);
        Ok(())
    }

    fn resize(&mut self, (_, h): (u16, u16)) {
        self.cursor.set_height(list_rows(h).saturating_sub(WORKFLOW_SUMMARY_LINES));
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        if self.find.typing {
            if self.find.update(&action) == FindKey::Changed {
                self.rebuild();
            }
            return Ok(());
        }
        match action {
            Action::Filter => self.find.start(),
            Action::Cancel if self.find.narrows() => {
                self.find.clear();
                self.rebuild();
            }
            Action::NextRow => {
                self.cursor.next();
                self.skip_heading(true);
            }
            Action::PrevRow => {
                self.cursor.prev();
                self.skip_heading(false);
            }
            Action::FirstRow => {
                self.cursor.first();
                self.skip_heading(true);
            }
            Action::LastRow => {
                self.cursor.last();
                self.skip_heading(false);
            }
            Action::PageDown => {
                self.cursor.page_down();
                self.skip_heading(true);
            }
            Action::PageUp => {
                self.cursor.page_up();
                self.skip_heading(false);
            }
            Action::SwitchView => {
                self.view = match self.view {
                    ChecklistView::Phases => ChecklistView::Agreement,
                    ChecklistView::Agreement => ChecklistView::Phases,
                };
                self.cursor.first();
                self.rebuild();
            }
            Action::HideDone => {
                self.hide_closed = !self.hide_closed;
                self.rebuild();
            }
            Action::ToggleDone | Action::ToggleNa => {
                if let Some(i) = self.selected_item() {
                    let target =
                        if action == Action::ToggleDone { CheckStatus::Done } else { CheckStatus::NotApplicable };
                    self.toggle(i, target, cx)?;
                    // Like every quick mark, a tick moves on to the next item (a hidden one has already gone).
                    if self.selected_item() == Some(i) && self.status(&catalog().items[i].id).is_closed() {
                        self.cursor.next();
                        self.skip_heading(true);
                    }
                }
            }
            Action::Open => {
                if let Some(i) = self.selected_item() {
                    cx.push(Effect::ShowItem(i));
                }
            }
            Action::Note => self.open_note(cx),
            _ => {}
        }
        Ok(())
    }

    fn intent_target(&self, intent: &Intent, session: &Session) -> Option<i64> {
        match intent.get::<WorkflowForm>() {
            Some(WorkflowForm::Note { engagement, .. }) => Some(*engagement),
            None => session.current_id(),
        }
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        let Some(WorkflowForm::Note { engagement, catalog_ref }) = intent.get::<WorkflowForm>() else {
            return Ok(String::new());
        };
        let note = values.first().map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        cx.store.write(|w| checklist::set_note(w, *engagement, catalog_ref, note))?;
        self.load(cx)?;
        Ok(format!("Note saved on {catalog_ref}"))
    }

    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        let item = &catalog().items[self.selected_item()?];
        let row = self.row_id(&item.id)?;
        Some((Table::ChecklistItem, row, format!("checklist item {} {}", item.id, item.title)))
    }

    /// The checklist item as an obligation (id, title, citation, our wording), with its status and note.
    fn copy_text(&self, _session: &Session) -> Option<(String, String)> {
        let item = &catalog().items[self.selected_item()?];
        let mut text = crate::app::clipboard::obligation_text(item);
        text.push_str(&format!("\n\nStatus: {}", self.status(&item.id).label()));
        if let Some(note) = self.rows.get(&item.id).and_then(|r| r.note.as_deref()).filter(|n| !n.is_empty()) {
            text.push_str(&format!("\nNote: {note}"));
        }
        Some((format!("obligation {}", item.id), text))
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        Some(&mut self.cursor)
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}
