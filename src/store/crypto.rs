//! Encrypting and decrypting a workspace: a full export through SQLCipher into a new file beside it, checked,
//! then renamed over the original — so a failure at any point leaves the original as it was.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{APPLICATION_ID, Store, migrations};
use crate::private_fs;

/// The name of the partial copy a rewrite works in, beside the file.
pub fn rekey_path(path: &Path) -> PathBuf {
    PathBuf::from(format!("{}.rekey", path.display()))
}

/// Whether a file starts as a plain (unencrypted) SQLite database.
pub fn is_plain_sqlite(path: &Path) -> bool {
    let mut head = [0u8; 16];
    File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

/// Overwrites the whole content of an open file with zeros and flushes it to disk, so that the blocks it held no
/// longer carry the plaintext (on disks that overwrite in place; see SECURITY.md for SSDs and snapshots).
pub fn scrub(file: &mut File) -> std::io::Result<()> {
    let len = file.metadata()?.len();
    file.rewind()?;
    let zeros = vec![0u8; 64 * 1024];
    let mut left = len;
    while left > 0 {
        let n = left.min(zeros.len() as u64) as usize;
        file.write_all(&zeros[..n])?;
        left -= n as u64;
    }
    file.sync_all()
}

/// Opens the file a rewrite replaces, to read and write, refusing a symbolic link: the handle is kept so that the
/// plaintext it held can be overwritten once the file is replaced.
fn open_no_follow(path: &Path) -> Result<File, String> {
    private_fs::open_no_follow(OpenOptions::new().read(true).write(true), path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))
}

