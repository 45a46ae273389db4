//! `assay evidence`: files attached to an engagement or to one record in it, stored inside the workspace.
//! `add` stores them (all or none), `list` shows them, `export` writes them out under their own names.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use color_eyre::eyre::{Result, eyre};
use serde::Serialize;

use super::{Outcome, find_engagement, secure, stop};
use crate::cli::EvidenceAction;
use crate::config::Config;
use crate::domain::{Engagement, plural};
use crate::store::evidence::{self, Attach, Content, Evidence, ReadError, TargetError, human_size};
use crate::store::{Store, engagements};

/// Runs `assay evidence …` on the workspace at `path`.
pub fn run(path: &Path, config: &Config, action: EvidenceAction) -> Result<()> {
    let assessor = config.assessor();
    match action {
        EvidenceAction::Add { engagement, files, to, caption } => {
            let limit = config.evidence_limit().map_err(|e| eyre!("{e}; nothing was stored"))?;
            add(path, &assessor, limit, &engagement, &files, to.as_deref(), caption.as_deref())
        }
        EvidenceAction::List { engagement, json } => {
            let store = secure::open_existing(path, &assessor)?;
            list(&store, engagement.as_deref(), json)
        }
        EvidenceAction::Export { engagement, dir } => {
            let store = secure::open_existing(path, &assessor)?;
            export(&store, &engagement, &dir)
        }
    }
}

/// The engagement a command line names, among those of the workspace.
fn engagement_named(store: &Store, query: &str) -> Result<Engagement> {
    find_engagement(&engagements::list(store.conn())?, query)
}

/// Files larger than this show their progress on a terminal.
const SHOW_PROGRESS_FROM: u64 = 16 * evidence::MB;

/// `assay evidence add`: every file checked before the workspace is touched, then all stored in one transaction.
fn add(
    path: &Path,
    assessor: &str,
    limit: u64,
    engagement: &str,
    files: &[PathBuf],
    to: Option<&str>,
    caption: Option<&str>,
) -> Result<()> {
    let mut sources = files
        .iter()
        .map(|f| evidence::open_source(f, limit))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| eyre!("{e}; nothing was stored"))?;
    if std::fs::symlink_metadata(path).is_err() {
        return Err(eyre!("no workspace at {}", path.display()));
    }
    let (_lock, mut store) = secure::open_locked(path, assessor, false)?;
    let eng = engagement_named(&store, engagement)?;
    if eng.status == "closed" {
        return Err(eyre!(
            "engagement “{}” is closed, so it is read-only: reopen it in the workbench first; nothing was stored",
            eng.name
        ));
    }
    let target = match to {
        Some(spec) => evidence::find_target(store.conn(), eng.id, spec).map_err(|e| match e {
            TargetError::Usage(m) => stop(Outcome::Usage, m),
            TargetError::NotFound(m) => stop(Outcome::NothingFound, format!("{m}; nothing was stored")),
        })?,
        None => None,
    };
    let attach = Attach { engagement: eng.id, target, caption };
    let show = crate::visible::stderr_is_terminal();
    let added = evidence::add_files(&mut store, &mut sources, attach, &mut |name, done, all| {
        if show && all >= SHOW_PROGRESS_FROM {
            crate::visible::progress_line(&format!("storing {name}: {} %", done * 100 / all.max(1)), done >= all);
        }
    });
    let added = added.map_err(|e| match evidence::file_error(&e) {
        Some(fe) => eyre!("{fe}; nothing was stored"),
        None => eyre!("cannot store the files in {}: {e}; nothing was stored", path.display()),
    })?;
    for a in &added {
        outln!("{}  {}  {}", a.reference, a.sha256, a.name);
    }
    let place = match target {
        Some((table, id)) => {
            let listed = evidence::list(store.conn(), Some(eng.id))?;
            let label = listed
                .iter()
                .find_map(|e| e.target.as_ref().filter(|t| t.table == table && t.id == id))
                .map(|t| match &t.reference {
                    Some(r) => format!("{} ({r})", t.label),
                    None => t.label.clone(),
                })
                .unwrap_or_else(|| table.name().to_string());
            format!("{label} of engagement “{}”", eng.name)
        }
        None => format!("engagement “{}”", eng.name),
    };
    let bytes: u64 = added.iter().map(|a| a.size).sum();
    errln!(
        "stored {} file{} ({}) in {}, attached to {place}",
        added.len(),
        plural(added.len()),
        human_size(bytes),
        path.display()
    );
    Ok(())
}

