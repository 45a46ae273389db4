//! The obligations lookup: ranked retrieval over the catalog and the open engagement's records, reachable from
//! anywhere, with a detail view that shows why an item matched, its counterparts and where the engagement uses
//! it.

use color_eyre::Result;

use super::input::TextInput;
use super::table::TableCursor;
use super::{Action, App, Overlay, Tab};
use crate::catalog::search::{self, Filters, Index, Match, Options};
use crate::catalog::{ItemPhase, Party, TOPICS, catalog};
use crate::domain::workflow::CheckStatus;
use crate::store::checklist::{self, Usage};
use crate::store::search::{Record, RecordKind};

/// One result line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// An index into the catalog.
    Item(usize),
    /// An index into [`Lookup::records`].
    Record(usize),
}

/// The detail view of one hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    pub hit: Hit,
    /// Where the open engagement uses the item (catalog hits with an engagement open).
    pub usage: Option<Usage>,
    pub scroll: u16,
    /// Why the hit matched the query it was opened from.
    pub why: Vec<Match>,
}

/// The lookup popup's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Lookup {
    pub query: TextInput,
    pub filters: Filters,
    pub records: Vec<Record>,
    record_index: Index,
    pub hits: Vec<Hit>,
    /// Why each hit matched (parallel to `hits`).
    pub why: Vec<Vec<Match>>,
    /// Does the best hit answer well (see [`search::GOOD_ENOUGH`])? False while nothing is typed.
    pub answered: bool,
    /// When nothing answers well: one line naming the nearest topics and close words.
    pub hint: Option<String>,
    pub cursor: TableCursor,
    pub detail: Option<Detail>,
    /// The overlay the lookup opened over (a form being filled in), restored on close.
    pub back: Option<Box<Overlay>>,
}

/// How many records at most are listed after the catalog hits.
const MAX_RECORD_HITS: usize = 200;

impl Lookup {
    pub fn new(records: Vec<Record>, back: Option<Box<Overlay>>) -> Lookup {
        let record_index =
            Index::build(records.iter().map(|r| [r.label.as_str(), "", r.detail.as_str(), r.kind.label()]));
        Lookup {
            query: TextInput::default(),
            filters: Filters::default(),
            records,
            record_index,
            hits: Vec::new(),
            why: Vec::new(),
            answered: false,
            hint: None,
            cursor: TableCursor::default(),
            detail: None,
            back,
        }
    }

    /// Recomputes the hits for the current query and filters: catalog items first (best first), then records
    /// (only when the query is not empty and no catalog filter is set). The last word may be unfinished.
    pub fn refresh(&mut self) {
        let opts = Options { prefix_last: true };
        let query = self.query.value();
        let ranked = search::rank_with(query, &self.filters, opts);
        self.answered = !query.trim().is_empty() && search::answers_well(&ranked);
        self.hint = (!query.trim().is_empty() && !self.answered).then(|| search::miss_line(query, &ranked));
        let mut hits = Vec::with_capacity(ranked.len());
        let mut why = Vec::with_capacity(ranked.len());
        for r in ranked {
            hits.push(Hit::Item(r.index));
            why.push(r.matched);
        }
        if !search::words(query).is_empty() && self.filters.is_empty() {
            let mut recs = self.record_index.score(query, opts);
            recs.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            for (i, _, m) in recs.into_iter().take(MAX_RECORD_HITS) {
                hits.push(Hit::Record(i));
                why.push(m);
            }
        }
        self.hits = hits;
        self.why = why;
        self.cursor.first();
        self.cursor.set_len(self.hits.len());
    }

    /// Why the hit at `i` matched.
    pub fn why(&self, i: usize) -> &[Match] {
        self.why.get(i).map_or(&[], Vec::as_slice)
    }

    pub fn selected(&self) -> Option<Hit> {
        self.hits.get(self.cursor.selected).copied()
    }
}

fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current.and_then(|c| all.iter().position(|x| *x == c)) {
        None => all.first().copied(),
        Some(i) if i + 1 < all.len() => Some(all[i + 1]),
        Some(_) => None,
    }
}

const PHASES: [ItemPhase; 4] = [ItemPhase::Pre, ItemPhase::During, ItemPhase::Post, ItemPhase::Any];
const PARTIES: [Party; 7] =
    [Party::Organisation, Party::Provider, Party::Both, Party::Management, Party::Owner, Party::Infosec, Party::Audit];

impl App {
    /// Opens the lookup over whatever is on screen (a form stays underneath and comes back on close).
    pub(super) fn open_lookup(&mut self, over: Option<Overlay>) -> Result<()> {
        let records = match &self.session.current {
            Some(e) => crate::store::search::records(self.store.conn(), e.id)?,
            None => Vec::new(),
        };
        let mut l = Lookup::new(records, over.map(Box::new));
        l.cursor.set_height(super::layout::lookup_rows(self.size));
        l.refresh();
        self.overlay = Some(Overlay::Lookup(Box::new(l)));
        Ok(())
    }

    /// Opens the lookup straight on one catalog item's detail (from a checklist).
    pub(super) fn open_item_detail(&mut self, catalog_idx: usize) -> Result<()> {
        self.open_lookup(None)?;
        if let Some(Overlay::Lookup(l)) = self.overlay.take() {
            let mut l = *l;
            l.detail = Some(Detail {
                hit: Hit::Item(catalog_idx),
                usage: self.usage_of(catalog_idx)?,
                scroll: 0,
                why: Vec::new(),
            });
            self.overlay = Some(Overlay::Lookup(Box::new(l)));
        }
        Ok(())
    }

