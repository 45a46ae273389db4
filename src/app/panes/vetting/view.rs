//! The Vetting tab: the checks grid of one provider's team with its warnings, a member shown whole, the roster's
//! changes and the role pairs kept apart.
//!
//! Everything drawn here was computed in the pane after the last load or write; the grid draws only the member rows
//! on screen.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Widget, Wrap};

use super::{VET_STRIP, VetRow, VetView, VettingPane};
use crate::app::pane::View;
use crate::app::panes::refs;
use crate::domain::DateStyle;
use crate::domain::vetting::{CheckKind, CheckOutcome, CheckStatus, Clearance, VettingCheck, is_sensitive};
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::theme::Theme;
use crate::widgets::table_view::{Column, DataTable, DrawnRows};
use crate::widgets::truncate;

/// Width of one check column.
pub const CHECK_W: u16 = 6;
/// Width of the Cleared column.
const CLEARED_W: u16 = 9;

pub fn render(pane: &VettingPane, view: &View, area: Rect, frame: &mut Frame) {
    if pane.detail.is_some() {
        render_detail(pane, view, area, frame.buffer_mut());
        return;
    }
    match pane.view {
        VetView::Grid => {
            let [grid, strip] = Layout::vertical([Constraint::Fill(1), Constraint::Length(VET_STRIP)]).areas(area);
            render_grid(pane, view, grid, frame.buffer_mut());
            render_warnings(pane, view.theme, strip, frame.buffer_mut());
        }
        VetView::Roster => render_roster(pane, view, area, frame),
        VetView::Conflicts => render_conflicts(pane, view, area, frame),
    }
}

/// The block title: the views with the shown one marked, the provider, and its clearance.
/// On a narrow terminal the other views' names give way, so that the provider and its clearance stay readable.
fn title<'a>(pane: &VettingPane, t: &Theme, width: u16) -> Line<'a> {
    let full = title_with(pane, t, true);
    if full.width() + 2 > usize::from(width) { title_with(pane, t, false) } else { full }
}

/// The grid's title, with the find when one is typed or narrows the members.
/// The find goes after the view's name, before the provider and its figures, so that it is never cut off.
fn grid_title<'a>(pane: &VettingPane, view: &View, width: u16) -> Line<'a> {
    if !pane.find.is_active() {
        return title(pane, view.theme, width);
    }
    let mut line = title_with(pane, view.theme, false);
    let clear = view.key(Context::Vetting, &Action::Cancel);
    let find = pane.find.title_spans(pane.visible.len(), pane.rows.len(), &clear, view.theme);
    let at = line.spans.len().min(2);
    line.spans.splice(at..at, std::iter::once(Span::raw(" ")).chain(find));
    line
}

fn title_with<'a>(pane: &VettingPane, t: &Theme, all_views: bool) -> Line<'a> {
    let mut spans = vec![Span::styled(" Vetting ", t.title)];
    for v in [VetView::Grid, VetView::Roster, VetView::Conflicts] {
        if v == pane.view {
            spans.push(Span::styled(format!("[{}]", v.title()), t.tab_active));
        } else if all_views {
            spans.push(Span::styled(format!(" {} ", v.title()), t.dim));
        }
    }
    if pane.providers.is_empty() {
        spans.push(Span::styled(" · no providers ", t.dim));
        return Line::from(spans);
    }
    spans.push(Span::styled(
        format!(" · {} ({}/{}) ", pane.provider_name(), pane.provider + 1, pane.providers.len()),
        t.title,
    ));
    let team = pane.team;
    let style = match team.percent() {
        Some(100) => t.ok,
        _ if team.failed > 0 => t.error,
        _ => t.warn,
    };
    spans.push(Span::styled(format!("· {} ", team.summary()), style));
    if team.failed > 0 {
        spans.push(Span::styled(format!("· ✗ {} failed ", team.failed), t.error));
    }
    Line::from(spans)
}

