//! Start-up: open the large workspace, check migrations, load the first engagement, draw the first frame.

mod common;

use assay::app::{Action, App, Keymap};
use assay::store::Store;
use assay::ui::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn startup(c: &mut Criterion) {
    let path = common::large_workspace();
    c.bench_function("startup_large_first_frame_160x48", |b| {
        b.iter(|| {
            let store = Store::open(&path, "bench").expect("open");
            let mut app = App::new(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
            app.update(Action::Resize(160, 48)).expect("resize");
            let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
            t.draw(|f| assay::ui::render(&app, f)).expect("draw");
            t
        })
    });
}

criterion_group!(benches, startup);
criterion_main!(benches);
