//! Vetting and assets in summary: clearance per provider as a count and a percentage, the roster warnings, the
//! members not yet vetted, and the assets and access by state.

use std::collections::HashMap;

use super::data::{Data, dash, record_table, table};
use super::model::{Bar, Block, Record, Section};
use crate::domain::assets::AssetState;
use crate::domain::vetting::{self, Clearance, MemberChecks, TeamClearance};
use crate::store::Table;

/// The most rows a list of this section shows; the rest are counted (the workbench lists them all).
const MAX_ROWS: usize = 10;
/// The most members not yet cleared named per provider.
const MAX_NAMED: usize = 6;

pub(super) fn vetting_and_assets(d: &Data, include_sensitive: bool) -> Section {
    let mut recorded: HashMap<i64, MemberChecks> = HashMap::new();
    for c in &d.checks {
        if let Some(kind) = c.kind {
            recorded.entry(c.member_id).or_default()[kind.index()] = Some(c.clone());
        }
    }
    let none = MemberChecks::default();
    let checks_of = |id: i64| recorded.get(&id).unwrap_or(&none);
    let mut blocks = vec![Block::Para(format!(
        "Cleared: every required check counts; leavers are not counted. {}",
        if include_sensitive {
            "Criminal-record and credit checks are named at the author's request."
        } else {
            "Criminal-record and credit checks are counted, never named."
        }
    ))];
    let mut rows: Vec<(Record, Vec<String>)> = Vec::new();
    let mut bars = Vec::new();
    for p in &d.provs {
        let team: Vec<_> = d.members.iter().filter(|m| m.provider_id == p.id).collect();
        if team.is_empty() {
            continue;
        }
        let clearances: Vec<Clearance> =
            team.iter().map(|m| vetting::member_clearance(m, checks_of(m.id), d.today)).collect();
        let t = TeamClearance::of(&clearances);
        let pending: usize = team.iter().map(|m| vetting::pending_kinds(m, checks_of(m.id), d.today).len()).sum();
        let pct = t.percent().map_or("—".to_string(), |p| format!("{p} %"));
        rows.push((
            d.names.of(Table::Provider, p.id, p.number),
            vec![
                p.name.clone(),
                t.active.to_string(),
                t.cleared.to_string(),
                pct,
                t.failed.to_string(),
                pending.to_string(),
            ],
        ));
        bars.push(Bar {
            label: p.name.clone(),
            value: t.percent().unwrap_or(0) as f64,
            shown: format!("{} % ({} of {})", t.percent().unwrap_or(0), t.cleared, t.active),
            mark: (t.failed > 0).then(|| format!("{} failed", t.failed)),
        });
    }
    if rows.is_empty() {
        blocks.push(Block::Empty("No provider team members are recorded.".into()));
    } else {
        blocks.push(record_table(
            &["Provider", "On the team", "Cleared", "Cleared %", "Failed", "Checks pending"],
            rows,
            &[1, 2, 3, 4, 5],
        ));
        blocks.push(Block::Bars {
            measure: "% of the members still on the team cleared".into(),
            max: 100.0,
            rows: bars,
        });
    }

    blocks.push(Block::Heading("Roster warnings and members not yet cleared".into()));
    let names: HashMap<i64, String> = d.members.iter().map(|m| (m.id, m.name.clone())).collect();
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("member #{id}"));
    let mut rows = Vec::new();
    let mut withheld = 0usize;
    for p in &d.provs {
        let team: Vec<_> = d.members.iter().filter(|m| m.provider_id == p.id).cloned().collect();
        if team.is_empty() {
            continue;
        }
        let warnings: Vec<String> =
            vetting::warnings(&team, &d.holdings, &d.conflicts, d.today).iter().map(|w| w.text(&name)).collect();
        // Each member not cleared yet, with the checks that do not count: named, but for the sensitive ones
        // (counted, unless asked for).
        let mut open = Vec::new();
        for m in &team {
            let kinds = vetting::pending_kinds(m, checks_of(m.id), d.today);
            if kinds.is_empty() {
                continue;
            }
            // A failed check says so, with its note when the check may be named.
            let shown: Vec<String> = kinds
                .iter()
                .filter(|k| include_sensitive || !vetting::is_sensitive(**k))
                .map(|k| match checks_of(m.id)[k.index()].as_ref() {
                    Some(c) if c.outcome(*k) == vetting::CheckOutcome::Failed => match c.note.as_deref() {
                        Some(note) if !note.trim().is_empty() => format!("{} failed: {}", k.short_label(), note.trim()),
                        _ => format!("{} failed", k.short_label()),
                    },
                    _ => k.short_label().to_string(),
                })
                .collect();
            let hidden = kinds.len() - shown.len();
            withheld += hidden;
            let mut what = shown.join(", ");
            if hidden > 0 {
                what.push_str(&format!("{}{hidden} withheld", if what.is_empty() { "" } else { ", " }));
            }
            open.push(format!("{} {} ({what})", crate::store::refs::label(Table::TeamMember, m.number), m.name));
        }
        if warnings.is_empty() && open.is_empty() {
            continue;
        }
        // A large team is named in part: the count says how many more the Vetting tab lists.
        if open.len() > MAX_NAMED {
            let more = open.len() - MAX_NAMED;
            open.truncate(MAX_NAMED);
            open.push(format!("and {more} more"));
        }
        let dashed = |v: Vec<String>| if v.is_empty() { "—".to_string() } else { v.join("; ") };
        rows.push((d.names.of(Table::Provider, p.id, p.number), vec![p.name.clone(), dashed(open), dashed(warnings)]));
    }
    if rows.is_empty() {
        blocks.push(Block::Empty("Every member still on a team is cleared, and the rosters raise no warning.".into()));
    } else {
        blocks.push(record_table(&["Provider", "Not yet cleared (checks not counting)", "Roster warnings"], rows, &[]));
    }
    if withheld > 0 {
        blocks.push(Block::Para(format!(
            "{withheld} of the checks not counting are criminal-record or credit checks, counted but not named \
             (withheld)."
        )));
    }

    blocks.push(Block::Heading("Assets and access".into()));
    let states: Vec<AssetState> = d.assets.iter().map(|a| a.state(d.today)).collect();
    let mut headers: Vec<String> = AssetState::ALL.iter().map(|s| s.text()).collect();
    headers.push("Access rights in force".into());
    let mut counts: Vec<String> =
        AssetState::ALL.iter().map(|s| states.iter().filter(|x| *x == s).count().to_string()).collect();
    let today = d.today.to_string();
    counts.push(
        d.grants.iter().filter(|g| g.revoked_on.as_deref().is_none_or(|r| r > today.as_str())).count().to_string(),
    );
    let heads: Vec<&str> = headers.iter().map(String::as_str).collect();
    let all: Vec<usize> = (0..heads.len()).collect();
    blocks.push(table(&heads, vec![counts], &all));
    let late: Vec<(Record, Vec<String>)> = d
        .assets
        .iter()
        .zip(&states)
        .filter(|(_, s)| matches!(s, AssetState::Overdue | AssetState::Unaccounted))
        .map(|(a, s)| {
            (
                d.names.of(Table::Asset, a.id, a.number),
                vec![
                    a.tag.clone(),
                    dash(&a.description),
                    s.label().into(),
                    dash(&a.holder_name),
                    dash(&a.expected_return),
                ],
            )
        })
        .collect();
    if !late.is_empty() {
        let total = late.len();
        let shown: Vec<_> = late.into_iter().take(MAX_ROWS).collect();
        blocks.push(record_table(&["Tag", "Asset", "State", "Holder", "Expected back"], shown, &[]));
        if total > MAX_ROWS {
            blocks.push(Block::Para(format!(
                "{total} assets are overdue or unaccounted for; the first {MAX_ROWS} are listed, the asset tracking \
                 form (assay report assets) lists every one."
            )));
        }
    }
    Section { title: "Vetting and assets".into(), blocks }
}
