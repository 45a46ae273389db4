//! The report gathered from the workspace: every section, in the order printed.

use std::collections::HashMap;

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use rusqlite::Connection;

use super::model::{Bar, Block, REF_HEADER, Record, Report, Section};
use crate::catalog::{self, ItemPhase, Use};
use crate::domain::risk::{AcceptanceState, Band, Dimension, MatrixView, matrix, verdict};
use crate::domain::vetting::{self, CheckKind, CheckOutcome, MemberChecks, TeamMember};
use crate::domain::workflow::{CheckStatus, PHASE_ORDER, Progress, phase_label};
use crate::domain::{Engagement, Phase};
use crate::store::ids::{self, Ident};
use crate::store::{Table, refs, registers};
use crate::store::{assets as store_assets, vetting as store_vetting};
use crate::store::{checklist, criteria, engagements, notes, providers, risks, scores};

fn s(o: &Option<String>) -> String {
    o.clone().unwrap_or_default()
}

/// Whether a member has left the team by `today`.
fn member_left(m: &TeamMember, today: NaiveDate) -> bool {
    m.left_on.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()).is_some_and(|d| d <= today)
}

fn dash(o: &Option<String>) -> String {
    o.clone().filter(|x| !x.is_empty()).unwrap_or_else(|| "—".into())
}

fn table(headers: &[&str], rows: Vec<Vec<String>>, numeric: &[usize]) -> Block {
    Block::Table {
        headers: headers.iter().map(|h| (*h).to_string()).collect(),
        rows,
        numeric: (0..headers.len()).map(|i| numeric.contains(&i)).collect(),
        records: Vec::new(),
    }
}

/// A table whose rows are records: each row starts with the record's short reference (a column of its own), and the
/// JSON carries the record's reference and UUID row for row. `numeric` counts the columns after the reference.
fn record_table(headers: &[&str], rows: Vec<(Record, Vec<String>)>, numeric: &[usize]) -> Block {
    let mut all = vec![REF_HEADER];
    all.extend_from_slice(headers);
    let (records, rows): (Vec<Record>, Vec<Vec<String>>) = rows
        .into_iter()
        .map(|(rec, row)| {
            let mut cells = vec![rec.reference.clone()];
            cells.extend(row);
            (rec, cells)
        })
        .unzip();
    let numeric: Vec<usize> = numeric.iter().map(|i| i + 1).collect();
    match table(&all, rows, &numeric) {
        Block::Table { headers, rows, numeric, .. } => Block::Table { headers, rows, numeric, records },
        other => other,
    }
}

/// What identifies the engagement's records, read once per table, to name them in the report.
struct Names(HashMap<Table, HashMap<i64, Ident>>);

impl Names {
    fn read(conn: &Connection, engagement: i64, tables: &[Table]) -> Result<Names> {
        let mut all = HashMap::new();
        for t in tables {
            all.insert(*t, ids::idents(conn, *t, engagement)?);
        }
        Ok(Names(all))
    }

    /// A record by its table and row id: its reference (from `number`, as the record was read) and its UUID.
    fn of(&self, table: Table, id: i64, number: i64) -> Record {
        let uuid = self.0.get(&table).and_then(|m| m.get(&id)).map(|i| i.uuid.to_string()).unwrap_or_default();
        Record { reference: refs::label(table, number), uuid }
    }

    /// A record by its table and row id alone.
    fn by_id(&self, table: Table, id: i64) -> Record {
        let number = self.0.get(&table).and_then(|m| m.get(&id)).and_then(|i| i.number).unwrap_or(0);
        self.of(table, id, number)
    }

    /// A record by its table and short number.
    fn by_number(&self, table: Table, number: i64) -> Record {
        let found = self.0.get(&table).and_then(|m| m.iter().find(|(_, i)| i.number == Some(number)));
        Record {
            reference: refs::label(table, number),
            uuid: found.map(|(_, i)| i.uuid.to_string()).unwrap_or_default(),
        }
    }
}

/// Gathers everything the report says about an engagement; catalog items are cited without their texts.
pub fn build(
    conn: &Connection,
    e: &Engagement,
    today: NaiveDate,
    assessor: &str,
    include_sensitive: bool,
) -> Result<Report> {
    build_with(conn, e, today, assessor, include_sensitive, false)
}

