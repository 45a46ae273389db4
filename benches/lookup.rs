//! The lookup: one keystroke over the catalog and the records of the largest demo engagement; and drawing the
//! workflow pane.

mod common;

use assay::app::{Action, App, Keymap};
use assay::store::Store;
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> App {
    let store = Store::open(&common::large_workspace(), "bench").expect("open");
    let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app
}

fn lookup(c: &mut Criterion) {
    let mut app = app();
    app.update(Action::Lookup).expect("open lookup");
    for ch in "return of asset".chars() {
        app.update(Action::Char(ch)).expect("type");
    }
    // One keystroke: the last letter of "return of assets" typed into a copy of the open lookup, which is what a
    // keystroke costs (insert the character, rank the catalog and the engagement's records, reset the cursor).
    let Some(assay::app::Overlay::Lookup(open)) = &app.overlay else { panic!("lookup open") };
    let typed = (**open).clone();
    c.bench_function("lookup_keystroke_catalog_plus_engagement_records", |b| {
        b.iter_batched_ref(
            || typed.clone(),
            |l| {
                l.query.insert('s');
                l.refresh();
            },
            criterion::BatchSize::SmallInput,
        )
    });
    // A keystroke matched by nearly everything: the broadest work a letter can cause.
    let mut app = self::app();
    app.update(Action::Lookup).expect("open lookup");
    let Some(assay::app::Overlay::Lookup(open)) = &app.overlay else { panic!("lookup open") };
    let empty = (**open).clone();
    c.bench_function("lookup_first_keystroke_e", |b| {
        b.iter_batched_ref(
            || empty.clone(),
            |l| {
                l.query.insert('e');
                l.refresh();
            },
            criterion::BatchSize::SmallInput,
        )
    });
    // A keystroke at the end of a long question, with synonyms and a phrase to weigh.
    let mut app = self::app();
    app.update(Action::Lookup).expect("open lookup");
    for ch in "what if the vendor goes bus".chars() {
        app.update(Action::Char(ch)).expect("type");
    }
    let Some(assay::app::Overlay::Lookup(open)) = &app.overlay else { panic!("lookup open") };
    let long = (**open).clone();
    c.bench_function("lookup_keystroke_long_question", |b| {
        b.iter_batched_ref(
            || long.clone(),
            |l| {
                l.query.insert('t');
                l.refresh();
            },
            criterion::BatchSize::SmallInput,
        )
    });
    // What the first use of the lookup costs once: the catalog's index, and opening over the largest
    // engagement (reading its records and indexing them).
    c.bench_function("lookup_catalog_index_build", |b| b.iter(assay::catalog::search::build_catalog_index));
    let mut app = self::app();
    c.bench_function("lookup_open_largest_engagement", |b| {
        b.iter(|| {
            app.update(Action::Lookup).expect("open");
            app.update(Action::Cancel).expect("close");
        })
    });
}

fn workflow(c: &mut Criterion) {
    let mut app = app();
    app.update(Action::Tab7).expect("workflow tab");
    let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("render_workflow_160x48", |b| {
        b.iter(|| t.draw(|f| assay::ui::render(&app, f)).map(drop).expect("draw"))
    });
}

criterion_group!(benches, lookup, workflow);
criterion_main!(benches);
