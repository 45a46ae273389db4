//! The registers as tables, built from the records the panes read: each sheet's columns are its register's
//! declaration ([`Register::columns`]), each cell the record's value for that column's key. The sheets an import
//! compares a file with hold row ids ([`local_sheets`]); the sheets a file is written from hold UUIDs and short
//! references in their place ([`sheets`]).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::Connection;

use super::columns::{Role, WITHHELD, refers_to};
use super::idents::Idents;
use super::{Register, Sheet};
use crate::catalog;
use crate::domain::scorecard::{Ranked, scoring_grid};
use crate::domain::vetting::{CheckKind, TeamMember, is_sensitive};
use crate::domain::{Criterion, Provider, Score, Value};
use crate::store::{Table, assets, checklist, criteria, providers, risks, scores, vetting};

/// The members of each provider, as the vetting forms see them (in the order they were added).
pub(super) fn member_teams(members: &[TeamMember]) -> HashMap<i64, Vec<TeamMember>> {
    let mut out: HashMap<i64, Vec<TeamMember>> = HashMap::new();
    for m in members {
        out.entry(m.provider_id).or_default().push(m.clone());
    }
    out
}

/// A sheet of `register` with a row per record, each cell `cell(record, column key)`.
fn sheet<T>(register: Register, records: &[T], cell: impl Fn(&T, &str) -> Value) -> Sheet {
    let columns = register.columns();
    Sheet {
        name: register.name(),
        headers: columns.iter().map(|c| c.key.to_string()).collect(),
        rows: records.iter().map(|r| columns.iter().map(|c| cell(r, c.key)).collect()).collect(),
    }
}

/// One yes/no convention across the sheets: the words, as the must-have column writes them.
fn yes_no(yes: bool) -> Value {
    Value::text(if yes { "yes" } else { "no" })
}

/// Every register of an engagement as a table, as a file carries it: each record's UUID in its `id` column and its
/// short reference in `ref`, and every record a cell names by its short reference. The results, evidence and notes
/// of criminal-record and credit checks are left out unless `include_sensitive`.
pub fn sheets(
    conn: &Connection,
    engagement: i64,
    today: NaiveDate,
    include_sensitive: bool,
) -> rusqlite::Result<Vec<Sheet>> {
    let idents = Idents::load(conn, engagement)?;
    let local = local_sheets(conn, engagement, today, include_sensitive, &idents)?;
    Ok(local.into_iter().map(|s| present(s, &idents)).collect())
}

/// The scores column of a provider in the sheets an import compares with: "Name (#row id)".
fn local_score_header(name: &str, provider: i64) -> String {
    format!("{name} (#{provider})")
}

/// The provider (its row id) a scores column of [`local_sheets`] holds.
pub(super) fn local_score_column(header: &str) -> Option<i64> {
    let h = header.trim();
    let open = h.rfind("(#")?;
    h[open + 2..].strip_suffix(')')?.parse().ok()
}

/// A sheet of row ids as a file carries it: the `id` column the records' UUIDs, the columns naming other records
/// their short references, and the scores columns headed by the provider's reference ("Name (P-3)").
fn present(mut sheet: Sheet, idents: &Idents) -> Sheet {
    let Some(register) = Register::from_name(sheet.name) else { return sheet };
    for (i, c) in register.columns().iter().enumerate() {
        let own = c.role == Role::Id;
        let Some(table) = (if own { Some(register.table()) } else { refers_to(c.key) }) else { continue };
        for row in &mut sheet.rows {
            if let Some(id) = row.get(i).and_then(Value::as_i64) {
                row[i] = if own { idents.uuid_cell(table, id) } else { Value::text(idents.shown(table, id)) };
            }
        }
    }
    let declared = register.columns().len();
    for h in sheet.headers.iter_mut().skip(declared) {
        if let Some(p) = local_score_column(h)
            && let Some(open) = h.rfind("(#")
        {
            *h = format!("{}({})", &h[..open], idents.shown(Table::Provider, p));
        }
    }
    sheet
}

