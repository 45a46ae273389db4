//! Shared test harness: an app on a temporary workspace, key presses, and rendering into a test backend; the
//! binary run from a shell ([`bin`]); workspaces and their counts ([`workspace`]).
#![allow(dead_code)]

use assay::app::{Action, App, Keymap};
use assay::store::Store;
use assay::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

pub mod bin;
pub mod workspace;

pub const NOW: &str = "2026-11-23T09:00:00Z";

/// splitmix64: a small generator of kill times and the like, from a seed a failure can be replayed with.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// An app on an empty in-memory workspace, sized `w`×`h`.
pub fn empty_app(w: u16, h: u16) -> App {
    app_on(workspace::empty_store(), w, h)
}

/// An app on the small demo workspace.
pub fn demo_app(w: u16, h: u16) -> App {
    app_on(workspace::demo_store(), w, h)
}

pub fn app_on(store: Store, w: u16, h: u16) -> App {
    let mut app = App::new(store, Keymap::default_map(), Theme::plain(), today()).expect("app");
    // Reports go to the folder assay was started from; a test must not write into the source tree.
    app.reports_dir = std::env::temp_dir().join("assay-test-reports");
    app.update(Action::Resize(w, h)).expect("resize");
    app
}

/// Presses a key as the terminal would deliver it.
pub fn press(app: &mut App, code: KeyCode) {
    press_mod(app, code, KeyModifiers::NONE);
}

pub fn press_mod(app: &mut App, code: KeyCode, mods: KeyModifiers) {
    if let Some(action) = app.action_for_key(KeyEvent::new(code, mods)) {
        assay::tui::dispatch(app, action).expect("update");
    }
}

pub fn keys(app: &mut App, s: &str) {
    for c in s.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// Renders the app into a `w`×`h` test backend.
pub fn render(app: &App) -> Terminal<TestBackend> {
    let (w, h) = app.size;
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| assay::ui::render(app, f)).expect("draw");
    t
}

/// The rendered screen as text, for `contains` checks.
pub fn screen(app: &App) -> String {
    render(app).backend().to_string()
}

/// Waits (up to ten seconds) for the app's long task, if any, to end and show its result.
pub fn finish_work(app: &mut App) {
    let start = std::time::Instant::now();
    while app.work.is_some() && start.elapsed() < std::time::Duration::from_secs(10) {
        app.poll_work();
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    assert!(app.work.is_none(), "the long task ended");
}
