//! `assay verify`: SQLite's integrity, the schema, the history's chain and its anchored heads, and every row against
//! its history; prints the head to keep outside the file, names every problem, and fails when there is one.

use std::path::Path;

use color_eyre::eyre::Result;

use crate::domain::plural;
use crate::store::history::Head;
use crate::store::verify::{self, Options};

/// Verifies the workspace at `path` against the heads given (`COUNT:HASH`); prints what it found (as one JSON
/// document with `json`) and fails on any problem (exit 4). A progress bar goes to stderr when the work takes
/// longer than half a second.
pub fn run(path: &Path, assessor: &str, heads: &[String], json: bool) -> Result<()> {
    // A head that is not COUNT:HASH is a mistake in the command line (exit 2), not a finding.
    let heads: Vec<Head> = heads
        .iter()
        .map(|h| h.parse::<Head>())
        .collect::<Result<_, _>>()
        .map_err(|e| super::stop(super::Outcome::Usage, e))?;
    let store = super::secure::open_read(path, assessor, true)?;
    // The team repository's history, when the workspace is part of a team: every commit signed by a member, every
    // laptop's chain whole. Heads of those chains (`DEVICE@COUNT:HASH`) are checked against it.
    let team = crate::team::check_team(&store, path);
    let (device_heads, heads): (Vec<Head>, Vec<Head>) = match &team {
        Ok(Some(_)) => heads.into_iter().partition(|h| !h.chain.is_empty()),
        _ => (Vec::new(), heads),
    };
    let mut bar = super::progress::Bar::new();
    let mut tell = |done: u64, total: u64| bar.show("verifying", done, total);
    let report = verify::verify_with(
        store.conn(),
        Options {
            chain_key: store.chain_key().copied(),
            heads: heads.clone(),
            progress: Some(&mut tell),
            beside: store.path().map(|p| (p.to_path_buf(), store.key().map(str::to_string))),
        },
    )?;
    bar.clear();
    let team = match team {
        Ok(t) => t,
        Err(e) => {
            if !json {
                outln!("team repository: {e}");
            }
            return Err(super::stop(super::Outcome::Problem, format!("{} failed verification: {e}", path.display())));
        }
    };
    if let Some(t) = &team
        && let Some(h) = device_heads.iter().find(|h| !t.holds(h))
    {
        let why = format!("history head {h}: the team repository's chain of device {} does not hold it", h.chain);
        if !json {
            outln!("{why}");
        }
        return Err(super::stop(super::Outcome::Problem, format!("{} failed verification: {why}", path.display())));
    }
    if json {
        let result = super::list::verify_result(path, &report, store.chain_key().is_some());
        crate::out!("{}", super::list::json_text(&result)?);
        if report.is_clean() {
            return Ok(());
        }
        return Err(super::stop(
            super::Outcome::Problem,
            format!(
                "{} failed verification: {} problem{}",
                path.display(),
                report.findings.len(),
                crate::domain::plural(report.findings.len())
            ),
        ));
    }
    let head = report.head.as_ref().map_or_else(|| "none".to_string(), Head::to_string);
    if report.is_clean() {
        outln!(
            "{}: intact — SQLite integrity ok; schema as assay made it; {} history entries, chain unbroken{}{}; {} \
             rows, each as its history says{}",
            path.display(),
            report.entries,
            if store.chain_key().is_some() { ", sealed with the passphrase" } else { "" },
            if heads.is_empty() {
                String::new()
            } else {
                format!("; {} anchored head(s) found unchanged", heads.len())
            },
            report.rows,
            match report.files {
                0 => String::new(),
                n => format!("; {n} evidence file{}, each as hashed when added", plural(n)),
            }
        );
        absent(&report);
        if let Some(t) = &team {
            outln!("team repository: {} commit{}, each signed by a member of the team", t.commits, plural(t.commits));
            for (name, h) in &t.heads {
                outln!("history head of {name}'s laptop, as the team holds it: {h}");
            }
        }
        crate::outln!(
            "history head: {head} (keep it outside the file; `assay verify --head {head}` checks against it)"
        );
        return Ok(());
    }
    for f in &report.findings {
        outln!("{f}");
    }
    absent(&report);
    crate::outln!("history head: {head}");
    Err(super::stop(
        super::Outcome::Problem,
        format!(
            "{} failed verification: {} problem{} (the first is listed first)",
            path.display(),
            report.findings.len(),
            plural(report.findings.len())
        ),
    ))
}

/// Says how many evidence records have no file in this workspace (`assay evidence list` marks them): not a
/// problem, since a bundle carries the records of files but not the files, yet worth knowing.
fn absent(report: &verify::Report) {
    if report.files_absent > 0 {
        outln!(
            "note: {} evidence record{} without {} file in this workspace (imported from a bundle, which carries no \
             files, or recorded without it); `assay evidence list` marks {}",
            report.files_absent,
            plural(report.files_absent),
            if report.files_absent == 1 { "its" } else { "their" },
            if report.files_absent == 1 { "it" } else { "them" },
        );
    }
}
