//! The real binary, run as a user would from a shell in a folder of the test's: no config file, and no workspace,
//! passphrase or colour setting inherited from the environment the tests run in.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// `assay ARGS` in `dir`, ready to run; a test adds what it needs (a variable, a config, a pipe) before running.
pub fn command(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_assay"));
    c.args(args)
        .current_dir(dir)
        .env("ASSAY_CONFIG", dir.join("no-config.toml"))
        .env_remove("ASSAY_DB")
        .env_remove("ASSAY_PASSPHRASE")
        .env_remove("ASSAY_ALLOW_WEAK_PASSPHRASE")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null());
    c
}

/// Runs `assay ARGS` in `dir` and waits for it.
pub fn assay(dir: &Path, args: &[&str]) -> Output {
    command(dir, args).output().expect("run assay")
}

/// Runs `assay ARGS` in `dir` with `ASSAY_PASSPHRASE` set to `pass`, when given.
pub fn assay_with_passphrase(dir: &Path, args: &[&str], pass: Option<&str>) -> Output {
    let mut c = command(dir, args);
    if let Some(p) = pass {
        c.env("ASSAY_PASSPHRASE", p);
    }
    c.output().expect("run assay")
}

/// Bytes a command printed, as text (invalid UTF-8 shown as replacement characters).
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

pub fn stdout(o: &Output) -> String {
    text(&o.stdout)
}

pub fn stderr(o: &Output) -> String {
    text(&o.stderr)
}

/// `assay demo --out NAME` in `dir`: the small demo workspace as a file there. Fails the test when it fails.
pub fn demo_file(dir: &Path, name: &str) -> PathBuf {
    let out = assay(dir, &["demo", "--out", name]);
    assert!(out.status.success(), "assay demo: {}", stderr(&out));
    dir.join(name)
}

/// A path as the `&str` an argument list takes.
pub fn arg(p: &Path) -> &str {
    p.to_str().expect("utf8 path")
}
