//! Checklist items of an engagement (the phase workflows and the agreement review), and phase changes.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::{Table, Writer};
use crate::catalog::{self, Use};
use crate::domain::workflow::CheckStatus;
use crate::domain::{Phase, Value};

/// The recorded state of one catalog item for an engagement. An item with no row is open.
#[derive(Debug, Clone, PartialEq)]
pub struct ChecklistRow {
    pub id: i64,
    pub catalog_ref: String,
    pub status: CheckStatus,
    pub note: Option<String>,
    pub done_at: Option<String>,
    pub done_by: Option<String>,
}

/// Every recorded checklist row of an engagement, by catalog id.
pub fn rows(conn: &Connection, engagement: i64) -> rusqlite::Result<HashMap<String, ChecklistRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, catalog_ref, status, note, done_at, done_by FROM checklist_item WHERE engagement_id = ?",
    )?;
    stmt.query_map([engagement], |r| {
        let status: String = r.get(2)?;
        Ok(ChecklistRow {
            id: r.get(0)?,
            catalog_ref: r.get(1)?,
            status: status.parse().unwrap_or_default(),
            note: r.get(3)?,
            done_at: r.get(4)?,
            done_by: r.get(5)?,
        })
    })?
    .map(|r| r.map(|row| (row.catalog_ref.clone(), row)))
    .collect()
}

pub fn row(conn: &Connection, engagement: i64, catalog_ref: &str) -> rusqlite::Result<Option<ChecklistRow>> {
    Ok(rows(conn, engagement)?.remove(catalog_ref))
}

/// Adds an open row for every workflow and agreement item of the catalog that the engagement lacks.
pub fn seed(w: &mut Writer<'_>, engagement: i64) -> rusqlite::Result<usize> {
    let have: Vec<String> = w
        .tx()
        .prepare_cached("SELECT catalog_ref FROM checklist_item WHERE engagement_id = ?")?
        .query_map([engagement], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut added = 0;
    for item in catalog::catalog().items.iter().filter(|i| i.has_use(Use::Workflow) || i.has_use(Use::Agreement)) {
        if !have.contains(&item.id) {
            w.insert(
                Table::ChecklistItem,
                &[("engagement_id", Value::Int(engagement)), ("catalog_ref", Value::text(&item.id))],
            )?;
            added += 1;
        }
    }
    Ok(added)
}

fn row_id(w: &Writer<'_>, engagement: i64, catalog_ref: &str) -> rusqlite::Result<Option<i64>> {
    w.tx()
        .query_row(
            "SELECT id FROM checklist_item WHERE engagement_id = ? AND catalog_ref = ?",
            rusqlite::params![engagement, catalog_ref],
            |r| r.get(0),
        )
        .optional()
}

/// Sets an item's status; done records today and the assessor, anything else clears them.
pub fn set_status(
    w: &mut Writer<'_>,
    engagement: i64,
    catalog_ref: &str,
    status: CheckStatus,
    today: &str,
) -> rusqlite::Result<()> {
    let (done_at, done_by) = match status {
        CheckStatus::Open => (Value::Null, Value::Null),
        _ => (Value::text(today), Value::text(w.assessor())),
    };
    let values = [("status", Value::text(status.as_ref())), ("done_at", done_at), ("done_by", done_by)];
    match row_id(w, engagement, catalog_ref)? {
        Some(id) => w.update(Table::ChecklistItem, id, &values).map(drop),
        None => {
            let mut all = vec![("engagement_id", Value::Int(engagement)), ("catalog_ref", Value::text(catalog_ref))];
            all.extend(values);
            w.insert(Table::ChecklistItem, &all).map(drop)
        }
    }
}

pub fn set_note(w: &mut Writer<'_>, engagement: i64, catalog_ref: &str, note: Value) -> rusqlite::Result<()> {
    match row_id(w, engagement, catalog_ref)? {
        Some(id) => w.update(Table::ChecklistItem, id, &[("note", note)]).map(drop),
        None => w
            .insert(
                Table::ChecklistItem,
                &[("engagement_id", Value::Int(engagement)), ("catalog_ref", Value::text(catalog_ref)), ("note", note)],
            )
            .map(drop),
    }
}

/// A phase change as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseChange {
    /// Its short number within the engagement (PH-2).
    pub number: i64,
    pub from: String,
    pub to: String,
    pub reason: Option<String>,
    pub open_items: i64,
    pub open_refs: Vec<String>,
    pub by: String,
    pub at: String,
}

/// Moves an engagement to `to`, recording the change, the open items left behind and the reason.
pub fn change_phase(
    w: &mut Writer<'_>,
    engagement: i64,
    from: Phase,
    to: Phase,
    open_refs: &[String],
    reason: Option<&str>,
) -> rusqlite::Result<()> {
    w.update(Table::Engagement, engagement, &[("phase", Value::text(to.as_ref()))])?;
    let by = w.assessor().to_string();
    w.insert(
        Table::PhaseChange,
        &[
            ("engagement_id", Value::Int(engagement)),
            ("from_phase", Value::text(from.as_ref())),
            ("to_phase", Value::text(to.as_ref())),
            ("reason", Value::from(reason)),
            ("open_items", Value::Int(open_refs.len() as i64)),
            ("open_refs", Value::text(serde_json::to_string(open_refs).unwrap_or_default())),
            ("changed_by", Value::text(by)),
        ],
    )?;
    Ok(())
}

pub fn phase_changes(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<PhaseChange>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_phase, to_phase, reason, open_items, open_refs, changed_by, created_at, number FROM phase_change
         WHERE engagement_id = ? ORDER BY id",
    )?;
    stmt.query_map([engagement], |r| {
        let refs: Option<String> = r.get(4)?;
        Ok(PhaseChange {
            number: super::refs::number(r, 7)?,
            from: r.get(0)?,
            to: r.get(1)?,
            reason: r.get(2)?,
            open_items: r.get(3)?,
            open_refs: refs.and_then(|s| serde_json::from_str(&s).ok()).unwrap_or_default(),
            by: r.get(5)?,
            at: r.get(6)?,
        })
    })?
    .collect()
}

/// Where an engagement uses a catalog item: its checklist state, the criteria and the risks citing it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Usage {
    pub checklist: Option<ChecklistRow>,
    /// (text, weight, must-have)
    pub criteria: Vec<(String, i64, bool)>,
    /// (title, likelihood, highest impact)
    pub risks: Vec<(String, i64, i64)>,
    /// The journal entries linked to the engagement's checklist item, in the order they were said.
    pub journal: Vec<super::journal::Entry>,
}

pub fn usage(conn: &Connection, engagement: i64, catalog_ref: &str) -> rusqlite::Result<Usage> {
    let criteria = conn
        .prepare_cached("SELECT text, weight, must_have FROM criterion WHERE engagement_id = ? AND catalog_ref = ?")?
        .query_map(rusqlite::params![engagement, catalog_ref], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get::<_, i64>(2)? != 0))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let risks = conn
        .prepare_cached(
            "SELECT title, likelihood, max(impact_c, impact_i, impact_a) FROM risk
             WHERE engagement_id = ? AND catalog_ref = ? ORDER BY id",
        )?
        .query_map(rusqlite::params![engagement, catalog_ref], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let checklist = row(conn, engagement, catalog_ref)?;
    let journal = match &checklist {
        Some(r) => super::journal::for_record(conn, Table::ChecklistItem, r.id)?,
        None => Vec::new(),
    };
    Ok(Usage { checklist, criteria, risks, journal })
}
