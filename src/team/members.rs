//! The team's roster: who the members are, who asks to join, and admitting or removing one.

use std::collections::BTreeMap;
use std::path::Path;

use super::keys::{self, Member};
use super::repo::{Edit, Repo};
use super::shared::{Me, listed, short, tree};
use super::sync::{Report, sync};
use super::{TeamError, clone_dir};
use crate::store::Store;

/// One member, or a laptop asking to join, as `assay team members` lists them.
#[derive(Debug, Clone, PartialEq)]
pub struct Admission {
    pub member: Member,
    pub admitted: bool,
    pub me: bool,
}

/// The team's members and the laptops asking to join, as the team repository lists them now (as this laptop last
/// saw it, when the repository is out of reach).
pub fn members(store: &Store, workspace: &Path) -> Result<Vec<Admission>, TeamError> {
    let me = Me::read(store)?;
    let repo = Repo::open(&clone_dir(workspace))?;
    // The team's tip when it can be reached (requests to join arrive there), else what this laptop last saw.
    let at = match repo.fetch() {
        Ok(Some(tip)) => Some(tip),
        _ => repo.remote_tip()?.or(repo.head()?),
    };
    let t = tree(&repo, at)?;
    let mut out: Vec<Admission> = listed(&repo, t, "members")?
        .into_iter()
        .map(|m| Admission { me: m.device == me.binding.device, member: m, admitted: true })
        .collect();
    out.extend(listed(&repo, t, "requests")?.into_iter().map(|m| Admission {
        me: m.device == me.binding.device,
        member: m,
        admitted: false,
    }));
    Ok(out)
}

/// `assay team members --admit DEVICE` (admit) or `--remove DEVICE` (not admit): changes the roster after a sync,
/// re-encrypts every record and evidence file to the members it now lists, and pushes. A removed member keeps what
/// they had already fetched; they can open nothing written after.
pub fn admit(store: &mut Store, workspace: &Path, device: &str, admit: bool) -> Result<Report, TeamError> {
    let mut report = sync(store, workspace)?;
    let me = Me::read(store)?;
    let repo = Repo::open(&clone_dir(workspace))?;
    let head = repo.head()?.ok_or_else(|| TeamError("nothing synced yet".into()))?;
    let head_tree = repo.tree_of(head)?;
    let dir = if admit { "requests" } else { "members" };
    let found: Vec<Member> =
        listed(&repo, Some(head_tree), dir)?.into_iter().filter(|m| m.device.starts_with(device)).collect();
    let who = match found.as_slice() {
        [m] => m.clone(),
        [] if admit => return Err(TeamError(format!("no laptop whose device starts with {device} asks to join"))),
        [] => return Err(TeamError(format!("no member's device starts with {device}"))),
        _ => return Err(TeamError(format!("several devices start with {device}: give more of it"))),
    };
    if !admit && who.device == me.binding.device {
        return Err(TeamError("a member cannot remove themselves; another member can".into()));
    }
    let mut roster = listed(&repo, Some(head_tree), "members")?;
    let mut edits: BTreeMap<String, Edit> = BTreeMap::new();
    if admit {
        edits.insert(format!("requests/{}.json", who.device), Edit::Remove);
        edits.insert(format!("members/{}.json", who.device), Edit::Put(who.to_json()));
        roster.push(who.clone());
    } else {
        edits.insert(format!("members/{}.json", who.device), Edit::Remove);
        roster.retain(|m| m.device != who.device);
    }
    let to = keys::recipients(&roster)?;
    let files = repo.files(head_tree)?;
    let mut sealed: Vec<(String, Vec<u8>)> = Vec::new();
    for (path, blob) in &files {
        if ["records/", "evidence/", "history/"].iter().any(|p| path.starts_with(p)) {
            sealed.push((path.clone(), repo.blob(*blob)?));
        }
    }
    // Opened and sealed again on every core.
    let again = keys::par_map("encrypting every file again", &sealed, |(path, data)| {
        let plain = keys::decrypt(&me.keys.age, data).map_err(|e| format!("{path}: {e}"))?;
        Ok((path.clone(), keys::encrypt(&to, &plain)?))
    })?;
    drop(sealed);
    edits.extend(again.into_iter().map(|(path, data)| (path, Edit::Put(data))));
    let verb = if admit { "admitted" } else { "removed" };
    let msg = format!("{} {verb} {} ({})", me.binding.member, who.name, short(&who.device));
    let c = me.commit(&repo, Some(head_tree), &edits, &[head], &msg)?;
    repo.set_head(c)?;
    let line = format!("{verb} {} ({}); {} files encrypted again", who.name, short(&who.device), files.len());
    report.lines.push(line);
    let after = sync(store, workspace)?;
    report.lines.extend(after.lines);
    Ok(report)
}
