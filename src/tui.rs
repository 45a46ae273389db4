//! The terminal loop: event → keymap → action → update → render.
//!
//! The terminal is handed back as it was found — raw mode off, the main screen back, mouse reporting and
//! bracketed paste off, the cursor shown — on every way out: a quit, an error, a panic, and SIGTERM, SIGHUP or
//! SIGINT (closing a terminal tab, a dropped SSH session, `kill`). Ctrl-Z (or SIGTSTP) suspends to the shell the
//! same way, and `fg` takes the screen back and redraws it whole.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use color_eyre::Result;
use color_eyre::eyre::eyre;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyCode,
    KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use ratatui::crossterm::terminal::{LeaveAlternateScreen, disable_raw_mode};

use crate::app::{Action, App, Keymap};
use crate::config::Config;
use crate::store::Store;
use crate::store::backup::{Bounds, Outcome};
use crate::theme::Theme;
use crate::worker::{Job, Poll};

/// The workbench's terminal. Its output is buffered whole, so that a frame reaches the terminal in one write at
/// its end (ratatui flushes the backend after each frame) rather than in pieces of the standard output's 1 KiB
/// line buffer: a first frame of the large demo took nine writes, each one a wake-up of the terminal's reader.
type Term = Terminal<CrosstermBackend<std::io::BufWriter<std::io::Stdout>>>;

/// Room for a whole frame of a large terminal (a frame of 160×48 cells, colours included, takes about 9 KiB).
const FRAME_BUFFER: usize = 64 * 1024;

/// Where the terminal backend writes the frames `ui::render` draws (each cell cleaned by `visible::scrub_buffer`).
fn frames() -> std::io::BufWriter<std::io::Stdout> {
    std::io::BufWriter::with_capacity(FRAME_BUFFER, std::io::stdout())
}

/// The automatic backup the workbench takes once its first frame is on screen.
pub struct BackupPlan {
    pub workspace: std::path::PathBuf,
    pub key: Option<String>,
    pub bounds: Bounds,
}

/// How many automatic backups are kept unless the config says otherwise.
const DEFAULT_BACKUPS: usize = 5;

/// Opens the workbench on the workspace at `workspace` and runs it until the user quits: the one way the command
/// line reaches the terminal interface. `open` opens the workspace (and holds whatever guard it returns, such as
/// the workspace lock, until the workbench ends). What the first frame waits for is shared between two cores (each
/// helper thread asks for a CPU other than the main thread's, see [`crate::worker::spawn_beside`]):
/// - while the workspace opens, the other core prepares the key table with the config's overrides;
/// - while the workbench reads the workspace, the other core takes the terminal (raw mode, the alternate screen,
///   the screen buffers). It is taken only once the workspace is open and the config found sound, so that a
///   passphrase prompt, a refusal or a config mistake is written on the shell's screen as before.
///
/// The catalog, which the first frame does not show, is read just after it, before any key.
pub fn start<L>(config: &Config, workspace: PathBuf, open: impl FnOnce() -> Result<(L, Store)>) -> Result<()> {
    let overrides = config.keys.clone();
    let prepare = crate::worker::spawn_beside(move || {
        let mut keymap = Keymap::default_map();
        keymap.apply_overrides(&overrides).map(|()| keymap)
    });
    let theme = Theme::choose_with(config.theme.as_deref(), config.colors.as_deref());
    let today = chrono::Local::now().date_naive();
    let opened = open();
    // A mistake in the config's keys is named first, as before; then the store's refusals (missing or read-only
    // folder, bad file, the lock); then the config's other settings; then anything reading the workspace met.
    let keymap = prepare
        .join()
        .map_err(|_| eyre!("the key table could not be prepared"))?
        .map_err(|e| eyre!("config file: {e}"))?;
    let (_lock, store) = opened?;
    let key = store.key().map(str::to_string);
    // The automatic backup is taken after the first frame, in the background (see run_in).
    let backup = Some(BackupPlan { workspace, key, bounds: Bounds::new(config.backups.unwrap_or(DEFAULT_BACKUPS)) });
    let theme = theme.map_err(|e| eyre!("config file: {e}"))?;
    let dates = match &config.date_format {
        Some(f) => crate::domain::DateStyle::from_config(f).map_err(|e| eyre!("config file: {e}"))?,
        None => crate::domain::DateStyle::Iso,
    };
    let evidence_limit = config.evidence_limit().map_err(|e| eyre!("config file: {e}"))?;
    // A relative folder is taken from where assay was started, and shown in full.
    let reports_dir = match &config.reports_dir {
        Some(dir) => Some(std::path::absolute(dir).map_err(|e| eyre!("config file: reports_dir: {e}"))?),
        None => None,
    };
    let (signals, terminal) = take_terminal()?;
    let terminal = crate::worker::spawn_beside(terminal);
    // A panic while reading waits for the terminal to be taken, so that the hand-back comes after it.
    let loaded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| App::opening(store, keymap, theme, today)));
    let terminal = terminal.join().map_err(|_| eyre!("the terminal could not be set up")).and_then(|t| t);
    let loaded = loaded.unwrap_or_else(|panic| {
        restore();
        std::panic::resume_unwind(panic)
    });
    let (mut app, terminal) = match (loaded, terminal) {
        (Ok(app), Ok(terminal)) => (app, terminal),
        (loaded, terminal) => {
            restore();
            return Err(terminal.err().or(loaded.err()).unwrap_or_else(|| eyre!("the workbench could not start")));
        }
    };
    app.dates = dates;
    app.evidence_limit = evidence_limit;
    if let Some(dir) = reports_dir {
        app.reports_dir = dir;
    }
    run_in(terminal, &signals, app, backup)
}

