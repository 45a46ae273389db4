//! Personnel vetting: a provider's team members, their seven checks, the role pairs one person must not hold, the
//! roster's history from the audit log, and the export query that keeps private notes out unless asked.

use std::collections::HashMap;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Table, Writer};
use crate::domain::Value;
use crate::domain::vetting::{
    CheckKind, CheckStatus, Holdings, RoleConflict, RosterChange, TeamMember, VettingCheck, is_sensitive,
};

const MEMBER_COLUMNS: &str = "id, provider_id, name, role, backup_for, joined, left_on, number";

fn member_from_row(r: &Row<'_>) -> rusqlite::Result<TeamMember> {
    Ok(TeamMember {
        id: r.get(0)?,
        number: super::refs::number(r, 7)?,
        provider_id: r.get(1)?,
        name: r.get(2)?,
        role: r.get(3)?,
        backup_for: r.get(4)?,
        joined: r.get(5)?,
        left_on: r.get(6)?,
    })
}

/// The team of a provider, in the order the members were added.
pub fn members(conn: &Connection, provider: i64) -> rusqlite::Result<Vec<TeamMember>> {
    let mut stmt =
        conn.prepare_cached(&format!("SELECT {MEMBER_COLUMNS} FROM team_member WHERE provider_id = ? ORDER BY id"))?;
    stmt.query_map([provider], member_from_row)?.collect()
}

pub fn member(conn: &Connection, id: i64) -> rusqlite::Result<Option<TeamMember>> {
    conn.query_row(&format!("SELECT {MEMBER_COLUMNS} FROM team_member WHERE id = ?"), [id], member_from_row).optional()
}

const CHECK_COLUMNS: &str =
    "c.id, c.member_id, c.kind, c.status, c.checked_on, c.verifier, c.evidence, c.reference_count, c.note";

fn check_from_row(r: &Row<'_>) -> rusqlite::Result<VettingCheck> {
    let kind: String = r.get(2)?;
    let status: String = r.get(3)?;
    Ok(VettingCheck {
        id: r.get(0)?,
        member_id: r.get(1)?,
        kind: CheckKind::from_str(&kind).ok(),
        status: CheckStatus::parse(&status),
        checked_on: r.get(4)?,
        verifier: r.get(5)?,
        evidence: r.get(6)?,
        reference_count: r.get(7)?,
        note: r.get(8)?,
    })
}

/// Every member of the teams of an engagement's providers, in the order they were added.
pub fn engagement_members(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<TeamMember>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {} FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = ? ORDER BY m.id",
        MEMBER_COLUMNS.split(", ").map(|c| format!("m.{c}")).collect::<Vec<_>>().join(", ")
    ))?;
    stmt.query_map([engagement], member_from_row)?.collect()
}

/// Every recorded check of the teams of an engagement's providers.
pub fn engagement_checks(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<VettingCheck>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHECK_COLUMNS} FROM vetting_check c JOIN team_member m ON m.id = c.member_id
         JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = ? ORDER BY c.member_id, c.id"
    ))?;
    stmt.query_map([engagement], check_from_row)?.collect()
}

/// Every recorded check of a provider's team.
pub fn checks(conn: &Connection, provider: i64) -> rusqlite::Result<Vec<VettingCheck>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {CHECK_COLUMNS} FROM vetting_check c JOIN team_member m ON m.id = c.member_id
         WHERE m.provider_id = ? ORDER BY c.member_id, c.id"
    ))?;
    stmt.query_map([provider], check_from_row)?.collect()
}

/// What each member of a provider's team still holds: assets neither returned nor destroyed, access not revoked.
pub fn holdings(conn: &Connection, provider: i64) -> rusqlite::Result<HashMap<i64, Holdings>> {
    let mut out: HashMap<i64, Holdings> = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT a.holder_id, count(*) FROM asset a JOIN team_member m ON m.id = a.holder_id
         WHERE m.provider_id = ? AND a.returned_on IS NULL AND a.disposition IS NULL GROUP BY a.holder_id",
    )?;
    for row in stmt.query_map([provider], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (id, n) = row?;
        out.entry(id).or_default().assets = usize::try_from(n).unwrap_or(0);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT g.holder_id, count(*) FROM access_grant g JOIN team_member m ON m.id = g.holder_id
         WHERE m.provider_id = ? AND g.revoked_on IS NULL GROUP BY g.holder_id",
    )?;
    for row in stmt.query_map([provider], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))? {
        let (id, n) = row?;
        out.entry(id).or_default().grants = usize::try_from(n).unwrap_or(0);
    }
    Ok(out)
}

/// Adds a member to a provider's team from values keyed as in [`TeamMember::FIELDS`] (the backup as an id).
pub fn create_member(w: &mut Writer<'_>, provider: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert_under(Table::TeamMember, ("provider_id", provider), values)
}

pub fn update_member(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::TeamMember, id, values)
}

/// Removes a member with their checks; members who backed them up are left with no one to back up.
pub fn delete_member(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::TeamMember, id)
}

fn find_check(w: &Writer<'_>, member: i64, kind: CheckKind) -> rusqlite::Result<Option<i64>> {
    w.tx()
        .query_row("SELECT id FROM vetting_check WHERE member_id = ? AND kind = ?", (member, kind.as_ref()), |r| {
            r.get(0)
        })
        .optional()
}

