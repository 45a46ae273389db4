//! Files and folders readable only by their owner, written so that a failure never leaves a broken file behind.
//! Every report and export assay writes goes through [`write`] (or [`write_with`]); every folder it makes for
//! them through [`folder`]. Permission bits live here alone: owner-only (0600 files, 0700 folders) on Unix; on
//! Windows the new file or folder keeps the access its parent folder gives, and nothing wider is added.
//!
//! A report is never written through a symbolic link that assay did not create: a link at the target, or a link
//! where an output folder should be, is refused with a message (someone could have planted `reports ->
//! elsewhere`).

use std::io::{self, Write};
use std::path::Path;

/// Why an output was not written; the message names the path.
pub fn refuse_link(path: &Path) -> String {
    format!(
        "{} is a symbolic link; assay writes nothing through a link it did not create (remove the link or choose \
         another place)",
        path.display()
    )
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Makes sure `dir` is a folder to write outputs into: created (with any missing parents) readable only by the
/// owner when missing; refused when it is a symbolic link or not a folder. An existing folder is left as it is.
pub fn folder(dir: &Path) -> Result<(), String> {
    if is_link(dir) {
        return Err(refuse_link(dir));
    }
    if dir.is_dir() {
        return Ok(());
    }
    if dir.exists() {
        return Err(format!("cannot write into {}: it is a file, not a folder", dir.display()));
    }
    create_folder(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

#[cfg(unix)]
fn create_folder(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(windows)]
fn create_folder(dir: &Path) -> io::Result<()> {
    std::fs::DirBuilder::new().recursive(true).create(dir)
}

#[cfg(unix)]
fn temp_beside(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    use std::os::unix::fs::PermissionsExt;
    tempfile::Builder::new()
        .prefix(".assay-")
        .suffix(".part")
        .permissions(std::fs::Permissions::from_mode(0o600))
        .tempfile_in(dir)
}

#[cfg(windows)]
fn temp_beside(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new().prefix(".assay-").suffix(".part").tempfile_in(dir)
}

/// Writes `bytes` to `target`; see [`write_with`].
pub fn write(target: &Path, bytes: &[u8]) -> Result<(), String> {
    write_with(target, |w| w.write_all(bytes))
}

/// Writes an output file readable only by its owner: into a temporary file beside `target`, flushed to disk, then
/// renamed over it. When anything fails the temporary file is removed and whatever `target` held before is left
/// untouched. A `target` that is a symbolic link is refused (the folders assay makes for outputs are checked by
/// [`folder`]; a folder the user names in a path is theirs to choose).
pub fn write_with(target: &Path, fill: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), String> {
    let shown = target.display();
    if is_link(target) {
        return Err(refuse_link(target));
    }
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = temp_beside(dir).map_err(|e| format!("cannot write {shown}: {e}"))?;
    {
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).and_then(|()| w.flush()).map_err(|e| format!("cannot write {shown}: {e}"))?;
    }
    tmp.as_file().sync_all().map_err(|e| format!("cannot write {shown}: {e}"))?;
    tmp.persist(target).map_err(|e| format!("cannot write {shown}: {}", e.error))?;
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn outputs_are_private_and_replace_only_on_success() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("reports");
        folder(&out).expect("folder");
        assert_eq!(std::fs::metadata(&out).expect("meta").permissions().mode() & 0o777, 0o700);
        let f = out.join("r.md");
        write(&f, b"good").expect("write");
        assert_eq!(std::fs::metadata(&f).expect("meta").permissions().mode() & 0o777, 0o600);
        let failed = write_with(&f, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert!(failed.is_err_and(|e| e.contains("disk full")));
        assert_eq!(std::fs::read(&f).expect("read"), b"good");
        assert_eq!(std::fs::read_dir(&out).expect("list").count(), 1, "no temporary file left");
    }
}