/// What taking the terminal needs first, in order: a terminal on both ends, the signals watched (so that one
/// arriving from now on hands the terminal back), the panic hook. Returns the watch and the step that takes the
/// terminal, which may run on another thread: raw mode, the alternate screen, mouse reporting and paste.
fn take_terminal() -> Result<(Signals, impl FnOnce() -> Result<Term> + Send + 'static)> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(color_eyre::eyre::eyre!(
            "the workbench needs an interactive terminal (for scripts, see assay --help)"
        ));
    }
    let signals = Signals::register()?;
    install_panic_hook();
    Ok((signals, || {
        let taken = enter().and_then(|()| Terminal::new(CrosstermBackend::new(frames())));
        taken.map_err(|e| {
            restore();
            e.into()
        })
    }))
}

/// Runs the workbench until the user quits, taking the automatic backup in the background after the first frame
/// (only if the workspace changed since its newest backup), and again at quit if the work since start-up changed
/// it. A failed backup is shown in the workbench and never blocks work. The terminal is restored on every way out,
/// a panic included.
fn run_in(mut terminal: Term, signals: &Signals, mut app: App, backup: Option<BackupPlan>) -> Result<()> {
    let mut running: Option<Job<Outcome>> = None;
    let mut outcome: Option<Outcome> = None;
    // Whether anything was written while the workbench ran: the history's last entry once the first frame is on
    // screen (before any key is handled), and at quit.
    let mut start_tip = None;
    let result =
        event_loop(&mut terminal, &mut app, signals, backup.as_ref(), &mut running, &mut outcome, &mut start_tip);
    restore();
    if let (Ok(()), Some(signal)) = (&result, signals.stopped_by()) {
        // Ended by a signal: the terminal is back; every edit was committed when it was made, so exit at once, as
        // the shell expects of a process ended by it (a backup under way is left as its partial file, which is
        // never taken for a backup).
        std::process::exit(128 + signal);
    }
    if let Some(plan) = backup {
        if outcome.is_none()
            && let Some(o) = running.and_then(Job::finish)
        {
            outcome = Some(o);
        }
        if let Some(Outcome::Failed(e)) = &outcome {
            crate::errln!("assay: warning: the automatic backup failed: {e}");
        }
        let unchanged = start_tip.is_some() && crate::store::history::tip(app.store.conn()).ok() == start_tip;
        let covered = matches!(outcome, Some(Outcome::Taken(_) | Outcome::Unchanged));
        drop(app); // the workbench's connection first: the backup then sees everything it committed
        if unchanged && covered {
            return result;
        }
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
        let stop = AtomicBool::new(false);
        if let Outcome::Failed(e) =
            crate::store::backup::take_if_changed(&plan.workspace, plan.key.as_deref(), plan.bounds, &stamp, &stop)
        {
            crate::errln!("assay: warning: the backup at quit failed: {e}");
        }
    }
    result
}

