//! The Engagements tab: the list of engagements in the workspace.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::EngagementsPane;
use crate::app::pane::View;
use crate::app::panes::refs;
use crate::keys::{Action, Context};
use crate::store::Table;
use crate::widgets::table_view::{Column, DataTable};

const COLUMNS: &[Column] = &[
    Column::new(" ", Constraint::Length(1)),
    Column::new(refs::HEADER, Constraint::Length(4)),
    Column::new("Name", Constraint::Fill(3)).main(),
    Column::new("Phase", Constraint::Length(18)),
    Column::new("Status", Constraint::Length(8)),
    Column::new("Business owner", Constraint::Fill(2)).gives_way(2),
    Column::new("Planned end", Constraint::Length(11)).gives_way(3),
    Column::new("Updated", Constraint::Length(16)).gives_way(1),
];

pub fn render(list: &EngagementsPane, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let all = &view.session.engagements;
    let current = view.session.current_id();
    let title = Line::from(vec![
        Span::styled(" Engagements ", t.title),
        Span::styled(
            if list.visible.len() == all.len() {
                format!("{} ", all.len())
            } else {
                format!("{} of {} ", list.visible.len(), all.len())
            },
            t.dim,
        ),
    ]);
    let filter = (list.filtering || !list.filter.value().is_empty()).then(|| {
        Line::from(vec![
            Span::styled(" filter: ", t.key),
            Span::raw(list.filter.value().to_string()),
            Span::styled(if list.filtering { "▏" } else { "" }, t.key),
        ])
    });
    let row = |i: usize| {
        let e = &all[list.visible[i]];
        let overdue = e.is_overdue(view.today);
        Row::new(vec![
            Cell::from(if Some(e.id) == current { "●" } else { " " }),
            Cell::from(Span::styled(refs::label(Table::Engagement, e.number), t.dim)),
            Cell::from(e.name.clone()),
            Cell::from(e.phase.label()),
            Cell::from(e.status.replace('_', " ")),
            Cell::from(e.business_owner.clone().unwrap_or_default()),
            Cell::from(Span::styled(
                format!(
                    "{}{}",
                    view.dates.show(e.planned_end.as_deref().unwrap_or_default()),
                    if overdue { "!" } else { "" }
                ),
                if overdue { t.warn } else { t.base },
            )),
            Cell::from(view.dates.show(&e.updated_at.replace('T', " ").chars().take(16).collect::<String>())),
        ])
    };
    let empty = format!("No engagement matches the filter ({} clears it)", view.key(Context::List, &Action::Cancel));
    // The reference column is as wide as the highest engagement number needs (E-3 is 3, E-12 is 4).
    let mut columns = COLUMNS.to_vec();
    columns[1].width = Constraint::Length(refs::width(Table::Engagement, refs::max(all.iter().map(|e| e.number))));
    DataTable { title, columns: &columns, cursor: &list.cursor, row, empty: &empty, filter, focused: true }
        .render(area, frame, t);
}
