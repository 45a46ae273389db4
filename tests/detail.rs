//! Enter on a risk reads it whole, read only: ratings, treatment, acceptance and how many changes its history
//! holds; `e` edits it, `H` shows its history, Esc closes it. Nothing is written by reading.

mod common;

use assay::app::{Context, Overlay, RiskPane};
use common::workspace::fingerprint;
use common::*;
use ratatui::crossterm::event::KeyCode;

#[test]
fn enter_on_a_risk_reads_it_whole_and_e_edits_it() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('4'));
    let (id, number, title, owner) = app
        .pane::<RiskPane>()
        .selected()
        .map(|(r, _)| (r.id, r.number, r.title.clone(), r.owner.clone().unwrap_or_default()))
        .expect("a risk");
    let before = fingerprint(&app.store);
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.context(), Context::Detail);
    let Some(Overlay::Detail(d)) = &app.overlay else { panic!("the risk is shown") };
    assert_eq!(d.record, Some((assay::store::Table::Risk, id)));
    let labels: Vec<&str> = d.lines.iter().map(|(l, _)| l.as_str()).collect();
    for wanted in ["Title", "Inherent", "Residual", "Stands now", "Treatment", "Plan", "Owner", "Due", "Acceptance"] {
        assert!(labels.contains(&wanted), "{wanted} in {labels:?}");
    }
    // What identifies it comes first: the reference to quote and the full UUID.
    let uuid = assay::store::ids::of(app.store.conn(), assay::store::Table::Risk, id).expect("read").expect("uuid");
    assert_eq!(d.lines[0], ("Reference".to_string(), format!("R-{number}")));
    assert_eq!(d.lines[1], ("UUID".to_string(), uuid.to_string()));
    let screen = screen(&app);
    assert!(screen.contains(&format!("Risk R-{number} — {title}")), "{screen}");
    assert!(screen.contains(&uuid.to_string()), "the whole UUID is shown: {screen}");
    assert!(screen.contains(&owner));
    assert!(screen.contains("likelihood"), "the rating is spelled out");
    assert_eq!(fingerprint(&app.store), before, "reading writes nothing");

    // H: its history; e: its form (the same risk).
    press(&mut app, KeyCode::Char('H'));
    assert!(matches!(app.overlay, Some(Overlay::History(_))));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Enter);
    press(&mut app, KeyCode::Char('e'));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("e edits") };
    assert_eq!(f.value_of("title"), Some(title.as_str()));
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());

    // Esc closes the view; scrolling never runs past its end.
    press(&mut app, KeyCode::Enter);
    for _ in 0..200 {
        press(&mut app, KeyCode::Char('j'));
    }
    let Some(Overlay::Detail(d)) = &app.overlay else { panic!("still shown") };
    assert!(d.scroll < d.wrapped(98).len());
    press(&mut app, KeyCode::Esc);
    assert!(app.overlay.is_none());
}

#[test]
fn a_risk_read_whole() {
    let mut app = demo_app(100, 30);
    press(&mut app, KeyCode::Char('4'));
    press(&mut app, KeyCode::Enter);
    insta::assert_snapshot!(render(&app).backend());
}

#[test]
fn enter_on_a_provider_reads_its_certificate_ranking_and_decision() {
    let mut app = demo_app(120, 40);
    press(&mut app, KeyCode::Char('3'));
    for _ in 0..3 {
        if app.context() == Context::Providers {
            break;
        }
        press(&mut app, KeyCode::Char('v'));
    }
    assert_eq!(app.context(), Context::Providers);
    let before = fingerprint(&app.store);
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Detail(d)) = &app.overlay else { panic!("the provider is shown") };
    assert!(d.title.starts_with("Provider P-"), "{}", d.title);
    let value = |label: &str| d.lines.iter().find(|(l, _)| l == label).map(|(_, v)| v.clone()).expect(label);
    assert!(value("Ranking").starts_with('#'), "{}", value("Ranking"));
    assert_ne!(value("Gates"), "—", "the gates are stated: passed, or which fail");
    assert!(["yes", "no"].contains(&value("Accepts audit").as_str()));
    assert!(d.title.starts_with(&format!("Provider {} — ", value("Reference"))), "{}", d.title);
    assert!(uuid::Uuid::parse_str(&value("UUID")).is_ok(), "{}", value("UUID"));
    assert!(screen(&app).contains("Covers the service"));
    assert_eq!(fingerprint(&app.store), before, "reading writes nothing");
    let name = d.title.split_once(" — ").map(|(_, n)| n.to_string()).expect("a name");
    press(&mut app, KeyCode::Char('e'));
    let Some(Overlay::Form(f)) = &app.overlay else { panic!("e edits the provider") };
    assert_eq!(f.value_of("name"), Some(name.as_str()));
}

/// A record read whole lists the files kept as evidence about it, each with its reference, size and SHA-256.
#[test]
fn a_risk_read_whole_lists_its_evidence() {
    let dir = tempfile::tempdir().expect("dir");
    let mut app = demo_app(160, 48);
    press(&mut app, KeyCode::Char('4'));
    let id = app.pane::<RiskPane>().selected().map(|(r, _)| r.id).expect("a risk");
    let engagement: i64 = app
        .store
        .conn()
        .query_row("SELECT engagement_id FROM risk WHERE id = ?1", [id], |r| r.get(0))
        .expect("engagement");
    let file = dir.path().join("door-log.pdf");
    std::fs::write(&file, b"who opened the door").expect("file");
    let mut src = assay::store::evidence::open_source(&file, 1 << 20).expect("source");
    let to =
        assay::store::evidence::Attach { engagement, target: Some((assay::store::Table::Risk, id)), caption: None };
    assay::store::evidence::add_files(&mut app.store, std::slice::from_mut(&mut src), to, &mut |_, _, _| {})
        .expect("add");
    let sha: String = app.store.conn().query_row("SELECT sha256 FROM evidence", [], |r| r.get(0)).expect("sha");
    press(&mut app, KeyCode::Enter);
    let Some(Overlay::Detail(d)) = &app.overlay else { panic!("the risk is shown") };
    let line = d.lines.iter().find(|(l, _)| l == "Evidence").expect("an Evidence line");
    assert_eq!(line.1, format!("F-1 door-log.pdf (19 bytes), SHA-256 {sha}"));
}
