//! An engagement: one outsourcing arrangement under assessment.

use super::fields::{FieldKind, FieldSpec, blank_first};
use super::{ENGAGEMENT_STATUSES, Phase, Value};

/// How widely a report may be handed on, on the scale assets are classified by; marked in every page's header and
/// footer. Confidential unless the assessor says otherwise.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, strum::AsRefStr, strum::EnumString, strum::VariantNames, strum::EnumIter,
)]
#[strum(serialize_all = "snake_case")]
pub enum Classification {
    Public,
    Internal,
    #[default]
    Confidential,
    Restricted,
}

impl Classification {
    /// The stored values, in order from the least to the most restricted.
    pub const ALL: &'static [&'static str] = <Classification as strum::VariantNames>::VARIANTS;

    /// As printed on the report ("Confidential").
    pub fn label(self) -> &'static str {
        match self {
            Classification::Public => "Public",
            Classification::Internal => "Internal",
            Classification::Confidential => "Confidential",
            Classification::Restricted => "Restricted",
        }
    }

    /// A stored value, read leniently: anything unknown is the default.
    pub fn parse(s: &str) -> Classification {
        s.parse().unwrap_or_default()
    }
}

/// The assessor's overall rating of an engagement, on the bands of the risk method.
pub const OVERALL_RATINGS: &[&str] = &["low", "medium", "high", "critical"];
/// The overall rating as the form offers it: blank first (not rated yet).
pub const OVERALL_RATING_CHOICES: &[&str] = &blank_first::<5>(OVERALL_RATINGS);

/// The keys of the fields that only the report shows (the Overview leaves them out).
pub const REPORT_KEYS: &[&str] =
    &["conclusion", "overall_rating", "approach", "limitations", "reviewer", "distribution", "classification"];

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
    /// The assessor's written conclusion, for the report's executive summary.
    pub conclusion: Option<String>,
    /// The overall rating (one of [`OVERALL_RATINGS`]).
    pub overall_rating: Option<String>,
    /// How the assessment was made: interviews, site visits, documents read.
    pub approach: Option<String>,
    /// What the assessment could not cover, and why.
    pub limitations: Option<String>,
    /// Who reviews the report before it goes out.
    pub reviewer: Option<String>,
    /// Who receives the report.
    pub distribution: Option<String>,
    pub classification: Classification,
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
        FieldSpec::new("classification", "Classification", FieldKind::Enum(Classification::ALL)).required(),
        FieldSpec::new("overall_rating", "Overall rating", FieldKind::Enum(OVERALL_RATING_CHOICES)),
        FieldSpec::new("conclusion", "Conclusion", FieldKind::LongText),
        FieldSpec::new("approach", "Approach", FieldKind::LongText),
        FieldSpec::new("limitations", "Limitations", FieldKind::LongText),
        FieldSpec::new("reviewer", "Reviewer", FieldKind::Text { max: 120 }),
        FieldSpec::new("distribution", "Distribution", FieldKind::LongText),
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
            "conclusion" => opt(&self.conclusion),
            "overall_rating" => opt(&self.overall_rating),
            "approach" => opt(&self.approach),
            "limitations" => opt(&self.limitations),
            "reviewer" => opt(&self.reviewer),
            "distribution" => opt(&self.distribution),
            "classification" => Value::text(self.classification.as_ref()),
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
                "classification" => Value::text(Classification::default().as_ref()),
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
            conclusion: None,
            overall_rating: None,
            approach: None,
            limitations: None,
            reviewer: None,
            distribution: None,
            classification: Classification::default(),
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
