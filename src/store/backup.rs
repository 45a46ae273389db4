//! Backups: SQLite's online backup, consistent while the workbench runs, and a rotating copy taken at start-up.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rusqlite::Connection;

use super::Store;

/// Copies the open workspace to `dest` (which must not exist), page by page without blocking writers for long,
/// then checks the copy. The copy is encrypted with the same key as the workspace, if it has one.
pub fn to_file(store: &Store, dest: &Path) -> Result<u64, String> {
    if dest.exists() {
        return Err(format!("{} exists; choose a new name", dest.display()));
    }
    crate::private_fs::create_new_private(dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let result = copy(store, dest);
    if result.is_err() {
        let _ = fs::remove_file(dest);
    }
    result
}

fn copy(store: &Store, dest: &Path) -> Result<u64, String> {
    let fail = |e: rusqlite::Error| format!("backup to {} failed: {e}", dest.display());
    let mut out = Connection::open(dest).map_err(fail)?;
    if let Some(key) = store.key() {
        super::apply_key(&out, key).map_err(fail)?;
    }
    {
        let backup = rusqlite::backup::Backup::new(store.conn(), &mut out).map_err(fail)?;
        backup.run_to_completion(256, Duration::from_millis(5), None).map_err(fail)?;
    }
    let check: String = out.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(fail)?;
    if check != "ok" {
        return Err(format!("the copy at {} did not check out: {check}", dest.display()));
    }
    drop(out);
    if store.key().is_some() && super::crypto::is_plain_sqlite(dest) {
        return Err(format!(
            "the copy at {} came out unencrypted; an encrypted workspace is never backed up in plaintext",
            dest.display()
        ));
    }
    fs::metadata(dest).map(|m| m.len()).map_err(|e| format!("{}: {e}", dest.display()))
}

/// The folder that holds a workspace's automatic backups: `backups/` beside it.
pub fn folder(workspace: &Path) -> PathBuf {
    workspace.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("backups")
}

/// Whether `name` is one of the automatic backups of the workspace whose file stem is `stem`: exactly
/// `STEM-YYYYMMDD-HHMMSS.db`, so that `w.db` never claims the backups of `w-old.db`.
pub fn is_backup_of(stem: &str, name: &str) -> bool {
    let Some(stamp) = name.strip_prefix(stem).and_then(|r| r.strip_prefix('-')).and_then(|r| r.strip_suffix(".db"))
    else {
        return false;
    };
    let b = stamp.as_bytes();
    b.len() == 15 && b[8] == b'-' && b.iter().enumerate().all(|(i, c)| i == 8 || c.is_ascii_digit())
}

/// The automatic backups of `workspace` in its [`folder`], oldest first (none when the folder does not exist).
pub fn of_workspace(workspace: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = folder(workspace);
    let stem = workspace.file_stem().and_then(|s| s.to_str()).unwrap_or("assay");
    let entries = match fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut mine: Vec<PathBuf> = entries
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.path())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| is_backup_of(stem, n)))
        .collect();
    mine.sort();
    Ok(mine)
}

/// Creates `dir` (0700) unless it exists; refuses a symlink planted in its place (assay never writes through a
/// link it did not make) and anything that is not a folder.
pub fn ensure_private_dir(dir: &Path) -> Result<(), String> {
    match fs::symlink_metadata(dir) {
        Ok(m) if m.file_type().is_symlink() => Err(format!(
            "{} is a symbolic link, not a folder assay made; nothing was written through it — remove the link",
            dir.display()
        )),
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!("{} is not a folder; nothing was written", dir.display())),
        Err(_) => crate::private_fs::create_folder(dir).map_err(|e| format!("cannot create {}: {e}", dir.display())),
    }
}

/// Takes a backup into [`folder`] named after the workspace and the time, then deletes the oldest beyond `keep`.
/// Returns the new backup's path; `keep == 0` does nothing.
pub fn rotate(store: &Store, stamp: &str, keep: usize) -> Result<Option<PathBuf>, String> {
    let Some(path) = store.path() else { return Ok(None) };
    if keep == 0 {
        return Ok(None);
    }
    let dir = folder(path);
    ensure_private_dir(&dir)?;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("assay");
    let dest = dir.join(format!("{stem}-{stamp}.db"));
    if fs::symlink_metadata(&dest).is_ok() {
        return Ok(None); // one per second is plenty
    }
    to_file(store, &dest)?;
    let mine = of_workspace(path)?;
    let excess = mine.len().saturating_sub(keep);
    for old in &mine[..excess] {
        let _ = fs::remove_file(old);
    }
    Ok(Some(dest))
}

/// What an automatic backup came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The workspace has not changed since its newest backup (or holds nothing yet): none was needed.
    Unchanged,
    /// A backup was written here.
    Taken(PathBuf),
    /// Stopped before it finished (the workbench was quitting); nothing was kept.
    Stopped,
    /// It failed, for this reason; nothing was kept.
    Failed(String),
}

/// The automatic backups kept: at most `keep` of them, and together at most `factor` times the workspace's size
/// (the newest is always kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub keep: usize,
    pub factor: u64,
}

impl Bounds {
    pub fn new(keep: usize) -> Bounds {
        Bounds { keep, factor: 3 }
    }
}

