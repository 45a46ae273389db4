//! The git layer of team sync: a local bare repository, managed only through libgit2, whose remote
//! "origin" is another bare repository (a folder on a file share, or any URL libgit2 can reach).
//!
//! Records are blobs in trees. The caller hands over a set of edits, and [`Repo::commit`] turns them
//! into a new tree and a commit signed in git's SSH signature format, so that `git verify-commit`
//! (with `gpg.format=ssh` and `gpg.ssh.allowedSignersFile`) accepts every commit.
//!
//! # Object hygiene
//!
//! libgit2 writes every new object as a loose file by default and never repacks. A team engagement
//! makes thousands of commits touching thousands of records, which would leave tens of thousands of
//! small files in both repositories. Three measures keep the object stores small:
//!
//! * **Commits go through a memory pack.** [`Repo::commit`] opens a second handle on the repository
//!   whose object database has libgit2's mempack backend in front of the disk backends, so blobs,
//!   trees and the commit are written to memory. At the end, exactly the objects that the commit
//!   created (and that the disk does not hold yet) are packed with a `PackBuilder` and streamed
//!   through `Odb::packwriter` into one pack and its index. A commit therefore adds two files, never
//!   one file per object, and a failed commit leaves nothing on disk. (`Mempack::dump` is not used:
//!   in libgit2 1.9 it packs the *whole tree* of every commit in memory, not just the new objects.)
//! * **Pushes to a folder remote write one pack.** libgit2's local transport writes a single pack
//!   (`git_packbuilder_write` into the remote's `objects/pack`), never loose objects, and a fetch
//!   from any remote writes one pack locally. But libgit2's local push then *forces* the remote ref,
//!   so two people pushing at the same moment could silently drop one of the pushes. For a folder
//!   remote, [`Repo::push`] therefore does the same work itself and moves the remote `main` with a
//!   compare-and-swap under the ref lock (`reference_matching`): a concurrent push is reported as
//!   [`Pushed::Rejected`] instead of being lost. Other URLs go through libgit2's transport.
//! * **[`Repo::pack`] consolidates.** Each commit, fetch and push adds a small pack, so over time
//!   packs (and any loose objects written by other tools) accumulate on both sides. `pack` writes
//!   every object of the store into one new pack, then removes loose objects and old packs. It is safe
//!   against a crash at any point: the new pack and its index are written completely (libgit2 writes
//!   the index last, under a temporary name, and renames it into place) and flushed to disk first; the
//!   new index is then read back, and only loose objects and old packs whose every object the new
//!   index lists are removed, the index of an old pack before its data. Packs and loose objects that
//!   appear while `pack` runs (a teammate pushing to the share) are never touched.
//!
//! # Crashes
//!
//! A sync killed at any point leaves nothing that stops the next one. Objects are only ever added as whole packs:
//! libgit2 writes a pack and its index under temporary names (`pack_git2_<random>`, `…idx.lock`) and renames the
//! index, then the pack, into place, so a kill leaves at worst temporary files, or an index without its pack, which
//! libgit2 and git ignore and which never block a later write (the temporary names are random); a repack removes
//! them once they are an hour old. Refs are the one exception: libgit2 takes `<ref>.lock` with O_EXCL and never
//! removes a lock it did not make, so every ref update here goes through `past_stale_lock`, which removes a lock
//! that stays in place, unchanged, for a few seconds. The same goes for `shallow.lock`, which libgit2 takes in the
//! local repository while a fetch downloads.
//!
//! Nothing in this module prints; every failure is a [`RepoError`] whose text a user can read.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use git2::{
    Direction, ErrorCode, FetchOptions, ObjectType, Odb, OdbLookupFlags, Oid, PushOptions, RemoteCallbacks, Repository,
    RepositoryInitOptions, Signature, Sort, Tree, TreeBuilder,
};

/// The branch every team member commits to.
const MAIN: &str = "refs/heads/main";
/// Where the last fetched state of origin's main is kept.
const ORIGIN_MAIN: &str = "refs/remotes/origin/main";
/// The remote's name in the local repository.
const ORIGIN: &str = "origin";
/// The fetch refspec: origin's main into the remote-tracking ref, forced (the remote may be rewound).
const FETCH_SPEC: &str = "+refs/heads/main:refs/remotes/origin/main";
/// The push refspec: never forced, so that a non-fast-forward push is refused.
const PUSH_SPEC: &str = "refs/heads/main:refs/heads/main";
/// File mode of a record in a tree.
const MODE_BLOB: i32 = 0o100_644;
/// File mode of a directory in a tree.
const MODE_TREE: i32 = 0o040_000;
/// How many packs a store may gather (each commit, fetch and push adds one) before a sync packs them into one.
const PACKS_DUE: usize = 16;
/// Priority of the memory backend: above libgit2's disk backends (1 and 2), so new objects go there.
const MEMPACK_PRIORITY: i32 = 1000;

