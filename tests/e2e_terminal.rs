//! End to end: whatever ends the workbench — a signal, a panic, a failed start — or suspends it, the terminal is
//! handed back as it was: raw mode off, the main screen back, mouse reporting off, the cursor shown. Run in an
//! interactive bash inside tmux, which reports the pane's modes.

mod tmux;

use std::time::{Duration, Instant};

use tmux::Tmux;

/// The command line typed into the shell: assay, then its exit status and the line discipline's state.
fn command_line(prefix: &str, args: &str) -> String {
    format!(
        "{prefix}'{}' {args}; echo \"exit=$?\"; echo \"tty=$(stty -a | tr -s ' ;' '\\n' | grep -x -e icanon -e -icanon -e echo -e -echo | tr '\\n' ,)\"",
        env!("CARGO_BIN_EXE_assay")
    )
}

/// The pid of the shell's child (assay, while it runs).
fn child_of(shell: u32) -> u32 {
    let start = Instant::now();
    loop {
        let children = std::fs::read_to_string(format!("/proc/{shell}/task/{shell}/children")).unwrap_or_default();
        if let Some(pid) = children.split_whitespace().next().and_then(|p| p.parse().ok()) {
            return pid;
        }
        assert!(start.elapsed() < Duration::from_secs(20), "assay did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The pane's modes after assay has ended or stopped: alternate screen, mouse reporting, cursor.
fn assert_handed_back(t: &Tmux) {
    t.wait_display("#{alternate_on}", "0");
    assert_eq!(t.display("#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}"), "000", "mouse reporting");
    assert_eq!(t.display("#{cursor_flag}"), "1", "cursor hidden");
}

/// Starts the workbench on an empty workspace in a shell and waits until it holds the screen.
fn start(name: &str, dir: &std::path::Path, line: &str) -> Tmux {
    let t = Tmux::start_shell(name, dir);
    t.wait_for("bash-");
    t.type_text(line);
    t.send(&["Enter"]);
    t.wait_for("no engagement yet");
    t.wait_display("#{alternate_on}", "1");
    assert_eq!(t.display("#{mouse_any_flag}"), "1", "mouse reporting is on while assay runs");
    t
}

fn run_to_signal(signal: &str, code: u32) {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = start(&format!("sig-{signal}"), dir.path(), &command_line("", "--db w.db"));
    let pid = child_of(t.pane_pid());
    let status = std::process::Command::new("kill").args(["-s", signal, &pid.to_string()]).status().expect("kill");
    assert!(status.success());
    t.wait_for(&format!("exit={code}"));
    assert_handed_back(&t);
    t.wait_for("tty=icanon,echo,");
}

#[test]
fn sigterm_hands_the_terminal_back() {
    run_to_signal("TERM", 143);
}

#[test]
fn sighup_hands_the_terminal_back() {
    run_to_signal("HUP", 129);
}

#[test]
fn sigint_hands_the_terminal_back() {
    run_to_signal("INT", 130);
}

#[test]
fn a_panic_hands_the_terminal_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start_shell("panic", dir.path());
    t.wait_for("bash-");
    t.type_text(&command_line("ASSAY_TEST_PANIC=1 RUST_BACKTRACE=0 ", "--db w.db"));
    t.send(&["Enter"]);
    t.wait_for("exit=101");
    assert_handed_back(&t);
    t.wait_for("tty=icanon,echo,");
    assert!(t.capture().contains("ASSAY_TEST_PANIC is set"), "the panic message is readable on the main screen");
}

#[test]
fn a_failed_start_leaves_the_terminal_alone() {
    let dir = tempfile::tempdir().expect("tempdir");
    let t = Tmux::start_shell("failed", dir.path());
    t.wait_for("bash-");
    t.type_text(&command_line("", "--db missing/w.db"));
    t.send(&["Enter"]);
    t.wait_for("exit=1");
    assert_handed_back(&t);
    t.wait_for("tty=icanon,echo,");
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_redraws() {
    let dir = tempfile::tempdir().expect("tempdir");
    // assay alone on the line: a stopped job lets bash run the rest of a list at once.
    let t = start("suspend", dir.path(), &format!("'{}' --db w.db", env!("CARGO_BIN_EXE_assay")));
    t.send(&["C-z"]);
    t.wait_for("Stopped");
    assert_handed_back(&t);
    t.type_text("fg");
    t.send(&["Enter"]);
    t.wait_display("#{alternate_on}", "1");
    t.wait_for("no engagement yet");
    assert_eq!(t.display("#{mouse_any_flag}"), "1", "mouse reporting is back");
    // Still working after the resume: it quits on q and hands the terminal back.
    t.send(&["q"]);
    assert_handed_back(&t);
    t.type_text("echo \"exit=$?\"");
    t.send(&["Enter"]);
    t.wait_for("exit=0");
}

/// A terminal that goes away without a word (its tmux server killed, an SSH link cut) ends the workbench: it does
/// not stay behind reading an input that is gone, at full speed.
#[test]
fn a_terminal_that_disappears_ends_the_workbench() {
    let (_dir, _db, t) = Tmux::start_fresh("gone");
    t.wait_for("no engagement yet");
    let pid = t.pane_pid();
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists(), "assay runs");
    t.tmux(&["kill-server"]);
    let start = Instant::now();
    while std::path::Path::new(&format!("/proc/{pid}")).exists() {
        let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| s.contains(") Z "));
        if zombie {
            break;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = std::process::Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("assay kept running after its terminal went away");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An idle workbench sleeps: with nothing typed and nothing running, it writes nothing to the terminal (it redrew
/// the whole screen four times a second, waking the processor of a laptop on battery for nothing).
#[test]
fn an_idle_workbench_writes_nothing_to_the_terminal() {
    let (dir, _db, t) = Tmux::start_fresh("idle");
    t.wait_for("no engagement yet");
    // Past the start-up backup and its message, if any.
    std::thread::sleep(Duration::from_millis(1500));
    let out = dir.path().join("written");
    t.tmux(&["pipe-pane", "-o", &format!("cat > '{}'", out.display())]);
    std::thread::sleep(Duration::from_millis(2000));
    t.tmux(&["pipe-pane"]);
    std::thread::sleep(Duration::from_millis(200));
    let written = std::fs::read(&out).unwrap_or_default();
    assert!(written.is_empty(), "{} bytes written while idle: {:?}", written.len(), String::from_utf8_lossy(&written));
    // It still answers at once.
    t.send(&["?"]);
    t.wait_for("Keys");
}

/// A resize while the workbench waits for a key is drawn at once, the wait being its own.
#[test]
fn a_resize_while_idle_is_drawn() {
    let (_dir, _db, t) = Tmux::start_fresh("resize");
    t.wait_for("no engagement yet");
    std::thread::sleep(Duration::from_millis(500));
    t.tmux(&["resize-window", "-x", "40", "-y", "10"]);
    t.wait_for("Terminal too small");
    t.tmux(&["resize-window", "-x", "120", "-y", "40"]);
    t.wait_for("no engagement yet");
    t.wait_gone("Terminal too small");
}
