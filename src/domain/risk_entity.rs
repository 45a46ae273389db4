//! A risk of the register as stored: its fields, declared once, and the facts the rating rules work on.

use std::str::FromStr;

use chrono::NaiveDate;

use super::Value;
use strum::VariantNames;

use super::fields::{FieldKind, FieldSpec, blank_first};
use super::risk::{Rating, RiskFacts, Treatment, TreatmentStatus};

/// Treatment choices as the form offers them: the blank first option means "not decided yet".
pub const TREATMENT_CHOICES: &[&str] = &blank_first::<5>(<Treatment as VariantNames>::VARIANTS);
/// Treatment progress as stored.
pub const TREATMENT_STATUSES: &[&str] = <TreatmentStatus as VariantNames>::VARIANTS;

/// The residual fields: all blank (not rated yet) or all given.
const RESIDUAL_KEYS: [&str; 4] = ["residual_likelihood", "residual_c", "residual_i", "residual_a"];

/// One risk of an engagement's register.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Risk {
    pub id: i64,
    /// Its short number within the engagement.
    pub number: i64,
    pub engagement_id: i64,
    /// The catalog item the risk was taken from, if any.
    pub catalog_ref: Option<String>,
    pub title: String,
    pub description: Option<String>,
    pub likelihood: u8,
    pub impact_c: u8,
    pub impact_i: u8,
    pub impact_a: u8,
    pub treatment: Option<Treatment>,
    pub plan: Option<String>,
    pub owner: Option<String>,
    pub due_date: Option<String>,
    pub residual_likelihood: Option<u8>,
    pub residual_c: Option<u8>,
    pub residual_i: Option<u8>,
    pub residual_a: Option<u8>,
    pub status: TreatmentStatus,
    pub accepted_by: Option<String>,
    pub accepted_at: Option<String>,
    pub review_date: Option<String>,
    pub updated_at: String,
    /// What the assessor found, as the report states it.
    pub finding: Option<String>,
    /// What the assessor recommends doing about it.
    pub recommendation: Option<String>,
    /// What the organisation's management answered.
    pub management_response: Option<String>,
}

