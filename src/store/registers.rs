//! The registers of an engagement as flat tables (one per register, a header row and one row per record), for CSV
//! and XLSX, and the import of risks, team members and assets from such tables.
//!
//! An import matches rows by the `id` column: a row with an id updates that record (only changed fields are
//! written and audited), a row without one adds a record. Ids that are unknown in the engagement, or given twice,
//! are refused. Every cell is checked against its field's rules before anything is written, and the whole file
//! goes in one transaction.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::bundle::{Progress, SENSITIVE_CHECKS};
use super::{Store, Table, checklist, criteria, providers, risks, scores};
use crate::catalog;
use crate::domain::fields::{FieldKind, FieldSpec, LONG_TEXT_MAX, unguard_formula};
use crate::domain::risk_entity::{TREATMENT_CHOICES, TREATMENT_STATUSES};
use crate::domain::scorecard::{CriterionIn, Grid, MAX_SCORE, MAX_WEIGHT, ProviderIn, rank};
use crate::domain::{Risk, Value};

/// The kinds of vetting check, in the order their columns appear.
pub const CHECK_KINDS: &[&str] =
    &["references", "criminal_record", "cv_accuracy", "qualifications", "identity", "credit", "nda_signed"];
/// What a vetting check's status may be.
pub const CHECK_STATUSES: &[&str] = &["pending", "passed", "failed", "waived", "not_permitted"];
const ASSET_KINDS: &[&str] = &["device", "media", "document", "data_set", "badge", "key", "account"];
const DISPOSITIONS: &[&str] = &["", "returned", "destroyed"];

/// One register as a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// The register's name: the CSV file's stem and the XLSX sheet's name.
    pub name: &'static str,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// A team member with the name of their provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: i64,
    pub provider_id: i64,
    pub provider: String,
    pub name: String,
    pub role: Option<String>,
    pub backup_for: Option<i64>,
    pub joined: Option<String>,
    pub left_on: Option<String>,
}

/// A vetting check of a team member.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub id: i64,
    pub member_id: i64,
    pub kind: String,
    pub status: String,
    pub checked_on: Option<String>,
    pub verifier: Option<String>,
    pub evidence: Option<String>,
    pub reference_count: Option<i64>,
    pub note: Option<String>,
}

impl Check {
    /// Whether this check's note is sensitive personal data (criminal record, credit).
    pub fn is_sensitive(&self) -> bool {
        SENSITIVE_CHECKS.contains(&self.kind.as_str())
    }
}

/// An asset handed to the provider, with the name of its holder.
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    pub id: i64,
    pub tag: String,
    pub description: Option<String>,
    pub kind: String,
    pub classification: Option<String>,
    pub holder_id: Option<i64>,
    pub holder: Option<String>,
    pub handed_over: Option<String>,
    pub accepted_by: Option<String>,
    pub expected_return: Option<String>,
    pub returned_on: Option<String>,
    pub disposition: Option<String>,
    pub verified_by: Option<String>,
    pub condition: Option<String>,
    pub certificate: Option<String>,
}

/// An access right granted to the provider's staff.
#[derive(Debug, Clone, PartialEq)]
pub struct Grant {
    pub id: i64,
    pub holder_id: Option<i64>,
    pub holder: Option<String>,
    pub holder_name: Option<String>,
    pub target: String,
    pub kind: String,
    pub granted_on: Option<String>,
    pub revoked_on: Option<String>,
    pub verified_by: Option<String>,
}

impl Grant {
    /// Whether the access is still in force on `today`.
    pub fn is_active(&self, today: &str) -> bool {
        self.revoked_on.as_deref().is_none_or(|r| r > today)
    }

    /// Who holds it: the team member, or the name recorded with the grant.
    pub fn who(&self) -> String {
        self.holder.clone().or_else(|| self.holder_name.clone()).unwrap_or_default()
    }
}

