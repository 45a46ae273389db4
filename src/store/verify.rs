//! Checking a workspace: SQLite's own integrity check, the schema against the one its version defines, the audit
//! log's hash chain (its seals in an encrypted workspace, its times, the heads anchored outside the file), and a
//! replay of the audit log against the rows as they stand, which reveals any row changed, added or removed behind
//! assay's back.
//!
//! The replay streams: the chain is read once in order, and each table's rows are walked beside their history (both
//! in row order, through the index on the history), so memory stays that of one row whatever the size. On a file,
//! the work is shared between three connections on their own threads: the integrity check; the chain, then tables;
//! tables.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use rusqlite::Connection;
use strum::IntoEnumIterator;

use super::history::Head;
use super::recorded::{reads_as, recorded, text_of};
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
    /// The workspace's file (and passphrase): SQLite's integrity check then runs on a connection of its own to it,
    /// on another thread, instead of first on `conn`, and a third connection checks the chain and replays a share of
    /// the tables beside `conn`.
    pub beside: Option<(std::path::PathBuf, Option<String>)>,
}

/// SQLite's integrity check on a connection of its own that only reads. Read-only, SQLite checks the file's
/// structure, every index against its table, NOT NULL and the column types, but not the tables' CHECK rules (it
/// leaves them out of a read-only schema), which cost as much again as all the rest on the large demo. The replay
/// finds what those rules would: it compares every column of every row with its audited history, and every
/// value assay wrote was held to those rules as it was written.
fn integrity_on(path: &std::path::Path, key: Option<&str>) -> rusqlite::Result<Vec<String>> {
    integrity(&super::open_checker(path, key)?)
}

fn integrity(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect()
}

/// Columns the write path stamps itself and never audits; the stamps are checked apart.
const STAMPS: &[&str] = &["id", "created_at", "updated_at"];

/// Verifies the workspace (an unencrypted one, or without checking seals); never changes it.
pub fn verify(conn: &Connection) -> rusqlite::Result<Report> {
    verify_with(conn, Options::default())
}

