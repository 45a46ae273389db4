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
//! Nothing in this module prints; every failure is a [`RepoError`] whose text a user can read.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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

    /// Opens a repository made by [`Repo::init`].
    pub fn open(path: &Path) -> Result<Repo, RepoError> {
        let repo = Repository::open_bare(path).map_err(|source| RepoError::Open { path: path.into(), source })?;
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
        self.repo.reference(MAIN, commit, true, "team sync").ctx(|| format!("cannot move main to {commit}"))?;
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
        let url = self.remote_url()?;
        let unreachable = |e: git2::Error| RepoError::Unreachable { remote: url.clone(), reason: e.message().into() };
        let mut remote =
            self.repo.find_remote(ORIGIN).ctx(|| "the local repository has no remote \"origin\"".into())?;
        remote.connect(Direction::Fetch).map_err(unreachable)?;
        let tip = remote.list().map_err(unreachable)?.iter().find(|h| h.name() == MAIN).map(|h| h.oid());
        let Some(tip) = tip else {
            remote.disconnect().map_err(unreachable)?;
            if let Ok(mut stale) = self.repo.find_reference(ORIGIN_MAIN) {
                stale.delete().ctx(|| "cannot forget the remote's former main".into())?;
            }
            return Ok(None);
        };
        if !self.repo.odb().ctx(|| "cannot open the object database".into())?.exists(tip) {
            let mut options = FetchOptions::new();
            options.download_tags(git2::AutotagOption::None).update_fetchhead(false);
            remote.download(&[FETCH_SPEC], Some(&mut options)).map_err(unreachable)?;
        }
        remote.disconnect().map_err(unreachable)?;
        self.repo
            .reference(ORIGIN_MAIN, tip, true, "team sync: fetch")
            .ctx(|| format!("cannot record the fetched commit {tip}"))?;
        Ok(Some(tip))
    }

    /// Pushes refs/heads/main to origin's refs/heads/main. If somebody pushed since our last fetch
    /// (non-fast-forward, or a push racing ours), the answer is `Ok(Pushed::Rejected)`, not an error.
    /// On success refs/remotes/origin/main is moved too.
    pub fn push(&self) -> Result<Pushed, RepoError> {
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
        self.repo
            .reference(ORIGIN_MAIN, local, true, "team sync: push")
            .ctx(|| "cannot record the pushed commit".into())?;
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
            self.repo.reference(ORIGIN_MAIN, local, true, "team sync: push").ctx(|| "cannot record the push".into())?;
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

        let moved = match old {
            Some(old) => remote.reference_matching(MAIN, local, true, old, "team sync: push"),
            None => remote.reference(MAIN, local, false, "team sync: push"),
        };
        match moved {
            Ok(_) => {}
            Err(e) if matches!(e.code(), ErrorCode::Modified | ErrorCode::Exists | ErrorCode::Locked) => {
                return Ok(Pushed::Rejected);
            }
            Err(e) => return Err(RepoError::PushRefused { remote: url.into(), message: e.message().into() }),
        }
        self.repo.reference(ORIGIN_MAIN, local, true, "team sync: push").ctx(|| "cannot record the push".into())?;
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

/// Creates (or reopens) a bare repository whose HEAD names main.
fn init_bare(path: &Path) -> Result<Repository, RepoError> {
    let mut options = RepositoryInitOptions::new();
    options.bare(true).mkpath(true).initial_head("main");
    Repository::init_opts(path, &options).map_err(|source| RepoError::Open { path: path.into(), source })
}

/// The id a ref points to, `None` when the ref does not exist.
fn ref_id(repo: &Repository, name: &str) -> Result<Option<Oid>, RepoError> {
    match repo.refname_to_id(name) {
        Ok(id) => Ok(Some(id)),
        Err(e) if e.code() == ErrorCode::NotFound => Ok(None),
        Err(source) => Err(RepoError::Git { what: format!("cannot read {name}"), source }),
    }
}

/// The URL to store for `remote`: URLs unchanged, folder paths made absolute.
fn remote_url(remote: &str) -> Result<String, RepoError> {
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
fn local_path(url: &str) -> Option<PathBuf> {
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
fn is_race(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    ["non-fast-forward", "fetch first", "stale info", "failed to lock", "cannot lock"]
        .iter()
        .any(|m| message.contains(m))
}

/// Refuses paths that cannot be stored as nested tree entries.
fn check_path(path: &str) -> Result<(), RepoError> {
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
fn build_tree(
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
fn objects_dir(repo: &Repository) -> PathBuf {
    repo.path().join("objects")
}

/// Loose object files under `objects`: their ids and paths.
fn loose_files(objects: &Path) -> Result<Vec<(Oid, PathBuf)>, RepoError> {
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
fn pack_names(pack_dir: &Path) -> Result<Vec<String>, RepoError> {
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
fn read_idx(path: &Path) -> Result<HashSet<Oid>, RepoError> {
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
fn sync_pack(pack_dir: &Path, stem: &str) {
    for ext in ["pack", "idx"] {
        if let Ok(file) = fs::File::open(pack_dir.join(format!("{stem}.{ext}"))) {
            let _ = file.sync_all();
        }
    }
    if let Ok(dir) = fs::File::open(pack_dir) {
        let _ = dir.sync_all();
    }
}

/// Writes every object of `repo` into one new pack, then removes the loose objects and old packs
/// that the new pack's index proves it contains. Nothing is removed before the new pack is complete
/// and flushed; anything that appears meanwhile is left alone.
fn repack(repo: &Repository) -> Result<(), RepoError> {
    let objects = objects_dir(repo);
    let pack_dir = objects.join("pack");
    let where_ = || format!("cannot pack the repository at {}", repo.path().display());
    let loose = loose_files(&objects)?;
    let old_packs = pack_names(&pack_dir)?;
    if loose.is_empty() && old_packs.len() <= 1 {
        return Ok(());
    }

    let odb: Odb<'_> = repo.odb().ctx(where_)?;
    let mut ids = Vec::new();
    odb.foreach(|id| {
        ids.push(*id);
        true
    })
    .ctx(where_)?;
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

/// The SSH signature (armored "-----BEGIN SSH SIGNATURE-----", namespace "git", SHA-512) of `data`
/// with an Ed25519 (or other unencrypted) key, exactly as git writes for `gpg.format=ssh`.
pub fn sign_ssh(key: &ssh_key::PrivateKey, data: &[u8]) -> Result<String, String> {
    if key.is_encrypted() {
        return Err("the signing key is still encrypted".into());
    }
    let signature = key.sign("git", ssh_key::HashAlg::Sha512, data).map_err(|e| e.to_string())?;
    signature.to_pem(ssh_key::LineEnding::LF).map_err(|e| e.to_string())
}

/// Whether `armored` is a valid namespace-"git" SSH signature of `data` by `key`.
pub fn verify_ssh(key: &ssh_key::PublicKey, data: &[u8], armored: &str) -> bool {
    let text = format!("{}\n", armored.trim());
    match ssh_key::SshSig::from_pem(text.as_bytes()) {
        Ok(signature) => key.verify("git", data, &signature).is_ok(),
        Err(_) => false,
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
        match self.repo.find_reference(MAIN) {
            Ok(mut r) => r.delete().ctx(|| "cannot reset the local branch".into()),
            Err(_) => Ok(()),
        }
    }

    /// The team's tip as the last fetch saw it.
    pub fn remote_tip(&self) -> Result<Option<Oid>, RepoError> {
        self.origin_head()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::process::Command;
    use std::time::Instant;
    use tempfile::TempDir;

    fn key() -> ssh_key::PrivateKey {
        ssh_key::PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519).expect("key")
    }

    fn put(entries: &[(&str, &str)]) -> BTreeMap<String, Edit> {
        entries.iter().map(|(p, d)| (p.to_string(), Edit::Put(d.as_bytes().to_vec()))).collect()
    }

    fn commit_with(
        repo: &Repo,
        key: &ssh_key::PrivateKey,
        base: Option<Oid>,
        edits: &BTreeMap<String, Edit>,
        parents: &[Oid],
    ) -> Oid {
        let sign = |data: &[u8]| sign_ssh(key, data);
        repo.commit(base, edits, parents, "test commit", "Alice", "alice@example.org", &sign).expect("commit")
    }

    fn git_present() -> bool {
        Command::new("git").arg("--version").output().map(|o| o.status.success()).unwrap_or(false)
    }

    fn setup(dir: &TempDir) -> (PathBuf, Repo, Repo) {
        let shared = dir.path().join("shared.git");
        Repo::create_shared(&shared).expect("shared");
        let a = Repo::init(&dir.path().join("a"), shared.to_str().expect("utf8")).expect("a");
        let b = Repo::init(&dir.path().join("b"), shared.to_str().expect("utf8")).expect("b");
        (shared, a, b)
    }

    #[test]
    fn two_members_share_and_race() {
        let dir = TempDir::new().expect("tmp");
        let (_shared, a, b) = setup(&dir);
        let key = key();
        assert_eq!(a.fetch().expect("fetch"), None);

        let c1 = commit_with(&a, &key, None, &put(&[("risk/ab/1.age", "one")]), &[]);
        a.set_head(c1).expect("head");
        assert_eq!(a.push().expect("push"), Pushed::Done);
        assert_eq!(a.origin_head().expect("origin"), Some(c1));

        assert_eq!(b.fetch().expect("fetch"), Some(c1));
        let t1 = b.tree_of(c1).expect("tree");
        assert_eq!(b.read(t1, "risk/ab/1.age").expect("read"), Some(b"one".to_vec()));
        b.set_head(c1).expect("head");

        // A moves on.
        let c2 = commit_with(&a, &key, Some(t1), &put(&[("risk/cd/2.age", "two")]), &[c1]);
        a.set_head(c2).expect("head");
        assert_eq!(a.push().expect("push"), Pushed::Done);

        // B commits on top of the older head: both push paths refuse it.
        let c3 = commit_with(&b, &key, Some(t1), &put(&[("risk/ef/3.age", "three")]), &[c1]);
        b.set_head(c3).expect("head");
        assert_eq!(b.push().expect("push"), Pushed::Rejected);
        let url = b.remote_url().expect("url");
        assert_eq!(b.push_via_transport(&url).expect("push"), Pushed::Rejected);

        // B fetches (now knows c2 but has not merged): still rejected by the transport path too.
        assert_eq!(b.fetch().expect("fetch"), Some(c2));
        assert_eq!(b.push_via_transport(&url).expect("push"), Pushed::Rejected);

        // Merge commit with both parents.
        let base = b.merge_base(c2, c3).expect("base");
        assert_eq!(base, Some(c1));
        let t3 = b.tree_of(c3).expect("tree");
        let merged_edits: BTreeMap<String, Edit> = b
            .diff(Some(t1), Some(b.tree_of(c2).expect("tree")))
            .expect("diff")
            .into_iter()
            .map(|ch| {
                let edit = match ch.new {
                    Some(id) => Edit::Put(b.blob(id).expect("blob")),
                    None => Edit::Remove,
                };
                (ch.path, edit)
            })
            .collect();
        let m = commit_with(&b, &key, Some(t3), &merged_edits, &[c3, c2]);
        b.set_head(m).expect("head");
        assert!(
            b.is_ancestor(c2, m).expect("anc")
                && b.is_ancestor(c3, m).expect("anc")
                && b.is_ancestor(m, m).expect("anc")
        );
        assert!(!b.is_ancestor(m, c2).expect("anc"));
        assert_eq!(b.push().expect("push"), Pushed::Done);

        assert_eq!(a.fetch().expect("fetch"), Some(m));
        let files: Vec<String> =
            a.files(a.tree_of(m).expect("tree")).expect("files").into_iter().map(|f| f.0).collect();
        assert_eq!(files, ["risk/ab/1.age", "risk/cd/2.age", "risk/ef/3.age"]);
        assert_eq!(a.commits(m).expect("commits").len(), 4);
        assert_eq!(a.commits(m).expect("commits")[0], m);

        // The transport path also pushes successfully (a fast-forward through libgit2's local transport).
        let c5 = commit_with(&a, &key, Some(a.tree_of(m).expect("tree")), &put(&[("x/y.age", "5")]), &[m]);
        a.set_head(c5).expect("head");
        assert_eq!(a.push_via_transport(&a.remote_url().expect("url")).expect("push"), Pushed::Done);
        assert_eq!(b.fetch().expect("fetch"), Some(c5));
        // Commits, fetches and both push paths write packs, never loose objects, on both sides.
        let stats = b.object_stats().expect("stats");
        assert_eq!((stats.local_loose, stats.remote_loose), (0, Some(0)), "{stats:?}");
        assert_eq!(a.object_stats().expect("stats").local_loose, 0);

        // Unreachable remote is an error with a readable message.
        let lost =
            Repo::init(&dir.path().join("lost"), dir.path().join("nowhere").to_str().expect("utf8")).expect("init");
        let err = lost.fetch().expect_err("unreachable");
        assert!(err.to_string().contains("cannot be reached"), "{err}");
    }

    #[test]
    fn remote_kinds_and_refusals() {
        assert_eq!(local_path("/srv/share/team.git"), Some(PathBuf::from("/srv/share/team.git")));
        assert_eq!(local_path("file:///srv/team.git"), Some(PathBuf::from("/srv/team.git")));
        assert_eq!(local_path("C:/share/team.git"), Some(PathBuf::from("C:/share/team.git")));
        assert_eq!(local_path("relative/dir"), Some(PathBuf::from("relative/dir")));
        assert_eq!(local_path("ssh://host/team.git"), None);
        assert_eq!(local_path("git@host:team.git"), None);
        assert!(is_race("rejected: non-fast-forward") && is_race("failed to lock"));
        assert!(!is_race("pre-receive hook declined"));
        let dir = TempDir::new().expect("tmp");
        let occupied = dir.path().join("occupied");
        fs::create_dir(&occupied).expect("mkdir");
        fs::write(occupied.join("file"), b"x").expect("write");
        let err = Repo::create_shared(&occupied).expect_err("not empty");
        assert!(err.to_string().contains("not empty"), "{err}");
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).expect("mkdir");
        Repo::create_shared(&empty).expect("empty folder is fine");
        let repo = Repo::open(&dir.path().join("missing")).expect_err("missing");
        assert!(repo.to_string().contains("cannot be opened"), "{repo}");
    }

    #[test]
    fn edits_nested_paths_and_diff() {
        let dir = TempDir::new().expect("tmp");
        let repo = Repo::init(&dir.path().join("r"), "/nonexistent/share").expect("init");
        let key = key();
        let edits = put(&[("a/b/c.age", "c"), ("a/b/d.age", "d"), ("a/e.age", "e"), ("top.age", "t")]);
        let c1 = commit_with(&repo, &key, None, &edits, &[]);
        let t1 = repo.tree_of(c1).expect("tree");
        let files: Vec<String> = repo.files(t1).expect("files").into_iter().map(|f| f.0).collect();
        assert_eq!(files, ["a/b/c.age", "a/b/d.age", "a/e.age", "top.age"]);
        assert_eq!(repo.read(t1, "a/b/d.age").expect("read"), Some(b"d".to_vec()));
        assert_eq!(repo.read(t1, "a/b").expect("read"), None);
        assert_eq!(repo.read(t1, "a/zz.age").expect("read"), None);

        let mut edits = BTreeMap::new();
        edits.insert("a/b/c.age".to_string(), Edit::Remove);
        edits.insert("a/b/d.age".to_string(), Edit::Remove);
        edits.insert("a/e.age".to_string(), Edit::Put(b"e2".to_vec()));
        edits.insert("n/m/o.age".to_string(), Edit::Put(b"o".to_vec()));
        edits.insert("gone/never.age".to_string(), Edit::Remove);
        let c2 = commit_with(&repo, &key, Some(t1), &edits, &[c1]);
        let t2 = repo.tree_of(c2).expect("tree");
        let tree = repo.repo.find_tree(t2).expect("tree");
        assert!(tree.get_path(Path::new("a/b")).is_err(), "emptied folder must disappear");
        assert!(tree.get_name("gone").is_none());
        let files: Vec<String> = repo.files(t2).expect("files").into_iter().map(|f| f.0).collect();
        assert_eq!(files, ["a/e.age", "n/m/o.age", "top.age"]);

        let mut changes = repo.diff(Some(t1), Some(t2)).expect("diff");
        changes.sort_by(|x, y| x.path.cmp(&y.path));
        let summary: Vec<(&str, bool, bool)> =
            changes.iter().map(|c| (c.path.as_str(), c.old.is_some(), c.new.is_some())).collect();
        assert_eq!(
            summary,
            [
                ("a/b/c.age", true, false),
                ("a/b/d.age", true, false),
                ("a/e.age", true, true),
                ("n/m/o.age", false, true)
            ]
        );
        let e = changes.iter().find(|c| c.path == "a/e.age").expect("e");
        assert_eq!(repo.blob(e.new.expect("new")).expect("blob"), b"e2");
        assert_eq!(repo.diff(None, Some(t1)).expect("diff").len(), 4);
        assert_eq!(repo.diff(Some(t2), None).expect("diff").len(), 3);

        // Removing everything gives the empty tree.
        let all: BTreeMap<String, Edit> = files.iter().map(|f| (f.clone(), Edit::Remove)).collect();
        let c3 = commit_with(&repo, &key, Some(t2), &all, &[c2]);
        assert!(repo.files(repo.tree_of(c3).expect("tree")).expect("files").is_empty());

        // Invalid paths are refused with a readable error.
        for bad in ["", "/a", "a//b", "a/", "a/../b", ".git/x", "a\\b"] {
            let sign = |d: &[u8]| sign_ssh(&key, d);
            let err = repo.commit(None, &put(&[(bad, "x")]), &[], "m", "n", "e@x", &sign).expect_err(bad);
            assert!(err.to_string().contains("invalid"), "{err}");
        }
        // A record and a folder of the same name in one commit.
        let sign = |d: &[u8]| sign_ssh(&key, d);
        assert!(repo.commit(None, &put(&[("a", "x"), ("a/b", "y")]), &[], "m", "n", "e@x", &sign).is_err());
        // Commits go to packs, not loose files.
        assert_eq!(repo.object_stats().expect("stats").local_loose, 0);
    }

    #[test]
    fn signatures_verify_and_tampering_fails() {
        let dir = TempDir::new().expect("tmp");
        let repo = Repo::init(&dir.path().join("r"), "/nonexistent/share").expect("init");
        let key = key();
        let c = commit_with(&repo, &key, None, &put(&[("a.age", "a")]), &[]);
        let (armored, data) = repo.signature_of(c).expect("sig").expect("signed");
        assert!(armored.starts_with("-----BEGIN SSH SIGNATURE-----"));
        assert!(verify_ssh(key.public_key(), &data, &armored));
        let mut tampered = data.clone();
        tampered[0] ^= 1;
        assert!(!verify_ssh(key.public_key(), &tampered, &armored));
        assert!(!verify_ssh(key.public_key(), &data, "garbage"));
        let other =
            ssh_key::PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519).expect("key");
        assert!(!verify_ssh(other.public_key(), &data, &armored));
        // Wrong namespace.
        let file_sig = key.sign("file", ssh_key::HashAlg::Sha512, &data).expect("sign");
        assert!(!verify_ssh(key.public_key(), &data, &file_sig.to_pem(ssh_key::LineEnding::LF).expect("pem")));

        // An unsigned commit has no signature.
        let sig = Signature::now("n", "e@x").expect("sig");
        let tree = repo.repo.find_tree(repo.tree_of(c).expect("tree")).expect("tree");
        let unsigned = repo.repo.commit(None, &sig, &sig, "plain", &tree, &[]).expect("commit");
        assert_eq!(repo.signature_of(unsigned).expect("sig"), None);
        // A failing signer aborts the commit.
        let fail = |_: &[u8]| Err("no key".to_string());
        let err = repo.commit(None, &put(&[("b", "b")]), &[], "m", "n", "e@x", &fail).expect_err("sign");
        assert!(err.to_string().contains("no key"));
    }

    #[test]
    fn git_verify_commit_accepts_signature() {
        if !git_present() {
            println!("git is not installed: the git verify-commit check was skipped");
            return;
        }
        let dir = TempDir::new().expect("tmp");
        let path = dir.path().join("r");
        let repo = Repo::init(&path, "/nonexistent/share").expect("init");
        let key = key();
        let c1 = commit_with(&repo, &key, None, &put(&[("a/b.age", "a")]), &[]);
        let c2 = commit_with(&repo, &key, Some(repo.tree_of(c1).expect("t")), &put(&[("c.age", "c")]), &[c1]);
        repo.set_head(c2).expect("head");
        let allowed = dir.path().join("allowed_signers");
        let public = key.public_key().to_openssh().expect("openssh");
        fs::write(&allowed, format!("alice@example.org namespaces=\"git\" {public}\n")).expect("write");
        for c in [c1, c2] {
            let out = Command::new("git")
                .arg("-C")
                .arg(&path)
                .args(["-c", "gpg.format=ssh", "-c"])
                .arg(format!("gpg.ssh.allowedSignersFile={}", allowed.display()))
                .args(["verify-commit", "-v", &c.to_string()])
                .output()
                .expect("git");
            assert!(out.status.success(), "git verify-commit failed: {}", String::from_utf8_lossy(&out.stderr));
        }
        let fsck = Command::new("git").arg("-C").arg(&path).args(["fsck", "--strict"]).output().expect("git");
        assert!(fsck.status.success(), "fsck: {}", String::from_utf8_lossy(&fsck.stderr));
    }

    #[test]
    fn pack_consolidates_both_sides() {
        let dir = TempDir::new().expect("tmp");
        let (shared, a, _b) = setup(&dir);
        let key = key();
        let mut head = None;
        let mut tree = None;
        for i in 0..100 {
            let edits = put(&[(&format!("risk/{:02x}/{i}.age", i % 7), &format!("record {i}"))]);
            let parents: Vec<Oid> = head.into_iter().collect();
            let c = commit_with(&a, &key, tree, &edits, &parents);
            a.set_head(c).expect("head");
            assert_eq!(a.push().expect("push"), Pushed::Done);
            head = Some(c);
            tree = Some(a.tree_of(c).expect("tree"));
        }
        // Loose objects from another tool (git itself writes loose objects).
        let other = Repository::open_bare(&shared).expect("open");
        let loose_blob = other.blob(b"written loose by someone else").expect("blob");
        let before = a.object_stats().expect("stats");
        assert!(before.local_packs >= 100 && before.remote_packs.expect("remote") >= 100, "{before:?}");
        assert_eq!(before.remote_loose, Some(1));
        let started = Instant::now();
        a.pack().expect("pack");
        println!("pack() of 100 commits on both sides: {:?}", started.elapsed());
        let after = a.object_stats().expect("stats");
        assert_eq!(a.loose_objects().expect("loose"), 0);
        assert_eq!((after.local_loose, after.local_packs), (0, 1), "{after:?}");
        assert_eq!((after.remote_loose, after.remote_packs), (Some(0), Some(1)), "{after:?}");
        assert!(other.find_blob(loose_blob).is_ok());
        // Still fully usable after packing (the handles see the new pack).
        let head = head.expect("head");
        assert_eq!(a.commits(head).expect("commits").len(), 100);
        assert_eq!(a.files(tree.expect("tree")).expect("files").len(), 100);
        a.pack().expect("second pack is a no-op");

        if git_present() {
            let fsck = Command::new("git").arg("-C").arg(&shared).args(["fsck", "--full"]).output().expect("git");
            assert!(fsck.status.success(), "fsck: {}", String::from_utf8_lossy(&fsck.stderr));
            let log =
                Command::new("git").arg("-C").arg(&shared).args(["log", "--format=%H", "main"]).output().expect("git");
            assert!(log.status.success());
            assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 100);
        } else {
            println!("git is not installed: the fsck and log checks were skipped");
        }
    }

    #[test]
    fn timing_commit_and_diff() {
        let dir = TempDir::new().expect("tmp");
        let repo = Repo::init(&dir.path().join("r"), "/nonexistent/share").expect("init");
        let key = key();
        let (files, edits_n) = std::env::var("REPO_TIMING")
            .ok()
            .and_then(|v| v.split_once(',').and_then(|(a, b)| Some((a.parse().ok()?, b.parse().ok()?))))
            .unwrap_or((20_000usize, 1_000usize));
        let path = |i: usize| format!("{}/{:02x}/{i:08}.age", ["risk", "asset", "control"][i % 3], (i * 7919) % 256);
        let initial: BTreeMap<String, Edit> =
            (0..files).map(|i| (path(i), Edit::Put(format!("record {i} {}", "x".repeat(200)).into_bytes()))).collect();
        let started = Instant::now();
        let c1 = commit_with(&repo, &key, None, &initial, &[]);
        let initial_time = started.elapsed();
        let t1 = repo.tree_of(c1).expect("tree");
        let edits: BTreeMap<String, Edit> = (0..edits_n)
            .map(|k| {
                let i = k * (files / edits_n);
                let edit = if k % 10 == 0 { Edit::Remove } else { Edit::Put(format!("changed {i}").into_bytes()) };
                (path(i), edit)
            })
            .collect();
        let started = Instant::now();
        let c2 = commit_with(&repo, &key, Some(t1), &edits, &[c1]);
        let commit_time = started.elapsed();
        let t2 = repo.tree_of(c2).expect("tree");
        let started = Instant::now();
        let changes = repo.diff(Some(t1), Some(t2)).expect("diff");
        let diff_time = started.elapsed();
        assert_eq!(changes.len(), edits_n);
        let started = Instant::now();
        let listed = repo.files(t2).expect("files");
        let files_time = started.elapsed();
        assert_eq!(listed.len(), files - edits_n / 10);
        println!(
            "timing: initial commit of {files} files {initial_time:?}; commit of {edits_n} edits {commit_time:?}; \
             diff {diff_time:?}; files() {files_time:?}"
        );
    }
}
