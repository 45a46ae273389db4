//! Personnel vetting of a provider's team: the seven checks, when a member is cleared, how a provider's team
//! clears as a whole, and the warnings about the roster (backups, leavers still holding assets or access, roles
//! one person must not combine).
//!
//! The rules, decided here once:
//! - All seven checks are required of every member who has not left.
//! - A check counts as satisfied when it **passed** — references only with at least [`MIN_REFERENCES`] references
//!   counted, the NDA only with the date it was signed — or was **waived** with a reason, or is **not permitted**
//!   by local law with a note saying so, which is accepted only for the criminal-record and credit checks.
//! - A member is cleared when every check is satisfied; a failed check makes the member "failed" whatever the rest.
//! - The provider's clearance counts the members still on the team (left on or before today are out of it).

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr;

use chrono::NaiveDate;
use strum::{AsRefStr, EnumIter, EnumString, IntoStaticStr, VariantNames};

use super::Value;
use super::fields::{FieldKind, FieldSpec};

/// The fewest references a references check needs to pass.
pub const MIN_REFERENCES: i64 = 2;

/// One of the seven checks, in the order of the grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
#[derive(VariantNames)]
pub enum CheckKind {
    References,
    CriminalRecord,
    CvAccuracy,
    Qualifications,
    Identity,
    Credit,
    NdaSigned,
}

impl CheckKind {
    /// Every kind, in grid order.
    pub const ALL: [CheckKind; 7] = [
        CheckKind::References,
        CheckKind::CriminalRecord,
        CheckKind::CvAccuracy,
        CheckKind::Qualifications,
        CheckKind::Identity,
        CheckKind::Credit,
        CheckKind::NdaSigned,
    ];

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            CheckKind::References => "References",
            CheckKind::CriminalRecord => "Criminal record",
            CheckKind::CvAccuracy => "Accuracy of the CV",
            CheckKind::Qualifications => "Academic and professional qualifications",
            CheckKind::Identity => "Identity document",
            CheckKind::Credit => "Credit check",
            CheckKind::NdaSigned => "NDA signed",
        }
    }

    /// The grid's column heading (at most six characters).
    pub fn short(self) -> &'static str {
        match self {
            CheckKind::References => "Refs",
            CheckKind::CriminalRecord => "Crim",
            CheckKind::CvAccuracy => "CV",
            CheckKind::Qualifications => "Quals",
            CheckKind::Identity => "ID",
            CheckKind::Credit => "Credit",
            CheckKind::NdaSigned => "NDA",
        }
    }

    /// A label short enough for a table's first column.
    pub fn short_label(self) -> &'static str {
        match self {
            CheckKind::References => "References",
            CheckKind::CriminalRecord => "Criminal record",
            CheckKind::CvAccuracy => "CV accuracy",
            CheckKind::Qualifications => "Qualifications",
            CheckKind::Identity => "Identity",
            CheckKind::Credit => "Credit",
            CheckKind::NdaSigned => "NDA signed",
        }
    }

    /// Position in [`Self::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// Whether every member needs this check (all seven do; kept as a rule so that a change is made here once).
    pub fn is_required(self) -> bool {
        true
    }

    /// Whether local law may forbid the check, so that "not permitted" (with a note) satisfies it.
    pub fn may_be_forbidden(self) -> bool {
        matches!(self, CheckKind::CriminalRecord | CheckKind::Credit)
    }
}

/// Whether the detail notes of this kind of check are private: hidden on screen until revealed, and left out of
/// exports unless asked for.
pub fn is_sensitive(kind: CheckKind) -> bool {
    matches!(kind, CheckKind::CriminalRecord | CheckKind::Credit)
}

/// Where one check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, EnumString, AsRefStr, IntoStaticStr, EnumIter)]
#[strum(serialize_all = "snake_case")]
#[derive(VariantNames)]
pub enum CheckStatus {
    #[default]
    Pending,
    Passed,
    Failed,
    Waived,
    NotPermitted,
}