pub fn members(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Member>> {
    let mut stmt = conn.prepare_cached(
        "SELECT m.id, m.provider_id, p.name, m.name, m.role, m.backup_for, m.joined, m.left_on
         FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = ? ORDER BY m.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Member {
            id: r.get(0)?,
            provider_id: r.get(1)?,
            provider: r.get(2)?,
            name: r.get(3)?,
            role: r.get(4)?,
            backup_for: r.get(5)?,
            joined: r.get(6)?,
            left_on: r.get(7)?,
        })
    })?
    .collect()
}

pub fn checks(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Check>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.member_id, c.kind, c.status, c.checked_on, c.verifier, c.evidence, c.reference_count, c.note
         FROM vetting_check c JOIN team_member m ON m.id = c.member_id JOIN provider p ON p.id = m.provider_id
         WHERE p.engagement_id = ? ORDER BY c.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Check {
            id: r.get(0)?,
            member_id: r.get(1)?,
            kind: r.get(2)?,
            status: r.get(3)?,
            checked_on: r.get(4)?,
            verifier: r.get(5)?,
            evidence: r.get(6)?,
            reference_count: r.get(7)?,
            note: r.get(8)?,
        })
    })?
    .collect()
}

pub fn assets(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Asset>> {
    let mut stmt = conn.prepare_cached(
        "SELECT a.id, a.tag, a.description, a.kind, a.classification, a.holder_id, m.name, a.handed_over,
                a.accepted_by, a.expected_return, a.returned_on, a.disposition, a.verified_by, a.condition,
                a.certificate
         FROM asset a LEFT JOIN team_member m ON m.id = a.holder_id WHERE a.engagement_id = ? ORDER BY a.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Asset {
            id: r.get(0)?,
            tag: r.get(1)?,
            description: r.get(2)?,
            kind: r.get(3)?,
            classification: r.get(4)?,
            holder_id: r.get(5)?,
            holder: r.get(6)?,
            handed_over: r.get(7)?,
            accepted_by: r.get(8)?,
            expected_return: r.get(9)?,
            returned_on: r.get(10)?,
            disposition: r.get(11)?,
            verified_by: r.get(12)?,
            condition: r.get(13)?,
            certificate: r.get(14)?,
        })
    })?
    .collect()
}

pub fn grants(conn: &Connection, engagement: i64) -> rusqlite::Result<Vec<Grant>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id, g.holder_id, m.name, g.holder_name, g.target, g.kind, g.granted_on, g.revoked_on, g.verified_by
         FROM access_grant g LEFT JOIN team_member m ON m.id = g.holder_id WHERE g.engagement_id = ? ORDER BY g.id",
    )?;
    stmt.query_map([engagement], |r| {
        Ok(Grant {
            id: r.get(0)?,
            holder_id: r.get(1)?,
            holder: r.get(2)?,
            holder_name: r.get(3)?,
            target: r.get(4)?,
            kind: r.get(5)?,
            granted_on: r.get(6)?,
            revoked_on: r.get(7)?,
            verified_by: r.get(8)?,
        })
    })?
    .collect()
}

fn opt(s: &Option<String>) -> Value {
    Value::from(s.clone())
}

fn heads(h: &[&str]) -> Vec<String> {
    h.iter().map(|s| (*s).to_string()).collect()
}

/// The import columns of the risk register; the ones after them are worked out and ignored on import.
const RISK_COLUMNS: &[&str] = &[
    "id",
    "catalog_ref",
    "title",
    "description",
    "likelihood",
    "impact_c",
    "impact_i",
    "impact_a",
    "treatment",
    "plan",
    "owner",
    "due_date",
    "status",
    "residual_likelihood",
    "residual_c",
    "residual_i",
    "residual_a",
    "accepted_by",
    "accepted_at",
    "review_date",
];
const RISK_DERIVED: &[&str] = &["inherent_level", "inherent_band", "residual_band", "acceptance"];
const MEMBER_COLUMNS: &[&str] = &["id", "provider_id", "name", "role", "backup_for", "joined", "left_on"];
const MEMBER_DERIVED: &[&str] = &["provider"];
const ASSET_COLUMNS: &[&str] = &[
    "id",
    "tag",
    "description",
    "kind",
    "classification",
    "holder_id",
    "handed_over",
    "accepted_by",
    "expected_return",
    "returned_on",
    "disposition",
    "verified_by",
    "condition",
    "certificate",
];
const ASSET_DERIVED: &[&str] = &["holder"];

