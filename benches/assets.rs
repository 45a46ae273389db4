//! The Assets tab with 50,000 assets in one engagement: a scroll step plus a frame at 160×48, and the cost of a
//! filter change (done in update, over every asset).

#[allow(dead_code)] // the large demo workspace is for the start-up benchmark
mod common;

use assay::app::{Action, App, Keymap};
use assay::domain::Value;
use assay::store::{Store, Table, assets, engagements, providers};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ASSETS: i64 = 50_000;

/// An in-memory workspace with one engagement holding 50,000 varied assets, written through the store in one
/// transaction.
fn app_with_assets() -> App {
    let mut store = Store::open_in_memory("bench").expect("store");
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Large estate"))])?;
            let p = providers::create(w, e, &[("name", Value::text("Provider")), ("status", Value::text("selected"))])?;
            let mut members = Vec::new();
            for m in 0..40 {
                members.push(w.insert(
                    Table::TeamMember,
                    &[("provider_id", Value::Int(p)), ("name", Value::text(format!("Member {m:02}")))],
                )?);
            }
            let kinds = ["device", "media", "document", "data_set", "badge", "key", "account"];
            for n in 0..ASSETS {
                let back = n % 4 == 0;
                let values = [
                    ("tag", Value::text(format!("AST-001-{n:05}"))),
                    ("description", Value::text(format!("Encrypted laptop, series {}", n % 97))),
                    ("kind", Value::text(kinds[(n % 7) as usize])),
                    ("classification", Value::text(["Internal", "Confidential", "Restricted"][(n % 3) as usize])),
                    ("holder_id", Value::from((n % 50 != 0).then(|| members[(n % 40) as usize]))),
                    ("handed_over", Value::text(format!("2026-{:02}-10", 1 + n % 9))),
                    ("accepted_by", Value::text("Provider custodian")),
                    ("expected_return", Value::text(format!("2026-{:02}-20", 1 + n % 12))),
                    ("returned_on", Value::from(back.then_some("2026-10-01"))),
                    ("disposition", Value::from(back.then_some("returned"))),
                    ("verified_by", Value::from(back.then_some("CISO"))),
                ];
                assets::create(w, e, &values)?;
            }
            Ok(())
        })
        .expect("write assets");
    let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab6).expect("assets tab");
    assert_eq!(app.assets.all.len(), ASSETS as usize);
    app
}

fn bench(c: &mut Criterion) {
    let mut app = app_with_assets();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    // One scroll step and the frame it causes; the cursor walks down and wraps to the top at the end.
    c.bench_function("assets_scroll_and_frame_50000_160x48", |b| {
        b.iter(|| {
            if app.assets.cursor.selected + 1 >= app.assets.cursor.len {
                app.update(Action::FirstRow).expect("first");
            } else {
                app.update(Action::NextRow).expect("next");
            }
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    // A page at a time through the middle.
    app.update(Action::FirstRow).expect("first");
    c.bench_function("assets_page_and_frame_50000_160x48", |b| {
        b.iter(|| {
            if app.assets.cursor.selected + app.assets.cursor.height >= app.assets.cursor.len {
                app.update(Action::FirstRow).expect("first");
            } else {
                app.update(Action::PageDown).expect("page");
            }
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    // The quick filter walks all 50,000 states (done in update, once per change, not per frame).
    c.bench_function("assets_quick_filter_change_50000", |b| {
        b.iter(|| app.update(Action::QuickFilter).expect("quick filter"));
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
