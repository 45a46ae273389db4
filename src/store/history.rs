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