/// Hands the terminal back: mouse reporting and bracketed paste off, main screen, raw mode off, cursor shown.
/// Safe to call more than once; each step is tried even when one before it fails.
pub fn restore() {
    let mut out = std::io::stdout();
    let _ = ratatui::crossterm::execute!(out, DisableMouseCapture, DisableBracketedPaste);
    let _ = disable_raw_mode();
    let _ = ratatui::crossterm::execute!(out, LeaveAlternateScreen, ratatui::crossterm::cursor::Show);
}

/// Takes the terminal: raw mode, then the alternate screen, mouse reporting and paste, sent in one write. Mouse
/// reporting and paste are asked for; a console that refuses them still gets the workbench.
fn enter() -> std::io::Result<()> {
    use ratatui::crossterm::terminal::{EnterAlternateScreen, enable_raw_mode};
    use std::io::Write;
    enable_raw_mode()?;
    let mut out = std::io::stdout();
    ratatui::crossterm::queue!(out, EnterAlternateScreen)?;
    let _ = ratatui::crossterm::queue!(out, EnableMouseCapture, EnableBracketedPaste);
    out.flush()
}

/// Takes the terminal back after a suspension: raw mode, the alternate screen, mouse reporting and paste.
#[cfg(unix)]
fn resume(terminal: &mut Term) -> Result<()> {
    enter()?;
    // The screen was the shell's meanwhile: forget what was drawn so the next frame is drawn whole.
    terminal.clear()?;
    Ok(())
}

/// Restores the terminal before any panic message is printed (ratatui's own hook forgets the mouse and the
/// cursor), then lets the previous hook (color-eyre's report) speak.
fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
}

/// The number a console control event (Windows) is reported as: that of the hang-up it stands for, so the exit
/// status is 129 as after SIGHUP.
#[cfg(windows)]
const CONSOLE_CLOSED: i32 = 1;

/// The signals that end or suspend the workbench, noted by flags the event loop reads between events.
struct Signals {
    /// One flag per ending signal, with its number.
    end: Vec<(i32, Arc<AtomicBool>)>,
    suspend: Arc<AtomicBool>,
    /// The terminal's size changed (SIGWINCH): crossterm has the new size for the next look. (Windows tells of a
    /// resize through the console's input, which crossterm's own wait watches.)
    #[cfg_attr(not(unix), allow(dead_code))]
    resized: Arc<AtomicBool>,
}

impl Signals {
    #[cfg(unix)]
    fn register() -> Result<Signals> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGTSTP};
        let mut end = Vec::new();
        for sig in [SIGTERM, SIGHUP, SIGINT] {
            let flag = Arc::new(AtomicBool::new(false));
            signal_hook::flag::register(sig, Arc::clone(&flag))?;
            end.push((sig, flag));
        }
        let suspend = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(SIGTSTP, Arc::clone(&suspend))?;
        let resized = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(signal_hook::consts::SIGWINCH, Arc::clone(&resized))?;
        Ok(Signals { end, suspend, resized })
    }

    /// Windows has no signals: the console's control events (Ctrl-Break, its window closed, log-off, shutdown)
    /// come to a handler that `ctrlc` installs with `SetConsoleCtrlHandler` (a safe wrapper; this crate forbids
    /// `unsafe`); it raises one flag, read like a Unix signal's, and the loop hands the terminal back and exits.
    /// Ctrl-C itself arrives as a key in raw mode. After a close, log-off or shutdown event Windows ends the
    /// process soon after the handler returns, so there the hand-back is a race the loop may lose — but the
    /// console is going away with it, and every edit was committed when it was made.
    #[cfg(windows)]
    fn register() -> Result<Signals> {
        let flag = Arc::new(AtomicBool::new(false));
        let raised = Arc::clone(&flag);
        ctrlc::set_handler(move || raised.store(true, Ordering::Relaxed))
            .map_err(|e| eyre!("cannot watch the console's close event: {e}"))?;
        Ok(Signals { end: vec![(CONSOLE_CLOSED, flag)], suspend: Arc::default(), resized: Arc::default() })
    }

    #[cfg(not(any(unix, windows)))]
    fn register() -> Result<Signals> {
        Ok(Signals { end: Vec::new(), suspend: Arc::default(), resized: Arc::default() })
    }

    /// The ending signal received, if any.
    fn stopped_by(&self) -> Option<i32> {
        self.end.iter().find(|(_, f)| f.load(Ordering::Relaxed)).map(|(s, _)| *s)
    }

    fn take_suspend(&self) -> bool {
        self.suspend.swap(false, Ordering::Relaxed)
    }

    #[cfg(unix)]
    fn take_resized(&self) -> bool {
        self.resized.swap(false, Ordering::Relaxed)
    }
}

