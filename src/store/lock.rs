//! One workbench per workspace file. The lock is keyed on the file itself, not on the name it was reached by: the
//! name is resolved to the real path (so a symbolic link leads to the same lock file), and the workspace file is
//! locked through the operating system by its identity (`flock` on the file on Unix; on Windows a lock named
//! after its volume and file index), so a hard link under another name finds it locked too. Both are released when the process ends, even when it is killed. Read-only commands (backup, verify,
//! lookup) do not take it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use crate::private_fs;

/// Held while a workbench (or a writing command) has the workspace open. Keep it alive longer than any connection
/// to the workspace: closing the descriptor on the workspace file while SQLite has it open would drop SQLite's own
/// locks.
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
    _workspace: Option<File>,
    pub path: PathBuf,
}

/// The lock file beside the workspace's real path.
pub fn lock_path(workspace: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", real_path(workspace).display()))
}

/// The real path of a workspace: symbolic links resolved, for the file itself when it exists, otherwise for its
/// folder. Locking, rekeying and backups all work on it, so that none of them acts on a link instead of the file.
pub fn real_path(workspace: &Path) -> PathBuf {
    if let Ok(p) = crate::private_fs::canonical(workspace) {
        return p;
    }
    let name = workspace.file_name();
    let parent = match workspace.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match (crate::private_fs::canonical(parent), name) {
        (Ok(dir), Some(name)) => dir.join(name),
        _ => workspace.to_path_buf(),
    }
}

/// Takes the lock, or says who holds it. Refuses a lock file that is a symbolic link (it would truncate its target).
pub fn acquire(workspace: &Path) -> Result<WorkspaceLock, String> {
    let real = real_path(workspace);
    // Opening a pipe would wait forever for a writer.
    if std::fs::metadata(&real).is_ok_and(|m| !m.is_file()) {
        return Err(format!(
            "{} is not a regular file (a pipe, device or socket?); it was left untouched",
            real.display()
        ));
    }
    let path = PathBuf::from(format!("{}.lock", real.display()));
    let mut file = private_fs::open_no_follow(
        private_fs::owner_only(OpenOptions::new().read(true).write(true).create(true).truncate(false)),
        &path,
    )
    .map_err(|e| match e {
        _ if private_fs::is_link_refusal(&e) => format!(
            "{} is a symbolic link, not a lock assay made; nothing was written through it — remove the link",
            path.display()
        ),
        _ if e.kind() == std::io::ErrorKind::PermissionDenied => format!(
            "cannot use a workspace in {}: the folder is read-only (assay keeps a lock and a journal beside the file)",
            path.parent().unwrap_or(Path::new(".")).display()
        ),
        _ => format!("cannot create the lock {}: {e}", path.display()),
    })?;
    if !file.metadata().is_ok_and(|m| m.is_file()) {
        return Err(format!("{} is not a regular file; remove it", path.display()));
    }
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            return Err(busy(workspace, if holder.is_empty() { "unknown process" } else { &holder }));
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(format!("cannot lock {}: {e}", path.display())),
    }
    // The file's identity: another name for it (a hard link) has another lock file but the same file.
    let workspace_file = match private_fs::open_no_follow_no_wait(&real) {
        Ok(f) if f.metadata().is_ok_and(|m| m.is_file()) => match identity_lock(f, &real) {
            Ok(held) => Some(held),
            Err(std::fs::TryLockError::WouldBlock) => {
                return Err(busy(workspace, "under another name for the same file, a hard link"));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(format!("cannot lock {}: {e}", real.display())),
        },
        _ => None,
    };
    // Written over what the last holder left, then cut to length: truncating to nothing first frees the file's
    // block and costs the file system a journal commit at every start; the same length cuts nothing.
    let holder = format!("pid {} since {}", std::process::id(), chrono::Local::now().format("%Y-%m-%d %H:%M"));
    let _ = file.rewind();
    let _ = file.write_all(holder.as_bytes());
    let _ = file.set_len(holder.len() as u64);
    Ok(WorkspaceLock { _file: file, _workspace: workspace_file, path })
}

/// Locks the workspace file's identity. Unix: an advisory lock (`flock`) on the workspace file itself, which
/// SQLite's own locks ignore.
#[cfg(unix)]
fn identity_lock(workspace: File, _real: &Path) -> Result<File, std::fs::TryLockError> {
    workspace.try_lock()?;
    Ok(workspace)
}

/// Windows locks are mandatory: a lock on the workspace file would stop SQLite reading it. The lock is taken on a
/// file in the user's temporary folder named after the workspace's volume and file index, which every name of the
/// file shares.
#[cfg(windows)]
fn identity_lock(workspace: File, real: &Path) -> Result<File, std::fs::TryLockError> {
    let (volume, index) = private_fs::identity(&workspace).map_err(std::fs::TryLockError::Error)?;
    let path = std::env::temp_dir().join(format!("assay-{volume:x}-{index:x}.lock"));
    let file = private_fs::open_no_follow(
        private_fs::owner_only(OpenOptions::new().read(true).write(true).create(true).truncate(false)),
        &path,
    )
    .map_err(|e| {
        std::fs::TryLockError::Error(std::io::Error::new(
            e.kind(),
            format!("{} (the lock for {}): {e}", path.display(), real.display()),
        ))
    })?;
    file.try_lock()?;
    Ok(file)
}

fn busy(workspace: &Path, holder: &str) -> String {
    format!(
        "{} is open in another assay ({holder}); close that one first — two workbenches on one workspace could undo each other's edits",
        workspace.display()
    )
}
