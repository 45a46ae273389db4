//! What a sheet shows of a record's identity and what a file's cell names: each record's UUID (the `id` column) and
//! short reference (`ref`, and the columns that name another record: `provider_id`, `member_id`, `holder_id`,
//! `backup_for`), and back, from a UUID, a short reference or the whole number that a sheet exported before records
//! had UUIDs carried (the row's id in this workspace, which is what that number was).
//!
//! Inside the registers a record is its row id, as the store has it; only the cells of a file carry UUIDs and
//! references. Nothing here writes: a new record gets its UUID and number from the write path.

use std::collections::HashMap;

use rusqlite::Connection;
use strum::IntoEnumIterator;
use uuid::Uuid;

use crate::domain::Value;
use crate::store::ids::{self, Ident};
use crate::store::{Table, schema};

/// The tables whose records the registers show or name.
const TABLES: [Table; 8] = [
    Table::Risk,
    Table::TeamMember,
    Table::VettingCheck,
    Table::Asset,
    Table::AccessGrant,
    Table::Provider,
    Table::Criterion,
    Table::ChecklistItem,
];

/// The identities of one table's records in the engagement, both ways.
#[derive(Default)]
struct Kind {
    by_row: HashMap<i64, Ident>,
    by_uuid: HashMap<Uuid, i64>,
    by_number: HashMap<i64, i64>,
}

/// The identities of the records of one engagement that the registers show.
pub(super) struct Idents {
    kinds: HashMap<Table, Kind>,
}

/// A record of `table` in words ("team member"), as the schema declaration names it.
pub(super) fn noun(table: Table) -> &'static str {
    schema::SPECS.iter().find(|s| s.table == table).map_or(table.name(), |s| s.noun)
}

/// "a risk", "an asset".
fn a(table: Table) -> String {
    let n = noun(table);
    let article = if n.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
    format!("{article} {n}")
}

impl Idents {
    pub(super) fn load(conn: &Connection, engagement: i64) -> rusqlite::Result<Idents> {
        let mut kinds = HashMap::new();
        for table in TABLES {
            let by_row = ids::idents(conn, table, engagement)?;
            let by_uuid = by_row.iter().map(|(id, i)| (i.uuid, *id)).collect();
            let by_number = by_row.iter().filter_map(|(id, i)| Some((i.number?, *id))).collect();
            kinds.insert(table, Kind { by_row, by_uuid, by_number });
        }
        Ok(Idents { kinds })
    }

    fn ident(&self, table: Table, id: i64) -> Option<&Ident> {
        self.kinds.get(&table).and_then(|k| k.by_row.get(&id))
    }

    /// A record's short reference ("R-12"), if its kind is numbered.
    pub(super) fn short(&self, table: Table, id: i64) -> Option<String> {
        self.ident(table, id).and_then(|i| i.short(table))
    }

    /// A record's UUID, hyphenated.
    pub(super) fn uuid(&self, table: Table, id: i64) -> Option<String> {
        self.ident(table, id).map(|i| i.uuid.hyphenated().to_string())
    }

    /// A record's UUID as a cell: hyphenated text.
    pub(super) fn uuid_cell(&self, table: Table, id: i64) -> Value {
        Value::from(self.uuid(table, id))
    }

    /// How a record is named in a cell or a message: its short reference, or its UUID where its kind has no
    /// number. The row id only for a record the engagement does not hold (never written to a file).
    pub(super) fn shown(&self, table: Table, id: i64) -> String {
        match self.ident(table, id) {
            Some(i) => i.short(table).unwrap_or_else(|| i.uuid.hyphenated().to_string()),
            None => id.to_string(),
        }
    }

    /// The record of `table` a file's `id` cell names: a UUID, or the whole number of a sheet exported before
    /// records had UUIDs (returned as it is: the caller checks it is a record of the engagement). Blank is none.
    pub(super) fn row(&self, conn: &Connection, table: Table, text: &str) -> Result<Option<i64>, String> {
        let t = text.trim();
        if t.is_empty() {
            return Ok(None);
        }
        if let Ok(legacy) = t.parse::<i64>() {
            return Ok(Some(legacy));
        }
        match Uuid::parse_str(t) {
            Ok(u) => self.by_uuid(conn, table, &u, t).map(Some),
            Err(_) => {
                let hint = match ids::parse_ref(t) {
                    Some((kind, _)) if kind == table => "; a short reference such as this one goes in the ref column",
                    _ => "",
                };
                Err(format!(
                    "“{t}” is not a valid UUID: the id column holds the record's UUID as exported, or nothing for a \
                     new row{hint}"
                ))
            }
        }
    }

    /// The record of `table` a cell naming another record gives: its short reference ("M-40"), its UUID, or the
    /// whole number of a sheet exported before records had UUIDs (returned as it is, for the caller to check).
    pub(super) fn reference(&self, conn: &Connection, table: Table, text: &str) -> Result<i64, String> {
        let t = text.trim();
        if let Ok(legacy) = t.parse::<i64>() {
            return Ok(legacy);
        }
        if ids::parse_ref(t).is_some() {
            return self.by_ref(table, t);
        }
        match Uuid::parse_str(t) {
            Ok(u) => self.by_uuid(conn, table, &u, t),
            Err(_) => Err(format!(
                "“{t}” names no record: give {}'s reference (such as {}) or its UUID",
                a(table),
                ids::short_ref(table, 1)
            )),
        }
    }