/// What a check cell shows: the status mark, the count for references, and `!` when a recorded answer does not
/// count (references below two, a waiver with no reason, …). Readable without colour.
pub fn cell_text(kind: CheckKind, check: Option<&VettingCheck>) -> String {
    let Some(c) = check else { return "·".to_string() };
    let mut s = c.status.mark().to_string();
    if kind == CheckKind::References
        && let Some(n) = c.reference_count
    {
        s.push_str(&format!(" {n}"));
    }
    if c.status != CheckStatus::Pending && matches!(c.outcome(kind), CheckOutcome::Open(_)) {
        s.push('!');
    }
    s
}

/// A check cell of the grid, `CHECK_W` wide: the mark always in the same place, whatever follows it (a count, a
/// `!`), so that the marks of a column line up; a count too long to fit loses its space first.
pub fn grid_cell(text: &str) -> String {
    let w = usize::from(CHECK_W);
    let mut text = text.to_string();
    if text.chars().count() + 1 > w {
        text = text.replacen(' ', "", 1);
    }
    let lead = if text.chars().count() < w { " " } else { "" };
    let cell = format!("{lead}{text:<w$}");
    cell.chars().take(w).collect()
}

fn cell_style(kind: CheckKind, check: Option<&VettingCheck>, t: &Theme) -> Style {
    let Some(c) = check else { return t.dim };
    match (c.status, c.outcome(kind)) {
        (CheckStatus::Pending, _) => t.dim,
        (CheckStatus::Failed, _) => t.error,
        (_, CheckOutcome::Open(_)) => t.warn,
        (CheckStatus::Passed, _) => t.ok,
        _ => t.base,
    }
}

fn clearance_span(c: Clearance, t: &Theme) -> (String, Style) {
    match c {
        Clearance::Cleared => ("✓ yes".into(), t.ok),
        Clearance::Failed => ("✗ failed".into(), t.error),
        Clearance::Open(n) => (format!("· {n} open"), t.dim),
        Clearance::Left => ("– left".into(), t.dim),
    }
}

/// The narrowest the member column gets while the terminal is at least 80 columns wide.
pub const MIN_NAME_W: u16 = 24;

/// The narrowest the role column is shown: enough for "Developer" less a letter.
const MIN_ROLE_W: u16 = 8;

/// The member and role column widths for an inner width, and the gap between check cells, the member column needing
/// `least` (`MIN_NAME_W` and room for the reference). Narrow terminals give up the role column first, then the gaps,
/// so that names keep `least` columns; wide ones give the room to both.
fn name_widths(inner_w: u16, least: u16) -> (u16, u16, u16) {
    let checks = CheckKind::ALL.len() as u16;
    let rest = inner_w.saturating_sub((CHECK_W + 1) * checks + CLEARED_W + 2);
    if rest >= least + MIN_ROLE_W {
        let name = (rest * 11 / 20).max(least);
        return (name, rest - name, 1);
    }
    let rest = inner_w.saturating_sub((CHECK_W + 1) * checks + CLEARED_W + 1);
    if rest >= least {
        return (rest, 0, 1);
    }
    (inner_w.saturating_sub(CHECK_W * checks + CLEARED_W + 1).max(5), 0, 0)
}

