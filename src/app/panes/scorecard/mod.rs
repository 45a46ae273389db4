//! The provider-selection scorecard: providers, criteria, the score grid and the ranking, with the decision on a
//! provider (its gates and their override).
//!
//! The ranking and the leader's sensitivity are computed here, after every write, so that drawing a frame only
//! reads them.

mod forms;
mod grid;
mod view;

use std::collections::HashMap;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::pane::{Cx, Intent, Pane, Session, Values, View};
use crate::domain::scorecard::{
    Grid, MAX_WEIGHT, Ranked, Robustness, Sensitivity, criteria_in, display_percentages, rank, scoring_grid,
    sensitivity,
};
use crate::domain::{Criterion, Provider};
use crate::keys::{Action, Context};
use crate::store::{Table, criteria, providers, scores};
use crate::widgets::table::TableCursor;
use crate::widgets::table_view::DrawnRows;
use forms::{ScoreAsk, ScoreForm};
pub use grid::{GRID_COL_MAX, GRID_COL_W, GRID_LABEL_W, GridCursor, GridGeometry, RANKING_BESIDE_FROM, RANKING_W};
pub use view::expiry_span;

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

/// Everything the scorecard tab shows for the current engagement.
#[derive(Debug, Clone)]
pub struct ScorecardPane {
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

impl Default for ScorecardPane {
    fn default() -> Self {
        ScorecardPane {
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

impl ScorecardPane {
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
    pub(super) fn recompute(&mut self, scores: &[crate::domain::Score], today: chrono::NaiveDate) {
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
                self.sensitivity = ScorecardPane::default().sensitivity;
            }
        }
        let by_id: HashMap<i64, &Ranked> = self.ranking.iter().map(|r| (r.provider_id, r)).collect();
        self.totals =
            self.providers.iter().map(|p| by_id.get(&p.id).map_or((0.0, false), |r| (r.total, r.passes))).collect();
        self.grid = grid;
    }

    /// Loads the current engagement's providers, criteria and scores and recomputes the ranking.
    fn load_for(&mut self, engagement: Option<i64>, cx: &Cx) -> Result<()> {
        let Some(e) = engagement else {
            *self = ScorecardPane { view: self.view, geometry: self.geometry, ..ScorecardPane::default() };
            return Ok(());
        };
        if self.engagement != Some(e) {
            self.engagement = Some(e);
            self.provider_cursor.first();
            self.criterion_cursor.first();
            self.cell = GridCursor::default();
        }
        let conn = cx.store.conn();
        self.providers = providers::list(conn, e)?;
        self.criteria = criteria::list(conn, e)?;
        let all = scores::list(conn, e)?;
        self.recompute(&all, cx.today);
        self.provider_cursor.set_len(self.providers.len());
        self.criterion_cursor.set_len(self.criteria.len());
        // The columns fit the providers' names: recompute them for the providers just loaded.
        self.fit(cx.size);
        Ok(())
    }

    /// Fits the cursors' windows and the grid's columns to a terminal of `size`.
    fn fit(&mut self, (w, h): (u16, u16)) {
        self.provider_cursor.set_height(crate::app::list_rows(h));
        self.criterion_cursor.set_height(crate::app::list_rows(h));
        let longest = self.providers.iter().map(|p| p.name.chars().count()).max().unwrap_or(0);
        self.geometry = GridGeometry::fitted(w, h, self.providers.len(), longest);
        self.settle_cell();
    }

    /// After a write: the figures of the engagement and the other panes reload (providers named here label the
    /// team members the Assets tab resolves holders against), and so does the scorecard, keeping its cursors.
    fn after_write(&mut self, cx: &mut Cx) -> Result<()> {
        cx.changed();
        self.load(cx)
    }

    /// Enter on a provider: everything about it, read only — certificate, commitments, decision, and its place in
    /// the ranking with the gates it fails (`e` edits it, `H` shows its history).
    fn show_provider(&self, p: &Provider, cx: &mut Cx) {
        let dash = |o: &Option<String>| o.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "—".into());
        let date = |o: &Option<String>| o.as_deref().map_or_else(|| "—".to_string(), |d| cx.dates.show(d));
        let yes = |b: bool| if b { "yes" } else { "no" }.to_string();
        let ranked = self.ranking.iter().find(|r| r.provider_id == p.id);
        let standing = match ranked {
            Some(r) => format!(
                "#{} of {}, {:.1} out of 100{}",
                r.rank,
                self.ranking.len(),
                r.total,
                if r.unscored > 0 { format!(" ({} criteria not scored yet)", r.unscored) } else { String::new() }
            ),
            None => "— (no criteria to rank on)".into(),
        };
        let gates = match ranked {
            Some(r) if r.passes => "every gate passed".to_string(),
            Some(r) => {
                let mut fails: Vec<String> =
                    r.failed_must_haves.iter().map(|(_, name)| format!("must-have: {name}")).collect();
                fails.extend(r.gate_failures.iter().cloned());
                fails.join("; ")
            }
            None => "—".into(),
        };
        let expiry = format!("{} ({})", date(&p.cert_expiry), p.cert_status(cx.today).label());
        let lines = vec![
            ("Name".to_string(), p.name.clone()),
            ("Status".into(), p.status.clone()),
            ("Focal point".into(), dash(&p.focal_point)),
            (String::new(), String::new()),
            ("Certificate".into(), format!("{} {}", dash(&p.cert_body), p.cert_number.clone().unwrap_or_default())),
            ("Expires".into(), expiry),
            ("Scope".into(), dash(&p.cert_scope)),
            ("Covers the service".into(), yes(p.scope_covers_service)),
            ("Accepts policies".into(), yes(p.agrees_policies)),
            ("Accepts audit".into(), yes(p.agrees_audit)),
            (String::new(), String::new()),
            ("Ranking".into(), standing),
            ("Gates".into(), gates),
            (String::new(), String::new()),
            ("Decision".into(), format!("{} — by {}, on {}", p.status, dash(&p.decided_by), date(&p.decided_at))),
            ("Reason".into(), dash(&p.decision_reason)),
        ];
        let mut lines = lines;
        lines.extend(crate::app::panes::overview::journal::linked_lines(cx, crate::store::Table::Provider, p.id));
        cx.push(crate::app::pane::Effect::Detail(crate::app::Detail {
            title: format!(
                "Provider {} — {}",
                crate::app::panes::refs::label(crate::store::Table::Provider, p.number),
                p.name
            ),
            tab: cx.tab,
            record: Some((crate::store::Table::Provider, p.id)),
            lines,
            scroll: 0,
        }));
    }

