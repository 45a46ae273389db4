//! The recorded history of one row, from the audit log.

use std::fmt;
use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension};

use super::{GENESIS_HASH, Table};

/// The head of a history chain: how many entries it holds and the hash of the last one. Kept outside the file (in
/// reports, exports, a note), it anchors the history: a later `assay verify --head` finds the history cut short,
/// or that entry changed. Written `COUNT:HASH`; a chain other than the workspace's own (one per device, once teams
/// merge their work) is written `CHAIN@COUNT:HASH`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// The chain it belongs to; empty for the workspace's own.
    pub chain: String,
    pub count: u64,
    pub hash: String,
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.chain.is_empty() {
            write!(f, "{}@", self.chain)?;
        }
        write!(f, "{}:{}", self.count, self.hash)
    }
}

impl FromStr for Head {
    type Err = String;

    fn from_str(s: &str) -> Result<Head, String> {
        let bad = || format!("“{s}” is not a history head: write COUNT:HASH as `assay verify` prints it");
        let s = s.trim();
        let (chain, rest) = match s.split_once('@') {
            Some((c, r)) if !c.is_empty() && c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '-') => (c, r),
            Some(_) => return Err(bad()),
            None => ("", s),
        };
        let (count, hash) = rest.split_once(':').ok_or_else(bad)?;
        let count: u64 = count.parse().map_err(|_| bad())?;
        let hash = hash.to_ascii_lowercase();
        if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad());
        }
        Ok(Head { chain: chain.to_string(), count, hash })
    }
}

/// The head of the workspace's history as it stands: its entry count and last hash (the genesis hash when empty).
pub fn head(conn: &Connection) -> rusqlite::Result<Head> {
    let count: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))?;
    let hash = conn
        .query_row("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| r.get::<_, String>(0))
        .optional()?
        .unwrap_or_else(|| GENESIS_HASH.to_string());
    Ok(Head { chain: String::new(), count: u64::try_from(count).unwrap_or(0), hash })
}

/// The last entry of the history, as its id and hash (`None` while it is empty): whether anything was written since
/// an earlier look, read from the end of the log without counting it (the start of the workbench uses it, where
/// [`head`]'s count would read the whole log of a large workspace).
pub fn tip(conn: &Connection) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

/// One recorded change.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub id: i64,
    pub at: String,
    pub assessor: String,
    pub action: String,
    /// The table of the row changed: the record's own, or a reason recorded with it (`phase_change`, `note`).
    pub table: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Every change of a row, oldest first. An engagement's history also holds the reasons recorded with its changes
/// of phase and status: each phase change (with the items it left open) and each note written as a reason for
/// closing or reopening it.
pub fn for_row(conn: &Connection, table: Table, row: i64) -> rusqlite::Result<Vec<Entry>> {
    let mut entries = entries_of(conn, table.name(), &[row])?;
    if table == Table::Engagement {
        let ids = |sql: &str| -> rusqlite::Result<Vec<i64>> {
            conn.prepare_cached(sql)?.query_map([row], |r| r.get(0))?.collect()
        };
        let changes = ids("SELECT id FROM phase_change WHERE engagement_id = ?1")?;
        entries.extend(
            entries_of(conn, Table::PhaseChange.name(), &changes)?.into_iter().filter(|e| e.action == "insert"),
        );
        let reasons = ids("SELECT id FROM note WHERE target_table = 'engagement' AND target_id = ?1")?;
        entries.extend(entries_of(conn, Table::Note.name(), &reasons)?.into_iter().filter(|e| e.action == "insert"));
        entries.sort_by_key(|e| e.id);
    }
    Ok(entries)
}

/// The entries of the rows `rows` of `table`, oldest first.
fn entries_of(conn: &Connection, table: &str, rows: &[i64]) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, assessor, action, field, old_value, new_value FROM audit_log
         WHERE table_name = ? AND row_id = ? ORDER BY id",
    )?;
    let mut out = Vec::new();
    for row in rows {
        let found = stmt.query_map(rusqlite::params![table, row], |r| {
            Ok(Entry {
                id: r.get(0)?,
                at: r.get(1)?,
                assessor: r.get(2)?,
                action: r.get(3)?,
                table: table.to_string(),
                field: r.get(4)?,
                old: r.get(5)?,
                new: r.get(6)?,
            })
        })?;
        for e in found {
            out.push(e?);
        }
    }
    Ok(out)
}

impl Entry {
    /// One line a person reads: what changed, from what to what.
    pub fn describe(&self) -> String {
        let show = |v: &Option<String>| match v.as_deref() {
            None | Some("") => "empty".to_string(),
            Some(s) if s.chars().count() > 60 => format!("“{}…”", s.chars().take(59).collect::<String>()),
            Some(s) => format!("“{s}”"),
        };
        let whole = |v: &Option<String>| format!("“{}”", v.as_deref().unwrap_or_default());
        let row = |key: &str| -> Option<String> {
            let json: serde_json::Value = serde_json::from_str(self.new.as_deref()?).ok()?;
            match &json[key] {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        match (self.table.as_str(), self.action.as_str(), &self.field) {
            ("phase_change", "insert", _) => {
                let phase = |p: Option<String>| match p.as_deref() {
                    Some("pre") => "pre-outsourcing",
                    Some("during") => "during outsourcing",
                    Some("post") => "post-outsourcing",
                    _ => "?",
                };
                let open = row("open_items").and_then(|n| n.parse::<i64>().ok()).unwrap_or(0);
                let mut text = format!("phase: {} → {}", phase(row("from_phase")), phase(row("to_phase")));
                if open > 0 {
                    let refs = row("open_refs").unwrap_or_default();
                    let refs: Vec<String> = serde_json::from_str(&refs).unwrap_or_default();
                    let listed = match refs.len() {
                        0 => String::new(),
                        n if n > 12 => format!(": {} and {} more", refs[..12].join(", "), n - 12),
                        _ => format!(": {}", refs.join(", ")),
                    };
                    text.push_str(&format!(", {open} item{} left open{listed}", if open == 1 { "" } else { "s" }));
                }
                if let Some(reason) = row("reason").filter(|r| !r.is_empty()) {
                    text.push_str(&format!(" — reason: “{reason}”"));
                }
                text
            }
            ("note", "insert", _) => format!("reason recorded: {}", whole(&row("text"))),
            (_, "update", Some(f)) if f.ends_with("reason") => {
                format!("{}: {} → {}", f.replace('_', " "), show(&self.old), whole(&self.new))
            }
            (_, "insert", _) => "created".to_string(),
            (_, "delete", _) => "deleted".to_string(),
            (_, _, Some(f)) => format!("{}: {} → {}", f.replace('_', " "), show(&self.old), show(&self.new)),
            (_, a, None) => a.to_string(),
        }
    }
}
