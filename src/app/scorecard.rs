//! The provider-selection scorecard: providers, criteria, the score grid and the ranking.
//!
//! The ranking and the leader's sensitivity are computed here, after every write, so that drawing a frame only
//! reads them.

use std::collections::HashMap;

use color_eyre::Result;

use super::form::Form;
use super::table::TableCursor;
use super::{Action, App, Confirm, FormPurpose, Overlay, Pending};
use crate::domain::provider::is_decision;
use crate::domain::scorecard::{
    Grid, MAX_WEIGHT, Ranked, Robustness, Sensitivity, criteria_in, display_percentages, rank, scoring_grid,
    sensitivity,
};
use crate::domain::{Criterion, FieldKind, FieldSpec, Provider, Value, plural};
use crate::store::{criteria, engagements, providers, scores};

/// The three views of the scorecard tab, cycled by one key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ScoreView {
    #[default]
    Providers,
    Criteria,
    Grid,
}

impl ScoreView {
    pub fn next(self) -> ScoreView {
        match self {
            ScoreView::Providers => ScoreView::Criteria,
            ScoreView::Criteria => ScoreView::Grid,
            ScoreView::Grid => ScoreView::Providers,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            ScoreView::Providers => "Providers",
            ScoreView::Criteria => "Criteria",
            ScoreView::Grid => "Grid + ranking",
        }
    }
}

/// Where the cell cursor of the grid is, and which part of the grid is on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GridCursor {
    /// Criterion index.
    pub row: usize,
    /// Provider index.
    pub col: usize,
    pub row_offset: usize,
    pub col_offset: usize,
}

/// Width of the criterion column of the grid (must-have mark, text, weight, percentage).
pub const GRID_LABEL_W: u16 = 40;
/// Narrowest provider column of the grid (below it, the grid scrolls sideways).
pub const GRID_COL_W: u16 = 8;
/// Widest provider column: a column grows up to what its name needs when the terminal has room.
pub const GRID_COL_MAX: u16 = 32;
/// Width of the ranking panel when it sits beside the grid.
pub const RANKING_W: u16 = 60;
/// From this terminal width on, the ranking sits beside the grid; below it, under the grid.
pub const RANKING_BESIDE_FROM: u16 = 140;

/// How the grid view divides a terminal of a given size; shared by the state (to scroll) and the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridGeometry {
    pub ranking_beside: bool,
    /// Height of the ranking panel when it sits below the grid.
    pub ranking_h: u16,
    /// Criteria rows that fit.
    pub rows: usize,
    /// Provider columns that fit.
    pub cols: usize,
    /// Width of one provider column.
    pub col_w: u16,
}

impl GridGeometry {
    pub fn of(width: u16, height: u16) -> GridGeometry {
        GridGeometry::fitted(width, height, 0, 0)
    }

    /// The division for `providers` columns whose longest name is `longest` characters: the columns share the
    /// room left by the criteria, each as wide as the longest name needs (within the bounds) and no wider, so that
    /// on a wide terminal names are shown whole instead of cut to a few letters.
    pub fn fitted(width: u16, height: u16, providers: usize, longest: usize) -> GridGeometry {
        let body_h = height.saturating_sub(2);
        let ranking_beside = width >= RANKING_BESIDE_FROM;
        let ranking_h = if ranking_beside { 0 } else { (body_h * 2 / 5).max(8).min(body_h / 2) };
        let (grid_w, grid_h) =
            if ranking_beside { (width - RANKING_W, body_h) } else { (width, body_h.saturating_sub(ranking_h)) };
        // borders, the header line, the two footer lines (totals, gates) and the line about the cell
        let rows = usize::from(grid_h.saturating_sub(6)).max(1);
        let room = grid_w.saturating_sub(2 + GRID_LABEL_W);
        let want = u16::try_from(longest.saturating_add(2)).unwrap_or(u16::MAX).clamp(GRID_COL_W, GRID_COL_MAX);
        let share = match u16::try_from(providers) {
            Ok(0) => GRID_COL_W,
            Ok(n) => room / n,
            Err(_) => GRID_COL_W,
        };
        let col_w = share.clamp(GRID_COL_W, want);
        let cols = usize::from(room / col_w).max(1);
        GridGeometry { ranking_beside, ranking_h, rows, cols, col_w }
    }
}

