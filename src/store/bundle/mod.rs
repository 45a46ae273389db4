//! The JSON bundle: every column of every row of one engagement (or all of them), written out and read back.
//!
//! Format 2 (written since schema step 7) names every row by its UUID: `id` is the row's UUID, each reference the
//! UUID of the row it names, `ref` the short reference people read ("R-12"), and yes/no columns are `true` or
//! `false`. Format 1 (integer ids, 0 and 1) is still read: its rows get new UUIDs and its references follow.
//!
//! Reading is strict: each row must carry exactly its table's columns, each of the right type, every id given once,
//! and every id a row refers to must be a row of the same engagement of the bundle. A bundle is applied in one
//! transaction through the write path, so the history records each row and a bad file changes nothing. A row whose
//! UUID the workspace already holds is updated (only changed fields, audited) rather than added twice; a row the
//! workspace does not hold is added with its UUID, and with its short number unless that number is taken there.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rusqlite::Connection;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

mod apply;
mod check;
pub mod content;
mod json_schema;

pub use apply::{Imported, restore, restore_with_content};
use check::{by_uuid, check, place};
pub use json_schema::bundle_schema;

use super::Table;
use super::schema::references;
pub use super::schema::{Col, Kind, MAX_ID, SPECS, Spec};
use crate::domain::Value;
use crate::domain::vetting::{CheckKind, is_sensitive};

/// What the `format` field of a bundle says.
pub const FORMAT: &str = "assay-bundle";
/// The bundle layout this build writes.
pub const VERSION: u32 = 2;
/// The oldest bundle layout this build reads.
pub const OLDEST_VERSION: u32 = 1;

thread_local! {
    /// The layout of the bundle being read on this thread (its `version`), for the row readers below: serde's
    /// derived readers give them no other way to learn it.
    static READING: std::cell::Cell<u32> = const { std::cell::Cell::new(VERSION) };
}

fn reading() -> u32 {
    READING.with(std::cell::Cell::get)
}

/// How a column is written in a bundle of `version`: its key and the type of its value. `None` for a column
/// the layout leaves out (format 2 gives a row's UUID as its `id`).
fn column_in(version: u32, spec: &Spec, col: &Col) -> Option<(&'static str, Kind)> {
    if version < 2 {
        return (col.name != "uuid" && col.name != "number").then_some((col.name, col.kind));
    }
    let link_id = super::schema::named_link(spec.table).map(|(_, id)| id);
    Some(match col.name {
        "uuid" => return None,
        "id" => ("id", Kind::Uuid),
        "number" => ("ref", Kind::Text),
        name if references(spec.table).any(|(c, _)| c == name) || Some(name) == link_id => {
            (name, if col.kind.nullable() { Kind::OptUuid } else { Kind::Uuid })
        }
        name => (name, col.kind),
    })
}

/// Reports (done, total) as a long export or import goes.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// One row: its values in the order of its spec's columns.
#[derive(Debug, Clone)]
pub struct Row {
    spec: &'static Spec,
    pub values: Vec<Value>,
    /// What the workbench works out from the row, written beside it for readers of the file (a risk's bands, a
    /// provider's rank, a catalog reference's citation); never read back.
    pub worked_out: Vec<(&'static str, Value)>,
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.spec.table == other.spec.table && self.values == other.values
    }
}

impl Row {
    /// A row of `spec`'s table from its values, in the declaration's column order.
    pub fn new(spec: &'static Spec, values: Vec<Value>) -> Row {
        Row { spec, values, worked_out: Vec::new() }
    }

    pub fn get(&self, col: &str) -> &Value {
        self.spec.cols.iter().position(|c| c.name == col).map_or(&Value::Null, |i| &self.values[i])
    }

    fn set(&mut self, col: &str, v: Value) {
        if let Some(i) = self.spec.cols.iter().position(|c| c.name == col) {
            self.values[i] = v;
        }
    }

