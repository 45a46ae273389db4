//! Unit tests for `domain::scorecard`.

use super::*;

fn crit(id: i64, name: &str, weight: u32, must_have: bool) -> CriterionIn {
    CriterionIn { id, name: name.to_string(), weight, must_have }
}

fn prov(id: i64, name: &str) -> ProviderIn {
    ProviderIn { id, name: name.to_string(), gate_failures: Vec::new() }
}

fn weights(ws: &[u32]) -> Vec<CriterionIn> {
    ws.iter().enumerate().map(|(i, &w)| crit(i as i64 + 1, &format!("C{}", i + 1), w, false)).collect()
}

/// Builds a grid; `rows[p][c]` is the score of provider `p` (ids 101, 102, …) on criterion `c` (ids 1, 2, …).
fn grid_with(criteria: Vec<CriterionIn>, providers: Vec<ProviderIn>, rows: &[&[Option<u8>]]) -> Grid {
    let cids: Vec<i64> = criteria.iter().map(|c| c.id).collect();
    let pids: Vec<i64> = providers.iter().map(|p| p.id).collect();
    let mut g = Grid::new(criteria, providers).expect("valid grid");
    for (p, row) in rows.iter().enumerate() {
        for (c, &s) in row.iter().enumerate() {
            g.set_score(pids[p], cids[c], s).expect("valid score");
        }
    }
    g
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

// ---------- normalisation ----------

#[test]
fn normalised_weights_are_shares_of_100() {
    let n = normalised_weights(&weights(&[1, 3, 4]));
    assert!(approx(n[0], 12.5) && approx(n[1], 37.5) && approx(n[2], 50.0));
    assert!(approx(n.iter().sum::<f64>(), 100.0));
}

#[test]
fn normalised_weights_all_zero_and_empty() {
    assert_eq!(normalised_weights(&weights(&[0, 0, 0])), vec![0.0, 0.0, 0.0]);
    assert!(normalised_weights(&[]).is_empty());
    assert_eq!(display_percentages(&weights(&[0, 0])), vec![0, 0]);
    assert!(display_percentages(&[]).is_empty());
}

#[test]
fn normalised_weights_zero_weight_gets_zero() {
    let n = normalised_weights(&weights(&[0, 5, 5]));
    assert!(approx(n[0], 0.0) && approx(n[1], 50.0) && approx(n[2], 50.0));
}

#[test]
fn display_percentages_thirds_sum_to_100() {
    // 33.33 each: the single missing point goes to the first listed (equal remainders).
    assert_eq!(display_percentages(&weights(&[1, 1, 1])), vec![34, 33, 33]);
}

#[test]
fn display_percentages_largest_remainder_wins() {
    // 1/7 = 14.29, 2/7 = 28.57, 4/7 = 57.14 → floors 14+28+57 = 99; largest remainder is .57 (index 1).
    assert_eq!(display_percentages(&weights(&[1, 2, 4])), vec![14, 29, 57]);
    // Exact shares are untouched.
    assert_eq!(display_percentages(&weights(&[1, 3, 4, 0])), vec![13, 37, 50, 0]);
}

#[test]
fn display_percentages_always_sum_to_100() {
    let mut seed = 12345u64;
    for _ in 0..500 {
        let len = (lcg(&mut seed) % 12 + 1) as usize;
        let ws: Vec<u32> = (0..len).map(|_| (lcg(&mut seed) % 11) as u32).collect();
        let crits = weights(&ws);
        let shown = display_percentages(&crits);
        let norm = normalised_weights(&crits);
        if ws.iter().sum::<u32>() == 0 {
            assert!(shown.iter().all(|&s| s == 0));
        } else {
            assert_eq!(shown.iter().sum::<u32>(), 100, "{ws:?}");
            for (s, n) in shown.iter().zip(&norm) {
                assert!((f64::from(*s) - n).abs() < 1.0, "{ws:?}: {s} vs {n}");
            }
        }
    }
}

// ---------- grid ----------

#[test]
fn grid_rejects_bad_input() {
    assert_eq!(
        Grid::new(vec![crit(1, "a", 11, false)], vec![]),
        Err(GridError::WeightOutOfRange { criterion_id: 1, weight: 11 })
    );
    assert_eq!(
        Grid::new(vec![crit(1, "a", 1, false), crit(1, "b", 1, false)], vec![]),
        Err(GridError::DuplicateCriterion(1))
    );
    assert_eq!(Grid::new(vec![], vec![prov(7, "x"), prov(7, "y")]), Err(GridError::DuplicateProvider(7)));
    let mut g = Grid::new(vec![crit(1, "a", 10, false)], vec![prov(7, "x")]).expect("valid grid");
    assert_eq!(g.set_score(7, 1, Some(6)), Err(GridError::ScoreOutOfRange(6)));
    assert_eq!(g.set_score(8, 1, Some(3)), Err(GridError::UnknownProvider(8)));
    assert_eq!(g.set_score(7, 2, Some(3)), Err(GridError::UnknownCriterion(2)));
    assert!(!GridError::ScoreOutOfRange(6).to_string().is_empty());
}

#[test]
fn grid_set_get_and_clear_score() {
    let mut g = Grid::new(weights(&[5, 5]), vec![prov(101, "A"), prov(102, "B")]).expect("valid grid");
    assert_eq!(g.score(101, 1), None);
    g.set_score(102, 2, Some(5)).expect("valid score");
    g.set_score(101, 1, Some(0)).expect("valid score");
    assert_eq!(g.score(102, 2), Some(5));
    assert_eq!(g.score(101, 1), Some(0));
    assert_eq!(g.score(101, 2), None);
    assert_eq!(g.score(999, 1), None);
    g.set_score(102, 2, None).expect("valid score");
    assert_eq!(g.score(102, 2), None);
    assert_eq!(g.criteria().len(), 2);
    assert_eq!(g.providers()[1].name, "B");
}

// ---------- totals ----------

#[test]
fn total_is_weighted_share_of_100() {
    // (2 × 5/5 + 8 × 2/5) / (2 + 8) × 100 = 5.2 / 10 × 100 = 52.
    let g = grid_with(weights(&[2, 8]), vec![prov(101, "A")], &[&[Some(5), Some(2)]]);
    let r = rank(&g);
    assert!(approx(r[0].total, 52.0), "{}", r[0].total);
    assert_eq!(r[0].unscored, 0);
}

#[test]
fn total_full_and_zero_scores() {
    let g =
        grid_with(weights(&[3, 7]), vec![prov(101, "A"), prov(102, "B")], &[&[Some(5), Some(5)], &[Some(0), Some(0)]]);
    let r = rank(&g);
    assert!(approx(r[0].total, 100.0));
    assert!(approx(r[1].total, 0.0));
}

#[test]
fn unscored_cells_count_as_zero_and_are_counted() {
    let g = grid_with(weights(&[5, 5, 0]), vec![prov(101, "A")], &[&[Some(5), None, None]]);
    let r = rank(&g);
    assert!(approx(r[0].total, 50.0));
    assert_eq!(r[0].unscored, 2);
}

#[test]
fn all_zero_weights_give_zero_total() {
    let g = grid_with(weights(&[0, 0]), vec![prov(101, "A")], &[&[Some(5), Some(5)]]);
    assert!(approx(rank(&g)[0].total, 0.0));
    let empty = Grid::new(vec![], vec![prov(1, "A")]).expect("valid grid");
    let r = rank(&empty);
    assert!(approx(r[0].total, 0.0));
    assert!(r[0].passes);
    assert_eq!(r[0].unscored, 0);
}

// ---------- gates ----------

#[test]
fn must_have_gate_edges() {
    let criteria = vec![crit(1, "ISMS", 5, true), crit(2, "Price", 5, false)];
    let providers = vec![prov(101, "Pass3"), prov(102, "Fail2"), prov(103, "Missing"), prov(104, "Pass5")];
    let g = grid_with(
        criteria,
        providers,
        &[&[Some(MUST_HAVE_PASS), Some(0)], &[Some(2), Some(5)], &[None, Some(5)], &[Some(5), None]],
    );
    let r = rank(&g);
    let by_id = |id| r.iter().find(|x| x.provider_id == id).expect("provider ranked");
    assert!(by_id(101).passes && by_id(101).failed_must_haves.is_empty());
    assert!(by_id(104).passes);
    assert!(!by_id(102).passes);
    assert_eq!(by_id(102).failed_must_haves, vec![(1, "ISMS".to_string())]);
    assert!(!by_id(103).passes);
    assert_eq!(by_id(103).failed_must_haves, vec![(1, "ISMS".to_string())]);
    // A low score on a non-must-have criterion never fails a gate.
    assert!(by_id(101).gate_failures.is_empty());
}

#[test]
fn must_have_with_zero_weight_still_gates() {
    let g = grid_with(vec![crit(1, "Exit plan", 0, true)], vec![prov(101, "A")], &[&[Some(1)]]);
    let r = rank(&g);
    assert!(!r[0].passes);
    assert_eq!(r[0].failed_must_haves.len(), 1);
}

#[test]
fn multiple_failed_must_haves_listed_in_criterion_order() {
    let criteria = vec![crit(1, "A", 1, true), crit(2, "B", 1, false), crit(3, "C", 1, true)];
    let g = grid_with(criteria, vec![prov(101, "P")], &[&[Some(0), Some(0), None]]);
    assert_eq!(rank(&g)[0].failed_must_haves, vec![(1, "A".to_string()), (3, "C".to_string())]);
}

#[test]
fn external_gate_failures_fail_the_provider() {
    let mut p = prov(101, "Expired cert");
    p.gate_failures = vec!["ISMS certificate expired".to_string(), "Scope excludes hosting".to_string()];
    let g = grid_with(weights(&[5]), vec![p], &[&[Some(5)]]);
    let r = rank(&g);
    assert!(!r[0].passes);
    assert!(r[0].failed_must_haves.is_empty());
    assert_eq!(r[0].gate_failures.len(), 2);
    assert_eq!(r[0].gate_failures[0], "ISMS certificate expired");
}

// ---------- ranking ----------

#[test]
fn ranking_by_total_descending() {
    let g = grid_with(
        weights(&[5]),
        vec![prov(101, "A"), prov(102, "B"), prov(103, "C")],
        &[&[Some(1)], &[Some(4)], &[Some(3)]],
    );
    let r = rank(&g);
    assert_eq!(r.iter().map(|x| x.provider_id).collect::<Vec<_>>(), vec![102, 103, 101]);
    assert_eq!(r.iter().map(|x| x.rank).collect::<Vec<_>>(), vec![1, 2, 3]);
}

#[test]
fn ranking_ties_broken_by_name_ascending() {
    let g = grid_with(
        weights(&[5]),
        vec![prov(101, "Zeta"), prov(102, "alpha"), prov(103, "Beta")],
        &[&[Some(3)], &[Some(3)], &[Some(3)]],
    );
    let names: Vec<String> = rank(&g).into_iter().map(|x| x.name).collect();
    assert_eq!(names, vec!["alpha", "Beta", "Zeta"]);
}

#[test]
fn failers_rank_below_passers_even_with_higher_totals() {
    let criteria = vec![crit(1, "Must", 1, true), crit(2, "Nice", 10, false)];
    let mut gated = prov(104, "Gated");
    gated.gate_failures.push("Scope does not cover the service".to_string());
    let providers = vec![prov(101, "HighFail"), prov(102, "LowPass"), prov(103, "MidPass"), gated];
    let g = grid_with(
        criteria,
        providers,
        &[&[Some(2), Some(5)], &[Some(3), Some(1)], &[Some(3), Some(2)], &[Some(5), Some(4)]],
    );
    let r = rank(&g);
    assert_eq!(r.iter().map(|x| x.provider_id).collect::<Vec<_>>(), vec![103, 102, 101, 104]);
    assert!(r[0].passes && r[1].passes && !r[2].passes && !r[3].passes);
    assert!(r[2].total > r[0].total && r[3].total > r[0].total);
    assert_eq!(r[3].rank, 4);
}

#[test]
fn ranking_empty_grid() {
    assert!(rank(&Grid::new(weights(&[1]), vec![]).expect("valid grid")).is_empty());
}

// ---------- sensitivity ----------

#[test]
fn sensitivity_fragile_plus_one_flips_leader() {
    // Alpha: 3*5 + 4*5 = 35, Bravo: 4*5 + 3*5 = 35 → tie, Alpha leads by name.
    // C1 5→4: Alpha 32, Bravo 31 (no flip). C1 5→6: Alpha 38, Bravo 39 → Bravo.
    let g = grid_with(
        weights(&[5, 5]),
        vec![prov(101, "Alpha"), prov(102, "Bravo")],
        &[&[Some(3), Some(4)], &[Some(4), Some(3)]],
    );
    assert_eq!(rank(&g)[0].provider_id, 101);
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(101));
    assert_eq!(s.change, Some(WeightChange { criterion_id: 1, from: 5, to: 6, delta: 1, new_leader: 102 }));
    assert_eq!(s.robustness, Robustness::Fragile);
}

