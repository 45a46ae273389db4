//! Plain-text helpers shared by the screens and the command line.
//!
//! Wrapping is our own rather than the `textwrap` crate's: it is a dozen lines, every screen and snapshot is laid
//! out by its rule (collapse runs of blanks, cut a word longer than the line), and it keeps the build free of a
//! dependency for that alone.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Cuts `s` to at most `width` columns, ending in `…` when cut. A text of several lines is shown on one, its line
/// breaks as spaces (a terminal would otherwise run the lines together).
pub fn truncate(s: &str, width: usize) -> String {
    if s.contains('\n') {
        return truncate(&s.replace("\r\n", " ").replace('\n', " "), width);
    }
    if s.width() <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut w = 0;
    for c in s.chars() {
        let cw = c.width().unwrap_or(0);
        if w + cw + 1 > width {
            break;
        }
        out.push(c);
        w += cw;
    }
    out.push('…');
    out
}

/// Splits text into lines of at most `width` columns at word boundaries (a longer word is cut).
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let mut word = word;
        while word.width() > width {
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            let (head, rest) = word.split_at(fitting(word, width));
            out.push(head.to_string());
            word = rest;
        }
        if !line.is_empty() && line.width() + 1 + word.width() > width {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// The length in bytes of the longest start of `word` that fits in `width` columns; at least one character, so
/// that a character wider than the line still moves on.
fn fitting(word: &str, width: usize) -> usize {
    let mut used = 0;
    for (i, c) in word.char_indices() {
        used += c.width().unwrap_or(0);
        if used > width {
            return if i == 0 { c.len_utf8() } else { i };
        }
    }
    word.len()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_text_of_several_lines_is_cut_on_one_with_spaces_between() {
        assert_eq!(truncate("Met the CISO.\nBackups tested", 40), "Met the CISO. Backups tested");
        assert_eq!(truncate("one\r\ntwo\nthree", 9), "one two …");
    }

    use super::{truncate, wrap};
    use unicode_width::UnicodeWidthStr;

    #[test]
    fn truncates_by_display_width() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 4), "abc");
        assert_eq!(truncate("日本語テキスト", 5), "日本…");
    }

    #[test]
    fn wraps_at_words_and_cuts_long_ones() {
        assert_eq!(wrap("one two three", 7), vec!["one two", "three"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 4), vec![""]);
    }

    #[test]
    fn a_word_one_column_too_long_is_cut_too() {
        assert_eq!(wrap("abcde", 4), vec!["abcd", "e"]);
        assert_eq!(wrap("xy abcdefghi", 4), vec!["xy", "abcd", "efgh", "i"]);
    }

    #[test]
    fn wide_characters_and_ellipses_keep_within_the_width() {
        for line in wrap("日本語のテキスト 漢字漢字漢字", 5) {
            assert!(line.width() <= 5, "{line:?}");
        }
        assert_eq!(wrap("ab…cd…", 3), vec!["ab…", "cd…"]);
        assert_eq!(wrap("日", 1), vec!["日"], "a character wider than the line still moves on");
    }
}
