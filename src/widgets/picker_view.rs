//! A list to choose one item from, with the highlighted item's text underneath.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Widget, Wrap};

use super::centered;
use super::picker::{PICKER_DETAIL_LINES, Picker};
use super::table_view::{Column, DataTable};
use crate::theme::Theme;

const COLUMNS: &[Column] = &[
    Column::new("Id", Constraint::Length(11)),
    Column::new("Title", Constraint::Fill(3)),
    Column::new("Where", Constraint::Length(36)),
];

/// Draws the picker centred in `area`; its list shows [`super::picker::picker_rows`] rows. `keys` names the keys
/// that choose and that close, as bound.
pub fn render<P>(p: &Picker<P>, theme: &Theme, keys: (&str, &str), area: Rect, frame: &mut Frame) {
    let rect = centered(area, area.width.saturating_sub(4).min(130), area.height.saturating_sub(2));
    super::clear_popup(rect, frame.buffer_mut());
    let detail_h = (PICKER_DETAIL_LINES + 1).min(rect.height);
    let list = Rect { height: rect.height - detail_h, ..rect };
    let detail = Rect { y: list.bottom(), height: detail_h, ..rect };
    let row = |n: usize| {
        let item = &p.items[p.visible[n]];
        Row::new(vec![
            Cell::from(item.key.clone()),
            Cell::from(item.label.clone()),
            Cell::from(Span::styled(item.detail.clone(), theme.dim)),
        ])
    };
    DataTable {
        title: Line::from(vec![
            Span::styled(format!(" {} ", p.title), theme.title),
            match p.query.value() {
                "" => Span::styled(format!("{} · type to narrow ", p.items.len()), theme.dim),
                q => Span::styled(format!("“{q}▏” {} of {} ", p.visible.len(), p.items.len()), theme.highlight),
            },
            Span::styled(format!("· {} chooses · {} closes ", keys.0, keys.1), theme.dim),
        ]),
        columns: COLUMNS,
        cursor: &p.cursor,
        row,
        empty: if p.items.is_empty() {
            "Nothing to choose from"
        } else {
            "Nothing matches what is typed (Backspace widens it)"
        },
        filter: None,
        focused: true,
    }
    .render(list, frame, theme);
    let text = p.selected().map(|i| i.text.as_str()).unwrap_or("");
    Paragraph::new(Line::from(text))
        .wrap(Wrap { trim: true })
        .block(
            Block::default().borders(Borders::LEFT | Borders::RIGHT | Borders::BOTTOM).border_style(theme.border_focus),
        )
        .render(detail, frame.buffer_mut());
}
