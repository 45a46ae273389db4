//! Every table's columns, declared once: their names in schema order and the type each holds, with the rows a
//! column refers to. The bundle writes and checks rows by this declaration; the registers' stored columns are
//! columns of it; a test keeps it equal to the schema the migrations create.

use strum::VariantNames;

use super::{CASCADES, SET_NULLS, Table};
use crate::domain::assets::{ASSET_KINDS, Disposition, GRANT_KINDS};
use crate::domain::engagement::{Classification, OVERALL_RATINGS};
use crate::domain::fields::{LONG_TEXT_MAX, is_iso_date};
use crate::domain::provider::PROVIDER_STATUSES;
use crate::domain::risk::Treatment;
use crate::domain::risk_entity::TREATMENT_STATUSES;
use crate::domain::scorecard::MAX_WEIGHT;
use crate::domain::vetting::{CheckKind, CheckStatus};
use crate::domain::workflow::CheckStatus as ChecklistStatus;
use crate::domain::{ENGAGEMENT_STATUSES, Phase, Value};

/// The type a column holds, as the bundle checks it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    Int,
    OptInt,
    /// A whole number within bounds (inclusive).
    Range(i64, i64),
    OptRange(i64, i64),
    Text,
    OptText,
    Enum(&'static [&'static str]),
    OptEnum(&'static [&'static str]),
    /// A calendar date, `YYYY-MM-DD` (the forms' shorthands such as `t` or `+30` are not dates in a file).
    OptDate,
    /// A moment: an RFC 3339 time, or a `YYYY-MM-DD` date.
    Stamp,
    OptStamp,
    /// The id of an item of the built-in catalog.
    CatalogRef,
    OptCatalogRef,
    /// A record's UUID, as text (`0193b2c4-…`).
    Uuid,
    OptUuid,
    /// Yes or no: 0 or 1 in the database and in format 1 bundles, `true` or `false` from format 2 on.
    Flag,
}

/// The highest id a bundle may carry: the largest whole number JSON tools keep exactly (2^53 − 1). Well below
/// i64::MAX, so the new ids an import gives (above the highest in use) can never run past the end.
pub const MAX_ID: i64 = 9_007_199_254_740_991;

impl Kind {
    pub fn nullable(self) -> bool {
        matches!(
            self,
            Kind::OptInt
                | Kind::OptRange(..)
                | Kind::OptText
                | Kind::OptEnum(_)
                | Kind::OptDate
                | Kind::OptStamp
                | Kind::OptCatalogRef
                | Kind::OptUuid
        )
    }

    pub fn describe(self) -> String {
        let base = match self {
            Kind::Int | Kind::OptInt => "a whole number".to_string(),
            Kind::Range(lo, hi) | Kind::OptRange(lo, hi) => format!("a whole number from {lo} to {hi}"),
            Kind::Text | Kind::OptText => "text".to_string(),
            Kind::Enum(o) | Kind::OptEnum(o) => crate::domain::fields::choices(o),
            Kind::OptDate => "a date as YYYY-MM-DD".to_string(),
            Kind::Stamp | Kind::OptStamp => {
                "a time as RFC 3339 (2026-11-23T09:00:00Z) or a date as YYYY-MM-DD".to_string()
            }
            Kind::CatalogRef | Kind::OptCatalogRef => "the id of an item of the catalog".to_string(),
            Kind::Uuid | Kind::OptUuid => "a UUID (such as 0193b2c4-6d1e-7a2b-9c3d-4e5f60718293)".to_string(),
            Kind::Flag => "true or false".to_string(),
        };
        if self.nullable() { format!("{base} or null") } else { base }
    }

