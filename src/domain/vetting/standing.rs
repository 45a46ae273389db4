//! How a recorded check stands before it is put in words, and the count of pending checks over a team that the
//! overview makes from it.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::{CheckKind, MIN_REFERENCES, TeamMember, VettingCheck, s};

/// [`super::CheckOutcome`] before it is put in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Standing {
    Satisfied,
    Open(Gap),
    Failed,
}

/// Why a recorded check does not count (yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Gap {
    Pending,
    /// Passed on fewer references than needed: how many.
    References(i64),
    NdaUndated,
    WaivedWithoutReason,
    /// "Not permitted" given to a kind no law forbids.
    NotForbiddable,
    NoLawNamed,
}

impl Gap {
    pub(super) fn words(self, kind: CheckKind) -> String {
        match self {
            Gap::Pending => "pending".into(),
            Gap::References(refs) => format!("passed on {refs} reference{}; {MIN_REFERENCES} needed", s(refs)),
            Gap::NdaUndated => "NDA passed without the date it was signed".into(),
            Gap::WaivedWithoutReason => "waived without a reason".into(),
            Gap::NotForbiddable => format!("“not permitted” does not apply to {}", kind.label().to_lowercase()),
            Gap::NoLawNamed => "not permitted, but no note on the law".into(),
        }
    }
}

/// How many required checks are pending over a team, recorded or not, as [`super::pending_kinds`] counts them: each
/// recorded check is given to [`Self::record`] as it is read (nothing of it is kept but whether it counts), then
/// [`Self::over`] counts over the members.
#[derive(Debug, Default)]
pub struct PendingTally {
    /// By member: the kinds satisfied, one bit each.
    satisfied: HashMap<i64, u8>,
}

impl PendingTally {
    pub fn record(&mut self, check: &VettingCheck) {
        if let Some(kind) = check.kind
            && check.is_satisfied(kind)
        {
            *self.satisfied.entry(check.member_id).or_default() |= 1 << kind.index();
        }
    }

    pub fn over(&self, members: &[TeamMember], today: NaiveDate) -> usize {
        members
            .iter()
            .map(|m| {
                let bits = self.satisfied.get(&m.id).copied().unwrap_or(0);
                still_to_count(m, today, |k| bits & (1 << k.index()) != 0).count()
            })
            .sum()
    }
}

/// The required kinds `satisfied` does not cover, for a member still on the team (none for one who has left).
pub(super) fn still_to_count(
    member: &TeamMember,
    today: NaiveDate,
    satisfied: impl Fn(CheckKind) -> bool,
) -> impl Iterator<Item = CheckKind> {
    let on_team = !member.has_left(today);
    CheckKind::ALL.into_iter().filter(move |k| on_team && k.is_required() && !satisfied(*k))
}
