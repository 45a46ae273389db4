//! Engagements: the unit of work everything else belongs to.

use std::str::FromStr;

use rusqlite::{Connection, OptionalExtension, Row};

use super::{Table, Writer};
use crate::domain::engagement::Classification;
use crate::domain::{Engagement, EngagementSummary, Phase, Value};

const COLUMNS: &str = "id, name, service, scope, objective, business_owner, phase, start_date, planned_end, status, \
    updated_at, number, uuid, conclusion, overall_rating, approach, limitations, classification, reviewer, distribution";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Engagement> {
    let phase: String = r.get(6)?;
    Ok(Engagement {
        id: r.get(0)?,
        number: super::refs::number(r, 11)?,
        uuid: super::ids::read(r.get_ref(12)?).map(|u| u.to_string()).unwrap_or_default(),
        name: r.get(1)?,
        service: r.get(2)?,
        scope: r.get(3)?,
        objective: r.get(4)?,
        business_owner: r.get(5)?,
        phase: Phase::from_str(&phase).unwrap_or_default(),
        start_date: r.get(7)?,
        planned_end: r.get(8)?,
        status: r.get(9)?,
        updated_at: r.get(10)?,
        conclusion: r.get(13)?,
        overall_rating: r.get(14)?,
        approach: r.get(15)?,
        limitations: r.get(16)?,
        classification: Classification::parse(&r.get::<_, String>(17)?),
        reviewer: r.get(18)?,
        distribution: r.get(19)?,
    })
}

/// The order engagements are listed in: the one changed last first.
const LISTED: &str = "ORDER BY updated_at DESC, id DESC";

/// All engagements, most recently changed first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<Engagement>> {
    let mut stmt = conn.prepare_cached(&format!("SELECT {COLUMNS} FROM engagement {LISTED}"))?;
    stmt.query_map([], from_row)?.collect()
}

pub fn get(conn: &Connection, id: i64) -> rusqlite::Result<Option<Engagement>> {
    conn.query_row(&format!("SELECT {COLUMNS} FROM engagement WHERE id = ?"), [id], from_row).optional()
}

/// Creates an engagement from field values keyed as in [`Engagement::FIELDS`].
pub fn create(w: &mut Writer<'_>, values: &[(&str, Value)]) -> rusqlite::Result<i64> {
    w.insert(Table::Engagement, values)
}

/// Creates an engagement with just a name in its own transaction (tests, scripts).
pub fn create_in(store: &mut super::Store, name: &str) -> rusqlite::Result<i64> {
    store.write(|w| create(w, &[("name", Value::text(name))]))
}

pub fn update(w: &mut Writer<'_>, id: i64, values: &[(&str, Value)]) -> rusqlite::Result<usize> {
    w.update(Table::Engagement, id, values)
}

pub fn set_phase(w: &mut Writer<'_>, id: i64, phase: Phase) -> rusqlite::Result<usize> {
    w.update(Table::Engagement, id, &[("phase", Value::text(phase.as_ref()))])
}

/// Deletes an engagement and, by cascade, everything recorded under it.
pub fn delete(w: &mut Writer<'_>, id: i64) -> rusqlite::Result<bool> {
    w.delete(Table::Engagement, id)
}

/// The figures the overview shows for one engagement: the counts in one query, then the members and their checks,
/// and the assets, each read once.
pub fn summary(conn: &Connection, id: i64, today: &str) -> rusqlite::Result<EngagementSummary> {
    let mut s = conn.query_row(
        "SELECT
            (SELECT count(*) FROM provider WHERE engagement_id = ?1),
            (SELECT count(*) FROM criterion WHERE engagement_id = ?1),
            (SELECT count(*) FROM risk WHERE engagement_id = ?1),
            (SELECT count(*) FROM access_grant WHERE engagement_id = ?1
                AND (revoked_on IS NULL OR revoked_on > ?2)),
            (SELECT count(*) FROM checklist_item WHERE engagement_id = ?1 AND status = 'open'),
            (SELECT count(*) FROM checklist_item WHERE engagement_id = ?1),
            (SELECT count(*) FROM journal_entry WHERE engagement_id = ?1)",
        rusqlite::params![id, today],
        |r| {
            Ok(EngagementSummary {
                providers: r.get(0)?,
                criteria: r.get(1)?,
                risks: r.get(2)?,
                grants_active: r.get(3)?,
                checklist_open: r.get(4)?,
                checklist_total: r.get(5)?,
                journal: r.get(6)?,
                ..Default::default()
            })
        },
    )?;
    // The members and the assets are counted as they are read for what depends on their state.
    (s.members, s.checks_pending) = team_and_pending_checks(conn, id, today)?;
    (s.assets, s.assets_out) = assets_and_outstanding(conn, id, today)?;
    Ok(s)
}