/// One evidence file as `assay evidence list --json` prints it. The field names are stable (README, "Evidence").
#[derive(Debug, Serialize)]
struct Listed {
    /// The engagement's short reference, "E-1", and its name.
    engagement_ref: String,
    engagement: String,
    /// The short reference, "F-3".
    r#ref: String,
    /// The record's UUID.
    id: String,
    name: String,
    media_type: String,
    size: u64,
    sha256: String,
    caption: Option<String>,
    attached_to: Option<AttachedTo>,
    added_by: Option<String>,
    added_at: String,
    /// Whether the content is in this workspace (a record imported from a bundle has none).
    stored: bool,
}

#[derive(Debug, Serialize)]
struct AttachedTo {
    kind: &'static str,
    r#ref: Option<String>,
    id: Option<String>,
    label: String,
}

/// `assay evidence list`: a table (or one JSON array); exit 3 when there is no file to list.
fn list(store: &Store, engagement: Option<&str>, json: bool) -> Result<()> {
    let all = engagements::list(store.conn())?;
    let chosen = engagement.map(|q| find_engagement(&all, q)).transpose()?;
    let files = evidence::list(store.conn(), chosen.as_ref().map(|e| e.id))?;
    let name_of = |id: i64| all.iter().find(|e| e.id == id).map(|e| e.name.clone()).unwrap_or_default();
    let ref_of = |id: i64| {
        all.iter()
            .find(|e| e.id == id)
            .map(|e| crate::store::refs::label(crate::store::Table::Engagement, e.number))
            .unwrap_or_default()
    };
    if json {
        let rows: Vec<Listed> = files
            .iter()
            .map(|f| Listed {
                engagement_ref: ref_of(f.engagement),
                engagement: name_of(f.engagement),
                r#ref: f.reference.clone(),
                id: f.uuid.clone(),
                name: f.name.clone(),
                media_type: f.media_type.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
                caption: f.caption.clone(),
                attached_to: f.target.as_ref().map(|t| AttachedTo {
                    kind: t.table.name(),
                    r#ref: t.reference.clone(),
                    id: t.uuid.clone(),
                    label: t.label.clone(),
                }),
                added_by: f.added_by.clone(),
                added_at: f.added_at.clone(),
                stored: f.stored,
            })
            .collect();
        out!("{}", super::list::json_text(&rows)?);
    } else if !files.is_empty() {
        out!("{}", table(&files, chosen.is_none().then_some(&name_of)));
    }
    if files.is_empty() {
        return Err(stop(
            Outcome::NothingFound,
            match &chosen {
                Some(e) => format!("engagement “{}” has no evidence files yet", e.name),
                None => "the workspace has no evidence files yet".to_string(),
            },
        ));
    }
    Ok(())
}

