//! The score grid: how it divides the terminal, where its cell cursor is, and the keys that move it and score.

use color_eyre::Result;

use super::{ScoreForm, ScorecardPane};
use crate::domain::Value;
use crate::keys::Action;
use crate::store::scores;
use crate::widgets::table_view::DrawnRows;

/// Where the cell cursor of the grid is, and which part of the grid is on screen.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GridCursor {
    /// Criterion index.
    pub row: usize,
    /// Provider index.
    pub col: usize,
    pub row_offset: usize,
    pub col_offset: usize,
}

/// Width of the criterion column of the grid (must-have mark, text, weight, percentage).
pub const GRID_LABEL_W: u16 = 40;
/// Narrowest provider column of the grid (below it, the grid scrolls sideways).
pub const GRID_COL_W: u16 = 8;
/// Widest provider column: a column grows up to what its name needs when the terminal has room.
pub const GRID_COL_MAX: u16 = 32;
/// Width of the ranking panel when it sits beside the grid.
pub const RANKING_W: u16 = 60;
/// From this terminal width on, the ranking sits beside the grid; below it, under the grid.
pub const RANKING_BESIDE_FROM: u16 = 140;

/// How the grid view divides a terminal of a given size; shared by the state (to scroll) and the drawing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GridGeometry {
    pub ranking_beside: bool,
    /// Height of the ranking panel when it sits below the grid.
    pub ranking_h: u16,
    /// Criteria rows that fit.
    pub rows: usize,
    /// Provider columns that fit.
    pub cols: usize,
    /// Width of one provider column.
    pub col_w: u16,
}

impl GridGeometry {
    pub fn of(width: u16, height: u16) -> GridGeometry {
        GridGeometry::fitted(width, height, 0, 0)
    }

    /// The division for `providers` columns whose longest name is `longest` characters: the columns share the
    /// room left by the criteria, each as wide as the longest name needs (within the bounds) and no wider, so that
    /// on a wide terminal names are shown whole instead of cut to a few letters.
    pub fn fitted(width: u16, height: u16, providers: usize, longest: usize) -> GridGeometry {
        let body_h = height.saturating_sub(2);
        let ranking_beside = width >= RANKING_BESIDE_FROM;
        let ranking_h = if ranking_beside { 0 } else { (body_h * 2 / 5).max(8).min(body_h / 2) };
        let (grid_w, grid_h) =
            if ranking_beside { (width - RANKING_W, body_h) } else { (width, body_h.saturating_sub(ranking_h)) };
        // borders, the header line, the two footer lines (totals, gates) and the line about the cell
        let rows = usize::from(grid_h.saturating_sub(6)).max(1);
        let room = grid_w.saturating_sub(2 + GRID_LABEL_W);
        let want = u16::try_from(longest.saturating_add(2)).unwrap_or(u16::MAX).clamp(GRID_COL_W, GRID_COL_MAX);
        let share = match u16::try_from(providers) {
            Ok(0) => GRID_COL_W,
            Ok(n) => room / n,
            Err(_) => GRID_COL_W,
        };
        let col_w = share.clamp(GRID_COL_W, want);
        let cols = usize::from(room / col_w).max(1);
        GridGeometry { ranking_beside, ranking_h, rows, cols, col_w }
    }
}

/// The one field of a cell's note.
pub(super) const CELL_NOTE_FIELDS: &[crate::domain::FieldSpec] =
    &[crate::domain::FieldSpec::new("note", "Note", crate::domain::FieldKind::LongText)];

impl ScorecardPane {
    /// Keeps the cell cursor on the grid and on screen, with the least scrolling.
    pub(super) fn settle_cell(&mut self) {
        let (rows, cols) = (self.geometry.rows.max(1), self.geometry.cols.max(1));
        let c = &mut self.cell;
        c.row = c.row.min(self.criteria.len().saturating_sub(1));
        c.col = c.col.min(self.providers.len().saturating_sub(1));
        if c.row < c.row_offset {
            c.row_offset = c.row;
        } else if c.row >= c.row_offset + rows {
            c.row_offset = c.row + 1 - rows;
        }
        c.row_offset = c.row_offset.min(self.criteria.len().saturating_sub(rows));
        if c.col < c.col_offset {
            c.col_offset = c.col;
        } else if c.col >= c.col_offset + cols {
            c.col_offset = c.col + 1 - cols;
        }
        c.col_offset = c.col_offset.min(self.providers.len().saturating_sub(cols));
    }

    /// After a digit: down to the next criterion; from the last one, to the top of the next provider's column.
    fn advance_cell(&mut self) {
        if self.cell.row + 1 < self.criteria.len() {
            self.cell.row += 1;
        } else if self.cell.col + 1 < self.providers.len() {
            self.cell.row = 0;
            self.cell.col += 1;
        }
        self.settle_cell();
    }

