//! Two figures. Listing 1,000 evidence files: one frame of the Overview's evidence list at 160×48, the cursor in
//! the middle, and one keystroke of a find over every file.
//!
//! Attaching a 20 MB evidence file to a workspace on disk, as `assay evidence add` does once the workspace is open:
//! the file checked and opened, hashed and copied into the workspace in chunks, its audited record written, and the
//! transaction committed (WAL, `synchronous=FULL`: on disk when it returns). Each run stores new content (the first
//! bytes change between runs, untimed); the previous copy is deleted and pruned, untimed, so that the workspace
//! does not grow by 20 MB a run.

use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use assay::app::{Action, App, Keymap, OverviewPane};
use assay::store::evidence::{self, Attach};
use assay::store::{Store, Table, engagements};
use assay::theme::Theme;
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const SIZE: usize = 20 * 1024 * 1024;

/// Bytes that do not compress or repeat (xorshift), so nothing along the way can shortcut them.
fn noise(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn attach_bench(c: &mut Criterion) {
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir");
    let path = dir.path().join("w.db");
    let mut store = Store::open(&path, "bench").expect("open");
    let engagement = engagements::create_in(&mut store, "Data-centre hosting").expect("engagement");
    let file = dir.path().join("site-visit-scan.pdf");
    std::fs::write(&file, noise(SIZE)).expect("file");
    let limit = evidence::DEFAULT_MAX_MB * evidence::MB;
    let attach = Attach { engagement, target: None, caption: Some("Scanned visitor register") };
    let mut run = 0u64;
    let mut last: Option<i64> = None;
    let mut group = c.benchmark_group("evidence");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("attach_20mb_file", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                run += 1;
                if let Some(id) = last.take() {
                    store.write(|w| w.delete(Table::Evidence, id)).expect("delete");
                    evidence::prune(store.conn()).expect("prune");
                }
                let mut f = std::fs::OpenOptions::new().write(true).open(&file).expect("open file");
                f.seek(SeekFrom::Start(0)).and_then(|_| f.write_all(&run.to_le_bytes())).expect("new content");
                drop(f);
                let started = Instant::now();
                let mut sources = vec![evidence::open_source(&file, limit).expect("source")];
                let added = evidence::add_files(&mut store, &mut sources, attach, &mut |_, _, _| {}).expect("add");
                total += started.elapsed();
                last = added.first().map(|a| a.id);
            }
            total
        })
    });
    group.finish();
}

const LISTED: usize = 1_000;

/// An engagement with 1,000 evidence files, a third of them attached to a risk, listed on the Overview.
fn app_with_files() -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open_in_memory("bench").expect("store");
    let engagement = engagements::create_in(&mut store, "Data-centre hosting").expect("engagement");
    let risk = store
        .write(|w| {
            w.insert(
                Table::Risk,
                &[
                    ("engagement_id", assay::domain::Value::Int(engagement)),
                    ("title", assay::domain::Value::text("Visitors unescorted")),
                ],
            )
        })
        .expect("risk");
    let limit = evidence::DEFAULT_MAX_MB * evidence::MB;
    for n in 0..LISTED {
        let file = dir.path().join(format!("site-visit-{n:04}.jpg"));
        std::fs::write(&file, format!("photo {n} of the server room, rack {}", n % 40)).expect("file");
        let mut sources = vec![evidence::open_source(&file, limit).expect("source")];
        let caption = format!("Rack {} seen from the cold aisle; cabling labelled", n % 40);
        let to = Attach { engagement, target: (n % 3 == 0).then_some((Table::Risk, risk)), caption: Some(&caption) };
        evidence::add_files(&mut store, &mut sources, to, &mut |_, _, _| {}).expect("add");
    }
    let mut app =
        App::new(store, Keymap::default_map(), Theme::colored(), chrono::Local::now().date_naive()).expect("app");
    app.update(Action::Resize(160, 48)).expect("resize");
    app.update(Action::Tab2).expect("overview");
    app.update(Action::Evidence).expect("evidence");
    for _ in 0..LISTED / 2 {
        app.update(Action::PrevRow).expect("move");
    }
    assert_eq!(app.pane::<OverviewPane>().evidence.as_ref().map(|v| v.items.len()), Some(LISTED));
    app
}

fn list_bench(c: &mut Criterion) {
    let mut app = app_with_files();
    let mut terminal = Terminal::new(TestBackend::new(160, 48)).expect("terminal");
    c.bench_function("evidence_list_frame_1000_files_160x48", |b| {
        b.iter(|| {
            terminal.draw(|f| assay::ui::render(&app, f)).expect("draw");
        })
    });
    app.update(Action::Filter).expect("find");
    for c in "rack".chars() {
        app.update(Action::Char(c)).expect("type");
    }
    c.bench_function("evidence_find_keystroke_1000_files", |b| {
        b.iter(|| {
            app.update(Action::Char('s')).expect("type");
            app.update(Action::Backspace).expect("erase");
        })
    });
}

criterion_group!(benches, list_bench, attach_bench);
criterion_main!(benches);
