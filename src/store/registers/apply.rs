//! Writing an import's plan in one transaction, as the forms would write each record.

use chrono::NaiveDate;

use super::Register;
use super::idents::Idents;
use super::import::plan;
use super::plan::{Applied, CellError, Matched, Op, Options, Plan, RowIdentity, Table2, Unnamed};
use crate::domain::Value;
use crate::domain::scorecard::MAX_SCORE;
use crate::store::bundle::Progress;
use crate::store::{Store, Table, Writer, scores};

/// Applies a plan in one transaction, all or nothing. Refuses while a natural key is ambiguous.
pub fn apply(
    store: &mut Store,
    engagement: i64,
    plan: &Plan,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    write_plan(store, engagement, plan, today, progress).map(|(applied, _)| applied)
}

/// Applies a plan as [`apply`] does, and gives the identity of the record each row without an id now stands for
/// (its UUID and short reference, as the write path gave them to a record it added), sheet by sheet in the order
/// of the file's rows. The outer error means nothing was written; the inner one that the plan was applied but the
/// identities could not be read back (the message says so).
pub fn apply_and_identify(
    store: &mut Store,
    engagement: i64,
    plan: &Plan,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<(Applied, Result<Vec<RowIdentity>, CellError>), CellError> {
    let (applied, added) = write_plan(store, engagement, plan, today, progress)?;
    Ok((applied, identify(store, engagement, plan, &added)))
}

/// The identity of the record of each row without an id, once the plan is applied; `added` holds the row ids of
/// the records each sheet added, in order.
fn identify(store: &Store, engagement: i64, plan: &Plan, added: &[Vec<i64>]) -> Result<Vec<RowIdentity>, CellError> {
    let idents = Idents::load(store.conn(), engagement).map_err(|e| CellError {
        source: String::new(),
        row: None,
        column: None,
        message: format!("the records' ids could not be read back: {e}"),
    })?;
    let mut out = Vec::new();
    for (n, (s, added)) in plan.sheets.iter().zip(added).enumerate() {
        let table = s.register.table();
        for (line, unnamed) in &s.unnamed {
            let (id, matched) = match unnamed {
                Unnamed::Matched(id, how) => (Some(*id), *how),
                Unnamed::Added(k) => (added.get(*k).copied(), Matched::Added),
            };
            let Some((id, uuid)) = id.and_then(|id| Some((id, idents.uuid(table, id)?))) else {
                return Err(CellError {
                    source: s.source.clone(),
                    row: Some(*line),
                    column: None,
                    message: "the record of this row has no id to write back".into(),
                });
            };
            out.push(RowIdentity { sheet: n, line: *line, matched, uuid, reference: idents.short(table, id) });
        }
    }
    Ok(out)
}

/// Writes a plan in one transaction; gives what was done and, sheet by sheet, the row ids of the records added.
fn write_plan(
    store: &mut Store,
    engagement: i64,
    plan: &Plan,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<(Applied, Vec<Vec<i64>>), CellError> {
    if let Some(s) = plan.sheets.iter().find(|s| !s.ambiguous.is_empty()) {
        return Err(CellError {
            source: s.source.clone(),
            row: None,
            column: None,
            message: format!("ambiguous rows, so nothing was matched: {}", s.ambiguous.join("; ")),
        });
    }
    let total: usize = plan.sheets.iter().map(|s| s.ops.len()).sum();
    let day = today.to_string();
    let result = store.write(|w| {
        let mut applied = Applied::default();
        let mut added = Vec::new();
        let mut done = 0;
        for s in &plan.sheets {
            let register = s.register;
            let mut ids = Vec::new();
            applied.unchanged += s.unchanged;
            for op in &s.ops {
                match op {
                    Op::Insert { values, checks, scores: cells } => {
                        let mut all = values.clone();
                        if register.has_engagement() {
                            all.insert(0, ("engagement_id", Value::Int(engagement)));
                        }
                        stamp(w, register, &mut all, &day);
                        let id = w.insert(register.table(), &all)?;
                        set_checks(w, id, checks)?;
                        set_scores(w, id, cells)?;
                        ids.push(id);
                        applied.added += 1;
                    }
                    Op::Update { id, values, checks, scores: cells } => {
                        let mut all = values.clone();
                        stamp(w, register, &mut all, &day);
                        w.update(register.table(), *id, &all)?;
                        set_checks(w, *id, checks)?;
                        set_scores(w, *id, cells)?;
                        applied.updated += 1;
                    }
                    Op::Delete { id } => {
                        w.delete(register.table(), *id)?;
                        applied.removed += 1;
                    }
                }
                done += 1;
                if done % 200 == 0 || done == total {
                    progress(done, total);
                }
            }
            added.push(ids);
        }
        Ok((applied, added))
    });
    result.map_err(|e| CellError {
        source: String::new(),
        row: None,
        column: None,
        message: format!("not imported: {e}"),
    })
}

/// What a change of status records besides, as the forms do: who decided on a provider and when, when a checklist
/// item was done and by whom.
fn stamp(w: &Writer<'_>, register: Register, values: &mut Vec<(&'static str, Value)>, today: &str) {
    let Some(status) = values.iter().find(|(k, _)| *k == "status").map(|(_, v)| v.to_string()) else { return };
    match register {
        Register::Providers => {
            let decided = crate::domain::provider::is_decision(&status);
            values.push(("decided_by", if decided { Value::text(w.assessor()) } else { Value::Null }));
            values.push(("decided_at", if decided { Value::text(w.now()) } else { Value::Null }));
        }
        Register::Checklist => {
            let open = status == "open";
            values.push(("done_at", if open { Value::Null } else { Value::text(today) }));
            values.push(("done_by", if open { Value::Null } else { Value::text(w.assessor()) }));
        }
        _ => {}
    }
}

/// Sets a criterion's scores: a number scores the cell, a blank clears it.
fn set_scores(w: &mut Writer<'_>, criterion: i64, cells: &[(i64, Option<i64>)]) -> rusqlite::Result<()> {
    for (provider, score) in cells {
        match score {
            Some(s) => {
                scores::set(w, *provider, criterion, u8::try_from(*s).unwrap_or(MAX_SCORE))?;
            }
            None => {
                scores::clear(w, *provider, criterion)?;
            }
        }
    }
    Ok(())
}

/// Imports the rows of `table` into `register` of `engagement`, all or nothing; records the file leaves out stay.
pub fn import(
    store: &mut Store,
    engagement: i64,
    register: Register,
    table: &Table2,
    source: &str,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    import_many(store, engagement, &[(register, table, source)], today, progress)
}

/// Imports several tables (the sheets of a workbook) in one transaction; records the files leave out stay.
pub fn import_many(
    store: &mut Store,
    engagement: i64,
    tables: &[(Register, &Table2, &str)],
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    let p = plan(store.conn(), engagement, tables, today, Options::default())?;
    apply(store, engagement, &p, today, progress)
}

/// Sets the status of a member's checks, adding the checks not yet recorded. Returns how many changed.
fn set_checks(w: &mut Writer<'_>, member: i64, checks: &[(&'static str, Value)]) -> rusqlite::Result<usize> {
    let mut changed = 0;
    for (kind, status) in checks {
        let existing: Option<i64> = rusqlite::OptionalExtension::optional(w.tx().query_row(
            "SELECT id FROM vetting_check WHERE member_id = ? AND kind = ?",
            rusqlite::params![member, kind],
            |r| r.get(0),
        ))?;
        match existing {
            Some(id) => changed += w.update(Table::VettingCheck, id, &[("status", status.clone())])?,
            None => {
                w.insert(
                    Table::VettingCheck,
                    &[("member_id", Value::Int(member)), ("kind", Value::text(*kind)), ("status", status.clone())],
                )?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}
