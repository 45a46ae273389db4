//! The Risks tab: the register above, the heat map and the verdict beneath it.
//!
//! Everything drawn here was computed in the pane when the data or the view changed; a frame costs the rows
//! on screen, the 25 cells and the verdict sentence.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Widget, Wrap};

use super::{RISK_STRIP, RiskFocus, RiskPane};
use crate::app::pane::View;
use crate::app::panes::refs;
use crate::domain::risk::{self, AcceptanceState, Band, Dimension};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::theme::Theme;
use crate::widgets::table_view::{Column, DataTable};

const COLUMNS: &[Column] = &[
    Column::new("Band", Constraint::Length(4)),
    Column::new("Risk", Constraint::Fill(3)).main(),
    Column::new("L", Constraint::Length(1)),
    Column::new("C I A", Constraint::Length(5)),
    Column::new("Treat", Constraint::Length(6)),
    Column::new("Status", Constraint::Length(11)).gives_way(3),
    Column::new("Owner", Constraint::Fill(1)).gives_way(1),
    Column::new("Due", Constraint::Length(11)).gives_way(2),
    Column::new("Resid", Constraint::Length(5)),
    Column::new("Acceptance", Constraint::Length(12)),
];

/// Width of the matrix block: borders, the likelihood labels and five cells.
const MATRIX_W: u16 = 2 + LABEL_W + 5 * CELL_W;
const LABEL_W: u16 = 3;
const CELL_W: u16 = 7;

pub fn render(pane: &RiskPane, view: &View, area: Rect, frame: &mut Frame) {
    let [top, strip] = Layout::vertical([Constraint::Fill(1), Constraint::Length(RISK_STRIP)]).areas(area);
    render_register(pane, view, top, frame);
    let [left, right] = Layout::horizontal([Constraint::Length(MATRIX_W), Constraint::Fill(1)]).areas(strip);
    render_matrix(pane, view, left, frame.buffer_mut());
    render_verdict(pane, view.theme, right, frame.buffer_mut());
}

fn band_text(band: Band, level: u8) -> String {
    format!("{} {level:>2}", band.letter())
}

fn render_register(pane: &RiskPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let mut title = vec![Span::styled(" Risks ", t.title), Span::styled(format!("{} ", pane.all.len()), t.dim)];
    // The find comes first, so that a narrow terminal cuts off the figures rather than it.
    title.extend(pane.find.title_spans(
        pane.visible.len(),
        pane.all.len(),
        &view.key(Context::Risks, &Action::Cancel),
        t,
    ));
    if let Some((l, i)) = pane.filter {
        title.push(Span::styled(
            format!(
                "· cell L{l}×{}{i} of {}: {} shown ({} clears) ",
                dim_letter(pane),
                pane.view_name(),
                pane.visible.len(),
                view.key(Context::Risks, &Action::Cancel)
            ),
            t.highlight,
        ));
    }
    if pane.unaccepted > 0 {
        title.push(Span::styled(format!("· {} unaccepted ", pane.unaccepted), t.error));
    }
    if pane.overdue > 0 {
        title.push(Span::styled(format!("· {} overdue! ", pane.overdue), t.warn));
    }
    let row = |n: usize| {
        let i = pane.visible[n];
        let (r, f) = (&pane.all[i], &pane.facts[i]);
        let inherent = f.inherent;
        let residual = f.effective_residual();
        let overdue = f.is_overdue(view.today);
        let acceptance = match f.acceptance(view.today) {
            AcceptanceState::NotNeeded => Span::styled("—", t.dim),
            AcceptanceState::Unaccepted => Span::styled("! unaccepted", t.error),
            AcceptanceState::Accepted => Span::styled("accepted", t.ok),
            AcceptanceState::ReviewOverdue => Span::styled("! review due", t.warn),
        };
        Row::new(vec![
            Cell::from(Span::styled(refs::label(Table::Risk, r.number), t.dim)),
            Cell::from(Span::styled(band_text(inherent.band(), inherent.level()), t.band(inherent.band()))),
            Cell::from(r.title.as_str()),
            Cell::from(r.likelihood.to_string()),
            Cell::from(format!("{} {} {}", r.impact_c, r.impact_i, r.impact_a)),
            Cell::from(r.treatment.map_or("—", |x| x.label())),
            Cell::from(r.status.label()),
            Cell::from(r.owner.as_deref().unwrap_or("")),
            Cell::from(Span::styled(
                format!("{}{}", view.dates.show(r.due_date.as_deref().unwrap_or("")), if overdue { "!" } else { "" }),
                if overdue { t.warn } else { t.base },
            )),
            Cell::from(Span::styled(
                format!(
                    "{}{}",
                    if f.residual_in_effect() { ' ' } else { '~' },
                    band_text(residual.band(), residual.level())
                ),
                t.band(residual.band()),
            )),
            Cell::from(acceptance),
        ])
    };
    let empty = if pane.find.narrows() {
        format!("No risk contains this text ({} clears the filter)", view.key(Context::Risks, &Action::Cancel))
    } else if pane.filter.is_some() {
        format!("No risk in this cell ({} clears the filter)", view.key(Context::Risks, &Action::Cancel))
    } else {
        format!(
            "No risks yet — {} adds your own, {} takes one from the catalog",
            view.key(Context::Risks, &Action::Add),
            view.key(Context::Risks, &Action::AddFromCatalog)
        )
    };
    let columns = refs::with_ref(Table::Risk, pane.ref_max, COLUMNS);
    DataTable {
        title: Line::from(title),
        columns: &columns,
        cursor: &pane.cursor,
        row,
        empty: &empty,
        filter: None,
        focused: pane.focus == RiskFocus::Register,
    }
    .render(area, frame, t);
}

