//! The history of one record: every recorded change, who made it and when.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::layout::{HISTORY_PREFIX, HISTORY_WIDTH, history_text_width};
use crate::app::{App, Context, History};
use crate::ui::{PopupHints, centered, scrolled_popup};

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
    let title =
        format!(" History — {} · {} change{} ", h.title, h.entries.len(), if h.entries.len() == 1 { "" } else { "s" });
    let hints: PopupHints =
        (&[(Context::History, "scroll_down"), (Context::History, "scroll_up")], &[(Context::History, "cancel")]);
    scrolled_popup(app, rect, title, lines, h.scroll, hints, buf);
}