    /// The record of `table` a short reference names in the engagement.
    pub(super) fn by_ref(&self, table: Table, text: &str) -> Result<i64, String> {
        let t = text.trim();
        let Some((kind, number)) = ids::parse_ref(t) else {
            return Err(format!(
                "“{t}” is not a short reference (such as {}): leave the ref blank for a new row",
                ids::short_ref(table, 12)
            ));
        };
        if kind != table {
            return Err(format!(
                "{} is the reference of {}, not of {}",
                ids::short_ref(kind, number),
                a(kind),
                a(table)
            ));
        }
        self.kinds.get(&table).and_then(|k| k.by_number.get(&number)).copied().ok_or_else(|| {
            format!("unknown reference {}: this engagement has no such {}", ids::short_ref(table, number), noun(table))
        })
    }

    /// The record of `table` in the engagement with this UUID; the error says where the UUID belongs instead.
    fn by_uuid(&self, conn: &Connection, table: Table, u: &Uuid, typed: &str) -> Result<i64, String> {
        if let Some(id) = self.kinds.get(&table).and_then(|k| k.by_uuid.get(u)) {
            return Ok(*id);
        }
        Err(elsewhere(conn, table, u)
            .unwrap_or_else(|| format!("unknown id {typed}: this engagement has no {} with this UUID", noun(table))))
    }
}

/// Where a UUID that is no record of `table` in the engagement belongs, in words: a record of `table` of another
/// engagement, or a record of another kind. None when the workspace has no such row.
fn elsewhere(conn: &Connection, table: Table, u: &Uuid) -> Option<String> {
    let found = |t: Table| ids::row_of(conn, t, u).ok().flatten();
    if found(table).is_some() {
        return Some(format!(
            "{u} is the id of {} of another engagement: an import updates only the records of the engagement it goes \
             into",
            a(table)
        ));
    }
    let other = Table::iter().filter(|t| *t != table).find(|t| found(*t).is_some())?;
    Some(format!("{u} is the id of {}, not of {}", a(other), a(table)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, engagements, providers, risks};

    #[test]
    fn cells_name_records_by_uuid_reference_or_legacy_number() {
        let mut store = Store::open_in_memory("tester").expect("store");
        let e = engagements::create_in(&mut store, "E").expect("engagement");
        let f = engagements::create_in(&mut store, "F").expect("engagement");
        let (p, q) = store
            .write(|w| {
                let p = providers::create(w, e, &[("name", Value::text("Acme"))])?;
                let q = providers::create(w, f, &[("name", Value::text("Other"))])?;
                Ok((p, q))
            })
            .expect("write");
        let risk = store
            .write(|w| {
                risks::create(
                    w,
                    e,
                    None,
                    &[
                        ("title", Value::text("T")),
                        ("likelihood", Value::Int(1)),
                        ("impact_c", Value::Int(1)),
                        ("impact_i", Value::Int(1)),
                        ("impact_a", Value::Int(1)),
                    ],
                )
            })
            .expect("risk");
        let conn = store.conn();
        let idents = Idents::load(conn, e).expect("idents");
        let u = ids::of(conn, Table::Provider, p).expect("uuid").expect("some");
        assert_eq!(idents.uuid_cell(Table::Provider, p), Value::text(u.hyphenated().to_string()));
        assert_eq!(idents.shown(Table::Provider, p), "P-1");
        assert_eq!(idents.reference(conn, Table::Provider, "P-1"), Ok(p));
        assert_eq!(idents.reference(conn, Table::Provider, &u.to_string().to_uppercase()), Ok(p));
        assert_eq!(idents.reference(conn, Table::Provider, "17"), Ok(17), "a legacy number is checked by the caller");
        assert_eq!(idents.row(conn, Table::Provider, " "), Ok(None));
        let err = idents.row(conn, Table::Provider, "not-a-uuid").expect_err("malformed");
        assert!(err.contains("not a valid UUID"), "{err}");
        let err = idents.reference(conn, Table::Provider, "R-1").expect_err("a risk");
        assert!(err.contains("R-1 is the reference of a risk, not of a provider"), "{err}");
        let theirs = ids::of(conn, Table::Provider, q).expect("uuid").expect("some").to_string();
        let err = idents.row(conn, Table::Provider, &theirs).expect_err("another engagement");
        assert!(err.contains("of another engagement"), "{err}");
        let r = ids::of(conn, Table::Risk, risk).expect("uuid").expect("some").to_string();
        let err = idents.row(conn, Table::Provider, &r).expect_err("another register");
        assert!(err.contains("is the id of a risk, not of a provider"), "{err}");
        let err = idents.row(conn, Table::Provider, &Uuid::nil().to_string()).expect_err("unknown");
        assert!(err.contains("unknown id"), "{err}");
        assert!(idents.by_ref(Table::Provider, "P-9").expect_err("unknown").contains("unknown reference P-9"));
    }
}
