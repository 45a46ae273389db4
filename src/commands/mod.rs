//! The subcommands, and opening the workbench itself.

pub mod demo;
pub mod exchange;
pub mod html;
pub mod list;
pub mod lookup;
pub mod oscal;
pub mod report;
pub mod report_assets;
pub mod secure;
pub mod verify;

use std::path::PathBuf;

use color_eyre::eyre::{Result, eyre};

use crate::app::{App, Keymap};
use crate::cli::{Cli, Command, ReportKind};
use crate::config::{self, Config};
use crate::domain::Engagement;
use crate::ui::theme::Theme;

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
}

impl Outcome {
    /// The process exit code of this outcome.
    pub fn code(self) -> u8 {
        match self {
            Outcome::Usage => 2,
            Outcome::NothingFound => 3,
            Outcome::Problem => 4,
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
    e.downcast_ref::<Stop>().map_or(1, |s| s.outcome.code())
}

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<()> {
    if cli.config_named
        && let Some(p) = &cli.config
        && !p.exists()
    {
        return Err(eyre!("config file {}: no such file (--config must name an existing file)", p.display()));
    }
    if cli.encrypt && cli.command.is_some() {
        return Err(stop(
            Outcome::Usage,
            "--encrypt only applies when opening the workbench (assay --encrypt); to encrypt a workspace: assay encrypt",
        ));
    }
    let config = match cli.config.clone().or_else(config::default_config_path) {
        Some(p) => Config::load(&p).map_err(|e| eyre!("config file {e}"))?,
        None => Config::default(),
    };
    match cli.command {
        None => open_workbench(cli.db, cli.encrypt, &config),
        Some(Command::Demo { size, out, force }) => demo::run(size, out, force, &config.assessor()),
        Some(Command::Verify { json: false }) => verify::run(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Verify { json: true }) => list::verify_json(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::List { json }) => {
            let store = secure::open_existing(&workspace_path(cli.db)?, &config.assessor())?;
            list::run(&store, json)
        }
        Some(Command::Completions { shell }) => list::completions(shell),
        Some(Command::Man { dir }) => list::man(dir.as_deref()),
        Some(Command::Backup { dest }) => secure::backup_to(&workspace_path(cli.db)?, &dest, &config.assessor()),
        Some(Command::Encrypt) => secure::encrypt(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Decrypt) => secure::decrypt(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Lookup { query, phase, party, topic, limit, brief }) => {
            let f = lookup::filters(phase.as_deref(), party.as_deref(), topic.as_deref())?;
            lookup::run(&query, f, limit, brief)
        }
        Some(Command::Report { form: Some(ReportKind::Assets { engagement, format, out }), .. }) => {
            report_assets::run(&workspace_path(cli.db)?, &config.assessor(), &engagement, format, out.as_deref())
        }
        Some(Command::Report { form: None, engagement, format, out, include_sensitive }) => {
            let store = secure::open_existing(&workspace_path(cli.db)?, &config.assessor())?;
            report::run(&store, &engagement.join(" "), format, out.as_deref(), include_sensitive)
        }
        Some(Command::Export { engagement, format, out, include_sensitive }) => {
            let store = secure::open_existing(&workspace_path(cli.db)?, &config.assessor())?;
            exchange::export(&store, engagement.as_deref(), format, out.as_deref(), include_sensitive)
        }
        Some(Command::Import { path, into, register }) => {
            let db = workspace_path(cli.db)?;
            let mut store = secure::open(&db, &config.assessor(), false)?;
            let _lock = crate::store::lock::acquire(&db).map_err(|e| eyre!(e))?;
            exchange::import(&mut store, &path, into.as_deref(), register.as_deref())
        }
    }
}

/// The workspace path: `--db`/`ASSAY_DB`, or the default in the user's data folder (created, private, if missing).
pub fn workspace_path(db: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(p) = db {
        return Ok(p);
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

/// How many automatic backups are kept unless the config says otherwise.
const DEFAULT_BACKUPS: usize = 5;

fn open_workbench(db: Option<PathBuf>, encrypt_new: bool, config: &Config) -> Result<()> {
    let path = workspace_path(db)?;
    let mut keymap = Keymap::default_map();
    keymap.apply_overrides(&config.keys).map_err(|e| eyre!("config file: {e}"))?;
    // The store first: its refusals (missing or read-only folder, bad file) are the clearest; then the lock.
    let store = secure::open(&path, &config.assessor(), encrypt_new)?;
    let _lock = crate::store::lock::acquire(&path).map_err(|e| eyre!(e))?;
    let has_data: bool =
        store.conn().query_row("SELECT EXISTS (SELECT 1 FROM engagement)", [], |r| r.get(0)).unwrap_or(false);
    if has_data {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
        if let Err(e) = crate::store::backup::rotate(&store, &stamp, config.backups.unwrap_or(DEFAULT_BACKUPS)) {
            errln!("assay: warning: the start-up backup failed: {e}");
        }
    }
    let theme = Theme::choose(config.theme.as_deref()).map_err(|e| eyre!("config file: {e}"))?;
    let mut app = App::new(store, keymap, theme, chrono::Local::now().date_naive())?;
    if let Some(dir) = &config.reports_dir {
        // A relative folder is taken from where assay was started, and shown in full.
        app.reports_dir = std::path::absolute(dir).map_err(|e| eyre!("config file: reports_dir: {e}"))?;
    }
    crate::tui::run(app)
}

/// The engagement a command line names: its id, or a case-insensitive start of its name shared by no other.
pub fn find_engagement(all: &[Engagement], query: &str) -> Result<Engagement> {
    let q = query.trim();
    if let Ok(id) = q.parse::<i64>()
        && let Some(e) = all.iter().find(|e| e.id == id)
    {
        return Ok(e.clone());
    }
    let lc = q.to_lowercase();
    if let Some(e) = all.iter().find(|e| e.name.to_lowercase() == lc) {
        return Ok(e.clone());
    }
    let hits: Vec<&Engagement> = all.iter().filter(|e| e.name.to_lowercase().starts_with(&lc)).collect();
    match hits.as_slice() {
        [e] => Ok((*e).clone()),
        [] => Err(stop(
            Outcome::NothingFound,
            format!("no engagement matches \"{q}\" (give its id or the start of its name)"),
        )),
        several => Err(stop(
            Outcome::Usage,
            format!(
                "\"{q}\" matches {} engagements: {}{}; give more of the name or the id",
                several.len(),
                several.iter().take(6).map(|e| format!("{} (id {})", e.name, e.id)).collect::<Vec<_>>().join(", "),
                if several.len() > 6 { ", …" } else { "" }
            ),
        )),
    }
}