/// Everything the scorecard tab shows for the current engagement.
#[derive(Debug, Clone)]
pub struct Scorecard {
    /// The engagement loaded, so that switching to another starts its cursors afresh.
    pub engagement: Option<i64>,
    pub view: ScoreView,
    pub providers: Vec<Provider>,
    pub criteria: Vec<Criterion>,
    /// Scores by (provider id, criterion id), as the domain rules see them.
    pub grid: Option<Grid>,
    /// Notes by (provider id, criterion id).
    pub notes: HashMap<(i64, i64), String>,
    /// Each criterion's weight as a whole percentage; they add up to 100.
    pub percentages: Vec<u32>,
    pub ranking: Vec<Ranked>,
    pub sensitivity: Sensitivity,
    /// Totals out of 100 and gate outcome per provider index (for the grid's footer).
    pub totals: Vec<(f64, bool)>,
    pub provider_cursor: TableCursor,
    pub criterion_cursor: TableCursor,
    pub cell: GridCursor,
    pub geometry: GridGeometry,
    /// Score mode: digits write scores in the grid (outside it they switch tabs, as everywhere else).
    pub scoring: bool,
}

impl Default for Scorecard {
    fn default() -> Self {
        Scorecard {
            engagement: None,
            view: ScoreView::default(),
            providers: Vec::new(),
            criteria: Vec::new(),
            grid: None,
            notes: HashMap::new(),
            percentages: Vec::new(),
            ranking: Vec::new(),
            sensitivity: Sensitivity { leader: None, change: None, robustness: Robustness::NotApplicable },
            totals: Vec::new(),
            provider_cursor: TableCursor::default(),
            criterion_cursor: TableCursor::default(),
            cell: GridCursor::default(),
            geometry: GridGeometry::of(120, 40),
            scoring: false,
        }
    }
}

/// On the decision form of a provider that fails a gate: selecting it anyway is an explicit override.
const GATE_OVERRIDE: FieldSpec = FieldSpec::new("gate_override", "Select despite the failed gates", FieldKind::YesNo);
/// On the decision form when another provider is already selected: replace it, or keep both.
const OTHER_SELECTED: FieldSpec = FieldSpec::new(
    "other_selected",
    "Already selected: replace or keep (multi-sourcing)",
    FieldKind::Enum(&["replace", "keep"]),
);

impl Scorecard {
    /// Every gate a provider fails, in words: the must-have criteria it does not meet, then what its record lacks.
    pub fn failed_gates(&self, id: i64, today: chrono::NaiveDate) -> Vec<String> {
        if let Some(r) = self.ranking.iter().find(|r| r.provider_id == id) {
            let mut why: Vec<String> =
                r.failed_must_haves.iter().map(|(_, n)| format!("must-have “{n}” not met")).collect();
            why.extend(r.gate_failures.iter().cloned());
            return why;
        }
        self.providers.iter().find(|p| p.id == id).map(|p| p.gate_failures(today)).unwrap_or_default()
    }

    /// The other providers already selected, by name.
    pub fn selected_others(&self, id: i64) -> Vec<(i64, String)> {
        self.providers.iter().filter(|p| p.id != id && p.status == "selected").map(|p| (p.id, p.name.clone())).collect()
    }

    pub fn selected_provider(&self) -> Option<&Provider> {
        self.providers.get(self.provider_cursor.selected)
    }

    pub fn selected_criterion(&self) -> Option<&Criterion> {
        self.criteria.get(self.criterion_cursor.selected)
    }

