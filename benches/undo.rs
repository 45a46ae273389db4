//! Undo on the large demo workspace, on disk as the user has it (each undo is a committed, synced transaction):
//! undoing one change, and undoing the delete of the largest engagement (everything in it comes back).

mod common;

use std::time::{Duration, Instant};

use assay::domain::Value;
use assay::store::{Store, Table, engagements};
use criterion::{Criterion, criterion_group, criterion_main};

/// A private copy of the large demo workspace, opened.
fn large_copy(dir: &std::path::Path) -> Store {
    let path = dir.join("w.db");
    std::fs::copy(common::large_workspace(), &path).expect("copy");
    let mut store = Store::open(&path, "bench").expect("open");
    store.start_undo_session();
    store
}

fn undo(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = large_copy(dir.path());
    let risk: i64 = store.conn().query_row("SELECT min(id) FROM risk", [], |r| r.get(0)).expect("a risk");
    let mut group = c.benchmark_group("undo");
    group.sample_size(20).warm_up_time(Duration::from_millis(500)).measurement_time(Duration::from_secs(3));
    let mut n = 0;
    group.bench_function("undo_one_change_large_demo", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                n += 1;
                store
                    .write(|w| w.update(Table::Risk, risk, &[("title", Value::text(format!("Edited {n}")))]))
                    .expect("change");
                let t = Instant::now();
                store.undo().expect("undo").expect("undone");
                total += t.elapsed();
            }
            total
        })
    });

    // The engagement with the most assets, deleted (not timed) and brought back (timed).
    let largest: i64 = store
        .conn()
        .query_row("SELECT engagement_id FROM asset GROUP BY engagement_id ORDER BY count(*) DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .expect("an engagement");
    group.sample_size(10).measurement_time(Duration::from_secs(20));
    group.bench_function("undo_delete_of_largest_engagement_large_demo", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                store.write(|w| engagements::delete(w, largest)).expect("delete");
                let t = Instant::now();
                store.undo().expect("undo").expect("undone");
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, undo);
criterion_main!(benches);
