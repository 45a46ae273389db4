//! Tender scorecard: weighted criteria, provider scores, must-have gates, ranking and leader sensitivity.
//!
//! Everything here is pure: no I/O, no terminal, no database. Totals are computed in exact integer
//! arithmetic (Σ weight × score) so that ties are detected exactly; the percentage is derived at the end.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;

/// Highest weight a criterion may carry (weights range over `0..=MAX_WEIGHT`).
pub const MAX_WEIGHT: u32 = 10;

/// Highest score a provider may get on a criterion (scores range over `0..=MAX_SCORE`).
pub const MAX_SCORE: u8 = 5;

/// Lowest score that meets a must-have requirement; below it (or unscored) the provider fails the gate.
pub const MUST_HAVE_PASS: u8 = 3;

/// Smallest single-weight change that still counts as robust; smaller changes flipping the leader are fragile.
pub const ROBUST_MIN_DELTA: u32 = 3;

/// A certificate expiring within this many days from today (inclusive) is flagged as expiring soon.
pub const CERT_EXPIRY_WARNING_DAYS: i64 = 90;

/// One assessment criterion with its weight (`0..=MAX_WEIGHT`) and must-have flag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CriterionIn {
    /// Stable identifier of the criterion.
    pub id: i64,
    /// Display name of the criterion.
    pub name: String,
    /// Integer weight, `0..=MAX_WEIGHT`.
    pub weight: u32,
    /// Whether the criterion is a must-have gate.
    pub must_have: bool,
}

/// One candidate provider with gate failures established outside the grid (e.g. an expired certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderIn {
    /// Stable identifier of the provider.
    pub id: i64,
    /// Display name of the provider.
    pub name: String,
    /// Reasons the provider fails a gate for facts outside the scoring grid.
    pub gate_failures: Vec<String>,
}

/// Why a grid could not be built or a score could not be set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GridError {
    /// Two criteria share the same id.
    DuplicateCriterion(i64),
    /// Two providers share the same id.
    DuplicateProvider(i64),
    /// A criterion weight exceeds `MAX_WEIGHT`.
    WeightOutOfRange {
        /// The offending criterion.
        criterion_id: i64,
        /// The rejected weight.
        weight: u32,
    },
    /// No provider has this id.
    UnknownProvider(i64),
    /// No criterion has this id.
    UnknownCriterion(i64),
    /// A score exceeds `MAX_SCORE`.
    ScoreOutOfRange(u8),
}

impl fmt::Display for GridError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DuplicateCriterion(id) => write!(f, "duplicate criterion id {id}"),
            Self::DuplicateProvider(id) => write!(f, "duplicate provider id {id}"),
            Self::WeightOutOfRange { criterion_id, weight } => {
                write!(f, "weight {weight} of criterion {criterion_id} is outside 0..={MAX_WEIGHT}")
            }
            Self::UnknownProvider(id) => write!(f, "unknown provider id {id}"),
            Self::UnknownCriterion(id) => write!(f, "unknown criterion id {id}"),
            Self::ScoreOutOfRange(s) => write!(f, "score {s} is outside 0..={MAX_SCORE}"),
        }
    }
}

impl std::error::Error for GridError {}

/// Criteria × providers with an optional score `0..=MAX_SCORE` per cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    criteria: Vec<CriterionIn>,
    providers: Vec<ProviderIn>,
    /// Dense row-major cells: `scores[provider_index * criteria.len() + criterion_index]`.
    scores: Vec<Option<u8>>,
    criterion_index: HashMap<i64, usize>,
    provider_index: HashMap<i64, usize>,
}

impl Grid {
    /// Builds an unscored grid, rejecting duplicate ids and weights above `MAX_WEIGHT`.
    pub fn new(criteria: Vec<CriterionIn>, providers: Vec<ProviderIn>) -> Result<Self, GridError> {
        let mut criterion_index = HashMap::with_capacity(criteria.len());
        for (i, c) in criteria.iter().enumerate() {
            if c.weight > MAX_WEIGHT {
                return Err(GridError::WeightOutOfRange { criterion_id: c.id, weight: c.weight });
            }
            if criterion_index.insert(c.id, i).is_some() {
                return Err(GridError::DuplicateCriterion(c.id));
            }
        }
        let mut provider_index = HashMap::with_capacity(providers.len());
        for (i, p) in providers.iter().enumerate() {
            if provider_index.insert(p.id, i).is_some() {
                return Err(GridError::DuplicateProvider(p.id));
            }
        }
        let scores = vec![None; criteria.len() * providers.len()];
        Ok(Self { criteria, providers, scores, criterion_index, provider_index })
    }

