//! The subcommands, and opening the workbench itself.

pub mod demo;
pub mod evidence;
pub mod exchange;
pub mod list;
pub mod lookup;
pub mod oscal;
pub mod progress;
pub mod report;
pub mod secure;
pub mod team;
pub mod verify;

// The report's citation and HTML helpers, at the paths they had before they moved to `crate::report`.
pub use crate::report::{citations, html};

use std::path::PathBuf;

use color_eyre::eyre::{Result, eyre};

use crate::cli::{Cli, Command, ReportKind};
use crate::config::{self, Config};
use crate::domain::Engagement;

/// Why a command stopped, beyond a plain failure: each kind has its exit code (the table is
/// [`crate::cli::EXIT_CODES`]). Returned inside an `eyre::Report`; `main` looks for it to choose the code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 2: the command line asked for something that cannot be (a bad value the parser could not check).
    Usage,
    /// 3: nothing matched, or there was nothing to do.
    NothingFound,
    /// 4: `verify` found a problem.
    Problem,
    /// 5: done in part: an import was applied, but its ids could not be written back into the file.
    Partial,
}

impl Outcome {
    /// The process exit code of this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Usage => 2,
            Outcome::NothingFound => 3,
            Outcome::Problem => 4,
            Outcome::Partial => 5,
        }
    }
}

