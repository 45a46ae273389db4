//! `assay schema bundle` prints the JSON Schema of the bundle this build writes; every bundle it writes validates
//! against it, and the faults the import refuses are faults for the schema too.

mod common;

use assay::domain::Value;
use assay::store::Table;
use common::bin::{assay, stdout};
use common::workspace::{demo_store, export_json};

fn schema() -> serde_json::Value {
    let dir = tempfile::tempdir().expect("dir");
    let out = assay(dir.path(), &["schema", "bundle"]);
    assert!(out.status.success());
    serde_json::from_str(&stdout(&out)).expect("the schema is JSON")
}

fn errors(schema: &serde_json::Value, doc: &serde_json::Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).expect("the schema compiles");
    validator.iter_errors(doc).map(|e| format!("{e} at {}", e.instance_path())).take(10).collect()
}

#[test]
fn every_bundle_written_validates_against_the_printed_schema() {
    let schema = schema();
    assert_eq!(schema["properties"]["format_version"]["const"], 2);
    let mut store = demo_store();
    // Rows of every kind, links and nulls included.
    store
        .write(|w| {
            let risk = 1;
            w.insert(
                Table::JournalEntry,
                &[
                    ("engagement_id", Value::Int(1)),
                    ("said_at", Value::text("2026-11-23T09:00:00Z")),
                    ("text", Value::text("The badge log is kept for 90 days.")),
                    ("link_table", Value::text("risk")),
                    ("link_id", Value::Int(risk)),
                ],
            )?;
            w.insert(
                Table::Evidence,
                &[
                    ("engagement_id", Value::Int(1)),
                    ("path", Value::text("photos/register.jpg")),
                    ("sha256", Value::text("ab".repeat(32))),
                    ("size", Value::Int(2048)),
                    ("seen_at", Value::text("2026-11-23T09:00:00Z")),
                ],
            )
        })
        .expect("rows");
    for sensitive in [false, true] {
        let doc: serde_json::Value = serde_json::from_str(&export_json(&store, None, sensitive)).expect("json");
        let found = errors(&schema, &doc);
        assert!(found.is_empty(), "{found:#?}");
        assert!(!doc["engagements"][0]["journal_entries"].as_array().expect("journal").is_empty());
    }
    // Each catalog reference is listed with its citation.
    let refs = schema["$defs"]["catalog_ref"]["oneOf"].as_array().expect("items");
    assert!(refs.len() > 200 && refs.iter().all(|r| r["description"].as_str().is_some_and(|d| !d.is_empty())));
}

#[test]
fn the_faults_an_import_refuses_fail_the_schema() {
    let schema = schema();
    let doc: serde_json::Value = serde_json::from_str(&export_json(&demo_store(), Some(&[1]), false)).expect("json");
    type Spoil = Box<dyn Fn(&mut serde_json::Value)>;
    let spoiled: Vec<(&str, Spoil)> = vec![
        ("a yes/no as 1", Box::new(|v| v["engagements"][0]["providers"][0]["agrees_audit"] = 1.into())),
        ("an id that is no UUID", Box::new(|v| v["engagements"][0]["risks"][0]["id"] = 17.into())),
        ("a ref of another kind", Box::new(|v| v["engagements"][0]["risks"][0]["ref"] = "P-1".into())),
        ("a likelihood of 9", Box::new(|v| v["engagements"][0]["risks"][0]["likelihood"] = 9.into())),
        ("an unknown catalog item", Box::new(|v| v["engagements"][0]["risks"][0]["catalog_ref"] = "X-1".into())),
        ("an unknown column", Box::new(|v| v["engagements"][0]["risks"][0]["colour"] = "red".into())),
        ("format 1", Box::new(|v| v["format_version"] = 1.into())),
        (
            "a missing table",
            Box::new(|v| {
                v["engagements"][0].as_object_mut().expect("engagement").remove("assets");
            }),
        ),
    ];
    for (what, spoil) in spoiled {
        let mut v = doc.clone();
        spoil(&mut v);
        assert!(!errors(&schema, &v).is_empty(), "{what} passed the schema");
    }
}
