#![cfg(unix)]
//! Crash safety of team sync: "a sync killed with SIGKILL at random points leaves the workspace and the repository
//! consistent, and the next sync completes".
//!
//! Two laptops, A and B, share a bare repository in a temporary folder. Each round both change records (a new risk
//! each, both the same field of one risk, a field of a risk of their own), then `assay --db X sync` is started and
//! killed with SIGKILL after a delay taken from a fixed-seed sequence that spans nothing at all to the time a full
//! sync takes (most of it past the start, which is mostly the key's derivation: see [`Laptop::sync_run`]), so that
//! the kills land before the commit, inside the merge's transaction, before and after the push. The sync run right
//! after must complete. At the end both laptops hold the same records, every round's changes, `assay verify` passes
//! on both and `git fsck --strict` on the share and both clones (when git is installed). Each kill's line on stderr
//! (`--nocapture`) says where the sync stopped and what it left in the repositories.
//!
//! A kill inside libgit2's ref lock lasts microseconds and is rarely hit by timing alone, so
//! [`a_lock_left_by_a_killed_sync_does_not_stop_the_next_one`] plants what such a kill leaves.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use assay::domain::Value;
use assay::store::team as st;
use assay::store::{Store, Table, ids};
use common::bin::{assay_with_passphrase, command, stderr, stdout};
use uuid::Uuid;

const PASS: &str = "field audit passphrase 2026";

// The kill delays come from a fixed seed, so that a failure replays (ASSAY_TEAM_CRASH_SEED overrides it).
use common::Rng;

/// `n` points in [0, 1), one in each n-th, shuffled: every part of a sync gets a kill, in no particular order.
fn kill_points(rng: &mut Rng, n: usize) -> Vec<f64> {
    let mut points: Vec<f64> = (0..n).map(|i| (i as f64 + rng.unit()) / n as f64).collect();
    for i in (1..n).rev() {
        points.swap(i, (rng.next() % (i as u64 + 1)) as usize);
    }
    points
}

/// The share of the kill points spent on the start (the process starting and opening the workspace, the key's
/// derivation mostly, where nothing of the sync has happened yet); the others go to the sync's own work.
const EARLY: f64 = 0.15;

/// One laptop: its workspace file, its name, how long the start of its last full sync took (until the sync had a
/// file of a team repository open), and how long a full sync's own work after that takes (see [`Laptop::sync`]).
struct Laptop {
    dir: PathBuf,
    db: String,
    name: &'static str,
    start: Duration,
    work: Duration,
}

/// How a sync run went: its output (None when it was killed), when its git work began, how long it took.
struct Run {
    out: Option<Output>,
    began: Option<Duration>,
    took: Duration,
}

/// Whether process `pid` has a file of a team repository open (a pack, the share's config): its sync's git work has
/// begun. Linux only (/proc); elsewhere the start is estimated from the start's time measured before.
fn in_git_work(pid: u32) -> bool {
    let Ok(fds) = std::fs::read_dir(format!("/proc/{pid}/fd")) else { return false };
    fds.flatten().any(|fd| {
        std::fs::read_link(fd.path()).is_ok_and(|p| {
            let p = p.to_string_lossy();
            p.contains(".db.team/") || p.contains("share.git/")
        })
    })
}

impl Laptop {
    fn path(&self) -> PathBuf {
        self.dir.join(&self.db)
    }

    /// The workspace, opened in this process; drop it before the binary needs the file.
    fn open(&self) -> Store {
        Store::open_with_key(&self.path(), self.name, Some(PASS)).expect("open the workspace")
    }

    fn run(&self, args: &[&str]) -> Output {
        let mut all = vec!["--db", self.db.as_str()];
        all.extend_from_slice(args);
        assay_with_passphrase(&self.dir, &all, Some(PASS))
    }

