//! Text on its way to a terminal. A name typed into a form or read from an imported file may hold escape
//! sequences (`ESC ] 52` writes the clipboard, `ESC ] 0` the window title, `ESC [ 2 J` clears the screen) or
//! bidirectional overrides that make a line read differently from what it says. Everything assay prints goes
//! through [`visible`], which shows such characters instead of letting the terminal act on them; the macros
//! [`outln!`](crate::outln), [`out!`](crate::out) and [`errln!`](crate::errln) are the only way the program
//! prints, and the workbench's screen is cleaned by [`scrub_buffer`] after every frame is drawn. A test scans
//! the sources for any other way to print.

use std::borrow::Cow;
use std::io::Write;

/// Whether a character must not reach a terminal as it is: C0 controls but newline and tab, DEL, the C1
/// controls (`U+009B` is a one-character `ESC [` to many terminals), and the bidirectional controls.
pub fn is_unsafe(c: char) -> bool {
    match c {
        '\n' | '\t' => false,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        _ => is_bidi_control(c),
    }
}

/// The Unicode bidirectional formatting characters (marks, embeddings, overrides and isolates).
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The text with every unsafe character shown: C0 controls and DEL as their Unicode control pictures (`␛` for
/// ESC, `␍` for CR), C1 and bidirectional controls as `\u{…}`. Newlines and tabs stay. Safe text comes back
/// borrowed, and the result of `visible` is itself safe.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            c if !is_unsafe(c) => out.push(c),
            '\u{0}'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
            '\u{7f}' => out.push('\u{2421}'),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// JSON text with every unsafe character inside it written as a JSON `\uXXXX` escape, so that it prints
/// harmlessly and still parses to the same values. (serde_json escapes C0 controls itself but not DEL, the C1
/// controls or the bidirectional ones.)
pub fn json(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Prints text on standard output, shown safely. A closed pipe is not an error worth a panic.
pub fn print_out(text: &str) {
    let mut o = std::io::stdout().lock();
    let _ = o.write_all(visible(text).as_bytes());
    let _ = o.flush();
}

/// Prints text on standard error, shown safely.
pub fn print_err(text: &str) {
    let mut e = std::io::stderr().lock();
    let _ = e.write_all(visible(text).as_bytes());
    let _ = e.flush();
}

/// Writes on standard output, through `fill`, bytes already safe to show: text made so by [`json`] and base64
/// (a bundle carrying evidence files, streamed rather than built whole in memory). Returns what `fill` returns.
pub fn write_safe_out(fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    fill(&mut o)?;
    o.flush()
}

/// Rewrites the current line of standard error (a progress counter): a carriage return, then the text shown
/// safely, then a newline when `done`.
pub fn progress_line(text: &str, done: bool) {
    let mut e = std::io::stderr().lock();
    let _ = write!(e, "\r{}", visible(text));
    if done {
        let _ = writeln!(e);
    }
    let _ = e.flush();
}

/// Whether standard error is a terminal (progress is shown only then).
pub fn stderr_is_terminal() -> bool {
    use std::io::IsTerminal;
    std::io::stderr().is_terminal()
}

/// Prints a line on standard output through [`visible`].
#[macro_export]
macro_rules! outln {
    () => { $crate::visible::print_out("\n") };
    ($($arg:tt)*) => { $crate::visible::print_out(&format!("{}\n", format_args!($($arg)*))) };
}

/// Prints on standard output through [`visible`], without a newline.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::visible::print_out(&format!($($arg)*)) };
}

/// Prints on standard error through [`visible`], without a newline.
#[macro_export]
macro_rules! out_err {
    ($($arg:tt)*) => { $crate::visible::print_err(&format!($($arg)*)) };
}

/// Prints a line on standard error through [`visible`].
#[macro_export]
macro_rules! errln {
    () => { $crate::visible::print_err("\n") };
    ($($arg:tt)*) => { $crate::visible::print_err(&format!("{}\n", format_args!($($arg)*))) };
}

/// Writes bytes that are not text (a PDF) on standard output. The caller has made sure it is not a terminal, which
/// would take them for control sequences; text never goes this way.
pub fn write_binary_out(bytes: &[u8]) -> std::io::Result<()> {
    let mut o = std::io::stdout().lock();
    o.write_all(bytes)?;
    o.flush()
}

/// Cleans a drawn frame: any cell whose symbol holds a control or bidirectional character loses it (ratatui
/// already skips C0 controls; the bidirectional ones and C1 controls it would pass on). Called once at the end
/// of every render.
pub fn scrub_buffer(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        let sym = cell.symbol();
        if sym.chars().any(is_unsafe) {
            let kept: String = sym.chars().filter(|c| !is_unsafe(*c)).collect();
            cell.set_symbol(if kept.is_empty() { " " } else { &kept });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_sequences_are_shown_not_obeyed() {
        let hostile = "Acme\u{1b}]52;c;aGk=\u{7}\u{1b}[2J\r\u{9b}1m\u{202e}evil\u{7f}";
        let shown = visible(hostile);
        assert!(!shown.chars().any(is_unsafe), "{shown:?}");
        assert_eq!(shown, "Acme␛]52;c;aGk=␇␛[2J␍\\u{9b}1m\\u{202e}evil␡");
        assert_eq!(visible(&shown), shown, "visible is idempotent");
        assert!(matches!(visible("plain\nlines\tand tabs"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_round_trip() {
        let v = serde_json::json!({ "name": "a\u{202e}b\u{9b}c\u{7f}\u{1b}" });
        let text = serde_json::to_string(&v).unwrap_or_default();
        let safe = json(&text);
        assert!(!safe.chars().any(is_unsafe));
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap_or_default();
        assert_eq!(back, v);
    }
}
