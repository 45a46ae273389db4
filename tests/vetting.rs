//! The Vetting tab: the grid, the member detail and the roster on screen, and every key press checked in the
//! database.

mod common;

use assay::app::{App, Context, Overlay, Tab, VetView, VettingPane};
use assay::domain::Value;
use assay::domain::vetting::{CheckKind, CheckStatus, Clearance};
use assay::store::{Store, engagements, providers, vetting};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn vetting_tab(app: &mut App) {
    press(app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Vetting);
}

fn demo_vetting(w: u16, h: u16) -> App {
    let mut app = demo_app(w, h);
    vetting_tab(&mut app);
    assert_eq!(app.context(), Context::Vetting);
    app
}

/// An app on one engagement with one provider and no members.
fn blank_team(w: u16, h: u16) -> (App, i64) {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let provider = store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Managed SOC"))])?;
            providers::create(w, e, &[("name", Value::text("Contoso"))])
        })
        .expect("write");
    let mut app = app_on(store, w, h);
    vetting_tab(&mut app);
    (app, provider)
}

fn clear_and_type(app: &mut App, text: &str) {
    press_mod(app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(app, text);
}

fn form_error(app: &App, key: &str) -> Option<String> {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.fields.iter().find(|x| x.spec.key == key).and_then(|x| x.error.clone()),
        _ => None,
    }
}

