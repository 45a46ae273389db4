//! The JSON bundle: every column of every row of one engagement (or all of them), written out and read back.
//!
//! Reading is strict: each row must carry exactly its table's columns, each of the right type, and every id a row
//! refers to must be in the bundle. A bundle is restored in one transaction through [`Writer::restore`], so the
//! history records each row and a bad file changes nothing. Into an empty workspace the original ids are kept (a
//! second export is then identical but for `exported_at`); into one that already holds engagements, every row gets
//! a new id above the highest in use and references are rewritten to follow.

use std::collections::{HashMap, HashSet};
use std::fmt;

use rusqlite::Connection;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

use super::schema::references;
pub use super::schema::{Col, Kind, MAX_ID, SPECS, Spec};
use super::{Store, Table, Writer};
use crate::domain::fields::{FieldKind, FieldSpec};
use crate::domain::vetting::{CheckKind, is_sensitive};
use crate::domain::{Risk, Value};

/// What the `format` field of a bundle says.
pub const FORMAT: &str = "assay-bundle";
/// The bundle layout this build writes and reads.
pub const VERSION: u32 = 1;

/// Reports (done, total) as a long export or import goes.
pub type Progress<'a> = &'a mut dyn FnMut(usize, usize);

/// One row: its values in the order of its spec's columns.
#[derive(Debug, Clone)]
pub struct Row {
    spec: &'static Spec,
    pub values: Vec<Value>,
}

impl PartialEq for Row {
    fn eq(&self, other: &Row) -> bool {
        self.spec.table == other.spec.table && self.values == other.values
    }
}

impl Row {
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
}

impl Serialize for Row {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (col, v) in self.spec.cols.iter().zip(&self.values) {
            map.serialize_entry(col.name, v)?;
        }
        map.end()
    }
}

/// A scalar as read from JSON, with a plain word for what else was found.
struct Scalar(Result<Value, &'static str>);

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, a string or null")
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Null)))
            }
            fn visit_none<E>(self) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Null)))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar(Err("true or false")))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Int(v))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar(i64::try_from(v).map(Value::Int).map_err(|_| "a number too large")))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Real(v))))
            }
            fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::text(v))))
            }
            fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar(Ok(Value::Text(v))))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<de::IgnoredAny>()?.is_some() {}
                Ok(Scalar(Err("a list")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<de::IgnoredAny, de::IgnoredAny>()?.is_some() {}
                Ok(Scalar(Err("an object")))
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
        let mut values: Vec<Option<Value>> = vec![None; spec.cols.len()];
        while let Some(key) = map.next_key::<String>()? {
            let Some(i) = spec.cols.iter().position(|c| c.name == key) else {
                return Err(de::Error::custom(format!(
                    "{}: unknown field `{key}` (a {} has: {})",
                    spec.noun,
                    spec.noun,
                    spec.cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                )));
            };
            if values[i].is_some() {
                return Err(de::Error::custom(format!("{}: field `{key}` is given twice", spec.noun)));
            }
            let v = map.next_value::<Scalar>()?.0.map_err(|found| {
                de::Error::custom(format!(
                    "{}.{key}: expected {}, found {found}",
                    spec.noun,
                    spec.cols[i].kind.describe()
                ))
            })?;
            spec.cols[i].kind.check(&v).map_err(|e| de::Error::custom(format!("{}.{key}: {e}", spec.noun)))?;
            values[i] = Some(v);
        }
        let missing: Vec<&str> =
            spec.cols.iter().zip(&values).filter(|(_, v)| v.is_none()).map(|(c, _)| c.name).collect();
        if !missing.is_empty() {
            return Err(de::Error::custom(format!("{}: missing field `{}`", spec.noun, missing.join("`, `"))));
        }
        Ok(Row { spec, values: values.into_iter().map(|v| v.unwrap_or(Value::Null)).collect() })
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
struct BundleIn {
    format: String,
    version: u32,
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
}

#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u64>,
}

/// One engagement of a bundle, table by table in [`SPECS`] order.
#[derive(Debug, Clone, PartialEq)]
pub struct EngagementRows {
    pub tables: Vec<Vec<Row>>,
}

impl Serialize for EngagementRows {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(SPECS.len()))?;
        for (spec, rows) in SPECS.iter().zip(&self.tables) {
            if spec.table == Table::Engagement {
                match rows.first() {
                    Some(r) => map.serialize_entry(spec.key, r)?,
                    None => map.serialize_entry(spec.key, &())?,
                }
            } else {
                map.serialize_entry(spec.key, rows)?;
            }
        }
        map.end()
    }
}

