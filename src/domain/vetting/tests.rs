//! Unit tests for `domain::vetting`.

use super::*;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

fn check(kind: CheckKind, status: CheckStatus) -> VettingCheck {
    VettingCheck { kind: Some(kind), status, ..VettingCheck::default() }
}

fn member(id: i64, name: &str, role: &str, backup_for: Option<i64>) -> TeamMember {
    TeamMember {
        id,
        number: id,
        provider_id: 1,
        name: name.into(),
        role: Some(role.into()),
        backup_for,
        joined: Some("2026-01-01".into()),
        left_on: None,
    }
}

/// A member's seven checks all passed properly (two references, a dated NDA).
fn all_passed() -> MemberChecks {
    CheckKind::ALL.map(|k| {
        let mut c = check(k, CheckStatus::Passed);
        if k == CheckKind::References {
            c.reference_count = Some(2);
        }
        c.checked_on = Some("2026-10-01".into());
        Some(c)
    })
}

#[test]
fn labels_and_sensitivity() {
    assert_eq!(CheckKind::ALL.len(), 7);
    assert!(CheckKind::ALL.iter().all(|k| k.short().chars().count() <= 6 && k.is_required()));
    assert_eq!(CheckKind::from_str("criminal_record"), Ok(CheckKind::CriminalRecord));
    assert!(is_sensitive(CheckKind::CriminalRecord) && is_sensitive(CheckKind::Credit));
    assert!(!is_sensitive(CheckKind::References) && !is_sensitive(CheckKind::NdaSigned));
    assert_eq!(CheckStatus::parse("not_permitted"), CheckStatus::NotPermitted);
    assert_eq!(CheckStatus::parse("nonsense"), CheckStatus::Pending);
    for s in [CheckStatus::Passed, CheckStatus::Failed, CheckStatus::Waived, CheckStatus::NotPermitted] {
        assert!(s.mark().chars().any(|c| c.is_ascii_uppercase()), "{s:?} carries a letter");
    }
}

#[test]
fn references_need_two() {
    let mut c = check(CheckKind::References, CheckStatus::Passed);
    c.reference_count = Some(1);
    assert!(matches!(c.outcome(CheckKind::References), CheckOutcome::Open(_)));
    c.reference_count = Some(2);
    assert_eq!(c.outcome(CheckKind::References), CheckOutcome::Satisfied);
    c.reference_count = None;
    assert!(matches!(c.outcome(CheckKind::References), CheckOutcome::Open(_)));
}

#[test]
fn waivers_need_a_reason_and_not_permitted_only_where_law_may_forbid() {
    let mut w = check(CheckKind::Identity, CheckStatus::Waived);
    assert!(matches!(w.outcome(CheckKind::Identity), CheckOutcome::Open(_)));
    w.note = Some("  ".into());
    assert!(matches!(w.outcome(CheckKind::Identity), CheckOutcome::Open(_)), "blank is no reason");
    w.note = Some("Seen by the provider's HR".into());
    assert_eq!(w.outcome(CheckKind::Identity), CheckOutcome::Satisfied);
    let mut n = check(CheckKind::Credit, CheckStatus::NotPermitted);
    assert!(matches!(n.outcome(CheckKind::Credit), CheckOutcome::Open(_)));
    n.note = Some("Forbidden by the national data protection act".into());
    assert_eq!(n.outcome(CheckKind::Credit), CheckOutcome::Satisfied);
    assert!(matches!(n.outcome(CheckKind::CvAccuracy), CheckOutcome::Open(_)), "not for the CV check");
}

#[test]
fn nda_needs_its_date() {
    let mut c = check(CheckKind::NdaSigned, CheckStatus::Passed);
    assert!(matches!(c.outcome(CheckKind::NdaSigned), CheckOutcome::Open(_)));
    c.checked_on = Some("2026-11-01".into());
    assert_eq!(c.outcome(CheckKind::NdaSigned), CheckOutcome::Satisfied);
}