    /// Sets (`Some`) or clears (`None`) the score of one provider on one criterion.
    pub fn set_score(&mut self, provider_id: i64, criterion_id: i64, score: Option<u8>) -> Result<(), GridError> {
        if let Some(s) = score.filter(|&s| s > MAX_SCORE) {
            return Err(GridError::ScoreOutOfRange(s));
        }
        let cell = self.cell(provider_id, criterion_id)?;
        self.scores[cell] = score;
        Ok(())
    }

    /// The score of one provider on one criterion; `None` when unscored or either id is unknown.
    pub fn score(&self, provider_id: i64, criterion_id: i64) -> Option<u8> {
        self.cell(provider_id, criterion_id).ok().and_then(|cell| self.scores[cell])
    }

    /// The criteria in their listed order.
    pub fn criteria(&self) -> &[CriterionIn] {
        &self.criteria
    }

    /// The providers in their listed order.
    pub fn providers(&self) -> &[ProviderIn] {
        &self.providers
    }

    fn cell(&self, provider_id: i64, criterion_id: i64) -> Result<usize, GridError> {
        let p = *self.provider_index.get(&provider_id).ok_or(GridError::UnknownProvider(provider_id))?;
        let c = *self.criterion_index.get(&criterion_id).ok_or(GridError::UnknownCriterion(criterion_id))?;
        Ok(p * self.criteria.len() + c)
    }

    /// Score of provider index `p` on criterion index `c`.
    fn at(&self, p: usize, c: usize) -> Option<u8> {
        self.scores[p * self.criteria.len() + c]
    }
}

/// Each criterion's weight as a percentage of the sum of weights (all 0 when every weight is 0).
pub fn normalised_weights(criteria: &[CriterionIn]) -> Vec<f64> {
    let sum: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    if sum == 0 {
        return vec![0.0; criteria.len()];
    }
    criteria.iter().map(|c| u64::from(c.weight) as f64 / sum as f64 * 100.0).collect()
}

/// Integer percentages summing to exactly 100 (largest-remainder method; all 0 when every weight is 0).
///
/// Remainder ties are resolved in favour of the criterion listed first.
pub fn display_percentages(criteria: &[CriterionIn]) -> Vec<u32> {
    let sum: u64 = criteria.iter().map(|c| u64::from(c.weight)).sum();
    if sum == 0 {
        return vec![0; criteria.len()];
    }
    let scaled: Vec<u64> = criteria.iter().map(|c| u64::from(c.weight) * 100).collect();
    let mut shares: Vec<u32> = scaled.iter().map(|s| u32::try_from(s / sum).unwrap_or(u32::MAX)).collect();
    let assigned: u64 = shares.iter().map(|&s| u64::from(s)).sum();
    let missing = usize::try_from(100u64.saturating_sub(assigned)).unwrap_or(0);
    let mut order: Vec<usize> = (0..criteria.len()).collect();
    // Stable sort: equal remainders keep their listed order.
    order.sort_by(|&a, &b| (scaled[b] % sum).cmp(&(scaled[a] % sum)));
    for &i in order.iter().take(missing) {
        shares[i] += 1;
    }
    shares
}

/// One provider's place in the ranking, with its total and gate outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// Provider id.
    pub provider_id: i64,
    /// Provider name.
    pub name: String,
    /// Weighted total out of 100 (unscored cells count as 0; all-zero weights give 0).
    pub total: f64,
    /// 1-based position in the ranking.
    pub rank: usize,
    /// Whether the provider passes every must-have and external gate.
    pub passes: bool,
    /// Must-have criteria failed (unscored or below `MUST_HAVE_PASS`), as (criterion id, name).
    pub failed_must_haves: Vec<(i64, String)>,
    /// Gate failures established outside the grid.
    pub gate_failures: Vec<String>,
    /// Number of cells of this provider without a score.
    pub unscored: usize,
}

/// Ranks providers: passers before failers, then total descending, then name ascending (case-insensitive).
pub fn rank(grid: &Grid) -> Vec<Ranked> {
    let ctx = Context::new(grid);
    let den = 5 * ctx.base_weights.iter().map(|&w| u64::from(w)).sum::<u64>();
    let mut order: Vec<usize> = (0..grid.providers.len()).collect();
    order.sort_by(|&a, &b| ctx.passes[b].cmp(&ctx.passes[a]).then_with(|| ctx.better(a, ctx.nums[a], b, ctx.nums[b])));
    order
        .into_iter()
        .enumerate()
        .map(|(pos, p)| {
            let provider = &grid.providers[p];
            let failed_must_haves = grid
                .criteria
                .iter()
                .enumerate()
                .filter(|&(c, crit)| crit.must_have && fails_must_have(grid.at(p, c)))
                .map(|(_, crit)| (crit.id, crit.name.clone()))
                .collect();
            let unscored = (0..grid.criteria.len()).filter(|&c| grid.at(p, c).is_none()).count();
            let total = if den == 0 { 0.0 } else { ctx.nums[p] as f64 * 100.0 / den as f64 };
            Ranked {
                provider_id: provider.id,
                name: provider.name.clone(),
                total,
                rank: pos + 1,
                passes: ctx.passes[p],
                failed_must_haves,
                gate_failures: provider.gate_failures.clone(),
                unscored,
            }
        })
        .collect()
}

