//! The findings (each risk in full, once), the journal entries marked for the report, and the appendices: the
//! register as one compact table, the evidence files with their hashes, and what verifies the report.

use super::data::{Data, Options, dash, record_table};
use super::front::short;
use super::model::{Block, FIRST_APPENDIX, Record, Section};
use crate::domain::risk::AcceptanceState;
use crate::store::Table;

/// A rating as the report writes it: band letter and level ("C 20").
fn rated(band: crate::domain::risk::Band, level: u8) -> String {
    format!("{} {level}", band.letter())
}

/// One block per risk, worst inherent first: its rating before and after treatment, the treatment and who owns it,
/// the acceptance, and the narrative (finding, evidence, recommendation, management response).
pub(super) fn findings(d: &Data, o: Options) -> Section {
    let mut blocks = Vec::new();
    if d.register.is_empty() {
        blocks.push(Block::Empty("No risks are recorded.".into()));
        return Section { title: "Findings".into(), blocks };
    }
    blocks.push(Block::Para(format!(
        "{} risk{}, worst first; each heading gives the inherent → standing rating (band letter and level).",
        d.register.len(),
        if d.register.len() == 1 { "" } else { "s" }
    )));
    for (r, f) in d.register.iter().zip(&d.facts) {
        let reference = crate::store::refs::label(Table::Risk, r.number);
        blocks.push(Block::Heading(format!(
            "{reference} · {} · {} → {}",
            r.title,
            rated(f.inherent.band(), f.inherent.level()),
            rated(f.residual_band(), f.effective_residual().level())
        )));
        let residual = match &f.residual {
            Some(res) if f.residual_in_effect() => format!("residual {} stands", rated(res.band(), res.level())),
            Some(res) => format!("residual {} once done", rated(res.band(), res.level())),
            None => "residual not rated".into(),
        };
        let treatment = match (r.treatment, r.plan.as_deref().map(str::trim).filter(|p| !p.is_empty())) {
            (Some(t), Some(plan)) => format!("{}, {}; {residual} · {plan}", t.label(), r.status.label()),
            (Some(t), None) => format!("{}, {}; {residual}", t.label(), r.status.label()),
            (None, _) => format!("not chosen; {residual}"),
        };
        let due = match &r.due_date {
            Some(d0) if f.is_overdue(d.today) => format!("{d0} ! overdue"),
            other => dash(other),
        };
        let acceptance = match f.acceptance(d.today) {
            AcceptanceState::NotNeeded => "not needed".to_string(),
            AcceptanceState::Unaccepted => "! needed, not recorded".to_string(),
            state => format!(
                "{} by {} on {}, review by {}",
                state.label(),
                dash(&r.accepted_by),
                dash(&r.accepted_at),
                dash(&r.review_date)
            ),
        };
        let evidence: Vec<String> = d
            .files
            .iter()
            .filter(|file| file.target.as_ref().is_some_and(|t| t.table == Table::Risk && t.id == r.id))
            .map(|file| format!("{} {}", file.reference, file.name))
            .collect();
        let mut facts = Vec::new();
        if let Some(text) = r.description.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
            facts.push(("Risk".to_string(), text.to_string()));
        }
        let written = |t: &Option<String>| t.as_deref().is_some_and(|t| !t.trim().is_empty());
        if o.is_final || written(&r.finding) || written(&r.recommendation) || written(&r.management_response) {
            facts.extend([
                ("Finding".to_string(), short(&r.finding, "what was found (the risk's form)", o)),
                ("Recommendation".into(), short(&r.recommendation, "what is recommended", o)),
                ("Management response".into(), short(&r.management_response, "management's response", o)),
            ]);
        } else {
            // A draft with none of the three written says so once.
            facts.push((
                "Narrative".into(),
                short(&None, "the finding, the recommendation and management's response (the risk's form)", o),
            ));
        }
        if !evidence.is_empty() {
            facts.push(("Evidence".into(), evidence.join("; ")));
        }
        facts.extend([
            ("Treatment".into(), treatment),
            ("Owner, due, acceptance".into(), format!("{} · due {due} · acceptance {acceptance}", dash(&r.owner))),
        ]);
        blocks.push(Block::Facts(facts));
    }
    Section { title: "Findings".into(), blocks }
}

/// The journal entries the assessor marked for the report, in the order they were said.
pub(super) fn marked_journal(d: &Data) -> Section {
    let marked: Vec<_> = d.journal.iter().filter(|e| e.for_report).collect();
    let mut blocks = Vec::new();
    if marked.is_empty() {
        blocks.push(Block::Empty(
            "No journal entry is marked for the report (mark one from the journal's edit form).".into(),
        ));
    }
    for entry in marked {
        let mut head = format!(
            "{} · {}",
            crate::store::refs::label(Table::JournalEntry, entry.number),
            entry.said_at.get(..10).unwrap_or(&entry.said_at)
        );
        if let Some(who) = &entry.interviewed {
            head.push_str(&format!(" — {who}"));
        }
        if let Some(link) = &entry.link_label {
            head.push_str(&format!(" · on {link}"));
        }
        blocks.push(Block::Heading(head));
        blocks.push(Block::Para(entry.text.clone()));
    }
    Section { title: "Notes from the interviews".into(), blocks }
}