/// Creates the new, empty, private (0600) file a rewrite copies into; refuses one that is already there.
fn create_private(path: &Path) -> Result<(), String> {
    private_fs::create_new_private(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

/// Overwrites a file with zeros, then deletes it. Refuses a symbolic link (it would scrub the link's target).
pub fn remove_securely(path: &Path) -> std::io::Result<()> {
    let mut f = private_fs::open_no_follow(OpenOptions::new().write(true), path)?;
    if private_fs::link_count(&f)? <= 1 {
        scrub(&mut f)?;
    }
    drop(f);
    fs::remove_file(path)
}

/// Rewrites a plain SQLite file (an automatic backup) encrypted with `key`, in place: an encrypted copy is made
/// beside it and checked, renamed over it, and the plaintext it replaced is overwritten with zeros.
pub fn encrypt_file(path: &Path, key: &str) -> Result<(), String> {
    let fail = |e: rusqlite::Error| format!("cannot encrypt {}: {e}", path.display());
    let tmp = rekey_path(path);
    let _ = fs::remove_file(&tmp);
    create_private(&tmp)?;
    let result = (|| {
        let original = open_no_follow(path)?;
        {
            let conn = Connection::open(path).map_err(fail)?;
            let (version, app_id, rows): (i64, i64, i64) = conn
                .query_row(
                    "SELECT (SELECT user_version FROM pragma_user_version), \
                     (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM audit_log)",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .map_err(fail)?;
            conn.execute("ATTACH DATABASE ?1 AS target KEY ?2", rusqlite::params![tmp.to_string_lossy(), key])
                .map_err(fail)?;
            conn.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(())).map_err(fail)?;
            conn.execute_batch(&format!(
                "PRAGMA target.user_version = {version}; PRAGMA target.application_id = {app_id}; DETACH DATABASE target;"
            ))
            .map_err(fail)?;
            let copy = Connection::open(&tmp).map_err(fail)?;
            super::apply_key(&copy, key).map_err(fail)?;
            let sealed: bool = copy
                .query_row("SELECT count(*) > 0 FROM pragma_table_info('audit_log') WHERE name = 'mac'", [], |r| {
                    r.get(0)
                })
                .map_err(fail)?;
            if sealed {
                super::reseal(&copy, Some(&super::ChainKey::from_passphrase(key))).map_err(fail)?;
            }
            let check: String = copy.query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(fail)?;
            let copied: i64 = copy.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).map_err(fail)?;
            if check != "ok" || copied != rows {
                return Err(format!("the encrypted copy of {} did not check out", path.display()));
            }
        }
        for side in ["-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{side}", tmp.display()));
        }
        replace(&tmp, path, original, true)?;
        Ok(())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Removes what a killed rewrite left behind: the partial `.rekey` copy beside the workspace (which may hold
/// plaintext), overwritten first. Returns whether there was one.
pub fn clean_partial(path: &Path) -> bool {
    let tmp = rekey_path(path);
    let found = fs::symlink_metadata(&tmp).is_ok_and(|m| m.is_file());
    if found {
        let _ = remove_securely(&tmp);
        for side in ["-wal", "-shm", "-journal"] {
            let _ = fs::remove_file(format!("{}{side}", tmp.display()));
        }
    }
    found
}

/// Renames `tmp` over `path`. Where the system keeps a replaced file alive for the handles open on it (Unix), the
/// old file stays open in `original` and, once no name is left to it, its plaintext is overwritten (`scrub_old`).
/// Windows refuses to replace an open file: there the handle is closed first, and the old file's blocks are freed
/// without being overwritten (SECURITY.md says so).
fn replace(tmp: &Path, path: &Path, mut original: File, scrub_old: bool) -> Result<(), String> {
    if !private_fs::REPLACES_OPEN_FILES {
        drop(original);
        return fs::rename(tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()));
    }
    fs::rename(tmp, path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
    if scrub_old && private_fs::link_count(&original).is_ok_and(|n| n == 0) {
        scrub(&mut original).map_err(|e| format!("cannot overwrite the old plaintext of {}: {e}", path.display()))?;
    }
    Ok(())
}

/// Rewrites the workspace with `key` (`None`: unencrypted). Consumes the store: the file is replaced.
pub fn rekey(store: Store, key: Option<&str>) -> Result<PathBuf, String> {
    let path = store.path().map(Path::to_path_buf).ok_or("an in-memory workspace cannot be rewritten")?;
    let fail = |e: rusqlite::Error| format!("cannot rewrite {}: {e}", path.display());
    let original = open_no_follow(&path)?;
    let links = private_fs::link_count(&original).unwrap_or(1);
    if links > 1 {
        return Err(format!(
            "{} has {} names (hard links); rewriting it under one would leave the others as they are — remove the \
             other links first; nothing was changed",
            path.display(),
            links
        ));
    }
    let tmp = rekey_path(&path);
    clean_partial(&path);
    create_private(&tmp)?;
    let result = (|| {
        let conn = store.conn();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(fail)?;
        conn.execute(
            "ATTACH DATABASE ?1 AS target KEY ?2",
            rusqlite::params![tmp.to_string_lossy(), key.unwrap_or("")],
        )
        .map_err(fail)?;
        if key.is_none() {
            // A decrypted workspace is made like a new plain one (see `Store::prepare`).
            conn.execute_batch(&format!("PRAGMA target.page_size = {};", super::PLAIN_PAGE_SIZE)).map_err(fail)?;
        }
        conn.query_row("SELECT sqlcipher_export('target')", [], |_| Ok(())).map_err(fail)?;
        conn.execute_batch(&format!(
            "PRAGMA target.user_version = {}; PRAGMA target.application_id = {APPLICATION_ID}; DETACH DATABASE target;",
            migrations::latest_version()
        ))
        .map_err(fail)?;
        let rows: i64 = conn.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).map_err(fail)?;
        let assessor = store.assessor().to_string();
        drop(store);
        // The copy must open with the new key and hold the same history before it replaces anything.
        let copy = Store::open_with_key(&tmp, &assessor, key).map_err(|e| e.to_string())?;
        // Seal the history with the new passphrase, or take the seals off with the encryption.
        super::reseal(copy.conn(), copy.chain_key()).map_err(fail)?;
        let check: String = copy.conn().query_row("PRAGMA quick_check", [], |r| r.get(0)).map_err(fail)?;
        let copied: i64 = copy.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).map_err(fail)?;
        copy.conn().execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(fail)?;
        drop(copy);
        if check != "ok" || copied != rows {
            return Err(format!(
                "the rewritten copy of {} did not check out; the original is unchanged",
                path.display()
            ));
        }
        for side in ["-wal", "-shm"] {
            let _ = fs::remove_file(format!("{}{side}", tmp.display()));
        }
        replace(&tmp, &path, original, key.is_some())?;
        Ok(path.clone())
    })();
    if result.is_err() {
        clean_partial(&path);
    }
    result
}

#[cfg(all(test, unix))]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    /// The one no-follow open refuses a symbolic link, and the one private create refuses a file already there;
    /// both rewrites (encrypting a backup, rekeying the workspace) go through them.
    #[test]
    fn the_rewrite_opens_refuse_links_and_existing_copies() {
        let dir = tempfile::tempdir().expect("dir");
        let real = dir.path().join("real.db");
        fs::write(&real, b"x").expect("write");
        let link = dir.path().join("link.db");
        std::os::unix::fs::symlink(&real, &link).expect("link");
        assert!(open_no_follow(&real).is_ok());
        let refused = open_no_follow(&link).expect_err("a link is refused");
        assert!(refused.starts_with(&format!("cannot open {}", link.display())), "{refused}");
        let copy = dir.path().join("copy.db");
        create_private(&copy).expect("created");
        assert_eq!(fs::metadata(&copy).expect("meta").permissions().mode() & 0o777, 0o600);
        let twice = create_private(&copy).expect_err("an existing copy is refused");
        assert!(twice.starts_with(&format!("cannot create {}", copy.display())), "{twice}");
        let err = encrypt_file(&link, "secret").expect_err("encrypting through a link is refused");
        assert!(err.contains("cannot open"), "{err}");
    }
}