/// The plain-text table of `assay evidence list`, columns aligned; with the engagement's name when `engagement`
/// gives it (a list of several engagements).
fn table(files: &[Evidence], engagement: Option<&dyn Fn(i64) -> String>) -> String {
    let mut head = vec!["REF", "NAME", "SIZE", "SHA-256", "ATTACHED TO", "ADDED BY", "ADDED AT", "CAPTION"];
    if engagement.is_some() {
        head.insert(0, "ENGAGEMENT");
    }
    let mut cells: Vec<Vec<String>> = vec![head.iter().map(|h| (*h).to_string()).collect()];
    let cut = |s: &str, n: usize| {
        let one_line = s.replace(['\n', '\r', '\t'], " ");
        if one_line.chars().count() > n {
            format!("{}…", one_line.chars().take(n - 1).collect::<String>())
        } else {
            one_line
        }
    };
    for f in files {
        let mut row = vec![
            f.reference.clone(),
            cut(&f.name, 40),
            human_size(f.size),
            if f.stored { f.sha256.clone() } else { format!("{} (content not here)", f.sha256) },
            f.target.as_ref().map_or_else(
                || "the engagement".to_string(),
                |t| match &t.reference {
                    Some(r) => format!("{r} {}", cut(&t.label, 40)),
                    None => cut(&t.label, 40),
                },
            ),
            f.added_by.clone().unwrap_or_default(),
            f.added_at.clone(),
            f.caption.as_deref().map(|c| cut(c, 40)).unwrap_or_default(),
        ];
        if let Some(name) = engagement {
            row.insert(0, cut(&name(f.engagement), 30));
        }
        cells.push(row.into_iter().map(|c| crate::visible::visible(&c).into_owned()).collect());
    }
    super::list::aligned(&cells)
}

/// `assay evidence export`: each file of the engagement written into `dir` under its name made safe, a taken name
/// numbered, never over an existing file; the bytes are hashed as they are written, and a file whose content is
/// not what its record says is removed again and named. Prints `SHA-256  PATH` lines, as `sha256sum -c` reads them.
fn export(store: &Store, engagement: &str, dir: &Path) -> Result<()> {
    let eng = engagement_named(store, engagement)?;
    let files = evidence::list(store.conn(), Some(eng.id))?;
    if files.is_empty() {
        return Err(stop(Outcome::NothingFound, format!("engagement “{}” has no evidence files", eng.name)));
    }
    crate::private_fs::folder(dir).map_err(|e| eyre!(e))?;
    let mut written = 0usize;
    let mut bytes = 0u64;
    let mut refused: Vec<String> = Vec::new();
    for f in &files {
        let (target, mut file) = create_new_in(dir, &evidence::safe_name(&f.name, &f.reference))?;
        let result = evidence::read_content(store.conn(), &f.sha256, f.size, &mut |chunk| file.write_all(chunk))
            .and_then(|c| file.sync_all().map(|()| c).map_err(ReadError::Write));
        drop(file);
        let why = match result {
            Ok(Content::Intact) => {
                written += 1;
                bytes += f.size;
                outln!("{}  {}", f.sha256, target.display());
                continue;
            }
            Ok(Content::Absent) => {
                "its content is not in this workspace (imported from a bundle, which carries no files?)"
            }
            Ok(Content::Altered { .. } | Content::WrongSize { .. }) => {
                "its stored content is not what was recorded when it was added (run `assay verify`)"
            }
            Err(e) => {
                let _ = std::fs::remove_file(&target);
                return Err(eyre!(
                    "cannot write {}: {e}; {written} file{} written before it",
                    target.display(),
                    plural(written)
                ));
            }
        };
        let _ = std::fs::remove_file(&target);
        refused.push(format!("{} “{}”: {why}", f.reference, f.name));
    }
    errln!(
        "exported {written} file{} ({}) of engagement “{}” to {}",
        plural(written),
        human_size(bytes),
        eng.name,
        dir.display()
    );
    if refused.is_empty() {
        return Ok(());
    }
    for r in &refused {
        errln!("assay: not exported: {r}");
    }
    Err(eyre!("{} evidence file{} not exported (listed above)", refused.len(), plural(refused.len())))
}

/// A new file in `dir` named `name`, or `name (2)`, `name (3)` … when taken; created exclusively (never over a
/// file, nor through a link), readable by its owner only.
fn create_new_in(dir: &Path, name: &str) -> Result<(PathBuf, std::fs::File)> {
    for n in 1..=10_000u32 {
        let candidate = if n == 1 { name.to_string() } else { evidence::numbered_name(name, n) };
        let target = dir.join(candidate);
        match crate::private_fs::owner_only(OpenOptions::new().write(true).create_new(true)).open(&target) {
            Ok(file) => return Ok((target, file)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(eyre!("cannot write {}: {e}", target.display())),
        }
    }
    Err(eyre!("cannot write {} in {}: every numbered name is taken", name, dir.display()))
}