/// Adds a member through the form: name, role and (optionally) whom they back up.
fn add_member(app: &mut App, name: &str, role: &str, backup: &str) {
    press(app, KeyCode::Char('a'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "the member form opens");
    keys(app, name);
    press(app, KeyCode::Tab);
    keys(app, role);
    press(app, KeyCode::Tab);
    keys(app, backup);
    press(app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", form_error(app, "backup_for"));
}

fn check_of(app: &App, member: i64, kind: CheckKind) -> Option<assay::domain::vetting::VettingCheck> {
    let p = app.pane::<VettingPane>().provider_id().expect("provider");
    vetting::checks(app.store.conn(), p)
        .expect("checks")
        .into_iter()
        .find(|c| c.member_id == member && c.kind == Some(kind))
}

fn member_id(app: &App, name: &str) -> i64 {
    app.pane::<VettingPane>().rows.iter().find(|r| r.member.name == name).map(|r| r.member.id).expect("member")
}

/// Moves the cursor onto a check column of the selected member.
fn to_column(app: &mut App, kind: CheckKind) {
    for _ in 0..8 {
        press(app, KeyCode::Char('h'));
    }
    for _ in 0..=kind.index() {
        press(app, KeyCode::Char('l'));
    }
    assert_eq!(app.pane::<VettingPane>().kind(), Some(kind));
}

#[test]
fn grid_of_a_typical_team() {
    let app = demo_vetting(120, 40);
    let s = screen(&app);
    assert!(s.contains("[Checks]"), "{s}");
    assert!(s.contains("cleared ("), "the clearance as count and percentage");
    assert!(s.contains("Warnings ("));
    insta::assert_snapshot!("vetting_grid_typical", render(&app).backend());
}

#[test]
fn grid_of_a_crowded_team_scrolls_and_counts_everyone() {
    let (mut app, provider) = blank_team(100, 30);
    app.store
        .write(|w| {
            for n in 0..60 {
                let id = vetting::create_member(
                    w,
                    provider,
                    &[
                        ("name", Value::text(format!("Member {n:02}"))),
                        ("role", Value::text(["Operator", "DBA", "Developer"][n % 3])),
                    ],
                )?;
                for kind in CheckKind::ALL {
                    let status = if n % 4 == 0 { "failed" } else { "passed" };
                    vetting::save_check(
                        w,
                        id,
                        kind,
                        &[
                            ("status", Value::text(status)),
                            ("checked_on", Value::text("2026-11-01")),
                            ("reference_count", Value::from((kind == CheckKind::References).then_some(2))),
                        ],
                    )?;
                }
            }
            Ok(())
        })
        .expect("write");
    app.update(assay::app::Action::Tab1).expect("tab");
    vetting_tab(&mut app);
    // Reload through the engagement hook.
    press(&mut app, KeyCode::Char(']'));
    assert_eq!(app.pane::<VettingPane>().rows.len(), 60);
    assert_eq!(app.pane::<VettingPane>().team.summary(), "45/60 cleared (75 %)");
    for _ in 0..40 {
        press(&mut app, KeyCode::Char('j'));
    }
    assert!(app.pane::<VettingPane>().cursor.offset > 0, "scrolled");
    insta::assert_snapshot!("vetting_grid_crowded", render(&app).backend());
}

#[test]
fn empty_provider_says_how_to_start() {
    let (app, _) = blank_team(100, 30);
    let s = screen(&app);
    assert!(s.contains("No team members recorded for this provider — press a to add the first"), "{s}");
    assert!(s.contains("0/0 cleared"));
    insta::assert_snapshot!("vetting_grid_empty", render(&app).backend());
}

#[test]
fn status_keys_write_the_database() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let ana = member_id(&app, "Ana Souza");
    assert_eq!(app.pane::<VettingPane>().col, 1, "a new member puts the cursor on the first check");
    // p on the CV check: passed, dated today, verified by the assessor; the cursor moves on.
    to_column(&mut app, CheckKind::CvAccuracy);
    keys(&mut app, "p");
    let c = check_of(&app, ana, CheckKind::CvAccuracy).expect("stored");
    assert_eq!(c.status, CheckStatus::Passed);
    assert_eq!(c.checked_on.as_deref(), Some("2026-11-23"));
    assert_eq!(c.verifier.as_deref(), Some("tester"));
    assert_eq!(app.pane::<VettingPane>().kind(), Some(CheckKind::Qualifications), "moves to the next check");
    // f fails qualifications, and the member is failed.
    keys(&mut app, "f");
    assert_eq!(check_of(&app, ana, CheckKind::Qualifications).expect("stored").status, CheckStatus::Failed);
    assert_eq!(app.pane::<VettingPane>().rows[0].clearance, Clearance::Failed);
    // Space sets it back to pending, once confirmed.
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(check_of(&app, ana, CheckKind::Qualifications).expect("stored").status, CheckStatus::Pending);
    assert_eq!(app.pane::<VettingPane>().rows[0].clearance, Clearance::Open(6));
    // n on a check the law cannot forbid is refused.
    keys(&mut app, "n");
    assert!(app.overlay.is_none());
    assert!(app.toast.as_ref().is_some_and(|t| t.error));
}

#[test]
fn waiving_needs_a_reason_and_not_permitted_needs_a_note() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let ana = member_id(&app, "Ana Souza");
    to_column(&mut app, CheckKind::Identity);
    keys(&mut app, "w");
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "the reason is asked for");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(form_error(&app, "note").is_some(), "no reason, no waiver");
    assert!(check_of(&app, ana, CheckKind::Identity).is_none(), "nothing written");
    keys(&mut app, "Passport seen by our HR last year");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let c = check_of(&app, ana, CheckKind::Identity).expect("stored");
    assert_eq!(c.status, CheckStatus::Waived);
    assert_eq!(c.note.as_deref(), Some("Passport seen by our HR last year"));
    // Criminal record, not permitted: the note is required.
    to_column(&mut app, CheckKind::CriminalRecord);
    keys(&mut app, "n");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(form_error(&app, "note").is_some());
    keys(&mut app, "Forbidden by the labour code, art. 12");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let c = check_of(&app, ana, CheckKind::CriminalRecord).expect("stored");
    assert_eq!(c.status, CheckStatus::NotPermitted);
    assert_eq!(c.note.as_deref(), Some("Forbidden by the labour code, art. 12"));
    // In the full form too, waiving without a reason is refused.
    to_column(&mut app, CheckKind::CvAccuracy);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "w");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "note").is_some());
    press(&mut app, KeyCode::Esc);
    assert!(check_of(&app, ana, CheckKind::CvAccuracy).is_none());
}

#[test]
fn references_are_counted_and_pass_only_from_two() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let ana = member_id(&app, "Ana Souza");
    to_column(&mut app, CheckKind::References);
    keys(&mut app, "+");
    assert_eq!(check_of(&app, ana, CheckKind::References).expect("stored").reference_count, Some(1));
    // One reference: p asks for the count instead of passing.
    keys(&mut app, "p");
    assert!(
        matches!(&app.overlay, Some(Overlay::Form(f)) if f.focused().is_some_and(|x| x.spec.key == "reference_count"))
    );
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "reference_count").is_some_and(|e| e.contains("at least 2")));
    clear_and_type(&mut app, "2");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let c = check_of(&app, ana, CheckKind::References).expect("stored");
    assert_eq!((c.status, c.reference_count), (CheckStatus::Passed, Some(2)));
    assert!(screen(&app).contains("✓P 2"), "the count shows in the cell");
    // Lowering the count below two un-counts the pass, and the cell says so.
    to_column(&mut app, CheckKind::References);
    keys(&mut app, "-");
    assert!(screen(&app).contains("✓P 1!"));
}

