//! The JSON Schema (draft 2020-12) of the bundle this build writes, generated from the schema declaration
//! ([`SPECS`]) the bundle itself is written and read by, so the two cannot drift apart. `assay schema bundle`
//! prints it. Each catalog reference lists the catalog's items with their citation and title.

use serde_json::{Map, Value as Json, json};

use super::{Kind, SPECS, Spec, VERSION, column_in};
use crate::store::Table;

/// The schema's `$id`.
pub const ID: &str = "https://assay.invalid/schema/bundle-2.json";

/// The JSON Schema of a bundle of the format this build writes.
pub fn bundle_schema() -> Json {
    let mut defs = Map::new();
    defs.insert(
        "uuid".into(),
        json!({
            "type": "string",
            "pattern": "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$",
            "description": "A record's UUID: the same on every machine, never changed"
        }),
    );
    defs.insert("date".into(), json!({"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}));
    defs.insert("stamp".into(), json!({
        "type": "string",
        "description": "An RFC 3339 time (2026-11-23T09:00:00Z) or a date (YYYY-MM-DD)",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\\.[0-9]+)?)?([Zz]|[+-][0-9]{2}:[0-9]{2}))?$"
    }));
    let items: Vec<Json> = crate::catalog::catalog()
        .items
        .iter()
        .map(|i| json!({"const": i.id, "title": i.title, "description": i.citation()}))
        .collect();
    defs.insert(
        "catalog_ref".into(),
        json!({
            "description": "The id of an item of the built-in catalog: each is listed with its citation and title",
            "oneOf": items
        }),
    );
    let mut engagement = Map::new();
    let mut required = Vec::new();
    for spec in SPECS {
        defs.insert(spec.table.name().into(), row_schema(spec));
        let row = json!({"$ref": format!("#/$defs/{}", spec.table.name())});
        let table = if spec.table == Table::Engagement { row } else { json!({"type": "array", "items": row}) };
        engagement.insert(spec.key.into(), table);
        if !super::super::schema::optional_in_bundle(spec.table) {
            required.push(spec.key);
        }
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": ID,
        "title": "assay bundle, format 2",
        "description": "Every column of every row of one or more engagements of an assay workspace. Rows are named by \
            UUID; references give the UUID of the row they name, always a row of the same engagement.",
        "type": "object",
        "additionalProperties": false,
        "required": ["format", "format_version", "exported_at", "sensitive_included", "catalog_sources", "engagements"],
        "properties": {
            "format": {"const": super::FORMAT},
            "format_version": {"const": VERSION},
            "exported_at": {"$ref": "#/$defs/stamp"},
            "history_head": {
                "type": "string",
                "pattern": "^[0-9]+:[0-9a-f]{64}$",
                "description": "The exporting workspace's history head (COUNT:HASH), for `assay verify --head` there"
            },
            "sensitive_included": {"type": "boolean"},
            "catalog_sources": {"type": "array", "items": {"type": "object"}},
            "catalog_text": {"type": "object"},
            "evidence_content": {
                "description": "The content of the evidence files (`assay export --with-evidence`): each file once, \
                    under the SHA-256 its evidence rows give",
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["sha256", "size", "base64"],
                    "properties": {
                        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                        "size": {"type": "integer", "minimum": 0},
                        "base64": {"type": "string", "contentEncoding": "base64"}
                    }
                }
            },
            "engagements": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": required,
                    "properties": engagement
                }
            }
        },
        "$defs": defs
    })
}

/// One table's row.
fn row_schema(spec: &Spec) -> Json {
    let mut props = Map::new();
    let mut required = Vec::new();
    for col in spec.cols {
        let Some((key, kind)) = column_in(VERSION, spec, col) else { continue };
        let mut p = if key == "ref" {
            let prefix = crate::store::ids::prefix(spec.table).unwrap_or_default();
            json!({
                "type": "string",
                "pattern": format!("^{prefix}-[1-9][0-9]*$"),
                "description": format!("The {}'s short reference, within its engagement; never reused", spec.noun)
            })
        } else {
            kind_schema(kind)
        };
        if key == "id" {
            p = json!({"$ref": "#/$defs/uuid", "description": format!("The {}'s UUID", spec.noun)});
        } else if key != "ref" && crate::store::schema::added_later(spec.table, col.name).is_none() {
            // A column added later may be left out (a bundle written before it): it then takes its default.
            required.push(key);
        }
        if let Some((_, t)) = crate::store::schema::references(spec.table).find(|(c, _)| *c == col.name) {
            p["description"] =
                json!(format!("The UUID of its {}", SPECS.iter().find(|s| s.table == t).map_or("row", |s| s.noun)));
        }
        props.insert(key.into(), p);
    }
    // `ref` may be left out: the importing workspace then gives the next free number.
    let mut worked = Map::new();
    if let Some((_, _, cols)) = super::WORKED.iter().find(|(t, ..)| *t == spec.table) {
        for c in *cols {
            worked.insert((*c).into(), json!({"type": ["string", "number", "integer", "null"]}));
        }
    }
    if spec.cols.iter().any(|c| c.name == "catalog_ref") {
        worked
            .insert("catalog_citation".into(), json!({"type": "string", "description": "Document, section and item"}));
    }
    if !worked.is_empty() {
        props.insert(
            super::WORKED_OUT.into(),
            json!({
                "type": "object",
                "readOnly": true,
                "description": "Worked out by the workbench on the day of the export, for readers of the file; an \
                    import ignores it",
                "additionalProperties": false,
                "properties": worked
            }),
        );
    }
    json!({
        "title": spec.noun,
        "type": "object",
        "additionalProperties": false,
        "required": required,
        "properties": props
    })
}

fn nullable(base: Json, null: bool) -> Json {
    if null { json!({"anyOf": [base, {"type": "null"}]}) } else { base }
}

fn kind_schema(kind: Kind) -> Json {
    let null = kind.nullable();
    let base = match kind {
        Kind::Int | Kind::OptInt => json!({"type": "integer"}),
        Kind::Range(lo, hi) | Kind::OptRange(lo, hi) => json!({"type": "integer", "minimum": lo, "maximum": hi}),
        Kind::Text | Kind::OptText => {
            json!({"type": "string", "maxLength": crate::domain::fields::LONG_TEXT_MAX})
        }
        Kind::Enum(o) | Kind::OptEnum(o) => json!({"enum": o}),
        Kind::OptDate => json!({"$ref": "#/$defs/date"}),
        Kind::Stamp | Kind::OptStamp => json!({"$ref": "#/$defs/stamp"}),
        Kind::CatalogRef | Kind::OptCatalogRef => json!({"$ref": "#/$defs/catalog_ref"}),
        Kind::Uuid | Kind::OptUuid => json!({"$ref": "#/$defs/uuid"}),
        Kind::Flag => json!({"type": "boolean"}),
    };
    nullable(base, null)
}
