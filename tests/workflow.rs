//! The obligations lookup, the phase workflows and the phase gate, driven by keys and checked in the database.

mod common;

use assay::app::lookup::Hit;
use assay::app::scorecard::ScorecardPane;
use assay::app::{AssetPane, Overlay, RiskPane, Tab, VettingPane};
use assay::catalog::catalog;
use assay::store::checklist;
use assay::store::search::RecordKind;
use common::*;
use ratatui::crossterm::event::{KeyCode, KeyModifiers};

fn open_lookup(app: &mut assay::app::App) {
    press_mod(app, KeyCode::Char('k'), KeyModifiers::CONTROL);
    assert!(matches!(app.overlay, Some(Overlay::Lookup(_))), "Ctrl-K opens the lookup");
}

fn lookup(app: &assay::app::App) -> &assay::app::lookup::Lookup {
    match &app.overlay {
        Some(Overlay::Lookup(l)) => l,
        _ => panic!("lookup not open"),
    }
}

#[test]
fn lookup_popup_empty_typed_and_detail() {
    let mut app = demo_app(120, 36);
    press(&mut app, KeyCode::Char('/'));
    insta::assert_snapshot!("lookup_empty", render(&app).backend());
    keys(&mut app, "return of assets");
    let first = lookup(&app).selected().expect("a match");
    let Hit::Item(i) = first else { panic!("catalog first") };
    assert!(catalog().items[i].title.to_lowercase().contains("return"), "{}", catalog().items[i].title);
    insta::assert_snapshot!("lookup_typed", render(&app).backend());
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("lookup_detail", render(&app).backend());
    let s = screen(&app);
    assert!(s.contains("Annex A") && s.contains(&catalog().items[i].id));
    press(&mut app, KeyCode::Esc);
    assert!(lookup(&app).detail.is_none(), "Esc goes back to the matches");
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none(), "a second Esc closes");
}

#[test]
fn lookup_matches_are_highlighted() {
    let mut app = demo_app(120, 36);
    open_lookup(&mut app);
    keys(&mut app, "background");
    let t = render(&app);
    let buf = t.backend().buffer();
    // The first result line is at y = 5 (popup at 2, border, query, filters); find the highlighted 'B'.
    let row: String = (0..120).map(|x| buf[(x, 5)].symbol().to_string()).collect();
    let x = row.find("Background").expect("first hit shows Background") as u16;
    assert!(buf[(x, 5)].modifier.contains(ratatui::style::Modifier::UNDERLINED), "match highlighted");
}

#[test]
fn lookup_works_without_an_engagement_and_searches_records_with_one() {
    let mut app = empty_app(100, 30);
    open_lookup(&mut app);
    keys(&mut app, "G-5.4.1-3");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("No engagement open"));

    let mut app = demo_app(120, 36);
    let provider: String = app
        .store
        .conn()
        .query_row(
            "SELECT name FROM provider WHERE engagement_id = ? ORDER BY id LIMIT 1",
            [app.session.current.as_ref().expect("current").id],
            |r| r.get(0),
        )
        .expect("provider");
    open_lookup(&mut app);
    keys(&mut app, &provider);
    let l = lookup(&app);
    assert!(
        l.hits.iter().any(|h| matches!(h, Hit::Record(r) if l.records[*r].label == provider)),
        "the engagement's provider {provider} is found"
    );
}

#[test]
fn filters_narrow_by_phase_party_and_topic() {
    let mut app = demo_app(120, 36);
    open_lookup(&mut app);
    let all = lookup(&app).hits.len();
    press(&mut app, KeyCode::F(2)); // phase: pre
    press(&mut app, KeyCode::F(3)); // party: organisation
    let l = lookup(&app);
    assert!(l.hits.len() < all);
    for h in &l.hits {
        let Hit::Item(i) = h else { panic!("records are hidden while filtering") };
        let it = &catalog().items[*i];
        assert_eq!((it.phase, it.party), (assay::catalog::ItemPhase::Pre, assay::catalog::Party::Organisation));
    }
    press(&mut app, KeyCode::F(4)); // topic: the first
    assert!(lookup(&app).hits.iter().all(|h| matches!(h, Hit::Item(i) if catalog().items[*i].topic == "governance")));
    assert!(screen(&app).contains("topic governance"));
}

