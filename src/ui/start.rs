//! The start screen of an empty workspace: one key creates the first engagement.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::app::{Action, App, Context};
use crate::widgets::centered;

pub fn render(app: &App, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let key = |a: &Action, ctx: Context| app.keymap.key_for(ctx, a).map(|k| k.to_string()).unwrap_or_default();
    let lines = vec![
        Line::from(Span::styled("assay", t.title)).centered(),
        Line::from(Span::styled("information security assessments of ICT outsourcing", t.dim)).centered(),
        Line::from(""),
        Line::from("This workspace has no engagement yet.").centered(),
        Line::from(""),
        Line::from(vec![
            Span::raw("Press "),
            Span::styled(key(&Action::NewEngagement, Context::Start), t.key),
            Span::raw(" to create your first engagement"),
        ])
        .centered(),
        Line::from(Span::styled(
            format!("(type its name, then {} again — everything else can wait)", key(&Action::Submit, Context::Form)),
            t.dim,
        ))
        .centered(),
        Line::from(""),
        Line::from(vec![
            Span::styled(key(&Action::Lookup, Context::Global), t.key),
            Span::raw(" look up an obligation   "),
            Span::styled(key(&Action::Help, Context::Global), t.key),
            Span::raw(" help   "),
            Span::styled(key(&Action::Quit, Context::Global), t.key),
            Span::raw(" quit"),
        ])
        .centered(),
        Line::from(""),
        Line::from(Span::styled("Sample data to explore: run  assay demo  and open the file it prints", t.dim))
            .centered(),
    ];
    let rect = centered(area, 84, lines.len() as u16 + 2);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(Block::default().borders(Borders::ALL).border_style(t.border))
        .render(rect, buf);
}
