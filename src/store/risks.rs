//! Risks: the register of an engagement, with treatment and acceptance.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Table, Writer};
use crate::domain::{Risk, Value};

const COLUMNS: &str = "id, engagement_id, catalog_ref, title, description, likelihood, impact_c, impact_i, impact_a, \
    treatment, plan, owner, due_date, residual_likelihood, residual_c, residual_i, residual_a, status, accepted_by, \
    accepted_at, review_date, updated_at, number, finding, recommendation, management_response";

fn small(n: i64) -> u8 {
    u8::try_from(n.clamp(0, 255)).unwrap_or(0)
}

/// An optional rating of column `i`, within a byte.
fn opt_small(r: &Row<'_>, i: usize) -> rusqlite::Result<Option<u8>> {
    r.get::<_, Option<i64>>(i).map(|o| o.map(small))
}

fn from_row(r: &Row<'_>) -> rusqlite::Result<Risk> {
    let treatment: Option<String> = r.get(9)?;
    let status: String = r.get(17)?;
    Ok(Risk {
        id: r.get(0)?,
        number: super::refs::number(r, 22)?,
        engagement_id: r.get(1)?,
        catalog_ref: r.get(2)?,
        title: r.get(3)?,
        description: r.get(4)?,
        likelihood: small(r.get(5)?),
        impact_c: small(r.get(6)?),
        impact_i: small(r.get(7)?),
        impact_a: small(r.get(8)?),
        treatment: Risk::treatment_from(treatment.as_deref()),
        plan: r.get(10)?,
        owner: r.get(11)?,
        due_date: r.get(12)?,
        residual_likelihood: opt_small(r, 13)?,
        residual_c: opt_small(r, 14)?,
        residual_i: opt_small(r, 15)?,
        residual_a: opt_small(r, 16)?,
        status: Risk::status_from(&status),
        accepted_by: r.get(18)?,
        accepted_at: r.get(19)?,
        review_date: r.get(20)?,
        updated_at: r.get(21)?,
        finding: r.get(23)?,
        recommendation: r.get(24)?,
        management_response: r.get(25)?,
    })
}

/// The register of an engagement, worst inherent level first, then oldest first.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Risk>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM risk WHERE engagement_id = ?
         ORDER BY likelihood * max(impact_c, impact_i, impact_a) DESC, id"
    ))?;
    stmt.query_map([engagement], from_row)?.collect()
}

/// What the rating rules need of each risk of an engagement ([`Risk::facts`]), unsorted and without the texts:
/// the overview's figures, and so the first frame, wait for them.
pub fn facts(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<crate::domain::risk::RiskFacts>> {
    let mut stmt = conn.prepare_cached(
        "SELECT likelihood, impact_c, impact_i, impact_a, treatment, due_date, residual_likelihood, residual_c,
                residual_i, residual_a, status, accepted_by, accepted_at, review_date
         FROM risk WHERE engagement_id = ?",
    )?;
    stmt.query_map([engagement], |r| {
        let text = |i: usize| super::text_in_place(r, i);
        let risk = Risk {
            likelihood: small(r.get(0)?),
            impact_c: small(r.get(1)?),
            impact_i: small(r.get(2)?),
            impact_a: small(r.get(3)?),
            treatment: Risk::treatment_from(text(4)?),
            due_date: r.get(5)?,
            residual_likelihood: opt_small(r, 6)?,
            residual_c: opt_small(r, 7)?,
            residual_i: opt_small(r, 8)?,
            residual_a: opt_small(r, 9)?,
            status: Risk::status_from(text(10)?.unwrap_or_default()),
            accepted_by: r.get(11)?,
            accepted_at: r.get(12)?,
            review_date: r.get(13)?,
            ..Default::default()
        };
        Ok(risk.facts())
    })?
    .collect()
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Risk>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM risk WHERE id = ?"), [id], from_row).optional()
}

/// Adds a risk to an engagement from field values keyed as in [`Risk::FIELDS`]; `catalog_ref` names the catalog
/// item it was taken from.
pub fn create(
    w: &mut Writer<'_>,
    engagement: i64,
    catalog_ref: Option<&str>,
    values: &[(&str, Value)],
) -> rusqlite::Result<i64> {
    let mut all: Vec<(&str, Value)> =
        vec![("engagement_id", Value::Int(engagement)), ("catalog_ref", Value::from(catalog_ref))];
    all.extend(values.iter().cloned());
    w.insert(Table::Risk, &all)
}

/// Changes the given fields; returns how many changed.
pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::Risk, id, values)
}

/// Records acceptance by a named manager on a date, with the date to review it.
pub fn accept(w: &mut Writer<'_>, id: i64, by: &str, at: &str, review: &str) -> rusqlite::Result<usize> {
    w.update(
        Table::Risk,
        id,
        &[("accepted_by", Value::text(by)), ("accepted_at", Value::text(at)), ("review_date", Value::text(review))],
    )
}

pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::Risk, id)
}
