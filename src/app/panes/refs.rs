//! Short references (R-12, P-3, M-40) as the panes show them: a narrow first column of a list, sized to the
//! longest reference the list holds, so that a record can be picked and quoted by the name the reports use.

use ratatui::layout::Constraint;

use crate::store::{Table, refs};
use crate::widgets::table_view::Column;

/// The heading of a list's reference column.
pub const HEADER: &str = "Ref";

/// A list's columns with the reference column first, as wide as the reference of number `max` of `table`.
pub fn with_ref(table: Table, max: i64, rest: &[Column]) -> Vec<Column> {
    let mut columns = vec![Column::new(HEADER, Constraint::Length(refs::width(table, max)))];
    columns.extend(rest.iter().copied());
    columns
}

/// A record's short reference ("R-12"; "—" when it has none).
pub fn label(table: Table, number: i64) -> String {
    refs::label(table, number)
}

/// The columns the reference of number `max` of `table` takes, at least 3.
pub fn width(table: Table, max: i64) -> u16 {
    refs::width(table, max)
}

/// The highest number among `numbers`: what the reference column is sized for.
pub fn max(numbers: impl IntoIterator<Item = i64>) -> i64 {
    numbers.into_iter().max().unwrap_or(0)
}
