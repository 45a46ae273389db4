//! Find within a list: a line of text typed over a pane's rows, which keeps the rows that contain every word of
//! it. The pane says which texts of a row are searched and keeps the rows passing; this holds the typing.

use std::borrow::Cow;

use ratatui::text::Span;

use super::input::TextInput;
use super::table::TableCursor;
use crate::keys::Action;
use crate::theme::Theme;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Find {
    pub input: TextInput,
    /// Whether keys are typed into the filter (the pane's context is then `Context::Filter`).
    pub typing: bool,
}

/// What a key did to the filter being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindKey {
    /// The text changed: the rows passing must be worked out again.
    Changed,
    /// Typing ended with the text kept.
    Kept,
    /// Nothing that concerns the list.
    Nothing,
}

impl Find {
    /// Starts typing into the filter (keeping any text already there).
    pub fn start(&mut self) {
        self.typing = true;
    }

    /// Whether the filter is shown: being typed or narrowing the rows.
    pub fn is_active(&self) -> bool {
        self.typing || !self.input.value().trim().is_empty()
    }

    /// Whether the filter narrows the rows.
    pub fn narrows(&self) -> bool {
        !self.input.value().trim().is_empty()
    }

    /// Forgets the text and stops typing.
    pub fn clear(&mut self) {
        self.input.clear();
        self.typing = false;
    }

    /// A key while the filter is typed: text edits it, Enter keeps it, Esc clears it.
    pub fn update(&mut self, action: &Action) -> FindKey {
        match action {
            Action::Char(c) => self.input.insert(*c),
            Action::Backspace => self.input.backspace(),
            Action::ClearField => self.input.clear(),
            Action::CursorLeft => {
                self.input.left();
                return FindKey::Nothing;
            }
            Action::CursorRight => {
                self.input.right();
                return FindKey::Nothing;
            }
            Action::Submit => {
                self.typing = false;
                return FindKey::Kept;
            }
            Action::Cancel => self.clear(),
            _ => return FindKey::Nothing,
        }
        FindKey::Changed
    }

    /// The words searched for, lower-cased.
    pub fn words(&self) -> Vec<String> {
        self.input.value().split_whitespace().map(str::to_lowercase).collect()
    }

    /// Whether a row whose searched texts are `fields` passes: each word occurs in one of them, ignoring case.
    pub fn passes<'a>(words: &[String], fields: impl IntoIterator<Item = &'a str>) -> bool {
        if words.is_empty() {
            return true;
        }
        let text: String = fields.into_iter().map(str::to_lowercase).collect::<Vec<_>>().join("\u{1f}");
        words.iter().all(|w| text.contains(w.as_str()))
    }

    /// The part of a list's title that shows the filter: its text (with a cursor while typed) and how many of
    /// `total` rows it leaves, with the key that clears it.
    pub fn title_spans(&self, shown: usize, total: usize, clear_key: &str, t: &Theme) -> Vec<Span<'static>> {
        if !self.is_active() {
            return Vec::new();
        }
        let cursor = if self.typing { "▏" } else { "" };
        vec![
            Span::styled("· find “", t.dim),
            Span::styled(format!("{}{cursor}", self.input.value()), t.highlight),
            Span::styled(format!("”: {shown} of {total} shown ({clear_key} clears) "), t.dim),
        ]
    }
}

/// A list of rows that a find narrows, kept whole: the rows, the text each is searched by (its fields joined and
/// lower-cased once, when read, so that a keystroke only compares), the rows passing the find, and the cursor over
/// those. Reading the rows again keeps the row selected where it still is.
#[derive(Debug, Clone, PartialEq)]
pub struct Found<T> {
    pub items: Vec<T>,
    haystacks: Vec<String>,
    /// The rows passing the find, as indexes into `items`.
    pub visible: Vec<usize>,
    pub cursor: TableCursor,
    pub find: Find,
}

impl<T> Default for Found<T> {
    fn default() -> Self {
        Found {
            items: Vec::new(),
            haystacks: Vec::new(),
            visible: Vec::new(),
            cursor: TableCursor::default(),
            find: Find::default(),
        }
    }
}

impl<T> Found<T> {
    pub fn selected(&self) -> Option<&T> {
        self.visible.get(self.cursor.selected).and_then(|&i| self.items.get(i))
    }

