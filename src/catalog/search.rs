//! Ranked retrieval for the obligations lookup (in the workbench and on the command line), and for the records
//! of the open engagement.
//!
//! A query is read in two ways at once:
//!
//! - **Codes** — an item id (`P-5.3.7-b.10`, `G-5.4.1-3`), a section (`G-5.5.1`, `5.5.1`, `§5.3.7`, or a
//!   number printed wrongly in the guideline, `6.6.1`), a section and list item (`5.3.7 b.5`), or an ISO/IEC
//!   27001 Annex A control (`A.5.2`, which is control 5.2 and never 5.20) — are matched exactly, and the items
//!   they name come first.
//! - **Words** are whole words, stemmed with the Snowball English stemmer, with stop-words dropped. Each word, or
//!   run of words that the thesaurus knows, becomes one *concept* whose alternatives are the words typed, their
//!   synonyms (weighted lower), a spelling correction for an unknown word (edit distance 1 for words of 5 to 8
//!   letters, 2 for longer ones, none below 5) and, while typing, the words the last one begins. Items are
//!   scored with BM25F over title, keywords, text and citation (weighted in that order); a concept counts once,
//!   by its best alternative, and a phrase whose words stand side by side scores more. An item that matches
//!   more of the concepts is preferred.
//!
//! Every hit says which words matched and how, so that the user can trust the answer or rephrase.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

use super::{Item, ItemPhase, Party, Source, catalog, thesaurus};

/// Narrowing of catalog results.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filters {
    pub phase: Option<ItemPhase>,
    pub party: Option<Party>,
    pub topic: Option<&'static str>,
}

impl Filters {
    pub fn is_empty(&self) -> bool {
        self.phase.is_none() && self.party.is_none() && self.topic.is_none()
    }

    pub fn admits(&self, item: &Item) -> bool {
        self.phase.is_none_or(|p| item.phase == p)
            && self.party.is_none_or(|p| item.party == p)
            && self.topic.is_none_or(|t| item.topic == t)
    }
}

/// The score below which the best answer does not answer well: the lookup then says so and suggests topics and
/// words instead. A single distinctive word found in an item's title scores about 3 to 5; one found only in a
/// long text, about 1.
pub const GOOD_ENOUGH: f32 = 2.0;

/// Words that carry no meaning of their own in a question.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "cannot",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "each",
    "etc",
    "few",
    "for",
    "from",
    "further",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "need",
    "needs",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "same",
    "say",
    "says",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "want",
    "was",
    "we",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "happen",
    "happens",
    "enough",
    "anything",
    "something",
    "there",
    "ll",
    "re",
    "ve",
    "don",
    "doesn",
    "isn",
];

/// Hits scoring below this share of the best one are left out.
const TAIL: f32 = 0.25;
/// How much of an answer's score its crosswalk counterparts receive.
const CROSSWALK: f32 = 0.6;
/// How much a synonym counts against the word typed.
const SYNONYM: f32 = 0.7;
/// How much a spelling correction counts.
const SPELLING: f32 = 0.9;
/// How much a word the last, unfinished word begins counts.
const PREFIX: f32 = 0.8;
/// The extra share a phrase earns when its words stand side by side.
const PHRASE: f32 = 0.5;
/// BM25's saturation.
const K1: f32 = 1.2;

/// The fields of a document, best first, with their weight and length normalisation.
const FIELDS: usize = 4;
pub const TITLE: usize = 0;
pub const KEYWORDS: usize = 1;
pub const TEXT: usize = 2;
pub const CITE: usize = 3;
const WEIGHT: [f32; FIELDS] = [3.0, 2.0, 1.0, 0.5];
const B: [f32; FIELDS] = [0.4, 0.4, 0.75, 0.3];

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn is_stop(w: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect()).contains(w)
}

/// The stem of one lower-case word.
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// A word as the thesaurus compares it: only a plural or possessive `s` dropped. Full stems would make words of
/// different meaning meet there (an outsourcer is not an outsourcing); the thesaurus lists the forms it means.
fn light(word: &str) -> String {
    match word.strip_suffix('s') {
        Some(w) if w.chars().count() >= 3 && !w.ends_with('s') && !w.ends_with('u') && !w.ends_with('i') => {
            w.to_string()
        }
        _ => word.to_string(),
    }
}

