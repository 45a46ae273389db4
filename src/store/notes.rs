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

/// Notes that are journal entries in all but name: those about the engagement as a whole (written with `n` before
/// the journal existed) and those about a record a journal entry can be linked to. Reasons for closing or
/// reopening an engagement (notes about the engagement itself) stay notes: the history shows them with the change.
/// Only notes the history recorded are moved: a row put in behind assay's back stays where it is, for `verify` to
/// name, rather than being given a history of its own by the move.
const MOVED: &str = "FROM note WHERE (target_table IS NULL
     OR target_table IN ('provider', 'team_member', 'risk', 'checklist_item', 'asset'))
     AND EXISTS (SELECT 1 FROM audit_log a WHERE a.table_name = 'note' AND a.row_id = note.id AND a.action = 'insert')";

/// A note to move: id, engagement, target table and row, text, when it was written.
type Moved = (i64, i64, Option<String>, Option<i64>, String, String);

/// Whether any note is waiting to become a journal entry (see [`move_to_journal`]).
pub fn any_to_move(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row(&format!("SELECT EXISTS (SELECT 1 {MOVED})"), [], |r| r.get(0))
}

/// Turns every note that is a journal entry in all but name into one, keeping when it was written (as when it was
/// said), its text and what it is about; evidence files about the note then name the entry. Each move is an
/// audited insert and delete through the write path, so the history says what became of the note. Returns how many
/// were moved.
pub fn move_to_journal(w: &mut Writer<'_>) -> rusqlite::Result<usize> {
    let notes: Vec<Moved> = w
        .tx()
        .prepare(&format!("SELECT id, engagement_id, target_table, target_id, text, created_at {MOVED} ORDER BY id"))?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, engagement, table, target, text, created_at) in &notes {
        let link = table.as_deref().and_then(|t| t.parse::<Table>().ok()).zip(*target);
        // A note of blank text (possible before the journal refused one) has nothing to say: it goes.
        if !text.trim().is_empty() {
            let entry = super::journal::add(
                w,
                *engagement,
                &super::journal::NewEntry { said_at: created_at, text, interviewed: None, present: None, link },
            )?;
            let files: Vec<i64> = w
                .tx()
                .prepare("SELECT id FROM evidence WHERE (target_table = 'note' AND target_id = ?1) OR note_id = ?1")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            for file in files {
                w.update(
                    Table::Evidence,
                    file,
                    &[
                        ("target_table", Value::text(Table::JournalEntry.name())),
                        ("target_id", Value::Int(entry)),
                        ("note_id", Value::Null),
                    ],
                )?;
            }
        }
        w.delete(Table::Note, *id)?;
    }
    Ok(notes.len())
}
