//! The registers of an engagement as flat tables (one per register, a header row and one row per record), for CSV
//! and XLSX, and the import of every one of them back from such tables.
//!
//! An import is planned before anything is written ([`plan`]): a row with an id updates that record (only changed
//! fields are written and audited); a row without one is matched by the register's natural key (asset tag, member
//! name within the provider, risk title, …) or else added; records the file no longer lists are removed only when
//! asked. Ids that are unknown in the engagement, or given twice, are refused, and so is a natural key that names
//! several records. Every cell is checked by its field's rules and every changed record by its form's checks; a
//! changed read-only (worked-out) cell is reported. [`apply`] writes the plan in one transaction.

use std::collections::{HashMap, HashSet};
use std::fmt;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::bundle::{Progress, SENSITIVE_CHECKS};
use super::{Store, Table, checklist, criteria, providers, risks, scores};
use crate::catalog;
use crate::domain::assets::{Asset as AssetForm, Grant as GrantForm, resolve_holder};
use crate::domain::fields::{FieldKind, FieldSpec, LONG_TEXT_MAX, is_iso_date, unguard_formula};
use crate::domain::risk_entity::{TREATMENT_CHOICES, TREATMENT_STATUSES};
use crate::domain::scorecard::{CriterionIn, Grid, MAX_SCORE, MAX_WEIGHT, ProviderIn, rank};
use crate::domain::vetting::{CheckKind, TeamMember, VettingCheck};
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

/// The members of each provider of `members`, as the vetting forms see them.
fn teams(conn: &Connection, members: &[Member]) -> rusqlite::Result<HashMap<i64, Vec<TeamMember>>> {
    let mut out: HashMap<i64, Vec<TeamMember>> = HashMap::new();
    for m in members {
        if let std::collections::hash_map::Entry::Vacant(e) = out.entry(m.provider_id) {
            e.insert(super::vetting::members(conn, m.provider_id)?);
        }
    }
    Ok(out)
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
const MEMBER_DERIVED: &[&str] = &["provider", "backup"];
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
    // The backup as the vetting form names them: "Name", or "Name (Role)" where the provider has two of that name.
    let teams = teams(conn, &members)?;
    let backup = |m: &Member| -> Value {
        let team = teams.get(&m.provider_id).map_or(&[][..], Vec::as_slice);
        Value::from(m.backup_for.and_then(|b| team.iter().find(|t| t.id == b)).map(|b| b.handle(team)))
    };
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
                backup(m),
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
            // One yes/no convention across the sheets: the words, as the must-have column writes them.
            row.extend(keys.iter().map(|k| match (*k, p.value(k)) {
                ("scope_covers_service" | "agrees_policies" | "agrees_audit", v) => {
                    Value::text(if v.as_i64() == Some(1) { "yes" } else { "no" })
                }
                (_, v) => v,
            }));
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

    fn table(self) -> Table {
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

    /// The columns a sheet of this register has (the scores sheet adds one per provider, named "Name (#id)").
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

    /// What a row without an id is matched by, in words.
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

    /// The column holding the row's id.
    fn id_column(self) -> &'static str {
        if self == Register::Scores { "criterion_id" } else { "id" }
    }
}

/// What a column of a sheet is, and what an import does with it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Role {
    /// The record's id: blank for a new row.
    Id,
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

    /// Whether an import reads this column.
    pub fn editable(&self) -> bool {
        !matches!(self.role, Role::ReadOnly)
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
const fn ro(key: &'static str, label: &'static str) -> Column {
    Column::new(key, label, Role::ReadOnly)
}

const ANY_ID: FieldKind = FieldKind::Number { min: 1, max: i64::MAX };
const PROVIDER_STATUSES: &[&str] = crate::domain::provider::PROVIDER_STATUSES;
const CHECKLIST_STATUSES: &[&str] = &["open", "done", "not_applicable"];
const GRANT_KINDS: &[&str] = crate::domain::assets::GRANT_KINDS;

const RISK_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    edit("catalog_ref", "Catalog reference", FieldKind::Text { max: 40 }),
    required("title", "Title", FieldKind::Text { max: 200 }),
    edit("description", "Description", FieldKind::LongText),
    required("likelihood", "Likelihood (1-5)", FieldKind::Number { min: 1, max: 5 }),
    required("impact_c", "Impact on confidentiality (0-5)", FieldKind::Number { min: 0, max: 5 }),
    required("impact_i", "Impact on integrity (0-5)", FieldKind::Number { min: 0, max: 5 }),
    required("impact_a", "Impact on availability (0-5)", FieldKind::Number { min: 0, max: 5 }),
    edit("treatment", "Treatment", FieldKind::Enum(TREATMENT_CHOICES)),
    edit("plan", "Treatment plan", FieldKind::LongText),
    edit("owner", "Owner", FieldKind::Text { max: 120 }),
    edit("due_date", "Due date", FieldKind::Date),
    required("status", "Status", FieldKind::Enum(TREATMENT_STATUSES)),
    edit("residual_likelihood", "Residual likelihood (1-5)", FieldKind::Number { min: 1, max: 5 }),
    edit("residual_c", "Residual confidentiality (0-5)", FieldKind::Number { min: 0, max: 5 }),
    edit("residual_i", "Residual integrity (0-5)", FieldKind::Number { min: 0, max: 5 }),
    edit("residual_a", "Residual availability (0-5)", FieldKind::Number { min: 0, max: 5 }),
    edit("accepted_by", "Accepted by", FieldKind::Text { max: 120 }),
    edit("accepted_at", "Accepted on", FieldKind::Date),
    edit("review_date", "Review by", FieldKind::Date),
    ro("inherent_level", "Inherent level"),
    ro("inherent_band", "Inherent band"),
    ro("residual_band", "Residual band"),
    ro("acceptance", "Acceptance"),
];

