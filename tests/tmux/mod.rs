//! Drives the real binary in a private tmux server: one socket per test, killed when the test ends.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Tmux {
    socket: String,
}

/// How long to wait for text on screen; CI may lengthen it with `ASSAY_E2E_TIMEOUT` (seconds).
fn timeout() -> Duration {
    Duration::from_secs(std::env::var("ASSAY_E2E_TIMEOUT").ok().and_then(|s| s.parse().ok()).unwrap_or(20))
}

impl Tmux {
    /// Starts `assay --db DB` in a 120×40 session. Fails the test when tmux is missing: end-to-end coverage must
    /// not vanish silently.
    pub fn start(name: &str, db: &Path, cwd: &Path) -> Tmux {
        Self::start_args(name, &["--db", db.to_str().expect("utf8 path")], cwd)
    }

    /// Starts `assay --db DB` in a session of the given size (80×24 is the smallest the workbench promises to
    /// serve whole).
    pub fn start_sized(name: &str, db: &Path, cwd: &Path, cols: u16, rows: u16) -> Tmux {
        Self::start_args_sized(name, &["--db", db.to_str().expect("utf8 path")], cwd, cols, rows)
    }

    pub fn start_args(name: &str, args: &[&str], cwd: &Path) -> Tmux {
        Self::start_args_sized(name, args, cwd, 120, 40)
    }

    fn start_args_sized(name: &str, args: &[&str], cwd: &Path, cols: u16, rows: u16) -> Tmux {
        let socket = format!("assay-e2e-{}-{name}", std::process::id());
        let t = Tmux { socket };
        // `exec` so that the pane's process is assay itself (the crash test kills it by pid).
        let mut cmd = vec!["exec".to_string(), env!("CARGO_BIN_EXE_assay").to_string()];
        cmd.extend(args.iter().map(|a| a.to_string()));
        let config = cwd.join("no-config.toml");
        let (x, y) = (cols.to_string(), rows.to_string());
        let status = Command::new("tmux")
            .args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d", "-x", &x, "-y", &y])
            .args(["-e", &format!("ASSAY_CONFIG={}", config.display()), "-e", "LANG=C.UTF-8"])
            .args(["-c", cwd.to_str().expect("utf8")])
            .arg(shell_join(&cmd))
            .status()
            .expect("tmux must be installed for the end-to-end tests");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    /// Starts `assay --db w.db` (120×40) on a new, empty workspace in a temporary folder of its own; returns the
    /// folder (keep it until the end of the test), the workspace's path and the session.
    pub fn start_fresh(name: &str) -> (tempfile::TempDir, PathBuf, Tmux) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = dir.path().join("w.db");
        let t = Self::start(name, &db, dir.path());
        (dir, db, t)
    }

    /// Starts an interactive bash (no start-up files) in a 120×40 session, with job control, for tests that
    /// need a shell to come back to: suspending with Ctrl-Z and `fg`, or the terminal's state after assay ends.
    pub fn start_shell(name: &str, cwd: &Path) -> Tmux {
        let socket = format!("assay-e2e-{}-{name}", std::process::id());
        let t = Tmux { socket };
        let config = cwd.join("no-config.toml");
        let status = Command::new("tmux")
            .args(["-L", &t.socket, "-f", "/dev/null", "new-session", "-d", "-x", "120", "-y", "40"])
            .args(["-e", &format!("ASSAY_CONFIG={}", config.display()), "-e", "LANG=C.UTF-8"])
            .args(["-c", cwd.to_str().expect("utf8")])
            .arg("exec bash --norc --noprofile -i")
            .status()
            .expect("tmux must be installed for the end-to-end tests");
        assert!(status.success(), "tmux new-session failed");
        t
    }

