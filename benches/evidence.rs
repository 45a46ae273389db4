//! Attaching a 20 MB evidence file to a workspace on disk, as `assay evidence add` does once the workspace is open:
//! the file checked and opened, hashed and copied into the workspace in chunks, its audited record written, and the
//! transaction committed (WAL, `synchronous=FULL`: on disk when it returns). Each run stores new content (the first
//! bytes change between runs, untimed); the previous copy is deleted and pruned, untimed, so that the workspace
//! does not grow by 20 MB a run.

use std::io::{Seek, SeekFrom, Write};
use std::time::{Duration, Instant};

use assay::store::evidence::{self, Attach};
use assay::store::{Store, Table, engagements};
use criterion::{Criterion, criterion_group, criterion_main};

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

criterion_group!(benches, attach_bench);
criterion_main!(benches);
