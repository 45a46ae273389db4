//! The scorecard tab: providers, criteria, and the score grid beside its ranking.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Widget, Wrap};

use super::{GRID_LABEL_W, RANKING_W, ScoreView, ScorecardPane};
use crate::app::pane::View;
use crate::app::panes::refs;
use crate::domain::DateStyle;
use crate::domain::scorecard::{CertStatus, MUST_HAVE_PASS, Robustness};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::theme::Theme;
use crate::widgets::table_view::{Column, DataTable};
use crate::widgets::truncate;

pub fn render(pane: &ScorecardPane, view: &View, area: Rect, frame: &mut Frame) {
    match pane.view {
        ScoreView::Providers => render_providers(pane, view, area, frame),
        ScoreView::Criteria => render_criteria(pane, view, area, frame),
        ScoreView::Grid => render_grid(pane, view, area, frame.buffer_mut()),
    }
}

/// The block title: the three views with the shown one marked, then a count.
fn title<'a>(sc: &ScorecardPane, t: &Theme, extra: String, width: u16) -> Line<'a> {
    let build = |all_views: bool| {
        let mut spans = vec![Span::styled(" Scorecard ", t.title)];
        for v in [ScoreView::Providers, ScoreView::Criteria, ScoreView::Grid] {
            if v == sc.view {
                spans.push(Span::styled(format!("[{}]", v.title()), t.tab_active));
            } else if all_views {
                spans.push(Span::styled(format!(" {} ", v.title()), t.dim));
            }
        }
        spans.push(Span::styled(format!(" {extra} "), t.dim));
        Line::from(spans)
    };
    // On a narrow terminal the other views' names give way, so that what follows them stays readable.
    let full = build(true);
    if full.width() + 2 > usize::from(width) { build(false) } else { full }
}

const PROVIDER_COLUMNS: &[Column] = &[
    Column::new("Provider", Constraint::Fill(3)).main(),
    Column::new("Status", Constraint::Length(11)),
    Column::new("Cert. body", Constraint::Fill(2)).gives_way(3),
    Column::new("Cert. no.", Constraint::Length(12)).gives_way(2),
    Column::new("Expires", Constraint::Length(20)),
    Column::new("Scope", Constraint::Length(5)),
    Column::new("Policies", Constraint::Length(8)).gives_way(4),
    Column::new("Audit", Constraint::Length(5)),
    Column::new("Focal point", Constraint::Fill(2)).gives_way(1),
];

/// A yes/no fact that a gate depends on: the answer in words, with a mark when it fails the gate.
fn yes_no(ok: bool, t: &Theme) -> Cell<'static> {
    if ok { Cell::from(Span::styled("✓ yes", t.ok)) } else { Cell::from(Span::styled("✗ no", t.error)) }
}

/// The certificate's expiry with its flag: "✗ expired" or "! ≤90 d".
pub fn expiry_span(expiry: Option<&str>, status: CertStatus, t: &Theme, dates: DateStyle) -> Span<'static> {
    let date = dates.show(expiry.unwrap_or_default());
    match status {
        CertStatus::Missing => Span::styled("✗ none", t.error),
        CertStatus::Expired => Span::styled(format!("{date} ✗ expired"), t.error),
        CertStatus::ExpiringSoon => Span::styled(format!("{date} ! ≤90 d"), t.warn),
        CertStatus::Valid => Span::raw(date),
    }
}

