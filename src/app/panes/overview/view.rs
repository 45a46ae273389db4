//! The Overview tab: the current engagement's details, what it holds, and its latest notes.

use crate::domain::count;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget, Wrap};
use unicode_width::UnicodeWidthStr;

use super::OverviewPane;
use crate::app::pane::View;
use crate::domain::Engagement;
use crate::keys::{Action, Context};
use crate::text::wrap;

pub fn render(pane: &OverviewPane, view: &View, area: Rect, buf: &mut Buffer) {
    let Some(e) = &view.session.current else { return };
    let t = view.theme;
    let [left, right] = Layout::horizontal([Constraint::Fill(5), Constraint::Fill(4)]).areas(area);

    let mut lines = Vec::new();
    let text_w = usize::from(left.width.saturating_sub(2 + LABEL_W as u16)).max(10);
    // What identifies the engagement: the number people say and the UUID that is the same on every machine.
    let reference = crate::app::panes::refs::label(crate::store::Table::Engagement, e.number);
    for (label, value) in [("Reference", reference.as_str()), ("UUID", e.uuid.as_str())] {
        lines.push(Line::from(vec![
            Span::styled(format!("{label:>w$}  ", w = LABEL_W - 2), t.dim),
            Span::styled(value.to_string(), t.dim),
        ]));
    }
    // The report's narrative is read in the report and edited in the engagement's form.
    for f in Engagement::FIELDS.iter().filter(|f| !crate::domain::engagement::REPORT_KEYS.contains(&f.key)) {
        let v = f.display(&e.value(f.key));
        let shown = match f.kind {
            _ if f.key == "phase" => e.phase.label().to_string(),
            crate::domain::FieldKind::Date => view.dates.show(&v),
            _ => v.replace('_', " "),
        };
        if shown.is_empty() {
            lines.push(Line::from(vec![
                Span::styled(format!("{:>w$}  ", f.label, w = LABEL_W - 2), t.dim),
                Span::styled("—", t.dim),
            ]));
            continue;
        }
        for (i, part) in wrap(&shown, text_w).into_iter().enumerate() {
            let label = if i == 0 { f.label } else { "" };
            lines.push(Line::from(vec![
                Span::styled(format!("{label:>w$}  ", w = LABEL_W - 2), t.dim),
                Span::raw(part),
            ]));
        }
    }
    if e.is_overdue(view.today) {
        lines.push(Line::from(""));
        lines.push(Line::from(Span::styled("  ! the planned end date has passed", t.warn)));
    }
    // Why it was closed or reopened last: the reason recorded with the change of status.
    if let Some((at, reason)) = &view.session.status_reason {
        lines.push(Line::from(""));
        let when = super::journal::when(at, view.dates);
        for (i, part) in wrap(reason, text_w).into_iter().enumerate() {
            let lead = if i == 0 { format!("{:>w$}  ", "Status reason", w = LABEL_W - 2) } else { " ".repeat(LABEL_W) };
            lines.push(Line::from(vec![Span::styled(lead, t.dim), Span::raw(part)]));
        }
        lines.push(Line::from(vec![Span::raw(" ".repeat(LABEL_W)), Span::styled(format!("recorded {when}"), t.dim)]));
    }
    lines.push(Line::from(""));
    let journal = view.key(Context::Overview, &Action::Journal);
    lines.push(Line::from(Span::styled(
        format!("  Latest journal entries ({} in all; {journal} lists them)", view.session.summary.journal),
        t.header,
    )));
    if view.session.journal.is_empty() {
        let key = view.key(Context::Overview, &Action::Note);
        let anywhere = view.key(Context::Global, &Action::JournalEntry);
        lines.push(Line::from(Span::styled(
            format!("  none yet — {key} writes one here, {anywhere} on any tab about the record under the cursor"),
            t.dim,
        )));
    }
    for n in &view.session.journal {
        let stamp = super::journal::when(&n.said_at, view.dates);
        let who = n.interviewed.as_deref().map(|w| format!("{w}: ")).unwrap_or_default();
        let on = n.link_label.as_deref().map(|l| format!(" (on {l})")).unwrap_or_default();
        for (i, part) in wrap(&format!("{who}{}{on}", n.text), text_w).into_iter().enumerate() {
            let lead = if i == 0 { format!("{stamp:>w$}  ", w = LABEL_W - 2) } else { " ".repeat(LABEL_W) };
            lines.push(Line::from(vec![Span::styled(lead, t.dim), Span::raw(part)]));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((pane.scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focus)
                .title(Line::styled(format!(" {} ", e.name), t.title)),
        )
        .render(left, buf);

    let s = &view.session.summary;
    let pct = if s.checklist_total > 0 { (s.checklist_total - s.checklist_open) * 100 / s.checklist_total } else { 0 };
    let figures = [
        ("Providers", s.providers, count(s.criteria, "criterion", "criteria")),
        (
            "Risks",
            s.risks,
            format!("{} unaccepted · {} overdue", view.session.risks.unaccepted, view.session.risks.overdue),
        ),
        ("Team members", s.members, format!("{} pending", count(s.checks_pending, "check", "checks"))),
        ("Assets", s.assets, format!("{} not returned", s.assets_out)),
        ("Access grants", s.grants_active, "active".into()),
        ("Checklist", s.checklist_total, format!("{} open · {pct}% done", s.checklist_open)),
    ];
    // Where the figures' words do not fit beside them (80 columns), the columns close up and the words wrap under
    // themselves, so that no figure is cut off.
    let inner = usize::from(right.width.saturating_sub(2));
    let fits = |lw: usize, nw: usize| figures.iter().all(|(_, _, x)| lw + 2 + nw + 2 + x.width() <= inner);
    let (lw, nw) = if fits(14, 6) {
        (14, 6)
    } else {
        let nw = figures.iter().map(|(_, n, _)| n.to_string().len()).max().unwrap_or(1);
        (figures.iter().map(|(l, _, _)| l.len()).max().unwrap_or(0), nw)
    };
    let lead = lw + 2 + nw + 2;
    let mut lines = Vec::new();
    for (label, n, extra) in &figures {
        for (i, part) in wrap(extra, inner.saturating_sub(lead).max(8)).into_iter().enumerate() {
            lines.push(if i == 0 {
                Line::from(vec![
                    Span::styled(format!("{label:>lw$}  "), t.dim),
                    Span::styled(format!("{n:>nw$}"), t.base),
                    Span::styled(format!("  {part}"), t.dim),
                ])
            } else {
                Line::styled(format!("{}{part}", " ".repeat(lead)), t.dim)
            });
        }
    }
    let v = &view.session.risks.verdict;
    lines.push(Line::from(""));
    lines.push(Line::styled(" Risk verdict", t.header));
    let (style, mark) = if v.is_blocking() { (t.warn, "✗") } else { (t.ok, "✓") };
    for (i, part) in wrap(&v.text, usize::from(right.width.saturating_sub(5))).into_iter().enumerate() {
        let lead = if i == 0 { format!(" {mark} ") } else { "   ".to_string() };
        lines.push(Line::styled(format!("{lead}{part}"), style));
    }
    Paragraph::new(lines)
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border)
                .title(Line::styled(" In this engagement ", t.title)),
        )
        .render(right, buf);
}

const LABEL_W: usize = 20;
