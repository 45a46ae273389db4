//! What an import would do, sheet by sheet, and what it did: the preview a person reads before anything is written.

use std::fmt;

use super::Register;
use super::columns::column_letter;
use crate::domain::Value;

/// A table read from a file: its header and its rows, each with the line or row number the file gives it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table2 {
    pub headers: Vec<String>,
    /// (row number in the file, 1-based counting the header as row 1; the cells).
    pub rows: Vec<(usize, Vec<String>)>,
    /// Whether text cells may carry the `'` that a CSV export puts before text a spreadsheet would run as a
    /// formula (true for CSV; a workbook keeps such text as a string cell and needs no guard).
    pub formula_guards: bool,
}

/// Why an import was refused: where (row and column of the file) and what is wrong. Nothing was written.
#[derive(Debug, Clone, PartialEq)]
pub struct CellError {
    /// The file (and sheet) it came from.
    pub source: String,
    pub row: Option<usize>,
    /// The column's number (1-based) and name.
    pub column: Option<(usize, String)>,
    pub message: String,
}

impl fmt::Display for CellError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut place = vec![];
        if !self.source.is_empty() {
            place.push(self.source.clone());
        }
        if let Some(r) = self.row {
            place.push(format!("row {r}"));
        }
        if let Some((n, name)) = &self.column {
            if name.is_empty() {
                place.push(format!("column {}", column_letter(*n)));
            } else {
                place.push(format!("column {} ({name})", column_letter(*n)));
            }
        }
        if place.is_empty() { f.write_str(&self.message) } else { write!(f, "{}: {}", place.join(", "), self.message) }
    }
}

impl std::error::Error for CellError {}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Applied {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl Applied {
    pub fn add(&mut self, other: Applied) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
        self.removed += other.removed;
    }

    /// Whether the import changed nothing at all.
    pub fn is_nothing(&self) -> bool {
        self.added == 0 && self.updated == 0 && self.removed == 0
    }
}

/// How dates are written in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DateFormat {
    /// `YYYY-MM-DD` only.
    #[default]
    Iso,
    /// `DD/MM/YYYY` or `DD.MM.YYYY`, and `YYYY-MM-DD` as always.
    Dmy,
}

/// How an import reads and applies a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    pub date_format: DateFormat,
    /// Delete the records the file no longer lists.
    pub delete_missing: bool,
}

/// One changed field of a row: the column, the stored value and the file's, as text.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub column: String,
    pub old: String,
    pub new: String,
}

/// A row an import adds, updates or removes.
#[derive(Debug, Clone, PartialEq)]
pub struct RowPlan {
    /// The row of the file (none for a record the file no longer lists).
    pub line: Option<usize>,
    /// The record's row id in the workspace (none for a record to add).
    pub id: Option<i64>,
    /// The record's short reference ("R-12"), for the registers whose records are numbered.
    pub reference: Option<String>,
    /// The record in words (its title, name or tag).
    pub label: String,
    /// Whether a row without an id was matched by its ref.
    pub by_reference: bool,
    /// Whether a row without an id (or ref) was matched by the register's natural key.
    pub by_natural_key: bool,
    pub changes: Vec<Change>,
}

impl RowPlan {
    /// Where the row is, for the preview: "row 4: ", "row 9 (R-7, matched by key): ", "R-9: ", or nothing.
    pub fn place(&self) -> String {
        let how = if self.by_natural_key {
            Some("matched by key")
        } else if self.by_reference {
            Some("matched by ref")
        } else {
            None
        };
        let about: Vec<&str> = self.reference.as_deref().into_iter().chain(how).collect();
        match (self.line, about.is_empty()) {
            (Some(l), true) => format!("row {l}: "),
            (Some(l), false) => format!("row {l} ({}): ", about.join(", ")),
            (None, _) => self.reference.as_ref().map(|r| format!("{r}: ")).unwrap_or_default(),
        }
    }
}

/// A write an import makes.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Op {
    Insert {
        values: Vec<(&'static str, Value)>,
        checks: Vec<(&'static str, Value)>,
        scores: Vec<(i64, Option<i64>)>,
    },
    Update {
        id: i64,
        values: Vec<(&'static str, Value)>,
        checks: Vec<(&'static str, Value)>,
        scores: Vec<(i64, Option<i64>)>,
    },
    Delete {
        id: i64,
    },
}

/// What an import of one sheet would do.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetPlan {
    pub register: Register,
    pub source: String,
    pub added: Vec<RowPlan>,
    pub updated: Vec<RowPlan>,
    /// Records the file no longer lists: deleted only with `delete_missing`.
    pub removed: Vec<RowPlan>,
    pub unchanged: usize,
    /// Natural keys that name several records: the import refuses until the rows carry ids.
    pub ambiguous: Vec<String>,
    /// Read-only cells the file changed: reported, never imported.
    pub read_only: Vec<String>,
    /// The table's columns holding the record's UUID and its short reference, if it has them (0-based).
    pub id_column: Option<usize>,
    pub ref_column: Option<usize>,
    /// The rows of the file that carry no id, and which record each one is (or will be, once added).
    pub(super) unnamed: Vec<(usize, Unnamed)>,
    pub(super) ops: Vec<Op>,
}

/// The record a row without an id stands for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Unnamed {
    /// A record of the engagement, matched by the row's ref or natural key (its row id).
    Matched(i64, Matched),
    /// The n-th record the sheet adds (counted from 0, in the order of its inserts).
    Added(usize),
}

/// How a row that carried no id found its record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Matched {
    /// The import added it.
    Added,
    /// By the short reference in its `ref` column.
    ByRef,
    /// By the register's natural key.
    ByKey,
}

