//! Team work end to end: three encrypted workspaces on one machine, a bare repository in a temporary folder as the
//! file share. Each assessor works offline, they sync in different orders, and all three end with the same
//! records, the conflicts listed, the history verifying and every commit signed.

use std::path::{Path, PathBuf};

use assay::domain::Value;
use assay::store::team as st;
use assay::store::{Store, Table, ids};
use assay::team;

mod common;

struct Laptop {
    path: PathBuf,
    store: Store,
}

impl Laptop {
    fn new(dir: &Path, name: &str) -> Laptop {
        let path = dir.join(format!("{name}.db"));
        let store = Store::open_with_key(&path, name, Some(&format!("pass-{name}"))).expect("workspace");
        Laptop { path, store }
    }

    fn at(&mut self, when: &str) -> &mut Self {
        self.store.set_fixed_now(Some(when));
        self
    }

    fn sync(&mut self) -> team::Report {
        team::sync(&mut self.store, &self.path).unwrap_or_else(|e| panic!("sync of {}: {e}", self.path.display()))
    }

    fn device(&self) -> String {
        st::binding(self.store.conn()).expect("binding").expect("bound").device
    }

    fn id(&self, table: Table, uuid: &uuid::Uuid) -> Option<i64> {
        ids::row_of(self.store.conn(), table, uuid).expect("row")
    }

    fn field(&self, table: Table, uuid: &uuid::Uuid, field: &str) -> serde_json::Value {
        st::export(self.store.conn(), table, uuid).expect("export").expect("record")[field].clone()
    }

    fn update(&mut self, table: Table, uuid: &uuid::Uuid, values: &[(&str, Value)]) {
        let id = self.id(table, uuid).expect("present");
        self.store.write(|w| w.update(table, id, values)).expect("update");
    }

    fn insert(&mut self, table: Table, values: &[(&str, Value)]) -> uuid::Uuid {
        let id = self.store.write(|w| w.insert(table, values)).expect("insert");
        ids::of(self.store.conn(), table, id).expect("uuid").expect("has one")
    }

    fn delete(&mut self, table: Table, uuid: &uuid::Uuid) {
        let id = self.id(table, uuid).expect("present");
        self.store.write(|w| w.delete(table, id)).expect("delete");
    }

    fn records(&self) -> Vec<String> {
        common::workspace::team_records(&self.store)
    }

    fn verify_clean(&self) {
        let opts = assay::store::verify::Options { chain_key: self.store.chain_key().copied(), ..Default::default() };
        let report = assay::store::verify::verify_with(self.store.conn(), opts).expect("verify");
        assert!(report.findings.is_empty(), "{}: {:?}", self.path.display(), report.findings);
    }
}

fn text(s: &str) -> Value {
    Value::text(s)
}