/// Everything that can go wrong in the git layer, worded for the person running the command.
#[derive(Debug)]
pub enum RepoError {
    /// The local repository could not be opened or created.
    Open {
        /// The folder of the repository.
        path: PathBuf,
        /// What libgit2 said.
        source: git2::Error,
    },
    /// `create_shared` was pointed at a folder that already holds files.
    NotEmpty(PathBuf),
    /// The remote could not be reached (missing share, network down, no permission).
    Unreachable {
        /// The remote's URL or folder.
        remote: String,
        /// The underlying failure, already worded.
        reason: String,
    },
    /// The remote refused the update for a reason other than "somebody pushed first".
    PushRefused {
        /// The remote's URL or folder.
        remote: String,
        /// The reason the remote gave.
        message: String,
    },
    /// There is no local commit on main to share yet.
    NothingToPush,
    /// A record path given by the caller cannot be stored in a tree.
    InvalidPath {
        /// The path as given.
        path: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The signing callback failed.
    Sign(String),
    /// A libgit2 operation failed; `what` says which one in plain words.
    Git {
        /// What was being done.
        what: String,
        /// What libgit2 said.
        source: git2::Error,
    },
    /// A file operation on the object store failed.
    Io {
        /// What was being done.
        what: String,
        /// What the operating system said.
        source: io::Error,
    },
    /// The repository holds data this module cannot make sense of.
    Corrupt(String),
}

impl fmt::Display for RepoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RepoError::Open { path, source } => {
                write!(f, "the local team repository at {} cannot be opened: {}", path.display(), source.message())
            }
            RepoError::NotEmpty(path) => {
                write!(f, "cannot create the team repository at {}: the folder is not empty", path.display())
            }
            RepoError::Unreachable { remote, reason } => {
                write!(f, "the team repository at {remote} cannot be reached: {reason}")
            }
            RepoError::PushRefused { remote, message } => {
                write!(f, "the team repository at {remote} refused the update: {message}")
            }
            RepoError::NothingToPush => write!(f, "there is nothing to share yet: no local commit exists"),
            RepoError::InvalidPath { path, reason } => write!(f, "the record path {path:?} is invalid: {reason}"),
            RepoError::Sign(reason) => write!(f, "the commit could not be signed: {reason}"),
            RepoError::Git { what, source } => write!(f, "{what}: {}", source.message()),
            RepoError::Io { what, source } => write!(f, "{what}: {source}"),
            RepoError::Corrupt(what) => write!(f, "the team repository is damaged: {what}"),
        }
    }
}

impl std::error::Error for RepoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RepoError::Open { source, .. } | RepoError::Git { source, .. } => Some(source),
            RepoError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Adds a plain-words description to libgit2 and I/O failures.
trait Context<T> {
    /// Wraps the error with `what` (computed only on failure).
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, RepoError>;
}

impl<T> Context<T> for Result<T, git2::Error> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, RepoError> {
        self.map_err(|source| RepoError::Git { what: what(), source })
    }
}

impl<T> Context<T> for Result<T, io::Error> {
    fn ctx(self, what: impl FnOnce() -> String) -> Result<T, RepoError> {
        self.map_err(|source| RepoError::Io { what: what(), source })
    }
}

/// What the caller wants done to one record path in a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    /// Store these bytes at the path, adding or replacing the record.
    Put(Vec<u8>),
    /// Remove the record at the path; directories left empty disappear.
    Remove,
}

/// One record that differs between two trees: added (`old` is `None`), removed (`new` is `None`) or
/// changed (both set). Ids are blob ids, readable with [`Repo::blob`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Slash-separated path of the record.
    pub path: String,
    /// The blob before, if the record existed.
    pub old: Option<Oid>,
    /// The blob after, if the record still exists.
    pub new: Option<Oid>,
}

/// The outcome of a push that reached the remote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pushed {
    /// The remote's main now points to our main.
    Done,
    /// Somebody pushed since our last fetch (non-fast-forward): fetch, merge and push again.
    Rejected,
}

