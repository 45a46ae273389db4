//! The interview journal of an engagement: what was said, when, who was interviewed and who was present, each entry
//! optionally linked to the record it is about (a provider, a team member, a risk, a checklist item, an asset).

use rusqlite::{Connection, OptionalExtension};

use super::{Table, Writer};
use crate::domain::Value;

/// The tables an entry may be linked to.
pub const LINKABLE: &[Table] = &[Table::Provider, Table::TeamMember, Table::Risk, Table::ChecklistItem, Table::Asset];

/// One journal entry as listed, with what its link names.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    /// Its short number within the engagement (J-7).
    pub number: i64,
    pub said_at: String,
    pub text: String,
    pub interviewed: Option<String>,
    pub present: Option<String>,
    pub link: Option<(Table, i64)>,
    /// What the linked record is called ("risk “Vendor lock-in”"), or that it was deleted.
    pub link_label: Option<String>,
    /// Marked by the assessor to be quoted in the report.
    pub for_report: bool,
}

/// A new entry's fields.
pub struct NewEntry<'a> {
    pub said_at: &'a str,
    pub text: &'a str,
    pub interviewed: Option<&'a str>,
    pub present: Option<&'a str>,
    pub link: Option<(Table, i64)>,
}

pub fn add(w: &mut Writer<'_>, engagement: i64, e: &NewEntry<'_>) -> rusqlite::Result<i64> {
    w.insert(
        Table::JournalEntry,
        &[
            ("engagement_id", Value::Int(engagement)),
            ("said_at", Value::text(e.said_at)),
            ("text", Value::text(e.text)),
            ("interviewed", Value::from(e.interviewed.filter(|s| !s.trim().is_empty()))),
            ("present", Value::from(e.present.filter(|s| !s.trim().is_empty()))),
            ("link_table", Value::from(e.link.map(|(t, _)| t.name()))),
            ("link_id", Value::from(e.link.map(|(_, id)| id))),
        ],
    )
}

/// Changes what an entry says (its text, who was interviewed, who was present).
pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::JournalEntry, id, values)
}

pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::JournalEntry, id)
}

const COLUMNS: &str = "id, said_at, text, interviewed, present, link_table, link_id, number, for_report";

fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Entry> {
    let table: Option<String> = r.get(5)?;
    let id: Option<i64> = r.get(6)?;
    let link = table.and_then(|t| t.parse::<Table>().ok()).zip(id);
    Ok(Entry {
        id: r.get(0)?,
        number: super::refs::number(r, 7)?,
        said_at: r.get(1)?,
        text: r.get(2)?,
        interviewed: r.get(3)?,
        present: r.get(4)?,
        link,
        link_label: None,
        for_report: r.get::<_, i64>(8)? != 0,
    })
}

/// The entries of an engagement in the order they were said, each with what its link names.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM journal_entry WHERE engagement_id = ?1 ORDER BY said_at, id"))?
        .query_map([engagement], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for e in &mut entries {
        if let Some((table, id)) = e.link {
            e.link_label = Some(label(conn, table, id)?);
        }
    }
    Ok(entries)
}

/// The latest `limit` entries of an engagement, newest first, each with what its link names.
pub fn recent(conn: &Connection, engagement: i64, limit: usize) -> rusqlite::Result<Vec<Entry>> {
    let mut entries: Vec<Entry> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM journal_entry WHERE engagement_id = ?1 ORDER BY said_at DESC, id DESC LIMIT ?2"
        ))?
        .query_map(rusqlite::params![engagement, limit as i64], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    for e in &mut entries {
        if let Some((table, id)) = e.link {
            e.link_label = Some(label(conn, table, id)?);
        }
    }
    Ok(entries)
}

/// The entries linked to one record, in the order they were said.
pub fn for_record(conn: &Connection, table: Table, id: i64) -> rusqlite::Result<Vec<Entry>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM journal_entry WHERE link_table = ?1 AND link_id = ?2 ORDER BY said_at, id"
    ))?
    .query_map(rusqlite::params![table.name(), id], from_row)?
    .collect()
}

/// What a linked record is called, as the journal shows it, with its short reference ("risk R-12 “Vendor lock-in”").
pub fn label(conn: &Connection, table: Table, id: i64) -> rusqlite::Result<String> {
    let (noun, col) = match table {
        Table::Provider => ("provider", "name"),
        Table::TeamMember => ("member", "name"),
        Table::Risk => ("risk", "title"),
        Table::ChecklistItem => ("obligation", "catalog_ref"),
        Table::Asset => ("asset", "tag"),
        _ => ("record", "id"),
    };
    let number = if super::ids::prefix(table).is_some() { "number" } else { "NULL" };
    let found: Option<(Option<String>, Option<i64>)> = conn
        .query_row(&format!("SELECT CAST({col} AS TEXT), {number} FROM {} WHERE id = ?1", table.name()), [id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    Ok(match found {
        Some((name, Some(n))) if n > 0 => {
            format!("{noun} {} “{}”", super::refs::label(table, n), name.unwrap_or_default())
        }
        Some((name, _)) => format!("{noun} “{}”", name.unwrap_or_default()),
        None => format!("a deleted {noun}"),
    })
}
