//! Command-line definitions.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// What every command's exit status means; shown after `assay --help` and every subcommand's help.
pub const EXIT_CODES: &str = "\
Exit status:
  0  done
  1  failed: an error; nothing was changed
  2  usage error: an unknown option, a missing or bad argument
  3  nothing found or nothing to do: no engagement or obligation matches, an empty list
  4  verify found a problem in the workspace
  5  done in part: an import was applied, but its ids could not be written back into the file";

#[derive(Debug, Parser)]
#[command(
    name = "assay",
    version,
    about = "Offline workbench for assessing information security in ICT outsourcing",
    after_help = EXIT_CODES
)]
pub struct Cli {
    #[command(flatten)]
    pub globals: Globals,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The options given before any subcommand: all the workbench takes, and what every command shares.
#[derive(Debug, Clone, Default, PartialEq, clap::Args)]
pub struct Globals {
    /// The workspace file (default: assay.db in the user's data folder).
    #[arg(long, env = "ASSAY_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// The config file (default: config.toml in the user's config folder).
    #[arg(long, env = "ASSAY_CONFIG", value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Whether `--config` was given on the command line (not taken from ASSAY_CONFIG): such a file must exist.
    #[arg(skip)]
    pub config_named: bool,

    /// Create the workspace encrypted if it does not exist yet (passphrase asked for, or ASSAY_PASSPHRASE).
    /// Only for opening the workbench: `assay --encrypt`.
    #[arg(long)]
    pub encrypt: bool,
}

/// The command line that opens the workbench: the global options alone, without the subcommands, whose
/// definitions (with their help) take a quarter of a millisecond to build at every start. Only what it parses
/// whole is taken from it; anything else (a subcommand, `--help`, `--version`, a mistake) is parsed again by
/// [`Cli`], whose messages and help are the ones users see.
#[derive(Debug, Parser)]
#[command(name = "assay", disable_help_flag = true, disable_version_flag = true)]
struct Workbench {
    #[command(flatten)]
    globals: Globals,
}

/// The files `assay schema` describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchemaOf {
    /// The JSON bundle of `assay export --format json`.
    Bundle,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write a realistic sample workspace and print its path.
    Demo {
        /// How much to generate: small to explore, large for benchmarks, huge (ten times large) for scaling runs.
        #[arg(short, long, value_enum, default_value_t = DemoSize::Small)]
        size: DemoSize,
        /// Where to write it (default: assay-demo-SIZE.db in the current folder).
        #[arg(short, long, value_name = "PATH")]
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
        /// Print the result as one JSON document (the findings too); exit 4 still says a problem was found.
        #[arg(long)]
        json: bool,
    },
    /// Upgrade a workspace written by an older assay to this version's schema, in one transaction (a workspace that
    /// cannot be converted is left untouched), and say what was done.
    Upgrade,
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
        #[arg(short, long)]
        phase: Option<String>,
        /// Only this party: organisation, provider, both, management, owner, infosec or audit.
        #[arg(short = 'P', long)]
        party: Option<String>,
        /// Only this topic (e.g. assets, agreement, personnel).
        #[arg(short, long)]
        topic: Option<String>,
        /// How many matches to print.
        #[arg(short = 'n', long, default_value_t = 5)]
        limit: usize,
        /// Ids, titles and citations only.
        #[arg(short, long)]
        brief: bool,
        /// The answers as a JSON array (id, title, citation, phase, party, topic, annex_a, score, matched).
        #[arg(long, conflicts_with = "brief")]
        json: bool,
    },
    /// Write the risk assessment report of an engagement for senior management (Markdown, HTML, PDF or its data
    /// as JSON); `assay report assets ENGAGEMENT` writes the asset tracking form instead.
    #[command(args_conflicts_with_subcommands = true, subcommand_negates_reqs = true)]
    Report {
        #[command(subcommand)]
        form: Option<ReportKind>,
        /// The engagement: its number (3 or E-3), its UUID or the start of one, or the start of its name.
        #[arg(required = true, value_name = "ENGAGEMENT")]
        engagement: Vec<String>,
        /// md (Markdown), html (one self-contained page that prints on A4), pdf (A4, fonts embedded; needs --out
        /// unless the output goes to a pipe) or json (the report's data).
        #[arg(short, long, value_enum, default_value_t = ReportFormat::Md)]
        format: ReportFormat,
        /// Write to this file instead of printing.
        #[arg(short, long, value_name = "PATH")]
        out: Option<PathBuf>,
        /// Include the notes of criminal-record and credit checks (left out by default).
        #[arg(long)]
        include_sensitive: bool,
        /// Include the catalog's texts of the items cited, with their terms of reuse (by default items are cited
        /// by id, title and section only; the policy-derived texts are CC BY-NC-SA 3.0, not for sale).
        #[arg(long)]
        with_catalog_text: bool,
        /// Add the interview journal as an appendix: every entry, with when, who and what it is about.
        #[arg(long)]
        with_journal: bool,
        /// A final report: refused, with what is missing listed, while any required narrative (conclusion, overall
        /// rating, approach, limitations, reviewer, each risk's finding, recommendation and management response) is
        /// still to be written.
        #[arg(long = "final")]
        is_final: bool,
    },
    /// List the engagements of the workspace: number, name, phase, status and how much each holds.
    List {
        /// Print one JSON document (an array of engagements) instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the JSON Schema of a file assay writes (the JSON bundle, format 2) on standard output.
    Schema {
        /// The file whose schema to print.
        #[arg(value_enum)]
        of: SchemaOf,
    },
    /// Print a completion script for a shell (bash, zsh, fish or powershell) on standard output.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the manual pages (assay.1 and one per subcommand) into a folder, or assay.1 on standard output.
    Man {
        /// The folder to write into (created if missing); without it, assay.1 is printed.
        dir: Option<PathBuf>,
    },
    /// Export one engagement (or the whole workspace) as a JSON bundle, CSV files or an XLSX workbook.
    Export {
        /// The engagement: its number (3 or E-3), its UUID or the start of one, or the start of its name; all
        /// engagements when left out (JSON only).
        engagement: Option<String>,
        /// json (full-fidelity bundle), csv (a folder of one file per register), xlsx (one sheet per register)
        /// oscal (OSCAL assessment results, with the assessment plan and catalog they refer to, side by side) or
        /// oscal-poam (an OSCAL plan of action and milestones of the open treatments).
        #[arg(short, long, value_enum, default_value_t = ExportFormat::Json)]
        format: ExportFormat,
        /// Where to write (a file; a folder for csv). Default: printed for json, a name in the current folder
        /// otherwise.
        #[arg(short, long, value_name = "PATH")]
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
        /// JSON only: carry the content of the evidence files too (each once, in base64), so that the bundle
        /// brings them into another workspace. A bundle is never encrypted: it says so when it is written.
        #[arg(long)]
        with_evidence: bool,
    },
    /// Work as a team through a shared git repository (a folder on a file share, or a git server): start one, join
    /// one, list its members and admit new ones, review the conflicts merges resolved.
    Team {
        #[command(subcommand)]
        action: TeamAction,
    },
    /// Share this laptop's changes with the team and bring the team's in: commit what changed here, fetch, merge
    /// record by record and field by field, push. Works offline as far as it can (commits here) and says so.
    Sync,
    /// Evidence files kept in the workspace: add, list, export.
    Evidence {
        #[command(subcommand)]
        action: EvidenceAction,
    },
    /// Import a JSON bundle (new engagements), or the registers of one engagement from CSV files or a workbook.
    Import {
        /// A .json bundle, a .csv file of one register, or a .xlsx workbook.
        path: PathBuf,
        /// The engagement CSV or XLSX rows go into: its number (3 or E-3), its UUID or the start of one, or the start of
        /// its name.
        #[arg(short, long, value_name = "ENGAGEMENT")]
        into: Option<String>,
        /// The register a CSV file holds: risks, team_members, vetting_checks, assets, access_grants, providers,
        /// scores or checklist (default: from the file name).
        #[arg(short, long)]
        register: Option<String>,
        /// Print what the import would add, update (field by field) and remove, and change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Delete the records the file no longer lists (with what belongs to them); kept otherwise.
        #[arg(long)]
        delete_missing: bool,
        /// Once the import is applied, write each record's id (UUID) and ref into the rows of the file that had no
        /// id, so that importing the same file again matches every row by its id.
        ///
        /// The rows added and the rows matched by ref or natural key get them; nothing else of the CSV file or
        /// workbook changes (its separator, quoting and line ends, or its formatting, other cells and sheets). Not
        /// with --dry-run. When the file cannot be written (read-only, changed meanwhile) the import is still
        /// applied, the message says why the ids are missing, and the exit status is 5.
        #[arg(long)]
        write_ids: bool,
        /// How dates are written in a CSV file: iso (YYYY-MM-DD) or dmy (DD/MM/YYYY or DD.MM.YYYY; ISO still
        /// accepted).
        #[arg(long, value_enum, default_value_t = DateOrder::Iso)]
        date_format: DateOrder,
    },
}