/// [`build`], with the catalog's texts of the items cited when `with_catalog_text`.
pub fn build_with(
    conn: &Connection,
    e: &Engagement,
    today: NaiveDate,
    assessor: &str,
    include_sensitive: bool,
    with_catalog_text: bool,
) -> Result<Report> {
    let today_s = today.to_string();
    let summary = engagements::summary(conn, e.id, &today_s)?;
    let provs = providers::list(conn, e.id)?;
    let crits = criteria::list(conn, e.id)?;
    let score_list = scores::list(conn, e.id)?;
    let ranking = registers::ranking(&provs, &crits, &score_list, today);
    let register = risks::list(conn, e.id)?;
    let facts: Vec<_> = register.iter().map(|r| r.facts()).collect();
    let v = verdict(&facts, today);
    let members = store_vetting::engagement_members(conn, e.id)?;
    let checks = store_vetting::engagement_checks(conn, e.id)?;
    let mut assets = store_assets::list(conn, e.id)?;
    assets.sort_by_key(|a| a.id);
    let mut grants = store_assets::grants(conn, e.id)?;
    grants.sort_by_key(|g| g.id);
    let checklist_rows = checklist::rows(conn, e.id)?;
    let names = Names::read(
        conn,
        e.id,
        &[
            Table::Provider,
            Table::Risk,
            Table::TeamMember,
            Table::Asset,
            Table::AccessGrant,
            Table::PhaseChange,
            Table::Note,
        ],
    )?;

    let mut sections = Vec::new();

    // 1. Summary.
    let mut blocks = vec![Block::Facts(vec![
        ("Service".into(), dash(&e.service)),
        ("Scope".into(), dash(&e.scope)),
        ("Objective".into(), dash(&e.objective)),
        ("Business owner".into(), dash(&e.business_owner)),
        ("Phase".into(), e.phase.label().into()),
        ("Status".into(), e.status.replace('_', " ")),
        ("Start".into(), dash(&e.start_date)),
        ("Planned end".into(), dash(&e.planned_end)),
    ])];
    blocks.push(Block::Verdict(v.text.clone()));
    blocks.push(table(
        &["Measure", "Count"],
        vec![
            vec!["Candidate providers".into(), summary.providers.to_string()],
            vec![
                "Risks (Critical / High / Medium / Low, residual)".into(),
                format!(
                    "{} ({} / {} / {} / {})",
                    v.total(),
                    v.count(Band::Critical),
                    v.count(Band::High),
                    v.count(Band::Medium),
                    v.count(Band::Low)
                ),
            ],
            vec![
                "Critical or High risks untreated or unaccepted".into(),
                (v.critical_outstanding + v.high_outstanding).to_string(),
            ],
            vec!["Provider team members".into(), summary.members.to_string()],
            vec!["Vetting checks pending".into(), summary.checks_pending.to_string()],
            vec!["Assets not yet returned or destroyed".into(), summary.assets_out.to_string()],
            vec!["Access rights in force".into(), summary.grants_active.to_string()],
            vec!["Checklist items open".into(), format!("{} of {}", summary.checklist_open, summary.checklist_total)],
        ],
        &[1],
    ));
    sections.push(Section { title: "Engagement summary".into(), blocks });

    // 2. Providers.
    let by_id: HashMap<i64, &crate::domain::Provider> = provs.iter().map(|p| (p.id, p)).collect();
    let mut blocks = vec![Block::Para(format!(
        "Providers ranked by the weighted scorecard over {} criteria: those passing every gate (must-have criteria \
         scored 3 or more, a valid ISMS certificate whose scope covers the service, agreement to our policies and \
         to audit) come first, then by total out of 100.",
        crits.len()
    ))];
    if ranking.is_empty() {
        blocks.push(Block::Empty("No providers are recorded.".into()));
    } else {
        let rows = ranking
            .iter()
            .map(|r| {
                let p = by_id.get(&r.provider_id);
                let mut fails: Vec<String> =
                    r.failed_must_haves.iter().map(|(_, name)| format!("must-have: {name}")).collect();
                fails.extend(r.gate_failures.iter().cloned());
                let rec = names.of(Table::Provider, r.provider_id, p.map_or(0, |p| p.number));
                (
                    rec,
                    vec![
                        r.rank.to_string(),
                        r.name.clone(),
                        p.map(|p| p.status.clone()).unwrap_or_default(),
                        format!("{:.1}", r.total),
                        if r.passes { "✓ pass".into() } else { "✗ fail".into() },
                        if fails.is_empty() { "—".into() } else { fails.join("; ") },
                        p.map(|p| dash(&p.cert_expiry)).unwrap_or_default(),
                    ],
                )
            })
            .collect();
        blocks.push(record_table(
            &["Rank", "Provider", "Status", "Total", "Gates", "Failed gates", "Certificate expiry"],
            rows,
            &[0, 3],
        ));
        let bars = ranking
            .iter()
            .map(|r| Bar {
                label: r.name.clone(),
                value: r.total,
                shown: format!("{:.1}", r.total),
                mark: (!r.passes).then(|| "fails a gate".to_string()),
            })
            .collect();
        blocks.push(Block::Bars { measure: "Weighted total out of 100".into(), max: 100.0, rows: bars });
    }
    sections.push(Section { title: "Provider ranking".into(), blocks });

    // 3. Heat maps.
    let inherent = matrix(&facts, MatrixView::inherent(Dimension::Overall));
    let residual = matrix(&facts, MatrixView::residual(Dimension::Overall));
    sections.push(Section {
        title: "Risk heat map".into(),
        blocks: vec![
            Block::Para(
                "Number of risks in each cell, likelihood (rows, 5 = almost certain) against the worst of the \
                 confidentiality, integrity and availability impacts (columns). Each cell shows its band letter: \
                 L low, M medium, H high, C critical."
                    .into(),
            ),
            Block::Heat {
                caption: "Inherent (before treatment)".into(),
                cells: inherent.cells,
                outside: inherent.outside,
            },
            Block::Heat {
                caption: "Residual (after treatment; untreated risks at their inherent rating)".into(),
                cells: residual.cells,
                outside: residual.outside,
            },
        ],
    });

    // 4. Register, treatments and acceptances.
    let mut blocks = Vec::new();
    if register.is_empty() {
        blocks.push(Block::Empty("No risks are recorded.".into()));
    } else {
        let rows = register
            .iter()
            .zip(&facts)
            .map(|(r, f)| {
                (
                    names.of(Table::Risk, r.id, r.number),
                    vec![
                        format!("{} {}", f.inherent.band().letter(), f.inherent.level()),
                        r.title.clone(),
                        format!("{} · {}/{}/{}", r.likelihood, r.impact_c, r.impact_i, r.impact_a),
                        r.treatment.map_or("—".into(), |t| t.label().to_string()),
                        r.status.label().into(),
                        dash(&r.owner),
                        match &r.due_date {
                            Some(d) if f.is_overdue(today) => format!("{d} ! overdue"),
                            Some(d) => d.clone(),
                            None => "—".into(),
                        },
                        format!("{} {}", f.residual_band().letter(), f.residual_band().label()),
                        f.acceptance(today).label().into(),
                    ],
                )
            })
            .collect();
        blocks.push(record_table(
            &["Inherent", "Risk", "L · C/I/A", "Treatment", "Progress", "Owner", "Due", "Residual", "Acceptance"],
            rows,
            &[],
        ));
        blocks.push(Block::Heading("Treatment plans".into()));
        let plans: Vec<(Record, Vec<String>)> = register
            .iter()
            .filter(|r| r.plan.as_deref().is_some_and(|p| !p.is_empty()))
            .map(|r| {
                let treatment = r.treatment.map_or("—".into(), |t| t.label().to_string());
                let row = vec![r.title.clone(), treatment, s(&r.plan)];
                (names.of(Table::Risk, r.id, r.number), row)
            })
            .collect();
        if plans.is_empty() {
            blocks.push(Block::Empty("No treatment plans are recorded.".into()));
        } else {
            blocks.push(record_table(&["Risk", "Treatment", "Plan"], plans, &[]));
        }
        blocks.push(Block::Heading("Acceptances by management".into()));
        let acc: Vec<(Record, Vec<String>)> = register
            .iter()
            .zip(&facts)
            .filter(|(_, f)| f.is_accepted() || f.needs_acceptance())
            .map(|(r, f)| {
                (
                    names.of(Table::Risk, r.id, r.number),
                    vec![
                        r.title.clone(),
                        format!("{} {}", f.residual_band().letter(), f.residual_band().label()),
                        dash(&r.accepted_by),
                        dash(&r.accepted_at),
                        dash(&r.review_date),
                        match f.acceptance(today) {
                            AcceptanceState::Unaccepted => "! unaccepted".into(),
                            AcceptanceState::ReviewOverdue => "! review overdue".into(),
                            other => other.label().into(),
                        },
                    ],
                )
            })
            .collect();
        if acc.is_empty() {
            blocks.push(Block::Empty("No risk needs acceptance.".into()));
        } else {
            blocks.push(record_table(&["Risk", "Residual", "Accepted by", "On", "Review by", "State"], acc, &[]));
        }
    }
    sections.push(Section { title: "Risk register, treatments and acceptances".into(), blocks });

    // 5. Vetting.
    let mut blocks = vec![Block::Para(format!(
        "Background checks of the provider staff, per provider: for each check, the members for whom it counts \
         (passed, or waived or not permitted with its reason) out of the members still on the team, whether \
         anything was recorded for them or not. {}",
        if include_sensitive {
            "The results and notes of criminal-record and credit checks are included at the author's request."
        } else {
            "The results and notes of criminal-record and credit checks of named people are left out (sensitive \
             personal data); only their counts per provider are given."
        }
    ))];
    // Each member still on the team, with the checks that do not count yet, recorded or not.
    let mut recorded: HashMap<i64, MemberChecks> = HashMap::new();
    for c in &checks {
        if let Some(kind) = c.kind {
            recorded.entry(c.member_id).or_default()[kind.index()] = Some(c.clone());
        }
    }
    let none = MemberChecks::default();
    let active: Vec<(&TeamMember, &MemberChecks)> =
        members.iter().filter(|m| !member_left(m, today)).map(|m| (m, recorded.get(&m.id).unwrap_or(&none))).collect();
    // (provider, kind) → (counting, members still on the team)
    let mut per: HashMap<(i64, CheckKind), (usize, usize)> = HashMap::new();
    for (m, mc) in &active {
        for kind in CheckKind::ALL {
            let e = per.entry((m.provider_id, kind)).or_default();
            e.1 += 1;
            if mc[kind.index()].as_ref().is_some_and(|c| c.outcome(kind) == CheckOutcome::Satisfied) {
                e.0 += 1;
            }
        }
    }
    let mut headers = vec!["Provider", "Members"];
    headers.extend(CheckKind::ALL.iter().map(|k| match k {
        CheckKind::References => "References",
        CheckKind::CriminalRecord => "Criminal record",
        CheckKind::CvAccuracy => "CV",
        CheckKind::Qualifications => "Qualifications",
        CheckKind::Identity => "Identity",
        CheckKind::Credit => "Credit",
        CheckKind::NdaSigned => "NDA",
    }));
    let rows: Vec<(Record, Vec<String>)> = provs
        .iter()
        .filter(|p| members.iter().any(|m| m.provider_id == p.id))
        .map(|p| {
            let mut row = vec![p.name.clone(), members.iter().filter(|m| m.provider_id == p.id).count().to_string()];
            row.extend(CheckKind::ALL.iter().map(|k| {
                let (ok, all) = per.get(&(p.id, *k)).copied().unwrap_or((0, 0));
                format!("{ok}/{all}")
            }));
            (names.of(Table::Provider, p.id, p.number), row)
        })
        .collect();
    if rows.is_empty() {
        blocks.push(Block::Empty("No provider team members are recorded.".into()));
    } else {
        blocks.push(record_table(&headers, rows, &[1, 2, 3, 4, 5, 6, 7, 8]));
        // Cleared: every check of the member counts.
        let bars = provs
            .iter()
            .filter_map(|p| {
                let team: Vec<_> = active.iter().filter(|(m, _)| m.provider_id == p.id).collect();
                if team.is_empty() {
                    return None;
                }
                let cleared = team
                    .iter()
                    .filter(|(_, mc)| {
                        CheckKind::ALL
                            .iter()
                            .all(|k| mc[k.index()].as_ref().is_some_and(|c| c.outcome(*k) == CheckOutcome::Satisfied))
                    })
                    .count();
                let pct = cleared * 100 / team.len();
                Some(Bar {
                    label: p.name.clone(),
                    value: pct as f64,
                    shown: format!("{pct} % ({cleared} of {})", team.len()),
                    mark: None,
                })
            })
            .collect();
        blocks.push(Block::Bars {
            measure: "% of the members still on the team with every check counting".into(),
            max: 100.0,
            rows: bars,
        });
    }
    blocks.push(Block::Heading("Checks outstanding (pending or failed)".into()));
    let mut out: Vec<(Record, Vec<String>)> = Vec::new();
    let mut withheld = 0;
    for (m, mc) in &active {
        for kind in CheckKind::ALL {
            let c = mc[kind.index()].as_ref();
            let sensitive = vetting::is_sensitive(kind);
            let status = match c.map(|c| c.outcome(kind)) {
                Some(CheckOutcome::Satisfied) => continue,
                Some(CheckOutcome::Failed) => "✗ failed".to_string(),
                Some(CheckOutcome::Open(why)) => format!("… {why}"),
                None => "… pending (nothing recorded)".to_string(),
            };
            // The result of a criminal-record or credit check of a named person is withheld: only counted.
            if sensitive && !include_sensitive {
                withheld += 1;
                continue;
            }
            let note = match c {
                Some(c) => dash(&c.note),
                None => dash(&None),
            };
            let provider = provs.iter().find(|p| p.id == m.provider_id).map(|p| p.name.clone()).unwrap_or_default();
            let row = vec![m.name.clone(), provider, kind.as_ref().replace('_', " "), status, note];
            out.push((names.of(Table::TeamMember, m.id, m.number), row));
        }
    }
    if out.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else {
        blocks.push(record_table(&["Member", "Provider", "Check", "Status", "Note"], out, &[]));
    }
    if withheld > 0 {
        blocks.push(Block::Para(format!(
            "{withheld} criminal-record or credit check{} not listed by name (withheld).",
            if withheld == 1 { " is outstanding but" } else { "s are outstanding but" }
        )));
    }
    sections.push(Section { title: "Vetting status".into(), blocks });

    // 6. Assets and access.
    let mut blocks = vec![Block::Heading("Assets not yet returned or destroyed".into())];
    let out: Vec<(Record, Vec<String>)> = assets
        .iter()
        .filter(|a| a.disposition.is_none())
        .map(|a| {
            let overdue = a.expected_return.as_deref().is_some_and(|d| d < today_s.as_str());
            (
                names.of(Table::Asset, a.id, a.number),
                vec![
                    a.tag.clone(),
                    dash(&a.description),
                    a.kind.replace('_', " "),
                    dash(&a.classification),
                    dash(&a.holder_name),
                    match &a.expected_return {
                        Some(d) if overdue => format!("{d} ! overdue"),
                        other => dash(other),
                    },
                ],
            )
        })
        .collect();
    if out.is_empty() {
        blocks.push(Block::Empty("Every asset is returned or destroyed.".into()));
    } else {
        blocks.push(record_table(&["Tag", "Asset", "Kind", "Classification", "Holder", "Expected back"], out, &[]));
    }
    blocks.push(Block::Heading("Access rights still in force".into()));
    let out: Vec<(Record, Vec<String>)> = grants
        .iter()
        .filter(|g| g.revoked_on.as_deref().is_none_or(|r| r > today_s.as_str()))
        .map(|g| {
            let row =
                vec![g.target.clone(), g.kind.clone(), s(&g.holder_name), dash(&g.granted_on), dash(&g.revoked_on)];
            (names.of(Table::AccessGrant, g.id, g.number), row)
        })
        .collect();
    if out.is_empty() {
        blocks.push(Block::Empty("No access rights are in force.".into()));
    } else {
        blocks.push(record_table(&["Target", "Kind", "Holder", "Granted", "Revocation due"], out, &[]));
    }
    sections.push(Section { title: "Assets and access outstanding".into(), blocks });

    // 7. Checklist progress.
    let status = |id: &str| checklist_rows.get(id).map_or(CheckStatus::Open, |r| r.status);
    let mut by_phase: HashMap<ItemPhase, Progress> = HashMap::new();
    let mut agreement = Progress::default();
    for item in &catalog::catalog().items {
        if item.has_use(Use::Workflow) {
            by_phase.entry(item.phase).or_default().add(status(&item.id));
        }
        if item.has_use(Use::Agreement) {
            agreement.add(status(&item.id));
        }
    }
    let mut prog: Vec<Vec<String>> = PHASE_ORDER
        .iter()
        .filter_map(|p| by_phase.get(p).map(|g| (p, g)))
        .map(|(p, g)| {
            vec![phase_label(*p).into(), g.closed.to_string(), g.total.to_string(), format!("{} %", g.percent())]
        })
        .collect();
    prog.push(vec![
        "Agreement review".into(),
        agreement.closed.to_string(),
        agreement.total.to_string(),
        format!("{} %", agreement.percent()),
    ]);
    let bars = prog
        .iter()
        .map(|row| {
            let (closed, total) = (row[1].parse::<f64>().unwrap_or(0.0), row[2].parse::<f64>().unwrap_or(0.0));
            let pct = if total > 0.0 { (closed * 100.0 / total).floor() } else { 0.0 };
            Bar { label: row[0].clone(), value: pct, shown: format!("{pct} % ({} of {})", row[1], row[2]), mark: None }
        })
        .collect();
    sections.push(Section {
        title: "Checklist progress".into(),
        blocks: vec![
            table(&["Checklist", "Done or not applicable", "Items", "Progress"], prog, &[1, 2, 3]),
            Block::Bars { measure: "% done or not applicable".into(), max: 100.0, rows: bars },
        ],
    });

    // 8. Decisions and their reasons.
    sections.push(decisions(conn, e, &provs, &names)?);

    // 9. Open items.
    let mut blocks = Vec::new();
    let here = crate::domain::workflow::item_phase(e.phase);
    let reached = |p: ItemPhase| match (e.phase, p) {
        (_, ItemPhase::Any) => true,
        (Phase::Pre, ItemPhase::Pre) => true,
        (Phase::Pre, _) => false,
        (Phase::During, ItemPhase::Post) => false,
        _ => true,
    };
    let open: Vec<Vec<String>> = catalog::catalog()
        .items
        .iter()
        .filter(|i| i.has_use(Use::Workflow) && reached(i.phase) && status(&i.id) == CheckStatus::Open)
        .map(|i| {
            vec![
                i.id.clone(),
                i.title.clone(),
                format!("{}{}", phase_label(i.phase), if i.phase == here { " (current)" } else { "" }),
            ]
        })
        .collect();
    blocks.push(Block::Heading("Checklist items open in this and earlier phases".into()));
    if open.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else {
        blocks.push(table(&["Item", "Obligation", "Phase"], open, &[]));
    }
    blocks.push(Block::Heading("Risks needing a decision or action".into()));
    let actions: Vec<(Record, Vec<String>)> = register
        .iter()
        .zip(&facts)
        .filter_map(|(r, f)| {
            let mut why = Vec::new();
            if f.acceptance(today) == AcceptanceState::Unaccepted {
                why.push("needs acceptance by management");
            }
            if f.acceptance(today) == AcceptanceState::ReviewOverdue {
                why.push("acceptance review overdue");
            }
            if f.is_overdue(today) {
                why.push("treatment overdue");
            }
            if matches!(f.residual_band(), Band::High | Band::Critical) && f.is_untreated() {
                why.push("untreated");
            }
            (!why.is_empty()).then(|| {
                let row = vec![format!("{} {}", f.residual_band().letter(), r.title), dash(&r.owner), why.join("; ")];
                (names.of(Table::Risk, r.id, r.number), row)
            })
        })
        .collect();
    if actions.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else {
        blocks.push(record_table(&["Risk (residual band)", "Owner", "Why"], actions, &[]));
    }
    sections.push(Section { title: "Open items".into(), blocks });

    // 10. Evidence, when there is any: each file by name and SHA-256, so that a copy handed over can be checked.
    let files = crate::store::evidence::list(conn, Some(e.id))?;
    if !files.is_empty() {
        let rows: Vec<(Record, Vec<String>)> = files
            .iter()
            .map(|f| {
                let about = f.target.as_ref().map_or_else(
                    || "the engagement".to_string(),
                    |t| match &t.reference {
                        Some(r) => format!("{} ({r})", t.label),
                        None => t.label.clone(),
                    },
                );
                let added = format!("{} {}", f.added_at.get(..10).unwrap_or(&f.added_at), dash(&f.added_by));
                let row =
                    vec![f.name.clone(), crate::store::evidence::human_size(f.size), f.sha256.clone(), about, added];
                (Record { reference: f.reference.clone(), uuid: f.uuid.clone() }, row)
            })
            .collect();
        let blocks = vec![
            Block::Para(format!(
                "{} file{} kept in the workspace as evidence, each with the SHA-256 of its content: `assay evidence \
                 export` writes them out, and `sha256sum` checks a copy against this list.",
                files.len(),
                if files.len() == 1 { " is" } else { "s are" }
            )),
            record_table(&["File", "Size", "SHA-256", "About", "Added"], rows, &[1]),
        ];
        sections.push(Section { title: "Evidence".into(), blocks });
    }

    let engagement = Record { reference: refs::label(Table::Engagement, e.number), uuid: e.uuid.clone() };
    let mut r = Report {
        title: format!("Risk assessment report — {}", e.name),
        meta: format!(
            "Prepared {today} by {assessor} with assay. Engagement {} (UUID {}). History head {}.",
            engagement.reference,
            engagement.uuid,
            crate::store::history::head(conn)?
        ),
        classification: "Confidential".into(),
        engagement,
        sections,
    };
    r.sections.push(super::citations::report_section(&r, with_catalog_text));
    Ok(r)
}