impl CheckStatus {
    /// The stored values, in form order.
    pub const ALL: &'static [&'static str] = <CheckStatus as VariantNames>::VARIANTS;

    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Pending => "pending",
            CheckStatus::Passed => "passed",
            CheckStatus::Failed => "failed",
            CheckStatus::Waived => "waived",
            CheckStatus::NotPermitted => "not permitted by law",
        }
    }

    /// What the grid shows, readable without colour: a symbol and, but for pending, a letter.
    pub fn mark(self) -> &'static str {
        match self {
            CheckStatus::Pending => "·",
            CheckStatus::Passed => "✓P",
            CheckStatus::Failed => "✗F",
            CheckStatus::Waived => "W",
            CheckStatus::NotPermitted => "N",
        }
    }

    pub fn parse(s: &str) -> CheckStatus {
        CheckStatus::from_str(s).unwrap_or_default()
    }
}

/// One check of one member as stored (a check never recorded reads as pending with nothing filled in).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct VettingCheck {
    pub id: i64,
    pub member_id: i64,
    pub kind: Option<CheckKind>,
    pub status: CheckStatus,
    pub checked_on: Option<String>,
    pub verifier: Option<String>,
    pub evidence: Option<String>,
    pub reference_count: Option<i64>,
    pub note: Option<String>,
}

/// How a check counts towards clearance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CheckOutcome {
    Satisfied,
    /// Not (yet) satisfied, and why.
    Open(String),
    Failed,
}

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|s| s.trim().is_empty())
}

impl VettingCheck {
    /// Every field of the check form, in form order; [`Self::fields_for`] leaves out the count where it has no use.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("status", "Status", FieldKind::Enum(CheckStatus::ALL)).required(),
        FieldSpec::new("checked_on", "Date (signed, for the NDA)", FieldKind::Date),
        FieldSpec::new("verifier", "Verifier", FieldKind::Text { max: 120 }),
        FieldSpec::new("evidence", "Evidence", FieldKind::LongText),
        FieldSpec::new("reference_count", "References received", FieldKind::Number { min: 0, max: 99 }),
        FieldSpec::new("note", "Note / reason", FieldKind::LongText),
    ];

    /// The form's fields for a kind of check: the reference count only for references.
    pub fn fields_for(kind: CheckKind) -> Vec<FieldSpec> {
        Self::FIELDS.iter().filter(|f| f.key != "reference_count" || kind == CheckKind::References).copied().collect()
    }

    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "status" => Value::text(self.status.as_ref()),
            "checked_on" => opt(&self.checked_on),
            "verifier" => opt(&self.verifier),
            "evidence" => opt(&self.evidence),
            "reference_count" => Value::from(self.reference_count),
            "note" => opt(&self.note),
            _ => Value::Null,
        }
    }

    /// How this check counts, as a check of `kind`.
    pub fn outcome(&self, kind: CheckKind) -> CheckOutcome {
        match self.standing(kind) {
            Standing::Satisfied => CheckOutcome::Satisfied,
            Standing::Failed => CheckOutcome::Failed,
            Standing::Open(gap) => CheckOutcome::Open(gap.words(kind)),
        }
    }

    /// Whether this check, as a check of `kind`, counts: [`Self::outcome`] is `Satisfied`, worked out without
    /// writing why not (the overview counts this over every check of an engagement before its first frame).
    pub fn is_satisfied(&self, kind: CheckKind) -> bool {
        self.standing(kind) == Standing::Satisfied
    }

    /// The rule itself: how this check counts, as a check of `kind`, and what it lacks when it does not.
    fn standing(&self, kind: CheckKind) -> Standing {
        match self.status {
            CheckStatus::Pending => Standing::Open(Gap::Pending),
            CheckStatus::Failed => Standing::Failed,
            CheckStatus::Passed => {
                let refs = self.reference_count.unwrap_or(0);
                if kind == CheckKind::References && refs < MIN_REFERENCES {
                    Standing::Open(Gap::References(refs))
                } else if kind == CheckKind::NdaSigned && blank(&self.checked_on) {
                    Standing::Open(Gap::NdaUndated)
                } else {
                    Standing::Satisfied
                }
            }
            CheckStatus::Waived if blank(&self.note) => Standing::Open(Gap::WaivedWithoutReason),
            CheckStatus::Waived => Standing::Satisfied,
            CheckStatus::NotPermitted if !kind.may_be_forbidden() => Standing::Open(Gap::NotForbiddable),
            CheckStatus::NotPermitted if blank(&self.note) => Standing::Open(Gap::NoLawNamed),
            CheckStatus::NotPermitted => Standing::Satisfied,
        }
    }

    /// Checks a filled check form as a whole; the error names the field to fix.
    pub fn check(kind: CheckKind, values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let text = |k: &str| get(k).to_string().trim().to_string();
        match CheckStatus::parse(&text("status")) {
            CheckStatus::Waived if text("note").is_empty() => Err(("note", "give the reason for the waiver".into())),
            CheckStatus::NotPermitted if !kind.may_be_forbidden() => Err((
                "status",
                "only criminal-record and credit checks may be forbidden by law; waive it with a reason instead".into(),
            )),
            CheckStatus::NotPermitted if text("note").is_empty() => {
                Err(("note", "say which law forbids the check".into()))
            }
            CheckStatus::Passed
                if kind == CheckKind::References && get("reference_count").as_i64().unwrap_or(0) < MIN_REFERENCES =>
            {
                Err(("reference_count", format!("at least {MIN_REFERENCES} references are needed to pass")))
            }
            CheckStatus::Passed if kind == CheckKind::NdaSigned && text("checked_on").is_empty() => {
                Err(("checked_on", "give the date the NDA was signed".into()))
            }
            _ => Ok(()),
        }
    }
}

