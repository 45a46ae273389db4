//! Undo and redo of this session's own changes. A change is the run of history entries that one write wrote.
//! Undoing it writes the inverse of each entry, newest first, through the same audited write path: an insert is
//! deleted, an update is set back, a deleted row (and everything its delete removed) is restored with its own id
//! and stamps. So an undo is itself in the history and `verify` stays clean. Redo undoes an undo.

use std::collections::HashMap;
use std::str::FromStr;

use rusqlite::{Connection, params};

use super::{Store, Table, Writer};
use crate::domain::{Value, plural};

/// How many changes undo reaches back.
pub const UNDO_DEPTH: usize = 100;

/// One change: the first and last history entries it wrote, and what it was, once worked out.
#[derive(Debug, Clone)]
struct Step {
    first: i64,
    last: i64,
    what: Option<String>,
}

/// The changes that can be undone and redone.
#[derive(Debug, Default)]
pub(super) struct Steps {
    undo: Vec<Step>,
    redo: Vec<Step>,
    /// Why there is nothing to undo, when something took the earlier changes out of reach.
    cleared: Option<String>,
}

impl Steps {
    /// A new change: it can be undone, and what was undone before it can no longer be redone.
    pub(super) fn done(&mut self, (first, last): (i64, i64)) {
        self.push_undo(Step { first, last, what: None });
        self.redo.clear();
    }

    fn push_undo(&mut self, step: Step) {
        self.undo.push(step);
        if self.undo.len() > UNDO_DEPTH {
            self.undo.remove(0);
        }
    }
}

/// What an undo or a redo did.
#[derive(Debug, Clone, PartialEq)]
pub struct Undone {
    /// The change, in words ("deleted risk “Vendor lock-in” and 3 records in it").
    pub what: String,
    /// An engagement that came back (its delete undone, or its creation redone).
    pub engagement_back: Option<i64>,
}

/// One history entry, as undo reads it.
struct Entry {
    action: String,
    table: Table,
    row: i64,
    field: Option<String>,
    old: Option<String>,
    new: Option<String>,
}

impl Store {
    /// Undoes the latest change of this session that is not undone yet. `Ok(None)`: there is none (see
    /// [`Store::nothing_to_undo`]). A failure undoes nothing and keeps the change undoable.
    pub fn undo(&mut self) -> rusqlite::Result<Option<Undone>> {
        let Some(step) = self.steps.undo.pop() else { return Ok(None) };
        match self.invert(&step) {
            Ok((undone, span)) => {
                if let Some((first, last)) = span {
                    self.steps.redo.push(Step { first, last, what: Some(undone.what.clone()) });
                }
                Ok(Some(undone))
            }
            Err(e) => {
                self.steps.undo.push(step);
                Err(e)
            }
        }
    }

    /// Does again the change undone last. `Ok(None)`: nothing was undone since the last change.
    pub fn redo(&mut self) -> rusqlite::Result<Option<Undone>> {
        let Some(step) = self.steps.redo.pop() else { return Ok(None) };
        match self.invert(&step) {
            Ok((undone, span)) => {
                if let Some((first, last)) = span {
                    self.steps.push_undo(Step { first, last, what: Some(undone.what.clone()) });
                }
                Ok(Some(undone))
            }
            Err(e) => {
                self.steps.redo.push(step);
                Err(e)
            }
        }
    }

    /// Takes every change made so far out of undo's reach, because `why` ("the import of risks.csv") changed the
    /// workspace under them.
    pub fn forget_undo(&mut self, why: &str) {
        self.steps.undo.clear();
        self.steps.redo.clear();
        self.steps.cleared = Some(why.to_string());
    }

    /// Starts a session: what was written before it (a demo made, a workspace set up) is not undone from it.
    pub fn start_undo_session(&mut self) {
        self.steps = Steps::default();
    }

    /// How many changes can be undone and redone now.
    pub fn undo_depth(&self) -> (usize, usize) {
        (self.steps.undo.len(), self.steps.redo.len())
    }