impl Risk {
    /// Every field of the risk form, in form order (acceptance has its own form: [`Self::ACCEPTANCE_FIELDS`]).
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("title", "Title", FieldKind::Text { max: 200 }).required(),
        FieldSpec::new("description", "Description", FieldKind::LongText),
        FieldSpec::new("likelihood", "Likelihood 1–5", FieldKind::Number { min: 1, max: 5 }).required(),
        FieldSpec::new("impact_c", "Impact C 0–5", FieldKind::Number { min: 0, max: 5 }).required(),
        FieldSpec::new("impact_i", "Impact I 0–5", FieldKind::Number { min: 0, max: 5 }).required(),
        FieldSpec::new("impact_a", "Impact A 0–5", FieldKind::Number { min: 0, max: 5 }).required(),
        FieldSpec::new("treatment", "Treatment", FieldKind::Enum(TREATMENT_CHOICES)),
        FieldSpec::new("plan", "Treatment plan", FieldKind::LongText),
        FieldSpec::new("owner", "Owner", FieldKind::Text { max: 120 }),
        FieldSpec::new("due_date", "Due date", FieldKind::Date),
        FieldSpec::new("status", "Status", FieldKind::Enum(TREATMENT_STATUSES)).required(),
        FieldSpec::new("residual_likelihood", "Residual L 1–5", FieldKind::Number { min: 1, max: 5 }),
        FieldSpec::new("residual_c", "Residual C 0–5", FieldKind::Number { min: 0, max: 5 }),
        FieldSpec::new("residual_i", "Residual I 0–5", FieldKind::Number { min: 0, max: 5 }),
        FieldSpec::new("residual_a", "Residual A 0–5", FieldKind::Number { min: 0, max: 5 }),
        FieldSpec::new("finding", "Finding", FieldKind::LongText),
        FieldSpec::new("recommendation", "Recommendation", FieldKind::LongText),
        FieldSpec::new("management_response", "Mgmt response", FieldKind::LongText),
    ];

    /// The acceptance form: a named manager, the date of acceptance and the date to look at it again.
    pub const ACCEPTANCE_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("accepted_by", "Accepted by", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("accepted_at", "Accepted on", FieldKind::Date).required(),
        FieldSpec::new("review_date", "Review by", FieldKind::Date).required(),
    ];

    /// The stored value of a field, by key (form fields and acceptance fields).
    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        let num = |n: u8| Value::Int(i64::from(n));
        let opt_num = |n: Option<u8>| Value::from(n.map(i64::from));
        match key {
            "title" => Value::text(&self.title),
            "description" => opt(&self.description),
            "likelihood" => num(self.likelihood),
            "impact_c" => num(self.impact_c),
            "impact_i" => num(self.impact_i),
            "impact_a" => num(self.impact_a),
            "treatment" => Value::from(self.treatment.map(|t| t.as_ref().to_string())),
            "plan" => opt(&self.plan),
            "owner" => opt(&self.owner),
            "due_date" => opt(&self.due_date),
            "status" => Value::text(self.status.as_ref()),
            "residual_likelihood" => opt_num(self.residual_likelihood),
            "residual_c" => opt_num(self.residual_c),
            "residual_i" => opt_num(self.residual_i),
            "residual_a" => opt_num(self.residual_a),
            "accepted_by" => opt(&self.accepted_by),
            "accepted_at" => opt(&self.accepted_at),
            "review_date" => opt(&self.review_date),
            "catalog_ref" => opt(&self.catalog_ref),
            "finding" => opt(&self.finding),
            "recommendation" => opt(&self.recommendation),
            "management_response" => opt(&self.management_response),
            _ => Value::Null,
        }
    }

    /// Values for a new risk's form: impacts 0, status open, everything else blank.
    pub fn defaults() -> Vec<Value> {
        Self::FIELDS
            .iter()
            .map(|f| match f.key {
                "impact_c" | "impact_i" | "impact_a" => Value::Int(0),
                "status" => Value::text("open"),
                _ => Value::Null,
            })
            .collect()
    }

    /// The inherent rating.
    pub fn inherent(&self) -> Rating {
        Rating::new(self.likelihood, self.impact_c, self.impact_i, self.impact_a)
    }

    /// The residual rating, when the assessor has rated it (a residual likelihood is recorded).
    pub fn residual(&self) -> Option<Rating> {
        self.residual_likelihood.map(|l| {
            Rating::new(l, self.residual_c.unwrap_or(0), self.residual_i.unwrap_or(0), self.residual_a.unwrap_or(0))
        })
    }

    /// The facts the rating rules need.
    pub fn facts(&self) -> RiskFacts {
        RiskFacts {
            inherent: self.inherent(),
            residual: self.residual(),
            treatment: self.treatment,
            status: self.status,
            due: parse_day(self.due_date.as_deref()),
            accepted_by: self.accepted_by.clone(),
            accepted_at: parse_day(self.accepted_at.as_deref()),
            review_date: parse_day(self.review_date.as_deref()),
        }
    }

    /// Checks a filled risk form as a whole (each field is already valid on its own): the residual rating is
    /// either left blank or given in full, and both ratings are in range. The error names the field to fix.
    pub fn check(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let get = |key: &str| values.iter().find(|(k, _)| *k == key).map(|(_, v)| v.clone()).unwrap_or(Value::Null);
        let given: Vec<bool> = RESIDUAL_KEYS.iter().map(|k| !get(k).is_null()).collect();
        if given.iter().any(|g| *g)
            && let Some(missing) = given.iter().position(|g| !g)
        {
            let msg = if missing == 0 {
                "residual likelihood is needed once a residual impact is given".to_string()
            } else {
                "give all three residual impacts (0 for none) or leave the residual blank".to_string()
            };
            return Err((RESIDUAL_KEYS[missing], msg));
        }
        let small = |key: &str| get(key).as_i64().and_then(|n| u8::try_from(n).ok()).unwrap_or(u8::MAX);
        let inherent = Rating::new(small("likelihood"), small("impact_c"), small("impact_i"), small("impact_a"));
        let residual = given[0].then(|| {
            Rating::new(small("residual_likelihood"), small("residual_c"), small("residual_i"), small("residual_a"))
        });
        let facts = RiskFacts { residual, ..RiskFacts::new(inherent) };
        facts.validate().map_err(|e| (if e.starts_with("residual") { "residual_likelihood" } else { "likelihood" }, e))
    }

    /// Checks a filled acceptance form: the review date lies after the date of acceptance.
    pub fn check_acceptance(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let day = |key: &str| {
            values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
                Value::Text(t) => parse_day(Some(t)),
                _ => None,
            })
        };
        match (day("accepted_at"), day("review_date")) {
            (Some(at), Some(review)) if review <= at => {
                Err(("review_date", "the review date must come after the date of acceptance".into()))
            }
            _ => Ok(()),
        }
    }

    /// A risk from stored text values of treatment and status (unknown text reads as none / open).
    pub fn treatment_from(s: Option<&str>) -> Option<Treatment> {
        s.and_then(|s| Treatment::from_str(s).ok())
    }

    pub fn status_from(s: &str) -> TreatmentStatus {
        TreatmentStatus::from_str(s).unwrap_or_default()
    }
}