    /// `assay sync`, killed with SIGKILL when `kill` (a point of the sequence) says. A point below [`EARLY`] is a
    /// delay into the start; the others are a delay after the git work began, up to a little past the time the last
    /// full sync's work took: the kills land before the commit, in the merge's transaction, before and after the
    /// push. Timing from the git work's beginning keeps them there when the machine is busy and the start slow.
    fn sync_run(&self, kill: Option<f64>) -> Run {
        let started = Instant::now();
        let mut child = command(&self.dir, &["--db", &self.db, "sync"])
            .env("ASSAY_PASSPHRASE", PASS)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start assay sync");
        let proc_fs = Path::new("/proc/self/fd").exists();
        let mut began = None;
        let mut killed = false;
        while child.try_wait().expect("poll the sync").is_none() {
            let now = started.elapsed();
            if began.is_none() && (in_git_work(child.id()) || (!proc_fs && now >= self.start)) {
                began = Some(now);
            }
            let due = match (kill, began) {
                (Some(p), _) if p < EARLY => Some(self.start.mul_f64(p / EARLY)),
                (Some(p), Some(b)) => Some(b + self.work.mul_f64(1.1 * (p - EARLY) / (1.0 - EARLY))),
                _ => None,
            };
            match due {
                Some(due) if now >= due => {
                    child.kill().expect("SIGKILL");
                    killed = true;
                    break;
                }
                // Waiting for the moment: sleep up to it, a millisecond at a time so that an early end is seen.
                Some(due) => std::thread::sleep((due - now).min(Duration::from_millis(1))),
                // Watching for the git work to begin.
                None => std::thread::sleep(Duration::from_micros(300)),
            }
        }
        let out = child.wait_with_output().expect("wait for the sync");
        Run { out: (!killed).then_some(out), began, took: started.elapsed() }
    }

    /// A sync that must complete; its timing is kept for the next kill.
    fn sync(&mut self, why: &str) -> String {
        let run = self.sync_run(None);
        let out = run.out.expect("not killed");
        assert!(
            out.status.success(),
            "{}: sync ({why}) failed with {:?}\nstdout: {}\nstderr: {}\nleft in the repositories: {:?}",
            self.name,
            out.status.code(),
            stdout(&out),
            stderr(&out),
            leftovers(&self.dir),
        );
        // The start as it was last; the work as long as it was, or slowly shorter (a sync after a kill may have little
        // left to do, and a busy machine makes one slow now and then), so that the kills spread over a whole sync's.
        let began = run.began.unwrap_or(run.took);
        let work = run.took - began;
        (self.start, self.work) = (began, (self.work.mul_f64(0.75) + work.mul_f64(0.25)).max(work));
        stdout(&out)
    }
}

fn text(s: &str) -> Value {
    Value::text(s)
}

fn row(store: &Store, table: Table, uuid: &Uuid) -> i64 {
    ids::row_of(store.conn(), table, uuid).expect("row").expect("present")
}

fn insert(store: &mut Store, table: Table, values: &[(&str, Value)]) -> Uuid {
    let id = store.write(|w| w.insert(table, values)).expect("insert");
    ids::of(store.conn(), table, id).expect("uuid").expect("has one")
}

fn update(store: &mut Store, table: Table, uuid: &Uuid, values: &[(&str, Value)]) {
    let id = row(store, table, uuid);
    store.write(|w| w.update(table, id, values)).expect("update");
}

fn records(store: &Store) -> Vec<String> {
    common::workspace::team_records(store)
}

fn field(store: &Store, table: Table, uuid: &Uuid, name: &str) -> serde_json::Value {
    st::export(store.conn(), table, uuid).expect("export").expect("record")[name].clone()
}

/// What a kill can leave in a repository's folder: lock files, temporary packs, an index without its pack or a pack
/// without its index. The workspace's own lock (`a.db.lock`, beside the workspace) is not in these folders.
fn leftovers(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for repo in ["share.git", "a.db.team", "b.db.team"] {
        let root = dir.join(repo);
        let mut stack = vec![root.clone()];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let name = e.file_name().to_string_lossy().to_string();
                let orphan = |own: &str, other: &str| {
                    name.strip_suffix(own).is_some_and(|stem| !d.join(format!("{stem}{other}")).exists())
                };
                if name.ends_with(".lock")
                    || name.starts_with("pack_git2_")
                    || name.starts_with("tmp_")
                    || orphan(".idx", ".pack")
                    || orphan(".pack", ".idx")
                {
                    out.push(format!("{repo}/{}", p.strip_prefix(&root).expect("inside").display()));
                }
            }
        }
    }
    out.sort();
    out
}

