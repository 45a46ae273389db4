//! Backups: SQLite's online backup, consistent while the workbench runs, and a rotating copy taken at start-up.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::Connection;

use super::Store;

/// Copies the open workspace to `dest` (which must not exist), page by page without blocking writers for long,
/// then checks the copy. The copy is encrypted with the same key as the workspace, if it has one.
pub fn to_file(store: &Store, dest: &Path) -> Result<u64, String> {
    if dest.exists() {
        return Err(format!("{} exists; choose a new name", dest.display()));
    }
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(dest)
        .map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
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
        Err(_) => fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display())),
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