    /// The score of a cell, by indices.
    pub fn score_at(&self, provider: usize, criterion: usize) -> Option<u8> {
        let (p, c) = (self.providers.get(provider)?, self.criteria.get(criterion)?);
        self.grid.as_ref()?.score(p.id, c.id)
    }

    pub fn note_at(&self, provider: usize, criterion: usize) -> Option<&str> {
        let (p, c) = (self.providers.get(provider)?, self.criteria.get(criterion)?);
        self.notes.get(&(p.id, c.id)).map(String::as_str)
    }

    pub fn provider_name(&self, id: i64) -> &str {
        self.providers.iter().find(|p| p.id == id).map_or("?", |p| p.name.as_str())
    }

    pub fn criterion_text(&self, id: i64) -> &str {
        self.criteria.iter().find(|c| c.id == id).map_or("?", |c| c.text.as_str())
    }

    /// One line on how firmly the leader leads, e.g. "Leader Contoso — fragile: weight of 'Financial stability'
    /// 3 → 5 makes Fabrikam lead".
    pub fn sensitivity_line(&self) -> String {
        let s = &self.sensitivity;
        let Some(leader) = s.leader.map(|id| self.provider_name(id)) else {
            return "No providers to rank yet".to_string();
        };
        match (s.robustness, s.change) {
            (Robustness::NotApplicable, _) => format!("Leader {leader} — the only provider: nothing to compare"),
            (r, Some(ch)) => format!(
                "Leader {leader} — {}: weight of '{}' {} → {} makes {} lead",
                if r == Robustness::Fragile { "fragile" } else { "robust" },
                self.criterion_text(ch.criterion_id),
                ch.from,
                ch.to,
                self.provider_name(ch.new_leader)
            ),
            (_, None) => format!("Leader {leader} — robust: no change of one weight (0–{MAX_WEIGHT}) alters the lead"),
        }
    }

    /// Recomputes the grid, the percentages, the ranking and the sensitivity from the loaded records.
    fn recompute(&mut self, scores: &[crate::domain::Score], today: chrono::NaiveDate) {
        self.percentages = display_percentages(&criteria_in(&self.criteria));
        self.notes.clear();
        let grid = scoring_grid(&self.criteria, &self.providers, scores, today);
        for s in scores {
            if let Some(n) = s.note.as_ref().filter(|n| !n.is_empty()) {
                self.notes.insert((s.provider_id, s.criterion_id), n.clone());
            }
        }
        match &grid {
            Some(g) => {
                self.ranking = rank(g);
                self.sensitivity = sensitivity(g);
            }
            None => {
                self.ranking.clear();
                self.sensitivity = Scorecard::default().sensitivity;
            }
        }
        let by_id: HashMap<i64, &Ranked> = self.ranking.iter().map(|r| (r.provider_id, r)).collect();
        self.totals =
            self.providers.iter().map(|p| by_id.get(&p.id).map_or((0.0, false), |r| (r.total, r.passes))).collect();
        self.grid = grid;
    }

    fn settle_cell(&mut self) {
        let (rows, cols) = (self.geometry.rows.max(1), self.geometry.cols.max(1));
        let c = &mut self.cell;
        c.row = c.row.min(self.criteria.len().saturating_sub(1));
        c.col = c.col.min(self.providers.len().saturating_sub(1));
        if c.row < c.row_offset {
            c.row_offset = c.row;
        } else if c.row >= c.row_offset + rows {
            c.row_offset = c.row + 1 - rows;
        }
        c.row_offset = c.row_offset.min(self.criteria.len().saturating_sub(rows));
        if c.col < c.col_offset {
            c.col_offset = c.col;
        } else if c.col >= c.col_offset + cols {
            c.col_offset = c.col + 1 - cols;
        }
        c.col_offset = c.col_offset.min(self.providers.len().saturating_sub(cols));
    }
}

/// The one field of a cell's note.
const CELL_NOTE_FIELDS: &[FieldSpec] = &[FieldSpec::new("note", "Note", FieldKind::LongText)];