/// Every register of an engagement as a table. The results, evidence and notes of criminal-record and credit checks
/// are left out unless `include_sensitive`.
pub fn sheets(
    conn: &Connection,
    engagement: i64,
    today: NaiveDate,
    include_sensitive: bool,
) -> rusqlite::Result<Vec<Sheet>> {
    let mut out = Vec::new();
    // Risks.
    let mut headers = heads(RISK_COLUMNS);
    headers.extend(heads(RISK_DERIVED));
    let mut register = risks::list(conn, engagement)?;
    register.sort_by_key(|r| r.id);
    let rows = register
        .iter()
        .map(|r| {
            let f = r.facts();
            let mut row: Vec<Value> =
                std::iter::once(Value::Int(r.id)).chain(RISK_COLUMNS[1..].iter().map(|k| r.value(k))).collect();
            row.push(Value::Int(i64::from(f.inherent.level())));
            row.push(Value::text(f.inherent.band().label()));
            row.push(Value::text(f.residual_band().label()));
            row.push(Value::text(f.acceptance(today).label()));
            row
        })
        .collect();
    out.push(Sheet { name: "risks", headers, rows });

    // Team members with their checks as columns.
    let members = members(conn, engagement)?;
    let checks = checks(conn, engagement)?;
    // The results of criminal-record and credit checks of named people are withheld (left blank, which an import
    // reads as "no change") unless `include_sensitive`.
    let mut status: HashMap<(i64, &str), &str> = HashMap::new();
    for c in checks.iter().filter(|c| include_sensitive || !c.is_sensitive()) {
        status.insert((c.member_id, c.kind.as_str()), c.status.as_str());
    }
    let mut headers = heads(MEMBER_COLUMNS);
    headers.extend(heads(MEMBER_DERIVED));
    headers.extend(heads(CHECK_KINDS));
    let rows = members
        .iter()
        .map(|m| {
            let mut row = vec![
                Value::Int(m.id),
                Value::Int(m.provider_id),
                Value::text(&m.name),
                opt(&m.role),
                Value::from(m.backup_for),
                opt(&m.joined),
                opt(&m.left_on),
                Value::text(&m.provider),
            ];
            row.extend(CHECK_KINDS.iter().map(|k| Value::from(status.get(&(m.id, *k)).copied())));
            row
        })
        .collect();
    out.push(Sheet { name: "team_members", headers, rows });

    // Vetting checks in full; the result, evidence and note of criminal-record and credit checks withheld.
    let names: HashMap<i64, &str> = members.iter().map(|m| (m.id, m.name.as_str())).collect();
    let rows = checks
        .iter()
        .map(|c| {
            let hide = c.is_sensitive() && !include_sensitive;
            let (status, evidence, note) = if hide {
                (Value::text("withheld"), Value::Null, Value::Null)
            } else {
                (Value::text(&c.status), opt(&c.evidence), opt(&c.note))
            };
            vec![
                Value::Int(c.id),
                Value::Int(c.member_id),
                Value::from(names.get(&c.member_id).copied()),
                Value::text(&c.kind),
                status,
                opt(&c.checked_on),
                opt(&c.verifier),
                evidence,
                Value::from(c.reference_count),
                note,
            ]
        })
        .collect();
    out.push(Sheet {
        name: "vetting_checks",
        headers: heads(&[
            "id",
            "member_id",
            "member",
            "kind",
            "status",
            "checked_on",
            "verifier",
            "evidence",
            "reference_count",
            "note",
        ]),
        rows,
    });

    // Assets.
    let mut headers = heads(ASSET_COLUMNS);
    headers.extend(heads(ASSET_DERIVED));
    let rows = assets(conn, engagement)?
        .iter()
        .map(|a| {
            vec![
                Value::Int(a.id),
                Value::text(&a.tag),
                opt(&a.description),
                Value::text(&a.kind),
                opt(&a.classification),
                Value::from(a.holder_id),
                opt(&a.handed_over),
                opt(&a.accepted_by),
                opt(&a.expected_return),
                opt(&a.returned_on),
                opt(&a.disposition),
                opt(&a.verified_by),
                opt(&a.condition),
                opt(&a.certificate),
                opt(&a.holder),
            ]
        })
        .collect();
    out.push(Sheet { name: "assets", headers, rows });

    // Access grants.
    let rows = grants(conn, engagement)?
        .iter()
        .map(|g| {
            vec![
                Value::Int(g.id),
                Value::from(g.holder_id),
                opt(&g.holder),
                opt(&g.holder_name),
                Value::text(&g.target),
                Value::text(&g.kind),
                opt(&g.granted_on),
                opt(&g.revoked_on),
                opt(&g.verified_by),
            ]
        })
        .collect();
    out.push(Sheet {
        name: "access_grants",
        headers: heads(&[
            "id",
            "holder_id",
            "holder",
            "holder_name",
            "target",
            "kind",
            "granted_on",
            "revoked_on",
            "verified_by",
        ]),
        rows,
    });

    // Providers, with their place in the ranking.
    let provs = providers::list(conn, engagement)?;
    let crits = criteria::list(conn, engagement)?;
    let score_list = scores::list(conn, engagement)?;
    let ranking = ranking(&provs, &crits, &score_list, today);
    let place: HashMap<i64, &crate::domain::scorecard::Ranked> = ranking.iter().map(|r| (r.provider_id, r)).collect();
    let keys = [
        "name",
        "status",
        "cert_body",
        "cert_number",
        "cert_expiry",
        "cert_scope",
        "scope_covers_service",
        "agrees_policies",
        "agrees_audit",
        "focal_point",
        "decision_reason",
        "decided_by",
        "decided_at",
    ];
    let mut headers = vec!["id".to_string()];
    headers.extend(heads(&keys));
    headers.extend(heads(&["rank", "total", "passes_gates"]));
    let rows = provs
        .iter()
        .map(|p| {
            let mut row = vec![Value::Int(p.id)];
            row.extend(keys.iter().map(|k| p.value(k)));
            let r = place.get(&p.id);
            row.push(Value::from(r.map(|r| r.rank as i64)));
            row.push(Value::from(r.map(|r| format!("{:.1}", r.total))));
            row.push(Value::from(r.map(|r| if r.passes { "yes" } else { "no" })));
            row
        })
        .collect();
    out.push(Sheet { name: "providers", headers, rows });

    // Criteria and scores: one column per provider.
    let mut headers = heads(&["criterion_id", "catalog_ref", "criterion", "weight", "must_have"]);
    headers.extend(provs.iter().map(|p| format!("{} (#{})", p.name, p.id)));
    let cell: HashMap<(i64, i64), u8> = score_list.iter().map(|s| ((s.criterion_id, s.provider_id), s.score)).collect();
    let rows = crits
        .iter()
        .map(|c| {
            let mut row = vec![
                Value::Int(c.id),
                Value::from(c.catalog_ref.clone()),
                Value::text(&c.text),
                Value::Int(i64::from(c.weight)),
                Value::text(if c.must_have { "yes" } else { "no" }),
            ];
            row.extend(provs.iter().map(|p| Value::from(cell.get(&(c.id, p.id)).map(|s| i64::from(*s)))));
            row
        })
        .collect();
    out.push(Sheet { name: "scores", headers, rows });

    // The checklist.
    let mut items: Vec<checklist::ChecklistRow> = checklist::rows(conn, engagement)?.into_values().collect();
    items.sort_by_key(|r| r.id);
    let rows = items
        .iter()
        .map(|r| {
            let item = catalog::catalog().get(&r.catalog_ref);
            vec![
                Value::Int(r.id),
                Value::text(&r.catalog_ref),
                Value::from(item.map(|i| i.title.clone())),
                Value::from(item.map(|i| crate::domain::workflow::phase_label(i.phase))),
                Value::text(r.status.as_ref()),
                opt(&r.note),
                opt(&r.done_at),
                opt(&r.done_by),
            ]
        })
        .collect();
    out.push(Sheet {
        name: "checklist",
        headers: heads(&["id", "catalog_ref", "title", "phase", "status", "note", "done_at", "done_by"]),
        rows,
    });
    Ok(out)
}

