//! The one generic form, drawn from its field list: labels, values, the cursor, and each field's error beside it.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Widget};
use unicode_width::UnicodeWidthStr;

use super::centered;
use super::form::{Form, FormField};
use crate::domain::FieldKind;
use crate::theme::Theme;

/// The hint shown under each kind of field while it has the focus.
fn kind_hint(kind: FieldKind, dates: crate::domain::DateStyle) -> &'static str {
    match kind {
        FieldKind::Date => dates.hint(),
        FieldKind::Enum(_) | FieldKind::YesNo => "← → or first letter to choose",
        FieldKind::Number { .. } => "a whole number",
        FieldKind::LongText => "several lines",
        FieldKind::Path => "Tab completes, ↓ ↑ choose",
        FieldKind::Text { .. } => "",
    }
}

/// Draws the form; `footer` holds the key hints (from the keymap) shown along its bottom, as pairs of spans (the
/// key, what it does) with the ones that may give way to the focused field's hint first; the last three pairs
/// always stay.
pub fn render<P>(form: &Form<P>, theme: &Theme, footer: Vec<Span<'static>>, area: Rect, frame: &mut Frame) {
    let label_w = form.fields.iter().map(|f| f.spec.label.width() + 2).max().unwrap_or(8) as u16;
    let width = area.width.saturating_sub(4).min(96);
    // one line per field, one more for each error, a blank and the footer
    let errors = form.fields.iter().filter(|f| f.error.is_some()).count() as u16;
    let intro: Vec<String> =
        form.intro.iter().flat_map(|l| crate::text::wrap(l, usize::from(width.saturating_sub(4)))).collect();
    let intro_h = if intro.is_empty() { 0 } else { intro.len() as u16 + 1 };
    let value_w_est = usize::from(width.saturating_sub(label_w + 3));
    let field_rows: usize = form
        .fields
        .iter()
        .enumerate()
        .map(
            |(i, f)| {
                if f.editor.is_some() { long_rows(f.input.value(), i == form.focus, value_w_est).len() } else { 1 }
            },
        )
        .sum();
    let offered = form.matches();
    let want = field_rows as u16 + errors + offered.len() as u16 + 4 + intro_h;
    let rect = centered(area, width, want.min(area.height));
    super::clear_popup(rect, frame.buffer_mut());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border_focus)
        .title(Line::styled(format!(" {} ", form.title), theme.title));
    let inner = block.inner(rect);
    block.render(rect, frame.buffer_mut());
    if inner.height == 0 || inner.width <= label_w + 2 {
        return;
    }
    let value_w = inner.width - label_w - 1;
    let mut inner = inner;
    // The intro takes what it needs but leaves room for the focused field and the footer.
    let shown_intro = intro.len().min(usize::from(inner.height.saturating_sub(3)));
    for (i, line) in intro.iter().take(shown_intro).enumerate() {
        Line::styled(line.clone(), theme.base)
            .render(Rect { y: inner.y + i as u16, height: 1, ..inner }, frame.buffer_mut());
    }
    if shown_intro > 0 {
        let used = shown_intro as u16 + 1;
        inner.y += used.min(inner.height);
        inner.height = inner.height.saturating_sub(used);
    }

    // Lay out field lines, then scroll so that the focused field is visible. A long text takes several lines: the
    // focused one is an editor, the others show their start wrapped.
    let mut lines: Vec<(Line, Option<usize>)> = Vec::new();
    let mut editor_rows = 0;
    for (i, f) in form.fields.iter().enumerate() {
        let focused = i == form.focus;
        if f.editor.is_some() {
            let rows = long_rows(f.input.value(), focused, value_w as usize);
            if focused {
                editor_rows = rows.len();
            }
            for (n, row) in rows.into_iter().enumerate() {
                let label = if n == 0 { label_span(f, focused, label_w, theme) } else { blank(label_w) };
                lines.push((Line::from(vec![label, Span::raw(" "), Span::styled(row, theme.base)]), Some(i)));
            }
        } else {
            lines.push((field_line(f, focused, label_w, value_w, theme), Some(i)));
            // The names that fit what is typed, under the field: ↓ ↑ choose, Enter takes.
            if focused {
                for (n, name) in offered.iter().enumerate() {
                    let chosen = form.pick == Some(n);
                    let text = format!(
                        "{} {}",
                        if chosen { "▸" } else { " " },
                        crate::text::truncate(name, value_w as usize - 2)
                    );
                    let style = if chosen { theme.selected } else { theme.dim };
                    lines.push((Line::from(vec![blank(label_w + 1), Span::styled(text, style)]), Some(i)));
                }
            }
        }
        if let Some(e) = &f.error {
            lines.push((Line::from(vec![blank(label_w + 1), Span::styled(format!("✗ {e}"), theme.error)]), None));
        }
    }
    let body_h = inner.height.saturating_sub(2).max(1) as usize;
    let focus_line = lines.iter().position(|(_, i)| *i == Some(form.focus)).unwrap_or(0);
    let focus_rows = lines.iter().filter(|(_, i)| *i == Some(form.focus)).count().max(1);
    // Scroll only as far as needed to show the focused field and the line after it (its error, or the next field);
    // never past the end, so a form that fits shows every field wherever the focus is.
    let end = (focus_line + focus_rows + 1).min(lines.len());
    let skip = end.saturating_sub(body_h).min(lines.len().saturating_sub(body_h)).min(focus_line);
    let mut editor_at = None;
    let mut cursor_placed = false;
    for (row, (line, idx)) in lines.into_iter().skip(skip).take(body_h).enumerate() {
        let y = inner.y + row as u16;
        line.render(Rect { y, height: 1, ..inner }, frame.buffer_mut());
        if idx == Some(form.focus)
            && let Some(f) = form.focused()
        {
            if f.editor.is_some() {
                editor_at.get_or_insert(y);
            } else if !matches!(f.spec.kind, FieldKind::Enum(_) | FieldKind::YesNo) && !cursor_placed {
                // On the field's own line, not on the names offered under it.
                let (_, cursor_x) = window(f.input.value(), f.input.cursor(), value_w as usize);
                frame.set_cursor_position(Position { x: inner.x + label_w + 1 + cursor_x as u16, y });
                cursor_placed = true;
            }
        }
    }
    // The focused long text: the editor over the lines kept for it, its cursor drawn by itself.
    if let (Some(y), Some(editor)) = (editor_at, form.focused().and_then(|f| f.editor.as_ref())) {
        let bottom = (inner.y + body_h as u16).min(y + editor_rows as u16);
        let area = Rect { x: inner.x + label_w + 1, y, width: value_w, height: bottom.saturating_sub(y) };
        let widget = editor.widget(theme.selected, theme.selected.add_modifier(Modifier::REVERSED));
        frame.render_widget(&widget, area);
    }
    let hint = match form.focused() {
        Some(f) if matches!(f.spec.kind, FieldKind::Number { .. }) && !f.touched && !f.input.value().is_empty() => {
            "a whole number; typing replaces it"
        }
        Some(_) if !offered.is_empty() => "↓ ↑ choose a name · Enter takes it · or type on",
        Some(f) => kind_hint(f.spec.kind, form.dates),
        None => "",
    };
    // The key hints come in pairs (key, what it does), the optional ones first: they give way to the field's hint.
    let mut footer = footer;
    let spans_w = |spans: &[Span]| spans.iter().map(|s| s.content.width()).sum::<usize>();
    let hint_w = if hint.is_empty() { 0 } else { hint.width() + 1 };
    while footer.len() > 6 && spans_w(&footer) + hint_w > usize::from(inner.width) {
        footer.drain(..2);
    }
    footer.push(Span::styled(if hint.is_empty() { String::new() } else { format!(" {hint}") }, theme.dim));
    let footer = Line::from(footer);
    footer.render(Rect { y: inner.bottom() - 1, height: 1, ..inner }, frame.buffer_mut());
}

