//! Passphrases, encryption, backups and the workspace lock, as the command line uses them.

use std::io::{IsTerminal, Write};
use std::path::Path;

use color_eyre::eyre::{Result, eyre};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;

use crate::domain::plural;
use crate::store::{OpenError, Store, backup, crypto, lock};

/// The passphrase from `ASSAY_PASSPHRASE`, if set.
fn from_env() -> Option<String> {
    std::env::var("ASSAY_PASSPHRASE").ok().filter(|s| !s.is_empty())
}

/// Reads a passphrase from the terminal without echoing it.
pub fn read_secret(prompt: &str) -> Result<String> {
    if !std::io::stdin().is_terminal() {
        return Err(eyre!("a passphrase is needed: set ASSAY_PASSPHRASE, or run in a terminal"));
    }
    crate::out_err!("{prompt}");
    let _ = std::io::stderr().flush();
    terminal::enable_raw_mode()?;
    let mut secret = String::new();
    let outcome = loop {
        match event::read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Esc => break Err(eyre!("cancelled")),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => break Err(eyre!("cancelled")),
                KeyCode::Backspace => {
                    secret.pop();
                }
                KeyCode::Char(c) => secret.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(e.into()),
        }
    };
    let _ = terminal::disable_raw_mode();
    crate::errln!();
    outcome.map(|()| secret)
}

/// The shortest passphrase accepted for a new encryption, unless `ASSAY_ALLOW_WEAK_PASSPHRASE=1`.
pub const MIN_PASSPHRASE: usize = 12;

/// Refuses a passphrase shorter than [`MIN_PASSPHRASE`] characters, unless `ASSAY_ALLOW_WEAK_PASSPHRASE=1`
/// overrides it (said on stderr).
fn check_strength(p: &str) -> Result<()> {
    let n = p.chars().count();
    if n >= MIN_PASSPHRASE {
        return Ok(());
    }
    if std::env::var("ASSAY_ALLOW_WEAK_PASSPHRASE").is_ok_and(|v| v == "1") {
        crate::errln!(
            "assay: warning: a passphrase of {n} character{} accepted because ASSAY_ALLOW_WEAK_PASSPHRASE=1; it is \
             easy to guess",
            plural(n)
        );
        return Ok(());
    }
    Err(eyre!(
        "the passphrase is too short ({n} character{}); use at least {MIN_PASSPHRASE} — a few unrelated words make \
         one easy to remember; nothing was changed",
        plural(n)
    ))
}

/// A new passphrase: from the environment, or typed twice; at least [`MIN_PASSPHRASE`] characters.
pub fn new_secret() -> Result<String> {
    if let Some(p) = from_env() {
        check_strength(&p)?;
        return Ok(p);
    }
    let first = read_secret("New passphrase: ")?;
    if first.is_empty() {
        return Err(eyre!("an empty passphrase would protect nothing"));
    }
    check_strength(&first)?;
    let again = read_secret("Type it again: ")?;
    if first != again {
        return Err(eyre!("the two passphrases differ; nothing was changed"));
    }
    Ok(first)
}

/// Opens a workspace, asking for its passphrase when it turns out to be encrypted. With `encrypt_new`, a workspace
/// that does not exist yet is created encrypted; an existing one is refused (it would silently stay as it is).
pub fn open(path: &Path, assessor: &str, encrypt_new: bool) -> Result<Store> {
    if encrypt_new {
        if std::fs::symlink_metadata(path).is_ok() {
            return Err(eyre!(
                "{} exists already; --encrypt only creates a new workspace encrypted — to encrypt this one, run \
                 `assay encrypt --db {}`",
                path.display(),
                path.display()
            ));
        }
        let key = new_secret()?;
        return Ok(Store::open_with_key(path, assessor, Some(&key))?);
    }
    with_passphrase(path, |key| Store::open_with_key(path, assessor, key))
}

/// Runs `open` without a key, and again with the passphrase (from the environment or the terminal) when the
/// workspace turns out to be encrypted.
fn with_passphrase(path: &Path, open: impl Fn(Option<&str>) -> Result<Store, OpenError>) -> Result<Store> {
    match open(None) {
        Err(OpenError::NeedsPassphrase(_)) => {
            let key = match from_env() {
                Some(k) => k,
                None if std::io::stdin().is_terminal() => read_secret(&format!("Passphrase for {}: ", path.display()))?,
                None => return Err(OpenError::NeedsPassphrase(path.to_path_buf()).into()),
            };
            Ok(open(Some(&key))?)
        }
        other => Ok(other?),
    }
}