#[test]
fn a_member_clears_when_every_check_counts() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    add_member(&mut app, "Ben Okafor", "Sysadmin", "Ana Souza");
    press(&mut app, KeyCode::Char('g'));
    to_column(&mut app, CheckKind::References);
    keys(&mut app, "++p");
    keys(&mut app, "ppppp"); // criminal record … credit
    keys(&mut app, "p"); // NDA: dated today
    assert_eq!(app.pane::<VettingPane>().rows[0].clearance, Clearance::Cleared);
    assert_eq!(app.pane::<VettingPane>().team.summary(), "1/2 cleared (50 %)");
    assert!(screen(&app).contains("1/2 cleared (50 %)"));
}

#[test]
fn adding_members_with_backups_and_the_loop_warning() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    add_member(&mut app, "Ben Okafor", "Sysadmin", "ana souza");
    let (ana, ben) = (member_id(&app, "Ana Souza"), member_id(&app, "Ben Okafor"));
    let stored = vetting::member(app.store.conn(), ben).expect("read").expect("ben");
    assert_eq!(stored.backup_for, Some(ana), "the typed name is resolved to the member");
    assert!(app.pane::<VettingPane>().warnings.iter().any(|w| w == "no one backs up the role “Sysadmin”"));
    // An unknown name is refused at the field.
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Carla");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Zoe");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "backup_for").is_some_and(|e| e.contains("no member")));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y')); // discard the changed form
    // Ana now backs up Ben: a loop.
    press(&mut app, KeyCode::Char('g'));
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    clear_and_type(&mut app, "Ben");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let loop_warning = "backups go round in a loop: Ana Souza → Ben Okafor → Ana Souza (each backs up the next)";
    assert!(
        app.pane::<VettingPane>().warnings.iter().any(|w| w == loop_warning),
        "{:?}",
        app.pane::<VettingPane>().warnings
    );
    assert!(screen(&app).contains("! backups go round in a loop"));
    // Backing oneself up is refused by the form.
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    clear_and_type(&mut app, "Ana Souza");
    press(&mut app, KeyCode::Enter);
    assert!(form_error(&app, "backup_for").is_some_and(|e| e.contains("themselves")));
}

#[test]
fn role_pairs_warn_about_one_person_in_both() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "Developer", "");
    add_member(&mut app, "Ben Okafor", "Release manager", "Ana Souza");
    keys(&mut app, "vv");
    assert_eq!(app.pane::<VettingPane>().view, VetView::Conflicts);
    keys(&mut app, "a");
    keys(&mut app, "Developer");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "release manager");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    let e = app.session.current.as_ref().expect("engagement").id;
    assert_eq!(vetting::role_conflicts(app.store.conn(), e).expect("pairs").len(), 1);
    assert!(
        app.pane::<VettingPane>()
            .warnings
            .iter()
            .any(|w| w.starts_with("Ben Okafor holds or stands in for both “Developer”")),
        "{:?}",
        app.pane::<VettingPane>().warnings
    );
}

#[test]
fn member_detail_hides_private_notes_until_revealed() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    to_column(&mut app, CheckKind::Credit);
    keys(&mut app, "n");
    keys(&mut app, "Credit checks forbidden by the consumer credit act");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    to_column(&mut app, CheckKind::Identity);
    keys(&mut app, "w");
    keys(&mut app, "Passport copy on file");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    // The grid never shows the private note.
    assert!(!screen(&app).contains("consumer credit act"));
    keys(&mut app, "i");
    assert_eq!(app.context(), Context::VettingMember);
    let s = screen(&app);
    assert!(s.contains("hidden — press r to reveal"), "{s}");
    assert!(!s.contains("consumer credit act"));
    assert!(s.contains("Passport copy on file"), "ordinary notes show");
    assert!(s.contains("Roster history"));
    assert!(s.contains("2026-11-23  added as DBA"));
    app.toast = None;
    insta::assert_snapshot!("vetting_member_hidden", render(&app).backend());
    keys(&mut app, "r");
    let s = screen(&app);
    assert!(s.contains("Credit checks forbidden by the consumer credit act"), "{s}");
    app.toast = None;
    insta::assert_snapshot!("vetting_member_revealed", render(&app).backend());
    // Leaving the member forgets the reveal.
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), Context::Vetting);
    keys(&mut app, "i");
    assert!(screen(&app).contains("hidden — press r to reveal"));
}