use super::plural as s;

/// One member of a provider's team.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TeamMember {
    pub id: i64,
    /// Its short number within the engagement (M-40).
    pub number: i64,
    pub provider_id: i64,
    pub name: String,
    pub role: Option<String>,
    /// The member this one stands in for.
    pub backup_for: Option<i64>,
    pub joined: Option<String>,
    pub left_on: Option<String>,
}

impl TeamMember {
    /// Every field of the member form, in form order. The backup is typed as the other member's name and resolved
    /// on save (see [`resolve_member`]); the store keeps the id.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("name", "Name", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("role", "Role", FieldKind::Text { max: 120 }),
        FieldSpec::new("backup_for", "Backs up (member's name)", FieldKind::Text { max: 160 }),
        FieldSpec::new("joined", "Joined", FieldKind::Date),
        FieldSpec::new("left_on", "Left on", FieldKind::Date),
    ];

    /// The stored value of a field (the backup as its id).
    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "name" => Value::text(&self.name),
            "role" => opt(&self.role),
            "backup_for" => Value::from(self.backup_for),
            "joined" => opt(&self.joined),
            "left_on" => opt(&self.left_on),
            _ => Value::Null,
        }
    }

    /// Whether the member has left by `today`.
    pub fn has_left(&self, today: NaiveDate) -> bool {
        day(self.left_on.as_deref()).is_some_and(|d| d <= today)
    }

    /// The roles the member holds: the role text split where it names several ("DBA, backup operator").
    pub fn roles(&self) -> Vec<String> {
        split_roles(self.role.as_deref().unwrap_or_default())
    }

    /// The name as the backup field shows it: "Name", or "Name (Role)" when another member has the same name.
    pub fn handle(&self, all: &[TeamMember]) -> String {
        let twins = all.iter().filter(|m| m.name.trim().eq_ignore_ascii_case(self.name.trim())).count();
        match (&self.role, twins > 1) {
            (Some(r), true) if !r.trim().is_empty() => format!("{} ({})", self.name.trim(), r.trim()),
            _ => self.name.trim().to_string(),
        }
    }

    /// Checks a filled member form: the dates in order.
    pub fn check(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let get = |k: &str| values.iter().find(|(key, _)| *key == k).map(|(_, v)| v.to_string());
        match (day(get("joined").as_deref()), day(get("left_on").as_deref())) {
            (Some(j), Some(l)) if l < j => Err(("left_on", "the member cannot leave before joining".into())),
            _ => Ok(()),
        }
    }
}

fn day(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(|s| super::fields::iso_day(s.trim()))
}

