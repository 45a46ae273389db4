//! The SQLite workspace: opening, checking, migrating, and the one write path.

pub mod assets;
pub mod backup;
pub mod bundle;
pub mod checklist;
pub mod criteria;
pub mod crypto;
pub mod engagements;
pub mod evidence;
pub mod history;
pub mod ids;
pub mod journal;
pub mod lock;
pub mod migrations;
pub mod notes;
pub mod people;
pub mod providers;
mod recorded;
pub mod refs;
pub mod registers;
pub mod risks;
pub mod schema;
pub mod scores;
pub mod search;
pub mod settings;
pub mod team;
pub mod team_status;
mod undo;
pub mod verify;
pub mod vetting;
mod write;

use std::fmt;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{Connection, OpenFlags};

pub use undo::UNDO_DEPTH;
pub use write::{CASCADES, ChainKey, GENESIS_HASH, Row as EntryRow, SET_NULLS, Table, Writer, entry_hash, reseal};

use crate::domain::Value;

/// Marks a SQLite file as an assay workspace (`PRAGMA application_id`): "ASSY".
pub const APPLICATION_ID: i32 = 0x4153_5359;

/// The page size of a new plain workspace (see `Store::prepare`).
pub const PLAIN_PAGE_SIZE: u32 = 16_384;

/// Why a workspace could not be opened. Each says what is wrong in one line; the file is left as it was.
#[derive(Debug)]
pub enum OpenError {
    MissingDir(PathBuf),
    ReadOnlyDir(PathBuf),
    IsDirectory(PathBuf),
    NotADatabase(PathBuf),
    Truncated {
        path: PathBuf,
        expected: u64,
        actual: u64,
    },
    TooNew {
        path: PathBuf,
        found: i64,
        known: usize,
    },
    Foreign(PathBuf),
    Migration(PathBuf, String),
    NeedsPassphrase(PathBuf),
    /// Something at the path that is not a regular file (a FIFO, a device, a socket).
    NotAFile(PathBuf),
    /// An empty file where a read-only command expected a workspace.
    Empty(PathBuf),
    /// The schema differs from the one the workspace's version defines.
    Schema(PathBuf, Vec<String>),
    /// A read-only command met a workspace that needs upgrading first.
    NeedsUpgrade {
        path: PathBuf,
        found: i64,
    },
    WrongPassphrase(PathBuf),
    Io(PathBuf, std::io::Error),
    Sqlite(PathBuf, rusqlite::Error),
}

impl fmt::Display for OpenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpenError::MissingDir(d) => write!(f, "cannot create the workspace: folder {} does not exist", d.display()),
            OpenError::ReadOnlyDir(d) => write!(
                f,
                "cannot use a workspace in {}: the folder is read-only (assay keeps a journal beside the file)",
                d.display()
            ),
            OpenError::IsDirectory(p) => {
                write!(f, "{} is a folder, not a workspace file", p.display())
            }
            OpenError::NotADatabase(p) => {
                write!(f, "{} is not an assay workspace (not a SQLite database); it was left untouched", p.display())
            }
            OpenError::Truncated { path, expected, actual } => write!(
                f,
                "{} is damaged: it is truncated ({actual} of {expected} bytes); it was left untouched — restore it from a backup",
                path.display()
            ),
            OpenError::TooNew { path, found, known } => write!(
                f,
                "{} was written by a newer assay (schema {found}; this one knows up to {known}); upgrade assay to open it — it was left untouched",
                path.display()
            ),
            OpenError::Foreign(p) => write!(
                f,
                "{} is a SQLite database of another program, not an assay workspace; it was left untouched",
                p.display()
            ),
            OpenError::Migration(p, e) => write!(f, "cannot upgrade {}: {e}", p.display()),
            OpenError::NeedsPassphrase(p) => write!(
                f,
                "{} is not an assay workspace, or it is encrypted: give its passphrase (asked for in a terminal, or ASSAY_PASSPHRASE)",
                p.display()
            ),
            OpenError::WrongPassphrase(p) => {
                write!(
                    f,
                    "wrong passphrase for {} (or it is not an assay workspace); it was left untouched",
                    p.display()
                )
            }
            OpenError::NotAFile(p) => {
                write!(f, "{} is not a regular file (a pipe, device or socket?); it was left untouched", p.display())
            }
            OpenError::Empty(p) => write!(f, "{} is empty, not a workspace; it was left untouched", p.display()),
            OpenError::Schema(p, diffs) => write!(
                f,
                "{} has a schema assay did not make — {}; it was left untouched (a planted trigger or table could \
                 alter the history): restore it from a backup, or inspect it with `assay verify`",
                p.display(),
                diffs.join("; ")
            ),
            OpenError::NeedsUpgrade { path, found } => write!(
                f,
                "{} was written by an older assay (schema {found}); upgrade it with `assay upgrade` (or open it once in \
                 the workbench) — it was left untouched",
                path.display()
            ),
            OpenError::Io(p, e) => write!(f, "cannot open {}: {e}", p.display()),
            OpenError::Sqlite(p, e) => write!(f, "cannot open {}: {e}", p.display()),
        }
    }
}

