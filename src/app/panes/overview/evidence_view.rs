//! The evidence files listed on the Overview: reference, file name and caption, size, the record it is about, when
//! and by whom it was added, and the start of its SHA-256. Only the rows on screen are drawn.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};

use super::evidence::{EvidenceView, Listed};
use crate::app::pane::View;
use crate::keys::{Action, Context};
use crate::widgets::table_view::{Column, DataTable};

const COLUMNS: &[Column] = &[
    Column::new("Ref", Constraint::Length(5)),
    Column::new("File — caption", Constraint::Fill(3)).main(),
    Column::new("Size", Constraint::Length(9)),
    Column::new("About", Constraint::Fill(2)).gives_way(2),
    Column::new("Added", Constraint::Length(16)).gives_way(3),
    Column::new("SHA-256", Constraint::Length(12)).gives_way(1),
];

pub fn render(v: &EvidenceView, view: &View, area: Rect, frame: &mut Frame) {
    let t = view.theme;
    let n = v.items.len();
    let mut title =
        vec![Span::styled(format!(" Evidence files — {n} file{} ", if n == 1 { "" } else { "s" }), t.title)];
    title.extend(v.find.title_spans(v.visible.len(), n, &view.key(Context::Evidence, &Action::Cancel), t));
    let filter = v.find.typing.then(|| {
        Line::from(vec![
            Span::styled(" find: ", t.key),
            Span::raw(v.find.input.value().to_string()),
            Span::styled("▏", t.key),
        ])
    });
    let row = |i: usize| {
        let Listed { file, shown: f } = &v.items[v.visible[i]];
        Row::new(vec![
            Cell::from(Span::styled(file.reference.as_str(), t.dim)),
            Cell::from(f.name.as_str()),
            Cell::from(f.size.as_str()),
            Cell::from(f.about.as_str()),
            Cell::from(f.added.as_str()),
            Cell::from(Span::styled(f.sha.as_str(), t.dim)),
        ])
    };
    let empty = if n == 0 {
        format!(
            "No evidence file yet — {} attaches one to the engagement, {} on any tab to the record under the cursor",
            view.key(Context::Evidence, &Action::Add),
            view.key(Context::Global, &Action::AttachEvidence)
        )
    } else {
        format!("No file holds every word of the find ({} clears it)", view.key(Context::Evidence, &Action::Cancel))
    };
    DataTable {
        title: Line::from(title),
        columns: COLUMNS,
        cursor: &v.cursor,
        row,
        empty: &empty,
        filter,
        focused: true,
    }
    .render(area, frame, t);
}
