//! What the organisation hands to a provider and the access it grants, and the rules of the exit close-out.
//!
//! # Asset states
//!
//! Each asset is in exactly one state, decided by [`Asset::state`] against today's date:
//!
//! - **Not issued** — recorded but not handed over yet (no hand-over date). Nothing to get back.
//! - **Unaccounted** — something is missing from the chain of custody: it was handed over without a holder or
//!   without the name of the provider's person who accepted it; or it was returned or destroyed without the name of
//!   whoever verified it; or it was destroyed without a destruction certificate. Checked first, because an item
//!   nobody answers for is worse than a late one.
//! - **Overdue** — handed over, not returned or destroyed, and its expected return date is before today.
//! - **With holder** — handed over to a named holder who accepted it, and not due back yet (or no date set).
//! - **Returned** / **Destroyed** — back, or destroyed, with a verifier (and, for destruction, a certificate).
//!
//! # Grant states
//!
//! - **Active** — no revocation date, or one still in the future.
//! - **Revoked, unverified** — revoked on or before today but nobody is named as having checked the removal.
//! - **Revoked** — revoked and the removal verified by a named person.
//!
//! # Close-out
//!
//! An engagement can be closed when nothing is outstanding: every handed-over asset returned or destroyed (state
//! Returned or Destroyed; an unaccounted one still blocks), every grant revoked *and* the revocation verified (a
//! removal nobody checked is not a removal), and every post-outsourcing workflow item done or marked not
//! applicable. Otherwise the close is refused unless a reason is given, and the reason is recorded.

use chrono::NaiveDate;

use super::Value;
use strum::{AsRefStr, EnumIter, EnumString, IntoStaticStr, VariantNames};

use super::fields::{FieldKind, FieldSpec, blank_first};
use super::plural;

/// A kind of asset: stored in snake_case (`data_set`), parsed from it, and read as words ("data set").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, AsRefStr, IntoStaticStr, EnumIter, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum AssetKind {
    Device,
    Media,
    Document,
    DataSet,
    Badge,
    Key,
    Account,
}

/// A kind of access grant: an account or system (logical), or a badge, key or area (physical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, AsRefStr, IntoStaticStr, EnumIter, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum GrantKind {
    Logical,
    Physical,
}

/// How an asset left the provider's hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, EnumString, AsRefStr, IntoStaticStr, EnumIter, VariantNames)]
#[strum(serialize_all = "snake_case")]
pub enum Disposition {
    Returned,
    Destroyed,
}

macro_rules! label_from_stored {
    ($($t:ty),*) => {$(
        impl $t {
            /// The label a person reads: the stored value in words.
            pub fn label(self) -> String {
                <&'static str>::from(self).replace('_', " ")
            }
        }
    )*};
}
label_from_stored!(AssetKind, GrantKind, Disposition);

/// Kinds of asset, as stored.
pub const ASSET_KINDS: &[&str] = <AssetKind as VariantNames>::VARIANTS;
/// Kinds of access grant, as stored.
pub const GRANT_KINDS: &[&str] = <GrantKind as VariantNames>::VARIANTS;
/// What an asset's disposition may be, a blank (still out) first.
pub const DISPOSITION_CHOICES: &[&str] = &blank_first::<3>(<Disposition as VariantNames>::VARIANTS);

/// Where an asset stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AssetState {
    Unaccounted,
    Overdue,
    WithHolder,
    NotIssued,
    Returned,
    Destroyed,
}

impl AssetState {
    pub const ALL: [AssetState; 6] = [
        AssetState::Unaccounted,
        AssetState::Overdue,
        AssetState::WithHolder,
        AssetState::NotIssued,
        AssetState::Returned,
        AssetState::Destroyed,
    ];

