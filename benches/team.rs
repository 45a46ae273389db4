//! Team work on the large demo, timed as the assessor waits for it: each figure is the whole `assay` process (open
//! the encrypted workspace, the team repository, the share), started and waited for. Edits between syncs are made
//! in-process and not timed.
//!
//! 1. `assay team init` of the large demo (every record exported, encrypted, committed and pushed once).
//! 2. A second laptop's first sync after admission: the whole register brought in.
//! 3. `assay sync` with nothing to share or merge (median of 11).
//! 4. A sync on one laptop merging 1,000 records changed on the other (which changed 100 records of its own).
//! 5. 100 syncs of a busy engagement (20 records changed before each): the share's size and its object files
//!    after them, against the share's size after the first push.
//!
//! `cargo bench --bench team` (release profile). Prints a table; asserts nothing about time.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use assay::domain::Value;
use assay::store::{Store, Table};

const PASS: &str = "bench team passphrase 2026";

/// Runs `assay ARGS` in `dir` as the assessor would, and waits for it: how long it took, and what it printed.
fn run(dir: &Path, args: &[&str]) -> (Duration, String) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_assay"))
        .args(args)
        .current_dir(dir)
        .env("ASSAY_PASSPHRASE", PASS)
        .env("ASSAY_CONFIG", dir.join("no-config.toml"))
        .output()
        .expect("run assay");
    let took = t.elapsed();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "assay {args:?}: {text}{}", String::from_utf8_lossy(&out.stderr));
    (took, text)
}

fn assay(dir: &Path, args: &[&str]) -> Duration {
    run(dir, args).0
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

fn size_of(dir: &Path) -> (u64, usize, usize) {
    let (mut bytes, mut loose, mut packs) = (0, 0, 0);
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir").flatten() {
            let p = e.path();
            let m = e.metadata().expect("metadata");
            if m.is_dir() {
                stack.push(p);
            } else {
                bytes += m.len();
                let parent = p.parent().and_then(|x| x.file_name()).map(|n| n.to_string_lossy().to_string());
                if parent.as_deref().is_some_and(|n| n.len() == 2 && n.chars().all(|c| c.is_ascii_hexdigit())) {
                    loose += 1;
                }
                if p.extension().is_some_and(|x| x == "pack") {
                    packs += 1;
                }
            }
        }
    }
    (bytes, loose, packs)
}

/// Changes `n` assets' condition on one laptop (offset `skip` so that two laptops change different ones).
fn change_assets(db: &Path, n: usize, skip: usize, what: &str) {
    let mut store = Store::open_with_key(db, "bench", Some(PASS)).expect("open");
    let ids: Vec<i64> = assay::store::team::all_records(store.conn())
        .expect("records")
        .into_iter()
        .filter(|(t, _)| *t == Table::Asset)
        .skip(skip)
        .take(n)
        .filter_map(|(t, u)| assay::store::ids::row_of(store.conn(), t, &u).ok().flatten())
        .collect();
    store
        .write(|w| {
            for id in &ids {
                w.update(Table::Asset, *id, &[("condition", Value::text(format!("{what} {id}")))])?;
            }
            Ok(())
        })
        .expect("edit");
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir: PathBuf = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir").keep();
    let d = dir.as_path();
    println!("team benchmark in {}", d.display());
    assay(d, &["demo", "--size", "large", "--out", "a.db"]);
    assay(d, &["--db", "a.db", "encrypt"]);
    drop(Store::open_with_key(&d.join("b.db"), "bench", Some(PASS)).expect("b"));

    println!("| step | time |");
    println!("|---|---|");
    let init = assay(d, &["--db", "a.db", "team", "init", "share", "--name", "A"]);
    println!("| team init of the large demo | {} |", ms(init));
    let (first_push, _, _) = size_of(&d.join("share"));
    assay(d, &["--db", "b.db", "team", "join", "share", "--name", "B"]);
    let (_, members) = run(d, &["--db", "a.db", "team", "members"]);
    let device = members.lines().find(|l| l.contains(" B ")).and_then(|l| l.split_whitespace().next()).expect("B");
    let admit = assay(d, &["--db", "a.db", "team", "members", "--admit", device]);
    println!("| admit a second laptop (every record encrypted again to two members) | {} |", ms(admit));
    let first_sync = assay(d, &["--db", "b.db", "sync"]);
    println!("| the second laptop's first sync (whole register brought in) | {} |", ms(first_sync));
    // The first syncs after that pass the history each side wrote meanwhile; then the syncs are quiet.
    assay(d, &["--db", "a.db", "sync"]);
    assay(d, &["--db", "b.db", "sync"]);

    let mut quiet: Vec<Duration> = (0..11).map(|_| assay(d, &["--db", "a.db", "sync"])).collect();
    quiet.sort();
    println!(
        "| sync with nothing to do, median of 11 (min {}, max {}) | {} |",
        ms(quiet[0]),
        ms(quiet[10]),
        ms(quiet[5])
    );

    change_assets(&d.join("a.db"), 1000, 0, "checked by A");
    change_assets(&d.join("b.db"), 100, 5000, "checked by B");
    let send_1000 = assay(d, &["--db", "a.db", "sync"]);
    println!("| sync sending 1,000 changed records | {} |", ms(send_1000));
    let merge_1000 = assay(d, &["--db", "b.db", "sync"]);
    println!("| sync merging 1,000 records from the other laptop (100 of its own sent) | {} |", ms(merge_1000));

    let mut busy = Duration::ZERO;
    for round in 0..100 {
        let db = if round % 2 == 0 { "a.db" } else { "b.db" };
        change_assets(&d.join(db), 20, round * 20, &format!("round {round}"));
        busy += assay(d, &["--db", db, "sync"]);
    }
    let (after, loose, packs) = size_of(&d.join("share"));

    println!("| 100 syncs of 20 changed records each, mean | {} |", ms(busy / 100));
    println!(
        "share after the first push: {:.1} MB; after 100 more syncs: {:.1} MB ({:.2}×), {loose} loose objects, {packs} packs",
        first_push as f64 / 1e6,
        after as f64 / 1e6,
        after as f64 / first_push as f64
    );
}