/// The providers ranked by the scorecard's rules (gates first, then weighted total).
pub fn ranking(
    provs: &[crate::domain::Provider],
    crits: &[crate::domain::Criterion],
    score_list: &[crate::domain::Score],
    today: NaiveDate,
) -> Vec<crate::domain::scorecard::Ranked> {
    let criteria_in: Vec<CriterionIn> = crits
        .iter()
        .map(|c| CriterionIn {
            id: c.id,
            name: c.text.clone(),
            weight: c.weight.min(MAX_WEIGHT),
            must_have: c.must_have,
        })
        .collect();
    let providers_in: Vec<ProviderIn> = provs
        .iter()
        .map(|p| ProviderIn { id: p.id, name: p.name.clone(), gate_failures: p.gate_failures(today) })
        .collect();
    let Ok(mut grid) = Grid::new(criteria_in, providers_in) else { return Vec::new() };
    for s in score_list {
        let _ = grid.set_score(s.provider_id, s.criterion_id, Some(s.score.min(MAX_SCORE)));
    }
    rank(&grid)
}

/// The registers that can be imported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Register {
    Risks,
    TeamMembers,
    Assets,
}

impl Register {
    pub const ALL: [Register; 3] = [Register::Risks, Register::TeamMembers, Register::Assets];

