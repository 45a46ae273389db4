//! Scores: one provider on one criterion, 0–5, with an optional note.

use rusqlite::{Connection, OptionalExtension};

use super::{Table, Writer};
use crate::domain::{Score, Value};

/// Every score of an engagement's providers.
pub fn list(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Score>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.provider_id, s.criterion_id, s.score, s.note FROM score s
         JOIN provider p ON p.id = s.provider_id WHERE p.engagement_id = ? ORDER BY s.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Score {
            provider_id: r.get(0)?,
            criterion_id: r.get(1)?,
            score: u8::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
            note: r.get(3)?,
        })
    })?
    .collect()
}

fn find(w: &Writer<'_>, provider: i64, criterion: i64) -> rusqlite::Result<Option<i64>> {
    w.tx()
        .query_row("SELECT id FROM score WHERE provider_id = ? AND criterion_id = ?", [provider, criterion], |r| {
            r.get(0)
        })
        .optional()
}

/// Scores a cell, inserting it or changing the existing score (its note is kept). Returns the score row's id.
pub fn set(w: &mut Writer<'_>, provider: i64, criterion: i64, score: u8) -> rusqlite::Result<i64> {
    match find(w, provider, criterion)? {
        Some(id) => {
            w.update(Table::Score, id, &[("score", Value::Int(i64::from(score)))])?;
            Ok(id)
        }
        None => w.insert(
            Table::Score,
            &[
                ("provider_id", Value::Int(provider)),
                ("criterion_id", Value::Int(criterion)),
                ("score", Value::Int(i64::from(score))),
            ],
        ),
    }
}

/// Sets the note of a scored cell. Returns false when the cell has no score yet (a note needs one).
pub fn set_note(w: &mut Writer<'_>, provider: i64, criterion: i64, note: Option<&str>) -> rusqlite::Result<bool> {
    match find(w, provider, criterion)? {
        Some(id) => {
            w.update(Table::Score, id, &[("note", Value::from(note.map(str::to_string)))])?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// Clears a cell (its score and note). Returns whether it was scored.
pub fn clear(w: &mut Writer<'_>, provider: i64, criterion: i64) -> rusqlite::Result<bool> {
    match find(w, provider, criterion)? {
        Some(id) => w.delete(Table::Score, id),
        None => Ok(false),
    }
}