fn render_grid(pane: &VettingPane, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let block =
        Block::default().borders(Borders::ALL).border_style(t.border_focus).title(grid_title(pane, view, area.width));
    let inner = block.inner(area);
    block.render(area, buf);
    if inner.height < 3 {
        return;
    }
    let empty = if pane.providers.is_empty() {
        Some("No providers yet — add the candidates on the Scorecard tab, then vet their teams here".to_string())
    } else if pane.rows.is_empty() {
        Some(format!(
            "No team members recorded for this provider — press {} to add the first",
            view.key(Context::Vetting, &Action::Add)
        ))
    } else if pane.visible.is_empty() {
        Some(format!(
            "No member contains this text ({} clears the filter)",
            view.key(Context::Vetting, &Action::Cancel)
        ))
    } else {
        None
    };
    // Each member's reference before the name, in a column as wide as the longest, where the name keeps
    // `MIN_NAME_W` beside it; on a narrower grid the reference gives way (the line under the grid still has it).
    let full_ref = refs::width(Table::TeamMember, refs::max(pane.rows.iter().map(|r| r.member.number)));
    let (name_w, role_w, gap) = name_widths(inner.width, MIN_NAME_W + full_ref + 1);
    let ref_w = if name_w > MIN_NAME_W + full_ref { full_ref } else { 0 };
    let put = |buf: &mut Buffer, x: u16, y: u16, s: &str, w: u16, style: Style| {
        if y < inner.bottom() && x < inner.right() {
            let w = w.min(inner.right() - x);
            buf.set_stringn(x, y, s, usize::from(w), style);
        }
    };
    let x_role = inner.x + name_w + 1;
    let x_name = if ref_w > 0 { inner.x + ref_w + 1 } else { inner.x };
    let text_w = if ref_w > 0 { name_w - ref_w - 1 } else { name_w };
    let x_checks = if role_w > 0 { x_role + role_w + 1 } else { x_role };
    let x_cleared = x_checks + (CHECK_W + gap) * CheckKind::ALL.len() as u16;
    // header
    let head_style = |col: usize| if col == pane.col && empty.is_none() { t.selected } else { t.header };
    let member_head =
        if ref_w > 0 { format!("{:<r$} Member", refs::HEADER, r = usize::from(ref_w)) } else { "Member".to_string() };
    put(buf, inner.x, inner.y, &format!("{member_head:<w$}", w = usize::from(name_w)), name_w, head_style(0));
    if role_w > 0 {
        put(buf, x_role, inner.y, &format!("{:<w$}", "Role", w = usize::from(role_w)), role_w, t.header);
    }
    for (j, kind) in CheckKind::ALL.iter().enumerate() {
        let x = x_checks + j as u16 * (CHECK_W + gap);
        put(buf, x, inner.y, &grid_cell(kind.short()), CHECK_W, head_style(j + 1));
    }
    put(buf, x_cleared, inner.y, &format!("{:<w$}", "Cleared", w = usize::from(CLEARED_W)), CLEARED_W, t.header);
    if let Some(msg) = &empty {
        Paragraph::new(Line::styled(msg.as_str(), t.dim))
            .centered()
            .wrap(Wrap { trim: true })
            .render(Rect { y: inner.y + 2, height: inner.height.saturating_sub(2), ..inner }, buf);
        return;
    }
    let rows_h = inner.height.saturating_sub(2);
    let mut cols = vec![(inner.x, name_w)];
    cols.extend((0..CheckKind::ALL.len() as u16).map(|j| (x_checks + j * (CHECK_W + gap), CHECK_W)));
    crate::widgets::table_view::record(DrawnRows {
        rows: Rect { y: inner.y + 1, height: rows_h, ..inner },
        offset: pane.cursor.offset,
        len: pane.cursor.len,
        cols,
    });
    for (line, i) in pane.cursor.visible().enumerate() {
        if line as u16 >= rows_h {
            break;
        }
        let y = inner.y + 1 + line as u16;
        let Some(row) = pane.visible.get(i).and_then(|&n| pane.rows.get(n)) else { break };
        let selected = i == pane.cursor.selected;
        let left = row.clearance == Clearance::Left;
        let name = if left { format!("{} (left)", row.member.name) } else { row.member.name.clone() };
        let name_style = match (selected, pane.col == 0, left) {
            (true, true, _) => t.selected,
            (true, false, _) => t.title,
            (false, _, true) => t.dim,
            _ => t.base,
        };
        if ref_w > 0 {
            let reference = refs::label(Table::TeamMember, row.member.number);
            let ref_style = if selected && pane.col == 0 { t.selected } else { t.dim };
            put(buf, inner.x, y, &format!("{reference:<w$} ", w = usize::from(ref_w)), ref_w + 1, ref_style);
        }
        put(buf, x_name, y, &truncate(&name, usize::from(text_w)), text_w, name_style);
        let role = row.member.role.as_deref().unwrap_or("");
        if role_w > 0 {
            put(buf, x_role, y, &truncate(role, usize::from(role_w)), role_w, if left { t.dim } else { t.base });
        }
        for (j, kind) in CheckKind::ALL.iter().enumerate() {
            let check = row.checks[j].as_ref();
            let text = cell_text(*kind, check);
            let style = if selected && pane.col == j + 1 { t.selected } else { cell_style(*kind, check, t) };
            let x = x_checks + j as u16 * (CHECK_W + gap);
            put(buf, x, y, &grid_cell(&text), CHECK_W, style);
        }
        let (text, style) = clearance_span(row.clearance, t);
        put(buf, x_cleared, y, &text, CLEARED_W, style);
    }
    if let Some(row) = pane.selected() {
        let y = inner.bottom() - 1;
        cell_line(pane, t, view.dates, row).render(Rect { y, height: 1, ..inner }, buf);
    }
}