/// The head of a database's history, read on a connection of its own (`None` when it has no history table).
fn head_at(path: &Path, key: Option<&str>) -> Option<String> {
    let conn = super::open_reader(path, key).ok()?;
    super::history::head(&conn).ok().map(|h| h.to_string())
}

/// Takes an automatic backup of the workspace at `workspace` on a connection of its own — only when its history
/// head differs from that of its newest backup — page by page so that the workbench's writes are never held up
/// for long, into a partial file renamed into place once checked; then keeps the backups within `bounds`. An
/// encrypted workspace (`key`) gives an encrypted backup; every file is 0600. `stop` abandons it between steps.
pub fn take_if_changed(workspace: &Path, key: Option<&str>, bounds: Bounds, stamp: &str, stop: &AtomicBool) -> Outcome {
    match take(workspace, key, bounds, stamp, stop) {
        Ok(o) => o,
        Err(e) => Outcome::Failed(e),
    }
}

fn take(
    workspace: &Path,
    key: Option<&str>,
    bounds: Bounds,
    stamp: &str,
    stop: &AtomicBool,
) -> Result<Outcome, String> {
    if bounds.keep == 0 {
        return Ok(Outcome::Unchanged);
    }
    let fail = |e: rusqlite::Error| format!("backup of {} failed: {e}", workspace.display());
    let dir = folder(workspace);
    let stem = workspace.file_stem().and_then(|s| s.to_str()).unwrap_or("assay").to_string();
    remove_partials(&dir, &stem);
    let src = super::open_reader(workspace, key).map_err(fail)?;
    src.busy_timeout(Duration::from_secs(5)).map_err(fail)?;
    let head = super::history::head(&src).map_err(fail)?;
    if head.count == 0 {
        return Ok(Outcome::Unchanged);
    }
    if fs::symlink_metadata(&dir).is_ok() {
        ensure_private_dir(&dir)?; // refuses a planted link or file before anything reads through it
    }
    let mine = of_workspace(workspace)?;
    if let Some(newest) = mine.last()
        && head_at(newest, key).as_deref() == Some(head.to_string().as_str())
    {
        return Ok(Outcome::Unchanged);
    }
    ensure_private_dir(&dir)?;
    let dest = dir.join(format!("{stem}-{stamp}.db"));
    if fs::symlink_metadata(&dest).is_ok() {
        return Ok(Outcome::Unchanged); // one per second is plenty
    }
    let partial = dir.join(format!("{stem}-{stamp}.db.partial"));
    crate::private_fs::create_new_private(&partial).map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let copied = (|| -> Result<bool, String> {
        let mut out = Connection::open(&partial).map_err(fail)?;
        if let Some(k) = key {
            super::apply_key(&out, k).map_err(fail)?;
        }
        {
            let backup = rusqlite::backup::Backup::new(&src, &mut out).map_err(fail)?;
            loop {
                if stop.load(Ordering::Relaxed) {
                    return Ok(false);
                }
                match backup.step(256).map_err(fail)? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    _ => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
        let check: String = out.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(fail)?;
        if check != "ok" {
            return Err(format!("the backup of {} did not check out: {check}", workspace.display()));
        }
        Ok(true)
    })();
    match copied {
        Ok(true) => {}
        Ok(false) => {
            let _ = super::crypto::remove_securely(&partial);
            return Ok(Outcome::Stopped);
        }
        Err(e) => {
            let _ = super::crypto::remove_securely(&partial);
            return Err(e);
        }
    }
    if key.is_some() && super::crypto::is_plain_sqlite(&partial) {
        let _ = super::crypto::remove_securely(&partial);
        return Err(format!("the backup of {} came out unencrypted; it was removed", workspace.display()));
    }
    fs::rename(&partial, &dest).map_err(|e| format!("cannot name the backup {}: {e}", dest.display()))?;
    // The workspace's size as SQLite sees it (the file alone leaves out what still sits in the journal).
    let size: i64 = src
        .query_row("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size", [], |r| r.get(0))
        .map_err(fail)?;
    prune(workspace, bounds, u64::try_from(size).unwrap_or(0))?;
    Ok(Outcome::Taken(dest))
}

/// Deletes the oldest automatic backups of `workspace` until at most `bounds.keep` remain and together they take
/// at most `bounds.factor` times `size` (the workspace's); the newest is always kept.
pub fn prune(workspace: &Path, bounds: Bounds, size: u64) -> Result<(), String> {
    let mine = of_workspace(workspace)?;
    let budget = size.saturating_mul(bounds.factor);
    let mut total = 0u64;
    for (i, b) in mine.iter().rev().enumerate() {
        let size = fs::metadata(b).map(|m| m.len()).unwrap_or(0);
        total = total.saturating_add(size);
        if i > 0 && (i >= bounds.keep || total > budget) {
            let _ = fs::remove_file(b);
        }
    }
    Ok(())
}

/// Removes what a killed backup left: `STEM-…db.partial` files in the backups folder.
fn remove_partials(dir: &Path, stem: &str) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for e in entries.filter_map(|e| e.ok()) {
        if let Some(name) = e.file_name().to_str()
            && let Some(base) = name.strip_suffix(".partial")
            && is_backup_of(stem, base)
            && e.file_type().is_ok_and(|t| t.is_file())
        {
            let _ = super::crypto::remove_securely(&e.path());
        }
    }
}
