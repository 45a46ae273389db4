//! A short message that goes away by itself. It gets lines of its own between the pane and the status line, so it
//! covers nothing (the pane gives up those lines while it shows), and it wraps so that all of it can be read.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use crate::theme::Theme;

/// A short message in the corner that goes away by itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub error: bool,
    pub ticks_left: u16,
}

/// The message's lines at `width` columns (after its mark), at most `max` of them.
pub fn lines(t: &Toast, width: u16, max: u16) -> Vec<String> {
    let mut out = crate::text::wrap(&t.text, usize::from(width.saturating_sub(3).max(1)));
    out.truncate(usize::from(max.max(1)));
    out
}

pub fn render(t: &Toast, theme: &Theme, area: Rect, buf: &mut Buffer) {
    let style = if t.error { theme.error } else { theme.ok };
    buf.set_style(area, theme.base);
    let text: Vec<Line> = lines(t, area.width, area.height)
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            let mark = match (i, t.error) {
                (0, true) => " ✗ ",
                (0, false) => " ✓ ",
                _ => "   ",
            };
            Line::from(vec![Span::styled(mark, style), Span::styled(l, style)])
        })
        .collect();
    Paragraph::new(text).render(area, buf);
}
