//! Each laptop's history chain in the team repository: written at every sync, checked by `assay verify`.

use std::collections::BTreeMap;
use std::path::Path;

use git2::Oid;

use super::keys;
use super::repo::{Edit, Repo};
use super::shared::{Me, check_history, listed, short};
use super::{TeamError, clone_dir};
use crate::store::Store;
use crate::store::team as st;

/// This laptop's history chain since the part the team repository holds, as one file
/// `history/<device>/<first entry>.age`: where it starts (the id and hash of the entry before it; for the first
/// file, the history as it stood when the laptop joined) and the entries. Empty when there is nothing new.
pub(super) fn history_file(
    store: &Store,
    me: &Me,
    to: &[age::x25519::Recipient],
) -> Result<BTreeMap<String, Edit>, TeamError> {
    let after = me.binding.history_through;
    let entries = st::entries_since(store.conn(), after)?;
    let mut out = BTreeMap::new();
    // The laptop's first commit anchors its chain even when nothing was written since it joined.
    if entries.is_empty() && me.binding.synced_commit.is_some() {
        return Ok(out);
    }
    let prev = match st::entry_at(store.conn(), after)? {
        Some((_, hash)) => hash,
        None => crate::store::GENESIS_HASH.to_string(),
    };
    let part = HistoryPart { device: me.binding.device.clone(), after, prev, entries };
    let json = serde_json::to_vec(&part).map_err(|e| TeamError(e.to_string()))?;
    out.insert(format!("history/{}/{:012}.age", me.binding.device, after + 1), Edit::Put(keys::encrypt(to, &json)?));
    Ok(out)
}

/// One part of a laptop's history chain in the team repository.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryPart {
    device: String,
    /// The id of the entry before the first of this part, and its hash.
    after: i64,
    prev: String,
    entries: Vec<st::SharedEntry>,
}

/// One part of a laptop's chain, opened and read (`path` names it in what goes wrong).
fn read_part(repo: &Repo, me: &Me, blob: Oid, path: &str) -> Result<HistoryPart, TeamError> {
    let plain = keys::decrypt(&me.keys.age, &repo.blob(blob)?).map_err(|e| TeamError(format!("{path}: {e}")))?;
    serde_json::from_slice(&plain).map_err(|e| TeamError(format!("{path} is damaged: {e}")))
}

/// The head of a laptop's chain at entry `id` with `hash`, as `DEVICE@COUNT:HASH` names it.
fn device_head(device: &str, id: i64, hash: String) -> crate::store::history::Head {
    crate::store::history::Head { chain: short(device).to_string(), count: u64::try_from(id).unwrap_or(0), hash }
}

/// What `assay verify` found of the team repository: how many commits it checked, and the head of each laptop's
/// history chain as the repository holds it (`DEVICE@COUNT:HASH`, DEVICE the first 8 digits of its id), with the
/// member's name.
#[derive(Debug, Clone, PartialEq)]
pub struct TeamCheck {
    pub commits: usize,
    pub heads: Vec<(String, crate::store::history::Head)>,
    /// Every entry of every chain: (chain, id, hash), for heads kept earlier.
    pub entries: Vec<(String, i64, String)>,
}

impl TeamCheck {
    /// Whether a head kept earlier (`DEVICE@COUNT:HASH`) is still an entry of that laptop's chain, unchanged.
    pub fn holds(&self, head: &crate::store::history::Head) -> bool {
        self.entries.iter().any(|(chain, id, hash)| {
            chain.starts_with(&head.chain) && u64::try_from(*id).ok() == Some(head.count) && *hash == head.hash
        })
    }
}

/// The history chains of every laptop in `tree`: each part decrypted, each entry's hash recomputed, each entry
/// linked to the one before, parts following each other with no gap.
type Chains = (Vec<(String, crate::store::history::Head)>, Vec<(String, i64, String)>);

