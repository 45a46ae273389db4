//! The PDF of the largest engagement of the large demo (the one with the most risks): what `assay report ENG
//! --format pdf` waits for (reading the workspace, building the report, laying it out and writing the PDF), the
//! layout and writing alone, the asset tracking form's PDF, and the HTML report beside them.

mod common;

use assay::report::{self, assets};
use assay::store::{Store, engagements, risks};
use criterion::{Criterion, criterion_group, criterion_main};

fn bench(c: &mut Criterion) {
    let store = Store::open(&common::large_workspace(), "bench").expect("open");
    let conn = store.conn();
    let e = engagements::list(conn)
        .expect("engagements")
        .into_iter()
        .max_by_key(|e| risks::list(conn, e.id).map(|r| r.len()).unwrap_or(0))
        .expect("an engagement");
    let today = common::today();
    let r = report::build(conn, &e, today, "bench", false).expect("report");
    let pdf = report::pdf::report(&r).expect("pdf");
    let form = assets::gather(conn, &e, today, "bench").expect("form");
    let form_pdf = report::pdf::asset_form(&form).expect("form pdf");
    eprintln!(
        "{}: {} risks, {} assets; report PDF {} pages ({} KB), asset form PDF {} pages ({} KB)",
        e.name,
        risks::list(conn, e.id).map(|r| r.len()).unwrap_or(0),
        form.assets.len(),
        pdf.pages,
        pdf.bytes.len() / 1024,
        form_pdf.pages,
        form_pdf.bytes.len() / 1024
    );
    let mut g = c.benchmark_group("report");
    g.sample_size(10);
    g.bench_function("pdf_largest_engagement_from_the_workspace", |b| {
        b.iter(|| {
            let r = report::build(conn, &e, today, "bench", false).expect("report");
            report::pdf::report(&r).expect("pdf").bytes.len()
        })
    });
    g.bench_function("pdf_layout_and_write", |b| b.iter(|| report::pdf::report(&r).expect("pdf").bytes.len()));
    g.bench_function("asset_form_pdf_largest_engagement", |b| {
        b.iter(|| {
            let form = assets::gather(conn, &e, today, "bench").expect("form");
            report::pdf::asset_form(&form).expect("pdf").bytes.len()
        })
    });
    g.bench_function("html_largest_engagement_from_the_workspace", |b| {
        b.iter(|| report::html(&report::build(conn, &e, today, "bench", false).expect("report")).len())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