/// Whether an event (a key, a paste, a click, a resize) is there to read, waiting up to `timeout` for one.
///
/// crossterm's own wait, through its terminal-device source, asks poll(2) for whole milliseconds and then asks
/// again, with no wait at all, for the part of a millisecond it rounded away: about a millisecond of spinning at
/// each wait, twenty times a second in an idle workbench (2 % of a core, and a processor that never sleeps). So the
/// wait is our own poll(2) of the terminal, and crossterm is asked only when something came: input, a signal (a
/// resize among them), or more events read with the last one (`after_event`), which only crossterm knows of.
#[cfg(unix)]
fn event_ready(timeout: Duration, after_event: bool, signals: &Signals) -> Result<bool> {
    use rustix::event::{PollFd, PollFlags, Timespec};
    if !after_event && !signals.take_resized() {
        let stdin = rustix::stdio::stdin();
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let limit = Timespec::try_from(timeout).map_err(|e| eyre!("wait: {e}"))?;
        match rustix::event::poll(&mut fds, Some(&limit)) {
            Ok(0) if !signals.take_resized() => return Ok(false),
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(e) => return Err(std::io::Error::from(e).into()),
        }
    }
    Ok(event::poll(Duration::from_millis(1))?)
}

#[cfg(not(unix))]
fn event_ready(timeout: Duration, _after_event: bool, _signals: &Signals) -> Result<bool> {
    Ok(event::poll(timeout)?)
}

/// Suspends to the shell: the terminal is handed back, the process stops as for a plain Ctrl-Z, and on `fg`
/// the screen is taken back and redrawn.
#[cfg(unix)]
fn suspend(terminal: &mut Term) -> Result<()> {
    restore();
    signal_hook::low_level::emulate_default_handler(signal_hook::consts::SIGTSTP)?;
    resume(terminal)
}

#[cfg(not(unix))]
fn suspend(terminal: &mut Term) -> Result<()> {
    // No job control: nothing to suspend to; just redraw.
    terminal.clear()?;
    Ok(())
}

/// How often the loop looks at the signal flags while no event comes.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