/// Counts of object files, so the caller can decide when [`Repo::pack`] is worth running.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ObjectStats {
    /// Loose object files in the local repository.
    pub local_loose: usize,
    /// Pack files in the local repository.
    pub local_packs: usize,
    /// Loose object files in the remote, when it is a local folder.
    pub remote_loose: Option<usize>,
    /// Pack files in the remote, when it is a local folder.
    pub remote_packs: Option<usize>,
}

/// A local bare team repository and its remote "origin".
pub struct Repo {
    /// The libgit2 handle, used for everything except writing new objects.
    repo: Repository,
    /// The repository folder (the bare repository itself), for opening extra handles.
    path: PathBuf,
}

impl fmt::Debug for Repo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Repo").field("path", &self.path).finish()
    }
}

impl Repo {
    /// Creates a bare repository at `path` whose remote "origin" is `remote` (a folder path is fine,
    /// and is stored as an absolute path so that it keeps working from any current directory).
    pub fn init(path: &Path, remote: &str) -> Result<Repo, RepoError> {
        let repo = init_bare(path)?;
        let url = remote_url(remote)?;
        repo.remote_with_fetch(ORIGIN, &url, FETCH_SPEC)
            .ctx(|| format!("cannot record the team repository {url} as origin of {}", path.display()))?;
        Ok(Repo { path: repo.path().to_path_buf(), repo })
    }

    /// Whether this build can reach a repository at `url`: a folder (a path, or `file://`) or `git://`. HTTPS and
    /// SSH are not built in (libgit2 is built without OpenSSL or libssh2).
    pub fn reachable(url: &str) -> bool {
        local_path(url).is_some() || url.get(..6).is_some_and(|s| s.eq_ignore_ascii_case("git://"))
    }

    /// Opens a repository made by [`Repo::init`].
    pub fn open(path: &Path) -> Result<Repo, RepoError> {
        let repo = Repository::open_bare(path).map_err(|source| RepoError::Open { path: path.into(), source })?;
        // Clones made before the setting existed get it too.
        no_deltas(&repo)?;
        Ok(Repo { path: repo.path().to_path_buf(), repo })
    }

    /// Creates a bare repository at `remote` (a folder that does not exist yet or is empty), for
    /// `team init`: the shared repository every member pushes to.
    pub fn create_shared(remote: &Path) -> Result<(), RepoError> {
        if remote.exists() {
            let mut entries = fs::read_dir(remote).ctx(|| format!("cannot look into {}", remote.display()))?;
            if entries.next().is_some() {
                return Err(RepoError::NotEmpty(remote.into()));
            }
        }
        let repo = init_bare(remote)?;
        let mut config = repo.config().ctx(|| format!("cannot configure {}", remote.display()))?;
        // Protects the history if the share is ever served by a real git server.
        for key in ["receive.denyNonFastForwards", "receive.denyDeletes"] {
            config.set_bool(key, true).ctx(|| format!("cannot configure {}", remote.display()))?;
        }
        Ok(())
    }

    /// The folder of the local bare repository.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The URL or folder of the remote "origin", as stored.
    pub fn remote_url(&self) -> Result<String, RepoError> {
        let remote = self.repo.find_remote(ORIGIN).ctx(|| "the local repository has no remote \"origin\"".into())?;
        Ok(String::from_utf8_lossy(remote.url_bytes()).into_owned())
    }

    /// The commit refs/heads/main points to, if any.
    pub fn head(&self) -> Result<Option<Oid>, RepoError> {
        ref_id(&self.repo, MAIN)
    }

    /// The commit origin's main pointed to at the last fetch or successful push, if any.
    pub fn origin_head(&self) -> Result<Option<Oid>, RepoError> {
        ref_id(&self.repo, ORIGIN_MAIN)
    }

    /// Moves refs/heads/main to `commit` (forced: the caller decides what main is).
    pub fn set_head(&self, commit: Oid) -> Result<(), RepoError> {
        self.repo.find_commit(commit).ctx(|| format!("commit {commit} does not exist"))?;
        set_ref(&self.repo, MAIN, commit, "team sync").ctx(|| format!("cannot move main to {commit}"))?;
        Ok(())
    }

    /// The tree of a commit.
    pub fn tree_of(&self, commit: Oid) -> Result<Oid, RepoError> {
        Ok(self.repo.find_commit(commit).ctx(|| format!("commit {commit} does not exist"))?.tree_id())
    }