    /// Why there is nothing to undo, in words.
    pub fn nothing_to_undo(&self) -> String {
        match &self.steps.cleared {
            Some(why) => format!("Nothing to undo: {why} cleared the changes made before it"),
            None => "Nothing to undo: undo reaches the changes made since assay was started".to_string(),
        }
    }

    /// Writes the inverse of `step` as one change, and returns what it was and the history entries the inverse
    /// wrote.
    fn invert(&mut self, step: &Step) -> rusqlite::Result<(Undone, Option<(i64, i64)>)> {
        let entries = read_entries(&self.conn, step.first, step.last)?;
        let what = match &step.what {
            Some(w) => w.clone(),
            None => describe(&self.conn, &entries)?,
        };
        let mut types: HashMap<Table, HashMap<String, String>> = HashMap::new();
        for e in &entries {
            if let std::collections::hash_map::Entry::Vacant(v) = types.entry(e.table) {
                v.insert(column_types(&self.conn, e.table)?);
            }
        }
        let (engagement_back, span) = self.write_span(|w| apply_inverse(w, &entries, &types))?;
        Ok((Undone { what, engagement_back }, span))
    }
}

/// The entries `first..=last`, newest first.
fn read_entries(conn: &Connection, first: i64, last: i64) -> rusqlite::Result<Vec<Entry>> {
    let mut stmt = conn.prepare(
        "SELECT action, table_name, row_id, field, old_value, new_value FROM audit_log \
         WHERE id BETWEEN ?1 AND ?2 ORDER BY id DESC",
    )?;
    let rows = stmt.query_map(params![first, last], |r| {
        let name: String = r.get(1)?;
        let table = Table::from_str(&name).map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(1, rusqlite::types::Type::Text, format!("table {name}").into())
        })?;
        Ok(Entry { action: r.get(0)?, table, row: r.get(2)?, field: r.get(3)?, old: r.get(4)?, new: r.get(5)? })
    })?;
    rows.collect()
}

/// Each column's declared type, so that a value the history keeps as text is written back as what it was.
fn column_types(conn: &Connection, table: Table) -> rusqlite::Result<HashMap<String, String>> {
    let mut stmt = conn.prepare(&format!("SELECT name, type FROM pragma_table_info('{}')", table.name()))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?.to_ascii_uppercase())))?;
    rows.collect()
}

/// A value of an update entry, typed as its column is.
fn typed(text: Option<&str>, declared: Option<&String>) -> Value {
    let Some(text) = text else { return Value::Null };
    let declared = declared.map_or("", |s| s.as_str());
    if declared.contains("INT") {
        if let Ok(i) = text.parse::<i64>() {
            return Value::Int(i);
        }
    } else if (declared.contains("REAL") || declared.contains("FLOA") || declared.contains("DOUB"))
        && let Ok(r) = text.parse::<f64>()
    {
        return Value::Real(r);
    }
    Value::text(text)
}

fn not_undoable(what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, what.to_string().into())
}

/// Writes the inverse of each entry, in the order given (newest first). Foreign keys are checked at the end, so
/// that rows restored in reverse order may name parents restored after them.
fn apply_inverse(
    w: &mut Writer<'_>,
    entries: &[Entry],
    types: &HashMap<Table, HashMap<String, String>>,
) -> rusqlite::Result<Option<i64>> {
    w.defer_foreign_keys()?;
    let mut engagement_back = None;
    for e in entries {
        match e.action.as_str() {
            "insert" => {
                w.delete(e.table, e.row)?;
            }
            "update" => {
                let field = e.field.as_deref().ok_or_else(|| not_undoable("an update without its field"))?;
                let value = typed(e.old.as_deref(), types.get(&e.table).and_then(|t| t.get(field)));
                w.update(e.table, e.row, &[(field, value)])?;
            }
            "delete" => {
                let json = e.old.as_deref().ok_or_else(|| not_undoable("a delete without the row it removed"))?;
                let row: serde_json::Map<String, serde_json::Value> =
                    serde_json::from_str(json).map_err(|_| not_undoable("a delete whose row cannot be read"))?;
                let values: Vec<(String, Value)> = row
                    .into_iter()
                    .map(|(k, v)| serde_json::from_value::<Value>(v).map(|v| (k, v)))
                    .collect::<Result<_, _>>()
                    .map_err(|_| not_undoable("a delete whose row cannot be read"))?;
                let values: Vec<(&str, Value)> = values.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
                w.restore(e.table, &values)?;
                if e.table == Table::Engagement {
                    engagement_back = Some(e.row);
                }
            }
            other => return Err(not_undoable(&format!("an entry that says {other}"))),
        }
    }
    Ok(engagement_back)
}