    /// A symbol that carries the meaning without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            AssetState::Unaccounted => "?",
            AssetState::Overdue => "!",
            AssetState::WithHolder => "→",
            AssetState::NotIssued => "·",
            AssetState::Returned => "✓",
            AssetState::Destroyed => "✗",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            AssetState::Unaccounted => "unaccounted",
            AssetState::Overdue => "overdue",
            AssetState::WithHolder => "with holder",
            AssetState::NotIssued => "not issued",
            AssetState::Returned => "returned",
            AssetState::Destroyed => "destroyed",
        }
    }

    /// Symbol and word: "! overdue".
    pub fn text(self) -> String {
        format!("{} {}", self.symbol(), self.label())
    }

    /// Whether the asset keeps the engagement from closing.
    pub fn is_outstanding(self) -> bool {
        matches!(self, AssetState::Unaccounted | AssetState::Overdue | AssetState::WithHolder)
    }
}

/// Where an access grant stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GrantState {
    Active,
    RevokedUnverified,
    Revoked,
}

impl GrantState {
    pub fn symbol(self) -> &'static str {
        match self {
            GrantState::Active => "●",
            GrantState::RevokedUnverified => "?",
            GrantState::Revoked => "✓",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GrantState::Active => "active",
            GrantState::RevokedUnverified => "revoked, unverified",
            GrantState::Revoked => "revoked",
        }
    }

    pub fn text(self) -> String {
        format!("{} {}", self.symbol(), self.label())
    }

    /// Whether the grant keeps the engagement from closing.
    pub fn is_outstanding(self) -> bool {
        self != GrantState::Revoked
    }
}

/// One asset handed to (or to be handed to) a provider.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Asset {
    pub id: i64,
    /// Its short number within the engagement (A-1021).
    pub number: i64,
    pub engagement_id: i64,
    pub tag: String,
    pub description: Option<String>,
    pub kind: String,
    pub classification: Option<String>,
    pub holder_id: Option<i64>,
    /// The holder's name (from the team member), for display.
    pub holder_name: Option<String>,
    pub handed_over: Option<String>,
    pub accepted_by: Option<String>,
    pub expected_return: Option<String>,
    pub returned_on: Option<String>,
    /// "returned" or "destroyed".
    pub disposition: Option<String>,
    pub verified_by: Option<String>,
    pub condition: Option<String>,
    pub certificate: Option<String>,
}

fn blank(s: &Option<String>) -> bool {
    blank_text(s.as_deref())
}

fn blank_text(s: Option<&str>) -> bool {
    s.is_none_or(|s| s.trim().is_empty())
}

/// What an asset's state depends on, borrowed: from an [`Asset`], or from a row of the workspace read in place
/// (the overview counts an engagement's outstanding assets without copying their text).
#[derive(Debug, Clone, Copy, Default)]
pub struct StateFacts<'a> {
    pub disposition: Option<&'a str>,
    pub handed_over: Option<&'a str>,
    pub has_holder: bool,
    pub accepted_by: Option<&'a str>,
    pub expected_return: Option<&'a str>,
    pub verified_by: Option<&'a str>,
    pub certificate: Option<&'a str>,
}

impl StateFacts<'_> {
    /// Whether the asset was handed over.
    pub fn is_issued(&self) -> bool {
        !blank_text(self.handed_over)
    }

    /// The asset's state on `today` (see the module documentation).
    pub fn state(&self, today: NaiveDate) -> AssetState {
        match self.disposition {
            Some("returned") if blank_text(self.verified_by) => AssetState::Unaccounted,
            Some("returned") => AssetState::Returned,
            Some("destroyed") if blank_text(self.verified_by) || blank_text(self.certificate) => {
                AssetState::Unaccounted
            }
            Some("destroyed") => AssetState::Destroyed,
            _ if !self.is_issued() => AssetState::NotIssued,
            _ if !self.has_holder || blank_text(self.accepted_by) => AssetState::Unaccounted,
            _ if self.is_overdue(today) => AssetState::Overdue,
            _ => AssetState::WithHolder,
        }
    }

    /// Out with the provider and past its expected return date (whatever else is wrong with it).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.disposition.is_none() && self.is_issued() && day(self.expected_return).is_some_and(|d| d < today)
    }
}

fn day(s: Option<&str>) -> Option<NaiveDate> {
    s.and_then(super::fields::iso_day)
}