fn event_loop(
    terminal: &mut Term,
    app: &mut App,
    signals: &Signals,
    backup: Option<&BackupPlan>,
    running: &mut Option<Job<Outcome>>,
    outcome: &mut Option<Outcome>,
    start_tip: &mut Option<Option<(i64, String)>>,
) -> Result<()> {
    let size = terminal.size()?;
    dispatch(app, Action::Resize(size.width, size.height))?;
    let tick = Duration::from_millis(250);
    let mut last_tick = Instant::now();
    let mut redraw = true;
    let mut after_event = false;
    let mut started = false;
    loop {
        if redraw {
            terminal.draw(|f| crate::ui::render(app, f))?;
            app.note_drawn();
            redraw = false;
        }
        // The first frame is on screen: the rest of what the workbench reads (the list of engagements), before any
        // key is handled, then drawn again (the same frame, so no cell is written again unless what was read changed
        // it); and crossterm sets up its reader, and its watch of resizes, at its first look: now, not at the first
        // key.
        if !started {
            app.finish_opening()?;
            crate::catalog::catalog();
            event::poll(Duration::ZERO)?;
            started = true;
            redraw = true;
            continue;
        }
        // Lets the end-to-end tests check that a panic hands the terminal back (debug builds only).
        #[cfg(debug_assertions)]
        if std::env::var_os("ASSAY_TEST_PANIC").is_some() {
            panic!("ASSAY_TEST_PANIC is set");
        }
        if app.should_quit || signals.stopped_by().is_some() {
            return Ok(());
        }
        // The sync key was pressed and the frame that says "Syncing with the team…" is on screen: the sync runs on
        // the workbench's own connection, holding the loop until it ends, then its outcome is drawn.
        if app.run_pending_sync() {
            redraw = true;
            continue;
        }
        // The first frame is on screen: now the history's last entry, and the backup, on its own thread and
        // connection.
        if running.is_none()
            && let Some(plan) = backup
        {
            *start_tip = crate::store::history::tip(app.store.conn()).ok();
            *running = Some(spawn_backup(plan));
        }
        if outcome.is_none()
            && let Some(job) = running.as_mut()
        {
            let o = match job.poll() {
                Poll::Running(_) => None,
                Poll::Done(o) => Some(o),
                Poll::Lost => Some(Outcome::Failed("the backup stopped unexpectedly".into())),
            };
            if let Some(o) = o {
                if let Outcome::Failed(e) = &o {
                    app.toast_error(format!("Backup failed: {e} — your work is saved; check the backups folder"));
                }
                *outcome = Some(o);
                redraw = true;
            }
        }
        // The user's long task (a report, an export): its progress and its result.
        if app.poll_work() {
            redraw = true;
        }
        if signals.take_suspend() {
            suspend(terminal)?;
            let size = terminal.size()?;
            dispatch(app, Action::Resize(size.width, size.height))?;
            redraw = true;
            continue;
        }
        // Never less than a millisecond: a wait that rounds down to nothing would spin until the tick is due.
        let timeout = tick.saturating_sub(last_tick.elapsed()).clamp(Duration::from_millis(1), SIGNAL_CHECK);
        let ready = event_ready(timeout, after_event, signals)?;
        after_event = ready;
        if ready {
            redraw = true;
            match event::read()? {
                Event::Key(k)
                    if k.kind != KeyEventKind::Release
                        && k.code == KeyCode::Char('z')
                        && k.modifiers == KeyModifiers::CONTROL =>
                {
                    suspend(terminal)?;
                    let size = terminal.size()?;
                    dispatch(app, Action::Resize(size.width, size.height))?;
                }
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    if let Some(a) = app.action_for_key(k) {
                        dispatch(app, a)?;
                    }
                    flush_clipboard(app, terminal.backend_mut())?;
                }
                Event::Resize(w, h) => dispatch(app, Action::Resize(w, h))?,
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => dispatch(app, Action::Click(m.column, m.row))?,
                    MouseEventKind::ScrollDown => dispatch(app, Action::NextRow)?,
                    MouseEventKind::ScrollUp => dispatch(app, Action::PrevRow)?,
                    _ => {}
                },
                Event::Paste(text) => dispatch(app, Action::Paste(text))?,
                _ => {}
            }
        }
        if last_tick.elapsed() >= tick {
            let toast = app.toast.is_some();
            dispatch(app, Action::Tick)?;
            last_tick = Instant::now();
            // Time alone changes the screen only by taking a message away: otherwise an idle workbench draws
            // nothing, and the processor sleeps.
            redraw |= toast != app.toast.is_some();
        }
    }
}

/// Starts the automatic backup as a job: on its own thread and connection, stopped if the workbench quits first.
fn spawn_backup(plan: &BackupPlan) -> Job<Outcome> {
    let (workspace, key, bounds) = (plan.workspace.clone(), plan.key.clone(), plan.bounds);
    Job::spawn("Backing up", move |c| {
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
        crate::store::backup::take_if_changed(&workspace, key.as_deref(), bounds, &stamp, c.stop_flag())
    })
}

/// The OSC 52 escape that asks the terminal to put `text` on the system clipboard ("c"). It works over SSH, as it
/// travels with the screen; a terminal that does not support it ignores it.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!("\x1b]52;c;{}\x07", base64::engine::general_purpose::STANDARD.encode(text))
}

/// Writes what the app asked to copy, if anything, to the terminal `out` as an OSC 52 escape.
pub fn flush_clipboard(app: &mut App, out: &mut impl std::io::Write) -> std::io::Result<()> {
    if let Some(text) = app.clipboard.take() {
        out.write_all(osc52(&text).as_bytes())?;
        out.flush()?;
    }
    Ok(())
}

/// Applies an action and any follow-ups it returns.
pub fn dispatch(app: &mut App, action: Action) -> Result<()> {
    let mut next = Some(action);
    while let Some(a) = next {
        next = match app.update(a) {
            Ok(next) => next,
            // No failure of one action ends the session: it is shown, and the workbench goes on as it was.
            Err(e) => {
                app.toast_error(format!("{e}"));
                None
            }
        };
    }
    Ok(())
}
