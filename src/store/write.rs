//! The one write path: every insert, update and delete goes through [`Writer`], which stamps the row and appends a
//! hash-chained entry to `audit_log` in the same transaction.

use hmac::{Hmac, Mac};
use rusqlite::{Connection, OptionalExtension, Transaction, params};
use sha2::{Digest, Sha256};

use uuid::Uuid;

use super::ids;
use crate::domain::Value;

/// The tables the write path may touch. Their names are the only identifiers spliced into SQL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, strum::IntoStaticStr, strum::EnumIter, strum::EnumString)]
#[strum(serialize_all = "snake_case")]
pub enum Table {
    Engagement,
    Provider,
    Criterion,
    Score,
    Risk,
    TeamMember,
    VettingCheck,
    Asset,
    AccessGrant,
    ChecklistItem,
    PhaseChange,
    Note,
    Evidence,
    Setting,
    RoleConflict,
    JournalEntry,
}

impl Table {
    pub fn name(self) -> &'static str {
        self.into()
    }
}

/// `ON DELETE CASCADE` in the schema: (parent, child, the child's column naming the parent).
pub const CASCADES: &[(Table, Table, &str)] = &[
    (Table::Engagement, Table::Provider, "engagement_id"),
    (Table::Engagement, Table::Criterion, "engagement_id"),
    (Table::Engagement, Table::Risk, "engagement_id"),
    (Table::Engagement, Table::Asset, "engagement_id"),
    (Table::Engagement, Table::AccessGrant, "engagement_id"),
    (Table::Engagement, Table::ChecklistItem, "engagement_id"),
    (Table::Engagement, Table::Note, "engagement_id"),
    (Table::Engagement, Table::Evidence, "engagement_id"),
    (Table::Engagement, Table::PhaseChange, "engagement_id"),
    (Table::Engagement, Table::RoleConflict, "engagement_id"),
    (Table::Engagement, Table::JournalEntry, "engagement_id"),
    (Table::Provider, Table::Score, "provider_id"),
    (Table::Provider, Table::TeamMember, "provider_id"),
    (Table::Criterion, Table::Score, "criterion_id"),
    (Table::TeamMember, Table::VettingCheck, "member_id"),
];

/// `ON DELETE SET NULL` in the schema: (referenced table, table holding the reference, its column).
pub const SET_NULLS: &[(Table, Table, &str)] = &[
    (Table::TeamMember, Table::TeamMember, "backup_for"),
    (Table::TeamMember, Table::Asset, "holder_id"),
    (Table::TeamMember, Table::AccessGrant, "holder_id"),
    (Table::Note, Table::Evidence, "note_id"),
];

/// The hash an audit entry starts its chain from.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The key that seals the history of an encrypted workspace, derived from its passphrase: without the passphrase,
/// no entry can be added or rewritten with a seal that checks.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ChainKey([u8; 32]);

impl std::fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChainKey(…)")
    }
}

impl ChainKey {
    /// HMAC-SHA-256 keyed with the passphrase over a fixed label: a key of its own, so the seal never reveals
    /// anything SQLCipher derives from the same passphrase.
    pub fn from_passphrase(passphrase: &str) -> ChainKey {
        ChainKey(hmac(passphrase.as_bytes(), b"assay history chain seal v1"))
    }

    /// The seal of an entry: HMAC-SHA-256 of its hash (which covers the entry and every entry before it).
    pub fn seal(&self, hash: &str) -> String {
        hex(&hmac(&self.0, hash.as_bytes()))
    }
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    // HMAC takes a key of any length, so this never fails.
    match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(mut m) => {
            m.update(msg);
            m.finalize().into_bytes().into()
        }
        Err(_) => unreachable!("HMAC accepts keys of any length"),
    }
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Seals every entry of the history with `key`, or removes the seals (`None`), as encrypting or decrypting a
/// workspace needs. Works on any connection to a workspace that has the `mac` column.
pub fn reseal(conn: &Connection, key: Option<&ChainKey>) -> rusqlite::Result<()> {
    let tx = conn.unchecked_transaction()?;
    match key {
        None => {
            tx.execute("UPDATE audit_log SET mac = NULL WHERE mac IS NOT NULL", [])?;
        }
        Some(k) => {
            let all: Vec<(i64, String)> = tx
                .prepare("SELECT id, hash FROM audit_log ORDER BY id")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<_>>()?;
            let mut set = tx.prepare("UPDATE audit_log SET mac = ?1 WHERE id = ?2")?;
            for (id, hash) in all {
                set.execute(params![k.seal(&hash), id])?;
            }
        }
    }
    tx.commit()
}

