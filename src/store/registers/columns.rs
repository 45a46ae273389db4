//! Each register's columns: the stored key, the header a person reads, and what an import does with the cell.

use crate::domain::assets::{Asset, DISPOSITION_CHOICES, Grant};
use crate::domain::fields::{FieldKind, FieldSpec, field_in};
use crate::domain::provider::PROVIDER_STATUSES;
use crate::domain::scorecard::MAX_SCORE;
use crate::domain::vetting::{CheckKind, CheckStatus, TeamMember, VettingCheck};
use crate::domain::workflow::CheckStatus as ChecklistStatus;
use crate::domain::{Criterion, Provider, Risk};
use crate::store::{Table, ids};

/// The kinds of vetting check, in the order their columns appear.
pub const CHECK_KINDS: &[&str] = <CheckKind as strum::VariantNames>::VARIANTS;
/// What a vetting check's status may be.
pub const CHECK_STATUSES: &[&str] = CheckStatus::ALL;

/// What a column of a sheet is, and what an import does with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// The record's UUID: blank for a new row.
    Id,
    /// The record's short reference ("R-12"): given by assay, so a change is reported and never written; a row
    /// with a blank id is matched by it.
    Ref,
    /// An editable value, checked by the field's rules; the spec's key is the stored column.
    Edit(FieldSpec),
    /// Worked out from other values: shown, never imported (a changed cell is reported).
    ReadOnly,
    /// A name that resolves to the id in the column given, as the forms resolve names.
    Name { into: &'static str, of: Named },
    /// The status of a member's check of this kind (team members).
    Check(&'static str),
}

/// What a name column names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    Provider,
    /// A team member of any provider of the engagement (a holder, a check's member).
    Member,
    /// A colleague at the same provider (whom a member backs up).
    Backup,
}

/// One column of a sheet: the stored key (the CSV header and the workbook's hidden key row), the header a person
/// reads, and its role.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub role: Role,
}

impl Column {
    const fn new(key: &'static str, label: &'static str, role: Role) -> Column {
        Column { key, label, role }
    }

    /// Whether a person edits this column: the others are worked out or given by assay (grey in a workbook),
    /// and an import reports a change to them instead of writing it.
    pub fn editable(&self) -> bool {
        !matches!(self.role, Role::ReadOnly | Role::Ref)
    }

    /// The stored values a choice column takes, if it is one.
    pub fn choices(&self) -> Option<&'static [&'static str]> {
        match self.role {
            Role::Edit(FieldSpec { kind: FieldKind::Enum(c), .. }) => Some(c),
            Role::Check(_) => Some(CHECK_STATUSES),
            _ => None,
        }
    }
}

/// The label a person reads for a stored choice ("in_progress" → "in progress").
pub fn choice_label(value: &str) -> String {
    value.replace('_', " ")
}

const fn col(key: &'static str, label: &'static str, role: Role) -> Column {
    Column::new(key, label, role)
}
const fn edit(key: &'static str, label: &'static str, kind: FieldKind) -> Column {
    Column::new(key, label, Role::Edit(FieldSpec::new(key, label, kind)))
}
const fn required(key: &'static str, label: &'static str, kind: FieldKind) -> Column {
    Column::new(key, label, Role::Edit(FieldSpec::new(key, label, kind).required()))
}
/// An editable column that takes its field from the form that edits the record (its kind, whether it is required),
/// under the register's own header.
const fn form(fields: &'static [FieldSpec], key: &'static str, label: &'static str) -> Column {
    let mut spec = field_in(fields, key);
    spec.label = label;
    Column::new(key, label, Role::Edit(spec))
}
const fn ro(key: &'static str, label: &'static str) -> Column {
    Column::new(key, label, Role::ReadOnly)
}

const ANY_ID: FieldKind = FieldKind::Number { min: 1, max: i64::MAX };

/// The short reference, next to the id, of a register whose records are numbered.
const REF: Column = Column::new("ref", "Ref", Role::Ref);

/// The kind of record a column naming another record names: a file gives it as a short reference ("M-40") or a
/// UUID, and the register holds the row's id.
pub(super) fn refers_to(key: &str) -> Option<Table> {
    match key {
        "provider_id" => Some(Table::Provider),
        "member_id" | "holder_id" | "backup_for" => Some(Table::TeamMember),
        _ => None,
    }
}

