//! Candidate providers of a tender and the criteria they are scored against, each declared once.

use chrono::NaiveDate;

use super::Value;
use super::fields::{FieldKind, FieldSpec};
use super::scorecard::{CertStatus, MAX_WEIGHT, cert_status};

/// Where a provider stands in the selection.
pub const PROVIDER_STATUSES: &[&str] = &["candidate", "shortlisted", "selected", "rejected"];

/// Whether a status is a decision that must be justified (and is stamped with who and when).
pub fn is_decision(status: &str) -> bool {
    matches!(status, "selected" | "rejected")
}

/// One candidate outsourcing provider of an engagement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Provider {
    pub id: i64,
    /// Its short number within the engagement (P-3).
    pub number: i64,
    pub engagement_id: i64,
    pub name: String,
    pub status: String,
    pub cert_body: Option<String>,
    pub cert_number: Option<String>,
    pub cert_expiry: Option<String>,
    pub cert_scope: Option<String>,
    pub scope_covers_service: bool,
    pub agrees_policies: bool,
    pub agrees_audit: bool,
    pub focal_point: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<String>,
}

impl Provider {
    /// Every field the provider form edits, in form order. The status is not among them: it changes only
    /// through a decision, which asks for a reason.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("name", "Name", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("cert_body", "Certification body", FieldKind::Text { max: 120 }),
        FieldSpec::new("cert_number", "Certificate number", FieldKind::Text { max: 80 }),
        FieldSpec::new("cert_expiry", "Certificate expiry", FieldKind::Date),
        FieldSpec::new("cert_scope", "Certified scope", FieldKind::LongText),
        FieldSpec::new("scope_covers_service", "Scope covers service", FieldKind::YesNo),
        FieldSpec::new("agrees_policies", "Agrees to policies", FieldKind::YesNo),
        FieldSpec::new("agrees_audit", "Agrees to audit", FieldKind::YesNo),
        FieldSpec::new("focal_point", "Focal point", FieldKind::Text { max: 120 }),
    ];

    /// The fields of a decision: the new status and why.
    pub const DECISION_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("status", "Status", FieldKind::Enum(PROVIDER_STATUSES)).required(),
        FieldSpec::new("decision_reason", "Reason", FieldKind::LongText),
    ];

    /// The stored value of a field, by key.
    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "name" => Value::text(&self.name),
            "status" => Value::text(&self.status),
            "cert_body" => opt(&self.cert_body),
            "cert_number" => opt(&self.cert_number),
            "cert_expiry" => opt(&self.cert_expiry),
            "cert_scope" => opt(&self.cert_scope),
            "scope_covers_service" => Value::from(self.scope_covers_service),
            "agrees_policies" => Value::from(self.agrees_policies),
            "agrees_audit" => Value::from(self.agrees_audit),
            "focal_point" => opt(&self.focal_point),
            "decision_reason" => opt(&self.decision_reason),
            "decided_by" => opt(&self.decided_by),
            "decided_at" => opt(&self.decided_at),
            _ => Value::Null,
        }
    }

    /// Values for a new provider's form: all blank, every yes/no answered no until it is known.
    pub fn defaults() -> Vec<Value> {
        Self::FIELDS.iter().map(|f| if f.kind == FieldKind::YesNo { Value::Int(0) } else { Value::Null }).collect()
    }

    /// The certificate's expiry as a date (an unreadable date counts as none).
    pub fn expiry(&self) -> Option<NaiveDate> {
        self.cert_expiry.as_deref().and_then(super::fields::iso_day)
    }

    /// How the ISMS certificate stands on `today`.
    pub fn cert_status(&self, today: NaiveDate) -> CertStatus {
        cert_status(self.expiry(), today)
    }

    /// The gates this provider fails for facts of its record rather than its scores: no or an expired
    /// certificate, a certified scope that leaves the service out, no commitment to our policies or to audit.
    pub fn gate_failures(&self, today: NaiveDate) -> Vec<String> {
        let mut out = Vec::new();
        match self.cert_status(today) {
            CertStatus::Missing => out.push("no ISMS certificate on record".to_string()),
            CertStatus::Expired => {
                out.push(format!("certificate expired {}", self.cert_expiry.as_deref().unwrap_or_default()))
            }
            CertStatus::ExpiringSoon | CertStatus::Valid => {}
        }
        if !self.scope_covers_service {
            out.push("certified scope does not cover the service".to_string());
        }
        if !self.agrees_policies {
            out.push("does not agree to our policies".to_string());
        }
        if !self.agrees_audit {
            out.push("does not agree to audit".to_string());
        }
        out
    }
}