impl std::error::Error for OpenError {}

/// An open workspace.
pub struct Store {
    conn: Connection,
    path: Option<PathBuf>,
    assessor: String,
    /// A fixed time to stamp writes with (tests and benchmarks); `None` is the real clock.
    fixed_now: Option<String>,
    /// The schema version the workspace had when it was opened, if opening upgraded it.
    upgraded_from: Option<i64>,
    /// How many UUIDs were made by count (see [`ids::counted`]), when they are; None when they are random.
    minted: Option<u64>,
    /// The passphrase of an encrypted workspace (backups are encrypted with it too).
    key: Option<String>,
    /// The key that seals the history of an encrypted workspace.
    chain_key: Option<ChainKey>,
    /// How many writes were committed through this handle.
    commits: u64,
    /// This session's own changes, for undo and redo (see `undo.rs`).
    steps: undo::Steps,
}

impl Store {
    /// Opens the workspace at `path`, creating it (mode 0600) if it does not exist. Every refusal leaves the file
    /// byte for byte as it was.
    pub fn open(path: &Path, assessor: &str) -> Result<Store, OpenError> {
        Store::open_with_key(path, assessor, None)
    }

    /// Opens (or creates) a workspace encrypted with `key`. A plain workspace ignores the key. A wrong key is
    /// refused before anything is written.
    pub fn open_with_key(path: &Path, assessor: &str, key: Option<&str>) -> Result<Store, OpenError> {
        Store::open_mode(path, assessor, key, Mode::Write)
    }

    /// Opens an existing workspace for reading only: nothing is created, migrated or written (the connection is
    /// `query_only`, so not even a planted trigger can write). An empty file, a pipe, or a workspace that needs
    /// upgrading is refused. With `inspect`, a schema that differs from the one assay made is let through, for
    /// `verify` to report.
    pub fn open_read_only(path: &Path, assessor: &str, key: Option<&str>, inspect: bool) -> Result<Store, OpenError> {
        Store::open_mode(path, assessor, key, if inspect { Mode::Inspect } else { Mode::Read })
    }

