//! The history of one record: every recorded change, who made it and when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::layout::{HISTORY_PREFIX, HISTORY_WIDTH, history_text_width};
use crate::app::{App, Context, History};
use crate::ui::{centered, key_hints};

pub fn render(app: &App, h: &History, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let rect = centered(area, HISTORY_WIDTH, area.height);
    crate::widgets::clear_popup(rect, buf);
    let mut lines: Vec<Line> = Vec::new();
    if h.entries.is_empty() {
        lines.push(Line::styled("No recorded changes.", t.dim));
    }
    for (e, text) in h.entries.iter().zip(h.wrapped(history_text_width(app.size))) {
        let when = app.dates.show(e.at.replace('T', " ").trim_end_matches('Z'));
        let mut text = text.into_iter();
        lines.push(Line::from(vec![
            Span::styled(format!("{when:<20}"), t.dim),
            Span::styled(format!("{:<16} ", crate::widgets::truncate(&e.assessor, 16)), t.key),
            Span::raw(text.next().unwrap_or_default()),
        ]));
        // A long description (a reason) goes on under itself.
        for more in text {
            lines.push(Line::raw(format!("{:HISTORY_PREFIX$}{more}", "")));
        }
    }
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let scroll = h.scroll.min(lines.len().saturating_sub(inner_h));
    let title =
        format!(" History — {} · {} change{} ", h.title, h.entries.len(), if h.entries.len() == 1 { "" } else { "s" });
    let block = Block::default().borders(Borders::ALL).border_style(t.border_focus).title(Line::styled(title, t.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let body = Rect { height: inner.height.saturating_sub(1), ..inner };
    Paragraph::new(lines).scroll((scroll as u16, 0)).render(body, buf);
    let footer = key_hints(
        app,
        &[(Context::History, "scroll_down"), (Context::History, "scroll_up")],
        &[(Context::History, "cancel")],
        usize::from(inner.width),
    );
    Line::from(footer).render(Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner }, buf);
}