#[test]
fn three_laptops_merge_into_one_register_with_every_conflict_listed() {
    let dir = tempfile::tempdir().expect("dir");
    let share = dir.path().join("share.git");
    let share_arg = share.to_string_lossy().to_string();
    let (mut ana, mut ben, mut carla) =
        (Laptop::new(dir.path(), "ana"), Laptop::new(dir.path(), "ben"), Laptop::new(dir.path(), "carla"));

    // Ana's engagement: two risks and two providers, one with a team member.
    ana.at("2026-11-01T09:00:00Z");
    let eng = ana.insert(Table::Engagement, &[("name", text("Payroll outsourcing"))]);
    let e = ana.id(Table::Engagement, &eng).expect("engagement");
    let r1 = ana.insert(
        Table::Risk,
        &[("engagement_id", Value::Int(e)), ("title", text("Leak of payroll data")), ("likelihood", Value::Int(2))],
    );
    let r2 = ana.insert(Table::Risk, &[("engagement_id", Value::Int(e)), ("title", text("Provider insolvency"))]);
    let p1 = ana.insert(Table::Provider, &[("engagement_id", Value::Int(e)), ("name", text("Acme Payroll"))]);
    let p2 = ana.insert(Table::Provider, &[("engagement_id", Value::Int(e)), ("name", text("Globex"))]);
    let p1_id = ana.id(Table::Provider, &p1).expect("p1");
    ana.insert(Table::TeamMember, &[("provider_id", Value::Int(p1_id)), ("name", text("Dora Díaz"))]);

    let started = team::init(&mut ana.store, &ana.path, &share_arg, "Ana").expect("init");
    assert!(started.shared && started.sent >= 6, "{started:?}");

    // Ben and Carla ask to join; until admitted they can bring nothing in.
    ben.at("2026-11-01T10:00:00Z");
    carla.at("2026-11-01T10:00:00Z");
    team::join(&mut ben.store, &ben.path, &share_arg, "Ben").expect("join");
    team::join(&mut carla.store, &carla.path, &share_arg, "Carla").expect("join");
    let refused = team::sync(&mut ben.store, &ben.path).expect_err("not admitted");
    assert!(refused.0.contains("not admitted yet"), "{refused}");
    let asking = team::members(&ana.store, &ana.path).expect("members");
    assert_eq!(asking.iter().filter(|a| a.admitted).count(), 1);

    let (bd, cd) = (ben.device(), carla.device());
    team::admit(&mut ana.store, &ana.path, &bd[..8], true).expect("admit ben");
    team::admit(&mut ana.store, &ana.path, &cd[..8], true).expect("admit carla");
    let members = team::members(&ana.store, &ana.path).expect("members");
    assert_eq!(members.iter().filter(|a| a.admitted).count(), 3, "{members:?}");

    let got = ben.sync();
    assert!(got.received >= 6, "{got:?}");
    carla.sync();
    assert_eq!(ben.records(), ana.records());
    assert_eq!(carla.records(), ana.records());

    // Offline work.
    // Different fields of one risk: Ana the title, Ben the owner.
    ana.at("2026-11-02T09:00:00Z").update(Table::Risk, &r1, &[("title", text("Leak of payroll records"))]);
    ben.at("2026-11-02T09:05:00Z").update(Table::Risk, &r1, &[("owner", text("Ben"))]);
    // The same field: Ben at 09:10, Carla later at 11:00; Carla's value wins, Ben's is set aside.
    ben.at("2026-11-02T09:10:00Z").update(Table::Risk, &r1, &[("likelihood", Value::Int(3))]);
    carla.at("2026-11-02T11:00:00Z").update(Table::Risk, &r1, &[("likelihood", Value::Int(4))]);
    // A delete against an edit: Ana deletes the insolvency risk, Ben writes its plan.
    ana.at("2026-11-02T09:20:00Z").delete(Table::Risk, &r2);
    ben.at("2026-11-02T09:25:00Z").update(Table::Risk, &r2, &[("plan", text("Escrow of the payroll code"))]);
    // A new child under a parent the other deleted: Carla removes Globex, Ana adds a member under it.
    carla.at("2026-11-02T11:10:00Z").delete(Table::Provider, &p2);
    let p2_at_ana = ana.id(Table::Provider, &p2).expect("p2");
    let orphan = ana
        .at("2026-11-02T09:30:00Z")
        .insert(Table::TeamMember, &[("provider_id", Value::Int(p2_at_ana)), ("name", text("Emil Öberg"))]);
    // Ana and Ben each add a risk: both get the next short number.
    let new_a = ana
        .at("2026-11-02T09:40:00Z")
        .insert(Table::Risk, &[("engagement_id", Value::Int(e)), ("title", text("Badge cloning"))]);
    let e_ben = ben.id(Table::Engagement, &eng).expect("engagement at ben");
    let new_b = ben
        .at("2026-11-02T09:45:00Z")
        .insert(Table::Risk, &[("engagement_id", Value::Int(e_ben)), ("title", text("Backup tapes unencrypted"))]);
    assert_eq!(ana.field(Table::Risk, &new_a, "number"), ben.field(Table::Risk, &new_b, "number"));

    // Syncs in different orders, until nothing moves.
    ben.at("2026-11-03T08:00:00Z").sync();
    carla.at("2026-11-03T08:01:00Z").sync();
    ana.at("2026-11-03T08:02:00Z").sync();
    ben.at("2026-11-03T08:03:00Z").sync();
    carla.at("2026-11-03T08:04:00Z").sync();
    // Records settle at once; the history each sync wrote travels with the next, so two more rounds settle it.
    for minute in 5..11 {
        for l in [&mut ana, &mut ben, &mut carla] {
            l.at(&format!("2026-11-03T08:{minute:02}:00Z")).sync();
        }
    }
    let quiet = ana.at("2026-11-03T09:00:00Z").sync();
    assert_eq!((quiet.sent, quiet.received), (0, 0), "{quiet:?}");

    // One register.
    assert_eq!(ben.records(), ana.records());
    assert_eq!(carla.records(), ana.records());
    for laptop in [&ana, &ben, &carla] {
        laptop.verify_clean();
        assert_eq!(laptop.field(Table::Risk, &r1, "title"), "Leak of payroll records");
        assert_eq!(laptop.field(Table::Risk, &r1, "owner"), "Ben");
        assert_eq!(laptop.field(Table::Risk, &r1, "likelihood"), 4);
        // The edited risk survives its deletion, with its plan.
        assert_eq!(laptop.field(Table::Risk, &r2, "plan"), "Escrow of the payroll code");
        // The new member keeps the provider the other side deleted.
        assert!(laptop.id(Table::TeamMember, &orphan).is_some());
        assert!(laptop.id(Table::Provider, &p2).is_some());
        // Two different short numbers for the two new risks.
        assert_ne!(laptop.field(Table::Risk, &new_a, "number"), laptop.field(Table::Risk, &new_b, "number"));
    }

    // Every conflict listed where the merge was made, once per kind and record.
    let all: Vec<st::Conflict> =
        [&ana, &ben, &carla].iter().flat_map(|l| st::conflicts(l.store.conn(), true).expect("conflicts")).collect();
    let of = |kind: &str, uuid: &uuid::Uuid| all.iter().filter(|c| c.kind == kind && c.uuid == *uuid).count();
    assert_eq!(of("field", &r1), 1, "{all:#?}");
    let likelihood = all.iter().find(|c| c.kind == "field").expect("field conflict");
    assert_eq!((likelihood.kept.as_deref(), likelihood.other.as_deref()), (Some("4"), Some("3")));
    assert_eq!(of("kept_deleted", &r2), 1, "{all:#?}");
    assert_eq!(of("orphan", &p2), 1, "{all:#?}");
    assert_eq!(of("renumbered", &new_a) + of("renumbered", &new_b), 1, "{all:#?}");

    // The assessor who holds the field conflict flips it: Ben's value, set aside, is taken; the conflict now says
    // so, and the next syncs carry it to everyone.
    let holder = [&mut ana, &mut ben, &mut carla]
        .into_iter()
        .find(|l| st::conflicts(l.store.conn(), true).expect("list").iter().any(|c| c.kind == "field"))
        .expect("a laptop lists the field conflict");
    let id =
        st::conflicts(holder.store.conn(), true).expect("list").into_iter().find(|c| c.kind == "field").expect("c").id;
    holder.at("2026-11-04T08:00:00Z");
    let said = team::flip(&mut holder.store, id).expect("flip");
    assert!(said.contains("likelihood is now 3"), "{said}");
    let after = st::conflicts(holder.store.conn(), true).expect("list").into_iter().find(|c| c.id == id).expect("c");
    assert_eq!((after.kept.as_deref(), after.other.as_deref(), after.reviewed), (Some("3"), Some("4"), true));
    assert!(st::conflicts(holder.store.conn(), false).expect("list").iter().all(|c| c.id != id));
    assert_eq!(team::flip(&mut holder.store, 9999), Err(team::FlipError::NoSuch));
    for minute in 1..4 {
        for l in [&mut ana, &mut ben, &mut carla] {
            l.at(&format!("2026-11-04T09:{minute:02}:00Z")).sync();
        }
    }
    for l in [&ana, &ben, &carla] {
        assert_eq!(l.field(Table::Risk, &r1, "likelihood"), 3);
    }
    assert_eq!(ben.records(), ana.records());
    assert_eq!(carla.records(), ana.records());

    // Each laptop's history chain travels with the work: every laptop checks all three, finds the same heads, and
    // each head is an entry of that laptop's own history, unchanged.
    ana.at("2026-11-04T10:00:00Z").sync();
    ben.at("2026-11-04T10:01:00Z").sync();
    let checks: Vec<team::TeamCheck> = [&ana, &ben, &carla]
        .iter()
        .map(|l| team::check_team(&l.store, &l.path).expect("check").expect("bound"))
        .collect();
    assert_eq!(checks[0].heads.len(), 3, "{:?}", checks[0].heads);
    assert!(checks.iter().all(|c| c.heads == checks[0].heads));
    for l in [&ana, &ben, &carla] {
        let device = l.device();
        let (_, head) = checks[0].heads.iter().find(|(_, h)| device.starts_with(&h.chain)).expect("own chain");
        let id = i64::try_from(head.count).expect("count");
        assert_eq!(st::entry_at(l.store.conn(), id).expect("entry").map(|(_, h)| h), Some(head.hash.clone()));
    }

    // Every commit of the share is signed by a member, and git itself agrees when it is installed.
    check_signatures_with_git(&share, &[&ana, &ben, &carla]);
}