/// Where a killed sync stopped, as the workspace and the repositories show it: changes not committed yet, the local
/// branch against the last merge the workspace holds (`synced_commit`; the branch is past it after a commit of
/// local changes), and whether the share has the branch.
fn phase(l: &Laptop) -> String {
    let store = l.open();
    let b = st::binding(store.conn()).expect("binding").expect("bound");
    let (pending, _) = st::changed_since(store.conn(), b.synced_through).expect("changes");
    drop(store);
    let clone = git2::Repository::open_bare(l.dir.join(format!("{}.team", l.db))).expect("clone");
    let head = clone.refname_to_id("refs/heads/main").ok();
    let share = git2::Repository::open_bare(l.dir.join("share.git")).expect("share");
    let shared = share.refname_to_id("refs/heads/main").ok();
    let kept = b.synced_commit.as_deref().and_then(|c| git2::Oid::from_str(c).ok());
    let after = |a: Option<git2::Oid>, b: Option<git2::Oid>| match (a, b) {
        (Some(a), Some(b)) => clone.graph_descendant_of(a, b).unwrap_or(false),
        _ => false,
    };
    let branch = if head == kept {
        "branch at the last merge"
    } else if after(head, kept) {
        "branch past the last merge"
    } else if after(kept, head) {
        "MERGE KEPT, BRANCH NOT MOVED"
    } else {
        "branch and last merge apart"
    };
    let pushed = if shared == head { "pushed" } else { "not pushed" };
    let pending = if pending.is_empty() { String::new() } else { format!("{} changes not committed, ", pending.len()) };
    format!("{pending}{branch}, {pushed}")
}

