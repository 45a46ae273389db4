//! Workspaces for tests, in memory or on disk, empty or holding the small demo, and the counts that show what an
//! operation changed.

use std::path::Path;

use assay::cli::DemoSize;
use assay::commands::demo::{self, Shape};
use assay::store::{Store, Table, bundle, verify};
use strum::IntoEnumIterator;

use super::{NOW, today};

/// An empty in-memory workspace whose clock stands at [`NOW`].
pub fn empty_store() -> Store {
    empty_store_as("tester")
}

/// [`empty_store`] with the given assessor's name on every change.
pub fn empty_store_as(assessor: &str) -> Store {
    let mut store = Store::open_in_memory(assessor).expect("store");
    store.set_fixed_now(Some(NOW));
    store
}

/// The small demo in memory, its clock at [`NOW`].
pub fn demo_store() -> Store {
    demo_store_as("tester")
}

/// [`demo_store`] with the given assessor's name on every change.
pub fn demo_store_as(assessor: &str) -> Store {
    let mut store = empty_store_as(assessor);
    add_demo(&mut store);
    store
}

/// The small demo in the workspace at `path` (created, encrypted with `key` when given), on the real clock.
pub fn demo_at(path: &Path, key: Option<&str>) -> Store {
    let mut store = Store::open_with_key(path, "tester", key).expect("open");
    add_demo(&mut store);
    store
}

/// Adds the small demo's engagements to `store`, dated from [`today`].
pub fn add_demo(store: &mut Store) {
    demo::generate(store, Shape::of(DemoSize::Small), today()).expect("demo");
}

/// The one number a query returns: a count, an id.
pub fn count(store: &Store, sql: &str) -> i64 {
    store.conn().query_row(sql, [], |r| r.get(0)).expect("count")
}

/// The row count of every table the store writes, in the order [`Table`] declares them (engagements first, risks
/// fifth), and the history's length last: what "nothing changed" is checked against.
pub fn fingerprint(store: &Store) -> Vec<i64> {
    Table::iter()
        .map(Table::name)
        .chain(["audit_log"])
        .map(|t| count(store, &format!("SELECT count(*) FROM {t}")))
        .collect()
}

/// Fails the test unless `verify` finds the history accounting for every row.
pub fn assert_clean(store: &Store) {
    let report = verify::verify(store.conn()).expect("verify");
    assert!(report.is_clean(), "{:?}", report.findings.iter().take(5).collect::<Vec<_>>());
}

/// The JSON bundle of `store` (of the engagements `ids`, or all), stamped [`NOW`]; `sensitive` keeps the notes
/// that are left out by default.
pub fn export_json(store: &Store, ids: Option<&[i64]>, sensitive: bool) -> String {
    bundle::read(store.conn(), ids, sensitive, NOW, &mut |_, _| {}).expect("export").to_json()
}

/// Imports a JSON bundle into `store`, as `assay import` does.
pub fn import_json(store: &mut Store, text: &str) -> Result<bundle::Imported, bundle::ImportError> {
    let (engs, _) = bundle::parse(text)?;
    bundle::restore(store, &engs, &mut |_, _| {})
}

/// The names of what a folder holds, sorted: to show that an operation left nothing behind.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> =
        std::fs::read_dir(dir).expect("dir").map(|e| e.expect("entry").file_name().to_string_lossy().into()).collect();
    v.sort();
    v
}

/// Every row `sql` returns, each read by `row` (one column, or a tuple of them).
pub fn rows<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    stmt.query_map([], row).expect("query").collect::<Result<_, _>>().expect("rows")
}

/// Every record a team shares, as sorted JSON lines, the stamp of the last change left out (each laptop stamps
/// what it writes with its own clock): two laptops that merged their work compare equal.
pub fn team_records(store: &Store) -> Vec<String> {
    use assay::store::team as st;
    let conn = store.conn();
    let mut out: Vec<String> = st::all_records(conn)
        .expect("records")
        .into_iter()
        .map(|(t, u)| {
            let mut r = st::export(conn, t, &u).expect("export").expect("present");
            r.remove("updated_at");
            format!("{} {}", t.name(), serde_json::to_string(&r).expect("json"))
        })
        .collect();
    out.sort();
    out
}
