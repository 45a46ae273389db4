//! What the sync, the history chains and the roster share: the member's keys and names, the roster as a tree
//! lists it, and the check every fetched commit passes before anything of it is merged.

use std::collections::BTreeMap;

use git2::Oid;

use super::TeamError;
use super::keys::{self, Keys, Member};
use super::repo::{Change, Edit, Repo};
use crate::store::Store;
use crate::store::team::{self as st, Binding};

pub(super) fn email(device: &str) -> String {
    format!("{device}@assay.invalid")
}

pub(super) fn short(device: &str) -> &str {
    device.get(..8).unwrap_or(device)
}

/// The member's keys and names, from the binding.
pub(super) struct Me {
    pub(super) binding: Binding,
    pub(super) keys: Keys,
}

impl Me {
    pub(super) fn read(store: &Store) -> Result<Me, TeamError> {
        let binding = st::binding(store.conn())?.ok_or_else(|| {
            TeamError("this workspace is not part of a team: assay team init REMOTE, or assay team join REMOTE".into())
        })?;
        let keys = Keys::read(&binding.age_identity, &binding.ssh_key)?;
        Ok(Me { binding, keys })
    }

    pub(super) fn commit(
        &self,
        repo: &Repo,
        base: Option<Oid>,
        edits: &BTreeMap<String, Edit>,
        parents: &[Oid],
        message: &str,
    ) -> Result<Oid, TeamError> {
        let sign = |data: &[u8]| self.keys.sign(data);
        Ok(repo.commit(base, edits, parents, message, &self.binding.member, &email(&self.binding.device), &sign)?)
    }
}

/// The members a tree lists (`members/*.json`), or the pending requests (`requests/*.json`).
pub(super) fn listed(repo: &Repo, tree: Option<Oid>, dir: &str) -> Result<Vec<Member>, TeamError> {
    let Some(tree) = tree else { return Ok(Vec::new()) };
    let mut out = Vec::new();
    for (name, blob) in repo.list(tree, dir)? {
        let m = Member::parse(&repo.blob(blob)?).map_err(|e| TeamError(format!("{dir}/{name}: {e}")))?;
        out.push(m);
    }
    Ok(out)
}

pub(super) fn tree(repo: &Repo, commit: Option<Oid>) -> Result<Option<Oid>, TeamError> {
    commit.map(|c| repo.tree_of(c)).transpose().map_err(TeamError::from)
}

/// Refuses a history that holds a commit not signed by a member of the team as its parent commit lists them (or
/// as its own tree does, for the first commit). A laptop's request to join, which adds only its own request file,
/// may be signed by the key that file names.
pub(super) fn check_history(repo: &Repo, tip: Oid, known: Option<Oid>) -> Result<(), TeamError> {
    // The team's first commit, as this laptop knows it: no other commit may start a history of its own (its
    // roster would vouch for itself). It is looked for, through the whole history known, only when a new commit
    // has no parent, so that an ordinary sync does not walk every commit the team ever made.
    let mut genesis: Option<Option<Oid>> = None;
    for c in repo.new_commits(tip, known)? {
        let label = c.to_string()[..8].to_string();
        if let Some(k) = known
            && repo.parents(c)?.is_empty()
        {
            let first = match genesis {
                Some(g) => g,
                None => *genesis.insert(repo.new_commits(k, None)?.first().copied()),
            };
            if Some(c) != first {
                return Err(TeamError(format!(
                    "commit {label} of the team repository starts a history of its own, not the team's"
                )));
            }
        }
        let Some((armored, data)) = repo.signature_of(c)? else {
            return Err(TeamError(format!("commit {label} of the team repository is not signed")));
        };
        let fp = keys::check_signature(&data, &armored).ok_or_else(|| {
            TeamError(format!("commit {label} of the team repository has a signature that does not check"))
        })?;
        let parent = repo.parents(c)?.first().copied();
        let roster = listed(repo, tree(repo, Some(parent.unwrap_or(c)))?, "members")?;
        if roster.iter().any(|m| keys::fingerprint(&m.ssh).as_deref() == Some(fp.as_str())) {
            continue;
        }
        let changes = repo.diff(tree(repo, parent)?, Some(repo.tree_of(c)?))?;
        let own_request = match changes.as_slice() {
            [Change { path, old: None, new: Some(blob) }] if path.starts_with("requests/") => {
                Member::parse(&repo.blob(*blob)?)
                    .ok()
                    .is_some_and(|m| keys::fingerprint(&m.ssh).as_deref() == Some(fp.as_str()))
            }
            _ => false,
        };
        if !own_request {
            return Err(TeamError(format!(
                "commit {label} of the team repository is signed by a key that is not a member's ({fp})"
            )));
        }
    }
    Ok(())
}
