//! Checking a workspace: SQLite's own integrity check, the audit log's hash chain, and a replay of the audit log
//! against the rows as they stand, which reveals any row changed, added or removed behind assay's back.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use rusqlite::Connection;
use strum::IntoEnumIterator;

use super::write::{GENESIS_HASH, Table, entry_hash};
use crate::domain::Value;

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// SQLite's integrity check reported this.
    Integrity(String),
    /// The audit entry with this id does not hash to what it records, or does not link to the one before.
    BrokenChain { entry: i64, at: String, why: &'static str },
    /// A row's field differs from what its history says.
    Changed { table: &'static str, row: i64, field: String, stored: Option<String>, history: Option<String> },
    /// A row exists that its history never created (or that it deleted).
    Unrecorded { table: &'static str, row: i64 },
    /// A row its history created is missing.
    Missing { table: &'static str, row: i64 },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map_or("empty".to_string(), |s| format!("“{s}”"));
        match self {
            Finding::Integrity(m) => write!(f, "SQLite integrity check: {m}"),
            Finding::BrokenChain { entry, at, why } => write!(f, "history entry #{entry} ({at}) is broken: {why}"),
            Finding::Changed { table, row, field, stored, history } => write!(
                f,
                "{table} #{row}: {field} is {} but its history says {} — changed outside assay",
                show(stored),
                show(history)
            ),
            Finding::Unrecorded { table, row } => {
                write!(f, "{table} #{row} is not in the history — added outside assay")
            }
            Finding::Missing { table, row } => write!(f, "{table} #{row} is gone but its history never deleted it"),
        }
    }
}

/// What a verification found, in order: integrity first, then the chain, then the rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub entries: usize,
    pub rows: usize,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Columns the write path stamps itself and never audits.
const STAMPS: &[&str] = &["id", "created_at", "updated_at"];

fn text_of(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// Verifies the workspace; never changes it.
pub fn verify(conn: &Connection) -> rusqlite::Result<Report> {
    let mut report = Report::default();
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    if integrity != ["ok"] {
        report.findings.extend(integrity.into_iter().map(Finding::Integrity));
        return Ok(report);
    }

    // The chain, and the state it implies: (table, row) → field → value, or None once deleted.
    type State = HashMap<(String, i64), Option<BTreeMap<String, Option<String>>>>;
    let mut state: State = HashMap::new();
    let mut prev = GENESIS_HASH.to_string();
    let mut stmt = conn.prepare(
        "SELECT id, at, assessor, action, table_name, row_id, field, old_value, new_value, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = stmt.query([])?;
    let mut chain_ok = true;
    while let Some(r) = rows.next()? {
        report.entries += 1;
        let id: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let assessor: String = r.get(2)?;
        let action: String = r.get(3)?;
        let table: String = r.get(4)?;
        let row: i64 = r.get(5)?;
        let field: Option<String> = r.get(6)?;
        let old: Option<String> = r.get(7)?;
        let new: Option<String> = r.get(8)?;
        let prev_hash: String = r.get(9)?;
        let hash: String = r.get(10)?;
        if chain_ok {
            let why = if prev_hash != prev {
                Some("it does not follow the entry before it (an entry was removed or inserted)")
            } else if entry_hash(
                &prev_hash,
                &at,
                &assessor,
                &action,
                &table,
                row,
                field.as_deref(),
                old.as_deref(),
                new.as_deref(),
            ) != hash
            {
                Some("its contents do not match its hash (it was edited)")
            } else {
                None
            };
            if let Some(why) = why {
                report.findings.push(Finding::BrokenChain { entry: id, at: at.clone(), why });
                chain_ok = false;
            }
            prev = hash;
        }
        let key = (table, row);
        match action.as_str() {
            "insert" => {
                let map: BTreeMap<String, Option<String>> = new
                    .as_deref()
                    .and_then(|j| serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(j).ok())
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), json_text(v))).collect())
                    .unwrap_or_default();
                state.insert(key, Some(map));
            }
            "update" => {
                if let (Some(Some(map)), Some(field)) = (state.get_mut(&key), field) {
                    map.insert(field, new);
                }
            }
            _ => {
                state.insert(key, None);
            }
        }
    }

    // Every audited table's rows against the state its history implies.
    for table in Table::iter() {
        let name = table.name();
        let mut stmt = conn.prepare(&format!("SELECT * FROM {name} ORDER BY id"))?;
        let cols: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        let mut seen = std::collections::HashSet::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            report.rows += 1;
            let id: i64 = r.get("id")?;
            seen.insert(id);
            let Some(Some(history)) = state.get(&(name.to_string(), id)) else {
                report.findings.push(Finding::Unrecorded { table: name, row: id });
                continue;
            };
            for (i, col) in cols.iter().enumerate() {
                if STAMPS.contains(&col.as_str()) {
                    continue;
                }
                let stored = text_of(&r.get::<_, Value>(i)?);
                // A column the history never mentions holds the schema's default.
                let Some(expected) = history.get(col) else { continue };
                if &stored != expected {
                    report.findings.push(Finding::Changed {
                        table: name,
                        row: id,
                        field: col.clone(),
                        stored,
                        history: expected.clone(),
                    });
                }
            }
        }
        for ((t, row), s) in &state {
            if t == name && s.is_some() && !seen.contains(row) {
                report.findings.push(Finding::Missing { table: name, row: *row });
            }
        }
    }
    report.findings.sort_by_key(|f| match f {
        Finding::Integrity(_) => 0,
        Finding::BrokenChain { .. } => 1,
        _ => 2,
    });
    Ok(report)
}