    pub fn id(&self) -> i64 {
        self.values.first().and_then(Value::as_i64).unwrap_or_default()
    }

    /// The row's UUID, as text.
    pub fn uuid(&self) -> String {
        self.get("uuid").to_string()
    }

    /// The row's short reference ("R-12"), if its kind is numbered and it has one.
    pub fn short(&self) -> Option<String> {
        self.get("number").as_i64().map(|n| super::ids::short_ref(self.spec.table, n))
    }

    /// The columns of the row that name another row, each with the table it names: the schema's references, and
    /// the named link (a note's target, a journal entry's link) when its table column names a table.
    pub(super) fn targets(&self) -> Vec<(&'static str, Table)> {
        let linked = super::schema::named_link(self.spec.table).and_then(|(t, id)| match self.get(t) {
            Value::Text(t) => t.parse::<Table>().ok().map(|t| (id, t)),
            _ => None,
        });
        references(self.spec.table).chain(linked).collect()
    }

    /// How messages name the row: its short reference, its UUID, or (format 1) its id.
    fn label(&self) -> String {
        match (self.short(), self.get("uuid")) {
            (Some(r), _) => r,
            (None, Value::Text(u)) => format!("id {u}"),
            _ => format!("id {}", self.id()),
        }
    }
}

/// A row as format 2 writes it: references by UUID, yes/no as booleans, the short reference as `ref`.
struct RowOut<'a> {
    row: &'a Row,
    uuids: &'a HashMap<(Table, i64), String>,
}

impl Serialize for RowOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let Row { spec, values, worked_out } = self.row;
        let targets = self.row.targets();
        let mut map = s.serialize_map(Some(values.len()))?;
        for (col, v) in spec.cols.iter().zip(values) {
            let Some((key, kind)) = column_in(VERSION, spec, col) else { continue };
            let target = targets.iter().find(|(c, _)| *c == col.name).map(|(_, t)| *t);
            match (col.name, kind, v) {
                ("id", ..) => map.serialize_entry(key, &self.row.uuid())?,
                ("number", ..) => map.serialize_entry(key, &self.row.short())?,
                (_, Kind::Flag, Value::Int(i)) => map.serialize_entry(key, &(*i != 0))?,
                (_, _, Value::Int(i)) if target.is_some() => {
                    let uuid = target.and_then(|t| self.uuids.get(&(t, *i)));
                    map.serialize_entry(key, &uuid)?
                }
                _ => map.serialize_entry(key, v)?,
            }
        }
        if !worked_out.is_empty() {
            let out: serde_json::Map<String, serde_json::Value> = worked_out
                .iter()
                .map(|(k, v)| ((*k).to_string(), serde_json::to_value(v).unwrap_or_default()))
                .collect();
            map.serialize_entry(WORKED_OUT, &out)?;
        }
        map.end()
    }
}

/// A scalar as read from JSON, with a plain word for what else was found. `true` and `false` read as 1 and 0,
/// marked so that only a yes/no column of format 2 takes them.
struct Scalar(Result<Value, &'static str>, bool);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, a string or null")
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Null), false))
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Null), false))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Int(i64::from(v))), true))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Int(v)), false))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(i64::try_from(v).map(Value::Int).map_err(|_| "a number too large"), false))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Real(v)), false))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::text(v)), false))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Text(v)), false))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Scalar(Err("a list"), false))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(Scalar(Err("an object"), false))
            }
        }
        d.deserialize_any(V)
    }
}

