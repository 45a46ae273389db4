//! A multi-line text editor for long-text fields: ratatui-textarea, word-wrapped, with the edits a form offers.
//!
//! What may be typed is any printable text, newlines and tabs; other control characters (an escape sequence
//! pasted from a log, a carriage return from a Windows clipboard) are left out and counted, so nothing that
//! reaches the screen or the store can drive a terminal.

use ratatui::style::Style;
use ratatui_textarea::{CursorMove, TextArea, WrapMode};

/// One edit a form applies to its focused text field, single- or multi-line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    Home,
    End,
    WordLeft,
    WordRight,
    Backspace,
    Delete,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Delete from the start of the line to the cursor.
    DeleteToStart,
    Clear,
}

/// A long text being edited.
#[derive(Debug, Clone)]
pub struct Editor {
    area: TextArea<'static>,
}

impl PartialEq for Editor {
    fn eq(&self, other: &Self) -> bool {
        self.area.lines() == other.area.lines() && self.area.cursor() == other.area.cursor()
    }
}

/// Whether a character may be typed or pasted into a long text: not a control character other than a newline or
/// a tab, nor a bidirectional override (see [`crate::visible::is_unsafe`]).
pub fn allowed(c: char) -> bool {
    c == '\n' || !crate::visible::is_unsafe(c)
}

impl Editor {
    /// An editor over `text`, with the cursor at its end.
    pub fn new(text: &str) -> Self {
        let lines: Vec<String> = text.split('\n').map(str::to_string).collect();
        let mut area = TextArea::new(lines);
        area.set_wrap_mode(WrapMode::WordOrGlyph);
        area.set_cursor_line_style(Style::default());
        area.set_hard_tab_indent(true);
        area.move_cursor(CursorMove::Bottom);
        area.move_cursor(CursorMove::End);
        Editor { area }
    }

    /// The text, its lines joined by newlines.
    pub fn value(&self) -> String {
        self.area.lines().join("\n")
    }

    /// The cursor as (line, character in the line).
    pub fn cursor(&self) -> (usize, usize) {
        let c = self.area.cursor();
        (c.0, c.1)
    }

    /// Types a character; returns false (and types nothing) for one that may not be typed.
    pub fn insert(&mut self, c: char) -> bool {
        match c {
            '\n' => self.area.insert_newline(),
            c if allowed(c) => self.area.insert_char(c),
            _ => return false,
        }
        true
    }

    /// Pastes text as it is, line breaks included (`\r\n` and a lone `\r` are line breaks too). Returns how many
    /// characters were left out because they may not be typed.
    pub fn paste(&mut self, text: &str) -> usize {
        let text = text.replace("\r\n", "\n").replace('\r', "\n");
        let kept: String = text.chars().filter(|c| allowed(*c)).collect();
        let refused = text.chars().count() - kept.chars().count();
        if !kept.is_empty() {
            self.area.insert_str(kept);
        }
        refused
    }

    pub fn apply(&mut self, edit: Edit) {
        match edit {
            Edit::Home => self.area.move_cursor(CursorMove::Head),
            Edit::End => self.area.move_cursor(CursorMove::End),
            Edit::WordLeft => self.area.move_cursor(CursorMove::WordBack),
            Edit::WordRight => self.area.move_cursor(CursorMove::WordForward),
            Edit::Backspace => {
                self.area.delete_char();
            }
            Edit::Delete => {
                self.area.delete_next_char();
            }
            Edit::DeleteWord => {
                self.area.delete_word();
            }
            Edit::DeleteToStart => {
                self.area.delete_line_by_head();
            }
            Edit::Clear => {
                self.area.select_all();
                self.area.cut();
            }
        }
    }

    pub fn left(&mut self) {
        self.area.move_cursor(CursorMove::Back);
    }

    pub fn right(&mut self) {
        self.area.move_cursor(CursorMove::Forward);
    }

    /// Moves the cursor one shown line up; false when it is on the first line already.
    pub fn up(&mut self) -> bool {
        let before = self.area.cursor();
        self.area.move_cursor(CursorMove::Up);
        self.area.cursor() != before
    }

    /// Moves the cursor one shown line down; false when it is on the last line already.
    pub fn down(&mut self) -> bool {
        let before = self.area.cursor();
        self.area.move_cursor(CursorMove::Down);
        self.area.cursor() != before
    }

    /// The widget that draws the text wrapped, with the cursor in view, in `style` and the cursor in `cursor`.
    pub fn widget(&self, style: Style, cursor: Style) -> TextArea<'static> {
        let mut area = self.area.clone();
        area.set_style(style);
        area.set_cursor_style(cursor);
        area
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_lines_and_unicode_exactly_and_leaves_controls_out() {
        let mut e = Editor::new("");
        for c in "שלום 👋🏽 ok".chars() {
            assert!(e.insert(c));
        }
        assert!(!e.insert('\u{1b}'), "an escape is not typed");
        assert!(e.insert('\n'));
        let refused = e.paste("line two\r\nline three\u{7}\rfour");
        assert_eq!(refused, 1, "the bell is left out");
        assert_eq!(e.value(), "שלום 👋🏽 ok\nline two\nline three\nfour");
    }

    #[test]
    fn word_and_line_edits() {
        let mut e = Editor::new("alpha beta gamma\nsecond line");
        e.apply(Edit::DeleteWord);
        assert_eq!(e.value(), "alpha beta gamma\nsecond ");
        e.apply(Edit::DeleteToStart);
        assert_eq!(e.value(), "alpha beta gamma\n");
        assert!(e.up());
        assert!(!e.up(), "the first line has no line above");
        e.apply(Edit::End);
        e.apply(Edit::WordLeft);
        e.apply(Edit::Backspace);
        assert_eq!(e.value(), "alpha betagamma\n");
        e.apply(Edit::Clear);
        assert_eq!(e.value(), "");
    }
}