/// What `assay team` does.
#[derive(Debug, Subcommand)]
pub enum TeamAction {
    /// Start a team: make the shared repository at REMOTE (a folder that is empty or does not exist yet) with this
    /// workspace's records, encrypted to this member, and bind the workspace to it.
    Init {
        /// The team repository: a folder on a share, or a git URL.
        remote: String,
        /// The member's name as the team sees it (default: the assessor's name from the config).
        #[arg(long)]
        name: Option<String>,
    },
    /// Join a team: bind this workspace to the repository at REMOTE and ask to be admitted; after a member has run
    /// `assay team members --admit DEVICE`, `assay sync` brings the team's records in and shares this workspace's.
    Join {
        remote: String,
        #[arg(long)]
        name: Option<String>,
    },
    /// List the members and the laptops asking to join; admit or remove one (every record is encrypted again to
    /// the members then listed).
    Members {
        /// Admit the laptop whose device id starts with this.
        #[arg(long, value_name = "DEVICE", conflicts_with = "remove")]
        admit: Option<String>,
        /// Remove the member whose device id starts with this.
        #[arg(long, value_name = "DEVICE")]
        remove: Option<String>,
    },
    /// List the conflicts merges resolved that are not reviewed yet; flip one to the value set aside, or mark it
    /// reviewed.
    Conflicts {
        /// The reviewed ones too.
        #[arg(long)]
        all: bool,
        /// Take the value the merge set aside instead (shared at the next sync) and mark the conflict reviewed.
        #[arg(long, value_name = "ID", conflicts_with = "reviewed")]
        flip: Option<i64>,
        /// Keep what the merge chose and mark the conflict reviewed.
        #[arg(long, value_name = "ID")]
        reviewed: Option<i64>,
    },
    /// Where this laptop stands: the team repository, the device, the last sync and what it said, the changes not
    /// yet shared.
    Status,
}

