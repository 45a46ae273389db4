//! The report gathered from the workspace: every section, in the order printed.

use std::collections::HashMap;

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use rusqlite::Connection;

use super::model::{Bar, Block, REF_HEADER, Record, Report, Section};
use crate::catalog::{self, ItemPhase, Use};
use crate::domain::assets::{Asset, Grant};
use crate::domain::risk::{RiskFacts, Verdict, verdict};
use crate::domain::scorecard::Ranked;
use crate::domain::vetting::{TeamMember, VettingCheck};
use crate::domain::workflow::{CheckStatus, PHASE_ORDER, Progress, phase_label};
use crate::domain::{Engagement, EngagementSummary, Phase, Provider, Risk};
use crate::store::ids::{self, Ident};
use crate::store::{Table, refs, registers};
use crate::store::{assets as store_assets, vetting as store_vetting};
use crate::store::{checklist, criteria, engagements, notes, providers, risks, scores};

pub(super) fn dash(o: &Option<String>) -> String {
    o.clone().filter(|x| !x.is_empty()).unwrap_or_else(|| "—".into())
}

pub(super) fn table(headers: &[&str], rows: Vec<Vec<String>>, numeric: &[usize]) -> Block {
    Block::Table {
        headers: headers.iter().map(|h| (*h).to_string()).collect(),
        rows,
        numeric: (0..headers.len()).map(|i| numeric.contains(&i)).collect(),
        records: Vec::new(),
    }
}