/// The engagement the workbench opens on: the one last open while it exists, else the one changed last (the first
/// of [`list`]).
pub fn shown_first(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    let remembered =
        super::settings::get(conn, super::settings::CURRENT_ENGAGEMENT)?.and_then(|s| s.parse::<i64>().ok());
    if let Some(id) = remembered
        && conn.query_row("SELECT EXISTS (SELECT 1 FROM engagement WHERE id = ?)", [id], |r| r.get::<_, bool>(0))?
    {
        return Ok(Some(id));
    }
    conn.query_row(&format!("SELECT id FROM engagement {LISTED} LIMIT 1"), [], |r| r.get(0)).optional()
}

/// Assets that block the close, by the same rule as the close-out: handed over and not yet returned or destroyed
/// with a verifier (an asset never handed over is not out; one returned without a verifier is not accounted for).
pub fn assets_outstanding(conn: &Connection, id: i64, today: &str) -> rusqlite::Result<i64> {
    assets_and_outstanding(conn, id, today).map(|(_, out)| out)
}

/// What the outstanding assets are counted from, all of it in the index `asset_state` (schema step 12), so that the
/// count reads the index alone.
const ASSET_STATES: &str = "SELECT holder_id, handed_over, accepted_by, expected_return, disposition, verified_by,
    certificate FROM asset WHERE engagement_id = ?";

/// What the pending checks are counted from, all of it in the index `vetting_check_standing` (schema step 12).
const CHECK_STANDINGS: &str = "SELECT c.member_id, c.kind, c.status, c.checked_on, c.reference_count, c.note
    FROM vetting_check c JOIN team_member m ON m.id = c.member_id JOIN provider p ON p.id = m.provider_id
    WHERE p.engagement_id = ?";

/// The engagement's assets, and how many of them are outstanding ([`assets_outstanding`]).
fn assets_and_outstanding(conn: &Connection, id: i64, today: &str) -> rusqlite::Result<(i64, i64)> {
    let today = crate::domain::fields::iso_day(today).unwrap_or_default();
    // Only the fields an asset's state depends on, unsorted and without the holder's name: the overview, and so
    // the first frame, waits for this count.
    let mut stmt = conn.prepare_cached(ASSET_STATES)?;
    let mut rows = stmt.query([id])?;
    let (mut all, mut out) = (0, 0);
    while let Some(r) = rows.next()? {
        // Read in place (the rule asks of the text fields only whether they are blank, and the two dates), and
        // refused, as a copy would be, when a field holds anything but text.
        let text = |i: usize| r.get_ref(i).and_then(|v| v.as_str_or_null().map_err(Into::into));
        let facts = crate::domain::assets::StateFacts {
            has_holder: r.get_ref(0)?.as_i64_or_null()?.is_some(),
            handed_over: text(1)?,
            accepted_by: text(2)?,
            expected_return: text(3)?,
            disposition: text(4)?,
            verified_by: text(5)?,
            certificate: text(6)?,
        };
        all += 1;
        if facts.state(today).is_outstanding() {
            out += 1;
        }
    }
    Ok((all, out))
}

/// Required checks not counting yet, over every member still on the team, whether recorded or not (a member with
/// no check recorded has all of them pending).
pub fn pending_checks(conn: &Connection, id: i64, today: &str) -> rusqlite::Result<i64> {
    team_and_pending_checks(conn, id, today).map(|(_, pending)| pending)
}

