//! Record identities: a UUID for every row, the same on every machine, and a short number for people.
//!
//! A row's UUID is version 7 (time-ordered, so new rows land at the end of the index) unless the row's identity is
//! a natural key: a score is its provider × criterion, a vetting check its member × kind, a checklist state its
//! engagement × catalog item, a setting its name. Those are version 5, derived from the parents' UUIDs and the key,
//! so the same logical row has the same UUID in every workspace. The UUID is stored as 16 bytes and never changes
//! (the schema refuses a row without one and an update of it).
//!
//! The integer `id` stays the row's place in its own file: the fastest key SQLite has and what every foreign key
//! joins on (see README, "Record identities"). It never leaves the file: bundles, spreadsheets, reports, OSCAL and
//! the history name rows by UUID and short reference.
//!
//! Short references: every engagement has a number within the workspace (1, 2, 3 …) and every record a number
//! within its engagement, shown with its kind's letter (R-12 for a risk). Numbers are never reused: a counter per
//! engagement and kind (`short_number`) only goes up, even when a record is deleted or an insert undone.

use rusqlite::{OptionalExtension, params};
use uuid::Uuid;

use super::Table;

/// The namespace of assay's version 5 UUIDs.
pub const NAMESPACE: Uuid = Uuid::from_u128(0x5e0c_7a1d_4b3e_4f62_9a1e_a55a_7e57_0001);

/// The tables whose rows are numbered, each with the letters of its short reference.
pub const NUMBERED: &[(Table, &str)] = &[
    (Table::Engagement, "E"),
    (Table::Provider, "P"),
    (Table::Criterion, "C"),
    (Table::Risk, "R"),
    (Table::TeamMember, "M"),
    (Table::Asset, "A"),
    (Table::AccessGrant, "AG"),
    (Table::Note, "N"),
    (Table::Evidence, "F"),
    (Table::PhaseChange, "PH"),
    (Table::RoleConflict, "D"),
    (Table::JournalEntry, "J"),
];

/// How many records the workspace holds: rows of every kind but settings.
pub fn records(conn: &rusqlite::Connection) -> rusqlite::Result<i64> {
    use strum::IntoEnumIterator;
    Table::iter()
        .filter(|t| *t != Table::Setting)
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM {}", t.name()), [], |r| r.get::<_, i64>(0)))
        .sum()
}

/// The letters of a table's short references, if its rows are numbered.
pub fn prefix(table: Table) -> Option<&'static str> {
    NUMBERED.iter().find(|(t, _)| *t == table).map(|(_, p)| *p)
}

/// A record's short reference: "R-12".
pub fn short_ref(table: Table, number: i64) -> String {
    match prefix(table) {
        Some(p) => format!("{p}-{number}"),
        None => number.to_string(),
    }
}

/// Reads a short reference ("R-12", "r12", "R 12"): its table and number.
pub fn parse_ref(s: &str) -> Option<(Table, i64)> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_alphabetic())?;
    let (letters, rest) = s.split_at(split);
    let digits = rest.trim_start_matches(['-', ' ', '_']);
    let number: i64 = digits.parse().ok().filter(|n| *n > 0)?;
    let table = NUMBERED.iter().find(|(_, p)| p.eq_ignore_ascii_case(letters))?.0;
    Some((table, number))
}

/// A new time-ordered UUID.
pub fn fresh() -> Uuid {
    Uuid::now_v7()
}

/// A time-ordered UUID stamped with `at` (an RFC 3339 time or a date), for rows made before identities existed;
/// now when `at` does not read as a time.
pub fn stamped(at: &str) -> Uuid {
    let when = chrono::DateTime::parse_from_rfc3339(at).map(|t| t.to_utc()).ok().or_else(|| {
        chrono::NaiveDate::parse_from_str(at, "%Y-%m-%d").ok().and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc())
    });
    match when {
        Some(t) if t.timestamp() >= 0 => {
            let ts = uuid::Timestamp::from_unix(uuid::NoContext, t.timestamp() as u64, t.timestamp_subsec_nanos());
            Uuid::new_v7(ts)
        }
        _ => fresh(),
    }
}