const MEMBER_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("provider_id", "Provider id", ANY_ID),
    required("name", "Name", FieldKind::Text { max: 120 }),
    edit("role", "Role", FieldKind::Text { max: 120 }),
    edit("backup_for", "Backs up (member id)", ANY_ID),
    edit("joined", "Joined", FieldKind::Date),
    edit("left_on", "Left on", FieldKind::Date),
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

const CHECK_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("member_id", "Member id", ANY_ID),
    col("member", "Member", Role::Name { into: "member_id", of: Named::Member }),
    required("kind", "Kind of check", FieldKind::Enum(CHECK_KINDS)),
    required("status", "Status", FieldKind::Enum(CHECK_STATUSES)),
    edit("checked_on", "Checked on", FieldKind::Date),
    edit("verifier", "Verifier", FieldKind::Text { max: 120 }),
    edit("evidence", "Evidence", FieldKind::LongText),
    edit("reference_count", "References received", FieldKind::Number { min: 0, max: 99 }),
    edit("note", "Note / reason", FieldKind::LongText),
];

const ASSET_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("tag", "Tag", FieldKind::Text { max: 80 }),
    edit("description", "Description", FieldKind::LongText),
    required("kind", "Kind", FieldKind::Enum(ASSET_KINDS)),
    edit("classification", "Classification", FieldKind::Text { max: 80 }),
    edit("holder_id", "Holder id", ANY_ID),
    edit("handed_over", "Handed over on", FieldKind::Date),
    edit("accepted_by", "Accepted by (provider)", FieldKind::Text { max: 120 }),
    edit("expected_return", "Expected return", FieldKind::Date),
    edit("returned_on", "Returned or destroyed on", FieldKind::Date),
    edit("disposition", "Disposition", FieldKind::Enum(DISPOSITIONS)),
    edit("verified_by", "Verified by", FieldKind::Text { max: 120 }),
    edit("condition", "Condition", FieldKind::Text { max: 200 }),
    edit("certificate", "Destruction certificate", FieldKind::Text { max: 120 }),
    col("holder", "Holder", Role::Name { into: "holder_id", of: Named::Member }),
];

const GRANT_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    edit("holder_id", "Holder id", ANY_ID),
    col("holder", "Holder", Role::Name { into: "holder_id", of: Named::Member }),
    edit("holder_name", "Holder (not a team member)", FieldKind::Text { max: 120 }),
    required("target", "Account / system / area", FieldKind::Text { max: 200 }),
    required("kind", "Kind", FieldKind::Enum(GRANT_KINDS)),
    edit("granted_on", "Granted on", FieldKind::Date),
    edit("revoked_on", "Revoked on", FieldKind::Date),
    edit("verified_by", "Revocation verified by", FieldKind::Text { max: 120 }),
];

const PROVIDER_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("name", "Name", FieldKind::Text { max: 120 }),
    required("status", "Status", FieldKind::Enum(PROVIDER_STATUSES)),
    edit("cert_body", "Certification body", FieldKind::Text { max: 120 }),
    edit("cert_number", "Certificate number", FieldKind::Text { max: 80 }),
    edit("cert_expiry", "Certificate expiry", FieldKind::Date),
    edit("cert_scope", "Certified scope", FieldKind::LongText),
    edit("scope_covers_service", "Scope covers service", FieldKind::YesNo),
    edit("agrees_policies", "Agrees to policies", FieldKind::YesNo),
    edit("agrees_audit", "Agrees to audit", FieldKind::YesNo),
    edit("focal_point", "Focal point", FieldKind::Text { max: 120 }),
    edit("decision_reason", "Reason for the decision", FieldKind::LongText),
    ro("decided_by", "Decided by"),
    ro("decided_at", "Decided at"),
    ro("rank", "Rank"),
    ro("total", "Weighted total"),
    ro("passes_gates", "Passes the gates"),
];

const SCORE_SHEET: &[Column] = &[
    col("criterion_id", "Criterion id", Role::Id),
    ro("catalog_ref", "Catalog reference"),
    col(
        "criterion",
        "Criterion",
        Role::Edit(FieldSpec::new("text", "Criterion", FieldKind::Text { max: 200 }).required()),
    ),
    required("weight", "Weight (0-10)", FieldKind::Number { min: 0, max: MAX_WEIGHT as i64 }),
    edit("must_have", "Must-have", FieldKind::YesNo),
];

const CHECKLIST_SHEET: &[Column] = &[
    col("id", "Id", Role::Id),
    required("catalog_ref", "Catalog reference", FieldKind::Text { max: 40 }),
    ro("title", "Obligation"),
    ro("phase", "Phase"),
    required("status", "Status", FieldKind::Enum(CHECKLIST_STATUSES)),
    edit("note", "Note", FieldKind::LongText),
    ro("done_at", "Done on"),
    ro("done_by", "Done by"),
];

/// The score a provider's column of the scores sheet holds.
const SCORE_FIELD: FieldSpec = FieldSpec::new("score", "Score", FieldKind::Number { min: 0, max: MAX_SCORE as i64 });
const CHECK_FIELD: FieldSpec = FieldSpec::new("status", "Status", FieldKind::Enum(CHECK_STATUSES));

/// What a cell says when its value was withheld from the export: on import it leaves the stored value as it is.
pub const WITHHELD: &str = "withheld";

