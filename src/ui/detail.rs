//! A record shown whole, read only: each field's label and its value wrapped beside it.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::layout::{DETAIL_LABEL_W, detail_width};
use crate::app::{App, Context, Detail};
use crate::ui::{PopupHints, centered, scrolled_popup};

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
    let hints: PopupHints = (
        &[(Context::Detail, "scroll_down"), (Context::Detail, "history")],
        &[(Context::Detail, "edit"), (Context::Detail, "cancel")],
    );
    scrolled_popup(app, rect, format!(" {} ", d.title), lines, d.scroll, hints, buf);
}