/// How many lines a long text shows when it has the focus (at least, and at most), and when it has not (at most).
const EDITOR_MIN_ROWS: usize = 3;
const EDITOR_MAX_ROWS: usize = 8;
const PREVIEW_ROWS: usize = 3;

/// The lines a long-text field takes: its text wrapped from the start, with the line breaks typed. The focused
/// field keeps room for the editor (blank lines, drawn over); the others show their first lines, the last of
/// them ending in "…" when there is more.
fn long_rows(text: &str, focused: bool, width: usize) -> Vec<String> {
    let width = width.max(2);
    let wrapped: Vec<String> = text.split('\n').flat_map(|l| crate::text::wrap(l, width)).collect();
    if focused {
        return vec![String::new(); wrapped.len().clamp(EDITOR_MIN_ROWS, EDITOR_MAX_ROWS)];
    }
    if wrapped.len() <= PREVIEW_ROWS {
        return wrapped;
    }
    let mut rows: Vec<String> = wrapped.into_iter().take(PREVIEW_ROWS).collect();
    if let Some(last) = rows.last_mut() {
        *last = super::truncate(&format!("{last} …"), width);
        if !last.ends_with('…') {
            last.push('…');
        }
    }
    rows
}

fn blank(width: u16) -> Span<'static> {
    Span::raw(" ".repeat(width as usize))
}