    pub fn name(self) -> &'static str {
        match self {
            Register::Risks => "risks",
            Register::TeamMembers => "team_members",
            Register::Assets => "assets",
        }
    }

    pub fn from_name(s: &str) -> Option<Register> {
        Register::ALL.into_iter().find(|r| r.name() == s || r.name().replace('_', "-") == s)
    }

    fn table(self) -> Table {
        match self {
            Register::Risks => Table::Risk,
            Register::TeamMembers => Table::TeamMember,
            Register::Assets => Table::Asset,
        }
    }

    /// Columns an import needs (the id first).
    fn columns(self) -> &'static [&'static str] {
        match self {
            Register::Risks => RISK_COLUMNS,
            Register::TeamMembers => MEMBER_COLUMNS,
            Register::Assets => ASSET_COLUMNS,
        }
    }

    /// Columns an export adds that an import ignores.
    fn derived(self) -> &'static [&'static str] {
        match self {
            Register::Risks => RISK_DERIVED,
            Register::TeamMembers => MEMBER_DERIVED,
            Register::Assets => ASSET_DERIVED,
        }
    }

    /// The rules of each importable column but the id.
    fn fields(self) -> &'static [FieldSpec] {
        match self {
            Register::Risks => RISK_FIELDS,
            Register::TeamMembers => MEMBER_FIELDS,
            Register::Assets => ASSET_FIELDS,
        }
    }
}

const ANY_ID: FieldKind = FieldKind::Number { min: 1, max: i64::MAX };

const RISK_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("catalog_ref", "Catalog reference", FieldKind::Text { max: 40 }),
    FieldSpec::new("title", "Title", FieldKind::Text { max: 200 }).required(),
    FieldSpec::new("description", "Description", FieldKind::LongText),
    FieldSpec::new("likelihood", "Likelihood", FieldKind::Number { min: 1, max: 5 }).required(),
    FieldSpec::new("impact_c", "Impact C", FieldKind::Number { min: 0, max: 5 }).required(),
    FieldSpec::new("impact_i", "Impact I", FieldKind::Number { min: 0, max: 5 }).required(),
    FieldSpec::new("impact_a", "Impact A", FieldKind::Number { min: 0, max: 5 }).required(),
    FieldSpec::new("treatment", "Treatment", FieldKind::Enum(TREATMENT_CHOICES)),
    FieldSpec::new("plan", "Treatment plan", FieldKind::LongText),
    FieldSpec::new("owner", "Owner", FieldKind::Text { max: 120 }),
    FieldSpec::new("due_date", "Due date", FieldKind::Date),
    FieldSpec::new("status", "Status", FieldKind::Enum(TREATMENT_STATUSES)).required(),
    FieldSpec::new("residual_likelihood", "Residual likelihood", FieldKind::Number { min: 1, max: 5 }),
    FieldSpec::new("residual_c", "Residual C", FieldKind::Number { min: 0, max: 5 }),
    FieldSpec::new("residual_i", "Residual I", FieldKind::Number { min: 0, max: 5 }),
    FieldSpec::new("residual_a", "Residual A", FieldKind::Number { min: 0, max: 5 }),
    FieldSpec::new("accepted_by", "Accepted by", FieldKind::Text { max: 120 }),
    FieldSpec::new("accepted_at", "Accepted on", FieldKind::Date),
    FieldSpec::new("review_date", "Review by", FieldKind::Date),
];