/// One selection criterion of an engagement.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Criterion {
    pub id: i64,
    /// Its short number within the engagement (C-2).
    pub number: i64,
    pub engagement_id: i64,
    pub catalog_ref: Option<String>,
    pub text: String,
    pub weight: u32,
    pub must_have: bool,
    pub position: i64,
}

/// The weight a criterion gets when none is given.
pub const DEFAULT_WEIGHT: u32 = 3;

/// The catalog criteria that are must-haves by default: an ISMS certificate whose scope covers the service, and
/// agreement to our policies and to audit.
pub const DEFAULT_MUST_HAVES: &[&str] = &["G-5.4.1-1", "G-5.4.1-2"];

impl Criterion {
    /// Every field the criterion form edits, in form order.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("text", "Criterion", FieldKind::Text { max: 200 }).required(),
        FieldSpec::new("weight", "Weight", FieldKind::Number { min: 0, max: MAX_WEIGHT as i64 }).required(),
        FieldSpec::new("must_have", "Must-have", FieldKind::YesNo),
    ];

    pub fn value(&self, key: &str) -> Value {
        match key {
            "text" => Value::text(&self.text),
            "weight" => Value::Int(i64::from(self.weight)),
            "must_have" => Value::from(self.must_have),
            "catalog_ref" => Value::from(self.catalog_ref.clone()),
            _ => Value::Null,
        }
    }

    /// Values for a new criterion's form: the default weight, not a must-have.
    pub fn defaults() -> Vec<Value> {
        Self::FIELDS
            .iter()
            .map(|f| match f.key {
                "weight" => Value::Int(i64::from(DEFAULT_WEIGHT)),
                "must_have" => Value::Int(0),
                _ => Value::Null,
            })
            .collect()
    }
}

/// One scored cell: a provider on a criterion, 0–5, with an optional note.
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub provider_id: i64,
    pub criterion_id: i64,
    pub score: u8,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    fn good() -> Provider {
        Provider {
            name: "Contoso".into(),
            status: "candidate".into(),
            cert_expiry: Some("2027-06-30".into()),
            scope_covers_service: true,
            agrees_policies: true,
            agrees_audit: true,
            ..Provider::default()
        }
    }

    #[test]
    fn fields_defaults_and_values_agree() {
        assert_eq!(Provider::defaults().len(), Provider::FIELDS.len());
        assert_eq!(Criterion::defaults().len(), Criterion::FIELDS.len());
        let p = good();
        for f in Provider::FIELDS.iter().chain(Provider::DECISION_FIELDS) {
            if f.required {
                assert!(!p.value(f.key).is_null(), "{}", f.key);
            }
        }
        assert_eq!(p.value("agrees_audit"), Value::Int(1));
        let c = Criterion { text: "Financial stability".into(), weight: 4, ..Criterion::default() };
        assert_eq!(c.value("weight"), Value::Int(4));
    }

    #[test]
    fn a_complete_record_passes_every_gate() {
        assert!(good().gate_failures(day(2026, 11, 23)).is_empty());
    }

    #[test]
    fn gate_failures_name_each_missing_fact() {
        let today = day(2026, 11, 23);
        let mut p = good();
        p.cert_expiry = Some("2026-11-22".into());
        assert_eq!(p.gate_failures(today), vec!["certificate expired 2026-11-22"]);
        p.cert_expiry = Some("2026-12-01".into());
        assert!(p.gate_failures(today).is_empty(), "expiring soon still passes");
        assert_eq!(p.cert_status(today), CertStatus::ExpiringSoon);
        let blank = Provider { name: "New".into(), ..Provider::default() };
        assert_eq!(
            blank.gate_failures(today),
            vec![
                "no ISMS certificate on record",
                "certified scope does not cover the service",
                "does not agree to our policies",
                "does not agree to audit",
            ]
        );
    }

    #[test]
    fn decisions_are_selected_and_rejected() {
        assert!(is_decision("selected") && is_decision("rejected"));
        assert!(!is_decision("candidate") && !is_decision("shortlisted"));
    }
}
