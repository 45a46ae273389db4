//! A bundle's rows checked before anything is written: every id given once, every reference to a row of the same
//! engagement, every value as its form would take it; and rows that name each other by integer id (format 1, or as
//! read from a workspace) turned into rows that name each other by UUID.

use std::collections::{HashMap, HashSet};

use super::{EngagementRows, ImportError, Row, SPECS, Spec};
use crate::domain::fields::{FieldKind, FieldSpec};
use crate::domain::{Risk, Value};
use crate::store::Table;

/// An engagement's rows with every reference given by UUID, as an import applies them. Rows as read from a
/// workspace, or from a format 1 bundle, name each other by integer id: those references become the UUIDs of the
/// rows named, and a row without a UUID (format 1) gets one — derived from its natural key where it has one, as
/// the write path would give it, so the same score has the same UUID whichever way it came in. `seen` holds the
/// integer ids of the engagements before, which must not come again.
pub(super) fn by_uuid(
    e: usize,
    eng: &EngagementRows,
    seen: &mut HashMap<Table, HashSet<i64>>,
) -> Result<EngagementRows, ImportError> {
    use crate::store::ids;
    let mut uuids: HashMap<(Table, i64), String> = HashMap::new();
    let mut out = eng.clone();
    for (spec, rows) in SPECS.iter().zip(out.tables.iter_mut()) {
        let ids_seen = seen.entry(spec.table).or_default();
        for (i, row) in rows.iter_mut().enumerate() {
            if row.get("uuid").is_null() {
                if !ids_seen.insert(row.id()) {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "id"),
                        message: format!("duplicate id: another {} has id {}", spec.noun, row.id()),
                    });
                }
                let parent = |t: Table, col: &str| -> Result<Option<uuid::Uuid>, std::convert::Infallible> {
                    Ok(row
                        .get(col)
                        .as_i64()
                        .and_then(|id| uuids.get(&(t, id)))
                        .and_then(|u| uuid::Uuid::parse_str(u).ok()))
                };
                let Ok(natural) = ids::natural_of(spec.table, |col| row.get(col).to_string(), parent);
                row.set("uuid", Value::Text(natural.unwrap_or_else(ids::fresh).to_string()));
            }
            if !row.get("id").is_null() {
                uuids.insert((spec.table, row.id()), row.uuid());
            }
        }
    }
    for (spec, rows) in SPECS.iter().zip(out.tables.iter_mut()) {
        for (i, row) in rows.iter_mut().enumerate() {
            for (col, target) in row.targets() {
                let Value::Int(id) = *row.get(col) else { continue };
                let Some(uuid) = uuids.get(&(target, id)) else {
                    let what = SPECS.iter().find(|s| s.table == target).map_or("row", |s| s.noun);
                    return Err(ImportError {
                        place: place(e, spec, i, row, col),
                        message: format!("unknown id: no {what} with id {id} in this engagement of the bundle"),
                    });
                };
                row.set(col, Value::Text(uuid.clone()));
            }
            row.set("id", Value::Null);
        }
    }
    Ok(out)
}

/// The fields of the forms that edit a table's rows (their keys are the table's columns).
fn form_fields(table: Table) -> Vec<FieldSpec> {
    use crate::domain::assets::{Asset, Grant};
    use crate::domain::vetting::{RoleConflict, TeamMember, VettingCheck};
    use crate::domain::{Criterion, Engagement, Provider};
    let lists: &[&[FieldSpec]] = match table {
        Table::Engagement => &[Engagement::FIELDS],
        Table::Provider => &[Provider::FIELDS],
        Table::Criterion => &[Criterion::FIELDS],
        Table::Risk => &[Risk::FIELDS, Risk::ACCEPTANCE_FIELDS],
        Table::TeamMember => &[TeamMember::FIELDS],
        Table::VettingCheck => &[VettingCheck::FIELDS],
        Table::Asset => &[Asset::FIELDS],
        Table::AccessGrant => &[Grant::FIELDS],
        Table::RoleConflict => &[RoleConflict::FIELDS],
        _ => &[],
    };
    lists.iter().flat_map(|l| l.iter().copied()).collect()
}

pub(super) fn place(e: usize, spec: &Spec, i: usize, row: &Row, col: &str) -> String {
    let col = match col {
        "number" => "ref",
        "uuid" => "id",
        c => c,
    };
    if spec.table == Table::Engagement {
        format!("engagements[{e}].engagement ({}), {col}", row.label())
    } else {
        format!("engagements[{e}].{}[{i}] ({}), {col}", spec.key, row.label())
    }
}

