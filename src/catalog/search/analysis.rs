//! Text as the lookup reads it: whole words, stop-words, Snowball stems, the thesaurus's light forms, and the
//! edit distance that spelling corrections allow.

use std::collections::HashSet;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};

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

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

pub(super) fn is_stop(w: &str) -> bool {
    static SET: OnceLock<HashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect()).contains(w)
}

/// The stem of one lower-case word.
pub fn stem(word: &str) -> String {
    stemmer().stem(word).into_owned()
}

/// A word as the thesaurus compares it: only a plural or possessive `s` dropped. Full stems would make words of
/// different meaning meet there (an outsourcer is not an outsourcing); the thesaurus lists the forms it means.
pub(super) fn light(word: &str) -> String {
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

/// Levenshtein distance, or `None` when it exceeds `max`.
pub(super) fn within(a: &str, b: &str, max: usize) -> Option<usize> {
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la.abs_diff(lb) > max {
        return None;
    }
    let d = strsim::levenshtein(a, b);
    (d <= max).then_some(d)
}

/// How many edits a word of `len` letters may be corrected by.
pub(super) fn tolerance(len: usize) -> usize {
    match len {
        0..=4 => 0,
        5..=8 => 1,
        _ => 2,
    }
}
