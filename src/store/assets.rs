//! Assets handed to providers, access grants, and closing an engagement.

use rusqlite::{Connection, Row};

use super::{Table, Writer, notes};
use crate::domain::Value;
use crate::domain::assets::{Asset, Grant};

const ASSET_COLUMNS: &str = "a.id, a.engagement_id, a.tag, a.description, a.kind, a.classification, a.holder_id, \
    m.name, a.handed_over, a.accepted_by, a.expected_return, a.returned_on, a.disposition, a.verified_by, \
    a.condition, a.certificate, a.number";

fn asset_from_row(r: &Row<'_>) -> rusqlite::Result<Asset> {
    Ok(Asset {
        id: r.get(0)?,
        number: super::refs::number(r, 16)?,
        engagement_id: r.get(1)?,
        tag: r.get(2)?,
        description: r.get(3)?,
        kind: r.get(4)?,
        classification: r.get(5)?,
        holder_id: r.get(6)?,
        holder_name: r.get(7)?,
        handed_over: r.get(8)?,
        accepted_by: r.get(9)?,
        expected_return: r.get(10)?,
        returned_on: r.get(11)?,
        disposition: r.get(12)?,
        verified_by: r.get(13)?,
        condition: r.get(14)?,
        certificate: r.get(15)?,
    })
}

/// The assets of an engagement with their holders' names, by tag.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Asset>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {ASSET_COLUMNS} FROM asset a LEFT JOIN team_member m ON m.id = a.holder_id
         WHERE a.engagement_id = ? ORDER BY a.tag, a.id"
    ))?;
    stmt.query_map([engagement], asset_from_row)?.collect()
}

/// A team member of one of the engagement's providers.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub provider: String,
    /// When the member left the team, if they have.
    pub left_on: Option<String>,
}

/// Everyone on the teams of the engagement's providers, by name.
pub fn members(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.name, p.name, m.left_on FROM team_member m JOIN provider p ON p.id = m.provider_id
         WHERE p.engagement_id = ? ORDER BY m.name, m.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Member { id: r.get(0)?, name: r.get(1)?, provider: r.get(2)?, left_on: r.get(3)? })
    })?
    .collect()
}

/// Adds an asset; `values` are the asset's columns (the holder already resolved to `holder_id`).
pub fn create(w: &mut Writer<'_>, engagement: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert_under(Table::Asset, ("engagement_id", engagement), values)
}

pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::Asset, id, values)
}

pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::Asset, id)
}

/// Records the return of an asset: the date, who verified it, and its condition.
pub fn record_return(
    w: &mut Writer<'_>,
    id: i64,
    on: &str,
    verified_by: &str,
    condition: Option<&str>,
) -> rusqlite::Result<usize> {
    w.update(
        Table::Asset,
        id,
        &[
            ("disposition", Value::text("returned")),
            ("returned_on", Value::text(on)),
            ("verified_by", Value::text(verified_by)),
            ("condition", Value::from(condition)),
            ("certificate", Value::Null),
        ],
    )
}

/// Records the destruction of an asset: the date, who verified it, the certificate, and remarks.
pub fn record_destruction(
    w: &mut Writer<'_>,
    id: i64,
    on: &str,
    verified_by: &str,
    certificate: &str,
    remarks: Option<&str>,
) -> rusqlite::Result<usize> {
    w.update(
        Table::Asset,
        id,
        &[
            ("disposition", Value::text("destroyed")),
            ("returned_on", Value::text(on)),
            ("verified_by", Value::text(verified_by)),
            ("certificate", Value::text(certificate)),
            ("condition", Value::from(remarks)),
        ],
    )
}

const GRANT_COLUMNS: &str = "g.id, g.engagement_id, g.holder_id, coalesce(m.name, g.holder_name), g.target, g.kind, \
    g.granted_on, g.revoked_on, g.verified_by, g.holder_name, g.number";

/// The access grants of an engagement, by holder and target.
pub fn grants(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Grant>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {GRANT_COLUMNS} FROM access_grant g LEFT JOIN team_member m ON m.id = g.holder_id
         WHERE g.engagement_id = ? ORDER BY coalesce(m.name, g.holder_name), g.target, g.id"
    ))?;
    stmt.query_map([engagement], |r| {
        Ok(Grant {
            id: r.get(0)?,
            number: super::refs::number(r, 10)?,
            engagement_id: r.get(1)?,
            holder_id: r.get(2)?,
            holder_name: r.get(3)?,
            target: r.get(4)?,
            kind: r.get(5)?,
            granted_on: r.get(6)?,
            revoked_on: r.get(7)?,
            verified_by: r.get(8)?,
            recorded_name: r.get(9)?,
        })
    })?
    .collect()
}

pub fn create_grant(w: &mut Writer<'_>, engagement: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert_under(Table::AccessGrant, ("engagement_id", engagement), values)
}

pub fn update_grant(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::AccessGrant, id, values)
}

pub fn delete_grant(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::AccessGrant, id)
}

/// Records the revocation of a grant and who verified the removal.
pub fn revoke(w: &mut Writer<'_>, id: i64, on: &str, verified_by: &str) -> rusqlite::Result<usize> {
    w.update(Table::AccessGrant, id, &[("revoked_on", Value::text(on)), ("verified_by", Value::text(verified_by))])
}

/// Closes an engagement and records how in a note on it (shown on the overview, kept in the history).
pub fn close_engagement(w: &mut Writer<'_>, engagement: i64, note: &str) -> rusqlite::Result<()> {
    w.update(Table::Engagement, engagement, &[("status", Value::text("closed"))])?;
    notes::add(w, engagement, Some((Table::Engagement, engagement)), note)?;
    Ok(())
}