    /// Builds a tree from `base` (None: empty) with `edits` applied and writes a signed commit of it
    /// with `parents`; does not move any ref and returns the commit id.
    ///
    /// Keys of `edits` are slash-separated paths like "risk/ab/0193....age"; directories are created
    /// as needed and directories left empty disappear. Only the directories on the edited paths are
    /// rebuilt (one `TreeBuilder` each), so the cost follows the edits, not the size of the tree.
    /// `sign` receives the exact commit buffer and returns the armored signature, which is stored in
    /// the "gpgsig" header. All new objects are written as one pack (see the module documentation).
    #[allow(clippy::too_many_arguments)]
    pub fn commit(
        &self,
        base: Option<Oid>,
        edits: &BTreeMap<String, Edit>,
        parents: &[Oid],
        message: &str,
        name: &str,
        email: &str,
        sign: &dyn Fn(&[u8]) -> Result<String, String>,
    ) -> Result<Oid, RepoError> {
        super::progress("writing the commit", 0, 0);
        let mut parsed = Vec::with_capacity(edits.len());
        for (path, edit) in edits {
            check_path(path)?;
            parsed.push((path.as_str(), path.as_str(), edit));
        }

        // A second handle whose new objects go to memory; dropped (with anything unsaved) on failure.
        let mem =
            Repository::open_bare(&self.path).map_err(|source| RepoError::Open { path: self.path.clone(), source })?;
        let odb = mem.odb().ctx(|| "cannot open the object database".into())?;
        let _mempack =
            odb.add_new_mempack_backend(MEMPACK_PRIORITY).ctx(|| "cannot set up the in-memory object store".into())?;

        let mut written = Vec::new();
        let base_tree = match base {
            Some(id) => Some(mem.find_tree(id).ctx(|| format!("tree {id} does not exist"))?),
            None => None,
        };
        let root = match build_tree(&mem, base_tree.as_ref(), &parsed, &mut written)? {
            Some(id) => id,
            None => {
                let id = mem.treebuilder(None).and_then(|tb| tb.write()).ctx(|| "cannot write a tree".into())?;
                written.push(id);
                id
            }
        };
        let tree = mem.find_tree(root).ctx(|| "cannot read back the new tree".into())?;
        let parent_commits = parents
            .iter()
            .map(|id| mem.find_commit(*id).ctx(|| format!("parent commit {id} does not exist")))
            .collect::<Result<Vec<_>, _>>()?;
        let parent_refs: Vec<_> = parent_commits.iter().collect();
        let who = Signature::now(name, email).ctx(|| format!("invalid author {name} <{email}>"))?;
        let buffer = mem
            .commit_create_buffer(&who, &who, message, &tree, &parent_refs)
            .ctx(|| "cannot prepare the commit".into())?;
        let content = buffer.as_str().map_err(|_| RepoError::Corrupt("the commit text is not UTF-8".into()))?;
        let signature = sign(&buffer).map_err(RepoError::Sign)?;
        // git stores the armored text without its final newline (each line is then continued by one
        // space); a trailing newline would add a stray " " line to the header.
        let commit =
            mem.commit_signed(content, signature.trim_end(), None).ctx(|| "cannot write the signed commit".into())?;
        written.push(commit);

        self.save_objects(&mem, &written)?;
        Ok(commit)
    }

    /// Writes the objects listed in `ids` that the disk lacks, from the memory handle `mem`, as one
    /// pack into the local repository.
    fn save_objects(&self, mem: &Repository, ids: &[Oid]) -> Result<(), RepoError> {
        let disk = self.repo.odb().ctx(|| "cannot open the object database".into())?;
        let mut seen = HashSet::with_capacity(ids.len());
        let mut builder = mem.packbuilder().ctx(|| "cannot start a pack".into())?;
        builder.set_threads(0);
        for id in ids {
            if seen.insert(*id) && !disk.exists_ext(*id, OdbLookupFlags::NO_REFRESH) {
                builder.insert_object(*id, None).ctx(|| format!("cannot add object {id} to a pack"))?;
            }
        }
        if builder.object_count() == 0 {
            return Ok(());
        }
        let mut buf = git2::Buf::new();
        builder.write_buf(&mut buf).ctx(|| "cannot build the pack of the new commit".into())?;
        let mut writer = disk.packwriter().ctx(|| "cannot start writing a pack".into())?;
        writer.write_all(&buf).ctx(|| "cannot write the pack of the new commit".into())?;
        writer.commit().ctx(|| "cannot store the pack of the new commit".into())?;
        Ok(())
    }

