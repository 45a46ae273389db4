//! Binding a workspace to a team repository, and the sync: commit what changed here, fetch, merge, push.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use git2::Oid;
use uuid::Uuid;

use super::history::{history_file, record_heads};
use super::keys::{self, Keys, Member};
use super::repo::{Change, Edit, Pushed, Repo};
use super::shared::{Me, check_history, listed, short, tree};
use super::{FORMAT_FILE, FORMAT_VERSION, TeamError, clone_dir, content_path, merge, record_at, record_path};
use crate::store::team::{self as st, Binding, Conflict, Record};
use crate::store::{Store, Table};

/// What a sync (or `team init`, `team join`) did, line by line, for the assessor.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub lines: Vec<String>,
    /// Records of this laptop committed to the team repository.
    pub sent: usize,
    /// Records written here from the other members' work.
    pub received: usize,
    /// Conflicts the merge resolved (listed by `assay team conflicts`).
    pub conflicts: usize,
    /// Whether the team repository has everything this laptop committed.
    pub shared: bool,
}

/// A refused history, as the sync reports it.
fn unmerged(e: TeamError) -> TeamError {
    TeamError(format!("{e}: nothing was merged"))
}

/// The files that carry `records` as the workspace holds them now: each encrypted to `to`, or removed when the
/// workspace no longer has it; an evidence file's content beside its record.
fn edits_for(
    conn: &rusqlite::Connection,
    records: &[(Table, Uuid)],
    to: &[age::x25519::Recipient],
) -> Result<BTreeMap<String, Edit>, TeamError> {
    let mut edits = BTreeMap::new();
    // Read first (one connection), then encrypted on every core.
    let mut plain: Vec<(String, Vec<u8>)> = Vec::new();
    for (i, (table, uuid)) in records.iter().enumerate() {
        super::progress_at("reading records", i, records.len());
        match st::export(conn, *table, uuid)? {
            Some(rec) => {
                let json = serde_json::to_vec(&rec).map_err(|e| TeamError(e.to_string()))?;
                plain.push((record_path(*table, uuid), json));
                if *table == Table::Evidence
                    && let Some(sha) = rec.get("sha256").and_then(|v| v.as_str())
                    && let Some(data) = st::evidence_content(conn, sha)?
                {
                    plain.push((content_path(uuid), data));
                }
            }
            None => {
                edits.insert(record_path(*table, uuid), Edit::Remove);
                if *table == Table::Evidence {
                    edits.insert(content_path(uuid), Edit::Remove);
                }
            }
        }
    }
    let sealed =
        keys::par_map("encrypting records", &plain, |(path, data)| Ok((path.clone(), keys::encrypt(to, data)?)))?;
    edits.extend(sealed.into_iter().map(|(path, data)| (path, Edit::Put(data))));
    Ok(edits)
}

fn refuse_plain(store: &Store) -> Result<(), TeamError> {
    if store.key().is_none() {
        return Err(TeamError(
            "team work needs an encrypted workspace (it keeps the keys that open the team's records): run assay \
             encrypt first"
                .into(),
        ));
    }
    if st::binding(store.conn())?.is_some() {
        return Err(TeamError("this workspace is already part of a team (assay team members shows it)".into()));
    }
    Ok(())
}

/// Refuses, before anything is made, a team repository this build cannot reach (see [`Repo::reachable`]).
fn refuse_transport(remote: &str) -> Result<(), TeamError> {
    if Repo::reachable(remote) {
        return Ok(());
    }
    Err(TeamError(format!(
        "{remote}: this build reaches a team repository as a folder (a mounted share, or file://) or over git://; \
         HTTPS and SSH are not built in: mount the share, or serve the repository with git daemon"
    )))
}

/// Starts a fresh clone beside the workspace; one left by an init or join that did not finish is ours to remove.
fn fresh_clone(workspace: &Path, remote: &str) -> Result<Repo, TeamError> {
    refuse_transport(remote)?;
    let dir = clone_dir(workspace);
    if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.is_dir()) {
        std::fs::remove_dir_all(&dir).map_err(|e| TeamError(format!("{}: {e}", dir.display())))?;
    }
    // Readable by this account alone, as the workspace's other folders are.
    crate::private_fs::folder(&dir).map_err(TeamError)?;
    Ok(Repo::init(&dir, remote)?)
}