/// Splits a role text into the roles it names, on commas, semicolons, `+` and `&`; trimmed, lower-cased for
/// comparison.
pub fn split_roles(text: &str) -> Vec<String> {
    text.split([',', ';', '+', '&']).map(|r| r.trim().to_lowercase()).filter(|r| !r.is_empty()).collect()
}

/// Finds the member a typed name means: the "Name (Role)" handle, else the whole name, else the start of one name
/// (all ignoring case). `None` input (blank) means no backup.
pub fn resolve_member(typed: &str, members: &[TeamMember]) -> Result<Option<i64>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let lc = typed.to_lowercase();
    let by_handle: Vec<&TeamMember> = members.iter().filter(|m| m.handle(members).to_lowercase() == lc).collect();
    if let [m] = by_handle.as_slice() {
        return Ok(Some(m.id));
    }
    let by_name: Vec<&TeamMember> = members.iter().filter(|m| m.name.trim().to_lowercase() == lc).collect();
    match by_name.as_slice() {
        [m] => return Ok(Some(m.id)),
        [] => {}
        many => {
            return Err(format!(
                "{} members are named {typed}; write it as {}",
                many.len(),
                many.iter().map(|m| format!("“{}”", m.handle(members))).collect::<Vec<_>>().join(" or ")
            ));
        }
    }
    let by_prefix: Vec<&TeamMember> =
        members.iter().filter(|m| m.name.trim().to_lowercase().starts_with(&lc)).collect();
    match by_prefix.as_slice() {
        [m] => Ok(Some(m.id)),
        [] => Err(format!("no member of this provider is named “{typed}”")),
        many => Err(format!(
            "“{typed}” could be {}",
            many.iter().take(4).map(|m| m.handle(members)).collect::<Vec<_>>().join(", ")
        )),
    }
}

/// A member's standing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clearance {
    Cleared,
    /// This many checks are not satisfied yet (none failed).
    Open(usize),
    /// At least one check failed.
    Failed,
    /// The member has left the team and is not counted.
    Left,
}

impl Clearance {
    pub fn is_cleared(self) -> bool {
        self == Clearance::Cleared
    }
}

/// The checks of one member, in grid order (a missing one is pending).
pub type MemberChecks = [Option<VettingCheck>; 7];

/// How one member stands, given the checks recorded.
pub fn member_clearance(member: &TeamMember, checks: &MemberChecks, today: NaiveDate) -> Clearance {
    if member.has_left(today) {
        return Clearance::Left;
    }
    let mut open = 0;
    for kind in CheckKind::ALL.into_iter().filter(|k| k.is_required()) {
        match checks[kind.index()].as_ref().map(|c| c.outcome(kind)) {
            Some(CheckOutcome::Failed) => return Clearance::Failed,
            Some(CheckOutcome::Satisfied) => {}
            Some(CheckOutcome::Open(_)) | None => open += 1,
        }
    }
    if open == 0 { Clearance::Cleared } else { Clearance::Open(open) }
}

/// The required checks of a member still on the team that do not count (yet), in grid order: those never
/// recorded, those recorded but not satisfied (pending, or passed or waived without what they need), and those
/// failed (a failed check still has to be resolved, by a new check or by replacing the member). A member who has
/// left has nothing pending.
pub fn pending_kinds(member: &TeamMember, checks: &MemberChecks, today: NaiveDate) -> Vec<CheckKind> {
    let satisfied = |k: CheckKind| checks[k.index()].as_ref().is_some_and(|c| c.is_satisfied(k));
    still_to_count(member, today, satisfied).collect()
}

/// A provider's team as a whole: how many of the members still on it are cleared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TeamClearance {
    pub cleared: usize,
    pub failed: usize,
    /// Members still on the team.
    pub active: usize,
}

impl TeamClearance {
    pub fn of(clearances: &[Clearance]) -> TeamClearance {
        let active = clearances.iter().filter(|c| **c != Clearance::Left).count();
        let cleared = clearances.iter().filter(|c| c.is_cleared()).count();
        let failed = clearances.iter().filter(|c| **c == Clearance::Failed).count();
        TeamClearance { cleared, failed, active }
    }