/// A field's label, right-aligned, with `*` when the field is required.
fn label_span(f: &FormField, focused: bool, label_w: u16, theme: &Theme) -> Span<'static> {
    let mark = if f.spec.required { "*" } else { " " };
    let label = format!("{:>w$}{mark}", f.spec.label, w = label_w as usize - 1);
    let style = if focused {
        theme.key
    } else if f.error.is_some() {
        theme.error
    } else {
        theme.dim
    };
    Span::styled(label, style)
}

fn field_line<'a>(f: &'a FormField, focused: bool, label_w: u16, value_w: u16, theme: &Theme) -> Line<'a> {
    let value = match f.spec.kind {
        FieldKind::Enum(_) | FieldKind::YesNo => {
            let v = if f.input.value().is_empty() { "—" } else { f.input.value() };
            if focused { format!("◂ {} ▸", v.replace('_', " ")) } else { v.replace('_', " ") }
        }
        // The focused field follows its cursor; the others show their start, cut with "…" when longer.
        _ if focused => window(f.input.value(), f.input.cursor(), value_w as usize).0,
        _ => super::truncate(f.input.value(), value_w as usize),
    };
    let value_style = if focused { theme.selected } else { theme.base };
    let pad = (value_w as usize).saturating_sub(value.width());
    Line::from(vec![
        label_span(f, focused, label_w, theme),
        Span::raw(" "),
        Span::styled(format!("{value}{}", if focused { " ".repeat(pad) } else { String::new() }), value_style),
    ])
}

/// The part of `text` that fits in `width` columns with the cursor in view, and the cursor's column within it.
pub fn window(text: &str, cursor: usize, width: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let width = width.max(2);
    let col =
        |range: &[char]| range.iter().map(|c| unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0)).sum::<usize>();
    let mut start = 0;
    // Move the window's start right until the cursor fits (leaving one column for the cursor itself).
    while col(&chars[start..cursor.min(chars.len())]) + 1 > width && start < cursor {
        start += 1;
    }
    let mut out = String::new();
    let mut w = 0;
    for c in &chars[start..] {
        let cw = unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
        if w + cw > width {
            break;
        }
        out.push(*c);
        w += cw;
    }
    (out, col(&chars[start..cursor.min(chars.len())]))
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn window_keeps_cursor_in_view() {
        assert_eq!(window("hello", 5, 10), ("hello".into(), 5));
        let (shown, at) = window("abcdefghijklmnop", 16, 6);
        assert_eq!(shown, "lmnop");
        assert_eq!(at, 5);
        let (shown, at) = window("日本語のテキスト", 8, 7);
        assert!(unicode_width::UnicodeWidthStr::width(shown.as_str()) <= 7);
        assert!(at < 7);
    }
}