fn render_providers(sc: &ScorecardPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    // The detail grows with the failed gates so that each one is read in full (up to half the pane).
    let inner_w = usize::from(area.width.saturating_sub(2)).max(1);
    let gate_lines = sc.selected_provider().map_or(1, |p| {
        let gates = sc.failed_gates(p.id, view.today);
        // Each failed gate on its own line, wrapped where it is longer than the panel is wide.
        gates.iter().map(|g| (19 + g.chars().count()).div_ceil(inner_w)).sum::<usize>().max(1)
    });
    let detail_h = if sc.providers.is_empty() {
        0
    } else {
        (4 + u16::try_from(gate_lines).unwrap_or(u16::MAX)).min(area.height / 2).max(5)
    };
    let [table, detail] = Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_h)]).areas(area);
    let row = |i: usize| {
        let p = &sc.providers[i];
        let status_style = match p.status.as_str() {
            "selected" => t.ok,
            "rejected" => t.dim,
            _ => t.base,
        };
        Row::new(vec![
            Cell::from(Span::styled(refs::label(Table::Provider, p.number), t.dim)),
            Cell::from(p.name.clone()),
            Cell::from(Span::styled(p.status.clone(), status_style)),
            Cell::from(p.cert_body.clone().unwrap_or_default()),
            Cell::from(p.cert_number.clone().unwrap_or_default()),
            Cell::from(expiry_span(p.cert_expiry.as_deref(), p.cert_status(view.today), t, view.dates)),
            yes_no(p.scope_covers_service, t),
            yes_no(p.agrees_policies, t),
            yes_no(p.agrees_audit, t),
            Cell::from(p.focal_point.clone().unwrap_or_default()),
        ])
    };
    let empty =
        format!("No providers yet — press {} to add the first candidate", view.key(Context::Providers, &Action::Add));
    DataTable {
        title: title(
            sc,
            t,
            format!(
                "· {} · {} next view",
                crate::domain::count(sc.providers.len(), "provider", "providers"),
                view.key(Context::Providers, &Action::NextView)
            ),
            area.width,
        ),
        columns: &refs::with_ref(Table::Provider, refs::max(sc.providers.iter().map(|p| p.number)), PROVIDER_COLUMNS),
        cursor: &sc.provider_cursor,
        row,
        empty: &empty,
        filter: None,
        focused: true,
    }
    .render(table, frame, t);

    let mut lines = Vec::new();
    if let Some(p) = sc.selected_provider() {
        // Every gate: the must-have criteria as well as the record's facts, each failure in full on its own line.
        let gates = sc.failed_gates(p.id, view.today);
        if gates.is_empty() {
            lines.push(Line::from(vec![
                Span::styled("Gates            ", t.dim),
                Span::styled("✓ passes every gate (must-haves and record)", t.ok),
            ]));
        }
        for (i, g) in gates.iter().enumerate() {
            let label = if i == 0 { format!("Gates failed {:<4}", gates.len()) } else { " ".repeat(17) };
            lines.push(Line::from(vec![Span::styled(label, t.dim), Span::styled(format!("✗ {g}"), t.error)]));
        }
        let scope = p.cert_scope.clone().unwrap_or_else(|| "—".into());
        lines.push(Line::from(vec![Span::styled("Certified scope  ", t.dim), Span::raw(scope)]));
        let decision = match (&p.decided_by, &p.decided_at) {
            (Some(by), Some(at)) => format!(
                "{} by {by} on {} — {}",
                p.status,
                at.replace('T', " ").chars().take(16).collect::<String>(),
                p.decision_reason.clone().unwrap_or_default()
            ),
            _ => format!(
                "{} (no decision yet; {} to select or reject)",
                p.status,
                view.key(Context::Providers, &Action::SetStatus)
            ),
        };
        lines.push(Line::from(vec![Span::styled("Decision         ", t.dim), Span::raw(decision)]));
    }
    let name = sc
        .selected_provider()
        .map(|p| format!("{} · {}", refs::label(Table::Provider, p.number), p.name))
        .unwrap_or_default();
    Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border)
                .title(Line::styled(format!(" {name} "), t.title)),
        )
        .render(detail, frame.buffer_mut());
}

const CRITERION_COLUMNS: &[Column] = &[
    Column::new("Criterion", Constraint::Fill(1)).main(),
    Column::new("Weight", Constraint::Length(6)),
    Column::new("Share", Constraint::Length(5)),
    Column::new("Must-have", Constraint::Length(9)),
    Column::new("Catalog", Constraint::Length(12)),
];

fn render_criteria(sc: &ScorecardPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let row = |i: usize| {
        let c = &sc.criteria[i];
        Row::new(vec![
            Cell::from(Span::styled(refs::label(Table::Criterion, c.number), t.dim)),
            Cell::from(c.text.clone()),
            Cell::from(format!("{:>6}", c.weight)),
            Cell::from(format!("{:>3} %", sc.percentages.get(i).copied().unwrap_or(0))),
            Cell::from(if c.must_have { Span::styled("● must", t.highlight) } else { Span::raw("") }),
            Cell::from(Span::styled(c.catalog_ref.clone().unwrap_or_else(|| "custom".into()), t.dim)),
        ])
    };
    let empty = format!("No criteria — press {} to add one", view.key(Context::Criteria, &Action::Add));
    let total: u32 = sc.criteria.iter().map(|c| c.weight).sum();
    let musts = sc.criteria.iter().filter(|c| c.must_have).count();
    DataTable {
        title: title(
            sc,
            t,
            format!(
                "· {} · weights sum to {total} · {musts} must-have",
                crate::domain::count(sc.criteria.len(), "criterion", "criteria")
            ),
            area.width,
        ),
        columns: &refs::with_ref(Table::Criterion, refs::max(sc.criteria.iter().map(|c| c.number)), CRITERION_COLUMNS),
        cursor: &sc.criterion_cursor,
        row,
        empty: &empty,
        filter: None,
        focused: true,
    }
    .render(area, frame, t);
}