/// What `assay evidence` does.
#[derive(Debug, Subcommand)]
pub enum EvidenceAction {
    /// Store files in the workspace (encrypted with it), attached to the engagement or to one record in it.
    ///
    /// Photos, scans, PDFs, exports: each is stored with its SHA-256, size, name, media type, who added it and when.
    /// Every file is checked first, and all are stored in one transaction, or none.
    Add {
        /// The engagement (id or the start of its name; quote a name with spaces).
        #[arg(value_name = "ENGAGEMENT")]
        engagement: String,
        /// The files to store (each at most evidence_max_mb, 50 MB unless the config says otherwise).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The record they are evidence for: a short reference (R-12, M-40), KIND:REF (risk:R-12), KIND:UUID, or a
        /// checklist item by its obligation (checklist:G-5.5-a).
        #[arg(long, value_name = "KIND:ID")]
        to: Option<String>,
        /// A caption stored with each file.
        #[arg(long, value_name = "TEXT")]
        caption: Option<String>,
    },
    /// List the evidence files of an engagement, or of all.
    ///
    /// Reference, name, size, SHA-256, the record each is attached to, who added it and when.
    List {
        /// The engagement (id or the start of its name).
        #[arg(value_name = "ENGAGEMENT")]
        engagement: Option<String>,
        /// Print one JSON array instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Write an engagement's evidence files into a folder, under their own names.
    ///
    /// Names are made safe (a name taken gets a number); no existing file is overwritten; each file is checked
    /// against its SHA-256 as it is written, and `SHA-256  PATH` lines (as `sha256sum -c` reads them) are printed.
    Export {
        /// The engagement (id or the start of its name).
        #[arg(value_name = "ENGAGEMENT")]
        engagement: String,
        /// The folder to write into (created if missing).
        dir: PathBuf,
    },
}

/// What `assay report` can write besides the risk assessment report.
#[derive(Debug, Subcommand)]
pub enum ReportKind {
    /// The asset tracking form of an engagement, for hand-over and return (Markdown, HTML or PDF).
    #[command(alias = "form")]
    Assets {
        /// The engagement: its number (3 or E-3), its UUID or the start of one, or the start of its name.
        #[arg(required = true, value_name = "ENGAGEMENT")]
        engagement: Vec<String>,
        /// md (Markdown), html (one page that prints on A4, with room for signatures) or pdf (A4 landscape; needs
        /// --out unless the output goes to a pipe).
        #[arg(short, long, value_enum, default_value_t = FormFormat::Md)]
        format: FormFormat,
        /// Write to this file instead of printing.
        #[arg(short, long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
}

/// The formats of the asset tracking form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormFormat {
    Md,
    Html,
    Pdf,
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
    Json,
    Pdf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Json,
    Csv,
    Xlsx,
    Oscal,
    OscalPoam,
}

impl Cli {
    /// The command line's definition as shown to users: the global options (`--db`, `--config`) are listed
    /// once, in `assay --help`, and left out of each subcommand's help (where they are still accepted); every
    /// help ends with the table of exit codes.
    pub fn definition() -> clap::Command {
        use clap::CommandFactory;
        hide_globals(Cli::command())
    }

    /// Parses the command line, noting whether the config file was named on it.
    pub fn try_parse_args() -> Result<Cli, clap::Error> {
        Cli::try_parse_from_args(std::env::args_os())
    }

