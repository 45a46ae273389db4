//! A short message in the bottom-right corner.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::Toast;
use crate::ui::theme::Theme;

pub fn render(t: &Toast, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let width = (unicode_width::UnicodeWidthStr::width(t.text.as_str()) as u16 + 4).min(area.width).min(70);
    let inner_w = width.saturating_sub(2).max(1);
    let lines = (unicode_width::UnicodeWidthStr::width(t.text.as_str()) as u16).div_ceil(inner_w).max(1);
    let height = (lines + 2).min(area.height);
    let rect =
        Rect { x: area.right().saturating_sub(width + 1), y: area.bottom().saturating_sub(height), width, height };
    let style = if t.error { theme.error } else { theme.ok };
    Clear.render(rect, buf);
    let title = if t.error { " ✗ " } else { " ✓ " };
    Paragraph::new(Line::from(t.text.as_str()))
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).border_style(style).title(Line::styled(title, style)))
        .render(rect, buf);
}
