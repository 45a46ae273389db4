//! The in-process part of start-up: open the large workspace, check migrations, load the first engagement (what
//! `App::opening` reads: the list of engagements is read after the first frame), draw the first frame into a test
//! backend. It leaves out the process start, the terminal set-up and whatever
//! commands::open_workbench does around these steps, so it is a component figure; what the user waits for is
//! measured by benches/pty/first_frame.py.

mod common;

use assay::app::{Action, App, Keymap};
use assay::store::Store;
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn startup(c: &mut Criterion) {
    let path = common::large_workspace();
    c.bench_function("startup_in_process_large_first_frame_160x48", |b| {
        b.iter(|| {
            let store = Store::open(&path, "bench").expect("open");
            let mut app = App::opening(store, Keymap::default_map(), Theme::colored(), common::today()).expect("app");
            app.update(Action::Resize(160, 48)).expect("resize");
            let mut t = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
            t.draw(|f| assay::ui::render(&app, f)).expect("draw");
            t
        })
    });
}

criterion_group!(benches, startup);
criterion_main!(benches);
