//! A record shown whole, read only: each field's label and its value wrapped beside it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use crate::app::layout::{DETAIL_LABEL_W, detail_width};
use crate::app::{App, Context, Detail};
use crate::ui::{centered, key_hints};

pub fn render(app: &App, d: &Detail, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let rect = centered(area, 100, area.height);
    crate::widgets::clear_popup(rect, buf);
    let lines: Vec<Line> = d
        .wrapped(detail_width(app.size))
        .into_iter()
        .map(|(label, value)| {
            let style = if value == "—" { t.dim } else { t.base };
            Line::from(vec![
                Span::styled(format!("{label:>w$}  ", w = DETAIL_LABEL_W), t.dim),
                Span::styled(value, style),
            ])
        })
        .collect();
    let inner_h = usize::from(rect.height.saturating_sub(3));
    let scroll = d.scroll.min(lines.len().saturating_sub(inner_h));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border_focus)
        .title(Line::styled(format!(" {} ", d.title), t.title));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let body = Rect { height: inner.height.saturating_sub(1), ..inner };
    Paragraph::new(lines).scroll((scroll as u16, 0)).render(body, buf);
    let footer = key_hints(
        app,
        &[(Context::Detail, "scroll_down"), (Context::Detail, "history")],
        &[(Context::Detail, "edit"), (Context::Detail, "cancel")],
        usize::from(inner.width),
    );
    Line::from(footer).render(Rect { y: inner.bottom().saturating_sub(1), height: 1, ..inner }, buf);
}