    /// Takes the rows read again, `searched` giving the fields a find looks in, with `height` rows on screen. The
    /// row whose `id` was selected stays selected; otherwise the last row passing is.
    pub fn reload(
        &mut self,
        items: Vec<T>,
        id: impl Fn(&T) -> i64,
        searched: impl Fn(&T) -> Vec<Cow<'_, str>>,
        height: usize,
    ) {
        let keep = self.selected().map(&id);
        self.haystacks = items.iter().map(|item| searched(item).join("\u{1f}").to_lowercase()).collect();
        self.items = items;
        self.refilter();
        self.cursor.set_height(height.max(1));
        match keep.and_then(|k| self.visible.iter().position(|&i| id(&self.items[i]) == k)) {
            Some(at) => self.cursor.select(at),
            None => self.cursor.select(self.visible.len().saturating_sub(1)),
        }
    }

    fn refilter(&mut self) {
        let words = self.find.words();
        self.visible =
            (0..self.items.len()).filter(|&i| words.iter().all(|w| self.haystacks[i].contains(w.as_str()))).collect();
        self.cursor.set_len(self.visible.len());
    }

    /// The list's own keys: typing into the find while it is typed (a changed text selects the first row passing),
    /// moving the cursor, starting the find, and Esc clearing a find that narrows. False when the key is the
    /// pane's to act on.
    pub fn update(&mut self, action: &Action) -> bool {
        if self.find.typing {
            if self.find.update(action) == FindKey::Changed {
                self.refilter();
                self.cursor.select(0);
            }
            return true;
        }
        match action {
            a if self.cursor.navigate(a) => true,
            Action::Filter => {
                self.find.start();
                true
            }
            Action::Cancel if self.find.narrows() => {
                self.find.clear();
                self.refilter();
                true
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_word_must_occur_in_some_field_ignoring_case() {
        let mut f = Find::default();
        f.start();
        for c in "back JANE".chars() {
            assert_eq!(f.update(&Action::Char(c)), FindKey::Changed);
        }
        let w = f.words();
        assert!(Find::passes(&w, ["Backup tapes", "Jane Doe"]));
        assert!(!Find::passes(&w, ["Backup tapes", "John Doe"]));
        assert_eq!(f.update(&Action::Submit), FindKey::Kept);
        assert!(!f.typing && f.narrows());
        f.start();
        assert_eq!(f.update(&Action::Cancel), FindKey::Changed);
        assert!(!f.is_active());
        assert!(Find::passes(&f.words(), ["anything"]));
    }

    #[test]
    fn a_found_list_narrows_by_every_word_and_keeps_the_selected_row_when_read_again() {
        type Row = (i64, &'static str);
        fn searched(r: &Row) -> Vec<Cow<'_, str>> {
            vec![Cow::Borrowed(r.1)]
        }
        let rows = |names: &[Row]| names.to_vec();
        let mut list = Found::default();
        list.reload(rows(&[(1, "Visitor log"), (2, "Badge REGISTER"), (3, "Key register")]), |r| r.0, searched, 10);
        assert_eq!(list.selected(), Some(&(3, "Key register")), "a list read first selects its last row");
        assert!(list.update(&Action::Filter));
        for c in "regis".chars() {
            assert!(list.update(&Action::Char(c)));
        }
        assert_eq!(list.visible, vec![1, 2], "the find ignores case");
        assert_eq!(list.selected(), Some(&(2, "Badge REGISTER")), "a changed find selects its first row");
        assert!(list.update(&Action::Submit));
        // Read again with a row added before the selected one: the same row stays selected, the find still applies.
        list.reload(rows(&[(4, "Register of keys"), (1, "Visitor log"), (2, "Badge REGISTER")]), |r| r.0, searched, 10);
        assert_eq!(list.visible, vec![0, 2]);
        assert_eq!(list.selected(), Some(&(2, "Badge REGISTER")));
        assert!(!list.update(&Action::Add), "a key the list does not take is the pane's");
        assert!(list.update(&Action::Cancel), "Esc clears a find that narrows");
        assert_eq!(list.visible, vec![0, 1, 2]);
        assert!(!list.update(&Action::Cancel), "Esc with no find is the pane's");
    }
}