#[test]
fn lookup_over_a_form_gives_the_form_back() {
    let mut app = demo_app(120, 36);
    press(&mut app, KeyCode::Char('n')); // note form on the overview
    keys(&mut app, "Check clause");
    open_lookup(&mut app);
    keys(&mut app, "exit");
    press(&mut app, KeyCode::Esc);
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("form restored") };
    assert_eq!(f.value_of("text"), Some("Check clause"));
}

#[test]
fn workflow_pane_and_ticking_items() {
    let mut app = demo_app(120, 36);
    press(&mut app, KeyCode::Char('7'));
    assert_eq!(app.tab, Tab::Workflow);
    insta::assert_snapshot!("workflow_phases", render(&app).backend());
    let e = app.session.current.as_ref().expect("current").id;
    let item = app.pane::<assay::app::WorkflowPane>().selected_item().expect("an item is selected, not a heading");
    let id = catalog().items[item].id.clone();
    let before = checklist::row(app.store.conn(), e, &id).expect("row").map(|r| r.status).unwrap_or_default();
    press(&mut app, KeyCode::Char(' '));
    let after = checklist::row(app.store.conn(), e, &id).expect("row").expect("exists");
    if before == assay::domain::workflow::CheckStatus::Done {
        assert_eq!(after.status.as_ref(), "open");
        assert_eq!(after.done_by, None);
    } else {
        assert_eq!(after.status.as_ref(), "done");
        assert_eq!(after.done_by.as_deref(), Some("tester"));
        assert_eq!(after.done_at.as_deref(), Some("2026-11-23"));
    }
    press(&mut app, KeyCode::Char('j'));
    let next = catalog().items[app.pane::<assay::app::WorkflowPane>().selected_item().expect("item")].id.clone();
    press(&mut app, KeyCode::Char('-'));
    assert_eq!(
        checklist::row(app.store.conn(), e, &next).expect("row").expect("exists").status.as_ref(),
        "not_applicable"
    );
    press(&mut app, KeyCode::Char('k')); // the mark moved on: back to the item
    press(&mut app, KeyCode::Char('n'));
    keys(&mut app, "Covered by clause 14.2");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert_eq!(
        checklist::row(app.store.conn(), e, &next).expect("row").expect("exists").note.as_deref(),
        Some("Covered by clause 14.2")
    );
    press(&mut app, KeyCode::Char('v'));
    insta::assert_snapshot!("workflow_agreement", render(&app).backend());
    press(&mut app, KeyCode::Char('h'));
    assert!(app.pane::<assay::app::WorkflowPane>().lines.iter().all(|l| match l {
        assay::app::workflow::Line::Item { status, .. } => !status.is_closed(),
        _ => true,
    }));
}

#[test]
fn ticking_from_the_lookup_detail() {
    let mut app = demo_app(120, 36);
    let e = app.session.current.as_ref().expect("current").id;
    open_lookup(&mut app);
    keys(&mut app, "G-7.1.2-a");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    let row = checklist::row(app.store.conn(), e, "G-7.1.2-a").expect("row").expect("exists");
    assert_eq!(row.status.as_ref(), "done");
    assert!(screen(&app).contains("[x] checklist: done by tester on 2026-11-23"));
}