#[test]
fn form_rules_name_the_field() {
    let vals = |pairs: &[(&'static str, Value)]| pairs.to_vec();
    let waive = vals(&[("status", Value::text("waived")), ("note", Value::Null)]);
    assert_eq!(VettingCheck::check(CheckKind::Identity, &waive).map_err(|e| e.0), Err("note"));
    let np = vals(&[("status", Value::text("not_permitted")), ("note", Value::text("law"))]);
    assert_eq!(VettingCheck::check(CheckKind::Identity, &np).map_err(|e| e.0), Err("status"));
    assert_eq!(VettingCheck::check(CheckKind::CriminalRecord, &np), Ok(()));
    let refs = vals(&[("status", Value::text("passed")), ("reference_count", Value::Int(1))]);
    assert_eq!(VettingCheck::check(CheckKind::References, &refs).map_err(|e| e.0), Err("reference_count"));
    let nda = vals(&[("status", Value::text("passed")), ("checked_on", Value::Null)]);
    assert_eq!(VettingCheck::check(CheckKind::NdaSigned, &nda).map_err(|e| e.0), Err("checked_on"));
    assert_eq!(VettingCheck::fields_for(CheckKind::Identity).len(), VettingCheck::FIELDS.len() - 1);
    assert_eq!(VettingCheck::fields_for(CheckKind::References).len(), VettingCheck::FIELDS.len());
}

#[test]
fn clearance_of_a_member() {
    let m = member(1, "Ana", "DBA", None);
    let mut checks = all_passed();
    assert_eq!(member_clearance(&m, &checks, today()), Clearance::Cleared);
    checks[CheckKind::Credit.index()] = Some({
        let mut c = check(CheckKind::Credit, CheckStatus::NotPermitted);
        c.note = Some("Not allowed here".into());
        c
    });
    checks[CheckKind::Identity.index()] = Some({
        let mut c = check(CheckKind::Identity, CheckStatus::Waived);
        c.note = Some("Known to us for years".into());
        c
    });
    assert_eq!(member_clearance(&m, &checks, today()), Clearance::Cleared, "waived and not-permitted count");
    checks[CheckKind::CvAccuracy.index()] = None;
    checks[CheckKind::Qualifications.index()] = Some(check(CheckKind::Qualifications, CheckStatus::Pending));
    assert_eq!(member_clearance(&m, &checks, today()), Clearance::Open(2));
    checks[CheckKind::References.index()] = Some(check(CheckKind::References, CheckStatus::Failed));
    assert_eq!(member_clearance(&m, &checks, today()), Clearance::Failed, "a failure outweighs the rest");
    let mut gone = m.clone();
    gone.left_on = Some("2026-11-23".into());
    assert_eq!(member_clearance(&gone, &checks, today()), Clearance::Left);
    gone.left_on = Some("2026-12-31".into());
    assert_eq!(member_clearance(&gone, &checks, today()), Clearance::Failed, "leaving later: still on the team");
    let none: MemberChecks = Default::default();
    assert_eq!(member_clearance(&m, &none, today()), Clearance::Open(7));
}

#[test]
fn clearance_of_a_team() {
    let mut all = vec![Clearance::Cleared; 12];
    all.extend([Clearance::Open(1); 6]);
    all.extend([Clearance::Failed; 2]);
    all.push(Clearance::Left);
    let t = TeamClearance::of(&all);
    assert_eq!((t.cleared, t.active, t.failed), (12, 20, 2));
    assert_eq!(t.summary(), "12/20 cleared (60 %)");
    let two_of_three = TeamClearance::of(&[Clearance::Cleared, Clearance::Cleared, Clearance::Open(1)]);
    assert_eq!(two_of_three.percent(), Some(66), "rounded down: 100 % only when everyone is");
    assert_eq!(TeamClearance::of(&[Clearance::Left]).percent(), None);
}

fn no_holdings() -> HashMap<i64, Holdings> {
    HashMap::new()
}

#[test]
fn roles_without_backup() {
    let team = vec![member(1, "Ana", "DBA", None), member(2, "Ben", "Sysadmin", Some(1))];
    let w = warnings(&team, &no_holdings(), &[], today());
    assert_eq!(w, vec![Warning::RoleWithoutBackup { role: "Sysadmin".into() }]);
    // A backup who has left backs up no one.
    let mut gone = team.clone();
    gone[1].left_on = Some("2026-06-30".into());
    let w = warnings(&gone, &no_holdings(), &[], today());
    assert_eq!(w, vec![Warning::RoleWithoutBackup { role: "DBA".into() }]);
    // Two roles in one role text are two roles.
    let multi = vec![member(1, "Ana", "DBA, Security officer", None), member(2, "Ben", "DBA", Some(1))];
    let w = warnings(&multi, &no_holdings(), &[], today());
    assert!(!w.contains(&Warning::RoleWithoutBackup { role: "DBA".into() }));
    assert!(!w.contains(&Warning::RoleWithoutBackup { role: "Security officer".into() }));
}

#[test]
fn self_backup_and_loops_of_any_length() {
    let me = vec![member(1, "Ana", "DBA", Some(1))];
    let w = warnings(&me, &no_holdings(), &[], today());
    assert!(w.contains(&Warning::SelfBackup { member: 1 }));
    assert!(!w.iter().any(|x| matches!(x, Warning::BackupLoop { .. })), "a self-backup is not also a loop");
    let pair = vec![member(1, "Ana", "DBA", Some(2)), member(2, "Ben", "DBA", Some(1))];
    let w = warnings(&pair, &no_holdings(), &[], today());
    assert_eq!(w, vec![Warning::BackupLoop { members: vec![1, 2] }], "a pair is a loop; the role is covered");
    // A ring of four with a tail leading into it is reported once.
    let ring = vec![
        member(1, "A", "R1", Some(2)),
        member(2, "B", "R2", Some(3)),
        member(3, "C", "R3", Some(4)),
        member(4, "D", "R4", Some(1)),
        member(5, "E", "R5", Some(3)),
    ];
    let w = warnings(&ring, &no_holdings(), &[], today());
    let loops: Vec<&Warning> = w.iter().filter(|x| matches!(x, Warning::BackupLoop { .. })).collect();
    assert_eq!(loops, vec![&Warning::BackupLoop { members: vec![1, 2, 3, 4] }]);
    let name = |id: i64| ["?", "A", "B", "C", "D", "E"][id as usize].to_string();
    assert_eq!(loops[0].text(&name), "backups go round in a loop: A → B → C → D → A (each backs up the next)");
    assert!(w.contains(&Warning::RoleWithoutBackup { role: "R5".into() }));
    // A chain is not a loop.
    let chain = vec![member(1, "A", "R", Some(2)), member(2, "B", "R", Some(3)), member(3, "C", "R", None)];
    assert!(!warnings(&chain, &no_holdings(), &[], today()).iter().any(|x| matches!(x, Warning::BackupLoop { .. })));
}

#[test]
fn leavers_still_holding_assets_or_access() {
    let mut team = vec![member(1, "Ana", "DBA", Some(2)), member(2, "Ben", "DBA", Some(1))];
    team[0].left_on = Some("2026-10-31".into());
    let mut h = HashMap::new();
    h.insert(1, Holdings { assets: 2, grants: 1 });
    h.insert(2, Holdings { assets: 5, grants: 0 });
    let w = warnings(&team, &h, &[], today());
    assert!(w.contains(&Warning::LeftHolding { member: 1, assets: 2, grants: 1 }));
    assert!(!w.iter().any(|x| matches!(x, Warning::LeftHolding { member: 2, .. })), "Ben is still on the team");
    let name = |_| "Ana".to_string();
    assert_eq!(
        Warning::LeftHolding { member: 1, assets: 2, grants: 1 }.text(&name),
        "Ana has left but still holds 2 assets and 1 active access grant"
    );
    h.insert(1, Holdings::default());
    assert!(!warnings(&team, &h, &[], today()).iter().any(|x| matches!(x, Warning::LeftHolding { .. })));
}

#[test]
fn segregation_of_duties() {
    let pair = RoleConflict { role_a: "Developer".into(), role_b: "Release manager".into(), ..RoleConflict::default() };
    // Both roles in one role text.
    let team = vec![member(1, "Ana", "developer + release manager", None), member(2, "Ben", "Tester", Some(1))];
    let w = warnings(&team, &no_holdings(), std::slice::from_ref(&pair), today());
    assert!(w.contains(&Warning::Conflict {
        member: 1,
        role_a: "Developer".into(),
        role_b: "Release manager".into(),
        via_backup: false
    }));
    // The same person on two rows.
    let twice = vec![member(1, "Ana", "Developer", None), member(2, "ana ", "Release manager", None)];
    let w = warnings(&twice, &no_holdings(), std::slice::from_ref(&pair), today());
    assert!(w.iter().any(|x| matches!(x, Warning::Conflict { via_backup: false, .. })));
    // Standing in for the other role.
    let backup = vec![member(1, "Ana", "Developer", Some(2)), member(2, "Ben", "Release manager", None)];
    let w = warnings(&backup, &no_holdings(), std::slice::from_ref(&pair), today());
    assert!(w.contains(&Warning::Conflict {
        member: 1,
        role_a: "Developer".into(),
        role_b: "Release manager".into(),
        via_backup: true
    }));
    // No pair defined: no conflict.
    assert!(!warnings(&backup, &no_holdings(), &[], today()).iter().any(|x| matches!(x, Warning::Conflict { .. })));
    let same = [("role_a", Value::text("DBA")), ("role_b", Value::text(" dba "))];
    assert_eq!(RoleConflict::check(&same).map_err(|e| e.0), Err("role_b"));
}

#[test]
fn backup_names_resolve_and_say_what_is_wrong() {
    let team = vec![
        member(1, "Ana Souza", "DBA", None),
        member(2, "Ben Okafor", "Sysadmin", None),
        member(3, "Ana Souza", "Developer", None),
        member(4, "Benedict Li", "Tester", None),
    ];
    assert_eq!(resolve_member("", &team), Ok(None));
    assert_eq!(resolve_member("ben okafor", &team), Ok(Some(2)));
    assert_eq!(resolve_member("Ana Souza (Developer)", &team), Ok(Some(3)));
    assert_eq!(team[0].handle(&team), "Ana Souza (DBA)");
    assert_eq!(team[1].handle(&team), "Ben Okafor");
    assert!(resolve_member("Ana Souza", &team).expect_err("ambiguous").contains("“Ana Souza (DBA)”"));
    assert_eq!(resolve_member("Benedict", &team), Ok(Some(4)));
    assert!(resolve_member("Ben", &team).is_err(), "two names start with Ben");
    assert!(resolve_member("Zoe", &team).expect_err("unknown").contains("no member"));
}

#[test]
fn member_dates_in_order() {
    let bad = [("joined", Value::text("2026-05-01")), ("left_on", Value::text("2026-04-30"))];
    assert_eq!(TeamMember::check(&bad).map_err(|e| e.0), Err("left_on"));
    let ok = [("joined", Value::text("2026-05-01")), ("left_on", Value::Null)];
    assert_eq!(TeamMember::check(&ok), Ok(()));
}

#[test]
fn roster_events_from_the_audit_log() {
    let ch = |at: &str, action: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>| RosterChange {
        at: at.into(),
        assessor: "tester".into(),
        member_id: 7,
        action: action.into(),
        field: field.map(Into::into),
        old: old.map(Into::into),
        new: new.map(Into::into),
    };
    let changes = vec![
        ch(
            "2026-02-01T10:00:00Z",
            "insert",
            None,
            None,
            Some(r#"{"name":"Ana","role":"DBA","joined":"2026-01-20","backup_for":8,"left_on":null}"#),
        ),
        ch("2026-03-01T10:00:00Z", "update", Some("role"), Some("DBA"), Some("Sysadmin")),
        ch("2026-03-02T10:00:00Z", "update", Some("backup_for"), Some("8"), None),
        ch("2026-07-15T10:00:00Z", "update", Some("left_on"), None, Some("2026-06-30")),
        ch("2026-07-15T10:00:00Z", "update", Some("updated_at"), None, None),
    ];
    let mut names = HashMap::new();
    names.insert(8, "Ben".to_string());
    let ev = roster_events(&changes, &names);
    let texts: Vec<&str> = ev.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        texts,
        [
            "added as DBA, joined 2026-01-20, backing up Ben",
            "role DBA → Sysadmin",
            "backs up Ben → no one",
            "left on 2026-06-30"
        ]
    );
    assert_eq!(ev[0].member, "Ana", "the name comes from the insert when the member is gone");
    assert_eq!(ev[0].late_by, Some(12));
    assert_eq!(ev[3].late_by, Some(15), "reported 15 days after leaving");
    assert_eq!(ev[1].late_by, None);
}

#[test]
fn whether_a_check_counts_is_what_its_outcome_says() {
    use strum::IntoEnumIterator;
    let texts = [None, Some(String::new()), Some("  ".to_string()), Some("2026-03-01".to_string())];
    let mut satisfied = 0;
    for kind in CheckKind::ALL {
        for status in CheckStatus::iter() {
            for refs in [None, Some(0), Some(1), Some(MIN_REFERENCES), Some(5)] {
                for checked_on in &texts {
                    for note in &texts {
                        let c = VettingCheck {
                            kind: Some(kind),
                            status,
                            reference_count: refs,
                            checked_on: checked_on.clone(),
                            note: note.clone(),
                            ..Default::default()
                        };
                        let counts = c.outcome(kind) == CheckOutcome::Satisfied;
                        assert_eq!(c.is_satisfied(kind), counts, "{c:?}");
                        satisfied += usize::from(counts);
                    }
                }
            }
        }
    }
    assert!(satisfied > 0, "some of them count");
}

#[test]
fn the_tally_counts_what_pending_kinds_lists() {
    let today = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).expect("date");
    let members = [
        TeamMember { id: 1, ..Default::default() },
        TeamMember { id: 2, left_on: Some("2026-05-01".into()), ..Default::default() },
        TeamMember { id: 3, left_on: Some("2026-07-01".into()), ..Default::default() },
    ];
    let check = |member_id, kind, status| VettingCheck { member_id, kind: Some(kind), status, ..Default::default() };
    let checks = [
        check(1, CheckKind::Identity, CheckStatus::Passed),
        check(1, CheckKind::References, CheckStatus::Passed), // too few references: still pending
        check(2, CheckKind::Identity, CheckStatus::Failed),
        check(3, CheckKind::CvAccuracy, CheckStatus::Passed),
    ];
    let mut tally = PendingTally::default();
    checks.iter().for_each(|c| tally.record(c));
    let listed: usize = members
        .iter()
        .map(|m| {
            let mut theirs = MemberChecks::default();
            for c in checks.iter().filter(|c| c.member_id == m.id) {
                theirs[c.kind.expect("kind").index()] = Some(c.clone());
            }
            pending_kinds(m, &theirs, today).len()
        })
        .sum();
    assert_eq!(tally.over(&members, today), listed);
    assert_eq!(listed, 6 + 6, "member 1 lacks six, member 2 has left, member 3 lacks six");
}
