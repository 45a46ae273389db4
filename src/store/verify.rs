//! Checking a workspace: SQLite's own integrity check, the schema against the one its version defines, the audit
//! log's hash chain (its seals in an encrypted workspace, its times, the heads anchored outside the file), and a
//! replay of the audit log against the rows as they stand, which reveals any row changed, added or removed behind
//! assay's back.
//!
//! The replay streams: the chain is read once in order, then each table's rows are walked beside their history
//! (both in row order, through the index on the history), so memory stays that of one row whatever the size.

use std::collections::BTreeMap;
use std::fmt;

use rusqlite::Connection;
use strum::IntoEnumIterator;

use super::history::Head;
use super::write::{ChainKey, GENESIS_HASH, Row as EntryRow, SET_NULLS, Table, entry_hash};
use crate::domain::Value;

/// One problem found.
#[derive(Debug, Clone, PartialEq)]
pub enum Finding {
    /// SQLite's integrity check reported this.
    Integrity(String),
    /// The schema differs from the one the workspace's version defines (a trigger, view, table or column added,
    /// changed or removed).
    Schema(String),
    /// The audit entry with this id does not hash to what it records, does not link to the one before, or (in an
    /// encrypted workspace) does not carry the seal only the passphrase can make.
    BrokenChain { entry: i64, at: String, why: &'static str },
    /// The audit entry with this id is dated before the one preceding it.
    TimeBackwards { entry: i64, at: String, before: String },
    /// A head kept outside the file is no longer in the history as it was.
    Head { head: String, why: String },
    /// A row's field differs from what its history says.
    Changed { table: &'static str, row: i64, field: String, stored: Option<String>, history: Option<String> },
    /// A row exists that its history never created (or that it deleted).
    Unrecorded { table: &'static str, row: i64 },
    /// A row its history created is missing.
    Missing { table: &'static str, row: i64 },
    /// An evidence file's stored content is not what its audited record says (`why`).
    Evidence { row: i64, reference: String, name: String, engagement: String, why: String },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let show = |v: &Option<String>| v.as_deref().map_or("empty".to_string(), |s| format!("“{s}”"));
        match self {
            Finding::Integrity(m) => write!(f, "SQLite integrity check: {m}"),
            Finding::Schema(m) => write!(f, "schema: {m}"),
            Finding::BrokenChain { entry, at, why } => write!(f, "history entry #{entry} ({at}) is broken: {why}"),
            Finding::TimeBackwards { entry, at, before } => {
                write!(f, "history entry #{entry} is dated {at}, before the entry preceding it ({before})")
            }
            Finding::Head { head, why } => write!(f, "history head {head}: {why}"),
            Finding::Changed { table, row, field, stored, history } => write!(
                f,
                "{table} #{row}: {field} is {} but its history says {} — changed outside assay",
                show(stored),
                show(history)
            ),
            Finding::Unrecorded { table, row } => {
                write!(f, "{table} #{row} is not in the history — added outside assay")
            }
            Finding::Missing { table, row } => write!(f, "{table} #{row} is gone but its history never deleted it"),
            Finding::Evidence { row, reference, name, engagement, why } => {
                write!(f, "evidence {reference} “{name}” of engagement {engagement} (evidence #{row}): {why}")
            }
        }
    }
}

/// What a verification found, in order: integrity first, then the schema, the chain, and the rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub entries: usize,
    pub rows: usize,
    /// The evidence files whose content was re-hashed.
    pub files: usize,
    /// Evidence records whose content is not in the workspace: imported from a bundle (which carries no files) or
    /// recorded without the file. Not a finding, since such records are made by assay too; said beside the result.
    pub files_absent: usize,
    /// The head of the history as verified.
    pub head: Option<Head>,
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
    }
}

/// What to check beyond the file itself.
#[derive(Default)]
pub struct Options<'a> {
    /// The key the history of an encrypted workspace is sealed with.
    pub chain_key: Option<ChainKey>,
    /// Heads kept outside the file, each of which must still be in the history unchanged.
    pub heads: Vec<Head>,
    /// Told how far the work has got: (done, total), in entries and rows.
    pub progress: Option<&'a mut dyn FnMut(u64, u64)>,
    /// Run SQLite's integrity check on a connection of its own to this file (opened with this passphrase), on
    /// another thread alongside the rest, instead of first on `conn`.
    pub integrity_beside: Option<(std::path::PathBuf, Option<String>)>,
}

