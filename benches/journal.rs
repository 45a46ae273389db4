//! The interview journal with 10,000 entries in one engagement: one frame of the journal listed at 160×48 with the
//! cursor in the middle, and one keystroke of a find over every entry.

#[allow(dead_code)] // the large demo workspace is for the start-up benchmark
mod common;

use assay::app::{Action, App, Keymap, OverviewPane};
use assay::domain::Value;
use assay::store::{Store, Table, engagements, journal};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const ENTRIES: usize = 10_000;

fn app_with_journal() -> App {
    let mut store = Store::open_in_memory("bench").expect("store");
    store
        .write(|w| {
            let e = engagements::create(w, &[("name", Value::text("Long interview"))])?;
            let risk = w.insert(
                Table::Risk,
                &[
                    ("engagement_id", Value::Int(e)),
                    ("title", Value::text("Shared DR site")),
                    ("likelihood", Value::Int(3)),
                ],
            )?;
            for n in 0..ENTRIES {
                let text = format!(
                    "Answer {n}: the provider keeps {} copies of the backups and tests a restore every {} weeks; \
                     the evidence was shown on screen and the operator named the tool they use",
                    n % 5,
                    1 + n % 12
                );
                journal::add(
                    w,
                    e,
                    &journal::NewEntry {
                        said_at: &format!("2026-11-{:02}T{:02}:{:02}:00Z", 1 + n % 28, n % 24, n % 60),
                        text: &text,
                        interviewed: Some(["Kofi Mensah", "Ana Souza", "Tan Wei Ming"][n % 3]),
                        present: Some("Priya Nair"),
                        link: (n % 4 == 0).then_some((Table::Risk, risk)),
                    },
                )?;
            }
            Ok(())
        })
        .expect("journal");
    let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab2).expect("overview");
    app.update(Action::Journal).expect("journal");
    for _ in 0..ENTRIES / 2 {
        app.update(Action::PrevRow).expect("move");
    }
    assert_eq!(app.pane::<OverviewPane>().journal.as_ref().map(|j| j.items.len()), Some(ENTRIES));
    app
}

fn journal_bench(c: &mut Criterion) {
    let mut app = app_with_journal();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("journal_frame_10000_entries_160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    // A find keystroke: the text grows by one letter and every entry is tested again; then the letter goes, so
    // that each iteration types the same.
    app.update(Action::Filter).expect("find");
    for c in "backup".chars() {
        app.update(Action::Char(c)).expect("type");
    }
    c.bench_function("journal_find_keystroke_10000_entries", |b| {
        b.iter(|| {
            app.update(Action::Char('s')).expect("type");
            app.update(Action::Backspace).expect("erase");
        })
    });
}

criterion_group!(benches, journal_bench);
criterion_main!(benches);
