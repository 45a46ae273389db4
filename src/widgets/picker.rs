//! A list to choose one item from, drawn over the pane (e.g. the catalog's risks). Typing narrows the list to the
//! items whose id, title, place or text contain every word typed, the closest first.

use super::input::TextInput;
use super::table::TableCursor;
use crate::keys::Action;

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
    /// What has been typed to narrow the list.
    pub query: TextInput,
    /// Indices into `items` of the items the query leaves, the closest first; the cursor moves over these.
    pub visible: Vec<usize>,
    pub cursor: TableCursor,
}

/// Lines of the picker's detail area under the list (the highlighted item's text).
pub const PICKER_DETAIL_LINES: u16 = 4;

impl<P> Picker<P> {
    pub fn new(title: impl Into<String>, purpose: P, items: Vec<PickItem>, screen_height: u16) -> Picker<P> {
        let mut cursor = TableCursor::default();
        cursor.set_len(items.len());
        cursor.set_height(picker_rows(screen_height));
        let visible = (0..items.len()).collect();
        Picker { title: title.into(), purpose, items, query: TextInput::default(), visible, cursor }
    }

    pub fn selected(&self) -> Option<&PickItem> {
        self.items.get(*self.visible.get(self.cursor.selected)?)
    }

    /// A key that edits the query: a character narrows the list, Backspace widens it, Ctrl-U clears it. The
    /// closest item is then selected. Returns false for any other key.
    pub fn type_key(&mut self, action: &Action) -> bool {
        match action {
            Action::Char(c) => self.query.insert(*c),
            Action::Backspace => self.query.backspace(),
            Action::ClearField => self.query.clear(),
            _ => return false,
        }
        self.refilter();
        true
    }

    /// The items passing the query, ranked: an id that starts with it, then a title holding every word, then a
    /// title or place, then the text; the list's own order within each rank.
    fn refilter(&mut self) {
        let words: Vec<String> = self.query.value().split_whitespace().map(str::to_lowercase).collect();
        let query = words.join(" ");
        let all = |hay: &str| words.iter().all(|w| hay.contains(w.as_str()));
        let mut ranked: Vec<(u8, usize)> = self
            .items
            .iter()
            .enumerate()
            .filter_map(|(i, it)| {
                let (key, label) = (it.key.to_lowercase(), it.label.to_lowercase());
                let near = format!("{key} {label} {}", it.detail.to_lowercase());
                let rank = if key.starts_with(&query) {
                    0
                } else if all(&label) {
                    1
                } else if all(&near) {
                    2
                } else if all(&format!("{near} {}", it.text.to_lowercase())) {
                    3
                } else {
                    return None;
                };
                Some((rank, i))
            })
            .collect();
        ranked.sort_by_key(|(rank, _)| *rank);
        self.visible = ranked.into_iter().map(|(_, i)| i).collect();
        self.cursor.set_len(self.visible.len());
        self.cursor.first();
    }
}

/// Rows of the picker's list on a screen `height` rows tall: the body less a margin, the borders, the header, a
/// separator and the detail area. The renderer lays the popup out the same way.
pub fn picker_rows(height: u16) -> usize {
    usize::from(height.saturating_sub(2 + 2 + 2 + 1 + 1 + PICKER_DETAIL_LINES)).max(1)
}
