//! The Assets tab: the asset table, the access grants, and the exit close-out.
//!
//! States, counts and blockers were computed in the pane when the data changed; a frame formats only the rows on
//! screen. Every state is drawn with a symbol and a word; colour only adds to them.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Paragraph, Row, Widget, Wrap};

use super::{ASSET_SUMMARY_LINES, AssetPane, AssetView, QuickFilter};
use crate::app::pane::View;
use crate::app::panes::refs;
use crate::domain::assets::{AssetState, GrantState};
use crate::domain::plural;
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::theme::Theme;
use crate::widgets::table_view::{Column, DataTable};

const ASSET_COLUMNS: &[Column] = &[
    Column::new("Tag", Constraint::Length(13)),
    Column::new("Description", Constraint::Fill(2)).main(),
    Column::new("Kind", Constraint::Length(8)),
    Column::new("Class", Constraint::Length(12)).gives_way(2),
    Column::new("Holder", Constraint::Fill(1)),
    Column::new("Handed over", Constraint::Length(11)).gives_way(3),
    Column::new("Accepted by", Constraint::Fill(1)).gives_way(1),
    Column::new("Expected", Constraint::Length(11)),
    Column::new("State", Constraint::Length(13)),
];

/// Below this width the class and acceptance columns give way to the description and the holder.
const WIDE: u16 = 120;

/// The columns on a narrow screen: no class, no acceptance.
const NARROW_COLUMNS: &[Column] = &[
    Column::new("Tag", Constraint::Length(13)),
    Column::new("Description", Constraint::Fill(3)).main(),
    Column::new("Kind", Constraint::Length(8)).gives_way(4),
    Column::new("Holder", Constraint::Fill(1)),
    Column::new("Handed over", Constraint::Length(11)).gives_way(3),
    Column::new("Expected", Constraint::Length(11)),
    Column::new("State", Constraint::Length(13)),
];

/// The holder takes a little more than the verifier, so that a leaver's mark still shows beside the reference column,
/// and little enough that what the access is to keeps its 24 columns at 80.
const GRANT_COLUMNS: &[Column] = &[
    Column::new("Holder", Constraint::Fill(5)),
    Column::new("Access to", Constraint::Fill(9)).main(),
    Column::new("Kind", Constraint::Length(8)).gives_way(3),
    Column::new("Granted", Constraint::Length(10)).gives_way(2),
    Column::new("Revoked", Constraint::Length(10)),
    Column::new("Verified by", Constraint::Fill(4)).gives_way(1),
    Column::new("State", Constraint::Length(21)),
];

/// The style that goes with an asset state (the symbol and word carry the meaning).
pub fn asset_style(t: &Theme, s: AssetState) -> Style {
    match s {
        AssetState::Unaccounted => t.error,
        AssetState::Overdue => t.warn,
        AssetState::WithHolder => t.base,
        AssetState::NotIssued => t.dim,
        AssetState::Returned | AssetState::Destroyed => t.ok,
    }
}

fn grant_style(t: &Theme, s: GrantState) -> Style {
    match s {
        GrantState::Active => t.warn,
        GrantState::RevokedUnverified => t.error,
        GrantState::Revoked => t.ok,
    }
}

pub fn render(p: &AssetPane, view: &View, area: Rect, frame: &mut Frame) {
    let [top, body] =
        Layout::vertical([Constraint::Length(ASSET_SUMMARY_LINES as u16), Constraint::Fill(1)]).areas(area);
    render_views(p, view, top, frame);
    match p.view {
        AssetView::Assets => render_assets(p, view, body, frame),
        AssetView::Access => render_grants(p, view, body, frame),
        AssetView::CloseOut => render_closeout(p, view, body, frame),
    }
}

