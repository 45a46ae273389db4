//! The scorecard tab: providers, criteria, the score grid and the ranking, on screen and in the database.

mod common;

use assay::app::scorecard::{ScoreView, ScorecardPane};
use assay::app::{App, Overlay, Tab};
use assay::domain::Value;
use assay::store::{Store, criteria, engagements, providers, scores};
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

/// A tender with four providers on five criteria:
/// Contoso leads; Fabrikam is close behind (a certificate expiring in 53 days); Northwind scores highest but its
/// certificate has expired and does not cover the service; Tailspin fails the must-have on policies and audit and
/// has one cell unscored.
fn tender_store() -> (Store, i64) {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    let eid = store
        .write(|w| {
            let eid =
                engagements::create(w, &[("name", Value::text("Managed SOC tender")), ("phase", Value::text("pre"))])?;
            let crit = [
                ("ISMS certified, scope covers the service", 5, true, Some("G-5.4.1-1")),
                ("Agrees to our policies and to audit", 4, true, Some("G-5.4.1-2")),
                ("Financial stability", 3, false, Some("P-5.1.1-d")),
                ("Reputation and track record", 2, false, Some("P-5.1.1-a")),
                ("Local support team", 1, false, None),
            ];
            let mut cids = Vec::new();
            for (text, weight, must, cref) in crit {
                cids.push(criteria::create(
                    w,
                    eid,
                    &[
                        ("text", Value::text(text)),
                        ("weight", Value::Int(weight)),
                        ("must_have", Value::from(must)),
                        ("catalog_ref", Value::from(cref)),
                    ],
                )?);
            }
            let provs: [(&str, &str, bool, [Option<i64>; 5]); 4] = [
                ("Contoso", "2028-03-31", true, [Some(5), Some(4), Some(3), Some(4), Some(3)]),
                ("Fabrikam", "2027-01-15", true, [Some(4), Some(4), Some(4), Some(3), Some(5)]),
                ("Northwind", "2026-10-01", false, [Some(5), Some(5), Some(5), Some(5), Some(5)]),
                ("Tailspin", "2027-09-30", true, [Some(4), Some(2), Some(5), Some(5), None]),
            ];
            for (i, (name, expiry, covers, row)) in provs.into_iter().enumerate() {
                let pid = providers::create(
                    w,
                    eid,
                    &[
                        ("name", Value::text(name)),
                        ("cert_body", Value::text(["BSI", "DNV", "LRQA", "TÜV SÜD"][i])),
                        ("cert_number", Value::text(format!("IS {}", 60100 + i))),
                        ("cert_expiry", Value::text(expiry)),
                        ("cert_scope", Value::text("Security operations centre services")),
                        ("scope_covers_service", Value::from(covers)),
                        ("agrees_policies", Value::from(true)),
                        ("agrees_audit", Value::from(true)),
                        ("focal_point", Value::text(["Ana Souza", "Li Wei", "Tom Berg", "Eva Novak"][i])),
                    ],
                )?;
                for (cid, s) in cids.iter().zip(row) {
                    if let Some(s) = s {
                        scores::set(w, pid, *cid, s as u8)?;
                    }
                }
            }
            Ok(eid)
        })
        .expect("fixture");
    (store, eid)
}

fn tender_app(w: u16, h: u16) -> App {
    let (store, _) = tender_store();
    let mut app = app_on(store, w, h);
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Scorecard);
    app
}

fn to_view(app: &mut App, view: ScoreView) {
    for _ in 0..3 {
        if app.pane::<ScorecardPane>().view == view {
            return;
        }
        press(app, KeyCode::Char('v'));
    }
    assert_eq!(app.pane::<ScorecardPane>().view, view);
}