impl Asset {
    /// The hand-over form (add, rapid add and edit). `holder` is the holder's name, resolved to a team member of
    /// the engagement's providers when saved.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("tag", "Tag", FieldKind::Text { max: 40 }).required(),
        FieldSpec::new("description", "Description", FieldKind::Text { max: 200 }),
        FieldSpec::new("kind", "Kind", FieldKind::Enum(ASSET_KINDS)).required(),
        FieldSpec::new("classification", "Classification", FieldKind::Text { max: 40 }),
        FieldSpec::new("holder", "Holder (team member)", FieldKind::Text { max: 120 }),
        FieldSpec::new("handed_over", "Handed over on", FieldKind::Date),
        FieldSpec::new("accepted_by", "Accepted by (provider)", FieldKind::Text { max: 120 }),
        FieldSpec::new("expected_return", "Expected return", FieldKind::Date),
    ];

    /// Recording the return.
    pub const RETURN_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("returned_on", "Returned on", FieldKind::Date).required(),
        FieldSpec::new("verified_by", "Verified by", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("condition", "Condition", FieldKind::Text { max: 200 }),
    ];

    /// Recording the destruction: the certificate is required.
    pub const DESTRUCTION_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("returned_on", "Destroyed on", FieldKind::Date).required(),
        FieldSpec::new("verified_by", "Verified by", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("certificate", "Destruction certificate", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("condition", "Method / remarks", FieldKind::Text { max: 200 }),
    ];

    /// The stored value of a form field, by key (`holder` is the holder's name).
    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "tag" => Value::text(&self.tag),
            "description" => opt(&self.description),
            "kind" => Value::text(&self.kind),
            "classification" => opt(&self.classification),
            "holder" => opt(&self.holder_name),
            "handed_over" => opt(&self.handed_over),
            "accepted_by" => opt(&self.accepted_by),
            "expected_return" => opt(&self.expected_return),
            "returned_on" => opt(&self.returned_on),
            "verified_by" => opt(&self.verified_by),
            "condition" => opt(&self.condition),
            "certificate" => opt(&self.certificate),
            _ => Value::Null,
        }
    }

    /// Values for a new asset's form: a device, everything else blank.
    pub fn defaults() -> Vec<Value> {
        Self::FIELDS.iter().map(|f| if f.key == "kind" { Value::text("device") } else { Value::Null }).collect()
    }

    /// Values for the next asset of a series, from the last one: the tag incremented, and only what repeats from
    /// item to item copied (kind, classification, holder, dates, acceptance). The description is left blank: it
    /// identifies the item (a serial number, say) and copied it would describe the wrong one.
    pub fn next_in_series(&self) -> Vec<Value> {
        Self::FIELDS
            .iter()
            .map(|f| match f.key {
                "tag" => Value::text(next_tag(&self.tag)),
                "description" => Value::Null,
                k => self.value(k),
            })
            .collect()
    }

    /// Whether the asset was handed over.
    pub fn is_issued(&self) -> bool {
        self.facts().is_issued()
    }

    /// The asset's state on `today` (see the module documentation).
    pub fn state(&self, today: NaiveDate) -> AssetState {
        self.facts().state(today)
    }

    /// Out with the provider and past its expected return date (whatever else is wrong with it).
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.facts().is_overdue(today)
    }

    /// What its state depends on.
    pub fn facts(&self) -> StateFacts<'_> {
        StateFacts {
            disposition: self.disposition.as_deref(),
            handed_over: self.handed_over.as_deref(),
            has_holder: self.holder_id.is_some(),
            accepted_by: self.accepted_by.as_deref(),
            expected_return: self.expected_return.as_deref(),
            verified_by: self.verified_by.as_deref(),
            certificate: self.certificate.as_deref(),
        }
    }

    /// What is wrong with an unaccounted asset, in words.
    pub fn gap(&self) -> Option<&'static str> {
        match self.disposition.as_deref() {
            Some(_) if blank(&self.verified_by) => Some("no verifier recorded"),
            Some("destroyed") if blank(&self.certificate) => Some("destroyed without a certificate"),
            Some(_) => None,
            None if !self.is_issued() => None,
            None if self.holder_id.is_none() => Some("no holder"),
            None if blank(&self.accepted_by) => Some("nobody accepted it"),
            None => None,
        }
    }

    /// Checks a filled hand-over form: the expected return is not before the hand-over.
    pub fn check(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        match (date_of(values, "handed_over"), date_of(values, "expected_return")) {
            (Some(h), Some(e)) if e < h => {
                Err(("expected_return", "the expected return cannot come before the hand-over".into()))
            }
            _ => Ok(()),
        }
    }

    /// Checks a return or destruction date against the hand-over.
    pub fn check_disposal(&self, values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        match (day(self.handed_over.as_deref()), date_of(values, "returned_on")) {
            (Some(h), Some(r)) if r < h => Err(("returned_on", format!("before the hand-over on {h}"))),
            _ => Ok(()),
        }
    }
}

