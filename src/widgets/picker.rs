//! A list to choose one item from, drawn over the pane (e.g. the catalog's risks).

use super::table::TableCursor;

/// One choice: its key (e.g. a catalog id), what the list shows, and a longer text shown for the highlighted one.
#[derive(Debug, Clone, PartialEq)]
pub struct PickItem {
    pub key: String,
    pub label: String,
    pub detail: String,
    pub text: String,
}

/// The list with its selection.
#[derive(Debug, Clone, PartialEq)]
pub struct Picker<P> {
    pub title: String,
    pub purpose: P,
    pub items: Vec<PickItem>,
    pub cursor: TableCursor,
}

/// Lines of the picker's detail area under the list (the highlighted item's text).
pub const PICKER_DETAIL_LINES: u16 = 4;

impl<P> Picker<P> {
    pub fn new(title: impl Into<String>, purpose: P, items: Vec<PickItem>, screen_height: u16) -> Picker<P> {
        let mut cursor = TableCursor::default();
        cursor.set_len(items.len());
        cursor.set_height(picker_rows(screen_height));
        Picker { title: title.into(), purpose, items, cursor }
    }

    pub fn selected(&self) -> Option<&PickItem> {
        self.items.get(self.cursor.selected)
    }
}

/// Rows of the picker's list on a screen `height` rows tall: the body less a margin, the borders, the header, a
/// separator and the detail area. The renderer lays the popup out the same way.
pub fn picker_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2 + 2 + 2 + 1 + 1 + PICKER_DETAIL_LINES)).max(1)
}
