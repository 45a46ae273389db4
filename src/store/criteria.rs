//! Selection criteria of an engagement: the catalog's defaults and the assessor's own, with weights.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Table, Writer};
use crate::catalog::{self, Use};
use crate::domain::provider::{DEFAULT_MUST_HAVES, DEFAULT_WEIGHT};
use crate::domain::scorecard::MAX_WEIGHT;
use crate::domain::{Criterion, Value};

const COLUMNS: &str = "id, engagement_id, catalog_ref, text, weight, must_have, position, number";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Criterion> {
    Ok(Criterion {
        id: r.get(0)?,
        number: super::refs::number(r, 7)?,
        engagement_id: r.get(1)?,
        catalog_ref: r.get(2)?,
        text: r.get(3)?,
        weight: u32::try_from(r.get::<_, i64>(4)?).unwrap_or(0),
        must_have: r.get::<_, i64>(5)? != 0,
        position: r.get(6)?,
    })
}

/// The criteria of an engagement, in their listed order.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Criterion>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM criterion WHERE engagement_id = ? ORDER BY position, id"))?;
    stmt.query_map([engagement], from_row)?.collect()
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Criterion>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM criterion WHERE id = ?"), [id], from_row).optional()
}

/// Adds a criterion at the end of the list from values keyed as in [`Criterion::FIELDS`] (plus, optionally,
/// `catalog_ref`).
pub fn create(w: &mut Writer<'_>, engagement: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    let position: i64 = w.tx().query_row(
        "SELECT coalesce(max(position), -1) + 1 FROM criterion WHERE engagement_id = ?",
        [engagement],
        |r| r.get(0),
    )?;
    let mut all: Vec<(&str, Value)> =
        vec![("engagement_id", Value::Int(engagement)), ("position", Value::Int(position))];
    all.extend(values.iter().cloned());
    w.insert(Table::Criterion, &all)
}

pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::Criterion, id, values)
}

/// Sets a criterion's weight, held within `0..=MAX_WEIGHT`.
pub fn set_weight(w: &mut Writer<'_>, id: i64, weight: u32) -> rusqlite::Result<usize> {
    w.update(Table::Criterion, id, &[("weight", Value::Int(i64::from(weight.min(MAX_WEIGHT))))])
}

pub fn set_must_have(w: &mut Writer<'_>, id: i64, must_have: bool) -> rusqlite::Result<usize> {
    w.update(Table::Criterion, id, &[("must_have", Value::from(must_have))])
}

/// Deletes a criterion and, by cascade, its scores.
pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::Criterion, id)
}

/// The catalog items a new engagement starts with as criteria: those the catalog marks for use as criteria,
/// less the lines that only introduce a list of sub-items (their sub-items are the criteria).
pub fn default_items() -> Vec<&'static catalog::Item> {
    let all: Vec<&catalog::Item> = catalog::catalog().with_use(Use::Criterion).collect();
    let introduces = |id: &str| {
        all.iter()
            .any(|o| o.id.len() > id.len() && o.id.starts_with(id) && matches!(o.id.as_bytes()[id.len()], b'-' | b'.'))
    };
    all.iter().copied().filter(|i| !introduces(&i.id)).collect()
}

/// Gives a new engagement the catalog's selection criteria (weight 3; the ISMS certificate and the agreement to
/// policies and audit as must-haves). Runs in the caller's transaction. Returns how many were added.
pub fn insert_defaults(w: &mut Writer<'_>, engagement: i64) -> rusqlite::Result<usize> {
    let items = default_items();
    for (pos, item) in items.iter().enumerate() {
        w.insert(
            Table::Criterion,
            &[
                ("engagement_id", Value::Int(engagement)),
                ("catalog_ref", Value::text(&item.id)),
                ("text", Value::text(&item.title)),
                ("weight", Value::Int(i64::from(DEFAULT_WEIGHT))),
                ("must_have", Value::from(DEFAULT_MUST_HAVES.contains(&item.id.as_str()))),
                ("position", Value::Int(pos as i64)),
            ],
        )?;
    }
    Ok(items.len())
}
