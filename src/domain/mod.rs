//! Pure types and rules of an outsourcing assessment: no SQLite, no terminal.

pub mod assets;
pub mod engagement;
pub mod fields;
pub mod provider;
pub mod risk;
pub mod risk_entity;
pub mod scorecard;
pub mod value;
pub mod vetting;
pub mod workflow;

pub use engagement::{Engagement, EngagementSummary};
pub use fields::{DateStyle, FieldKind, FieldSpec, day_first_date};
pub use provider::{Criterion, Provider, Score};
pub use risk_entity::Risk;
pub use value::Value;

use strum::{AsRefStr, Display, EnumIter, EnumString, IntoStaticStr, VariantNames};

/// The ending of a regular English plural: "" for one, "s" for any other count. The one place counts are worded.
pub fn plural<N: PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}

/// A count with its noun: `count(1, "criterion", "criteria")` is "1 criterion", `count(3, …)` "3 criteria".
pub fn count<N: PartialEq + From<u8> + std::fmt::Display>(n: N, one: &str, many: &str) -> String {
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// The three phases of an outsourcing arrangement.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    Display,
    EnumString,
    AsRefStr,
    IntoStaticStr,
    EnumIter,
    VariantNames,
    serde::Serialize,
    serde::Deserialize,
)]
#[strum(serialize_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    #[default]
    Pre,
    During,
    Post,
}

impl Phase {
    /// The stored values, in order.
    pub const ALL: &'static [&'static str] = <Phase as VariantNames>::VARIANTS;

    /// The label a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Phase::Pre => "Pre-outsourcing",
            Phase::During => "During outsourcing",
            Phase::Post => "Post-outsourcing",
        }
    }

    pub fn next(self) -> Option<Phase> {
        match self {
            Phase::Pre => Some(Phase::During),
            Phase::During => Some(Phase::Post),
            Phase::Post => None,
        }
    }
}

/// Where an engagement stands as a piece of work.
pub const ENGAGEMENT_STATUSES: &[&str] = &["active", "on_hold", "closed"];

#[cfg(test)]
mod plural_tests {
    #[test]
    fn counts_are_worded_for_one_and_for_many() {
        assert_eq!(format!("1 provider{}", super::plural(1usize)), "1 provider");
        assert_eq!(format!("0 provider{}", super::plural(0i64)), "0 providers");
        assert_eq!(super::count(1u32, "criterion", "criteria"), "1 criterion");
        assert_eq!(super::count(2usize, "criterion", "criteria"), "2 criteria");
    }
}
