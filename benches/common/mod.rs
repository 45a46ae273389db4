//! The large demo workspace, generated once per benchmark run by the same code as `assay demo --size large`.

use std::path::PathBuf;

use assay::cli::DemoSize;
use assay::commands::demo::{self, Shape};
use assay::store::Store;

pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// A large demo workspace on disk; kept under target/ between runs so it is generated only once.
pub fn large_workspace() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let path = dir.join(format!("bench-large-v{}.db", assay::store::migrations::latest_version()));
    if !path.exists() {
        let tmp = dir.join("bench-large.tmp.db");
        let _ = std::fs::remove_file(&tmp);
        let mut store = Store::open(&tmp, "bench").expect("open");
        demo::generate(&mut store, Shape::of(DemoSize::Large), today()).expect("generate");
        store.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").expect("checkpoint");
        drop(store);
        std::fs::rename(&tmp, &path).expect("rename");
    }
    path
}
