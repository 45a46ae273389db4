//! The score grid with 50 providers × 40 criteria, all scored: one frame into a 160×48 test backend.

#[allow(dead_code)] // only `today` is used here
mod common;

use assay::app::scorecard::ScoreView;
use assay::app::{Action, App, Keymap};
use assay::domain::Value;
use assay::store::{Store, criteria, engagements, providers, scores};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// An in-memory workspace with one engagement of 50 providers and 40 criteria, every cell scored.
fn tender() -> Store {
    let mut store = Store::open_in_memory("bench").expect("store");
    store
        .write(|w| {
            let eid = engagements::create(w, &[("name", Value::text("Large tender"))])?;
            let mut cids = Vec::new();
            for c in 0..40i64 {
                cids.push(criteria::create(
                    w,
                    eid,
                    &[
                        ("text", Value::text(format!("Criterion number {c} of the tender"))),
                        ("weight", Value::Int(c % 11)),
                        ("must_have", Value::from(c % 13 == 0)),
                    ],
                )?);
            }
            for p in 0..50i64 {
                let pid = providers::create(
                    w,
                    eid,
                    &[
                        ("name", Value::text(format!("Provider {p:02} Ltd"))),
                        ("cert_expiry", Value::text(if p % 7 == 0 { "2026-01-01" } else { "2028-01-01" })),
                        ("scope_covers_service", Value::from(p % 5 != 0)),
                        ("agrees_policies", Value::from(true)),
                        ("agrees_audit", Value::from(true)),
                    ],
                )?;
                for (i, &cid) in cids.iter().enumerate() {
                    scores::set(w, pid, cid, ((p as usize * 7 + i * 3) % 6) as u8)?;
                }
            }
            Ok(())
        })
        .expect("tender");
    store
}

fn grid(c: &mut Criterion) {
    let mut app = App::new(tender(), Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab3).expect("tab");
    app.scorecard.view = ScoreView::Grid;
    // Put the cursor in the middle, so that the grid is scrolled both ways.
    for _ in 0..25 {
        app.update(Action::NextColumn).expect("right");
    }
    for _ in 0..20 {
        app.update(Action::NextRow).expect("down");
    }
    assert_eq!(app.scorecard.ranking.len(), 50);
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("scorecard_grid_50x40_160x48", |b| {
        b.iter(|| {
            t.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
}

criterion_group!(benches, grid);
criterion_main!(benches);