/// The provider a scores column header names: "Name (#id)".
pub fn score_column(header: &str) -> Option<i64> {
    let h = header.trim();
    let open = h.rfind("(#")?;
    h[open + 2..].strip_suffix(')')?.parse().ok()
}

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
    pub id: Option<i64>,
    /// The record in words (its title, name or tag).
    pub label: String,
    /// Whether a row without an id was matched by the register's natural key.
    pub by_natural_key: bool,
    pub changes: Vec<Change>,
}

/// A write an import makes.
#[derive(Debug, Clone, PartialEq)]
enum Op {
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
    ops: Vec<Op>,
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
            out.push_str(&format!(
                "{} ({}): {} to add, {} to update, {} to remove, {} unchanged\n",
                s.register.title(),
                s.source,
                s.added.len(),
                s.updated.len(),
                if self.delete_missing { s.removed.len() } else { 0 },
                s.unchanged
            ));
            out.push_str(&format!(
                "  rows without an id are matched by {}{}\n",
                s.register.natural_key(),
                if keyed > 0 { format!(" ({keyed} matched so)") } else { String::new() }
            ));
            for r in &s.added {
                out.push_str(&format!("  + {}: {}\n", place(r), r.label));
            }
            for r in &s.updated {
                out.push_str(&format!("  ~ {}: {}\n", place(r), r.label));
                for c in &r.changes {
                    out.push_str(&format!("      {}: {} → {}\n", c.column, shown(&c.old), shown(&c.new)));
                }
            }
            for r in &s.removed {
                if self.delete_missing {
                    out.push_str(&format!("  - {}: {}\n", place(r), r.label));
                } else {
                    out.push_str(&format!(
                        "  kept (not in the file; --delete-missing removes it): {}: {}\n",
                        place(r),
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

    /// The read-only cells the file changed, over all sheets.
    pub fn read_only_changes(&self) -> Vec<String> {
        self.sheets.iter().flat_map(|s| s.read_only.iter().map(move |w| format!("{}: {w}", s.source))).collect()
    }
}

fn place(r: &RowPlan) -> String {
    match (r.line, r.id) {
        (Some(l), Some(id)) if r.by_natural_key => format!("row {l} (id {id}, matched by key)"),
        (Some(l), Some(id)) => format!("row {l} (id {id})"),
        (Some(l), None) => format!("row {l}"),
        (None, Some(id)) => format!("id {id}"),
        (None, None) => String::new(),
    }
}

fn shown(s: &str) -> String {
    if s.is_empty() { "(blank)".into() } else { format!("“{s}”") }
}

/// Whether a stored value and an imported one are the same (a number stored as text equals the number).
fn same(old: &Value, new: &Value) -> bool {
    match (old, new) {
        (Value::Int(a), Value::Text(b)) | (Value::Text(b), Value::Int(a)) => b.trim().parse::<i64>().ok() == Some(*a),
        (Value::Text(t), Value::Null) | (Value::Null, Value::Text(t)) => t.trim().is_empty(),
        _ => old == new,
    }
}

/// A date cell as `YYYY-MM-DD`: as written, or from `DD/MM/YYYY` / `DD.MM.YYYY` when the file says dates are
/// day-first. A year of two digits is refused rather than guessed.
fn iso_date(text: &str, format: DateFormat) -> Result<String, String> {
    let s = text.trim();
    if s.is_empty() || is_iso_date(s) || format == DateFormat::Iso {
        return Ok(s.to_string());
    }
    let parts: Vec<&str> = s.split(['/', '.']).collect();
    let digits = |p: &str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    match parts.as_slice() {
        [d, m, y] if digits(d) && digits(m) && digits(y) && d.len() <= 2 && m.len() <= 2 && y.len() == 4 => {
            let (d, m, y) = (d.parse().unwrap_or(0), m.parse().unwrap_or(0), y.parse().unwrap_or(0));
            NaiveDate::from_ymd_opt(y, m, d)
                .map(|d| d.to_string())
                .ok_or_else(|| format!("\"{s}\" is not a date (DD/MM/YYYY)"))
        }
        [_, _, y] if digits(y) && y.len() < 4 => {
            Err(format!("\"{s}\" has a year of {} digits: write the year in full (DD/MM/YYYY)", y.len()))
        }
        _ => Err(format!("a date as DD/MM/YYYY, DD.MM.YYYY or YYYY-MM-DD, not \"{s}\"")),
    }
}

/// Parses one cell by its field's rules, accepting a choice as the label people see ("in progress") as well as
/// its stored value.
fn parse_cell(spec: &FieldSpec, text: &str, today: NaiveDate, dates: DateFormat) -> Result<Value, String> {
    let s = text.trim();
    let v = match spec.kind {
        FieldKind::Enum(options) => {
            match options.iter().find(|o| o.eq_ignore_ascii_case(s) || choice_label(o).eq_ignore_ascii_case(s)) {
                Some(o) => Value::text(*o),
                None => spec.parse_imported(s, today)?,
            }
        }
        FieldKind::Date => spec.parse_imported(&iso_date(s, dates)?, today)?,
        _ => spec.parse_imported(s, today)?,
    };
    Ok(match (spec.kind, v) {
        (FieldKind::Enum(_), Value::Text(t)) if t.is_empty() => Value::Null,
        (_, v) => v,
    })
}

/// The engagement as it stands: what the file is compared with.
struct Current {
    sheets: HashMap<&'static str, Sheet>,
    providers: Vec<(i64, String)>,
    /// (id, name, provider name).
    members: Vec<(i64, String, String)>,
    /// Each provider's members, as the vetting forms see them.
    teams: HashMap<i64, Vec<TeamMember>>,
}

impl Current {
    fn load(conn: &Connection, engagement: i64, today: NaiveDate) -> rusqlite::Result<Current> {
        let sheets = sheets(conn, engagement, today, true)?.into_iter().map(|s| (s.name, s)).collect();
        let providers = providers::list(conn, engagement)?.into_iter().map(|p| (p.id, p.name)).collect();
        let ms = members(conn, engagement)?;
        let teams = teams(conn, &ms)?;
        Ok(Current { sheets, providers, members: ms.into_iter().map(|m| (m.id, m.name, m.provider)).collect(), teams })
    }

    /// The stored fields of a member's check of `kind` (none when it is not recorded).
    fn check(&self, member: i64, kind: &str) -> Vec<(&'static str, Value)> {
        let Some(sheet) = self.sheets.get("vetting_checks") else { return Vec::new() };
        let at = |k: &str| sheet.headers.iter().position(|h| h == k);
        let (Some(mi), Some(ki)) = (at("member_id"), at("kind")) else { return Vec::new() };
        let Some(row) = sheet.rows.iter().find(|r| r[mi].as_i64() == Some(member) && r[ki].to_string() == kind) else {
            return Vec::new();
        };
        CHECK_SHEET
            .iter()
            .filter_map(|c| match c.role {
                Role::Edit(spec) => at(c.key).map(|i| (spec.key, row[i].clone())),
                _ => None,
            })
            .collect()
    }

    /// The id a typed name means, as the forms resolve it; `provider` is the row's provider (for a backup).
    fn resolve(&self, of: Named, typed: &str, provider: Option<i64>) -> Result<Option<i64>, String> {
        match of {
            Named::Backup => {
                let team = provider.and_then(|p| self.teams.get(&p)).map_or(&[][..], Vec::as_slice);
                crate::domain::vetting::resolve_member(typed, team)
            }
            Named::Member => {
                let candidates: Vec<(&str, &str)> =
                    self.members.iter().map(|(_, n, p)| (n.as_str(), p.as_str())).collect();
                Ok(resolve_holder(&candidates, typed)?.map(|i| self.members[i].0))
            }
            Named::Provider => {
                let t = typed.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                let found: Vec<&(i64, String)> =
                    self.providers.iter().filter(|(_, n)| n.trim().eq_ignore_ascii_case(t)).collect();
                match found.as_slice() {
                    [(id, _)] => Ok(Some(*id)),
                    [] => Err(format!("no provider of this engagement is called “{t}”")),
                    many => Err(format!(
                        "{} providers are called “{t}”: give the provider id ({})",
                        many.len(),
                        many.iter().map(|(id, _)| id.to_string()).collect::<Vec<_>>().join(", ")
                    )),
                }
            }
        }
    }
}

/// How a file column maps onto the register.
#[derive(Clone, Copy)]
enum Mapped {
    Col(&'static Column),
    Score(i64),
}

fn key_text(values: &[&Value]) -> String {
    values.iter().map(|v| v.to_string().trim().to_lowercase()).collect::<Vec<_>>().join("\u{1f}")
}

/// Works out what importing the tables would do, checking every cell by its field's rules; nothing is written.
pub fn plan(
    conn: &Connection,
    engagement: i64,
    tables: &[(Register, &Table2, &str)],
    today: NaiveDate,
    options: Options,
) -> Result<Plan, CellError> {
    let current = Current::load(conn, engagement, today).map_err(|e| CellError {
        source: String::new(),
        row: None,
        column: None,
        message: e.to_string(),
    })?;
    let mut sheets = Vec::new();
    for (register, table, source) in tables {
        sheets.push(plan_sheet(&current, *register, table, source, today, options)?);
    }
    Ok(Plan { sheets, delete_missing: options.delete_missing })
}

fn plan_sheet(
    current: &Current,
    register: Register,
    table: &Table2,
    source: &str,
    today: NaiveDate,
    options: Options,
) -> Result<SheetPlan, CellError> {
    let err = |row: Option<usize>, col: Option<usize>, message: String| CellError {
        source: source.to_string(),
        row,
        column: col.map(|c| (c + 1, table.headers.get(c).cloned().unwrap_or_default())),
        message,
    };
    let empty = Sheet { name: register.name(), headers: Vec::new(), rows: Vec::new() };
    let cur = current.sheets.get(register.name()).unwrap_or(&empty);
    let cur_ix: HashMap<&str, usize> = cur.headers.iter().enumerate().map(|(i, h)| (h.as_str(), i)).collect();
    let provider_ids: HashSet<i64> = current.providers.iter().map(|(id, _)| *id).collect();
    let member_ids: HashSet<i64> = current.members.iter().map(|(id, _, _)| *id).collect();

    // The header: each column known, once; machine keys and the headers people read are both accepted.
    let mut mapped: Vec<Mapped> = Vec::new();
    let mut at: HashMap<&'static str, usize> = HashMap::new();
    let mut score_at: Vec<(i64, usize)> = Vec::new();
    for (i, h) in table.headers.iter().enumerate() {
        let h = h.trim();
        let m = if let Some(c) = register.columns().iter().find(|c| c.key == h || c.label.eq_ignore_ascii_case(h)) {
            if at.insert(c.key, i).is_some() {
                return Err(err(Some(1), Some(i), format!("column \"{h}\" appears twice")));
            }
            Mapped::Col(c)
        } else if let (Register::Scores, Some(p)) = (register, score_column(h)) {
            if !provider_ids.contains(&p) {
                return Err(err(Some(1), Some(i), format!("unknown provider id {p} in the column \"{h}\"")));
            }
            if score_at.iter().any(|(q, _)| *q == p) {
                return Err(err(Some(1), Some(i), format!("column \"{h}\" appears twice")));
            }
            score_at.push((p, i));
            Mapped::Score(p)
        } else {
            return Err(err(
                Some(1),
                Some(i),
                format!(
                    "unknown column \"{h}\" in a {} file (its columns: {})",
                    register.name(),
                    register.columns().iter().map(|c| c.key).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        mapped.push(m);
    }
    let id_key = register.id_column();
    if !at.contains_key(id_key)
        && !register
            .key_columns()
            .iter()
            .all(|k| at.contains_key(k) || name_for(register, k).is_some_and(|n| at.contains_key(n)))
    {
        return Err(err(
            Some(1),
            None,
            format!(
                "missing column \"{id_key}\": without it rows are matched by {}, whose columns ({}) are missing too",
                register.natural_key(),
                register.key_columns().join(", ")
            ),
        ));
    }

    // The records as they stand, by id and by natural key.
    let cur_id = cur_ix.get(id_key).copied();
    let by_id: HashMap<i64, usize> =
        cur.rows.iter().enumerate().filter_map(|(n, r)| Some((cur_id.and_then(|i| r[i].as_i64())?, n))).collect();
    let cur_key = |r: &Vec<Value>| -> String {
        key_text(
            &register.key_columns().iter().map(|k| cur_ix.get(k).map_or(&Value::Null, |&i| &r[i])).collect::<Vec<_>>(),
        )
    };
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (n, r) in cur.rows.iter().enumerate() {
        by_key.entry(cur_key(r)).or_default().push(n);
    }

    let mut plan = SheetPlan {
        register,
        source: source.to_string(),
        added: Vec::new(),
        updated: Vec::new(),
        removed: Vec::new(),
        unchanged: 0,
        ambiguous: Vec::new(),
        read_only: Vec::new(),
        ops: Vec::new(),
    };
    // Which file row claimed each record, and the natural keys of the rows added.
    let mut claimed: HashMap<usize, usize> = HashMap::new();
    let mut new_keys: HashMap<String, usize> = HashMap::new();
    let mut first = true;
    for (line, cells) in &table.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A workbook saved as CSV keeps both header rows: the stored keys, then the headers people read.
        if std::mem::take(&mut first) && is_label_row(&mapped, cells) {
            continue;
        }
        let line_no = *line;
        let line = Some(*line);
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
        let text = |i: usize| -> &str {
            let t = cells.get(i).map_or("", |s| s.as_str());
            if table.formula_guards { unguard_formula(t) } else { t }
        };
        // The id.
        let mut row_at: Option<usize> = None;
        if let Some(&ic) = at.get(id_key) {
            let t = text(ic).trim();
            if !t.is_empty() {
                let id = t
                    .parse::<i64>()
                    .map_err(|_| err(line, Some(ic), format!("the id must be a whole number, not \"{t}\"")))?;
                let Some(&n) = by_id.get(&id) else {
                    return Err(err(
                        line,
                        Some(ic),
                        format!(
                            "unknown id {id}: this engagement has no such {} (leave the id blank to add one)",
                            register.name().trim_end_matches('s').replace('_', " ")
                        ),
                    ));
                };
                if claimed.contains_key(&n) {
                    return Err(err(line, Some(ic), format!("duplicate id {id}: it is on an earlier row too")));
                }
                row_at = Some(n);
            }
        }
        // The values the file gives, by column key. A withheld cell gives none.
        let withheld_row = register == Register::VettingChecks
            && at.get("status").is_some_and(|&i| text(i).trim().eq_ignore_ascii_case(WITHHELD));
        let mut given: HashMap<&'static str, (usize, Value)> = HashMap::new();
        let mut checks_given: Vec<(&'static str, usize, Value)> = Vec::new();
        let mut scores_given: Vec<(i64, usize, Option<i64>)> = Vec::new();
        let mut names: Vec<(&'static Column, usize, String)> = Vec::new();
        let mut fixed_cells: Vec<(usize, &'static str, String)> = Vec::new();
        for (i, m) in mapped.iter().enumerate() {
            let t = text(i);
            match m {
                Mapped::Score(p) => {
                    let v =
                        parse_cell(&SCORE_FIELD, t, today, options.date_format).map_err(|e| err(line, Some(i), e))?;
                    scores_given.push((*p, i, v.as_i64()));
                }
                Mapped::Col(c) => match c.role {
                    Role::Id => {}
                    Role::ReadOnly => fixed_cells.push((i, c.key, t.trim().to_string())),
                    Role::Check(kind) => {
                        if t.trim().is_empty() || t.trim().eq_ignore_ascii_case(WITHHELD) {
                            continue;
                        }
                        let v =
                            parse_cell(&FieldSpec::new(c.key, c.key, CHECK_FIELD.kind), t, today, options.date_format)
                                .map_err(|e| err(line, Some(i), e))?;
                        checks_given.push((kind, i, v));
                    }
                    Role::Name { .. } => names.push((c, i, t.trim().to_string())),
                    Role::Edit(spec) => {
                        if withheld_row && matches!(c.key, "status" | "evidence" | "note") {
                            continue;
                        }
                        let v = parse_cell(&spec, t, today, options.date_format).map_err(|e| err(line, Some(i), e))?;
                        given.insert(c.key, (i, v));
                    }
                },
            }
        }
        // Names resolve as in the forms, when they say something the id column does not.
        for (c, i, typed) in &names {
            let Role::Name { into, of } = c.role else { continue };
            if typed.is_empty() {
                continue;
            }
            let stored = row_at.and_then(|n| cur_ix.get(c.key).map(|&ci| cur.rows[n][ci].to_string()));
            if stored.as_deref().is_some_and(|s| s.trim().eq_ignore_ascii_case(typed)) {
                continue;
            }
            let provider = given
                .get("provider_id")
                .and_then(|(_, v)| v.as_i64())
                .or_else(|| row_at.and_then(|n| cur_ix.get("provider_id").and_then(|&ci| cur.rows[n][ci].as_i64())));
            let id = current.resolve(of, typed, provider).map_err(|e| err(line, Some(*i), e))?;
            if of == Named::Backup
                && id.is_some()
                && id == row_at.and_then(|n| cur_id.and_then(|ci| cur.rows[n][ci].as_i64()))
            {
                return Err(err(line, Some(*i), "a member cannot back themselves up".into()));
            }
            given.insert(into, (*i, Value::from(id)));
        }
        // Match a row without an id by its natural key.
        let mut by_natural_key = false;
        if row_at.is_none() {
            let vals: Vec<Value> = register
                .key_columns()
                .iter()
                .map(|k| given.get(k).map(|(_, v)| v.clone()).unwrap_or(Value::Null))
                .collect();
            let key = key_text(&vals.iter().collect::<Vec<_>>());
            match by_key.get(&key).map(Vec::as_slice) {
                Some([n]) => {
                    if let Some(first) = claimed.get(n) {
                        return Err(err(
                            line,
                            None,
                            format!(
                                "this row and row {first} are the same {} (matched by {}): give each its id",
                                register.name().trim_end_matches('s').replace('_', " "),
                                register.natural_key()
                            ),
                        ));
                    }
                    row_at = Some(*n);
                    by_natural_key = true;
                }
                Some(many) if many.len() > 1 => {
                    let ids: Vec<String> = many
                        .iter()
                        .filter_map(|n| cur_id.and_then(|i| cur.rows[*n][i].as_i64()))
                        .map(|id| id.to_string())
                        .collect();
                    plan.ambiguous.push(format!(
                        "row {line_no}: {} records share this {} (ids {}): give the row its id",
                        many.len(),
                        register.natural_key(),
                        ids.join(", ")
                    ));
                    continue;
                }
                _ => {
                    if let Some(first) = new_keys.insert(key, line_no) {
                        return Err(err(
                            line,
                            None,
                            format!(
                                "this row and row {first} would add the same {} ({}): keep one",
                                register.name().trim_end_matches('s').replace('_', " "),
                                register.natural_key()
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(n) = row_at {
            claimed.insert(n, line_no);
        }
        // Read-only cells: compared with what the workbench works out, and reported when they differ.
        for (i, key, t) in &fixed_cells {
            let now = row_at.and_then(|n| cur_ix.get(key).map(|&ci| cur.rows[n][ci].to_string())).unwrap_or_default();
            let same_number = now.trim().parse::<f64>().ok().zip(t.parse::<f64>().ok()).is_some_and(|(a, b)| a == b);
            if now.trim() != t && !same_number && !(row_at.is_none() && t.is_empty()) {
                plan.read_only.push(format!(
                    "row {line_no}, column {} ({key}): the file says {}, the workbench has {}",
                    column_letter(i + 1),
                    shown(t),
                    shown(&now)
                ));
            }
        }
        // The whole record as it would stand, for the form's checks.
        let mut merged: Vec<(&'static str, Value)> = Vec::new();
        let mut changes: Vec<Change> = Vec::new();
        let mut write: Vec<(&'static str, Value)> = Vec::new();
        for c in register.columns() {
            let Role::Edit(spec) = c.role else { continue };
            let old = row_at.and_then(|n| cur_ix.get(c.key).map(|&ci| cur.rows[n][ci].clone())).map(|v| {
                match (spec.kind, &v) {
                    // A yes/no is shown as "yes" or "no" and stored as 1 or 0.
                    (FieldKind::YesNo, Value::Text(t)) => spec.parse(t, today).unwrap_or(v),
                    _ => v,
                }
            });
            let new = match (given.get(c.key), &old) {
                (Some((_, v)), _) => v.clone(),
                (None, Some(old)) => old.clone(),
                (None, None) => {
                    if withheld_row && matches!(c.key, "status" | "evidence" | "note") {
                        Value::Null
                    } else {
                        spec.parse("", today)
                            .map_err(|e| err(line, None, format!("{e} (the file has no {} column)", c.key)))?
                    }
                }
            };
            if let Some((i, v)) = given.get(c.key) {
                let refers = match c.key {
                    "provider_id" => Some((&provider_ids, "provider")),
                    "backup_for" | "holder_id" | "member_id" => Some((&member_ids, "team member")),
                    _ => None,
                };
                if let (Some((set, what)), Some(id)) = (refers, v.as_i64())
                    && !set.contains(&id)
                {
                    return Err(err(line, Some(*i), format!("unknown id {id}: this engagement has no such {what}")));
                }
                if let ("catalog_ref", Value::Text(r)) = (c.key, v)
                    && catalog::catalog().get(r).is_none()
                {
                    return Err(err(line, Some(*i), format!("\"{r}\" is not the id of an item of the catalog")));
                }
            }
            match &old {
                Some(old) if !same(old, &new) => {
                    if let (Some((i, _)), Some(why)) = (given.get(c.key), fixed(register, c.key)) {
                        return Err(err(line, Some(*i), why));
                    }
                    changes.push(Change { column: c.key.to_string(), old: spec.display(old), new: spec.display(&new) });
                    write.push((spec.key, new.clone()));
                }
                Some(_) => {}
                None => write.push((spec.key, new.clone())),
            }
            merged.push((spec.key, new));
        }
        let col_of = |key: &str| {
            register
                .columns()
                .iter()
                .find(|c| c.key == key || matches!(c.role, Role::Edit(spec) if spec.key == key))
                .and_then(|c| at.get(c.key).copied())
        };
        let checked = match register {
            Register::Risks => Risk::check(&merged).and_then(|_| Risk::check_acceptance(&merged)),
            Register::TeamMembers => TeamMember::check(&merged),
            Register::VettingChecks => {
                let kind = merged.iter().find(|(k, _)| *k == "kind").map(|(_, v)| v.to_string()).unwrap_or_default();
                match kind.parse::<CheckKind>() {
                    Ok(k) if !withheld_row => VettingCheck::check(k, &merged),
                    _ => Ok(()),
                }
            }
            Register::Assets => AssetForm::check(&merged),
            Register::AccessGrants => {
                let has = |k: &str| merged.iter().any(|(key, v)| *key == k && !v.is_null());
                if !has("holder_id") && !has("holder_name") {
                    Err(("holder_name", "give the holder: a team member's name, or a name in holder_name".to_string()))
                } else {
                    GrantForm::check(&merged)
                }
            }
            _ => Ok(()),
        };
        // A record the file leaves as it is stays as it is, even if it predates a rule of its form.
        if row_at.is_none() || !changes.is_empty() {
            checked.map_err(|(key, msg)| err(line, col_of(key), msg))?;
        }
        // The checks of a member and the scores of a criterion.
        let member = row_at.and_then(|n| cur_id.and_then(|i| cur.rows[n][i].as_i64()));
        let mut checks_write = Vec::new();
        for (kind, i, v) in checks_given {
            let old = row_at.and_then(|n| cur_ix.get(kind).map(|&ci| cur.rows[n][ci].clone())).unwrap_or(Value::Null);
            if !same(&old, &v) {
                // The check form's rules, on the check as it would stand (a waiver needs its reason, …).
                let mut check = member.map(|m| current.check(m, kind)).unwrap_or_default();
                check.retain(|(k, _)| *k != "status");
                check.push(("status", v.clone()));
                if let Ok(k) = kind.parse::<CheckKind>() {
                    VettingCheck::check(k, &check).map_err(|(_, msg)| {
                        err(line, Some(i), format!("{msg} (edit it in the vetting_checks sheet)"))
                    })?;
                }
                changes.push(Change { column: kind.to_string(), old: old.to_string(), new: v.to_string() });
                checks_write.push((kind, v));
            }
        }
        let mut scores_write = Vec::new();
        for (p, _, v) in scores_given {
            let header = cur.headers.iter().position(|h| score_column(h) == Some(p));
            let old = row_at.and_then(|n| header.map(|ci| cur.rows[n][ci].as_i64())).flatten();
            if old != v {
                changes.push(Change {
                    column: current
                        .providers
                        .iter()
                        .find(|(id, _)| *id == p)
                        .map_or(format!("#{p}"), |(_, n)| n.clone()),
                    old: old.map(|s| s.to_string()).unwrap_or_default(),
                    new: v.map(|s| s.to_string()).unwrap_or_default(),
                });
                scores_write.push((p, v));
            }
        }
        let label = row_label(register, &merged, current);
        match member.filter(|_| row_at.is_some()) {
            Some(id) => {
                if changes.is_empty() {
                    plan.unchanged += 1;
                } else {
                    plan.ops.push(Op::Update { id, values: write, checks: checks_write, scores: scores_write });
                    plan.updated.push(RowPlan { line, id: Some(id), label, by_natural_key, changes });
                }
            }
            None => {
                if register == Register::Checklist
                    && let Some((_, v)) = given.get("catalog_ref")
                    && let Value::Text(r) = v
                    && catalog::catalog().get(r).is_none()
                {
                    return Err(err(line, None, format!("\"{r}\" is not the id of an item of the catalog")));
                }
                let changes = merged
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| Change { column: (*k).to_string(), old: String::new(), new: v.to_string() })
                    .collect();
                plan.ops.push(Op::Insert { values: merged.clone(), checks: checks_write, scores: scores_write });
                plan.added.push(RowPlan { line, id: None, label, by_natural_key: false, changes });
            }
        }
    }
    // What the file no longer lists.
    for (n, r) in cur.rows.iter().enumerate() {
        if claimed.contains_key(&n) {
            continue;
        }
        let Some(id) = cur_id.and_then(|i| r[i].as_i64()) else { continue };
        let merged: Vec<(&'static str, Value)> = register
            .columns()
            .iter()
            .filter_map(|c| match c.role {
                Role::Edit(spec) => Some((spec.key, cur_ix.get(c.key).map_or(Value::Null, |&i| r[i].clone()))),
                _ => None,
            })
            .collect();
        plan.removed.push(RowPlan {
            line: None,
            id: Some(id),
            label: row_label(register, &merged, current),
            by_natural_key: false,
            changes: Vec::new(),
        });
        if options.delete_missing {
            plan.ops.push(Op::Delete { id });
        }
    }
    Ok(plan)
}

/// Whether a row repeats the header in words: each cell the label of its column (or the header itself).
fn is_label_row(mapped: &[Mapped], cells: &[String]) -> bool {
    let mut named = 0;
    for (m, cell) in mapped.iter().zip(cells) {
        let cell = cell.trim();
        if cell.is_empty() {
            continue;
        }
        let fits = match m {
            Mapped::Col(c) => c.label.eq_ignore_ascii_case(cell) || c.key == cell,
            Mapped::Score(p) => score_column(cell) == Some(*p),
        };
        if !fits {
            return false;
        }
        named += 1;
    }
    named > 0
}

/// Why a column of an existing record cannot change on import, if it cannot.
fn fixed(register: Register, key: &str) -> Option<String> {
    match (register, key) {
        (Register::VettingChecks, "member_id" | "kind") => {
            Some("a check stays with its member and kind: add a new row (without an id) instead".into())
        }
        (Register::Checklist, "catalog_ref") => {
            Some("a checklist row stays with its catalog item: add a row for the other item instead".into())
        }
        _ => None,
    }
}

/// The name column whose name gives `key` (an id column), if the register has one.
fn name_for(register: Register, key: &str) -> Option<&'static str> {
    register.columns().iter().find_map(|c| match c.role {
        Role::Name { into, .. } if into == key => Some(c.key),
        _ => None,
    })
}

/// A record in words, for the preview.
fn row_label(register: Register, values: &[(&'static str, Value)], current: &Current) -> String {
    let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string()).unwrap_or_default();
    let member =
        |id: String| current.members.iter().find(|(m, _, _)| m.to_string() == id).map_or(id, |(_, n, _)| n.clone());
    match register {
        Register::Risks | Register::Providers | Register::TeamMembers => {
            get(if register == Register::Risks { "title" } else { "name" })
        }
        Register::VettingChecks => format!("{} – {}", member(get("member_id")), get("kind")),
        Register::Assets => get("tag"),
        Register::AccessGrants => {
            let who = if get("holder_id").is_empty() { get("holder_name") } else { member(get("holder_id")) };
            format!("{} – {}", who, get("target"))
        }
        Register::Scores => get("text"),
        Register::Checklist => get("catalog_ref"),
    }
}

/// Applies a plan in one transaction, all or nothing. Refuses while a natural key is ambiguous.
pub fn apply(
    store: &mut Store,
    engagement: i64,
    plan: &Plan,
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    if let Some(s) = plan.sheets.iter().find(|s| !s.ambiguous.is_empty()) {
        return Err(CellError {
            source: s.source.clone(),
            row: None,
            column: None,
            message: format!("ambiguous rows, so nothing was matched: {}", s.ambiguous.join("; ")),
        });
    }
    let total: usize = plan.sheets.iter().map(|s| s.ops.len()).sum();
    let day = today.to_string();
    let result = store.write(|w| {
        let mut applied = Applied::default();
        let mut done = 0;
        for s in &plan.sheets {
            let register = s.register;
            applied.unchanged += s.unchanged;
            for op in &s.ops {
                match op {
                    Op::Insert { values, checks, scores: cells } => {
                        let mut all = values.clone();
                        if register.has_engagement() {
                            all.insert(0, ("engagement_id", Value::Int(engagement)));
                        }
                        stamp(w, register, &mut all, &day);
                        let id = w.insert(register.table(), &all)?;
                        set_checks(w, id, checks)?;
                        set_scores(w, id, cells)?;
                        applied.added += 1;
                    }
                    Op::Update { id, values, checks, scores: cells } => {
                        let mut all = values.clone();
                        stamp(w, register, &mut all, &day);
                        w.update(register.table(), *id, &all)?;
                        set_checks(w, *id, checks)?;
                        set_scores(w, *id, cells)?;
                        applied.updated += 1;
                    }
                    Op::Delete { id } => {
                        w.delete(register.table(), *id)?;
                        applied.removed += 1;
                    }
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

/// What a change of status records besides, as the forms do: who decided on a provider and when, when a checklist
/// item was done and by whom.
fn stamp(w: &super::Writer<'_>, register: Register, values: &mut Vec<(&'static str, Value)>, today: &str) {
    let Some(status) = values.iter().find(|(k, _)| *k == "status").map(|(_, v)| v.to_string()) else { return };
    match register {
        Register::Providers => {
            let decided = crate::domain::provider::is_decision(&status);
            values.push(("decided_by", if decided { Value::text(w.assessor()) } else { Value::Null }));
            values.push(("decided_at", if decided { Value::text(w.now()) } else { Value::Null }));
        }
        Register::Checklist => {
            let open = status == "open";
            values.push(("done_at", if open { Value::Null } else { Value::text(today) }));
            values.push(("done_by", if open { Value::Null } else { Value::text(w.assessor()) }));
        }
        _ => {}
    }
}

/// Sets a criterion's scores: a number scores the cell, a blank clears it.
fn set_scores(w: &mut super::Writer<'_>, criterion: i64, cells: &[(i64, Option<i64>)]) -> rusqlite::Result<()> {
    for (provider, score) in cells {
        match score {
            Some(s) => {
                scores::set(w, *provider, criterion, u8::try_from(*s).unwrap_or(MAX_SCORE))?;
            }
            None => {
                scores::clear(w, *provider, criterion)?;
            }
        }
    }
    Ok(())
}

/// Imports the rows of `table` into `register` of `engagement`, all or nothing; records the file leaves out stay.
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

/// Imports several tables (the sheets of a workbook) in one transaction; records the files leave out stay.
pub fn import_many(
    store: &mut Store,
    engagement: i64,
    tables: &[(Register, &Table2, &str)],
    today: NaiveDate,
    progress: Progress<'_>,
) -> Result<Applied, CellError> {
    let p = plan(store.conn(), engagement, tables, today, Options::default())?;
    apply(store, engagement, &p, today, progress)
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
