//! The Overview's import screen: the file being read, then its preview (added, updated field by field, removed,
//! and what is refused), with the keys that apply it or cancel it.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line as TextLine, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use super::import::{ImportState, Line, lines};
use crate::app::pane::View;
use crate::keys::{Action, Context};

pub fn render(state: &ImportState, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = |title: String| {
        Block::default().borders(Borders::ALL).border_style(t.border_focus).title(TextLine::styled(title, t.title))
    };
    let p = match state {
        ImportState::Reading(file) => {
            let text = vec![
                TextLine::styled(format!(" Reading {file}"), t.base),
                TextLine::styled(
                    " The preview shows here when it is ready; the status line shows how far it is.",
                    t.dim,
                ),
            ];
            Paragraph::new(text).wrap(Wrap { trim: false }).block(block(" Import ".into())).render(area, buf);
            return;
        }
        ImportState::Preview(p) => p,
    };
    let key = |a: &Action| view.key(Context::ImportPreview, a);
    let refused = !p.refusals().is_empty();
    let head = if refused {
        vec![
            TextLine::styled(format!(" {}", p.file), t.base),
            TextLine::from(vec![
                Span::styled(" Refused: nothing will be written. ", t.error),
                Span::styled(
                    format!("{} chooses another file · {} closes", key(&Action::ImportSheet), key(&Action::Cancel)),
                    t.dim,
                ),
            ]),
        ]
    } else {
        let engagement = view.session.current.as_ref().map(|e| e.name.as_str()).unwrap_or_default();
        vec![
            TextLine::styled(format!(" {} → “{engagement}”", p.file), t.base),
            TextLine::from(vec![
                Span::styled(" Nothing is written yet. ", t.header),
                Span::styled(
                    format!(
                        "{} applies · {} cancels · {} chooses another file",
                        key(&Action::ConfirmYes),
                        key(&Action::Cancel),
                        key(&Action::ImportSheet)
                    ),
                    t.dim,
                ),
            ]),
        ]
    };
    let [top, body] = Layout::vertical([Constraint::Length(4), Constraint::Fill(1)]).areas(area);
    Paragraph::new(head).block(block(" Import preview ".into())).render(top, buf);

    let all = lines(p);
    let inner = usize::from(body.height.saturating_sub(2));
    let scroll = p.scroll.min(all.len().saturating_sub(inner.max(1)));
    let shown: Vec<TextLine> = all
        .iter()
        .skip(scroll)
        .take(inner)
        .map(|(kind, text)| {
            let style = match kind {
                Line::Heading => t.header,
                Line::Added => t.ok,
                Line::Updated => t.highlight,
                Line::Field => t.base,
                Line::Removed => t.warn,
                Line::Note => t.dim,
                Line::Refused => t.error,
            };
            TextLine::styled(format!(" {text}"), style)
        })
        .collect();
    let title = if all.len() > inner {
        format!(" What the import does — lines {}–{} of {} ", scroll + 1, (scroll + inner).min(all.len()), all.len())
    } else {
        " What the import does ".to_string()
    };
    Paragraph::new(shown)
        .block(Block::default().borders(Borders::ALL).border_style(t.border).title(TextLine::styled(title, t.title)))
        .render(body, buf);
}
