//! What team work reads and writes in the workspace: each record as the team repository holds it (every column,
//! its references by UUID), the local changes not yet shared, the records a merge brings in (through the write
//! path, so the history records each), and the two local tables of schema step 10: this laptop's binding to the
//! team repository and the conflicts merges resolved.

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, params};
use uuid::Uuid;

use super::schema::{Kind, SPECS, Spec, named_link, references};
use super::{Table, Writer, ids};
use crate::domain::Value;

/// One record as a file of the team repository holds it: column → value, keys sorted (so one record is always
/// the same bytes). `uuid` names the record; each reference holds the UUID of the row it names; the local `id`
/// is left out.
pub type Record = BTreeMap<String, serde_json::Value>;

/// The tables whose rows travel: every table of an engagement. Settings are this laptop's own.
pub fn shared(table: Table) -> bool {
    spec(table).is_some()
}

fn spec(table: Table) -> Option<&'static Spec> {
    SPECS.iter().copied().find(|s| s.table == table)
}

/// A value as JSON, the way the history writes a row's columns (`Value`'s own serialisation).
fn json_of(v: Value) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn value_of(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => Value::Int(i),
            None => Value::Real(n.as_f64()?),
        },
        serde_json::Value::String(s) => Value::Text(s.clone()),
        _ => return None,
    })
}

/// The record of `table` with this UUID as the team repository holds it, or None when the workspace has no such
/// row (it was deleted).
pub fn export(conn: &Connection, table: Table, uuid: &Uuid) -> rusqlite::Result<Option<Record>> {
    let Some(spec) = spec(table) else { return Ok(None) };
    let cols: Vec<&str> = spec.cols.iter().map(|c| c.name).collect();
    let sql = format!("SELECT {} FROM {} WHERE uuid = ?1", cols.join(", "), table.name());
    let Some(values) = conn
        .prepare_cached(&sql)?
        .query_row([uuid.as_bytes().as_slice()], |r| (0..cols.len()).map(|i| r.get::<_, Value>(i)).collect())
        .optional()?
    else {
        return Ok(None);
    };
    let values: Vec<Value> = values;
    let link = named_link(table);
    let linked_table = link.and_then(|(t, _)| cols.iter().position(|c| *c == t)).and_then(|i| match &values[i] {
        Value::Text(t) => t.parse::<Table>().ok(),
        _ => None,
    });
    let mut rec = Record::new();
    for (col, v) in cols.iter().zip(values) {
        let target = references(table)
            .find(|(c, _)| c == col)
            .map(|(_, t)| t)
            .or_else(|| link.filter(|(_, id)| id == col).and(linked_table));
        let out = match (*col, target, v) {
            ("id", ..) => continue,
            ("uuid", ..) => uuid.hyphenated().to_string().into(),
            (_, Some(t), Value::Int(id)) => match ids::of(conn, t, id)? {
                Some(u) => u.hyphenated().to_string().into(),
                None => serde_json::Value::Null,
            },
            (_, _, v) => json_of(v),
        };
        rec.insert((*col).to_string(), out);
    }
    Ok(Some(rec))
}

/// Why a record from the team repository cannot be written into the workspace as it stands.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplyError {
    /// A column is missing, unknown, or holds what its type does not allow.
    Invalid(String),
    /// The row it belongs to (table, UUID) is not in the workspace.
    MissingParent(Table, Uuid),
    Sql(String),
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Invalid(s) => f.write_str(s),
            ApplyError::MissingParent(t, u) => write!(f, "the {} {u} it belongs to is not here", t.name()),
            ApplyError::Sql(s) => f.write_str(s),
        }
    }
}

impl From<rusqlite::Error> for ApplyError {
    fn from(e: rusqlite::Error) -> Self {
        ApplyError::Sql(e.to_string())
    }
}

/// The record's UUID, if it names one.
pub fn uuid_of(rec: &Record) -> Option<Uuid> {
    rec.get("uuid").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok())
}

