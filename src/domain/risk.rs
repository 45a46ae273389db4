//! Risk rating rules of the assessors' method: levels, bands, treatment, acceptance, heat map and verdict.
//!
//! A risk is rated with a likelihood (1–5) and an impact (0–5) on each of confidentiality, integrity and
//! availability. Its level is likelihood × the highest impact (0..=25), and the level falls in a [`Band`].
//! Everything here is pure: callers pass `today` in, nothing reads the clock or storage.

use chrono::NaiveDate;
use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantNames};

/// Lowest valid likelihood.
pub const MIN_LIKELIHOOD: u8 = 1;
/// Highest valid likelihood, and the number of matrix rows.
pub const MAX_LIKELIHOOD: u8 = 5;
/// Highest valid impact, and the number of matrix columns.
pub const MAX_IMPACT: u8 = 5;
/// Highest possible level (likelihood × impact).
pub const MAX_LEVEL: u8 = MAX_LIKELIHOOD * MAX_IMPACT;

/// Risk band of a level: Low 0–4, Medium 5–9, High 10–14, Critical 15–25, ordered Low < Critical.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Display, EnumString, AsRefStr, IntoStaticStr, EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Band {
    /// Level 1–4 (and 0, a risk with no impact).
    Low,
    /// Level 5–9.
    Medium,
    /// Level 10–14.
    High,
    /// Level 15–25.
    Critical,
}

impl Band {
    /// All bands from lowest to highest.
    pub const ALL: [Band; 4] = [Band::Low, Band::Medium, Band::High, Band::Critical];

    /// The band a level falls in; 0 counts as Low and anything above 25 as Critical.
    pub fn from_level(level: u8) -> Band {
        match level {
            0..=4 => Band::Low,
            5..=9 => Band::Medium,
            10..=14 => Band::High,
            _ => Band::Critical,
        }
    }

    /// One-letter code: L, M, H or C.
    pub fn letter(self) -> char {
        match self {
            Band::Low => 'L',
            Band::Medium => 'M',
            Band::High => 'H',
            Band::Critical => 'C',
        }
    }

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Band::Low => "Low",
            Band::Medium => "Medium",
            Band::High => "High",
            Band::Critical => "Critical",
        }
    }

    /// Position in [`Band::ALL`] (Low = 0 … Critical = 3).
    pub fn index(self) -> usize {
        match self {
            Band::Low => 0,
            Band::Medium => 1,
            Band::High => 2,
            Band::Critical => 3,
        }
    }
}

/// Which impact a level or matrix looks at: one CIA dimension, or Overall (the highest of the three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Display, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum Dimension {
    /// Confidentiality.
    C,
    /// Integrity.
    I,
    /// Availability.
    A,
    /// The highest of confidentiality, integrity and availability.
    #[default]
    Overall,
}

impl Dimension {
    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Dimension::C => "Confidentiality",
            Dimension::I => "Integrity",
            Dimension::A => "Availability",
            Dimension::Overall => "Overall",
        }
    }
}

/// A likelihood (1–5) with an impact (0–5) on each of confidentiality, integrity and availability.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rating {
    /// Likelihood, 1–5.
    pub likelihood: u8,
    /// Confidentiality impact, 0–5.
    pub c: u8,
    /// Integrity impact, 0–5.
    pub i: u8,
    /// Availability impact, 0–5.
    pub a: u8,
}

impl Rating {
    /// A rating from likelihood and C, I, A impacts (not validated; see [`Rating::validate`]).
    pub const fn new(likelihood: u8, c: u8, i: u8, a: u8) -> Rating {
        Rating { likelihood, c, i, a }
    }

    /// The impact in one dimension; Overall is the highest of C, I and A.
    pub fn impact_in(&self, dimension: Dimension) -> u8 {
        match dimension {
            Dimension::C => self.c,
            Dimension::I => self.i,
            Dimension::A => self.a,
            Dimension::Overall => self.c.max(self.i).max(self.a),
        }
    }

    /// The highest of the three impacts.
    pub fn impact(&self) -> u8 {
        self.impact_in(Dimension::Overall)
    }