fn render_grid(sc: &ScorecardPane, view: &View, area: Rect, buf: &mut Buffer) {
    let geo = sc.geometry;
    let (grid_area, ranking_area) = if geo.ranking_beside {
        let [g, r] = Layout::horizontal([Constraint::Fill(1), Constraint::Length(RANKING_W)]).areas(area);
        (g, r)
    } else {
        let [g, r] = Layout::vertical([Constraint::Fill(1), Constraint::Length(geo.ranking_h)]).areas(area);
        (g, r)
    };
    render_cells(sc, view, grid_area, buf);
    render_ranking(sc, view, ranking_area, buf);
}

fn render_cells(sc: &ScorecardPane, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let (np, nc) = (sc.providers.len(), sc.criteria.len());
    let cur = sc.cell;
    let cols = sc.geometry.cols.min(np.saturating_sub(cur.col_offset));
    let rows = sc.geometry.rows.min(nc.saturating_sub(cur.row_offset));
    let span = if np == 0 {
        String::from("· no providers")
    } else {
        format!(
            "· providers {}–{} of {np}{}{}",
            cur.col_offset + 1,
            cur.col_offset + cols,
            if cur.col_offset > 0 { " ◀" } else { "" },
            if cur.col_offset + cols < np { " ▶" } else { "" }
        )
    };
    // In score mode the mode comes first, in place of the view names, so that it is never the part cut off.
    let heading = if sc.scoring {
        Line::from(vec![
            Span::styled(" Scorecard ", t.title),
            Span::styled(
                format!(" SCORE MODE: digits write scores, {} ends ", view.key(Context::Scoring, &Action::StopScoring)),
                t.highlight,
            ),
            Span::styled(format!(" {span} "), t.dim),
        ])
    } else {
        title(sc, t, span, area.width)
    };
    let block = Block::default().borders(Borders::ALL).border_style(t.border_focus).title(heading);
    let inner = block.inner(area);
    block.render(area, buf);
    if np == 0 || nc == 0 {
        let next = view.key(Context::Grid, &Action::NextView);
        let msg = if nc == 0 {
            format!(
                "No criteria to score — {next} to the criteria view, {} to add one",
                view.key(Context::Criteria, &Action::Add)
            )
        } else {
            format!(
                "No providers to score — {next} to the providers view, {} to add one",
                view.key(Context::Providers, &Action::Add)
            )
        };
        Paragraph::new(Line::styled(msg, t.dim)).centered().render(Rect { y: inner.y + 1, ..inner }, buf);
        return;
    }
    if inner.height < 2 || inner.width <= GRID_LABEL_W {
        return;
    }
    let text_w = usize::from(GRID_LABEL_W) - 12;
    let cw = usize::from(sc.geometry.col_w);
    let x0 = inner.x + GRID_LABEL_W;
    let put = |buf: &mut Buffer, x: u16, y: u16, s: &str, w: usize, style: Style| {
        if y < inner.bottom() && x < inner.right() {
            let w = w.min(usize::from(inner.right() - x));
            buf.set_stringn(x, y, s, w, style);
        }
    };
    // header
    let head = format!("  {:<text_w$} {:>3} {:>4}", "Criterion", "Wt", "%");
    put(buf, inner.x, inner.y, &head, usize::from(GRID_LABEL_W), t.header);
    for j in 0..cols {
        let p = cur.col_offset + j;
        let style = if p == cur.col { t.selected } else { t.header };
        let name = truncate(&sc.providers[p].name, cw - 1);
        put(buf, x0 + (j * cw) as u16, inner.y, &format!("{name:^w$}", w = cw - 1), cw - 1, style);
    }
    crate::widgets::table_view::record(crate::app::DrawnRows {
        rows: Rect { y: inner.y + 1, height: rows as u16, ..inner },
        offset: cur.row_offset,
        len: nc,
        cols: (0..cols).map(|j| (x0 + (j * cw) as u16, (cw - 1) as u16)).collect(),
    });
    // criteria rows
    for i in 0..rows {
        let c_idx = cur.row_offset + i;
        let c = &sc.criteria[c_idx];
        let y = inner.y + 1 + i as u16;
        let mark = if c.must_have { "●" } else { " " };
        let label = format!(
            "{mark} {:<text_w$} {:>3} {:>3}%",
            truncate(&c.text, text_w),
            c.weight,
            sc.percentages.get(c_idx).copied().unwrap_or(0)
        );
        let label_style = if c_idx == cur.row { t.title } else { t.base };
        put(buf, inner.x, y, &label, usize::from(GRID_LABEL_W), label_style);
        for j in 0..cols {
            let p = cur.col_offset + j;
            let score = sc.score_at(p, c_idx);
            let note = sc.note_at(p, c_idx).is_some();
            let fails = c.must_have && score.is_none_or(|s| s < MUST_HAVE_PASS);
            let text = match score {
                Some(s) => format!("{s}{}{}", if fails { "!" } else { "" }, if note { "*" } else { "" }),
                None => format!("·{}", if fails { "!" } else { "" }),
            };
            let style = if p == cur.col && c_idx == cur.row {
                t.selected
            } else if fails {
                t.error
            } else if score.is_none() {
                t.dim
            } else {
                t.base
            };
            put(buf, x0 + (j * cw) as u16, y, &format!("{text:^w$}", w = cw - 1), cw - 1, style);
        }
    }
    // footer: totals and gates
    let y_total = inner.y + 1 + rows as u16;
    put(
        buf,
        inner.x,
        y_total,
        &format!("  {:<w$}", "Total /100", w = usize::from(GRID_LABEL_W) - 2),
        usize::from(GRID_LABEL_W),
        t.header,
    );
    put(
        buf,
        inner.x,
        y_total + 1,
        &format!("  {:<w$}", "Gates", w = usize::from(GRID_LABEL_W) - 2),
        usize::from(GRID_LABEL_W),
        t.header,
    );
    for j in 0..cols {
        let p = cur.col_offset + j;
        let (total, passes) = sc.totals.get(p).copied().unwrap_or((0.0, false));
        let x = x0 + (j * cw) as u16;
        put(buf, x, y_total, &format!("{:^w$}", format!("{total:.1}"), w = cw - 1), cw - 1, t.base);
        let (g, style) = if passes { ("✓ pass", t.ok) } else { ("✗ fail", t.error) };
        put(buf, x, y_total + 1, &format!("{g:^w$}", w = cw - 1), cw - 1, style);
    }
    // the cell under the cursor, in full
    if let (Some(p), Some(c)) = (sc.providers.get(cur.col), sc.criteria.get(cur.row)) {
        let score = sc.score_at(cur.col, cur.row).map_or("unscored".to_string(), |s| format!("{s}/5"));
        let note = sc.note_at(cur.col, cur.row).map(|n| format!(" — {n}")).unwrap_or_default();
        let line = Line::from(vec![
            Span::styled(format!(" {} ", p.name), t.title),
            Span::raw(format!("on “{}”: {score}{note}", c.text)),
            Span::styled(
                if sc.scoring {
                    format!(
                        "   {}–{} score and move down",
                        view.key(Context::Scoring, &Action::Score0),
                        view.key(Context::Scoring, &Action::Score5)
                    )
                } else {
                    format!("   {}: score mode", view.key(Context::Grid, &Action::StartScoring))
                },
                t.dim,
            ),
        ]);
        line.render(Rect { y: y_total + 2, height: 1, ..inner }.intersection(inner), buf);
    }
}