/// A row of a file that carried no id, and the identity of its record once the import is applied: what
/// `--write-ids` writes back into the file.
#[derive(Debug, Clone, PartialEq)]
pub struct RowIdentity {
    /// The sheet of the plan (the table of the import) it belongs to.
    pub sheet: usize,
    /// The row of the file, as the table numbers it.
    pub line: usize,
    pub matched: Matched,
    /// The record's UUID, hyphenated.
    pub uuid: String,
    /// Its short reference ("R-12"), where records of its register are numbered.
    pub reference: Option<String>,
}

/// What an import would do, sheet by sheet; nothing is written until [`apply`].
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    pub sheets: Vec<SheetPlan>,
    pub delete_missing: bool,
}

impl Plan {
    /// Whether applying the plan would change nothing.
    pub fn changes_nothing(&self) -> bool {
        self.sheets
            .iter()
            .all(|s| s.added.is_empty() && s.updated.is_empty() && (s.removed.is_empty() || !self.delete_missing))
    }

    /// The preview a person reads: per register, the rows to add, update (field by field) and remove.
    pub fn preview(&self) -> String {
        let mut out = String::new();
        for s in &self.sheets {
            let keyed = s.added.iter().chain(&s.updated).filter(|r| r.by_natural_key).count();
            let by_ref = s.updated.iter().filter(|r| r.by_reference).count();
            out.push_str(&format!(
                "{} ({}): {} to add, {} to update, {} to remove, {} unchanged\n",
                s.register.title(),
                s.source,
                s.added.len(),
                s.updated.len(),
                if self.delete_missing { s.removed.len() } else { 0 },
                s.unchanged
            ));
            if s.register.has_ref() {
                out.push_str(&format!(
                    "  rows without an id are matched by their ref{}, else by {}{}\n",
                    if by_ref > 0 { format!(" ({by_ref} matched so)") } else { String::new() },
                    s.register.natural_key(),
                    if keyed > 0 { format!(" ({keyed} matched so)") } else { String::new() }
                ));
            } else {
                out.push_str(&format!(
                    "  rows without an id are matched by {}{}\n",
                    s.register.natural_key(),
                    if keyed > 0 { format!(" ({keyed} matched so)") } else { String::new() }
                ));
            }
            for r in &s.added {
                out.push_str(&format!("  + {}{}\n", r.place(), r.label));
            }
            for r in &s.updated {
                out.push_str(&format!("  ~ {}{}\n", r.place(), r.label));
                for c in &r.changes {
                    out.push_str(&format!("      {}: {} → {}\n", c.column, shown(&c.old), shown(&c.new)));
                }
            }
            for r in &s.removed {
                if self.delete_missing {
                    out.push_str(&format!("  - {}{}\n", r.place(), r.label));
                } else {
                    out.push_str(&format!(
                        "  kept (not in the file; --delete-missing removes it): {}{}\n",
                        r.place(),
                        r.label
                    ));
                }
            }
            for a in &s.ambiguous {
                out.push_str(&format!("  ! ambiguous: {a}\n"));
            }
            for w in &s.read_only {
                out.push_str(&format!("  ! read-only, not imported: {w}\n"));
            }
        }
        out
    }

    /// The rows of the file that carry no id, as (sheet, row of the file, how it found its record): the rows
    /// whose ids `--write-ids` writes back once the plan is applied.
    pub fn rows_without_id(&self) -> Vec<(usize, usize, Matched)> {
        let mut out = Vec::new();
        for (n, s) in self.sheets.iter().enumerate() {
            for (line, unnamed) in &s.unnamed {
                let how = match unnamed {
                    Unnamed::Matched(_, how) => *how,
                    Unnamed::Added(_) => Matched::Added,
                };
                out.push((n, *line, how));
            }
        }
        out
    }

    /// The read-only cells the file changed, over all sheets.
    pub fn read_only_changes(&self) -> Vec<String> {
        self.sheets.iter().flat_map(|s| s.read_only.iter().map(move |w| format!("{}: {w}", s.source))).collect()
    }
}

pub(super) fn shown(s: &str) -> String {
    if s.is_empty() { "(blank)".into() } else { format!("“{s}”") }
}
