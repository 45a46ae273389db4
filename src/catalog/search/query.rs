//! Reading a query into concepts: each word, or run of words the thesaurus knows, with its alternatives (the
//! words typed, their synonyms, a spelling correction, the words an unfinished last word begins).

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::analysis::{is_stop, light, stem, tokens, tolerance, within, words};
use super::{How, Index, Options};
use crate::catalog::thesaurus;

/// How much a synonym counts against the word typed.
const SYNONYM: f32 = 0.7;
/// How much a spelling correction counts.
const SPELLING: f32 = 0.9;
/// How much a word the last, unfinished word begins counts.
const PREFIX: f32 = 0.8;

#[derive(Debug, Clone)]
pub(super) struct Alt {
    pub(super) terms: Vec<u32>,
    pub(super) weight: f32,
    pub(super) shown: String,
    pub(super) how: How,
    /// Must all terms be present (a synonym phrase), or do some count (the words typed)?
    pub(super) all: bool,
}

#[derive(Debug, Clone)]
pub(super) struct Concept {
    pub(super) query: String,
    pub(super) alts: Vec<Alt>,
}

/// The thesaurus prepared for matching: for each first stem, the members that start with it.
pub(super) struct Prepared {
    by_first: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// For each family, its members: (as written, stems without stop-words, whether stop-words were dropped).
    members: Vec<Vec<(String, Vec<String>, bool)>>,
    /// Every single-word member, for spelling corrections.
    words: HashSet<String>,
}

pub(super) fn prepared() -> &'static Prepared {
    static P: OnceLock<Prepared> = OnceLock::new();
    P.get_or_init(|| {
        let mut by_first: HashMap<String, Vec<(Vec<String>, usize)>> = HashMap::new();
        let mut members = Vec::new();
        let mut words = HashSet::new();
        for (fi, fam) in thesaurus::families().iter().enumerate() {
            let mut ms = Vec::new();
            for w in &fam.words {
                let toks: Vec<String> = tokens(w).into_iter().map(|(_, _, t)| t).collect();
                if toks.is_empty() {
                    continue;
                }
                if toks.len() == 1 {
                    words.insert(toks[0].clone());
                }
                let stems: Vec<String> = toks.iter().map(|t| light(t)).collect();
                let content: Vec<String> = toks.iter().filter(|t| !is_stop(t)).map(|t| stem(t)).collect::<Vec<_>>();
                let reduced = content.len() != stems.len();
                by_first.entry(stems[0].clone()).or_default().push((stems, fi));
                ms.push((w.clone(), content, reduced));
            }
            members.push(ms);
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|m| std::cmp::Reverse(m.0.len()));
        }
        Prepared { by_first, members, words }
    })
}

impl Index {
    /// The closest known words to a misspelt one, within the tolerance for its length.
    fn corrections(&self, w: &str) -> Vec<String> {
        let max = tolerance(w.chars().count());
        if max == 0 {
            return Vec::new();
        }
        let mut best: Vec<(usize, String)> = self
            .surface
            .iter()
            .map(|(s, _)| s.as_str())
            .chain(prepared().words.iter().map(String::as_str))
            .filter(|s| s.chars().count() >= 4)
            .filter_map(|s| within(w, s, max).map(|d| (d, s.to_string())))
            .collect();
        best.sort();
        best.dedup();
        let Some(min) = best.first().map(|b| b.0) else { return Vec::new() };
        best.into_iter().filter(|b| b.0 == min).take(3).map(|b| b.1).collect()
    }

    fn is_known(&self, w: &str) -> bool {
        self.surface.binary_search_by(|(s, _)| s.as_str().cmp(w)).is_ok()
            || self.terms.contains_key(&stem(w))
            || prepared().words.contains(w)
    }

