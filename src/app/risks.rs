//! The Risks tab: the register of the current engagement, its heat map and its verdict.
//!
//! Everything the screen needs that depends on the whole register (the matrix counts, the rows passing the cell
//! filter, the verdict, the unaccepted and overdue counts) is computed here when the data or the view changes, so
//! drawing a frame costs only the rows on screen.

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::form::Form;
use super::picker::{PickItem, PickPurpose, Picker};
use super::table::TableCursor;
use super::{Action, App, Confirm, FormPurpose, Overlay, Pending};
use crate::catalog::{self, Cia, Use};
use crate::domain::plural;
use crate::domain::risk::{self, AcceptanceState, Dimension, Matrix, MatrixView, RiskFacts, Verdict};
use crate::domain::{Risk, Value};
use crate::store::risks;

/// Height of the strip under the register that holds the matrix and the verdict.
pub const RISK_STRIP: u16 = 9;

/// Which part of the Risks tab takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RiskFocus {
    #[default]
    Register,
    Matrix,
}

/// State of the Risks tab.
#[derive(Debug, Clone)]
pub struct RiskPane {
    /// The engagement the register belongs to.
    pub engagement: Option<i64>,
    pub all: Vec<Risk>,
    /// The rating facts of each risk, parallel to `all`.
    pub facts: Vec<RiskFacts>,
    /// Indices into `all` of the rows that pass the cell filter.
    pub visible: Vec<usize>,
    pub cursor: TableCursor,
    pub view: MatrixView,
    /// Counts of the current view, over the whole register.
    pub matrix: Matrix,
    pub verdict: Verdict,
    pub focus: RiskFocus,
    /// The matrix cursor: (likelihood, impact), both 1–5.
    pub cell: (u8, u8),
    /// The register shows only the risks in this cell (of the current view).
    pub filter: Option<(u8, u8)>,
    /// Risks whose acceptance is needed and not recorded.
    pub unaccepted: usize,
    /// Risks whose treatment is past its due date.
    pub overdue: usize,
}

impl Default for RiskPane {
    fn default() -> Self {
        RiskPane {
            engagement: None,
            all: Vec::new(),
            facts: Vec::new(),
            visible: Vec::new(),
            cursor: TableCursor::default(),
            view: MatrixView::default(),
            matrix: Matrix::default(),
            verdict: risk::verdict(&[], chrono::NaiveDate::default()),
            focus: RiskFocus::Register,
            cell: (3, 3),
            filter: None,
            unaccepted: 0,
            overdue: 0,
        }
    }
}

impl RiskPane {
    /// The selected risk with its facts.
    pub fn selected(&self) -> Option<(&Risk, &RiskFacts)> {
        let i = *self.visible.get(self.cursor.selected)?;
        Some((self.all.get(i)?, self.facts.get(i)?))
    }

    /// Replaces the register and recomputes everything derived from it.
    fn set(&mut self, all: Vec<Risk>, today: chrono::NaiveDate) {
        self.facts = all.iter().map(Risk::facts).collect();
        self.all = all;
        self.verdict = risk::verdict(&self.facts, today);
        self.unaccepted = self.facts.iter().filter(|f| f.acceptance(today) == AcceptanceState::Unaccepted).count();
        self.overdue = self.facts.iter().filter(|f| f.is_overdue(today)).count();
        self.recount();
    }

    /// Recomputes the matrix of the current view and the rows passing the filter.
    fn recount(&mut self) {
        self.matrix = risk::matrix(&self.facts, self.view);
        self.refilter();
    }

    fn refilter(&mut self) {
        let view = self.view;
        self.visible = match self.filter {
            None => (0..self.all.len()).collect(),
            Some((l, i)) => {
                self.facts.iter().enumerate().filter(|(_, f)| f.in_cell(view, l, i)).map(|(n, _)| n).collect()
            }
        };
        self.cursor.set_len(self.visible.len());
    }

    fn select_id(&mut self, id: i64) -> bool {
        match self.visible.iter().position(|&i| self.all.get(i).is_some_and(|r| r.id == id)) {
            Some(pos) => {
                self.cursor.select(pos);
                true
            }
            None => false,
        }
    }

    /// The view's name as the screen shows it: "Overall · inherent".
    pub fn view_name(&self) -> String {
        format!("{} · {}", self.view.dimension.label(), if self.view.residual { "residual" } else { "inherent" })
    }
}

/// Rows of the register on a screen `height` rows tall: less the tab bar, the status line, the strip, the borders
/// and the header.
pub fn risk_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2 + RISK_STRIP + 3))
}

fn next_dimension(d: Dimension) -> Dimension {
    match d {
        Dimension::C => Dimension::I,
        Dimension::I => Dimension::A,
        Dimension::A => Dimension::Overall,
        Dimension::Overall => Dimension::C,
    }
}