fn chains(repo: &Repo, me: &Me, tree: Oid) -> Result<Chains, TeamError> {
    let roster = listed(repo, Some(tree), "members")?;
    let mut out = Vec::new();
    let mut all = Vec::new();
    for m in &roster {
        let dir = format!("history/{}", m.device);
        let mut files = repo.list(tree, &dir)?;
        files.sort();
        let mut last: Option<(i64, String)> = None;
        for (name, blob) in files {
            let path = format!("{dir}/{name}");
            let part = read_part(repo, me, blob, &path)?;
            let broken =
                |why: &str| TeamError(format!("the history of {} ({}): {why} in {path}", m.name, short(&m.device)));
            if part.device != m.device {
                return Err(broken("a part that names another laptop"));
            }
            if let Some((id, hash)) = &last
                && (part.after != *id || part.prev != *hash)
            {
                return Err(broken("a gap or a change between two parts"));
            }
            let (mut id, mut hash) = (part.after, part.prev.clone());
            // Where the part starts is an entry of the chain too (for the first part, the laptop's history as it
            // stood when it joined).
            all.push((m.device.clone(), id, hash.clone()));
            for e in &part.entries {
                if e.id != id + 1 || e.prev != hash || !e.holds() {
                    return Err(broken(&format!("entry {} does not follow from the one before", e.id)));
                }
                (id, hash) = (e.id, e.hash.clone());
                all.push((m.device.clone(), e.id, e.hash.clone()));
            }
            last = Some((id, hash));
        }
        if let Some((id, hash)) = last {
            out.push((m.name.clone(), device_head(&m.device, id, hash)));
        }
    }
    Ok((out, all))
}

/// For `assay verify`: checks every commit of this laptop's clone of the team repository (when the workspace is
/// part of a team): each must be signed by a member as the roster before it lists them; then every laptop's
/// history chain the repository holds. None when the workspace is not part of a team.
pub fn check_team(store: &Store, workspace: &Path) -> Result<Option<TeamCheck>, TeamError> {
    let dir = clone_dir(workspace);
    if !dir.is_dir() || st::binding(store.conn())?.is_none() {
        return Ok(None);
    }
    let me = Me::read(store)?;
    let repo = Repo::open(&dir)?;
    let head = repo.head()?;
    let mut commits = 0;
    if let Some(h) = head {
        check_history(&repo, h, None)?;
        commits += repo.new_commits(h, None)?.len();
    }
    // What the last fetch brought and no sync merged (a refused commit stays there).
    let tip = repo.remote_tip()?;
    if let Some(t) = tip {
        check_history(&repo, t, head)?;
        commits += repo.new_commits(t, head)?.len();
    }
    let (heads, entries) = match head.or(tip) {
        Some(c) => chains(&repo, &me, repo.tree_of(c)?)?,
        None => (Vec::new(), Vec::new()),
    };
    Ok(Some(TeamCheck { commits, heads, entries }))
}

/// The head of each laptop's chain in the tree of commit `at` (the last entry of its newest part), recorded in the
/// workspace, by member name, for reports to name; nothing is read when the heads recorded already come from that
/// commit. The chains are read, not checked: `assay verify` checks them whole.
pub(super) fn record_heads(store: &Store, repo: &Repo, me: &Me, at: Oid) -> Result<(), TeamError> {
    use crate::store::team_status as ts;
    let commit = at.to_string();
    if ts::heads(store.conn())?.is_some_and(|h| h.commit == commit) {
        return Ok(());
    }
    let tree = repo.tree_of(at)?;
    let mut heads = Vec::new();
    for m in listed(repo, Some(tree), "members")? {
        let dir = format!("history/{}", m.device);
        let Some((name, blob)) = repo.list(tree, &dir)?.into_iter().max_by(|a, b| a.0.cmp(&b.0)) else {
            continue;
        };
        let part = read_part(repo, me, blob, &format!("{dir}/{name}"))?;
        let (id, hash) = part.entries.last().map_or((part.after, part.prev.clone()), |e| (e.id, e.hash.clone()));
        heads.push((m.name.clone(), device_head(&m.device, id, hash).to_string()));
    }
    heads.sort();
    ts::set_heads(store.conn(), &ts::TeamHeads { commit, at: store.now(), heads })?;
    Ok(())
}
