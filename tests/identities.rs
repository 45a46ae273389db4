//! Stable identities: every record has a UUID of its own and a short number, a workspace written before they
//! existed converts and verifies clean, a format 1 bundle still imports whole, and two workspaces made apart share
//! no record id.

mod common;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use assay::store::{Store, Table, bundle, ids, verify};
use common::bin::{arg, assay, stderr};
use common::workspace::{assert_clean, count, empty_store};
use strum::IntoEnumIterator;

/// A file of `tests/fixtures/made-by-schema-6.zip` (the small demo and its bundle, as the release before identities
/// wrote them), written into `dir`.
fn fixture(dir: &Path, name: &str) -> PathBuf {
    let file = std::fs::File::open(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/made-by-schema-6.zip"))
        .expect("fixture");
    let mut zip = zip::ZipArchive::new(file).expect("zip");
    let mut entry = zip.by_name(name).expect("entry");
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).expect("read");
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// Each table's row count.
fn counts(conn: &rusqlite::Connection) -> Vec<(String, i64)> {
    Table::iter()
        .map(|t| {
            (t.name().to_string(), conn.query_row(&format!("SELECT count(*) FROM {}", t.name()), [], |r| r.get(0)))
        })
        .map(|(t, n)| (t, n.expect("count")))
        .collect()
}

#[test]
fn a_workspace_made_before_identities_converts_and_verifies_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fixture(dir.path(), "v6-demo-small.db");
    let before = {
        let raw = rusqlite::Connection::open(&path).expect("raw");
        assert_eq!(raw.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).expect("version"), 6);
        counts(&raw)
    };
    let out = assay(dir.path(), &["--db", arg(&path), "upgrade"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let to = format!("from schema 6 to {}", assay::store::migrations::latest_version());
    assert!(stderr(&out).contains(&to), "{}", stderr(&out));
    let mut store = Store::open(&path, "tester").expect("open");
    assert_eq!(store.upgraded_from(), None, "upgraded once");
    // Every row kept; the notes written before the journal existed are its entries now.
    let mut expected = before.clone();
    let notes = expected.iter().find(|(t, _)| *t == "note").map_or(0, |(_, n)| *n);
    for (t, n) in &mut expected {
        match t.as_str() {
            "note" => *n = 0,
            "journal_entry" => *n += notes,
            _ => {}
        }
    }
    assert!(notes > 0, "the fixture has notes");
    assert_eq!(counts(store.conn()), expected, "every row kept");
    // Every row has a UUID of its own; every record of a numbered kind a number, 1 to n within its engagement.
    for t in Table::iter() {
        let n = count(&store, &format!("SELECT count(*) FROM {}", t.name()));
        let distinct = count(&store, &format!("SELECT count(DISTINCT uuid) FROM {} WHERE length(uuid) = 16", t.name()));
        assert_eq!(n, distinct, "{}", t.name());
        if ids::prefix(t).is_some() && n > 0 {
            let eng = if t == Table::Engagement { "0".to_string() } else { "e.id".to_string() };
            let gaps = count(
                &store,
                &format!(
                    "SELECT count(*) FROM engagement e WHERE (SELECT count(*) FROM {t} WHERE {cond}) <> \
                     coalesce((SELECT max(number) FROM {t} WHERE {cond}), 0)",
                    t = t.name(),
                    cond = if t == Table::Engagement {
                        "1".to_string()
                    } else {
                        ids::in_engagement(t).replace("?1", &eng)
                    }
                ),
            );
            assert_eq!(gaps, 0, "{} numbered 1 to n", t.name());
        }
    }
    // Natural keys have the UUIDs derived from their parents, as new rows get them.
    let (score, provider, criterion): (Vec<u8>, Vec<u8>, Vec<u8>) = store
        .conn()
        .query_row(
            "SELECT s.uuid, p.uuid, c.uuid FROM score s JOIN provider p ON p.id = s.provider_id \
             JOIN criterion c ON c.id = s.criterion_id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .expect("a score");
    let parents = [uuid::Uuid::from_slice(&provider).expect("p"), uuid::Uuid::from_slice(&criterion).expect("c")];
    assert_eq!(score, ids::natural(Table::Score, &parents, "").as_bytes());
    // The history written before stays verifiable, and new work follows on with the next numbers.
    assert_clean(&store);
    let risks_in_1 = count(&store, "SELECT max(number) FROM risk WHERE engagement_id = 1");
    let new = store
        .write(|w| {
            w.insert(
                Table::Risk,
                &[("engagement_id", 1.into()), ("title", "After the upgrade".into()), ("likelihood", 2.into())],
            )
        })
        .expect("insert");
    assert_eq!(count(&store, &format!("SELECT number FROM risk WHERE id = {new}")), risks_in_1 + 1);
    assert_clean(&store);
}

#[test]
fn a_workspace_that_cannot_be_converted_is_refused_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = fixture(dir.path(), "v6-demo-small.db");
    {
        let raw = rusqlite::Connection::open(&path).expect("raw");
        // A table of the name the conversion makes, put there by something else.
        raw.execute_batch("CREATE TABLE short_number (x)").expect("plant");
    }
    let bytes = std::fs::read(&path).expect("bytes");
    let out = assay(dir.path(), &["--db", arg(&path), "upgrade"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("short_number"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).expect("bytes"), bytes, "the file is as it was");
}

#[test]
fn a_format_1_bundle_imports_with_every_count() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture(dir.path(), "bundle-v1.json")).expect("bundle");
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["version"], 1);
    let mut store = empty_store();
    let (engagements, _) = bundle::parse(&text).expect("a format 1 bundle reads");
    let done = bundle::restore(&mut store, &engagements, &mut |_, _| {}).expect("imports");
    assert_eq!(done.added, done.rows);
    for spec in bundle::SPECS {
        let want: usize = v["engagements"]
            .as_array()
            .expect("engagements")
            .iter()
            .map(|e| if spec.key == "engagement" { 1 } else { e[spec.key].as_array().map_or(0, Vec::len) })
            .sum();
        assert_eq!(count(&store, &format!("SELECT count(*) FROM {}", spec.table.name())), want as i64, "{}", spec.key);
    }
    // References followed the rows: every score is of a provider and a criterion of its own engagement.
    assert_eq!(
        count(
            &store,
            "SELECT count(*) FROM score s JOIN provider p ON p.id = s.provider_id \
             JOIN criterion c ON c.id = s.criterion_id WHERE p.engagement_id <> c.engagement_id"
        ),
        0
    );
    assert_clean(&store);
    // Written out again it is format 2, and it reads back to the same rows.
    let again = bundle::read(store.conn(), None, true, common::NOW, &mut |_, _| {}).expect("read").to_json();
    let (back, _) = bundle::parse(&again).expect("format 2 reads");
    assert_eq!(back.len(), 3);
}