fn new_binding(
    remote: &str,
    member: &str,
    keys: &Keys,
    synced_through: i64,
    history_through: i64,
) -> Result<Binding, TeamError> {
    Ok(Binding {
        remote: remote.to_string(),
        device: Uuid::new_v4().hyphenated().to_string(),
        member: member.to_string(),
        age_identity: keys.age_secret(),
        ssh_key: keys.ssh_secret()?,
        synced_through,
        history_through,
        synced_commit: None,
        last_sync: None,
        last_outcome: None,
    })
}

/// `assay team init REMOTE`: makes the team repository at REMOTE (a folder that is empty or does not exist yet,
/// or an empty repository on a server) with this workspace's records and this member, and binds the workspace.
pub fn init(store: &mut Store, workspace: &Path, remote: &str, member: &str) -> Result<Report, TeamError> {
    refuse_plain(store)?;
    refuse_transport(remote)?;
    if !remote.contains("://") {
        Repo::create_shared(Path::new(remote))?;
    }
    let repo = fresh_clone(workspace, remote)?;
    if repo.fetch()?.is_some() {
        return Err(TeamError(format!("{remote} already holds a team: assay team join {remote}")));
    }
    let keys = Keys::generate(member)?;
    let (all, through) = (st::all_records(store.conn())?, st::history_tip(store.conn())?);
    let mut binding = new_binding(remote, member, &keys, through, through)?;
    let me_member = Member::of(&binding.device, member, &keys)?;
    let mut edits = edits_for(store.conn(), &all, &[keys.age.to_public()])?;
    let format = serde_json::json!({ "format": "assay-team", "version": FORMAT_VERSION });
    edits.insert(FORMAT_FILE.into(), Edit::Put(format!("{format:#}\n").into_bytes()));
    edits.insert(format!("members/{}.json", binding.device), Edit::Put(me_member.to_json()));
    let me = Me { binding: binding.clone(), keys };
    edits.extend(history_file(store, &me, &[me.keys.age.to_public()])?);
    let c = me.commit(&repo, None, &edits, &[], &format!("team started by {member}: {} records", all.len()))?;
    repo.set_head(c)?;
    if repo.push()? != Pushed::Done {
        return Err(TeamError(format!(
            "{remote}: somebody else started a team there meanwhile: assay team join {remote}"
        )));
    }
    repo.pack_if_due()?;
    binding.synced_commit = Some(c.to_string());
    binding.last_sync = Some(store.now());
    binding.last_outcome = Some(format!("started the team with {} records", all.len()));
    st::bind(store.conn(), &binding, &store.now())?;
    let mut report = Report {
        lines: vec![
            format!("started the team repository at {remote} with {} records", all.len()),
            format!("this laptop is device {} ({member})", short(&binding.device)),
        ],
        sent: all.len(),
        shared: true,
        ..Report::default()
    };
    heads_after_sync(store, &repo, &me, c, &mut report)?;
    Ok(report)
}

/// `assay team join REMOTE`: binds the workspace to an existing team and asks to be admitted (a file
/// `requests/<device>.json` with this member's public keys, pushed). The records come at the first sync after a
/// member has admitted this laptop; this workspace's own records go to the team then too.
pub fn join(store: &mut Store, workspace: &Path, remote: &str, member: &str) -> Result<Report, TeamError> {
    refuse_plain(store)?;
    let repo = fresh_clone(workspace, remote)?;
    let keys = Keys::generate(member)?;
    let binding = new_binding(remote, member, &keys, 0, st::history_tip(store.conn())?)?;
    let request = Member::of(&binding.device, member, &keys)?;
    let me = Me { binding: binding.clone(), keys };
    for _ in 0..5 {
        let Some(tip) = repo.fetch()? else {
            return Err(TeamError(format!("{remote} holds no team yet: assay team init {remote} starts one")));
        };
        check_format(&repo, tip)?;
        let mut edits = BTreeMap::new();
        edits.insert(format!("requests/{}.json", binding.device), Edit::Put(request.to_json()));
        let c = me.commit(&repo, Some(repo.tree_of(tip)?), &edits, &[tip], &format!("{member} asks to join"))?;
        repo.set_head(c)?;
        let pushed = repo.push()?;
        // The local branch holds what the workspace holds: nothing of the team's yet.
        repo.clear_head()?;
        if pushed == Pushed::Done {
            st::bind(store.conn(), &binding, &store.now())?;
            return Ok(Report {
                lines: vec![
                    format!("asked to join the team at {remote} as device {} ({member})", short(&binding.device)),
                    format!(
                        "a member admits this laptop with: assay team members --admit {}; then assay sync here",
                        short(&binding.device)
                    ),
                ],
                shared: true,
                ..Report::default()
            });
        }
    }
    Err(TeamError(format!("{remote}: the team kept moving while the request was sent; try again")))
}

