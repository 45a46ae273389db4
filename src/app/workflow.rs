//! The phase workflows and the agreement review: catalog items as checklists of the open engagement.

use std::collections::HashMap;

use color_eyre::Result;

use super::form::Form;
use super::table::TableCursor;
use super::{Action, App, FormPurpose, Overlay};
use crate::catalog::{Party, Use, catalog};
use crate::domain::workflow::{self, CheckStatus, PARTY_ORDER, PHASE_ORDER, Progress};
use crate::domain::{FieldKind, FieldSpec, Value};
use crate::store::checklist::{self, ChecklistRow};

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

/// The pane's state: lines built in update, so that drawing only indexes them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WorkflowPane {
    pub view: ChecklistView,
    pub lines: Vec<Line>,
    pub cursor: TableCursor,
    pub hide_closed: bool,
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
        let push_group = |title: String, members: Vec<usize>, lines: &mut Vec<Line>| -> Progress {
            let mut p = Progress::default();
            for &i in &members {
                p.add(self.status(&cat.items[i].id));
            }
            if !members.is_empty() {
                lines.push(Line::Heading { title, progress: p });
                for i in members {
                    if !(self.hide_closed && self.status(&cat.items[i].id).is_closed()) {
                        lines.push(item_line(i));
                    }
                }
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
                        let p = push_group(title, members, &mut lines);
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
                    push_group(format!("{} §{section}", source.label()), members, &mut lines);
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

impl App {
    /// Reloads the checklist of the open engagement.
    pub(super) fn load_workflow(&mut self) -> Result<()> {
        let rows = match &self.session.current {
            Some(e) => checklist::rows(self.store.conn(), e.id)?,
            None => HashMap::new(),
        };
        self.workflow.set_rows(rows);
        Ok(())
    }

    /// Sets a checklist item to `target`, or back to open if it already is `target`.
    pub(super) fn toggle_check(&mut self, catalog_idx: usize, target: CheckStatus) -> Result<()> {
        let (Some(e), Some(item)) = (self.session.current.clone(), catalog().items.get(catalog_idx)) else {
            self.toast("Open an engagement to tick its checklist");
            return Ok(());
        };
        if !(item.has_use(Use::Workflow) || item.has_use(Use::Agreement)) {
            self.toast("This item is not on a checklist");
            return Ok(());
        }
        let now = self.workflow.status(&item.id);
        let next = if now == target { CheckStatus::Open } else { target };
        let today = self.today.to_string();
        // The same obligation stated elsewhere (the crosswalk) is ticked with it, so that no clause of the
        // agreement is reviewed twice; a counterpart already in another state keeps it.
        let mut ids = vec![item.id.clone()];
        ids.extend(
            item.see_also
                .iter()
                .filter(|id| {
                    catalog().get(id).is_some_and(|o| o.has_use(Use::Workflow) || o.has_use(Use::Agreement))
                        && self.workflow.status(id) == now
                })
                .cloned(),
        );
        let saved = self.store.write(|w| {
            for id in &ids {
                checklist::set_status(w, e.id, id, next, &today)?;
            }
            Ok(())
        });
        match saved {
            Ok(()) => {
                self.load_workflow()?;
                // The close-out counts the open post-outsourcing items.
                self.load_assets()?;
                self.session.summary = crate::store::engagements::summary(self.store.conn(), e.id, &today)?;
                let with = match &ids[1..] {
                    [] => String::new(),
                    more => format!(" (with the same obligation in {})", more.join(", ")),
                };
                self.saved(&format!("{} — {}{with}", item.id, next.label()));
            }
            Err(err) => self.toast_error(format!("Not saved: {err}")),
        }
        Ok(())
    }

    pub(super) fn save_checklist_note(&mut self, engagement: i64, catalog_ref: &str, note: Value) -> Result<String> {
        self.store.write(|w| checklist::set_note(w, engagement, catalog_ref, note))?;
        self.load_workflow()?;
        Ok(format!("Note saved on {catalog_ref}"))
    }

    pub(super) fn update_workflow(&mut self, action: Action) -> Result<()> {
        let wf = &mut self.workflow;
        match action {
            Action::NextRow => {
                wf.cursor.next();
                wf.skip_heading(true);
            }
            Action::PrevRow => {
                wf.cursor.prev();
                wf.skip_heading(false);
            }
            Action::FirstRow => {
                wf.cursor.first();
                wf.skip_heading(true);
            }
            Action::LastRow => {
                wf.cursor.last();
                wf.skip_heading(false);
            }
            Action::PageDown => {
                wf.cursor.page_down();
                wf.skip_heading(true);
            }
            Action::PageUp => {
                wf.cursor.page_up();
                wf.skip_heading(false);
            }
            Action::SwitchView => {
                wf.view = match wf.view {
                    ChecklistView::Phases => ChecklistView::Agreement,
                    ChecklistView::Agreement => ChecklistView::Phases,
                };
                wf.cursor.first();
                wf.rebuild();
            }
            Action::HideDone => {
                wf.hide_closed = !wf.hide_closed;
                wf.rebuild();
            }
            Action::ToggleDone | Action::ToggleNa => {
                if let Some(i) = wf.selected_item() {
                    let target =
                        if action == Action::ToggleDone { CheckStatus::Done } else { CheckStatus::NotApplicable };
                    self.toggle_check(i, target)?;
                    // Like every quick mark, a tick moves on to the next item (a hidden one has already gone).
                    let wf = &mut self.workflow;
                    if wf.selected_item() == Some(i) && wf.status(&catalog().items[i].id).is_closed() {
                        wf.cursor.next();
                        wf.skip_heading(true);
                    }
                }
            }
            Action::Open => {
                if let Some(i) = wf.selected_item() {
                    self.open_item_detail(i)?;
                }
            }
            Action::Note => {
                if let (Some(i), Some(e)) = (wf.selected_item(), &self.session.current) {
                    let item = &catalog().items[i];
                    let note = wf.rows.get(&item.id).and_then(|r| r.note.clone());
                    let mut form = Form::new(
                        format!("Note on {} {}", item.id, item.title),
                        FormPurpose::ChecklistNote { engagement: e.id, catalog_ref: item.id.clone() },
                        NOTE_FIELDS,
                        &[Value::from(note)],
                    );
                    form.intro = vec![item.text.clone()];
                    self.overlay = Some(Overlay::Form(Box::new(form)));
                }
            }
            _ => {}
        }
        Ok(())
    }
}