#[test]
fn a_new_engagement_gets_its_checklists() {
    let mut app = empty_app(100, 30);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Fresh");
    press(&mut app, KeyCode::Enter);
    let e = app.session.current.as_ref().expect("created").id;
    let rows = checklist::rows(app.store.conn(), e).expect("rows");
    let expected = catalog()
        .items
        .iter()
        .filter(|i| i.has_use(assay::catalog::Use::Workflow) || i.has_use(assay::catalog::Use::Agreement))
        .count();
    assert_eq!(rows.len(), expected);
    assert!(rows.values().all(|r| r.status.as_ref() == "open"));
}

#[test]
fn the_phase_gate_lists_open_items_and_records_the_reason() {
    let mut app = demo_app(120, 36);
    let e = app.session.current.clone().expect("current");
    assert_eq!(e.phase.as_ref(), "pre");
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Right); // during
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Form(gate)) = &app.overlay else { panic!("the gate asks for a reason") };
    assert!(gate.intro[0].contains("of Pre-outsourcing"), "{:?}", gate.intro);
    insta::assert_snapshot!("phase_gate", render(&app).backend());
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL); // no reason given
    assert!(matches!(&app.overlay, Some(Overlay::Form(f)) if f.fields[0].error.is_some()), "a reason is required");
    keys(&mut app, "Steering committee accepted; remaining items tracked weekly");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none());
    let now = assay::store::engagements::get(app.store.conn(), e.id).expect("get").expect("exists");
    assert_eq!(now.phase.as_ref(), "during");
    let changes = checklist::phase_changes(app.store.conn(), e.id).expect("changes");
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!((c.from.as_str(), c.to.as_str()), ("pre", "during"));
    assert_eq!(c.reason.as_deref(), Some("Steering committee accepted; remaining items tracked weekly"));
    assert!(c.open_items > 0 && c.open_refs.len() as i64 == c.open_items);
    assert_eq!(c.by, "tester");

    // Going back is not gated by open items, but asks first and records why.
    press(&mut app, KeyCode::Char('p'));
    press(&mut app, KeyCode::Left);
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.overlay, Some(Overlay::Form(_))), "moving back asks first");
    keys(&mut app, "Tender reopened");
    press_mod(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(app.overlay.is_none());
    let changes = checklist::phase_changes(app.store.conn(), e.id).expect("changes");
    assert_eq!((changes[1].to.as_str(), changes[1].reason.as_deref()), ("pre", Some("Tender reopened")));
}

#[test]
fn the_progress_strip_and_the_close_out_count_the_same_post_items() {
    // Failed before: the strip counted only the organisation's and the provider's items, so items for both
    // parties (and the other parties) were in no group of it and it disagreed with the close-out.
    use assay::catalog::{ItemPhase, Party, Use};
    let mut app = demo_app(160, 40);
    let post = |app: &assay::app::App| {
        app.pane::<assay::app::WorkflowPane>()
            .phases
            .iter()
            .find(|(p, _)| *p == ItemPhase::Post)
            .map(|(_, p)| *p)
            .expect("post phase")
    };
    press(&mut app, KeyCode::Char('7')); // the Workflow tab loads when first shown
    let p = post(&app);
    let open = p.total - p.closed;
    press(&mut app, KeyCode::Char('6')); // the Assets tab (and its close-out) loads when first shown
    assert_eq!(open, app.pane::<AssetPane>().blockers.checklist.len(), "one count for the open post items");
    press(&mut app, KeyCode::Char('7'));
    let s = screen(&app);
    assert!(s.contains(&format!("Post {open}/{} open", p.total)), "{s}");

    // Tick an open post item for both parties: both counts drop by one.
    let both = catalog()
        .items
        .iter()
        .position(|i| {
            i.has_use(Use::Workflow)
                && i.phase == ItemPhase::Post
                && i.party == Party::Both
                && app.pane::<AssetPane>().blockers.checklist.iter().any(|o| o.id == i.id)
        })
        .expect("an open post item for both parties");
    let line = app
        .pane::<assay::app::WorkflowPane>()
        .lines
        .iter()
        .position(|l| matches!(l, assay::app::workflow::Line::Item { catalog_idx, .. } if *catalog_idx == both))
        .expect("its line");
    app.pane_state::<assay::app::WorkflowPane>().cursor.select(line);
    press(&mut app, KeyCode::Char(' '));
    let q = post(&app);
    assert_eq!(q.total - q.closed, open - 1);
    // The Assets tab loads when shown: its close-out sees the tick as soon as it is on screen.
    press(&mut app, KeyCode::Char('6'));
    assert_eq!(app.pane::<AssetPane>().blockers.checklist.len(), open - 1, "the close-out sees the tick at once");
    while app.pane::<AssetPane>().view != assay::app::AssetView::CloseOut {
        press(&mut app, KeyCode::Char('v'));
    }
    let s = screen(&app);
    assert!(s.contains(&format!("Post-outsourcing checklist items open: {}", open - 1)), "{s}");
}