/// UUIDs unique per table across the bundle, short references unique within an engagement, and references to rows
/// of the same engagement (rows as [`by_uuid`] gives them).
pub(super) fn check(engagements: &[EngagementRows]) -> Result<(), ImportError> {
    // Which engagement of the bundle holds each UUID, per table.
    let mut owner: HashMap<(Table, String), usize> = HashMap::new();
    for (e, eng) in engagements.iter().enumerate() {
        for (spec, rows) in SPECS.iter().zip(&eng.tables) {
            let mut numbers: HashSet<i64> = HashSet::new();
            for (i, row) in rows.iter().enumerate() {
                if owner.insert((spec.table, row.uuid()), e).is_some() {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "id"),
                        message: format!("duplicate id: another {} has id {}", spec.noun, row.uuid()),
                    });
                }
                if let Some(n) = row.get("number").as_i64()
                    && !numbers.insert(n)
                {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "number"),
                        message: format!("duplicate ref: another {} of this engagement is {}", spec.noun, row.label()),
                    });
                }
            }
        }
    }
    for (e, eng) in engagements.iter().enumerate() {
        let mut pairs: HashSet<(Table, String)> = HashSet::new();
        for (spec, rows) in SPECS.iter().zip(&eng.tables) {
            for (i, row) in rows.iter().enumerate() {
                let link = crate::store::schema::named_link(spec.table);
                if let Some((table_col, _)) = link
                    && let Value::Text(t) = row.get(table_col)
                    && !t.parse::<Table>().is_ok_and(|t| SPECS.iter().any(|s| s.table == t))
                {
                    return Err(ImportError {
                        place: place(e, spec, i, row, table_col),
                        message: format!("unknown table \"{t}\""),
                    });
                }
                for (col, target) in row.targets() {
                    let Value::Text(uuid) = row.get(col) else { continue };
                    let what = SPECS.iter().find(|s| s.table == target).map_or("row", |s| s.noun);
                    match owner.get(&(target, uuid.clone())) {
                        Some(o) if *o == e => {}
                        Some(o) => {
                            return Err(ImportError {
                                place: place(e, spec, i, row, col),
                                message: format!(
                                    "{uuid} is a {what} of another engagement of the bundle (engagements[{o}]): a \
                                     row refers only to rows of its own engagement"
                                ),
                            });
                        }
                        None => {
                            return Err(ImportError {
                                place: place(e, spec, i, row, col),
                                message: format!(
                                    "unknown id: no {what} with id {uuid} in this engagement of the bundle"
                                ),
                            });
                        }
                    }
                }
                // Text no longer than its form's field takes.
                for f in form_fields(spec.table) {
                    if let (FieldKind::Text { max }, Value::Text(t)) = (f.kind, row.get(f.key))
                        && t.chars().count() > max
                    {
                        return Err(ImportError {
                            place: place(e, spec, i, row, f.key),
                            message: format!("too long: {} characters (at most {max})", t.chars().count()),
                        });
                    }
                }
                // A risk as its form would take it: a residual rating given in full, a review after the acceptance.
                if spec.table == Table::Risk {
                    let values: Vec<(&str, Value)> =
                        spec.cols.iter().map(|c| c.name).zip(row.values.iter().cloned()).collect();
                    if let Err((key, message)) = Risk::check(&values).and_then(|()| Risk::check_acceptance(&values)) {
                        return Err(ImportError { place: place(e, spec, i, row, key), message });
                    }
                }
                // The schema's unique pairs.
                let unique = match spec.table {
                    Table::Score => Some(format!("{}/{}", row.get("provider_id"), row.get("criterion_id"))),
                    Table::VettingCheck => Some(format!("{}/{}", row.get("member_id"), row.get("kind"))),
                    Table::ChecklistItem => Some(row.get("catalog_ref").to_string()),
                    _ => None,
                };
                if let Some(key) = unique
                    && !pairs.insert((spec.table, key))
                {
                    return Err(ImportError {
                        place: place(e, spec, i, row, "id"),
                        message: format!("duplicate {}: the same one is listed twice", spec.noun),
                    });
                }
            }
        }
    }
    Ok(())
}
