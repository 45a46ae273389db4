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
    /// Write the management report (Markdown and HTML) of the engagement next to the workspace.
    WriteReport,
    /// Export the engagement as a JSON bundle next to the workspace.
    ExportBundle,
    /// Import a spreadsheet (XLSX or CSV) into the engagement: its preview first, then apply or cancel.
    ImportSheet,
    /// Stop the long task running (a report or an export being written).
    CancelTask,
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
    /// Save the form (in a multi-line field of a form, Enter makes a new line instead).
    Submit,
    /// Save the form, whichever field has the focus.
    SaveForm,
    /// Move the cursor a line up, or to the previous field from a field's first line.
    LineUp,
    /// Move the cursor a line down, or to the next field from a field's last line.
    LineDown,
    /// Move the cursor to the start of the word.
    WordLeft,
    /// Move the cursor to the start of the next word.
    WordRight,
    /// Delete the word before the cursor.
    DeleteWord,
    /// Delete from the start of the line to the cursor.
    DeleteToStart,
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
    /// Show the next view of the tab.
    NextView,
    /// Move to the next column.
    NextColumn,
    /// Move to the previous column.
    PrevColumn,
    /// Set a provider's status (selecting or rejecting asks why).
    SetStatus,
    /// Raise the weight of the criterion by one.
    WeightUp,
    /// Lower the weight of the criterion by one.
    WeightDown,
    /// Make the criterion a must-have, or no longer one.
    ToggleMustHave,
    /// Score the cell 0 and move down.
    Score0,
    /// Score the cell 1 and move down.
    Score1,
    /// Score the cell 2 and move down.
    Score2,
    /// Score the cell 3 and move down.
    Score3,
    /// Score the cell 4 and move down.
    Score4,
    /// Score the cell 5 and move down.
    Score5,
    /// Clear the score of the cell.
    ClearScore,
    /// Enter score mode on the grid: digits write scores until it is left.
    StartScoring,
    /// Leave score mode: digits switch tabs again.
    StopScoring,
    /// Narrow the lookup to the next phase (or none).
    CyclePhase,
    /// Narrow the lookup to the next party (or none).
    CycleParty,
    /// Narrow the lookup to the next topic (or none).
    CycleTopic,
    /// Mark the checklist item done (or open again).
    ToggleDone,
    /// Mark the checklist item not applicable (or open again).
    ToggleNa,
    /// Show the next provider's team.
    NextProvider,
    /// Show the previous provider's team.
    PrevProvider,
    /// Mark the check passed (references ask for the count below two).
    MarkPassed,
    /// Mark the check failed.
    MarkFailed,
    /// Waive the check (asks for the reason).
    MarkWaived,
    /// Mark the check not permitted by local law (asks for the note).
    MarkNotPermitted,
    /// Set the check back to pending.
    MarkPending,
    /// Raise the count by one.
    CountUp,
    /// Lower the count by one.
    CountDown,
    /// Show the selected record in full.
    Detail,
    /// Show or hide private notes.
    Reveal,
    /// Switch between the phase workflows and the agreement checklist.
    SwitchView,
    /// Hide or show the items already done or not applicable.
    HideDone,
    /// Show the recorded history of the selected record.
    History,
    /// Add the next asset of a series, pre-filled from the last one (tag counted up).
    RapidAdd,
    /// Show all assets, only the overdue ones, or only those outstanding.
    QuickFilter,
    /// Copy the selected obligation or record to the clipboard (through the terminal, OSC 52).
    Copy,
    /// Undo the last change made in this session.
    Undo,
    /// Write a journal entry of the interview, linked to the record under the cursor.
    JournalEntry,
    /// Show the interview journal of the engagement.
    Journal,
    /// Attach an evidence file to the record under the cursor.
    AttachEvidence,
    /// Show the evidence files of the engagement.
    Evidence,
    /// Do again the change undone last.
    Redo,
    /// Record the return of the selected asset.
    RecordReturn,
    /// Record the destruction of the selected asset (with its certificate).
    RecordDestruction,
    /// Record the revocation of the selected access grant.
    Revoke,
    /// Close the engagement (asks for a reason while anything is outstanding).
    CloseEngagement,
    /// Reopen a closed engagement, which is read-only until then (asks for the reason).
    Reopen,
    /// Show the conflicts the team's merges resolved, to review them.
    Conflicts,
    /// Sync with the team: send what changed here, bring in the others' work.
    Sync,
    /// Take the value the merge set aside instead of the one it kept.
    FlipConflict,
    /// Mark the conflict reviewed.
    MarkReviewed,
    /// Show the reviewed conflicts too, or only those to review.
    ShowReviewed,
    /// Type a character into the focused input.
    #[strum(serialize = "char")]
    Char(char),
    /// Text pasted into the terminal, whole (its line breaks kept).
    #[strum(serialize = "paste")]
    Paste(String),
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
