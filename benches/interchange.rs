//! Reports and interchange on the largest engagement of the large demo workspace: the management report (Markdown
//! and HTML), the JSON bundle export, the XLSX workbook, and its import back with the dry-run diff. Targets: report,
//! JSON and XLSX export under 200 ms each, XLSX import (read, diff, apply) under 500 ms.

mod common;

use assay::commands::report::resolve;
use assay::interchange;
use assay::report::{build, html, markdown};
use assay::store::{Store, bundle, registers};
use criterion::{Criterion, criterion_group, criterion_main};

fn interchange(c: &mut Criterion) {
    let path = common::large_workspace();
    let store = Store::open(&path, "bench").expect("open");
    // The largest engagement: the one with the most rows (they are all the same shape; take the first such).
    let id: i64 = store
        .conn()
        .query_row(
            "SELECT e.id FROM engagement e ORDER BY (SELECT count(*) FROM asset a WHERE a.engagement_id = e.id) DESC,
             e.id LIMIT 1",
            [],
            |r| r.get(0),
        )
        .expect("engagement");
    let e = resolve(store.conn(), &id.to_string()).expect("resolve");
    let today = common::today();
    let mut g = c.benchmark_group("interchange");
    g.sample_size(20);
    g.bench_function("report_markdown", |b| {
        b.iter(|| markdown(&build(store.conn(), &e, today, "bench", false).expect("report")).len())
    });
    g.bench_function("report_html", |b| {
        b.iter(|| html(&build(store.conn(), &e, today, "bench", false).expect("report")).len())
    });
    g.bench_function("export_json", |b| {
        b.iter(|| {
            bundle::read(store.conn(), Some(&[id]), false, "2026-11-23T00:00:00Z", &mut |_, _| {})
                .expect("bundle")
                .to_json()
                .len()
        })
    });
    g.bench_function("export_xlsx", |b| {
        b.iter(|| {
            let sheets = registers::sheets(store.conn(), id, today, false).expect("sheets");
            interchange::xlsx_bytes(&sheets, &mut |_, _| {}).expect("xlsx").len()
        })
    });
    // Import of the whole workbook: reading every sheet, the dry-run diff against the workspace, and applying it
    // (the file is the engagement's own export, so the plan is worked out in full and writes nothing).
    let dir = tempfile::tempdir().expect("dir");
    let book = dir.path().join("large.xlsx");
    let sheets = registers::sheets(store.conn(), id, today, true).expect("sheets");
    std::fs::write(&book, interchange::xlsx_bytes(&sheets, &mut |_, _| {}).expect("xlsx")).expect("write");
    let mut store = store;
    g.bench_function("import_xlsx_with_dry_run", |b| {
        b.iter(|| {
            let tables = interchange::read_xlsx(&book).expect("read");
            let list: Vec<(registers::Register, &registers::Table2, &str)> =
                tables.iter().map(|(r, t, s)| (*r, t, s.as_str())).collect();
            let plan = registers::plan(store.conn(), id, &list, today, registers::Options::default()).expect("plan");
            let preview = plan.preview().len();
            let done = registers::apply(&mut store, id, &plan, today, &mut |_, _| {}).expect("apply");
            (preview, done.unchanged)
        })
    });
    g.finish();
}

criterion_group!(benches, interchange);
criterion_main!(benches);
