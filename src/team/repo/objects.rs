//! The repository's files and objects below the API: making repositories, naming remotes, building trees,
//! and packing (see the module documentation of `repo`).

use super::*;

/// Creates (or reopens) a bare repository whose HEAD names main.
pub(super) fn init_bare(path: &Path) -> Result<Repository, RepoError> {
    let mut options = RepositoryInitOptions::new();
    options.bare(true).mkpath(true).initial_head("main");
    let repo = Repository::init_opts(path, &options).map_err(|source| RepoError::Open { path: path.into(), source })?;
    no_deltas(&repo)?;
    Ok(repo)
}

/// Tells the pack writer not to look for deltas. Every record is ciphertext, which has none to find, and the search
/// took four fifths of the time of the first push of a large register (libgit2 tries each object against the ten
/// before it). libgit2 1.9 reads the size above which it does not try from `pack.deltaCacheSize` (where git reads
/// `pack.bigFileThreshold`), so both are set: 1 byte, nothing is tried.
pub(super) fn no_deltas(repo: &Repository) -> Result<(), RepoError> {
    let what = || format!("cannot configure {}", repo.path().display());
    let mut config = repo.config().ctx(what)?;
    for key in ["pack.deltaCacheSize", "pack.bigFileThreshold"] {
        if config.get_i64(key).ok() != Some(1) {
            config.set_i64(key, 1).ctx(what)?;
        }
    }
    Ok(())
}

/// The id a ref points to, `None` when the ref does not exist.
pub(super) fn ref_id(repo: &Repository, name: &str) -> Result<Option<Oid>, RepoError> {
    match repo.refname_to_id(name) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(source) => Err(RepoError::Git { what: format!("cannot read {name}"), source }),
    }
}

/// How long a ref's lock file must stay in place, unchanged, before it counts as left by a process that died.
/// libgit2 (and git) hold a ref lock for the instant it takes to write 41 bytes and rename them over the ref.
pub(super) const STALE_LOCK: Duration = Duration::from_secs(3);
/// How often a lock in the way is looked at again.
const LOCK_POLL: Duration = Duration::from_millis(50);

/// Points ref `name` of `repo` at `id` (forced), getting past a lock a killed process left (see [`past_stale_lock`]).
pub(super) fn set_ref(repo: &Repository, name: &str, id: Oid, log: &str) -> Result<(), git2::Error> {
    past_stale_lock(repo, name, || repo.reference(name, id, true, log).map(drop))
}

/// Deletes ref `name` of `repo` when it exists, getting past a lock a killed process left.
pub(super) fn delete_ref(repo: &Repository, name: &str) -> Result<(), git2::Error> {
    past_stale_lock(repo, name, || match repo.find_reference(name) {
        Ok(mut r) => r.delete(),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(()),
        Err(e) => Err(e),
    })
}

/// Runs `op`, which updates or deletes ref `name` of `repo`. libgit2 takes `<ref>.lock` (and `packed-refs.lock` to
/// delete) with O_EXCL and never removes a lock it did not make, so a process killed while holding one would stop
/// every later update of the ref for good. When `op` fails on a lock, the locks are watched: one that goes away was
/// a live writer's; one that stays, unchanged, for [`STALE_LOCK`] was left by a process that died, and is removed.
/// Then `op` runs once more (a compare-and-swap then sees whatever the live writer did).
///
/// Age is judged by watching, not by the lock's modification time: on a share that time comes from another
/// machine's clock (or the file server's), and a lock holds no process id (a process on another laptop could not be
/// checked anyway).
pub(super) fn past_stale_lock<T>(
    repo: &Repository,
    name: &str,
    op: impl FnMut() -> Result<T, git2::Error>,
) -> Result<T, git2::Error> {
    past_stale_locks(&[repo.path().join(format!("{name}.lock")), repo.path().join("packed-refs.lock")], op)
}

/// Runs `op`, which may take any of `locks`; when it fails on a lock, runs it once more once the locks are out of
/// the way (see [`past_stale_lock`]).
pub(super) fn past_stale_locks<T>(
    locks: &[PathBuf],
    mut op: impl FnMut() -> Result<T, git2::Error>,
) -> Result<T, git2::Error> {
    match op() {
        Err(e) if e.code() == ErrorCode::Locked && clear_stale_locks(locks) => op(),
        other => other,
    }
}

