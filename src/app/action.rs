//! Everything a user can do, as one enum. Key bindings name these in `assets/keymap.toml`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, strum::IntoStaticStr)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Action {
    /// Quit (asks first if an edit is unsaved).
    Quit,
    /// Open or close the help overlay.
    Help,
    /// Open the obligations lookup.
    Lookup,
    /// Go to the next tab.
    NextTab,
    /// Go to the previous tab.
    PrevTab,
    /// Go to tab 1.
    Tab1,
    /// Go to tab 2.
    Tab2,
    /// Go to tab 3.
    Tab3,
    /// Go to tab 4.
    Tab4,
    /// Go to tab 5.
    Tab5,
    /// Go to tab 6.
    Tab6,
    /// Go to tab 7.
    Tab7,
    /// Go to tab 8.
    Tab8,
    /// Move to the next row.
    NextRow,
    /// Move to the previous row.
    PrevRow,
    /// Move to the first row.
    FirstRow,
    /// Move to the last row.
    LastRow,
    /// Move one page down.
    PageDown,
    /// Move one page up.
    PageUp,
    /// Add a record.
    Add,
    /// Edit the selected record.
    Edit,
    /// Delete the selected record (asks first).
    Delete,
    /// Open the selected record.
    Open,
    /// Add a note to the selected record.
    Note,
    /// Filter the list by typed text.
    Filter,
    /// Set the phase of the engagement.
    SetPhase,
    /// Create a new engagement.
    NewEngagement,
    /// Add a record taken from the catalog.
    AddFromCatalog,
    /// Record acceptance of the selected risk by a named manager.
    Accept,
    /// Show the next impact dimension in the matrix (C, I, A, overall).
    CycleDimension,
    /// Switch the matrix between inherent and residual ratings.
    ToggleResidual,
    /// Move the focus between the register and the matrix.
    FocusMatrix,
    /// Move to the next field of a form.
    NextField,
    /// Move to the previous field of a form.
    PrevField,
    /// Save the form.
    Submit,
    /// Close the popup or form without saving; clear the filter.
    Cancel,
    /// Move the cursor left (or choose the previous option).
    CursorLeft,
    /// Move the cursor right (or choose the next option).
    CursorRight,
    /// Move the cursor to the start of the field.
    CursorHome,
    /// Move the cursor to the end of the field.
    CursorEnd,
    /// Delete the character before the cursor.
    Backspace,
    /// Delete the character under the cursor.
    DeleteChar,
    /// Clear the field.
    ClearField,
    /// Answer yes in a dialog.
    ConfirmYes,
    /// Answer no in a dialog.
    ConfirmNo,
    /// Scroll down.
    ScrollDown,
    /// Scroll up.
    ScrollUp,
    /// Type a character into the focused input.
    #[strum(serialize = "char")]
    Char(char),
    /// The terminal was resized to this many columns and rows.
    Resize(u16, u16),
    /// A mouse click at this column and row.
    Click(u16, u16),
    /// Time passed (expires messages).
    Tick,
}

impl Action {
    /// The snake_case name used in the keymap.
    pub fn name(&self) -> &'static str {
        self.into()
    }
}
