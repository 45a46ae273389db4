//! The terminal loop: event → keymap → action → update → render.

use std::time::{Duration, Instant};

use color_eyre::Result;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyEventKind,
    MouseButton, MouseEventKind,
};

use crate::app::{Action, App};

/// Runs the workbench until the user quits. The terminal is restored on every way out, a panic included.
pub fn run(mut app: App) -> Result<()> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(color_eyre::eyre::eyre!(
            "the workbench needs an interactive terminal (for scripts, see assay --help)"
        ));
    }
    let mut terminal = ratatui::try_init()?;
    let _ = ratatui::crossterm::execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste);
    let result = event_loop(&mut terminal, &mut app);
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}

fn event_loop(terminal: &mut DefaultTerminal, app: &mut App) -> Result<()> {
    let size = terminal.size()?;
    dispatch(app, Action::Resize(size.width, size.height))?;
    let tick = Duration::from_millis(250);
    let mut last_tick = Instant::now();
    loop {
        terminal.draw(|f| crate::ui::render(app, f))?;
        if app.should_quit {
            return Ok(());
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