/// A format 1 bundle names rows by integer id; those ids are the bundle's own and never become the workspace's, even
/// at the very top of the range: importing it twice adds it twice, under new ids that never wrap.
#[test]
fn a_format_1_bundles_ids_at_the_top_never_become_the_workspaces() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = std::fs::read_to_string(fixture(dir.path(), "bundle-v1.json")).expect("bundle");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
    let top = bundle::MAX_ID;
    let e = &mut v["engagements"][0];
    let old = e["engagement"]["id"].clone();
    e["engagement"]["id"] = top.into();
    for (_, rows) in e.as_object_mut().expect("engagement").iter_mut() {
        for r in rows.as_array_mut().into_iter().flatten() {
            if r["engagement_id"] == old {
                r["engagement_id"] = top.into();
            }
        }
    }
    let text = v.to_string();
    let mut store = empty_store();
    for _ in 0..2 {
        let (engagements, _) = bundle::parse(&text).expect("parse");
        bundle::restore(&mut store, &engagements, &mut |_, _| {}).expect("import");
    }
    assert_eq!(count(&store, "SELECT count(*) FROM engagement"), 6);
    assert_eq!(count(&store, "SELECT max(id) FROM engagement"), 6);
    assert_eq!(count(&store, "SELECT count(*) FROM risk WHERE id < 0 OR engagement_id < 0"), 0);
    // Engagement numbers are the workspace's own: the second copy could not keep its numbers, the first did.
    assert_eq!(count(&store, "SELECT count(DISTINCT number) FROM engagement"), 6);
    assert_clean(&store);
}