#[test]
fn sensitivity_fragile_at_delta_two() {
    // Alpha 25 vs Bravo 20: C1 5→3 gives Alpha 15 < 20 (5→4 is a tie, Alpha keeps it by name).
    let g = grid_with(
        weights(&[5, 5]),
        vec![prov(101, "Alpha"), prov(102, "Bravo")],
        &[&[Some(5), Some(0)], &[Some(0), Some(4)]],
    );
    let s = sensitivity(&g);
    assert_eq!(s.change, Some(WeightChange { criterion_id: 1, from: 5, to: 3, delta: 2, new_leader: 102 }));
    assert_eq!(s.robustness, Robustness::Fragile);
}

#[test]
fn sensitivity_robust_at_delta_three() {
    // Alpha 25 vs Bravo 15: C1 must drop to 2 (delta 3); C2 must rise to 9 (delta 4).
    let g = grid_with(
        weights(&[5, 5]),
        vec![prov(101, "Alpha"), prov(102, "Bravo")],
        &[&[Some(5), Some(0)], &[Some(0), Some(3)]],
    );
    let s = sensitivity(&g);
    assert_eq!(s.change, Some(WeightChange { criterion_id: 1, from: 5, to: 2, delta: 3, new_leader: 102 }));
    assert_eq!(s.robustness, Robustness::Robust);
}

