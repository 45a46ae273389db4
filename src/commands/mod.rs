//! The subcommands, and opening the workbench itself.

pub mod demo;
pub mod exchange;
pub mod html;
pub mod lookup;
pub mod report;
pub mod report_assets;
pub mod secure;
pub mod verify;

use std::path::PathBuf;

use color_eyre::eyre::{Result, eyre};

use crate::app::{App, Keymap};
use crate::cli::{Cli, Command};
use crate::config::{self, Config};
use crate::domain::Engagement;
use crate::ui::theme::Theme;

/// Runs what the command line asks for.
pub fn run(cli: Cli) -> Result<()> {
    let config = match cli.config.clone().or_else(config::default_config_path) {
        Some(p) => Config::load(&p).map_err(|e| eyre!("config file {e}"))?,
        None => Config::default(),
    };
    match cli.command {
        None => open_workbench(cli.db, cli.encrypt, &config),
        Some(Command::Demo { size, out, force }) => demo::run(size, out, force, &config.assessor()),
        Some(Command::Verify) => verify::run(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Backup { dest }) => secure::backup_to(&workspace_path(cli.db)?, &dest, &config.assessor()),
        Some(Command::Encrypt) => secure::encrypt(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Decrypt) => secure::decrypt(&workspace_path(cli.db)?, &config.assessor()),
        Some(Command::Lookup { query, phase, party, topic, limit, brief }) => {
            let f = lookup::filters(phase.as_deref(), party.as_deref(), topic.as_deref())?;
            lookup::run(&query, f, limit, brief)
        }
        Some(Command::Report { args, format, out, include_sensitive }) => {
            if args.first().map(String::as_str) == Some("assets") {
                return report_assets::run(
                    &workspace_path(cli.db)?,
                    &config.assessor(),
                    &args[1..],
                    format,
                    out.as_deref(),
                );
            }
            let store = secure::open_existing(&workspace_path(cli.db)?, &config.assessor())?;
            report::run(&store, &args.join(" "), format, out.as_deref(), include_sensitive)
        }
        Some(Command::Export { engagement, format, out, include_sensitive, excel, template }) => {
            let store = secure::open_existing(&workspace_path(cli.db)?, &config.assessor())?;
            let how = exchange::ExportOptions { include_sensitive, excel, template };
            exchange::export(&store, engagement.as_deref(), format, out.as_deref(), how)
        }
        Some(Command::Import { path, into, register, dry_run, delete_missing, date_format }) => {
            let db = workspace_path(cli.db)?;
            let mut store = secure::open(&db, &config.assessor(), false)?;
            let _lock = crate::store::lock::acquire(&db).map_err(|e| eyre!(e))?;
            let how = exchange::ImportOptions { dry_run, delete_missing, date_format };
            exchange::import(&mut store, &path, into.as_deref(), register.as_deref(), how)
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
    let app = App::new(store, keymap, theme, chrono::Local::now().date_naive())?;
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
        [] => Err(eyre!("no engagement matches \"{q}\" (give its id or the start of its name)")),
        several => Err(eyre!(
            "\"{q}\" matches {} engagements: {}{}; give more of the name or the id",
            several.len(),
            several.iter().take(6).map(|e| format!("{} (id {})", e.name, e.id)).collect::<Vec<_>>().join(", "),
            if several.len() > 6 { ", …" } else { "" }
        )),
    }
}