/// The register as one compact table.
pub(super) fn register_appendix(d: &Data) -> Section {
    if d.register.is_empty() {
        return Section { title: FIRST_APPENDIX.into(), blocks: vec![Block::Empty("No risks are recorded.".into())] };
    }
    let rows = d
        .register
        .iter()
        .zip(&d.facts)
        .map(|(r, f)| {
            (
                d.names.of(Table::Risk, r.id, r.number),
                vec![
                    rated(f.inherent.band(), f.inherent.level()),
                    r.title.clone(),
                    format!("{} · {}/{}/{}", r.likelihood, r.impact_c, r.impact_i, r.impact_a),
                    r.treatment.map_or("—".into(), |t| t.label().to_string()),
                    r.status.label().into(),
                    dash(&r.owner),
                    match &r.due_date {
                        Some(day) if f.is_overdue(d.today) => format!("{day} ! overdue"),
                        Some(day) => day.clone(),
                        None => "—".into(),
                    },
                    format!("{} {}", f.residual_band().letter(), f.residual_band().label()),
                    match f.acceptance(d.today) {
                        AcceptanceState::Unaccepted => "! unaccepted".into(),
                        AcceptanceState::ReviewOverdue => "! review overdue".into(),
                        other => other.label().into(),
                    },
                ],
            )
        })
        .collect();
    Section {
        title: FIRST_APPENDIX.into(),
        blocks: vec![record_table(
            &["Inherent", "Risk", "L · C/I/A", "Treatment", "Progress", "Owner", "Due", "Residual", "Acceptance"],
            rows,
            &[],
        )],
    }
}

/// Every evidence file by name and SHA-256, so that a copy handed over can be checked; `None` without any.
pub(super) fn evidence_appendix(d: &Data) -> Option<Section> {
    if d.files.is_empty() {
        return None;
    }
    let rows: Vec<(Record, Vec<String>)> = d
        .files
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
            let row = vec![f.name.clone(), crate::store::evidence::human_size(f.size), f.sha256.clone(), about, added];
            (Record { reference: f.reference.clone(), uuid: f.uuid.clone() }, row)
        })
        .collect();
    let blocks = vec![
        Block::Para(format!(
            "{} file{} kept in the workspace as evidence, each with the SHA-256 of its content: `assay evidence \
             export` writes them out, and `sha256sum` checks a copy against this list.",
            d.files.len(),
            if d.files.len() == 1 { " is" } else { "s are" }
        )),
        record_table(&["File", "Size", "SHA-256", "About", "Added"], rows, &[1]),
    ];
    Some(Section { title: "Appendix: evidence".into(), blocks })
}

/// What ties the report to the workspace it came from: the history head and the engagement's identity.
pub(super) fn verification_appendix(d: &Data) -> Section {
    let mut facts = vec![("History head".into(), d.head.clone())];
    if let Some(t) = &d.team {
        facts.extend(t.heads.iter().map(|(name, head)| (format!("Team head: {name}'s laptop"), head.clone())));
        facts.push(("Team heads read".into(), format!("at the sync of {}", when(&t.at))));
    }
    facts.push((
        "Engagement".into(),
        format!("{} (UUID {})", crate::store::refs::label(Table::Engagement, d.e.number), d.e.uuid),
    ));
    facts.push(("Prepared".into(), d.today.to_string()));
    let mut blocks = vec![
        Block::Facts(facts),
        Block::Para(
            "The history head counts every recorded change and carries the hash of the last one. `assay verify` \
             on the workspace prints its head: a head that continues this one shows that the records behind the \
             report were not altered afterwards."
                .into(),
        ),
    ];
    if d.team.is_some() {
        blocks.push(Block::Para(
            "The workspace is part of a team. Each team head (DEVICE@COUNT:HASH) is the last entry of one laptop's \
             history chain as the team repository held it at the last sync. `assay verify --head` with that head, \
             on any member's laptop, shows whether the team's history still holds that entry unchanged."
                .into(),
        ));
    }
    Section { title: "Appendix: verification".into(), blocks }
}

/// A stored time (RFC 3339, UTC) as a report shows it: "2026-12-01 14:05 UTC"; other text as it is.
pub(super) fn when(at: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(at) {
        Ok(t) => t.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => at.to_string(),
    }
}