#[test]
fn ticking_a_checklist_item_moves_to_the_next_item() {
    // Failed before: the cursor stayed on the item just ticked.
    let mut app = demo_app(120, 36);
    press(&mut app, KeyCode::Char('7'));
    let e = app.session.current.as_ref().expect("current").id;
    // Find an open item followed by another item.
    let open_line = (0..app.pane::<assay::app::WorkflowPane>().lines.len())
        .find(|&l| {
            matches!(app.pane::<assay::app::WorkflowPane>().lines[l], assay::app::workflow::Line::Item { status, .. } if !status.is_closed())
                && matches!(app.pane::<assay::app::WorkflowPane>().lines.get(l + 1), Some(assay::app::workflow::Line::Item { .. }))
        })
        .expect("an open item with a next one");
    app.pane_state::<assay::app::WorkflowPane>().cursor.select(open_line);
    let ticked = app.pane::<assay::app::WorkflowPane>().selected_item().expect("item");
    press(&mut app, KeyCode::Char(' '));
    let id = &catalog().items[ticked].id;
    assert_eq!(checklist::row(app.store.conn(), e, id).expect("row").expect("exists").status.as_ref(), "done");
    assert_eq!(app.pane::<assay::app::WorkflowPane>().cursor.selected, open_line + 1, "on to the next item");
    // Un-ticking (Space on a done item) stays put, so a mistake is undone where it was made.
    press(&mut app, KeyCode::Char('k'));
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(app.pane::<assay::app::WorkflowPane>().cursor.selected, open_line);
}

#[test]
fn lookup_detail_explains_the_match_and_shows_the_crosswalk() {
    let mut app = demo_app(120, 40);
    open_lookup(&mut app);
    keys(&mut app, "P-5.3.7-b.10");
    let l = lookup(&app);
    let ids: Vec<&str> = l
        .hits
        .iter()
        .take(3)
        .filter_map(|h| match h {
            Hit::Item(i) => Some(catalog().items[*i].id.as_str()),
            Hit::Record(_) => None,
        })
        .collect();
    assert_eq!(ids.first(), Some(&"P-5.3.7-b.10"));
    assert!(ids.contains(&"G-5.5-c.1") && ids.contains(&"G-5.5.1-3"), "counterparts come along: {ids:?}");
    press(&mut app, KeyCode::Enter);
    let s = screen(&app);
    assert!(s.contains("Matched: id P-5.3.7-b.10"), "{s}");
    assert!(s.contains("See also") && s.contains("G-5.5-c.1") && s.contains("G-5.5.1-3"), "{s}");

    // A synonym is named as such in the detail.
    press(&mut app, KeyCode::Esc);
    press_mod(&mut app, KeyCode::Char('u'), KeyModifiers::CONTROL);
    keys(&mut app, "vendor goes bust");
    press(&mut app, KeyCode::Enter);
    assert!(screen(&app).contains("(synonym of "), "{}", screen(&app));
}

