//! A one-line text input: the value and a cursor counted in characters.

#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextInput {
    value: String,
    /// Cursor position in characters (0 ..= number of characters).
    cursor: usize,
}

impl TextInput {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        let cursor = value.chars().count();
        Self { value, cursor }
    }

    pub fn value(&self) -> &str {
        &self.value
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.value.char_indices().nth(char_idx).map_or(self.value.len(), |(i, _)| i)
    }

    pub fn insert(&mut self, c: char) {
        // Newlines and tabs from a paste become spaces: every field is edited on one line.
        let c = if c.is_control() { ' ' } else { c };
        let at = self.byte_at(self.cursor);
        self.value.insert(at, c);
        self.cursor += 1;
    }

    pub fn backspace(&mut self) {
        if self.cursor > 0 {
            self.cursor -= 1;
            let at = self.byte_at(self.cursor);
            self.value.remove(at);
        }
    }

    pub fn delete(&mut self) {
        if self.cursor < self.value.chars().count() {
            let at = self.byte_at(self.cursor);
            self.value.remove(at);
        }
    }

    pub fn left(&mut self) {
        self.cursor = self.cursor.saturating_sub(1);
    }

    pub fn right(&mut self) {
        self.cursor = (self.cursor + 1).min(self.value.chars().count());
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.value.chars().count();
    }

    pub fn clear(&mut self) {
        self.value.clear();
        self.cursor = 0;
    }

    pub fn set(&mut self, value: impl Into<String>) {
        *self = TextInput::new(value);
    }

    /// The start of the word before the cursor (words are runs of letters and digits).
    fn word_start(&self) -> usize {
        let chars: Vec<char> = self.value.chars().collect();
        let mut i = self.cursor.min(chars.len());
        while i > 0 && !chars[i - 1].is_alphanumeric() {
            i -= 1;
        }
        while i > 0 && chars[i - 1].is_alphanumeric() {
            i -= 1;
        }
        i
    }

    /// The start of the next word after the cursor, or the end.
    fn next_word(&self) -> usize {
        let chars: Vec<char> = self.value.chars().collect();
        let mut i = self.cursor.min(chars.len());
        while i < chars.len() && chars[i].is_alphanumeric() {
            i += 1;
        }
        while i < chars.len() && !chars[i].is_alphanumeric() {
            i += 1;
        }
        i
    }

    /// Removes the characters from `from` to the cursor and puts the cursor there.
    fn remove_back_to(&mut self, from: usize) {
        let (a, b) = (self.byte_at(from), self.byte_at(self.cursor));
        self.value.replace_range(a..b, "");
        self.cursor = from;
    }

    /// Applies one of a form's editing keys.
    pub fn apply(&mut self, edit: super::editor::Edit) {
        use super::editor::Edit;
        match edit {
            Edit::Home => self.home(),
            Edit::End => self.end(),
            Edit::WordLeft => self.cursor = self.word_start(),
            Edit::WordRight => self.cursor = self.next_word(),
            Edit::Backspace => self.backspace(),
            Edit::Delete => self.delete(),
            Edit::DeleteWord => self.remove_back_to(self.word_start()),
            Edit::DeleteToStart => self.remove_back_to(0),
            Edit::Clear => self.clear(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_multibyte_text_by_character() {
        let mut t = TextInput::new("Zürich");
        t.left();
        t.left();
        t.left();
        t.left();
        t.backspace(); // removes 'ü'
        assert_eq!(t.value(), "Zrich");
        t.insert('ö');
        assert_eq!(t.value(), "Zörich");
        t.home();
        t.delete();
        assert_eq!(t.value(), "örich");
        t.end();
        t.insert('\n');
        assert_eq!(t.value(), "örich ");
    }

    #[test]
    fn word_moves_and_deletes() {
        use crate::widgets::editor::Edit;
        let mut t = TextInput::new("Ärzte und Zürich");
        t.apply(Edit::DeleteWord);
        assert_eq!(t.value(), "Ärzte und ");
        t.apply(Edit::WordLeft);
        assert_eq!(t.cursor(), 6);
        t.apply(Edit::WordLeft);
        t.apply(Edit::WordRight);
        assert_eq!(t.cursor(), 6);
        t.apply(Edit::DeleteToStart);
        assert_eq!(t.value(), "und ");
        assert_eq!(t.cursor(), 0);
    }
}