    /// Likelihood × the impact in one dimension (saturating, so unvalidated input cannot overflow).
    pub fn level_in(&self, dimension: Dimension) -> u8 {
        self.likelihood.saturating_mul(self.impact_in(dimension))
    }

    /// Overall level: likelihood × the highest impact, 0..=25 for a valid rating.
    pub fn level(&self) -> u8 {
        self.level_in(Dimension::Overall)
    }

    /// Band of the level in one dimension.
    pub fn band_in(&self, dimension: Dimension) -> Band {
        Band::from_level(self.level_in(dimension))
    }

    /// Band of the overall level.
    pub fn band(&self) -> Band {
        Band::from_level(self.level())
    }

    /// Checks likelihood is 1–5 and every impact 0–5; the error says which value is wrong.
    pub fn validate(&self) -> Result<(), String> {
        if !(MIN_LIKELIHOOD..=MAX_LIKELIHOOD).contains(&self.likelihood) {
            return Err(format!("likelihood must be {MIN_LIKELIHOOD}–{MAX_LIKELIHOOD}, got {}", self.likelihood));
        }
        for (name, value) in [("confidentiality", self.c), ("integrity", self.i), ("availability", self.a)] {
            if value > MAX_IMPACT {
                return Err(format!("{name} impact must be 0–{MAX_IMPACT}, got {value}"));
            }
        }
        Ok(())
    }
}

/// How a risk is treated (stored as snake_case: modify, retain, avoid, share).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
#[derive(VariantNames)]
pub enum Treatment {
    /// Reduce the risk with controls.
    Modify,
    /// Keep the risk as it is; always needs acceptance.
    Retain,
    /// Stop the activity that causes the risk.
    Avoid,
    /// Transfer part of the risk, e.g. by contract or insurance.
    Share,
}

impl Treatment {
    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Treatment::Modify => "Modify",
            Treatment::Retain => "Retain",
            Treatment::Avoid => "Avoid",
            Treatment::Share => "Share",
        }
    }
}

/// Progress of a treatment (stored as snake_case: open, in_progress, done).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Display, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
#[derive(VariantNames)]
pub enum TreatmentStatus {
    /// Not started.
    #[default]
    Open,
    /// Under way.
    InProgress,
    /// Finished.
    Done,
}

impl TreatmentStatus {
    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            TreatmentStatus::Open => "Open",
            TreatmentStatus::InProgress => "In progress",
            TreatmentStatus::Done => "Done",
        }
    }
}

/// Where a risk stands on acceptance by management.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Display, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
pub enum AcceptanceState {
    /// Neither retained nor High or above after treatment, so no acceptance is required.
    NotNeeded,
    /// Acceptance is required but no named manager and date are recorded.
    Unaccepted,
    /// Accepted by a named manager on a date, with no review date in the past.
    Accepted,
    /// Accepted, but the review date lies before today.
    ReviewOverdue,
}

impl AcceptanceState {
    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            AcceptanceState::NotNeeded => "Not needed",
            AcceptanceState::Unaccepted => "Unaccepted",
            AcceptanceState::Accepted => "Accepted",
            AcceptanceState::ReviewOverdue => "Review overdue",
        }
    }
}

/// The facts about one risk that the rules need, independent of storage and display.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RiskFacts {
    /// Rating before treatment.
    pub inherent: Rating,
    /// Rating after treatment, if the assessor has rated it.
    pub residual: Option<Rating>,
    /// Chosen treatment, if any.
    pub treatment: Option<Treatment>,
    /// Progress of the treatment.
    pub status: TreatmentStatus,
    /// Date the treatment is due.
    pub due: Option<NaiveDate>,
    /// Manager who accepted the risk.
    pub accepted_by: Option<String>,
    /// Date the risk was accepted.
    pub accepted_at: Option<NaiveDate>,
    /// Date the acceptance must be reviewed.
    pub review_date: Option<NaiveDate>,
}