/// SQLite's integrity check on a connection of its own that only reads.
fn integrity_on(path: &std::path::Path, key: Option<&str>) -> rusqlite::Result<Vec<String>> {
    integrity(&super::open_reader(path, key)?)
}

fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect()
}

/// Columns the write path stamps itself and never audits; the stamps are checked apart.
const STAMPS: &[&str] = &["id", "created_at", "updated_at"];

fn text_of(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// One value of a recorded row, read straight from the history's JSON as the text the row would show: without
/// building a JSON tree first (the replay reads every insert of the workspace).
struct Cell(Option<String>);

impl<'de> serde::Deserialize<'de> for Cell {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Cell, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Cell;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_unit<E>(self) -> Result<Cell, E> {
                Ok(Cell(None))
            }
            fn visit_none<E>(self) -> Result<Cell, E> {
                Ok(Cell(None))
            }
            fn visit_str<E>(self, v: &str) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_string<E>(self, v: String) -> Result<Cell, E> {
                Ok(Cell(Some(v)))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Cell, E> {
                Ok(Cell(Some(v.to_string())))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Cell, E> {
                Ok(Cell(json_text(&serde_json::Value::from(v))))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, a: A) -> Result<Cell, A::Error> {
                let v: serde_json::Value =
                    serde::Deserialize::deserialize(serde::de::value::SeqAccessDeserializer::new(a))?;
                Ok(Cell(json_text(&v)))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, a: A) -> Result<Cell, A::Error> {
                let v: serde_json::Value =
                    serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(a))?;
                Ok(Cell(json_text(&v)))
            }
        }
        d.deserialize_any(V)
    }
}

/// Verifies the workspace (an unencrypted one, or without checking seals); never changes it.
pub fn verify(conn: &Connection) -> rusqlite::Result<Report> {
    verify_with(conn, Options::default())
}

/// Verifies the workspace with the given options; never changes it.
pub fn verify_with(conn: &Connection, mut opts: Options<'_>) -> rusqlite::Result<Report> {
    let beside =
        opts.integrity_beside.take().map(|(path, key)| std::thread::spawn(move || integrity_on(&path, key.as_deref())));
    if beside.is_none() {
        let found = integrity(conn)?;
        if found != ["ok"] {
            return Ok(Report { findings: found.into_iter().map(Finding::Integrity).collect(), ..Report::default() });
        }
    }
    let rest = verify_rest(conn, opts);
    // A damaged file makes the rest meaningless (or fail): then the integrity check's findings are the report.
    if let Some(handle) = beside {
        let found = match handle.join() {
            Ok(found) => found?,
            Err(_) => integrity(conn)?,
        };
        if found != ["ok"] {
            return Ok(Report { findings: found.into_iter().map(Finding::Integrity).collect(), ..Report::default() });
        }
    }
    rest
}

/// Everything after SQLite's integrity check.
fn verify_rest(conn: &Connection, mut opts: Options<'_>) -> rusqlite::Result<Report> {
    let mut report = Report::default();
    report.findings.extend(super::migrations::schema_differences(conn)?.into_iter().map(Finding::Schema));

    let entries: u64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get::<_, i64>(0))?.max(0) as u64;
    let mut rows_total = 0u64;
    for t in Table::iter() {
        rows_total +=
            conn.query_row(&format!("SELECT count(*) FROM {}", t.name()), [], |r| r.get::<_, i64>(0))?.max(0) as u64;
    }
    let files = evidence_count(conn)?;
    let total = entries + rows_total + files;
    let mut done = 0u64;
    let mut tell = |done: u64| {
        if done.is_multiple_of(4096)
            && let Some(p) = opts.progress.as_mut()
        {
            p(done, total);
        }
    };

    check_chain(conn, &opts.chain_key, &opts.heads, &mut report, &mut |d| tell(d))?;
    done += entries;
    for table in Table::iter() {
        replay_table(conn, table, &mut report, &mut |n| tell(done + n))?;
        done += conn.query_row(&format!("SELECT count(*) FROM {}", table.name()), [], |r| r.get::<_, i64>(0))?.max(0)
            as u64;
    }
    // On a schema assay did not make (already a finding) the evidence tables may not be what the check reads.
    if files > 0 && !report.findings.iter().any(|f| matches!(f, Finding::Schema(_))) {
        check_evidence(conn, &mut report, &mut |n| tell(done + n))?;
    }
    if let Some(p) = opts.progress.as_mut() {
        p(total, total);
    }
    report.findings.sort_by_key(|f| match f {
        Finding::Integrity(_) => 0,
        Finding::Schema(_) => 1,
        Finding::BrokenChain { .. } | Finding::Head { .. } => 2,
        Finding::TimeBackwards { .. } => 3,
        _ => 4,
    });
    Ok(report)
}