/// UUIDs of every record of a workspace file.
fn uuids(path: &Path) -> HashSet<Vec<u8>> {
    let raw = rusqlite::Connection::open(path).expect("raw");
    let mut all = HashSet::new();
    // A setting is known by its name, the same in every workspace by design; records are what must differ.
    for t in Table::iter().filter(|t| *t != Table::Setting) {
        let mut stmt = raw.prepare(&format!("SELECT uuid FROM {}", t.name())).expect("prepare");
        let rows = stmt.query_map([], |r| r.get::<_, Vec<u8>>(0)).expect("query");
        for u in rows {
            assert!(all.insert(u.expect("uuid")), "a UUID twice within one workspace");
        }
    }
    all
}

#[test]
fn two_demo_workspaces_made_apart_share_no_record_id() {
    let dir = tempfile::tempdir().expect("tempdir");
    for name in ["a.db", "b.db"] {
        let out = assay(dir.path(), &["demo", "--out", name]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    let (a, b) = (uuids(&dir.path().join("a.db")), uuids(&dir.path().join("b.db")));
    assert!(a.len() > 1000, "{}", a.len());
    assert_eq!(a.len(), b.len());
    assert_eq!(a.intersection(&b).count(), 0, "the two demos share record ids");
    // Each record's short number is the same in both: people see the same R-1 in each.
    let refs = |p: &str| -> Vec<i64> {
        let raw = rusqlite::Connection::open(dir.path().join(p)).expect("raw");
        let mut stmt = raw.prepare("SELECT number FROM risk ORDER BY id").expect("prepare");
        stmt.query_map([], |r| r.get(0)).expect("q").collect::<rusqlite::Result<_>>().expect("numbers")
    };
    assert_eq!(refs("a.db"), refs("b.db"));
}

/// Numbers are never given twice, even when the record that had the highest is deleted or its insert undone.
#[test]
fn a_short_number_is_never_given_again() {
    let mut store = empty_store();
    let e = assay::store::engagements::create_in(&mut store, "E").expect("engagement");
    let add = |store: &mut Store, title: &str| {
        store
            .write(|w| {
                w.insert(Table::Risk, &[("engagement_id", e.into()), ("title", title.into()), ("likelihood", 1.into())])
            })
            .expect("risk")
    };
    let r1 = add(&mut store, "one");
    let r2 = add(&mut store, "two");
    store.write(|w| w.delete(Table::Risk, r2)).expect("delete");
    let r3 = add(&mut store, "three");
    store.undo().expect("undo the insert");
    let r4 = add(&mut store, "four");
    let number = |store: &Store, id: i64| count(store, &format!("SELECT number FROM risk WHERE id = {id}"));
    assert_eq!((number(&store, r1), number(&store, r4)), (1, 4), "R-2 and R-3 stay retired ({r3})");
    // An undone delete brings the record back under its own number.
    store.write(|w| w.delete(Table::Risk, r1)).expect("delete");
    store.undo().expect("undo the delete");
    assert_eq!(count(&store, "SELECT number FROM risk WHERE title = 'one'"), 1);
    assert_clean(&store);
    let report = verify::verify(store.conn()).expect("verify");
    assert!(report.is_clean());
}