/// A whole bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Bundle {
    pub format: &'static str,
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
                .map(|v| v.map(|values| Row { spec, values }))
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
    match header.version {
        Some(v) if v == u64::from(VERSION) => {}
        Some(v) => {
            return Err(ImportError {
                place: "version".into(),
                message: format!("bundle version {v} is not one this assay reads (it reads version {VERSION})"),
            });
        }
        None => return Err(ImportError { place: "version".into(), message: "the bundle has no version".into() }),
    }
    let bundle: BundleIn = serde_json::from_str(text).map_err(|e| at_json(&e))?;
    debug_assert_eq!(bundle.format, FORMAT);
    debug_assert_eq!(bundle.version, VERSION);
    let engagements: Vec<EngagementRows> =
        bundle.engagements.into_iter().map(|e| EngagementRows { tables: e.0 }).collect();
    check(&engagements)?;
    Ok((engagements, bundle.sensitive_included))
}

/// The fields of the forms that edit a table's rows (their keys are the table's columns).
fn form_fields(table: Table) -> Vec<FieldSpec> {
    use crate::domain::assets::{Asset, Grant};
    use crate::domain::vetting::{RoleConflict, TeamMember, VettingCheck};
    use crate::domain::{Criterion, Engagement, Provider};
    let lists: &[&[FieldSpec]] = match table {
        Table::Engagement => &[Engagement::FIELDS],
        Table::Provider => &[Provider::FIELDS],
        Table::Criterion => &[Criterion::FIELDS],
        Table::Risk => &[Risk::FIELDS, Risk::ACCEPTANCE_FIELDS],
        Table::TeamMember => &[TeamMember::FIELDS],
        Table::VettingCheck => &[VettingCheck::FIELDS],
        Table::Asset => &[Asset::FIELDS],
        Table::AccessGrant => &[Grant::FIELDS],
        Table::RoleConflict => &[RoleConflict::FIELDS],
        _ => &[],
    };
    lists.iter().flat_map(|l| l.iter().copied()).collect()
}

fn place(e: usize, spec: &Spec, i: usize, row: &Row, col: &str) -> String {
    if spec.table == Table::Engagement {
        format!("engagements[{e}].engagement (id {}), {col}", row.id())
    } else {
        format!("engagements[{e}].{}[{i}] (id {}), {col}", spec.key, row.id(),)
    }
}

/// Ids unique per table across the bundle; references within the engagement they belong to.
fn check(engagements: &[EngagementRows]) -> Result<(), ImportError> {
    let mut seen: HashMap<Table, HashSet<i64>> = HashMap::new();
    for (e, eng) in engagements.iter().enumerate() {
        for (spec, rows) in SPECS.iter().zip(&eng.tables) {
            let ids = seen.entry(spec.table).or_default();
            for (i, row) in rows.iter().enumerate() {
                if !ids.insert(row.id()) {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "id"),
                        message: format!("duplicate id: another {} has id {}", spec.noun, row.id()),
                    });
                }
            }
        }
    }
    for (e, eng) in engagements.iter().enumerate() {
        let local: HashMap<Table, HashSet<i64>> =
            SPECS.iter().zip(&eng.tables).map(|(s, rows)| (s.table, rows.iter().map(Row::id).collect())).collect();
        let mut pairs: HashSet<(Table, String)> = HashSet::new();
        for (spec, rows) in SPECS.iter().zip(&eng.tables) {
            for (i, row) in rows.iter().enumerate() {
                for (col, target) in references(spec.table) {
                    let Some(id) = row.get(col).as_i64() else { continue };
                    if !local.get(&target).is_some_and(|s| s.contains(&id)) {
                        let what = SPECS.iter().find(|s| s.table == target).map_or("row", |s| s.noun);
                        return Err(ImportError {
                            place: place(e, spec, i, row, col),
                            message: format!("unknown id: no {what} with id {id} in this engagement of the bundle"),
                        });
                    }
                }
                if let Some((table_col, id_col)) = super::schema::named_link(spec.table)
                    && let Value::Text(t) = row.get(table_col)
                {
                    let target = t.parse::<Table>().ok().filter(|t| local.contains_key(t));
                    let Some(target) = target else {
                        return Err(ImportError {
                            place: place(e, spec, i, row, table_col),
                            message: format!("unknown table \"{t}\""),
                        });
                    };
                    if let Some(id) = row.get(id_col).as_i64()
                        && !local.get(&target).is_some_and(|s| s.contains(&id))
                    {
                        return Err(ImportError {
                            place: place(e, spec, i, row, id_col),
                            message: format!("unknown id: no {t} with id {id} in this engagement of the bundle"),
                        });
                    }
                }
                // Text no longer than its form's field takes.
                for f in form_fields(spec.table) {
                    if let (FieldKind::Text { max }, Value::Text(t)) = (f.kind, row.get(f.key))
                        && t.chars().count() > max
                    {
                        return Err(ImportError {
                            place: place(e, spec, i, row, f.key),
                            message: format!("too long: {} characters (at most {max})", t.chars().count()),
                        });
                    }
                }
                // A risk as its form would take it: a residual rating given in full, a review after the acceptance.
                if spec.table == Table::Risk {
                    let values: Vec<(&str, Value)> =
                        spec.cols.iter().map(|c| c.name).zip(row.values.iter().cloned()).collect();
                    if let Err((key, message)) = Risk::check(&values).and_then(|()| Risk::check_acceptance(&values)) {
                        return Err(ImportError { place: place(e, spec, i, row, key), message });
                    }
                }
                // The schema's unique pairs.
                let unique = match spec.table {
                    Table::Score => Some(format!("{}/{}", row.get("provider_id"), row.get("criterion_id"))),
                    Table::VettingCheck => Some(format!("{}/{}", row.get("member_id"), row.get("kind"))),
                    Table::ChecklistItem => Some(row.get("catalog_ref").to_string()),
                    _ => None,
                };
                if let Some(key) = unique
                    && !pairs.insert((spec.table, key))
                {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "id"),
                        message: format!("duplicate {}: the same one is listed twice", spec.noun),
                    });
                }
            }
        }
    }
    Ok(())
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    pub engagements: usize,
    pub rows: usize,
    /// Whether the bundle's own ids were kept (the workspace had no engagement).
    pub kept_ids: bool,
}

