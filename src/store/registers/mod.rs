//! The registers of an engagement as flat tables (one per register, a header row and one row per record), for CSV
//! and XLSX, and the import of every one of them back from such tables.
//!
//! A file names records by their identities, never by their row ids: the `id` column holds the record's UUID, `ref`
//! its short reference ("R-12", for the registers whose records are numbered), and a column naming another record
//! (`provider_id`, `member_id`, `holder_id`, `backup_for`, a provider's scores column) its short reference. Inside,
//! the registers work on row ids as the store does; `idents` translates at the edge both ways.
//!
//! An import is planned before anything is written ([`plan`]): a row is matched by its UUID (or, in a sheet exported
//! before records had UUIDs, by the whole number that was then its id), else by its `ref` when the id is blank, else
//! by the register's natural key (asset tag, member name within the provider, risk title, …), or else added, getting
//! its UUID and number from the write path; only changed fields are written and audited. Records the file no longer
//! lists are removed only when asked. A malformed UUID, an id or reference unknown in the engagement (another
//! engagement's, or another register's), one given twice, and a natural key that names several records are
//! refused. Every cell is checked by its field's rules and every changed record by its form's checks; a changed
//! read-only (worked-out) cell, the `ref` included, is reported (a blank one says nothing). [`apply`] writes the plan
//! in one transaction; [`apply_and_identify`] also gives, for each row of the file that had no id, the UUID and
//! reference of the record it now stands for, which `assay import --write-ids` writes back into the file.

//!
//! The module's parts: `columns` declares each sheet's columns and what an import does with them; `idents` gives
//! the UUIDs and references a file carries and finds the records they name; `export` builds the sheets from the
//! records the panes read; `plan` holds what an import would do and its preview; `import` works the plan out cell
//! by cell; `apply` writes it.

mod apply;
mod columns;
mod export;
mod idents;
mod import;
mod plan;

pub use apply::{apply, apply_and_identify, import, import_many};
pub use columns::{
    CHECK_KINDS, CHECK_STATUSES, Column, Named, Role, WITHHELD, choice_label, column_letter, score_column,
};
pub use export::{ranking, sheets};
pub use import::plan;
pub use plan::{
    Applied, CellError, Change, DateFormat, Matched, Options, Plan, RowIdentity, RowPlan, SheetPlan, Table2,
};

use super::Table;
use crate::domain::Value;
use columns::{
    ASSET_SHEET, CHECK_SHEET, CHECKLIST_SHEET, GRANT_SHEET, MEMBER_SHEET, PROVIDER_SHEET, RISK_SHEET, SCORE_SHEET,
};

/// One register as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The register's name: the CSV file's stem and the XLSX sheet's name.
    pub name: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// The registers that can be imported: every sheet an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Register {
    Risks,
    TeamMembers,
    VettingChecks,
    Assets,
    AccessGrants,
    Providers,
    Scores,
    Checklist,
}

impl Register {
    /// In the order an export writes them.
    pub const ALL: [Register; 8] = [
        Register::Risks,
        Register::TeamMembers,
        Register::VettingChecks,
        Register::Assets,
        Register::AccessGrants,
        Register::Providers,
        Register::Scores,
        Register::Checklist,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Register::Risks => "risks",
            Register::TeamMembers => "team_members",
            Register::VettingChecks => "vetting_checks",
            Register::Assets => "assets",
            Register::AccessGrants => "access_grants",
            Register::Providers => "providers",
            Register::Scores => "scores",
            Register::Checklist => "checklist",
        }
    }

    /// The register's name as a person reads it ("team members").
    pub fn title(self) -> String {
        self.name().replace('_', " ")
    }

    pub fn from_name(s: &str) -> Option<Register> {
        Register::ALL.into_iter().find(|r| r.name() == s || r.name().replace('_', "-") == s)
    }

    /// Every register's name, for messages.
    pub fn names() -> String {
        Register::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
    }

    /// The table whose records the register lists (the scores sheet: a criterion per row).
    pub fn table(self) -> Table {
        match self {
            Register::Risks => Table::Risk,
            Register::TeamMembers => Table::TeamMember,
            Register::VettingChecks => Table::VettingCheck,
            Register::Assets => Table::Asset,
            Register::AccessGrants => Table::AccessGrant,
            Register::Providers => Table::Provider,
            Register::Scores => Table::Criterion,
            Register::Checklist => Table::ChecklistItem,
        }
    }

    /// Whether a new row carries the engagement's id (the others hang off a provider or a member).
    fn has_engagement(self) -> bool {
        !matches!(self, Register::TeamMembers | Register::VettingChecks)
    }

    /// The columns a sheet of this register has (the scores sheet adds one per provider, named "Name (P-3)").
    pub fn columns(self) -> &'static [Column] {
        match self {
            Register::Risks => RISK_SHEET,
            Register::TeamMembers => MEMBER_SHEET,
            Register::VettingChecks => CHECK_SHEET,
            Register::Assets => ASSET_SHEET,
            Register::AccessGrants => GRANT_SHEET,
            Register::Providers => PROVIDER_SHEET,
            Register::Scores => SCORE_SHEET,
            Register::Checklist => CHECKLIST_SHEET,
        }
    }

    /// Whether the register's records are numbered, so that its sheet has a `ref` column.
    pub fn has_ref(self) -> bool {
        self.columns().iter().any(|c| c.role == Role::Ref)
    }

    /// What a row without an id (or ref) is matched by, in words.
    pub fn natural_key(self) -> &'static str {
        match self {
            Register::Risks => "risk title within the engagement",
            Register::TeamMembers => "member name within the provider",
            Register::VettingChecks => "member and kind of check",
            Register::Assets => "asset tag",
            Register::AccessGrants => "holder, system and kind",
            Register::Providers => "provider name",
            Register::Scores => "criterion text",
            Register::Checklist => "catalog reference",
        }
    }

    /// The columns whose values make a row's natural key.
    fn key_columns(self) -> &'static [&'static str] {
        match self {
            Register::Risks => &["title"],
            Register::TeamMembers => &["provider_id", "name"],
            Register::VettingChecks => &["member_id", "kind"],
            Register::Assets => &["tag"],
            Register::AccessGrants => &["holder_id", "holder_name", "target", "kind"],
            Register::Providers => &["name"],
            Register::Scores => &["criterion"],
            Register::Checklist => &["catalog_ref"],
        }
    }

    /// The column holding the row's UUID.
    fn id_column(self) -> &'static str {
        if self == Register::Scores { "criterion_id" } else { "id" }
    }
}