#[test]
fn roster_changes_come_from_the_history() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    press(&mut app, KeyCode::Char('e'));
    press(&mut app, KeyCode::Tab);
    clear_and_type(&mut app, "Sysadmin");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "2026-11-01");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "{:?}", form_error(&app, "left_on"));
    let texts: Vec<&str> = app.pane::<VettingPane>().roster.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(texts, ["added as DBA", "role DBA → Sysadmin", "left on 2026-11-01"]);
    assert_eq!(app.pane::<VettingPane>().roster[2].late_by, Some(22));
    keys(&mut app, "v");
    assert_eq!(app.context(), Context::Roster);
    let s = screen(&app);
    assert!(s.contains("left on 2026-11-01") && s.contains("22 d"), "{s}");
    assert_eq!(app.pane::<VettingPane>().rows[0].clearance, Clearance::Left);
}

#[test]
fn a_failed_check_carries_its_letter_not_only_colour() {
    let (mut app, _) = blank_team(120, 40);
    app.theme = assay::theme::Theme::colored();
    add_member(&mut app, "Ana Souza", "DBA", "");
    to_column(&mut app, CheckKind::Identity);
    keys(&mut app, "f");
    press(&mut app, KeyCode::Char('j')); // nothing below: the selection stays, so move the column away
    press(&mut app, KeyCode::Char('h'));
    press(&mut app, KeyCode::Char('h'));
    let term = render(&app);
    let buf = term.backend().buffer();
    let row = (0..buf.area.height)
        .find(|&y| {
            (0..buf.area.width).map(|x| buf[(x, y)].symbol().to_string()).collect::<String>().contains("Ana Souza")
        })
        .expect("Ana's row");
    let line: String = (0..buf.area.width).map(|x| buf[(x, row)].symbol().to_string()).collect();
    let at = line.find("✗F").expect("the failed cell reads ✗F");
    let x = line[..at].chars().count() as u16;
    assert_eq!(buf[(x + 1, row)].symbol(), "F", "the letter is there");
    assert_eq!(buf[(x + 1, row)].fg, ratatui::style::Color::Red, "and the colour adds to it");
    // Plain theme: the same letter, no colour.
    app.theme = assay::theme::Theme::plain();
    assert!(screen(&app).contains("✗F"));
}