fn date_of(values: &[(&str, Value)], key: &str) -> Option<NaiveDate> {
    values.iter().find(|(k, _)| *k == key).and_then(|(_, v)| match v {
        Value::Text(t) => day(Some(t)),
        _ => None,
    })
}

/// The next tag of a series: the last run of digits plus one, keeping its width ("AST-001-00042" →
/// "AST-001-00043", "K9" → "K10"); a tag without digits gets "-2".
pub fn next_tag(tag: &str) -> String {
    let digits_at = tag.char_indices().rev().take_while(|(_, c)| c.is_ascii_digit()).last().map(|(i, _)| i);
    let Some(start) = digits_at else {
        return if tag.is_empty() { "1".into() } else { format!("{tag}-2") };
    };
    let (head, digits) = tag.split_at(start);
    // Add one by hand, so that a run longer than any integer still counts up.
    let mut out: Vec<u8> = digits.bytes().collect();
    let mut i = out.len();
    loop {
        if i == 0 {
            out.insert(0, b'1');
            break;
        }
        i -= 1;
        if out[i] == b'9' {
            out[i] = b'0';
        } else {
            out[i] += 1;
            break;
        }
    }
    format!("{head}{}", String::from_utf8_lossy(&out))
}

/// An access granted to a provider's person: an account or system (logical), a badge, key or area (physical).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grant {
    pub id: i64,
    /// Its short number within the engagement (AG-5).
    pub number: i64,
    pub engagement_id: i64,
    pub holder_id: Option<i64>,
    /// The holder as named (a team member's name, or whoever else holds it).
    pub holder_name: Option<String>,
    /// The name recorded with the grant itself, whoever the holder is (the registers show it beside the member's).
    pub recorded_name: Option<String>,
    pub target: String,
    pub kind: String,
    pub granted_on: Option<String>,
    pub revoked_on: Option<String>,
    pub verified_by: Option<String>,
}

impl Grant {
    /// The grant form (add and edit). The holder resolves to a team member as an asset's does; only a holder
    /// explicitly marked as outside the team (a shared service account, an auditor) is kept by name alone.
    pub const FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("holder", "Holder (team member)", FieldKind::Text { max: 120 }).required(),
        FieldSpec::new("target", "Account / system / area", FieldKind::Text { max: 200 }).required(),
        FieldSpec::new("kind", "Kind", FieldKind::Enum(GRANT_KINDS)).required(),
        FieldSpec::new("granted_on", "Granted on", FieldKind::Date),
        FieldSpec::new("revoked_on", "Revoked on", FieldKind::Date),
        FieldSpec::new("verified_by", "Revocation verified by", FieldKind::Text { max: 120 }),
        FieldSpec::new("outside", "Holder is outside the team", FieldKind::YesNo),
    ];

    /// Recording the revocation.
    pub const REVOKE_FIELDS: &'static [FieldSpec] = &[
        FieldSpec::new("revoked_on", "Revoked on", FieldKind::Date).required(),
        FieldSpec::new("verified_by", "Verified by", FieldKind::Text { max: 120 }).required(),
    ];

    pub fn value(&self, key: &str) -> Value {
        let opt = |o: &Option<String>| Value::from(o.clone());
        match key {
            "holder" => opt(&self.holder_name),
            "target" => Value::text(&self.target),
            "kind" => Value::text(&self.kind),
            "granted_on" => opt(&self.granted_on),
            "revoked_on" => opt(&self.revoked_on),
            "verified_by" => opt(&self.verified_by),
            "outside" => Value::Int(i64::from(self.is_outside())),
            _ => Value::Null,
        }
    }

    /// Whether the holder is someone outside the team (named, linked to no member).
    pub fn is_outside(&self) -> bool {
        self.holder_id.is_none() && !blank(&self.holder_name)
    }

    pub fn defaults(today: NaiveDate) -> Vec<Value> {
        Self::FIELDS
            .iter()
            .map(|f| match f.key {
                "kind" => Value::text("logical"),
                "granted_on" => Value::text(today.to_string()),
                "outside" => Value::Int(0),
                _ => Value::Null,
            })
            .collect()
    }

    /// The grant's state on `today`. A revocation dated in the future has not happened yet.
    pub fn state(&self, today: NaiveDate) -> GrantState {
        match day(self.revoked_on.as_deref()) {
            Some(d) if d <= today && blank(&self.verified_by) => GrantState::RevokedUnverified,
            Some(d) if d <= today => GrantState::Revoked,
            _ => GrantState::Active,
        }
    }

    /// Checks a filled grant form: revocation not before the grant; a verifier only with a revocation date.
    pub fn check(values: &[(&str, Value)]) -> Result<(), (&'static str, String)> {
        let given = |k: &str| values.iter().any(|(key, v)| *key == k && !v.is_null());
        match (date_of(values, "granted_on"), date_of(values, "revoked_on")) {
            (Some(g), Some(r)) if r < g => {
                return Err(("revoked_on", "the revocation cannot come before the grant".into()));
            }
            _ => {}
        }
        if given("verified_by") && !given("revoked_on") {
            return Err(("revoked_on", "give the revocation date the verifier checked".into()));
        }
        Ok(())
    }
}