impl App {
    /// Loads the current engagement's providers, criteria and scores and recomputes the ranking.
    pub(super) fn load_scorecard(&mut self) -> Result<()> {
        let Some(e) = self.session.current.as_ref().map(|e| e.id) else {
            let view = self.scorecard.view;
            self.scorecard = Scorecard { view, geometry: self.scorecard.geometry, ..Scorecard::default() };
            return Ok(());
        };
        let conn = self.store.conn();
        let sc = &mut self.scorecard;
        if sc.engagement != Some(e) {
            sc.engagement = Some(e);
            sc.provider_cursor.first();
            sc.criterion_cursor.first();
            sc.cell = GridCursor::default();
        }
        sc.providers = providers::list(conn, e)?;
        sc.criteria = criteria::list(conn, e)?;
        let all = scores::list(conn, e)?;
        sc.recompute(&all, self.today);
        sc.provider_cursor.set_len(sc.providers.len());
        sc.criterion_cursor.set_len(sc.criteria.len());
        // The columns fit the providers' names: recompute them for the providers just loaded.
        let (w, h) = self.size;
        self.resize_scorecard(w, h);
        Ok(())
    }

    /// After a write: the scorecard and the overview's figures.
    fn refresh_scorecard(&mut self) -> Result<()> {
        self.load_scorecard()?;
        // Providers named here label the team members the Assets tab resolves holders against.
        self.load_assets()?;
        if let Some(e) = &self.session.current {
            self.session.summary = engagements::summary(self.store.conn(), e.id, &self.today.to_string())?;
        }
        Ok(())
    }

    pub(super) fn resize_scorecard(&mut self, w: u16, h: u16) {
        let sc = &mut self.scorecard;
        sc.provider_cursor.set_height(super::list_rows(h));
        sc.criterion_cursor.set_height(super::list_rows(h));
        let longest = sc.providers.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
        sc.geometry = GridGeometry::fitted(w, h, sc.providers.len(), longest);
        sc.settle_cell();
    }

    pub(super) fn update_scorecard(&mut self, action: Action) -> Result<()> {
        if action == Action::NextView {
            self.scorecard.view = self.scorecard.view.next();
            return Ok(());
        }
        match self.scorecard.view {
            ScoreView::Providers => self.update_providers(action),
            ScoreView::Criteria => self.update_criteria(action),
            ScoreView::Grid => self.update_grid(action),
        }
    }

