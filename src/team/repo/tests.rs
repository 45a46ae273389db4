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
        b.is_ancestor(c2, m).expect("anc") && b.is_ancestor(c3, m).expect("anc") && b.is_ancestor(m, m).expect("anc")
    );
    assert!(!b.is_ancestor(m, c2).expect("anc"));
    assert_eq!(b.push().expect("push"), Pushed::Done);

    assert_eq!(a.fetch().expect("fetch"), Some(m));
    let files: Vec<String> = a.files(a.tree_of(m).expect("tree")).expect("files").into_iter().map(|f| f.0).collect();
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
    let lost = Repo::init(&dir.path().join("lost"), dir.path().join("nowhere").to_str().expect("utf8")).expect("init");
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
        [("a/b/c.age", true, false), ("a/b/d.age", true, false), ("a/e.age", true, true), ("n/m/o.age", false, true)]
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
    let other = ssh_key::PrivateKey::random(&mut ssh_key::rand_core::OsRng, ssh_key::Algorithm::Ed25519).expect("key");
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

/// One commit per number in `range`, each adding one record on top of `head` and pushed at once (one pack each, as
/// a sync writes them): the new head and its tree.
fn commit_and_push(
    a: &Repo,
    key: &ssh_key::PrivateKey,
    range: std::ops::Range<usize>,
    mut head: Option<Oid>,
    mut tree: Option<Oid>,
) -> (Option<Oid>, Option<Oid>) {
    for i in range {
        let edits = put(&[(&format!("risk/{:02x}/{i}.age", i % 7), &format!("record {i}"))]);
        let parents: Vec<Oid> = head.into_iter().collect();
        let c = commit_with(a, key, tree, &edits, &parents);
        a.set_head(c).expect("head");
        assert_eq!(a.push().expect("push"), Pushed::Done);
        head = Some(c);
        tree = Some(a.tree_of(c).expect("tree"));
    }
    (head, tree)
}

#[test]
fn pack_consolidates_both_sides() {
    let dir = TempDir::new().expect("tmp");
    let (shared, a, _b) = setup(&dir);
    let key = key();
    let (head, tree) = commit_and_push(&a, &key, 0..100, None, None);
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

    // What a sync does: the small packs of 20 more commits become one beside the large one, which stays as it was.
    let big = after;
    let (head, tree) = commit_and_push(&a, &key, 100..120, Some(head), tree);
    a.pack_if_due().expect("pack the small ones");
    let now = a.object_stats().expect("stats");
    assert_eq!((now.local_loose, now.local_packs), (0, big.local_packs + 1), "{now:?}");
    assert_eq!((now.remote_loose, now.remote_packs), (Some(0), Some(2)), "{now:?}");
    assert_eq!(a.files(tree.expect("tree")).expect("files").len(), 120);
    assert_eq!(a.commits(head.expect("head")).expect("commits").len(), 120);

    if git_present() {
        let fsck = Command::new("git").arg("-C").arg(&shared).args(["fsck", "--full"]).output().expect("git");
        assert!(fsck.status.success(), "fsck: {}", String::from_utf8_lossy(&fsck.stderr));
        let log =
            Command::new("git").arg("-C").arg(&shared).args(["log", "--format=%H", "main"]).output().expect("git");
        assert!(log.status.success());
        assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 120);
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

/// libgit2 takes `shallow.lock` in the local repository while it downloads, and never removes a lock it did not
/// make: a sync killed while fetching left one that made every later fetch fail ("failed to lock file …
/// shallow.lock"), so that the team seemed out of reach for good. A lock left that way is cleared like a stale ref
/// lock, and the fetch goes on.
#[test]
fn a_fetch_goes_past_the_lock_a_killed_fetch_left() {
    let dir = TempDir::new().expect("tmp");
    let (_shared, a, b) = setup(&dir);
    let key = key();
    let c = commit_with(&a, &key, None, &put(&[("x.age", "x")]), &[]);
    a.set_head(c).expect("head");
    assert_eq!(a.push().expect("push"), Pushed::Done);
    let lock = b.repo.path().join("shallow.lock");
    fs::write(&lock, b"").expect("a lock left by a killed fetch");
    assert_eq!(b.fetch().expect("fetch past the stale lock"), Some(c));
    assert!(!lock.exists(), "the stale lock is gone");
}