    /// Fetches origin's refs/heads/main into refs/remotes/origin/main and returns it; `Ok(None)` when
    /// the remote has no main yet; an error when the remote cannot be reached (the caller then says
    /// "committed locally, not shared").
    pub fn fetch(&self) -> Result<Option<Oid>, RepoError> {
        super::progress("fetching from the team repository", 0, 0);
        let url = self.remote_url()?;
        let unreachable = |e: git2::Error| RepoError::Unreachable { remote: url.clone(), reason: e.message().into() };
        let mut remote =
            self.repo.find_remote(ORIGIN).ctx(|| "the local repository has no remote \"origin\"".into())?;
        remote.connect(Direction::Fetch).map_err(unreachable)?;
        let tip = remote.list().map_err(unreachable)?.iter().find(|h| h.name() == MAIN).map(|h| h.oid());
        let Some(tip) = tip else {
            remote.disconnect().map_err(unreachable)?;
            delete_ref(&self.repo, ORIGIN_MAIN).ctx(|| "cannot forget the remote's former main".into())?;
            return Ok(None);
        };
        if !self.repo.odb().ctx(|| "cannot open the object database".into())?.exists(tip) {
            // libgit2 takes `shallow.lock` while it downloads and never removes a lock it did not make: one that a
            // killed sync left is cleared as a stale ref lock is, and the download tried again on a new connection.
            let mut again = false;
            past_stale_locks(&[self.repo.path().join("shallow.lock")], || {
                if std::mem::replace(&mut again, true) {
                    let _ = remote.disconnect();
                    remote.connect(Direction::Fetch)?;
                }
                let mut options = FetchOptions::new();
                options.download_tags(git2::AutotagOption::None).update_fetchhead(false);
                remote.download(&[FETCH_SPEC], Some(&mut options))
            })
            .map_err(unreachable)?;
        }
        remote.disconnect().map_err(unreachable)?;
        set_ref(&self.repo, ORIGIN_MAIN, tip, "team sync: fetch")
            .ctx(|| format!("cannot record the fetched commit {tip}"))?;
        Ok(Some(tip))
    }

    /// Pushes refs/heads/main to origin's refs/heads/main. If somebody pushed since our last fetch
    /// (non-fast-forward, or a push racing ours), the answer is `Ok(Pushed::Rejected)`, not an error.
    /// On success refs/remotes/origin/main is moved too.
    pub fn push(&self) -> Result<Pushed, RepoError> {
        super::progress("sending to the team repository", 0, 0);
        let url = self.remote_url()?;
        match local_path(&url) {
            Some(folder) => self.push_to_folder(&url, &folder),
            None => self.push_via_transport(&url),
        }
    }

    /// Push through libgit2's transport (any URL). Per-ref refusals arrive through the
    /// push_update_reference callback; libgit2 itself refuses a non-fast-forward before sending.
    fn push_via_transport(&self, url: &str) -> Result<Pushed, RepoError> {
        let local = self.head()?.ok_or(RepoError::NothingToPush)?;
        let mut remote =
            self.repo.find_remote(ORIGIN).ctx(|| "the local repository has no remote \"origin\"".into())?;
        let mut refusal: Option<String> = None;
        let result = {
            let mut callbacks = RemoteCallbacks::new();
            callbacks.push_update_reference(|_name, status| {
                if let Some(status) = status {
                    refusal = Some(status.to_string());
                }
                Ok(())
            });
            let mut options = PushOptions::new();
            options.remote_callbacks(callbacks);
            remote.push(&[PUSH_SPEC], Some(&mut options))
        };
        if let Err(e) = result {
            return if e.code() == ErrorCode::NotFastForward {
                Ok(Pushed::Rejected)
            } else {
                Err(RepoError::Unreachable { remote: url.into(), reason: e.message().into() })
            };
        }
        if let Some(message) = refusal {
            return if is_race(&message) {
                Ok(Pushed::Rejected)
            } else {
                Err(RepoError::PushRefused { remote: url.into(), message })
            };
        }
        set_ref(&self.repo, ORIGIN_MAIN, local, "team sync: push").ctx(|| "cannot record the pushed commit".into())?;
        Ok(Pushed::Done)
    }

