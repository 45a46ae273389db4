//! The Risks tab: the register of the current engagement, its heat map and its verdict.
//!
//! Everything the screen needs that depends on the whole register (the matrix counts, the rows passing the cell
//! filter, the verdict, the unaccepted and overdue counts) is computed here when the data or the view changes, so
//! drawing a frame costs only the rows on screen.

mod view;

use color_eyre::Result;
use ratatui::Frame;
use ratatui::layout::Rect;

use crate::app::pane::{Cx, Intent, Pane, Session, Values, View};
use crate::catalog::{self, Cia, Use};
use crate::domain::plural;
use crate::domain::risk::{self, Dimension, Matrix, MatrixView, RiskFacts, Verdict};
use crate::domain::{Risk, Value};
use crate::keys::{Action, Context};
use crate::store::{Table, risks};
use crate::widgets::find::{Find, FindKey};
use crate::widgets::picker::PickItem;
use crate::widgets::table::TableCursor;

/// Height of the strip under the register that holds the matrix and the verdict.
pub const RISK_STRIP: u16 = 9;

/// The forms of the Risks tab.
#[derive(Debug, Clone, PartialEq)]
enum RiskForm {
    New { engagement: i64, catalog_ref: Option<String> },
    Edit(i64),
    Accept(i64),
}

