//! The help overlay, generated from the keymap so it always matches what the keys do.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};
use strum::IntoEnumIterator;

use crate::app::{Action, App, Context};
use crate::widgets::centered;

/// Every line of the help text.
pub fn lines(app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    let mut out = Vec::new();
    for ctx in Context::iter() {
        let bindings = app.keymap.bindings(ctx);
        if bindings.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::from(""));
        }
        out.push(Line::from(Span::styled(ctx.title().to_string(), t.header)));
        for b in bindings {
            let keys = b.keys.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / ");
            out.push(Line::from(vec![Span::styled(format!("  {keys:<22}"), t.key), Span::raw(b.desc.clone())]));
        }
    }
    out
}

pub fn render(app: &App, scroll: usize, area: Rect, buf: &mut Buffer) {
    let all = lines(app);
    let rect = centered(area, 72, area.height);
    crate::widgets::clear_popup(rect, buf);
    let inner_h = rect.height.saturating_sub(2) as usize;
    let max_scroll = all.len().saturating_sub(inner_h);
    let scroll = scroll.min(max_scroll);
    let key = |a: &Action| app.keymap.key_for(Context::Help, a).map(|k| k.to_string()).unwrap_or_else(|| "?".into());
    let title = format!(
        " Keys — {}/{} · {}/{} scroll · {} close ",
        (scroll + inner_h).min(all.len()),
        all.len(),
        key(&Action::ScrollDown),
        key(&Action::ScrollUp),
        key(&Action::Cancel)
    );
    Paragraph::new(all)
        .scroll((scroll as u16, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(app.theme.border_focus)
                .title(Line::styled(title, app.theme.title)),
        )
        .render(rect, buf);
}