/// The whole words of `s`, lower-cased, with the character offset and length of each. Letters and digits make
/// words; everything else separates them; single letters are dropped.
pub fn tokens(s: &str) -> Vec<(usize, usize, String)> {
    if s.is_ascii() {
        // The common case, without decoding characters: byte offsets are character offsets.
        let b = s.as_bytes();
        let mut out = Vec::with_capacity(b.len() / 6);
        let mut i = 0;
        while i < b.len() {
            if b[i].is_ascii_alphanumeric() {
                let start = i;
                while i < b.len() && b[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                if i - start > 1 {
                    out.push((start, i - start, s[start..i].to_ascii_lowercase()));
                }
            } else {
                i += 1;
            }
        }
        return out;
    }
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut len = 0;
    for (i, c) in s.chars().enumerate() {
        if c.is_alphanumeric() {
            if cur.is_empty() {
                start = i;
                len = 0;
            }
            cur.extend(c.to_lowercase());
            len += 1;
        } else if !cur.is_empty() {
            if len > 1 {
                out.push((start, len, std::mem::take(&mut cur)));
            }
            cur.clear();
        }
    }
    if len > 1 && !cur.is_empty() {
        out.push((start, len, cur));
    }
    out
}

/// The words of a query that count: lower-cased whole words, stop-words dropped.
pub fn words(query: &str) -> Vec<String> {
    tokens(query).into_iter().map(|(_, _, w)| w).filter(|w| !is_stop(w)).collect()
}

/// How a query word met an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum How {
    /// The word itself (or another form of it: notify, notification).
    Word,
    /// A synonym from the thesaurus.
    Synonym,
    /// A correction of a misspelt word.
    Spelling,
    /// A word that the unfinished last word begins.
    Prefix,
    /// The item's id, or an id it belongs under.
    Id,
    /// The item's section, or the number the guideline prints for it.
    Section,
    /// An ISO/IEC 27001 Annex A control the item maps to.
    Control,
    /// The item states the same obligation as a hit (the crosswalk).
    SeeAlso,
}

/// One reason an item matched.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Match {
    /// What the user typed.
    pub query: String,
    /// What was found in the item.
    pub found: String,
    pub how: How,
}

impl std::fmt::Display for Match {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.how {
            How::Word => write!(f, "{}", self.found),
            How::Synonym => write!(f, "{} (synonym of {})", self.found, self.query),
            How::Spelling => write!(f, "{} (for {})", self.found, self.query),
            How::Prefix => write!(f, "{} (from {}…)", self.found, self.query),
            How::Id => write!(f, "id {}", self.found),
            How::Section => write!(f, "{}", self.found),
            How::Control => write!(f, "Annex A {}", self.found),
            How::SeeAlso => write!(f, "same obligation as {}", self.found),
        }
    }
}

/// The matches of a hit as one line: `backup, vendor (synonym of supplier)`.
pub fn explain(matched: &[Match]) -> String {
    matched.iter().map(|m| m.to_string()).collect::<Vec<_>>().join(", ")
}

#[derive(Debug, Clone, PartialEq)]
struct Posting {
    doc: u32,
    field: u8,
    pos: Vec<u16>,
}

/// A ranked index over documents of four fields (title, keywords, text, citation).
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    terms: HashMap<String, u32>,
    /// Every distinct word seen, with its term: for spelling corrections and prefixes.
    surface: Vec<(String, u32)>,
    postings: Vec<Vec<Posting>>,
    lens: Vec<[u16; FIELDS]>,
    avg: [f32; FIELDS],
}

/// One ranked document.
#[derive(Debug, Clone, PartialEq)]
pub struct Ranked {
    /// The document's position in what the index was built from (for the catalog: in `catalog().items`).
    pub index: usize,
    pub score: f32,
    pub matched: Vec<Match>,
}

/// How a query is read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// The last word may be unfinished (typing in the workbench): also look for words it begins.
    pub prefix_last: bool,
}

#[derive(Debug, Clone)]
struct Alt {
    terms: Vec<u32>,
    weight: f32,
    shown: String,
    how: How,
    /// Must all terms be present (a synonym phrase), or do some count (the words typed)?
    all: bool,
}

#[derive(Debug, Clone)]
struct Concept {
    query: String,
    alts: Vec<Alt>,
}

/// The thesaurus prepared for matching: for each first stem, the members that start with it.
struct Prepared {
    by_first: HashMap<String, Vec<(Vec<String>, usize)>>,
    /// For each family, its members: (as written, stems without stop-words, whether stop-words were dropped).
    members: Vec<Vec<(String, Vec<String>, bool)>>,
    /// Every single-word member, for spelling corrections.
    words: HashSet<String>,
}