/// Writes one record from the team repository into the workspace: the row with its UUID is updated (only the
/// fields that differ, each audited) or added with its UUID, short number and stamps. Every column is checked
/// against its declared type first, so a damaged or hostile file changes nothing. A reference to a row the
/// workspace does not hold is an error for the row the record belongs to ([`ApplyError::MissingParent`]) and is
/// dropped (set to none) for the others, as deleting that row would have done.
pub fn apply(w: &mut Writer<'_>, table: Table, rec: &Record) -> Result<i64, ApplyError> {
    let spec = spec(table).ok_or_else(|| ApplyError::Invalid(format!("{} records are not shared", table.name())))?;
    let uuid = uuid_of(rec).ok_or_else(|| ApplyError::Invalid(format!("a {} record without its uuid", spec.noun)))?;
    if let Some(k) = rec.keys().find(|k| k.as_str() != "uuid" && !spec.cols.iter().any(|c| c.name == k.as_str())) {
        return Err(ApplyError::Invalid(format!("{} {uuid}: unknown field `{k}`", spec.noun)));
    }
    let owners: Vec<&str> =
        super::CASCADES.iter().filter(|(_, child, _)| *child == table).map(|(_, _, col)| *col).collect();
    let link = named_link(table);
    let linked: Option<Table> =
        link.and_then(|(t, _)| rec.get(t)).and_then(|v| v.as_str()).and_then(|t| t.parse::<Table>().ok());
    let mut values: Vec<(&'static str, Value)> = Vec::with_capacity(spec.cols.len());
    let mut unlink = false;
    for col in spec.cols {
        if col.name == "id" {
            continue;
        }
        let raw = rec
            .get(col.name)
            .ok_or_else(|| ApplyError::Invalid(format!("{} {uuid}: missing field `{}`", spec.noun, col.name)))?;
        let target = references(table)
            .find(|(c, _)| *c == col.name)
            .map(|(_, t)| t)
            .or_else(|| link.filter(|(_, id)| *id == col.name).and(linked));
        let bad = |what: &str| ApplyError::Invalid(format!("{} {uuid}.{}: {what}", spec.noun, col.name));
        let v = if col.name == "uuid" {
            Value::Text(uuid.hyphenated().to_string())
        } else if let Some(t) = target {
            match raw {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::String(s) => {
                    let u = Uuid::parse_str(s).map_err(|_| bad("expected a UUID"))?;
                    match ids::row_of(w.tx(), t, &u)? {
                        Some(id) => Value::Int(id),
                        None if owners.contains(&col.name) => return Err(ApplyError::MissingParent(t, u)),
                        None => {
                            unlink |= link.is_some_and(|(_, id)| id == col.name);
                            Value::Null
                        }
                    }
                }
                _ => return Err(bad("expected a UUID")),
            }
        } else {
            let v = value_of(raw).ok_or_else(|| bad("expected a number, a text or null"))?;
            match col.kind {
                // Stamps and numbers are the workspace's own; their form is checked by the schema.
                Kind::Int | Kind::OptInt if col.name == "number" => {}
                _ => col.kind.check(&v).map_err(|e| bad(&e))?,
            }
            v
        };
        values.push((col.name, v));
    }
    if unlink && let Some((t, _)) = link {
        for (c, v) in values.iter_mut() {
            if *c == t {
                *v = Value::Null;
            }
        }
    }
    for stamp in ["created_at", "updated_at"] {
        if let Some(serde_json::Value::String(s)) = rec.get(stamp) {
            values.retain(|(c, _)| *c != stamp);
            values.push((stamp, Value::Text(s.clone())));
        }
    }
    match ids::row_of(w.tx(), table, &uuid)? {
        Some(id) => {
            let changes: Vec<(&str, Value)> =
                values.into_iter().filter(|(c, _)| !matches!(*c, "uuid" | "created_at" | "updated_at")).collect();
            w.update(table, id, &changes)?;
            Ok(id)
        }
        None => Ok(w.restore(table, &values)?),
    }
}

/// Deletes the row of `table` with this UUID, with what the schema removes along with it; false when absent.
pub fn remove(w: &mut Writer<'_>, table: Table, uuid: &Uuid) -> rusqlite::Result<bool> {
    match ids::row_of(w.tx(), table, uuid)? {
        Some(id) => w.delete(table, id),
        None => Ok(false),
    }
}

/// The rows that belong to the row of `table` with this UUID through the schema's cascades, children before
/// the rows under them: what deleting it would remove.
pub fn descendants(conn: &Connection, table: Table, uuid: &Uuid) -> rusqlite::Result<Vec<(Table, Uuid)>> {
    let Some(id) = ids::row_of(conn, table, uuid)? else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    let mut stack = vec![(table, id)];
    while let Some((parent, pid)) = stack.pop() {
        for (p, child, fk) in super::CASCADES {
            if *p != parent {
                continue;
            }
            let sql = format!("SELECT id, uuid FROM {} WHERE {fk} = ?1", child.name());
            let rows: Vec<(i64, Option<Uuid>)> = conn
                .prepare_cached(&sql)?
                .query_map([pid], |r| Ok((r.get(0)?, ids::read(r.get_ref(1)?))))?
                .collect::<rusqlite::Result<_>>()?;
            for (cid, u) in rows {
                if let Some(u) = u
                    && !out.contains(&(*child, u))
                {
                    out.push((*child, u));
                    stack.push((*child, cid));
                }
            }
        }
    }
    Ok(out)
}

/// The records changed here since history entry `after` (deleted ones too), each once, and the last entry's id.
pub fn changed_since(conn: &Connection, after: i64) -> rusqlite::Result<(Vec<(Table, Uuid)>, i64)> {
    let mut out: Vec<(Table, Uuid)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut last = after;
    let mut stmt = conn
        .prepare("SELECT id, table_name, row_uuid FROM audit_log WHERE id > ?1 AND row_uuid IS NOT NULL ORDER BY id")?;
    let mut rows = stmt.query([after])?;
    while let Some(r) = rows.next()? {
        last = r.get(0)?;
        let Ok(table) = r.get::<_, String>(1)?.parse::<Table>() else { continue };
        let Some(u) = ids::read(r.get_ref(2)?) else { continue };
        if shared(table) && seen.insert((table, u)) {
            out.push((table, u));
        }
    }
    Ok((out, last.max(history_tip(conn)?).max(after)))
}

/// The id of the history's last entry (0 when it has none).
pub fn history_tip(conn: &Connection) -> rusqlite::Result<i64> {
    Ok(super::history::tip(conn)?.map_or(0, |(id, _)| id))
}

/// Every shared record of the workspace, parents' tables first.
pub fn all_records(conn: &Connection) -> rusqlite::Result<Vec<(Table, Uuid)>> {
    let mut out = Vec::new();
    for spec in SPECS {
        let sql = format!("SELECT uuid FROM {} ORDER BY id", spec.table.name());
        let rows: Vec<Option<Uuid>> =
            conn.prepare(&sql)?.query_map([], |r| Ok(ids::read(r.get_ref(0)?)))?.collect::<rusqlite::Result<_>>()?;
        out.extend(rows.into_iter().flatten().map(|u| (spec.table, u)));
    }
    Ok(out)
}

/// The content of an evidence file by its SHA-256, if the workspace holds it.
pub fn evidence_content(conn: &Connection, sha256: &str) -> rusqlite::Result<Option<Vec<u8>>> {
    conn.prepare_cached("SELECT data FROM evidence_content WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()
}

/// Keeps the content of an evidence file (its SHA-256 already checked by the caller), once.
pub fn keep_evidence_content(w: &Writer<'_>, sha256: &str, data: &[u8]) -> rusqlite::Result<()> {
    w.tx()
        .prepare_cached("INSERT OR IGNORE INTO evidence_content (sha256, size, data) VALUES (?1, ?2, ?3)")?
        .execute(params![sha256, data.len() as i64, data])?;
    Ok(())
}

/// Rows of numbered kinds that share a short number with another row of the same engagement (two laptops' new
/// R-13s after a merge), within the engagements of the rows `among`: for each number, the row that keeps it
/// (created first; UUID order on a tie) is left out and the others are listed, with their number. Only the
/// engagements a merge wrote into are read (through their index), so the check costs what the merge touched, not
/// the size of the register.
pub fn duplicate_numbers(conn: &Connection, among: &[(Table, Uuid)]) -> rusqlite::Result<Vec<(Table, Uuid, i64)>> {
    // The (table, engagement) groups to look at; an engagement's own number is the workspace's.
    let mut groups: Vec<(Table, Option<i64>)> = Vec::new();
    for (table, uuid) in among {
        if ids::prefix(*table).is_none() {
            continue;
        }
        let engagement = match table {
            Table::Engagement => None,
            Table::TeamMember => conn
                .prepare_cached(
                    "SELECT p.engagement_id FROM team_member m JOIN provider p ON p.id = m.provider_id \
                     WHERE m.uuid = ?1",
                )?
                .query_row([uuid.as_bytes().as_slice()], |r| r.get(0))
                .optional()?,
            _ => conn
                .prepare_cached(&format!("SELECT engagement_id FROM {} WHERE uuid = ?1", table.name()))?
                .query_row([uuid.as_bytes().as_slice()], |r| r.get(0))
                .optional()?,
        };
        if !groups.contains(&(*table, engagement)) {
            groups.push((*table, engagement));
        }
    }
    let mut out = Vec::new();
    for (table, engagement) in groups {
        let filter = match engagement {
            None => "?1 IS NULL".to_string(),
            Some(_) => ids::in_engagement(table).to_string(),
        };
        let sql = format!(
            "SELECT uuid, number FROM {name} WHERE {filter} AND number IN (
                 SELECT number FROM {name} WHERE {filter} AND number IS NOT NULL GROUP BY number HAVING count(*) > 1
             ) ORDER BY number, created_at, uuid",
            name = table.name()
        );
        let rows: Vec<(Option<Uuid>, i64)> = conn
            .prepare_cached(&sql)?
            .query_map([engagement], |r| Ok((ids::read(r.get_ref(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut last: Option<i64> = None;
        for (u, n) in rows {
            if last == Some(n) {
                if let Some(u) = u {
                    out.push((table, u, n));
                }
            } else {
                last = Some(n);
            }
        }
    }
    Ok(out)
}

/// Gives a row a new short number of its engagement (the next one its counter hands out), audited; the number.
pub fn renumber(w: &mut Writer<'_>, table: Table, uuid: &Uuid) -> rusqlite::Result<Option<i64>> {
    let Some(id) = ids::row_of(w.tx(), table, uuid)? else { return Ok(None) };
    let owner_col = match table {
        Table::Engagement => None,
        Table::TeamMember => Some("provider_id"),
        _ => Some("engagement_id"),
    };
    let owner: Vec<(&str, Value)> = match owner_col {
        Some(col) => {
            let sql = format!("SELECT {col} FROM {} WHERE id = ?1", table.name());
            vec![(col, w.tx().query_row(&sql, [id], |r| r.get::<_, Value>(0))?)]
        }
        None => Vec::new(),
    };
    let engagement = ids::engagement_of(w.tx(), table, &owner)?;
    let n = ids::take_number(w.tx(), table, engagement)?;
    w.update(table, id, &[("number", Value::Int(n))])?;
    Ok(Some(n))
}

/// This laptop's binding to a team repository.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Where the team repository is: a folder on a share, or a URL.
    pub remote: String,
    /// This laptop's id in the team (a UUID).
    pub device: String,
    /// The member's name, as commits carry it.
    pub member: String,
    /// The member's age identity (`AGE-SECRET-KEY-1…`).
    pub age_identity: String,
    /// The member's SSH Ed25519 private key, OpenSSH form.
    pub ssh_key: String,
    /// The last history entry whose change the team repository holds.
    pub synced_through: i64,
    /// The last history entry the team repository holds as an entry of this laptop's chain.
    pub history_through: i64,
    /// The commit whose records the workspace holds, merged, if any yet.
    pub synced_commit: Option<String>,
    pub last_sync: Option<String>,
    /// What the last sync said, in a line.
    pub last_outcome: Option<String>,
}

pub fn binding(conn: &Connection) -> rusqlite::Result<Option<Binding>> {
    conn.query_row(
        "SELECT remote, device, member, age_identity, ssh_key, synced_through, synced_commit, last_sync, \
         last_outcome, history_through FROM team_binding WHERE id = 1",
        [],
        |r| {
            Ok(Binding {
                remote: r.get(0)?,
                device: r.get(1)?,
                member: r.get(2)?,
                age_identity: r.get(3)?,
                ssh_key: r.get(4)?,
                synced_through: r.get(5)?,
                synced_commit: r.get(6)?,
                last_sync: r.get(7)?,
                last_outcome: r.get(8)?,
                history_through: r.get(9)?,
            })
        },
    )
    .optional()
}

pub fn bind(conn: &Connection, b: &Binding, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO team_binding (id, remote, device, member, age_identity, ssh_key, synced_through, \
         synced_commit, last_sync, last_outcome, created_at, history_through) \
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            b.remote,
            b.device,
            b.member,
            b.age_identity,
            b.ssh_key,
            b.synced_through,
            b.synced_commit,
            b.last_sync,
            b.last_outcome,
            now,
            b.history_through
        ],
    )?;
    Ok(())
}

/// Records where the workspace stands after a sync: the last history entry shared and the commit merged.
pub fn mark_synced(
    conn: &Connection,
    through: i64,
    commit: Option<&str>,
    at: &str,
    outcome: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE team_binding SET synced_through = ?1, synced_commit = coalesce(?2, synced_commit), last_sync = ?3, \
         last_outcome = ?4 WHERE id = 1",
        params![through, commit, at, outcome],
    )?;
    Ok(())
}

/// Records what the last sync said, where nothing else changed (nothing reached, nothing to do).
pub fn note_outcome(conn: &Connection, at: &str, outcome: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE team_binding SET last_sync = ?1, last_outcome = ?2 WHERE id = 1", params![at, outcome])?;
    Ok(())
}

/// One conflict a merge resolved, as the assessor reviews it.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    pub id: i64,
    pub at: String,
    /// `field` (the same field changed on both sides), `kept_deleted` (deleted on one side, changed on the
    /// other: kept), `orphan` (kept because a record under it is new or changed on the other side) or
    /// `renumbered` (two new records had one short number).
    pub kind: String,
    pub table: Table,
    pub uuid: Uuid,
    pub field: Option<String>,
    /// The value the merge kept and the one it set aside (JSON), for a field.
    pub kept: Option<String>,
    pub other: Option<String>,
    pub kept_from: String,
    pub other_from: String,
    pub reviewed: bool,
}

pub fn add_conflict(conn: &Connection, c: &Conflict) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO team_conflict (at, kind, table_name, row_uuid, field, kept, other, kept_from, other_from, \
         reviewed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        c.at,
        c.kind,
        c.table.name(),
        c.uuid.as_bytes().as_slice(),
        c.field,
        c.kept,
        c.other,
        c.kept_from,
        c.other_from,
        c.reviewed
    ])?;
    Ok(())
}