#[test]
fn providers_list_flags_expired_and_expiring_certificates() {
    let app = tender_app(140, 24);
    let text = screen(&app);
    assert!(text.contains("2026-10-01 ✗ expired"), "{text}");
    assert!(text.contains("2027-01-15 ! ≤90 d"), "{text}");
    assert!(!text.contains("2028-03-31 !"), "a valid certificate is not flagged");
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn expiry_flags_carry_warn_and_error_styles() {
    let mut app = tender_app(140, 24);
    app.theme = assay::theme::Theme::colored();
    let t = render(&app);
    let buf = t.backend().buffer();
    let find = |needle: &str| {
        let area = buf.area;
        for y in 0..area.height {
            let cells: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
            let first = needle.chars().next().expect("needle").to_string();
            for x in 0..cells.len() {
                if cells[x] == first && cells[x..].concat().starts_with(needle) {
                    return (x as u16, y);
                }
            }
        }
        panic!("{needle} not on screen");
    };
    let (x, y) = find("✗ expired");
    assert_eq!(buf[(x, y)].fg, app.theme.error.fg.expect("error colour"));
    let (x, y) = find("! ≤90 d");
    assert_eq!(buf[(x, y)].fg, app.theme.warn.fg.expect("warn colour"));
}

#[test]
fn criteria_list_shows_weights_as_shares_of_100() {
    let mut app = tender_app(120, 24);
    to_view(&mut app, ScoreView::Criteria);
    // weights 5, 4, 3, 2, 1 of 15
    assert_eq!(app.pane::<ScorecardPane>().percentages, vec![33, 27, 20, 13, 7]);
    assert_eq!(app.pane::<ScorecardPane>().percentages.iter().sum::<u32>(), 100);
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn grid_and_ranking_with_gate_failures_below_and_the_sensitivity_line() {
    let mut app = tender_app(160, 24);
    to_view(&mut app, ScoreView::Grid);
    let order: Vec<&str> = app.pane::<ScorecardPane>().ranking.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(order, ["Contoso", "Fabrikam", "Northwind", "Tailspin"]);
    assert!(
        !app.pane::<ScorecardPane>().ranking[2].passes
            && app.pane::<ScorecardPane>().ranking[2].total > app.pane::<ScorecardPane>().ranking[0].total
    );
    assert_eq!(
        app.pane::<ScorecardPane>().sensitivity_line(),
        "Leader Contoso — fragile: weight of 'Local support team' 1 → 3 makes Fabrikam lead"
    );
    let text = screen(&app);
    assert!(text.contains("certificate expired 2026-10-01"), "{text}");
    assert!(text.contains("must-have “Agrees to our policies and to audit”"), "{text}");
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn grid_on_a_narrow_terminal_puts_the_ranking_below() {
    let mut app = tender_app(90, 30);
    to_view(&mut app, ScoreView::Grid);
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn an_empty_engagement_tab() {
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    store
        .write(|w| {
            let id = engagements::create(w, &[("name", Value::text("Fresh tender"))])?;
            criteria::insert_defaults(w, id)
        })
        .expect("engagement");
    let mut app = app_on(store, 120, 24);
    press(&mut app, KeyCode::Char('3'));
    insta::assert_snapshot!("empty_providers", render(&app).backend());
    to_view(&mut app, ScoreView::Grid);
    insta::assert_snapshot!("empty_grid", render(&app).backend());
    // Digits in an empty grid, even in score mode, do nothing harmful.
    press(&mut app, KeyCode::Char('i'));
    press(&mut app, KeyCode::Char('4'));
    let n: i64 = app.store.conn().query_row("SELECT count(*) FROM score", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 0);
}

#[test]
fn a_new_engagement_gets_the_catalog_criteria_then_a_column_is_scored_with_digits_alone() {
    let mut app = empty_app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Cloud backup tender");
    press(&mut app, KeyCode::Enter);
    let eid = app.session.current.as_ref().expect("current").id;
    let crits = criteria::list(app.store.conn(), eid).expect("criteria");
    let refs: Vec<&str> = crits.iter().filter_map(|c| c.catalog_ref.as_deref()).collect();
    for must in ["P-5.1.1-a", "P-5.1.1-d", "P-5.1.1-f", "G-5.4.1-1", "G-5.4.1-2"] {
        assert!(refs.contains(&must), "{must} missing from {refs:?}");
    }
    assert!(!refs.contains(&"P-5.1.1"), "the line introducing the list is not itself a criterion");
    assert!(crits.iter().all(|c| c.weight == 3));
    let musts: Vec<&str> = crits.iter().filter(|c| c.must_have).filter_map(|c| c.catalog_ref.as_deref()).collect();
    assert_eq!(musts, ["G-5.4.1-1", "G-5.4.1-2"]);
    let title = |r: &str| crits.iter().find(|c| c.catalog_ref.as_deref() == Some(r)).map(|c| c.text.clone());
    assert_eq!(title("P-5.1.1-d").as_deref(), Some("Financial stability"));

    // Add a provider, then score its whole column from the home row.
    press(&mut app, KeyCode::Char('3'));
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Contoso");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none());
    to_view(&mut app, ScoreView::Grid);
    press(&mut app, KeyCode::Char('i')); // score mode
    let digits: String = (0..crits.len()).map(|i| char::from(b'0' + (i % 6) as u8)).collect();
    keys(&mut app, &digits);
    let pid = providers::list(app.store.conn(), eid).expect("providers")[0].id;
    let stored = scores::list(app.store.conn(), eid).expect("scores");
    assert_eq!(stored.len(), crits.len());
    for (i, c) in crits.iter().enumerate() {
        let s = stored.iter().find(|s| s.provider_id == pid && s.criterion_id == c.id).expect("scored");
        assert_eq!(s.score, (i % 6) as u8, "criterion {i}");
    }
    assert_eq!(app.pane::<ScorecardPane>().cell.row, crits.len() - 1, "stays on the last criterion");
    // Re-scoring a cell changes it in place; Backspace clears it.
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char('5'));
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Backspace);
    let stored = scores::list(app.store.conn(), eid).expect("scores");
    assert_eq!(stored.len(), crits.len() - 1);
    let second_last = crits[crits.len() - 2].id;
    assert!(stored.iter().all(|s| s.criterion_id != second_last), "cleared");
    assert!(app.pane::<ScorecardPane>().ranking[0].unscored == 1);
}

#[test]
fn digits_move_to_the_next_provider_after_the_last_criterion_and_the_grid_scrolls_sideways() {
    let (mut store, eid) = tender_store();
    store
        .write(|w| {
            for i in 0..12 {
                providers::create(w, eid, &[("name", Value::text(format!("Extra {i:02}")))])?;
            }
            Ok(())
        })
        .expect("more providers");
    let mut app = app_on(store, 90, 30);
    press(&mut app, KeyCode::Char('3'));
    to_view(&mut app, ScoreView::Grid);
    let cols = app.pane::<ScorecardPane>().geometry.cols;
    assert!(cols < 16);
    press(&mut app, KeyCode::Enter); // score mode
    keys(&mut app, "33333");
    assert_eq!(
        (app.pane::<ScorecardPane>().cell.col, app.pane::<ScorecardPane>().cell.row),
        (1, 0),
        "to the top of the next column"
    );
    for _ in 0..20 {
        press(&mut app, KeyCode::Char('l'));
    }
    assert_eq!(app.pane::<ScorecardPane>().cell.col, 15);
    assert_eq!(app.pane::<ScorecardPane>().cell.col_offset, 16 - cols);
    let text = screen(&app);
    assert!(text.contains("Extra 11") || text.contains("Extra …"), "{text}");
    assert!(text.contains("◀"), "a mark says columns are hidden on the left");
    keys(&mut app, "4");
    let extra = providers::list(app.store.conn(), eid).expect("list").last().expect("last").id;
    let s: i64 = app
        .store
        .conn()
        .query_row("SELECT score FROM score WHERE provider_id = ?", [extra], |r| r.get(0))
        .expect("scored");
    assert_eq!(s, 4);
}

#[test]
fn selecting_a_provider_asks_why_and_records_who_and_when() {
    let mut app = tender_app(120, 30);
    let contoso = app.pane::<ScorecardPane>().providers[0].id;
    press(&mut app, KeyCode::Char('s'));
    assert!(matches!(app.overlay, Some(Overlay::Form(_))));
    keys(&mut app, "se"); // `s` alone fits shortlisted and selected
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("a reason is required: the form stays open") };
    assert_eq!(form.value_of("status"), Some("selected"));
    assert_eq!(form.fields[form.focus].spec.key, "decision_reason");
    assert!(form.fields[form.focus].error.is_some());
    insta::assert_snapshot!("decision_needs_a_reason", render(&app).backend());
    let p = providers::get(app.store.conn(), contoso).expect("get").expect("row");
    assert_eq!(p.status, "candidate", "nothing saved yet");

    keys(&mut app, "Best total; certificate valid to 2028");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none());
    let p = providers::get(app.store.conn(), contoso).expect("get").expect("row");
    assert_eq!(p.status, "selected");
    assert_eq!(p.decision_reason.as_deref(), Some("Best total; certificate valid to 2028"));
    assert_eq!(p.decided_by.as_deref(), Some("tester"));
    assert_eq!(p.decided_at.as_deref(), Some(NOW));
    assert!(screen(&app).contains("selected by tester on 2026-11-23 09:00"));

    // Rejecting Northwind from the grid's column works the same way.
    to_view(&mut app, ScoreView::Grid);
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('l'));
    press(&mut app, KeyCode::Char('s'));
    keys(&mut app, "r");
    press(&mut app, KeyCode::Tab);
    keys(&mut app, "Certificate expired");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let n = providers::list(app.store.conn(), app.session.current.as_ref().expect("current").id).expect("list");
    let northwind = n.iter().find(|p| p.name == "Northwind").expect("northwind");
    assert_eq!(northwind.status, "rejected");
    assert_eq!(northwind.decided_by.as_deref(), Some("tester"));
}