/// A time-ordered UUID made without chance, from a time and a count: what a workspace with a fixed clock (tests,
/// reproducible examples) gives its new rows, so that the same steps make the same rows.
pub fn counted(at: &str, n: u64) -> Uuid {
    let ms = stamped(at).as_bytes()[..6].to_vec();
    let mut b = [0u8; 16];
    b[..6].copy_from_slice(&ms);
    b[8..].copy_from_slice(&n.to_be_bytes());
    b[6] = 0x70;
    b[8] = (b[8] & 0x3F) | 0x80;
    Uuid::from_bytes(b)
}

/// The UUID of a row identified by a natural key: its table's name, the parents' UUIDs and the key, in order.
pub fn natural(table: Table, parents: &[Uuid], key: &str) -> Uuid {
    let mut name = Vec::with_capacity(32 + 16 * parents.len() + key.len());
    name.extend_from_slice(table.name().as_bytes());
    name.push(0);
    for p in parents {
        name.extend_from_slice(p.as_bytes());
    }
    name.extend_from_slice(key.as_bytes());
    Uuid::new_v5(&NAMESPACE, &name)
}

/// Reads a UUID stored in a row (16 bytes; text written by hand is read too).
pub fn read(v: rusqlite::types::ValueRef<'_>) -> Option<Uuid> {
    match v {
        rusqlite::types::ValueRef::Blob(b) => Uuid::from_slice(b).ok(),
        rusqlite::types::ValueRef::Text(t) => std::str::from_utf8(t).ok().and_then(|s| Uuid::parse_str(s).ok()),
        _ => None,
    }
}

/// The UUID of a row, if it exists and has one.
pub fn of(conn: &rusqlite::Connection, table: Table, id: i64) -> rusqlite::Result<Option<Uuid>> {
    conn.prepare_cached(&format!("SELECT uuid FROM {} WHERE id = ?1", table.name()))?
        .query_row([id], |r| Ok(read(r.get_ref(0)?)))
        .optional()
        .map(Option::flatten)
}

/// The row of `table` with this UUID.
pub fn row_of(conn: &rusqlite::Connection, table: Table, uuid: &Uuid) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(&format!("SELECT id FROM {} WHERE uuid = ?1", table.name()))?
        .query_row([uuid.as_bytes().as_slice()], |r| r.get(0))
        .optional()
}

/// The SQL condition selecting the rows of `table` that belong to engagement `?1`.
pub fn in_engagement(table: Table) -> &'static str {
    match table {
        Table::Engagement => "id = ?1",
        Table::Score | Table::TeamMember => "provider_id IN (SELECT id FROM provider WHERE engagement_id = ?1)",
        Table::VettingCheck => {
            "member_id IN (SELECT m.id FROM team_member m JOIN provider p ON p.id = m.provider_id \
             WHERE p.engagement_id = ?1)"
        }
        _ => "engagement_id = ?1",
    }
}

/// What identifies one row: its UUID and, for a numbered kind, its short number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ident {
    pub uuid: Uuid,
    pub number: Option<i64>,
}

impl Ident {
    /// The short reference ("R-12") of a row of `table`, if its kind is numbered.
    pub fn short(&self, table: Table) -> Option<String> {
        self.number.map(|n| short_ref(table, n))
    }
}

/// The identities of every row of `table` in an engagement, by row id.
pub fn idents(
    conn: &rusqlite::Connection,
    table: Table,
    engagement: i64,
) -> rusqlite::Result<std::collections::HashMap<i64, Ident>> {
    let number = if prefix(table).is_some() { "number" } else { "NULL" };
    let sql = format!("SELECT id, uuid, {number} FROM {} WHERE {}", table.name(), in_engagement(table));
    conn.prepare_cached(&sql)?
        .query_map([engagement], |r| {
            Ok((r.get::<_, i64>(0)?, read(r.get_ref(1)?).unwrap_or_default(), r.get::<_, Option<i64>>(2)?))
        })?
        .map(|row| row.map(|(id, uuid, number)| (id, Ident { uuid, number })))
        .collect()
}

/// The identity of one row.
pub fn ident(conn: &rusqlite::Connection, table: Table, id: i64) -> rusqlite::Result<Option<Ident>> {
    let number = if prefix(table).is_some() { "number" } else { "NULL" };
    conn.prepare_cached(&format!("SELECT uuid, {number} FROM {} WHERE id = ?1", table.name()))?
        .query_row([id], |r| Ok(Ident { uuid: read(r.get_ref(0)?).unwrap_or_default(), number: r.get(1)? }))
        .optional()
}

