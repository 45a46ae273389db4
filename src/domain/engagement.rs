//! An engagement: one outsourcing arrangement under assessment.

use super::fields::{FieldKind, FieldSpec};
use super::{ENGAGEMENT_STATUSES, Phase, Value};

/// One outsourcing arrangement under assessment, and the unit everything else belongs to.
#[derive(Debug, Clone, PartialEq)]
pub struct Engagement {
    pub id: i64,
    /// Its short number within the workspace ("engagement 3", E-3): never given again.
    pub number: i64,
    /// Its UUID, hyphenated: the same on every machine.
    pub uuid: String,
    pub name: String,
    pub service: Option<String>,
    pub scope: Option<String>,
    pub objective: Option<String>,
    pub business_owner: Option<String>,
    pub phase: Phase,
    pub start_date: Option<String>,
    pub planned_end: Option<String>,
    pub status: String,
    pub updated_at: String,
}

impl Engagement {
    /// Every editable field, in form order.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("name", "Name", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("service", "Service outsourced", FieldKind::LongText),
        FieldSpec::new("scope", "Scope", FieldKind::LongText),
        FieldSpec::new("objective", "Objective", FieldKind::LongText),
        FieldSpec::new("business_owner", "Business owner", FieldKind::Text { max: 120 }),
        FieldSpec::new("phase", "Phase", FieldKind::Enum(Phase::ALL)).required(),
        FieldSpec::new("start_date", "Start date", FieldKind::Date),
        FieldSpec::new("planned_end", "Planned end", FieldKind::Date),
        FieldSpec::new("status", "Status", FieldKind::Enum(ENGAGEMENT_STATUSES)).required(),
    ];

    /// The stored value of a field, by key, in the order of [`Self::FIELDS`].
    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "name" => Value::text(&self.name),
            "service" => opt(&self.service),
            "scope" => opt(&self.scope),
            "objective" => opt(&self.objective),
            "business_owner" => opt(&self.business_owner),
            "phase" => Value::text(self.phase.as_ref()),
            "start_date" => opt(&self.start_date),
            "planned_end" => opt(&self.planned_end),
            "status" => Value::text(&self.status),
            _ => Value::Null,
        }
    }

    /// Values for a new engagement's form: everything blank but the phase and status.
    pub fn defaults() -> Vec<Value> {
        Self::FIELDS
            .iter()
            .map(|f| match f.key {
                "phase" => Value::text("pre"),
                "status" => Value::text("active"),
                _ => Value::Null,
            })
            .collect()
    }

    /// Whether the planned end has passed while the engagement is still open.
    pub fn is_overdue(&self, today: chrono::NaiveDate) -> bool {
        self.status != "closed"
            && self
                .planned_end
                .as_deref()
                .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|end| end < today)
    }
}

/// How much an engagement holds: the figures the overview shows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngagementSummary {
    pub providers: i64,
    pub criteria: i64,
    pub risks: i64,
    pub members: i64,
    pub checks_pending: i64,
    pub assets: i64,
    pub assets_out: i64,
    pub grants_active: i64,
    pub checklist_open: i64,
    pub checklist_total: i64,
    /// Entries of its interview journal.
    pub journal: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Engagement {
        Engagement {
            id: 1,
            number: 1,
            uuid: String::new(),
            name: "Payroll".into(),
            service: None,
            scope: None,
            objective: None,
            business_owner: Some("CFO".into()),
            phase: Phase::Pre,
            start_date: None,
            planned_end: Some("2026-01-31".into()),
            status: "active".into(),
            updated_at: String::new(),
        }
    }

    #[test]
    fn fields_and_values_agree() {
        let e = sample();
        for f in Engagement::FIELDS {
            // every declared field has an accessor (name, phase and status are never null)
            if f.required {
                assert!(!e.value(f.key).is_null(), "{}", f.key);
            }
        }
        assert_eq!(e.value("business_owner"), Value::text("CFO"));
        assert_eq!(Engagement::defaults().len(), Engagement::FIELDS.len());
    }

    #[test]
    fn overdue_only_while_open() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
        let mut e = sample();
        assert!(e.is_overdue(today));
        e.status = "closed".into();
        assert!(!e.is_overdue(today));
    }
}
