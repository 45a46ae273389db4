//! The user's config file: assessor name and key overrides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// What the config file may say.
#[derive(Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The name recorded on every change (default: the login name).
    pub assessor: Option<String>,
    /// `"color"` (the default) or `"plain"` (bold, underline and reverse only); `NO_COLOR` always means plain.
    pub theme: Option<String>,
    /// `"auto"` (the default: from `COLORTERM` and `TERM`), or `"truecolor"`, `"256"` or `"16"` to force a depth.
    pub colors: Option<String>,
    /// How many automatic backups to keep beside the workspace (0: none). Default 5.
    pub backups: Option<usize>,
    /// Where the workbench writes reports and exports (default: the folder assay was started from).
    pub reports_dir: Option<PathBuf>,
    /// How the workbench shows dates and forms take them: `"iso"` (`YYYY-MM-DD`, the default) or `"dmy"`
    /// (`DD/MM/YYYY`; ISO dates are taken too).
    pub date_format: Option<String>,
    /// The largest evidence file `assay evidence add` stores, in MB of 1,048,576 bytes (default 50, at most 950).
    pub evidence_max_mb: Option<u64>,
    /// Key overrides: `[keys.list] next_row = ["j", "ctrl-n"]`.
    #[serde(default)]
    pub keys: BTreeMap<String, BTreeMap<String, Vec<String>>>,
}

impl Config {
    /// Reads the config file; a missing file is an empty config, a malformed one an error naming the place.
    pub fn load(path: &Path) -> Result<Config, String> {
        match std::fs::read(path) {
            Ok(bytes) => {
                let text = String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8 text", path.display()))?;
                toml::from_str(&text).map_err(|e| format!("{}: {}", path.display(), e.to_string().trim_end()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    /// The largest evidence file to store, in bytes; an error names a limit out of range.
    pub fn evidence_limit(&self) -> Result<u64, String> {
        use crate::store::evidence::{DEFAULT_MAX_MB, MAX_MB, MB};
        match self.evidence_max_mb.unwrap_or(DEFAULT_MAX_MB) {
            mb @ 1..=MAX_MB => Ok(mb * MB),
            mb => Err(format!("evidence_max_mb = {mb} in the config file: give a number of MB from 1 to {MAX_MB}")),
        }
    }

    /// The name recorded in the audit log.
    pub fn assessor(&self) -> String {
        self.assessor
            .clone()
            .filter(|s| !s.trim().is_empty())
            .or_else(|| login_name(LOGIN_VARS, |v| std::env::var(v).ok()))
            .unwrap_or_else(|| "assessor".into())
    }
}

/// The environment variables that hold the login name, asked in this order: `USERNAME` on Windows (where `USER`
/// is set only by Unix-like shells), `USER` then `LOGNAME` elsewhere.
#[cfg(windows)]
const LOGIN_VARS: &[&str] = &["USERNAME", "USER"];
#[cfg(not(windows))]
const LOGIN_VARS: &[&str] = &["USER", "LOGNAME"];

/// The first of `vars` that `get` finds set and not blank.
fn login_name(vars: &[&str], get: impl Fn(&str) -> Option<String>) -> Option<String> {
    vars.iter().filter_map(|v| get(v)).find(|s| !s.trim().is_empty())
}

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "assay")
}

/// Where the workspace lives unless `--db` or `ASSAY_DB` says otherwise.
pub fn default_db_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.data_dir().join("assay.db"))
}

pub fn default_config_path() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().join("config.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_config_names_the_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("c.toml");
        std::fs::write(&p, "assessor = \"A\"\n[keys.list]\nnext_row = 5\n").expect("write");
        let err = Config::load(&p).expect_err("malformed");
        assert!(err.contains("line 3"), "{err}");
        std::fs::write(&p, "assesor = \"typo\"\n").expect("write");
        assert!(Config::load(&p).expect_err("unknown field").contains("unknown field"));
        assert_eq!(Config::load(&dir.path().join("none.toml")), Ok(Config::default()));
    }

    #[test]
    fn the_evidence_limit_is_50_mb_unless_set_within_range() {
        let mb = crate::store::evidence::MB;
        assert_eq!(Config::default().evidence_limit(), Ok(50 * mb));
        let set = |n| Config { evidence_max_mb: Some(n), ..Config::default() }.evidence_limit();
        assert_eq!(set(1), Ok(mb));
        assert_eq!(set(950), Ok(950 * mb));
        assert!(set(0).expect_err("zero").contains("from 1 to 950"));
        assert!(set(951).is_err());
    }

    /// Windows keeps the login name in `USERNAME`; reading `USER` alone left every history entry there unnamed.
    #[test]
    fn the_login_name_comes_from_the_platforms_variable() {
        let windows = |v: &str| (v == "USERNAME").then(|| "Zoë Müller".to_string());
        assert_eq!(login_name(&["USERNAME", "USER"], windows).as_deref(), Some("Zoë Müller"));
        let unix = |v: &str| match v {
            "USER" => Some(" ".to_string()),
            "LOGNAME" => Some("kim".to_string()),
            _ => None,
        };
        assert_eq!(login_name(&["USER", "LOGNAME"], unix).as_deref(), Some("kim"), "a blank USER is skipped");
        assert_eq!(login_name(LOGIN_VARS, |_| None), None);
        #[cfg(windows)]
        assert_eq!(LOGIN_VARS[0], "USERNAME");
        #[cfg(not(windows))]
        assert_eq!(LOGIN_VARS[0], "USER");
    }
}