/// The row of `table` in an engagement that `query` names: a short reference ("R-12", or the bare number), a UUID,
/// or the start of one (at least 4 hex digits) that only one row has. `Ok(None)` when nothing matches; an error
/// names what is ambiguous.
pub fn find_in(
    conn: &rusqlite::Connection,
    table: Table,
    engagement: Option<i64>,
    query: &str,
) -> Result<Option<i64>, String> {
    let q = query.trim();
    let sql_err = |e: rusqlite::Error| e.to_string();
    let scope = match engagement {
        Some(_) => format!(" AND {}", in_engagement(table)),
        None => String::new(),
    };
    let run = |cond: &str, arg: &dyn rusqlite::ToSql| -> Result<Vec<i64>, String> {
        let sql = format!("SELECT id FROM {} WHERE {cond}{}", table.name(), scope.replace("?1", "?2"));
        let mut stmt = conn.prepare(&sql).map_err(sql_err)?;
        let args: Vec<&dyn rusqlite::ToSql> = match &engagement {
            Some(e) => vec![arg, e],
            None => vec![arg],
        };
        let rows = stmt.query_map(args.as_slice(), |r| r.get(0)).map_err(sql_err)?;
        rows.collect::<rusqlite::Result<_>>().map_err(sql_err)
    };
    if prefix(table).is_some() {
        let number = match parse_ref(q) {
            Some((t, n)) if t == table => Some(n),
            Some(_) => None,
            None => q.parse::<i64>().ok(),
        };
        if let Some(n) = number
            && let [id] = run("number = ?1", &n)?.as_slice()
        {
            return Ok(Some(*id));
        }
    }
    if let Ok(u) = Uuid::parse_str(q) {
        return Ok(run("uuid = ?1", &u.as_bytes().as_slice())?.first().copied());
    }
    let hex: String = q.chars().filter(|c| *c != '-').collect();
    if hex.len() >= 4 && hex.len() < 32 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        let found = run("substr(lower(hex(uuid)), 1, length(?1)) = lower(?1)", &hex)?;
        return match found.as_slice() {
            [] => Ok(None),
            [id] => Ok(Some(*id)),
            several => Err(format!("“{q}” is the start of {} UUIDs: give more of it", several.len())),
        };
    }
    Ok(None)
}

/// The engagement a row belongs to (the engagement itself for an engagement), as the counter's scope.
pub fn engagement_of(
    conn: &rusqlite::Connection,
    table: Table,
    values: &[(&str, crate::domain::Value)],
) -> rusqlite::Result<Option<i64>> {
    let get = |col: &str| values.iter().find(|(c, _)| *c == col).and_then(|(_, v)| v.as_i64());
    Ok(match table {
        Table::Engagement => None,
        Table::TeamMember => match get("provider_id") {
            Some(p) => conn
                .prepare_cached("SELECT engagement_id FROM provider WHERE id = ?1")?
                .query_row([p], |r| r.get(0))
                .optional()?,
            None => None,
        },
        _ => get("engagement_id"),
    })
}

/// The scope of a counter: the engagement's UUID, or empty for the workspace's own (engagement numbers).
fn scope(conn: &rusqlite::Connection, engagement: Option<i64>) -> rusqlite::Result<Vec<u8>> {
    Ok(match engagement {
        Some(e) => of(conn, Table::Engagement, e)?.map(|u| u.as_bytes().to_vec()).unwrap_or_default(),
        None => Vec::new(),
    })
}

/// The next number of `table` within `engagement` (the workspace for engagements), taken: never given again.
pub fn take_number(conn: &rusqlite::Connection, table: Table, engagement: Option<i64>) -> rusqlite::Result<i64> {
    let scope = scope(conn, engagement)?;
    conn.prepare_cached(
        "INSERT INTO short_number (scope, table_name, last) VALUES (?1, ?2, 1)
         ON CONFLICT (scope, table_name) DO UPDATE SET last = last + 1 RETURNING last",
    )?
    .query_row(params![scope, table.name()], |r| r.get(0))
}

/// Marks `number` as given (a restored or imported row keeps its own), so the counter never hands it out again.
pub fn note_number(
    conn: &rusqlite::Connection,
    table: Table,
    engagement: Option<i64>,
    number: i64,
) -> rusqlite::Result<()> {
    let scope = scope(conn, engagement)?;
    conn.prepare_cached(
        "INSERT INTO short_number (scope, table_name, last) VALUES (?1, ?2, ?3)
         ON CONFLICT (scope, table_name) DO UPDATE SET last = max(last, excluded.last)",
    )?
    .execute(params![scope, table.name(), number])?;
    Ok(())
}