/// The view switcher with the headline figures of each view.
fn render_views(p: &AssetPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let tab = |name: &str, on: bool| {
        if on { Span::styled(format!("[{name}]"), t.tab_active) } else { Span::styled(format!(" {name} "), t.tab) }
    };
    let active = p.grant_states.iter().filter(|s| s.is_outstanding()).count();
    let spans = vec![
        tab(&format!("Assets {}", p.all.len()), p.view == AssetView::Assets),
        Span::raw(" "),
        tab(&format!("Access {} · {active} not removed", p.grants.len()), p.view == AssetView::Access),
        Span::raw(" "),
        tab(&format!("Close-out {} blocking", p.blockers.total()), p.view == AssetView::CloseOut),
        Span::styled(format!("  {} switches", view.key(p.view_context(), &Action::NextView)), t.dim),
    ];
    Line::from(spans).render(area, frame.buffer_mut());
}

fn opt(s: &Option<String>) -> &str {
    s.as_deref().unwrap_or("")
}

fn render_assets(p: &AssetPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let mut title = vec![Span::styled(" Assets ", t.title), Span::styled(format!("{} ", p.all.len()), t.dim)];
    for (state, style) in [
        (AssetState::Overdue, t.warn),
        (AssetState::Unaccounted, t.error),
        (AssetState::WithHolder, t.base),
        (AssetState::Returned, t.ok),
        (AssetState::Destroyed, t.ok),
    ] {
        let n = p.count(state);
        title.push(Span::styled(format!("· {n} {} ", state.text()), if n > 0 { style } else { t.dim }));
    }
    if p.quick != QuickFilter::All || !p.filter.value().is_empty() {
        title.push(Span::styled(format!("· showing {} {} ", p.visible.len(), p.quick.label()), t.highlight));
    }
    let wide = area.width >= WIDE;
    let columns = refs::with_ref(Table::Asset, p.ref_max.0, if wide { ASSET_COLUMNS } else { NARROW_COLUMNS });
    let row = |n: usize| {
        let i = p.visible[n];
        let (a, s) = (&p.all[i], p.states[i]);
        let late = p.overdue[i];
        let mut cells = vec![
            Cell::from(Span::styled(refs::label(Table::Asset, a.number), t.dim)),
            Cell::from(a.tag.as_str()),
            Cell::from(opt(&a.description)),
            Cell::from(a.kind.replace('_', " ")),
        ];
        if wide {
            cells.push(Cell::from(opt(&a.classification)));
        }
        cells.push(holder_cell(
            t,
            a.holder_name.as_deref(),
            p.holder_left.get(i).cloned().flatten(),
            s.is_outstanding(),
        ));
        cells.push(Cell::from(view.dates.show(opt(&a.handed_over))));
        if wide {
            cells.push(Cell::from(opt(&a.accepted_by)));
        }
        cells.extend([
            Cell::from(Span::styled(
                format!("{}{}", view.dates.show(opt(&a.expected_return)), if late { "!" } else { "" }),
                if late { t.warn } else { t.base },
            )),
            Cell::from(Span::styled(s.text(), asset_style(t, s))),
        ]);
        Row::new(cells)
    };
    let filter = (p.filtering || !p.filter.value().is_empty()).then(|| {
        Line::from(vec![
            Span::styled("Filter (reference, tag, description, holder): ", t.dim),
            Span::styled(p.filter.value(), t.highlight),
            Span::styled(if p.filtering { "▏" } else { "" }, t.highlight),
        ])
    });
    let key = |a: Action| view.key(Context::Assets, &a);
    let empty = if p.all.is_empty() {
        format!("No assets recorded — {} adds one, {} adds a series", key(Action::Add), key(Action::RapidAdd))
    } else {
        format!("No asset matches the filters ({} clears them)", key(Action::Cancel))
    };
    DataTable {
        title: Line::from(title),
        columns: &columns,
        cursor: &p.cursor,
        row,
        empty: &empty,
        filter,
        focused: true,
    }
    .render(area, frame, t);
}

/// The holder's name, marked (and, while the item is still out, coloured as a warning) when they have left.
fn holder_cell<'a>(t: &Theme, name: Option<&'a str>, left: Option<String>, out: bool) -> Cell<'a> {
    let name = name.unwrap_or("—");
    match left {
        Some(on) => Cell::from(Span::styled(format!("⚠ {name} (left {on})"), if out { t.error } else { t.dim })),
        None => Cell::from(name),
    }
}