/// Reads one row of `spec`'s table, checking every column as it goes, so that serde_json can say where (line and
/// column) a wrong value or a missing column is.
struct RowVisitor(&'static Spec);

impl<'de> Visitor<'de> for RowVisitor {
    type Value = Row;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} row (an object)", self.0.noun)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Row, A::Error> {
        let spec = self.0;
        let version = reading();
        let layout: Vec<Option<(&str, Kind)>> = spec.cols.iter().map(|c| column_in(version, spec, c)).collect();
        let keys = || layout.iter().flatten().map(|(k, _)| *k).collect::<Vec<_>>().join(", ");
        let mut values: Vec<Option<Value>> = vec![None; spec.cols.len()];
        while let Some(key) = map.next_key::<String>()? {
            if key == WORKED_OUT && version >= 2 {
                // Written for readers; what it says is worked out again from the row.
                map.next_value::<de::IgnoredAny>()?;
                continue;
            }
            let Some(i) = layout.iter().position(|c| c.is_some_and(|(k, _)| k == key)) else {
                return Err(de::Error::custom(format!(
                    "{}: unknown field `{key}` (a {} has: {})",
                    spec.noun,
                    spec.noun,
                    keys()
                )));
            };
            let kind = layout[i].map_or(spec.cols[i].kind, |(_, k)| k);
            if values[i].is_some() {
                return Err(de::Error::custom(format!("{}: field `{key}` is given twice", spec.noun)));
            }
            let Scalar(v, boolean) = map.next_value::<Scalar>()?;
            let flag = kind == Kind::Flag && version >= 2;
            let v = match v {
                Ok(_) if boolean != flag && !(flag && matches!(v, Ok(Value::Null))) => {
                    Err(if boolean { "true or false" } else { "not true or false" })
                }
                v => v,
            };
            let v = v.map_err(|found| {
                de::Error::custom(format!("{}.{key}: expected {}, found {found}", spec.noun, kind.describe()))
            })?;
            kind.check(&v).map_err(|e| de::Error::custom(format!("{}.{key}: {e}", spec.noun)))?;
            let v = match (spec.cols[i].name, &v) {
                // The short reference: the kind's letters and the number.
                ("number", Value::Text(r)) => match super::ids::parse_ref(r) {
                    Some((t, n)) if t == spec.table => Value::Int(n),
                    _ => {
                        let example = super::ids::short_ref(spec.table, 12);
                        return Err(de::Error::custom(format!(
                            "{}.ref: expected a {} reference such as {example}, found \"{r}\"",
                            spec.noun, spec.noun
                        )));
                    }
                },
                _ => v,
            };
            values[i] = Some(v);
        }
        // A column added after the bundle was written takes its default.
        for (i, col) in spec.cols.iter().enumerate() {
            if values[i].is_none()
                && let Some(v) = super::schema::added_later(spec.table, col.name)
            {
                values[i] = Some(v);
            }
        }
        let missing: Vec<&str> = layout
            .iter()
            .zip(&values)
            .filter(|(c, v)| c.is_some() && v.is_none() && !(c.is_some_and(|(k, _)| k == "ref")))
            .filter_map(|(c, _)| c.map(|(k, _)| k))
            .collect();
        if !missing.is_empty() {
            return Err(de::Error::custom(format!("{}: missing field `{}`", spec.noun, missing.join("`, `"))));
        }
        let mut values: Vec<Value> = values.into_iter().map(|v| v.unwrap_or(Value::Null)).collect();
        // Format 2 gives the UUID as `id`: it goes where the row keeps it.
        if version >= 2
            && let (Some(id), Some(u)) =
                (spec.cols.iter().position(|c| c.name == "id"), spec.cols.iter().position(|c| c.name == "uuid"))
        {
            values[u] = std::mem::replace(&mut values[id], Value::Null);
        }
        Ok(Row { spec, values, worked_out: Vec::new() })
    }
}