/// The chain, in order: each entry hashes to what it records, links to the one before, is sealed (encrypted
/// workspaces), is not dated before its predecessor; and each anchored head is found unchanged.
fn check_chain(
    conn: &Connection,
    key: &Option<ChainKey>,
    heads: &[Head],
    report: &mut Report,
    tell: &mut dyn FnMut(u64),
) -> rusqlite::Result<()> {
    let sealed: bool =
        conn.query_row("SELECT count(*) > 0 FROM pragma_table_info('audit_log') WHERE name = 'mac'", [], |r| r.get(0))?;
    let named: bool =
        conn.query_row("SELECT count(*) > 0 FROM pragma_table_info('audit_log') WHERE name = 'row_uuid'", [], |r| {
            r.get(0)
        })?;
    let sql = format!(
        "SELECT id, at, assessor, action, table_name, row_id, field, old_value, new_value, prev_hash, hash, {}, {}
         FROM audit_log ORDER BY id",
        if sealed { "mac" } else { "NULL" },
        if named { "row_uuid" } else { "NULL" }
    );
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    let mut prev = GENESIS_HASH.to_string();
    let mut prev_at = String::new();
    let mut chain_ok = true;
    let mut n = 0u64;
    let mut last = GENESIS_HASH.to_string();
    let mut pending: Vec<&Head> = heads.iter().filter(|h| h.chain.is_empty()).collect();
    for h in heads.iter().filter(|h| !h.chain.is_empty()) {
        report.findings.push(Finding::Head {
            head: h.to_string(),
            why: format!("this workspace has no chain named “{}”", h.chain),
        });
    }
    while let Some(r) = rows.next()? {
        n += 1;
        tell(n);
        let id: i64 = r.get(0)?;
        // Borrowed from SQLite's row: no copy of the (often long) values.
        let at = r.get_ref(1)?.as_str()?;
        let hash = r.get_ref(10)?.as_str()?;
        if chain_ok {
            let prev_hash = r.get_ref(9)?.as_str()?;
            let opt = |i: usize| -> rusqlite::Result<Option<&str>> { Ok(r.get_ref(i)?.as_str_or_null()?) };
            let why = if prev_hash != prev {
                Some("it does not follow the entry before it (an entry was removed or inserted)")
            } else if entry_hash(
                prev_hash,
                at,
                r.get_ref(2)?.as_str()?,
                r.get_ref(3)?.as_str()?,
                r.get_ref(4)?.as_str()?,
                EntryRow { id: r.get(5)?, uuid: crate::store::ids::read(r.get_ref(12)?).as_ref() },
                opt(6)?,
                opt(7)?,
                opt(8)?,
            ) != hash
            {
                Some("its contents do not match its hash (it was edited)")
            } else if let Some(k) = key
                && opt(11)? != Some(k.seal(hash).as_str())
            {
                Some("it does not carry the seal of this workspace's passphrase (written or rewritten without it)")
            } else {
                None
            };
            if let Some(why) = why {
                report.findings.push(Finding::BrokenChain { entry: id, at: at.to_string(), why });
                chain_ok = false;
            }
            prev.clear();
            prev.push_str(hash);
        }
        if at < prev_at.as_str() {
            report.findings.push(Finding::TimeBackwards { entry: id, at: at.to_string(), before: prev_at.clone() });
        }
        prev_at.clear();
        prev_at.push_str(at);
        last.clear();
        last.push_str(hash);
        pending.retain(|h| {
            if h.count != n {
                return true;
            }
            if h.hash != hash {
                report.findings.push(Finding::Head {
                    head: h.to_string(),
                    why: format!("entry {n} of the history is no longer the one anchored (the history was rewritten)"),
                });
            }
            false
        });
    }
    report.entries = usize::try_from(n).unwrap_or(usize::MAX);
    for h in pending {
        let why = if h.count == 0 {
            if h.hash == GENESIS_HASH { continue } else { "an empty history has no other hash".to_string() }
        } else {
            format!("the history holds {n} entries, fewer than the {} anchored (it was cut short)", h.count)
        };
        report.findings.push(Finding::Head { head: h.to_string(), why });
    }
    report.head = Some(Head { chain: String::new(), count: n, hash: last });
    Ok(())
}

