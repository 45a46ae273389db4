//! Providers of an engagement: the candidates of a tender, their certificates, commitments and decisions.

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Table, Writer};
use crate::domain::provider::is_decision;
use crate::domain::{Provider, Value};

const COLUMNS: &str = "id, engagement_id, name, status, cert_body, cert_number, cert_expiry, cert_scope, \
     scope_covers_service, agrees_policies, agrees_audit, focal_point, decision_reason, decided_by, decided_at, number";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Provider> {
    Ok(Provider {
        id: r.get(0)?,
        number: super::refs::number(r, 15)?,
        engagement_id: r.get(1)?,
        name: r.get(2)?,
        status: r.get(3)?,
        cert_body: r.get(4)?,
        cert_number: r.get(5)?,
        cert_expiry: r.get(6)?,
        cert_scope: r.get(7)?,
        scope_covers_service: r.get::<_, i64>(8)? != 0,
        agrees_policies: r.get::<_, i64>(9)? != 0,
        agrees_audit: r.get::<_, i64>(10)? != 0,
        focal_point: r.get(11)?,
        decision_reason: r.get(12)?,
        decided_by: r.get(13)?,
        decided_at: r.get(14)?,
    })
}

/// The providers of an engagement, in the order they were added.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Provider>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {COLUMNS} FROM provider WHERE engagement_id = ? ORDER BY id"))?;
    stmt.query_map([engagement], from_row)?.collect()
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Provider>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM provider WHERE id = ?"), [id], from_row).optional()
}

/// Adds a provider from field values keyed as in [`Provider::FIELDS`]; it starts as a candidate.
pub fn create(w: &mut Writer<'_>, engagement: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert_under(Table::Provider, ("engagement_id", engagement), values)
}

pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::Provider, id, values)
}

/// Sets a provider's status. Selecting or rejecting records the reason, the assessor and the time; going back to
/// candidate or shortlisted clears the decision (the audit log keeps the earlier one).
pub fn decide(w: &mut Writer<'_>, id: i64, status: &str, reason: Option<&str>) -> rusqlite::Result<usize> {
    let values = if is_decision(status) {
        vec![
            ("status", Value::text(status)),
            ("decision_reason", Value::from(reason.map(str::to_string))),
            ("decided_by", Value::text(w.assessor())),
            ("decided_at", Value::text(w.now())),
        ]
    } else {
        vec![
            ("status", Value::text(status)),
            ("decision_reason", Value::Null),
            ("decided_by", Value::Null),
            ("decided_at", Value::Null),
        ]
    };
    w.update(Table::Provider, id, &values)
}

/// Deletes a provider and, by cascade, its scores and team.
pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::Provider, id)
}