impl RiskFacts {
    /// A risk with only an inherent rating: no residual, treatment, dates or acceptance, status open.
    pub fn new(inherent: Rating) -> RiskFacts {
        RiskFacts {
            inherent,
            residual: None,
            treatment: None,
            status: TreatmentStatus::Open,
            due: None,
            accepted_by: None,
            accepted_at: None,
            review_date: None,
        }
    }

    /// Validates the inherent rating and, if present, the residual rating.
    pub fn validate(&self) -> Result<(), String> {
        self.inherent.validate().map_err(|e| format!("inherent {e}"))?;
        match &self.residual {
            Some(residual) => residual.validate().map_err(|e| format!("residual {e}")),
            None => Ok(()),
        }
    }

    /// The rating that stands now: the residual rating once the treatment that earns it is done (modify: the
    /// controls are in place; avoid: the activity has stopped; share: the contract or insurance is in force),
    /// otherwise the inherent rating. Retain has no residual of its own: it keeps the inherent rating.
    pub fn effective_residual(&self) -> Rating {
        match self.treatment {
            Some(Treatment::Modify | Treatment::Avoid | Treatment::Share) if self.status == TreatmentStatus::Done => {
                self.residual.unwrap_or(self.inherent)
            }
            _ => self.inherent,
        }
    }

    /// Whether the assessor's residual rating is the one that stands (rated, and its treatment done).
    pub fn residual_in_effect(&self) -> bool {
        self.residual.is_some()
            && matches!(self.treatment, Some(Treatment::Modify | Treatment::Avoid | Treatment::Share))
            && self.status == TreatmentStatus::Done
    }

    /// A treatment other than retain is chosen but not done yet: its residual rating is only a plan.
    pub fn is_planned(&self) -> bool {
        matches!(self.treatment, Some(Treatment::Modify | Treatment::Avoid | Treatment::Share))
            && self.status != TreatmentStatus::Done
    }

    /// Band of the effective residual rating.
    pub fn residual_band(&self) -> Band {
        self.effective_residual().band()
    }

    /// The rating a matrix view looks at: effective residual if `residual`, else inherent.
    pub fn rating(&self, residual: bool) -> Rating {
        if residual { self.effective_residual() } else { self.inherent }
    }

    /// True when the treatment is retain or the residual band is High or Critical.
    pub fn needs_acceptance(&self) -> bool {
        self.treatment == Some(Treatment::Retain) || self.residual_band() >= Band::High
    }

    /// True when a named manager (non-blank `accepted_by`) and an acceptance date are recorded.
    pub fn is_accepted(&self) -> bool {
        let named = self.accepted_by.as_deref().is_some_and(|name| !name.trim().is_empty());
        named && self.accepted_at.is_some()
    }

    /// Acceptance state on `today`; a review date equal to today is not yet overdue.
    pub fn acceptance(&self, today: NaiveDate) -> AcceptanceState {
        if !self.needs_acceptance() {
            AcceptanceState::NotNeeded
        } else if !self.is_accepted() {
            AcceptanceState::Unaccepted
        } else if self.review_date.is_some_and(|review| review < today) {
            AcceptanceState::ReviewOverdue
        } else {
            AcceptanceState::Accepted
        }
    }

    /// True when the treatment is not done and its due date is before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.status != TreatmentStatus::Done && self.due.is_some_and(|due| due < today)
    }

    /// Untreated means no treatment chosen, or a treatment other than retain whose status is not done (a plan is
    /// not a treatment). Retain counts as treated once chosen: it is settled by acceptance, which it always needs.
    pub fn is_untreated(&self) -> bool {
        match self.treatment {
            None => true,
            Some(Treatment::Retain) => false,
            Some(_) => self.status != TreatmentStatus::Done,
        }
    }

    /// The matrix cell `(likelihood, impact)`, both 1–5, this risk falls in; None when outside the matrix.
    ///
    /// A risk is outside when its impact in the view is 0 (or its rating is out of range).
    pub fn cell(&self, view: MatrixView) -> Option<(u8, u8)> {
        let rating = self.rating(view.residual);
        let impact = rating.impact_in(view.dimension);
        let in_range =
            (MIN_LIKELIHOOD..=MAX_LIKELIHOOD).contains(&rating.likelihood) && (1..=MAX_IMPACT).contains(&impact);
        in_range.then_some((rating.likelihood, impact))
    }

    /// True when this risk falls in the matrix cell at `likelihood` and `impact` for `view`.
    pub fn in_cell(&self, view: MatrixView, likelihood: u8, impact: u8) -> bool {
        self.cell(view) == Some((likelihood, impact))
    }
}

