//! Files and folders readable only by their owner, written so that a failure never leaves a broken file behind.
//! Every report and export assay writes goes through [`write`] (or [`write_with`]); every folder it makes for
//! them through [`folder`]. Permission bits live here alone: owner-only (0600 files, 0700 folders) on Unix; on
//! Windows the new file or folder keeps the access its parent folder gives, and nothing wider is added.
//!
//! A report is never written through a symbolic link that assay did not create: a link at the target, or a link
//! where an output folder should be, is refused with a message (someone could have planted `reports ->
//! elsewhere`).
//!
//! The store's own files (the workspace, its lock, backups and rewrites) are opened through the same module:
//! [`open_no_follow`] refuses a link in the last part of a path (Unix `O_NOFOLLOW`; Windows opens the reparse
//! point itself and refuses it), [`owner_only`] and [`create_new_private`] make new files private. This is the only
//! module that names `std::os::unix`, `std::os::windows` or `libc`.

use std::fs::{File, Metadata, OpenOptions};
use std::io::{self, Write};
use std::path::Path;

/// The error an open without following links returns for a link; see [`is_link_refusal`].
#[derive(Debug)]
struct LinkRefused;

impl std::fmt::Display for LinkRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the path is a symbolic link, which is not followed")
    }
}

impl std::error::Error for LinkRefused {}

fn link_refused() -> io::Error {
    io::Error::other(LinkRefused)
}

/// Whether an error from [`open_no_follow`] means the path was a symbolic link.
pub fn is_link_refusal(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<LinkRefused>())
}

/// New files made with these options are readable and writable by their owner only (0600 on Unix; on Windows
/// nothing is added to what the folder's access list gives).
pub fn owner_only(opts: &mut OpenOptions) -> &mut OpenOptions {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600)
    }
    #[cfg(windows)]
    {
        opts
    }
}

/// Creates a new, empty file readable only by its owner; fails when anything (a link included) is already there.
pub fn create_new_private(path: &Path) -> io::Result<()> {
    owner_only(OpenOptions::new().write(true).create_new(true)).open(path).map(drop)
}

/// Opens `path` with `opts` without following a symbolic link at its end: a link is refused with an error that
/// [`is_link_refusal`] recognises, and nothing is read or written through it.
pub fn open_no_follow(opts: &mut OpenOptions, path: &Path) -> io::Result<File> {
    open_flagged(opts, path, false)
}

/// Like [`open_no_follow`] for reading, and never waits: a named pipe opens at once instead of blocking until a
/// writer comes (Unix `O_NONBLOCK`; a Windows open does not wait).
pub fn open_no_follow_no_wait(path: &Path) -> io::Result<File> {
    open_flagged(OpenOptions::new().read(true), path, true)
}

#[cfg(unix)]
fn open_flagged(opts: &mut OpenOptions, path: &Path, no_wait: bool) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = if no_wait { libc::O_NOFOLLOW | libc::O_NONBLOCK } else { libc::O_NOFOLLOW };
    opts.custom_flags(flags)
        .open(path)
        .map_err(|e| if e.raw_os_error() == Some(libc::ELOOP) { link_refused() } else { e })
}

#[cfg(windows)]
fn open_flagged(opts: &mut OpenOptions, path: &Path, _no_wait: bool) -> io::Result<File> {
    use std::os::windows::fs::OpenOptionsExt;
    /// Opens a reparse point (a symbolic link or junction) itself rather than what it points to.
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    let file = opts.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT).open(path)?;
    if file.metadata()?.file_type().is_symlink() {
        return Err(link_refused());
    }
    Ok(file)
}

/// How many names (hard links) the open file has; 0 once its last name is gone.
/// Whether a file that is open may be replaced by a rename over its name: Unix keeps the old file alive, unnamed, for
/// the handle (which can then overwrite its contents); Windows refuses the rename while a handle is open.
pub const REPLACES_OPEN_FILES: bool = cfg!(unix);

/// A path made absolute and free of `.`, `..` and links, in the form people read: on Windows without the `\\?\`
/// prefix wherever the plain form means the same file.
pub fn canonical(path: &Path) -> io::Result<std::path::PathBuf> {
    dunce::canonicalize(path)
}

pub fn link_count(file: &File) -> io::Result<u64> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().map(|m| m.nlink())
    }
    #[cfg(windows)]
    {
        winapi_util::file::information(file).map(|i| i.number_of_links())
    }
}

/// The file's identity on its disk, the same under every name it has: device and inode on Unix, volume serial
/// number and file index on Windows.
pub fn identity(file: &File) -> io::Result<(u64, u64)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        file.metadata().map(|m| (m.dev(), m.ino()))
    }
    #[cfg(windows)]
    {
        winapi_util::file::information(file).map(|i| (i.volume_serial_number(), i.file_index()))
    }
}

/// Whether nobody may write into this file or folder by its permissions (no write bit on Unix; the read-only
/// attribute on Windows).
pub fn no_one_may_write(meta: &Metadata) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.permissions().mode() & 0o222 == 0 || meta.permissions().readonly()
    }
    #[cfg(windows)]
    {
        meta.permissions().readonly()
    }
}

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