fn render_grants(p: &AssetPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let count = |s: GrantState| p.grant_states.iter().filter(|x| **x == s).count();
    let mut title = vec![Span::styled(" Access grants ", t.title), Span::styled(format!("{} ", p.grants.len()), t.dim)];
    // The find comes first, so that a narrow terminal cuts off the counts rather than it.
    let clear = view.key(Context::Access, &Action::Cancel);
    title.extend(p.grant_find.title_spans(p.grant_visible.len(), p.grants.len(), &clear, t));
    for (s, style) in
        [(GrantState::Active, t.warn), (GrantState::RevokedUnverified, t.error), (GrantState::Revoked, t.ok)]
    {
        let n = count(s);
        title.push(Span::styled(format!("· {n} {} ", s.text()), if n > 0 { style } else { t.dim }));
    }
    let row = |n: usize| {
        let i = p.grant_visible[n];
        let (g, s) = (&p.grants[i], p.grant_states[i]);
        let holder = if g.is_outside() {
            Cell::from(format!("{} (outside)", g.holder_name.as_deref().unwrap_or("—")))
        } else {
            holder_cell(t, g.holder_name.as_deref(), p.grant_holder_left.get(i).cloned().flatten(), s.is_outstanding())
        };
        Row::new(vec![
            Cell::from(Span::styled(refs::label(Table::AccessGrant, g.number), t.dim)),
            holder,
            Cell::from(g.target.as_str()),
            Cell::from(g.kind.as_str()),
            Cell::from(view.dates.show(opt(&g.granted_on))),
            Cell::from(view.dates.show(opt(&g.revoked_on))),
            Cell::from(opt(&g.verified_by)),
            Cell::from(Span::styled(s.text(), grant_style(t, s))),
        ])
    };
    DataTable {
        title: Line::from(title),
        columns: &refs::with_ref(Table::AccessGrant, p.ref_max.1, GRANT_COLUMNS),
        cursor: &p.grant_cursor,
        row,
        empty: &if p.grants.is_empty() {
            format!(
                "No access granted — {} records an account, a badge, a key or an area",
                view.key(Context::Access, &Action::Add)
            )
        } else {
            format!("No grant contains this text ({clear} clears the filter)")
        },
        filter: None,
        focused: true,
    }
    .render(area, frame, t);
}

/// How many items of each group the close-out lists before summing up the rest.
const LISTED: usize = 25;