/// An open write transaction with its audit trail.
pub struct Writer<'c> {
    tx: Transaction<'c>,
    assessor: String,
    now: String,
    prev_hash: String,
    key: Option<ChainKey>,
    /// The first and last history entries this transaction wrote.
    span: Option<(i64, i64)>,
    /// With a fixed clock, the count the next new row's UUID is made from (see [`ids::counted`]); else None, and
    /// new UUIDs are random.
    minted: Option<u64>,
}

impl<'c> Writer<'c> {
    pub(super) fn new(
        tx: Transaction<'c>,
        assessor: &str,
        now: String,
        key: Option<ChainKey>,
        minted: Option<u64>,
    ) -> rusqlite::Result<Self> {
        let (prev_hash, last_at) = tx
            .query_row("SELECT hash, at FROM audit_log ORDER BY id DESC LIMIT 1", [], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })
            .optional()?
            .unwrap_or_else(|| (GENESIS_HASH.to_string(), String::new()));
        // The history's times never go backwards, even when the clock does.
        let now = if last_at > now { last_at } else { now };
        Ok(Writer { tx, assessor: assessor.to_string(), now, prev_hash, key, span: None, minted })
    }

    pub(super) fn commit(self) -> rusqlite::Result<()> {
        self.tx.commit()
    }

    /// With a fixed clock, the count the next new UUID would be made from.
    pub(super) fn minted(&self) -> Option<u64> {
        self.minted
    }

    /// The ids of the first and last history entries written so far, if any.
    pub(super) fn span(&self) -> Option<(i64, i64)> {
        self.span
    }

    /// Reads inside the transaction (for checks that must see the writes made so far).
    pub fn tx(&self) -> &Transaction<'c> {
        &self.tx
    }

    /// The time stamped on everything this transaction writes.
    pub fn now(&self) -> &str {
        &self.now
    }

    pub fn assessor(&self) -> &str {
        &self.assessor
    }

    /// Inserts a row that belongs to another and returns its id: `parent` is the column naming the other row and its
    /// id, stored with `values`.
    pub fn insert_under(
        &mut self,
        table: Table,
        parent: (&str, i64),
        values: &[(&str, Value)],
    ) -> rusqlite::Result<i64> {
        let mut all: Vec<(&str, Value)> = Vec::with_capacity(values.len() + 1);
        all.push((parent.0, Value::Int(parent.1)));
        all.extend(values.iter().cloned());
        self.insert(table, &all)
    }

    /// Inserts a row and returns its id. The row gets its UUID (derived from its natural key, or new) and, if its
    /// kind is numbered, the next short number of its engagement, unless `values` give them.
    pub fn insert(&mut self, table: Table, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
        check_columns(values)?;
        let mut all: Vec<(&str, Value)> = values.to_vec();
        let uuid = self.complete(table, &mut all)?;
        let cols: Vec<&str> = all.iter().map(|(c, _)| *c).collect();
        let marks = vec!["?"; cols.len() + 2].join(", ");
        let sql =
            format!("INSERT INTO {} ({}, created_at, updated_at) VALUES ({marks})", table.name(), cols.join(", "));
        let bound: Vec<Arg<'_>> = all.iter().map(|(c, v)| Arg::of(c, v)).collect();
        let mut args: Vec<&dyn rusqlite::ToSql> = bound.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        args.push(&self.now);
        args.push(&self.now);
        self.tx.prepare_cached(&sql)?.execute(args.as_slice())?;
        let id = self.tx.last_insert_rowid();
        // The whole row as stored, defaults included, so the history accounts for every column.
        let json = self.row_json(table, id)?.unwrap_or_else(|| to_json(values));
        self.audit("insert", table, id, Some(uuid), None, None, Some(&json))?;
        Ok(id)
    }

    /// Gives a new row what identifies it, unless `values` already do: its UUID and, for a numbered kind, its short
    /// number (a number given is marked as taken, so the counter never hands it out again). Returns the UUID.
    fn complete(&mut self, table: Table, values: &mut Vec<(&str, Value)>) -> rusqlite::Result<Uuid> {
        let given = values.iter().find(|(c, _)| *c == "uuid").map(|(_, v)| v.clone());
        let uuid = match given {
            Some(Value::Text(t)) => {
                Uuid::parse_str(&t).map_err(|_| rusqlite::Error::InvalidParameterName(format!("uuid “{t}”")))?
            }
            Some(Value::Null) | None => {
                let fresh = match self.minted.as_mut() {
                    Some(n) => {
                        *n += 1;
                        ids::counted(&self.now, *n)
                    }
                    None => ids::fresh(),
                };
                let u = ids::for_new_row(&self.tx, table, values, || fresh)?;
                values.retain(|(c, _)| *c != "uuid");
                values.push(("uuid", Value::Text(u.to_string())));
                u
            }
            Some(other) => return Err(rusqlite::Error::InvalidParameterName(format!("uuid “{other}”"))),
        };
        if ids::prefix(table).is_some() {
            let engagement = ids::engagement_of(&self.tx, table, values)?;
            match values.iter().find(|(c, _)| *c == "number").and_then(|(_, v)| v.as_i64()) {
                Some(n) => ids::note_number(&self.tx, table, engagement, n)?,
                None => {
                    let n = ids::take_number(&self.tx, table, engagement)?;
                    values.retain(|(c, _)| *c != "number");
                    values.push(("number", Value::Int(n)));
                }
            }
        }
        Ok(uuid)
    }

    /// Checks foreign keys at commit instead of at each statement, so that rows referring to each other (a team
    /// member and the colleague who backs them up) can be restored in any order. Lasts until the transaction ends.
    pub fn defer_foreign_keys(&self) -> rusqlite::Result<()> {
        self.tx.execute_batch("PRAGMA defer_foreign_keys = ON;")
    }

    /// Inserts a row exactly as given — its own `id`, `created_at` and `updated_at` included when present — as
    /// restoring an exported bundle needs; stamps left out are set to now. The history records it like any insert.
    pub fn restore(&mut self, table: Table, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
        check_columns(values)?;
        let mut all: Vec<(&str, Value)> = values.to_vec();
        for stamp in ["created_at", "updated_at"] {
            if !all.iter().any(|(c, _)| *c == stamp) {
                all.push((stamp, Value::text(self.now.clone())));
            }
        }
        let uuid = self.complete(table, &mut all)?;
        let cols: Vec<&str> = all.iter().map(|(c, _)| *c).collect();
        let marks = vec!["?"; cols.len()].join(", ");
        let sql = format!("INSERT INTO {} ({}) VALUES ({marks})", table.name(), cols.join(", "));
        let bound: Vec<Arg<'_>> = all.iter().map(|(c, v)| Arg::of(c, v)).collect();
        let args: Vec<&dyn rusqlite::ToSql> = bound.iter().map(|a| a as &dyn rusqlite::ToSql).collect();
        self.tx.prepare_cached(&sql)?.execute(args.as_slice())?;
        let id = self.tx.last_insert_rowid();
        let json = self.row_json(table, id)?.unwrap_or_else(|| to_json(values));
        self.audit("insert", table, id, Some(uuid), None, None, Some(&json))?;
        Ok(id)
    }

    /// Updates the given fields of a row; only fields whose value changes are written and audited. Returns how
    /// many changed. A missing row is an error.
    pub fn update(&mut self, table: Table, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
        check_columns(values)?;
        if values.is_empty() {
            return Ok(0);
        }
        let cols: Vec<&str> = values.iter().map(|(c, _)| *c).collect();
        let sql = format!("SELECT {} FROM {} WHERE id = ?", cols.join(", "), table.name());
        let old: Vec<Value> = self
            .tx
            .prepare_cached(&sql)?
            .query_row([id], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<Vec<_>>>())?;
        let mut changed = 0;
        // Read once, and only when a field does change: most saves of a form change little or nothing.
        let mut uuid: Option<Option<Uuid>> = None;
        for ((col, new), old) in values.iter().zip(old) {
            if same(&old, new) {
                continue;
            }
            let uuid = match uuid {
                Some(u) => u,
                None => *uuid.insert(ids::of(&self.tx, table, id)?),
            };
            let sql = format!("UPDATE {} SET {col} = ?, updated_at = ? WHERE id = ?", table.name());
            self.tx.prepare_cached(&sql)?.execute(params![Arg::of(col, new), self.now, id])?;
            self.audit("update", table, id, uuid, Some(col), as_text(&old).as_deref(), as_text(new).as_deref())?;
            changed += 1;
        }
        Ok(changed)
    }

    /// Deletes a row and, through the schema's cascades, what belongs to it. Every row the cascade removes gets a
    /// delete entry of its own, and every reference the schema sets to null an update entry, so that the history
    /// accounts for each row. Returns whether the row existed.
    pub fn delete(&mut self, table: Table, id: i64) -> rusqlite::Result<bool> {
        let Some(old) = self.row_json(table, id)? else { return Ok(false) };
        // Everything the cascade will remove, parents before children.
        let mut doomed: Vec<(Table, i64)> = vec![(table, id)];
        let mut seen: std::collections::HashSet<(Table, i64)> = doomed.iter().copied().collect();
        let mut i = 0;
        while i < doomed.len() {
            let (parent, pid) = doomed[i];
            for (p, child, fk) in CASCADES {
                if *p == parent {
                    let sql = format!("SELECT id FROM {} WHERE {fk} = ? ORDER BY id", child.name());
                    let ids: Vec<i64> = self
                        .tx
                        .prepare_cached(&sql)?
                        .query_map([pid], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    // A row under two parents (a score under its provider and its criterion) is removed once.
                    for c in ids {
                        if !seen.contains(&(*child, c)) {
                            seen.insert((*child, c));
                            doomed.push((*child, c));
                        }
                    }
                }
            }
            i += 1;
        }
        // References the schema will set to null, in rows that survive.
        let mut nulled: Vec<(Table, i64, &'static str, i64)> = Vec::new();
        for &(t, tid) in &doomed {
            for (target, holder, column) in SET_NULLS {
                if *target == t {
                    let sql = format!("SELECT id FROM {} WHERE {column} = ? ORDER BY id", holder.name());
                    let ids: Vec<i64> = self
                        .tx
                        .prepare_cached(&sql)?
                        .query_map([tid], |r| r.get(0))?
                        .collect::<rusqlite::Result<_>>()?;
                    for h in ids {
                        if !seen.contains(&(*holder, h)) {
                            nulled.push((*holder, h, column, tid));
                        }
                    }
                }
            }
        }
        let mut entries = vec![(table, id, ids::of(&self.tx, table, id)?, old)];
        for &(t, tid) in &doomed[1..] {
            if let Some(json) = self.row_json(t, tid)? {
                entries.push((t, tid, ids::of(&self.tx, t, tid)?, json));
            }
        }
        let nulled: Vec<_> = nulled
            .into_iter()
            .map(|(holder, h, column, was)| Ok((holder, h, ids::of(&self.tx, holder, h)?, column, was)))
            .collect::<rusqlite::Result<_>>()?;
        self.tx.prepare_cached(&format!("DELETE FROM {} WHERE id = ?", table.name()))?.execute([id])?;
        for (t, tid, uuid, json) in entries {
            self.audit("delete", t, tid, uuid, None, Some(&json), None)?;
        }
        for (holder, h, uuid, column, was) in nulled {
            self.audit("update", holder, h, uuid, Some(column), Some(&was.to_string()), None)?;
        }
        // A journal entry, note or evidence file about a row that goes stays and loses its link (audited, so that
        // undoing the delete links it again): it must not go on naming a record that is no longer there.
        use strum::IntoEnumIterator;
        let holders: Vec<(Table, &str, &str)> =
            Table::iter().filter_map(|h| super::schema::named_link(h).map(|(t, i)| (h, t, i))).collect();
        for &(t, tid) in &doomed {
            for &(holder, table_col, id_col) in &holders {
                if holder == Table::JournalEntry && !super::journal::LINKABLE.contains(&t) {
                    continue;
                }
                let sql =
                    format!("SELECT id FROM {} WHERE {table_col} = ?1 AND {id_col} = ?2 ORDER BY id", holder.name());
                let linked: Vec<i64> = self
                    .tx
                    .prepare_cached(&sql)?
                    .query_map(params![t.name(), tid], |r| r.get(0))?
                    .collect::<rusqlite::Result<_>>()?;
                for j in linked.into_iter().filter(|j| !seen.contains(&(holder, *j))) {
                    self.update(holder, j, &[(table_col, Value::Null), (id_col, Value::Null)])?;
                }
            }
        }
        Ok(true)
    }

    /// A row as JSON (column → value), for the history.
    fn row_json(&self, table: Table, id: i64) -> rusqlite::Result<Option<String>> {
        let mut stmt = self.tx.prepare_cached(&format!("SELECT * FROM {} WHERE id = ?", table.name()))?;
        let names: Vec<String> = stmt.column_names().iter().map(|s| s.to_string()).collect();
        stmt.query_row([id], |r| {
            let mut map = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                map.insert(n.clone(), serde_json::to_value(r.get::<_, Value>(i)?).unwrap_or_default());
            }
            Ok(serde_json::Value::Object(map).to_string())
        })
        .optional()
    }

    #[allow(clippy::too_many_arguments)]
    fn audit(
        &mut self,
        action: &str,
        table: Table,
        row: i64,
        uuid: Option<Uuid>,
        field: Option<&str>,
        old: Option<&str>,
        new: Option<&str>,
    ) -> rusqlite::Result<()> {
        let hash = entry_hash(
            &self.prev_hash,
            &self.now,
            &self.assessor,
            action,
            table.name(),
            Row { id: row, uuid: uuid.as_ref() },
            field,
            old,
            new,
        );
        let mac = self.key.map(|k| k.seal(&hash));
        self.tx
            .prepare_cached(
                "INSERT INTO audit_log (at, assessor, action, table_name, row_id, field, old_value, new_value, \
                 prev_hash, hash, created_at, updated_at, mac, row_uuid) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?1, ?1, ?11, ?12)",
            )?
            .execute(params![
                self.now,
                self.assessor,
                action,
                table.name(),
                row,
                field,
                old,
                new,
                self.prev_hash,
                hash,
                mac,
                uuid.as_ref().map(|u| u.as_bytes().as_slice())
            ])?;
        let id = self.tx.last_insert_rowid();
        self.span = Some((self.span.map_or(id, |(first, _)| first), id));
        self.prev_hash = hash;
        Ok(())
    }
}