    fn open_mode(path: &Path, assessor: &str, key: Option<&str>, mode: Mode) -> Result<Store, OpenError> {
        check_folder(path)?;
        if mode != Mode::Write && fs::metadata(path).is_ok_and(|m| m.is_file() && m.len() == 0) {
            return Err(OpenError::Empty(path.to_path_buf()));
        }
        let key = if fs::symlink_metadata(path).is_ok() {
            match check_header(path)? {
                Header::Plain => None,
                Header::Opaque if key.is_none() => return Err(OpenError::NeedsPassphrase(path.to_path_buf())),
                Header::Opaque => key,
            }
        } else {
            create_private(path)?;
            key
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| OpenError::Sqlite(path.to_path_buf(), e))?;
        let mut store = Store {
            conn,
            path: Some(path.to_path_buf()),
            assessor: assessor.to_string(),
            fixed_now: None,
            minted: None,
            upgraded_from: None,
            key: key.map(str::to_string),
            chain_key: key.map(ChainKey::from_passphrase),
            commits: 0,
            steps: undo::Steps::default(),
        };
        if let Some(k) = key {
            apply_key(&store.conn, k).map_err(|e| OpenError::Sqlite(path.to_path_buf(), e))?;
        }
        store.prepare(mode).map_err(|e| match e {
            PrepareError::Schema(diffs) => OpenError::Schema(path.to_path_buf(), diffs),
            PrepareError::NeedsUpgrade(found) => OpenError::NeedsUpgrade { path: path.to_path_buf(), found },
            PrepareError::NotADatabase if key.is_some() => OpenError::WrongPassphrase(path.to_path_buf()),
            PrepareError::NotADatabase => OpenError::NotADatabase(path.to_path_buf()),
            PrepareError::Foreign => OpenError::Foreign(path.to_path_buf()),
            PrepareError::TooNew(found) => {
                OpenError::TooNew { path: path.to_path_buf(), found, known: migrations::latest_version() }
            }
            PrepareError::Migration(e) => OpenError::Migration(path.to_path_buf(), e),
            PrepareError::Sqlite(e) => OpenError::Sqlite(path.to_path_buf(), e),
        })?;
        // Notes written before the interview journal existed become its entries, once, through the write path.
        if mode == Mode::Write {
            let moved = notes::any_to_move(&store.conn).and_then(|any| match any {
                true => store.write(notes::move_to_journal).map(drop),
                false => Ok(()),
            });
            moved.map_err(|e| OpenError::Sqlite(path.to_path_buf(), e))?;
            store.steps = undo::Steps::default();
        }
        Ok(store)
    }