    /// A click on the grid: the row is a criterion, the column a provider (both counted from what is shown). A
    /// click never scores: it only moves the cell cursor.
    pub(super) fn click_cell(&mut self, drawn: &DrawnRows, i: usize, col: Option<usize>) {
        let cell = &mut self.cell;
        if drawn.offset == cell.row_offset && i < drawn.len {
            cell.row = i;
            if let Some(c) = col {
                cell.col = (cell.col_offset + c).min(self.providers.len().saturating_sub(1));
            }
        }
    }

    pub(super) fn update_grid(&mut self, action: Action, cx: &mut crate::app::pane::Cx) -> Result<()> {
        match action {
            Action::StartScoring => {
                self.scoring = true;
                return Ok(());
            }
            Action::StopScoring => {
                self.scoring = false;
                return Ok(());
            }
            Action::Score0
            | Action::Score1
            | Action::Score2
            | Action::Score3
            | Action::Score4
            | Action::Score5
            | Action::ClearScore
                if !self.scoring =>
            {
                return Ok(());
            }
            _ => {}
        }
        let (np, nc) = (self.providers.len(), self.criteria.len());
        let page = self.geometry.rows.max(1);
        let c = &mut self.cell;
        match action {
            Action::NextRow => c.row = (c.row + 1).min(nc.saturating_sub(1)),
            Action::PrevRow => c.row = c.row.saturating_sub(1),
            Action::NextColumn => c.col = (c.col + 1).min(np.saturating_sub(1)),
            Action::PrevColumn => c.col = c.col.saturating_sub(1),
            Action::FirstRow => c.row = 0,
            Action::LastRow => c.row = nc.saturating_sub(1),
            Action::PageDown => c.row = (c.row + page).min(nc.saturating_sub(1)),
            Action::PageUp => c.row = c.row.saturating_sub(page),
            _ => {}
        }
        self.settle_cell();
        let (row, col) = (self.cell.row, self.cell.col);
        let provider = self.providers.get(col).cloned();
        let criterion = self.criteria.get(row).cloned();
        let score = match action {
            Action::Score0 => Some(0),
            Action::Score1 => Some(1),
            Action::Score2 => Some(2),
            Action::Score3 => Some(3),
            Action::Score4 => Some(4),
            Action::Score5 => Some(5),
            _ => None,
        };
        let (Some(p), Some(c)) = (provider, criterion) else {
            if score.is_some() || action == Action::Note {
                let view = cx.key(crate::keys::Context::Grid, &Action::NextView);
                cx.toast(format!("Add a provider and a criterion first ({view} switches view)"));
            }
            return Ok(());
        };
        if let Some(s) = score {
            match cx.store.write(|w| scores::set(w, p.id, c.id, s)) {
                Ok(_) => {
                    self.after_write(cx)?;
                    self.advance_cell();
                    cx.saved(format!("{}: {s} on “{}”", p.name, c.text));
                }
                Err(e) => cx.error(format!("Not saved: {e}")),
            }
            return Ok(());
        }
        match action {
            Action::ClearScore => match cx.store.write(|w| scores::clear(w, p.id, c.id)) {
                Ok(true) => {
                    self.after_write(cx)?;
                    cx.saved(format!("{}: score on “{}” cleared", p.name, c.text));
                }
                Ok(false) => cx.toast("That cell has no score"),
                Err(e) => cx.error(format!("Not cleared: {e}")),
            },
            Action::Note => {
                if self.score_at(col, row).is_none() {
                    cx.toast("Score the cell first; the note goes with the score");
                } else {
                    let note = self.note_at(col, row).map(str::to_string);
                    cx.open_form(
                        format!("Note — {} on “{}”", p.name, c.text),
                        ScoreForm::CellNote { provider: p.id, criterion: c.id },
                        CELL_NOTE_FIELDS,
                        &[Value::from(note)],
                    );
                }
            }
            Action::WeightUp | Action::WeightDown | Action::ToggleMustHave => self.change_criterion(&c, &action, cx)?,
            Action::SetStatus => self.open_decision(&p, cx),
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_puts_the_ranking_beside_on_wide_terminals() {
        let wide = GridGeometry::of(160, 48);
        assert!(wide.ranking_beside);
        assert_eq!(wide.rows, 40);
        assert_eq!(wide.cols, 7);
        assert_eq!(wide.col_w, GRID_COL_W);
        // Room to spare: columns grow to the longest name (plus a margin), within the bounds.
        let roomy = GridGeometry::fitted(220, 48, 4, 28);
        assert_eq!((roomy.col_w, roomy.cols), (29, 4));
        let few = GridGeometry::fitted(220, 48, 2, 10);
        assert_eq!(few.col_w, 12, "no wider than the names need");
        let crowded = GridGeometry::fitted(160, 48, 30, 28);
        assert_eq!((crowded.col_w, crowded.cols), (GRID_COL_W, 7), "many providers: narrow columns and scrolling");
        let narrow = GridGeometry::of(80, 24);
        assert!(!narrow.ranking_beside);
        assert!(narrow.rows >= 1 && narrow.cols >= 1);
    }
}