/// The grid's criteria from an engagement's records, each weight capped at [`MAX_WEIGHT`].
pub fn criteria_in(criteria: &[super::Criterion]) -> Vec<CriterionIn> {
    criteria
        .iter()
        .map(|c| CriterionIn {
            id: c.id,
            name: c.text.clone(),
            weight: c.weight.min(MAX_WEIGHT),
            must_have: c.must_have,
        })
        .collect()
}

/// The scoring grid of an engagement's records: the providers with the gates they fail on `today`, each score
/// capped at [`MAX_SCORE`]; a score outside the grid (another engagement's) is left out, not fatal. `None` when the
/// records make no grid (an id given twice). The one place the scorecard and the registers build it.
pub fn scoring_grid(
    criteria: &[super::Criterion],
    providers: &[super::Provider],
    scores: &[super::Score],
    today: NaiveDate,
) -> Option<Grid> {
    let providers_in = providers
        .iter()
        .map(|p| ProviderIn { id: p.id, name: p.name.clone(), gate_failures: p.gate_failures(today) })
        .collect();
    let mut grid = Grid::new(criteria_in(criteria), providers_in).ok()?;
    for s in scores {
        let _ = grid.set_score(s.provider_id, s.criterion_id, Some(s.score.min(MAX_SCORE)));
    }
    Some(grid)
}

/// How stable the leader is against a change of a single criterion weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Robustness {
    /// No single-weight change flips the leader, or the smallest one is at least `ROBUST_MIN_DELTA`.
    Robust,
    /// A single-weight change smaller than `ROBUST_MIN_DELTA` flips the leader.
    Fragile,
    /// Fewer than two providers: there is nothing to compare.
    NotApplicable,
}

/// The smallest single-weight change that makes another provider the leader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeightChange {
    /// Criterion whose weight changes.
    pub criterion_id: i64,
    /// Current weight.
    pub from: u32,
    /// Weight that flips the leader.
    pub to: u32,
    /// Absolute size of the change, `|to - from|`.
    pub delta: u32,
    /// Provider that leads after the change.
    pub new_leader: i64,
}

/// Outcome of the leader sensitivity analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sensitivity {
    /// Current leader: first-ranked passing provider, else first-ranked overall; `None` without providers.
    pub leader: Option<i64>,
    /// Smallest leader-changing weight change, `None` when none exists or analysis is not applicable.
    pub change: Option<WeightChange>,
    /// Classification of the result.
    pub robustness: Robustness,
}

/// Finds the smallest change of one criterion weight (within `0..=MAX_WEIGHT`) that changes the leader.
///
/// Candidates are tried by increasing `|delta|`; among equal deltas the criterion listed first wins,
/// and for the same criterion a decrease is preferred over an increase.
pub fn sensitivity(grid: &Grid) -> Sensitivity {
    let ctx = Context::new(grid);
    let leader = ctx.leader(None);
    let Some(leader_idx) = leader else {
        return Sensitivity { leader: None, change: None, robustness: Robustness::NotApplicable };
    };
    let leader_id = grid.providers[leader_idx].id;
    if grid.providers.len() < 2 {
        return Sensitivity { leader: Some(leader_id), change: None, robustness: Robustness::NotApplicable };
    }
    let mut change = None;
    'search: for delta in 1..=MAX_WEIGHT {
        for (c, &from) in ctx.base_weights.iter().enumerate() {
            let down = from.checked_sub(delta);
            let up = Some(from + delta).filter(|&w| w <= MAX_WEIGHT);
            for to in [down, up].into_iter().flatten() {
                if let Some(new_idx) = ctx.leader(Some((c, to))).filter(|&p| p != leader_idx) {
                    change = Some(WeightChange {
                        criterion_id: grid.criteria[c].id,
                        from,
                        to,
                        delta,
                        new_leader: grid.providers[new_idx].id,
                    });
                    break 'search;
                }
            }
        }
    }
    let robustness = match change {
        Some(ch) if ch.delta < ROBUST_MIN_DELTA => Robustness::Fragile,
        _ => Robustness::Robust,
    };
    Sensitivity { leader: Some(leader_id), change, robustness }
}

