//! Find within a list: a line of text typed over a pane's rows, which keeps the rows that contain every word of
//! it. The pane says which texts of a row are searched and keeps the rows passing; this holds the typing.

use ratatui::text::Span;

use super::input::TextInput;
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
}