    /// The share cleared, in whole percent (rounded down, so that 100 % means everyone); `None` with no one active.
    pub fn percent(&self) -> Option<usize> {
        (self.active > 0).then(|| self.cleared * 100 / self.active)
    }

    /// "12/20 cleared (60 %)".
    pub fn summary(&self) -> String {
        match self.percent() {
            Some(p) => format!("{}/{} cleared ({p} %)", self.cleared, self.active),
            None => "0/0 cleared (no one on the team)".to_string(),
        }
    }
}

/// Two roles one person must not hold together, as the assessor defined them for an engagement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RoleConflict {
    pub id: i64,
    /// Its short number within the engagement (D-2).
    pub number: i64,
    pub engagement_id: i64,
    pub role_a: String,
    pub role_b: String,
    pub reason: Option<String>,
}

impl RoleConflict {
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("role_a", "Role", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("role_b", "Must not be held with", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("reason", "Why", FieldKind::LongText),
    ];

    pub fn value(&self, key: &str) -> Value {
        match key {
            "role_a" => Value::text(&self.role_a),
            "role_b" => Value::text(&self.role_b),
            "reason" => Value::from(self.reason.clone()),
            _ => Value::Null,
        }
    }

    /// Checks a filled form: two different roles.
    pub fn check(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let get = |k: &str| {
            values
                .iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.to_string().trim().to_lowercase())
                .unwrap_or_default()
        };
        if get("role_a") == get("role_b") { Err(("role_b", "name a different role".into())) } else { Ok(()) }
    }
}

/// What the store knows about a member beyond the roster: what they still hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Holdings {
    /// Assets handed over and neither returned nor destroyed.
    pub assets: usize,
    /// Access grants not revoked.
    pub grants: usize,
}

/// Something about a provider's roster that needs the assessor's attention.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Warning {
    /// A member backs themselves up.
    SelfBackup { member: i64 },
    /// Members back each other up in a ring (in order: each backs up the next, the last the first).
    BackupLoop { members: Vec<i64> },
    /// A member who has left still holds assets or access.
    LeftHolding { member: i64, assets: usize, grants: usize },
    /// One person holds (or stands in for) two roles that must be kept apart.
    Conflict { member: i64, role_a: String, role_b: String, via_backup: bool },
    /// No one still on the team stands in for anyone holding this role.
    RoleWithoutBackup { role: String },
}

impl Warning {
    /// The warning in words; `name` gives a member's name by id.
    pub fn text(&self, name: &dyn Fn(i64) -> String) -> String {
        match self {
            Warning::SelfBackup { member } => format!("{} is recorded as their own backup", name(*member)),
            Warning::BackupLoop { members } => {
                let mut names: Vec<String> = members.iter().map(|m| name(*m)).collect();
                names.push(name(members[0]));
                format!("backups go round in a loop: {} (each backs up the next)", names.join(" → "))
            }
            Warning::LeftHolding { member, assets, grants } => {
                let mut held = Vec::new();
                if *assets > 0 {
                    held.push(format!("{assets} asset{}", s(*assets as i64)));
                }
                if *grants > 0 {
                    held.push(format!("{grants} active access grant{}", s(*grants as i64)));
                }
                format!("{} has left but still holds {}", name(*member), held.join(" and "))
            }
            Warning::Conflict { member, role_a, role_b, via_backup } => format!(
                "{} {} “{role_a}” and “{role_b}”, which one person must not hold together",
                name(*member),
                if *via_backup { "holds or stands in for both" } else { "holds both" }
            ),
            Warning::RoleWithoutBackup { role } => format!("no one backs up the role “{role}”"),
        }
    }
}

