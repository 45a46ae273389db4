//! The commands for scripts and shells: `assay list`, `assay verify --json`, `assay completions` and `assay man`.

use std::path::Path;

use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::{Outcome, stop};
use crate::store::{Store, engagements};

/// One engagement as `assay list --json` prints it. The field names are stable (documented in the README). The
/// engagement is named by its number (what every command takes), its reference and its UUID; the file's own row id
/// is not shown, so that no script passes it where a number is meant.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ListedEngagement {
    pub number: i64,
    #[serde(rename = "ref")]
    pub reference: String,
    pub uuid: String,
    pub name: String,
    pub phase: String,
    pub status: String,
    pub start_date: Option<String>,
    pub planned_end: Option<String>,
    pub updated_at: String,
    pub providers: i64,
    pub criteria: i64,
    pub risks: i64,
    pub team_members: i64,
    pub checks_pending: i64,
    pub assets: i64,
    pub assets_out: i64,
    pub checklist_open: i64,
    pub checklist_total: i64,
}

/// The engagements of a workspace with their counts, most recently changed first.
pub fn engagements_listed(store: &Store, today: &str) -> Result<Vec<ListedEngagement>> {
    let conn = store.conn();
    let mut out = Vec::new();
    for e in engagements::list(conn)? {
        let s = engagements::summary(conn, e.id, today)?;
        out.push(ListedEngagement {
            number: e.number,
            reference: crate::store::refs::label(crate::store::Table::Engagement, e.number),
            uuid: e.uuid,
            name: e.name,
            phase: e.phase.as_ref().to_string(),
            status: e.status,
            start_date: e.start_date,
            planned_end: e.planned_end,
            updated_at: e.updated_at,
            providers: s.providers,
            criteria: s.criteria,
            risks: s.risks,
            team_members: s.members,
            checks_pending: s.checks_pending,
            assets: s.assets,
            assets_out: s.assets_out,
            checklist_open: s.checklist_open,
            checklist_total: s.checklist_total,
        });
    }
    Ok(out)
}

/// Pretty JSON, with every control character escaped, and a final newline.
pub fn json_text<T: Serialize>(v: &T) -> Result<String> {
    let text = serde_json::to_string_pretty(v).map_err(|e| eyre!("cannot write JSON: {e}"))?;
    let mut s = crate::visible::json(&text).into_owned();
    s.push('\n');
    Ok(s)
}

/// `assay list`: a table (or `--json`, one array); exit 3 when the workspace holds no engagement.
pub fn run(store: &Store, json: bool) -> Result<()> {
    let today = chrono::Local::now().date_naive().to_string();
    let rows = engagements_listed(store, &today)?;
    if json {
        out!("{}", json_text(&rows)?);
    } else if !rows.is_empty() {
        out!("{}", table(&rows));
    }
    if rows.is_empty() {
        return Err(stop(Outcome::NothingFound, "the workspace has no engagement yet"));
    }
    Ok(())
}

/// The plain-text table of `assay list`: one line per engagement, its number first, columns aligned.
pub fn table(rows: &[ListedEngagement]) -> String {
    let head = ["NO", "NAME", "PHASE", "STATUS", "PROVIDERS", "RISKS", "MEMBERS", "ASSETS", "CHECKLIST"];
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|h| (*h).to_string()).collect()];
    for r in rows {
        cells.push(vec![
            r.number.to_string(),
            r.name.clone(),
            r.phase.clone(),
            r.status.clone(),
            r.providers.to_string(),
            r.risks.to_string(),
            r.team_members.to_string(),
            r.assets.to_string(),
            format!("{}/{}", r.checklist_total - r.checklist_open, r.checklist_total),
        ]);
    }
    aligned(&cells)
}

/// Rows of cells as text, each column as wide as its widest cell (by display width), two spaces apart, no trailing
/// space: the tables of `list` and `evidence list`.
pub fn aligned(cells: &[Vec<String>]) -> String {
    let columns = cells.iter().map(Vec::len).max().unwrap_or(0);
    let width = |s: &str| unicode_width::UnicodeWidthStr::width(s);
    let widths: Vec<usize> =
        (0..columns).map(|c| cells.iter().filter_map(|row| row.get(c)).map(|s| width(s)).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in cells {
        let line: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(c, cell)| format!("{cell}{}", " ".repeat(widths[c].saturating_sub(width(cell)))))
            .collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The result of `assay verify --json`. Field names are stable (documented in the README).
#[derive(Debug, Serialize)]
pub struct VerifyJson {
    pub workspace: String,
    pub intact: bool,
    pub history_entries: usize,
    /// `COUNT:HASH` of the history as verified: keep it outside the file and check with `verify --head`.
    pub history_head: Option<String>,
    /// Whether the history's entries are sealed with a key derived from the passphrase (encrypted workspaces).
    pub sealed: bool,
    pub rows: usize,
    pub findings: Vec<FindingJson>,
}

/// One problem `verify` found: its kind, and the sentence `verify` prints for it.
#[derive(Debug, Serialize)]
pub struct FindingJson {
    pub kind: &'static str,
    pub message: String,
}

/// The JSON form of a verification's result.
pub fn verify_result(path: &Path, report: &crate::store::verify::Report, sealed: bool) -> VerifyJson {
    use crate::store::verify::Finding;
    VerifyJson {
        workspace: path.display().to_string(),
        intact: report.is_clean(),
        history_entries: report.entries,
        history_head: report.head.as_ref().map(ToString::to_string),
        sealed,
        rows: report.rows,
        findings: report
            .findings
            .iter()
            .map(|f| FindingJson {
                kind: match f {
                    Finding::Integrity(_) => "integrity",
                    Finding::Schema(_) => "schema",
                    Finding::BrokenChain { .. } => "broken_chain",
                    Finding::TimeBackwards { .. } => "time_backwards",
                    Finding::Head { .. } => "head",
                    Finding::Changed { .. } => "changed",
                    Finding::Unrecorded { .. } => "unrecorded",
                    Finding::Missing { .. } => "missing",
                    Finding::Evidence { .. } => "evidence",
                },
                message: f.to_string(),
            })
            .collect(),
    }
}

/// The completion script of a shell.
pub fn completion_script(shell: clap_complete::Shell) -> String {
    let mut cmd = crate::cli::Cli::definition();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "assay", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// `assay completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<()> {
    out!("{}", completion_script(shell));
    Ok(())
}

/// The man pages: `assay.1` first, then `assay-SUB.1` for each subcommand (and theirs), as (file name, roff).
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        let name = if prefix.is_empty() { cmd.get_name().to_string() } else { format!("{prefix}-{}", cmd.get_name()) };
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone().name(name.clone()))
            .render(&mut buf)
            .map_err(|e| eyre!("cannot write the man page of {name}: {e}"))?;
        out.push((format!("{name}.1"), buf));
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, &name, out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    walk(&crate::cli::Cli::definition(), "", &mut out)?;
    Ok(out)
}

/// `assay man [DIR]`: writes every page into DIR (listing each path), or prints assay.1.
pub fn man(dir: Option<&Path>) -> Result<()> {
    let pages = man_pages()?;
    match dir {
        None => {
            let first = pages.first().map(|(_, b)| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
            out!("{first}");
        }
        Some(d) => {
            crate::private_fs::folder(d).map_err(|e| eyre!(e))?;
            for (name, bytes) in &pages {
                let p = d.join(name);
                crate::private_fs::write(&p, bytes).map_err(|e| eyre!(e))?;
                outln!("{}", p.display());
            }
            errln!("wrote {} man pages into {}", pages.len(), d.display());
        }
    }
    Ok(())
}