fn check_format(repo: &Repo, tip: Oid) -> Result<(), TeamError> {
    let text = repo.read(repo.tree_of(tip)?, FORMAT_FILE)?.ok_or_else(|| TeamError("not a team repository".into()))?;
    let v: serde_json::Value =
        serde_json::from_slice(&text).map_err(|_| TeamError("the team repository's format file is damaged".into()))?;
    match v.get("version").and_then(serde_json::Value::as_u64) {
        Some(n) if n <= u64::from(FORMAT_VERSION) => Ok(()),
        Some(n) => {
            Err(TeamError(format!("the team repository is of format {n}, newer than this assay reads: upgrade")))
        }
        None => Err(TeamError("the team repository's format file is damaged".into())),
    }
}

/// `assay sync`: commits the records changed here since the last sync, fetches the team's, merges, writes the
/// merged records here and pushes; again when somebody pushed meanwhile. With the team repository out of reach, the
/// commit is kept here and the report says so.
pub fn sync(store: &mut Store, workspace: &Path) -> Result<Report, TeamError> {
    let mut me = Me::read(store)?;
    let repo = Repo::open(&clone_dir(workspace))?;
    // A sync killed after the workspace took a merge in and before the branch moved to it: the branch moves now
    // (forward only), so that the merge is not made a second time.
    if let Some(done) = me.binding.synced_commit.as_deref().and_then(|c| Oid::from_str(c).ok()) {
        let head = repo.head()?;
        if head != Some(done) && repo.tree_of(done).is_ok() && head.map_or(Ok(true), |h| repo.is_ancestor(h, done))? {
            repo.set_head(done)?;
        }
    }
    let mut report = Report::default();
    let mut remote = match repo.fetch() {
        Ok(tip) => Ok(tip),
        Err(e) => Err(e.to_string()),
    };
    if let Ok(Some(tip)) = remote {
        check_format(&repo, tip)?;
        check_history(&repo, tip, repo.head()?).map_err(unmerged)?;
    }
    let roster_at = match &remote {
        Ok(Some(tip)) => Some(*tip),
        _ => repo.head()?,
    };
    let roster = listed(&repo, tree(&repo, roster_at)?, "members")?;
    if !roster.iter().any(|m| m.device == me.binding.device) {
        let text = format!(
            "not admitted yet: a member runs assay team members --admit {}, then sync again",
            short(&me.binding.device)
        );
        st::note_outcome(store.conn(), &store.now(), &text)?;
        return Err(TeamError(text));
    }
    let to = keys::recipients(&roster)?;
    let (changed, mut through) = st::changed_since(store.conn(), me.binding.synced_through)?;
    // A laptop that joined brings the team's register in first, and lays its own work over it: its first commit
    // follows the team's history instead of starting one of its own.
    if repo.head()?.is_none()
        && let Ok(Some(tip)) = remote
    {
        let (new_head, got) = bring_in(store, &repo, &me, None, tip, &to, true)?;
        repo.set_head(new_head)?;
        report.received += got.received;
        report.conflicts += got.conflicts;
        report.lines.extend(got.lines);
        through = st::history_tip(store.conn())?;
        // The laptop's chain, as the team holds it, starts once it has the team's register: the entries of taking
        // it in are copies of what the team has already (the whole register of a large team, at a few hundred
        // bytes each), not work of its own.
        st::mark_history(store.conn(), through)?;
        me.binding.history_through = through;
    }
    // 1. What changed here, committed.
    let history = history_file(store, &me, &to)?;
    if !changed.is_empty() || !history.is_empty() {
        let head = repo.head()?;
        let mut edits = edits_for(store.conn(), &changed, &to)?;
        edits.extend(history);
        let msg = format!("{} records from {}", changed.len(), me.binding.member);
        let c = me.commit(&repo, tree(&repo, head)?, &edits, head.as_slice(), &msg)?;
        repo.set_head(c)?;
        st::mark_synced(store.conn(), through, None, &store.now(), &format!("committed {} records", changed.len()))?;
        st::mark_history(store.conn(), through)?;
        report.sent = changed.len();
        if !changed.is_empty() {
            report.lines.push(format!("committed {} changed records", changed.len()));
        }
    }
    // 2. The team's work, merged, and ours pushed.
    let mut pushed = false;
    for _ in 0..8 {
        let head = repo.head()?;
        let tip = match &remote {
            Err(why) => {
                let text =
                    format!("not shared: the team repository is out of reach ({why}); kept here for the next sync");
                report.lines.push(text.clone());
                st::note_outcome(store.conn(), &store.now(), &text)?;
                repo.pack_if_due()?;
                return Ok(report);
            }
            Ok(tip) => *tip,
        };
        let needs_push = match (head, tip) {
            (None, None) => false,
            (Some(_), None) => true,
            (Some(h), Some(t)) if h == t => false,
            (Some(h), Some(t)) if repo.is_ancestor(t, h)? => true,
            (h, Some(t)) => {
                let ff = match h {
                    None => true,
                    Some(h) => repo.is_ancestor(h, t)?,
                };
                let (new_head, got) = bring_in(store, &repo, &me, h, t, &to, ff)?;
                report.received += got.received;
                report.conflicts += got.conflicts;
                report.lines.extend(got.lines);
                repo.set_head(new_head)?;
                new_head != t
            }
        };
        if !needs_push {
            pushed = true;
            break;
        }
        match repo.push()? {
            Pushed::Done => {
                pushed = true;
                break;
            }
            Pushed::Rejected => {
                remote = Ok(repo.fetch()?);
                if let Ok(Some(t)) = remote {
                    check_history(&repo, t, repo.head()?).map_err(unmerged)?;
                }
            }
        }
    }
    repo.pack_if_due()?;
    if !pushed {
        let text = "not shared: the team repository kept moving while this sync merged; run assay sync again";
        st::note_outcome(store.conn(), &store.now(), text)?;
        report.lines.push(text.to_string());
        return Ok(report);
    }
    report.shared = true;
    if let Some(h) = repo.head()? {
        heads_after_sync(store, &repo, &me, h, &mut report)?;
    }
    let summary =
        format!("synced: {} sent, {} received, {} conflicts resolved", report.sent, report.received, report.conflicts);
    report.lines.push(summary.clone());
    let at = store.now();
    st::note_outcome(store.conn(), &at, &summary)?;
    Ok(report)
}