/// The line under the grid: the member, or the check under the cursor, in full.
fn cell_line<'a>(pane: &VettingPane, t: &Theme, dates: DateStyle, row: &VetRow) -> Line<'a> {
    let m = &row.member;
    let Some(kind) = pane.kind() else {
        let mut parts = vec![m.role.clone().unwrap_or_else(|| "no role".into())];
        if let Some(b) = &row.backs_up {
            parts.push(format!("backs up {b}"));
        }
        if let Some(j) = &m.joined {
            parts.push(format!("joined {}", dates.show(j)));
        }
        if let Some(l) = &m.left_on {
            parts.push(format!("left {}", dates.show(l)));
        }
        let who = format!(" {} {} ", refs::label(Table::TeamMember, m.number), m.name);
        return Line::from(vec![Span::styled(who, t.title), Span::raw(parts.join(" · "))]);
    };
    let check = row.checks[kind.index()].as_ref();
    let mut spans = vec![Span::styled(format!(" {} · {}: ", m.name, kind.label()), t.title)];
    let Some(c) = check else {
        spans.push(Span::styled("pending, nothing recorded", t.dim));
        return Line::from(spans);
    };
    let mut parts = vec![c.status.label().to_string()];
    if let Some(d) = &c.checked_on {
        parts.push(dates.show(d));
    }
    if let Some(v) = &c.verifier {
        parts.push(format!("by {v}"));
    }
    if let Some(n) = c.reference_count {
        parts.push(format!("{n} reference{}", if n == 1 { "" } else { "s" }));
    }
    if let Some(e) = &c.evidence {
        parts.push(format!("evidence: {e}"));
    }
    match &c.note {
        Some(n) if !n.trim().is_empty() && is_sensitive(kind) => {
            parts.push("note: private, shown in the member".into())
        }
        Some(n) if !n.trim().is_empty() => parts.push(format!("note: {n}")),
        _ => {}
    }
    spans.push(Span::raw(parts.join(" · ")));
    if let CheckOutcome::Open(why) = c.outcome(kind)
        && c.status != CheckStatus::Pending
    {
        spans.push(Span::styled(format!("  ! not counted: {why}"), t.warn));
    }
    Line::from(spans)
}

fn render_warnings(pane: &VettingPane, t: &Theme, area: Rect, buf: &mut Buffer) {
    let n = pane.warnings.len();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(t.border)
        .title(Line::styled(format!(" Warnings ({n}) "), if n > 0 { t.warn } else { t.title }));
    let inner = block.inner(area);
    block.render(area, buf);
    let room = usize::from(inner.height);
    if room == 0 || pane.providers.is_empty() {
        return;
    }
    let w = usize::from(inner.width);
    let lines: Vec<Line> = if n == 0 {
        vec![Line::styled(
            "✓ none: every role has a backup, no backup loops, no leaver holds assets or access, no conflicting roles",
            t.ok,
        )]
    } else {
        let shown = if n > room { room - 1 } else { n };
        let mut lines: Vec<Line> =
            pane.warnings.iter().take(shown).map(|x| Line::styled(truncate(&format!("! {x}"), w), t.warn)).collect();
        if n > shown {
            lines.push(Line::styled(format!("… and {} more", n - shown), t.dim));
        }
        lines
    };
    Paragraph::new(lines).render(inner, buf);
}