    fn update_providers(&mut self, action: Action) -> Result<()> {
        let Some(engagement) = self.session.current.as_ref().map(|e| e.id) else { return Ok(()) };
        let selected = self.scorecard.selected_provider().cloned();
        let cursor = &mut self.scorecard.provider_cursor;
        match action {
            ref a if cursor.navigate(a) => {}
            Action::Add => self.open_form(
                "New provider",
                FormPurpose::NewProvider(engagement),
                Provider::FIELDS,
                &Provider::defaults(),
            ),
            Action::Edit | Action::Open => {
                if let Some(p) = selected {
                    self.open_edit_provider(&p);
                }
            }
            Action::SetStatus => {
                if let Some(p) = selected {
                    self.open_decision(&p);
                }
            }
            Action::Delete => {
                if let Some(p) = selected {
                    let scored = self
                        .scorecard
                        .criteria
                        .iter()
                        .filter(|c| self.scorecard.grid.as_ref().and_then(|g| g.score(p.id, c.id)).is_some())
                        .count();
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete provider".into(),
                        message: format!(
                            "Delete “{}” with its {scored} score{} and its team? This cannot be undone.",
                            p.name,
                            if scored == 1 { "" } else { "s" }
                        ),
                        pending: Pending::DeleteProvider(p.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn update_criteria(&mut self, action: Action) -> Result<()> {
        let Some(engagement) = self.session.current.as_ref().map(|e| e.id) else { return Ok(()) };
        let selected = self.scorecard.selected_criterion().cloned();
        let cursor = &mut self.scorecard.criterion_cursor;
        match action {
            ref a if cursor.navigate(a) => {}
            Action::Add => self.open_form(
                "New criterion",
                FormPurpose::NewCriterion(engagement),
                Criterion::FIELDS,
                &Criterion::defaults(),
            ),
            Action::Edit | Action::Open => {
                if let Some(c) = selected {
                    let values: Vec<Value> = Criterion::FIELDS.iter().map(|f| c.value(f.key)).collect();
                    self.open_form(
                        format!("Edit criterion — {}", c.text),
                        FormPurpose::EditCriterion(c.id),
                        Criterion::FIELDS,
                        &values,
                    );
                }
            }
            Action::WeightUp | Action::WeightDown | Action::ToggleMustHave => {
                if let Some(c) = selected {
                    self.change_criterion(&c, &action)?;
                }
            }
            Action::Delete => {
                if let Some(c) = selected {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete criterion".into(),
                        message: format!(
                            "Delete the criterion “{}” and every score given on it? This cannot be undone.",
                            c.text
                        ),
                        pending: Pending::DeleteCriterion(c.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn update_grid(&mut self, action: Action) -> Result<()> {
        match action {
            Action::StartScoring => {
                self.scorecard.scoring = true;
                return Ok(());
            }
            Action::StopScoring => {
                self.scorecard.scoring = false;
                return Ok(());
            }
            Action::Score0
            | Action::Score1
            | Action::Score2
            | Action::Score3
            | Action::Score4
            | Action::Score5
            | Action::ClearScore
                if !self.scorecard.scoring =>
            {
                return Ok(());
            }
            _ => {}
        }
        let sc = &mut self.scorecard;
        let (np, nc) = (sc.providers.len(), sc.criteria.len());
        let page = sc.geometry.rows.max(1);
        let c = &mut sc.cell;
        match action {
            Action::NextRow => c.row = (c.row + 1).min(nc.saturating_sub(1)),
            Action::PrevRow => c.row = c.row.saturating_sub(1),
            Action::NextColumn => c.col = (c.col + 1).min(np.saturating_sub(1)),
            Action::PrevColumn => c.col = c.col.saturating_sub(1),
            Action::FirstRow => c.row = 0,
            Action::LastRow => c.row = nc.saturating_sub(1),
            Action::PageDown => c.row = (c.row + page).min(nc.saturating_sub(1)),
            Action::PageUp => c.row = c.row.saturating_sub(page),
            _ => {}
        }
        sc.settle_cell();
        let (row, col) = (sc.cell.row, sc.cell.col);
        let provider = sc.providers.get(col).cloned();
        let criterion = sc.criteria.get(row).cloned();
        let score = match action {
            Action::Score0 => Some(0),
            Action::Score1 => Some(1),
            Action::Score2 => Some(2),
            Action::Score3 => Some(3),
            Action::Score4 => Some(4),
            Action::Score5 => Some(5),
            _ => None,
        };
        let (Some(p), Some(c)) = (provider, criterion) else {
            if score.is_some() || action == Action::Note {
                self.toast("Add a provider and a criterion first (v switches view)");
            }
            return Ok(());
        };
        if let Some(s) = score {
            match self.store.write(|w| scores::set(w, p.id, c.id, s)) {
                Ok(_) => {
                    self.refresh_scorecard()?;
                    self.advance_cell();
                    self.saved(&format!("{}: {s} on “{}”", p.name, c.text));
                }
                Err(e) => self.toast_error(format!("Not saved: {e}")),
            }
            return Ok(());
        }
        match action {
            Action::ClearScore => match self.store.write(|w| scores::clear(w, p.id, c.id)) {
                Ok(true) => {
                    self.refresh_scorecard()?;
                    self.saved(&format!("{}: score on “{}” cleared", p.name, c.text));
                }
                Ok(false) => self.toast("That cell has no score"),
                Err(e) => self.toast_error(format!("Not cleared: {e}")),
            },
            Action::Note => {
                if self.scorecard.score_at(col, row).is_none() {
                    self.toast("Score the cell first; the note goes with the score");
                } else {
                    let note = self.scorecard.note_at(col, row).map(str::to_string);
                    self.open_form(
                        format!("Note — {} on “{}”", p.name, c.text),
                        FormPurpose::CellNote { provider: p.id, criterion: c.id },
                        CELL_NOTE_FIELDS,
                        &[Value::from(note)],
                    );
                }
            }
            Action::WeightUp | Action::WeightDown | Action::ToggleMustHave => self.change_criterion(&c, &action)?,
            Action::SetStatus => self.open_decision(&p),
            _ => {}
        }
        Ok(())
    }

    /// After a digit: down to the next criterion; from the last one, to the top of the next provider's column.
    fn advance_cell(&mut self) {
        let sc = &mut self.scorecard;
        if sc.cell.row + 1 < sc.criteria.len() {
            sc.cell.row += 1;
        } else if sc.cell.col + 1 < sc.providers.len() {
            sc.cell.row = 0;
            sc.cell.col += 1;
        }
        sc.settle_cell();
    }

    fn change_criterion(&mut self, c: &Criterion, action: &Action) -> Result<()> {
        let result = match action {
            Action::WeightUp if c.weight >= MAX_WEIGHT => {
                self.toast(format!("The highest weight is {MAX_WEIGHT}"));
                return Ok(());
            }
            Action::WeightDown if c.weight == 0 => {
                self.toast("The lowest weight is 0");
                return Ok(());
            }
            Action::WeightUp => self.store.write(|w| criteria::set_weight(w, c.id, c.weight + 1)),
            Action::WeightDown => self.store.write(|w| criteria::set_weight(w, c.id, c.weight - 1)),
            Action::ToggleMustHave => self.store.write(|w| criteria::set_must_have(w, c.id, !c.must_have)),
            _ => return Ok(()),
        };
        match result {
            Ok(_) => {
                self.refresh_scorecard()?;
                let msg = match action {
                    Action::ToggleMustHave if !c.must_have => format!("“{}” is now a must-have", c.text),
                    Action::ToggleMustHave => format!("“{}” is no longer a must-have", c.text),
                    _ => {
                        let now = self.scorecard.criteria.iter().find(|x| x.id == c.id).map_or(0, |x| x.weight);
                        format!("Weight of “{}”: {} → {now}", c.text, c.weight)
                    }
                };
                self.saved(&msg);
            }
            Err(e) => self.toast_error(format!("Not saved: {e}")),
        }
        Ok(())
    }

    fn open_form(&mut self, title: impl Into<String>, purpose: FormPurpose, specs: &[FieldSpec], values: &[Value]) {
        self.overlay = Some(Overlay::Form(Box::new(Form::new(title, purpose, specs, values))));
    }

    fn open_edit_provider(&mut self, p: &Provider) {
        let values: Vec<Value> = Provider::FIELDS.iter().map(|f| p.value(f.key)).collect();
        self.open_form(
            format!("Edit provider — {}", p.name),
            FormPurpose::EditProvider(p.id),
            Provider::FIELDS,
            &values,
        );
    }

    /// The decision form. The reason starts empty (a new decision needs its own reason); a provider that fails a
    /// gate lists the failed gates and asks for an explicit override; another provider already selected asks
    /// whether to replace it or keep both.
    fn open_decision(&mut self, p: &Provider) {
        let failed = self.scorecard.failed_gates(p.id, self.today);
        let others = self.scorecard.selected_others(p.id);
        let mut specs = Provider::DECISION_FIELDS.to_vec();
        let mut values: Vec<Value> =
            specs.iter().map(|f| if f.key == "status" { p.value(f.key) } else { Value::Null }).collect();
        let mut intro = Vec::new();
        if !failed.is_empty() {
            specs.push(GATE_OVERRIDE);
            values.push(Value::Int(0));
            let n = failed.len();
            intro.push(format!("✗ {} fails {n} gate{}:", p.name, if n == 1 { "" } else { "s" }));
            intro.extend(failed.iter().map(|g| format!("  • {g}")));
            intro.push("Selecting it anyway is an override: answer yes below and give the reason.".into());
        }
        if !others.is_empty() {
            specs.push(OTHER_SELECTED);
            values.push(Value::Null);
            let names: Vec<&str> = others.iter().map(|(_, n)| n.as_str()).collect();
            intro.push(format!(
                "Already selected: {}. Selecting {} too: replace (they go back to shortlisted) or keep both.",
                names.join(", "),
                p.name
            ));
        }
        let mut form = Form::new(
            format!("Status of {} (← → to choose; a reason is required to select or reject)", p.name),
            FormPurpose::Decide(p.id),
            &specs,
            &values,
        );
        form.intro = intro;
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    /// Rules across fields that the field list alone cannot state: a field to mark and what it needs.
    pub(super) fn scorecard_form_rule(
        &self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Option<(&'static str, String)> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()).unwrap_or_default();
        match purpose {
            FormPurpose::Decide(id) if get("status") == "selected" => {
                let failed = self.scorecard.failed_gates(*id, self.today);
                let overridden = values.iter().any(|(k, v)| *k == "gate_override" && matches!(v, Value::Int(1)));
                if !failed.is_empty() && !overridden {
                    let n = failed.len();
                    return Some((
                        "gate_override",
                        format!("fails {n} gate{}: answer yes to override them, with the reason", plural(n)),
                    ));
                }
                if !self.scorecard.selected_others(*id).is_empty() && get("other_selected").trim().is_empty() {
                    return Some(("other_selected", "choose replace or keep (multi-sourcing)".into()));
                }
                get("decision_reason").trim().is_empty().then(|| {
                    let what = if failed.is_empty() { "selected" } else { "selected despite the failed gates" };
                    ("decision_reason", format!("say why the provider is {what}"))
                })
            }
            FormPurpose::Decide(_) if is_decision(&get("status")) && get("decision_reason").trim().is_empty() => {
                Some(("decision_reason", format!("say why the provider is {}", get("status"))))
            }
            _ => None,
        }
    }

    /// Commits a scorecard form; returns the message to show.
    pub(super) fn save_scorecard_form(
        &mut self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Result<String> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let msg = match purpose {
            FormPurpose::NewProvider(engagement) => {
                let id = self.store.write(|w| providers::create(w, *engagement, values))?;
                self.refresh_scorecard()?;
                if let Some(i) = self.scorecard.providers.iter().position(|p| p.id == id) {
                    self.scorecard.provider_cursor.select(i);
                }
                format!("Provider “{}” added", get("name"))
            }
            FormPurpose::EditProvider(id) => {
                let n = self.store.write(|w| providers::update(w, *id, values))?;
                self.refresh_scorecard()?;
                if n == 0 {
                    "No changes".to_string()
                } else {
                    format!("Saved ({n} field{})", if n == 1 { "" } else { "s" })
                }
            }
            FormPurpose::Decide(id) => {
                let status = get("status").to_string();
                let typed = get("decision_reason").to_string();
                let mut reason = (!typed.trim().is_empty()).then_some(typed);
                let mut notes = Vec::new();
                let mut replaced: Vec<(i64, String)> = Vec::new();
                if status == "selected" {
                    let failed = self.scorecard.failed_gates(*id, self.today);
                    if !failed.is_empty() {
                        // Recorded as an override, with the gates it overrides, in the decision itself.
                        reason = reason.map(|r| format!("Gate override (fails: {}): {r}", failed.join("; ")));
                        notes.push("gate override recorded".to_string());
                    }
                    let others = self.scorecard.selected_others(*id);
                    if !others.is_empty() {
                        let names: Vec<&str> = others.iter().map(|(_, n)| n.as_str()).collect();
                        if get("other_selected").to_string() == "replace" {
                            notes.push(format!("{} back to shortlisted", names.join(", ")));
                            replaced = others.clone();
                        } else {
                            reason = reason.map(|r| format!("{r} (multi-sourcing alongside {})", names.join(", ")));
                            notes.push(format!("kept alongside {}", names.join(", ")));
                        }
                    }
                }
                self.store.write(|w| {
                    for (other, _) in &replaced {
                        providers::decide(w, *other, "shortlisted", None)?;
                    }
                    providers::decide(w, *id, &status, reason.as_deref())
                })?;
                self.refresh_scorecard()?;
                let name = self.scorecard.provider_name(*id).to_string();
                if notes.is_empty() {
                    format!("{name} is now {status}")
                } else {
                    format!("{name} is now {status} ({})", notes.join("; "))
                }
            }
            FormPurpose::NewCriterion(engagement) => {
                let id = self.store.write(|w| criteria::create(w, *engagement, values))?;
                self.refresh_scorecard()?;
                if let Some(i) = self.scorecard.criteria.iter().position(|c| c.id == id) {
                    self.scorecard.criterion_cursor.select(i);
                }
                format!("Criterion “{}” added", get("text"))
            }
            FormPurpose::EditCriterion(id) => {
                let n = self.store.write(|w| criteria::update(w, *id, values))?;
                self.refresh_scorecard()?;
                if n == 0 {
                    "No changes".to_string()
                } else {
                    format!("Saved ({n} field{})", if n == 1 { "" } else { "s" })
                }
            }
            FormPurpose::CellNote { provider, criterion } => {
                let note = get("note").to_string();
                let note = (!note.trim().is_empty()).then_some(note);
                let kept = self.store.write(|w| scores::set_note(w, *provider, *criterion, note.as_deref()))?;
                self.refresh_scorecard()?;
                if kept { "Note saved".to_string() } else { "The cell has no score; note not kept".to_string() }
            }
            _ => String::new(),
        };
        Ok(msg)
    }

    pub(super) fn delete_scorecard_record(&mut self, pending: &Pending) -> Result<()> {
        let result = match pending {
            Pending::DeleteProvider(id) => {
                let name = self.scorecard.provider_name(*id).to_string();
                self.store.write(|w| providers::delete(w, *id)).map(|_| format!("Deleted provider “{name}”"))
            }
            Pending::DeleteCriterion(id) => {
                let text = self.scorecard.criterion_text(*id).to_string();
                self.store.write(|w| criteria::delete(w, *id)).map(|_| format!("Deleted criterion “{text}”"))
            }
            _ => return Ok(()),
        };
        match result {
            Ok(msg) => {
                self.refresh_scorecard()?;
                self.saved(&msg);
            }
            Err(e) => self.toast_error(format!("Not deleted: {e}")),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_puts_the_ranking_beside_on_wide_terminals() {
        let wide = GridGeometry::of(160, 48);
        assert!(wide.ranking_beside);
        assert_eq!(wide.rows, 40);
        assert_eq!(wide.cols, 7);
        assert_eq!(wide.col_w, GRID_COL_W);
        // Room to spare: columns grow to the longest name (plus a margin), within the bounds.
        let roomy = GridGeometry::fitted(220, 48, 4, 28);
        assert_eq!((roomy.col_w, roomy.cols), (29, 4));
        let few = GridGeometry::fitted(220, 48, 2, 10);
        assert_eq!(few.col_w, 12, "no wider than the names need");
        let crowded = GridGeometry::fitted(160, 48, 30, 28);
        assert_eq!((crowded.col_w, crowded.cols), (GRID_COL_W, 7), "many providers: narrow columns and scrolling");
        let narrow = GridGeometry::of(80, 24);
        assert!(!narrow.ranking_beside);
        assert!(narrow.rows >= 1 && narrow.cols >= 1);
    }

    #[test]
    fn views_cycle() {
        assert_eq!(ScoreView::Providers.next().next().next(), ScoreView::Providers);
    }
}
