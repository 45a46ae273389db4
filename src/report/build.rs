//! The report gathered from the workspace: every section, in the order printed.

use std::collections::HashMap;

use chrono::NaiveDate;
use color_eyre::eyre::Result;
use rusqlite::Connection;

use super::data::{Data, Names, Options, dash, record_table, table};
use super::model::{Bar, Block, Record, Report, Section};
use crate::catalog::{self, ItemPhase, Use};
use crate::domain::workflow::{CheckStatus, PHASE_ORDER, Progress, phase_label};
use crate::domain::{Engagement, Phase, Provider, Risk};
use crate::store::{Table, refs};
use crate::store::{checklist, notes, risks};

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
/// limitations and sign-off; then the appendices (register, the open obligations when there are more than the report
/// proper lists, evidence, verification, catalog references).
pub fn build_opts(conn: &Connection, e: &Engagement, today: NaiveDate, assessor: &str, o: Options) -> Result<Report> {
    let d = Data::read(conn, e, today)?;
    let (obligations, open_appendix) = obligations(conn, &d)?;
    let mut sections = vec![
        super::front::control(&d, assessor, o),
        super::front::executive(&d, o),
        super::front::scope(&d, o),
        selection(&d),
        super::findings::findings(&d, o),
        super::people::vetting_and_assets(&d, o.include_sensitive),
        obligations,
        super::findings::marked_journal(&d),
        super::front::key_counts(&d),
        super::front::limitations(&d, o),
        super::front::sign_off(&d, assessor),
        super::findings::register_appendix(&d),
    ];
    sections.extend(open_appendix);
    if let Some(files) = super::findings::evidence_appendix(&d) {
        sections.push(files);
    }
    sections.push(super::findings::verification_appendix(&d));
    let engagement = Record { reference: refs::label(Table::Engagement, e.number), uuid: e.uuid.clone() };
    let mut r = Report {
        title: format!("Risk assessment report — {}", e.name),
        meta: format!(
            "{} prepared {today} by {assessor} with assay. Engagement {} (UUID {}). History head {}.{}",
            if o.is_final { "Final report" } else { "Draft" },
            engagement.reference,
            engagement.uuid,
            d.head,
            match &d.team {
                Some(t) =>
                    format!(" Team history heads at the sync of {}: {}.", super::findings::when(&t.at), t.line()),
                None => String::new(),
            }
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

/// The most open obligations the report proper lists; more are counted by phase there and listed in an appendix, so
/// that an engagement early in its checklist does not fill pages of the part a manager reads.
const MAX_OPEN_LISTED: usize = 12;

/// Open obligations by phase: the checklist's progress, the items still open in this and earlier phases (counted by
/// phase, and listed in an appendix, when there are many), the moves between phases with what they left open, and
/// the closing and reopening.
fn obligations(conn: &Connection, d: &Data) -> Result<(Section, Option<Section>)> {
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
    let mut appendix = None;
    if open.is_empty() {
        blocks.push(Block::Empty("None.".into()));
    } else if open.len() <= MAX_OPEN_LISTED {
        blocks.push(table(&["Phase", "Item", "Obligation"], open, &[]));
    } else {
        let mut counted: Vec<(String, usize)> = Vec::new();
        for row in &open {
            match counted.last_mut() {
                Some((phase, n)) if *phase == row[0] => *n += 1,
                _ => counted.push((row[0].clone(), 1)),
            }
        }
        let counts: Vec<String> = counted.iter().map(|(phase, n)| format!("{n} {}", phase.to_lowercase())).collect();
        blocks.push(Block::Para(format!(
            "{} obligations are open: {}; the appendix on open obligations lists each one.",
            open.len(),
            counts.join(", ")
        )));
        appendix = Some(Section {
            title: OPEN_APPENDIX.into(),
            blocks: vec![table(&["Phase", "Item", "Obligation"], open, &[])],
        });
    }
    blocks.extend(phase_changes(conn, e, &d.names)?);
    Ok((Section { title: "Open obligations by phase".into(), blocks }, appendix))
}

/// The appendix listing the open obligations when the report proper only counts them.
pub const OPEN_APPENDIX: &str = "Appendix: open obligations";

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