/// Waits until none of `locks` is in the way: each one either goes away, or stays unchanged (same size and
/// modification time) for [`STALE_LOCK`] and is removed. False when a lock kept changing for three times that long
/// (a live writer that holds on), or could not be removed.
fn clear_stale_locks(locks: &[PathBuf]) -> bool {
    let start = Instant::now();
    let stamp = |p: &Path| fs::symlink_metadata(p).ok().map(|m| (m.len(), m.modified().ok()));
    let mut watched: Vec<_> = locks.iter().map(|p| (p, stamp(p), start)).collect();
    loop {
        let now = Instant::now();
        let mut waiting = false;
        for (path, seen, since) in &mut watched {
            let current = stamp(path);
            if current.is_none() {
                *seen = None;
            } else if current != *seen {
                (*seen, *since) = (current, now);
                waiting = true;
            } else if now.duration_since(*since) >= STALE_LOCK {
                match fs::remove_file(path) {
                    Ok(()) => *seen = None,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => *seen = None,
                    Err(_) => return false,
                }
            } else {
                waiting = true;
            }
        }
        if !waiting {
            return true;
        }
        if now.duration_since(start) >= 3 * STALE_LOCK {
            return false;
        }
        std::thread::sleep(LOCK_POLL);
    }
}

/// The URL to store for `remote`: URLs unchanged, folder paths made absolute.
pub(super) fn remote_url(remote: &str) -> Result<String, RepoError> {
    if local_path(remote).is_none() || remote.starts_with("file://") {
        return Ok(remote.to_string());
    }
    let absolute = std::path::absolute(remote).ctx(|| format!("cannot resolve the folder {remote}"))?;
    absolute.to_str().map(str::to_string).ok_or_else(|| RepoError::Unreachable {
        remote: remote.into(),
        reason: "the folder path is not valid UTF-8".into(),
    })
}

/// The folder a remote URL designates, when it is a plain path or a file:// URL; `None` for
/// network URLs (`scheme://...`) and scp-like `host:path` forms.
pub(super) fn local_path(url: &str) -> Option<PathBuf> {
    if let Some(rest) = url.strip_prefix("file://") {
        return Some(PathBuf::from(rest));
    }
    if url.contains("://") {
        return None;
    }
    if let Some(colon) = url.find(':') {
        let before = &url[..colon];
        let is_drive = before.len() == 1 && before.chars().all(|c| c.is_ascii_alphabetic());
        if !is_drive && !before.contains('/') && !before.contains('\\') {
            return None;
        }
    }
    Some(PathBuf::from(url))
}

/// Whether a per-ref push refusal means "somebody else pushed first", which fetch-merge-push fixes.
pub(super) fn is_race(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    ["non-fast-forward", "fetch first", "stale info", "failed to lock", "cannot lock"]
        .iter()
        .any(|m| message.contains(m))
}

/// Refuses paths that cannot be stored as nested tree entries.
pub(super) fn check_path(path: &str) -> Result<(), RepoError> {
    let invalid = |reason| Err(RepoError::InvalidPath { path: path.into(), reason });
    if path.is_empty() {
        return invalid("it is empty");
    }
    if path.contains('\0') || path.contains('\\') {
        return invalid("it contains a NUL or backslash character");
    }
    for part in path.split('/') {
        match part {
            "" => return invalid("it has an empty component (leading, trailing or double slash)"),
            "." | ".." => return invalid("it has a \".\" or \"..\" component"),
            _ if part.eq_ignore_ascii_case(".git") => return invalid("it has a \".git\" component"),
            _ => {}
        }
    }
    Ok(())
}

/// One edit during tree building: the path left to walk, the full path (for messages), the edit.
type PendingEdit<'a> = (&'a str, &'a str, &'a Edit);