#[test]
fn sensitivity_robust_when_no_change_found() {
    let g = grid_with(
        weights(&[5, 5]),
        vec![prov(101, "Alpha"), prov(102, "Bravo")],
        &[&[Some(5), Some(5)], &[Some(1), Some(1)]],
    );
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(101));
    assert_eq!(s.change, None);
    assert_eq!(s.robustness, Robustness::Robust);
}

#[test]
fn sensitivity_ties_prefer_first_listed_criterion() {
    // Symmetric: raising C2 by 1 or lowering C1 by 1 both flip; C1 is listed first.
    let g = grid_with(
        weights(&[5, 5]),
        vec![prov(101, "Alpha"), prov(102, "Bravo")],
        &[&[Some(4), Some(3)], &[Some(3), Some(4)]],
    );
    // Alpha 35 vs Bravo 35 → Alpha by name; C1 5→4: Alpha 31, Bravo 32 → Bravo.
    let s = sensitivity(&g);
    assert_eq!(s.change.map(|c| (c.criterion_id, c.to)), Some((1, 4)));
}

#[test]
fn sensitivity_not_applicable_with_one_or_no_provider() {
    let one = grid_with(weights(&[5]), vec![prov(101, "Solo")], &[&[Some(4)]]);
    let s = sensitivity(&one);
    assert_eq!(s, Sensitivity { leader: Some(101), change: None, robustness: Robustness::NotApplicable });
    let none = Grid::new(weights(&[5]), vec![]).expect("valid grid");
    let s = sensitivity(&none);
    assert_eq!(s, Sensitivity { leader: None, change: None, robustness: Robustness::NotApplicable });
}

