//! The field-level merge of one record changed on two laptops since the version both started from.
//!
//! Each field is taken from the side that changed it. A field both sides changed, to different values, is a
//! conflict: the side whose record was saved later (`updated_at`) wins it, and the other value is kept in the
//! conflicts list for the assessor to review and flip. On equal times the larger value (as JSON text) wins, so
//! that whichever laptop merges, the result is the same. `updated_at` itself is never a conflict: the merged
//! record carries the later of the two.

use crate::store::team::Record;

/// A field both sides changed: the value the merge kept, the one it set aside, and whether the kept one is
/// theirs (the other laptop's).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldConflict {
    pub field: String,
    pub kept: serde_json::Value,
    pub other: serde_json::Value,
    pub kept_theirs: bool,
}

const NULL: serde_json::Value = serde_json::Value::Null;

/// A value as JSON text, the order ties are broken by.
fn as_text(v: &serde_json::Value) -> String {
    v.to_string()
}

/// Merges `ours` and `theirs`, both changed from `base` (None when the record is new on both sides, as a score
/// or a vetting check whose identity comes from its natural key can be).
pub fn merge(base: Option<&Record>, ours: &Record, theirs: &Record) -> (Record, Vec<FieldConflict>) {
    let stamp = |r: &Record| r.get("updated_at").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let (our_time, their_time) = (stamp(ours), stamp(theirs));
    let mut out = Record::new();
    let mut conflicts = Vec::new();
    let keys: std::collections::BTreeSet<&String> = ours.keys().chain(theirs.keys()).collect();
    for key in keys {
        let o = ours.get(key).unwrap_or(&NULL);
        let t = theirs.get(key).unwrap_or(&NULL);
        let b = base.and_then(|b| b.get(key)).unwrap_or(&NULL);
        let value = if key == "updated_at" {
            if our_time >= their_time { o } else { t }
        } else if o == t || t == b {
            o
        } else if o == b {
            t
        } else {
            let theirs_win = match their_time.cmp(&our_time) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Less => false,
                std::cmp::Ordering::Equal => as_text(t) > as_text(o),
            };
            let (kept, other) = if theirs_win { (t, o) } else { (o, t) };
            conflicts.push(FieldConflict {
                field: key.clone(),
                kept: kept.clone(),
                other: other.clone(),
                kept_theirs: theirs_win,
            });
            kept
        };
        out.insert(key.clone(), value.clone());
    }
    (out, conflicts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(pairs: &[(&str, serde_json::Value)]) -> Record {
        pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
    }

    fn risk(title: &str, owner: &str, likelihood: i64, at: &str) -> Record {
        rec(&[
            ("uuid", "0193b2c4-0000-7000-8000-000000000001".into()),
            ("title", title.into()),
            ("owner", owner.into()),
            ("likelihood", likelihood.into()),
            ("updated_at", at.into()),
        ])
    }

    #[test]
    fn different_fields_merge_cleanly() {
        let base = risk("Data leak", "Ana", 2, "2026-01-01T00:00:00Z");
        let ours = risk("Data leak at the provider", "Ana", 2, "2026-01-02T00:00:00Z");
        let theirs = risk("Data leak", "Ben", 4, "2026-01-03T00:00:00Z");
        let (merged, conflicts) = merge(Some(&base), &ours, &theirs);
        assert!(conflicts.is_empty(), "{conflicts:?}");
        assert_eq!(merged, risk("Data leak at the provider", "Ben", 4, "2026-01-03T00:00:00Z"));
    }

    #[test]
    fn the_same_field_goes_to_the_later_save_and_the_other_value_is_kept_aside() {
        let base = risk("Data leak", "Ana", 2, "2026-01-01T00:00:00Z");
        let ours = risk("Data leak", "Carla", 2, "2026-01-05T00:00:00Z");
        let theirs = risk("Data leak", "Ben", 2, "2026-01-03T00:00:00Z");
        let (merged, conflicts) = merge(Some(&base), &ours, &theirs);
        assert_eq!(merged["owner"], "Carla");
        assert_eq!(
            conflicts,
            vec![FieldConflict {
                field: "owner".into(),
                kept: "Carla".into(),
                other: "Ben".into(),
                kept_theirs: false
            }]
        );
        // From the other laptop's side the same record comes out, with the roles of the sides swapped.
        let (merged_there, conflicts_there) = merge(Some(&base), &theirs, &ours);
        assert_eq!(merged_there, merged);
        assert!(conflicts_there[0].kept_theirs);
    }

    #[test]
    fn equal_times_give_the_same_answer_on_both_laptops() {
        let base = risk("Data leak", "Ana", 2, "2026-01-01T00:00:00Z");
        let ours = risk("Data leak", "Carla", 2, "2026-01-05T00:00:00Z");
        let theirs = risk("Data leak", "Ben", 2, "2026-01-05T00:00:00Z");
        let (a, _) = merge(Some(&base), &ours, &theirs);
        let (b, _) = merge(Some(&base), &theirs, &ours);
        assert_eq!(a, b);
        assert_eq!(a["owner"], "Carla");
    }

    #[test]
    fn the_same_change_on_both_sides_is_no_conflict() {
        let base = risk("Data leak", "Ana", 2, "2026-01-01T00:00:00Z");
        let ours = risk("Data leak", "Ana", 5, "2026-01-02T00:00:00Z");
        let theirs = risk("Data leak", "Ana", 5, "2026-01-04T00:00:00Z");
        let (merged, conflicts) = merge(Some(&base), &ours, &theirs);
        assert!(conflicts.is_empty());
        assert_eq!(merged["likelihood"], 5);
        assert_eq!(merged["updated_at"], "2026-01-04T00:00:00Z");
    }

    #[test]
    fn a_record_new_on_both_sides_merges_against_nothing() {
        let ours = risk("Data leak", "Ana", 3, "2026-01-02T00:00:00Z");
        let theirs = risk("Data leak", "Ben", 3, "2026-01-01T00:00:00Z");
        let (merged, conflicts) = merge(None, &ours, &theirs);
        assert_eq!(merged["owner"], "Ana");
        assert_eq!(conflicts.len(), 1);
        assert_eq!(conflicts[0].field, "owner");
    }
}