fn check_signatures_with_git(share: &Path, laptops: &[&Laptop]) {
    let Ok(v) = std::process::Command::new("git").arg("--version").output() else {
        eprintln!("git is not installed: the signatures were checked by assay alone (git verify-commit skipped)");
        return;
    };
    assert!(v.status.success());
    let dir = share.parent().expect("parent");
    let allowed = dir.join("allowed_signers");
    let mut lines = String::new();
    for l in laptops {
        let b = st::binding(l.store.conn()).expect("binding").expect("bound");
        let keys = team::keys::Keys::read(&b.age_identity, &b.ssh_key).expect("keys");
        lines.push_str(&format!("{}@assay.invalid namespaces=\"git\" {}\n", b.device, keys.ssh_public().expect("pub")));
    }
    std::fs::write(&allowed, lines).expect("allowed signers");
    let log = std::process::Command::new("git")
        .args(["-C", &share.to_string_lossy(), "rev-list", "main"])
        .output()
        .expect("rev-list");
    let commits = String::from_utf8_lossy(&log.stdout).to_string();
    assert!(commits.lines().count() >= 8, "{commits}");
    for c in commits.lines() {
        let out = std::process::Command::new("git")
            .args([
                "-C",
                &share.to_string_lossy(),
                "-c",
                "gpg.format=ssh",
                "-c",
                &format!("gpg.ssh.allowedSignersFile={}", allowed.display()),
                "verify-commit",
                c,
            ])
            .output()
            .expect("verify-commit");
        assert!(out.status.success(), "git verify-commit {c}: {}", String::from_utf8_lossy(&out.stderr));
    }
}