/// The row a history entry is about: its number in the file and, from schema step 7 on, its UUID.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub id: i64,
    pub uuid: Option<&'a Uuid>,
}

/// The hash of one audit entry: SHA-256 over the previous hash and every field, each length-prefixed so that no
/// two different entries can be spelled alike. An entry that names its row's UUID has it hashed last; entries
/// written before rows had UUIDs have none and keep the hash they were written with.
#[allow(clippy::too_many_arguments)]
pub fn entry_hash(
    prev: &str,
    at: &str,
    assessor: &str,
    action: &str,
    table: &str,
    row: Row<'_>,
    field: Option<&str>,
    old: Option<&str>,
    new: Option<&str>,
) -> String {
    let mut h = Sha256::new();
    let id = row.id.to_string();
    let uuid = row.uuid.map(|u| u.hyphenated().to_string());
    for part in [Some(prev), Some(at), Some(assessor), Some(action), Some(table), Some(id.as_str()), field, old, new] {
        match part {
            Some(s) => {
                h.update((s.len() as u64).to_be_bytes());
                h.update(s.as_bytes());
            }
            None => h.update(u64::MAX.to_be_bytes()),
        }
    }
    if let Some(u) = &uuid {
        h.update(b"uuid");
        h.update((u.len() as u64).to_be_bytes());
        h.update(u.as_bytes());
    }
    hex(&h.finalize())
}