    /// A tmux format of the pane, e.g. `#{alternate_on}` (1 while the program is on the alternate screen).
    pub fn display(&self, format: &str) -> String {
        let out =
            Command::new("tmux").args(["-L", &self.socket, "display-message", "-p", format]).output().expect("display");
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Waits until a tmux format of the pane reads `want`; fails with the screen on timeout.
    pub fn wait_display(&self, format: &str, want: &str) {
        let start = Instant::now();
        loop {
            let got = self.display(format);
            if got == want {
                return;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {format} = {want} (it is {got}); screen:\n{}", self.capture());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Runs a tmux command on this session's server and returns what it printed (e.g. `show-buffer`).
    pub fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket]).args(args).output().expect("tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub fn capture(&self) -> String {
        let out = Command::new("tmux").args(["-L", &self.socket, "capture-pane", "-p"]).output().expect("capture");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Waits until `text` is on screen; fails with the screen on timeout.
    pub fn wait_for(&self, text: &str) {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if screen.contains(text) {
                return;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {text:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the screen satisfies `ok` (`what` names the expectation in the failure); returns that screen.
    pub fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if ok(&screen) {
                return screen;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {what}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until `text` is no longer on screen (a popup closed).
    pub fn wait_gone(&self, text: &str) {
        let start = Instant::now();
        loop {
            let screen = self.capture();
            if !screen.contains(text) {
                return;
            }
            if start.elapsed() > timeout() {
                panic!("timed out waiting for {text:?} to go; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Sends tmux key names (`Enter`, `Escape`, `C-k`, `q`).
    pub fn send(&self, keys: &[&str]) {
        let status =
            Command::new("tmux").args(["-L", &self.socket, "send-keys"]).args(keys).status().expect("send-keys");
        assert!(status.success());
    }

    /// Sends keys to a program that may have gone (the crash test); whether they were delivered.
    pub fn try_send(&self, keys: &[&str]) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys"])
            .args(keys)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Types text into a program that may have gone; whether it was delivered.
    pub fn try_type(&self, text: &str) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "send-keys", "-l", text])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Pastes text as a terminal does when the program asked for bracketed paste (the text between the paste
    /// markers, line breaks included).
    pub fn paste(&self, text: &str) {
        let buffer = ["-L", &self.socket, "set-buffer", "-b", "e2e-paste", "--", text];
        assert!(Command::new("tmux").args(buffer).status().expect("set-buffer").success());
        let paste = ["-L", &self.socket, "paste-buffer", "-p", "-d", "-b", "e2e-paste"];
        assert!(Command::new("tmux").args(paste).status().expect("paste-buffer").success());
    }

    /// Types text literally.
    pub fn type_text(&self, text: &str) {
        let status =
            Command::new("tmux").args(["-L", &self.socket, "send-keys", "-l", text]).status().expect("send-keys");
        assert!(status.success());
    }

    /// On the start screen of an empty workspace: creates the first engagement by its name alone, as a new user
    /// would, and waits until it is saved.
    pub fn create_first_engagement(&self, name: &str) {
        self.wait_for("no engagement yet");
        self.send(&["Enter"]);
        self.wait_for("New engagement");
        self.type_text(name);
        self.send(&["Enter"]);
        self.wait_for("Engagement created");
    }

    /// On the Risks tab: adds a risk by its title, likelihood and confidentiality impact (the other impacts stay 0)
    /// and waits until it is saved.
    pub fn add_risk(&self, title: &str, likelihood: &str, impact_c: &str) {
        self.send(&["a"]);
        self.wait_for("New risk");
        self.type_text(title);
        self.send(&["Tab", "Tab"]);
        self.type_text(likelihood);
        self.send(&["Tab", "C-u"]);
        self.type_text(impact_c);
        self.send(&["Enter"]);
        self.wait_for("Risk added");
    }

    /// From anywhere in the workbench: adds a provider by its name alone on the Scorecard tab and waits until it
    /// is saved.
    pub fn add_provider(&self, name: &str) {
        self.send(&["3"]);
        self.wait_for("[Providers]");
        self.send(&["a"]);
        self.wait_for("New provider");
        self.type_text(name);
        self.send(&["Enter"]);
        self.wait_for(&format!("Provider “{name}” added"));
    }

    /// The process id of the program in the pane.
    pub fn pane_pid(&self) -> u32 {
        let out = Command::new("tmux")
            .args(["-L", &self.socket, "display-message", "-p", "#{pane_pid}"])
            .output()
            .expect("display-message");
        String::from_utf8_lossy(&out.stdout).trim().parse().expect("a pid")
    }

    /// Whether the program is still running.
    pub fn is_alive(&self) -> bool {
        Command::new("tmux")
            .args(["-L", &self.socket, "has-session"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    /// Waits for the program to exit (its session ends with it).
    pub fn wait_exit(&self) {
        let start = Instant::now();
        while Command::new("tmux")
            .args(["-L", &self.socket, "has-session"])
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
        {
            if start.elapsed() > timeout() {
                panic!("assay did not exit; screen:\n{}", self.capture());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ =
            Command::new("tmux").args(["-L", &self.socket, "kill-server"]).stderr(std::process::Stdio::null()).status();
    }
}

fn shell_join(args: &[String]) -> String {
    let quote = |a: &String| if a == "exec" { a.clone() } else { format!("'{}'", a.replace('\'', r"'\''")) };
    args.iter().map(quote).collect::<Vec<_>>().join(" ")
}
