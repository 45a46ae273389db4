//! A table that draws only the rows on screen: cost follows the window, not the list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, Widget,
};

use crate::app::table::TableCursor;
use crate::ui::theme::Theme;

/// One column: its heading and width.
pub struct Column {
    pub title: &'static str,
    pub width: Constraint,
}

impl Column {
    pub const fn new(title: &'static str, width: Constraint) -> Self {
        Column { title, width }
    }
}

/// A virtualised table: `row(i)` is called only for the visible rows.
pub struct DataTable<'a, F: Fn(usize) -> Row<'a>> {
    pub title: Line<'a>,
    pub columns: &'a [Column],
    pub cursor: &'a TableCursor,
    pub row: F,
    /// Shown in place of rows when there are none.
    pub empty: &'a str,
    /// A line above the header (the filter being typed), if any.
    pub filter: Option<Line<'a>>,
    pub focused: bool,
}

impl<'a, F: Fn(usize) -> Row<'a>> DataTable<'a, F> {
    pub fn render(self, area: Rect, frame: &mut Frame, theme: &Theme) {
        let block = Block::default()
            .borders(Borders::ALL)
            .border_style(if self.focused { theme.border_focus } else { theme.border })
            .title(self.title);
        let inner = block.inner(area);
        block.render(area, frame.buffer_mut());
        let mut body = inner;
        if let Some(filter) = self.filter {
            filter.render(Rect { height: 1, ..body }, frame.buffer_mut());
            body.y += 1;
            body.height = body.height.saturating_sub(1);
        }
        if self.cursor.len == 0 {
            let header = Row::new(self.columns.iter().map(|c| Cell::from(c.title))).style(theme.header);
            Table::new([header], self.columns.iter().map(|c| c.width))
                .render(Rect { height: 1.min(body.height), ..body }, frame.buffer_mut());
            let msg = Rect { y: body.y + 2, height: body.height.saturating_sub(2), ..body };
            Paragraph::new(Line::from(Span::styled(self.empty, theme.dim))).centered().render(msg, frame.buffer_mut());
            return;
        }
        let visible = self.cursor.visible();
        let rows: Vec<Row<'a>> = visible
            .clone()
            .map(|i| {
                let r = (self.row)(i);
                if i == self.cursor.selected { r.style(theme.selected) } else { r }
            })
            .collect();
        let header = Row::new(self.columns.iter().map(|c| Cell::from(c.title))).style(theme.header);
        Table::new(rows, self.columns.iter().map(|c| c.width))
            .header(header)
            .column_spacing(1)
            .render(body, frame.buffer_mut());
        if self.cursor.len > self.cursor.height {
            let mut state =
                ScrollbarState::new(self.cursor.len.saturating_sub(self.cursor.height)).position(self.cursor.offset);
            let bar = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
            frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), bar, &mut state);
        }
    }
}
