//! One workbench per workspace: an advisory lock on a file beside it, released when the process ends (even when
//! it is killed). Read-only commands (backup, verify, lookup) do not take it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

/// Held while a workbench (or a writing command) has the workspace open.
#[derive(Debug)]
pub struct WorkspaceLock {
    _file: File,
    pub path: PathBuf,
}

pub fn lock_path(workspace: &Path) -> PathBuf {
    PathBuf::from(format!("{}.lock", workspace.display()))
}

/// Takes the lock, or says who holds it.
pub fn acquire(workspace: &Path) -> Result<WorkspaceLock, String> {
    let path = lock_path(workspace);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| format!("cannot create the lock {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => {
            let _ = file.set_len(0);
            let _ = file.rewind();
            let _ = write!(file, "pid {} since {}", std::process::id(), chrono::Local::now().format("%Y-%m-%d %H:%M"));
            Ok(WorkspaceLock { _file: file, path })
        }
        Err(std::fs::TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            Err(format!(
                "{} is open in another assay ({}); close that one first — two workbenches on one workspace could undo each other's edits",
                workspace.display(),
                if holder.is_empty() { "unknown process".into() } else { holder }
            ))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}
