//! Team work: several laptops' workspaces merged through one git repository on a file share (or any git server
//! the firm runs). The workspace stays the working store; the team repository is how the work travels, with its
//! history and its merges.
//!
//! - Every shared record is one file, `records/<table>/<xx>/<uuid>.age` (`xx`: the UUID's last two hex digits,
//!   so that no folder grows past a few hundred files), holding the record's columns as JSON, encrypted with age to
//!   every member. An evidence file's content travels beside its record, `evidence/<xx>/<uuid>.age`. Paths carry
//!   nothing but table names and UUIDs.
//! - `members/<device>.json` lists who reads the records and whose signatures count; `requests/<device>.json` is
//!   a laptop asking to join; `assay-team.json` names the repository's format.
//! - Every commit is signed with its member's SSH key; a sync refuses a commit not signed by a member.
//! - The local branch always holds what the workspace holds: a sync commits the records changed here since the
//!   last one (found from the history), fetches, merges record by record and field by field (see [`merge`]), writes
//!   the result into the workspace through the write path (audited) and pushes.

mod history;
pub mod keys;
mod members;
pub mod merge;
pub mod repo;
mod shared;
mod sync;

pub use history::{TeamCheck, check_team};
pub use members::{Admission, admit, members};
pub use sync::{Report, init, join, sync};

use std::path::{Path, PathBuf};

use uuid::Uuid;

use crate::store::Table;

/// The repository's format: the file naming it, and the version this build writes and reads.
pub const FORMAT_FILE: &str = "assay-team.json";
pub const FORMAT_VERSION: u32 = 1;

/// Where long steps (reading, encrypting and writing a register's records) say how far they are: set once by the
/// command line, which draws a bar on stderr. The workbench and the tests leave it unset, and nothing is said.
static PROGRESS: std::sync::OnceLock<fn(&str, usize, usize)> = std::sync::OnceLock::new();

/// Sends the progress of long team steps to `f` (what is being done, how many done, of how many; 0 of 0 for a
/// step without a count) for the rest of the process.
pub fn report_progress_to(f: fn(&str, usize, usize)) {
    let _ = PROGRESS.set(f);
}

/// Says how far a long step is (see [`report_progress_to`]).
pub(crate) fn progress(what: &str, done: usize, total: usize) {
    if let Some(f) = PROGRESS.get() {
        f(what, done, total);
    }
}

/// Says how far a step over `total` items is, at every 256th item and the last (a bar needs no more).
pub(crate) fn progress_at(what: &str, done: usize, total: usize) {
    if done.is_multiple_of(256) || done == total {
        progress(what, done, total);
    }
}

/// The folder beside the workspace that holds this laptop's clone of the team repository.
pub fn clone_dir(workspace: &Path) -> PathBuf {
    let mut name = workspace.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".team");
    workspace.with_file_name(name)
}

fn fan(uuid: &Uuid) -> String {
    let hex = uuid.simple().to_string();
    hex[hex.len() - 2..].to_string()
}

/// Where a record lives in the team repository.
pub fn record_path(table: Table, uuid: &Uuid) -> String {
    format!("records/{}/{}/{}.age", table.name(), fan(uuid), uuid.hyphenated())
}

/// Where the content of an evidence file travels, beside its record.
pub fn content_path(uuid: &Uuid) -> String {
    format!("evidence/{}/{}.age", fan(uuid), uuid.hyphenated())
}

/// The record a path of the team repository holds, if it holds one.
pub fn record_at(path: &str) -> Option<(Table, Uuid)> {
    let rest = path.strip_prefix("records/")?;
    let mut parts = rest.split('/');
    let table: Table = parts.next()?.parse().ok()?;
    let _fan = parts.next()?;
    let uuid = Uuid::parse_str(parts.next()?.strip_suffix(".age")?).ok()?;
    (parts.next().is_none() && crate::store::team::shared(table)).then_some((table, uuid))
}

/// An error of team work, in words the assessor can act on.
#[derive(Debug)]
pub struct TeamError(pub String);

impl std::fmt::Display for TeamError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TeamError {}

impl From<rusqlite::Error> for TeamError {
    fn from(e: rusqlite::Error) -> Self {
        TeamError(format!("the workspace: {e}"))
    }
}

impl From<repo::RepoError> for TeamError {
    fn from(e: repo::RepoError) -> Self {
        TeamError(e.to_string())
    }
}