#[test]
fn weights_and_must_haves_change_from_the_keyboard_and_rerank() {
    let mut app = tender_app(120, 30);
    to_view(&mut app, ScoreView::Criteria);
    press(&mut app, KeyCode::Char('G')); // Local support team, weight 1
    press(&mut app, KeyCode::Char('+'));
    press(&mut app, KeyCode::Char('+'));
    let c = app.pane::<ScorecardPane>().criteria.last().expect("criterion").clone();
    assert_eq!(c.weight, 3);
    assert_eq!(criteria::get(app.store.conn(), c.id).expect("get").expect("row").weight, 3);
    assert_eq!(app.pane::<ScorecardPane>().ranking[0].name, "Fabrikam", "the fragile lead flipped as predicted");
    press(&mut app, KeyCode::Char('m'));
    assert!(criteria::get(app.store.conn(), c.id).expect("get").expect("row").must_have);
    // Weight stays within 0..=10.
    for _ in 0..5 {
        press(&mut app, KeyCode::Char('-'));
    }
    assert_eq!(app.pane::<ScorecardPane>().criteria.last().expect("c").weight, 0);
}

#[test]
fn a_note_goes_on_a_scored_cell() {
    let mut app = tender_app(160, 24);
    to_view(&mut app, ScoreView::Grid);
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Certificate seen, scope page 2");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let note: Option<String> = app
        .store
        .conn()
        .query_row(
            "SELECT note FROM score s JOIN provider p ON p.id = s.provider_id JOIN criterion c ON c.id = s.criterion_id
             WHERE p.name = 'Contoso' AND c.position = 0",
            [],
            |r| r.get(0),
        )
        .expect("note");
    assert_eq!(note.as_deref(), Some("Certificate seen, scope page 2"));
    assert!(screen(&app).contains("5*"), "the cell shows it has a note");
}