/// A record kind as the user calls it: the schema declaration's noun (the settings, which no bundle holds, have
/// none there).
fn kind(table: Table) -> &'static str {
    super::schema::SPECS.iter().find(|s| s.table == table).map_or("setting", |s| s.noun)
}

/// The columns that name a record, in the order tried.
const NAMES: &[&str] = &["name", "title", "label", "item_id", "kind", "key"];

/// What a row is called, from its columns as JSON.
fn label_of_json(json: Option<&str>) -> Option<String> {
    let row: serde_json::Map<String, serde_json::Value> = serde_json::from_str(json?).ok()?;
    NAMES.iter().find_map(|n| row.get(*n).and_then(|v| v.as_str()).filter(|s| !s.is_empty()).map(str::to_string))
}

/// What a row still in the workspace is called.
fn label_of_row(conn: &Connection, table: Table, id: i64) -> rusqlite::Result<Option<String>> {
    let types = column_types(conn, table)?;
    for n in NAMES {
        if types.contains_key(*n) {
            let v: Option<Value> =
                conn.query_row(&format!("SELECT {n} FROM {} WHERE id = ?1", table.name()), [id], |r| r.get(0)).ok();
            if let Some(Value::Text(t)) = v
                && !t.is_empty()
            {
                return Ok(Some(t));
            }
        }
    }
    Ok(None)
}

/// The change in words, from its first entry (the one the user asked for; the rest follow from it).
fn describe(conn: &Connection, newest_first: &[Entry]) -> rusqlite::Result<String> {
    let Some(first) = newest_first.last() else { return Ok("an empty change".into()) };
    let name =
        |label: Option<String>| label.map(|l| format!(" “{}”", crate::text::truncate(&l, 40))).unwrap_or_default();
    let others = newest_first.len() - 1;
    let text = match first.action.as_str() {
        "insert" => {
            let label = name(label_of_json(first.new.as_deref()));
            let more =
                if others > 0 { format!(" (with {others} more change{})", plural(others)) } else { String::new() };
            format!("added {}{label}{more}", kind(first.table))
        }
        "delete" => {
            let label = name(label_of_json(first.old.as_deref()));
            let removed = newest_first.iter().filter(|e| e.action == "delete").count() - 1;
            let more =
                if removed > 0 { format!(" and {removed} record{} in it", plural(removed)) } else { String::new() };
            format!("deleted {}{label}{more}", kind(first.table))
        }
        _ => {
            let label = name(label_of_row(conn, first.table, first.row)?);
            let mut fields: Vec<String> = Vec::new();
            for e in newest_first.iter().rev() {
                if e.table == first.table && e.row == first.row && e.action == "update" {
                    let f = e.field.clone().unwrap_or_default().replace('_', " ");
                    if !fields.contains(&f) {
                        fields.push(f);
                    }
                }
            }
            let rest = newest_first.iter().filter(|e| !(e.table == first.table && e.row == first.row)).count();
            let more = if rest > 0 { format!(" (with {rest} more change{})", plural(rest)) } else { String::new() };
            format!("changed {} of {}{label}{more}", fields.join(", "), kind(first.table))
        }
    };
    Ok(text)
}
