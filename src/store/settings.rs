//! Small per-workspace settings (the engagement last open, …), written through the audited path.

use rusqlite::{Connection, OptionalExtension};

use super::{Table, Writer};
use crate::domain::Value;

pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row("SELECT value FROM setting WHERE key = ?", [key], |r| r.get(0)).optional()
}

pub fn set(w: &mut Writer<'_>, key: &str, value: &str) -> rusqlite::Result<()> {
    let id: Option<i64> = w.tx().query_row("SELECT id FROM setting WHERE key = ?", [key], |r| r.get(0)).optional()?;
    match id {
        Some(id) => w.update(Table::Setting, id, &[("value", Value::text(value))]).map(drop),
        None => w.insert(Table::Setting, &[("key", Value::text(key)), ("value", Value::text(value))]).map(drop),
    }
}

/// The key under which the engagement last open is remembered.
pub const CURRENT_ENGAGEMENT: &str = "current_engagement";