/// Validity of a certificate (e.g. ISO/IEC 27001) on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertStatus {
    /// No expiry date is known.
    Missing,
    /// The expiry date lies before today.
    Expired,
    /// Expires today or within `CERT_EXPIRY_WARNING_DAYS` days.
    ExpiringSoon,
    /// Expires later than `CERT_EXPIRY_WARNING_DAYS` days from today.
    Valid,
}

impl CertStatus {
    /// The label a person reads.
    pub fn label(self) -> String {
        match self {
            CertStatus::Missing => "no expiry date known".into(),
            CertStatus::Expired => "expired".into(),
            CertStatus::ExpiringSoon => format!("expires within {CERT_EXPIRY_WARNING_DAYS} days"),
            CertStatus::Valid => "valid".into(),
        }
    }
}

/// Classifies a certificate by its expiry date; a certificate is still valid on its expiry day.
pub fn cert_status(expiry: Option<NaiveDate>, today: NaiveDate) -> CertStatus {
    match expiry {
        None => CertStatus::Missing,
        Some(date) if date < today => CertStatus::Expired,
        Some(date) if (date - today).num_days() <= CERT_EXPIRY_WARNING_DAYS => CertStatus::ExpiringSoon,
        Some(_) => CertStatus::Valid,
    }
}

/// True when a must-have cell with this score fails the gate.
fn fails_must_have(score: Option<u8>) -> bool {
    score.is_none_or(|s| s < MUST_HAVE_PASS)
}

/// Weight-independent facts precomputed once, so re-ranking with a weight override is O(providers).
struct Context<'a> {
    grid: &'a Grid,
    base_weights: Vec<u32>,
    /// Σ weight × score per provider at the base weights.
    nums: Vec<u64>,
    passes: Vec<bool>,
    any_passes: bool,
    /// Position of each provider in (case-insensitive name, name, id) order.
    name_rank: Vec<usize>,
}

impl<'a> Context<'a> {
    fn new(grid: &'a Grid) -> Self {
        let base_weights: Vec<u32> = grid.criteria.iter().map(|c| c.weight).collect();
        let n = grid.providers.len();
        let nums = (0..n)
            .map(|p| {
                base_weights
                    .iter()
                    .enumerate()
                    .map(|(c, &w)| u64::from(w) * u64::from(grid.at(p, c).unwrap_or(0)))
                    .sum()
            })
            .collect();
        let passes: Vec<bool> = (0..n)
            .map(|p| {
                grid.providers[p].gate_failures.is_empty()
                    && grid
                        .criteria
                        .iter()
                        .enumerate()
                        .all(|(c, crit)| !crit.must_have || !fails_must_have(grid.at(p, c)))
            })
            .collect();
        let any_passes = passes.iter().any(|&b| b);
        let lower: Vec<String> = grid.providers.iter().map(|p| p.name.to_lowercase()).collect();
        let mut by_name: Vec<usize> = (0..n).collect();
        by_name.sort_by(|&a, &b| {
            let (pa, pb) = (&grid.providers[a], &grid.providers[b]);
            lower[a].cmp(&lower[b]).then_with(|| pa.name.cmp(&pb.name)).then_with(|| pa.id.cmp(&pb.id))
        });
        let mut name_rank = vec![0; n];
        for (pos, &p) in by_name.iter().enumerate() {
            name_rank[p] = pos;
        }
        Self { grid, base_weights, nums, passes, any_passes, name_rank }
    }

    /// Within one gate group: `Less` when provider `a` (with numerator `na`) ranks before `b`.
    fn better(&self, a: usize, na: u64, b: usize, nb: u64) -> Ordering {
        nb.cmp(&na).then_with(|| self.name_rank[a].cmp(&self.name_rank[b]))
    }

    /// Index of the leader, optionally with criterion index `c` re-weighted to `w`.
    fn leader(&self, over: Option<(usize, u32)>) -> Option<usize> {
        let mut best: Option<(usize, u64)> = None;
        for p in 0..self.grid.providers.len() {
            if self.any_passes && !self.passes[p] {
                continue;
            }
            let num = match over {
                None => self.nums[p],
                Some((c, w)) => {
                    let s = u64::from(self.grid.at(p, c).unwrap_or(0));
                    self.nums[p] - u64::from(self.base_weights[c]) * s + u64::from(w) * s
                }
            };
            if best.is_none_or(|(b, nb)| self.better(p, num, b, nb) == Ordering::Less) {
                best = Some((p, num));
            }
        }
        best.map(|(p, _)| p)
    }
}

#[cfg(test)]
mod tests;