/// What a heat map shows: which dimension's impact, and inherent or (effective) residual ratings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct MatrixView {
    /// Impact dimension on the columns.
    pub dimension: Dimension,
    /// Use effective residual ratings instead of inherent ones.
    pub residual: bool,
}

impl MatrixView {
    /// A view of inherent ratings in `dimension`.
    pub fn inherent(dimension: Dimension) -> MatrixView {
        MatrixView { dimension, residual: false }
    }

    /// A view of effective residual ratings in `dimension`.
    pub fn residual(dimension: Dimension) -> MatrixView {
        MatrixView { dimension, residual: true }
    }
}

/// A 5×5 heat map: `cells[likelihood - 1][impact - 1]` counts risks, `outside` those with impact 0 in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Matrix {
    /// Risk counts indexed by `[likelihood - 1][impact - 1]`.
    pub cells: [[u32; 5]; 5],
    /// Risks not in any cell: impact 0 in the view (or an out-of-range rating).
    pub outside: u32,
}

impl Matrix {
    /// Count in the cell at `likelihood` and `impact` (both 1–5); 0 for coordinates off the grid.
    pub fn count(&self, likelihood: u8, impact: u8) -> u32 {
        let row = usize::from(likelihood).checked_sub(1);
        let col = usize::from(impact).checked_sub(1);
        match (row, col) {
            (Some(row), Some(col)) => self.cells.get(row).and_then(|r| r.get(col)).copied().unwrap_or(0),
            _ => 0,
        }
    }

    /// Number of risks in the cells (excluding `outside`).
    pub fn total(&self) -> u32 {
        self.cells.iter().flatten().sum()
    }
}

/// Band of a matrix cell: the band of likelihood × impact, for colouring the heat map.
pub fn cell_band(likelihood: u8, impact: u8) -> Band {
    Band::from_level(likelihood.saturating_mul(impact))
}

/// Counts risks into a heat map for `view`; risks with impact 0 in the view go to `outside`.
pub fn matrix<'a>(risks: impl IntoIterator<Item = &'a RiskFacts>, view: MatrixView) -> Matrix {
    let mut out = Matrix::default();
    for risk in risks {
        let cell = risk.cell(view).and_then(|(likelihood, impact)| {
            out.cells.get_mut(usize::from(likelihood) - 1).and_then(|row| row.get_mut(usize::from(impact) - 1))
        });
        match cell {
            Some(count) => *count += 1,
            None => out.outside += 1,
        }
    }
    out
}

/// What the Overview and the Risks tab say of a whole register: its verdict, and how many risks wait for an
/// acceptance or are past their treatment's due date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterFigures {
    pub verdict: Verdict,
    pub unaccepted: usize,
    pub overdue: usize,
}

impl RegisterFigures {
    pub fn of(facts: &[RiskFacts], today: NaiveDate) -> RegisterFigures {
        RegisterFigures {
            verdict: verdict(facts, today),
            unaccepted: facts.iter().filter(|f| f.acceptance(today) == AcceptanceState::Unaccepted).count(),
            overdue: facts.iter().filter(|f| f.is_overdue(today)).count(),
        }
    }
}

impl Default for RegisterFigures {
    fn default() -> Self {
        RegisterFigures::of(&[], NaiveDate::default())
    }
}

