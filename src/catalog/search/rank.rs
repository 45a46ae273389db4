//! The catalog ranked: its index built once, codes and words scored together, the crosswalk bringing each
//! answer's counterparts along, the long tail cut off, and what a miss suggests instead.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::analysis::{is_stop, stem, tokens, within, words};
use super::codes::codes;
use super::{Filters, GOOD_ENOUGH, How, Index, Match, Options, Ranked};
use crate::catalog::{TOPICS, catalog};

/// Hits scoring below this share of the best one are left out.
const TAIL: f32 = 0.25;
/// How much of an answer's score its crosswalk counterparts receive.
const CROSSWALK: f32 = 0.6;

/// The catalog's index, built on first use.
pub fn catalog_index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(build_catalog_index)
}

/// Builds the catalog's index (what [`catalog_index`] does once).
pub fn build_catalog_index() -> Index {
    Index::build(catalog().items.iter().map(|i| {
        let phase: &str = i.phase.into();
        let party: &str = i.party.into();
        [
            i.title.clone(),
            i.keywords.join(" ; "),
            i.text.clone(),
            // The document by its one distinguishing word: "outsourcing", in both full names, would otherwise
            // be in every item and count for nothing.
            format!("{} {} {} {}", <&str>::from(i.source), i.topic, phase, party),
        ]
    }))
}

/// The catalog ranked against `query`: best first, ties in catalog order, only items that `filters` admit. An
/// empty query lists every admitted item in catalog order.
pub fn rank(query: &str, filters: &Filters) -> Vec<Ranked> {
    rank_with(query, filters, Options::default())
}

/// [`rank`], reading the query as `opts` say.
pub fn rank_with(query: &str, filters: &Filters, opts: Options) -> Vec<Ranked> {
    let items = &catalog().items;
    let (pins, rest) = codes(query);
    if query.trim().is_empty() {
        return items
            .iter()
            .enumerate()
            .filter(|(_, it)| filters.admits(it))
            .map(|(index, _)| Ranked { index, score: 0.0, matched: Vec::new() })
            .collect();
    }
    if pins.is_empty() && words(&rest).is_empty() {
        return Vec::new();
    }
    let index = catalog_index();
    let mut by_item: HashMap<usize, Ranked> = HashMap::new();
    for (d, score, matched) in index.score(&rest, opts) {
        by_item.insert(d, Ranked { index: d, score, matched });
    }
    let mut pinned: HashMap<usize, f32> = HashMap::new();
    // What an item passes on to its counterparts: its words and an exact id, not a shared section or control.
    let mut carried: HashMap<usize, f32> = by_item.iter().map(|(i, r)| (*i, r.score)).collect();
    for (i, bonus, m) in pins {
        let p = pinned.entry(i).or_insert(0.0);
        if bonus > *p {
            *p = bonus;
        }
        if m.how == How::Id {
            *carried.entry(i).or_insert(0.0) += bonus;
        }
        let r = by_item.entry(i).or_insert(Ranked { index: i, score: 0.0, matched: Vec::new() });
        if !r.matched.contains(&m) {
            r.matched.insert(0, m);
        }
    }
    for r in by_item.values_mut() {
        r.score += pinned.get(&r.index).copied().unwrap_or(0.0);
    }
    // The crosswalk: an answer brings along the items that state the same obligation elsewhere.
    let mut carried: Vec<(usize, f32)> = carried.into_iter().filter(|(_, s)| *s > 0.0).collect();
    carried.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, score) in carried {
        let from = &items[i];
        for other in &from.see_also {
            let Some(j) = catalog().position(other) else { continue };
            let r = by_item.entry(j).or_insert(Ranked { index: j, score: 0.0, matched: Vec::new() });
            if score * CROSSWALK > r.score {
                r.score = score * CROSSWALK;
                r.matched.push(Match { query: from.id.clone(), found: from.id.clone(), how: How::SeeAlso });
            }
        }
    }
    let mut out: Vec<Ranked> = by_item.into_values().filter(|r| filters.admits(&items[r.index])).collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.index.cmp(&b.index)));
    // Leave out the long tail of items that share only a common word with the question.
    let floor = out.first().map_or(0.0, |h| h.score * TAIL);
    out.retain(|h| h.score >= floor);
    out
}

/// Does the best of `hits` answer well enough to be shown as an answer?
pub fn answers_well(hits: &[Ranked]) -> bool {
    hits.first().is_some_and(|h| h.score >= GOOD_ENOUGH)
}

/// For a query that nothing answers well: the nearest topics (those of the best weak hits) and close words.
pub fn suggestions(query: &str, hits: &[Ranked]) -> (Vec<&'static str>, Vec<String>) {
    let mut topics: Vec<(&'static str, f32)> = Vec::new();
    for h in hits.iter().take(20) {
        let t = &catalog().items[h.index].topic;
        if let Some(name) = TOPICS.iter().find(|x| *x == t) {
            match topics.iter_mut().find(|(n, _)| n == name) {
                Some((_, s)) => *s += h.score,
                None => topics.push((name, h.score)),
            }
        }
    }
    for w in words(query) {
        for name in TOPICS {
            if within(&w, name, 2).is_some() && !topics.iter().any(|(n, _)| n == name) {
                topics.push((name, f32::MAX));
            }
        }
    }
    topics.sort_by(|a, b| b.1.total_cmp(&a.1));
    let topics = topics.into_iter().take(3).map(|(n, _)| n).collect();
    (topics, catalog_index().close_terms(query, 5))
}

/// The one line a miss prints: nothing answers well, the nearest topics, close words.
pub fn miss_line(query: &str, hits: &[Ranked]) -> String {
    let (topics, terms) = suggestions(query, hits);
    let mut line = format!("Nothing answers \"{}\" well", query.trim());
    if !topics.is_empty() {
        line.push_str(&format!("; nearest topics: {}", topics.join(", ")));
    }
    if !terms.is_empty() {
        line.push_str(&format!("; close words: {}", terms.join(", ")));
    }
    line.push('.');
    line
}

/// The character positions in `shown` to highlight: the words that match what a hit matched.
pub fn highlights(shown: &str, matched: &[Match]) -> Vec<usize> {
    let stems: HashSet<String> = matched
        .iter()
        .flat_map(|m| tokens(&m.found).into_iter().map(|(_, _, w)| stem(&w)))
        .filter(|s| !is_stop(s))
        .collect();
    let mut out = Vec::new();
    for (start, len, w) in tokens(shown) {
        if !is_stop(&w) && stems.contains(&stem(&w)) {
            out.extend(start..start + len);
        }
    }
    out
}
