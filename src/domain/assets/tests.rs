//! Unit tests for `domain::assets`.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn out() -> Asset {
    Asset {
        tag: "AST-001-00042".into(),
        kind: "device".into(),
        holder_id: Some(7),
        holder_name: Some("Ana Pereira".into()),
        handed_over: Some("2026-01-10".into()),
        accepted_by: Some("Bo Lindqvist".into()),
        expected_return: Some("2026-12-31".into()),
        ..Asset::default()
    }
}

#[test]
fn an_issued_asset_with_holder_and_acceptance_is_with_holder_until_due() {
    let a = out();
    assert_eq!(a.state(today()), AssetState::WithHolder);
    assert_eq!(a.state(NaiveDate::from_ymd_opt(2026, 12, 31).expect("d")), AssetState::WithHolder, "due today");
    assert_eq!(a.state(NaiveDate::from_ymd_opt(2027, 1, 1).expect("d")), AssetState::Overdue);
    let mut no_date = out();
    no_date.expected_return = None;
    assert_eq!(no_date.state(NaiveDate::from_ymd_opt(2099, 1, 1).expect("d")), AssetState::WithHolder);
}

#[test]
fn missing_holder_or_acceptance_is_unaccounted_even_when_overdue() {
    let late = NaiveDate::from_ymd_opt(2027, 6, 1).expect("d");
    let mut a = out();
    a.holder_id = None;
    assert_eq!(a.state(late), AssetState::Unaccounted);
    assert!(a.is_overdue(late), "still flagged overdue for the quick filter");
    assert_eq!(a.gap(), Some("no holder"));
    let mut b = out();
    b.accepted_by = Some("  ".into());
    assert_eq!(b.state(today()), AssetState::Unaccounted);
    assert_eq!(b.gap(), Some("nobody accepted it"));
}

#[test]
fn not_issued_assets_block_nothing() {
    let mut a = out();
    a.handed_over = None;
    a.holder_id = None;
    a.expected_return = Some("2020-01-01".into());
    assert_eq!(a.state(today()), AssetState::NotIssued);
    assert!(!a.is_overdue(today()));
    assert!(!a.state(today()).is_outstanding());
}

#[test]
fn returns_and_destructions_need_a_verifier_and_destruction_a_certificate() {
    let mut a = out();
    a.disposition = Some("returned".into());
    a.returned_on = Some("2026-11-01".into());
    assert_eq!(a.state(today()), AssetState::Unaccounted, "no verifier");
    a.verified_by = Some("CISO".into());
    assert_eq!(a.state(today()), AssetState::Returned);
    assert!(!a.is_overdue(NaiveDate::from_ymd_opt(2030, 1, 1).expect("d")), "returned is never overdue");
    a.disposition = Some("destroyed".into());
    assert_eq!(a.state(today()), AssetState::Unaccounted);
    assert_eq!(a.gap(), Some("destroyed without a certificate"));
    a.certificate = Some("DC-1".into());
    assert_eq!(a.state(today()), AssetState::Destroyed);
    assert!(!AssetState::Destroyed.is_outstanding() && !AssetState::Returned.is_outstanding());
}

#[test]
fn states_read_without_colour() {
    assert_eq!(AssetState::Overdue.text(), "! overdue");
    assert_eq!(AssetState::Unaccounted.text(), "? unaccounted");
    assert_eq!(AssetState::Returned.text(), "✓ returned");
    assert_eq!(AssetState::Destroyed.text(), "✗ destroyed");
    assert_eq!(GrantState::RevokedUnverified.text(), "? revoked, unverified");
}

#[test]
fn tags_count_up_in_place() {
    assert_eq!(next_tag("AST-001-00042"), "AST-001-00043");
    assert_eq!(next_tag("AST-001-00099"), "AST-001-00100");
    assert_eq!(next_tag("K9"), "K10");
    assert_eq!(next_tag("999"), "1000");
    assert_eq!(next_tag("LAPTOP"), "LAPTOP-2");
    assert_eq!(next_tag(""), "1");
    assert_eq!(next_tag("X-99999999999999999999999"), "X-100000000000000000000000");
}

#[test]
fn the_series_copies_all_but_the_tag() {
    let v = out().next_in_series();
    let get = |k: &str| v[Asset::FIELDS.iter().position(|f| f.key == k).expect("key")].clone();
    assert_eq!(get("tag"), Value::text("AST-001-00043"));
    assert_eq!(get("holder"), Value::text("Ana Pereira"));
    assert_eq!(get("expected_return"), Value::text("2026-12-31"));
    assert_eq!(get("kind"), Value::text("device"));
    assert_eq!(v.len(), Asset::FIELDS.len());
}