#[test]
fn enter_on_a_record_hit_shows_it_selected_on_its_tab() {
    let mut app = demo_app(120, 40);
    let e = app.session.current.as_ref().expect("current").id;
    let conn = app.store.conn();
    let one = |sql: &str| -> (i64, String) { conn.query_row(sql, [e], |r| Ok((r.get(0)?, r.get(1)?))).expect(sql) };
    let risk = one("SELECT id, title FROM risk WHERE engagement_id = ? ORDER BY id DESC LIMIT 1");
    let asset = one("SELECT id, tag FROM asset WHERE engagement_id = ? ORDER BY id DESC LIMIT 1");
    let member = one("SELECT m.id, m.name FROM team_member m JOIN provider p ON p.id = m.provider_id
         WHERE p.engagement_id = ? ORDER BY p.id DESC, m.id DESC LIMIT 1");
    let provider = one("SELECT id, name FROM provider WHERE engagement_id = ? ORDER BY id DESC LIMIT 1");

    let go = |app: &mut assay::app::App, kind: RecordKind, text: &str, id: i64| {
        open_lookup(app);
        keys(app, text);
        let l = lookup(app);
        let at = l
            .hits
            .iter()
            .position(|h| matches!(h, Hit::Record(r) if l.records[*r].kind == kind && l.records[*r].id == id))
            .unwrap_or_else(|| panic!("{text} found"));
        for _ in 0..at {
            press(app, KeyCode::Down);
        }
        press(app, KeyCode::Enter);
        assert!(app.overlay.is_none(), "the lookup closes");
    };
    go(&mut app, RecordKind::Risk, &risk.1, risk.0);
    assert_eq!(app.tab, Tab::Risks);
    assert_eq!(app.pane::<RiskPane>().selected().map(|(r, _)| r.id), Some(risk.0));
    go(&mut app, RecordKind::Asset, &asset.1, asset.0);
    assert_eq!(app.tab, Tab::Assets);
    assert_eq!(app.pane::<AssetPane>().selected().map(|(a, _)| a.id), Some(asset.0));
    go(&mut app, RecordKind::Member, &member.1, member.0);
    assert_eq!(app.tab, Tab::Vetting);
    assert_eq!(app.pane::<VettingPane>().selected().map(|r| r.member.id), Some(member.0));
    go(&mut app, RecordKind::Provider, &provider.1, provider.0);
    assert_eq!(app.tab, Tab::Scorecard);
    assert_eq!(app.pane::<ScorecardPane>().selected_provider().map(|p| p.id), Some(provider.0));
}

#[test]
fn ticking_a_clause_ticks_the_same_obligation_elsewhere_once() {
    let mut app = empty_app(120, 40);
    press(&mut app, KeyCode::Enter);
    keys(&mut app, "Fresh");
    press(&mut app, KeyCode::Enter);
    let e = app.session.current.as_ref().expect("created").id;
    let status = |app: &assay::app::App, id: &str| {
        checklist::row(app.store.conn(), e, id).expect("row").map(|r| r.status.as_ref().to_string())
    };
    // The right to audit is in the policy's clause list and twice in the guideline's agreement section.
    let counterparts: Vec<String> = catalog()
        .get("P-5.3.7-b.10")
        .expect("item")
        .see_also
        .iter()
        .filter(|id| status(&app, id).is_some())
        .cloned()
        .collect();
    assert!(!counterparts.is_empty(), "the right to audit has checklist counterparts");
    open_lookup(&mut app);
    keys(&mut app, "P-5.3.7-b.10");
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(status(&app, "P-5.3.7-b.10").as_deref(), Some("done"));
    for id in &counterparts {
        assert_eq!(status(&app, id).as_deref(), Some("done"), "{id} ticked with it");
    }
    // Opening it again reopens the counterparts that were ticked with it.
    press(&mut app, KeyCode::Char(' '));
    for id in counterparts.iter().chain(std::iter::once(&"P-5.3.7-b.10".to_string())) {
        assert_eq!(status(&app, id).as_deref(), Some("open"), "{id}");
    }
}
