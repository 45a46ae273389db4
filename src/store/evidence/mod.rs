//! Evidence files: photos, scans, PDFs and exports attached to an engagement or to one record in it, kept inside the
//! workspace (so an encrypted workspace keeps them encrypted).
//!
//! Two tables hold a file. Its `evidence` row is an ordinary record, written through the audited write path: the
//! original name, media type, size, SHA-256, caption, the record it is attached to, who added it and when. The bytes
//! sit in `evidence_content`, one row per distinct SHA-256, written beside the audited row in the same transaction
//! but never copied into the history (which records each row as JSON). The audited hash is what `verify` re-hashes
//! the content against.
//!
//! Nothing here holds a whole file in memory: a file is read in chunks, hashed, then (unless the workspace holds the
//! same content already) read again and written chunk by chunk into a blob that SQLite allocated at the file's size
//! (incremental blob I/O), and read back the same way to verify or export it. A file that changes while it is read
//! (the two hashes differ, it is shorter or longer than it was, or its size or modification time changed) is
//! refused, and the transaction with it: nothing is stored.
//!
//! Keyed by hash, content survives the deletion of its last record until the workspace is next opened for writing
//! ([`prune`]): an undo within the session finds it still there.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rusqlite::{Connection, OptionalExtension, params};
use sha2::{Digest, Sha256};

use super::{Store, Table, Writer, ids};
use crate::domain::Value;

mod names;
pub use names::{human_size, media_type, numbered_name, safe_name};

/// The largest file stored by default, in MB (see [`MB`]); the config's `evidence_max_mb` changes it.
pub const DEFAULT_MAX_MB: u64 = 50;
/// The highest limit the config may set, in MB: SQLite keeps a value under 1,000,000,000 bytes.
pub const MAX_MB: u64 = 950;
/// One MB as the limit counts it: 1,048,576 bytes, as file managers show sizes.
pub const MB: u64 = 1024 * 1024;
/// How much of a file is read, hashed and written at a time.
const CHUNK: usize = 256 * 1024;

/// The kinds of record a file may be attached to (declared with the schema). None: the engagement as a whole.
pub use super::schema::EVIDENCE_TARGETS as TARGETS;

/// Why a file was not stored, or stored content not read back. Each says what is wrong in one line.
#[derive(Debug)]
pub enum FileError {
    Missing(PathBuf),
    Folder(PathBuf),
    /// A pipe, device or socket.
    NotAFile(PathBuf),
    Unreadable(PathBuf, io::Error),
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    /// The file changed while it was read.
    Changed {
        path: PathBuf,
        why: &'static str,
    },
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Missing(p) => write!(f, "{}: no such file", p.display()),
            FileError::Folder(p) => {
                write!(f, "{} is a folder, not a file (name the files in it one by one)", p.display())
            }
            FileError::NotAFile(p) => {
                write!(f, "{} is not a regular file (a pipe, device or socket?)", p.display())
            }
            FileError::Unreadable(p, e) => write!(f, "cannot read {}: {e}", p.display()),
            FileError::TooLarge { path, size, limit } => write!(
                f,
                "{} is {} ({size} bytes), over the limit of {} ({limit} bytes) per file (evidence_max_mb in the \
                 config file)",
                path.display(),
                human_size(*size),
                human_size(*limit)
            ),
            FileError::Changed { path, why } => write!(
                f,
                "{} changed while it was being read ({why}); attach it again once nothing is writing to it",
                path.display()
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// A file checked and opened, ready to be attached: a regular file, within the limit.
#[derive(Debug)]
pub struct Source {
    /// The path as given.
    pub path: PathBuf,
    /// Its last part: the name the file is stored and exported under.
    pub name: String,
    pub size: u64,
    file: File,
    modified: Option<SystemTime>,
}

/// Checks that `path` names a regular file of at most `limit` bytes and opens it. Nothing is read yet, and a named
/// pipe is refused without waiting for a writer.
pub fn open_source(path: &Path, limit: u64) -> Result<Source, FileError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => FileError::Missing(path.to_path_buf()),
        _ => FileError::Unreadable(path.to_path_buf(), e),
    })?;
    if meta.is_dir() {
        return Err(FileError::Folder(path.to_path_buf()));
    }
    if !meta.is_file() {
        return Err(FileError::NotAFile(path.to_path_buf()));
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge { path: path.to_path_buf(), size: meta.len(), limit });
    }
    // The real path, opened without following a link or waiting: what is opened is what was checked, or refused.
    let unreadable = |e| FileError::Unreadable(path.to_path_buf(), e);
    let real = crate::private_fs::canonical(path).map_err(unreadable)?;
    let file = crate::private_fs::open_no_follow_no_wait(&real).map_err(unreadable)?;
    let meta = file.metadata().map_err(unreadable)?;
    if !meta.is_file() {
        return Err(FileError::NotAFile(path.to_path_buf()));
    }
    if meta.len() > limit {
        return Err(FileError::TooLarge { path: path.to_path_buf(), size: meta.len(), limit });
    }
    let name = path
        .file_name()
        .or_else(|| real.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| "evidence".to_string());
    Ok(Source { path: path.to_path_buf(), name, size: meta.len(), file, modified: meta.modified().ok() })
}