/// Every warning about a team, most serious first: self-backups, backup loops, leavers still holding assets or
/// access, conflicting roles, roles without a backup. Members who have left count for nothing but the leaver
/// warning. `holdings` is by member id; `conflicts` are the engagement's role pairs.
pub fn warnings(
    members: &[TeamMember],
    holdings: &HashMap<i64, Holdings>,
    conflicts: &[RoleConflict],
    today: NaiveDate,
) -> Vec<Warning> {
    let mut out = Vec::new();
    let index: HashMap<i64, usize> = members.iter().enumerate().map(|(i, m)| (m.id, i)).collect();
    for m in members {
        if m.backup_for == Some(m.id) {
            out.push(Warning::SelfBackup { member: m.id });
        }
    }
    // Loops of two or more: each member has at most one backup_for, so follow the chain from each member and
    // note the cycle the first time a walk closes on itself.
    let mut state = vec![0u8; members.len()]; // 0 unseen, 1 on the current walk, 2 done
    for start in 0..members.len() {
        let mut path = Vec::new();
        let mut at = Some(start);
        while let Some(i) = at {
            match state[i] {
                2 => break,
                1 => {
                    if let Some(pos) = path.iter().position(|&p| p == i) {
                        let ring: Vec<i64> = path[pos..].iter().map(|&p: &usize| members[p].id).collect();
                        if ring.len() >= 2 {
                            out.push(Warning::BackupLoop { members: ring });
                        }
                    }
                    break;
                }
                _ => {}
            }
            state[i] = 1;
            path.push(i);
            at = members[i].backup_for.and_then(|b| index.get(&b).copied());
        }
        for p in path {
            state[p] = 2;
        }
    }
    for m in members.iter().filter(|m| m.has_left(today)) {
        let h = holdings.get(&m.id).copied().unwrap_or_default();
        if h.assets > 0 || h.grants > 0 {
            out.push(Warning::LeftHolding { member: m.id, assets: h.assets, grants: h.grants });
        }
    }
    let active: Vec<&TeamMember> = members.iter().filter(|m| !m.has_left(today)).collect();
    // Segregation of duties: a person is the members of the same name; their roles are the roles they hold and
    // those of the members they stand in for.
    if !conflicts.is_empty() {
        let mut people: Vec<(String, Vec<&TeamMember>)> = Vec::new();
        for m in &active {
            let key = m.name.trim().to_lowercase();
            match people.iter_mut().find(|(k, _)| *k == key) {
                Some((_, v)) => v.push(m),
                None => people.push((key, vec![m])),
            }
        }
        for (_, rows) in &people {
            let held: BTreeSet<String> = rows.iter().flat_map(|m| m.roles()).collect();
            let covered: BTreeSet<String> = rows
                .iter()
                .filter_map(|m| m.backup_for.filter(|b| *b != m.id))
                .filter_map(|b| index.get(&b).map(|&i| &members[i]))
                .filter(|b| !b.has_left(today))
                .flat_map(|b| b.roles())
                .collect();
            for c in conflicts {
                let (a, b) = (c.role_a.trim().to_lowercase(), c.role_b.trim().to_lowercase());
                if held.contains(&a) && held.contains(&b) {
                    out.push(Warning::Conflict {
                        member: rows[0].id,
                        role_a: c.role_a.clone(),
                        role_b: c.role_b.clone(),
                        via_backup: false,
                    });
                } else if (held.contains(&a) || covered.contains(&a)) && (held.contains(&b) || covered.contains(&b)) {
                    out.push(Warning::Conflict {
                        member: rows[0].id,
                        role_a: c.role_a.clone(),
                        role_b: c.role_b.clone(),
                        via_backup: true,
                    });
                }
            }
        }
    }
    // Roles without a backup: a role held by someone on the team whom no other member still on it backs up.
    let mut roles: Vec<(String, String)> = Vec::new(); // (key, as first written)
    for m in &active {
        for (key, shown) in m.roles().into_iter().zip(role_labels(m)) {
            if !roles.iter().any(|(k, _)| *k == key) {
                roles.push((key, shown));
            }
        }
    }
    for (key, shown) in roles {
        let backed = active
            .iter()
            .filter(|h| h.roles().contains(&key))
            .any(|holder| active.iter().any(|b| b.id != holder.id && b.backup_for == Some(holder.id)));
        if !backed {
            out.push(Warning::RoleWithoutBackup { role: shown });
        }
    }
    out
}

/// The roles of a member as written (same order as [`TeamMember::roles`]).
fn role_labels(m: &TeamMember) -> Vec<String> {
    m.role
        .as_deref()
        .unwrap_or_default()
        .split([',', ';', '+', '&'])
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .collect()
}

