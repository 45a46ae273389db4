//! Short references as people read and quote them (R-12, E-3), for the screens, reports and exports.
//!
//! The numbers themselves are given by the one write path (`ids::take_number`); this only shows them.

use rusqlite::Row;

use super::{Table, ids};

/// A record's short reference ("R-12"), or "—" for a row without a number (none is written without one, but a
/// file edited by hand may hold one).
pub fn label(table: Table, number: i64) -> String {
    if number > 0 { ids::short_ref(table, number) } else { "—".to_string() }
}

/// The columns the widest of the references of `table` up to number `max` takes ("R-12" is 4), at least 3.
pub fn width(table: Table, max: i64) -> u16 {
    u16::try_from(label(table, max.max(1)).chars().count()).unwrap_or(u16::MAX).max(3)
}

/// The `number` column of a row read at `i`: 0 when it is empty.
pub(crate) fn number(r: &Row<'_>, i: usize) -> rusqlite::Result<i64> {
    Ok(r.get::<_, Option<i64>>(i)?.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_read_as_people_say_them() {
        assert_eq!(label(Table::Risk, 12), "R-12");
        assert_eq!(label(Table::Engagement, 3), "E-3");
        assert_eq!(label(Table::PhaseChange, 2), "PH-2");
        assert_eq!(label(Table::Risk, 0), "—");
        assert_eq!(width(Table::Asset, 1021), 6);
        assert_eq!(width(Table::Risk, 0), 3);
    }
}
