//! Notes: free text attached to an engagement or to one record in it.

use rusqlite::Connection;

use super::{Table, Writer};
use crate::domain::Value;

/// A note as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub id: i64,
    pub target_table: Option<String>,
    pub target_id: Option<i64>,
    pub text: String,
    pub created_at: String,
}

pub fn add(w: &mut Writer<'_>, engagement: i64, target: Option<(Table, i64)>, text: &str) -> rusqlite::Result<i64> {
    w.insert(
        Table::Note,
        &[
            ("engagement_id", Value::Int(engagement)),
            ("target_table", Value::from(target.map(|(t, _)| t.name()))),
            ("target_id", Value::from(target.map(|(_, id)| id))),
            ("text", Value::text(text)),
        ],
    )
}

/// The newest notes of an engagement, newest first.
pub fn recent(conn: &Connection, engagement: i64, limit: usize) -> rusqlite::Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, target_table, target_id, text, created_at FROM note WHERE engagement_id = ?
         ORDER BY created_at DESC, id DESC LIMIT ?",
    )?;
    stmt.query_map(rusqlite::params![engagement, limit as i64], from_row)?.collect()
}

/// The reasons recorded with the engagement's changes of status (closed, reopened), oldest first.
pub fn status_reasons(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Note>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, target_table, target_id, text, created_at FROM note
         WHERE engagement_id = ?1 AND target_table = 'engagement' AND target_id = ?1 ORDER BY id",
    )?;
    stmt.query_map([engagement], from_row)?.collect()
}

/// A note from a row of `id, target_table, target_id, text, created_at`.
fn from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Note> {
    Ok(Note { id: r.get(0)?, target_table: r.get(1)?, target_id: r.get(2)?, text: r.get(3)?, created_at: r.get(4)? })
}