/// `git fsck --strict` on a repository, when git is installed.
fn fsck(repo: &Path) {
    let Ok(out) =
        Command::new("git").args(["-C", &repo.to_string_lossy(), "fsck", "--strict", "--no-dangling"]).output()
    else {
        eprintln!("git is not installed: git fsck --strict of {} skipped", repo.display());
        return;
    };
    assert!(
        out.status.success(),
        "git fsck --strict {}: {}{}",
        repo.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Conflicts listed twice: the same kind, record, field and values, merged twice.
fn duplicate_conflicts(store: &Store) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut twice = Vec::new();
    for c in st::conflicts(store.conn(), true).expect("conflicts") {
        let key = format!("{} {} {} {:?} {:?} {:?}", c.kind, c.table.name(), c.uuid, c.field, c.kept, c.other);
        if !seen.insert(key.clone()) {
            twice.push(key);
        }
    }
    twice
}

/// The two laptops bound to one team (A started it, B joined and was admitted and has synced), through the binary.
/// A holds an engagement with two risks; returns the laptops, the engagement and the two risks.
fn team_of_two(dir: &Path) -> (Laptop, Laptop, Uuid, Uuid, Uuid) {
    let laptop =
        |db: &str, name| Laptop { dir: dir.into(), db: db.into(), name, start: Duration::ZERO, work: Duration::ZERO };
    let (mut a, mut b) = (laptop("a.db", "Ana"), laptop("b.db", "Ben"));
    let (eng, shared, own) = {
        let mut s = a.open();
        let eng = insert(&mut s, Table::Engagement, &[("name", text("Payroll outsourcing"))]);
        let e = Value::Int(row(&s, Table::Engagement, &eng));
        let shared =
            insert(&mut s, Table::Risk, &[("engagement_id", e.clone()), ("title", text("Leak of payroll data"))]);
        let own = insert(&mut s, Table::Risk, &[("engagement_id", e), ("title", text("Provider insolvency"))]);
        (eng, shared, own)
    };
    drop(b.open());

    let ok = |l: &Laptop, args: &[&str]| {
        let out = l.run(args);
        assert!(out.status.success(), "{} {args:?}: {}{}", l.name, stdout(&out), stderr(&out));
    };
    ok(&a, &["team", "init", "share.git", "--name", "Ana"]);
    ok(&b, &["team", "join", "share.git", "--name", "Ben"]);
    let device = st::binding(b.open().conn()).expect("binding").expect("bound").device;
    ok(&a, &["team", "members", "--admit", &device[..8]]);
    b.sync("first");
    a.sync("first");
    (a, b, eng, shared, own)
}

#[test]
fn a_sync_killed_at_any_point_leaves_both_sides_consistent_and_the_next_sync_completes() {
    let started = Instant::now();
    let seed = std::env::var("ASSAY_TEAM_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(20_261_101);
    let rounds: usize = std::env::var("ASSAY_TEAM_CRASH_ROUNDS").ok().and_then(|s| s.parse().ok()).unwrap_or(10);
    eprintln!("team crash test: seed {seed} (ASSAY_TEAM_CRASH_SEED replays it), {rounds} rounds");
    let mut rng = Rng(seed);
    let points = kill_points(&mut rng, 2 * rounds);

    let tmp = tempfile::tempdir().expect("dir");
    let dir = tmp.path();
    let (mut a, mut b, eng, shared, _) = team_of_two(dir);
    // Each laptop's own risk, whose plan only that laptop changes: its last value must be everywhere at the end.
    let mut own_risks = [Uuid::nil(); 2];
    let mut titles = Vec::new();
    let mut finished_first = 0;

    for round in 0..rounds {
        for (i, laptop) in [&mut a, &mut b].into_iter().enumerate() {
            let tag = format!("{}{round}", laptop.name);
            {
                let mut s = laptop.open();
                let e = Value::Int(row(&s, Table::Engagement, &eng));
                // A new risk each (the same short number on both: renumbered at the merge), both change one field of
                // the shared risk (a field conflict), and each its own risk's plan.
                let title = format!("Risk added by {tag}");
                insert(&mut s, Table::Risk, &[("engagement_id", e.clone()), ("title", text(&title))]);
                titles.push(title);
                update(&mut s, Table::Risk, &shared, &[("owner", text(&format!("owner by {tag}")))]);
                if own_risks[i].is_nil() {
                    own_risks[i] = insert(
                        &mut s,
                        Table::Risk,
                        &[("engagement_id", e), ("title", text(&format!("{} own", laptop.name)))],
                    );
                }
                update(&mut s, Table::Risk, &own_risks[i], &[("plan", text(&format!("plan {tag}")))]);
            }

            let point = points[2 * round + i];
            let (start, work) = (laptop.start, laptop.work);
            let run = laptop.sync_run(Some(point));
            let outcome = match &run.out {
                None => "killed".to_string(),
                Some(out) => {
                    finished_first += 1;
                    assert!(out.status.success(), "{tag}: the sync ended by itself and failed: {}", stderr(out));
                    "ended before the kill".to_string()
                }
            };
            let when = match run.began {
                Some(b) => format!("{} ms into the git work", run.took.saturating_sub(b).as_millis()),
                None => "before the git work".into(),
            };
            let (left, stopped) = (leftovers(dir), phase(laptop));
            let before = Instant::now();
            laptop.sync(&format!("after the kill at point {point:.2}, {when}"));
            eprintln!(
                "round {round} {}: point {point:.2}, at {} ms, {when} (start {} ms, work {} ms): {outcome} ({stopped}); \
                 left {left:?}; next sync {} ms",
                laptop.name,
                run.took.as_millis(),
                start.as_millis(),
                work.as_millis(),
                before.elapsed().as_millis()
            );
        }
    }

    // Quiet: sync both until a sync on each moves nothing.
    let mut quiet = false;
    for _ in 0..4 {
        let (sa, sb) = (a.sync("to settle"), b.sync("to settle"));
        if sa.contains("synced: 0 sent, 0 received") && sb.contains("synced: 0 sent, 0 received") {
            quiet = true;
            break;
        }
    }
    assert!(quiet, "the two laptops kept exchanging records");

    let (sa, sb) = (a.open(), b.open());
    let (ra, rb) = (records(&sa), records(&sb));
    assert_eq!(ra, rb, "the two workspaces differ after the last sync");
    for title in &titles {
        assert!(ra.iter().any(|r| r.contains(&format!("\"title\":\"{title}\""))), "{title} was lost");
    }
    let last = rounds - 1;
    for (own, name) in own_risks.iter().zip(["Ana", "Ben"]) {
        for s in [&sa, &sb] {
            assert_eq!(field(s, Table::Risk, own, "plan"), format!("plan {name}{last}"), "{name}'s last plan was lost");
        }
    }
    let owner = field(&sa, Table::Risk, &shared, "owner");
    assert!(
        owner == format!("owner by Ana{last}") || owner == format!("owner by Ben{last}"),
        "the shared risk's owner is neither laptop's last value: {owner}"
    );
    // A kill between the merge's transaction and the branch's move does not make the next sync merge the same
    // changes again (the branch moves to the merge the workspace holds first): no conflict is listed twice.
    for (s, name) in [(&sa, "Ana"), (&sb, "Ben")] {
        let twice = duplicate_conflicts(s);
        assert!(twice.is_empty(), "{name} lists conflicts twice: {twice:#?}");
    }
    drop((sa, sb));

    for l in [&a, &b] {
        let v = l.run(&["verify"]);
        assert!(v.status.success(), "{}: assay verify: {}{}", l.name, stdout(&v), stderr(&v));
    }
    for repo in ["share.git", "a.db.team", "b.db.team"] {
        fsck(&dir.join(repo));
    }
    eprintln!(
        "{} kills, {finished_first} syncs ended before their kill; left at the end: {:?}; {:.1} s in all",
        2 * rounds,
        leftovers(dir),
        started.elapsed().as_secs_f64()
    );
}

/// What a kill inside libgit2's ref lock leaves (a `*.lock` beside the ref, which libgit2 never removes) must not stop
/// the next sync: the local branch, the remote-tracking ref and the share's main, all locked by a process that died.
#[test]
fn a_lock_left_by_a_killed_sync_does_not_stop_the_next_one() {
    let tmp = tempfile::tempdir().expect("dir");
    let dir = tmp.path();
    let (mut a, mut b, eng, _, _) = team_of_two(dir);
    {
        let mut s = a.open();
        let e = Value::Int(row(&s, Table::Engagement, &eng));
        insert(&mut s, Table::Risk, &[("engagement_id", e), ("title", text("Added after the crash"))]);
    }
    // A ref lock as libgit2 leaves it when killed between writing it and renaming it over the ref.
    let planted = [
        "a.db.team/refs/heads/main.lock",
        "a.db.team/refs/remotes/origin/main.lock",
        "share.git/refs/heads/main.lock",
        "b.db.team/refs/heads/main.lock",
    ];
    for lock in planted {
        std::fs::write(dir.join(lock), format!("{}\n", "0".repeat(40))).expect("plant a lock");
    }
    a.sync("with stale ref locks");
    let share = assay::team::repo::Repo::open(&dir.join("share.git")).expect("share");
    let clone = assay::team::repo::Repo::open(&dir.join("a.db.team")).expect("clone");
    assert_eq!(share.head().expect("share main"), clone.head().expect("local main"), "A's sync was not pushed");
    b.sync("with a stale ref lock");
    let (sa, sb) = (a.open(), b.open());
    assert_eq!(records(&sa), records(&sb));
    assert!(records(&sb).iter().any(|r| r.contains("Added after the crash")));
    drop((sa, sb));
    for lock in planted {
        assert!(!dir.join(lock).exists(), "{lock} is still there");
    }
    for repo in ["share.git", "a.db.team", "b.db.team"] {
        fsck(&dir.join(repo));
    }
}

/// What a push killed while writing its pack leaves on the share: libgit2 writes the pack and its index under
/// temporary names (`pack_git2_<random>`, its index's lock `pack_git2_<random>idx.lock`), renames the index into place
/// and then the pack, so a kill leaves half-written temporary files, or an index without its pack. None of it may stop
/// the next push of the same objects (same pack name), git must find the share sound afterwards, and a repack
/// removes the leftovers once they are old.
#[test]
fn what_a_killed_pack_write_leaves_neither_stops_the_next_push_nor_stays() {
    use assay::team::repo::{Edit, Pushed, Repo};
    let tmp = tempfile::tempdir().expect("dir");
    let share = tmp.path().join("share.git");
    Repo::create_shared(&share).expect("share");
    let local = Repo::init(&tmp.path().join("a"), &share.to_string_lossy()).expect("clone");
    let keys = assay::team::keys::Keys::generate("Ana").expect("keys");
    let sign = |d: &[u8]| keys.sign(d);
    let edits: std::collections::BTreeMap<String, Edit> =
        [("records/risk/ab/1.age".to_string(), Edit::Put(b"one".to_vec()))].into();
    let c = local.commit(None, &edits, &[], "first", "Ana", "ana@assay.invalid", &sign).expect("commit");
    local.set_head(c).expect("head");
    let packs = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir.join("objects/pack"))
            .map(|entries| entries.flatten().map(|e| e.file_name().to_string_lossy().to_string()).collect())
            .unwrap_or_default()
    };
    let before = packs(&share);
    assert_eq!(local.push().expect("push"), Pushed::Done);
    let idx = packs(&share).difference(&before).find(|n| n.ends_with(".idx")).cloned().expect("a new pack");

    // The share as a push killed between the index's rename and the pack's leaves it (main not moved, the index
    // without its pack), with the temporary files of an earlier killed push beside it.
    let pack_dir = share.join("objects/pack");
    std::fs::remove_file(pack_dir.join(idx.replace(".idx", ".pack"))).expect("the pack not renamed yet");
    std::fs::write(pack_dir.join("pack_git2_0123456789abcdef"), b"PACK\0\0\0\x02").expect("half a pack");
    std::fs::write(pack_dir.join("pack_git2_0123456789abidx.lock"), b"\xfftOc").expect("half an index");
    std::fs::remove_file(share.join("refs/heads/main")).expect("main not moved yet");
    assert_eq!(Repo::open(&share).expect("share").head().expect("main"), None);

    assert_eq!(local.push().expect("the next push"), Pushed::Done);
    assert_eq!(Repo::open(&share).expect("share").head().expect("main"), Some(c));
    assert!(pack_dir.join(idx.replace(".idx", ".pack")).exists(), "{:?}", packs(&share));
    fsck(&share);

    // A repack gives the space back once the leftovers are an hour old, and leaves younger ones (a push going on).
    let young = pack_dir.join("pack_git2_fedcba9876543210");
    std::fs::write(&young, b"PACK").expect("a pack being written");
    let orphan = pack_dir.join(format!("pack-{}.idx", "1".repeat(40)));
    std::fs::copy(pack_dir.join(&idx), &orphan).expect("an index whose pack never came");
    let hours_ago = std::time::SystemTime::now() - Duration::from_secs(2 * 3600);
    for old in ["pack_git2_0123456789abcdef", "pack_git2_0123456789abidx.lock"]
        .map(|n| pack_dir.join(n))
        .iter()
        .chain([&orphan])
    {
        std::fs::File::options().write(true).open(old).expect("leftover").set_modified(hours_ago).expect("age it");
    }
    local.pack().expect("pack");
    let left = packs(&share);
    assert!(
        left.iter().all(|n| !n.contains("0123456789ab") && *n != orphan.file_name().expect("name").to_string_lossy()),
        "{left:?}"
    );
    assert!(young.exists(), "a young temporary pack was removed");
    fsck(&share);
}