#[test]
fn sensitivity_leader_is_first_passing_provider() {
    // HighFail has the best total but fails the must-have; Bravo leads, Charlie is close behind.
    let criteria = vec![crit(1, "Must", 5, true), crit(2, "Nice", 5, false)];
    let providers = vec![prov(101, "HighFail"), prov(102, "Bravo"), prov(103, "Charlie")];
    let g = grid_with(criteria, providers, &[&[Some(2), Some(5)], &[Some(4), Some(3)], &[Some(3), Some(4)]]);
    assert_eq!(rank(&g)[0].provider_id, 102);
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(102));
    let ch = s.change.expect("a change exists");
    assert_eq!(ch.new_leader, 103, "a failing provider can never become leader");
    assert_eq!((ch.criterion_id, ch.from, ch.to, ch.delta), (1, 5, 4, 1));
    assert_eq!(s.robustness, Robustness::Fragile);
}

#[test]
fn sensitivity_single_passer_is_robust() {
    let criteria = vec![crit(1, "Must", 5, true), crit(2, "Nice", 5, false)];
    let g =
        grid_with(criteria, vec![prov(101, "Fail"), prov(102, "Pass")], &[&[Some(2), Some(5)], &[Some(3), Some(0)]]);
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(102));
    assert_eq!(s.change, None);
    assert_eq!(s.robustness, Robustness::Robust);
}

