//! A checked bundle applied to a workspace in one transaction.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::{EngagementRows, ImportError, MAX_ID, Progress, Row, SPECS, Spec, by_uuid, check, place};
use crate::domain::Value;
use crate::store::{Store, Table};

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Imported {
    pub engagements: usize,
    /// Every row of the bundle.
    pub rows: usize,
    /// Rows the workspace did not hold.
    pub added: usize,
    /// Rows it held (the same UUID) with some field changed: only those fields were written.
    pub updated: usize,
    /// Rows it held as they are in the bundle.
    pub unchanged: usize,
    /// Rows added under another short number, theirs being taken in the workspace.
    pub renumbered: usize,
    /// Evidence files whose content was stored (content the workspace held already is not counted).
    pub files: usize,
}

/// Applies checked engagements in one transaction: a row whose UUID the workspace holds is updated, any other
/// added with its UUID (and its short number, unless taken). Rows may come as [`parse`] gives them or as [`read`]
/// gives them.
pub fn restore(
    store: &mut Store,
    engagements: &[EngagementRows],
    progress: Progress<'_>,
) -> Result<Imported, ImportError> {
    restore_with_content(store, engagements, &[], progress)
}

/// [`restore`], storing in the same transaction the content of the evidence files a bundle carries (checked by
/// [`super::parse_with_content`]) that the workspace does not hold yet.
pub fn restore_with_content(
    store: &mut Store,
    engagements: &[EngagementRows],
    content: &[super::content::ContentIn<'_>],
    progress: Progress<'_>,
) -> Result<Imported, ImportError> {
    use crate::store::ids;
    let mut seen = HashMap::new();
    let engagements: Vec<EngagementRows> = engagements
        .iter()
        .enumerate()
        .map(|(e, eng)| if is_by_uuid(eng) { Ok(eng.clone()) } else { by_uuid(e, eng, &mut seen) })
        .collect::<Result<_, _>>()?;
    check(&engagements)?;
    let sql_err = |e: rusqlite::Error| ImportError { place: String::new(), message: e.to_string() };
    let conn = store.conn();
    // Where each row goes: the row of the workspace with its UUID, or a new id above the highest in use.
    let mut next: HashMap<Table, i64> = HashMap::new();
    for spec in SPECS {
        let max: i64 = conn
            .query_row(&format!("SELECT coalesce(max(id), 0) FROM {}", spec.table.name()), [], |r| r.get(0))
            .map_err(sql_err)?;
        next.insert(spec.table, max);
    }
    let mut plans: Vec<Vec<Vec<(i64, bool)>>> = Vec::with_capacity(engagements.len());
    let mut local: HashMap<(Table, String), i64> = HashMap::new();
    for (e, eng) in engagements.iter().enumerate() {
        let mut eng_plan = Vec::with_capacity(SPECS.len());
        let mut home: Option<i64> = None;
        for (spec, rows) in SPECS.iter().zip(&eng.tables) {
            let mut table_plan = Vec::with_capacity(rows.len());
            for (i, row) in rows.iter().enumerate() {
                let uuid = uuid::Uuid::parse_str(&row.uuid()).map_err(|_| ImportError {
                    place: place(e, spec, i, row, "id"),
                    message: format!("expected a UUID, found \"{}\"", row.uuid()),
                })?;
                let held = ids::row_of(conn, spec.table, &uuid).map_err(sql_err)?;
                let entry = match held {
                    Some(id) => {
                        if spec.table == Table::Engagement {
                            home = Some(id);
                        } else {
                            // The row the workspace holds must be of the same engagement.
                            let theirs: Option<i64> = conn
                                .query_row(
                                    &format!(
                                        "SELECT 1 FROM {} WHERE id = ?2 AND {}",
                                        spec.table.name(),
                                        ids::in_engagement(spec.table)
                                    ),
                                    rusqlite::params![home.unwrap_or(0), id],
                                    |r| r.get(0),
                                )
                                .optional()
                                .map_err(sql_err)?;
                            if theirs.is_none() {
                                return Err(ImportError {
                                    place: place(e, spec, i, row, "id"),
                                    message: format!(
                                        "the workspace holds this {} under another engagement: a bundle's row cannot \
                                         move between engagements",
                                        spec.noun
                                    ),
                                });
                            }
                        }
                        (id, true)
                    }
                    None => {
                        let n = next.entry(spec.table).or_default();
                        *n = n.checked_add(1).filter(|n| *n <= MAX_ID).ok_or_else(|| ImportError {
                            place: String::new(),
                            message: format!("no ids left for new {} rows", spec.noun),
                        })?;
                        (*n, false)
                    }
                };
                local.insert((spec.table, row.uuid()), entry.0);
                table_plan.push(entry);
            }
            eng_plan.push(table_plan);
        }
        plans.push(eng_plan);
    }
    let total: usize = engagements.iter().flat_map(|e| &e.tables).map(Vec::len).sum();
    let mut current = String::new();
    let mut done = Imported { engagements: engagements.len(), rows: total, ..Imported::default() };
    let result = store.write(|w| {
        w.defer_foreign_keys()?;
        let mut n = 0;
        for (e, (eng, plan)) in engagements.iter().zip(&plans).enumerate() {
            let home = plan[0].first().map_or(0, |(id, _)| *id);
            for ((spec, rows), table_plan) in SPECS.iter().zip(&eng.tables).zip(plan) {
                for (i, (row, (id, held))) in rows.iter().zip(table_plan).enumerate() {
                    current = place(e, spec, i, row, "").trim_end_matches(", ").to_string();
                    let mut values = local_values(spec, row, &local);
                    if *held {
                        // Identity stays as the workspace has it; the rest follows the bundle.
                        values.retain(|(c, _)| !matches!(*c, "id" | "uuid" | "number" | "created_at" | "updated_at"));
                        if w.update(spec.table, *id, &values)? > 0 {
                            done.updated += 1;
                        } else {
                            done.unchanged += 1;
                        }
                    } else {
                        if let Some(number) = row.get("number").as_i64() {
                            let scope = if spec.table == Table::Engagement { None } else { Some(home) };
                            if number_taken(w.tx(), spec.table, scope, number)? {
                                values.retain(|(c, _)| *c != "number");
                                done.renumbered += 1;
                            }
                        }
                        values.retain(|(c, _)| *c != "id");
                        values.push(("id", Value::Int(*id)));
                        w.restore(spec.table, &values)?;
                        done.added += 1;
                    }
                    n += 1;
                    if n % 500 == 0 || n == total {
                        progress(n, total);
                    }
                }
            }
        }
        current = "evidence_content".to_string();
        done.files = super::content::store(w.tx(), content)?;
        Ok(())
    });
    match result {
        Ok(()) => Ok(done),
        Err(e) => Err(ImportError { place: current, message: format!("not imported: {e}") }),
    }
}

/// Whether an engagement's rows already name each other by UUID (as [`parse`] gives them).
fn is_by_uuid(eng: &EngagementRows) -> bool {
    eng.tables.iter().flatten().all(|r| r.get("id").is_null() && !r.get("uuid").is_null())
}

/// A row's values as the workspace stores them: references by the local ids of the rows they name.
fn local_values(spec: &'static Spec, row: &Row, local: &HashMap<(Table, String), i64>) -> Vec<(&'static str, Value)> {
    let targets = row.targets();
    spec.cols
        .iter()
        .zip(&row.values)
        .map(|(c, v)| {
            let v = match (targets.iter().find(|(col, _)| *col == c.name), v) {
                (Some((_, t)), Value::Text(u)) => local.get(&(*t, u.clone())).map_or(Value::Null, |id| Value::Int(*id)),
                _ => v.clone(),
            };
            (c.name, v)
        })
        .collect()
}

/// Whether a row of `table` in engagement `scope` (the workspace, for engagements) already has this number.
fn number_taken(conn: &Connection, table: Table, scope: Option<i64>, number: i64) -> rusqlite::Result<bool> {
    let sql = match scope {
        Some(_) => format!(
            "SELECT EXISTS (SELECT 1 FROM {} WHERE number = ?1 AND {})",
            table.name(),
            crate::store::ids::in_engagement(table).replace("?1", "?2")
        ),
        None => format!("SELECT EXISTS (SELECT 1 FROM {} WHERE number = ?1)", table.name()),
    };
    match scope {
        Some(e) => conn.query_row(&sql, rusqlite::params![number, e], |r| r.get(0)),
        None => conn.query_row(&sql, [number], |r| r.get(0)),
    }
}