    /// Push to a bare repository in a folder: one pack of the missing objects, flushed to disk, then a
    /// compare-and-swap of the remote main under its lock, so that concurrent pushes never lose one.
    fn push_to_folder(&self, url: &str, folder: &Path) -> Result<Pushed, RepoError> {
        let local = self.head()?.ok_or(RepoError::NothingToPush)?;
        let remote = Repository::open_bare(folder)
            .map_err(|e| RepoError::Unreachable { remote: url.into(), reason: e.message().into() })?;
        let old = ref_id(&remote, MAIN)?;
        if old == Some(local) {
            set_ref(&self.repo, ORIGIN_MAIN, local, "team sync: push").ctx(|| "cannot record the push".into())?;
            return Ok(Pushed::Done);
        }
        if let Some(old) = old {
            let known = self.repo.odb().ctx(|| "cannot open the object database".into())?.exists(old);
            if !known || !self.is_ancestor(old, local)? {
                return Ok(Pushed::Rejected);
            }
        }

        let mut walk = self.repo.revwalk().ctx(|| "cannot list the commits to push".into())?;
        walk.push(local).ctx(|| "cannot list the commits to push".into())?;
        if let Some(old) = old {
            walk.hide(old).ctx(|| "cannot list the commits to push".into())?;
        }
        let mut builder = self.repo.packbuilder().ctx(|| "cannot start a pack".into())?;
        builder.insert_walk(&mut walk).ctx(|| "cannot collect the objects to push".into())?;
        if builder.object_count() > 0 {
            let pack_dir = remote.path().join("objects").join("pack");
            builder
                .write(&pack_dir, 0)
                .map_err(|e| RepoError::Unreachable { remote: url.into(), reason: e.message().into() })?;
            if let Ok(Some(name)) = builder.name() {
                sync_pack(&pack_dir, &format!("pack-{name}"));
            }
        }

        let moved = past_stale_lock(&remote, MAIN, || match old {
            Some(old) => remote.reference_matching(MAIN, local, true, old, "team sync: push").map(drop),
            None => remote.reference(MAIN, local, false, "team sync: push").map(drop),
        });
        match moved {
            Ok(_) => {}
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked) => {
                return Ok(Pushed::Rejected);
            }
            Err(e) => return Err(RepoError::PushRefused { remote: url.into(), message: e.message().into() }),
        }
        set_ref(&self.repo, ORIGIN_MAIN, local, "team sync: push").ctx(|| "cannot record the push".into())?;
        Ok(Pushed::Done)
    }

    /// The best common ancestor of two commits, if they share history.
    pub fn merge_base(&self, a: Oid, b: Oid) -> Result<Option<Oid>, RepoError> {
        match self.repo.merge_base(a, b) {
            Ok(id) => Ok(Some(id)),
            Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
            Err(source) => Err(RepoError::Git { what: format!("cannot relate commits {a} and {b}"), source }),
        }
    }

    /// Whether `ancestor` is in the history of `of` (true also when they are equal).
    pub fn is_ancestor(&self, ancestor: Oid, of: Oid) -> Result<bool, RepoError> {
        if ancestor == of {
            return Ok(true);
        }
        self.repo.graph_descendant_of(of, ancestor).ctx(|| format!("cannot relate commits {ancestor} and {of}"))
    }

    /// Every record path that differs between two trees (None = empty tree), with old and new blob
    /// ids. libgit2's tree-to-tree diff skips identical subtrees, so the cost follows the changes.
    pub fn diff(&self, from: Option<Oid>, to: Option<Oid>) -> Result<Vec<Change>, RepoError> {
        let from_tree = self.find_tree_opt(from)?;
        let to_tree = self.find_tree_opt(to)?;
        let diff = self
            .repo
            .diff_tree_to_tree(from_tree.as_ref(), to_tree.as_ref(), None)
            .ctx(|| "cannot compare the two states".into())?;
        let mut changes = Vec::with_capacity(diff.deltas().len());
        for delta in diff.deltas() {
            let (old, new) = (delta.old_file(), delta.new_file());
            let path_bytes = new.path_bytes().or(old.path_bytes()).unwrap_or_default();
            let path = String::from_utf8(path_bytes.to_vec())
                .map_err(|_| RepoError::Corrupt("a record path is not UTF-8".into()))?;
            let id = |file: &git2::DiffFile<'_>| {
                (!file.id().is_zero() && file.mode() != git2::FileMode::Unreadable).then(|| file.id())
            };
            changes.push(Change { path, old: id(&old), new: id(&new) });
        }
        Ok(changes)
    }

    /// The content of a blob.
    pub fn blob(&self, id: Oid) -> Result<Vec<u8>, RepoError> {
        Ok(self.repo.find_blob(id).ctx(|| format!("record {id} does not exist"))?.content().to_vec())
    }

    /// The blob at `path` in `tree`, if any (a directory at that path counts as none).
    pub fn read(&self, tree: Oid, path: &str) -> Result<Option<Vec<u8>>, RepoError> {
        check_path(path)?;
        let tree = self.repo.find_tree(tree).ctx(|| format!("tree {tree} does not exist"))?;
        let entry = match tree.get_path(Path::new(path)) {
            Ok(entry) => entry,
            Err(e) if e.code() == ErrorCode::NotFound => return Ok(None),
            Err(source) => return Err(RepoError::Git { what: format!("cannot look up {path}"), source }),
        };
        if entry.kind() != Some(ObjectType::Blob) {
            return Ok(None);
        }
        self.blob(entry.id()).map(Some)
    }

    /// All blob paths with their ids in a tree, sorted by path.
    pub fn files(&self, tree: Oid) -> Result<Vec<(String, Oid)>, RepoError> {
        let mut out = Vec::new();
        let mut stack = vec![(String::new(), tree)];
        while let Some((prefix, id)) = stack.pop() {
            let tree = self.repo.find_tree(id).ctx(|| format!("tree {id} does not exist"))?;
            for entry in tree.iter() {
                let name = std::str::from_utf8(entry.name_bytes())
                    .map_err(|_| RepoError::Corrupt("a record path is not UTF-8".into()))?;
                let path = format!("{prefix}{name}");
                match entry.kind() {
                    Some(ObjectType::Tree) => stack.push((path + "/", entry.id())),
                    Some(ObjectType::Blob) => out.push((path, entry.id())),
                    _ => {}
                }
            }
        }
        out.sort();
        Ok(out)
    }

    /// The signature (armored text) and the signed data of a commit, if the commit is signed.
    pub fn signature_of(&self, commit: Oid) -> Result<Option<(String, Vec<u8>)>, RepoError> {
        match self.repo.extract_signature(&commit, None) {
            Ok((signature, data)) => {
                let text = signature
                    .as_str()
                    .map_err(|_| RepoError::Corrupt(format!("the signature of commit {commit} is not text")))?;
                Ok(Some((text.to_string(), data.to_vec())))
            }
            Err(e) if e.code() == ErrorCode::NotFound && self.repo.find_commit(commit).is_ok() => Ok(None),
            Err(source) => Err(RepoError::Git { what: format!("cannot read commit {commit}"), source }),
        }
    }

    /// Commits reachable from `tip`, newest first (children always before parents), for checking
    /// every signature.
    pub fn commits(&self, tip: Oid) -> Result<Vec<Oid>, RepoError> {
        let what = || format!("cannot list the history of {tip}");
        let mut walk = self.repo.revwalk().ctx(what)?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::TIME).ctx(what)?;
        walk.push(tip).ctx(what)?;
        walk.map(|id| id.ctx(what)).collect()
    }

    /// How many loose objects the local repository holds, plus those of the remote when it is a
    /// local folder that can be reached (zero means both are fully packed).
    pub fn loose_objects(&self) -> Result<usize, RepoError> {
        let stats = self.object_stats()?;
        Ok(stats.local_loose + stats.remote_loose.unwrap_or(0))
    }

    /// Loose objects and pack files, locally and in a folder remote (`None` when origin is not a
    /// folder or cannot be reached right now); many of either means [`Repo::pack`] is due.
    pub fn object_stats(&self) -> Result<ObjectStats, RepoError> {
        let local = objects_dir(&self.repo);
        let mut stats = ObjectStats {
            local_loose: loose_files(&local)?.len(),
            local_packs: pack_names(&local.join("pack"))?.len(),
            ..ObjectStats::default()
        };
        // An unreachable share is not an error here: its counts are simply unknown.
        if let Ok(Some(remote)) = self.open_folder_remote() {
            // A share made before the setting existed gets it too (best effort: a read-only share still syncs).
            let _ = no_deltas(&remote);
            let dir = objects_dir(&remote);
            stats.remote_loose = Some(loose_files(&dir)?.len());
            stats.remote_packs = Some(pack_names(&dir.join("pack"))?.len());
        }
        Ok(stats)
    }

    /// Packs every object of the local repository (and of origin when origin is a local folder) into
    /// one pack and removes the loose objects and older packs it replaces, so that a long engagement
    /// does not leave tens of thousands of files (libgit2 never repacks by itself). Crash-safe: see
    /// the module documentation.
    pub fn pack(&self) -> Result<(), RepoError> {
        repack(&self.repo)?;
        if let Some(remote) = self.open_folder_remote()? {
            repack(&remote)?;
        }
        Ok(())
    }

    /// Packs each side whose small packs have piled up (more than [`PACKS_DUE`], or any loose object), and leaves
    /// alone a side that is already tidy, or a share out of reach: what a sync calls at its end, so that a sync
    /// with nothing to do does not rewrite the whole store.
    pub fn pack_if_due(&self) -> Result<(), RepoError> {
        let local = objects_dir(&self.repo);
        if !loose_files(&local)?.is_empty() || pack_names(&local.join("pack"))?.len() > PACKS_DUE {
            super::progress("packing the repository", 0, 0);
            repack_small(&self.repo)?;
        }
        if let Ok(Some(remote)) = self.open_folder_remote() {
            let dir = objects_dir(&remote);
            if !loose_files(&dir)?.is_empty() || pack_names(&dir.join("pack"))?.len() > PACKS_DUE {
                repack_small(&remote)?;
            }
        }
        Ok(())
    }

    /// Opens origin as a repository when it is a local folder.
    fn open_folder_remote(&self) -> Result<Option<Repository>, RepoError> {
        let url = self.remote_url()?;
        let Some(folder) = local_path(&url) else { return Ok(None) };
        Repository::open_bare(&folder)
            .map(Some)
            .map_err(|e| RepoError::Unreachable { remote: url, reason: e.message().into() })
    }

    /// Looks up a tree, `None` standing for the empty tree.
    fn find_tree_opt(&self, id: Option<Oid>) -> Result<Option<Tree<'_>>, RepoError> {
        id.map(|id| self.repo.find_tree(id).ctx(|| format!("tree {id} does not exist"))).transpose()
    }
}