/// Creates `dir` and any missing parents, readable only by the owner (0700 on Unix; on Windows the folder keeps
/// what its parent gives).
#[cfg(unix)]
pub fn create_folder(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(windows)]
pub fn create_folder(dir: &Path) -> io::Result<()> {
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
    write_beside(target, None, fill).map_err(|e| format!("cannot write {shown}: {e}"))
}

/// Fills a temporary file beside `target` (private, or with `permissions`), flushes it to disk and renames it over
/// `target`; on failure the temporary file is removed and `target` left as it was.
fn write_beside(
    target: &Path,
    permissions: Option<std::fs::Permissions>,
    fill: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = temp_beside(dir)?;
    {
        let mut w = io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w).and_then(|()| w.flush())?;
    }
    if let Some(p) = permissions {
        tmp.as_file().set_permissions(p)?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(target).map_err(|e| e.error)?;
    Ok(())
}

/// Replaces the user's file `target`, which held `was` when it was read, with `bytes`: whole or not at all, as
/// [`write_with`] writes, and keeping the permissions the file had. Refused, with the reason in words, when the file
/// is marked read-only (even for a user the system would let write it), cannot be opened for writing, is a symbolic
/// link or no longer a plain file, or no longer holds `was` (another program saved it meanwhile).
pub fn replace(target: &Path, was: &[u8], bytes: &[u8]) -> Result<(), String> {
    let meta = std::fs::symlink_metadata(target).map_err(|e| format!("it cannot be found any more ({e})"))?;
    if meta.file_type().is_symlink() {
        return Err("it is a symbolic link, and assay writes nothing through a link it did not create".into());
    }
    if !meta.is_file() {
        return Err("it is no longer a plain file".into());
    }
    if meta.permissions().readonly() {
        return Err("the file is read-only".into());
    }
    // Whether the file may be written at all (nothing is written through this handle).
    open_no_follow(OpenOptions::new().write(true), target)
        .map_err(|e| format!("it cannot be opened for writing ({e})"))?;
    let now = std::fs::read(target).map_err(|e| format!("it cannot be read again ({e})"))?;
    if now != was {
        return Err("it changed after it was read (saved from another program meanwhile?)".into());
    }
    write_beside(target, Some(meta.permissions()), |w| w.write_all(bytes))
        .map_err(|e| format!("it cannot be replaced ({e})"))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_users_file_is_replaced_whole_with_its_permissions_or_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let f = dir.path().join("risks.csv");
        std::fs::write(&f, b"old").expect("write");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o640)).expect("chmod");
        replace(&f, b"old", b"new").expect("replaced");
        assert_eq!(std::fs::read(&f).expect("read"), b"new");
        assert_eq!(std::fs::metadata(&f).expect("meta").permissions().mode() & 0o777, 0o640, "its mode kept");
        let changed = replace(&f, b"old", b"newer").expect_err("changed meanwhile");
        assert!(changed.contains("changed after it was read"), "{changed}");
        std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o444)).expect("chmod");
        assert_eq!(replace(&f, b"new", b"newer"), Err("the file is read-only".to_string()));
        let link = dir.path().join("link.csv");
        std::os::unix::fs::symlink(&f, &link).expect("link");
        assert!(replace(&link, b"new", b"x").expect_err("a link").contains("symbolic link"));
        assert_eq!(std::fs::read(&f).expect("read"), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).expect("list").count(), 2, "no temporary file left");
    }

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

    /// The one no-follow open refuses a link with an error the callers recognise; the private create refuses what
    /// is already there; the identity and the count of names see a hard link as the same file.
    #[test]
    fn links_are_refused_and_hard_links_are_one_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let real = dir.path().join("real.db");
        create_new_private(&real).expect("created");
        assert_eq!(std::fs::metadata(&real).expect("meta").permissions().mode() & 0o777, 0o600);
        assert!(create_new_private(&real).is_err(), "an existing file is refused");
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        let refused = open_no_follow(OpenOptions::new().read(true), &link).expect_err("a link is refused");
        assert!(is_link_refusal(&refused), "{refused}");
        let refused = open_no_follow_no_wait(&link).expect_err("a link is refused");
        assert!(is_link_refusal(&refused), "{refused}");
        let plain = io::Error::from(io::ErrorKind::NotFound);
        assert!(!is_link_refusal(&plain));
        let file = open_no_follow(OpenOptions::new().read(true), &real).expect("a file opens");
        assert_eq!(link_count(&file).expect("count"), 1);
        let hard = dir.path().join("hard.db");
        std::fs::hard_link(&real, &hard).expect("hard link");
        let other = open_no_follow_no_wait(&hard).expect("opens");
        assert_eq!(link_count(&file).expect("count"), 2);
        assert_eq!(identity(&file).expect("id"), identity(&other).expect("id"));
        let third = dir.path().join("third.db");
        create_new_private(&third).expect("created");
        let third = open_no_follow_no_wait(&third).expect("opens");
        assert_ne!(identity(&file).expect("id"), identity(&third).expect("id"));
        let ro = std::fs::metadata(dir.path()).expect("meta");
        assert!(!no_one_may_write(&ro));
    }
}
