//! A short message in the top-right corner of the body: clear of the status line and of the lines panes keep at
//! their foot (the decision, the verdict, the check in full), and wrapped so that all of it shows.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::Toast;
use crate::ui::theme::Theme;

/// The widest a message box grows before it wraps.
const MAX_WIDTH: u16 = 72;

/// Where the message goes in `area`, and its lines wrapped to fit.
pub fn layout(t: &Toast, area: Rect) -> (Rect, Vec<String>) {
    let text_w = unicode_width::UnicodeWidthStr::width(t.text.as_str()) as u16;
    let width = (text_w + 4).min(area.width.saturating_sub(2)).min(MAX_WIDTH).max(8.min(area.width));
    let inner_w = usize::from(width.saturating_sub(4).max(1));
    let lines = crate::ui::overview::wrap(&t.text, inner_w);
    let height = (lines.len() as u16 + 2).min(area.height);
    let x = area.right().saturating_sub(width + 1).max(area.x);
    (Rect { x, y: area.y, width, height }, lines)
}

pub fn render(t: &Toast, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let (rect, lines) = layout(t, area);
    let style = if t.error { theme.error } else { theme.ok };
    crate::ui::widgets::clear_popup(rect, buf);
    let title = if t.error { " ✗ " } else { " ✓ " };
    let text: Vec<Line> = lines.into_iter().map(|l| Line::from(format!(" {l}"))).collect();
    Paragraph::new(text)
        .block(Block::default().borders(Borders::ALL).border_style(style).title(Line::styled(title, style)))
        .render(rect, buf);
}