const MEMBER_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("provider_id", "Provider id", ANY_ID).required(),
    FieldSpec::new("name", "Name", FieldKind::Text { max: 120 }).required(),
    FieldSpec::new("role", "Role", FieldKind::Text { max: 120 }),
    FieldSpec::new("backup_for", "Backup for", ANY_ID),
    FieldSpec::new("joined", "Joined", FieldKind::Date),
    FieldSpec::new("left_on", "Left on", FieldKind::Date),
];

const ASSET_FIELDS: &[FieldSpec] = &[
    FieldSpec::new("tag", "Tag", FieldKind::Text { max: 80 }).required(),
    FieldSpec::new("description", "Description", FieldKind::LongText),
    FieldSpec::new("kind", "Kind", FieldKind::Enum(ASSET_KINDS)).required(),
    FieldSpec::new("classification", "Classification", FieldKind::Text { max: 80 }),
    FieldSpec::new("holder_id", "Holder id", ANY_ID),
    FieldSpec::new("handed_over", "Handed over", FieldKind::Date),
    FieldSpec::new("accepted_by", "Accepted by", FieldKind::Text { max: 120 }),
    FieldSpec::new("expected_return", "Expected return", FieldKind::Date),
    FieldSpec::new("returned_on", "Returned on", FieldKind::Date),
    FieldSpec::new("disposition", "Disposition", FieldKind::Enum(DISPOSITIONS)),
    FieldSpec::new("verified_by", "Verified by", FieldKind::Text { max: 120 }),
    FieldSpec::new("condition", "Condition", FieldKind::Text { max: 200 }),
    FieldSpec::new("certificate", "Certificate", FieldKind::Text { max: 120 }),
];

const CHECK_FIELD: FieldKind = FieldKind::Enum(CHECK_STATUSES);

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
}

impl Applied {
    pub fn add(&mut self, other: Applied) {
        self.added += other.added;
        self.updated += other.updated;
        self.unchanged += other.unchanged;
    }
}

