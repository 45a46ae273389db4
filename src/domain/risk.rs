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
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn today() -> NaiveDate {
        d(2025, 6, 15)
    }

    fn r(likelihood: u8, c: u8, i: u8, a: u8) -> Rating {
        Rating::new(likelihood, c, i, a)
    }

    fn risk(inherent: Rating) -> RiskFacts {
        RiskFacts::new(inherent)
    }

    fn with(
        inherent: Rating,
        residual: Option<Rating>,
        treatment: Option<Treatment>,
        status: TreatmentStatus,
    ) -> RiskFacts {
        RiskFacts { residual, treatment, status, ..RiskFacts::new(inherent) }
    }

    fn accept(mut risk: RiskFacts, by: &str, at: Option<NaiveDate>, review: Option<NaiveDate>) -> RiskFacts {
        risk.accepted_by = Some(by.to_string());
        risk.accepted_at = at;
        risk.review_date = review;
        risk
    }

    // ---- bands ----

    #[test]
    fn band_edges() {
        assert_eq!(Band::from_level(0), Band::Low);
        assert_eq!(Band::from_level(1), Band::Low);
        assert_eq!(Band::from_level(4), Band::Low);
        assert_eq!(Band::from_level(5), Band::Medium);
        assert_eq!(Band::from_level(9), Band::Medium);
        assert_eq!(Band::from_level(10), Band::High);
        assert_eq!(Band::from_level(14), Band::High);
        assert_eq!(Band::from_level(15), Band::Critical);
        assert_eq!(Band::from_level(25), Band::Critical);
        assert_eq!(Band::from_level(u8::MAX), Band::Critical);
    }

    #[test]
    fn every_level_has_the_expected_band() {
        for level in 0..=MAX_LEVEL {
            let expected = match level {
                0..=4 => Band::Low,
                5..=9 => Band::Medium,
                10..=14 => Band::High,
                _ => Band::Critical,
            };
            assert_eq!(Band::from_level(level), expected, "level {level}");
        }
    }

    #[test]
    fn band_order_letters_labels_and_index() {
        assert!(Band::Low < Band::Medium && Band::Medium < Band::High && Band::High < Band::Critical);
        let letters: String = Band::ALL.iter().map(|b| b.letter()).collect();
        assert_eq!(letters, "LMHC");
        let labels: Vec<_> = Band::ALL.iter().map(|b| b.label()).collect();
        assert_eq!(labels, ["Low", "Medium", "High", "Critical"]);
        for (i, band) in Band::ALL.iter().enumerate() {
            assert_eq!(band.index(), i);
        }
        assert_eq!(Band::from_str("critical"), Ok(Band::Critical));
        assert_eq!(Band::High.as_ref(), "high");
    }

    // ---- ratings ----

    #[test]
    fn level_uses_highest_impact() {
        let rating = r(3, 2, 4, 1);
        assert_eq!(rating.impact(), 4);
        assert_eq!(rating.level(), 12);
        assert_eq!(rating.band(), Band::High);
        assert_eq!(r(5, 5, 5, 5).level(), 25);
        assert_eq!(r(1, 1, 0, 0).level(), 1);
    }

    #[test]
    fn per_dimension_levels() {
        let rating = r(3, 2, 4, 1);
        assert_eq!(rating.impact_in(Dimension::C), 2);
        assert_eq!(rating.impact_in(Dimension::I), 4);
        assert_eq!(rating.impact_in(Dimension::A), 1);
        assert_eq!(rating.impact_in(Dimension::Overall), 4);
        assert_eq!(rating.level_in(Dimension::C), 6);
        assert_eq!(rating.level_in(Dimension::I), 12);
        assert_eq!(rating.level_in(Dimension::A), 3);
        assert_eq!(rating.level_in(Dimension::Overall), 12);
        assert_eq!(rating.band_in(Dimension::C), Band::Medium);
        assert_eq!(rating.band_in(Dimension::A), Band::Low);
    }

    #[test]
    fn level_zero_is_low() {
        let rating = r(5, 0, 0, 0);
        assert_eq!(rating.level(), 0);
        assert_eq!(rating.band(), Band::Low);
        assert_eq!(rating.validate(), Ok(()));
    }

    #[test]
    fn level_saturates_on_unvalidated_input() {
        assert_eq!(r(200, 200, 0, 0).level(), u8::MAX);
    }

    #[test]
    fn validate_ranges() {
        assert_eq!(r(1, 0, 0, 0).validate(), Ok(()));
        assert_eq!(r(5, 5, 5, 5).validate(), Ok(()));
        assert!(r(0, 1, 1, 1).validate().is_err_and(|e| e.contains("likelihood")));
        assert!(r(6, 1, 1, 1).validate().is_err_and(|e| e.contains("likelihood")));
        assert!(r(3, 6, 1, 1).validate().is_err_and(|e| e.contains("confidentiality")));
        assert!(r(3, 1, 6, 1).validate().is_err_and(|e| e.contains("integrity")));
        assert!(r(3, 1, 1, 6).validate().is_err_and(|e| e.contains("availability")));
    }

    #[test]
    fn risk_validate_names_the_rating() {
        assert_eq!(risk(r(3, 3, 3, 3)).validate(), Ok(()));
        assert!(risk(r(0, 3, 3, 3)).validate().is_err_and(|e| e.starts_with("inherent ")));
        let bad_residual = with(r(3, 3, 3, 3), Some(r(3, 9, 0, 0)), None, TreatmentStatus::Open);
        assert!(bad_residual.validate().is_err_and(|e| e.starts_with("residual ")));
    }

    // ---- strum strings ----

    #[test]
    fn treatment_strings_round_trip() {
        for (s, t) in [
            ("modify", Treatment::Modify),
            ("retain", Treatment::Retain),
            ("avoid", Treatment::Avoid),
            ("share", Treatment::Share),
        ] {
            assert_eq!(Treatment::from_str(s), Ok(t));
            assert_eq!(t.as_ref(), s);
            assert_eq!(t.to_string(), s);
        }
        assert!(Treatment::from_str("Modify").is_err());
        assert!(Treatment::from_str("transfer").is_err());
    }

    #[test]
    fn status_strings_round_trip() {
        for (s, t) in [
            ("open", TreatmentStatus::Open),
            ("in_progress", TreatmentStatus::InProgress),
            ("done", TreatmentStatus::Done),
        ] {
            assert_eq!(TreatmentStatus::from_str(s), Ok(t));
            assert_eq!(t.as_ref(), s);
        }
        assert_eq!(TreatmentStatus::default(), TreatmentStatus::Open);
        assert_eq!(TreatmentStatus::InProgress.label(), "In progress");
    }

    #[test]
    fn dimension_strings() {
        assert_eq!(Dimension::from_str("overall"), Ok(Dimension::Overall));
        assert_eq!(Dimension::C.as_ref(), "c");
        assert_eq!(Dimension::A.label(), "Availability");
        assert_eq!(AcceptanceState::ReviewOverdue.as_ref(), "review_overdue");
    }

    // ---- residual ----

    #[test]
    fn residual_falls_back_to_inherent() {
        let unrated = risk(r(4, 4, 2, 1));
        assert_eq!(unrated.effective_residual(), r(4, 4, 2, 1));
        assert_eq!(unrated.residual_band(), Band::Critical);
        let rated = with(r(4, 4, 2, 1), Some(r(2, 2, 1, 1)), Some(Treatment::Modify), TreatmentStatus::Done);
        assert_eq!(rated.effective_residual(), r(2, 2, 1, 1));
        assert_eq!(rated.residual_band(), Band::Low);
        assert_eq!(rated.rating(false), r(4, 4, 2, 1));
        assert_eq!(rated.rating(true), r(2, 2, 1, 1));
    }

    // ---- acceptance ----

    #[test]
    fn retain_with_low_residual_needs_acceptance() {
        let retained = with(r(1, 2, 1, 1), None, Some(Treatment::Retain), TreatmentStatus::Done);
        assert_eq!(retained.residual_band(), Band::Low);
        assert!(retained.needs_acceptance());
        assert_eq!(retained.acceptance(today()), AcceptanceState::Unaccepted);
    }

    #[test]
    fn modify_with_high_residual_needs_acceptance() {
        let high = with(r(5, 5, 5, 5), Some(r(3, 4, 0, 0)), Some(Treatment::Modify), TreatmentStatus::Done);
        assert_eq!(high.residual_band(), Band::High);
        assert!(high.needs_acceptance());
        let critical = with(r(5, 5, 5, 5), None, Some(Treatment::Modify), TreatmentStatus::Open);
        assert!(critical.needs_acceptance());
    }

    #[test]
    fn modify_with_medium_residual_does_not_need_acceptance() {
        let medium = with(r(5, 5, 5, 5), Some(r(3, 3, 0, 0)), Some(Treatment::Modify), TreatmentStatus::Done);
        assert_eq!(medium.residual_band(), Band::Medium);
        assert!(!medium.needs_acceptance());
        assert_eq!(medium.acceptance(today()), AcceptanceState::NotNeeded);
        // Acceptance details on a risk that does not need them do not change the state.
        let accepted = accept(medium, "CISO", Some(d(2025, 1, 1)), Some(d(2025, 1, 2)));
        assert_eq!(accepted.acceptance(today()), AcceptanceState::NotNeeded);
    }

    #[test]
    fn residual_decides_not_inherent() {
        // Critical inherent, Low residual, share: no acceptance needed.
        let shared = with(r(5, 5, 5, 5), Some(r(1, 2, 0, 0)), Some(Treatment::Share), TreatmentStatus::Done);
        assert!(!shared.needs_acceptance());
        // Low inherent, residual rated higher (e.g. re-assessed): acceptance needed.
        let worse = with(r(1, 1, 1, 1), Some(r(5, 3, 0, 0)), Some(Treatment::Avoid), TreatmentStatus::Done);
        assert!(worse.needs_acceptance());
    }

    #[test]
    fn accepted_needs_named_manager_and_date() {
        let base = with(r(1, 1, 1, 1), None, Some(Treatment::Retain), TreatmentStatus::Done);
        let accepted = accept(base.clone(), "J. Jansen", Some(d(2025, 5, 1)), None);
        assert!(accepted.is_accepted());
        assert_eq!(accepted.acceptance(today()), AcceptanceState::Accepted);

        let no_date = accept(base.clone(), "J. Jansen", None, None);
        assert_eq!(no_date.acceptance(today()), AcceptanceState::Unaccepted);

        let blank_name = accept(base.clone(), "   ", Some(d(2025, 5, 1)), None);
        assert_eq!(blank_name.acceptance(today()), AcceptanceState::Unaccepted);

        let empty_name = accept(base.clone(), "", Some(d(2025, 5, 1)), None);
        assert_eq!(empty_name.acceptance(today()), AcceptanceState::Unaccepted);

        let no_name = RiskFacts { accepted_at: Some(d(2025, 5, 1)), ..base };
        assert_eq!(no_name.acceptance(today()), AcceptanceState::Unaccepted);
    }

    #[test]
    fn review_overdue() {
        let base = with(r(5, 5, 0, 0), None, Some(Treatment::Modify), TreatmentStatus::Done);
        let past = accept(base.clone(), "CISO", Some(d(2024, 1, 1)), Some(d(2025, 6, 14)));
        assert_eq!(past.acceptance(today()), AcceptanceState::ReviewOverdue);
        let on_day = accept(base.clone(), "CISO", Some(d(2024, 1, 1)), Some(today()));
        assert_eq!(on_day.acceptance(today()), AcceptanceState::Accepted);
        let future = accept(base.clone(), "CISO", Some(d(2024, 1, 1)), Some(d(2026, 1, 1)));
        assert_eq!(future.acceptance(today()), AcceptanceState::Accepted);
        // A review date without an acceptance is simply unaccepted.
        let unaccepted = RiskFacts { review_date: Some(d(2020, 1, 1)), ..base };
        assert_eq!(unaccepted.acceptance(today()), AcceptanceState::Unaccepted);
    }

    // ---- overdue ----

    #[test]
    fn overdue_when_not_done_and_due_before_today() {
        let mut open = with(r(3, 3, 3, 3), None, Some(Treatment::Modify), TreatmentStatus::Open);
        assert!(!open.is_overdue(today()), "no due date");
        open.due = Some(d(2025, 6, 14));
        assert!(open.is_overdue(today()));
        open.status = TreatmentStatus::InProgress;
        assert!(open.is_overdue(today()));
        open.status = TreatmentStatus::Done;
        assert!(!open.is_overdue(today()), "done is never overdue");
        open.status = TreatmentStatus::Open;
        open.due = Some(today());
        assert!(!open.is_overdue(today()), "due today is not yet overdue");
        open.due = Some(d(2025, 12, 31));
        assert!(!open.is_overdue(today()));
    }

    // ---- planned treatment ----

    #[test]
    fn a_planned_residual_counts_only_once_the_treatment_is_done() {
        // Failed before: a Critical risk with modify, status open and a planned Medium residual made the verdict
        // say the outsourcing could go ahead.
        for t in [Treatment::Modify, Treatment::Avoid, Treatment::Share] {
            let planned = with(r(5, 4, 0, 0), Some(r(2, 3, 0, 0)), Some(t), TreatmentStatus::Open);
            assert_eq!(planned.residual_band(), Band::Critical, "{t:?}: the inherent rating stands");
            assert!(planned.is_planned() && planned.is_untreated());
            let v = verdict(std::slice::from_ref(&planned), today());
            assert_eq!((v.critical_outstanding, v.planned), (1, 1));
            assert!(v.text.starts_with("Treatment planned, not done: 1 critical risk"), "{}", v.text);
            assert!(v.text.contains("should not go ahead"));
            let done = RiskFacts { status: TreatmentStatus::Done, ..planned };
            assert_eq!(done.residual_band(), Band::Medium, "{t:?}: done, the residual counts");
            assert!(!verdict(&[done], today()).is_blocking());
        }
        // Retain has no residual of its own and always needs acceptance.
        let retained = with(r(5, 4, 0, 0), Some(r(1, 1, 0, 0)), Some(Treatment::Retain), TreatmentStatus::Done);
        assert_eq!(retained.residual_band(), Band::Critical);
        assert_eq!(retained.acceptance(today()), AcceptanceState::Unaccepted);
        assert!(verdict(&[retained], today()).is_blocking());
    }

    // ---- untreated ----

    #[test]
    fn untreated_definition() {
        let cases = [
            (None, TreatmentStatus::Open, true),
            (None, TreatmentStatus::Done, true),
            (Some(Treatment::Modify), TreatmentStatus::Open, true),
            (Some(Treatment::Modify), TreatmentStatus::InProgress, true),
            (Some(Treatment::Modify), TreatmentStatus::Done, false),
            (Some(Treatment::Retain), TreatmentStatus::Open, false),
            (Some(Treatment::Avoid), TreatmentStatus::Open, true),
            (Some(Treatment::Avoid), TreatmentStatus::Done, false),
            (Some(Treatment::Share), TreatmentStatus::InProgress, true),
            (Some(Treatment::Share), TreatmentStatus::Done, false),
        ];
        for (treatment, status, expected) in cases {
            let facts = with(r(3, 3, 3, 3), None, treatment, status);
            assert_eq!(facts.is_untreated(), expected, "{treatment:?} / {status:?}");
        }
    }

    // ---- matrix ----

    fn register() -> Vec<RiskFacts> {
        vec![
            // inherent (4; C2 I5 A0), residual (2; C1 I2 A0)
            with(r(4, 2, 5, 0), Some(r(2, 1, 2, 0)), Some(Treatment::Modify), TreatmentStatus::Done),
            // inherent (3; C3 I3 A3), no residual
            risk(r(3, 3, 3, 3)),
            // inherent (5; C0 I0 A4), residual (1; C0 I0 A1)
            with(r(5, 0, 0, 4), Some(r(1, 0, 0, 1)), Some(Treatment::Share), TreatmentStatus::Done),
            // all impacts zero
            risk(r(2, 0, 0, 0)),
            // same cell as the second for overall inherent
            risk(r(3, 1, 3, 0)),
        ]
    }

    #[test]
    fn matrix_overall_inherent() {
        let m = matrix(&register(), MatrixView::inherent(Dimension::Overall));
        assert_eq!(m.count(4, 5), 1);
        assert_eq!(m.count(3, 3), 2);
        assert_eq!(m.count(5, 4), 1);
        assert_eq!(m.cells[2][2], 2, "cells are [likelihood-1][impact-1]");
        assert_eq!(m.outside, 1);
        assert_eq!(m.total(), 4);
    }

    #[test]
    fn matrix_overall_residual() {
        let m = matrix(&register(), MatrixView::residual(Dimension::Overall));
        assert_eq!(m.count(2, 2), 1);
        assert_eq!(m.count(3, 3), 2, "unrated residual falls back to inherent");
        assert_eq!(m.count(1, 1), 1);
        assert_eq!(m.outside, 1);
        assert_eq!(m.total(), 4);
    }

    #[test]
    fn matrix_per_dimension() {
        let reg = register();
        let c = matrix(&reg, MatrixView::inherent(Dimension::C));
        assert_eq!(c.count(4, 2), 1);
        assert_eq!(c.count(3, 3), 1);
        assert_eq!(c.count(3, 1), 1);
        assert_eq!(c.outside, 2, "C impact 0 for the availability risk and the zero risk");

        let i = matrix(&reg, MatrixView::inherent(Dimension::I));
        assert_eq!(i.count(4, 5), 1);
        assert_eq!(i.count(3, 3), 2);
        assert_eq!(i.outside, 2);

        let a = matrix(&reg, MatrixView::inherent(Dimension::A));
        assert_eq!(a.count(3, 3), 1);
        assert_eq!(a.count(5, 4), 1);
        assert_eq!(a.outside, 3);

        let a_res = matrix(&reg, MatrixView::residual(Dimension::A));
        assert_eq!(a_res.count(1, 1), 1);
        assert_eq!(a_res.count(3, 3), 1);
        assert_eq!(a_res.outside, 3);

        for m in [c, i, a, a_res] {
            assert_eq!(m.total() + m.outside, reg.len() as u32);
        }
    }

    #[test]
    fn matrix_empty_and_out_of_range() {
        let empty = matrix(std::iter::empty::<&RiskFacts>(), MatrixView::default());
        assert_eq!(empty, Matrix::default());
        let bad = [risk(r(0, 3, 3, 3)), risk(r(6, 3, 3, 3)), risk(r(3, 7, 0, 0))];
        let m = matrix(&bad, MatrixView::default());
        assert_eq!(m.total(), 0);
        assert_eq!(m.outside, 3);
        assert_eq!(m.count(0, 3), 0);
        assert_eq!(m.count(6, 6), 0);
    }

    #[test]
    fn in_cell_filters_register() {
        let reg = register();
        let view = MatrixView::inherent(Dimension::Overall);
        let in_33: Vec<_> = reg.iter().filter(|f| f.in_cell(view, 3, 3)).collect();
        assert_eq!(in_33.len(), 2);
        assert!(reg[0].in_cell(view, 4, 5));
        assert!(!reg[0].in_cell(view, 4, 2));
        assert!(reg[0].in_cell(MatrixView::inherent(Dimension::C), 4, 2));
        assert!(reg[0].in_cell(MatrixView::residual(Dimension::Overall), 2, 2));
        assert!(!reg[3].in_cell(view, 2, 0), "impact 0 is never in a cell");
        assert_eq!(reg[3].cell(view), None);
        // Filtering by cell agrees with the matrix counts for every cell.
        let m = matrix(&reg, view);
        for likelihood in 1..=MAX_LIKELIHOOD {
            for impact in 1..=MAX_IMPACT {
                let n = reg.iter().filter(|f| f.in_cell(view, likelihood, impact)).count() as u32;
                assert_eq!(n, m.count(likelihood, impact));
            }
        }
    }

    #[test]
    fn cell_bands() {
        assert_eq!(cell_band(1, 1), Band::Low);
        assert_eq!(cell_band(2, 2), Band::Low);
        assert_eq!(cell_band(1, 5), Band::Medium);
        assert_eq!(cell_band(3, 3), Band::Medium);
        assert_eq!(cell_band(2, 5), Band::High);
        assert_eq!(cell_band(3, 4), Band::High);
        assert_eq!(cell_band(3, 5), Band::Critical);
        assert_eq!(cell_band(5, 5), Band::Critical);
        assert_eq!(cell_band(4, 3), cell_band(3, 4));
    }

    // ---- verdict ----

    #[test]
    fn verdict_blocks_on_untreated_critical() {
        let reg = vec![
            risk(r(5, 5, 0, 0)), // Critical, untreated, unaccepted
            with(r(2, 1, 1, 1), None, Some(Treatment::Modify), TreatmentStatus::Done), // Low
        ];
        let v = verdict(&reg, today());
        assert_eq!((v.critical_outstanding, v.high_outstanding), (1, 0));
        assert!(v.is_blocking());
        assert_eq!(v.count(Band::Critical), 1);
        assert_eq!(v.count(Band::Low), 1);
        assert_eq!(v.total(), 2);
        assert_eq!(
            v.text,
            "1 critical risk remains untreated or unaccepted, so the outsourcing should not go ahead as planned \
             until it is treated and accepted, because a function whose risks are considerable and whose benefits \
             are small should not be outsourced."
        );
    }

    #[test]
    fn verdict_counts_unaccepted_high_even_when_treated() {
        let treated_high = with(r(5, 5, 5, 5), Some(r(2, 5, 0, 0)), Some(Treatment::Modify), TreatmentStatus::Done);
        assert!(!treated_high.is_untreated());
        let accepted_but_in_progress = accept(
            with(r(5, 5, 5, 5), Some(r(3, 4, 0, 0)), Some(Treatment::Modify), TreatmentStatus::InProgress),
            "CISO",
            Some(d(2025, 1, 1)),
            None,
        );
        let reg = vec![treated_high, accepted_but_in_progress, risk(r(4, 5, 0, 0)), risk(r(5, 3, 0, 0))];
        let v = verdict(&reg, today());
        // The modification still in progress keeps its inherent Critical rating, whatever residual it plans.
        assert_eq!((v.critical_outstanding, v.high_outstanding, v.planned), (3, 1, 1));
        assert_eq!(v.per_band, [0, 0, 1, 3]);
        assert!(v.text.starts_with(
            "3 critical and 1 high risks remain untreated or unaccepted (1 of them with treatment planned but not \
             yet done), "
        ));
        assert!(v.text.contains("should not go ahead as planned until they are treated and accepted"));
        assert!(v.text.contains("considerable") && v.text.contains("benefits"));
    }

    #[test]
    fn verdict_only_high_wording() {
        let reg = vec![risk(r(2, 5, 0, 0)), risk(r(3, 4, 0, 0)), risk(r(2, 5, 1, 1))];
        let v = verdict(&reg, today());
        assert_eq!((v.critical_outstanding, v.high_outstanding), (0, 3));
        assert!(v.text.starts_with("3 high risks remain untreated or unaccepted"));
    }

    #[test]
    fn verdict_clear_when_high_and_critical_are_treated_and_accepted() {
        let accepted_critical = accept(
            with(r(5, 5, 5, 5), None, Some(Treatment::Retain), TreatmentStatus::Done),
            "CISO",
            Some(d(2025, 1, 1)),
            Some(d(2026, 1, 1)),
        );
        let accepted_high_review_overdue = accept(
            with(r(5, 5, 5, 5), Some(r(2, 5, 0, 0)), Some(Treatment::Modify), TreatmentStatus::Done),
            "CISO",
            Some(d(2024, 1, 1)),
            Some(d(2025, 1, 1)),
        );
        assert_eq!(accepted_high_review_overdue.acceptance(today()), AcceptanceState::ReviewOverdue);
        // Medium and Low risks do not block even when untreated.
        let untreated_medium = risk(r(3, 3, 0, 0));
        let untreated_low = risk(r(1, 1, 0, 0));
        let reg = vec![accepted_critical, accepted_high_review_overdue, untreated_medium, untreated_low];
        let v = verdict(&reg, today());
        assert!(!v.is_blocking());
        assert_eq!(v.per_band, [1, 1, 1, 1]);
        assert_eq!(
            v.text,
            "No critical or high risk remains untreated or unaccepted: the remaining risks are treated or accepted, \
             so the outsourcing can go ahead as planned."
        );
    }

    #[test]
    fn verdict_uses_residual_band() {
        // Critical inherent, Medium residual after finished modification: not counted as critical.
        let reg = vec![with(r(5, 5, 5, 5), Some(r(3, 3, 0, 0)), Some(Treatment::Modify), TreatmentStatus::Done)];
        let v = verdict(&reg, today());
        assert_eq!(v.per_band, [0, 1, 0, 0]);
        assert!(!v.is_blocking());
    }

    #[test]
    fn verdict_empty_register() {
        let v = verdict(&[], today());
        assert_eq!(v.total(), 0);
        assert!(!v.is_blocking());
        assert_eq!(
            v.text,
            "No risks are recorded yet, so there is nothing to treat or accept before the outsourcing goes ahead."
        );
    }

    #[test]
    fn verdict_is_one_sentence() {
        for text in
            [verdict_text(1, 0, 0, 1), verdict_text(2, 3, 0, 9), verdict_text(0, 0, 0, 4), verdict_text(0, 0, 0, 0)]
        {
            assert!(text.ends_with('.'));
            assert_eq!(text.matches(". ").count(), 0, "{text}");
            assert!(!text.contains("  "), "{text}");
        }
    }
}