#[test]
fn store_round_trip_and_export_privacy() {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let (e, a, b) = store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Payroll"))])?;
            let p = providers::create(w, e, &[("name", Value::text("Contoso"))])?;
            let a = vetting::create_member(
                w,
                p,
                &[("name", Value::text("Ana")), ("role", Value::text("DBA")), ("joined", Value::text("2026-01-05"))],
            )?;
            let b = vetting::create_member(w, p, &[("name", Value::text("Ben")), ("backup_for", Value::Int(a))])?;
            vetting::save_check(
                w,
                a,
                CheckKind::CriminalRecord,
                &[("status", Value::text("not_permitted")), ("note", Value::text("Forbidden by local law"))],
            )?;
            vetting::save_check(
                w,
                a,
                CheckKind::References,
                &[("status", Value::text("passed")), ("reference_count", Value::Int(3))],
            )?;
            vetting::save_check(
                w,
                a,
                CheckKind::Identity,
                &[("status", Value::text("waived")), ("note", Value::text("Seen"))],
            )?;
            // Saving again updates the same check in place.
            vetting::save_check(w, a, CheckKind::References, &[("evidence", Value::text("Two letters, one call"))])?;
            vetting::create_conflict(w, e, &[("role_a", Value::text("DBA")), ("role_b", Value::text("Auditor"))])?;
            Ok((e, a, b))
        })
        .expect("write");
    let conn = store.conn();
    let p = providers::list(conn, e).expect("providers")[0].id;
    let members = vetting::members(conn, p).expect("members");
    assert_eq!(members.len(), 2);
    assert_eq!(members[0].joined.as_deref(), Some("2026-01-05"));
    assert_eq!(members[1].backup_for, Some(a));
    let checks = vetting::checks(conn, p).expect("checks");
    assert_eq!(checks.len(), 3, "one row per member and kind");
    let refs = checks.iter().find(|c| c.kind == Some(CheckKind::References)).expect("refs");
    assert_eq!((refs.status, refs.reference_count), (CheckStatus::Passed, Some(3)));
    assert_eq!(refs.evidence.as_deref(), Some("Two letters, one call"));
    assert_eq!(vetting::role_conflicts(conn, e).expect("pairs")[0].role_b, "Auditor");
    // Exports leave private notes out unless asked.
    let plain = vetting::checks_for_export(conn, e, false).expect("export");
    let crim = plain.iter().find(|c| c.kind == CheckKind::CriminalRecord).expect("crim");
    assert_eq!((crim.note.as_deref(), crim.note_withheld), (None, true));
    let id = plain.iter().find(|c| c.kind == CheckKind::Identity).expect("identity");
    assert_eq!(id.note.as_deref(), Some("Seen"), "ordinary notes are exported");
    assert_eq!(
        plain.iter().map(|c| c.kind).collect::<Vec<_>>(),
        [CheckKind::References, CheckKind::CriminalRecord, CheckKind::Identity]
    );
    let full = vetting::checks_for_export(conn, e, true).expect("export");
    let crim = full.iter().find(|c| c.kind == CheckKind::CriminalRecord).expect("crim");
    assert_eq!((crim.note.as_deref(), crim.note_withheld), (Some("Forbidden by local law"), false));
    // Removing a member takes their checks and leaves their backup with no one to back up, all audited.
    store.write(|w| vetting::delete_member(w, a)).expect("delete");
    let conn = store.conn();
    assert!(vetting::checks(conn, p).expect("checks").is_empty());
    assert_eq!(vetting::member(conn, b).expect("read").expect("ben").backup_for, None);
    let events = vetting::roster_changes(conn, p).expect("roster");
    assert!(events.iter().any(|c| c.member_id == a && c.action == "delete"), "removed members stay in the history");
    let report = assay::store::verify::verify(store.conn()).expect("verify");
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

#[test]
fn a_provider_added_on_the_scorecard_shows_on_the_vetting_tab() {
    let mut app = empty_app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Helpdesk");
    press(&mut app, KeyCode::Enter);
    vetting_tab(&mut app);
    assert!(screen(&app).contains("No providers yet"));
    press(&mut app, KeyCode::Char('3'));
    keys(&mut app, "a");
    keys(&mut app, "Fabrikam");
    press(&mut app, KeyCode::Enter);
    vetting_tab(&mut app);
    assert_eq!(app.pane::<VettingPane>().provider_name(), "Fabrikam");
    assert!(screen(&app).contains("No team members recorded for this provider"));
}

#[test]
fn members_with_nothing_recorded_count_as_pending_everywhere() {
    // Failed before: only recorded rows with the status "pending" were counted, so a member with no check at all
    // made the overview say "0 checks pending" and the report "3/3" out of what was recorded.
    let (mut app, _) = blank_team(130, 36);
    add_member(&mut app, "Alice Tan", "", "");
    add_member(&mut app, "Bo Lim", "", "");
    let bo = member_id(&app, "Bo Lim");
    // Bo passes the identity check; Alice has nothing recorded.
    to_column(&mut app, CheckKind::Identity);
    let row = app.pane::<VettingPane>().rows.iter().position(|r| r.member.id == bo).expect("Bo's row");
    app.pane_state::<VettingPane>().cursor.select(row);
    keys(&mut app, "p");
    assert_eq!(check_of(&app, bo, CheckKind::Identity).map(|c| c.status), Some(CheckStatus::Passed));
    assert_eq!(app.session.summary.checks_pending, 13, "seven for Alice, six for Bo");
    press(&mut app, KeyCode::Char('2'));
    assert!(screen(&app).contains("13 checks pending"), "{}", screen(&app));

    let e = app.session.current.clone().expect("engagement");
    let md = assay::report::markdown(&assay::report::build(app.store.conn(), &e, today(), "t", false).expect("report"));
    assert!(md.contains("| Vetting checks pending | 13 |"), "{md}");
    // Per provider: on the team, cleared, cleared %, failed, checks pending; and who is not cleared, with what.
    assert!(md.contains("| Contoso | 2 | 0 | 0 % | 0 | 13 |"), "{md}");
    assert!(
        md.contains("Alice Tan (References, CV accuracy, Qualifications, Identity, NDA signed, 2 withheld)"),
        "{md}"
    );

    // A failed check still has to be resolved: it stays in the count.
    vetting_tab(&mut app);
    let row = app.pane::<VettingPane>().rows.iter().position(|r| r.member.id == bo).expect("Bo's row");
    app.pane_state::<VettingPane>().cursor.select(row);
    to_column(&mut app, CheckKind::Credit);
    keys(&mut app, "f");
    assert_eq!(check_of(&app, bo, CheckKind::Credit).map(|c| c.status), Some(CheckStatus::Failed));
    assert_eq!(app.session.summary.checks_pending, 13);
}

