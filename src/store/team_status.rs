//! What the workbench's status line says of team work, read in one query: whether the workspace is bound to a
//! team, how many records changed here since the last sync, how many conflicts wait for review, and the last
//! sync's time and outcome. The binding and the conflicts themselves are `store::team`'s.

use rusqlite::{Connection, OptionalExtension};
use strum::IntoEnumIterator;

use super::Table;

/// The team's state as the status line shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TeamStatus {
    /// Records changed here since the last sync, each once (what the next sync sends).
    pub to_share: i64,
    /// Conflicts merges resolved that are not reviewed yet.
    pub conflicts: i64,
    /// When the last sync ran (RFC 3339, UTC).
    pub last_sync: Option<String>,
    /// What it said, in a line.
    pub last_outcome: Option<String>,
}

/// The team's state, or None when the workspace is not part of a team. One query: on a workspace that is not
/// bound it reads the one-row binding table and nothing else; on a bound one, the history only past the last
/// sync (by its primary key).
pub fn status(conn: &Connection) -> rusqlite::Result<Option<TeamStatus>> {
    let shared: Vec<String> =
        Table::iter().filter(|t| super::team::shared(*t)).map(|t| format!("'{}'", t.name())).collect();
    let sql = format!(
        "SELECT (SELECT count(DISTINCT a.row_uuid) FROM audit_log a WHERE a.id > b.synced_through \
         AND a.row_uuid IS NOT NULL AND a.table_name IN ({})), \
         (SELECT count(*) FROM team_conflict WHERE reviewed = 0), b.last_sync, b.last_outcome \
         FROM team_binding b WHERE b.id = 1",
        shared.join(", ")
    );
    conn.prepare_cached(&sql)?
        .query_row([], |r| {
            Ok(TeamStatus { to_share: r.get(0)?, conflicts: r.get(1)?, last_sync: r.get(2)?, last_outcome: r.get(3)? })
        })
        .optional()
}

/// The heads of the team's history chains, as the last sync left them: what a report names beside the workspace's
/// own head, so that `assay verify --head DEVICE@COUNT:HASH` on any member's laptop can check it later.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TeamHeads {
    /// The team commit they were read from.
    pub commit: String,
    /// When that sync ran (RFC 3339, UTC).
    pub at: String,
    /// Each laptop's head: the member's name and `DEVICE@COUNT:HASH`.
    pub heads: Vec<(String, String)>,
}

impl TeamHeads {
    /// The heads in one line: "Ann a1b2c3d4@12:…; Ben …".
    pub fn line(&self) -> String {
        self.heads.iter().map(|(name, head)| format!("{name} {head}")).collect::<Vec<_>>().join("; ")
    }
}

/// The team's heads as the last sync left them; None when the workspace is not part of a team or no sync has
/// recorded them yet (a value that does not read is taken as none: it is rewritten at the next sync).
pub fn heads(conn: &Connection) -> rusqlite::Result<Option<TeamHeads>> {
    let text: Option<Option<String>> =
        conn.query_row("SELECT heads FROM team_binding WHERE id = 1", [], |r| r.get(0)).optional()?;
    Ok(text.flatten().and_then(|t| serde_json::from_str(&t).ok()))
}

/// Records the team's heads after a sync.
pub fn set_heads(conn: &Connection, heads: &TeamHeads) -> rusqlite::Result<()> {
    let text = serde_json::to_string(heads).map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    conn.execute("UPDATE team_binding SET heads = ?1 WHERE id = 1", [text])?;
    Ok(())
}

/// Forgets the team's heads (they could not be read at the last sync).
pub fn clear_heads(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("UPDATE team_binding SET heads = NULL WHERE id = 1", [])?;
    Ok(())
}