    /// Ticks a checklist item from its detail: the Workflow pane writes it and reloads.
    fn toggle_check(&mut self, catalog_idx: usize, target: CheckStatus) -> Result<()> {
        // The Workflow pane loads when first shown; it may not have been yet.
        self.load_if_stale(Tab::Workflow);
        let ticked = self.with_pane(Tab::Workflow, |p, cx| {
            let any: &mut dyn std::any::Any = p;
            match any.downcast_mut::<super::WorkflowPane>() {
                Some(w) => w.toggle(catalog_idx, target, cx),
                None => Ok(()),
            }
        });
        if let Some(Err(e)) = ticked {
            self.toast_error(format!("{e}"));
        }
        Ok(())
    }

    fn usage_of(&self, catalog_idx: usize) -> Result<Option<Usage>> {
        let (Some(e), Some(item)) = (&self.session.current, catalog().items.get(catalog_idx)) else { return Ok(None) };
        Ok(Some(checklist::usage(self.store.conn(), e.id, &item.id)?))
    }

    /// Shows a record of the open engagement on its tab, selected.
    fn goto_record(&mut self, rec: &Record) -> Result<()> {
        let found = match rec.kind {
            RecordKind::Provider => {
                self.goto_tab_index(Tab::Scorecard as usize, false);
                self.reveal(Tab::Scorecard, crate::store::Table::Provider, rec.id, rec.parent)?
            }
            RecordKind::Risk => {
                self.goto_tab_index(Tab::Risks as usize, false);
                self.reveal(Tab::Risks, crate::store::Table::Risk, rec.id, rec.parent)?
            }
            RecordKind::Member => {
                self.goto_tab_index(Tab::Vetting as usize, false);
                self.reveal(Tab::Vetting, crate::store::Table::TeamMember, rec.id, rec.parent)?
            }
            RecordKind::Asset => {
                self.goto_tab_index(Tab::Assets as usize, false);
                self.reveal(Tab::Assets, crate::store::Table::Asset, rec.id, rec.parent)?
            }
        };
        if !found {
            self.toast(format!("{} is hidden by the tab's filter: clear the filter to see it", rec.label));
        }
        Ok(())
    }

    pub(super) fn update_lookup(&mut self, mut l: Lookup, action: Action) -> Result<()> {
        if let Some(mut d) = l.detail.take() {
            match action {
                Action::Cancel | Action::Backspace => {}
                Action::ScrollDown | Action::NextRow => {
                    d.scroll = d.scroll.saturating_add(1);
                    l.detail = Some(d);
                }
                Action::ScrollUp | Action::PrevRow => {
                    d.scroll = d.scroll.saturating_sub(1);
                    l.detail = Some(d);
                }
                Action::ToggleDone | Action::ToggleNa => {
                    if let Hit::Item(i) = d.hit {
                        let target =
                            if action == Action::ToggleDone { CheckStatus::Done } else { CheckStatus::NotApplicable };
                        self.toggle_check(i, target)?;
                        d.usage = self.usage_of(i)?;
                    }
                    l.detail = Some(d);
                }
                _ => l.detail = Some(d),
            }
            self.overlay = Some(Overlay::Lookup(Box::new(l)));
            return Ok(());
        }
        let mut requery = false;
        match action {
            Action::Cancel => {
                self.overlay = l.back.map(|b| *b);
                return Ok(());
            }
            Action::Char(c) => {
                l.query.insert(c);
                requery = true;
            }
            Action::Backspace => {
                l.query.backspace();
                requery = true;
            }
            Action::DeleteChar => {
                l.query.delete();
                requery = true;
            }
            Action::ClearField => {
                l.query.clear();
                requery = true;
            }
            Action::CursorLeft => l.query.left(),
            Action::CursorRight => l.query.right(),
            Action::CursorHome => l.query.home(),
            Action::CursorEnd => l.query.end(),
            ref a if l.cursor.navigate(a) => {}
            Action::CyclePhase => {
                l.filters.phase = cycle(l.filters.phase, &PHASES);
                requery = true;
            }
            Action::CycleParty => {
                l.filters.party = cycle(l.filters.party, &PARTIES);
                requery = true;
            }
            Action::CycleTopic => {
                l.filters.topic = cycle(l.filters.topic, TOPICS);
                requery = true;
            }
            Action::Open => match l.selected() {
                Some(Hit::Record(r)) => {
                    // A record opens where it lives: its tab, with it selected.
                    if let Some(rec) = l.records.get(r).cloned() {
                        self.overlay = None;
                        self.goto_record(&rec)?;
                        return Ok(());
                    }
                }
                Some(hit @ Hit::Item(i)) => {
                    let usage = self.usage_of(i)?;
                    let why = l.why(l.cursor.selected).to_vec();
                    l.detail = Some(Detail { hit, usage, scroll: 0, why });
                }
                None => {}
            },
            _ => {}
        }
        if requery {
            l.refresh();
        }
        self.overlay = Some(Overlay::Lookup(Box::new(l)));
        Ok(())
    }
}
