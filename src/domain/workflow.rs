//! Phase workflows: checklist states, progress by phase and party, and the gate between phases.

use std::collections::HashMap;

use crate::catalog::{Item, ItemPhase, Party};
use crate::domain::Phase;

/// The state of one checklist item for an engagement.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    strum::Display,
    strum::EnumString,
    strum::AsRefStr,
    strum::EnumIter,
    strum::VariantNames,
)]
#[strum(serialize_all = "snake_case")]
pub enum CheckStatus {
    #[default]
    Open,
    Done,
    NotApplicable,
}

impl CheckStatus {
    /// The stored values, in order.
    pub const ALL: &'static [&'static str] = <CheckStatus as strum::VariantNames>::VARIANTS;

    /// The box drawn before an item: readable without colour.
    pub fn mark(self) -> &'static str {
        match self {
            CheckStatus::Open => "[ ]",
            CheckStatus::Done => "[x]",
            CheckStatus::NotApplicable => "[-]",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CheckStatus::Open => "open",
            CheckStatus::Done => "done",
            CheckStatus::NotApplicable => "not applicable",
        }
    }

    /// Whether the item no longer needs doing.
    pub fn is_closed(self) -> bool {
        self != CheckStatus::Open
    }
}

/// The catalog phase an engagement phase corresponds to.
pub fn item_phase(p: Phase) -> ItemPhase {
    match p {
        Phase::Pre => ItemPhase::Pre,
        Phase::During => ItemPhase::During,
        Phase::Post => ItemPhase::Post,
    }
}

fn rank(p: Phase) -> u8 {
    match p {
        Phase::Pre => 0,
        Phase::During => 1,
        Phase::Post => 2,
    }
}

/// The phases an engagement leaves when it moves from `from` to `to` (none when it moves back or stays).
pub fn phases_left(from: Phase, to: Phase) -> Vec<Phase> {
    [Phase::Pre, Phase::During, Phase::Post]
        .into_iter()
        .filter(|p| rank(*p) >= rank(from) && rank(*p) < rank(to))
        .collect()
}

/// The workflow items still open in the phases an engagement would leave by moving from `from` to `to`: the gate
/// lists these and asks for a reason to go on anyway.
pub fn gate<'a>(
    workflow: impl IntoIterator<Item = &'a Item>,
    status: &HashMap<String, CheckStatus>,
    from: Phase,
    to: Phase,
) -> Vec<&'a Item> {
    let left: Vec<ItemPhase> = phases_left(from, to).into_iter().map(item_phase).collect();
    workflow
        .into_iter()
        .filter(|i| left.contains(&i.phase))
        .filter(|i| !status.get(&i.id).copied().unwrap_or_default().is_closed())
        .collect()
}

/// Done (or not applicable) out of all, for one group of items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub closed: usize,
    pub total: usize,
}

impl Progress {
    pub fn add(&mut self, status: CheckStatus) {
        self.total += 1;
        if status.is_closed() {
            self.closed += 1;
        }
    }

    pub fn percent(&self) -> usize {
        (self.closed * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// The order in which phases are listed.
pub const PHASE_ORDER: [ItemPhase; 4] = [ItemPhase::Pre, ItemPhase::During, ItemPhase::Post, ItemPhase::Any];

/// The order in which parties are listed within a phase.
pub const PARTY_ORDER: [Party; 7] =
    [Party::Organisation, Party::Provider, Party::Both, Party::Management, Party::Owner, Party::Infosec, Party::Audit];

pub fn phase_label(p: ItemPhase) -> &'static str {
    match p {
        ItemPhase::Pre => "Pre-outsourcing",
        ItemPhase::During => "During outsourcing",
        ItemPhase::Post => "Post-outsourcing",
        ItemPhase::Any => "Standing responsibilities",
    }
}

/// A one-word name of a phase, for tight spaces.
pub fn phase_short(p: ItemPhase) -> &'static str {
    match p {
        ItemPhase::Pre => "Pre",
        ItemPhase::During => "During",
        ItemPhase::Post => "Post",
        ItemPhase::Any => "Standing",
    }
}

pub fn party_label(p: Party) -> &'static str {
    match p {
        Party::Organisation => "Organisation",
        Party::Provider => "Provider",
        Party::Both => "Both parties",
        Party::Management => "Management",
        Party::Owner => "Process owner",
        Party::Infosec => "Information security",
        Party::Audit => "Internal audit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{Source, Use};

    fn item(id: &str, phase: ItemPhase) -> Item {
        Item {
            id: id.into(),
            source: Source::Guideline,
            section: "5.1.1".into(),
            item: "a".into(),
            phase,
            party: Party::Organisation,
            topic: "risk".into(),
            title: id.into(),
            text: String::new(),
            annex_a: vec!["5.19".into()],
            keywords: vec![],
            uses: vec![Use::Workflow],
            cia: vec![],
            see_also: vec![],
        }
    }

    #[test]
    fn phases_left_going_forward_only() {
        assert_eq!(phases_left(Phase::Pre, Phase::During), vec![Phase::Pre]);
        assert_eq!(phases_left(Phase::Pre, Phase::Post), vec![Phase::Pre, Phase::During]);
        assert!(phases_left(Phase::Post, Phase::Pre).is_empty());
        assert!(phases_left(Phase::During, Phase::During).is_empty());
    }

    #[test]
    fn gate_lists_open_items_of_the_phases_left() {
        let items = [
            item("a", ItemPhase::Pre),
            item("b", ItemPhase::Pre),
            item("c", ItemPhase::During),
            item("d", ItemPhase::Any),
        ];
        let mut status = HashMap::new();
        status.insert("a".to_string(), CheckStatus::Done);
        let open: Vec<&str> = gate(&items, &status, Phase::Pre, Phase::During).iter().map(|i| i.id.as_str()).collect();
        assert_eq!(open, vec!["b"], "done items pass; other phases and standing items do not block");
        status.insert("b".to_string(), CheckStatus::NotApplicable);
        assert!(gate(&items, &status, Phase::Pre, Phase::During).is_empty());
        let open: Vec<&str> = gate(&items, &status, Phase::Pre, Phase::Post).iter().map(|i| i.id.as_str()).collect();
        assert_eq!(open, vec!["c"]);
        assert!(gate(&items, &HashMap::new(), Phase::Post, Phase::Pre).is_empty(), "going back is never gated");
    }

    #[test]
    fn progress_counts_closed_items() {
        let mut p = Progress::default();
        p.add(CheckStatus::Done);
        p.add(CheckStatus::NotApplicable);
        p.add(CheckStatus::Open);
        assert_eq!((p.closed, p.total, p.percent()), (2, 3, 66));
        assert_eq!(Progress::default().percent(), 0);
    }
}
