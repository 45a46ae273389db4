//! Unit tests for `domain::risk`.

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
    for (s, t) in
        [("open", TreatmentStatus::Open), ("in_progress", TreatmentStatus::InProgress), ("done", TreatmentStatus::Done)]
    {
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
    for text in [verdict_text(1, 0, 0, 1), verdict_text(2, 3, 0, 9), verdict_text(0, 0, 0, 4), verdict_text(0, 0, 0, 0)]
    {
        assert!(text.ends_with('.'));
        assert_eq!(text.matches(". ").count(), 0, "{text}");
        assert!(!text.contains("  "), "{text}");
    }
}