#[test]
fn sensitivity_when_nobody_passes_uses_overall_leader() {
    let criteria = vec![crit(1, "Must", 5, true), crit(2, "Nice", 5, false)];
    let g =
        grid_with(criteria, vec![prov(101, "Alpha"), prov(102, "Bravo")], &[&[Some(2), Some(4)], &[Some(1), Some(5)]]);
    // Alpha 30 vs Bravo 30 → Alpha by name; C1 5→4: Alpha 28, Bravo 29 → Bravo.
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(101));
    assert_eq!(s.change.map(|c| (c.criterion_id, c.to, c.new_leader)), Some((1, 4, 102)));
}

#[test]
fn sensitivity_can_reach_all_zero_weights() {
    // Only C1 carries weight; dropping it to 0 makes every total 0 and the name order decides.
    let g = grid_with(
        weights(&[1, 0]),
        vec![prov(101, "Bravo"), prov(102, "Alpha")],
        &[&[Some(5), Some(0)], &[Some(0), Some(0)]],
    );
    let s = sensitivity(&g);
    assert_eq!(s.leader, Some(101));
    assert_eq!(s.change, Some(WeightChange { criterion_id: 1, from: 1, to: 0, delta: 1, new_leader: 102 }));
}

fn lcg(seed: &mut u64) -> u64 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    *seed >> 33
}

fn random_grid(seed: &mut u64, np: usize, nc: usize) -> Grid {
    let criteria: Vec<CriterionIn> = (0..nc)
        .map(|c| crit(c as i64 + 1, &format!("C{c}"), (lcg(seed) % 11) as u32, lcg(seed).is_multiple_of(4)))
        .collect();
    let providers: Vec<ProviderIn> = (0..np)
        .map(|p| {
            let mut pr = prov(p as i64 + 100, &format!("P{}", lcg(seed) % 5));
            if lcg(seed).is_multiple_of(6) {
                pr.gate_failures.push("certificate expired".to_string());
            }
            pr
        })
        .collect();
    let mut g = Grid::new(criteria, providers).expect("valid grid");
    for p in 0..np {
        for c in 0..nc {
            let r = lcg(seed) % 7;
            let score = if r == 6 { None } else { Some(r as u8) };
            g.set_score(p as i64 + 100, c as i64 + 1, score).expect("valid score");
        }
    }
    g
}