    /// A fresh workspace in memory, for tests and benchmarks.
    pub fn open_in_memory(assessor: &str) -> rusqlite::Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: None,
            assessor: assessor.to_string(),
            fixed_now: None,
            minted: None,
            upgraded_from: None,
            key: None,
            chain_key: None,
            commits: 0,
            steps: undo::Steps::default(),
        };
        store.prepare(Mode::Write).map_err(|e| match e {
            PrepareError::Sqlite(e) => e,
            _ => rusqlite::Error::InvalidQuery,
        })?;
        Ok(store)
    }

    fn prepare(&mut self, mode: Mode) -> Result<(), PrepareError> {
        let plain = self.key.is_none();
        let c = &mut self.conn;
        // SQLCipher would otherwise log to stderr, over the screen.
        let _ = c.execute_batch("PRAGMA cipher_log_level = NONE;");
        let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| {
            match e.sqlite_error_code() {
                Some(rusqlite::ErrorCode::NotADatabase) => PrepareError::NotADatabase,
                _ => PrepareError::Sqlite(e),
            }
        })?;
        let app_id: i32 = c.query_row("PRAGMA application_id", [], |r| r.get(0))?;
        let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if tables > 0 && app_id != APPLICATION_ID {
            return Err(PrepareError::Foreign);
        }
        if version > migrations::latest_version() as i64 {
            return Err(PrepareError::TooNew(version));
        }
        if tables > 0 && mode != Mode::Inspect {
            let diffs = migrations::schema_differences(c)?;
            if !diffs.is_empty() {
                return Err(PrepareError::Schema(diffs));
            }
        }
        if mode != Mode::Write {
            if tables == 0 {
                return Err(PrepareError::NotADatabase);
            }
            if version < migrations::latest_version() as i64 {
                return Err(PrepareError::NeedsUpgrade(version));
            }
            c.execute_batch("PRAGMA query_only = ON; PRAGMA busy_timeout = 5000;")?;
            return Ok(());
        }
        if tables == 0 && plain {
            // A new plain workspace is made of 16 KiB pages rather than SQLite's 4 KiB: a quarter of the reads for
            // the same file, and a shallower tree, so that `verify` (which reads every page, twice) takes about a
            // quarter less on a large workspace. An encrypted one keeps SQLCipher's 4 KiB pages, which every open
            // assumes. The size is set before the first write; a workspace made earlier keeps its own.
            c.execute_batch(&format!("PRAGMA page_size = {PLAIN_PAGE_SIZE};"))?;
        }
        c.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
        )?;
        if version > 0 && version < migrations::latest_version() as i64 {
            self.upgraded_from = Some(version);
        }
        migrations::migrations().to_latest(c).map_err(|e| match e {
            rusqlite_migration::Error::RusqliteError { err, .. } => PrepareError::Sqlite(err),
            other => PrepareError::Migration(other.to_string()),
        })?;
        // Evidence content whose last record was deleted in an earlier session: no undo can bring that back now.
        evidence::prune(c)?;
        // An encrypted workspace from before the history was sealed: seal what it holds, once.
        if let Some(k) = &self.chain_key
            && version > 0
            && version < migrations::SEALED_HISTORY as i64
        {
            reseal(c, Some(k))?;
        }
        if app_id != APPLICATION_ID {
            c.execute_batch(&format!("PRAGMA application_id = {APPLICATION_ID};"))?;
        }
        Ok(())
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The passphrase, when the workspace is encrypted.
    pub fn key(&self) -> Option<&str> {
        self.key.as_deref()
    }

    /// The key sealing the history, when the workspace is encrypted.
    pub fn chain_key(&self) -> Option<&ChainKey> {
        self.chain_key.as_ref()
    }

    pub fn assessor(&self) -> &str {
        &self.assessor
    }

    /// The schema version of the open workspace.
    pub fn schema_version(&self) -> rusqlite::Result<i64> {
        self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))
    }

    /// The schema version the workspace had before this opening upgraded it; None if it needed no upgrade.
    pub fn upgraded_from(&self) -> Option<i64> {
        self.upgraded_from
    }

    /// Stamps every later write with this time instead of the clock's (RFC 3339, UTC). New rows' UUIDs are then
    /// made from a count instead of chance, so that the same steps make the same rows (see [`Store::set_random_ids`]).
    pub fn set_fixed_now(&mut self, at: Option<&str>) {
        self.fixed_now = at.map(str::to_string);
        self.minted = match (&self.fixed_now, self.minted) {
            (Some(_), Some(n)) => Some(n),
            (Some(_), None) => Some(0),
            (None, _) => None,
        };
    }

    /// New rows get random UUIDs even with a fixed clock: for a workspace that must share no id with another made
    /// the same way.
    pub fn set_random_ids(&mut self) {
        self.minted = None;
    }

    /// The time the next write will be stamped with.
    pub fn now(&self) -> String {
        self.fixed_now.clone().unwrap_or_else(now)
    }

    /// Runs `f` as one transaction through the audited write path; nothing is kept if it fails.
    /// A change made this way can be undone (see [`Store::undo`]).
    pub fn write<T>(&mut self, f: impl FnOnce(&mut Writer<'_>) -> rusqlite::Result<T>) -> rusqlite::Result<T> {
        let (out, span) = self.write_span(f)?;
        if let Some(span) = span {
            self.steps.done(span);
        }
        Ok(out)
    }

    /// Like [`Store::write`], for bookkeeping that is not the user's change and must not be undone (which
    /// engagement was open last).
    pub fn write_not_undoable<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<T> {
        self.write_span(f).map(|(out, _)| out)
    }

    /// Runs `f` as one transaction and returns, with its result, the first and last history entries it wrote.
    fn write_span<T>(
        &mut self,
        f: impl FnOnce(&mut Writer<'_>) -> rusqlite::Result<T>,
    ) -> rusqlite::Result<(T, Option<(i64, i64)>)> {
        let at = self.now();
        let tx = self.conn.transaction()?;
        let mut w = Writer::new(tx, &self.assessor, at, self.chain_key, self.minted)?;
        let out = f(&mut w)?;
        let span = w.span();
        if let Some(n) = w.minted() {
            self.minted = Some(n);
        }
        w.commit()?;
        self.commits += 1;
        Ok((out, span))
    }

    /// How many writes were committed through this handle: a caller tells by it whether a failure came after a
    /// write had already been kept.
    pub fn commits(&self) -> u64 {
        self.commits
    }
}

/// The checks on a workspace's place that come before anything is opened or written: the path is not a folder, and
/// its folder exists and is writable (SQLite keeps a journal beside the file, assay a lock).
pub fn check_folder(path: &Path) -> Result<(), OpenError> {
    let dir = parent_dir(path);
    if path.is_dir() {
        return Err(OpenError::IsDirectory(path.to_path_buf()));
    }
    if !dir.is_dir() {
        return Err(OpenError::MissingDir(dir));
    }
    if is_read_only(&dir) {
        return Err(OpenError::ReadOnlyDir(dir));
    }
    Ok(())
}

/// How a workspace is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// For the workbench and writing commands: created if missing, migrated.
    Write,
    /// For read-only commands: never created, migrated or written.
    Read,
    /// As `Read`, with a foreign schema let through to be reported.
    Inspect,
}