#[test]
fn resetting_a_recorded_check_asks_first() {
    // Failed before: Space or Backspace on a recorded check set it back to pending at once, without a word.
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let ana = member_id(&app, "Ana Souza");
    to_column(&mut app, CheckKind::Identity);
    keys(&mut app, "p");
    press(&mut app, KeyCode::Char('h'));
    for key in [KeyCode::Char(' '), KeyCode::Backspace] {
        press(&mut app, key);
        let Some(Overlay::Confirm(c)) = &app.overlay else { panic!("a question, not a reset: {:?}", app.overlay) };
        assert!(
            c.message.contains("Ana Souza") && c.message.contains("passed on 2026-11-23 by tester"),
            "{}",
            c.message
        );
        assert_eq!(check_of(&app, ana, CheckKind::Identity).expect("stored").status, CheckStatus::Passed);
        press(&mut app, KeyCode::Char('n'));
        assert!(app.overlay.is_none());
        assert_eq!(check_of(&app, ana, CheckKind::Identity).expect("stored").status, CheckStatus::Passed, "no: kept");
    }
    press(&mut app, KeyCode::Char(' '));
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(check_of(&app, ana, CheckKind::Identity).expect("stored").status, CheckStatus::Pending);
    // A check already pending needs no question.
    press(&mut app, KeyCode::Char(' '));
    assert!(app.overlay.is_none());
}

#[test]
fn the_reference_count_dialog_moves_on_like_every_quick_mark() {
    // Failed before: after the count dialog that p opens on References, the cursor stayed on References.
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    to_column(&mut app, CheckKind::References);
    keys(&mut app, "p");
    assert!(matches!(&app.overlay, Some(Overlay::Form(_))), "the count is asked for");
    clear_and_type(&mut app, "3");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    assert_eq!(app.pane::<VettingPane>().kind(), Some(CheckKind::CriminalRecord), "on to the next check");
}

#[test]
fn the_roster_view_fills_the_screen_after_members_are_added_in_a_new_engagement() {
    // Failed before: opening a new engagement reset the roster view's height to one row, so it showed one row per
    // screen until the terminal was resized.
    let mut app = empty_app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Fresh engagement");
    press(&mut app, KeyCode::Enter);
    let e = app.session.current.as_ref().expect("engagement").id;
    app.store.write(|w| providers::create(w, e, &[("name", Value::text("Contoso"))])).expect("provider");
    vetting_tab(&mut app);
    for name in ["Ana Souza", "Bo Lim", "Cy Park"] {
        add_member(&mut app, name, "", "");
    }
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.pane::<VettingPane>().view, VetView::Roster);
    assert!(
        app.pane::<VettingPane>().roster_cursor.height > 3,
        "height {}",
        app.pane::<VettingPane>().roster_cursor.height
    );
    let s = screen(&app);
    for name in ["Ana Souza", "Bo Lim", "Cy Park"] {
        assert!(s.contains(name), "{name} is on screen: {s}");
    }
}

#[test]
fn at_80_columns_the_title_keeps_the_provider_and_its_clearance() {
    // Failed before: at 80×24 the title ran out after the provider's name, so the clearance never showed.
    let (mut app, _) = blank_team(80, 24);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let title = screen(&app).lines().nth(1).expect("the grid's title line").to_string();
    assert!(title.contains("[Checks]") && title.contains("Contoso (1/1)"), "{title}");
    assert!(title.contains("0/1 cleared (0 %)"), "the clearance whole: {title}");
    assert!(!title.contains("Roster changes"), "the other views' names give way first: {title}");
    // With room, every view is named again.
    app.update(assay::app::Action::Resize(120, 40)).expect("resize");
    let title = screen(&app).lines().nth(1).expect("title").to_string();
    assert!(title.contains("Roster changes") && title.contains("0/1 cleared (0 %)"), "{title}");
}