/// One row of a table, read by its spec.
struct RowSeed(&'static Spec);

impl<'de> DeserializeSeed<'de> for RowSeed {
    type Value = Row;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Row, D::Error> {
        d.deserialize_map(RowVisitor(self.0))
    }
}

/// The rows of a table, read by its spec.
struct RowsSeed(&'static Spec);

impl<'de> DeserializeSeed<'de> for RowsSeed {
    type Value = Vec<Row>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<Row>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed {
    type Value = Vec<Row>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Row>, A::Error> {
        let mut rows = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(row) = seq.next_element_seed(RowSeed(self.0))? {
            rows.push(row);
        }
        Ok(rows)
    }
}

/// The keys of an engagement's object, in [`SPECS`] order.
static KEYS: std::sync::LazyLock<Vec<&'static str>> =
    std::sync::LazyLock::new(|| SPECS.iter().map(|s| s.key).collect());

/// One engagement of a bundle: an object with one key a table (its spec's key), each given once, no other; the
/// engagement itself is one row, every other table a list of rows.
struct EngagementIn(Vec<Vec<Row>>);

impl<'de> Deserialize<'de> for EngagementIn {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = EngagementIn;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("struct EngagementIn")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EngagementIn, A::Error> {
                let mut tables: Vec<Option<Vec<Row>>> = vec![None; SPECS.len()];
                while let Some(key) = map.next_key::<String>()? {
                    let Some(k) = SPECS.iter().position(|s| s.key == key) else {
                        return Err(de::Error::unknown_field(&key, &KEYS));
                    };
                    let spec = SPECS[k];
                    if tables[k].is_some() {
                        return Err(de::Error::duplicate_field(spec.key));
                    }
                    tables[k] = Some(if spec.table == Table::Engagement {
                        vec![map.next_value_seed(RowSeed(spec))?]
                    } else {
                        map.next_value_seed(RowsSeed(spec))?
                    });
                }
                let mut out = Vec::with_capacity(SPECS.len());
                for (spec, rows) in SPECS.iter().zip(tables) {
                    match rows {
                        Some(rows) => out.push(rows),
                        None if super::schema::optional_in_bundle(spec.table) => out.push(Vec::new()),
                        None => return Err(de::Error::missing_field(spec.key)),
                    }
                }
                Ok(EngagementIn(out))
            }
        }
        d.deserialize_map(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BundleIn<'a> {
    format: String,
    /// Format 1 named its version `version`; format 2 names it `format_version`. One of them is given.
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    format_version: Option<u32>,
    #[allow(dead_code)] // read for strictness; an import is stamped with its own time
    exported_at: String,
    #[allow(dead_code)] // the exporting workspace's history head, for `assay verify --head` there
    #[serde(default)]
    history_head: Option<String>,
    sensitive_included: bool,
    /// Named for the reader; an import takes nothing from them.
    #[allow(dead_code)]
    #[serde(default)]
    catalog_sources: Option<serde::de::IgnoredAny>,
    #[allow(dead_code)]
    #[serde(default)]
    catalog_text: Option<serde::de::IgnoredAny>,
    engagements: Vec<EngagementIn>,
    /// The content of the evidence files, when the bundle was written with it.
    #[serde(default, borrow)]
    evidence_content: Vec<content::ContentIn<'a>>,
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
    format_version: Option<u64>,
}

/// One engagement of a bundle, table by table in [`SPECS`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRows {
    pub tables: Vec<Vec<Row>>,
}

impl EngagementRows {
    /// The UUID of each row, by its table and id (rows as read from a workspace).
    fn uuids(&self) -> HashMap<(Table, i64), String> {
        SPECS
            .iter()
            .zip(&self.tables)
            .flat_map(|(s, rows)| rows.iter().map(|r| ((s.table, r.id()), r.uuid())))
            .collect()
    }
}

impl Serialize for EngagementRows {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let uuids = self.uuids();
        let mut map = s.serialize_map(Some(SPECS.len()))?;
        for (spec, rows) in SPECS.iter().zip(&self.tables) {
            if spec.table == Table::Engagement {
                match rows.first() {
                    Some(row) => map.serialize_entry(spec.key, &RowOut { row, uuids: &uuids })?,
                    None => map.serialize_entry(spec.key, &())?,
                }
            } else {
                let out: Vec<RowOut<'_>> = rows.iter().map(|row| RowOut { row, uuids: &uuids }).collect();
                map.serialize_entry(spec.key, &out)?;
            }
        }
        map.end()
    }
}

/// A whole bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bundle {
    pub format: &'static str,
    #[serde(rename = "format_version")]
    pub version: u32,
    pub exported_at: String,
    /// The head of the exporting workspace's history when it was written (`COUNT:HASH`), set by whoever writes the
    /// bundle to a file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_head: Option<String>,
    /// Whether the notes of criminal-record and credit checks are in it.
    pub sensitive_included: bool,
    /// The documents the catalog is built from, with publisher, year and terms: named once per bundle.
    pub catalog_sources: Vec<crate::catalog::sources::Document>,
    /// The catalog's texts of the items the bundle refers to, with their notices; only when asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_text: Option<crate::catalog::sources::CatalogText>,
    pub engagements: Vec<EngagementRows>,
}