/// Restores checked engagements in one transaction. Into an empty workspace the ids are kept; otherwise each row
/// gets a new id and the references follow.
pub fn restore(
    store: &mut Store,
    engagements: &[EngagementRows],
    progress: Progress<'_>,
) -> Result<Imported, ImportError> {
    let sql_err = |e: rusqlite::Error| ImportError { place: String::new(), message: e.to_string() };
    let empty: bool =
        store.conn().query_row("SELECT NOT EXISTS (SELECT 1 FROM engagement)", [], |r| r.get(0)).map_err(sql_err)?;
    // New ids: above the highest in use, in the bundle's order.
    let mut map: HashMap<Table, HashMap<i64, i64>> = HashMap::new();
    if !empty {
        for (k, spec) in SPECS.iter().enumerate() {
            let max: i64 = store
                .conn()
                .query_row(&format!("SELECT coalesce(max(id), 0) FROM {}", spec.table.name()), [], |r| r.get(0))
                .map_err(sql_err)?;
            let m = map.entry(spec.table).or_default();
            let mut next = max;
            for eng in engagements {
                for row in &eng.tables[k] {
                    next = next.checked_add(1).filter(|n| *n <= MAX_ID).ok_or_else(|| ImportError {
                        place: String::new(),
                        message: format!("no ids left for new {} rows (the highest in use is {max})", spec.noun),
                    })?;
                    m.insert(row.id(), next);
                }
            }
        }
    }
    let total: usize = engagements.iter().flat_map(|e| &e.tables).map(Vec::len).sum();
    let mut current = String::new();
    let result = store.write(|w| {
        w.defer_foreign_keys()?;
        let mut done = 0;
        for (e, eng) in engagements.iter().enumerate() {
            for (spec, rows) in SPECS.iter().zip(&eng.tables) {
                for (i, row) in rows.iter().enumerate() {
                    current = place(e, spec, i, row, "").trim_end_matches(", ").to_string();
                    let row = if empty { row.clone() } else { remap(row, &map) };
                    restore_row(w, spec, &row)?;
                    done += 1;
                    if done % 500 == 0 || done == total {
                        progress(done, total);
                    }
                }
            }
        }
        Ok(done)
    });
    match result {
        Ok(rows) => Ok(Imported { engagements: engagements.len(), rows, kept_ids: empty }),
        Err(e) => Err(ImportError { place: current, message: format!("not imported: {e}") }),
    }
}

fn remap(row: &Row, map: &HashMap<Table, HashMap<i64, i64>>) -> Row {
    let mut out = row.clone();
    let new = |t: Table, id: i64| map.get(&t).and_then(|m| m.get(&id)).copied().unwrap_or(id);
    out.set("id", Value::Int(new(row.spec.table, row.id())));
    for (col, target) in references(row.spec.table) {
        if let Some(id) = row.get(col).as_i64() {
            out.set(col, Value::Int(new(target, id)));
        }
    }
    if let Some((table_col, id_col)) = super::schema::named_link(row.spec.table)
        && let (Value::Text(t), Some(id)) = (row.get(table_col), row.get(id_col).as_i64())
        && let Ok(target) = t.parse::<Table>()
    {
        out.set(id_col, Value::Int(new(target, id)));
    }
    out
}

fn restore_row(w: &mut Writer<'_>, spec: &Spec, row: &Row) -> rusqlite::Result<i64> {
    let values: Vec<(&str, Value)> = spec.cols.iter().map(|c| c.name).zip(row.values.iter().cloned()).collect();
    w.restore(spec.table, &values)
}

#[cfg(test)]
mod tests {
    use super::*;

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
