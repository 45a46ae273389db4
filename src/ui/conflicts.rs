//! The Conflicts view: what the team's merges decided, newest first, each read whole, with a cursor to flip one to
//! the value set aside or mark it reviewed.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::layout::{CONFLICT_PREFIX, HISTORY_WIDTH, conflict_text_width};
use crate::app::{Action, App, Conflicts, Context, NOT_A_TEAM};
use crate::ui::{PopupHints, centered, scrolled_popup};

pub fn render(app: &App, c: &Conflicts, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let rect = centered(area, HISTORY_WIDTH, area.height);
    crate::widgets::clear_popup(rect, buf);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected = (0, 0);
    if !c.bound {
        lines.push(Line::raw(NOT_A_TEAM));
    } else if c.rows.is_empty() {
        lines.push(Line::raw(if c.all { "No conflicts" } else { "No conflicts to review" }));
        if !c.all
            && let Some(k) = app.keymap.key_for(Context::Conflicts, &Action::ShowReviewed)
        {
            lines.push(Line::styled(format!("{k} shows the reviewed ones too"), t.dim));
        }
    }
    for (i, (r, text)) in c.rows.iter().zip(c.wrapped(conflict_text_width(app.size))).enumerate() {
        let here = i == c.selected;
        let style = match (here, r.reviewed) {
            (true, _) => t.selected,
            (false, true) => t.dim,
            (false, false) => t.base,
        };
        let when: String = app.dates.show(&r.at.replace('T', " ")).chars().take(16).collect();
        let start = lines.len();
        let mut text = text.into_iter();
        lines.push(Line::from(vec![
            Span::styled(if here { "▸ " } else { "  " }, t.key),
            Span::styled(format!("{when:<width$}", width = CONFLICT_PREFIX - 2), t.dim),
            Span::styled(text.next().unwrap_or_default(), style),
        ]));
        // A long description goes on under itself.
        for more in text {
            lines.push(Line::from(vec![Span::raw(" ".repeat(CONFLICT_PREFIX)), Span::styled(more, style)]));
        }
        if here {
            selected = (start, lines.len());
        }
    }
    // The model keeps the selected conflict in view; should the screen have fewer lines than it reckoned, the view
    // still shows it.
    let rows = usize::from(rect.height.saturating_sub(3)).max(1);
    let mut scroll = c.scroll;
    if selected.1 > scroll + rows {
        scroll = selected.1 - rows;
    }
    scroll = scroll.min(selected.0);
    let open = c.rows.iter().filter(|r| !r.reviewed).count();
    let reviewed = c.rows.len() - open;
    let title = match (c.bound, c.all) {
        (false, _) => " Team conflicts ".to_string(),
        (true, false) => format!(" Team conflicts — {open} to review "),
        (true, true) => format!(" Team conflicts — {open} to review, {reviewed} reviewed "),
    };
    let hints: PopupHints = (
        &[
            (Context::Conflicts, "flip_conflict"),
            (Context::Conflicts, "mark_reviewed"),
            (Context::Conflicts, "show_reviewed"),
            (Context::Conflicts, "next_row"),
        ],
        &[(Context::Conflicts, "cancel")],
    );
    scrolled_popup(app, rect, title, lines, scroll, hints, buf);
}
