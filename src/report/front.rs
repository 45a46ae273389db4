//! The report's front matter and closing: document control, the executive summary, scope and approach with the
//! rating scales, the key counts, the limitations and the sign-off.

use super::data::{Data, Options, dash, record_table, table};
use super::model::{Block, Record, SIGNATURE_HEADER, Section, TO_WRITE};
use crate::domain::risk::{AcceptanceState, Band, Dimension, MatrixView, matrix};
use crate::store::Table;
use crate::store::refs;

/// A narrative field as blocks: one paragraph per paragraph written (blank lines part them); in a draft, a visible
/// placeholder saying what to write and where, when nothing is written yet.
pub(super) fn narrative(text: &Option<String>, what: &str, o: Options) -> Vec<Block> {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => {
            t.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| Block::Para(p.to_string())).collect()
        }
        None if o.is_final => vec![Block::Empty("Not recorded.".into())],
        None => vec![Block::Empty(format!("{TO_WRITE} {what}."))],
    }
}

/// A short narrative value for a list of facts: the text, or the placeholder.
pub(super) fn short(text: &Option<String>, what: &str, o: Options) -> String {
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None if o.is_final => "—".into(),
        None => format!("[{TO_WRITE} {what}]"),
    }
}

/// Document control and distribution: what the cover says, and who receives the report.
pub(super) fn control(d: &Data, assessor: &str, o: Options) -> Section {
    let e = d.e;
    let version = if o.is_final { format!("Final, {}", d.today) } else { format!("Draft of {}", d.today) };
    let mut blocks = vec![Block::Facts(vec![
        ("Engagement".into(), format!("{} {}", refs::label(Table::Engagement, e.number), e.name)),
        ("Provider(s)".into(), d.provider_names()),
        ("Classification".into(), e.classification.label().to_string()),
        ("Version".into(), version),
        ("Date".into(), d.today.to_string()),
        ("Author".into(), assessor.to_string()),
        ("Reviewer".into(), short(&e.reviewer, "name the reviewer in the engagement's form", o)),
    ])];
    blocks.push(Block::Heading("Distribution".into()));
    match e.distribution.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(_) => blocks.extend(narrative(&e.distribution, "", o)),
        None if o.is_final => blocks.push(Block::Para(format!(
            "No distribution list is recorded: the report goes only to those its classification ({}) allows.",
            e.classification.label()
        ))),
        None => blocks.push(Block::Empty(format!("{TO_WRITE} who receives the report (the engagement's form)."))),
    }
    Section { title: "Document control and distribution".into(), blocks }
}

/// The executive summary: the overall rating and the verdict, the conclusion, what management must decide or do,
/// and the heat maps.
pub(super) fn executive(d: &Data, o: Options) -> Section {
    let e = d.e;
    let rating = e
        .overall_rating
        .as_deref()
        .and_then(|r| r.parse::<Band>().ok())
        .map(|b| format!("{} {}", b.letter(), b.label()));
    let mut blocks =
        vec![Block::Facts(vec![("Overall rating".into(), short(&rating, "choose the overall rating", o))])];
    blocks.push(Block::Verdict(d.verdict.text.clone()));
    blocks.push(Block::Heading("Conclusion".into()));
    blocks.extend(narrative(&e.conclusion, "the assessor's conclusion (the engagement's form)", o));
    blocks.push(Block::Heading("What management must decide or do".into()));
    let actions = actions(d);
    if actions.is_empty() {
        blocks.push(Block::Empty("Nothing is waiting for a decision.".into()));
    } else {
        let more = actions.len().saturating_sub(MAX_ACTIONS);
        let rows: Vec<(Record, Vec<String>)> = actions.into_iter().take(MAX_ACTIONS).collect();
        blocks.push(record_table(&["Decision or action", "Owner", "By"], rows, &[]));
        if more > 0 {
            blocks.push(Block::Para(format!(
                "{more} more item{} of the same kind {} in the findings.",
                if more == 1 { "" } else { "s" },
                if more == 1 { "is" } else { "are" }
            )));
        }
    }
    let inherent = matrix(&d.facts, MatrixView::inherent(Dimension::Overall));
    let residual = matrix(&d.facts, MatrixView::residual(Dimension::Overall));
    blocks.push(Block::Heading("Risks at a glance".into()));
    blocks.push(Block::Para(
        "Risks per cell, likelihood against the worst impact; band letters L, M, H, C; an empty cell is blank.".into(),
    ));
    blocks.push(Block::Heat {
        caption: "Inherent (before treatment)".into(),
        cells: inherent.cells,
        outside: inherent.outside,
    });
    blocks.push(Block::Heat {
        caption: "Residual (untreated risks at their inherent rating)".into(),
        cells: residual.cells,
        outside: residual.outside,
    });
    Section { title: "Executive summary".into(), blocks }
}