#[test]
fn store_round_trip_of_providers_criteria_and_scores() {
    let (mut store, eid) = tender_store();
    let conn_list = |s: &Store| providers::list(s.conn(), eid).expect("list");
    let all = conn_list(&store);
    assert_eq!(all.len(), 4);
    let fab = all[1].clone();
    assert_eq!(fab.name, "Fabrikam");
    assert_eq!(fab.cert_body.as_deref(), Some("DNV"));
    assert_eq!(fab.cert_expiry.as_deref(), Some("2027-01-15"));
    assert!(fab.scope_covers_service && fab.agrees_policies && fab.agrees_audit);
    assert_eq!(fab.focal_point.as_deref(), Some("Li Wei"));
    assert_eq!(fab.status, "candidate");

    // update writes only what changed
    let n = store
        .write(|w| providers::update(w, fab.id, &[("name", Value::text("Fabrikam")), ("agrees_audit", Value::Int(0))]))
        .expect("update");
    assert_eq!(n, 1);
    assert!(!providers::get(store.conn(), fab.id).expect("get").expect("row").agrees_audit);

    // decisions stamp who and when, and going back clears them
    store.write(|w| providers::decide(w, fab.id, "rejected", Some("No audit"))).expect("decide");
    let p = providers::get(store.conn(), fab.id).expect("get").expect("row");
    assert_eq!(
        (p.status.as_str(), p.decided_by.as_deref(), p.decided_at.as_deref()),
        ("rejected", Some("tester"), Some(NOW))
    );
    store.write(|w| providers::decide(w, fab.id, "shortlisted", None)).expect("undo");
    let p = providers::get(store.conn(), fab.id).expect("get").expect("row");
    assert_eq!((p.status.as_str(), p.decided_by, p.decision_reason), ("shortlisted", None, None));

    // criteria: order, weights clamp, must-have
    let crits = criteria::list(store.conn(), eid).expect("criteria");
    assert_eq!(crits.iter().map(|c| c.position).collect::<Vec<_>>(), [0, 1, 2, 3, 4]);
    assert_eq!(crits[0].catalog_ref.as_deref(), Some("G-5.4.1-1"));
    assert_eq!(crits[4].catalog_ref, None);
    store.write(|w| criteria::set_weight(w, crits[4].id, 99)).expect("weight");
    assert_eq!(criteria::get(store.conn(), crits[4].id).expect("get").expect("row").weight, 10);

    // scores: upsert keeps one row per cell and its note
    let before = scores::list(store.conn(), eid).expect("scores").len();
    assert_eq!(before, 19);
    store.write(|w| scores::set_note(w, fab.id, crits[0].id, Some("seen"))).expect("note");
    store.write(|w| scores::set(w, fab.id, crits[0].id, 1)).expect("rescore");
    let cell: Vec<_> = scores::list(store.conn(), eid)
        .expect("scores")
        .into_iter()
        .filter(|s| s.provider_id == fab.id && s.criterion_id == crits[0].id)
        .collect();
    assert_eq!(cell.len(), 1);
    assert_eq!((cell[0].score, cell[0].note.as_deref()), (1, Some("seen")));
    let tailspin = all[3].id;
    assert!(!store.write(|w| scores::set_note(w, tailspin, crits[4].id, Some("x"))).expect("note"), "unscored");
    assert!(store.write(|w| scores::clear(w, fab.id, crits[0].id)).expect("clear"));
    assert!(!store.write(|w| scores::clear(w, fab.id, crits[0].id)).expect("clear again"));

    // every write is audited
    let audited: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM audit_log WHERE table_name = 'score'", [], |r| r.get(0))
        .expect("audit");
    assert!(audited >= 19 + 3);

    // deleting a provider or a criterion takes its scores with it
    store.write(|w| providers::delete(w, fab.id)).expect("delete");
    store.write(|w| criteria::delete(w, crits[2].id)).expect("delete");
    let left = scores::list(store.conn(), eid).expect("scores");
    assert!(left.iter().all(|s| s.provider_id != fab.id && s.criterion_id != crits[2].id));
    assert_eq!(left.len(), 19 - 1 - 4 - 3, "one cleared, Fabrikam's other four, three on the deleted criterion");
}