enum PrepareError {
    Schema(Vec<String>),
    NeedsUpgrade(i64),
    NotADatabase,
    Foreign,
    TooNew(i64),
    Migration(String),
    Sqlite(rusqlite::Error),
}

impl From<rusqlite::Error> for PrepareError {
    fn from(e: rusqlite::Error) -> Self {
        match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::NotADatabase) => PrepareError::NotADatabase,
            _ => PrepareError::Sqlite(e),
        }
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// A folder with no write permission for anyone is read-only to us too, even where root could write to it.
fn is_read_only(dir: &Path) -> bool {
    fs::metadata(dir).is_ok_and(|m| crate::private_fs::no_one_may_write(&m))
}

fn create_private(path: &Path) -> Result<(), OpenError> {
    crate::private_fs::create_new_private(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            OpenError::ReadOnlyDir(parent_dir(path))
        }
        _ => OpenError::Io(path.to_path_buf(), e),
    })
}

/// What the first bytes of a file say it is.
enum Header {
    /// A plain SQLite database (or an empty file).
    Plain,
    /// Not plain SQLite: an encrypted workspace, or something else entirely; only a passphrase can tell.
    Opaque,
}

/// Reads the 100-byte SQLite header and refuses what is plainly not a whole database, before SQLite touches it.
fn check_header(path: &Path) -> Result<Header, OpenError> {
    let io = |e| OpenError::Io(path.to_path_buf(), e);
    // A pipe would block the open below forever; a device or socket is no workspace either.
    if !fs::metadata(path).map_err(io)?.is_file() {
        return Err(OpenError::NotAFile(path.to_path_buf()));
    }
    let mut f = fs::File::open(path).map_err(io)?;
    let len = f.metadata().map_err(io)?.len();
    if len == 0 {
        return Ok(Header::Plain); // an empty file becomes a new workspace
    }
    let mut header = [0u8; 100];
    if len < 512 || f.read_exact(&mut header).is_err() {
        return Err(OpenError::NotADatabase(path.to_path_buf()));
    }
    if &header[..16] != b"SQLite format 3\0" {
        // SQLCipher pages are 4096 bytes; anything else cannot be an encrypted workspace.
        return if len % 4096 == 0 { Ok(Header::Opaque) } else { Err(OpenError::NotADatabase(path.to_path_buf())) };
    }
    let be32 = |at: usize| u32::from_be_bytes([header[at], header[at + 1], header[at + 2], header[at + 3]]);
    let page_size = match u16::from_be_bytes([header[16], header[17]]) {
        1 => 65_536u64,
        n => u64::from(n),
    };
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(OpenError::NotADatabase(path.to_path_buf()));
    }
    // The page count at offset 28 is trustworthy only when the change counter matches "version valid for", and only
    // when no write-ahead log holds pages: a checkpoint cut short by a crash leaves the first page, with the new
    // count, written before the pages after the old end of the file, all of which the log still holds and SQLite
    // recovers from it.
    let pages = u64::from(be32(28));
    let expected = pages * page_size;
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let logged = fs::metadata(&wal).is_ok_and(|m| m.len() > 32);
    if be32(24) == be32(92) && pages > 0 && len < expected && !logged {
        return Err(OpenError::Truncated { path: path.to_path_buf(), expected, actual: len });
    }
    if len % page_size != 0 {
        return Err(OpenError::Truncated {
            path: path.to_path_buf(),
            expected: len.div_ceil(page_size) * page_size,
            actual: len,
        });
    }
    Ok(Header::Plain)
}