/// The conflicts merges resolved, newest first; the reviewed ones too when `all`.
pub fn conflicts(conn: &Connection, all: bool) -> rusqlite::Result<Vec<Conflict>> {
    conn.prepare(
        "SELECT id, at, kind, table_name, row_uuid, field, kept, other, kept_from, other_from, reviewed \
         FROM team_conflict WHERE ?1 OR reviewed = 0 ORDER BY id DESC",
    )?
    .query_map([all], |r| {
        Ok(Conflict {
            id: r.get(0)?,
            at: r.get(1)?,
            kind: r.get(2)?,
            table: r.get::<_, String>(3)?.parse().unwrap_or(Table::Engagement),
            uuid: ids::read(r.get_ref(4)?).unwrap_or_default(),
            field: r.get(5)?,
            kept: r.get(6)?,
            other: r.get(7)?,
            kept_from: r.get(8)?,
            other_from: r.get(9)?,
            reviewed: r.get(10)?,
        })
    })?
    .collect()
}

/// Marks a conflict reviewed; false when there is no such conflict.
pub fn mark_reviewed(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE team_conflict SET reviewed = 1 WHERE id = ?1", [id])? > 0)
}

/// Records that conflict `id` was flipped: the value set aside is now the one kept (and its author), and the
/// conflict is reviewed.
pub fn mark_flipped(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE team_conflict SET kept = other, other = kept, kept_from = other_from, other_from = kept_from, \
         reviewed = 1 WHERE id = ?1",
        [id],
    )? > 0)
}