/// The questions of the Risks tab, and its list to pick from.
#[derive(Debug, Clone, PartialEq)]
enum RiskAsk {
    Delete(i64),
    FromCatalog,
}

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
    /// The register shows only the risks containing this text.
    pub find: Find,
    /// Risks whose acceptance is needed and not recorded.
    pub unaccepted: usize,
    /// Risks whose treatment is past its due date.
    pub overdue: usize,
    /// The highest short number in the register, which sizes the reference column.
    pub ref_max: i64,
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
            find: Find::default(),
            unaccepted: 0,
            overdue: 0,
            ref_max: 0,
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
        self.ref_max = crate::app::panes::refs::max(all.iter().map(|r| r.number));
        self.all = all;
        let figures = risk::RegisterFigures::of(&self.facts, today);
        self.verdict = figures.verdict;
        self.unaccepted = figures.unaccepted;
        self.overdue = figures.overdue;
        self.recount();
    }

    /// Recomputes the matrix of the current view and the rows passing the filter.
    fn recount(&mut self) {
        self.matrix = risk::matrix(&self.facts, self.view);
        self.refilter();
    }

    /// The rows passing the cell filter and the text typed, the cursor staying on the same risk while it passes.
    fn refilter(&mut self) {
        let keep = self.selected().map(|(r, _)| r.id);
        let view = self.view;
        let words = self.find.words();
        fn opt(s: &Option<String>) -> &str {
            s.as_deref().unwrap_or("")
        }
        self.visible = (0..self.all.len())
            .filter(|&n| self.filter.is_none_or(|(l, i)| self.facts[n].in_cell(view, l, i)))
            .filter(|&n| {
                let r = &self.all[n];
                let reference = crate::app::panes::refs::label(Table::Risk, r.number);
                Find::passes(
                    &words,
                    [
                        reference.as_str(),
                        r.title.as_str(),
                        opt(&r.catalog_ref),
                        opt(&r.owner),
                        opt(&r.description),
                        opt(&r.plan),
                        r.treatment.map_or("", |t| t.label()),
                        r.status.label(),
                    ],
                )
            })
            .collect();
        self.cursor.set_len(self.visible.len());
        if let Some(id) = keep {
            self.select_id(id);
        }
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

impl RiskPane {
    /// After a write: the figures of the engagement and the other panes reload, this register reloads, and `id` is
    /// selected (clearing a cell filter that would hide it).
    fn after_write(&mut self, select: Option<i64>, cx: &mut Cx) -> Result<()> {
        cx.changed();
        self.load(cx)?;
        if let Some(id) = select
            && !self.select_id(id)
            && (self.filter.is_some() || self.find.narrows())
        {
            self.filter = None;
            self.find.clear();
            self.refilter();
            self.select_id(id);
        }
        Ok(())
    }

    fn update_register(&mut self, action: Action, cx: &mut Cx) {
        match action {
            ref a if self.cursor.navigate(a) => {}
            Action::Filter => self.find.start(),
            Action::Cancel if self.filter.is_some() || self.find.narrows() => {
                self.filter = None;
                self.find.clear();
                self.refilter();
            }
            Action::FocusMatrix => self.focus = RiskFocus::Matrix,
            Action::CycleDimension | Action::ToggleResidual => self.change_view(&action),
            Action::Add => self.open_new(cx),
            Action::AddFromCatalog => self.open_catalog_picker(cx),
            Action::Edit => self.open_edit(cx),
            Action::Open => self.show_detail(cx),
            Action::Accept => self.open_accept(cx),
            Action::Delete => {
                if let Some((r, _)) = self.selected() {
                    cx.confirm(
                        "Delete risk",
                        format!("Delete the risk “{}” with its treatment and acceptance? {}", r.title, cx.undo_note()),
                        RiskAsk::Delete(r.id),
                    );
                }
            }
            _ => {}
        }
    }

    fn update_matrix(&mut self, action: Action) {
        let (l, i) = self.cell;
        match action {
            Action::CursorLeft => self.cell = (l, i.saturating_sub(1).max(1)),
            Action::CursorRight => self.cell = (l, (i + 1).min(risk::MAX_IMPACT)),
            Action::PrevRow => self.cell = ((l + 1).min(risk::MAX_LIKELIHOOD), i),
            Action::NextRow => self.cell = (l.saturating_sub(1).max(risk::MIN_LIKELIHOOD), i),
            Action::Open | Action::Submit => {
                self.filter = Some(self.cell);
                self.refilter();
                self.cursor.first();
                self.focus = RiskFocus::Register;
            }
            Action::Cancel => {
                if self.filter.take().is_some() {
                    self.refilter();
                } else {
                    self.focus = RiskFocus::Register;
                }
            }
            Action::FocusMatrix => self.focus = RiskFocus::Register,
            Action::CycleDimension | Action::ToggleResidual => self.change_view(&action),
            _ => {}
        }
    }

    fn change_view(&mut self, action: &Action) {
        match action {
            Action::CycleDimension => self.view.dimension = next_dimension(self.view.dimension),
            Action::ToggleResidual => self.view.residual = !self.view.residual,
            _ => return,
        }
        let keep = self.selected().map(|(r, _)| r.id);
        self.recount();
        if let Some(id) = keep {
            self.select_id(id);
        }
    }

    fn open_new(&self, cx: &mut Cx) {
        let Some(engagement) = self.engagement else { return };
        cx.open_form("New risk", RiskForm::New { engagement, catalog_ref: None }, Risk::FIELDS, &Risk::defaults());
    }

    /// Enter on a risk: everything about it, read only (`e` edits it, `H` shows its history).
    fn show_detail(&self, cx: &mut Cx) {
        let Some((r, f)) = self.selected() else { return };
        let dash = |o: &Option<String>| o.clone().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "—".into());
        let date = |o: &Option<String>| o.as_deref().map_or_else(|| "—".to_string(), |d| cx.dates.show(d));
        let rating = |r: &risk::Rating| {
            format!(
                "{} — likelihood {} × impact {} (C {}, I {}, A {}) = {}",
                r.band().label(),
                r.likelihood,
                r.impact(),
                r.c,
                r.i,
                r.a,
                r.level()
            )
        };
        let from_catalog = r.catalog_ref.as_ref().map(|id| {
            let title = catalog::catalog().items.iter().find(|i| &i.id == id).map(|i| i.title.as_str()).unwrap_or("");
            format!("{id} {title}")
        });
        let residual = match &f.residual {
            Some(res) if f.residual_in_effect() => rating(res),
            Some(res) => format!("{} (planned: stands once the treatment is done)", rating(res)),
            None => "— (not rated: the inherent rating stands)".into(),
        };
        let acceptance = match f.acceptance(cx.today) {
            risk::AcceptanceState::NotNeeded => "not needed".to_string(),
            state => format!(
                "{} — by {}, on {}, review by {}",
                state.label(),
                dash(&r.accepted_by),
                date(&r.accepted_at),
                date(&r.review_date)
            ),
        };
        let changes = crate::store::history::for_row(cx.store.conn(), Table::Risk, r.id).map(|h| h.len()).unwrap_or(0);
        let lines = vec![
            ("Title".to_string(), r.title.clone()),
            ("From the catalog".into(), from_catalog.unwrap_or_else(|| "— (the assessor's own)".into())),
            ("Description".into(), dash(&r.description)),
            (String::new(), String::new()),
            ("Inherent".into(), rating(&f.inherent)),
            ("Residual".into(), residual),
            ("Stands now".into(), f.residual_band().label().to_string()),
            (String::new(), String::new()),
            ("Treatment".into(), r.treatment.map_or("— (not chosen)".to_string(), |t| t.label().to_string())),
            ("Plan".into(), dash(&r.plan)),
            ("Owner".into(), dash(&r.owner)),
            ("Due".into(), format!("{}{}", date(&r.due_date), if f.is_overdue(cx.today) { " — overdue" } else { "" })),
            ("Status".into(), r.status.label().to_string()),
            ("Acceptance".into(), acceptance),
            (String::new(), String::new()),
            ("Finding".into(), dash(&r.finding)),
            ("Recommendation".into(), dash(&r.recommendation)),
            ("Mgmt response".into(), dash(&r.management_response)),
            (String::new(), String::new()),
            ("History".into(), format!("{changes} recorded change{}", plural(changes))),
        ];
        let mut lines = lines;
        lines.extend(crate::app::panes::overview::journal::linked_lines(cx, Table::Risk, r.id));
        cx.push(crate::app::pane::Effect::Detail(crate::app::Detail {
            title: format!("Risk {} — {}", crate::app::panes::refs::label(Table::Risk, r.number), r.title),
            tab: cx.tab,
            record: Some((Table::Risk, r.id)),
            lines,
            scroll: 0,
        }));
    }

    fn open_catalog_picker(&self, cx: &mut Cx) {
        if self.engagement.is_none() {
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
        cx.pick("Add a risk from the catalog", RiskAsk::FromCatalog, items);
    }

    /// A new-risk form filled from a catalog item: its title, its text as the description, and a middling impact
    /// on each dimension the item names. The likelihood is left for the assessor to rate.
    fn open_from_catalog(&self, id: &str, cx: &mut Cx) {
        let (Some(engagement), Some(item)) = (self.engagement, catalog::catalog().get(id)) else { return };
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
        let mut form = cx.form(
            format!("New risk from {} — {}", item.id, item.citation()),
            RiskForm::New { engagement, catalog_ref: Some(item.id.clone()) },
            Risk::FIELDS,
            &values,
        );
        form.focus_key("likelihood");
        cx.open(form);
    }

    fn open_edit(&self, cx: &mut Cx) {
        let Some((r, _)) = self.selected() else { return };
        let values: Vec<Value> = Risk::FIELDS.iter().map(|f| r.value(f.key)).collect();
        let title = format!("Edit risk {} — {}", crate::app::panes::refs::label(Table::Risk, r.number), r.title);
        cx.open_form(title, RiskForm::Edit(r.id), Risk::FIELDS, &values);
    }

    fn open_accept(&self, cx: &mut Cx) {
        let Some((r, f)) = self.selected() else { return };
        let values: Vec<Value> = Risk::ACCEPTANCE_FIELDS
            .iter()
            .map(|spec| match (spec.key, r.value(spec.key)) {
                ("accepted_at", Value::Null) => Value::text(cx.today.to_string()),
                (_, v) => v,
            })
            .collect();
        let why = if f.needs_acceptance() { "" } else { " (not required for this risk)" };
        let mut form = cx.form(
            format!("Accept risk — {}{why}", r.title),
            RiskForm::Accept(r.id),
            Risk::ACCEPTANCE_FIELDS,
            &values,
        );
        if r.accepted_by.is_some() {
            form.focus_key("review_date");
        }
        cx.open(form);
    }
}

impl Pane for RiskPane {
    fn title(&self) -> &'static str {
        "Risks"
    }

    fn short_title(&self) -> &'static str {
        "Risks"
    }

    fn context(&self) -> Context {
        match self.focus {
            _ if self.find.typing => Context::Filter,
            RiskFocus::Matrix => Context::Matrix,
            RiskFocus::Register => Context::Risks,
        }
    }

    /// Loads the register of the current engagement. Switching engagements resets the filter and the selection;
    /// reloading the same one keeps them.
    fn load(&mut self, cx: &mut Cx) -> Result<()> {
        let engagement = cx.session.current_id();
        let keep = self.selected().map(|(r, _)| r.id);
        if self.engagement != engagement {
            self.engagement = engagement;
            self.filter = None;
            self.find.clear();
            self.focus = RiskFocus::Register;
            self.cursor.select(0);
        }
        let all = match engagement {
            Some(id) => risks::list(cx.store.conn(), id)?,
            None => Vec::new(),
        };
        self.set(all, cx.today);
        if let Some(id) = keep {
            self.select_id(id);
        }
        Ok(())
    }

    fn resize(&mut self, (_, h): (u16, u16)) {
        self.cursor.set_height(risk_rows(h));
    }

    fn update(&mut self, action: Action, cx: &mut Cx) -> Result<()> {
        if self.find.typing {
            if self.find.update(&action) == FindKey::Changed {
                self.refilter();
            }
            return Ok(());
        }
        match self.focus {
            RiskFocus::Register => self.update_register(action, cx),
            RiskFocus::Matrix => self.update_matrix(action),
        }
        Ok(())
    }

    fn writes(&self, action: &Action) -> bool {
        // Enter edits the selected risk in the register; in the matrix it filters.
        match action {
            Action::Open => self.focus == RiskFocus::Register,
            a => crate::app::pane::writes_by_default(a),
        }
    }

    fn form_rule(&self, intent: &Intent, values: &Values, _cx: &Cx) -> Option<(&'static str, String)> {
        match intent.get::<RiskForm>()? {
            RiskForm::New { .. } | RiskForm::Edit(_) => Risk::check(values).err(),
            RiskForm::Accept(_) => Risk::check_acceptance(values).err(),
        }
    }

    fn save(&mut self, intent: &Intent, values: &Values, cx: &mut Cx) -> Result<String> {
        let Some(form) = intent.get::<RiskForm>() else { return Ok(String::new()) };
        match form {
            RiskForm::New { engagement, catalog_ref } => {
                let id = cx.store.write(|w| risks::create(w, *engagement, catalog_ref.as_deref(), values))?;
                self.after_write(Some(id), cx)?;
                Ok(match self.selected() {
                    Some((_, f)) => format!("Risk added — {} {}", f.inherent.level(), f.inherent.band().label()),
                    None => "Risk added".into(),
                })
            }
            RiskForm::Edit(id) => {
                let n = cx.store.write(|w| risks::update(w, *id, values))?;
                self.after_write(Some(*id), cx)?;
                Ok(if n == 0 { "No changes".into() } else { format!("Risk saved ({n} field{})", plural(n)) })
            }
            RiskForm::Accept(id) => {
                let text =
                    |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.to_string()).unwrap_or_default();
                let (by, at, review) = (text("accepted_by"), text("accepted_at"), text("review_date"));
                cx.store.write(|w| risks::accept(w, *id, &by, &at, &review))?;
                self.after_write(Some(*id), cx)?;
                Ok(format!("Accepted by {by} on {at}; review by {review}"))
            }
        }
    }

    fn confirmed(&mut self, intent: &Intent, cx: &mut Cx) -> Result<()> {
        if let Some(RiskAsk::Delete(id)) = intent.get::<RiskAsk>() {
            match cx.store.write(|w| risks::delete(w, *id)) {
                Ok(_) => {
                    self.after_write(None, cx)?;
                    cx.saved("Risk deleted");
                }
                Err(e) => cx.error(format!("Not deleted: {e}")),
            }
        }
        Ok(())
    }

    fn picked(&mut self, intent: &Intent, key: &str, cx: &mut Cx) -> Result<()> {
        if let Some(RiskAsk::FromCatalog) = intent.get::<RiskAsk>() {
            self.open_from_catalog(key, cx);
        }
        Ok(())
    }

    fn reveal(&mut self, table: Table, id: i64, _parent: Option<i64>, _cx: &mut Cx) -> Result<bool> {
        if table != Table::Risk {
            return Ok(false);
        }
        self.focus = RiskFocus::Register;
        if !self.select_id(id) && (self.filter.take().is_some() || self.find.narrows()) {
            self.find.clear();
            self.refilter();
            return Ok(self.select_id(id));
        }
        Ok(self.selected().is_some_and(|(r, _)| r.id == id))
    }

    fn selected_record(&self, _session: &Session) -> Option<(Table, i64, String)> {
        self.selected().map(|(r, _)| (Table::Risk, r.id, format!("risk {}", r.title)))
    }

    /// The risk's title, its ratings, treatment, owner and due date, and its description.
    fn copy_text(&self, _session: &Session) -> Option<(String, String)> {
        let (r, f) = self.selected()?;
        let (inherent, residual) = (f.inherent, f.effective_residual());
        let mut lines = vec![
            match &r.catalog_ref {
                Some(c) => format!("{} ({c})", r.title),
                None => r.title.clone(),
            },
            format!(
                "Inherent {} {} · residual {} {} · likelihood {} · impact C{} I{} A{}",
                inherent.band().label(),
                inherent.level(),
                residual.band().label(),
                residual.level(),
                r.likelihood,
                r.impact_c,
                r.impact_i,
                r.impact_a
            ),
            format!(
                "Treatment {} · {} · owner {} · due {}",
                r.treatment.map_or("—", |t| t.label()),
                r.status.label(),
                r.owner.as_deref().unwrap_or("—"),
                r.due_date.as_deref().unwrap_or("—")
            ),
        ];
        lines.extend(r.description.iter().chain(&r.plan).filter(|s| !s.is_empty()).cloned());
        Some((format!("risk “{}”", r.title), lines.join("\n")))
    }

    fn cursor(&mut self) -> Option<&mut TableCursor> {
        (self.focus == RiskFocus::Register).then_some(&mut self.cursor)
    }

    fn render(&self, area: Rect, frame: &mut Frame, view: &View) {
        view::render(self, view, area, frame);
    }
}