pub(super) const RISK_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    REF,
    edit("catalog_ref", "Catalog reference", FieldKind::Text { max: 40 }),
    form(Risk::FIELDS, "title", "Title"),
    form(Risk::FIELDS, "description", "Description"),
    form(Risk::FIELDS, "likelihood", "Likelihood (1-5)"),
    form(Risk::FIELDS, "impact_c", "Impact on confidentiality (0-5)"),
    form(Risk::FIELDS, "impact_i", "Impact on integrity (0-5)"),
    form(Risk::FIELDS, "impact_a", "Impact on availability (0-5)"),
    form(Risk::FIELDS, "treatment", "Treatment"),
    form(Risk::FIELDS, "plan", "Treatment plan"),
    form(Risk::FIELDS, "owner", "Owner"),
    form(Risk::FIELDS, "due_date", "Due date"),
    form(Risk::FIELDS, "status", "Status"),
    form(Risk::FIELDS, "residual_likelihood", "Residual likelihood (1-5)"),
    form(Risk::FIELDS, "residual_c", "Residual confidentiality (0-5)"),
    form(Risk::FIELDS, "residual_i", "Residual integrity (0-5)"),
    form(Risk::FIELDS, "residual_a", "Residual availability (0-5)"),
    edit("accepted_by", "Accepted by", FieldKind::Text { max: 120 }),
    edit("accepted_at", "Accepted on", FieldKind::Date),
    edit("review_date", "Review by", FieldKind::Date),
    form(Risk::FIELDS, "finding", "Finding"),
    form(Risk::FIELDS, "recommendation", "Recommendation"),
    form(Risk::FIELDS, "management_response", "Management response"),
    ro("inherent_level", "Inherent level"),
    ro("inherent_band", "Inherent band"),
    ro("residual_band", "Residual band"),
    ro("acceptance", "Acceptance"),
];

pub(super) const MEMBER_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    REF,
    required("provider_id", "Provider id", ANY_ID),
    form(TeamMember::FIELDS, "name", "Name"),
    form(TeamMember::FIELDS, "role", "Role"),
    edit("backup_for", "Backs up (member id)", ANY_ID),
    form(TeamMember::FIELDS, "joined", "Joined"),
    form(TeamMember::FIELDS, "left_on", "Left on"),
    col("provider", "Provider", Role::Name { into: "provider_id", of: Named::Provider }),
    col("backup", "Backs up", Role::Name { into: "backup_for", of: Named::Backup }),
    col("references", "References", Role::Check("references")),
    col("criminal_record", "Criminal record", Role::Check("criminal_record")),
    col("cv_accuracy", "Accuracy of the CV", Role::Check("cv_accuracy")),
    col("qualifications", "Qualifications", Role::Check("qualifications")),
    col("identity", "Identity document", Role::Check("identity")),
    col("credit", "Credit check", Role::Check("credit")),
    col("nda_signed", "NDA signed", Role::Check("nda_signed")),
];

pub(super) const CHECK_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("member_id", "Member id", ANY_ID),
    col("member", "Member", Role::Name { into: "member_id", of: Named::Member }),
    required("kind", "Kind of check", FieldKind::Enum(CHECK_KINDS)),
    form(VettingCheck::FIELDS, "status", "Status"),
    form(VettingCheck::FIELDS, "checked_on", "Checked on"),
    form(VettingCheck::FIELDS, "verifier", "Verifier"),
    form(VettingCheck::FIELDS, "evidence", "Evidence"),
    form(VettingCheck::FIELDS, "reference_count", "References received"),
    form(VettingCheck::FIELDS, "note", "Note / reason"),
];

pub(super) const ASSET_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    REF,
    required("tag", "Tag", FieldKind::Text { max: 80 }),
    edit("description", "Description", FieldKind::LongText),
    form(Asset::FIELDS, "kind", "Kind"),
    edit("classification", "Classification", FieldKind::Text { max: 80 }),
    edit("holder_id", "Holder id", ANY_ID),
    form(Asset::FIELDS, "handed_over", "Handed over on"),
    form(Asset::FIELDS, "accepted_by", "Accepted by (provider)"),
    form(Asset::FIELDS, "expected_return", "Expected return"),
    edit("returned_on", "Returned or destroyed on", FieldKind::Date),
    edit("disposition", "Disposition", FieldKind::Enum(DISPOSITION_CHOICES)),
    edit("verified_by", "Verified by", FieldKind::Text { max: 120 }),
    form(Asset::RETURN_FIELDS, "condition", "Condition"),
    edit("certificate", "Destruction certificate", FieldKind::Text { max: 120 }),
    col("holder", "Holder", Role::Name { into: "holder_id", of: Named::Member }),
];

pub(super) const GRANT_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    REF,
    edit("holder_id", "Holder id", ANY_ID),
    col("holder", "Holder", Role::Name { into: "holder_id", of: Named::Member }),
    edit("holder_name", "Holder (not a team member)", FieldKind::Text { max: 120 }),
    form(Grant::FIELDS, "target", "Account / system / area"),
    form(Grant::FIELDS, "kind", "Kind"),
    form(Grant::FIELDS, "granted_on", "Granted on"),
    form(Grant::FIELDS, "revoked_on", "Revoked on"),
    form(Grant::FIELDS, "verified_by", "Revocation verified by"),
];