/// What the history says of one row so far.
struct Replayed {
    /// The row's fields (None once deleted).
    fields: Option<BTreeMap<String, Option<String>>>,
    /// The values `updated_at` may hold: the insert's, or the time of a later update (several when the last
    /// updates may have been the schema nulling a reference, which leaves the stamp alone).
    updated: Vec<String>,
}

/// One table's rows against their history, both walked in row order.
fn replay_table(
    conn: &Connection,
    table: Table,
    report: &mut Report,
    tell: &mut dyn FnMut(u64),
) -> rusqlite::Result<()> {
    let name = table.name();
    let nullable: Vec<&str> = SET_NULLS.iter().filter(|(_, h, _)| *h == table).map(|(_, _, c)| *c).collect();
    let mut hist_stmt = conn.prepare(
        "SELECT row_id, at, action, field, new_value FROM audit_log WHERE table_name = ?1 ORDER BY row_id, id",
    )?;
    let mut hist = hist_stmt.query([name])?;
    let mut row_stmt = conn.prepare(&format!("SELECT * FROM {name} ORDER BY id"))?;
    let cols: Vec<String> = row_stmt.column_names().iter().map(|s| s.to_string()).collect();
    let mut rows = row_stmt.query([])?;

    // One history entry read ahead.
    type Ahead = Option<(i64, String, String, Option<String>, Option<String>)>;
    let read = |h: &mut rusqlite::Rows<'_>| -> rusqlite::Result<Ahead> {
        Ok(match h.next()? {
            Some(r) => Some((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            None => None,
        })
    };
    let mut ahead = read(&mut hist)?;
    // Replays every entry of `row` (they come next in the stream) and returns what the history says of it.
    let replay = |row: i64, ahead: &mut Ahead, hist: &mut rusqlite::Rows<'_>| -> rusqlite::Result<Option<Replayed>> {
        let mut state: Option<Replayed> = None;
        while let Some((rid, at, action, field, new)) = ahead.take() {
            if rid != row {
                *ahead = Some((rid, at, action, field, new));
                break;
            }
            match action.as_str() {
                "insert" => {
                    let map: BTreeMap<String, Option<String>> = new
                        .as_deref()
                        .and_then(|j| serde_json::from_str::<BTreeMap<String, Cell>>(j).ok())
                        .map(|m| m.into_iter().map(|(k, v)| (k, v.0)).collect())
                        .unwrap_or_default();
                    let updated = map.get("updated_at").cloned().flatten().into_iter().collect();
                    state = Some(Replayed { fields: Some(map), updated });
                }
                "update" => {
                    if let Some(Replayed { fields: Some(map), updated }) = state.as_mut()
                        && let Some(field) = field
                    {
                        let maybe_nulled = new.is_none() && nullable.contains(&field.as_str());
                        map.insert(field, new);
                        if !maybe_nulled {
                            updated.clear();
                        }
                        updated.push(at);
                    }
                }
                _ => state = Some(Replayed { fields: None, updated: Vec::new() }),
            }
            *ahead = read(hist)?;
        }
        Ok(state)
    };
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        n += 1;
        tell(n);
        report.rows += 1;
        let id: i64 = r.get("id")?;
        // Rows the history has but the table no longer does, before this one.
        while let Some((rid, ..)) = &ahead
            && *rid < id
        {
            let rid = *rid;
            if let Some(Replayed { fields: Some(_), .. }) = replay(rid, &mut ahead, &mut hist)? {
                report.findings.push(Finding::Missing { table: name, row: rid });
            }
        }
        let Some(Replayed { fields: Some(history), updated }) = replay(id, &mut ahead, &mut hist)? else {
            report.findings.push(Finding::Unrecorded { table: name, row: id });
            continue;
        };
        for (i, col) in cols.iter().enumerate() {
            let stored = text_of(&r.get::<_, Value>(i)?);
            match col.as_str() {
                "id" => continue,
                "updated_at" if !updated.is_empty() => {
                    if !stored.as_ref().is_some_and(|s| updated.contains(s)) {
                        report.findings.push(Finding::Changed {
                            table: name,
                            row: id,
                            field: col.clone(),
                            stored,
                            history: updated.last().cloned(),
                        });
                    }
                    continue;
                }
                c if STAMPS.contains(&c) && c != "created_at" => continue,
                _ => {}
            }
            // A column the history never mentions holds the schema's default.
            let Some(expected) = history.get(col) else { continue };
            if &stored != expected {
                report.findings.push(Finding::Changed {
                    table: name,
                    row: id,
                    field: col.clone(),
                    stored,
                    history: expected.clone(),
                });
            }
        }
    }
    while let Some((rid, ..)) = &ahead {
        let rid = *rid;
        if let Some(Replayed { fields: Some(_), .. }) = replay(rid, &mut ahead, &mut hist)? {
            report.findings.push(Finding::Missing { table: name, row: rid });
        }
    }
    Ok(())
}

