//! `assay team …` and `assay sync`: team work through a shared git repository (see `crate::team`).

use std::path::Path;

use color_eyre::eyre::{Result, eyre};

use super::{Outcome, secure, stop};
use crate::cli::TeamAction;
use crate::config::Config;
use crate::store::Store;
use crate::store::team as st;
use crate::team;

/// One line on standard output, shown safely (names and values come from other laptops).
fn say(line: &str) {
    crate::outln!("{line}");
}

fn print(report: &team::Report) {
    for line in &report.lines {
        say(line);
    }
}

/// Runs a team step that can take a while on a large register with its progress drawn on stderr (see
/// `commands::progress`); the bar is taken off before anything is printed, the result or the error.
fn with_bar<T>(step: impl FnOnce() -> Result<T, team::TeamError>) -> Result<T> {
    team::report_progress_to(super::progress::team_step);
    let out = step();
    super::progress::team_done();
    out.map_err(|e| eyre!(e))
}

fn opened(db: &Path, config: &Config) -> Result<(crate::store::lock::WorkspaceLock, Store)> {
    if !db.exists() {
        return Err(eyre!("{}: no such workspace", db.display()));
    }
    secure::open_locked(db, &config.assessor(), false)
}

pub fn sync(db: &Path, config: &Config) -> Result<()> {
    let (_lock, mut store) = opened(db, config)?;
    let report = with_bar(|| team::sync(&mut store, db))?;
    print(&report);
    if report.shared { Ok(()) } else { Err(stop(Outcome::Partial, "committed here; not shared with the team yet")) }
}

pub fn run(db: &Path, config: &Config, action: TeamAction) -> Result<()> {
    let (_lock, mut store) = opened(db, config)?;
    match action {
        TeamAction::Init { remote, name } => {
            let name = name.unwrap_or_else(|| config.assessor());
            print(&with_bar(|| team::init(&mut store, db, &remote, &name))?);
        }
        TeamAction::Join { remote, name } => {
            let name = name.unwrap_or_else(|| config.assessor());
            print(&team::join(&mut store, db, &remote, &name).map_err(|e| eyre!(e))?);
        }
        TeamAction::Members { admit: Some(d), .. } => {
            print(&with_bar(|| team::admit(&mut store, db, &d, true))?);
        }
        TeamAction::Members { remove: Some(d), .. } => {
            print(&with_bar(|| team::admit(&mut store, db, &d, false))?);
        }
        TeamAction::Members { .. } => {
            for a in team::members(&store, db).map_err(|e| eyre!(e))? {
                let fp = team::keys::fingerprint(&a.member.ssh).unwrap_or_default();
                let state = match (a.admitted, a.me) {
                    (true, true) => "member (this laptop)",
                    (true, false) => "member",
                    (false, true) => "asks to join (this laptop)",
                    (false, false) => "asks to join",
                };
                let line = format!(
                    "{}  {:<28} {state:<28} {fp}",
                    &a.member.device[..8.min(a.member.device.len())],
                    a.member.name
                );
                say(&line);
            }
        }
        TeamAction::Conflicts { flip: Some(id), .. } => flip(&mut store, id)?,
        TeamAction::Conflicts { reviewed: Some(id), .. } => {
            if !st::mark_reviewed(store.conn(), id)? {
                return Err(stop(
                    Outcome::NothingFound,
                    format!("no conflict {id} (assay team conflicts --all lists them)"),
                ));
            }
            crate::outln!("conflict {id} marked reviewed");
        }
        TeamAction::Conflicts { all, .. } => {
            let list = st::conflicts(store.conn(), all)?;
            if list.is_empty() {
                return Err(stop(Outcome::NothingFound, "no conflicts to review"));
            }
            for c in list {
                say(&team::describe(store.conn(), &c));
            }
        }
        TeamAction::Status => {
            let Some(b) = st::binding(store.conn())? else {
                return Err(stop(Outcome::NothingFound, "this workspace is not part of a team"));
            };
            let (pending, _) = st::changed_since(store.conn(), b.synced_through)?;
            say(&format!("team repository: {}", b.remote));
            say(&format!("this laptop: device {} ({})", &b.device[..8.min(b.device.len())], b.member));
            crate::outln!("last sync: {}", b.last_sync.as_deref().unwrap_or("never"));
            say(&format!("it said: {}", b.last_outcome.as_deref().unwrap_or("-")));
            crate::outln!("changed here, not yet committed for the team: {} records", pending.len());
            crate::outln!("conflicts to review: {}", st::conflicts(store.conn(), false)?.len());
            if let Some(t) = crate::store::team_status::heads(store.conn())? {
                for (name, head) in &t.heads {
                    say(&format!("history head of {name}'s laptop at the last sync: {head}"));
                }
            }
        }
    }
    Ok(())
}

fn flip(store: &mut Store, id: i64) -> Result<()> {
    match team::flip(store, id) {
        Ok(said) => {
            say(&said);
            Ok(())
        }
        Err(team::FlipError::NoSuch) => {
            Err(stop(Outcome::NothingFound, format!("no conflict {id} (assay team conflicts --all lists them)")))
        }
        Err(team::FlipError::NotAField) => {
            Err(stop(Outcome::Usage, format!("conflict {id} is not about a field's value: nothing to flip to")))
        }
        Err(team::FlipError::Gone) => {
            Err(stop(Outcome::NothingFound, format!("conflict {id}: the record is no longer here")))
        }
        Err(team::FlipError::Failed(e)) => Err(eyre!("conflict {id}: {e}")),
    }
}