fn prepared() -> &'static Prepared {
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

/// Levenshtein distance, or `None` when it exceeds `max`.
fn within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return None;
    }
    let d = strsim::levenshtein(a, b);
    (d <= max).then_some(d)
}

/// How many edits a word of `len` letters may be corrected by.
fn tolerance(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}

impl Index {
    /// Builds an index over `docs`, each given as its four fields.
    pub fn build<S: AsRef<str>>(docs: impl IntoIterator<Item = [S; FIELDS]>) -> Index {
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut surface: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        let mut lens = Vec::new();
        for (d, fields) in docs.into_iter().enumerate() {
            let mut len = [0u16; FIELDS];
            for (f, text) in fields.iter().enumerate() {
                let mut here: HashMap<u32, Vec<u16>> = HashMap::new();
                let mut p = 0u16;
                for (_, _, w) in tokens(text.as_ref()) {
                    if is_stop(&w) {
                        continue;
                    }
                    let t = match surface.get(&w) {
                        Some(t) => *t,
                        None => {
                            let s = stem(&w);
                            let next = terms.len() as u32;
                            let t = *terms.entry(s).or_insert(next);
                            if t == next {
                                postings.push(Vec::new());
                            }
                            surface.insert(w, t);
                            t
                        }
                    };
                    here.entry(t).or_default().push(p);
                    p = p.saturating_add(1);
                }
                len[f] = p;
                let mut here: Vec<(u32, Vec<u16>)> = here.into_iter().collect();
                here.sort_unstable_by_key(|(t, _)| *t);
                for (t, pos) in here {
                    postings[t as usize].push(Posting { doc: d as u32, field: f as u8, pos });
                }
            }
            lens.push(len);
        }
        let n = lens.len().max(1) as f32;
        let mut avg = [0f32; FIELDS];
        for (f, a) in avg.iter_mut().enumerate() {
            *a = (lens.iter().map(|l| f32::from(l[f])).sum::<f32>() / n).max(1.0);
        }
        let mut surface: Vec<(String, u32)> = surface.into_iter().collect();
        surface.sort_unstable();
        Index { terms, surface, postings, lens, avg }
    }