impl From<crate::store::team::ApplyError> for TeamError {
    fn from(e: crate::store::team::ApplyError) -> Self {
        TeamError(format!("a record from the team: {e}"))
    }
}

impl From<String> for TeamError {
    fn from(e: String) -> Self {
        TeamError(e)
    }
}

/// How a conflict reads: its id, the record (short reference when it has one), what happened, the values.
pub fn describe(conn: &rusqlite::Connection, c: &crate::store::team::Conflict) -> String {
    let record = match crate::store::ids::row_of(conn, c.table, &c.uuid).ok().flatten() {
        Some(id) => crate::store::ids::ident(conn, c.table, id)
            .ok()
            .flatten()
            .and_then(|i| i.short(c.table))
            .unwrap_or_else(|| format!("{} {}", c.table.name(), c.uuid)),
        None => format!("{} {} (no longer here)", c.table.name(), c.uuid),
    };
    let mark = if c.reviewed { " (reviewed)" } else { "" };
    match c.kind.as_str() {
        "field" => format!(
            "{:>4}  {record} {}: kept {} ({}), set aside {} ({}){mark}",
            c.id,
            c.field.as_deref().unwrap_or(""),
            c.kept.as_deref().unwrap_or("null"),
            c.kept_from,
            c.other.as_deref().unwrap_or("null"),
            c.other_from
        ),
        "kept_deleted" => {
            format!("{:>4}  {record}: deleted by {}, changed by {}: kept{mark}", c.id, c.other_from, c.kept_from)
        }
        "orphan" => format!(
            "{:>4}  {record}: deleted on one side, kept because a record under it is new or changed on the other{mark}",
            c.id
        ),
        "renumbered" => format!(
            "{:>4}  {record}: was {} like another new record, now {}{mark}",
            c.id,
            c.other.as_deref().unwrap_or("").trim_matches('"'),
            c.kept.as_deref().unwrap_or("").trim_matches('"')
        ),
        other => format!("{:>4}  {record}: {other}{mark}", c.id),
    }
}

/// Why a conflict could not be flipped.
#[derive(Debug, Clone, PartialEq)]
pub enum FlipError {
    /// No conflict has that id.
    NoSuch,
    /// The conflict is not about one field's value (a kept record, a new number).
    NotAField,
    /// The record is no longer in the workspace.
    Gone,
    Failed(String),
}

/// Takes the value a merge set aside for conflict `id` instead of the one it kept (through the write path, so
/// audited and shared at the next sync), and marks the conflict reviewed. Returns what was done, in a line.
pub fn flip(store: &mut crate::store::Store, id: i64) -> Result<String, FlipError> {
    use crate::store::team as st;
    let fail = |e: rusqlite::Error| FlipError::Failed(e.to_string());
    let all = st::conflicts(store.conn(), true).map_err(fail)?;
    let c = all.into_iter().find(|c| c.id == id).ok_or(FlipError::NoSuch)?;
    let (Some(field), Some(other), "field") = (c.field.clone(), c.other.clone(), c.kind.as_str()) else {
        return Err(FlipError::NotAField);
    };
    let mut failed: Option<st::ApplyError> = None;
    let done = store.write(|w| match st::set_field(w, c.table, &c.uuid, &field, &other) {
        Ok(done) => Ok(done),
        Err(e) => {
            failed = Some(e);
            Err(rusqlite::Error::InvalidQuery)
        }
    });
    if let Some(e) = failed {
        return Err(FlipError::Failed(e.to_string()));
    }
    if !done.map_err(fail)? {
        return Err(FlipError::Gone);
    }
    st::mark_flipped(store.conn(), id).map_err(fail)?;
    Ok(format!("conflict {id}: {field} is now {other}; shared at the next sync"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_records_path_names_it_and_nothing_else() {
        let u = Uuid::parse_str("0193b2c4-1111-7000-8000-0000000000ab").expect("uuid");
        let p = record_path(Table::Risk, &u);
        assert_eq!(p, "records/risk/ab/0193b2c4-1111-7000-8000-0000000000ab.age");
        assert_eq!(record_at(&p), Some((Table::Risk, u)));
        assert_eq!(record_at("records/setting/ab/0193b2c4-1111-7000-8000-0000000000ab.age"), None);
        assert_eq!(record_at("members/x.json"), None);
        assert_eq!(record_at("records/risk/ab/not-a-uuid.age"), None);
    }
}