/// A value bound to a statement: a row's UUID, given as text, is stored as its 16 bytes.
enum Arg<'a> {
    Value(&'a Value),
    Bytes(Vec<u8>),
}

impl<'a> Arg<'a> {
    fn of(col: &str, v: &'a Value) -> Arg<'a> {
        match v {
            Value::Text(t) if col == "uuid" => {
                Uuid::parse_str(t).map_or(Arg::Value(v), |u| Arg::Bytes(u.as_bytes().to_vec()))
            }
            _ => Arg::Value(v),
        }
    }
}

impl rusqlite::ToSql for Arg<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        match self {
            Arg::Value(v) => v.to_sql(),
            Arg::Bytes(b) => Ok(rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Blob(b))),
        }
    }
}

fn check_columns(values: &[(&str, Value)]) -> rusqlite::Result<()> {
    // A column name is lower-case letters, digits and underscores, starting with a letter (`sha256`, `impact_c`).
    let valid = |c: &str| {
        c.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
            && c.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    };
    match values.iter().find(|(c, _)| !valid(c)) {
        Some((c, _)) => Err(rusqlite::Error::InvalidColumnName((*c).to_string())),
        None => Ok(()),
    }
}

fn same(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Int(a), Value::Text(b)) | (Value::Text(b), Value::Int(a)) => b.parse::<i64>().ok() == Some(*a),
        _ => old == new,
    }
}

fn as_text(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

fn to_json(values: &[(&str, Value)]) -> String {
    let map: serde_json::Map<String, serde_json::Value> =
        values.iter().map(|(k, v)| ((*k).to_string(), serde_json::to_value(v).unwrap_or_default())).collect();
    serde_json::Value::Object(map).to_string()
}