/// The close-out: each group of blockers with its count and its first items, and the verdict.
pub fn closeout_lines<'a>(p: &'a AssetPane, view: &View, closed: bool) -> Vec<Line<'a>> {
    let t = view.theme;
    let b = &p.blockers;
    let mut lines = Vec::new();
    if closed {
        lines.push(Line::styled("✓ This engagement is closed; the close and its reason are in its notes.", t.ok));
    } else if b.is_empty() {
        lines.push(Line::styled("✓ Nothing outstanding: the engagement can be closed.", t.ok));
    } else {
        lines.push(Line::styled(
            format!("✗ {} item{} block the close; closing anyway asks for a reason.", b.total(), plural(b.total())),
            t.error,
        ));
    }
    lines.push(Line::raw(""));
    let mark = |n: usize| Span::styled(if n == 0 { "✓ " } else { "✗ " }, if n == 0 { t.ok } else { t.error });
    let assets_n = b.assets.len();
    lines.push(Line::from(vec![
        mark(assets_n),
        Span::raw(format!("{assets_n:>5}  assets not returned or destroyed")),
        Span::styled(
            format!(
                "  ({} overdue · {} unaccounted · {} with holder)",
                b.assets_in(AssetState::Overdue),
                b.assets_in(AssetState::Unaccounted),
                b.assets_in(AssetState::WithHolder)
            ),
            t.dim,
        ),
    ]));
    let grants_n = b.grants.len();
    lines.push(Line::from(vec![
        mark(grants_n),
        Span::raw(format!("{grants_n:>5}  access grants not removed")),
        Span::styled(
            format!(
                "  ({} active · {} revoked without a verifier)",
                b.grants_in(GrantState::Active),
                b.grants_in(GrantState::RevokedUnverified)
            ),
            t.dim,
        ),
    ]));
    let items_n = b.checklist.len();
    lines.push(Line::from(vec![
        mark(items_n),
        Span::raw(format!("{items_n:>5}  post-outsourcing checklist items open")),
    ]));
    lines.push(Line::raw(""));
    let heading = |text: String, n: usize| {
        Line::from(vec![
            Span::styled(if n == 0 { "✓ " } else { "✗ " }, if n == 0 { t.ok } else { t.error }),
            Span::styled(text, t.header),
        ])
    };
    lines.push(heading(format!("Assets not returned or destroyed: {}", b.assets.len()), b.assets.len()));
    for &(i, s) in b.assets.iter().take(LISTED) {
        let a = &p.all[i];
        let why = match s {
            AssetState::Unaccounted => a.gap().unwrap_or(""),
            AssetState::Overdue => "expected back",
            _ => "due",
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<13} ", s.text()), asset_style(t, s)),
            Span::raw(format!("{} {}  {}  ", refs::label(Table::Asset, a.number), a.tag, opt(&a.description))),
            Span::styled(
                format!(
                    "held by {} · {why} {}",
                    a.holder_name.as_deref().unwrap_or("nobody"),
                    view.dates.show(opt(&a.expected_return))
                ),
                t.dim,
            ),
        ]));
    }
    let outstanding = view.key(Context::Assets, &Action::QuickFilter);
    more(&mut lines, b.assets.len(), t, &format!("the Assets view, {outstanding} for outstanding"));
    lines.push(Line::raw(""));
    lines.push(heading(format!("Access not removed: {}", b.grants.len()), b.grants.len()));
    for &(i, s) in b.grants.iter().take(LISTED) {
        let g = &p.grants[i];
        lines.push(Line::from(vec![
            Span::styled(format!("  {:<21} ", s.text()), grant_style(t, s)),
            Span::raw(format!(
                "{} {} — {} ({})",
                refs::label(Table::AccessGrant, g.number),
                g.target,
                g.holder_name.as_deref().unwrap_or("?"),
                g.kind
            )),
            Span::styled(
                if g.is_outside() {
                    " · held outside the team".to_string()
                } else if let Some(on) = p.grant_holder_left.get(i).cloned().flatten() {
                    format!(" · ⚠ holder left {on}")
                } else {
                    String::new()
                },
                t.warn,
            ),
        ]));
    }
    more(&mut lines, b.grants.len(), t, "the Access view");
    lines.push(Line::raw(""));
    lines.push(heading(format!("Post-outsourcing checklist items open: {}", b.checklist.len()), b.checklist.len()));
    for item in b.checklist.iter().take(LISTED) {
        lines.push(Line::from(vec![Span::styled("  [ ] ", t.warn), Span::raw(format!("{}  {}", item.id, item.title))]));
    }
    more(&mut lines, b.checklist.len(), t, "the Workflow tab");
    lines
}

fn more<'a>(lines: &mut Vec<Line<'a>>, n: usize, t: &Theme, where_: &str) {
    if n > LISTED {
        lines.push(Line::styled(format!("  … and {} more (see {where_})", n - LISTED), t.dim));
    }
}

fn render_closeout(p: &AssetPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let closed = view.session.current.as_ref().is_some_and(|e| e.status == "closed");
    let lines = closeout_lines(p, view, closed);
    let hint = view
        .keymap
        .key_for(Context::CloseOut, &Action::CloseEngagement)
        .map(|k| format!(" {k} closes the engagement "))
        .unwrap_or_default();
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((p.closeout_scroll, 0))
        .block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(t.border_focus)
                .title(Line::styled(" Exit close-out ", t.title))
                .title_bottom(Line::styled(hint, t.dim)),
        )
        .render(area, frame.buffer_mut());
}
