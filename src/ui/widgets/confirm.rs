//! A yes/no dialog.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::Confirm;
use crate::ui::centered;
use crate::ui::theme::Theme;

pub fn render(c: &Confirm, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let width = 64.min(area.width);
    let text_lines =
        (unicode_width::UnicodeWidthStr::width(c.message.as_str()) as u16).div_ceil(width.saturating_sub(4).max(1));
    let rect = centered(area, width, text_lines + 5);
    Clear.render(rect, buf);
    let lines = vec![
        Line::from(c.message.as_str()),
        Line::from(""),
        Line::from(vec![
            Span::styled("y", theme.key),
            Span::raw(" yes    "),
            Span::styled("n", theme.key),
            Span::raw("/"),
            Span::styled("Esc", theme.key),
            Span::raw(" no"),
        ])
        .centered(),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.warn)
                .title(Line::styled(format!(" {} ", c.title), theme.warn)),
        )
        .render(rect, buf);
}