    /// Words close to those of `query` (spelling or a shared beginning), for a helpful miss.
    pub fn close_terms(&self, query: &str, limit: usize) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for w in words(query) {
            let n = w.chars().count();
            let mut near: Vec<(usize, &str)> = self
                .surface
                .iter()
                .filter(|(s, _)| *s != w && s.chars().count() >= 4)
                .filter_map(|(s, _)| {
                    let d = strsim::levenshtein(&w, s);
                    let shared = n >= 4 && s.starts_with(&w.chars().take(4).collect::<String>());
                    (d <= 2.max(n / 3) || shared).then_some((if shared { d.min(2) } else { d }, s.as_str()))
                })
                .collect();
            near.sort();
            for (_, s) in near.into_iter().take(limit) {
                if !out.iter().any(|o| o == s) {
                    out.push(s.to_string());
                }
            }
        }
        out.truncate(limit);
        out
    }

    /// Reads the words of `query` into concepts.
    pub(super) fn concepts(&self, query: &str, opts: Options) -> Vec<Concept> {
        let toks = tokens(query);
        let ends_open = opts.prefix_last && query.chars().last().is_some_and(char::is_alphanumeric);
        // Correct unknown words first, so that a corrected word meets the thesaurus too.
        let mut words: Vec<(String, Option<String>)> = Vec::with_capacity(toks.len());
        let last = toks.len().saturating_sub(1);
        for (i, (_, _, w)) in toks.iter().enumerate() {
            if is_stop(w) || self.is_known(w) || (ends_open && i == last) {
                words.push((w.clone(), None));
            } else {
                let fix = self.corrections(w).into_iter().next();
                match fix {
                    Some(f) => words.push((f, Some(w.clone()))),
                    None => words.push((w.clone(), None)),
                }
            }
        }
        let stems: Vec<String> = words.iter().map(|(w, _)| stem(w)).collect();
        let forms: Vec<String> = words.iter().map(|(w, _)| light(w)).collect();
        let p = prepared();
        let mut out = Vec::new();
        let mut i = 0;
        while i < words.len() {
            let typed_of = |a: usize, b: usize| {
                words[a..b].iter().map(|(w, orig)| orig.clone().unwrap_or_else(|| w.clone())).collect::<Vec<_>>()
            };
            // The longest thesaurus member that starts here.
            let found = p.by_first.get(&forms[i]).and_then(|cands| {
                let mut fams: Vec<usize> = Vec::new();
                let mut len = 0;
                for (ms, fi) in cands {
                    if ms.len() >= len && forms.get(i..i + ms.len()) == Some(ms.as_slice()) {
                        if ms.len() > len {
                            fams.clear();
                            len = ms.len();
                        }
                        fams.push(*fi);
                    }
                }
                (len > 0 && !words[i..i + len].iter().all(|(w, _)| is_stop(w))).then_some((len, fams))
            });
            if let Some((len, fams)) = found {
                let typed = typed_of(i, i + len).join(" ");
                let corrected = words[i..i + len].iter().any(|(_, o)| o.is_some());
                let content: Vec<&String> = words[i..i + len].iter().map(|(w, _)| w).filter(|w| !is_stop(w)).collect();
                let shown = content.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" ");
                let mut alts = Vec::new();
                let reduced = content.len() != len;
                if !(reduced && content.len() == 1) {
                    let terms: Vec<u32> = content.iter().filter_map(|w| self.terms.get(&stem(w)).copied()).collect();
                    if !terms.is_empty() && terms.len() == content.len() {
                        let how = if corrected { How::Spelling } else { How::Word };
                        let weight = if corrected { SPELLING } else { 1.0 };
                        alts.push(Alt { terms, weight, shown: shown.clone(), how, all: true });
                    }
                }
                for fi in fams {
                    for (written, cstems, reduced) in &p.members[fi] {
                        if (*reduced && cstems.len() == 1) || cstems.is_empty() {
                            continue;
                        }
                        let Some(terms) = cstems.iter().map(|s| self.terms.get(s).copied()).collect::<Option<Vec<_>>>()
                        else {
                            continue;
                        };
                        if alts.iter().any(|a: &Alt| a.terms == terms) {
                            continue;
                        }
                        alts.push(Alt { terms, weight: SYNONYM, shown: written.clone(), how: How::Synonym, all: true });
                    }
                }
                out.push(Concept { query: typed, alts });
                i += len;
                continue;
            }
            let (w, orig) = &words[i];
            if is_stop(w) {
                i += 1;
                continue;
            }
            let mut alts = Vec::new();
            if let Some(t) = self.terms.get(&stems[i]) {
                let (how, weight) = if orig.is_some() { (How::Spelling, SPELLING) } else { (How::Word, 1.0) };
                alts.push(Alt { terms: vec![*t], weight, shown: w.clone(), how, all: true });
            }
            if ends_open && i == last && w.chars().count() >= 2 {
                let from = self.surface.partition_point(|(s, _)| s.as_str() < w.as_str());
                for (s, t) in self.surface[from..].iter().take_while(|(s, _)| s.starts_with(w.as_str())).take(24) {
                    if alts.iter().any(|a| a.terms == [*t]) {
                        continue;
                    }
                    alts.push(Alt { terms: vec![*t], weight: PREFIX, shown: s.clone(), how: How::Prefix, all: true });
                }
            }
            out.push(Concept { query: orig.clone().unwrap_or_else(|| w.clone()), alts });
            i += 1;
        }
        out
    }
}
