//! The reusable pieces every pane and overlay is built from, each a model with its view: text input, forms, list
//! cursors and tables, the catalog picker, dialogs and messages. They know nothing of panes, the store or `App`.

pub mod confirm;
pub mod editor;
pub mod find;
pub mod form;
pub mod form_view;
pub mod input;
pub mod paths;
pub mod picker;
pub mod picker_view;
pub mod table;
pub mod table_view;
pub mod toast;

use ratatui::layout::Rect;
use ratatui::text::Span;
use unicode_width::UnicodeWidthStr;

/// Clears the area a popup is drawn in. A wide character (CJK, some symbols) that starts just left of the area
/// would be drawn across the popup's left border, so it is blanked too.
pub fn clear_popup(area: ratatui::layout::Rect, buf: &mut ratatui::buffer::Buffer) {
    use ratatui::widgets::Widget;
    ratatui::widgets::Clear.render(area, buf);
    if area.x == 0 || area.x <= buf.area.x {
        return;
    }
    for y in area.top()..area.bottom() {
        if let Some(cell) = buf.cell_mut((area.x - 1, y))
            && cell.symbol().width() > 1
        {
            cell.reset();
        }
    }
}

pub use crate::text::truncate;

/// A rectangle of at most `w` × `h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect { x: area.x + (area.width - w) / 2, y: area.y + (area.height - h) / 2, width: w, height: h }
}

/// The label and value of a read-only field line.
pub fn label<'a>(text: &'a str, style: ratatui::style::Style) -> Span<'a> {
    Span::styled(text, style)
}