fn render_detail(pane: &VettingPane, view: &View, area: Rect, buf: &mut Buffer) {
    let t = view.theme;
    let Some(d) = &pane.detail else { return };
    let Some(row) = pane.row_of(d.member) else { return };
    let m = &row.member;
    let (cleared, cleared_style) = clearance_span(row.clearance, t);
    let reference = refs::label(Table::TeamMember, m.number);
    let block = Block::default().borders(Borders::ALL).border_style(t.border_focus).title(Line::from(vec![
        Span::styled(format!(" {reference} {} ", m.name), t.title),
        Span::styled(format!("of {} — ", pane.provider_name()), t.dim),
        Span::styled(format!("{cleared} "), cleared_style),
    ]));
    let label = |s: &str| Span::styled(format!("{s:<14}"), t.dim);
    let or_dash = |o: &Option<String>| o.clone().unwrap_or_else(|| "—".into());
    let mut lines = vec![
        Line::from(vec![label("Reference"), Span::raw(reference.clone())]),
        Line::from(vec![label("UUID"), Span::raw(d.uuid.clone())]),
        Line::from(vec![label("Role"), Span::raw(or_dash(&m.role))]),
        Line::from(vec![label("Backs up"), Span::raw(or_dash(&row.backs_up))]),
    ];
    let backed_by: Vec<&str> = pane
        .rows
        .iter()
        .filter(|r| r.member.backup_for == Some(m.id) && r.member.id != m.id)
        .map(|r| r.member.name.as_str())
        .collect();
    lines.push(Line::from(vec![
        label("Backed up by"),
        if backed_by.is_empty() { Span::styled("no one", t.warn) } else { Span::raw(backed_by.join(", ")) },
    ]));
    lines.push(Line::from(vec![
        label("Joined"),
        Span::raw(view.dates.show(&or_dash(&m.joined))),
        Span::styled("   Left ", t.dim),
        Span::raw(view.dates.show(&or_dash(&m.left_on))),
    ]));
    let h = pane.holdings.get(&m.id).copied().unwrap_or_default();
    if h.assets > 0 || h.grants > 0 {
        let style = if row.clearance == Clearance::Left { t.error } else { t.base };
        lines.push(Line::from(vec![
            label("Holds"),
            Span::styled(format!("{} asset(s) not returned, {} active access grant(s)", h.assets, h.grants), style),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!("{:<16} {:<7} {:<22} {:<11} {:<18} {}", "Check", "Mark", "Status", "Date", "Verifier", "Evidence"),
        t.header,
    ));
    let reveal_key = view.key(Context::VettingMember, &Action::Reveal);
    for kind in CheckKind::ALL {
        let c = row.checks[kind.index()].clone().unwrap_or_default();
        let recorded = row.checks[kind.index()].is_some();
        let mark = cell_text(kind, recorded.then_some(&c));
        let style = cell_style(kind, recorded.then_some(&c), t);
        let status = match (c.status, kind == CheckKind::References, c.reference_count) {
            (s, true, Some(n)) => format!("{} ({n} ref.)", s.label()),
            (s, _, _) => s.label().to_string(),
        };
        lines.push(Line::from(vec![
            Span::raw(format!("{:<16} ", kind.short_label())),
            Span::styled(format!("{mark:<7} "), style),
            Span::raw(format!(
                "{:<22} {:<11} {:<18} {}",
                status,
                view.dates.show(&or_dash(&c.checked_on)),
                truncate(&or_dash(&c.verifier), 18),
                or_dash(&c.evidence)
            )),
        ]));
        if let CheckOutcome::Open(why) = c.outcome(kind)
            && c.status != CheckStatus::Pending
        {
            lines.push(Line::styled(format!("{:17}! not counted: {why}", ""), t.warn));
        }
        match &c.note {
            Some(n) if !n.trim().is_empty() => {
                if is_sensitive(kind) && !d.revealed {
                    lines.push(Line::from(vec![
                        Span::raw(format!("{:17}note: ", "")),
                        Span::styled(format!("hidden — press {reveal_key} to reveal"), t.highlight),
                    ]));
                } else {
                    let private = if is_sensitive(kind) { " (private)" } else { "" };
                    lines.push(Line::raw(format!("{:17}note{private}: {n}", "")));
                }
            }
            _ => {}
        }
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Roster history (from the audit log)", t.header));
    let mut any = false;
    for e in pane.history_of(m.id) {
        any = true;
        lines.push(roster_line(e));
    }
    if !any {
        lines.push(Line::styled("no recorded changes", t.dim));
    }
    for (name, text) in &d.about {
        lines.push(Line::from(vec![label(name), Span::raw(text.clone())]));
    }
    Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((d.scroll, 0)).block(block).render(area, buf);
}

fn roster_line<'a>(e: &crate::domain::vetting::RosterEvent) -> Line<'a> {
    let late = e.late_by.map(|d| format!(" (recorded {d} d after it took effect)")).unwrap_or_default();
    Line::raw(format!("{}  {}{late}", e.recorded, e.text))
}

const ROSTER_COLUMNS: &[Column] = &[
    Column::new("Recorded", Constraint::Length(10)),
    Column::new("Member", Constraint::Fill(2)).main(),
    Column::new("Change", Constraint::Fill(2)),
    Column::new("Late by", Constraint::Length(8)),
];

fn render_roster(pane: &VettingPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let row = |i: usize| {
        let e = &pane.roster[i];
        Row::new(vec![
            Cell::from(view.dates.show(&e.recorded)),
            Cell::from(e.member.clone()),
            Cell::from(e.text.clone()),
            Cell::from(Span::styled(
                e.late_by.map(|d| format!("{d} d")).unwrap_or_default(),
                if e.late_by.is_some_and(|d| d > 7) { t.warn } else { t.base },
            )),
        ])
    };
    DataTable {
        title: title(pane, t, area.width),
        columns: ROSTER_COLUMNS,
        cursor: &pane.roster_cursor,
        row,
        empty: "No roster changes recorded for this provider",
        filter: None,
        focused: true,
    }
    .render(area, frame, t);
}

const CONFLICT_COLUMNS: &[Column] = &[
    Column::new("Role", Constraint::Fill(1)).main(),
    Column::new("Must not be held with", Constraint::Fill(1)),
    Column::new("Why", Constraint::Fill(1)),
];

fn render_conflicts(pane: &VettingPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let empty = format!(
        "No role pairs defined — press {} to name two roles one person must not hold together",
        view.key(Context::RoleConflicts, &Action::Add)
    );
    let row = |i: usize| {
        let c = &pane.conflicts[i];
        Row::new(vec![
            Cell::from(Span::styled(refs::label(Table::RoleConflict, c.number), t.dim)),
            Cell::from(c.role_a.clone()),
            Cell::from(c.role_b.clone()),
            Cell::from(c.reason.clone().unwrap_or_default()),
        ])
    };
    DataTable {
        title: title(pane, t, area.width),
        columns: &refs::with_ref(
            Table::RoleConflict,
            refs::max(pane.conflicts.iter().map(|c| c.number)),
            CONFLICT_COLUMNS,
        ),
        cursor: &pane.conflict_cursor,
        row,
        empty: &empty,
        filter: None,
        focused: true,
    }
    .render(area, frame, t);
}