/// Opens a workspace for writing under its lock. The lock is taken before the workspace is opened when the file
/// exists (the lock holds the file itself, and must outlive every connection to it); a new workspace is created
/// first, so that a missing or read-only folder is named as such. Keep the lock alive as long as the store.
pub fn open_locked(path: &Path, assessor: &str, encrypt_new: bool) -> Result<(lock::WorkspaceLock, Store)> {
    if std::fs::symlink_metadata(path).is_ok() {
        crate::store::check_folder(path)?;
        let held = lock::acquire(path).map_err(|e| eyre!(e))?;
        if crypto::clean_partial(path) {
            crate::errln!(
                "assay: removed the partial copy an interrupted encrypt or decrypt left beside {} (overwritten first)",
                path.display()
            );
        }
        let store = open(path, assessor, encrypt_new)?;
        return Ok((held, store));
    }
    let store = open(path, assessor, encrypt_new)?;
    let held = lock::acquire(path).map_err(|e| eyre!(e))?;
    Ok((held, store))
}

/// Opens a workspace that must already exist, for reading only (reports, exports, verification, backups): nothing
/// is created or changed, whatever is at the path. With `inspect`, a schema assay did not make is let through for
/// `verify` to report.
pub fn open_existing(path: &Path, assessor: &str) -> Result<Store> {
    open_read(path, assessor, false)
}

/// As [`open_existing`], choosing whether a foreign schema is let through.
pub fn open_read(path: &Path, assessor: &str, inspect: bool) -> Result<Store> {
    if std::fs::symlink_metadata(path).is_err() {
        return Err(eyre!("no workspace at {}", path.display()));
    }
    with_passphrase(path, |key| Store::open_read_only(path, assessor, key, inspect))
}

/// `assay encrypt`: rewrites a plain workspace encrypted, then its automatic backups, and lists the plaintext
/// reports and exports of it — everything in `reports/` beside it, and in `folders` (where the workbench writes
/// its reports) the files named as the workbench names the reports and exports of this workspace's engagements —
/// removing them when asked to (`remove_outputs`, or a yes at the prompt).
pub fn encrypt(path: &Path, assessor: &str, remove_outputs: bool, folders: &[std::path::PathBuf]) -> Result<()> {
    let _lock = lock::acquire(path).map_err(|e| eyre!(e))?;
    let store = match Store::open(path, assessor) {
        Err(OpenError::NeedsPassphrase(_)) => return Err(eyre!("{} is already encrypted", path.display())),
        other => other?,
    };
    let slugs: Vec<String> = crate::store::engagements::list(store.conn())
        .map_err(|e| eyre!(e))?
        .iter()
        .map(|e| crate::report::slug(&e.name))
        .collect();
    let key = new_secret()?;
    crypto::rekey(store, Some(&key)).map_err(|e| eyre!(e))?;
    crate::errln!(
        "{} is now encrypted; keep the passphrase safe — without it the workspace cannot be read",
        path.display()
    );
    encrypt_backups(path, &key);
    plaintext_outputs(path, &slugs, folders, remove_outputs)
}

/// Encrypts every plain automatic backup of the workspace with the same key; one that cannot be encrypted is
/// overwritten and removed instead. Says what it did.
fn encrypt_backups(path: &Path, key: &str) {
    let backups = match backup::of_workspace(path) {
        Ok(b) => b,
        Err(e) => {
            crate::errln!("assay: warning: cannot read the backups of {}: {e}", path.display());
            return;
        }
    };
    let plain: Vec<_> = backups.into_iter().filter(|b| crypto::is_plain_sqlite(b)).collect();
    if plain.is_empty() {
        return;
    }
    let (mut encrypted, mut removed) = (0, 0);
    for b in &plain {
        match crypto::encrypt_file(b, key) {
            Ok(()) => encrypted += 1,
            Err(e) => match crypto::remove_securely(b) {
                Ok(()) => {
                    removed += 1;
                    crate::errln!("assay: {e}; the plaintext backup {} was overwritten and removed", b.display());
                }
                Err(r) => crate::errln!("assay: warning: {e}; and it could not be removed ({r}): delete it yourself"),
            },
        }
    }
    crate::errln!(
        "{encrypted} backup{} in {} encrypted with the same passphrase{}",
        plural(encrypted),
        backup::folder(path).display(),
        if removed > 0 {
            format!("; {removed} that could not be encrypted overwritten and removed")
        } else {
            String::new()
        }
    );
}