/// The engagement's team members (those who left included), and the checks pending over them
/// ([`pending_checks`]).
fn team_and_pending_checks(conn: &Connection, id: i64, today: &str) -> rusqlite::Result<(i64, i64)> {
    use crate::domain::vetting::{CheckKind, CheckStatus, PendingTally, TeamMember, VettingCheck};
    let today = crate::domain::fields::iso_day(today).unwrap_or_default();
    // Only what the count depends on (who is still on the team, and each recorded check's outcome), unsorted, and
    // of each check only whether it counts: the overview, and so the first frame, waits for it.
    let members = conn
        .prepare_cached(
            "SELECT m.id, m.left_on FROM team_member m JOIN provider p ON p.id = m.provider_id
             WHERE p.engagement_id = ?",
        )?
        .query_map([id], |r| Ok(TeamMember { id: r.get(0)?, left_on: r.get(1)?, ..Default::default() }))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut stmt = conn.prepare_cached(CHECK_STANDINGS)?;
    let mut rows = stmt.query([id])?;
    let mut tally = PendingTally::default();
    while let Some(r) = rows.next()? {
        // Read in place: the kind and status as their enums, and of the date and the note only whether there is
        // one (all the rule asks of them), so that no text is copied.
        let text = |i: usize| super::text_in_place(r, i);
        let given = |i: usize| text(i).map(|t| t.filter(|t| !t.trim().is_empty()).map(|_| String::from("…")));
        tally.record(&VettingCheck {
            member_id: r.get(0)?,
            kind: text(1)?.and_then(|k| CheckKind::from_str(k).ok()),
            status: CheckStatus::parse(text(2)?.unwrap_or_default()),
            checked_on: given(3)?,
            reference_count: r.get(4)?,
            note: given(5)?,
            ..Default::default()
        });
    }
    let pending = tally.over(&members, today);
    Ok((i64::try_from(members.len()).unwrap_or(i64::MAX), i64::try_from(pending).unwrap_or(i64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, settings};

    #[test]
    fn the_overviews_counts_of_assets_and_checks_read_their_indexes_alone() {
        let store = Store::open_in_memory("t").expect("store");
        for (sql, index) in [(ASSET_STATES, "asset_state"), (CHECK_STANDINGS, "vetting_check_standing")] {
            let plan: Vec<String> = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .and_then(|mut s| s.query_map([1], |r| r.get::<_, String>(3))?.collect())
                .expect("plan");
            assert!(
                plan.iter().any(|step| step.contains(&format!("USING COVERING INDEX {index}"))),
                "{index} covers what is read: {plan:?}"
            );
        }
    }

    #[test]
    fn the_workbench_opens_on_the_engagement_last_open_while_it_exists_else_on_the_one_changed_last() {
        let mut store = Store::open_in_memory("t").expect("store");
        assert_eq!(shown_first(store.conn()).expect("read"), None, "no engagement, none to open on");
        let a = create_in(&mut store, "A").expect("A");
        let b = create_in(&mut store, "B").expect("B");
        let first_listed = list(store.conn()).expect("list")[0].id;
        assert_eq!(shown_first(store.conn()).expect("read"), Some(first_listed), "none remembered: the first listed");
        let remember = |store: &mut Store, v: String| {
            store.write(|w| settings::set(w, settings::CURRENT_ENGAGEMENT, &v)).expect("remembered");
        };
        let other = if first_listed == a { b } else { a };
        remember(&mut store, other.to_string());
        assert_eq!(shown_first(store.conn()).expect("read"), Some(other), "the one remembered");
        store.write(|w| delete(w, other)).expect("deleted");
        assert_eq!(shown_first(store.conn()).expect("read"), Some(first_listed), "the remembered one is gone");
        remember(&mut store, "not a number".into());
        assert_eq!(shown_first(store.conn()).expect("read"), Some(first_listed), "what is remembered is no id");
    }
}
