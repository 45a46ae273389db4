//! The recorded history of one row, from the audit log.

use rusqlite::Connection;

use super::Table;

/// One recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub assessor: String,
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Every change of a row, oldest first.
pub fn for_row(conn: &Connection, table: Table, row: i64) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, assessor, action, field, old_value, new_value FROM audit_log
         WHERE table_name = ? AND row_id = ? ORDER BY id",
    )?;
    stmt.query_map(rusqlite::params![table.name(), row], |r| {
        Ok(Entry {
            id: r.get(0)?,
            at: r.get(1)?,
            assessor: r.get(2)?,
            action: r.get(3)?,
            field: r.get(4)?,
            old: r.get(5)?,
            new: r.get(6)?,
        })
    })?
    .collect()
}

impl Entry {
    /// One line a person reads: what changed, from what to what.
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| match v.as_deref() {
            None | Some("") => "empty".to_string(),
            Some(s) if s.chars().count() > 60 => format!("“{}…”", s.chars().take(59).collect::<String>()),
            Some(s) => format!("“{s}”"),
        };
        match (self.action.as_str(), &self.field) {
            ("insert", _) => "created".to_string(),
            ("delete", _) => "deleted".to_string(),
            (_, Some(f)) => format!("{}: {} → {}", f.replace('_', " "), show(&self.old), show(&self.new)),
            (a, None) => a.to_string(),
        }
    }
}