/// A person a holder's name may resolve to: (name, provider).
pub type Candidate<'a> = (&'a str, &'a str);

/// Finds the one candidate a typed holder names: `#N` (the N-th candidate, 1-based, as a fallback for twins),
/// `Name (Provider)`, the exact name, or a unique start of a name; all case-insensitive. Blank names nobody.
/// The error says what went wrong in a sentence the form can show.
pub fn resolve_holder(candidates: &[Candidate<'_>], typed: &str) -> Result<Option<usize>, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    if let Some(n) = typed.strip_prefix('#').and_then(|n| n.parse::<usize>().ok()) {
        return match n.checked_sub(1).filter(|i| *i < candidates.len()) {
            Some(i) => Ok(Some(i)),
            None => Err(format!("no team member #{n}")),
        };
    }
    let lc = typed.to_lowercase();
    let labelled: Vec<usize> = (0..candidates.len())
        .filter(|&i| format!("{} ({})", candidates[i].0, candidates[i].1).to_lowercase() == lc)
        .collect();
    if labelled.len() == 1 {
        return Ok(labelled.first().copied());
    }
    let exact: Vec<usize> = (0..candidates.len()).filter(|&i| candidates[i].0.to_lowercase() == lc).collect();
    let matches = if exact.is_empty() {
        (0..candidates.len()).filter(|&i| candidates[i].0.to_lowercase().starts_with(&lc)).collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [i] => Ok(Some(*i)),
        [] if candidates.is_empty() => {
            Err("this engagement has no team members yet: add the provider's people first".into())
        }
        [] => Err(format!("no team member of this engagement's providers is called “{typed}”")),
        several => {
            let names: Vec<String> =
                several.iter().take(4).map(|&i| format!("{} ({})", candidates[i].0, candidates[i].1)).collect();
            let more = if several.len() > 4 { format!(" and {} more", several.len() - 4) } else { String::new() };
            Err(format!("{} people match: {}{more}", several.len(), names.join(", ")))
        }
    }
}

/// How to name candidate `i` so that [`resolve_holder`] finds exactly it again.
pub fn holder_label(candidates: &[Candidate<'_>], i: usize) -> String {
    let Some((name, provider)) = candidates.get(i) else { return String::new() };
    let same_name = candidates.iter().filter(|c| c.0.eq_ignore_ascii_case(name)).count();
    if same_name <= 1 {
        return (*name).to_string();
    }
    let same_both = candidates.iter().filter(|c| c.0.eq_ignore_ascii_case(name) && c.1 == *provider).count();
    if same_both <= 1 { format!("{name} ({provider})") } else { format!("#{}", i + 1) }
}

/// One open item of the post-outsourcing checklist.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenItem {
    pub id: String,
    pub title: String,
}