/// The default keys with the user's overrides on top: (context, action, keys).
fn keymap_with(overrides: &[(&str, &str, &str)]) -> assay::app::Keymap {
    use std::collections::BTreeMap;
    let mut o: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for (ctx, action, key) in overrides {
        o.entry(ctx.to_string()).or_default().insert(action.to_string(), vec![key.to_string()]);
    }
    let mut km = assay::app::Keymap::default_map();
    km.apply_overrides(&o).expect("overrides apply");
    km
}

#[test]
fn the_tab_names_the_keys_the_user_bound_not_the_default_ones() {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Managed SOC"))])?;
            providers::create(w, e, &[("name", Value::text("Contoso"))])
        })
        .expect("write");
    let keymap = keymap_with(&[
        ("vetting", "add", "A"),
        ("vetting", "next_column", "L"),
        ("vetting_member", "reveal", "R"),
        ("role_conflicts", "add", "N"),
    ]);
    let mut app = App::new(store, keymap, assay::theme::Theme::plain(), today()).expect("app");
    app.update(assay::app::Action::Resize(120, 40)).expect("resize");
    vetting_tab(&mut app);

    // The empty team says which key adds a member, and a status key with no one to mark says it too.
    let s = screen(&app);
    assert!(s.contains("press A to add the first"), "{s}");
    assert!(!s.contains("press a to add"), "{s}");
    keys(&mut app, "p");
    let toast = app.toast.clone().expect("a message").text;
    assert_eq!(toast, "No members yet — press A to add one");

    // The remapped key adds; on the name column a status key names the key that moves onto a check.
    press(&mut app, KeyCode::Char('A'));
    keys(&mut app, "Ana Souza");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    press(&mut app, KeyCode::Char('h'));
    keys(&mut app, "p");
    let toast = app.toast.clone().expect("a message").text;
    assert_eq!(toast, "Move onto a check first (L)");

    // A private note in the member's detail names the key that reveals it.
    let ana = member_id(&app, "Ana Souza");
    app.store
        .write(|w| {
            vetting::save_check(
                w,
                ana,
                CheckKind::CriminalRecord,
                &[("status", Value::text("passed")), ("note", Value::text("Spent conviction, 2009"))],
            )
        })
        .expect("check");
    app.reload_all().expect("written outside the workbench");
    press(&mut app, KeyCode::Char('1'));
    vetting_tab(&mut app);
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.context(), Context::VettingMember);
    let s = screen(&app);
    assert!(s.contains("hidden — press R to reveal"), "{s}");
    assert!(!s.contains("press r to reveal") && !s.contains("Spent conviction"), "{s}");

    // The empty list of role pairs names the key that adds one.
    press(&mut app, KeyCode::Esc);
    keys(&mut app, "vv");
    assert_eq!(app.context(), Context::RoleConflicts);
    let s = screen(&app);
    assert!(s.contains("No role pairs defined — press N to name two roles"), "{s}");
    assert!(!s.contains("press a to name"), "{s}");
}

#[test]
fn a_refused_write_shows_why_keeps_the_typing_and_leaves_the_workbench_running() {
    let (mut app, _) = blank_team(120, 40);
    add_member(&mut app, "Ana Souza", "DBA", "");
    let ana = member_id(&app, "Ana Souza");
    // From here on the workspace refuses every write, as a full disk or another program's lock would.
    app.store.conn().execute_batch("PRAGMA query_only = ON;").expect("read-only");
    let refused = |app: &App, prefix: &str| {
        let t = app.toast.clone().expect("a message");
        assert!(t.error && t.text.starts_with(prefix), "{t:?}");
    };

    // A quick mark and the reference count: an error on screen, nothing recorded, the grid still there.
    to_column(&mut app, CheckKind::References);
    keys(&mut app, "+");
    refused(&app, "Not saved");
    to_column(&mut app, CheckKind::Identity);
    keys(&mut app, "p");
    refused(&app, "Not saved");
    assert_eq!(check_of(&app, ana, CheckKind::Identity), None);
    assert_eq!(check_of(&app, ana, CheckKind::References), None);
    assert_eq!(app.context(), Context::Vetting);

    // A form: the save is refused, the form stays open with what was typed.
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "the identity check's form");
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    press(&mut app, KeyCode::Tab);
    clear_and_type(&mut app, "Passport seen in person");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    refused(&app, "Not saved");
    match &app.overlay {
        Some(Overlay::Form(f)) => assert_eq!(f.value_of("evidence"), Some("Passport seen in person"), "{f:?}"),
        other => panic!("the form is gone: {other:?}"),
    }
    assert_eq!(check_of(&app, ana, CheckKind::Identity), None);

    // A deletion, once confirmed: refused, and the member is still on the roster.
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));
    assert!(app.overlay.is_none(), "the changed form is discarded");
    press(&mut app, KeyCode::Char('d'));
    press(&mut app, KeyCode::Char('y'));
    refused(&app, "Not deleted");
    assert!(app.pane::<VettingPane>().row_of(ana).is_some());
    assert!(!app.should_quit);
    assert!(screen(&app).contains("Ana Souza"));
}