#[test]
fn default_criteria_are_added_in_the_same_transaction_as_the_engagement() {
    let mut store = Store::open_in_memory("tester").expect("store");
    let failed = store.write(|w| {
        let id = engagements::create(w, &[("name", Value::text("X"))])?;
        criteria::insert_defaults(w, id)?;
        Err::<(), _>(rusqlite::Error::InvalidQuery)
    });
    assert!(failed.is_err());
    let n: i64 = store.conn().query_row("SELECT count(*) FROM criterion", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 0, "nothing kept when the transaction fails");
    assert_eq!(criteria::default_items().len(), 15);
}

fn select_provider_row(app: &mut App, name: &str) -> i64 {
    to_view(app, ScoreView::Providers);
    let i = app.pane::<ScorecardPane>().providers.iter().position(|p| p.name == name).expect("provider");
    app.pane_state::<ScorecardPane>().provider_cursor.select(i);
    app.pane::<ScorecardPane>().providers[i].id
}

fn set_status(app: &mut App, status: &str) {
    for _ in 0..4 {
        match &app.overlay {
            Some(Overlay::Form(f)) if f.value_of("status") == Some(status) => return,
            _ => press(app, KeyCode::Right),
        }
    }
    panic!("status {status} not reached");
}

fn focus(app: &mut App, key: &str) {
    for _ in 0..8 {
        match &app.overlay {
            Some(Overlay::Form(f)) if f.fields[f.focus].spec.key == key => return,
            _ => press(app, KeyCode::Tab),
        }
    }
    panic!("no field {key}");
}

fn form_error(app: &App, key: &str) -> Option<String> {
    match &app.overlay {
        Some(Overlay::Form(f)) => f.fields.iter().find(|x| x.spec.key == key).and_then(|x| x.error.clone()),
        _ => None,
    }
}

#[test]
fn the_provider_panel_shows_every_failed_gate_in_full() {
    // Failed before: the panel looked only at the record and said "record passes every gate" for Tailspin, which
    // fails the must-have on policies and audit.
    let mut app = tender_app(120, 40);
    select_provider_row(&mut app, "Tailspin");
    let s = screen(&app);
    assert!(s.contains("Gates failed 1"), "{s}");
    assert!(s.contains("✗ must-have “Agrees to our policies and to audit” not met"), "{s}");
    assert!(!s.contains("passes every gate"), "{s}");
    select_provider_row(&mut app, "Northwind");
    let s = screen(&app);
    assert!(s.contains("✗ certificate expired 2026-10-01"), "{s}");
    assert!(s.contains("✗ certified scope does not cover the service"), "{s}");
    // At 80 columns a long must-have wraps, and the panel grows to keep every line of it.
    app.update(assay::app::Action::Resize(80, 30)).expect("resize");
    select_provider_row(&mut app, "Tailspin");
    let s = screen(&app);
    assert!(s.contains("Agrees to our policies") && s.contains("audit” not met"), "{s}");
}

