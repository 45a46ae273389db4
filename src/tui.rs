//! The terminal loop: event → keymap → action → update → render.

use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyEventKind,
    MouseButton, MouseEventKind,
};

use crate::app::{Action, App};
use crate::store::backup::{Background, Bounds, Outcome};

/// The automatic backup the workbench takes once its first frame is on screen.
pub struct BackupPlan {
    pub workspace: std::path::PathBuf,
    pub key: Option<String>,
    pub bounds: Bounds,
}

/// Runs the workbench until the user quits. The terminal is restored on every way out, a panic included.
pub fn run(app: App) -> Result<()> {
    run_with_backup(app, None)
}

/// As [`run`], taking the automatic backup in the background after the first frame (only if the workspace changed
/// since its newest backup), and again at quit if the work since start-up changed it. A failed backup is shown in
/// the workbench and never blocks work.
pub fn run_with_backup(mut app: App, backup: Option<BackupPlan>) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(color_eyre::eyre::eyre!(
            "the workbench needs an interactive terminal (for scripts, see assay --help)"
        ));
    }
    let mut terminal = ratatui::try_init()?;
    let _ = ratatui::crossterm::execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let mut running: Option<Background> = None;
    let mut outcome: Option<Outcome> = None;
    let start_head = crate::store::history::head(app.store.conn()).ok();
    let result = event_loop(&mut terminal, &mut app, backup.as_ref(), &mut running, &mut outcome);
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    if let Some(plan) = backup {
        if let Some(o) = running.and_then(Background::finish) {
            outcome = Some(o);
        }
        if let Some(Outcome::Failed(e)) = &outcome {
            eprintln!("assay: warning: the automatic backup failed: {e}");
        }
        let unchanged = start_head.is_some() && crate::store::history::head(app.store.conn()).ok() == start_head;
        let covered = matches!(outcome, Some(Outcome::Taken(_) | Outcome::Unchanged));
        drop(app); // the workbench's connection first: the backup then sees everything it committed
        if unchanged && covered {
            return result;
        }
        let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S").to_string();
        let stop = std::sync::atomic::AtomicBool::new(false);
        if let Outcome::Failed(e) =
            crate::store::backup::take_if_changed(&plan.workspace, plan.key.as_deref(), plan.bounds, &stamp, &stop)
        {
            eprintln!("assay: warning: the backup at quit failed: {e}");
        }
    }
    result
}

fn event_loop(
    terminal: &mut DefaultTerminal,
    app: &mut App,
    backup: Option<&BackupPlan>,
    running: &mut Option<Background>,
    outcome: &mut Option<Outcome>,
) -> Result<()> {
    let size = terminal.size()?;
    dispatch(app, Action::Resize(size.width, size.height))?;
    let tick = Duration::from_millis(250);
    let mut last_tick = Instant::now();
    loop {
        terminal.draw(|f| crate::ui::render(app, f))?;
        if app.should_quit {
            return Ok(());
        }
        // The first frame is on screen: now the backup, on its own thread and connection.
        if running.is_none()
            && let Some(plan) = backup
        {
            *running = Some(Background::spawn(plan.workspace.clone(), plan.key.clone(), plan.bounds));
        }
        if let Some(o) = running.as_ref().and_then(Background::poll) {
            if let Outcome::Failed(e) = &o {
                app.toast_error(format!("Backup failed: {e} — your work is saved; check the backups folder"));
            }
            *outcome = Some(o);
        }
        let timeout = tick.saturating_sub(last_tick.elapsed());
        if event::poll(timeout)? {
            match event::read()? {
                Event::Key(k) if k.kind != KeyEventKind::Release => {
                    if let Some(a) = app.action_for_key(k) {
                        dispatch(app, a)?;
                    }
                }
                Event::Resize(w, h) => dispatch(app, Action::Resize(w, h))?,
                Event::Mouse(m) => match m.kind {
                    MouseEventKind::Down(MouseButton::Left) => dispatch(app, Action::Click(m.column, m.row))?,
                    MouseEventKind::ScrollDown => dispatch(app, Action::NextRow)?,
                    MouseEventKind::ScrollUp => dispatch(app, Action::PrevRow)?,
                    _ => {}
                },
                Event::Paste(text) => {
                    for c in text.chars() {
                        dispatch(app, Action::Char(c))?;
                    }
                }
                _ => {}
            }
        }
        if last_tick.elapsed() >= tick {
            dispatch(app, Action::Tick)?;
            last_tick = Instant::now();
        }
    }
}

/// Applies an action and any follow-ups it returns.
pub fn dispatch(app: &mut App, action: Action) -> Result<()> {
    let mut next = Some(action);
    while let Some(a) = next {
        next = app.update(a)?;
    }
    Ok(())
}
