//! A yes/no dialog. Its answer line names the keys from the keymap, so what it says is what the keys do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::centered;
use crate::theme::Theme;

/// Draws the dialog; `answers` are the names of the keys of each answer, and what the answer does.
pub fn render(
    title: &str,
    message: &str,
    theme: &Theme,
    answers: &[(Vec<String>, &str)],
    area: Rect,
    buf: &mut Buffer,
) {
    let width = 64.min(area.width);
    let text_lines = (unicode_width::UnicodeWidthStr::width(message) as u16).div_ceil(width.saturating_sub(4).max(1));
    let rect = centered(area, width, text_lines + 5);
    super::clear_popup(rect, buf);
    let keys = |names: &[String]| {
        let mut out = Vec::new();
        for (i, k) in names.iter().enumerate() {
            if i > 0 {
                out.push(Span::raw("/"));
            }
            out.push(Span::styled(k.clone(), theme.key));
        }
        out
    };
    let mut answer = Vec::new();
    for (i, (names, what)) in answers.iter().enumerate() {
        if i > 0 {
            answer.push(Span::raw("    "));
        }
        answer.extend(keys(names));
        answer.push(Span::raw(format!(" {what}")));
    }
    let lines = vec![Line::from(message), Line::from(""), Line::from(answer).centered()];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.warn)
                .title(Line::styled(format!(" {} ", title), theme.warn)),
        )
        .render(rect, buf);
}
