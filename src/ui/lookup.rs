//! The lookup popup: query, filters, ranked hits with the matched words highlighted, and the detail of one hit
//! (why it matched, its counterparts, where the engagement uses it).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};

use crate::app::lookup::{Detail, Hit, Lookup};
use crate::app::{App, Context};
use crate::catalog::search;
use crate::catalog::{ItemPhase, Party, catalog};
use crate::domain::workflow::{self, CheckStatus};
use crate::theme::Theme;
use crate::ui::key_hints;
use crate::widgets::truncate;

pub use crate::app::layout::lookup_popup as popup;

pub fn render(app: &App, l: &Lookup, buf: &mut Buffer) {
    let t = &app.theme;
    let area = popup(app.size);
    if area.width < 20 || area.height < 6 {
        return;
    }
    crate::widgets::clear_popup(area, buf);
    let scope = match &app.session.current {
        Some(e) => format!(" Look up — catalog and {} ", e.name),
        None => " Look up — catalog ".to_string(),
    };
    let block = Block::default().borders(Borders::ALL).border_style(t.border_focus).title(Line::styled(scope, t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if let Some(d) = &l.detail {
        render_detail(app, l, d, inner, buf);
        return;
    }
    let line = |y: u16| Rect { y: inner.y + y, height: 1, ..inner };
    Line::from(vec![Span::styled("› ", t.key), Span::raw(l.query.value().to_string()), Span::styled("▏", t.key)])
        .render(line(0), buf);
    let f = &l.filters;
    let phase: &str = f.phase.map_or("all", |p| p.into());
    let party: &str = f.party.map_or("all", |p| p.into());
    let count = if l.hint.is_some() && !l.hits.is_empty() {
        Span::styled("weak matches only", t.warn)
    } else {
        Span::styled(format!("{} match{}", l.hits.len(), if l.hits.len() == 1 { "" } else { "es" }), t.dim)
    };
    Line::from(vec![
        count,
        Span::styled("   phase ", t.dim),
        Span::styled(phase, if f.phase.is_some() { t.highlight } else { t.base }),
        Span::styled(" (F2)   party ", t.dim),
        Span::styled(party, if f.party.is_some() { t.highlight } else { t.base }),
        Span::styled(" (F3)   topic ", t.dim),
        Span::styled(f.topic.unwrap_or("all"), if f.topic.is_some() { t.highlight } else { t.base }),
        Span::styled(" (F4)", t.dim),
    ])
    .render(line(1), buf);
    let rows = l.cursor.visible();
    if l.hits.is_empty() {
        let text = match &l.hint {
            Some(h) => format!("  {h}"),
            None => "  Nothing matches. Other words, or clear a filter.".to_string(),
        };
        Paragraph::new(Line::styled(text, t.dim))
            .wrap(Wrap { trim: false })
            .render(Rect { y: inner.y + 3, height: 3.min(inner.height.saturating_sub(4)), ..inner }, buf);
    }
    let width = usize::from(inner.width);
    for (n, i) in rows.enumerate() {
        let y = 2 + n as u16;
        if y + 1 >= inner.height {
            break;
        }
        let selected = i == l.cursor.selected;
        let (tag, title, extra) = match l.hits[i] {
            Hit::Item(c) => {
                let item = &catalog().items[c];
                let phase: &str = item.phase.into();
                let party: &str = item.party.into();
                (item.id.clone(), item.title.clone(), format!("{phase} · {party} · {}", item.topic))
            }
            Hit::Record(r) => {
                let rec = &l.records[r];
                (rec.kind.label().to_string(), rec.label.clone(), rec.detail.clone())
            }
        };
        let title_w = width.saturating_sub(16 + 2).min(64);
        let shown = truncate(&title, title_w);
        let marks = search::highlights(&shown, l.why(i));
        let mut spans = vec![Span::styled(format!(" {tag:<14} "), if selected { t.key } else { t.dim })];
        spans.extend(highlighted(&shown, &marks, t));
        let used: usize = 16 + unicode_width::UnicodeWidthStr::width(shown.as_str());
        let room = width.saturating_sub(used + 3);
        if room > 8 {
            spans.push(Span::styled(format!("   {}", truncate(&extra, room)), t.dim));
        }
        let mut lr = Line::from(spans);
        if selected {
            lr = lr.style(t.selected);
        }
        lr.render(line(y), buf);
    }
    let last = line(inner.height.saturating_sub(1));
    match &l.hint {
        // Weak matches are listed; the last line says they are weak and what to try instead.
        Some(h) if !l.hits.is_empty() => Line::styled(truncate(h, width), t.warn).render(last, buf),
        _ => {
            let footer = key_hints(
                app,
                &[(Context::Lookup, "open"), (Context::Lookup, "next_row"), (Context::Lookup, "clear_field")],
                &[(Context::Lookup, "cancel")],
                width,
            );
            Line::from(footer).render(last, buf);
        }
    }
}

/// Spans of `s` with the characters at `marks` highlighted.
fn highlighted(s: &str, marks: &[usize], t: &Theme) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut cur_hl = false;
    for (i, c) in s.chars().enumerate() {
        let hl = marks.binary_search(&i).is_ok();
        if hl != cur_hl && !cur.is_empty() {
            out.push(Span::styled(std::mem::take(&mut cur), if cur_hl { t.highlight } else { t.base }));
        }
        cur_hl = hl;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(Span::styled(cur, if cur_hl { t.highlight } else { t.base }));
    }
    out
}

fn render_detail(app: &App, l: &Lookup, d: &Detail, area: Rect, buf: &mut Buffer) {
    let t = &app.theme;
    let mut lines: Vec<Line> = Vec::new();
    let mut can_tick = false;
    match d.hit {
        Hit::Item(c) => {
            let item = &catalog().items[c];
            let phase: ItemPhase = item.phase;
            let party: Party = item.party;
            lines.push(Line::styled(item.title.clone(), t.title));
            lines.push(Line::from(vec![
                Span::styled(item.id.clone(), t.key),
                Span::raw(format!("  {}", item.citation())),
            ]));
            lines.push(Line::styled(crate::catalog::sources::attribution(item), t.dim));
            lines.push(Line::styled(
                format!("{} · {} · topic {}", workflow::phase_label(phase), workflow::party_label(party), item.topic),
                t.dim,
            ));
            lines.push(Line::from(vec![
                Span::styled("ISO/IEC 27001:2022 Annex A  ", t.dim),
                Span::raw(item.annex_a.iter().map(|a| format!("A.{a}")).collect::<Vec<_>>().join(", ")),
            ]));
            lines.push(Line::from(""));
            lines.push(Line::from(item.text.clone()));
            if !item.keywords.is_empty() {
                lines.push(Line::from(""));
                lines.push(Line::styled(format!("Keywords: {}", item.keywords.join(", ")), t.dim));
            }
            if !d.why.is_empty() {
                lines.push(Line::from(vec![Span::styled("Matched: ", t.dim), Span::raw(search::explain(&d.why))]));
            }
            if !item.see_also.is_empty() {
                lines.push(Line::from(""));
                lines.push(Line::styled("See also (the same obligation elsewhere)", t.header));
                for other in item.see_also.iter().filter_map(|id| catalog().get(id)) {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {:<14} ", other.id), t.key),
                        Span::raw(other.title.clone()),
                        Span::styled(format!("  {}", other.citation()), t.dim),
                    ]));
                }
            }
            lines.push(Line::from(""));
            can_tick = item.has_use(crate::catalog::Use::Workflow) || item.has_use(crate::catalog::Use::Agreement);
            match (&app.session.current, &d.usage) {
                (Some(e), Some(u)) => {
                    lines.push(Line::styled(format!("In {}", e.name), t.header));
                    if can_tick {
                        let (status, who) = match &u.checklist {
                            Some(r) => (
                                r.status,
                                match (&r.done_by, &r.done_at) {
                                    (Some(by), Some(at)) if r.status != CheckStatus::Open => {
                                        format!(" by {by} on {at}")
                                    }
                                    _ => String::new(),
                                },
                            ),
                            None => (CheckStatus::Open, String::new()),
                        };
                        let style = if status == CheckStatus::Open { t.warn } else { t.ok };
                        lines.push(Line::from(vec![
                            Span::styled(format!("  {} checklist: {}", status.mark(), status.label()), style),
                            Span::raw(who),
                        ]));
                        if let Some(note) = u.checklist.as_ref().and_then(|r| r.note.as_deref()) {
                            lines.push(Line::from(format!("      note: {note}")));
                        }
                        for j in &u.journal {
                            let said = crate::app::panes::overview::journal::said(j, app.dates);
                            lines.push(Line::from(vec![
                                Span::styled(format!("      journal {said} "), t.dim),
                                Span::raw(crate::visible::visible(&j.text.replace(['\n', '\r'], " ")).into_owned()),
                            ]));
                        }
                    }
                    for (text, weight, must) in &u.criteria {
                        let must = if *must { ", must-have" } else { "" };
                        lines.push(Line::from(format!("  selection criterion “{text}” (weight {weight}{must})")));
                    }
                    for (title, l, i) in &u.risks {
                        lines.push(Line::from(format!("  risk “{title}” (likelihood {l} × impact {i} = {})", l * i)));
                    }
                    if !can_tick && u.criteria.is_empty() && u.risks.is_empty() {
                        lines.push(Line::styled("  not used by this engagement", t.dim));
                    }
                }
                _ => lines.push(Line::styled("No engagement open: open one to see where it uses this item.", t.dim)),
            }
        }
        Hit::Record(r) => {
            let rec = &l.records[r];
            lines.push(Line::styled(rec.label.clone(), t.title));
            lines.push(Line::styled(format!("{} {}", rec.kind.label(), rec.reference), t.dim));
            lines.push(Line::from(""));
            lines.push(Line::from(rec.detail.clone()));
            if !d.why.is_empty() {
                lines.push(Line::from(""));
                lines.push(Line::from(vec![Span::styled("Matched: ", t.dim), Span::raw(search::explain(&d.why))]));
            }
        }
    }
    let body = Rect { height: area.height.saturating_sub(1), ..area };
    Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((d.scroll, 0)).render(body, buf);
    let ticks: &[(Context, &str)] = if can_tick && app.session.current.is_some() {
        &[(Context::LookupDetail, "toggle_done"), (Context::LookupDetail, "toggle_na")]
    } else {
        &[]
    };
    let mut always = ticks.to_vec();
    always.push((Context::LookupDetail, "cancel"));
    let footer = key_hints(app, &[(Context::LookupDetail, "scroll_down")], &always, usize::from(area.width));
    Line::from(footer).render(Rect { y: area.bottom().saturating_sub(1), height: 1, ..area }, buf);
}