/// Records the heads of the team's chains in commit `at` for reports. A part that does not read leaves no heads
/// recorded (a report then names none rather than old ones), and the sync says so; `assay verify` names the fault.
fn heads_after_sync(store: &Store, repo: &Repo, me: &Me, at: Oid, report: &mut Report) -> Result<(), TeamError> {
    if let Err(e) = record_heads(store, repo, me, at) {
        crate::store::team_status::clear_heads(store.conn())?;
        report.lines.push(format!("the team's history heads could not be read ({e}): assay verify checks them"));
    }
    Ok(())
}

/// What bringing the team's work in did.
#[derive(Default)]
struct Got {
    received: usize,
    conflicts: usize,
    lines: Vec<String>,
}

fn decode(repo: &Repo, me: &Me, blob: Oid, path: &str) -> Result<Record, TeamError> {
    let plain = keys::decrypt(&me.keys.age, &repo.blob(blob)?).map_err(|e| {
        TeamError(format!("{path} of the team repository cannot be opened with this laptop's key: {e}"))
    })?;
    serde_json::from_slice(&plain).map_err(|e| TeamError(format!("{path} of the team repository is damaged: {e}")))
}

fn order(table: Table) -> usize {
    crate::store::schema::SPECS.iter().position(|s| s.table == table).unwrap_or(usize::MAX)
}

fn to_sql(e: TeamError) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(Box::new(e))
}

fn from_sql(e: rusqlite::Error) -> TeamError {
    match e {
        rusqlite::Error::ToSqlConversionFailure(b) => match b.downcast::<TeamError>() {
            Ok(t) => *t,
            Err(b) => TeamError(b.to_string()),
        },
        e => TeamError::from(e),
    }
}