/// A team of one (Ana, one engagement) on a share in `dir`, and the share opened as whoever can write to it.
fn team_of_one(dir: &Path) -> (Laptop, team::repo::Repo, git2::Oid) {
    let share = dir.join("share.git");
    let mut ana = Laptop::new(dir, "ana");
    ana.insert(Table::Engagement, &[("name", text("Payroll outsourcing"))]);
    team::init(&mut ana.store, &ana.path, &share.to_string_lossy(), "Ana").expect("init");
    let shared = team::repo::Repo::open(&share).expect("open share");
    let tip = shared.head().expect("head").expect("tip");
    (ana, shared, tip)
}

/// A commit on the share signed by a key that is not a member's (somebody with write access to the share, not to
/// the team) is refused: nothing of it reaches the workspace.
#[test]
fn a_commit_not_signed_by_a_member_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ana, shared, tip) = team_of_one(dir.path());
    let before = ana.records();

    // The stranger encrypts a record to the team (the recipients are public) and signs with their own key.
    let roster = shared.list(shared.tree_of(tip).expect("tree"), "members").expect("members");
    let member = team::keys::Member::parse(&shared.blob(roster[0].1).expect("blob")).expect("member");
    let to = vec![member.age.parse().expect("recipient")];
    let u = uuid::Uuid::now_v7();
    let planted = serde_json::json!({ "uuid": u.to_string(), "name": "Planted", "created_at": "2026-01-01T00:00:00Z" });
    let mut edits = std::collections::BTreeMap::new();
    edits.insert(
        team::record_path(Table::Engagement, &u),
        team::repo::Edit::Put(team::keys::encrypt(&to, planted.to_string().as_bytes()).expect("sealed")),
    );
    let stranger = team::keys::Keys::generate("Mallory").expect("keys");
    let sign = |d: &[u8]| stranger.sign(d);
    let c = shared
        .commit(Some(shared.tree_of(tip).expect("tree")), &edits, &[tip], "planted", "Mallory", "m@x", &sign)
        .expect("commit");
    shared.set_head(c).expect("move main");

    let refused = team::sync(&mut ana.store, &ana.path).expect_err("refused");
    assert!(refused.0.contains("not a member's") && refused.0.contains("nothing was merged"), "{refused}");
    assert_eq!(ana.records(), before);
    // verify names it too, from the laptop's clone (which fetched the planted commit).
    let checked = team::check_team(&ana.store, &ana.path).expect_err("verify refuses");
    assert!(checked.0.contains("not a member's"), "{checked}");
}

