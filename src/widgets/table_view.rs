//! A table that draws only the rows on screen: cost follows the window, not the list.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Cell, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, Widget,
};

use unicode_width::UnicodeWidthStr;

use super::table::TableCursor;
use crate::theme::Theme;

/// One column: its heading and width, whether it is the table's main text column, and when it gives way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub title: &'static str,
    pub width: Constraint,
    /// The column whose text a row is read by (a name, a title): it keeps `MIN_MAIN_W` columns while others give way.
    pub main: bool,
    /// 0: always shown. Otherwise the order in which the column is hidden when the main column is too narrow (1
    /// first).
    pub gives_way: u8,
}

/// The narrowest a table's main column gets while the terminal is at least 80 columns wide.
pub const MIN_MAIN_W: u16 = 24;

impl Column {
    pub const fn new(title: &'static str, width: Constraint) -> Self {
        Column { title, width, main: false, gives_way: 0 }
    }

    /// Marks the main text column.
    pub const fn main(mut self) -> Self {
        self.main = true;
        self
    }

    /// Lets the column be hidden, `order`-th, when the main column would be narrower than `MIN_MAIN_W`.
    pub const fn gives_way(mut self, order: u8) -> Self {
        self.gives_way = order;
        self
    }
}

/// The widths to lay a table out with in `width` columns: the declared ones, with the columns that give way hidden
/// (width 0), in order, until the main column has `MIN_MAIN_W` columns or none is left to hide.
pub fn fitted_widths(columns: &[Column], width: u16) -> Vec<Constraint> {
    let mut widths: Vec<Constraint> = columns.iter().map(|c| c.width).collect();
    let Some(main) = columns.iter().position(|c| c.main) else { return widths };
    let mut order: Vec<usize> = (0..columns.len()).filter(|&i| columns[i].gives_way > 0).collect();
    order.sort_by_key(|&i| columns[i].gives_way);
    let main_w = |widths: &[Constraint]| {
        Layout::horizontal(widths.to_vec()).flex(Flex::Start).spacing(1).split(Rect::new(0, 0, width, 1))[main].width
    };
    for i in order {
        if main_w(&widths) >= MIN_MAIN_W {
            break;
        }
        widths[i] = Constraint::Length(0);
    }
    widths
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

/// Where a list's rows were last drawn, for mouse clicks: the screen area of its rows, the first row shown, the
/// row count, and for a grid the x range of each column.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DrawnRows {
    pub rows: ratatui::layout::Rect,
    pub offset: usize,
    pub len: usize,
    pub cols: Vec<(u16, u16)>,
}

thread_local! {
    /// The rows of every table drawn in the frame being rendered, for mouse clicks (taken by `ui::render`).
    static DRAWN: std::cell::RefCell<Vec<DrawnRows>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Notes where a list's rows were drawn in this frame.
pub fn record(rows: DrawnRows) {
    DRAWN.with(|d| d.borrow_mut().push(rows));
}

/// Takes the rows drawn since the last call.
pub fn take_drawn() -> Vec<DrawnRows> {
    DRAWN.with(|d| std::mem::take(&mut *d.borrow_mut()))
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
            Table::new([header], fitted_widths(self.columns, body.width))
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
        let widths = fitted_widths(self.columns, body.width);
        record(DrawnRows {
            rows: Rect { y: body.y + 1, height: body.height.saturating_sub(1), ..body },
            offset: self.cursor.offset,
            len: self.cursor.len,
            cols: Vec::new(),
        });
        let cuts = cut_cells(&rows, &widths, body);
        Table::new(rows, widths).header(header).column_spacing(1).render(body, frame.buffer_mut());
        end_cut_cells(&cuts, body, frame.buffer_mut());
        if self.cursor.len > self.cursor.height {
            let mut state =
                ScrollbarState::new(self.cursor.len.saturating_sub(self.cursor.height)).position(self.cursor.offset);
            let bar = Rect { y: area.y + 1, height: area.height.saturating_sub(2), ..area };
            frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), bar, &mut state);
        }
    }
}

/// The columns of a table drawn in `body`, as ratatui lays them out (flex start, one column between).
fn column_ranges(widths: &[Constraint], body: Rect) -> Vec<(u16, u16)> {
    Layout::horizontal(widths.to_vec())
        .flex(Flex::Start)
        .spacing(1)
        .split(Rect::new(body.x, body.y, body.width, 1))
        .iter()
        .map(|r| (r.x, r.width))
        .collect()
}

/// Draws each row again with a few columns to spare in every column and returns the last position (x, y) of every
/// cell whose text did not fit its column, so that it can end in "…" instead of stopping mid-word.
fn cut_cells(rows: &[Row<'_>], widths: &[Constraint], body: Rect) -> Vec<(u16, u16)> {
    /// More than any run of spaces inside a cell's text: what shows past the column tells whether it was cut.
    const SPARE: u16 = 8;
    let ranges = column_ranges(widths, body);
    let roomy: Vec<Constraint> =
        ranges.iter().map(|&(_, w)| Constraint::Length(if w == 0 { 0 } else { w + SPARE })).collect();
    let total: u16 = roomy.iter().map(|c| if let Constraint::Length(n) = c { n + 1 } else { 0 }).sum();
    let wide = Rect::new(0, 0, total.max(1), 1);
    let starts: Vec<u16> =
        Layout::horizontal(roomy.clone()).flex(Flex::Start).spacing(1).split(wide).iter().map(|r| r.x).collect();
    let mut cuts = Vec::new();
    let mut scratch = Buffer::empty(wide);
    for (r, row) in rows.iter().enumerate() {
        let y = body.y + 1 + r as u16; // under the header
        if y >= body.bottom() {
            break;
        }
        scratch.reset();
        Table::new([row.clone()], roomy.clone()).column_spacing(1).render(wide, &mut scratch);
        for (c, &(x, w)) in ranges.iter().enumerate() {
            if w == 0 {
                continue;
            }
            let start = starts[c];
            let end = (start + w + SPARE).min(wide.right());
            let text: String = (start..end).map(|i| scratch[(i, 0)].symbol().to_string()).collect();
            if text.trim_end().width() > usize::from(w) {
                cuts.push((x + w - 1, y));
            }
        }
    }
    cuts
}

/// Puts "…" in the last column of every cell noted as cut (over the second half of a wide character, the "…" goes
/// on its first half).
fn end_cut_cells(cuts: &[(u16, u16)], body: Rect, buf: &mut Buffer) {
    for &(x, y) in cuts {
        if !body.contains(ratatui::layout::Position { x, y }) {
            continue;
        }
        let at = if x > body.x && buf[(x - 1, y)].symbol().width() > 1 { x - 1 } else { x };
        buf[(at, y)].set_symbol("…");
        if at != x {
            buf[(x, y)].set_symbol(" ");
        }
    }
}
