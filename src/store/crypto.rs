//! Encrypting and decrypting a workspace: a full export through SQLCipher into a new file beside it, checked,
//! then renamed over the original — so a failure at any point leaves the original as it was.

use std::fs::{self, OpenOptions};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use super::{APPLICATION_ID, Store, migrations};

/// Rewrites the workspace with `key` (`None`: unencrypted). Consumes the store: the file is replaced.
pub fn rekey(store: Store, key: Option<&str>) -> Result<PathBuf, String> {
    let path = store.path().map(Path::to_path_buf).ok_or("an in-memory workspace cannot be rewritten")?;
    let fail = |e: rusqlite::Error| format!("cannot rewrite {}: {e}", path.display());
    let tmp = PathBuf::from(format!("{}.rekey", path.display()));
    let _ = fs::remove_file(&tmp);
    OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&tmp)
        .map_err(|e| format!("cannot create {}: {e}", tmp.display()))?;
    let result = (|| {
        let conn = store.conn();
        conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);").map_err(fail)?;
        conn.execute(
            "ATTACH DATABASE ?1 AS target KEY ?2",
            rusqlite::params![tmp.to_string_lossy(), key.unwrap_or("")],
        )
        .map_err(fail)?;
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
        fs::rename(&tmp, &path).map_err(|e| format!("cannot replace {}: {e}", path.display()))?;
        Ok(path.clone())
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