    fn update_providers(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let Some(engagement) = self.engagement else { return Ok(()) };
        let selected = self.selected_provider().cloned();
        match action {
            ref a if self.provider_cursor.navigate(a) => {}
            Action::Add => cx.open_form(
                "New provider",
                ScoreForm::NewProvider(engagement),
                Provider::FIELDS,
                &Provider::defaults(),
            ),
            Action::Edit => {
                if let Some(p) = selected {
                    self.open_edit_provider(&p, cx);
                }
            }
            Action::Open => {
                if let Some(p) = selected {
                    self.show_provider(&p, cx);
                }
            }
            Action::SetStatus => {
                if let Some(p) = selected {
                    self.open_decision(&p, cx);
                }
            }
            Action::Delete => {
                if let Some(p) = selected {
                    let scored = self
                        .criteria
                        .iter()
                        .filter(|c| self.grid.as_ref().and_then(|g| g.score(p.id, c.id)).is_some())
                        .count();
                    cx.confirm(
                        "Delete provider",
                        format!(
                            "Delete “{}” with its {scored} score{} and its team? {}",
                            p.name,
                            crate::domain::plural(scored),
                            cx.undo_note()
                        ),
                        ScoreAsk::DeleteProvider(p.id),
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn update_criteria(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        let Some(engagement) = self.engagement else { return Ok(()) };
        let selected = self.selected_criterion().cloned();
        match action {
            ref a if self.criterion_cursor.navigate(a) => {}
            Action::Add => cx.open_form(
                "New criterion",
                ScoreForm::NewCriterion(engagement),
                Criterion::FIELDS,
                &Criterion::defaults(),
            ),
            Action::Edit | Action::Open => {
                if let Some(c) = selected {
                    self.open_edit_criterion(&c, cx);
                }
            }
            Action::WeightUp | Action::WeightDown | Action::ToggleMustHave => {
                if let Some(c) = selected {
                    self.change_criterion(&c, &action, cx)?;
                }
            }
            Action::Delete => {
                if let Some(c) = selected {
                    cx.confirm(
                        "Delete criterion",
                        format!("Delete the criterion “{}” and every score given on it? {}", c.text, cx.undo_note()),
                        ScoreAsk::DeleteCriterion(c.id),
                    );
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn change_criterion(&mut self, c: &Criterion, action: &Action, cx: &mut Cx) -> Result<()> {
        let result = match action {
            Action::WeightUp if c.weight >= MAX_WEIGHT => {
                cx.toast(format!("The highest weight is {MAX_WEIGHT}"));
                return Ok(());
            }
            Action::WeightDown if c.weight == 0 => {
                cx.toast("The lowest weight is 0");
                return Ok(());
            }
            Action::WeightUp => cx.store.write(|w| criteria::set_weight(w, c.id, c.weight + 1)),
            Action::WeightDown => cx.store.write(|w| criteria::set_weight(w, c.id, c.weight - 1)),
            Action::ToggleMustHave => cx.store.write(|w| criteria::set_must_have(w, c.id, !c.must_have)),
            _ => return Ok(()),
        };
        match result {
            Ok(_) => {
                self.after_write(cx)?;
                let msg = match action {
                    Action::ToggleMustHave if !c.must_have => format!("“{}” is now a must-have", c.text),
                    Action::ToggleMustHave => format!("“{}” is no longer a must-have", c.text),
                    _ => {
                        let now = self.criteria.iter().find(|x| x.id == c.id).map_or(0, |x| x.weight);
                        format!("Weight of “{}”: {} → {now}", c.text, c.weight)
                    }
                };
                cx.saved(msg);
            }
            Err(e) => cx.error(format!("Not saved: {e}")),
        }
        Ok(())
    }
}

impl Pane for ScorecardPane {
    fn title(&self) -> &'static str {
        "Scorecard"
    }

    fn short_title(&self) -> &'static str {
        "Score"
    }

    fn context(&self) -> Context {
        match self.view {
            ScoreView::Providers => Context::Providers,
            ScoreView::Criteria => Context::Criteria,
            ScoreView::Grid if self.scoring => Context::Scoring,
            ScoreView::Grid => Context::Grid,
        }
    }

    /// Loads the scorecard of the current engagement. Switching engagements starts the cursors afresh; reloading the
    /// same one keeps them.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        self.load_for(cx.session.current_id(), cx)
    }

    fn resize(&mut self, size: (u16, u16)) {
        self.fit(size);
    }

    /// Score mode belongs to the grid on screen: leaving the tab ends it.
    fn leave(&mut self) {
        self.scoring = false;
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        if action == Action::NextView {
            self.view = self.view.next();
            return Ok(());
        }
        match self.view {
            ScoreView::Providers => self.update_providers(action, cx),
            ScoreView::Criteria => self.update_criteria(action, cx),
            ScoreView::Grid => self.update_grid(action, cx),
        }
    }

    fn form_rule(&self, intent: &Intent, values: &Values, cx: &Cx) -> Option<(&'static str, String)> {
        self.rule(intent.get::<ScoreForm>()?, values, cx)
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        match intent.get::<ScoreForm>() {
            Some(form) => self.save_form(form, values, cx),
            None => Ok(String::new()),
        }
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        match intent.get::<ScoreAsk>() {
            Some(ask) => self.delete(ask, cx),
            None => Ok(()),
        }
    }

    fn reveal(&mut self, table: Table, id: i64, _parent: Option<i64>, _cx: &mut Cx) -> Result<bool> {
        if table != Table::Provider {
            return Ok(false);
        }
        self.view = ScoreView::Providers;
        let pos = self.providers.iter().position(|p| p.id == id);
        Ok(pos.map(|p| self.provider_cursor.select(p)).is_some())
    }

    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        match self.view {
            ScoreView::Providers => {
                self.selected_provider().map(|p| (Table::Provider, p.id, format!("provider {}", p.name)))
            }
            ScoreView::Criteria => {
                self.selected_criterion().map(|c| (Table::Criterion, c.id, format!("criterion {}", c.text)))
            }
            ScoreView::Grid => None,
        }
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        match self.view {
            ScoreView::Providers => Some(&mut self.provider_cursor),
            ScoreView::Criteria => Some(&mut self.criterion_cursor),
            ScoreView::Grid => None,
        }
    }

    fn click(&mut self, drawn: &DrawnRows, i: usize, col: Option<usize>) -> bool {
        if self.view == ScoreView::Grid {
            // In score mode a click does nothing: the keys are the digits'.
            if !self.scoring {
                self.click_cell(drawn, i, col);
            }
            return false;
        }
        self.cursor().is_some_and(|cursor| crate::app::pane::click_list(cursor, drawn, i))
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_cycle() {
        assert_eq!(ScoreView::Providers.next().next().next(), ScoreView::Providers);
    }
}