/// Where a file goes: its engagement, the record it is attached to (none: the engagement as a whole), a caption.
#[derive(Debug, Clone, Copy)]
pub struct Attach<'a> {
    pub engagement: i64,
    pub target: Option<(Table, i64)>,
    pub caption: Option<&'a str>,
}

/// A file as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct Added {
    pub id: i64,
    /// Its short reference ("F-3").
    pub reference: String,
    pub name: String,
    pub size: u64,
    pub sha256: String,
}

/// A file error carried through the write path (whose closures return SQLite's errors), to be taken out again with
/// [`file_error`].
fn carried(e: FileError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

/// The file error a write failed with, if it was one.
pub fn file_error(e: &rusqlite::Error) -> Option<&FileError> {
    match e {
        rusqlite::Error::ToSqlConversionFailure(inner) => inner.downcast_ref::<FileError>(),
        _ => None,
    }
}

/// Stores one file and its audited record in the transaction of `w`; returns the record's id. `progress` is told
/// (bytes done, bytes in all) after each chunk. Any failure, the file's own included, fails the transaction.
pub fn attach(
    w: &mut Writer<'_>,
    src: &mut Source,
    to: Attach<'_>,
    progress: &mut dyn FnMut(u64, u64),
) -> rusqlite::Result<i64> {
    let sha256 = store_content(w.tx(), src, progress)?;
    let path = std::path::absolute(&src.path).unwrap_or_else(|_| src.path.clone());
    let caption = to.caption.map(str::trim).filter(|c| !c.is_empty());
    let added_by = w.assessor().to_string();
    let seen_at = w.now().to_string();
    w.insert(
        Table::Evidence,
        &[
            ("engagement_id", Value::Int(to.engagement)),
            ("path", Value::text(path.to_string_lossy())),
            ("sha256", Value::text(&sha256)),
            ("size", Value::Int(i64::try_from(src.size).unwrap_or(i64::MAX))),
            ("seen_at", Value::text(seen_at)),
            ("name", Value::text(&src.name)),
            ("media_type", Value::text(media_type(&src.name))),
            ("caption", Value::from(caption)),
            ("target_table", Value::from(to.target.map(|(t, _)| t.name()))),
            ("target_id", Value::from(to.target.map(|(_, id)| id))),
            ("added_by", Value::text(added_by)),
        ],
    )
}

/// Stores the files in one transaction: all of them, or (on any failure) none. Returns them as stored.
pub fn add_files(
    store: &mut Store,
    sources: &mut [Source],
    to: Attach<'_>,
    progress: &mut dyn FnMut(&str, u64, u64),
) -> rusqlite::Result<Vec<Added>> {
    store.write(|w| {
        let mut out = Vec::with_capacity(sources.len());
        for src in sources.iter_mut() {
            let name = src.name.clone();
            let id = attach(w, src, to, &mut |done, all| progress(&name, done, all))?;
            let number = ids::ident(w.tx(), Table::Evidence, id)?.and_then(|i| i.number).unwrap_or_default();
            let sha256: String = w.tx().query_row("SELECT sha256 FROM evidence WHERE id = ?1", [id], |r| r.get(0))?;
            out.push(Added { id, reference: ids::short_ref(Table::Evidence, number), name, size: src.size, sha256 });
        }
        Ok(out)
    })
}

/// Stores the content of `src` under its SHA-256 and returns the hash. Two passes over the file, each in chunks:
/// the first hashes it, and when the workspace holds that content already nothing more is written; otherwise the
/// second copies it into a blob allocated at its size, hashing again. A second hash that differs from the first, a
/// file shorter or longer than it was when opened, or a new size or modification time: it changed while read.
///
/// The hash is known before the content row is inserted, so that row is never updated: SQLite rewrites a whole row
/// on update, which for a blob of many megabytes would read it all into memory and write it twice.
fn store_content(conn: &Connection, src: &mut Source, progress: &mut dyn FnMut(u64, u64)) -> rusqlite::Result<String> {
    let size = src.size;
    let len = i32::try_from(size)
        .map_err(|_| carried(FileError::TooLarge { path: src.path.clone(), size, limit: MAX_MB * MB }))?;
    let all = size.saturating_mul(2);
    let mut buf = vec![0u8; CHUNK];
    let first = pass(src, &mut buf, &mut |_, done| {
        progress(done, all);
        Ok(())
    })?;
    let held: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM evidence_content WHERE sha256 = ?1)")?
        .query_row([&first], |r| r.get(0))?;
    if !held {
        conn.prepare_cached("INSERT INTO evidence_content (sha256, size, data) VALUES (?1, ?2, zeroblob(?3))")?
            .execute(params![first, i64::from(len), len])?;
        let row = conn.last_insert_rowid();
        let second = if size > 0 {
            let mut blob = conn.blob_open(rusqlite::MAIN_DB, "evidence_content", "data", row, false)?;
            pass(src, &mut buf, &mut |chunk, done| {
                blob.write_at(chunk, (done - chunk.len() as u64) as usize)?;
                progress(size + done, all);
                Ok(())
            })?
        } else {
            pass(src, &mut buf, &mut |_, _| Ok(()))?
        };
        if second != first {
            return Err(changed(src, "its content changed"));
        }
    }
    progress(all, all);
    let after = src.file.metadata().map_err(|e| carried(FileError::Unreadable(src.path.clone(), e)))?;
    if after.len() != size {
        return Err(changed(src, "its size changed"));
    }
    if after.modified().ok() != src.modified {
        return Err(changed(src, "its modification time changed"));
    }
    Ok(first)
}