/// What the sync needs beyond the plumbing above: listing one folder of a tree, who made a commit, the commits a
/// fetch brought, and leaving the local branch unset.
impl Repo {
    /// The files directly in folder `dir` of `tree` (name and blob id); empty when there is no such folder.
    pub fn list(&self, tree: Oid, dir: &str) -> Result<Vec<(String, Oid)>, RepoError> {
        let tree = self.repo.find_tree(tree).ctx(|| format!("tree {tree} does not exist"))?;
        let Ok(entry) = tree.get_path(Path::new(dir)) else { return Ok(Vec::new()) };
        if entry.kind() != Some(ObjectType::Tree) {
            return Ok(Vec::new());
        }
        let sub = self.repo.find_tree(entry.id()).ctx(|| format!("folder {dir} cannot be read"))?;
        Ok(sub
            .iter()
            .filter(|e| e.kind() == Some(ObjectType::Blob))
            .map(|e| (String::from_utf8_lossy(e.name_bytes()).into_owned(), e.id()))
            .collect())
    }

    /// The author's name of a commit.
    pub fn author(&self, commit: Oid) -> Result<String, RepoError> {
        let c = self.repo.find_commit(commit).ctx(|| format!("commit {commit} does not exist"))?;
        Ok(String::from_utf8_lossy(c.author().name_bytes()).into_owned())
    }