#[test]
fn a_member_found_in_the_lookup_is_shown_on_the_grid_even_from_another_view() {
    use assay::app::lookup::Hit;
    use assay::store::search::RecordKind;
    let mut app = demo_vetting(120, 40);
    let e = app.session.current.as_ref().expect("engagement").id;
    // The last member of the last provider: not the team on screen.
    let (member, name, provider): (i64, String, i64) = app
        .store
        .conn()
        .query_row(
            "SELECT m.id, m.name, p.id FROM team_member m JOIN provider p ON p.id = m.provider_id \
             WHERE p.engagement_id = ? ORDER BY p.id DESC, m.id DESC LIMIT 1",
            [e],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a member");
    assert_ne!(app.pane::<VettingPane>().provider_id(), Some(provider), "the demo shows another team first");
    keys(&mut app, "v");
    assert_eq!(app.context(), Context::Roster);

    press_mod(&mut app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    keys(&mut app, &name);
    let Some(Overlay::Lookup(l)) = &app.overlay else { panic!("the lookup is open") };
    let at = l
        .hits
        .iter()
        .position(
            |h| matches!(h, Hit::Record(r) if l.records[*r].kind == RecordKind::Member && l.records[*r].id == member),
        )
        .unwrap_or_else(|| panic!("{name} found"));
    for _ in 0..at {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);

    assert!(app.overlay.is_none());
    assert_eq!(app.context(), Context::Vetting, "the grid, where the member is");
    let pane = app.pane::<VettingPane>();
    assert_eq!(pane.provider_id(), Some(provider));
    assert_eq!(pane.selected().map(|r| r.member.id), Some(member));
    assert!(screen(&app).contains(&name));
}

/// Each member is named by its short reference (M-…) before the name in the checks grid, on the line under the grid
/// (also at 80×24, where the grid's names keep their room and the column gives way), and at the head of the member
/// shown whole with the UUID; the find takes a reference.
#[test]
fn members_show_their_references_in_the_grid_and_in_full() {
    let mut app = demo_vetting(80, 24);
    insta::assert_snapshot!("vetting_refs_80", render(&app).backend());
    let (id, number, name) =
        app.pane::<VettingPane>().selected().map(|r| (r.member.id, r.member.number, r.member.name.clone())).expect("m");
    let s = screen(&app);
    assert!(s.contains(&format!(" M-{number} {name} ")), "the line under the grid: {s}");
    app.update(assay::app::Action::Resize(100, 30)).expect("resize");
    let s = screen(&app);
    assert!(s.contains("│Ref Member"), "{s}");
    assert!(s.contains(&format!("│M-{number} {name}")), "{s}");
    press(&mut app, KeyCode::Char('i'));
    let uuid = assay::store::ids::of(app.store.conn(), assay::store::Table::TeamMember, id).expect("read").expect("u");
    let s = screen(&app);
    assert!(s.contains(&format!("┌ M-{number} {name} ")), "{s}");
    assert!(s.contains(&format!("Reference     M-{number}")) && s.contains(&uuid.to_string()), "{s}");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('F'));
    keys(&mut app, &format!("m-{number}"));
    press(&mut app, KeyCode::Enter);
    let pane = app.pane::<VettingPane>();
    assert!(
        pane.visible.iter().all(|&i| format!("M-{}", pane.rows[i].member.number).starts_with(&format!("M-{number}")))
    );
    assert_eq!(pane.selected().map(|r| r.member.id), Some(id));
}