fn changed(src: &Source, why: &'static str) -> rusqlite::Error {
    carried(FileError::Changed { path: src.path.clone(), why })
}

/// Reads `src` from its start, exactly the size it had when opened, chunk by chunk: each is hashed and handed to
/// `each` with the bytes read so far. Returns the SHA-256. Fewer bytes, or more, than that size: it changed.
fn pass(
    src: &mut Source,
    buf: &mut [u8],
    each: &mut dyn FnMut(&[u8], u64) -> rusqlite::Result<()>,
) -> rusqlite::Result<String> {
    let unreadable = |path: &Path, e| carried(FileError::Unreadable(path.to_path_buf(), e));
    src.file.seek(SeekFrom::Start(0)).map_err(|e| unreadable(&src.path, e))?;
    let mut hasher = Sha256::new();
    let mut done = 0u64;
    while done < src.size {
        let want = (buf.len() as u64).min(src.size - done) as usize;
        let n = read_some(&mut src.file, &mut buf[..want]).map_err(|e| unreadable(&src.path, e))?;
        if n == 0 {
            return Err(changed(src, "it became shorter"));
        }
        hasher.update(&buf[..n]);
        done += n as u64;
        each(&buf[..n], done)?;
    }
    // More bytes than it had when it was opened: it was written to meanwhile.
    if read_some(&mut src.file, &mut buf[..1]).map_err(|e| unreadable(&src.path, e))? > 0 {
        return Err(changed(src, "it grew"));
    }
    Ok(hex(&hasher.finalize()))
}

