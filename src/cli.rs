//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(name = "assay", version, about = "Offline workbench for assessing information security in ICT outsourcing")]
pub struct Cli {
    /// The workspace file (default: assay.db in the user's data folder).
    #[arg(long, global = true, env = "ASSAY_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The config file (default: config.toml in the user's config folder).
    #[arg(long, global = true, env = "ASSAY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Whether `--config` was given on the command line (not taken from ASSAY_CONFIG): such a file must exist.
    #[arg(skip)]
    pub config_named: bool,

    /// Create the workspace encrypted if it does not exist yet (passphrase asked for, or ASSAY_PASSPHRASE).
    #[arg(long, global = true)]
    pub encrypt: bool,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a realistic sample workspace and print its path.
    Demo {
        /// How much to generate: small to explore, large for benchmarks, huge (ten times large) for scaling runs.
        #[arg(long, value_enum, default_value_t = DemoSize::Small)]
        size: DemoSize,
        /// Where to write it (default: assay-demo-SIZE.db in the current folder).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Check the workspace: SQLite integrity, the schema, the history's hash chain, and every row against its
    /// history; prints the history head (COUNT:HASH) to keep outside the file.
    Verify {
        /// A history head kept earlier (as `verify`, reports and exports print it): fail unless the history still
        /// holds that entry unchanged. May be given more than once.
        #[arg(long, value_name = "COUNT:HASH")]
        head: Vec<String>,
    },
    /// Copy the workspace to a new file, consistently, even while the workbench runs.
    Backup {
        /// The file to write (must not exist).
        dest: PathBuf,
    },
    /// Encrypt the workspace with a passphrase (asked for twice, or ASSAY_PASSPHRASE), and its automatic backups
    /// with it; lists the plaintext reports and exports beside it and offers to remove them.
    Encrypt {
        /// Overwrite and remove the plaintext reports and exports in `reports/` beside the workspace without asking.
        #[arg(long)]
        remove_outputs: bool,
    },
    /// Remove the workspace's encryption.
    Decrypt,
    /// Print the catalog obligations that best match a query.
    Lookup {
        /// Words to look for: an id (G-5.5.1), an Annex A control (a.5.20), or plain words.
        #[arg(required = true)]
        query: Vec<String>,
        /// Only this phase: pre, during, post or any.
        #[arg(long)]
        phase: Option<String>,
        /// Only this party: organisation, provider, both, management, owner, infosec or audit.
        #[arg(long)]
        party: Option<String>,
        /// Only this topic (e.g. assets, agreement, personnel).
        #[arg(long)]
        topic: Option<String>,
        /// How many matches to print.
        #[arg(long, default_value_t = 5)]
        limit: usize,
        /// Ids, titles and citations only.
        #[arg(long)]
        brief: bool,
        /// The answers as a JSON array (id, title, citation, phase, party, topic, annex_a, score, matched).
        #[arg(long, conflicts_with = "brief")]
        json: bool,
    },
    /// Write a report of an engagement: the risk assessment report for senior management, or, with `assets`
    /// first, the asset tracking form for hand-over and return (Markdown or HTML).
    Report {
        /// `assets` then the engagement for the asset form; otherwise the engagement (id or name)
        #[arg(required = true)]
        args: Vec<String>,
        /// md (Markdown) or html (one self-contained page that prints on A4).
        #[arg(long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to this file instead of printing.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Include the notes of criminal-record and credit checks (left out by default).
        #[arg(long)]
        include_sensitive: bool,
        /// Include the catalog's texts of the items cited, with their terms of reuse (by default items are cited
        /// by id, title and section only; the policy-derived texts are CC BY-NC-SA 3.0, not for sale).
        #[arg(long)]
        with_catalog_text: bool,
    },
    /// Export one engagement (or the whole workspace) as a JSON bundle, CSV files or an XLSX workbook.
    Export {
        /// The engagement (id or the start of its name); all engagements when left out (JSON only).
        engagement: Option<String>,
        /// json (full-fidelity bundle), csv (a folder of one file per register) or xlsx (one sheet per register).
        #[arg(long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Where to write (a file; a folder for csv). Default: printed for json, a name in the current folder
        /// otherwise.
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Include the notes of criminal-record and credit checks (left out by default).
        #[arg(long)]
        include_sensitive: bool,
        /// Include the catalog's texts of the items cited, with their terms of reuse (by default items are cited
        /// by id, title and section only; the policy-derived texts are CC BY-NC-SA 3.0, not for sale).
        #[arg(long)]
        with_catalog_text: bool,
        /// CSV for Excel on Windows: starts each file with a UTF-8 byte-order mark so accents show right.
        #[arg(long)]
        excel: bool,
        /// The sheets with their headers and no rows: a blank workbook (or CSV files) to fill in.
        #[arg(long)]
        template: bool,
    },
    /// Import a JSON bundle (new engagements), or the registers of one engagement from CSV files or a workbook.
    Import {
        /// A .json bundle, a .csv file of one register, or a .xlsx workbook.
        path: PathBuf,
        /// The engagement CSV or XLSX rows go into (id or the start of its name).
        #[arg(long, value_name = "ENGAGEMENT")]
        into: Option<String>,
        /// The register a CSV file holds: risks, team_members, vetting_checks, assets, access_grants, providers,
        /// scores or checklist (default: from the file name).
        #[arg(long)]
        register: Option<String>,
        /// Print what the import would add, update (field by field) and remove, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Delete the records the file no longer lists (with what belongs to them); kept otherwise.
        #[arg(long)]
        delete_missing: bool,
        /// How dates are written in a CSV file: iso (YYYY-MM-DD) or dmy (DD/MM/YYYY or DD.MM.YYYY; ISO still
        /// accepted).
        #[arg(long, value_enum, default_value_t = DateOrder::Iso)]
        date_format: DateOrder,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DemoSize {
    Small,
    Large,
    /// Ten times the large one, for the benchmarks' scaling runs.
    Huge,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Md,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
}

impl Cli {
    /// Parses the command line, noting whether the config file was named on it.
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().try_get_matches()?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.config_named = matches.value_source("config") == Some(clap::parser::ValueSource::CommandLine);
        Ok(cli)
    }
}

/// How dates are written in an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrder {
    /// YYYY-MM-DD.
    Iso,
    /// Day first: DD/MM/YYYY or DD.MM.YYYY.
    Dmy,
}