#[test]
fn selecting_a_provider_that_fails_a_gate_needs_an_override_and_a_second_asks_keep_or_replace() {
    // Failed before: any provider could be selected with no word about its gates, two could be selected at once,
    // and the reason field came pre-filled with the previous decision's reason.
    let mut app = tender_app(120, 40);
    let e = app.session.current.as_ref().expect("current").id;
    let northwind = select_provider_row(&mut app, "Northwind");
    // An earlier rejection leaves its reason behind.
    app.store.write(|w| providers::decide(w, northwind, "rejected", Some("Certificate expired"))).expect("reject");
    app.update(assay::app::Action::Resize(120, 40)).expect("resize");
    press(&mut app, KeyCode::Char('s'));
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the decision form") };
    assert_eq!(form.value_of("decision_reason"), Some(""), "the reason starts empty");
    assert!(form.intro.iter().any(|l| l.contains("fails 2 gates")), "{:?}", form.intro);
    assert!(form.intro.iter().any(|l| l.contains("certificate expired 2026-10-01")), "{:?}", form.intro);
    set_status(&mut app, "selected");
    focus(&mut app, "decision_reason");
    keys(&mut app, "Only provider with the needed coverage");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(form_error(&app, "gate_override").is_some(), "an override must be explicit");
    let p = providers::get(app.store.conn(), northwind).expect("get").expect("row");
    assert_eq!(p.status, "rejected", "nothing saved yet");
    keys(&mut app, "y");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved: {:?}", app.overlay);
    let p = providers::get(app.store.conn(), northwind).expect("get").expect("row");
    assert_eq!(p.status, "selected");
    let reason = p.decision_reason.expect("reason");
    assert!(reason.starts_with("Gate override (fails: certificate expired 2026-10-01; certified scope"), "{reason}");
    assert!(reason.ends_with("Only provider with the needed coverage"), "{reason}");

    // A second selection asks: replace or keep both.
    let contoso = select_provider_row(&mut app, "Contoso");
    press(&mut app, KeyCode::Char('s'));
    set_status(&mut app, "selected");
    focus(&mut app, "decision_reason");
    keys(&mut app, "Best total");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(form_error(&app, "other_selected").is_some(), "keep or replace must be chosen");
    keys(&mut app, "r");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    let all = providers::list(app.store.conn(), e).expect("list");
    let selected: Vec<i64> = all.iter().filter(|p| p.status == "selected").map(|p| p.id).collect();
    assert_eq!(selected, vec![contoso], "replaced");
    assert_eq!(all.iter().find(|p| p.id == northwind).map(|p| p.status.as_str()), Some("shortlisted"));

    // Keeping both is multi-sourcing, said in the reason.
    let fabrikam = select_provider_row(&mut app, "Fabrikam");
    press(&mut app, KeyCode::Char('s'));
    set_status(&mut app, "selected");
    focus(&mut app, "decision_reason");
    keys(&mut app, "Second source");
    focus(&mut app, "other_selected");
    keys(&mut app, "k");
    press(&mut app, KeyCode::Enter);
    assert!(app.overlay.is_none(), "saved");
    let all = providers::list(app.store.conn(), e).expect("list");
    let mut selected: Vec<i64> = all.iter().filter(|p| p.status == "selected").map(|p| p.id).collect();
    selected.sort_unstable();
    let mut want = vec![contoso, fabrikam];
    want.sort_unstable();
    assert_eq!(selected, want);
    let reason = all.iter().find(|p| p.id == fabrikam).and_then(|p| p.decision_reason.clone()).expect("reason");
    assert_eq!(reason, "Second source (multi-sourcing alongside Contoso)");
}