/// A table whose rows are records: each row starts with the record's short reference (a column of its own), and the
/// JSON carries the record's reference and UUID row for row. `numeric` counts the columns after the reference.
pub(super) fn record_table(headers: &[&str], rows: Vec<(Record, Vec<String>)>, numeric: &[usize]) -> Block {
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
pub(super) struct Names(HashMap<Table, HashMap<i64, Ident>>);

impl Names {
    fn read(conn: &Connection, engagement: i64, tables: &[Table]) -> Result<Names> {
        let mut all = HashMap::new();
        for t in tables {
            all.insert(*t, ids::idents(conn, *t, engagement)?);
        }
        Ok(Names(all))
    }

    /// A record by its table and row id: its reference (from `number`, as the record was read) and its UUID.
    pub fn of(&self, table: Table, id: i64, number: i64) -> Record {
        let uuid = self.0.get(&table).and_then(|m| m.get(&id)).map(|i| i.uuid.to_string()).unwrap_or_default();
        Record { reference: refs::label(table, number), uuid }
    }

    /// A record by its table and row id alone.
    pub fn by_id(&self, table: Table, id: i64) -> Record {
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

/// What the report is asked for besides the engagement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The results and notes of criminal-record and credit checks of named people.
    pub include_sensitive: bool,
    /// The catalog's texts of the items cited.
    pub with_catalog_text: bool,
    /// A final report: version "Final", no placeholders (the caller has checked with [`missing_narrative`]).
    pub is_final: bool,
}

/// Everything the report is made from, read once.
pub(super) struct Data<'a> {
    pub e: &'a Engagement,
    pub today: NaiveDate,
    pub summary: EngagementSummary,
    pub provs: Vec<Provider>,
    pub criteria: usize,
    pub ranking: Vec<Ranked>,
    pub register: Vec<Risk>,
    pub facts: Vec<RiskFacts>,
    pub verdict: Verdict,
    pub members: Vec<TeamMember>,
    pub checks: Vec<VettingCheck>,
    pub conflicts: Vec<crate::domain::vetting::RoleConflict>,
    /// What each member still holds (assets, access), by member id.
    pub holdings: HashMap<i64, crate::domain::vetting::Holdings>,
    pub assets: Vec<Asset>,
    pub grants: Vec<Grant>,
    pub checklist: HashMap<String, checklist::ChecklistRow>,
    pub files: Vec<crate::store::evidence::Evidence>,
    pub journal: Vec<crate::store::journal::Entry>,
    pub head: String,
    pub names: Names,
}

impl<'a> Data<'a> {
    fn read(conn: &Connection, e: &'a Engagement, today: NaiveDate) -> Result<Data<'a>> {
        let provs = providers::list(conn, e.id)?;
        let crits = criteria::list(conn, e.id)?;
        let score_list = scores::list(conn, e.id)?;
        let ranking = registers::ranking(&provs, &crits, &score_list, today);
        let register = risks::list(conn, e.id)?;
        let facts: Vec<RiskFacts> = register.iter().map(|r| r.facts()).collect();
        let verdict = verdict(&facts, today);
        let mut assets = store_assets::list(conn, e.id)?;
        assets.sort_by_key(|a| a.id);
        let mut grants = store_assets::grants(conn, e.id)?;
        grants.sort_by_key(|g| g.id);
        let mut holdings = HashMap::new();
        for p in &provs {
            holdings.extend(store_vetting::holdings(conn, p.id)?);
        }
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
                Table::JournalEntry,
            ],
        )?;
        Ok(Data {
            e,
            today,
            summary: engagements::summary(conn, e.id, &today.to_string())?,
            criteria: crits.len(),
            ranking,
            facts,
            verdict,
            members: store_vetting::engagement_members(conn, e.id)?,
            checks: store_vetting::engagement_checks(conn, e.id)?,
            conflicts: store_vetting::role_conflicts(conn, e.id)?,
            holdings,
            assets,
            grants,
            checklist: checklist::rows(conn, e.id)?,
            files: crate::store::evidence::list(conn, Some(e.id))?,
            journal: crate::store::journal::list(conn, e.id)?,
            head: crate::store::history::head(conn)?.to_string(),
            names,
            provs,
            register,
        })
    }

    /// The providers the report is about: those selected, or before a choice every one not rejected.
    pub fn provider_names(&self) -> String {
        let chosen: Vec<&str> = self.provs.iter().filter(|p| p.status == "selected").map(|p| p.name.as_str()).collect();
        let shown: Vec<&str> = if chosen.is_empty() {
            self.provs.iter().filter(|p| p.status != "rejected").map(|p| p.name.as_str()).collect()
        } else {
            chosen
        };
        if shown.is_empty() { "—".into() } else { shown.join(", ") }
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
    build_opts(conn, e, today, assessor, Options { include_sensitive, with_catalog_text, is_final: false })
}

/// The report, in the order a reader takes it: document control, executive summary, scope and approach, provider
/// selection, findings, vetting and assets, open obligations, the journal entries marked for it, the key counts,
/// limitations and sign-off; then the appendices (register, evidence, verification, catalog references).
pub fn build_opts(conn: &Connection, e: &Engagement, today: NaiveDate, assessor: &str, o: Options) -> Result<Report> {
    let d = Data::read(conn, e, today)?;
    let mut sections = vec![
        super::front::control(&d, assessor, o),
        super::front::executive(&d, o),
        super::front::scope(&d, o),
        selection(&d),
        super::findings::findings(&d, o),
        super::people::vetting_and_assets(&d, o.include_sensitive),
        obligations(conn, &d)?,
        super::findings::marked_journal(&d),
        super::front::key_counts(&d),
        super::front::limitations(&d, o),
        super::front::sign_off(&d, assessor),
        super::findings::register_appendix(&d),
    ];
    if let Some(files) = super::findings::evidence_appendix(&d) {
        sections.push(files);
    }
    sections.push(super::findings::verification_appendix(&d));
    let engagement = Record { reference: refs::label(Table::Engagement, e.number), uuid: e.uuid.clone() };
    let mut r = Report {
        title: format!("Risk assessment report — {}", e.name),
        meta: format!(
            "{} prepared {today} by {assessor} with assay. Engagement {} (UUID {}). History head {}.",
            if o.is_final { "Final report" } else { "Draft" },
            engagement.reference,
            engagement.uuid,
            d.head
        ),
        classification: e.classification.label().to_string(),
        engagement,
        sections,
    };
    r.sections.push(super::citations::report_section(&r, o.with_catalog_text));
    Ok(r)
}

/// What a final report still needs written, one line each ("the engagement's conclusion", "a finding for R-3,
/// R-7"); empty when nothing is missing.
pub fn missing_narrative(conn: &Connection, e: &Engagement) -> Result<Vec<String>> {
    let blank = |o: &Option<String>| o.as_deref().is_none_or(|t| t.trim().is_empty());
    let mut out = Vec::new();
    for (value, what) in [
        (&e.conclusion, "the engagement's conclusion"),
        (&e.overall_rating, "the engagement's overall rating"),
        (&e.approach, "the engagement's approach"),
        (&e.limitations, "the engagement's limitations"),
        (&e.reviewer, "the engagement's reviewer"),
    ] {
        if blank(value) {
            out.push(what.to_string());
        }
    }
    let register = risks::list(conn, e.id)?;
    for (what, get) in [
        ("a finding", (|r: &Risk| r.finding.clone()) as fn(&Risk) -> Option<String>),
        ("a recommendation", |r: &Risk| r.recommendation.clone()),
        ("a management response", |r: &Risk| r.management_response.clone()),
    ] {
        let mut without: Vec<&Risk> = register.iter().filter(|r| blank(&get(r))).collect();
        without.sort_by_key(|r| r.number);
        if !without.is_empty() {
            let refs: Vec<String> = without.iter().map(|r| refs::label(Table::Risk, r.number)).collect();
            out.push(format!("{what} for {}", refs.join(", ")));
        }
    }
    Ok(out)
}

/// Provider selection: the ranking with its gates, the scores as bars, and the decisions with their reasons.
fn selection(d: &Data) -> Section {
    let by_id: HashMap<i64, &Provider> = d.provs.iter().map(|p| (p.id, p)).collect();
    let mut blocks = vec![Block::Para(format!(
        "Providers ranked by the weighted scorecard over {} criteria: those passing every gate (must-have criteria \
         scored 3 or more, a valid ISMS certificate whose scope covers the service, agreement to our policies and \
         to audit) come first, then by total out of 100.",
        d.criteria
    ))];
    if d.ranking.is_empty() {
        blocks.push(Block::Empty("No providers are recorded.".into()));
    } else {
        let rows = d
            .ranking
            .iter()
            .map(|r| {
                let p = by_id.get(&r.provider_id);
                let mut fails: Vec<String> =
                    r.failed_must_haves.iter().map(|(_, name)| format!("must-have: {name}")).collect();
                fails.extend(r.gate_failures.iter().cloned());
                let rec = d.names.of(Table::Provider, r.provider_id, p.map_or(0, |p| p.number));
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
        let bars = d
            .ranking
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
    blocks.extend(provider_decisions(&d.provs, &d.names));
    Section { title: "Provider selection".into(), blocks }
}

/// Open obligations by phase: the checklist's progress, the items still open in this and earlier phases, the moves
/// between phases with what they left open, and the closing and reopening.
fn obligations(conn: &Connection, d: &Data) -> Result<Section> {
    let e = d.e;
    let status = |id: &str| d.checklist.get(id).map_or(CheckStatus::Open, |r| r.status);
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
    // The bars write each figure beside them (and the Markdown lists them): no table repeats them.
    let mut blocks = vec![Block::Bars { measure: "% done or not applicable".into(), max: 100.0, rows: bars }];
    let here = crate::domain::workflow::item_phase(e.phase);
    let reached = |p: ItemPhase| match (e.phase, p) {
        (_, ItemPhase::Any) => true,
        (Phase::Pre, ItemPhase::Pre) => true,
        (Phase::Pre, _) => false,
        (Phase::During, ItemPhase::Post) => false,
        _ => true,
    };
    blocks.push(Block::Heading("Obligations open in this and earlier phases".into()));
    let open: Vec<Vec<String>> = PHASE_ORDER
        .iter()
        .copied()
        .filter(|p| reached(*p))
        .flat_map(|phase| {
            let current = if phase == here { " (current)" } else { "" };
            catalog::catalog()
                .items
                .iter()
                .filter(move |i| i.has_use(Use::Workflow) && i.phase == phase && status(&i.id) == CheckStatus::Open)
                .map(move |i| vec![format!("{}{current}", phase_label(phase)), i.id.clone(), i.title.clone()])
        })
        .collect();
    if open.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else {
        blocks.push(table(&["Phase", "Item", "Obligation"], open, &[]));
    }
    blocks.extend(phase_changes(conn, e, &d.names)?);
    Ok(Section { title: "Open obligations by phase".into(), blocks })
}

/// The moves between phases, with the checklist items each left open and why, and the closing and reopening of
/// the engagement.
fn phase_changes(conn: &Connection, e: &Engagement, names: &Names) -> Result<Vec<Block>> {
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
    let reasons = notes::status_reasons(conn, e.id)?;
    if !reasons.is_empty() {
        blocks.push(Block::Heading("Closing and reopening".into()));
        let rows = reasons
            .iter()
            .map(|n| (names.by_id(Table::Note, n.id), vec![day(&n.created_at), n.text.clone()]))
            .collect();
        blocks.push(record_table(&["Date", "Recorded"], rows, &[]));
    }
    Ok(blocks)
}

/// The providers selected or rejected, each with the reason recorded.
fn provider_decisions(provs: &[Provider], names: &Names) -> Vec<Block> {
    let day = |at: &str| at.get(..10).unwrap_or(at).to_string();
    let mut blocks = vec![Block::Heading("Decision and its reason".into())];
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
    blocks
}
