//! `assay lookup QUERY`: the best catalog answers, for use from a shell or a script.

use std::io::Write;

use color_eyre::eyre::Result;
use serde::Serialize;

use crate::catalog::search::{self, Filters, Match};
use crate::catalog::{ItemPhase, Party, TOPICS, catalog};
use crate::text::wrap;

/// The exit status when nothing answers the question well.
pub const NOTHING_FOUND: i32 = 3;

/// How the command prints its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Ids, titles and citations.
    Brief,
    /// Also the text and what matched.
    Full,
    /// A JSON array for scripts.
    Json,
}

/// One answer as `--json` prints it. The field names are stable.
#[derive(Serialize)]
struct JsonHit<'a> {
    id: &'a str,
    title: &'a str,
    citation: String,
    phase: &'static str,
    party: &'static str,
    topic: &'a str,
    annex_a: &'a [String],
    score: f32,
    matched: &'a [Match],
}

/// Prints up to `limit` answers. When nothing answers well it prints one line on standard error that says so,
/// with the nearest topics and close words, and ends the process with status 3 ([`NOTHING_FOUND`]) — directly,
/// so that no error report (nor a backtrace) is built for what is an answer, not a failure.
pub fn run(query: &[String], filters: Filters, limit: usize, format: Format) -> Result<()> {
    let query = query.join(" ");
    let hits = search::rank(&query, &filters);
    let mut out = String::new();
    if !search::answers_well(&hits) {
        if format == Format::Json {
            out.push_str("[]\n");
        }
        crate::out!("{out}");
        // The process ends below without unwinding: what was printed must be out first.
        std::io::stdout().flush()?;
        crate::errln!("assay: {}", search::miss_line(&query, &hits));
        std::process::exit(NOTHING_FOUND);
    }
    let shown: Vec<&search::Ranked> =
        hits.iter().take(limit.max(1)).take_while(|h| h.score >= search::GOOD_ENOUGH).collect();
    if format == Format::Json {
        let json: Vec<JsonHit> = shown
            .iter()
            .map(|h| {
                let item = &catalog().items[h.index];
                JsonHit {
                    id: &item.id,
                    title: &item.title,
                    citation: item.citation(),
                    phase: item.phase.into(),
                    party: item.party.into(),
                    topic: &item.topic,
                    annex_a: &item.annex_a,
                    score: (h.score * 1000.0).round() / 1000.0,
                    matched: &h.matched,
                }
            })
            .collect();
        out.push_str(&serde_json::to_string_pretty(&json)?);
        out.push('\n');
        crate::out!("{out}");
        return Ok(());
    }
    for h in &shown {
        let item = &catalog().items[h.index];
        let phase: &str = item.phase.into();
        let party: &str = item.party.into();
        out.push_str(&format!("{}  {}\n", item.id, item.title));
        out.push_str(&format!("    {} · {phase} · {party} · Annex A {}\n", item.citation(), item.annex_a.join(", ")));
        if format == Format::Full {
            out.push_str(&format!("    {}\n", crate::catalog::sources::attribution(item)));
            for line in wrap(&item.text, 92) {
                out.push_str(&format!("    {line}\n"));
            }
            if !h.matched.is_empty() {
                out.push_str(&format!("    matched: {}\n", search::explain(&h.matched)));
            }
            out.push('\n');
        }
    }
    let more = hits.iter().filter(|h| h.score >= search::GOOD_ENOUGH).count().saturating_sub(shown.len());
    if more > 0 {
        out.push_str(&format!("({more} more; --limit N shows more)\n"));
    }
    out!("{out}");
    Ok(())
}

/// Parses the filter options of the command line.
pub fn filters(phase: Option<&str>, party: Option<&str>, topic: Option<&str>) -> Result<Filters> {
    let parse_phase = |s: &str| match s {
        "pre" => Ok(ItemPhase::Pre),
        "during" => Ok(ItemPhase::During),
        "post" => Ok(ItemPhase::Post),
        "any" => Ok(ItemPhase::Any),
        _ => Err(super::stop(super::Outcome::Usage, format!("unknown phase \"{s}\" (pre, during, post or any)"))),
    };
    let parse_party = |s: &str| -> Result<Party> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).map_err(|_| {
            super::stop(
                super::Outcome::Usage,
                format!("unknown party \"{s}\" (organisation, provider, both, management, owner, infosec or audit)"),
            )
        })
    };
    let topic = match topic {
        Some(t) => Some(*TOPICS.iter().find(|x| **x == t).ok_or_else(|| {
            super::stop(super::Outcome::Usage, format!("unknown topic \"{t}\" ({})", TOPICS.join(", ")))
        })?),
        None => None,
    };
    Ok(Filters { phase: phase.map(parse_phase).transpose()?, party: party.map(parse_party).transpose()?, topic })
}