/// Sets one field of a record to a value given as JSON (flipping a conflict), through the write path.
pub fn set_field(w: &mut Writer<'_>, table: Table, uuid: &Uuid, field: &str, value: &str) -> Result<bool, ApplyError> {
    let Some(mut rec) = export(w.tx(), table, uuid)? else { return Ok(false) };
    let v: serde_json::Value =
        serde_json::from_str(value).map_err(|e| ApplyError::Invalid(format!("the value set aside: {e}")))?;
    rec.insert(field.to_string(), v);
    apply(w, table, &rec)?;
    Ok(true)
}

/// One entry of this laptop's history as the team repository carries it (one JSON line each), so that any member
/// can check the chain: every field the entry's hash covers, and the hash.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedEntry {
    pub id: i64,
    pub at: String,
    pub assessor: String,
    pub action: String,
    pub table: String,
    pub row: i64,
    pub uuid: Option<String>,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
    pub prev: String,
    pub hash: String,
}

impl SharedEntry {
    /// Whether the entry's hash is that of its fields and `prev`.
    pub fn holds(&self) -> bool {
        let uuid = self.uuid.as_deref().and_then(|u| Uuid::parse_str(u).ok());
        let hash = super::entry_hash(
            &self.prev,
            &self.at,
            &self.assessor,
            &self.action,
            &self.table,
            super::EntryRow { id: self.row, uuid: uuid.as_ref() },
            self.field.as_deref(),
            self.old.as_deref(),
            self.new.as_deref(),
        );
        hash == self.hash
    }
}