/// A kill after the merge's transaction committed in the workspace and before the local branch moved to the merge
/// commit, replayed exactly: the branch (and what the last fetch saw) set back to where they were. The next sync must
/// not merge the same changes a second time (listing every conflict twice) and both laptops must end equal.
#[test]
fn a_merge_kept_in_the_workspace_but_not_on_the_branch_is_not_merged_twice() {
    let tmp = tempfile::tempdir().expect("dir");
    let dir = tmp.path();
    let (mut a, mut b, eng, shared, _) = team_of_two(dir);
    for (l, who) in [(&b, "Ben"), (&a, "Ana")] {
        let mut s = l.open();
        let e = Value::Int(row(&s, Table::Engagement, &eng));
        insert(&mut s, Table::Risk, &[("engagement_id", e), ("title", text(&format!("Risk added by {who}")))]);
        update(&mut s, Table::Risk, &shared, &[("owner", text(&format!("owner by {who}")))]);
    }
    b.sync("Ben's changes");
    a.sync("the merge");
    let clone = git2::Repository::open_bare(dir.join("a.db.team")).expect("A's clone");
    let merge = clone.refname_to_id("refs/heads/main").expect("main");
    let parents: Vec<git2::Oid> = clone.find_commit(merge).expect("merge").parent_ids().collect();
    assert_eq!(parents.len(), 2, "A's sync made a merge commit");
    let conflicts_before = st::conflicts(a.open().conn(), true).expect("conflicts").len();
    assert!(conflicts_before >= 2, "a field conflict and a renumbering");

    clone.reference("refs/heads/main", parents[0], true, "replay a kill").expect("branch back");
    clone.reference("refs/remotes/origin/main", parents[1], true, "replay a kill").expect("tracking back");
    let share = git2::Repository::open_bare(dir.join("share.git")).expect("share");
    share.reference("refs/heads/main", parents[1], true, "replay a kill").expect("share back");

    a.sync("after the kill");
    let after = a.open();
    assert_eq!(duplicate_conflicts(&after), Vec::<String>::new(), "A merged the same changes twice");
    assert_eq!(st::conflicts(after.conn(), true).expect("conflicts").len(), conflicts_before);
    drop(after);
    b.sync("to settle");
    a.sync("to settle");
    assert_eq!(records(&a.open()), records(&b.open()));
}