#[test]
fn digits_switch_tabs_on_the_grid_and_score_only_in_score_mode() {
    // Failed before: on the grid, 5 wrote a score (4 → 5) where everywhere else it opens the Vetting tab.
    let mut app = tender_app(160, 30);
    to_view(&mut app, ScoreView::Grid);
    assert_eq!(app.context(), assay::app::Context::Grid);
    let n =
        |app: &App| -> i64 { app.store.conn().query_row("SELECT count(*) FROM score", [], |r| r.get(0)).expect("n") };
    let before: Vec<(i64, i64, u8)> = scores::list(app.store.conn(), app.session.current.as_ref().expect("e").id)
        .expect("scores")
        .iter()
        .map(|s| (s.provider_id, s.criterion_id, s.score))
        .collect();
    press(&mut app, KeyCode::Char('5'));
    assert_eq!(app.tab, Tab::Vetting, "a digit switches tabs");
    let after: Vec<(i64, i64, u8)> = scores::list(app.store.conn(), app.session.current.as_ref().expect("e").id)
        .expect("scores")
        .iter()
        .map(|s| (s.provider_id, s.criterion_id, s.score))
        .collect();
    assert_eq!(before, after, "no score written");
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.pane::<ScorecardPane>().view, ScoreView::Grid);
    let s = screen(&app);
    assert!(s.contains("i Score mode"), "the status line offers score mode: {s}");

    // Score mode: shown in the title and the status line; digits write; Esc leaves it.
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.context(), assay::app::Context::Scoring);
    let s = screen(&app);
    assert!(s.contains("SCORE MODE"), "{s}");
    assert!(s.contains("Esc Leave score mode"), "{s}");
    let count = n(&app);
    app.pane_state::<ScorecardPane>().cell.row = 4; // Local support team: Contoso scores 3
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tab, Tab::Scorecard);
    let p = app.pane::<ScorecardPane>().providers[0].id;
    let c = app.pane::<ScorecardPane>().criteria[4].id;
    let stored = scores::list(app.store.conn(), app.session.current.as_ref().expect("e").id).expect("scores");
    assert_eq!(stored.iter().find(|s| s.provider_id == p && s.criterion_id == c).map(|s| s.score), Some(1));
    assert_eq!(n(&app), count);
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.context(), assay::app::Context::Grid);
    assert!(!screen(&app).contains("SCORE MODE"));
    press(&mut app, KeyCode::Char('1'));
    assert_eq!(app.tab, Tab::Engagements);
}

#[test]
fn grid_columns_grow_on_a_wide_terminal_so_names_are_read_whole() {
    // Failed before: provider names were cut to 7 characters even at 220 columns with room to spare.
    let mut app = demo_app(220, 50);
    press(&mut app, KeyCode::Char('3'));
    to_view(&mut app, ScoreView::Grid);
    let names: Vec<String> = app.pane::<ScorecardPane>().providers.iter().map(|p| p.name.clone()).collect();
    assert!(names.iter().any(|n| n.chars().count() > 20), "{names:?}");
    let header = screen(&app).lines().nth(2).expect("the grid's header line").to_string();
    for n in &names {
        assert!(header.contains(n.as_str()), "{n} whole in {header}");
    }
    // On a narrower terminal the columns share what room there is, never overflowing it.
    app.update(assay::app::Action::Resize(100, 30)).expect("resize");
    let g = app.pane::<ScorecardPane>().geometry;
    assert!(usize::from(g.col_w) * g.cols <= usize::from(100 - 2 - assay::app::scorecard::GRID_LABEL_W));
    assert!(g.col_w >= assay::app::scorecard::GRID_COL_W);
}

#[test]
fn at_80_columns_score_mode_is_named_whole_in_the_title_and_the_status_line() {
    // Failed before: at 80×24 the title read "SCORE M" and the status line did not name the mode at all.
    let mut app = tender_app(80, 24);
    to_view(&mut app, ScoreView::Grid);
    press(&mut app, KeyCode::Char('i'));
    assert_eq!(app.context(), assay::app::Context::Scoring);
    let s = screen(&app);
    let title = s.lines().nth(1).expect("the grid's title line");
    assert!(title.contains("SCORE MODE: digits write scores, Esc ends"), "{title}");
    let status = s.lines().last().expect("the status line");
    assert!(status.contains("SCORE MODE") && status.contains("? Help"), "{status}");
    press(&mut app, KeyCode::Esc);
    let s = screen(&app);
    assert!(!s.contains("SCORE MODE"), "{s}");
    // Outside score mode, the other views' names give way so that the criteria title is read whole.
    to_view(&mut app, ScoreView::Criteria);
    let title = screen(&app).lines().nth(1).expect("title").to_string();
    assert!(title.contains("[Criteria]") && title.contains("must-have"), "{title}");
}

/// An app on `store` whose keymap moves `action` of `ctx` to `keys`.
fn app_with_keys(store: Store, w: u16, h: u16, remaps: &[(&str, &str, &[&str])]) -> App {
    let mut overrides: std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<String>>> =
        Default::default();
    for (ctx, action, keys) in remaps {
        overrides
            .entry(ctx.to_string())
            .or_default()
            .insert(action.to_string(), keys.iter().map(|k| k.to_string()).collect());
    }
    let mut keymap = assay::app::Keymap::default_map();
    keymap.apply_overrides(&overrides).expect("overrides");
    let mut app = App::new(store, keymap, assay::theme::Theme::plain(), today()).expect("app");
    app.update(assay::app::Action::Resize(w, h)).expect("resize");
    app
}