/// Reference implementation: clone the grid and fully re-rank for every candidate weight.
fn naive_sensitivity(g: &Grid) -> Option<WeightChange> {
    let leader = |r: &[Ranked]| r.iter().find(|x| x.passes).or(r.first()).map(|x| x.provider_id);
    let base = leader(&rank(g))?;
    let mut best: Option<WeightChange> = None;
    for (ci, c) in g.criteria().iter().enumerate() {
        for w in 0..=MAX_WEIGHT {
            if w == c.weight {
                continue;
            }
            let mut criteria = g.criteria().to_vec();
            criteria[ci].weight = w;
            let mut g2 = Grid::new(criteria, g.providers().to_vec()).expect("valid grid");
            for p in g.providers() {
                for cc in g.criteria() {
                    g2.set_score(p.id, cc.id, g.score(p.id, cc.id)).expect("valid score");
                }
            }
            let nl = leader(&rank(&g2)).expect("a leader exists");
            let delta = w.abs_diff(c.weight);
            if nl != base && best.is_none_or(|b| delta < b.delta) {
                best = Some(WeightChange { criterion_id: c.id, from: c.weight, to: w, delta, new_leader: nl });
            }
        }
    }
    best
}

#[test]
fn sensitivity_matches_naive_reranking() {
    let mut seed = 42u64;
    let mut found = 0;
    for _ in 0..300 {
        let np = (lcg(&mut seed) % 6 + 2) as usize;
        let nc = (lcg(&mut seed) % 6 + 1) as usize;
        let g = random_grid(&mut seed, np, nc);
        let s = sensitivity(&g);
        let expected = naive_sensitivity(&g);
        assert_eq!(s.change, expected, "{g:?}");
        assert_eq!(s.leader, rank(&g).iter().find(|x| x.passes).or(rank(&g).first()).map(|x| x.provider_id));
        found += usize::from(expected.is_some());
    }
    assert!(found > 50, "random grids should exercise the flip path ({found})");
}

#[test]
fn sensitivity_full_size_grid() {
    let mut seed = 7u64;
    let g = random_grid(&mut seed, 50, 40);
    let s = sensitivity(&g);
    assert!(s.leader.is_some());
    assert_ne!(s.robustness, Robustness::NotApplicable);
    assert_eq!(rank(&g).len(), 50);
}

// ---------- certificates ----------

#[test]
fn cert_status_edges() {
    let today = date(2025, 3, 1);
    assert_eq!(cert_status(None, today), CertStatus::Missing);
    assert_eq!(cert_status(Some(date(2025, 2, 28)), today), CertStatus::Expired);
    assert_eq!(cert_status(Some(today), today), CertStatus::ExpiringSoon);
    assert_eq!(cert_status(Some(date(2025, 3, 2)), today), CertStatus::ExpiringSoon);
    let last_warning_day = today + chrono::Days::new(CERT_EXPIRY_WARNING_DAYS as u64);
    assert_eq!(last_warning_day, date(2025, 5, 30));
    assert_eq!(cert_status(Some(last_warning_day), today), CertStatus::ExpiringSoon);
    assert_eq!(cert_status(Some(date(2025, 5, 31)), today), CertStatus::Valid);
    assert_eq!(cert_status(Some(date(2030, 1, 1)), today), CertStatus::Valid);
    assert_eq!(cert_status(Some(date(2020, 1, 1)), today), CertStatus::Expired);
}