/// Everything that keeps an engagement from closing, grouped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Blockers {
    /// Indices (into the caller's asset list) of assets not returned or destroyed, by state.
    pub assets: Vec<(usize, AssetState)>,
    /// Indices of grants not revoked, or revoked without a verifier.
    pub grants: Vec<(usize, GrantState)>,
    /// Open items of the post-outsourcing checklist.
    pub checklist: Vec<OpenItem>,
}

impl Blockers {
    pub fn total(&self) -> usize {
        self.assets.len() + self.grants.len() + self.checklist.len()
    }

    pub fn is_empty(&self) -> bool {
        self.total() == 0
    }

    pub fn assets_in(&self, state: AssetState) -> usize {
        self.assets.iter().filter(|(_, s)| *s == state).count()
    }

    pub fn grants_in(&self, state: GrantState) -> usize {
        self.grants.iter().filter(|(_, s)| *s == state).count()
    }

    /// One line per group with its count: "12 assets not returned or destroyed (3 overdue, 1 unaccounted)".
    pub fn summary_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        if !self.assets.is_empty() {
            out.push(format!(
                "{} asset{} not returned or destroyed ({} overdue, {} unaccounted, {} with holder)",
                self.assets.len(),
                plural(self.assets.len()),
                self.assets_in(AssetState::Overdue),
                self.assets_in(AssetState::Unaccounted),
                self.assets_in(AssetState::WithHolder),
            ));
        }
        if !self.grants.is_empty() {
            out.push(format!(
                "{} access grant{} not removed ({} active, {} revoked without a verifier)",
                self.grants.len(),
                plural(self.grants.len()),
                self.grants_in(GrantState::Active),
                self.grants_in(GrantState::RevokedUnverified),
            ));
        }
        if !self.checklist.is_empty() {
            out.push(format!(
                "{} post-outsourcing checklist item{} open",
                self.checklist.len(),
                plural(self.checklist.len())
            ));
        }
        out
    }
}

/// Gathers the blockers of a close-out from the states of assets and grants and the open checklist items.
pub fn blockers(assets: &[AssetState], grants: &[GrantState], open_items: Vec<OpenItem>) -> Blockers {
    Blockers {
        assets: assets.iter().enumerate().filter(|(_, s)| s.is_outstanding()).map(|(i, s)| (i, *s)).collect(),
        grants: grants.iter().enumerate().filter(|(_, s)| s.is_outstanding()).map(|(i, s)| (i, *s)).collect(),
        checklist: open_items,
    }
}

/// How a close goes ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Close {
    /// Nothing outstanding.
    Clean,
    /// Items outstanding, closed anyway for this reason (to be recorded).
    WithReason(String),
}

/// Why a close is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefused {
    /// Items are outstanding and no reason was given.
    NeedsReason {
        outstanding: usize,
    },
    AlreadyClosed,
}

/// The close rule: go ahead when nothing is outstanding; otherwise only with a reason that says something.
pub fn close(status: &str, blockers: &Blockers, reason: Option<&str>) -> Result<Close, CloseRefused> {
    if status == "closed" {
        return Err(CloseRefused::AlreadyClosed);
    }
    if blockers.is_empty() {
        return Ok(Close::Clean);
    }
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => Ok(Close::WithReason(r.to_string())),
        None => Err(CloseRefused::NeedsReason { outstanding: blockers.total() }),
    }
}

/// The note recorded on the engagement when it is closed.
pub fn close_note(blockers: &Blockers, how: &Close) -> String {
    match how {
        Close::Clean => "Engagement closed: every asset returned or destroyed, every access removed and verified, \
                         the post-outsourcing checklist complete."
            .to_string(),
        Close::WithReason(reason) => format!(
            "Engagement closed with {} item{} outstanding — {}. Reason: {reason}",
            blockers.total(),
            plural(blockers.total()),
            blockers.summary_lines().join("; ")
        ),
    }
}

#[cfg(test)]
mod tests;