/// One read, retried when interrupted.
fn read_some(file: &mut File, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match file.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes content that no evidence record names any more (its last record was deleted in an earlier session),
/// overwriting the freed pages. Returns how many were removed. Run when a workspace is opened for writing, when no
/// undo of this workspace can be pending.
pub fn prune(conn: &Connection) -> rusqlite::Result<usize> {
    const ORPHAN: &str = "NOT EXISTS (SELECT 1 FROM evidence e WHERE e.sha256 = c.sha256)";
    let any: bool =
        conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM evidence_content c WHERE {ORPHAN})"), [], |r| r.get(0))?;
    if !any {
        return Ok(0);
    }
    let secure: i64 = conn.query_row("PRAGMA secure_delete", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA secure_delete = ON;")?;
    let removed = conn.execute(&format!("DELETE FROM evidence_content AS c WHERE {ORPHAN}"), []);
    conn.execute_batch(&format!("PRAGMA secure_delete = {};", if secure == 0 { "OFF" } else { "ON" }))?;
    removed
}

/// An evidence file as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub id: i64,
    pub engagement: i64,
    pub uuid: String,
    /// Its short reference ("F-3").
    pub reference: String,
    pub name: String,
    pub path: String,
    pub media_type: String,
    pub size: u64,
    pub sha256: String,
    pub caption: Option<String>,
    /// The record it is attached to; None for the engagement as a whole.
    pub target: Option<Target>,
    pub added_by: Option<String>,
    pub added_at: String,
    /// Whether its content is in this workspace (a record imported from a bundle arrives without it).
    pub stored: bool,
}

/// The record a file is attached to.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub table: Table,
    pub id: i64,
    /// Its short reference ("R-12"), for a numbered kind.
    pub reference: Option<String>,
    pub uuid: Option<String>,
    /// What it is called ("risk “Vendor lock-in”"), or that it was deleted.
    pub label: String,
}

/// The evidence files attached to one record, in the order they were added: (reference, name, size, SHA-256).
pub fn about(conn: &Connection, table: Table, id: i64) -> rusqlite::Result<Vec<(String, String, u64, String)>> {
    conn.prepare_cached(
        "SELECT number, coalesce(name, path), size, sha256 FROM evidence
         WHERE target_table = ?1 AND target_id = ?2 ORDER BY id",
    )?
    .query_map(rusqlite::params![table.name(), id], |r| {
        let n: Option<i64> = r.get(0)?;
        Ok((
            n.map(|n| ids::short_ref(Table::Evidence, n)).unwrap_or_default(),
            r.get(1)?,
            r.get::<_, i64>(2)?.max(0) as u64,
            r.get(3)?,
        ))
    })?
    .collect()
}

