//! Passphrases, encryption, backups and the workspace lock, as the command line uses them.

use std::io::{IsTerminal, Write};
use std::path::Path;

use color_eyre::eyre::{Result, eyre};
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::crossterm::terminal;

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
    eprint!("{prompt}");
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
    eprintln!();
    outcome.map(|()| secret)
}

/// A new passphrase: from the environment, or typed twice.
pub fn new_secret() -> Result<String> {
    if let Some(p) = from_env() {
        return Ok(p);
    }
    let first = read_secret("New passphrase: ")?;
    if first.is_empty() {
        return Err(eyre!("an empty passphrase would protect nothing"));
    }
    let again = read_secret("Type it again: ")?;
    if first != again {
        return Err(eyre!("the two passphrases differ; nothing was changed"));
    }
    Ok(first)
}

/// Opens a workspace, asking for its passphrase when it turns out to be encrypted. With `encrypt_new`, a workspace
/// that does not exist yet is created encrypted.
pub fn open(path: &Path, assessor: &str, encrypt_new: bool) -> Result<Store> {
    if encrypt_new && !path.exists() {
        let key = new_secret()?;
        return Ok(Store::open_with_key(path, assessor, Some(&key))?);
    }
    match Store::open(path, assessor) {
        Err(OpenError::NeedsPassphrase(_)) => {
            let key = match from_env() {
                Some(k) => k,
                None if std::io::stdin().is_terminal() => read_secret(&format!("Passphrase for {}: ", path.display()))?,
                None => return Err(OpenError::NeedsPassphrase(path.to_path_buf()).into()),
            };
            Ok(Store::open_with_key(path, assessor, Some(&key))?)
        }
        other => Ok(other?),
    }
}

/// Opens a workspace that must already exist (reports, exports, verification, backups never create one).
pub fn open_existing(path: &Path, assessor: &str) -> Result<Store> {
    if !path.exists() {
        return Err(eyre!("no workspace at {}", path.display()));
    }
    open(path, assessor, false)
}

/// `assay encrypt`: rewrites a plain workspace encrypted.
pub fn encrypt(path: &Path, assessor: &str) -> Result<()> {
    let _lock = lock::acquire(path).map_err(|e| eyre!(e))?;
    let store = match Store::open(path, assessor) {
        Err(OpenError::NeedsPassphrase(_)) => return Err(eyre!("{} is already encrypted", path.display())),
        other => other?,
    };
    let key = new_secret()?;
    crypto::rekey(store, Some(&key)).map_err(|e| eyre!(e))?;
    eprintln!(
        "{} is now encrypted; keep the passphrase safe — without it the workspace cannot be read",
        path.display()
    );
    Ok(())
}

/// `assay decrypt`: rewrites an encrypted workspace as a plain SQLite file.
pub fn decrypt(path: &Path, assessor: &str) -> Result<()> {
    let _lock = lock::acquire(path).map_err(|e| eyre!(e))?;
    let store = open(path, assessor, false)?;
    if store.key().is_none() {
        return Err(eyre!("{} is not encrypted", path.display()));
    }
    crypto::rekey(store, None).map_err(|e| eyre!(e))?;
    eprintln!("{} is now unencrypted", path.display());
    Ok(())
}

/// `assay backup DEST`.
pub fn backup_to(path: &Path, dest: &Path, assessor: &str) -> Result<()> {
    let store = open_existing(path, assessor)?;
    let bytes = backup::to_file(&store, dest).map_err(|e| eyre!(e))?;
    println!("{}", dest.display());
    eprintln!(
        "backed up {} to {} ({} KiB{})",
        path.display(),
        dest.display(),
        bytes / 1024,
        if store.key().is_some() { ", encrypted with the same passphrase" } else { "" }
    );
    Ok(())
}
