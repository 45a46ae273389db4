//! The records of an engagement as the lookup searches them.

use rusqlite::Connection;

/// What kind of record a lookup hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordKind {
    Provider,
    Risk,
    Member,
    Asset,
}

impl RecordKind {
    /// The table its records are kept in.
    pub fn table(self) -> super::Table {
        match self {
            RecordKind::Provider => super::Table::Provider,
            RecordKind::Risk => super::Table::Risk,
            RecordKind::Member => super::Table::TeamMember,
            RecordKind::Asset => super::Table::Asset,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecordKind::Provider => "Provider",
            RecordKind::Risk => "Risk",
            RecordKind::Member => "Team member",
            RecordKind::Asset => "Asset",
        }
    }
}

/// One record: what the lookup shows and matches.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    pub kind: RecordKind,
    pub id: i64,
    /// Its short reference ("R-12"), the name people quote.
    pub reference: String,
    /// The main line (name, title, tag and description).
    pub label: String,
    /// A second line of detail.
    pub detail: String,
    /// The record it belongs to, where that decides where it is shown: a team member's provider.
    pub parent: Option<i64>,
}

/// Providers, risks, team members and assets of an engagement.
pub fn records(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Record>> {
    let mut out = Vec::new();
    let mut collect = |kind: RecordKind, sql: &str| -> rusqlite::Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        let rows = stmt.query_map([engagement], |r| {
            Ok(Record {
                kind,
                id: r.get(0)?,
                reference: super::refs::label(kind.table(), super::refs::number(r, 4)?),
                label: r.get(1)?,
                detail: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                parent: r.get(3)?,
            })
        })?;
        for r in rows {
            out.push(r?);
        }
        Ok(())
    };
    collect(
        RecordKind::Provider,
        "SELECT id, name, trim(status || ' · ' || coalesce(cert_body, '') || ' ' || coalesce(cert_number, '')), NULL, number
         FROM provider WHERE engagement_id = ? ORDER BY name",
    )?;
    collect(
        RecordKind::Risk,
        "SELECT id, title, 'likelihood ' || likelihood || ' · impact C' || impact_c || ' I' || impact_i || ' A' || impact_a
         || coalesce(' · ' || treatment, '') || coalesce(' · owner ' || owner, ''), NULL, number
         FROM risk WHERE engagement_id = ? ORDER BY id",
    )?;
    collect(
        RecordKind::Member,
        "SELECT m.id, m.name, coalesce(m.role, '') || ' · ' || p.name, p.id, m.number FROM team_member m
         JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = ? ORDER BY m.name",
    )?;
    collect(
        RecordKind::Asset,
        "SELECT a.id, a.tag || ' ' || coalesce(a.description, ''), a.kind || coalesce(' · ' || a.classification, '')
         || coalesce(' · held by ' || m.name, '') || coalesce(' · ' || a.disposition, ' · not returned'), NULL,
         a.number FROM asset a LEFT JOIN team_member m ON m.id = a.holder_id WHERE a.engagement_id = ? ORDER BY a.tag",
    )?;
    Ok(out)
}