/// The most the executive summary lists of what management must decide or do.
const MAX_ACTIONS: usize = 5;

/// What management must decide or do, most pressing first: Critical then High risks waiting for acceptance or
/// treatment, acceptances to review, overdue treatments, a provider to choose, and vetting and assets outstanding.
fn actions(d: &Data) -> Vec<(Record, Vec<String>)> {
    let mut ranked: Vec<(u8, Record, Vec<String>)> = Vec::new();
    for (r, f) in d.register.iter().zip(&d.facts) {
        let band = f.residual_band();
        let rec = d.names.of(Table::Risk, r.id, r.number);
        let owner = dash(&r.owner);
        let due = dash(&r.due_date);
        let what = if f.acceptance(d.today) == AcceptanceState::Unaccepted {
            Some(format!("Accept or reduce {} risk “{}”", band.label(), r.title))
        } else if f.acceptance(d.today) == AcceptanceState::ReviewOverdue {
            Some(format!("Review the acceptance of “{}”", r.title))
        } else if matches!(band, Band::High | Band::Critical) && f.is_untreated() {
            Some(format!("Decide the treatment of {} risk “{}”", band.label(), r.title))
        } else if f.is_overdue(d.today) {
            Some(format!("Complete the overdue treatment of “{}”", r.title))
        } else {
            None
        };
        if let Some(what) = what {
            let weight = 10 - band.index() as u8 * 2;
            ranked.push((weight, rec, vec![what, owner, due]));
        }
    }
    if d.e.phase == crate::domain::Phase::Pre && !d.provs.is_empty() && !d.provs.iter().any(|p| p.status == "selected")
    {
        let owner = dash(&d.e.business_owner);
        ranked.push((
            5,
            Record::default(),
            vec!["Choose the provider and record the reason".into(), owner, "—".into()],
        ));
    }
    if d.summary.checks_pending > 0 {
        ranked.push((
            6,
            Record::default(),
            vec![
                format!("Have the {} pending vetting checks completed", d.summary.checks_pending),
                "—".into(),
                "—".into(),
            ],
        ));
    }
    let overdue_assets =
        d.assets.iter().filter(|a| a.state(d.today) == crate::domain::assets::AssetState::Overdue).count();
    if overdue_assets > 0 {
        ranked.push((
            6,
            Record::default(),
            vec![format!("Recover the {overdue_assets} assets past their expected return"), "—".into(), "—".into()],
        ));
    }
    ranked.sort_by_key(|(w, ..)| *w);
    ranked.into_iter().map(|(_, rec, row)| (rec, row)).collect()
}