/// Records a check's fields (keyed as in [`VettingCheck::FIELDS`]), creating the check the first time. Returns
/// the check's id.
pub fn save_check(w: &mut Writer<'_>, member: i64, kind: CheckKind, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    match find_check(w, member, kind)? {
        Some(id) => {
            w.update(Table::VettingCheck, id, values)?;
            Ok(id)
        }
        None => {
            let mut all: Vec<(&str, Value)> =
                vec![("member_id", Value::Int(member)), ("kind", Value::text(kind.as_ref()))];
            all.extend(values.iter().cloned());
            w.insert(Table::VettingCheck, &all)
        }
    }
}

/// The role pairs of an engagement, in the order they were defined.
pub fn role_conflicts(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<RoleConflict>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, engagement_id, role_a, role_b, reason, number FROM role_conflict WHERE engagement_id = ? ORDER BY id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(RoleConflict {
            id: r.get(0)?,
            number: super::refs::number(r, 5)?,
            engagement_id: r.get(1)?,
            role_a: r.get(2)?,
            role_b: r.get(3)?,
            reason: r.get(4)?,
        })
    })?
    .collect()
}

pub fn create_conflict(w: &mut Writer<'_>, engagement: i64, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert_under(Table::RoleConflict, ("engagement_id", engagement), values)
}

pub fn update_conflict(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::RoleConflict, id, values)
}

pub fn delete_conflict(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::RoleConflict, id)
}

/// Every audited change of the team members a provider ever had (removed ones too, found by the provider named
/// when they were added), oldest first. Stamp-only fields are left out.
pub fn roster_changes(conn: &Connection, provider: i64) -> rusqlite::Result<Vec<RosterChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, assessor, row_id, action, field, old_value, new_value FROM audit_log
         WHERE table_name = 'team_member' AND (field IS NULL OR field NOT IN ('updated_at', 'created_at'))
           AND row_id IN (SELECT row_id FROM audit_log WHERE table_name = 'team_member' AND action = 'insert'
                          AND (CASE WHEN json_valid(new_value) THEN json_extract(new_value, '$.provider_id') END) = ?)
         ORDER BY id",
    )?;
    stmt.query_map([provider], |r| {
        Ok(RosterChange {
            at: r.get(0)?,
            assessor: r.get(1)?,
            member_id: r.get(2)?,
            action: r.get(3)?,
            field: r.get(4)?,
            old: r.get(5)?,
            new: r.get(6)?,
        })
    })?
    .collect()
}

/// One check as an export writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportCheck {
    pub provider_id: i64,
    pub member_id: i64,
    pub provider: String,
    pub member: String,
    pub role: Option<String>,
    pub kind: CheckKind,
    pub status: CheckStatus,
    pub checked_on: Option<String>,
    pub verifier: Option<String>,
    pub evidence: Option<String>,
    pub reference_count: Option<i64>,
    /// The note; `None` when blank or withheld.
    pub note: Option<String>,
    /// Whether a note exists but was left out because it is private (criminal record, credit).
    pub note_withheld: bool,
}

/// Every recorded check of an engagement's providers, for an export: by provider, member and grid order. The
/// notes of sensitive checks ([`is_sensitive`]) are left out — and flagged as withheld — unless
/// `include_sensitive` is given.
pub fn checks_for_export(
    conn: &Connection,
    engagement: i64,
    include_sensitive: bool,
) -> rusqlite::Result<Vec<ExportCheck>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.name, m.name, m.role, c.kind, c.status, c.checked_on, c.verifier, c.evidence, c.reference_count,
                c.note, p.id, m.id
         FROM vetting_check c JOIN team_member m ON m.id = c.member_id JOIN provider p ON p.id = m.provider_id
         WHERE p.engagement_id = ? ORDER BY p.id, m.id",
    )?;
    let mut out: Vec<ExportCheck> = stmt
        .query_map([engagement], |r| {
            let kind: String = r.get(3)?;
            let status: String = r.get(4)?;
            Ok((
                kind,
                ExportCheck {
                    provider_id: r.get(10)?,
                    member_id: r.get(11)?,
                    provider: r.get(0)?,
                    member: r.get(1)?,
                    role: r.get(2)?,
                    kind: CheckKind::References,
                    status: CheckStatus::parse(&status),
                    checked_on: r.get(5)?,
                    verifier: r.get(6)?,
                    evidence: r.get(7)?,
                    reference_count: r.get(8)?,
                    note: r.get::<_, Option<String>>(9)?.filter(|n| !n.trim().is_empty()),
                    note_withheld: false,
                },
            ))
        })?
        .filter_map(|row| match row {
            Ok((kind, mut e)) => CheckKind::from_str(&kind).ok().map(|k| {
                e.kind = k;
                Ok(e)
            }),
            Err(err) => Some(Err(err)),
        })
        .collect::<rusqlite::Result<_>>()?;
    // the grid's order of kinds within each member
    out.sort_by_key(|e| (e.provider_id, e.member_id, e.kind));
    if !include_sensitive {
        for e in out.iter_mut().filter(|e| is_sensitive(e.kind)) {
            e.note_withheld = e.note.take().is_some();
        }
    }
    Ok(out)
}