/// One change of the roster as the audit log recorded it.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterChange {
    /// When it was recorded (RFC 3339).
    pub at: String,
    pub assessor: String,
    pub member_id: i64,
    /// insert, update or delete.
    pub action: String,
    pub field: Option<String>,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// A roster change in words, with its dates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEvent {
    /// The day it was recorded.
    pub recorded: String,
    pub member_id: i64,
    pub member: String,
    pub text: String,
    /// Days between the change taking effect and its being recorded, when it was recorded late.
    pub late_by: Option<i64>,
}

/// Turns the audit entries of team members into roster events, oldest first: joins, role and backup changes,
/// leaving, removal. `names` gives current names by id; names of removed members are read from their entries.
pub fn roster_events(changes: &[RosterChange], names: &HashMap<i64, String>) -> Vec<RosterEvent> {
    let mut known: HashMap<i64, String> = names.clone();
    for c in changes {
        if let Some(n) = json_field(c.new.as_deref(), "name").or_else(|| json_field(c.old.as_deref(), "name")) {
            known.entry(c.member_id).or_insert(n);
        }
    }
    let name_of = |id: &str| {
        id.parse::<i64>().ok().and_then(|i| known.get(&i).cloned()).unwrap_or_else(|| format!("member #{id}"))
    };
    let mut out = Vec::new();
    for c in changes {
        let recorded = c.at.chars().take(10).collect::<String>();
        let rec_day = day(Some(&recorded));
        let late = |effective: Option<&str>| match (day(effective), rec_day) {
            (Some(e), Some(r)) if r > e => Some((r - e).num_days()),
            _ => None,
        };
        let member = known.get(&c.member_id).cloned().unwrap_or_else(|| format!("member #{}", c.member_id));
        let (text, late_by) = match (c.action.as_str(), c.field.as_deref()) {
            ("insert", _) => {
                let role = json_field(c.new.as_deref(), "role").map(|r| format!(" as {r}")).unwrap_or_default();
                let joined = json_field(c.new.as_deref(), "joined");
                let backup =
                    json_field(c.new.as_deref(), "backup_for").map(|b| format!(", backing up {}", name_of(&b)));
                let left = json_field(c.new.as_deref(), "left_on").map(|l| format!(", left {l}")).unwrap_or_default();
                (
                    format!(
                        "added{role}{}{}{left}",
                        joined.as_deref().map(|j| format!(", joined {j}")).unwrap_or_default(),
                        backup.unwrap_or_default()
                    ),
                    late(joined.as_deref()),
                )
            }
            ("delete", _) => ("removed from the roster".to_string(), None),
            (_, Some("left_on")) => match &c.new {
                Some(l) => (format!("left on {l}"), late(Some(l))),
                None => {
                    (format!("back on the team (leaving date {} cleared)", c.old.clone().unwrap_or_default()), None)
                }
            },
            (_, Some("joined")) => (
                format!("joining date {} → {}", c.old.as_deref().unwrap_or("—"), c.new.as_deref().unwrap_or("—")),
                late(c.new.as_deref()),
            ),
            (_, Some("role")) => {
                (format!("role {} → {}", c.old.as_deref().unwrap_or("—"), c.new.as_deref().unwrap_or("—")), None)
            }
            (_, Some("backup_for")) => {
                let show = |v: &Option<String>| v.as_deref().map_or("no one".to_string(), name_of);
                (format!("backs up {} → {}", show(&c.old), show(&c.new)), None)
            }
            (_, Some("name")) => {
                (format!("renamed {} → {}", c.old.as_deref().unwrap_or("—"), c.new.as_deref().unwrap_or("—")), None)
            }
            _ => continue,
        };
        out.push(RosterEvent { recorded, member_id: c.member_id, member, text, late_by });
    }
    out
}

/// A field of an audit entry's row JSON, as text (null and missing are `None`).
fn json_field(json: Option<&str>, key: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(json?).ok()?;
    match v.get(key)? {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

mod standing;
pub use standing::PendingTally;
use standing::{Gap, Standing, still_to_count};

#[cfg(test)]
mod tests;