fn parse_day(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(super::fields::iso_day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::risk::{AcceptanceState, Band};

    fn sample() -> Risk {
        Risk {
            id: 1,
            number: 1,
            engagement_id: 1,
            catalog_ref: Some("G-T2-C1".into()),
            title: "Leak".into(),
            description: None,
            likelihood: 4,
            impact_c: 5,
            impact_i: 2,
            impact_a: 0,
            treatment: Some(Treatment::Modify),
            plan: None,
            owner: Some("CISO".into()),
            due_date: Some("2026-01-31".into()),
            residual_likelihood: Some(2),
            residual_c: Some(3),
            residual_i: Some(1),
            residual_a: None,
            status: TreatmentStatus::InProgress,
            accepted_by: None,
            accepted_at: None,
            review_date: None,
            updated_at: String::new(),
            finding: None,
            recommendation: None,
            management_response: None,
        }
    }

    fn vals(pairs: &[(&'static str, Value)]) -> Vec<(&'static str, Value)> {
        pairs.to_vec()
    }

    #[test]
    fn fields_and_values_agree() {
        let r = sample();
        for f in Risk::FIELDS.iter().chain(Risk::ACCEPTANCE_FIELDS) {
            if f.required && !Risk::ACCEPTANCE_FIELDS.contains(f) {
                assert!(!r.value(f.key).is_null(), "{}", f.key);
            }
        }
        assert_eq!(Risk::defaults().len(), Risk::FIELDS.len());
        assert_eq!(r.value("treatment"), Value::text("modify"));
        assert_eq!(r.value("residual_a"), Value::Null);
    }

    #[test]
    fn facts_carry_ratings_and_dates() {
        let f = sample().facts();
        assert_eq!(f.inherent.level(), 20);
        assert_eq!(f.inherent.band(), Band::Critical);
        assert_eq!(f.residual, Some(Rating::new(2, 3, 1, 0)));
        assert_eq!(f.residual_band(), Band::Critical, "the treatment is not done: the inherent rating stands");
        let done = crate::domain::risk::RiskFacts { status: crate::domain::risk::TreatmentStatus::Done, ..f.clone() };
        assert_eq!(done.residual_band(), Band::Medium);
        let today = NaiveDate::from_ymd_opt(2026, 2, 1).expect("date");
        assert!(f.is_overdue(today));
        assert_eq!(f.acceptance(today), AcceptanceState::Unaccepted, "a Critical rating stands until the work is done");
        assert_eq!(done.acceptance(today), AcceptanceState::NotNeeded);
        let mut unrated = sample();
        unrated.residual_likelihood = None;
        assert_eq!(unrated.facts().residual, None);
        assert_eq!(unrated.facts().acceptance(today), AcceptanceState::Unaccepted, "critical by fallback");
    }

    #[test]
    fn residual_is_all_or_nothing() {
        let base = [
            ("likelihood", Value::Int(4)),
            ("impact_c", Value::Int(5)),
            ("impact_i", Value::Int(0)),
            ("impact_a", Value::Int(0)),
        ];
        assert_eq!(Risk::check(&vals(&base)), Ok(()));
        let mut partial = vals(&base);
        partial.push(("residual_c", Value::Int(2)));
        assert_eq!(Risk::check(&partial).map_err(|e| e.0), Err("residual_likelihood"));
        partial.push(("residual_likelihood", Value::Int(2)));
        assert_eq!(Risk::check(&partial).map_err(|e| e.0), Err("residual_i"));
        partial.push(("residual_i", Value::Int(0)));
        partial.push(("residual_a", Value::Int(0)));
        assert_eq!(Risk::check(&partial), Ok(()));
        let mut bad = vals(&base);
        bad[0].1 = Value::Int(7);
        assert_eq!(Risk::check(&bad).map_err(|e| e.0), Err("likelihood"));
    }

    #[test]
    fn review_must_follow_acceptance() {
        let ok = [("accepted_at", Value::text("2026-01-01")), ("review_date", Value::text("2026-07-01"))];
        assert_eq!(Risk::check_acceptance(&ok), Ok(()));
        let bad = [("accepted_at", Value::text("2026-01-01")), ("review_date", Value::text("2026-01-01"))];
        assert_eq!(Risk::check_acceptance(&bad).map_err(|e| e.0), Err("review_date"));
    }
}