#[test]
fn form_checks_order_dates() {
    let bad = [("handed_over", Value::text("2026-05-01")), ("expected_return", Value::text("2026-04-30"))];
    assert_eq!(Asset::check(&bad).map_err(|e| e.0), Err("expected_return"));
    assert_eq!(Asset::check(&[("handed_over", Value::text("2026-05-01"))]), Ok(()));
    let early = [("returned_on", Value::text("2026-01-09"))];
    assert_eq!(out().check_disposal(&early).map_err(|e| e.0), Err("returned_on"));
    let g = [("granted_on", Value::text("2026-05-01")), ("revoked_on", Value::text("2026-04-01"))];
    assert_eq!(Grant::check(&g).map_err(|e| e.0), Err("revoked_on"));
    let v = [("verified_by", Value::text("CISO")), ("revoked_on", Value::Null)];
    assert_eq!(Grant::check(&v).map_err(|e| e.0), Err("revoked_on"));
}

#[test]
fn holders_resolve_by_name_label_prefix_or_number() {
    let c: Vec<Candidate<'_>> =
        vec![("Ana Pereira", "Acme"), ("Bo Lindqvist", "Acme"), ("Bo Lindqvist", "Zeta"), ("Cy Ng", "Zeta")];
    assert_eq!(resolve_holder(&c, ""), Ok(None));
    assert_eq!(resolve_holder(&c, "ana pereira"), Ok(Some(0)));
    assert_eq!(resolve_holder(&c, "cy"), Ok(Some(3)), "a unique start");
    assert_eq!(resolve_holder(&c, "Bo Lindqvist (Zeta)"), Ok(Some(2)));
    assert_eq!(resolve_holder(&c, "#2"), Ok(Some(1)));
    let twins = resolve_holder(&c, "Bo Lindqvist").expect_err("ambiguous");
    assert!(twins.contains("2 people match") && twins.contains("(Zeta)"), "{twins}");
    let none = resolve_holder(&c, "Dee").expect_err("unknown");
    assert!(none.contains("no team member") && none.contains("Dee"), "{none}");
    assert!(resolve_holder(&[], "Ana").expect_err("empty").contains("no team members yet"));
    assert!(resolve_holder(&c, "#9").is_err());
    for i in 0..c.len() {
        assert_eq!(resolve_holder(&c, &holder_label(&c, i)), Ok(Some(i)), "label of {i} finds it again");
    }
    let same: Vec<Candidate<'_>> = vec![("Al", "P"), ("Al", "P")];
    assert_eq!(holder_label(&same, 1), "#2");
}

#[test]
fn grants_are_active_until_revoked_and_verified() {
    let mut g = Grant { target: "VPN".into(), kind: "logical".into(), ..Grant::default() };
    assert_eq!(g.state(today()), GrantState::Active);
    g.revoked_on = Some("2026-12-01".into());
    assert_eq!(g.state(today()), GrantState::Active, "a future revocation has not happened");
    g.revoked_on = Some("2026-11-23".into());
    assert_eq!(g.state(today()), GrantState::RevokedUnverified);
    assert!(g.state(today()).is_outstanding(), "an unverified removal blocks the close");
    g.verified_by = Some("IAM team".into());
    assert_eq!(g.state(today()), GrantState::Revoked);
    assert!(!g.state(today()).is_outstanding());
}

#[test]
fn blockers_group_what_is_outstanding() {
    let assets = [AssetState::Returned, AssetState::Overdue, AssetState::NotIssued, AssetState::Unaccounted];
    let grants = [GrantState::Revoked, GrantState::Active, GrantState::RevokedUnverified];
    let items = vec![OpenItem { id: "G-1".into(), title: "Exit".into() }];
    let b = blockers(&assets, &grants, items);
    assert_eq!(b.assets, vec![(1, AssetState::Overdue), (3, AssetState::Unaccounted)]);
    assert_eq!(b.grants, vec![(1, GrantState::Active), (2, GrantState::RevokedUnverified)]);
    assert_eq!(b.total(), 5);
    let lines = b.summary_lines();
    assert_eq!(lines.len(), 3);
    assert!(lines[0].starts_with("2 assets not returned or destroyed (1 overdue, 1 unaccounted"), "{lines:?}");
    assert!(lines[1].contains("1 active, 1 revoked without a verifier"), "{lines:?}");
    assert_eq!(lines[2], "1 post-outsourcing checklist item open");
    assert!(blockers(&[AssetState::Returned], &[GrantState::Revoked], vec![]).is_empty());
}

#[test]
fn close_refuses_without_a_reason_while_anything_is_outstanding() {
    let none = Blockers::default();
    assert_eq!(close("active", &none, None), Ok(Close::Clean));
    assert_eq!(close("on_hold", &none, Some("ignored")), Ok(Close::Clean));
    let some = blockers(&[AssetState::Overdue], &[], vec![]);
    assert_eq!(close("active", &some, None), Err(CloseRefused::NeedsReason { outstanding: 1 }));
    assert_eq!(close("active", &some, Some("   ")), Err(CloseRefused::NeedsReason { outstanding: 1 }));
    assert_eq!(close("active", &some, Some(" lost in transit ")), Ok(Close::WithReason("lost in transit".into())));
    assert_eq!(close("closed", &none, None), Err(CloseRefused::AlreadyClosed));
    let note = close_note(&some, &Close::WithReason("lost in transit".into()));
    assert!(note.contains("1 item outstanding") && note.ends_with("Reason: lost in transit"), "{note}");
}