fn render_ranking(sc: &ScorecardPane, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block = Block::default().borders(Borders::ALL).border_style(t.border).title(Line::styled(" Ranking ", t.title));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height == 0 {
        return;
    }
    let sens_style = match sc.sensitivity.robustness {
        Robustness::Fragile => t.warn,
        Robustness::Robust => t.ok,
        Robustness::NotApplicable => t.dim,
    };
    let w = usize::from(inner.width);
    let mut lines: Vec<Line> =
        crate::text::wrap(&sc.sensitivity_line(), w).into_iter().map(|l| Line::styled(l, sens_style)).collect();
    let name_w = w.saturating_sub(26).max(6);
    lines.push(Line::styled(
        format!(" # {:<name_w$} {:>5}  {:<6} {:>8}", "Provider", "/100", "Gates", "Unscored"),
        t.header,
    ));
    let budget = usize::from(inner.height);
    let mut shown_fail_divider = false;
    for r in &sc.ranking {
        if lines.len() >= budget {
            break;
        }
        if !r.passes && !shown_fail_divider && sc.ranking.iter().any(|x| x.passes) {
            shown_fail_divider = true;
            lines.push(Line::styled(format!("{:─^w$}", " failed a gate — ranked below "), t.dim));
        }
        let (gate, style) = if r.passes { ("✓ pass", t.ok) } else { ("✗ fail", t.error) };
        lines.push(Line::from(vec![
            Span::raw(format!("{:>2} {:<name_w$} {:>5.1}  ", r.rank, truncate(&r.name, name_w), r.total)),
            Span::styled(format!("{gate:<6}"), style),
            Span::raw(format!(" {:>8}", r.unscored)),
        ]));
        if !r.passes {
            let mut why: Vec<String> = r.failed_must_haves.iter().map(|(_, n)| format!("must-have “{n}”")).collect();
            why.extend(r.gate_failures.iter().cloned());
            lines.push(Line::styled(truncate(&format!("   ✗ {}", why.join("; ")), w), t.error));
        }
    }
    lines.truncate(budget);
    Paragraph::new(lines).render(inner, buf);
}
