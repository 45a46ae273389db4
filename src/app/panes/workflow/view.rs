//! The Workflow tab: the phase checklists (or the agreement review) of the open engagement, with progress.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row, Widget};

use super::{ChecklistView, Line as WfLine, WorkflowPane};
use crate::app::layout::WORKFLOW_SUMMARY_LINES as SUMMARY_LINES;
use crate::app::pane::View;
use crate::catalog::catalog;
use crate::domain::workflow::{CheckStatus, phase_short};
use crate::keys::{Action, Context};
use crate::widgets::table_view::{Column, DataTable};

const COLUMNS: &[Column] = &[
    Column::new("", Constraint::Length(3)),
    Column::new("Item", Constraint::Length(13)),
    Column::new("What", Constraint::Fill(1)).main(),
    Column::new("State", Constraint::Length(30)),
];

pub fn render(wf: &WorkflowPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    // One figure per phase, over every party, so that it agrees with the close-out and the group headings.
    let mut spans = vec![Span::styled(" Progress ", t.header)];
    for (phase, p) in &wf.phases {
        spans.push(Span::styled(format!(" {} ", phase_short(*phase)), t.title));
        let style = if p.closed == p.total { t.ok } else { t.base };
        spans.push(Span::styled(format!("{}/{} open ", p.total - p.closed, p.total), style));
    }
    Line::from(spans).render(Rect { height: 1, ..area }, frame.buffer_mut());
    let a = &wf.agreement;
    Line::from(vec![
        Span::styled(" Agreement review ", t.header),
        Span::raw(format!("{}/{} covered ({}%)", a.closed, a.total, a.percent())),
        Span::styled(
            format!(
                "   {} {}  {} {}",
                view.key(Context::Workflow, &Action::SwitchView),
                if wf.view == ChecklistView::Phases { "agreement view" } else { "phase view" },
                view.key(Context::Workflow, &Action::HideDone),
                if wf.hide_closed { "show all" } else { "hide done" }
            ),
            t.dim,
        ),
    ])
    .render(Rect { y: area.y + 1, height: 1, ..area }, frame.buffer_mut());

    let table_area =
        Rect { y: area.y + SUMMARY_LINES as u16, height: area.height.saturating_sub(SUMMARY_LINES as u16), ..area };
    let title = Line::from(vec![
        Span::styled(
            match wf.view {
                ChecklistView::Phases => " Phase workflows ",
                ChecklistView::Agreement => " Agreement contents ",
            },
            t.title,
        ),
        Span::styled(if wf.hide_closed { "· open items only " } else { "" }, t.dim),
    ]);
    let mut title = title;
    title.spans.extend(wf.find.title_spans(
        wf.shown_items,
        wf.total_items,
        &view.key(Context::Workflow, &Action::Cancel),
        t,
    ));
    let cat = catalog();
    let row = |i: usize| match &wf.lines[i] {
        WfLine::Heading { title, progress } => Row::new(vec![
            Cell::from("▸"),
            Cell::from(""),
            Cell::from(Span::styled(title.clone(), t.header)),
            Cell::from(Span::styled(
                format!("{}/{} · {}%", progress.closed, progress.total, progress.percent()),
                t.header,
            )),
        ]),
        WfLine::Item { catalog_idx, status, note, done_at, done_by } => {
            let item = &cat.items[*catalog_idx];
            let state = match (status, done_at, done_by) {
                (CheckStatus::Open, _, _) => String::new(),
                (s, Some(at), Some(by)) => format!("{} {} {by}", s.label(), view.dates.show(at)),
                (s, _, _) => s.label().to_string(),
            };
            let mark_style = match status {
                CheckStatus::Open => t.base,
                CheckStatus::Done => t.ok,
                CheckStatus::NotApplicable => t.dim,
            };
            let title = match note {
                Some(n) if !n.is_empty() => format!("{}  ✎ {n}", item.title),
                _ => item.title.clone(),
            };
            Row::new(vec![
                Cell::from(Span::styled(status.mark(), mark_style)),
                Cell::from(item.id.clone()),
                Cell::from(title),
                Cell::from(Span::styled(state, t.dim)),
            ])
        }
    };
    let empty = if wf.find.narrows() {
        format!("No item contains this text ({} clears the filter)", view.key(Context::Workflow, &Action::Cancel))
    } else {
        format!("Nothing left open here ({} shows everything)", view.key(Context::Workflow, &Action::HideDone))
    };
    DataTable { title, columns: COLUMNS, cursor: &wf.cursor, row, empty: &empty, filter: None, focused: true }
        .render(table_area, frame, t);
}