/// A stranger cannot bring a roster of their own: a commit with no parent, signed by a key its own tree lists as a
/// member, reached through a merge with the team's tip, is refused as a history beside the team's.
#[test]
fn a_history_of_its_own_beside_the_teams_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let (mut ana, shared, tip) = team_of_one(dir.path());
    let before = ana.records();

    let stranger = team::keys::Keys::generate("Mallory").expect("keys");
    let me = team::keys::Member::of("0193f0aa-0000-7000-8000-00000000beef", "Mallory", &stranger).expect("member");
    let u = uuid::Uuid::now_v7();
    let planted = serde_json::json!({ "uuid": u.to_string(), "name": "Planted", "created_at": "2026-01-01T00:00:00Z" });
    let mut to = vec![stranger.recipient().parse().expect("recipient")];
    let mut edits = std::collections::BTreeMap::new();
    // The team's members are listed too, so that without the check the planted record would simply be merged.
    for (name, blob) in shared.list(shared.tree_of(tip).expect("tree"), "members").expect("members") {
        let bytes = shared.blob(blob).expect("blob");
        to.push(team::keys::Member::parse(&bytes).expect("member").age.parse().expect("recipient"));
        edits.insert(format!("members/{name}"), team::repo::Edit::Put(bytes));
    }
    edits.insert(
        team::FORMAT_FILE.to_string(),
        team::repo::Edit::Put(br#"{"format":"assay-team","version":1}"#.to_vec()),
    );
    edits.insert(
        format!("members/{}.json", "0193f0aa-0000-7000-8000-00000000beef"),
        team::repo::Edit::Put(me.to_json()),
    );
    edits.insert(
        team::record_path(Table::Engagement, &u),
        team::repo::Edit::Put(team::keys::encrypt(&to, planted.to_string().as_bytes()).expect("sealed")),
    );
    let sign = |d: &[u8]| stranger.sign(d);
    let root = shared.commit(None, &edits, &[], "a team of one", "Mallory", "m@x", &sign).expect("root");
    let merge = shared
        .commit(
            Some(shared.tree_of(root).expect("tree")),
            &Default::default(),
            &[root, tip],
            "joined",
            "Mallory",
            "m@x",
            &sign,
        )
        .expect("merge");
    shared.set_head(merge).expect("move main");

    let refused = team::sync(&mut ana.store, &ana.path).expect_err("refused");
    assert!(refused.0.contains("starts a history of its own"), "{refused}");
    assert_eq!(ana.records(), before);
}

