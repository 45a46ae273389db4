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