/// Applies `edits` (paths relative to this directory) to `base` and writes the result; `None` when
/// the directory ends up empty. Ids of everything written are appended to `written`.
pub(super) fn build_tree(
    repo: &Repository,
    base: Option<&Tree<'_>>,
    edits: &[PendingEdit<'_>],
    written: &mut Vec<Oid>,
) -> Result<Option<Oid>, RepoError> {
    let mut builder: TreeBuilder<'_> = repo.treebuilder(base).ctx(|| "cannot start a tree".into())?;
    let mut subdirs: BTreeMap<&str, Vec<PendingEdit<'_>>> = BTreeMap::new();
    let mut put_files = HashSet::new();
    for &(rest, full, edit) in edits {
        match rest.split_once('/') {
            Some((dir, below)) => subdirs.entry(dir).or_default().push((below, full, edit)),
            None => match edit {
                Edit::Put(data) => {
                    let id = repo.blob(data).ctx(|| format!("cannot store the record {full}"))?;
                    written.push(id);
                    builder.insert(rest, id, MODE_BLOB).ctx(|| format!("cannot place the record {full}"))?;
                    put_files.insert(rest);
                }
                Edit::Remove => {
                    if builder.get(rest).ctx(|| format!("cannot look up {full}"))?.is_some() {
                        builder.remove(rest).ctx(|| format!("cannot remove {full}"))?;
                    }
                }
            },
        }
    }
    for (dir, below) in subdirs {
        if put_files.contains(dir) {
            let full = below.first().map_or(dir, |e| e.1);
            return Err(RepoError::InvalidPath {
                path: full.into(),
                reason: "a record with the same name as a folder",
            });
        }
        let (existing_tree, existing_other) = match builder.get(dir).ctx(|| format!("cannot look up {dir}"))? {
            Some(entry) if entry.kind() == Some(ObjectType::Tree) => {
                (Some(repo.find_tree(entry.id()).ctx(|| format!("cannot read the folder {dir}"))?), false)
            }
            Some(_) => (None, true),
            None => (None, false),
        };
        match build_tree(repo, existing_tree.as_ref(), &below, written)? {
            Some(id) => {
                builder.insert(dir, id, MODE_TREE).ctx(|| format!("cannot place the folder {dir}"))?;
            }
            // Only a folder that existed is removed; a record of that name is left alone.
            None if existing_tree.is_some() && !existing_other => {
                builder.remove(dir).ctx(|| format!("cannot remove the folder {dir}"))?;
            }
            None => {}
        }
    }
    if builder.is_empty() {
        return Ok(None);
    }
    let id = builder.write().ctx(|| "cannot write a tree".into())?;
    written.push(id);
    Ok(Some(id))
}

/// The objects folder of a repository.
pub(super) fn objects_dir(repo: &Repository) -> PathBuf {
    repo.path().join("objects")
}

/// Loose object files under `objects`: their ids and paths.
pub(super) fn loose_files(objects: &Path) -> Result<Vec<(Oid, PathBuf)>, RepoError> {
    let mut out = Vec::new();
    let entries = fs::read_dir(objects).ctx(|| format!("cannot list {}", objects.display()))?;
    for dir in entries {
        let dir = dir.ctx(|| format!("cannot list {}", objects.display()))?;
        let dir_name = dir.file_name();
        let Some(prefix) = dir_name.to_str().filter(|n| n.len() == 2 && n.bytes().all(|b| b.is_ascii_hexdigit()))
        else {
            continue;
        };
        let files = fs::read_dir(dir.path()).ctx(|| format!("cannot list {}", dir.path().display()))?;
        for file in files {
            let file = file.ctx(|| format!("cannot list {}", dir.path().display()))?;
            let file_name = file.file_name();
            let Some(rest) = file_name.to_str().filter(|n| n.len() == 38 && n.bytes().all(|b| b.is_ascii_hexdigit()))
            else {
                continue;
            };
            if let Ok(id) = Oid::from_str(&format!("{prefix}{rest}")) {
                out.push((id, file.path()));
            }
        }
    }
    Ok(out)
}

/// Names ("pack-<hash>") of the complete packs (both .pack and .idx present) in `pack_dir`.
pub(super) fn pack_names(pack_dir: &Path) -> Result<Vec<String>, RepoError> {
    let mut out = Vec::new();
    let entries = match fs::read_dir(pack_dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
        Err(source) => return Err(RepoError::Io { what: format!("cannot list {}", pack_dir.display()), source }),
    };
    for entry in entries {
        let entry = entry.ctx(|| format!("cannot list {}", pack_dir.display()))?;
        let name = entry.file_name();
        if let Some(stem) = name.to_str().and_then(|n| n.strip_suffix(".idx"))
            && stem.starts_with("pack-")
            && pack_dir.join(format!("{stem}.pack")).exists()
        {
            out.push(stem.to_string());
        }
    }
    out.sort();
    Ok(out)
}

/// The object ids listed in a version-2 pack index.
pub(super) fn read_idx(path: &Path) -> Result<HashSet<Oid>, RepoError> {
    let data = fs::read(path).ctx(|| format!("cannot read {}", path.display()))?;
    let corrupt = || RepoError::Corrupt(format!("{} is not a pack index this program can read", path.display()));
    if data.get(..8) != Some(&[0xff, b't', b'O', b'c', 0, 0, 0, 2][..]) {
        return Err(corrupt());
    }
    let count_at = 8 + 255 * 4;
    let count_bytes: [u8; 4] = data.get(count_at..count_at + 4).and_then(|b| b.try_into().ok()).ok_or_else(corrupt)?;
    let count = u32::from_be_bytes(count_bytes) as usize;
    let names = data.get(8 + 256 * 4..8 + 256 * 4 + count * 20).ok_or_else(corrupt)?;
    names.chunks_exact(20).map(|raw| Oid::from_bytes(raw).map_err(|_| corrupt())).collect()
}

/// Flushes a freshly written pack and its index (and the folder entry naming them) to disk.
/// Best effort: some file systems (and Windows folders) refuse, and the data is then only as safe as
/// the operating system makes it.
pub(super) fn sync_pack(pack_dir: &Path, stem: &str) {
    for ext in ["pack", "idx"] {
        if let Ok(file) = fs::File::open(pack_dir.join(format!("{stem}.{ext}"))) {
            let _ = file.sync_all();
        }
    }
    if let Ok(dir) = fs::File::open(pack_dir) {
        let _ = dir.sync_all();
    }
}

/// How old a temporary pack file, or half of a pack, must be before [`sweep_leftovers`] removes it: long past any
/// pack write still going on (a live writer keeps its files' modification time fresh), and past any difference
/// between this laptop's clock and a file server's.
pub(super) const LEFTOVER_AGE: Duration = Duration::from_secs(3600);

/// Removes from `pack_dir` what killed writers left: libgit2's temporary packs and index locks (`pack_git2_*`),
/// git's temporary files (`tmp_pack_*`, `tmp_idx_*`, …), and an index without its pack or a pack without its index;
/// only files older than [`LEFTOVER_AGE`]. None of them is ever read (libgit2 and git skip a pack without both
/// halves), so this only gives the space back. Best effort.
pub(super) fn sweep_leftovers(pack_dir: &Path) {
    let Ok(entries) = fs::read_dir(pack_dir) else { return };
    let now = std::time::SystemTime::now();
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let half = |own: &str, other: &str| {
            name.strip_suffix(own)
                .is_some_and(|stem| stem.starts_with("pack-") && !pack_dir.join(format!("{stem}{other}")).exists())
        };
        let leftover = name.starts_with("pack_git2_")
            || name.starts_with("tmp_")
            || half(".idx", ".pack")
            || half(".pack", ".idx");
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .is_ok_and(|t| now.duration_since(t).is_ok_and(|age| age >= LEFTOVER_AGE));
        if leftover && old && entry.file_type().is_ok_and(|t| t.is_file()) {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Writes every object of `repo` into one new pack, then removes the loose objects and old packs
/// that the new pack's index proves it contains. Nothing is removed before the new pack is complete
/// and flushed; anything that appears meanwhile is left alone.
pub(super) fn repack(repo: &Repository) -> Result<(), RepoError> {
    repack_with(repo, false)
}

/// As [`repack`], leaving the large packs as they are: the loose objects and the small packs (each commit, fetch
/// and push adds one) become one. What a sync does, so that its cost follows what was added since, not
/// the size of the whole repository (a full repack of a large register rewrites hundreds of megabytes).
pub(super) fn repack_small(repo: &Repository) -> Result<(), RepoError> {
    repack_with(repo, true)
}

fn repack_with(repo: &Repository, keep_largest: bool) -> Result<(), RepoError> {
    let objects = objects_dir(repo);
    let pack_dir = objects.join("pack");
    let where_ = || format!("cannot pack the repository at {}", repo.path().display());
    sweep_leftovers(&pack_dir);
    let loose = loose_files(&objects)?;
    let old_packs = pack_names(&pack_dir)?;
    if loose.is_empty() && old_packs.len() <= 1 {
        return Ok(());
    }
    // Geometric: the packs from the smallest up are joined for as long as the next is less than twice the sum
    // of those below it, so a large pack is rewritten only once the small ones add up to half its size.
    let small: Option<Vec<String>> = if keep_largest {
        let mut sized: Vec<(u64, String)> = old_packs
            .iter()
            .map(|p| (fs::metadata(pack_dir.join(format!("{p}.pack"))).map_or(0, |m| m.len()), p.clone()))
            .collect();
        sized.sort();
        let mut sum = 0u64;
        let mut take = 0;
        for (size, _) in &sized {
            if take > 0 && *size >= 2 * sum {
                break;
            }
            sum += size;
            take += 1;
        }
        // However the sizes fall, enough of the smallest are joined that the count drops well below the mark.
        let take = take.max(sized.len().saturating_sub(8));
        Some(sized.into_iter().take(take).map(|(_, p)| p).collect())
    } else {
        None
    };
    if let Some(small) = &small
        && loose.is_empty()
        && small.len() <= 1
    {
        return Ok(());
    }

    let odb: Odb<'_> = repo.odb().ctx(where_)?;
    let mut ids = Vec::new();
    match &small {
        None => odb
            .foreach(|id| {
                ids.push(*id);
                true
            })
            .ctx(where_)?,
        Some(small) => {
            let mut seen: HashSet<Oid> = HashSet::new();
            // Loose objects all go in (one a large pack holds already is merely written twice), so that none
            // stays loose.
            for (id, _) in &loose {
                if seen.insert(*id) {
                    ids.push(*id);
                }
            }
            for p in small {
                for id in read_idx(&pack_dir.join(format!("{p}.idx")))? {
                    if seen.insert(id) {
                        ids.push(id);
                    }
                }
            }
        }
    }
    let mut builder = repo.packbuilder().ctx(where_)?;
    builder.set_threads(0);
    for id in &ids {
        builder.insert_object(*id, None).ctx(where_)?;
    }
    fs::create_dir_all(&pack_dir).ctx(where_)?;
    builder.write(&pack_dir, 0).ctx(where_)?;
    let name = builder.name().ctx(where_)?.ok_or_else(|| RepoError::Corrupt("the new pack has no name".into()))?;
    let stem = format!("pack-{name}");
    sync_pack(&pack_dir, &stem);

    let contained = read_idx(&pack_dir.join(format!("{stem}.idx")))?;
    if let Some(missing) = ids.iter().find(|id| !contained.contains(id)) {
        return Err(RepoError::Corrupt(format!("the new pack lacks object {missing}; nothing was removed")));
    }
    // Removal is best effort: a file another process still holds open (Windows) stays for next time.
    for (id, path) in &loose {
        if contained.contains(id) {
            let _ = fs::remove_file(path);
            if let Some(parent) = path.parent() {
                let _ = fs::remove_dir(parent); // only succeeds once the folder is empty
            }
        }
    }
    for old in old_packs.iter().filter(|old| **old != stem) {
        if pack_dir.join(format!("{old}.keep")).exists() {
            continue;
        }
        let Ok(old_ids) = read_idx(&pack_dir.join(format!("{old}.idx"))) else { continue };
        if old_ids.iter().all(|id| contained.contains(id)) {
            // The index first: without it the pack is invisible, so a crash leaves no half pack in use.
            for ext in ["idx", "pack", "rev", "bitmap", "mtimes", "promisor"] {
                let _ = fs::remove_file(pack_dir.join(format!("{old}.{ext}")));
            }
        }
    }
    odb.refresh().ctx(where_)?;
    Ok(())
}