/// The evidence files of an engagement (of every engagement when None), in the order they were added.
pub fn list(conn: &Connection, engagement: Option<i64>) -> rusqlite::Result<Vec<Evidence>> {
    let filter = if engagement.is_some() { "WHERE e.engagement_id = ?1" } else { "WHERE ?1 IS NULL" };
    let sql = format!(
        "SELECT e.id, e.engagement_id, e.uuid, e.number, coalesce(e.name, e.path), e.path, e.media_type, e.size,
                e.sha256, e.caption, e.target_table, e.target_id, e.added_by, e.created_at,
                EXISTS (SELECT 1 FROM evidence_content c WHERE c.sha256 = e.sha256)
         FROM evidence e {filter} ORDER BY e.engagement_id, e.id"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([engagement], |r| {
        let name: String = r.get(4)?;
        let target: Option<(String, i64)> = r.get::<_, Option<String>>(10)?.zip(r.get::<_, Option<i64>>(11)?);
        Ok((
            Evidence {
                id: r.get(0)?,
                engagement: r.get(1)?,
                uuid: ids::read(r.get_ref(2)?).map(|u| u.to_string()).unwrap_or_default(),
                reference: r.get::<_, Option<i64>>(3)?.map(|n| ids::short_ref(Table::Evidence, n)).unwrap_or_default(),
                media_type: r.get::<_, Option<String>>(6)?.unwrap_or_else(|| media_type(&name).to_string()),
                name,
                path: r.get(5)?,
                size: r.get::<_, i64>(7)?.max(0) as u64,
                sha256: r.get(8)?,
                caption: r.get(9)?,
                target: None,
                added_by: r.get(12)?,
                added_at: r.get(13)?,
                stored: r.get(14)?,
            },
            target,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (mut e, target) = row?;
        if let Some((table, id)) = target
            && let Ok(table) = table.parse::<Table>()
        {
            e.target = Some(describe(conn, table, id)?);
        }
        out.push(e);
    }
    Ok(out)
}

/// The column that says what a record of each kind is, as a target's label shows it.
fn label_column(table: Table) -> &'static str {
    match table {
        Table::Provider | Table::TeamMember => "name",
        Table::Criterion | Table::Note | Table::JournalEntry => "text",
        Table::Risk => "title",
        Table::VettingCheck => "kind",
        Table::Asset => "tag",
        Table::AccessGrant => "target",
        Table::ChecklistItem => "catalog_ref",
        Table::PhaseChange => "to_phase",
        Table::RoleConflict => "role_a || ' / ' || role_b",
        _ => "CAST(id AS TEXT)",
    }
}

/// A record as a target: its reference, UUID and what it is called.
fn describe(conn: &Connection, table: Table, id: i64) -> rusqlite::Result<Target> {
    let noun = super::schema::SPECS.iter().find(|s| s.table == table).map_or("record", |s| s.noun);
    let name: Option<Option<String>> = conn
        .query_row(
            &format!("SELECT CAST({} AS TEXT) FROM {} WHERE id = ?1", label_column(table), table.name()),
            [id],
            |r| r.get(0),
        )
        .optional()?;
    let ident = ids::ident(conn, table, id)?;
    let label = match name {
        None => format!("a deleted {noun}"),
        Some(Some(n)) if !n.trim().is_empty() => {
            let short: String = n.chars().take(50).collect();
            let more = if n.chars().count() > 50 { "…" } else { "" };
            format!("{noun} “{}{more}”", short.replace(['\n', '\r'], " "))
        }
        Some(_) => noun.to_string(),
    };
    Ok(Target {
        table,
        id,
        reference: ident.as_ref().and_then(|i| i.short(table)),
        uuid: ident.map(|i| i.uuid.to_string()),
        label,
    })
}

/// Why a `--to` could not be resolved.
#[derive(Debug, Clone, PartialEq)]
pub enum TargetError {
    /// The kind named is not one a file may be attached to, or the text is not a reference at all.
    Usage(String),
    /// No record of the engagement matches.
    NotFound(String),
}

impl fmt::Display for TargetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TargetError::Usage(m) | TargetError::NotFound(m) => f.write_str(m),
        }
    }
}

/// The kind a word names: a table's name, or a shorter word people use.
fn kind_named(word: &str) -> Option<Table> {
    let w = word.trim().to_lowercase().replace(['-', ' '], "_");
    let table = match w.as_str() {
        "member" | "team" => Table::TeamMember,
        "check" | "vetting" => Table::VettingCheck,
        "grant" | "access" => Table::AccessGrant,
        "checklist" | "obligation" | "item" => Table::ChecklistItem,
        "journal" | "interview" | "entry" => Table::JournalEntry,
        "phase" => Table::PhaseChange,
        "conflict" => Table::RoleConflict,
        other => other.parse::<Table>().ok()?,
    };
    Some(table)
}

