//! The interview journal listed on the Overview: each entry with when it was said, who was interviewed and who was
//! present, what it is linked to, and its text wrapped in full; the selected entry is marked.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::journal::{JournalView, when};
use crate::app::pane::View;
use crate::keys::{Action, Context};

pub fn render(j: &JournalView, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let n = j.items.len();
    let mut title =
        vec![Span::styled(format!(" Interview journal — {n} entr{} ", if n == 1 { "y" } else { "ies" }), t.title)];
    title.extend(j.find.title_spans(j.visible.len(), j.items.len(), &view.key(Context::Journal, &Action::Cancel), t));
    let block = Block::default().borders(Borders::ALL).border_style(t.border_focus).title(Line::from(title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return;
    }
    let width = usize::from(inner.width.saturating_sub(4)).max(10);
    let height = usize::from(inner.height);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    if j.items.is_empty() {
        let key = view.key(Context::Global, &Action::JournalEntry);
        lines.push(Line::styled(
            format!("No entries yet — {key} on any tab writes one, linked to the record the cursor is on"),
            t.dim,
        ));
    } else if j.visible.is_empty() {
        lines.push(Line::styled("No entry holds every word of the find", t.dim));
    }
    // Only the entries around the selected one are laid out: a few before it (each takes at least two lines) and as
    // many after it as can fill the box, so that a frame costs the same with ten entries or ten thousand.
    let first = j.cursor.selected.saturating_sub(height / 2);
    let last = (j.cursor.selected + height).min(j.visible.len());
    for (row, &i) in j.visible.iter().enumerate().take(last).skip(first) {
        let e = &j.items[i];
        let chosen = row == j.cursor.selected;
        if chosen {
            selected_line = lines.len();
        }
        let mark = if chosen { "▶ " } else { "  " };
        let reference = crate::app::panes::refs::label(crate::store::Table::JournalEntry, e.number);
        let mut head = vec![Span::styled(
            format!("{mark}{reference} {}", when(&e.said_at, view.dates)),
            if chosen { t.selected } else { t.key },
        )];
        if let Some(who) = &e.interviewed {
            head.push(Span::raw(format!("  {who}")));
        }
        if let Some(present) = &e.present {
            head.push(Span::styled(format!("  (present: {present})"), t.dim));
        }
        if let Some(link) = &e.link_label {
            head.push(Span::styled(format!("  · on {link}"), t.dim));
        }
        if e.for_report {
            head.push(Span::styled("  [report]", t.key));
        }
        lines.push(Line::from(head));
        for para in e.text.lines() {
            for part in crate::text::wrap(para, width) {
                lines.push(Line::raw(format!("    {part}")));
            }
        }
        lines.push(Line::raw(""));
    }
    // Scroll so that the selected entry's first line is in view.
    let scroll = selected_line.saturating_sub(height / 3).min(lines.len().saturating_sub(height));
    Paragraph::new(lines).scroll((scroll as u16, 0)).render(inner, buf);
}