/// The label of the impact axis: the dimension's letter, or "Imp" for the overall (highest) impact, so that the
/// Overall view never reads like the Integrity view.
fn dim_letter(pane: &RiskPane) -> &'static str {
    match pane.view.dimension {
        Dimension::C => "C",
        Dimension::I => "I",
        Dimension::A => "A",
        Dimension::Overall => "Imp",
    }
}

fn count_text(n: u32) -> String {
    match n {
        0 => "·".to_string(),
        1..=999 => n.to_string(),
        _ => ">1k".to_string(),
    }
}

fn render_matrix(pane: &RiskPane, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let focused = pane.focus == RiskFocus::Matrix;
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { t.border_focus } else { t.border })
        .title(Line::styled(format!(" Matrix · {} ", pane.view_name()), t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    let axis = dim_letter(pane);
    let mut lines = Vec::with_capacity(7);
    let mut header = vec![Span::styled(format!("{:<w$}", "L", w = usize::from(LABEL_W)), t.dim)];
    for impact in 1..=risk::MAX_IMPACT {
        header.push(Span::styled(format!("{:>5}  ", format!("{axis}{impact}")), t.header));
    }
    lines.push(Line::from(header));
    for likelihood in (risk::MIN_LIKELIHOOD..=risk::MAX_LIKELIHOOD).rev() {
        let mut spans = vec![Span::styled(format!("L{likelihood} "), t.header)];
        for impact in 1..=risk::MAX_IMPACT {
            let band = risk::cell_band(likelihood, impact);
            let count = count_text(pane.matrix.count(likelihood, impact));
            let here = (likelihood, impact);
            let cursor = focused && pane.cell == here;
            let filtered = pane.filter == Some(here);
            let (open, close) = match (cursor, filtered) {
                (true, _) => ('[', ']'),
                (false, true) => (' ', '*'),
                _ => (' ', ' '),
            };
            let mut style = t.band(band);
            if cursor {
                style = style.add_modifier(Modifier::UNDERLINED | Modifier::BOLD);
            }
            spans.push(Span::styled(format!("{open}{count:>3} {}{close}", band.letter()), style));
        }
        lines.push(Line::from(spans));
    }
    let footer = if focused {
        format!("←→↑↓ move · {} filters", view.key(Context::Matrix, &Action::Open))
    } else {
        format!("{} off the grid (impact 0)", pane.matrix.outside)
    };
    lines.push(Line::from(Span::styled(footer, t.dim)));
    Paragraph::new(lines).render(inner, buf);
}

fn render_verdict(pane: &RiskPane, t: &Theme, area: Rect, buf: &mut Buffer) {
    let v = &pane.verdict;
    let summary = if v.is_blocking() {
        let s = if v.high_outstanding == 1 { "" } else { "s" };
        let text = format!(
            "✗ Not ready: {} critical and {} high risk{s} untreated or unaccepted{}",
            v.critical_outstanding,
            v.high_outstanding,
            if v.planned > 0 { format!(" ({} planned)", v.planned) } else { String::new() }
        );
        Span::styled(text, t.error)
    } else {
        Span::styled("✓ No critical or high risk outstanding", t.ok)
    };
    let mut counts = vec![Span::styled("Residual", t.dim)];
    for band in Band::ALL.iter().rev() {
        counts.push(Span::raw(" "));
        counts.push(Span::styled(band.letter().to_string(), t.band(*band)));
        counts.push(Span::raw(format!(" {}", v.count(*band))));
    }
    counts.push(Span::styled(" · ", t.dim));
    let flag =
        |n: usize, what: &str, style: Style| Span::styled(format!("{n} {what}"), if n > 0 { style } else { t.dim });
    counts.push(flag(pane.unaccepted, "unaccepted", t.error));
    counts.push(Span::styled(" · ", t.dim));
    counts.push(flag(pane.overdue, "overdue", t.warn));
    let lines = vec![Line::from(summary), Line::from(counts), Line::from(v.text.as_str())];
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::default().borders(Borders::ALL).border_style(t.border).title(Line::styled(" Verdict ", t.title)))
        .render(area, buf);
}