impl Bundle {
    pub fn rows(&self) -> usize {
        self.engagements.iter().flat_map(|e| &e.tables).map(Vec::len).sum()
    }

    /// The bundle as pretty JSON; characters a terminal would act on are `\u` escapes, so the file is safe to
    /// print and reads back to the same values.
    pub fn to_json(&self) -> String {
        let mut s = crate::visible::json(&serde_json::to_string_pretty(self).unwrap_or_default()).into_owned();
        s.push('\n');
        s
    }
}

/// The filter selecting one engagement's rows of a table.
fn filter(table: Table) -> &'static str {
    super::ids::in_engagement(table)
}

/// Reads the given engagements (all of them when `None`), every column of every row. Criminal-record and credit
/// checks (their results as well as their notes) are left out unless `include_sensitive`.
pub fn read(
    conn: &Connection,
    engagements: Option<&[i64]>,
    include_sensitive: bool,
    exported_at: &str,
    progress: Progress<'_>,
) -> rusqlite::Result<Bundle> {
    let ids: Vec<i64> = match engagements {
        Some(ids) => ids.to_vec(),
        None => conn
            .prepare("SELECT id FROM engagement ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?,
    };
    let total = ids.len() * SPECS.len();
    let mut out = Vec::with_capacity(ids.len());
    for (n, id) in ids.iter().enumerate() {
        let mut tables = Vec::with_capacity(SPECS.len());
        for (k, spec) in SPECS.iter().enumerate() {
            let cols: Vec<&str> = spec.cols.iter().map(|c| c.name).collect();
            let sql = format!(
                "SELECT {} FROM {} WHERE {} ORDER BY id",
                cols.join(", "),
                spec.table.name(),
                filter(spec.table)
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let mut rows: Vec<Row> = stmt
                .query_map([id], |r| {
                    (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>()
                })?
                .map(|v| v.map(|values| Row { spec, values, worked_out: Vec::new() }))
                .collect::<rusqlite::Result<_>>()?;
            if spec.table == Table::VettingCheck && !include_sensitive {
                // A status cannot be blank, so the whole check stays behind: imported, it reads as not yet done.
                rows.retain(|r| {
                    !matches!(r.get("kind"), Value::Text(kind) if kind.parse::<CheckKind>().is_ok_and(is_sensitive))
                });
            }
            tables.push(rows);
            progress(n * SPECS.len() + k + 1, total);
        }
        if tables[0].is_empty() {
            return Err(rusqlite::Error::QueryReturnedNoRows);
        }
        work_out(conn, *id, exported_at, include_sensitive, &mut tables)?;
        out.push(EngagementRows { tables });
    }
    Ok(Bundle {
        format: FORMAT,
        version: VERSION,
        exported_at: exported_at.to_string(),
        history_head: None,
        sensitive_included: include_sensitive,
        catalog_sources: crate::catalog::sources::DOCUMENTS.to_vec(),
        catalog_text: None,
        engagements: out,
    })
}

/// The key of a row's worked-out values in format 2.
pub const WORKED_OUT: &str = "worked_out";

/// The worked-out values of a table's rows: (the register's sheet, its columns to carry).
const WORKED: &[(Table, &str, &[&str])] = &[
    (Table::Risk, "risks", &["inherent_level", "inherent_band", "residual_band", "acceptance"]),
    (Table::Provider, "providers", &["rank", "total", "passes_gates"]),
];

/// Adds to the rows of one engagement what the workbench works out from them, as its registers show it on the
/// day of the export, and each catalog reference's citation.
fn work_out(
    conn: &Connection,
    engagement: i64,
    exported_at: &str,
    include_sensitive: bool,
    tables: &mut [Vec<Row>],
) -> rusqlite::Result<()> {
    let today = exported_at
        .get(..10)
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive());
    let sheets = super::registers::sheets(conn, engagement, today, include_sensitive)?;
    for (spec, rows) in SPECS.iter().zip(tables.iter_mut()) {
        if let Some((_, sheet, cols)) = WORKED.iter().find(|(t, ..)| *t == spec.table)
            && let Some(sheet) = sheets.iter().find(|s| s.name == *sheet)
        {
            let at: Vec<Option<usize>> = cols.iter().map(|c| sheet.headers.iter().position(|h| h == c)).collect();
            let by_uuid: HashMap<String, &Vec<Value>> =
                sheet.rows.iter().filter_map(|r| Some((r.first()?.to_string(), r))).collect();
            for row in rows.iter_mut() {
                if let Some(cells) = by_uuid.get(&row.uuid()) {
                    for (col, i) in cols.iter().zip(&at) {
                        if let Some(v) = i.and_then(|i| cells.get(i)) {
                            row.worked_out.push((col, v.clone()));
                        }
                    }
                }
            }
        }
        for row in rows.iter_mut() {
            if let Value::Text(r) = row.get("catalog_ref")
                && let Some(item) = crate::catalog::catalog().get(r)
            {
                let citation = Value::Text(item.citation());
                row.worked_out.push(("catalog_citation", citation));
            }
        }
    }
    Ok(())
}

/// Why a bundle was not imported: where, and what is wrong. Nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// Where: "line 12 column 7", or a path such as "engagements[0].risks[3] (id 17), engagement_id".
    pub place: String,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.place.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", self.place, self.message) }
    }
}

