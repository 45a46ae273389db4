//! The Vetting tab with one provider of 2,000 team members: one frame of the checks grid with its warnings at
//! 160×48, at the top and scrolled to the middle; and the member detail of one of them.

#[allow(dead_code)] // the large demo workspace is for the start-up benchmark
mod common;

use assay::app::{Action, App, Keymap, VettingPane};
use assay::domain::Value;
use assay::domain::vetting::CheckKind;
use assay::store::{Store, engagements, providers, vetting};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const MEMBERS: i64 = 2_000;
const ROLES: &[&str] = &["Project manager", "System administrator", "DBA", "Network engineer", "Developer"];

/// An in-memory workspace with one provider whose team has 2,000 members with varied checks, written through the
/// store.
fn app_with_team() -> App {
    let mut store = Store::open_in_memory("bench").expect("store");
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Large team"))])?;
            let p = providers::create(w, e, &[("name", Value::text("Contoso"))])?;
            vetting::create_conflict(w, e, &[("role_a", Value::text("DBA")), ("role_b", Value::text("Developer"))])?;
            let mut previous = None;
            for n in 0..MEMBERS {
                let id = vetting::create_member(
                    w,
                    p,
                    &[
                        ("name", Value::text(format!("Member {n:04}"))),
                        ("role", Value::text(ROLES[(n % 5) as usize])),
                        ("backup_for", Value::from(previous.filter(|_| n % 2 == 1))),
                        ("joined", Value::text("2026-01-15")),
                        ("left_on", Value::from((n % 50 == 0).then_some("2026-06-30"))),
                    ],
                )?;
                previous = Some(id);
                for kind in CheckKind::ALL {
                    let status = ["passed", "passed", "pending", "failed", "waived"][((n + kind as i64) % 5) as usize];
                    vetting::save_check(
                        w,
                        id,
                        kind,
                        &[
                            ("status", Value::text(status)),
                            ("checked_on", Value::text("2026-10-01")),
                            ("verifier", Value::text("Assessor")),
                            ("reference_count", Value::from((kind == CheckKind::References).then_some(n % 4))),
                            ("note", Value::from((status == "waived").then_some("Equivalent screening seen"))),
                        ],
                    )?;
                }
            }
            Ok(())
        })
        .expect("write team");
    let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab5).expect("vetting tab");
    assert_eq!(app.pane::<VettingPane>().rows.len(), MEMBERS as usize);
    app
}

fn vetting_tab(c: &mut Criterion) {
    let mut app = app_with_team();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("vetting_grid_frame_2000_160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    for _ in 0..1_000 {
        app.update(Action::NextRow).expect("next");
    }
    app.update(Action::NextColumn).expect("column");
    c.bench_function("vetting_grid_frame_2000_160x48_scrolled", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    app.update(Action::Detail).expect("detail");
    c.bench_function("vetting_member_detail_frame_2000_160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
}

criterion_group!(benches, vetting_tab);
criterion_main!(benches);