    /// How many documents the index holds.
    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    fn idf(&self, t: u32) -> f32 {
        let n = self.lens.len() as f32;
        let mut docs: Vec<u32> = self.postings[t as usize].iter().map(|p| p.doc).collect();
        docs.dedup();
        let df = docs.len() as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// BM25F of one term in every document (dense).
    fn term_scores(&self, t: u32) -> Vec<f32> {
        let mut tf = vec![0f32; self.lens.len()];
        for p in &self.postings[t as usize] {
            let f = usize::from(p.field);
            let d = p.doc as usize;
            let norm = 1.0 - B[f] + B[f] * f32::from(self.lens[d][f]) / self.avg[f];
            tf[d] += WEIGHT[f] * p.pos.len() as f32 / norm;
        }
        let idf = self.idf(t);
        for x in &mut tf {
            if *x > 0.0 {
                *x = idf * *x * (K1 + 1.0) / (K1 + *x);
            }
        }
        tf
    }

    /// Do the terms stand side by side, in order, in one field of `doc`?
    fn adjacent(&self, terms: &[u32], doc: u32) -> bool {
        let lists: Vec<Vec<&Posting>> = terms
            .iter()
            .map(|t| self.postings[*t as usize].iter().filter(|p| p.doc == doc).collect::<Vec<_>>())
            .collect();
        let Some(first) = lists.first() else { return false };
        first.iter().any(|p0| {
            p0.pos.iter().any(|&start| {
                lists
                    .iter()
                    .enumerate()
                    .skip(1)
                    .all(|(k, l)| l.iter().any(|p| p.field == p0.field && p.pos.contains(&(start + k as u16))))
            })
        })
    }

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
    fn concepts(&self, query: &str, opts: Options) -> Vec<Concept> {
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

    /// Scores every document against the words of `query`: (document, score, what matched), unsorted, only
    /// documents that matched something.
    pub fn score(&self, query: &str, opts: Options) -> Vec<(usize, f32, Vec<Match>)> {
        let concepts = self.concepts(query, opts);
        let n = self.lens.len();
        let mut total = vec![0f32; n];
        let mut count = vec![0u16; n];
        let mut why: Vec<Vec<Match>> = vec![Vec::new(); n];
        let mut cache: HashMap<u32, Vec<f32>> = HashMap::new();
        let asked = concepts.len().max(1) as f32;
        for c in &concepts {
            let mut best = vec![0f32; n];
            let mut best_alt = vec![usize::MAX; n];
            for (ai, alt) in c.alts.iter().enumerate() {
                for t in &alt.terms {
                    cache.entry(*t).or_insert_with(|| self.term_scores(*t));
                }
                let k = alt.terms.len() as f32;
                for d in 0..n {
                    let mut sum = 0f32;
                    let mut present = 0;
                    for t in &alt.terms {
                        let s = cache.get(t).map_or(0.0, |v| v[d]);
                        if s > 0.0 {
                            present += 1;
                        }
                        sum += s;
                    }
                    if present == 0 || (alt.all && present < alt.terms.len()) {
                        continue;
                    }
                    // A synonym of several words is a phrase: its words must stand together.
                    if alt.how == How::Synonym && alt.terms.len() > 1 && !self.adjacent(&alt.terms, d as u32) {
                        continue;
                    }
                    let mut s = sum / k;
                    if alt.how != How::Synonym
                        && alt.terms.len() > 1
                        && present == alt.terms.len()
                        && self.adjacent(&alt.terms, d as u32)
                    {
                        s *= 1.0 + PHRASE;
                    }
                    s *= alt.weight;
                    if s > best[d] {
                        best[d] = s;
                        best_alt[d] = ai;
                    }
                }
            }
            for d in 0..n {
                if let Some(alt) = c.alts.get(best_alt[d]) {
                    total[d] += best[d];
                    count[d] += 1;
                    why[d].push(Match { query: c.query.clone(), found: alt.shown.clone(), how: alt.how });
                }
            }
        }
        (0..n)
            .filter(|d| count[*d] > 0)
            .map(|d| {
                // Prefer the documents that answer more of what was asked.
                let coverage = f32::from(count[d]) / asked;
                (d, total[d] * coverage, std::mem::take(&mut why[d]))
            })
            .collect()
    }
}

// ---- The catalog --------------------------------------------------------------------------------------------

/// The guideline's headings printed with a wrong number: (as printed, the section they belong to). A reader
/// typing the number in their copy finds the right items.
pub const PRINTED_HEADINGS: &[(&str, &str)] = &[("6.6.1", "6.1.1"), ("6.2.2", "6.3.2")];

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

/// Says that these section matches came through a misprinted heading.
fn mark_printed(pins: &mut [(usize, f32, Match)], printed: &str) {
    for (_, _, m) in pins {
        m.found = format!("{} (printed {printed})", m.found);
    }
}

/// Pins from codes in the query: (catalog index, bonus, why).
fn codes(query: &str) -> (Vec<(usize, f32, Match)>, String) {
    let items = &catalog().items;
    let lower = query.to_lowercase();
    let only: Option<Source> = if tokens(&lower).iter().any(|(_, _, w)| w == "policy") {
        Some(Source::Policy)
    } else if tokens(&lower).iter().any(|(_, _, w)| w == "guideline") {
        Some(Source::Guideline)
    } else {
        None
    };
    let chunks: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .map(|c| c.trim_matches(|c: char| !c.is_alphanumeric()).trim_start_matches('§').to_string())
        .collect();
    let is_number = |s: &str| {
        !s.is_empty() && s.contains('.') && s.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let is_label = |s: &str| {
        let mut parts = s.split('.');
        let first = parts.next().unwrap_or("");
        let ok_first = (first.len() == 1 && first.chars().all(|c| c.is_ascii_lowercase()))
            || (!first.is_empty() && first.len() <= 2 && first.chars().all(|c| c.is_ascii_digit()));
        ok_first && parts.all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_alphanumeric()))
    };
    let mut pins = Vec::new();
    let mut rest = Vec::new();
    let mut skip = false;
    for (k, c) in chunks.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        let before = pins.len();
        let sections = |src: Option<Source>, sec: &str, shown: &str, pins: &mut Vec<(usize, f32, Match)>| {
            for (i, it) in items.iter().enumerate() {
                if src.is_some_and(|s| s != it.source) {
                    continue;
                }
                let m = |bonus: f32| {
                    (i, bonus, Match { query: shown.to_string(), found: format!("§{}", it.section), how: How::Section })
                };
                if it.section == sec {
                    pins.push(m(250.0));
                } else if it.section.starts_with(sec) && it.section[sec.len()..].starts_with('.') {
                    pins.push(m(200.0));
                }
            }
        };
        // An id or a section with its document's letter: P-5.3.7-b.5, G-5.5.1, G-A.KR-7.
        if let Some((src, body)) = c
            .strip_prefix("p-")
            .map(|b| (Source::Policy, b))
            .or_else(|| c.strip_prefix("g-").map(|b| (Source::Guideline, b)))
        {
            if let Some(i) = items.iter().position(|it| it.id.to_lowercase() == *c) {
                pins.push((i, 300.0, Match { query: c.clone(), found: items[i].id.clone(), how: How::Id }));
            }
            for (i, it) in items.iter().enumerate() {
                let id = it.id.to_lowercase();
                if id.len() > c.len() && id.starts_with(c.as_str()) && matches!(id.as_bytes()[c.len()], b'.' | b'-') {
                    pins.push((i, 200.0, Match { query: c.clone(), found: it.id.clone(), how: How::Id }));
                }
            }
            let sec =
                if body.starts_with(|c: char| c.is_ascii_digit()) { body.to_string() } else { body.to_uppercase() };
            sections(Some(src), &sec, c, &mut pins);
            if src == Source::Guideline {
                for (printed, real) in PRINTED_HEADINGS {
                    if body == *printed {
                        let from = pins.len();
                        sections(Some(src), real, c, &mut pins);
                        mark_printed(&mut pins[from..], printed);
                    }
                }
            }
        } else if let Some(ctl) = c.strip_prefix("a.").or_else(|| c.strip_prefix('a')).filter(|s| is_number(s)) {
            // An Annex A control: A.5.2 is 5.2 and nothing else.
            for (i, it) in items.iter().enumerate() {
                if it.annex_a.iter().any(|a| a == ctl) {
                    pins.push((i, 220.0, Match { query: c.clone(), found: ctl.to_string(), how: How::Control }));
                }
            }
        } else if is_number(c) {
            // A section and list item: 5.3.7 b.5.
            if let Some(label) = chunks.get(k + 1).filter(|l| is_label(l)) {
                for (i, it) in items.iter().enumerate() {
                    if only.is_none_or(|s| s == it.source) && it.section == *c && it.item.to_lowercase() == *label {
                        pins.push((
                            i,
                            300.0,
                            Match { query: format!("{c} {label}"), found: it.id.clone(), how: How::Id },
                        ));
                    }
                }
                if pins.len() > before {
                    skip = true;
                    continue;
                }
            }
            sections(only, c, c, &mut pins);
            if only != Some(Source::Policy) {
                for (printed, real) in PRINTED_HEADINGS {
                    if c == printed {
                        let from = pins.len();
                        sections(Some(Source::Guideline), real, c, &mut pins);
                        mark_printed(&mut pins[from..], printed);
                    }
                }
            }
            if c.matches('.').count() == 1 {
                for (i, it) in items.iter().enumerate() {
                    if it.annex_a.iter().any(|a| a == c) {
                        pins.push((i, 220.0, Match { query: c.clone(), found: c.clone(), how: How::Control }));
                    }
                }
            }
        }
        if pins.len() == before {
            rest.push(c.clone());
        }
    }
    (pins, rest.join(" "))
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
        if let Some(name) = super::TOPICS.iter().find(|x| *x == t) {
            match topics.iter_mut().find(|(n, _)| n == name) {
                Some((_, s)) => *s += h.score,
                None => topics.push((name, h.score)),
            }
        }
    }
    for w in words(query) {
        for name in super::TOPICS {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn top(q: &str, n: usize) -> Vec<String> {
        rank(q, &Filters::default()).into_iter().take(n).map(|r| catalog().items[r.index].id.clone()).collect()
    }

    #[test]
    fn filler_words_and_punctuation_are_dropped() {
        assert_eq!(words("What must the agreement say about return of assets?"), vec!["agreement", "return", "assets"]);
    }

    #[test]
    fn whole_words_and_stems_not_substrings() {
        // "act" is a word of its own, not the start of "contract" or "action".
        let hits = rank("act", &Filters::default());
        for h in hits.iter().take(5) {
            assert!(h.matched.iter().all(|m| m.found != "contract"), "{:?}", h.matched);
        }
        // notify meets notification; terminate meets termination.
        assert_eq!(stem("notify"), stem("notified"));
        assert_eq!(stem("terminate"), stem("termination"));
    }

    #[test]
    fn return_of_assets_finds_the_exit_obligations_first() {
        let t = top("what must the agreement say about return of assets", 5);
        assert!(
            t.iter().any(|id| id.starts_with("G-5.5") || id.starts_with("P-5.3.7") || id.starts_with("P-5.5.6")),
            "{t:?}"
        );
    }

    #[test]
    fn ids_sections_and_controls_resolve_exactly() {
        assert_eq!(top("G-5.4.1-3", 1), ["G-5.4.1-3"]);
        assert_eq!(top("p-5.3.7-b.10", 1), ["P-5.3.7-b.10"]);
        assert_eq!(top("policy 5.3.7 b.5", 1), ["P-5.3.7-b.5"]);
        // A.5.2 is control 5.2, never 5.20 or 5.21.
        let hits = rank("A.5.2", &Filters::default());
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|h| catalog().items[h.index].annex_a.iter().any(|a| a == "5.2")));
        let hits = rank("5.20", &Filters::default());
        assert!(hits.iter().take(10).all(|h| catalog().items[h.index].annex_a.iter().any(|a| a == "5.20")));
        assert!(top("G-5.5.1", 5).iter().all(|id| id.starts_with("G-5.5.1-")), "{:?}", top("G-5.5.1", 5));
        // Without a document letter, 5.5.1 is a section of both documents.
        let t = top("5.5.1", 5);
        assert!(t.iter().all(|id| id.starts_with("G-5.5.1-") || id == "P-5.5.1"), "{t:?}");
        // The guideline prints 6.6.1 for 6.1.1, and a second 6.2.2 for 6.3.2.
        assert!(top("6.6.1", 7).iter().all(|id| id.starts_with("G-6.1.1-")), "{:?}", top("6.6.1", 7));
        let t = top("6.2.2", 20);
        assert!(t.iter().any(|id| id.starts_with("G-6.3.2-")) && t.iter().any(|id| id.starts_with("G-6.2.2-")));
        assert!(rank("A.9.9", &Filters::default()).is_empty());
    }

    #[test]
    fn an_answer_brings_its_counterparts_along() {
        let t = top("P-5.3.7-b.10", 3);
        assert_eq!(t[0], "P-5.3.7-b.10");
        assert!(t.contains(&"G-5.5-c.1".to_string()) && t.contains(&"G-5.5.1-3".to_string()), "{t:?}");
        let hits = rank("P-5.3.7-b.10", &Filters::default());
        assert!(hits[1].matched.iter().any(|m| m.how == How::SeeAlso && m.found == "P-5.3.7-b.10"));
        // A shared control is not a shared obligation: A.5.2 brings nothing along.
        assert!(rank("A.5.2", &Filters::default()).iter().all(|h| h.matched.iter().all(|m| m.how != How::SeeAlso)));
    }

    #[test]
    fn synonyms_spelling_and_prefixes_widen_the_query() {
        let hits = rank("vendor goes bust", &Filters::default());
        assert!(hits[0].matched.iter().any(|m| m.how == How::Synonym), "{:?}", hits[0].matched);
        let hits = rank("terminaton", &Filters::default());
        assert!(hits[0].matched.iter().any(|m| m.how == How::Spelling && m.query == "terminaton"));
        // No correction below five letters.
        assert!(rank("baxk", &Filters::default()).is_empty());
        let typing = rank_with("backgr", &Filters::default(), Options { prefix_last: true });
        assert!(typing.first().is_some_and(|h| h.matched.iter().any(|m| m.how == How::Prefix)));
    }

    #[test]
    fn filters_narrow_and_unmatched_queries_find_nothing() {
        let f = Filters { phase: Some(ItemPhase::Post), party: Some(Party::Provider), topic: None };
        let hits = rank("", &f);
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|h| f.admits(&catalog().items[h.index])));
        assert!(rank("zzzqqqxxx", &Filters::default()).is_empty());
        assert!(!answers_well(&rank("the", &Filters::default())));
    }

    #[test]
    fn highlights_whole_words_by_stem() {
        let m = |w: &str| Match { query: w.into(), found: w.into(), how: How::Word };
        assert_eq!(highlights("Return of assets", &[m("asset")]), vec![10, 11, 12, 13, 14, 15]);
        assert_eq!(highlights("Zürich office", &[m("offices")]), (7..13).collect::<Vec<_>>());
        assert!(highlights("Contract", &[m("act")]).is_empty());
    }
}