/// Whether `name` is how the workbench names a report or export of the engagement whose slug is given:
/// `SLUG-report-YYYY-MM-DD.md` or `.html`, and `SLUG-YYYY-MM-DD.json`.
pub fn is_output_of(name: &str, slug: &str) -> bool {
    let Some(rest) = name.strip_prefix(slug).and_then(|r| r.strip_prefix('-')) else { return false };
    let dated = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok();
    match rest.rsplit_once('.') {
        Some((stem, "md" | "html")) => stem.strip_prefix("report-").is_some_and(dated),
        Some((stem, "json")) => dated(stem),
        _ => false,
    }
}

/// The reports and exports of the workspace: every file in `reports/` beside it, and in `folders` the files named
/// as the workbench names this workspace's outputs (`slugs` of its engagements). Plain files by nature: lists
/// them, and removes them (overwritten first) when `remove` is set or the person at the terminal says yes.
fn plaintext_outputs(path: &Path, slugs: &[String], folders: &[std::path::PathBuf], remove: bool) -> Result<()> {
    let beside = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).join("reports");
    let files_in = |dir: &Path| -> Vec<std::path::PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        entries.filter_map(|e| e.ok()).filter(|e| e.file_type().is_ok_and(|t| t.is_file())).map(|e| e.path()).collect()
    };
    let mut files = files_in(&beside);
    for dir in folders {
        files.extend(files_in(dir).into_iter().filter(|f| {
            let name = f.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            slugs.iter().any(|s| is_output_of(&name, s))
        }));
    }
    files.sort();
    files.dedup();
    if files.is_empty() {
        return Ok(());
    }
    crate::errln!(
        "{} report{} and export{} of this workspace are not encrypted:",
        files.len(),
        plural(files.len()),
        plural(files.len()),
    );
    for f in &files {
        crate::errln!("  {}", f.display());
    }
    let remove = remove || (std::io::stdin().is_terminal() && confirm("Overwrite and remove them? [y/N] ")?);
    if !remove {
        crate::errln!("they were kept; remove them yourself, or run `assay encrypt --remove-outputs` next time");
        return Ok(());
    }
    let mut failed = 0;
    for f in &files {
        if let Err(e) = crypto::remove_securely(f) {
            failed += 1;
            crate::errln!("assay: cannot remove {}: {e}", f.display());
        }
    }
    crate::errln!("{} removed (overwritten first)", files.len() - failed);
    if failed > 0 {
        return Err(eyre!("{failed} plaintext output{} could not be removed", plural(failed)));
    }
    Ok(())
}

/// Asks a yes/no question at the terminal; anything but y or yes is no.
fn confirm(prompt: &str) -> Result<bool> {
    crate::out_err!("{prompt}");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim().to_lowercase().as_str(), "y" | "yes"))
}

/// `assay decrypt`: rewrites an encrypted workspace as a plain SQLite file.
pub fn decrypt(path: &Path, assessor: &str) -> Result<()> {
    let _lock = lock::acquire(path).map_err(|e| eyre!(e))?;
    let store = open(path, assessor, false)?;
    if store.key().is_none() {
        return Err(eyre!("{} is not encrypted", path.display()));
    }
    crypto::rekey(store, None).map_err(|e| eyre!(e))?;
    crate::errln!("{} is now unencrypted", path.display());
    Ok(())
}

/// `assay backup DEST`.
pub fn backup_to(path: &Path, dest: &Path, assessor: &str) -> Result<()> {
    let store = open_existing(path, assessor)?;
    let bytes = backup::to_file(&store, dest).map_err(|e| eyre!(e))?;
    crate::outln!("{}", dest.display());
    crate::errln!(
        "backed up {} to {} ({} KiB{})",
        path.display(),
        dest.display(),
        bytes / 1024,
        if store.key().is_some() { ", encrypted with the same passphrase" } else { "" }
    );
    Ok(())
}