    /// Checks a value; the error says what was expected.
    pub fn check(self, v: &Value) -> Result<(), String> {
        let ok = match (self, v) {
            (k, Value::Null) => k.nullable(),
            (Kind::Int | Kind::OptInt, Value::Int(_)) => true,
            (Kind::Range(lo, hi) | Kind::OptRange(lo, hi), Value::Int(i)) => (lo..=hi).contains(i),
            (Kind::Text | Kind::OptText, Value::Text(t)) => {
                let n = t.chars().count();
                if n > LONG_TEXT_MAX {
                    return Err(format!("too long: {n} characters (at most {LONG_TEXT_MAX})"));
                }
                true
            }
            (Kind::Enum(o) | Kind::OptEnum(o), Value::Text(t)) => o.contains(&t.as_str()),
            (Kind::OptDate, Value::Text(t)) => is_iso_date(t),
            (Kind::Stamp | Kind::OptStamp, Value::Text(t)) => {
                is_iso_date(t) || chrono::DateTime::parse_from_rfc3339(t).is_ok()
            }
            (Kind::CatalogRef | Kind::OptCatalogRef, Value::Text(t)) => crate::catalog::catalog().get(t).is_some(),
            (Kind::Uuid | Kind::OptUuid, Value::Text(t)) => uuid::Uuid::parse_str(t).is_ok_and(|u| !u.is_nil()),
            (Kind::Flag, Value::Int(i)) => (0..=1).contains(i),
            _ => false,
        };
        if ok {
            Ok(())
        } else {
            let found = match v {
                Value::Null => "null".to_string(),
                Value::Int(i) => i.to_string(),
                Value::Real(r) => r.to_string(),
                Value::Text(t) => format!("\"{}\"", t.chars().take(40).collect::<String>()),
            };
            Err(format!("expected {}, found {found}", self.describe()))
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Col {
    pub name: &'static str,
    pub kind: Kind,
}

const fn c(name: &'static str, kind: Kind) -> Col {
    Col { name, kind }
}

/// One table as the bundle holds it: its key in an engagement's object and its columns, in schema order.
#[derive(Debug)]
pub struct Spec {
    pub table: Table,
    pub key: &'static str,
    /// The row this table's rows name in messages ("risk").
    pub noun: &'static str,
    pub cols: &'static [Col],
}

const PHASES: &[&str] = Phase::ALL;
const STAMPS: [Col; 2] = [c("created_at", Kind::Stamp), c("updated_at", Kind::Stamp)];
/// A row's own id.
const ID: Kind = Kind::Range(1, MAX_ID);
/// A count, never below zero.
const COUNT: Kind = Kind::Range(0, MAX_ID);

/// A record's short number within its engagement (within the workspace for an engagement).
const NUMBER: Kind = Kind::Range(1, MAX_ID);

/// The columns of a numbered record: its id, its own, the stamps, its UUID and its short number (schema order).
macro_rules! cols {
    ($($name:literal : $kind:expr),* $(,)?) => {
        &[c("id", ID), $(c($name, $kind),)* STAMPS[0], STAMPS[1], c("uuid", Kind::Uuid), c("number", NUMBER)]
    };
}

/// The columns of a numbered record whose table grew after step 7 (which put the identity columns last): as
/// [`cols!`], then the later columns, after `;`.
macro_rules! cols_then {
    ($($name:literal : $kind:expr),* ; $($later:literal : $lkind:expr),* $(,)?) => {
        &[c("id", ID), $(c($name, $kind),)* STAMPS[0], STAMPS[1], c("uuid", Kind::Uuid), c("number", NUMBER),
          $(c($later, $lkind),)*]
    };
}

/// The columns of a row identified by a natural key: as [`cols!`], without a short number.
macro_rules! natural_cols {
    ($($name:literal : $kind:expr),* $(,)?) => {
        &[c("id", ID), $(c($name, $kind),)* STAMPS[0], STAMPS[1], c("uuid", Kind::Uuid)]
    };
}

pub static ENGAGEMENT: Spec = Spec {
    table: Table::Engagement,
    key: "engagement",
    noun: "engagement",
    cols: cols_then![
        "name": Kind::Text, "service": Kind::OptText, "scope": Kind::OptText, "objective": Kind::OptText,
        "business_owner": Kind::OptText, "phase": Kind::Enum(PHASES), "start_date": Kind::OptDate,
        "planned_end": Kind::OptDate, "status": Kind::Enum(ENGAGEMENT_STATUSES);
        "conclusion": Kind::OptText, "overall_rating": Kind::OptEnum(OVERALL_RATINGS), "approach": Kind::OptText,
        "limitations": Kind::OptText, "reviewer": Kind::OptText, "distribution": Kind::OptText,
        "classification": Kind::Enum(Classification::ALL),
    ],
};

pub static PROVIDER: Spec = Spec {
    table: Table::Provider,
    key: "providers",
    noun: "provider",
    cols: cols![
        "engagement_id": Kind::Int, "name": Kind::Text,
        "status": Kind::Enum(PROVIDER_STATUSES),
        "cert_body": Kind::OptText, "cert_number": Kind::OptText, "cert_expiry": Kind::OptDate,
        "cert_scope": Kind::OptText, "scope_covers_service": Kind::Flag, "agrees_policies": Kind::Flag,
        "agrees_audit": Kind::Flag, "focal_point": Kind::OptText, "decision_reason": Kind::OptText,
        "decided_by": Kind::OptText, "decided_at": Kind::OptStamp,
    ],
};

pub static CRITERION: Spec = Spec {
    table: Table::Criterion,
    key: "criteria",
    noun: "criterion",
    cols: cols![
        "engagement_id": Kind::Int, "catalog_ref": Kind::OptCatalogRef, "text": Kind::Text,
        "weight": Kind::Range(0, MAX_WEIGHT as i64), "must_have": Kind::Flag, "position": COUNT,
    ],
};

pub static SCORE: Spec = Spec {
    table: Table::Score,
    key: "scores",
    noun: "score",
    cols: natural_cols![
        "provider_id": Kind::Int, "criterion_id": Kind::Int, "score": Kind::Range(0, 5), "note": Kind::OptText,
    ],
};

pub static RISK: Spec = Spec {
    table: Table::Risk,
    key: "risks",
    noun: "risk",
    cols: cols_then![
        "engagement_id": Kind::Int, "catalog_ref": Kind::OptCatalogRef, "title": Kind::Text, "description": Kind::OptText,
        "likelihood": Kind::Range(1, 5), "impact_c": Kind::Range(0, 5), "impact_i": Kind::Range(0, 5),
        "impact_a": Kind::Range(0, 5), "treatment": Kind::OptEnum(<Treatment as VariantNames>::VARIANTS),
        "plan": Kind::OptText, "owner": Kind::OptText, "due_date": Kind::OptDate,
        "residual_likelihood": Kind::OptRange(1, 5), "residual_c": Kind::OptRange(0, 5),
        "residual_i": Kind::OptRange(0, 5), "residual_a": Kind::OptRange(0, 5),
        "status": Kind::Enum(TREATMENT_STATUSES), "accepted_by": Kind::OptText,
        "accepted_at": Kind::OptDate, "review_date": Kind::OptDate;
        "finding": Kind::OptText, "recommendation": Kind::OptText, "management_response": Kind::OptText,
    ],
};

pub static TEAM_MEMBER: Spec = Spec {
    table: Table::TeamMember,
    key: "team_members",
    noun: "team member",
    cols: cols![
        "provider_id": Kind::Int, "name": Kind::Text, "role": Kind::OptText, "backup_for": Kind::OptInt,
        "joined": Kind::OptDate, "left_on": Kind::OptDate,
    ],
};

pub static VETTING_CHECK: Spec = Spec {
    table: Table::VettingCheck,
    key: "vetting_checks",
    noun: "vetting check",
    cols: natural_cols![
        "member_id": Kind::Int, "kind": Kind::Enum(<CheckKind as VariantNames>::VARIANTS),
        "status": Kind::Enum(CheckStatus::ALL),
        "checked_on": Kind::OptDate, "verifier": Kind::OptText, "evidence": Kind::OptText,
        "reference_count": Kind::OptRange(0, 99), "note": Kind::OptText,
    ],
};

pub static ASSET: Spec = Spec {
    table: Table::Asset,
    key: "assets",
    noun: "asset",
    cols: cols![
        "engagement_id": Kind::Int, "tag": Kind::Text, "description": Kind::OptText,
        "kind": Kind::Enum(ASSET_KINDS),
        "classification": Kind::OptText, "holder_id": Kind::OptInt, "handed_over": Kind::OptDate,
        "accepted_by": Kind::OptText, "expected_return": Kind::OptDate, "returned_on": Kind::OptDate,
        "disposition": Kind::OptEnum(<Disposition as VariantNames>::VARIANTS), "verified_by": Kind::OptText,
        "condition": Kind::OptText, "certificate": Kind::OptText,
    ],
};

pub static ACCESS_GRANT: Spec = Spec {
    table: Table::AccessGrant,
    key: "access_grants",
    noun: "access grant",
    cols: cols![
        "engagement_id": Kind::Int, "holder_id": Kind::OptInt, "holder_name": Kind::OptText, "target": Kind::Text,
        "kind": Kind::Enum(GRANT_KINDS), "granted_on": Kind::OptDate, "revoked_on": Kind::OptDate,
        "verified_by": Kind::OptText,
    ],
};

pub static CHECKLIST_ITEM: Spec = Spec {
    table: Table::ChecklistItem,
    key: "checklist_items",
    noun: "checklist item",
    cols: natural_cols![
        "engagement_id": Kind::Int, "catalog_ref": Kind::CatalogRef,
        "status": Kind::Enum(ChecklistStatus::ALL), "note": Kind::OptText, "done_at": Kind::OptStamp,
        "done_by": Kind::OptText,
    ],
};

pub static NOTE: Spec = Spec {
    table: Table::Note,
    key: "notes",
    noun: "note",
    cols: cols![
        "engagement_id": Kind::Int, "target_table": Kind::OptText, "target_id": Kind::OptInt, "text": Kind::Text,
    ],
};

pub static EVIDENCE: Spec = Spec {
    table: Table::Evidence,
    key: "evidence",
    noun: "evidence file",
    // Schema step 8 added the file's description after the identity columns of step 7, so they are listed here in
    // the schema's order rather than through `cols!`. The content is not a column of this table (see
    // `store/evidence.rs`): a bundle carries what describes a file, never the file.
    cols: &[
        c("id", ID),
        c("engagement_id", Kind::Int),
        c("note_id", Kind::OptInt),
        c("path", Kind::Text),
        c("sha256", Kind::Text),
        c("size", COUNT),
        c("seen_at", Kind::Stamp),
        STAMPS[0],
        STAMPS[1],
        c("uuid", Kind::Uuid),
        c("number", NUMBER),
        c("name", Kind::OptText),
        c("media_type", Kind::OptText),
        c("caption", Kind::OptText),
        c("target_table", Kind::OptEnum(EVIDENCE_TARGETS)),
        c("target_id", Kind::OptInt),
        c("added_by", Kind::OptText),
    ],
};

pub static PHASE_CHANGE: Spec = Spec {
    table: Table::PhaseChange,
    key: "phase_changes",
    noun: "phase change",
    cols: cols![
        "engagement_id": Kind::Int, "from_phase": Kind::Enum(PHASES), "to_phase": Kind::Enum(PHASES),
        "reason": Kind::OptText, "open_items": COUNT, "open_refs": Kind::OptText, "changed_by": Kind::Text,
    ],
};

pub static ROLE_CONFLICT: Spec = Spec {
    table: Table::RoleConflict,
    key: "role_conflicts",
    noun: "role conflict",
    cols: cols![
        "engagement_id": Kind::Int, "role_a": Kind::Text, "role_b": Kind::Text, "reason": Kind::OptText,
    ],
};

pub static JOURNAL_ENTRY: Spec = Spec {
    table: Table::JournalEntry,
    key: "journal_entries",
    noun: "journal entry",
    cols: cols_then![
        "engagement_id": Kind::Int, "said_at": Kind::Text, "text": Kind::Text, "interviewed": Kind::OptText,
        "present": Kind::OptText, "link_table": Kind::OptText, "link_id": Kind::OptInt;
        "for_report": Kind::Flag,
    ],
};

/// The kinds of record a file may be attached to (the CHECK list of `evidence.target_table`; see `store/evidence`). None: the
/// engagement as a whole.
pub const EVIDENCE_TARGETS: &[&str] = &[
    "provider",
    "criterion",
    "score",
    "risk",
    "team_member",
    "vetting_check",
    "asset",
    "access_grant",
    "checklist_item",
    "phase_change",
    "note",
    "role_conflict",
    "journal_entry",
];

/// The columns of a row that name a row of another table named beside it (a note's target, a journal entry's
/// link, the record an evidence file is attached to): (the column naming the table, the column naming the row).
pub fn named_link(table: Table) -> Option<(&'static str, &'static str)> {
    match table {
        Table::Note => Some(("target_table", "target_id")),
        Table::JournalEntry => Some(("link_table", "link_id")),
        Table::Evidence => Some(("target_table", "target_id")),
        _ => None,
    }
}

/// The value a column takes when a bundle leaves it out because it was written before the column existed (the
/// report's narrative, schema step 9); `None` for a column every bundle must give.
pub fn added_later(table: Table, col: &str) -> Option<Value> {
    match (table, col) {
        (
            Table::Engagement,
            "conclusion" | "overall_rating" | "approach" | "limitations" | "reviewer" | "distribution",
        ) => Some(Value::Null),
        (Table::Engagement, "classification") => Some(Value::text(Classification::default().as_ref())),
        (Table::Risk, "finding" | "recommendation" | "management_response") => Some(Value::Null),
        (Table::JournalEntry, "for_report") => Some(Value::Int(0)),
        _ => None,
    }
}

/// Tables a bundle may leave out (it was written before they existed): read as empty.
pub fn optional_in_bundle(table: Table) -> bool {
    table == Table::JournalEntry
}

/// Every table an engagement's part of a bundle holds, parents before children.
pub static SPECS: [&Spec; 15] = [
    &ENGAGEMENT,
    &PROVIDER,
    &CRITERION,
    &SCORE,
    &RISK,
    &TEAM_MEMBER,
    &VETTING_CHECK,
    &ASSET,
    &ACCESS_GRANT,
    &CHECKLIST_ITEM,
    &NOTE,
    &EVIDENCE,
    &PHASE_CHANGE,
    &ROLE_CONFLICT,
    &JOURNAL_ENTRY,
];

/// The columns of a row that name another row: (column, the table it names), from the write path's record of the
/// schema's foreign keys (`CASCADES`, `SET_NULLS`).
pub(crate) fn references(table: Table) -> impl Iterator<Item = (&'static str, Table)> {
    let owned = CASCADES.iter().filter(move |(_, child, _)| *child == table).map(|(parent, _, col)| (*col, *parent));
    let held = SET_NULLS.iter().filter(move |(_, holder, _)| *holder == table).map(|(target, _, col)| (*col, *target));
    owned.chain(held)
}

/// Where the declaration and a database's schema differ, one line a table: the columns of each in order, where
/// they are not the same. Empty when they agree.
pub fn differences(conn: &rusqlite::Connection) -> rusqlite::Result<Vec<String>> {
    let mut out = Vec::new();
    for spec in SPECS {
        let cols: Vec<String> = conn
            .prepare(&format!("PRAGMA table_info({})", spec.table.name()))?
            .query_map([], |r| r.get(1))?
            .collect::<rusqlite::Result<_>>()?;
        let ours: Vec<&str> = spec.cols.iter().map(|c| c.name).collect();
        if cols != ours {
            out.push(format!(
                "{}: the schema has {}; the declaration {}",
                spec.table.name(),
                cols.join(", "),
                ours.join(", ")
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn the_declaration_is_the_schema_the_migrations_create() {
        let store = Store::open_in_memory("t").expect("store");
        assert_eq!(differences(store.conn()).expect("schema"), Vec::<String>::new());
    }

    /// The check above would fail if a migration added a column the declaration does not name: shown on a schema
    /// with one more column than the declaration.
    #[test]
    fn a_column_added_by_a_migration_alone_is_found() {
        let store = Store::open_in_memory("t").expect("store");
        store.conn().execute_batch("ALTER TABLE asset ADD COLUMN serial_number TEXT").expect("alter");
        let found = differences(store.conn()).expect("schema");
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("asset: the schema has ") && found[0].contains("serial_number"), "{found:?}");
    }

    /// The values the schema's CHECK constraint allows in `col` of `table`, if it has an `IN (…)` list.
    fn allowed(conn: &rusqlite::Connection, table: &str, col: &str) -> Option<Vec<String>> {
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table], |r| r.get(0))
            .ok()?;
        let start = sql.find(&format!("CHECK ({col} IN ("))? + format!("CHECK ({col} IN (").len();
        let list = &sql[start..start + sql[start..].find(')')?];
        Some(list.split(',').map(|v| v.trim().trim_matches('\'').to_string()).collect())
    }

    /// Each enumeration of the domain, as the declaration uses it, allows exactly what the schema allows.
    #[test]
    fn every_declared_choice_is_the_schemas() {
        let store = Store::open_in_memory("t").expect("store");
        let mut compared = 0;
        for spec in SPECS {
            for col in spec.cols {
                let (Kind::Enum(ours) | Kind::OptEnum(ours)) = col.kind else { continue };
                let theirs = allowed(store.conn(), spec.table.name(), col.name)
                    .unwrap_or_else(|| panic!("{}.{} has no CHECK list", spec.table.name(), col.name));
                assert_eq!(ours, theirs, "{}.{}", spec.table.name(), col.name);
                compared += 1;
            }
        }
        assert!(compared >= 12, "{compared}");
    }

    /// The references a bundle checks and follows are the schema's foreign keys, table by table.
    #[test]
    fn the_references_are_the_schemas_foreign_keys() {
        let store = Store::open_in_memory("t").expect("store");
        for spec in SPECS {
            let mut theirs: Vec<(String, String)> = store
                .conn()
                .prepare(&format!("PRAGMA foreign_key_list({})", spec.table.name()))
                .expect("pragma")
                .query_map([], |r| Ok((r.get::<_, String>(3)?, r.get::<_, String>(2)?)))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("keys");
            let mut ours: Vec<(String, String)> =
                references(spec.table).map(|(col, t)| (col.to_string(), t.name().to_string())).collect();
            theirs.sort();
            ours.sort();
            assert_eq!(ours, theirs, "{}", spec.table.name());
        }
    }

    #[test]
    fn every_table_with_rows_under_an_engagement_is_declared() {
        use strum::IntoEnumIterator;
        for t in Table::iter().filter(|t| *t != Table::Setting) {
            assert!(SPECS.iter().any(|s| s.table == t), "{}", t.name());
        }
    }
}