/// The decisions taken in the engagement, each with the reason recorded for it: the moves between phases (with the
/// checklist items they left open), the providers selected or rejected, and the closing and reopening.
fn decisions(conn: &Connection, e: &Engagement, provs: &[crate::domain::Provider], names: &Names) -> Result<Section> {
    let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
    let mut blocks = vec![Block::Heading("Phase changes".into())];
    let changes = checklist::phase_changes(conn, e.id)?;
    if changes.is_empty() {
        blocks.push(Block::Empty("The engagement has not changed phase.".into()));
    } else {
        let label = |p: &str| p.parse::<Phase>().map(|p| p.label().to_string()).unwrap_or_else(|_| p.to_string());
        let rows = changes
            .iter()
            .map(|c| {
                let open = match c.open_items {
                    0 => "none".to_string(),
                    n => format!("{n}: {}", c.open_refs.join(", ")),
                };
                let row = vec![
                    day(&c.at),
                    format!("{} → {}", label(&c.from), label(&c.to)),
                    c.by.clone(),
                    open,
                    dash(&c.reason),
                ];
                (names.by_number(Table::PhaseChange, c.number), row)
            })
            .collect();
        blocks.push(record_table(&["Date", "Change", "By", "Items left open", "Reason"], rows, &[]));
    }
    blocks.push(Block::Heading("Provider decisions".into()));
    let decided: Vec<(Record, Vec<String>)> = provs
        .iter()
        .filter(|p| p.decided_at.is_some() || p.decision_reason.is_some())
        .map(|p| {
            (
                names.of(Table::Provider, p.id, p.number),
                vec![
                    p.name.clone(),
                    p.status.clone(),
                    p.decided_at.as_deref().map(day).unwrap_or_else(|| "—".into()),
                    dash(&p.decided_by),
                    dash(&p.decision_reason),
                ],
            )
        })
        .collect();
    if decided.is_empty() {
        blocks.push(Block::Empty("No provider has been selected or rejected with a recorded reason.".into()));
    } else {
        blocks.push(record_table(&["Provider", "Decision", "Date", "By", "Reason"], decided, &[]));
    }
    blocks.push(Block::Heading("Closing and reopening".into()));
    let reasons = notes::status_reasons(conn, e.id)?;
    if reasons.is_empty() {
        blocks.push(Block::Empty("The engagement has not been closed.".into()));
    } else {
        let rows = reasons
            .iter()
            .map(|n| (names.by_id(Table::Note, n.id), vec![day(&n.created_at), n.text.clone()]))
            .collect();
        blocks.push(record_table(&["Date", "Recorded"], rows, &[]));
    }
    Ok(Section { title: "Decisions and their reasons".into(), blocks })
}