impl App {
    /// Loads the register of the current engagement (the hook `load_current` calls). Switching engagements resets
    /// the filter and the selection; reloading the same one keeps them.
    pub(super) fn load_risks(&mut self) -> Result<()> {
        let engagement = self.current.as_ref().map(|e| e.id);
        let pane = &mut self.risks;
        let keep = pane.selected().map(|(r, _)| r.id);
        if pane.engagement != engagement {
            pane.engagement = engagement;
            pane.filter = None;
            pane.focus = super::risks::RiskFocus::Register;
            pane.cursor.select(0);
        }
        let all = match engagement {
            Some(id) => risks::list(self.store.conn(), id)?,
            None => Vec::new(),
        };
        self.risks.set(all, self.today);
        if let Some(id) = keep {
            self.risks.select_id(id);
        }
        Ok(())
    }

    /// After a write: reloads the engagement's figures and register, and selects `id` (clearing a cell filter
    /// that would hide it).
    fn after_risk_write(&mut self, select: Option<i64>) -> Result<()> {
        if let Some(e) = self.current.as_ref().map(|e| e.id) {
            self.load_current(e)?;
        }
        if let Some(id) = select
            && !self.risks.select_id(id)
            && self.risks.filter.is_some()
        {
            self.risks.filter = None;
            self.risks.refilter();
            self.risks.select_id(id);
        }
        Ok(())
    }

    pub(super) fn update_risks(&mut self, action: Action) -> Result<()> {
        let pane = &mut self.risks;
        match action {
            ref a if pane.cursor.navigate(a) => {}
            Action::Cancel if pane.filter.is_some() => {
                pane.filter = None;
                pane.refilter();
            }
            Action::FocusMatrix => pane.focus = RiskFocus::Matrix,
            Action::CycleDimension | Action::ToggleResidual => self.change_view(&action),
            Action::Add => self.open_new_risk(),
            Action::AddFromCatalog => self.open_catalog_picker(),
            Action::Edit | Action::Open => self.open_edit_risk(),
            Action::Accept => self.open_accept_risk(),
            Action::Delete => {
                if let Some((r, _)) = self.risks.selected() {
                    self.overlay = Some(Overlay::Confirm(Confirm {
                        title: "Delete risk".into(),
                        message: format!(
                            "Delete the risk “{}” with its treatment and acceptance? This cannot be undone.",
                            r.title
                        ),
                        pending: Pending::DeleteRisk(r.id),
                        back: None,
                    }));
                }
            }
            _ => {}
        }
        Ok(())
    }

    pub(super) fn update_matrix(&mut self, action: Action) -> Result<()> {
        let pane = &mut self.risks;
        let (l, i) = pane.cell;
        match action {
            Action::CursorLeft => pane.cell = (l, i.saturating_sub(1).max(1)),
            Action::CursorRight => pane.cell = (l, (i + 1).min(risk::MAX_IMPACT)),
            Action::PrevRow => pane.cell = ((l + 1).min(risk::MAX_LIKELIHOOD), i),
            Action::NextRow => pane.cell = (l.saturating_sub(1).max(risk::MIN_LIKELIHOOD), i),
            Action::Open | Action::Submit => {
                pane.filter = Some(pane.cell);
                pane.refilter();
                pane.cursor.first();
                pane.focus = RiskFocus::Register;
            }
            Action::Cancel => {
                if pane.filter.take().is_some() {
                    pane.refilter();
                } else {
                    pane.focus = RiskFocus::Register;
                }
            }
            Action::FocusMatrix => pane.focus = RiskFocus::Register,
            Action::CycleDimension | Action::ToggleResidual => self.change_view(&action),
            _ => {}
        }
        Ok(())
    }

    fn change_view(&mut self, action: &Action) {
        let pane = &mut self.risks;
        match action {
            Action::CycleDimension => pane.view.dimension = next_dimension(pane.view.dimension),
            Action::ToggleResidual => pane.view.residual = !pane.view.residual,
            _ => return,
        }
        let keep = pane.selected().map(|(r, _)| r.id);
        pane.recount();
        if let Some(id) = keep {
            pane.select_id(id);
        }
    }