/// Brings the team's tip `theirs` into the workspace, whose records are those of `head`: a fast-forward when
/// `ff` (nothing here the team lacks), else a merge from the commit both share. Returns the commit the local
/// branch moves to (`theirs`, or a signed merge commit) once the workspace holds its records.
#[allow(clippy::too_many_arguments)]
fn bring_in(
    store: &mut Store,
    repo: &Repo,
    me: &Me,
    head: Option<Oid>,
    theirs: Oid,
    to: &[age::x25519::Recipient],
    ff: bool,
) -> Result<(Oid, Got), TeamError> {
    let base = if ff { head } else { head.map(|h| repo.merge_base(h, theirs)).transpose()?.flatten() };
    let (base_tree, head_tree, their_tree) = (tree(repo, base)?, tree(repo, head)?, repo.tree_of(theirs)?);
    let ours: HashMap<String, Change> = if ff {
        HashMap::new()
    } else {
        repo.diff(base_tree, head_tree)?.into_iter().map(|c| (c.path.clone(), c)).collect()
    };
    let their_changes = repo.diff(base_tree, Some(their_tree))?;
    let other = repo.author(theirs)?;
    let at = store.now();
    let result = store.write_not_undoable(|w| {
        w.defer_foreign_keys()?;
        let mut got = Got::default();
        let mut touched: HashSet<(Table, Uuid)> = HashSet::new();
        let mut both: BTreeSet<String> = BTreeSet::new();
        let mut upserts: Vec<(Table, Record, &'static str)> = Vec::new();
        let mut deletes: Vec<(Table, Uuid)> = Vec::new();
        let mut conflicts: Vec<Conflict> = Vec::new();
        let conflict = |kind: &str,
                        table: Table,
                        uuid: Uuid,
                        field: Option<String>,
                        kept: Option<String>,
                        other_value: Option<String>,
                        kept_here: bool| Conflict {
            id: 0,
            at: at.clone(),
            kind: kind.to_string(),
            table,
            uuid,
            field,
            kept,
            other: other_value,
            kept_from: if kept_here { me.binding.member.clone() } else { other.clone() },
            other_from: if kept_here { other.clone() } else { me.binding.member.clone() },
            reviewed: false,
        };
        for (i, c) in their_changes.iter().enumerate() {
            super::progress_at("reading the team's records", i, their_changes.len());
            let Some((table, uuid)) = record_at(&c.path) else { continue };
            match (ours.get(&c.path), c.new) {
                (None, Some(blob)) => upserts.push((table, decode(repo, me, blob, &c.path).map_err(to_sql)?, "theirs")),
                (None, None) => deletes.push((table, uuid)),
                (Some(o), theirs_new) => {
                    both.insert(c.path.clone());
                    touched.insert((table, uuid));
                    match (o.new, theirs_new) {
                        (Some(ob), Some(tb)) => {
                            let base_rec = c.old.map(|b| decode(repo, me, b, &c.path)).transpose().map_err(to_sql)?;
                            let our_rec = decode(repo, me, ob, &c.path).map_err(to_sql)?;
                            let their_rec = decode(repo, me, tb, &c.path).map_err(to_sql)?;
                            let (merged, fields) = merge::merge(base_rec.as_ref(), &our_rec, &their_rec);
                            for f in fields {
                                conflicts.push(conflict(
                                    "field",
                                    table,
                                    uuid,
                                    Some(f.field),
                                    Some(f.kept.to_string()),
                                    Some(f.other.to_string()),
                                    !f.kept_theirs,
                                ));
                            }
                            if merged != our_rec {
                                upserts.push((table, merged, "merged"));
                            }
                        }
                        (Some(_), None) => {
                            conflicts.push(conflict("kept_deleted", table, uuid, None, None, None, true))
                        }
                        (None, Some(tb)) => {
                            upserts.push((table, decode(repo, me, tb, &c.path).map_err(to_sql)?, "theirs"));
                            conflicts.push(conflict("kept_deleted", table, uuid, None, None, None, false));
                        }
                        (None, None) => {}
                    }
                }
            }
        }
        // Deletions from the other side, unless something changed here lives under the record.
        for (table, uuid) in deletes {
            let under = st::descendants(w.tx(), table, &uuid)?;
            let changed_under = under.iter().any(|(t, u)| ours.contains_key(&record_path(*t, u)));
            if changed_under {
                conflicts.push(conflict("orphan", table, uuid, None, None, None, true));
                touched.insert((table, uuid));
            } else if st::remove(w, table, &uuid)? {
                got.received += 1;
            }
        }
        // New and changed records, parents first; a record whose parent was deleted here brings it back.
        let mut written: Vec<(Table, Uuid)> = Vec::new();
        upserts.sort_by_key(|(t, ..)| order(*t));
        for (i, (table, rec, _)) in upserts.iter().enumerate() {
            super::progress_at("writing records", i, upserts.len());
            let mut pending = vec![(*table, rec.clone())];
            let mut guard = 0;
            while let Some((t, r)) = pending.pop() {
                guard += 1;
                if guard > 64 {
                    return Err(to_sql(TeamError("a record's parents run in a circle".into())));
                }
                if t == Table::Evidence
                    && let Some(uuid) = st::uuid_of(&r)
                    && let Some(sha) = r.get("sha256").and_then(|v| v.as_str())
                    && st::evidence_content(w.tx(), sha)?.is_none()
                {
                    let path = content_path(&uuid);
                    if let Some(sealed) = repo.read(their_tree, &path).map_err(|e| to_sql(e.into()))? {
                        let data = keys::decrypt(&me.keys.age, &sealed).map_err(|e| to_sql(TeamError(e)))?;
                        let actual: String = {
                            use sha2::Digest;
                            sha2::Sha256::digest(&data).iter().map(|b| format!("{b:02x}")).collect()
                        };
                        if actual != sha {
                            return Err(to_sql(TeamError(format!("{path}: the content does not match its record"))));
                        }
                        st::keep_evidence_content(w, sha, &data)?;
                    }
                }
                match st::apply(w, t, &r) {
                    Ok(_) => {
                        got.received += 1;
                        if let Some(u) = st::uuid_of(&r) {
                            written.push((t, u));
                        }
                    }
                    Err(st::ApplyError::MissingParent(pt, pu)) => {
                        let path = record_path(pt, &pu);
                        let found = [Some(their_tree), head_tree, base_tree]
                            .into_iter()
                            .flatten()
                            .find_map(|tr| repo.read(tr, &path).ok().flatten());
                        let Some(sealed) = found else {
                            return Err(to_sql(TeamError(format!(
                                "{path}: a record names a {} no laptop has",
                                pt.name()
                            ))));
                        };
                        let plain = keys::decrypt(&me.keys.age, &sealed).map_err(|e| to_sql(TeamError(e)))?;
                        let parent: Record =
                            serde_json::from_slice(&plain).map_err(|e| to_sql(TeamError(e.to_string())))?;
                        conflicts.push(conflict("orphan", pt, pu, None, None, None, false));
                        touched.insert((pt, pu));
                        pending.push((t, r));
                        pending.push((pt, parent));
                    }
                    Err(e) => return Err(to_sql(e.into())),
                }
            }
        }
        // Two laptops' new records with one short number: the later one takes the next number.
        for (table, uuid, n) in st::duplicate_numbers(w.tx(), &written)? {
            if let Some(new) = st::renumber(w, table, &uuid)? {
                let refs = |n: i64| crate::store::ids::short_ref(table, n);
                conflicts.push(conflict(
                    "renumbered",
                    table,
                    uuid,
                    Some("number".into()),
                    Some(format!("\"{}\"", refs(new))),
                    Some(format!("\"{}\"", refs(n))),
                    true,
                ));
                touched.insert((table, uuid));
            }
        }
        for c in &conflicts {
            st::add_conflict(w.tx(), c)?;
        }
        got.conflicts = conflicts.len();
        // The merged tree: theirs, with what changed here only, and what the merge wrote, laid over it.
        let new_head = if ff && touched.is_empty() {
            theirs
        } else {
            let mut edits: BTreeMap<String, Edit> = BTreeMap::new();
            for (path, c) in &ours {
                if both.contains(path) {
                    continue;
                }
                edits.insert(
                    path.clone(),
                    match c.new {
                        Some(b) => Edit::Put(repo.blob(b).map_err(|e| to_sql(e.into()))?),
                        None => Edit::Remove,
                    },
                );
            }
            let mut touched: Vec<(Table, Uuid)> = touched.into_iter().collect();
            touched.sort_by_key(|(t, u)| record_path(*t, u));
            edits.extend(edits_for(w.tx(), &touched, to).map_err(to_sql)?);
            let parents: Vec<Oid> = if ff { vec![theirs] } else { head.into_iter().chain([theirs]).collect() };
            let msg = format!("merged {} records from {} ({} conflicts)", got.received, other, got.conflicts);
            me.commit(repo, Some(their_tree), &edits, &parents, &msg).map_err(to_sql)?
        };
        let tip = st::history_tip(w.tx())?;
        st::mark_synced(w.tx(), tip, Some(&new_head.to_string()), &at, "merged")?;
        if got.received > 0 || got.conflicts > 0 {
            got.lines.push(format!("received {} records from {other}", got.received));
        }
        if got.conflicts > 0 {
            got.lines.push(format!("{} conflicts resolved: assay team conflicts lists them", got.conflicts));
        }
        Ok((new_head, got))
    });
    result.map_err(from_sql)
}