/// Verifies the workspace with the given options; never changes it. With `beside`, the work is shared between
/// three connections on their own threads: the integrity check on one, the chain and then tables on a second,
/// tables on this one.
pub fn verify_with(conn: &Connection, mut opts: Options<'_>) -> rusqlite::Result<Report> {
    let beside = opts.beside.take();
    let integrity_beside =
        beside.clone().map(|(path, key)| std::thread::spawn(move || integrity_on(&path, key.as_deref())));
    if integrity_beside.is_none() {
        let found = integrity(conn)?;
        if found != ["ok"] {
            return Ok(Report { findings: found.into_iter().map(Finding::Integrity).collect(), ..Report::default() });
        }
    }
    // Each connection keeps SQLite's default page cache (2 MB): with 8 MB the replay read no faster, and took more
    // CPU and 12 MB more memory.
    let rest = verify_rest(conn, opts, beside);
    // A damaged file makes the rest meaningless (or fail): then the integrity check's findings are the report.
    if let Some(handle) = integrity_beside {
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

/// What the chain's check found: its findings, how many entries it read, and the head.
#[derive(Default)]
struct ChainFound {
    findings: Vec<Finding>,
    entries: usize,
    head: Option<Head>,
}

/// What one table's replay found, and how many rows it read.
type Replayed = (Vec<Finding>, usize);

/// The tables to replay, shared by the connections that replay them: each takes the next table not yet taken
/// (the largest first, so that the last to finish is a small one), and counts what it has done for the progress.
struct Tables {
    order: Vec<Table>,
    next: std::sync::atomic::AtomicUsize,
    results: std::sync::Mutex<Vec<Option<Replayed>>>,
    done: AtomicU64,
}

impl Tables {
    /// Replays tables on `conn` until none is left to take, calling `tick` now and then with the count of all
    /// that is done.
    fn replay(&self, conn: &Connection, tick: &mut dyn FnMut(u64)) -> rusqlite::Result<()> {
        loop {
            let i = self.next.fetch_add(1, Ordering::Relaxed);
            let Some(&table) = self.order.get(i) else { return Ok(()) };
            let mut told = 0;
            let (found, rows) = replayed(conn, table, &mut |n| {
                if let Some(done) = self.count(&mut told, n) {
                    tick(done);
                }
            })?;
            self.counted(told, rows as u64);
            self.results.lock().unwrap_or_else(std::sync::PoisonError::into_inner)[i] = Some((found, rows));
        }
    }

    /// At every 1024th item of a step, adds what the step did since it last told (`told`, then moved to `n`) to the
    /// count of all that is done, and returns that count.
    fn count(&self, told: &mut u64, n: u64) -> Option<u64> {
        if !n.is_multiple_of(1024) {
            return None;
        }
        let step = n - std::mem::replace(told, n);
        Some(self.done.fetch_add(step, Ordering::Relaxed) + step)
    }

    /// At the end of a step of `all` items, adds what it did since it last told.
    fn counted(&self, told: u64, all: u64) {
        self.done.fetch_add(all.saturating_sub(told), Ordering::Relaxed);
    }
}

/// Replays one table: what it found, and how many rows it read.
fn replayed(conn: &Connection, table: Table, tell: &mut dyn FnMut(u64)) -> rusqlite::Result<Replayed> {
    let mut found = Vec::new();
    let rows = replay_table(conn, table, &mut found, tell)?;
    Ok((found, usize::try_from(rows).unwrap_or(usize::MAX)))
}

/// Everything after SQLite's integrity check. With `beside` (the workspace's path and passphrase), a second
/// connection checks the chain and then replays tables beside this one.
fn verify_rest(
    conn: &Connection,
    mut opts: Options<'_>,
    beside: Option<(std::path::PathBuf, Option<String>)>,
) -> rusqlite::Result<Report> {
    let mut report = Report::default();
    report.findings.extend(super::migrations::schema_differences(conn)?.into_iter().map(Finding::Schema));

    // Sizes from each table's largest rowid, found at once: counting the rows read every table's smallest index
    // (0.3-0.6 s on the huge demo) before the second connection could start. They order the tables and size the
    // progress, which is told its total at the end however many rows there were.
    let size = |table: &str| -> rusqlite::Result<u64> {
        let n: i64 = conn.query_row(&format!("SELECT coalesce(max(rowid), 0) FROM {table}"), [], |r| r.get(0))?;
        Ok(n.max(0) as u64)
    };
    let entries = size("audit_log")?;
    let mut sized = Vec::new();
    for t in Table::iter() {
        sized.push((t, size(t.name())?));
    }
    let rows_total: u64 = sized.iter().map(|(_, n)| n).sum();
    let files = evidence_count(conn)?;
    let total = entries + rows_total + files;
    sized.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
    let tables = Arc::new(Tables {
        order: sized.iter().map(|(t, _)| *t).collect(),
        next: Default::default(),
        results: std::sync::Mutex::new(vec![None; sized.len()]),
        done: AtomicU64::new(0),
    });
    let mut tell = |done: u64| {
        if let Some(p) = opts.progress.as_mut() {
            p(done.min(total), total);
        }
    };

    // The other thread's end (or its panic) drops the sender, which wakes this one at once.
    let (ended, end) = std::sync::mpsc::channel::<()>();
    let helper = beside.map(|(path, key)| {
        let (chain_key, heads, shared) = (opts.chain_key, opts.heads.clone(), Arc::clone(&tables));
        std::thread::spawn(move || -> rusqlite::Result<ChainFound> {
            let _ended = ended;
            let conn = super::open_reader(&path, key.as_deref())?;
            let mut found = ChainFound::default();
            let mut told = 0;
            check_chain(&conn, &chain_key, &heads, &mut found, &mut |n| {
                shared.count(&mut told, n);
            })?;
            shared.counted(told, found.entries as u64);
            shared.replay(&conn, &mut |_| {})?;
            Ok(found)
        })
    });
    let mut chain = ChainFound::default();
    if helper.is_none() {
        check_chain(conn, &opts.chain_key, &opts.heads, &mut chain, &mut |n| {
            if n.is_multiple_of(4096) {
                tell(n);
            }
        })?;
        tables.done.fetch_add(entries, Ordering::Relaxed);
    }
    tables.replay(conn, &mut |done| tell(done))?;
    if let Some(helper) = helper {
        while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
            end.recv_timeout(std::time::Duration::from_millis(50))
        {
            tell(tables.done.load(Ordering::Relaxed));
        }
        // Should the other thread panic, the chain is checked again here, and any table it had taken is replayed
        // again below.
        chain = match helper.join() {
            Ok(Ok(found)) => found,
            Ok(Err(e)) => return Err(e),
            Err(_) => {
                let mut found = ChainFound::default();
                check_chain(conn, &opts.chain_key, &opts.heads, &mut found, &mut |_| {})?;
                found
            }
        };
    }
    let results = std::mem::take(&mut *tables.results.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
    // Findings in the order of the tables, whichever connection replayed them.
    let mut by_table: Vec<(Table, Replayed)> = Vec::new();
    for (i, result) in results.into_iter().enumerate() {
        let table = tables.order[i];
        let replayed = match result {
            Some(r) => r,
            None => replayed(conn, table, &mut |_| {})?,
        };
        by_table.push((table, replayed));
    }
    by_table.sort_by_key(|(t, _)| Table::iter().position(|x| x == *t));
    for (_, (mut found, rows)) in by_table {
        report.rows += rows;
        report.findings.append(&mut found);
    }
    // On a schema assay did not make (already a finding) the evidence tables may not be what the check reads.
    if files > 0 && !report.findings.iter().any(|f| matches!(f, Finding::Schema(_))) {
        let base = entries + rows_total;
        check_evidence(conn, &mut report, &mut |n| tell(base + n))?;
    }
    report.entries = chain.entries;
    report.head = chain.head;
    report.findings.append(&mut chain.findings);
    tell(total);
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
    report: &mut ChainFound,
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

/// What the history says of one row, gathered from its entries in order; compared with the row once all are read.
#[derive(Default)]
struct Gathered {
    /// `None` before any entry that creates the row; then whether the history leaves it standing (not deleted).
    live: Option<bool>,
    /// The JSON of the insert that made the row as it stands.
    insert: String,
    /// The updates of columns since that insert, in order: (column, value).
    updates: Vec<(usize, Option<String>)>,
    /// Whether the insert's own `updated_at` is still one of the values `updated_at` may hold.
    insert_stamp: bool,
    /// The times of later updates `updated_at` may hold: the last update's, or several when the last updates may
    /// have been the schema nulling a reference, which leaves the stamp alone.
    stamps: Vec<String>,
}

impl Gathered {
    fn clear(&mut self) {
        self.live = None;
        self.insert.clear();
        self.updates.clear();
        self.insert_stamp = false;
        self.stamps.clear();
    }

    /// One history entry of the row: (row_id, at, action, field, new_value).
    fn add(&mut self, e: &rusqlite::Row<'_>, cols: &[String], nullable: &[&str]) -> rusqlite::Result<()> {
        match e.get_ref(2)?.as_str()? {
            "insert" => {
                self.clear();
                self.live = Some(true);
                self.insert.push_str(e.get_ref(4)?.as_str_or_null()?.unwrap_or_default());
                self.insert_stamp = true;
            }
            "update" => {
                if self.live == Some(true)
                    && let Some(field) = e.get_ref(3)?.as_str_or_null()?
                {
                    let new = e.get_ref(4)?.as_str_or_null()?;
                    if let Some(i) = cols.iter().position(|c| c == field) {
                        self.updates.push((i, new.map(str::to_string)));
                    }
                    if !(new.is_none() && nullable.contains(&field)) {
                        self.insert_stamp = false;
                        self.stamps.clear();
                    }
                    self.stamps.push(e.get_ref(1)?.as_str()?.to_string());
                }
            }
            _ => {
                self.clear();
                self.live = Some(false);
            }
        }
        Ok(())
    }
}

/// One table's rows against their history, both walked in row order; returns how many rows it read.
fn replay_table(
    conn: &Connection,
    table: Table,
    findings: &mut Vec<Finding>,
    tell: &mut dyn FnMut(u64),
) -> rusqlite::Result<u64> {
    let name = table.name();
    let nullable: Vec<&str> = SET_NULLS.iter().filter(|(_, h, _)| *h == table).map(|(_, _, c)| *c).collect();
    let mut hist_stmt = conn.prepare(
        "SELECT row_id, at, action, field, new_value FROM audit_log WHERE table_name = ?1 ORDER BY row_id, id",
    )?;
    let mut hist = hist_stmt.query([name])?;
    let mut row_stmt = conn.prepare(&format!("SELECT * FROM {name} ORDER BY id"))?;
    let cols: Vec<String> = row_stmt.column_names().iter().map(|s| s.to_string()).collect();
    let id_col = cols.iter().position(|c| c == "id").ok_or_else(|| rusqlite::Error::InvalidColumnName("id".into()))?;
    let updated_col = cols.iter().position(|c| c == "updated_at");
    let mut rows = row_stmt.query([])?;

    let mut g = Gathered::default();
    let mut buf = String::new();
    // The history entry the stream is at: the first of the next row it speaks of.
    let mut at = hist.next()?;
    let mut n = 0u64;
    loop {
        let row = rows.next()?;
        let id = match row {
            Some(r) => Some(r.get::<_, i64>(id_col)?),
            None => None,
        };
        // Every row the history speaks of up to this one (all of them after the last row): those before it are
        // no longer in the table, which is a finding unless their history deleted them.
        g.clear();
        while let Some(e) = at {
            let rid: i64 = e.get(0)?;
            if id.is_some_and(|id| rid > id) {
                break;
            }
            let mut rid_entries = Some(e);
            while let Some(e) = rid_entries {
                g.add(e, &cols, &nullable)?;
                at = hist.next()?;
                rid_entries = match at {
                    Some(next) if next.get::<_, i64>(0)? == rid => Some(next),
                    _ => None,
                };
            }
            if Some(rid) == id {
                break;
            }
            if g.live == Some(true) {
                findings.push(Finding::Missing { table: name, row: rid });
            }
            g.clear();
        }
        let (Some(r), Some(id)) = (row, id) else { break };
        n += 1;
        tell(n);
        if g.live != Some(true) {
            findings.push(Finding::Unrecorded { table: name, row: id });
            continue;
        }
        let mut history = recorded(&g.insert, &cols);
        let insert_updated = if g.insert_stamp { updated_col.and_then(|i| history[i].clone().flatten()) } else { None };
        for (i, v) in &g.updates {
            history[*i] = Some(v.as_deref().map(Cow::Borrowed));
        }
        let updated = insert_updated.as_deref().into_iter().chain(g.stamps.iter().map(String::as_str));
        for (i, col) in cols.iter().enumerate() {
            match col.as_str() {
                "id" => continue,
                "updated_at" if updated.clone().next().is_some() => {
                    let stored = r.get_ref(i)?;
                    if !updated.clone().any(|u| reads_as(stored, Some(u), &mut buf)) {
                        findings.push(Finding::Changed {
                            table: name,
                            row: id,
                            field: col.clone(),
                            stored: text_of(&r.get::<_, Value>(i)?),
                            history: updated.clone().last().map(str::to_string),
                        });
                    }
                    continue;
                }
                c if STAMPS.contains(&c) && c != "created_at" => continue,
                _ => {}
            }
            // A column the history never mentions holds the schema's default.
            let Some(expected) = &history[i] else { continue };
            if !reads_as(r.get_ref(i)?, expected.as_deref(), &mut buf) {
                findings.push(Finding::Changed {
                    table: name,
                    row: id,
                    field: col.clone(),
                    stored: text_of(&r.get::<_, Value>(i)?),
                    history: expected.as_deref().map(str::to_string),
                });
            }
        }
    }
    Ok(n)
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