/// One checked row, ready to write.
struct Prepared {
    id: Option<i64>,
    values: Vec<(&'static str, Value)>,
    checks: Vec<(&'static str, Value)>,
}

/// Checks every cell of `table` as rows of `register` for `engagement`; nothing is written.
fn prepare(
    conn: &Connection,
    engagement: i64,
    register: Register,
    table: &Table2,
    source: &str,
    today: NaiveDate,
) -> Result<Vec<Prepared>, CellError> {
    let err = |row: Option<usize>, col: Option<usize>, message: String| CellError {
        source: source.to_string(),
        row,
        column: col.map(|c| (c + 1, table.headers.get(c).cloned().unwrap_or_default())),
        message,
    };
    // The header: every import column present once; nothing unknown.
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    let checks: &[&'static str] = if register == Register::TeamMembers { CHECK_KINDS } else { &[] };
    for (i, h) in table.headers.iter().enumerate() {
        let h = h.trim();
        if register.derived().contains(&h) {
            continue;
        }
        let Some(key) = register.columns().iter().chain(checks).find(|c| **c == h).copied() else {
            return Err(err(Some(1), Some(i), format!("unknown column \"{h}\" in a {} file", register.name())));
        };
        if index.insert(key, i).is_some() {
            return Err(err(Some(1), Some(i), format!("column \"{h}\" appears twice")));
        }
    }
    if let Some(missing) = register.columns().iter().find(|c| !index.contains_key(**c)) {
        return Err(err(
            Some(1),
            None,
            format!(
                "missing column \"{missing}\" (a {} file needs: {})",
                register.name(),
                register.columns().join(", ")
            ),
        ));
    }
    // Ids the engagement has, and those the rows may refer to.
    let ids = |sql: &str| -> Result<HashSet<i64>, CellError> {
        conn.prepare(sql)
            .and_then(|mut s| s.query_map([engagement], |r| r.get(0))?.collect::<rusqlite::Result<HashSet<i64>>>())
            .map_err(|e| err(None, None, e.to_string()))
    };
    let member_sql = "SELECT m.id FROM team_member m JOIN provider p ON p.id = m.provider_id WHERE p.engagement_id = ?";
    let own = match register {
        Register::Risks => ids("SELECT id FROM risk WHERE engagement_id = ?")?,
        Register::TeamMembers => ids(member_sql)?,
        Register::Assets => ids("SELECT id FROM asset WHERE engagement_id = ?")?,
    };
    let engagement_providers = ids("SELECT id FROM provider WHERE engagement_id = ?")?;
    let engagement_members = ids(member_sql)?;
    let mut seen: HashSet<i64> = HashSet::new();
    let mut out = Vec::with_capacity(table.rows.len());
    for (line, cells) in &table.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = Some(*line);
        let cell = |col: &str| -> (usize, &str) {
            let i = index[col];
            (i, cells.get(i).map_or("", |s| s.as_str()))
        };
        if let Some(extra) = (table.headers.len()..cells.len()).find(|&i| !cells[i].trim().is_empty()) {
            return Err(CellError {
                source: source.to_string(),
                row: line,
                column: Some((extra + 1, String::new())),
                message: format!(
                    "this row has a value beyond the last column of the header ({} columns); nothing is ignored \
                     silently, so remove the extra cells or name their column",
                    table.headers.len()
                ),
            });
        }
        for (i, c) in cells.iter().enumerate() {
            let n = c.chars().count();
            if n > LONG_TEXT_MAX {
                return Err(err(line, Some(i), format!("cell too large: {n} characters (at most {LONG_TEXT_MAX})")));
            }
        }
        let (ic, id_text) = cell("id");
        let id = match id_text.trim() {
            "" => None,
            t => {
                let id = t
                    .parse::<i64>()
                    .map_err(|_| err(line, Some(ic), format!("the id must be a whole number, not \"{t}\"")))?;
                if !own.contains(&id) {
                    return Err(err(
                        line,
                        Some(ic),
                        format!(
                            "unknown id {id}: this engagement has no such {} (leave the id blank to add one)",
                            register.name().trim_end_matches('s').replace('_', " ")
                        ),
                    ));
                }
                if !seen.insert(id) {
                    return Err(err(line, Some(ic), format!("duplicate id {id}: it is on an earlier row too")));
                }
                Some(id)
            }
        };
        let mut values: Vec<(&'static str, Value)> = Vec::new();
        for f in register.fields() {
            let (i, text) = cell(f.key);
            let text = match f.kind {
                FieldKind::Text { .. } | FieldKind::LongText if table.formula_guards => unguard_formula(text),
                _ => text,
            };
            let v = f.parse_imported(text, today).map_err(|e| err(line, Some(i), e))?;
            let v = match f.kind {
                FieldKind::Enum(_) if v == Value::text("") => Value::Null,
                _ => v,
            };
            let refers = match f.key {
                "provider_id" => Some((&engagement_providers, "provider")),
                "backup_for" | "holder_id" => Some((&engagement_members, "team member")),
                _ => None,
            };
            if let (Some((set, what)), Some(n)) = (refers, v.as_i64())
                && !set.contains(&n)
            {
                return Err(err(line, Some(i), format!("unknown id {n}: this engagement has no such {what}")));
            }
            if let ("catalog_ref", Value::Text(r)) = (f.key, &v)
                && catalog::catalog().get(r).is_none()
            {
                return Err(err(line, Some(i), format!("\"{r}\" is not the id of an item of the catalog")));
            }
            values.push((f.key, v));
        }
        if register == Register::Risks {
            Risk::check(&values).map_err(|(key, msg)| err(line, Some(index[key]), msg))?;
            Risk::check_acceptance(&values).map_err(|(key, msg)| err(line, Some(index[key]), msg))?;
        }
        let mut checks = Vec::new();
        if register == Register::TeamMembers {
            for kind in CHECK_KINDS {
                if let Some(&i) = index.get(kind) {
                    let text = cells.get(i).map_or("", |s| s.as_str());
                    let spec = FieldSpec::new(kind, kind, CHECK_FIELD);
                    let v = spec.parse_imported(text, today).map_err(|e| err(line, Some(i), e))?;
                    if !v.is_null() {
                        checks.push((*kind, v));
                    }
                }
            }
        }
        out.push(Prepared { id, values, checks });
    }
    Ok(out)
}

/// Imports the rows of `table` into `register` of `engagement`, all or nothing.
pub fn import(
    store: &mut Store,
    engagement: i64,
    register: Register,
    table: &Table2,
    source: &str,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    import_many(store, engagement, &[(register, table, source)], today, progress)
}

/// Imports several tables (the sheets of a workbook) in one transaction.
pub fn import_many(
    store: &mut Store,
    engagement: i64,
    tables: &[(Register, &Table2, &str)],
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    let mut prepared = Vec::new();
    for (register, table, source) in tables {
        prepared.push((*register, prepare(store.conn(), engagement, *register, table, source, today)?));
    }
    let total: usize = prepared.iter().map(|(_, p)| p.len()).sum();
    let result = store.write(|w| {
        let mut applied = Applied::default();
        let mut done = 0;
        for (register, rows) in &prepared {
            for row in rows {
                let changed = match row.id {
                    Some(id) => {
                        let n = w.update(register.table(), id, &row.values)?;
                        if n > 0 {
                            applied.updated += 1;
                        }
                        n
                    }
                    None => {
                        let mut all = row.values.clone();
                        if *register != Register::TeamMembers {
                            all.insert(0, ("engagement_id", Value::Int(engagement)));
                        }
                        let id = w.insert(register.table(), &all)?;
                        applied.added += 1;
                        set_checks(w, id, &row.checks)?;
                        done += 1;
                        if done % 200 == 0 || done == total {
                            progress(done, total);
                        }
                        continue;
                    }
                };
                let checks_changed = match row.id {
                    Some(id) => set_checks(w, id, &row.checks)?,
                    None => 0,
                };
                if changed == 0 && checks_changed > 0 {
                    applied.updated += 1;
                } else if changed == 0 {
                    applied.unchanged += 1;
                }
                done += 1;
                if done % 200 == 0 || done == total {
                    progress(done, total);
                }
            }
        }
        Ok(applied)
    });
    result.map_err(|e| CellError {
        source: String::new(),
        row: None,
        column: None,
        message: format!("not imported: {e}"),
    })
}

/// Sets the status of a member's checks, adding the checks not yet recorded. Returns how many changed.
fn set_checks(w: &mut super::Writer<'_>, member: i64, checks: &[(&'static str, Value)]) -> rusqlite::Result<usize> {
    let mut changed = 0;
    for (kind, status) in checks {
        let existing: Option<i64> = rusqlite::OptionalExtension::optional(w.tx().query_row(
            "SELECT id FROM vetting_check WHERE member_id = ? AND kind = ?",
            rusqlite::params![member, kind],
            |r| r.get(0),
        ))?;
        match existing {
            Some(id) => changed += w.update(Table::VettingCheck, id, &[("status", status.clone())])?,
            None => {
                w.insert(
                    Table::VettingCheck,
                    &[("member_id", Value::Int(member)), ("kind", Value::text(*kind)), ("status", status.clone())],
                )?;
                changed += 1;
            }
        }
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(1), "A");
        assert_eq!(column_letter(26), "Z");
        assert_eq!(column_letter(27), "AA");
        assert_eq!(column_letter(52), "AZ");
    }
}