/// Every register of an engagement as a table of row ids (the `id` column and the columns naming other records
/// hold them), with each record's short reference in `ref`: what an import compares a file with.
pub(super) fn local_sheets(
    conn: &Connection,
    engagement: i64,
    today: NaiveDate,
    include_sensitive: bool,
    idents: &Idents,
) -> rusqlite::Result<Vec<Sheet>> {
    let mut out = Vec::new();
    // Risks.
    let mut register = risks::list(conn, engagement)?;
    register.sort_by_key(|r| r.id);
    let facts: Vec<_> = register.iter().map(|r| (r, r.facts())).collect();
    out.push(sheet(Register::Risks, &facts, |(r, f), key| match key {
        "id" => Value::Int(r.id),
        "inherent_level" => Value::Int(i64::from(f.inherent.level())),
        "inherent_band" => Value::text(f.inherent.band().label()),
        "residual_band" => Value::text(f.residual_band().label()),
        "acceptance" => Value::text(f.acceptance(today).label()),
        _ => r.value(key),
    }));

    // Team members with their checks as columns.
    let provs = providers::list(conn, engagement)?;
    let provider_name: HashMap<i64, &str> = provs.iter().map(|p| (p.id, p.name.as_str())).collect();
    let members = vetting::engagement_members(conn, engagement)?;
    let mut checks = vetting::engagement_checks(conn, engagement)?;
    checks.sort_by_key(|c| c.id);
    let sensitive = |kind: Option<CheckKind>| kind.is_some_and(is_sensitive);
    // The results of criminal-record and credit checks of named people are withheld (left blank, which an import
    // reads as "no change") unless `include_sensitive`.
    let mut status: HashMap<(i64, CheckKind), &'static str> = HashMap::new();
    for c in checks.iter().filter(|c| include_sensitive || !sensitive(c.kind)) {
        if let Some(kind) = c.kind {
            status.insert((c.member_id, kind), c.status.into());
        }
    }
    // The backup as the vetting form names them: "Name", or "Name (Role)" where the provider has two of that name.
    let teams = member_teams(&members);
    out.push(sheet(Register::TeamMembers, &members, |m, key| match key {
        "id" => Value::Int(m.id),
        "provider_id" => Value::Int(m.provider_id),
        "provider" => Value::from(provider_name.get(&m.provider_id).copied()),
        "backup" => {
            let team = teams.get(&m.provider_id).map_or(&[][..], Vec::as_slice);
            Value::from(m.backup_for.and_then(|b| team.iter().find(|t| t.id == b)).map(|b| b.handle(team)))
        }
        _ => match key.parse::<CheckKind>() {
            Ok(kind) => Value::from(status.get(&(m.id, kind)).copied()),
            Err(_) => m.value(key),
        },
    }));

    // Vetting checks in full; the result, evidence and note of criminal-record and credit checks withheld.
    let names: HashMap<i64, &str> = members.iter().map(|m| (m.id, m.name.as_str())).collect();
    out.push(sheet(Register::VettingChecks, &checks, |c, key| {
        let hide = sensitive(c.kind) && !include_sensitive;
        match key {
            "id" => Value::Int(c.id),
            "member_id" => Value::Int(c.member_id),
            "member" => Value::from(names.get(&c.member_id).copied()),
            "kind" => Value::from(c.kind.map(<&'static str>::from)),
            "status" if hide => Value::text(WITHHELD),
            "evidence" | "note" if hide => Value::Null,
            _ => c.value(key),
        }
    }));

    // Assets.
    let mut list = assets::list(conn, engagement)?;
    list.sort_by_key(|a| a.id);
    out.push(sheet(Register::Assets, &list, |a, key| match key {
        "id" => Value::Int(a.id),
        "holder_id" => Value::from(a.holder_id),
        "holder" => Value::from(a.holder_name.clone()),
        "disposition" => Value::from(a.disposition.clone()),
        _ => a.value(key),
    }));

    // Access grants: the holder as a team member, and the name recorded with the grant.
    let mut list = assets::grants(conn, engagement)?;
    list.sort_by_key(|g| g.id);
    out.push(sheet(Register::AccessGrants, &list, |g, key| match key {
        "id" => Value::Int(g.id),
        "holder_id" => Value::from(g.holder_id),
        "holder" => Value::from(g.holder_id.and(g.holder_name.clone())),
        "holder_name" => Value::from(g.recorded_name.clone()),
        _ => g.value(key),
    }));

    // Providers, with their place in the ranking.
    let crits = criteria::list(conn, engagement)?;
    let score_list = scores::list(conn, engagement)?;
    let ranking = ranking(&provs, &crits, &score_list, today);
    let place: HashMap<i64, &Ranked> = ranking.iter().map(|r| (r.provider_id, r)).collect();
    out.push(sheet(Register::Providers, &provs, |p, key| {
        let r = place.get(&p.id);
        match key {
            "id" => Value::Int(p.id),
            "scope_covers_service" | "agrees_policies" | "agrees_audit" => yes_no(p.value(key).as_i64() == Some(1)),
            "rank" => Value::from(r.map(|r| r.rank as i64)),
            "total" => Value::from(r.map(|r| format!("{:.1}", r.total))),
            "passes_gates" => Value::from(r.map(|r| if r.passes { "yes" } else { "no" })),
            _ => p.value(key),
        }
    }));

    // Criteria and scores: one column per provider.
    let cell: HashMap<(i64, i64), u8> = score_list.iter().map(|s| ((s.criterion_id, s.provider_id), s.score)).collect();
    let mut scores = sheet(Register::Scores, &crits, |c, key| match key {
        "criterion_id" => Value::Int(c.id),
        "criterion" => Value::text(&c.text),
        "must_have" => yes_no(c.must_have),
        _ => c.value(key),
    });
    scores.headers.extend(provs.iter().map(|p| local_score_header(&p.name, p.id)));
    for (row, c) in scores.rows.iter_mut().zip(&crits) {
        row.extend(provs.iter().map(|p| Value::from(cell.get(&(c.id, p.id)).map(|s| i64::from(*s)))));
    }
    out.push(scores);

    // The checklist.
    let mut items: Vec<checklist::ChecklistRow> = checklist::rows(conn, engagement)?.into_values().collect();
    items.sort_by_key(|r| r.id);
    out.push(sheet(Register::Checklist, &items, |r, key| {
        let item = || catalog::catalog().get(&r.catalog_ref);
        match key {
            "id" => Value::Int(r.id),
            "catalog_ref" => Value::text(&r.catalog_ref),
            "title" => Value::from(item().map(|i| i.title.clone())),
            "phase" => Value::from(item().map(|i| crate::domain::workflow::phase_label(i.phase))),
            "status" => Value::text(r.status.as_ref()),
            "note" => Value::from(r.note.clone()),
            "done_at" => Value::from(r.done_at.clone()),
            "done_by" => Value::from(r.done_by.clone()),
            _ => Value::Null,
        }
    }));
    for sheet in &mut out {
        fill_refs(sheet, idents);
    }
    Ok(out)
}

/// Fills a sheet's `ref` column with each record's short reference, from its row id.
fn fill_refs(sheet: &mut Sheet, idents: &Idents) {
    let Some(register) = Register::from_name(sheet.name) else { return };
    let cols = register.columns();
    let (Some(ri), Some(ii)) =
        (cols.iter().position(|c| c.role == Role::Ref), cols.iter().position(|c| c.role == Role::Id))
    else {
        return;
    };
    for row in &mut sheet.rows {
        if let Some(id) = row.get(ii).and_then(Value::as_i64) {
            row[ri] = Value::from(idents.short(register.table(), id));
        }
    }
}

/// The providers ranked by the scorecard's rules (gates first, then weighted total).
pub fn ranking(provs: &[Provider], crits: &[Criterion], score_list: &[Score], today: NaiveDate) -> Vec<Ranked> {
    scoring_grid(crits, provs, score_list, today).map(|g| crate::domain::scorecard::rank(&g)).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, engagements};

    /// The grants sheet carries both the team member who holds the access and the name recorded with the grant, as
    /// the panes' reader gives them; each sheet's header is its register's declaration.
    #[test]
    fn sheets_read_the_panes_records() {
        let mut store = Store::open_in_memory("tester").expect("store");
        let e = engagements::create_in(&mut store, "E").expect("engagement");
        store
            .write(|w| {
                let p = providers::create(w, e, &[("name", Value::text("Acme"))])?;
                let m = vetting::create_member(w, p, &[("name", Value::text("Ana"))])?;
                vetting::save_check(w, m, CheckKind::Credit, &[("status", Value::text("passed"))])?;
                assets::create_grant(
                    w,
                    e,
                    &[
                        ("holder_id", Value::Int(m)),
                        ("holder_name", Value::text("Ana at the desk")),
                        ("target", Value::text("VPN")),
                    ],
                )?;
                assets::create_grant(w, e, &[("holder_name", Value::text("Auditor")), ("target", Value::text("Wiki"))])
            })
            .expect("write");
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let sheets = sheets(store.conn(), e, today, false).expect("sheets");
        for (s, r) in sheets.iter().zip(Register::ALL) {
            let keys: Vec<&str> = r.columns().iter().map(|c| c.key).collect();
            assert_eq!(s.headers[..keys.len()], keys[..], "{}", s.name);
        }
        let grants = sheets.iter().find(|s| s.name == "access_grants").expect("grants");
        let col = |k: &str| grants.headers.iter().position(|h| h == k).expect("column");
        let cells: Vec<(String, String)> =
            grants.rows.iter().map(|r| (r[col("holder")].to_string(), r[col("holder_name")].to_string())).collect();
        assert_eq!(cells, [("Ana".into(), "Ana at the desk".into()), (String::new(), "Auditor".into())]);
        // The credit check's result is withheld from the member's row and from the checks sheet.
        let members = sheets.iter().find(|s| s.name == "team_members").expect("members");
        let credit = members.headers.iter().position(|h| h == "credit").expect("credit");
        assert_eq!(members.rows[0][credit], Value::Null);
        let checks = sheets.iter().find(|s| s.name == "vetting_checks").expect("checks");
        assert_eq!(checks.rows[0][4], Value::text(WITHHELD));
        assert_eq!(checks.rows[0][3], Value::text("credit"));
    }

    /// The one grid builder caps what is out of range and leaves out a score of a provider outside the grid.
    #[test]
    fn ranking_uses_the_one_grid_builder() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 30).expect("date");
        let provider = |id: i64, name: &str| Provider {
            id,
            name: name.into(),
            scope_covers_service: true,
            agrees_policies: true,
            agrees_audit: true,
            cert_body: Some("Body".into()),
            cert_number: Some("1".into()),
            cert_expiry: Some("2030-01-01".into()),
            ..Provider::default()
        };
        let provs = [provider(1, "A"), provider(2, "B")];
        let crits = [Criterion { id: 10, text: "Security".into(), weight: 99, ..Criterion::default() }];
        let score = |p: i64, s: u8| Score { provider_id: p, criterion_id: 10, score: s, note: None };
        let scores = [score(1, 9), score(2, 3), score(7, 5)];
        let ranked = ranking(&provs, &crits, &scores, today);
        let got: Vec<(i64, usize, f64)> = ranked.iter().map(|r| (r.provider_id, r.rank, r.total)).collect();
        assert_eq!(got, [(1, 1, 100.0), (2, 2, 60.0)]);
        let grid = scoring_grid(&crits, &provs, &scores, today).expect("grid");
        assert_eq!(crate::domain::scorecard::rank(&grid), ranked);
    }
}