impl std::error::Error for ImportError {}

fn at_json(e: &serde_json::Error) -> ImportError {
    // serde_json appends " at line L column C" to its messages; keep the place separately and first.
    let msg = e.to_string();
    let message = match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    let message = if e.is_eof() { format!("the file ends too soon (truncated?): {message}") } else { message };
    ImportError { place: format!("line {} column {}", e.line(), e.column()), message }
}

/// Parses and checks a bundle: its layout, every value, and that every reference points at a row in it.
pub fn parse(text: &str) -> Result<(Vec<EngagementRows>, bool), ImportError> {
    parse_with_content(text).map(|p| (p.engagements, p.sensitive_included))
}

/// A bundle as read: its engagements' rows, whether sensitive notes are in it, and the content of the evidence
/// files it carries (borrowed from its text).
pub struct Parsed<'a> {
    pub engagements: Vec<EngagementRows>,
    pub sensitive_included: bool,
    pub evidence_content: Vec<content::ContentIn<'a>>,
}

/// [`parse`], keeping the content of the evidence files the bundle carries, each checked against its SHA-256 and
/// size and against the evidence records of the bundle.
pub fn parse_with_content(text: &str) -> Result<Parsed<'_>, ImportError> {
    let header: Header = serde_json::from_str(text).map_err(|e| at_json(&e))?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        Some(other) => {
            return Err(ImportError {
                place: "format".into(),
                message: format!("this is not an assay bundle (format \"{other}\", expected \"{FORMAT}\")"),
            });
        }
        None => {
            return Err(ImportError {
                place: "format".into(),
                message: format!("this is not an assay bundle (no \"format\": \"{FORMAT}\")"),
            });
        }
    }
    if header.version.is_some() && header.format_version.is_some() {
        return Err(ImportError {
            place: "format_version".into(),
            message: "the bundle gives both \"version\" and \"format_version\": give one".into(),
        });
    }
    let version = match header.format_version.or(header.version) {
        Some(v) if (u64::from(OLDEST_VERSION)..=u64::from(VERSION)).contains(&v) => v as u32,
        Some(v) => {
            return Err(ImportError {
                place: "version".into(),
                message: format!(
                    "bundle version {v} is not one this assay reads (it reads versions {OLDEST_VERSION} to {VERSION})"
                ),
            });
        }
        None => {
            return Err(ImportError {
                place: "format_version".into(),
                message: "the bundle has no format_version".into(),
            });
        }
    };
    READING.with(|r| r.set(version));
    let bundle = serde_json::from_str::<BundleIn>(text);
    READING.with(|r| r.set(VERSION));
    let bundle = bundle.map_err(|e| at_json(&e))?;
    debug_assert_eq!(bundle.format, FORMAT);
    debug_assert_eq!(bundle.format_version.or(bundle.version), Some(version));
    let mut seen: HashMap<Table, HashSet<i64>> = HashMap::new();
    let engagements: Vec<EngagementRows> = bundle
        .engagements
        .into_iter()
        .enumerate()
        .map(|(e, rows)| by_uuid(e, &EngagementRows { tables: rows.0 }, &mut seen))
        .collect::<Result<_, _>>()?;
    check(&engagements)?;
    let evidence = SPECS.iter().position(|s| s.table == Table::Evidence).unwrap_or(0);
    let named: Vec<String> = engagements
        .iter()
        .flat_map(|e| e.tables.get(evidence).into_iter().flatten())
        .filter_map(|r| match r.get("sha256") {
            Value::Text(s) => Some(s.clone()),
            _ => None,
        })
        .collect();
    content::check(&bundle.evidence_content, &named)?;
    Ok(Parsed { engagements, sensitive_included: bundle.sensitive_included, evidence_content: bundle.evidence_content })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn refused(text: &str) -> String {
        parse(text).map(|_| ()).expect_err("refused").to_string()
    }

    /// An engagement's tables are read by the schema declaration's keys: each once, none unknown, none missing, and
    /// each table a list, with the place of the fault named.
    #[test]
    fn an_engagement_is_read_by_the_declared_tables() {
        let mut store = Store::open_in_memory("t").expect("store");
        crate::store::engagements::create_in(&mut store, "E").expect("engagement");
        let text = read(store.conn(), None, false, "2026-11-30T00:00:00Z", &mut |_, _| {}).expect("read").to_json();
        let (engagements, _) = parse(&text).expect("a bundle as written reads back");
        assert_eq!(engagements[0].tables.len(), SPECS.len());
        assert_eq!(engagements[0].tables[0].len(), 1);

        let unknown = text.replacen("\"role_conflicts\": []", "\"role_conflicts\": [], \"gadgets\": []", 1);
        let e = refused(&unknown);
        assert!(e.contains("unknown field `gadgets`, expected one of `engagement`, `providers`"), "{e}");
        let twice = text.replacen("\"role_conflicts\": []", "\"role_conflicts\": [], \"role_conflicts\": []", 1);
        assert!(refused(&twice).contains("duplicate field `role_conflicts`"));
        // The last table of the object, with the comma before it.
        let at = text.find("\"role_conflicts\": []").expect("key");
        let comma = text[..at].rfind(',').expect("comma");
        let missing = format!("{}{}", &text[..comma], &text[at + "\"role_conflicts\": []".len()..]);
        assert!(refused(&missing).contains("missing field `role_conflicts`"), "{}", refused(&missing));
        let not_a_list = text.replacen("\"role_conflicts\": []", "\"role_conflicts\": {}", 1);
        let e = refused(&not_a_list);
        assert!(e.starts_with("line ") && e.contains("expected a sequence"), "{e}");
    }
}