    /// Parses the given command line (the first item is the program's name).
    pub fn try_parse_from_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        match Cli::workbench(&args) {
            Some(globals) => Ok(Cli { globals, command: None }),
            None => Cli::parse_whole(args),
        }
    }

    /// The global options, when the command line holds nothing else (it opens the workbench).
    fn workbench(args: &[std::ffi::OsString]) -> Option<Globals> {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Workbench::command().try_get_matches_from(args).ok()?;
        let mut globals = Globals::from_arg_matches(&matches).ok()?;
        globals.config_named = config_named(&matches);
        Some(globals)
    }

    /// Parses the command line against the whole definition.
    fn parse_whole(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
        use clap::FromArgMatches;
        let matches = Cli::definition().try_get_matches_from(args)?;
        let mut cli = Cli::from_arg_matches(&matches)?;
        cli.globals.config_named = config_named(&matches);
        // A global option given after a subcommand's name wins over one given before it.
        let mut m = &matches;
        while let Some((_, sub)) = m.subcommand() {
            if let Ok(Some(p)) = sub.try_get_one::<PathBuf>("db") {
                cli.globals.db = Some(p.clone());
            }
            if let Ok(Some(p)) = sub.try_get_one::<PathBuf>("config") {
                cli.globals.config = Some(p.clone());
                cli.globals.config_named = true;
            }
            m = sub;
        }
        Ok(cli)
    }
}

/// Whether `--config` was given on the command line itself (not taken from ASSAY_CONFIG).
fn config_named(matches: &clap::ArgMatches) -> bool {
    matches.value_source("config") == Some(clap::parser::ValueSource::CommandLine)
}

/// How dates are written in an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DateOrder {
    /// YYYY-MM-DD.
    Iso,
    /// Day first: DD/MM/YYYY or DD.MM.YYYY.
    Dmy,
}

/// The options defined once at the top and accepted after any subcommand's name as well.
const GLOBALS: [(&str, &str); 2] = [("db", "The workspace file"), ("config", "The config file")];

/// Gives every subcommand (and theirs) hidden copies of the global options, and the exit-code table.
fn hide_globals(cmd: clap::Command) -> clap::Command {
    let names: Vec<String> = cmd.get_subcommands().map(|c| c.get_name().to_string()).collect();
    names.into_iter().fold(cmd, |cmd, name| {
        cmd.mut_subcommand(name, |sub| {
            let sub = GLOBALS.iter().fold(sub, |sub, (id, help)| {
                sub.arg(
                    clap::Arg::new(*id)
                        .long(*id)
                        .value_name("PATH")
                        .help(*help)
                        .value_parser(clap::value_parser!(PathBuf))
                        .hide(true),
                )
            });
            hide_globals(sub.after_help(EXIT_CODES))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn argv(line: &[&str]) -> Vec<OsString> {
        std::iter::once("assay").chain(line.iter().copied()).map(OsString::from).collect()
    }

    #[test]
    fn the_workbench_command_line_parses_as_the_whole_definition_parses_it() {
        let plain: &[&[&str]] = &[
            &[],
            &["--db", "w.db"],
            &["--db=w.db"],
            &["--db", "ünï cödé.db", "--config", "c.toml"],
            &["--config=c.toml", "--encrypt"],
            &["--encrypt", "--db", "w.db"],
            &["--"],
        ];
        for line in plain {
            let fast = Cli::workbench(&argv(line)).unwrap_or_else(|| panic!("{line:?} takes the short way"));
            let whole = Cli::parse_whole(argv(line)).expect("the whole definition parses it");
            assert!(whole.command.is_none(), "{line:?}: no subcommand");
            assert_eq!(fast, whole.globals, "{line:?}");
        }
        assert!(Cli::workbench(&argv(&["--config", "c.toml"])).is_some_and(|g| g.config_named), "named on the line");
        // Everything else goes to the whole definition, whose messages, help and subcommands users see.
        let other: &[&[&str]] = &[
            &["list"],
            &["--db", "w.db", "verify"],
            &["--help"],
            &["-h"],
            &["--version"],
            &["-V"],
            &["--db"],
            &["--dbb", "w.db"],
            &["--db", "a.db", "--db", "b.db"],
            &["--encrypt=yes"],
            &["lsit"],
            &["--", "list"],
        ];
        for line in other {
            assert_eq!(Cli::workbench(&argv(line)), None, "{line:?} is left to the whole definition");
        }
        let typo = Cli::try_parse_from_args(argv(&["lsit"])).expect_err("a typo is refused");
        assert!(typo.to_string().contains("list"), "the whole definition suggests the subcommand: {typo}");
        let sub = Cli::try_parse_from_args(argv(&["--db", "w.db", "list"])).expect("a subcommand");
        assert!(matches!(sub.command, Some(Command::List { .. })), "{sub:?}");
    }
}
