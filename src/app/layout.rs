//! Screen geometry that the model and the view must agree on: how many rows a list shows at a terminal size, where
//! the tab titles sit, where the lookup popup goes. The model sizes its cursors' windows from these, and the view
//! draws with them, so a page key moves by exactly what is on screen. Geometry of one pane lives in that pane.

use ratatui::layout::Rect;

use super::Tab;

/// The smallest terminal the workbench draws in.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// The name in the top right corner.
pub const BRAND: &str = " assay ";

/// Lines above the workflow checklist: progress by phase and party, and of the agreement.
pub const WORKFLOW_SUMMARY_LINES: usize = 2;

/// Rows of a full-height table: the terminal less the tab bar, the status line, the borders and the header.
pub fn list_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(5))
}

/// The popup's rectangle in a screen of `size`.
pub fn lookup_popup(size: (u16, u16)) -> Rect {
    let (w, h) = size;
    let width = w.saturating_sub(4).min(116);
    let height = h.saturating_sub(4);
    Rect { x: (w - width) / 2, y: 2.min(h), width, height }
}

/// How many lookup hits fit: the popup less its borders, the query, the filter line and the footer.
pub fn lookup_rows(size: (u16, u16)) -> usize {
    usize::from(lookup_popup(size).height.saturating_sub(5)).max(1)
}

/// The tab labels for a terminal `width` columns wide: the full titles when they fit beside the brand, the short
/// ones otherwise, so that every tab stays visible.
/// `titles` are each tab's title and short title, in order (see `App::tab_titles`).
pub fn tab_labels(width: u16, titles: &[(Tab, &str, &str)]) -> Vec<(Tab, String)> {
    let full: Vec<(Tab, String)> =
        titles.iter().enumerate().map(|(i, (t, title, _))| (*t, format!(" {} {title} ", i + 1))).collect();
    let need: usize = full.iter().map(|(_, l)| l.chars().count() + 1).sum::<usize>() + BRAND.len();
    if need <= usize::from(width) {
        return full;
    }
    titles.iter().enumerate().map(|(i, (t, _, short))| (*t, format!(" {} {short} ", i + 1))).collect()
}

/// The x range of each tab title, as drawn at this terminal width: for mouse clicks.
pub fn tab_spans(width: u16, titles: &[(Tab, &str, &str)]) -> Vec<(Tab, u16, u16)> {
    let mut x = 0u16;
    tab_labels(width, titles)
        .into_iter()
        .map(|(t, label)| {
            let w = label.chars().count() as u16;
            let span = (t, x, x + w);
            x += w + 1;
            span
        })
        .collect()
}

/// The width of a history popup: at most 110 columns.
pub const HISTORY_WIDTH: u16 = 110;

/// The columns before a history entry's description: its time (20) and who made it (16 and a space).
pub const HISTORY_PREFIX: usize = 37;

/// How wide a history entry's description is drawn in a terminal of `size` (wrapped to it).
pub fn history_text_width(size: (u16, u16)) -> usize {
    usize::from(size.0.min(HISTORY_WIDTH).saturating_sub(2)).saturating_sub(HISTORY_PREFIX).max(10)
}

/// The columns before a conflict's description in the Conflicts view: the cursor's mark (2), when the merge made
/// it (16) and a gap (2).
pub const CONFLICT_PREFIX: usize = 20;

/// How wide a conflict's description is drawn in a terminal of `size` (wrapped to it, a column short of the
/// border); the view is as wide as the history.
pub fn conflict_text_width(size: (u16, u16)) -> usize {
    usize::from(size.0.min(HISTORY_WIDTH).saturating_sub(3)).saturating_sub(CONFLICT_PREFIX).max(10)
}

/// How many lines of conflicts the Conflicts view shows in a terminal of `size` while a message takes `message`
/// lines: the screen less the tab bar, the status line, the message, the view's borders and its footer.
pub fn conflict_rows(size: (u16, u16), message: usize) -> usize {
    usize::from(size.1).saturating_sub(5 + message).max(1)
}

/// The width of a record's label column in its read-only view.
pub const DETAIL_LABEL_W: usize = 18;

/// How wide a record's read-only view is drawn inside its borders in a terminal of `size`.
pub fn detail_width(size: (u16, u16)) -> usize {
    usize::from(size.0.min(100).saturating_sub(2))
}
