//! `assay lookup QUERY`: the best catalog matches, for use from a shell.

use color_eyre::eyre::Result;

use crate::catalog::search::{self, Filters, Matcher};
use crate::catalog::{ItemPhase, Party, TOPICS, catalog};
use crate::ui::overview::wrap;

/// Prints up to `limit` matches; an error (exit 1) when nothing matches.
pub fn run(query: &[String], filters: Filters, limit: usize, brief: bool) -> Result<()> {
    let query = query.join(" ");
    let hits = search::search(&Matcher::default(), &query, &filters);
    if hits.is_empty() {
        return Err(super::stop(super::Outcome::NothingFound, format!("no obligation matches \"{query}\"")));
    }
    let mut out = String::new();
    for (i, _) in hits.iter().take(limit.max(1)) {
        let item = &catalog().items[*i];
        let phase: &str = item.phase.into();
        let party: &str = item.party.into();
        out.push_str(&format!("{}  {}\n", item.id, item.title));
        out.push_str(&format!("    {} · {phase} · {party} · Annex A {}\n", item.citation(), item.annex_a.join(", ")));
        if !brief {
            for line in wrap(&item.text, 92) {
                out.push_str(&format!("    {line}\n"));
            }
            out.push('\n');
        }
    }
    if hits.len() > limit {
        out.push_str(&format!("({} more; --limit N shows more)\n", hits.len() - limit));
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