/// An error that carries its [`Outcome`]; its message is what the user reads.
#[derive(Debug)]
pub struct Stop {
    pub outcome: Outcome,
    pub message: String,
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Stop {}

/// An error report that exits with the given outcome's code.
pub fn stop(outcome: Outcome, message: impl Into<String>) -> color_eyre::eyre::Report {
    color_eyre::eyre::Report::new(Stop { outcome, message: message.into() })
}

/// The exit code for an error returned by [`run`]: that of its [`Outcome`], or 1.
pub fn exit_code(e: &color_eyre::eyre::Report) -> u8 {
    if e.downcast_ref::<exchange::NothingChanged>().is_some() {
        return Outcome::NothingFound.code();
    }
    e.downcast_ref::<Stop>().map_or(1, |s| s.outcome.code())
}

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<()> {
    if cli.globals.config_named
        && let Some(p) = &cli.globals.config
        && !p.exists()
    {
        return Err(eyre!("config file {}: no such file (--config must name an existing file)", p.display()));
    }
    if cli.globals.encrypt && cli.command.is_some() {
        return Err(stop(
            Outcome::Usage,
            "--encrypt only applies when opening the workbench (assay --encrypt); to encrypt a workspace: assay encrypt",
        ));
    }
    let config = match cli.globals.config.clone().or_else(config::default_config_path) {
        Some(p) => Config::load(&p).map_err(|e| eyre!("config file {e}"))?,
        None => Config::default(),
    };
    match cli.command {
        None => open_workbench(cli.globals.db, cli.globals.encrypt, &config),
        Some(Command::Demo { size, out, force }) => demo::run(size, out, force, &config.assessor()),
        Some(Command::Verify { head, json }) => {
            verify::run(&workspace_path(cli.globals.db)?, &config.assessor(), &head, json)
        }
        Some(Command::Upgrade) => {
            let db = workspace_path(cli.globals.db)?;
            if std::fs::symlink_metadata(&db).is_err() {
                return Err(stop(Outcome::NothingFound, format!("no workspace at {}", db.display())));
            }
            let started = std::time::Instant::now();
            let (_lock, store) = secure::open_locked(&db, &config.assessor(), false)?;
            let now = store.schema_version()?;
            match store.upgraded_from() {
                Some(from) => {
                    let records = crate::store::ids::records(store.conn())?;
                    errln!(
                        "upgraded {} from schema {from} to {now} in {:.1} s; it holds {records} records, each with a \
                         stable identity",
                        db.display(),
                        started.elapsed().as_secs_f64()
                    );
                }
                None => errln!("{} is already at schema {now}: nothing to do", db.display()),
            }
            Ok(())
        }
        Some(Command::List { json }) => {
            let store = secure::open_existing(&workspace_path(cli.globals.db)?, &config.assessor())?;
            list::run(&store, json)
        }
        Some(Command::Schema { of: crate::cli::SchemaOf::Bundle }) => {
            let schema = crate::store::bundle::bundle_schema();
            out!("{}", serde_json::to_string_pretty(&schema)?);
            Ok(())
        }
        Some(Command::Completions { shell }) => list::completions(shell),
        Some(Command::Man { dir }) => list::man(dir.as_deref()),
        Some(Command::Backup { dest }) => {
            secure::backup_to(&workspace_path(cli.globals.db)?, &dest, &config.assessor())
        }
        Some(Command::Encrypt { remove_outputs }) => {
            // The workbench writes reports where the config says, or where it was started: look in both.
            let mut folders: Vec<PathBuf> =
                config.reports_dir.iter().filter_map(|d| std::path::absolute(d).ok()).collect();
            folders.extend(std::env::current_dir().ok());
            secure::encrypt(&workspace_path(cli.globals.db)?, &config.assessor(), remove_outputs, &folders)
        }
        Some(Command::Decrypt) => secure::decrypt(&workspace_path(cli.globals.db)?, &config.assessor()),
        Some(Command::Lookup { query, phase, party, topic, limit, brief, json }) => {
            let f = lookup::filters(phase.as_deref(), party.as_deref(), topic.as_deref())?;
            let format = match (json, brief) {
                (true, _) => lookup::Format::Json,
                (false, true) => lookup::Format::Brief,
                (false, false) => lookup::Format::Full,
            };
            lookup::run(&query, f, limit, format)
        }
        Some(Command::Report { form: Some(ReportKind::Assets { engagement, format, out }), .. }) => report::run_assets(
            &workspace_path(cli.globals.db)?,
            &config.assessor(),
            &engagement,
            format,
            out.as_deref(),
        ),
        Some(Command::Report { form: None, engagement, format, out, .. })
            if matches!(engagement.first().map(String::as_str), Some("assets" | "form")) && engagement.len() > 1 =>
        {
            // `report --db W assets ENG`: once an option of `report` is given, clap reads `assets` as a word of
            // the engagement's name rather than the subcommand; it still means the asset form.
            let format = match format {
                crate::cli::ReportFormat::Md => crate::cli::FormFormat::Md,
                crate::cli::ReportFormat::Html => crate::cli::FormFormat::Html,
                crate::cli::ReportFormat::Pdf => crate::cli::FormFormat::Pdf,
                crate::cli::ReportFormat::Json => {
                    return Err(stop(Outcome::Usage, "the asset form is written as md, html or pdf, not json"));
                }
            };
            report::run_assets(
                &workspace_path(cli.globals.db)?,
                &config.assessor(),
                &engagement[1..],
                format,
                out.as_deref(),
            )
        }
        Some(Command::Report {
            form: None,
            engagement,
            format,
            out,
            include_sensitive,
            with_catalog_text,
            with_journal,
            is_final,
        }) => {
            let store = secure::open_existing(&workspace_path(cli.globals.db)?, &config.assessor())?;
            let how = crate::report::Options { include_sensitive, with_catalog_text, is_final };
            report::run(&store, &engagement.join(" "), format, out.as_deref(), how, with_journal)
        }
        Some(Command::Export {
            engagement,
            format,
            out,
            include_sensitive,
            with_catalog_text,
            excel,
            template,
            with_evidence,
        }) => {
            let store = secure::open_existing(&workspace_path(cli.globals.db)?, &config.assessor())?;
            let how = exchange::ExportOptions { include_sensitive, with_catalog_text, excel, template, with_evidence };
            exchange::export(&store, engagement.as_deref(), format, out.as_deref(), how)
        }
        Some(Command::Team { action }) => team::run(&workspace_path(cli.globals.db)?, &config, action),
        Some(Command::Sync) => team::sync(&workspace_path(cli.globals.db)?, &config),
        Some(Command::Evidence { action }) => evidence::run(&workspace_path(cli.globals.db)?, &config, action),
        Some(Command::Import { path, into, register, dry_run, delete_missing, date_format, write_ids }) => {
            if dry_run && write_ids {
                return Err(stop(Outcome::Usage, exchange::WRITE_IDS_NOT_DRY));
            }
            let db = workspace_path(cli.globals.db)?;
            let (_lock, mut store) = secure::open_locked(&db, &config.assessor(), false)?;
            let how = exchange::ImportOptions { dry_run, delete_missing, date_format, write_ids };
            let result = exchange::import(&mut store, &path, into.as_deref(), register.as_deref(), how);
            drop(store); // before the lock
            result
        }
    }
}

/// The workspace path: `--db`/`ASSAY_DB`, or the default in the user's data folder (created, private, if missing),
/// resolved to the real file, so that a symbolic link never has the file's lock, rekeying or backups applied to the
/// link instead.
pub fn workspace_path(db: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = db {
        // A path that does not exist yet is kept as given, so messages name it as typed.
        return Ok(if std::fs::symlink_metadata(&p).is_ok() { crate::store::lock::real_path(&p) } else { p });
    }
    let p =
        config::default_db_path().ok_or_else(|| eyre!("no home folder to keep the workspace in; pass --db PATH"))?;
    if let Some(dir) = p.parent()
        && !dir.exists()
    {
        crate::private_fs::folder(dir).map_err(|e| eyre!(e))?;
    }
    Ok(p)
}

fn open_workbench(db: Option<PathBuf>, encrypt_new: bool, config: &Config) -> Result<()> {
    let path = workspace_path(db)?;
    let assessor = config.assessor();
    crate::tui::start(config, path.clone(), || secure::open_locked(&path, &assessor, encrypt_new))
}

/// How an engagement is shown in a message: its reference and its name, `E-3 “Payroll”`.
pub fn engagement_named(e: &Engagement) -> String {
    format!("{} “{}”", crate::store::refs::label(crate::store::Table::Engagement, e.number), e.name)
}

/// What an engagement argument may be, for the messages that ask for one.
pub const ENGAGEMENT_ARG: &str = "its number (3 or E-3), its UUID or the start of one, or the start of its name";

/// The engagement a command line names: its number ("3" or "E-3"), its UUID or a start of it of at least 4 hex
/// digits that only it has, or a case-insensitive start of its name. A number always means the engagement's number;
/// a whole name or UUID wins over the starts of others. Ambiguous: exit 2, listing the candidates; unknown: exit 3.
pub fn find_engagement(all: &[Engagement], query: &str) -> Result<Engagement> {
    use crate::store::{Table, ids};
    let q = query.trim();
    if q.is_empty() {
        return Err(stop(Outcome::Usage, format!("name the engagement: {ENGAGEMENT_ARG}")));
    }
    let reference = match ids::parse_ref(q) {
        Some((Table::Engagement, n)) => Some(n),
        Some(_) => None,
        None => q.parse::<i64>().ok(),
    };
    if let Some(n) = reference
        && let Some(e) = all.iter().find(|e| e.number == n)
    {
        return Ok(e.clone());
    }
    let lc = q.to_lowercase();
    if let Some(e) = all.iter().find(|e| e.name.to_lowercase() == lc) {
        return Ok(e.clone());
    }
    if let Ok(u) = uuid::Uuid::parse_str(q) {
        let u = u.to_string();
        return match all.iter().find(|e| e.uuid == u) {
            Some(e) => Ok(e.clone()),
            None => Err(stop(Outcome::NothingFound, format!("no engagement has the UUID {u}"))),
        };
    }
    // The starts of UUIDs (hyphens aside, at least 4 hex digits) and of names, together: one is the answer.
    let hex: String = lc.chars().filter(|c| *c != '-').collect();
    let uuid_start = hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit());
    let mut hits: Vec<&Engagement> = all
        .iter()
        .filter(|e| e.name.to_lowercase().starts_with(&lc) || (uuid_start && e.uuid.replace('-', "").starts_with(&hex)))
        .collect();
    hits.sort_by_key(|e| e.number);
    match hits.as_slice() {
        [e] => Ok((*e).clone()),
        [] => {
            let what = match (ids::parse_ref(q), reference) {
                (Some((table, _)), _) if table != Table::Engagement => {
                    let noun = table.name().replace('_', " ");
                    let a = if noun.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                    format!("“{q}” is the reference of {a} {noun}, not of an engagement")
                }
                (_, Some(n)) => format!("no engagement has the number {n}"),
                _ => format!("no engagement matches “{q}”"),
            };
            Err(stop(Outcome::NothingFound, format!("{what} (give {ENGAGEMENT_ARG}; assay list shows them)")))
        }
        several => Err(stop(
            Outcome::Usage,
            format!(
                "“{q}” matches {} engagements: {}{}; give more of it, or the number",
                several.len(),
                several.iter().take(6).map(|e| engagement_named(e)).collect::<Vec<_>>().join(", "),
                if several.len() > 6 { ", …" } else { "" }
            ),
        )),
    }
}