/// Scope and approach: what was assessed and when, how, and the rating method with its scales.
pub(super) fn scope(d: &Data, o: Options) -> Section {
    let e = d.e;
    let mut blocks = vec![Block::Facts(vec![
        ("Service".into(), dash(&e.service)),
        ("Scope".into(), dash(&e.scope)),
        ("Objective".into(), dash(&e.objective)),
        ("Business owner".into(), dash(&e.business_owner)),
        ("Period".into(), format!("{} to {}", dash(&e.start_date), dash(&e.planned_end))),
        ("Status".into(), format!("{}, {} phase", e.status.replace('_', " "), e.phase.label())),
    ])];
    blocks.push(Block::Heading("Approach".into()));
    blocks.extend(narrative(&e.approach, "how the assessment was made: interviews, site visits, documents read", o));
    blocks.push(Block::Heading("Rating method".into()));
    blocks.push(Block::Para(
        "Each risk is rated for likelihood (1–5) and for its impact on confidentiality, integrity and availability \
         (0–5 each). Its level is the likelihood times the worst of the three impacts (0–25), and the level gives its \
         band. The residual rating, after treatment, stands once the treatment is done; until then the inherent \
         rating stands. A retained risk, and any risk whose standing band is High or Critical, needs acceptance by a \
         named manager with a date to review it."
            .into(),
    ));
    let rows = |r: &[[&str; 3]]| r.iter().map(|row| row.iter().map(|c| (*c).to_string()).collect()).collect();
    blocks.push(table(
        &["Score", "Likelihood", "Impact on C, I or A"],
        rows(&[
            ["0", "—", "None"],
            ["1", "Rare", "Negligible"],
            ["2", "Unlikely", "Minor"],
            ["3", "Possible", "Moderate"],
            ["4", "Likely", "Major"],
            ["5", "Almost certain", "Severe"],
        ]),
        &[0],
    ));
    blocks.push(table(
        &["Band", "Level (likelihood × worst impact)", "Acceptance"],
        rows(&[
            ["L Low", "0–4", "when retained"],
            ["M Medium", "5–9", "when retained"],
            ["H High", "10–14", "always, by a named manager"],
            ["C Critical", "15–25", "always, by a named manager"],
        ]),
        &[],
    ));
    Section { title: "Scope and approach".into(), blocks }
}

/// The key counts of the engagement, in one table.
pub(super) fn key_counts(d: &Data) -> Section {
    let v = &d.verdict;
    let s = &d.summary;
    let unaccepted = d.facts.iter().filter(|f| f.acceptance(d.today) == AcceptanceState::Unaccepted).count();
    let rows = vec![
        vec!["Providers".into(), s.providers.to_string()],
        vec!["Risks".into(), v.total().to_string()],
        vec![
            "Risks by standing band (Critical / High / Medium / Low)".into(),
            format!(
                "{} / {} / {} / {}",
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
        vec!["Risks waiting for acceptance".into(), unaccepted.to_string()],
        vec!["Provider team members".into(), s.members.to_string()],
        vec!["Vetting checks pending".into(), s.checks_pending.to_string()],
        vec!["Assets not yet returned or destroyed".into(), s.assets_out.to_string()],
        vec!["Access rights in force".into(), s.grants_active.to_string()],
        vec!["Checklist items open".into(), format!("{} of {}", s.checklist_open, s.checklist_total)],
    ];
    Section { title: "Key counts".into(), blocks: vec![table(&["Measure", "Count"], rows, &[1])] }
}

/// What the assessment could not cover.
pub(super) fn limitations(d: &Data, o: Options) -> Section {
    Section {
        title: "Limitations".into(),
        blocks: narrative(&d.e.limitations, "what the assessment could not cover, and why (the engagement's form)", o),
    }
}

/// The sign-off block: who prepared, reviewed and accepts the report, with room to sign and date.
pub(super) fn sign_off(d: &Data, assessor: &str) -> Section {
    let blank = |o: &Option<String>| o.clone().filter(|x| !x.trim().is_empty()).unwrap_or_default();
    let rows = vec![
        vec!["Prepared by (assessor)".into(), assessor.to_string(), String::new(), String::new()],
        vec!["Reviewed by".into(), blank(&d.e.reviewer), String::new(), String::new()],
        vec![
            "Accepted for management (business owner)".into(),
            blank(&d.e.business_owner),
            String::new(),
            String::new(),
        ],
    ];
    Section { title: "Sign-off".into(), blocks: vec![table(&["Role", "Name", "Date", SIGNATURE_HEADER], rows, &[])] }
}
