//! The yardstick of the start-up benchmark: a blank ratatui app built from the same crates as assay (same
//! ratatui, same crossterm, same profile). It enters the terminal the way assay does (raw mode, alternate screen,
//! mouse reporting, bracketed paste), draws one tabbed frame of the same size and quits on `q`. What assay needs
//! beyond this before its first frame is what the benchmark reports.

use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event, KeyCode,
};
use ratatui::layout::{Constraint, Layout};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};

fn main() -> std::io::Result<()> {
    let mut terminal = ratatui::try_init()?;
    ratatui::crossterm::execute!(std::io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    let titles = ["1 Engagements", "2 Overview", "3 Scorecard", "4 Risks", "5 Vetting", "6 Assets", "7 Workflow"];
    let result = (|| -> std::io::Result<()> {
        loop {
            terminal.draw(|f| {
                let [tabs, body, status] =
                    Layout::vertical([Constraint::Length(1), Constraint::Min(0), Constraint::Length(1)])
                        .areas(f.area());
                f.render_widget(
                    Tabs::new(titles)
                        .select(0)
                        .highlight_style(Style::new().fg(Color::Black).bg(Color::Cyan).add_modifier(Modifier::BOLD)),
                    tabs,
                );
                f.render_widget(
                    Paragraph::new("blank").block(Block::new().borders(Borders::ALL).title(" blank ")),
                    body,
                );
                f.render_widget(Line::from("q quit"), status);
            })?;
            if let Event::Key(k) = event::read()?
                && k.code == KeyCode::Char('q')
            {
                return Ok(());
            }
        }
    })();
    let _ = ratatui::crossterm::execute!(std::io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    result
}