/// The text of column `i` of a row, read in place (borrowed from SQLite, not copied); none when it is null or not
/// text. For the reads the first frame waits for, over every record of an engagement.
pub(crate) fn text_in_place<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    r.get_ref(i).map(|v| v.as_str_or_null().ok().flatten())
}

/// Keys a connection (SQLCipher), first silencing its logging, which would otherwise write over the screen.
pub fn apply_key(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    let _ = conn.execute_batch("PRAGMA cipher_log_level = NONE;");
    conn.pragma_update(None, "key", key)
}

/// A second connection to the workspace at `path` that only reads (keyed with `key` when it is encrypted), for work
/// beside the workbench's own: backups, the integrity check. Opened read-write but `query_only`: a read-only
/// connection to a WAL database would leave `-wal` and `-shm` files behind it, which the last read-write one
/// removes as it closes.
pub fn open_reader(path: &Path, key: Option<&str>) -> rusqlite::Result<Connection> {
    let conn = connect(path, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    conn.execute_batch("PRAGMA query_only = ON;")?;
    Ok(conn)
}

/// A connection to the workspace at `path` opened read-only (keyed with `key` when it is encrypted), for SQLite's
/// integrity check beside a store that keeps the workspace open, whose closing removes the `-wal` and `-shm`
/// files (see [`open_reader`]). SQLite leaves out the tables' CHECK rules when it reads the schema for a
/// connection that cannot write, so the integrity check on it does not evaluate them again for every row.
pub fn open_checker(path: &Path, key: Option<&str>) -> rusqlite::Result<Connection> {
    connect(path, key, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
}

fn connect(path: &Path, key: Option<&str>, mode: rusqlite::OpenFlags) -> rusqlite::Result<Connection> {
    let conn = Connection::open_with_flags(path, mode | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    if let Some(k) = key {
        apply_key(&conn, k)?;
    }
    Ok(conn)
}

/// Now as stored: UTC, RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

impl ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Owned(rusqlite::types::Value::Null),
            Value::Int(i) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*i)),
            Value::Real(r) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*r)),
            Value::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

impl FromSql for Value {
    fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
        Ok(match v {
            ValueRef::Null => Value::Null,
            ValueRef::Integer(i) => Value::Int(i),
            ValueRef::Real(r) => Value::Real(r),
            // A row's UUID (16 bytes) reads as its usual text form.
            ValueRef::Blob(b) if b.len() == 16 => {
                Value::Text(uuid::Uuid::from_slice(b).map(|u| u.to_string()).unwrap_or_default())
            }
            ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The second connection that backups and the integrity check open reads the workspace and never writes it.
    #[test]
    fn a_reader_reads_and_never_writes() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("w.db");
        let mut store = Store::open(&path, "t").expect("open");
        engagements::create_in(&mut store, "E").expect("engagement");
        let reader = open_reader(&path, None).expect("reader");
        let n: i64 = reader.query_row("SELECT count(*) FROM engagement", [], |r| r.get(0)).expect("read");
        assert_eq!(n, 1);
        assert!(reader.execute("DELETE FROM engagement", []).is_err(), "a reader must not write");
        let still: i64 = store.conn().query_row("SELECT count(*) FROM engagement", [], |r| r.get(0)).expect("read");
        assert_eq!(still, 1);
    }
}