/// Summary judgement on an engagement's risk register, by effective residual band.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Verdict {
    /// Critical risks that are untreated or unaccepted.
    pub critical_outstanding: u32,
    /// High risks that are untreated or unaccepted.
    pub high_outstanding: u32,
    /// Of the outstanding ones, those whose treatment is chosen but not done yet (their inherent rating stands).
    pub planned: u32,
    /// Number of risks per residual band, indexed as [`Band::ALL`] (see [`Band::index`]).
    pub per_band: [u32; 4],
    /// One plain-English sentence stating whether the outsourcing can go ahead as planned.
    pub text: String,
}

impl Verdict {
    /// Number of risks whose residual band is `band`.
    pub fn count(&self, band: Band) -> u32 {
        self.per_band[band.index()]
    }

    /// Total number of risks assessed.
    pub fn total(&self) -> u32 {
        self.per_band.iter().sum()
    }

    /// True when Critical or High risks remain untreated or unaccepted, so the outsourcing should not proceed.
    pub fn is_blocking(&self) -> bool {
        self.critical_outstanding + self.high_outstanding > 0
    }
}

/// Judges a register on `today`: a Critical or High residual risk is outstanding when it is untreated
/// ([`RiskFacts::is_untreated`]) or its acceptance state is [`AcceptanceState::Unaccepted`].
///
/// An accepted risk whose review is overdue still counts as accepted here; the UI flags it separately.
pub fn verdict<'a>(risks: impl IntoIterator<Item = &'a RiskFacts>, today: NaiveDate) -> Verdict {
    let mut per_band = [0u32; 4];
    let mut critical_outstanding = 0u32;
    let mut high_outstanding = 0u32;
    let mut planned = 0u32;
    for risk in risks {
        let band = risk.residual_band();
        per_band[band.index()] += 1;
        let outstanding = risk.is_untreated() || risk.acceptance(today) == AcceptanceState::Unaccepted;
        if outstanding && band >= Band::High && risk.is_planned() {
            planned += 1;
        }
        match band {
            Band::Critical if outstanding => critical_outstanding += 1,
            Band::High if outstanding => high_outstanding += 1,
            _ => {}
        }
    }
    let total: u32 = per_band.iter().sum();
    let text = verdict_text(critical_outstanding, high_outstanding, planned, total);
    Verdict { critical_outstanding, high_outstanding, planned, per_band, text }
}

/// The verdict sentence for the given outstanding counts and register size.
fn verdict_text(critical: u32, high: u32, planned: u32, total: u32) -> String {
    let outstanding = critical + high;
    if outstanding > 0 && planned == outstanding {
        let counts = match (critical, high) {
            (0, h) => format!("{h} high"),
            (c, 0) => format!("{c} critical"),
            (c, h) => format!("{c} critical and {h} high"),
        };
        let (noun, verb) = if outstanding == 1 { ("risk", "has its") } else { ("risks", "have their") };
        format!(
            "Treatment planned, not done: {counts} {noun} {verb} treatment planned but not yet in place, so the \
             inherent rating stands and the outsourcing should not go ahead as planned until the treatment is done \
             and any remaining risk accepted."
        )
    } else if outstanding > 0 {
        let planned_note = match planned {
            0 => String::new(),
            p => format!(" ({p} of them with treatment planned but not yet done)"),
        };
        let counts = match (critical, high) {
            (0, h) => format!("{h} high"),
            (c, 0) => format!("{c} critical"),
            (c, h) => format!("{c} critical and {h} high"),
        };
        let (noun, verb, them) =
            if outstanding == 1 { ("risk", "remains", "it is") } else { ("risks", "remain", "they are") };
        format!(
            "{counts} {noun} {verb} untreated or unaccepted{planned_note}, so the outsourcing should not go ahead as planned \
             until {them} treated and accepted, because a function whose risks are considerable and whose benefits \
             are small should not be outsourced."
        )
    } else if total == 0 {
        "No risks are recorded yet, so there is nothing to treat or accept before the outsourcing goes ahead."
            .to_string()
    } else {
        "No critical or high risk remains untreated or unaccepted: the remaining risks are treated or accepted, \
         so the outsourcing can go ahead as planned."
            .to_string()
    }
}

#[cfg(test)]
mod tests;