/// What the natural key of a table's rows is made of: the columns naming its parents, with the parents' tables,
/// and the column holding its own key. None for a table whose rows have no natural key.
type NaturalKey = (&'static [(&'static str, Table)], Option<&'static str>);

fn natural_key(table: Table) -> Option<NaturalKey> {
    match table {
        Table::Score => Some((&[("provider_id", Table::Provider), ("criterion_id", Table::Criterion)], None)),
        Table::VettingCheck => Some((&[("member_id", Table::TeamMember)], Some("kind"))),
        Table::ChecklistItem => Some((&[("engagement_id", Table::Engagement)], Some("catalog_ref"))),
        Table::Setting => Some((&[], Some("key"))),
        _ => None,
    }
}

/// The UUID of a row of `table` known by its natural key, from its parents' UUIDs (`parent` finds the UUID of the
/// row of a table that a column names) and its key (`text` reads a column). None when the table has no natural
/// key or a parent has no UUID.
pub fn natural_of<E>(
    table: Table,
    text: impl Fn(&str) -> String,
    mut parent: impl FnMut(Table, &str) -> Result<Option<Uuid>, E>,
) -> Result<Option<Uuid>, E> {
    let Some((parents, key)) = natural_key(table) else { return Ok(None) };
    let mut found = Vec::with_capacity(parents.len());
    for (col, t) in parents {
        match parent(*t, col)? {
            Some(u) => found.push(u),
            None => return Ok(None),
        }
    }
    Ok(Some(natural(table, &found, &key.map(&text).unwrap_or_default())))
}

/// The UUID a new row of `table` gets: derived from its natural key, or `fresh`.
pub fn for_new_row(
    conn: &rusqlite::Connection,
    table: Table,
    values: &[(&str, crate::domain::Value)],
    fresh: impl FnOnce() -> Uuid,
) -> rusqlite::Result<Uuid> {
    use crate::domain::Value;
    let get = |col: &str| values.iter().find(|(c, _)| *c == col).map(|(_, v)| v);
    let text = |col: &str| get(col).map(ToString::to_string).unwrap_or_default();
    let derived = natural_of(table, text, |t, col| match get(col).and_then(Value::as_i64) {
        Some(i) => of(conn, t, i),
        None => Ok(None),
    })?;
    Ok(derived.unwrap_or_else(fresh))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_references_read_back() {
        assert_eq!(short_ref(Table::Risk, 12), "R-12");
        assert_eq!(parse_ref("R-12"), Some((Table::Risk, 12)));
        assert_eq!(parse_ref("r12"), Some((Table::Risk, 12)));
        assert_eq!(parse_ref("ph-3"), Some((Table::PhaseChange, 3)));
        assert_eq!(parse_ref("A 1021"), Some((Table::Asset, 1021)));
        assert_eq!(parse_ref("R-0"), None);
        assert_eq!(parse_ref("X-1"), None);
        assert_eq!(parse_ref("12"), None);
        assert_eq!(parse_ref("Risk"), None);
    }

    #[test]
    fn natural_ids_are_the_same_for_the_same_key_and_differ_otherwise() {
        let p = fresh();
        let c = fresh();
        assert_eq!(natural(Table::Score, &[p, c], ""), natural(Table::Score, &[p, c], ""));
        assert_ne!(natural(Table::Score, &[p, c], ""), natural(Table::Score, &[c, p], ""));
        assert_eq!(natural(Table::Score, &[p, c], "").get_version_num(), 5);
        assert_eq!(fresh().get_version_num(), 7);
    }

    #[test]
    fn a_stamped_id_carries_its_time_in_order() {
        let a = stamped("2026-01-01T09:00:00Z");
        let b = stamped("2026-01-02");
        assert!(a < b, "{a} {b}");
        assert_eq!(a.get_version_num(), 7);
        let (c1, c2) = (counted("2026-01-01T09:00:00Z", 1), counted("2026-01-01T09:00:00Z", 2));
        assert!(c1 < c2 && c1.get_version_num() == 7 && c1.get_variant() == uuid::Variant::RFC4122);
        assert_eq!(c1, counted("2026-01-01T09:00:00Z", 1));
    }
}