/// The history entries after `after`, oldest first.
pub fn entries_since(conn: &Connection, after: i64) -> rusqlite::Result<Vec<SharedEntry>> {
    conn.prepare(
        "SELECT id, at, assessor, action, table_name, row_id, row_uuid, field, old_value, new_value, prev_hash, hash \
         FROM audit_log WHERE id > ?1 ORDER BY id",
    )?
    .query_map([after], |r| {
        Ok(SharedEntry {
            id: r.get(0)?,
            at: r.get(1)?,
            assessor: r.get(2)?,
            action: r.get(3)?,
            table: r.get(4)?,
            row: r.get(5)?,
            uuid: ids::read(r.get_ref(6)?).map(|u| u.hyphenated().to_string()),
            field: r.get(7)?,
            old: r.get(8)?,
            new: r.get(9)?,
            prev: r.get(10)?,
            hash: r.get(11)?,
        })
    })?
    .collect()
}

/// The id and hash of history entry `id` (the anchor a device's shared chain starts from), if there is one.
pub fn entry_at(conn: &Connection, id: i64) -> rusqlite::Result<Option<(i64, String)>> {
    conn.query_row("SELECT id, hash FROM audit_log WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?))).optional()
}

/// Records how far this laptop's history chain is in the team repository.
pub fn mark_history(conn: &Connection, through: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE team_binding SET history_through = ?1 WHERE id = 1", [through])?;
    Ok(())
}