/// The record of engagement `engagement` that `spec` names, for `--to`: a short reference (`R-12`), `KIND:REF` or
/// `KIND:UUID` (`risk:R-12`, `score:0193…`), a UUID alone, or a checklist item by its obligation
/// (`checklist:G-5.5-a`). The engagement itself (`E-2`) means no record: Ok(None).
pub fn find_target(conn: &Connection, engagement: i64, spec: &str) -> Result<Option<(Table, i64)>, TargetError> {
    let spec = spec.trim();
    let kinds = || format!("{} or engagement", TARGETS.join(", "));
    let (kind, query) = match spec.split_once(':') {
        Some((k, q)) => match kind_named(k) {
            Some(t) => (Some(t), q.trim()),
            None => {
                return Err(TargetError::Usage(format!(
                    "--to {spec}: “{k}” is not a kind of record (one of {})",
                    kinds()
                )));
            }
        },
        None => (None, spec),
    };
    if query.is_empty() {
        return Err(TargetError::Usage(format!("--to {spec}: name the record after the kind (risk:R-12)")));
    }
    let candidates: Vec<Table> = match kind {
        Some(t) => vec![t],
        None => match ids::parse_ref(query) {
            Some((t, _)) => vec![t],
            None if uuid::Uuid::parse_str(query).is_ok() => std::iter::once(Table::Engagement)
                .chain(TARGETS.iter().filter_map(|t| t.parse::<Table>().ok()))
                .collect(),
            None => {
                return Err(TargetError::Usage(format!(
                    "--to {spec}: give a short reference (R-12), KIND:REF (risk:R-12) or KIND:UUID"
                )));
            }
        },
    };
    for table in candidates {
        if table == Table::Engagement {
            match ids::find_in(conn, Table::Engagement, None, query) {
                Ok(Some(id)) if id == engagement => return Ok(None),
                Ok(Some(_)) => {
                    return Err(TargetError::Usage(format!(
                        "--to {spec}: that is another engagement; a file is attached within its own"
                    )));
                }
                Ok(None) => continue,
                Err(e) => return Err(TargetError::Usage(format!("--to {spec}: {e}"))),
            }
        }
        if !TARGETS.contains(&table.name()) {
            return Err(TargetError::Usage(format!(
                "--to {spec}: a file cannot be attached to a {} (one of {})",
                table.name(),
                kinds()
            )));
        }
        match ids::find_in(conn, table, Some(engagement), query) {
            Ok(Some(id)) => return Ok(Some((table, id))),
            Ok(None) => {}
            Err(e) => return Err(TargetError::Usage(format!("--to {spec}: {e}"))),
        }
        if table == Table::ChecklistItem {
            let by_ref: Option<i64> = conn
                .query_row(
                    "SELECT id FROM checklist_item WHERE engagement_id = ?1 AND upper(catalog_ref) = upper(?2)",
                    params![engagement, query],
                    |r| r.get(0),
                )
                .optional()
                .map_err(|e| TargetError::Usage(e.to_string()))?;
            if let Some(id) = by_ref {
                return Ok(Some((table, id)));
            }
        }
    }
    Err(TargetError::NotFound(format!("--to {spec}: no such record in this engagement")))
}

/// What reading stored content back found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// The content hashes to the SHA-256 its record names, and has its size.
    Intact,
    /// No content is stored under the record's SHA-256.
    Absent,
    /// The content does not hash to the SHA-256 it is stored under.
    Altered { sha256: String },
    /// The content is not the size its record says.
    WrongSize { size: u64 },
}

/// Reads the content stored under `sha256`, in chunks, handing each to `out`, and says whether it is what `sha256`
/// and `size` say. Memory stays that of one chunk whatever the size.
pub fn read_content(
    conn: &Connection,
    sha256: &str,
    size: u64,
    out: &mut dyn FnMut(&[u8]) -> io::Result<()>,
) -> Result<Content, ReadError> {
    let row: Option<i64> = conn
        .prepare_cached("SELECT id FROM evidence_content WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?;
    let Some(row) = row else { return Ok(Content::Absent) };
    let blob = conn.blob_open(rusqlite::MAIN_DB, "evidence_content", "data", row, true)?;
    let len = blob.len();
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut at = 0usize;
    while at < len {
        let n = blob.read_at(&mut buf[..CHUNK.min(len - at)], at)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        out(&buf[..n]).map_err(ReadError::Write)?;
        at += n;
    }
    let found = hex(&hasher.finalize());
    Ok(if found != sha256 {
        Content::Altered { sha256: found }
    } else if at as u64 != size {
        Content::WrongSize { size: at as u64 }
    } else {
        Content::Intact
    })
}

/// Why stored content could not be read back.
#[derive(Debug)]
pub enum ReadError {
    Sqlite(rusqlite::Error),
    /// Handing a chunk on failed (a disk full while exporting).
    Write(io::Error),
}

impl From<rusqlite::Error> for ReadError {
    fn from(e: rusqlite::Error) -> Self {
        ReadError::Sqlite(e)
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Sqlite(e) => write!(f, "{e}"),
            ReadError::Write(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ReadError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_targets_are_tables() {
        for t in TARGETS {
            assert!(t.parse::<Table>().is_ok(), "{t}");
        }
    }
}