pub(super) const PROVIDER_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    REF,
    form(Provider::FIELDS, "name", "Name"),
    required("status", "Status", FieldKind::Enum(PROVIDER_STATUSES)),
    form(Provider::FIELDS, "cert_body", "Certification body"),
    form(Provider::FIELDS, "cert_number", "Certificate number"),
    form(Provider::FIELDS, "cert_expiry", "Certificate expiry"),
    form(Provider::FIELDS, "cert_scope", "Certified scope"),
    form(Provider::FIELDS, "scope_covers_service", "Scope covers service"),
    form(Provider::FIELDS, "agrees_policies", "Agrees to policies"),
    form(Provider::FIELDS, "agrees_audit", "Agrees to audit"),
    form(Provider::FIELDS, "focal_point", "Focal point"),
    edit("decision_reason", "Reason for the decision", FieldKind::LongText),
    ro("decided_by", "Decided by"),
    ro("decided_at", "Decided at"),
    ro("rank", "Rank"),
    ro("total", "Weighted total"),
    ro("passes_gates", "Passes the gates"),
];

pub(super) const SCORE_SHEET: &[Column] = &[
    col("criterion_id", "Criterion id", Role::Id),
    REF,
    ro("catalog_ref", "Catalog reference"),
    col(
        "criterion",
        "Criterion",
        Role::Edit(FieldSpec::new("text", "Criterion", FieldKind::Text { max: 200 }).required()),
    ),
    form(Criterion::FIELDS, "weight", "Weight (0-10)"),
    form(Criterion::FIELDS, "must_have", "Must-have"),
];

pub(super) const CHECKLIST_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("catalog_ref", "Catalog reference", FieldKind::Text { max: 40 }),
    ro("title", "Obligation"),
    ro("phase", "Phase"),
    required("status", "Status", FieldKind::Enum(ChecklistStatus::ALL)),
    edit("note", "Note", FieldKind::LongText),
    ro("done_at", "Done on"),
    ro("done_by", "Done by"),
];

/// The score a provider's column of the scores sheet holds.
pub(super) const SCORE_FIELD: FieldSpec =
    FieldSpec::new("score", "Score", FieldKind::Number { min: 0, max: MAX_SCORE as i64 });
pub(super) const CHECK_FIELD: FieldSpec = FieldSpec::new("status", "Status", FieldKind::Enum(CHECK_STATUSES));

/// What a cell says when its value was withheld from the export: on import it leaves the stored value as it is.
pub const WITHHELD: &str = "withheld";

/// The provider a scores column header names, in the parentheses that end it: "Name (P-3)" (its short reference),
/// "Name (UUID)", or "Name (#3)" as a sheet exported before records had UUIDs named it (by its row id).
pub fn score_column(header: &str) -> Option<&str> {
    let h = header.trim();
    let open = h.rfind('(')?;
    let inner = h[open + 1..].strip_suffix(')')?.trim();
    let legacy = inner.strip_prefix('#').is_some_and(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()));
    (legacy || ids::parse_ref(inner).is_some() || uuid::Uuid::parse_str(inner).is_ok()).then_some(inner)
}

/// A spreadsheet column letter: 1 → A, 27 → AA.
pub fn column_letter(mut n: usize) -> String {
    let mut s = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        s.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn score_columns_name_their_provider() {
        assert_eq!(score_column("Acme (UK) (P-3)"), Some("P-3"));
        assert_eq!(score_column("Acme (#3)"), Some("#3"), "as sheets made before UUIDs name it");
        let u = "0193a1b2-7c3d-7e4f-8a5b-6c7d8e9fa0b1";
        assert_eq!(score_column(&format!("Acme ({u})")), Some(u));
        assert_eq!(score_column("Acme (UK)"), None);
        assert_eq!(score_column("weight"), None);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(52), "AZ");
    }

    /// Every stored column of a register is a column of its table as the schema declaration has it, and a choice
    /// takes the values the schema allows (a blank aside): the registers and the bundle read one declaration.
    #[test]
    fn register_columns_are_columns_of_the_declared_schema() {
        use crate::store::registers::Register;
        use crate::store::schema::{Kind, SPECS};
        for r in Register::ALL {
            let spec = SPECS.iter().find(|s| s.table == r.table()).expect("declared");
            let col = |key: &str| spec.cols.iter().find(|c| c.name == key);
            for c in r.columns() {
                match c.role {
                    Role::Id => assert!(col("id").is_some()),
                    Role::Ref => assert!(col("number").is_some(), "{}: its records have no number", r.name()),
                    Role::Edit(f) => {
                        let Some(declared) = col(f.key) else { panic!("{}: {} is not a column", r.name(), f.key) };
                        if let FieldKind::Enum(ours) = f.kind {
                            let theirs = match declared.kind {
                                Kind::Enum(o) | Kind::OptEnum(o) => o,
                                other => panic!("{}: {} is {other:?} in the schema", r.name(), f.key),
                            };
                            let ours: Vec<&str> = ours.iter().copied().filter(|o| !o.is_empty()).collect();
                            assert_eq!(ours, theirs, "{}: {}", r.name(), f.key);
                        }
                    }
                    Role::Name { into, .. } => assert!(col(into).is_some(), "{}: {into}", r.name()),
                    Role::Check(kind) => {
                        assert!(CHECK_KINDS.contains(&kind), "{kind}");
                    }
                    Role::ReadOnly => {}
                }
            }
        }
    }
}
