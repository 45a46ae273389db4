//! Shared pieces every pane is built from.

pub mod confirm;
pub mod form;
pub mod picker;
pub mod table;
pub mod toast;

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

/// Cuts `s` to at most `width` columns, ending in `…` when cut.
pub fn truncate(s: &str, width: usize) -> String {
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// The label and value of a read-only field line.
pub fn label<'a>(text: &'a str, style: ratatui::style::Style) -> Span<'a> {
    Span::styled(text, style)
}

#[cfg(test)]
mod tests {
    #[test]
    fn truncates_by_display_width() {
        assert_eq!(super::truncate("abcdef", 4), "abc…");
        assert_eq!(super::truncate("abc", 4), "abc");
        assert_eq!(super::truncate("日本語テキスト", 5), "日本…");
    }
}
