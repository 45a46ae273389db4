//! The Risks tab with 5,000 risks in one engagement: one frame of register, matrix and verdict at 160×48, and the
//! work a view change does (recounting the matrix over the whole register).

#[allow(dead_code)] // the large demo workspace is for the start-up benchmark
mod common;

use assay::app::{Action, App, Keymap, RiskPane};
use assay::domain::Value;
use assay::store::{Store, engagements, risks};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const RISKS: i64 = 5_000;

/// An in-memory workspace with one engagement holding 5,000 varied risks, written through the store.
fn app_with_risks() -> App {
    let mut store = Store::open_in_memory("bench").expect("store");
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Large register"))])?;
            for n in 0..RISKS {
                let treated = n % 3 == 0;
                let values = [
                    ("title", Value::text(format!("Risk {n}: provider control weakness"))),
                    ("likelihood", Value::Int(1 + n % 5)),
                    ("impact_c", Value::Int(n % 6)),
                    ("impact_i", Value::Int((n / 6) % 6)),
                    ("impact_a", Value::Int((n / 36) % 6)),
                    ("treatment", Value::from(["modify", "retain", "avoid", "share"].get((n % 5) as usize).copied())),
                    ("owner", Value::text("Risk owner")),
                    ("due_date", Value::text(format!("2026-{:02}-15", 1 + n % 12))),
                    ("status", Value::text(["open", "in_progress", "done"][(n % 3) as usize])),
                    ("residual_likelihood", Value::from(treated.then_some(1 + n % 2))),
                    ("residual_c", Value::from(treated.then_some(n % 3))),
                    ("residual_i", Value::from(treated.then_some(n % 2))),
                    ("residual_a", Value::from(treated.then_some(0))),
                ];
                risks::create(w, e, None, &values)?;
            }
            Ok(())
        })
        .expect("write risks");
    let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab4).expect("risks tab");
    assert_eq!(app.pane::<RiskPane>().all.len(), RISKS as usize);
    app
}

fn risks(c: &mut Criterion) {
    let mut app = app_with_risks();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("risks_tab_frame_5000_160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    // The same frame scrolled to the middle, with the matrix focused and the residual view.
    for _ in 0..2_500 {
        app.update(Action::NextRow).expect("next");
    }
    app.update(Action::ToggleResidual).expect("residual");
    app.update(Action::FocusMatrix).expect("matrix");
    c.bench_function("risks_tab_frame_5000_160x48_scrolled_residual", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    // A view change recounts the matrix over all 5,000 risks (done in update, not per frame).
    c.bench_function("risks_view_change_5000", |b| {
        b.iter(|| app.update(Action::CycleDimension).expect("cycle"));
    });
}

criterion_group!(benches, risks);
criterion_main!(benches);