    /// The parents of a commit, first parent first.
    pub fn parents(&self, commit: Oid) -> Result<Vec<Oid>, RepoError> {
        let c = self.repo.find_commit(commit).ctx(|| format!("commit {commit} does not exist"))?;
        Ok(c.parent_ids().collect())
    }

    /// The commits reachable from `tip` and not from `known` (all of them when None), oldest first.
    pub fn new_commits(&self, tip: Oid, known: Option<Oid>) -> Result<Vec<Oid>, RepoError> {
        let mut walk = self.repo.revwalk().ctx(|| "cannot walk the history".into())?;
        walk.set_sorting(Sort::TOPOLOGICAL | Sort::REVERSE).ctx(|| "cannot walk the history".into())?;
        walk.push(tip).ctx(|| format!("commit {tip} does not exist"))?;
        if let Some(k) = known {
            walk.hide(k).ctx(|| format!("commit {k} does not exist"))?;
        }
        walk.map(|r| r.ctx(|| "cannot walk the history".into())).collect()
    }

    /// Leaves refs/heads/main unset: the local branch holds nothing (a laptop that asked to join and has not
    /// brought the team's records in yet).
    pub fn clear_head(&self) -> Result<(), RepoError> {
        delete_ref(&self.repo, MAIN).ctx(|| "cannot reset the local branch".into())
    }

    /// The team's tip as the last fetch saw it.
    pub fn remote_tip(&self) -> Result<Option<Oid>, RepoError> {
        self.origin_head()
    }
}

mod objects;
use objects::*;

#[cfg(test)]
mod tests;