/// How many evidence files the workspace records; none when it has no content table (a schema already reported).
fn evidence_count(conn: &Connection) -> rusqlite::Result<u64> {
    let has_content: bool = conn.query_row(
        "SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'evidence_content'",
        [],
        |r| r.get(0),
    )?;
    if !has_content {
        return Ok(0);
    }
    Ok(conn.query_row("SELECT count(*) FROM evidence", [], |r| r.get::<_, i64>(0))?.max(0) as u64)
}

/// Every evidence file's content re-hashed, in chunks, against the SHA-256 and size of its audited record (content
/// two records share is read once). A record whose content differs is named; one whose content is not here is
/// counted (see [`Report::files_absent`]).
fn check_evidence(conn: &Connection, report: &mut Report, tell: &mut dyn FnMut(u64)) -> rusqlite::Result<()> {
    use super::evidence::{Content, ReadError, read_content};
    let mut stmt = conn.prepare(
        "SELECT v.id, v.number, coalesce(v.name, v.path), v.sha256, v.size, g.number, g.name
         FROM evidence v JOIN engagement g ON g.id = v.engagement_id ORDER BY v.id",
    )?;
    let mut rows = stmt.query([])?;
    let mut seen: BTreeMap<(String, i64), Content> = BTreeMap::new();
    let mut n = 0u64;
    while let Some(r) = rows.next()? {
        n += 1;
        tell(n);
        let (id, number, name): (i64, Option<i64>, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let (sha256, size): (String, i64) = (r.get(3)?, r.get(4)?);
        let key = (sha256, size);
        let found = match seen.get(&key) {
            Some(c) => c.clone(),
            None => {
                let c = match read_content(conn, &key.0, key.1.max(0) as u64, &mut |_| Ok(())) {
                    Ok(c) => c,
                    Err(ReadError::Sqlite(e)) => return Err(e),
                    Err(ReadError::Write(_)) => Content::Intact,
                };
                seen.insert(key.clone(), c.clone());
                c
            }
        };
        if found == Content::Absent {
            report.files_absent += 1;
            continue;
        }
        report.files += 1;
        let why = match found {
            Content::Intact | Content::Absent => continue,
            Content::Altered { sha256 } => format!(
                "its stored content hashes to {sha256}, not to the SHA-256 {} recorded when it was added — changed \
                 outside assay",
                key.0
            ),
            Content::WrongSize { size } => format!(
                "its stored content is {size} bytes, not the {} recorded when it was added — changed outside assay",
                key.1
            ),
        };
        let engagement_number: Option<i64> = r.get(5)?;
        let engagement_name: String = r.get(6)?;
        report.findings.push(Finding::Evidence {
            row: id,
            reference: number.map_or_else(|| format!("#{id}"), |n| super::ids::short_ref(Table::Evidence, n)),
            name,
            engagement: match engagement_number {
                Some(e) => format!("{} “{engagement_name}”", super::ids::short_ref(Table::Engagement, e)),
                None => format!("“{engagement_name}”"),
            },
            why,
        });
    }
    Ok(())
}