    fn open_new_risk(&mut self) {
        let Some(engagement) = self.risks.engagement else { return };
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            "New risk",
            FormPurpose::NewRisk { engagement, catalog_ref: None },
            Risk::FIELDS,
            &Risk::defaults(),
        ))));
    }

    fn open_catalog_picker(&mut self) {
        if self.risks.engagement.is_none() {
            return;
        }
        let items = catalog::catalog()
            .with_use(Use::Risk)
            .map(|item| {
                let citation = item.citation();
                // The list names the place in the document; the detail under it gives the full citation.
                let place = citation.strip_prefix(item.source.label()).unwrap_or(&citation).trim().to_string();
                PickItem {
                    key: item.id.clone(),
                    label: item.title.clone(),
                    detail: place,
                    text: format!("{} ({citation})", item.text),
                }
            })
            .collect();
        self.overlay = Some(Overlay::Picker(Picker::new(
            "Add a risk from the catalog",
            PickPurpose::CatalogRisk,
            items,
            self.size.1,
        )));
    }

    pub(super) fn update_picker(&mut self, mut picker: Picker, action: Action) -> Result<Option<Action>> {
        match action {
            Action::Cancel => return Ok(None),
            ref a if picker.cursor.navigate(a) => {}
            Action::Submit | Action::Open => {
                if let Some(item) = picker.selected() {
                    match picker.purpose {
                        PickPurpose::CatalogRisk => self.open_risk_from_catalog(&item.key),
                    }
                    return Ok(None);
                }
            }
            _ => {}
        }
        self.overlay = Some(Overlay::Picker(picker));
        Ok(None)
    }

    /// A new-risk form filled from a catalog item: its title, its text as the description, and a middling impact
    /// on each dimension the item names. The likelihood is left for the assessor to rate.
    fn open_risk_from_catalog(&mut self, id: &str) {
        let (Some(engagement), Some(item)) = (self.risks.engagement, catalog::catalog().get(id)) else { return };
        let impact = |c: Cia| Value::Int(if item.cia.contains(&c) { 3 } else { 0 });
        let values: Vec<Value> = Risk::FIELDS
            .iter()
            .zip(Risk::defaults())
            .map(|(f, default)| match f.key {
                "title" => Value::text(&item.title),
                "description" => Value::text(&item.text),
                "impact_c" => impact(Cia::C),
                "impact_i" => impact(Cia::I),
                "impact_a" => impact(Cia::A),
                _ => default,
            })
            .collect();
        let mut form = Form::new(
            format!("New risk from {} — {}", item.id, item.citation()),
            FormPurpose::NewRisk { engagement, catalog_ref: Some(item.id.clone()) },
            Risk::FIELDS,
            &values,
        );
        form.focus_key("likelihood");
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    fn open_edit_risk(&mut self) {
        let Some((r, _)) = self.risks.selected() else { return };
        let values: Vec<Value> = Risk::FIELDS.iter().map(|f| r.value(f.key)).collect();
        self.overlay = Some(Overlay::Form(Box::new(Form::new(
            format!("Edit risk — {}", r.title),
            FormPurpose::EditRisk(r.id),
            Risk::FIELDS,
            &values,
        ))));
    }

    fn open_accept_risk(&mut self) {
        let Some((r, f)) = self.risks.selected() else { return };
        let values: Vec<Value> = Risk::ACCEPTANCE_FIELDS
            .iter()
            .map(|spec| match (spec.key, r.value(spec.key)) {
                ("accepted_at", Value::Null) => Value::text(self.today.to_string()),
                (_, v) => v,
            })
            .collect();
        let why = if f.needs_acceptance() { "" } else { " (not required for this risk)" };
        let mut form = Form::new(
            format!("Accept risk — {}{why}", r.title),
            FormPurpose::AcceptRisk(r.id),
            Risk::ACCEPTANCE_FIELDS,
            &values,
        );
        if r.accepted_by.is_some() {
            form.focus_key("review_date");
        }
        self.overlay = Some(Overlay::Form(Box::new(form)));
    }

    /// Checks a risk form as a whole before it is saved; the error names the field to fix.
    pub(super) fn check_risk_form(
        &self,
        purpose: &FormPurpose,
        values: &[(&'static str, Value)],
    ) -> Option<(&'static str, String)> {
        match purpose {
            FormPurpose::NewRisk { .. } | FormPurpose::EditRisk(_) => Risk::check(values).err(),
            FormPurpose::AcceptRisk(_) => Risk::check_acceptance(values).err(),
            _ => None,
        }
    }

    /// Commits a risk form; returns the message to show.
    pub(super) fn save_risk_form(&mut self, purpose: &FormPurpose, values: &[(&'static str, Value)]) -> Result<String> {
        match purpose {
            FormPurpose::NewRisk { engagement, catalog_ref } => {
                let id = self.store.write(|w| risks::create(w, *engagement, catalog_ref.as_deref(), values))?;
                self.after_risk_write(Some(id))?;
                Ok(match self.risks.selected() {
                    Some((_, f)) => format!("Risk added — {} {}", f.inherent.level(), f.inherent.band().label()),
                    None => "Risk added".into(),
                })
            }
            FormPurpose::EditRisk(id) => {
                let n = self.store.write(|w| risks::update(w, *id, values))?;
                self.after_risk_write(Some(*id))?;
                Ok(if n == 0 { "No changes".into() } else { format!("Risk saved ({n} field{})", plural(n)) })
            }
            FormPurpose::AcceptRisk(id) => {
                let text =
                    |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()).unwrap_or_default();
                let (by, at, review) = (text("accepted_by"), text("accepted_at"), text("review_date"));
                self.store.write(|w| risks::accept(w, *id, &by, &at, &review))?;
                self.after_risk_write(Some(*id))?;
                Ok(format!("Accepted by {by} on {at}; review by {review}"))
            }
            _ => Err(eyre!("not a risk form")),
        }
    }

    pub(super) fn delete_risk(&mut self, id: i64) -> Result<()> {
        match self.store.write(|w| risks::delete(w, id)) {
            Ok(_) => {
                self.after_risk_write(None)?;
                self.saved("Risk deleted");
            }
            Err(e) => self.toast_error(format!("Not deleted: {e}")),
        }
        Ok(())
    }
}