/// The commands as an assessor types them: start, ask to join, admit, sync, review, and the exit codes of a plain
/// workspace, a laptop not admitted yet and a share out of reach.
#[test]
fn the_team_commands_work_from_the_shell() {
    use common::bin::{assay_with_passphrase, stderr, stdout};
    let dir = tempfile::tempdir().expect("dir");
    let pass = "field audit passphrase 2026";
    let a = dir.path().join("a.db");
    let out = assay_with_passphrase(dir.path(), &["demo", "--out", "a.db"], None);
    assert!(out.status.success(), "{}", stderr(&out));
    let plain = assay_with_passphrase(dir.path(), &["--db", "a.db", "team", "init", "share"], None);
    assert_eq!(plain.status.code(), Some(1));
    assert!(stderr(&plain).contains("needs an encrypted workspace"), "{}", stderr(&plain));
    let out = assay_with_passphrase(dir.path(), &["--db", "a.db", "encrypt"], Some(pass));
    assert!(out.status.success(), "{}", stderr(&out));
    drop(Store::open_with_key(&dir.path().join("b.db"), "Ben", Some(pass)).expect("b"));

    let run = |args: &[&str]| assay_with_passphrase(dir.path(), args, Some(pass));
    // A server this build cannot speak to is named before anything is made beside the workspace.
    for remote in ["https://git.example.com/acme/team.git", "ssh://git@example.com/team.git", "git@example.com:team"] {
        let refused = run(&["--db", "a.db", "team", "init", remote, "--name", "Ana"]);
        assert_eq!(refused.status.code(), Some(1), "{remote}");
        assert!(stderr(&refused).contains("HTTPS and SSH are not built in"), "{}", stderr(&refused));
        assert!(!dir.path().join("a.db.team").exists(), "{remote}: nothing made");
    }
    let init = run(&["--db", "a.db", "team", "init", "share", "--name", "Ana"]);
    assert!(init.status.success(), "{}", stderr(&init));
    assert!(stdout(&init).contains("started the team repository at share"), "{}", stdout(&init));
    assert!(!stderr(&init).contains('\r'), "no progress bar into a pipe: {:?}", stderr(&init));
    let join = run(&["--db", "b.db", "team", "join", "share", "--name", "Ben"]);
    assert!(join.status.success(), "{}", stderr(&join));
    let waiting = run(&["--db", "b.db", "sync"]);
    assert_eq!(waiting.status.code(), Some(1));
    assert!(stderr(&waiting).contains("not admitted yet"), "{}", stderr(&waiting));

    let members = run(&["--db", "a.db", "team", "members"]);
    let text = stdout(&members);
    assert!(text.contains("member (this laptop)") && text.contains("asks to join"), "{text}");
    let ben = text.lines().find(|l| l.contains("Ben")).expect("Ben listed");
    let device = ben.split_whitespace().next().expect("device");
    let admit = run(&["--db", "a.db", "team", "members", "--admit", device]);
    assert!(admit.status.success(), "{}", stderr(&admit));
    assert!(stdout(&admit).contains("admitted Ben"), "{}", stdout(&admit));

    let got = run(&["--db", "b.db", "sync"]);
    assert!(got.status.success(), "{}", stderr(&got));
    assert!(stdout(&got).contains("received"), "{}", stdout(&got));
    let none = run(&["--db", "b.db", "team", "conflicts"]);
    assert_eq!(none.status.code(), Some(3), "{}", stdout(&none));
    let status = run(&["--db", "b.db", "team", "status"]);
    assert!(stdout(&status).contains("last sync: 20"), "{}", stdout(&status));
    for db in ["a.db", "b.db"] {
        let v = run(&["--db", db, "verify"]);
        assert!(v.status.success(), "{db}: {}{}", stdout(&v), stderr(&v));
        assert!(stdout(&v).contains("each signed by a member of the team"), "{}", stdout(&v));
    }
    // Ana's chain as the team holds it, checked from Ben's laptop; a changed hash is caught.
    let v = stdout(&run(&["--db", "b.db", "verify"]));
    let line = v.lines().find(|l| l.starts_with("history head of Ana's laptop")).unwrap_or_else(|| panic!("{v}"));
    let head = line.rsplit(' ').next().expect("head").to_string();
    let ok = run(&["--db", "b.db", "verify", "--head", &head]);
    assert!(ok.status.success(), "{}{}", stdout(&ok), stderr(&ok));
    let forged = format!("{}{}", &head[..head.len() - 1], if head.ends_with('0') { '1' } else { '0' });
    let caught = run(&["--db", "b.db", "verify", "--head", &forged]);
    assert_eq!(caught.status.code(), Some(4), "{}{}", stdout(&caught), stderr(&caught));

    // A report names each laptop's head as the team held it at the last sync, the one verify prints among them;
    // each such head checks on the other laptop too. The asset form carries them as well.
    let report = run(&["--db", "b.db", "report", "1"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let md = stdout(&report);
    let heads_in = |text: &str, name: &str| -> String {
        let line = text
            .lines()
            .find(|l| l.contains(&format!("Team head: {name}'s laptop")))
            .unwrap_or_else(|| panic!("no head of {name}'s laptop in the report:\n{text}"));
        line.split(|c: char| c.is_whitespace() || c == '|' || c == '*')
            .find(|w| w.contains('@'))
            .expect("a DEVICE@COUNT:HASH")
            .to_string()
    };
    assert_eq!(heads_in(&md, "Ana"), head, "{md}");
    assert!(md.contains("Team history heads at the sync of 20"), "{md}");
    let bens = heads_in(&md, "Ben");
    assert!(run(&["--db", "a.db", "sync"]).status.success());
    for db in ["a.db", "b.db"] {
        let ok = run(&["--db", db, "verify", "--head", &bens]);
        assert!(ok.status.success(), "{db}: {}{}", stdout(&ok), stderr(&ok));
    }
    let form = stdout(&run(&["--db", "b.db", "report", "assets", "1"]));
    assert!(form.contains(&format!("Team history heads: Ana {head}; Ben {bens} (at the sync of 20")), "{form}");
    let status = stdout(&run(&["--db", "b.db", "team", "status"]));
    assert!(status.contains(&format!("history head of Ana's laptop at the last sync: {head}")), "{status}");

    // The share out of reach: exit 5, and said.
    std::fs::rename(dir.path().join("share"), dir.path().join("share-away")).expect("unplug");
    let away = run(&["--db", "a.db", "sync"]);
    assert_eq!(away.status.code(), Some(5), "{}{}", stdout(&away), stderr(&away));
    assert!(stdout(&away).contains("out of reach"), "{}", stdout(&away));
    let _ = a;
}

/// A record from the team repository is checked column by column before anything is written: an unknown field, a
/// value its column does not allow, or a reference that is not a UUID changes nothing.
#[test]
fn a_damaged_or_hostile_record_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let mut ana = Laptop::new(dir.path(), "ana");
    let eng = ana.insert(Table::Engagement, &[("name", text("Payroll outsourcing"))]);
    let e = ana.id(Table::Engagement, &eng).expect("e");
    let risk = ana.insert(Table::Risk, &[("engagement_id", Value::Int(e)), ("title", text("Data leak"))]);
    let good = st::export(ana.store.conn(), Table::Risk, &risk).expect("export").expect("risk");
    let before = ana.records();
    let bad = |field: &str, v: serde_json::Value| {
        let mut r = good.clone();
        r.insert(field.to_string(), v);
        r
    };
    for (what, rec) in [
        ("unknown field", bad("salary", "1".into())),
        ("likelihood out of range", bad("likelihood", 9.into())),
        ("treatment not one of the list", bad("treatment", "ignore".into())),
        ("engagement not a UUID", bad("engagement_id", "E-1".into())),
        ("title of the wrong type", bad("title", serde_json::json!(["a"]))),
    ] {
        let mut err = None;
        let _ = ana.store.write(|w| match st::apply(w, Table::Risk, &rec) {
            Ok(_) => Ok(()),
            Err(e) => {
                err = Some(e);
                Err(rusqlite::Error::InvalidQuery)
            }
        });
        assert!(matches!(err, Some(st::ApplyError::Invalid(_))), "{what}: {err:?}");
        assert_eq!(ana.records(), before, "{what}");
    }
    // The good record goes in unchanged: applying what was exported is no change at all.
    ana.store.write(|w| st::apply(w, Table::Risk, &good).map_err(|_| rusqlite::Error::InvalidQuery)).expect("apply");
    assert_eq!(ana.records(), before);
}

/// The clone of the team repository beside the workspace is readable by this account alone.
#[cfg(unix)]
#[test]
fn the_clone_beside_the_workspace_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("dir");
    let mut ana = Laptop::new(dir.path(), "ana");
    let share = dir.path().join("share.git").to_string_lossy().to_string();
    team::init(&mut ana.store, &ana.path, &share, "Ana").expect("init");
    let mode = std::fs::metadata(team::clone_dir(&ana.path)).expect("clone").permissions().mode() & 0o777;
    assert_eq!(mode, 0o700);
}