#[test]
fn the_keys_named_on_the_scorecard_follow_the_keymap() {
    // Failed before: the empty lists, the titles and score mode named a, v, s, i and Esc whatever the keymap said.
    let mut store = Store::open_in_memory("tester").expect("store");
    store.set_fixed_now(Some(NOW));
    store
        .write(|w| engagements::create(w, &[("name", Value::text("Empty tender")), ("phase", Value::text("pre"))]))
        .expect("engagement");
    let mut app = app_with_keys(
        store,
        140,
        30,
        &[
            ("providers", "add", &["N"]),
            ("providers", "next_view", &["ctrl-v"]),
            ("criteria", "add", &["C"]),
            ("grid", "next_view", &["W"]),
        ],
    );
    press(&mut app, KeyCode::Char('3'));
    assert_eq!(app.tab, Tab::Scorecard);
    let s = screen(&app);
    assert!(s.contains("press N to add the first candidate"), "{s}");
    assert!(s.contains("Ctrl-V next view"), "{s}");
    assert!(!s.contains("press a to add") && !s.contains(" v next view"), "{s}");
    press_mod(&mut app, KeyCode::Char('v'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    assert_eq!(app.pane::<ScorecardPane>().view, ScoreView::Criteria);
    let s = screen(&app);
    assert!(s.contains("No criteria — press C to add one"), "{s}");
    assert!(!s.contains("press a to add"), "{s}");
    press_mod(&mut app, KeyCode::Char('v'), ratatui::crossterm::event::KeyModifiers::CONTROL);
    // The criteria view kept its own next-view key (v).
    press(&mut app, KeyCode::Char('v'));
    assert_eq!(app.pane::<ScorecardPane>().view, ScoreView::Grid);
    let s = screen(&app);
    assert!(s.contains("No criteria to score — W to the criteria view, C to add one"), "{s}");
    assert!(!s.contains("— v to the"), "{s}");

    // On a filled grid: the score-mode keys, and the provider's decision key.
    let (store, _) = tender_store();
    let mut app = app_with_keys(
        store,
        140,
        30,
        &[("grid", "start_scoring", &["S"]), ("scoring", "stop_scoring", &["x"]), ("providers", "set_status", &["D"])],
    );
    press(&mut app, KeyCode::Char('3'));
    assert!(screen(&app).contains("no decision yet; D to select or reject"), "{}", screen(&app));
    to_view(&mut app, ScoreView::Grid);
    let s = screen(&app);
    assert!(s.contains("S: score mode") && !s.contains("i: score mode"), "{s}");
    press(&mut app, KeyCode::Char('S'));
    assert_eq!(app.context(), assay::app::Context::Scoring);
    let s = screen(&app);
    assert!(s.contains("SCORE MODE: digits write scores, x ends"), "{s}");
    assert!(!s.contains("Esc ends"), "{s}");
}

#[test]
fn a_failed_write_on_the_scorecard_shows_why_and_keeps_what_was_typed() {
    let mut app = tender_app(140, 30);
    // Every write from now on fails, as on a workspace that cannot be written.
    app.store.conn().execute_batch("PRAGMA query_only = ON;").expect("read-only");

    // A form: the error shows, and the form stays open with the name typed.
    press(&mut app, KeyCode::Char('a'));
    keys(&mut app, "Litware");
    press(&mut app, KeyCode::Enter);
    assert!(!app.should_quit);
    let toast = app.toast.as_ref().expect("a message");
    assert!(toast.error && toast.text.starts_with("Not saved:"), "{}", toast.text);
    let Some(Overlay::Form(form)) = &app.overlay else { panic!("the form stays open: {:?}", app.overlay) };
    assert_eq!(form.value_of("name"), Some("Litware"));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('y'));

    // A score typed in the grid: the error shows, nothing is written, and the workbench carries on.
    app.toast = None;
    to_view(&mut app, ScoreView::Grid);
    press(&mut app, KeyCode::Char('i'));
    let before = scores::list(app.store.conn(), app.session.current.as_ref().expect("e").id).expect("scores");
    press(&mut app, KeyCode::Char('1'));
    assert!(!app.should_quit);
    let toast = app.toast.as_ref().expect("a message");
    assert!(toast.error && toast.text.starts_with("Not saved:"), "{}", toast.text);
    let after = scores::list(app.store.conn(), app.session.current.as_ref().expect("e").id).expect("scores");
    assert_eq!(before.len(), after.len());
    assert!(screen(&app).contains("Not saved:"));
}
