//! Ranking text against a typed query, for the obligations lookup (in the workbench and on the command line).
//!
//! A query is split into words (small filler words dropped); every word must match. A word scores highest where
//! it appears whole in an item's id, title, keywords, section or Annex A controls, a little lower where it appears
//! whole in the item's text, and otherwise by fuzzy matching against the short fields only — fuzzy matching a
//! long paragraph would match almost anything.

use std::sync::OnceLock;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::{Item, ItemPhase, Party, catalog};

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

const STOPWORDS: &[&str] = &[
    "a", "about", "an", "and", "are", "be", "does", "for", "how", "in", "is", "it", "must", "of", "on", "or", "say",
    "should", "the", "to", "what", "when", "which", "who", "with",
];

/// The words of a query that count: lower-cased, punctuation trimmed, filler dropped.
pub fn words(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric() && c != '.' && c != '-').to_lowercase())
        .map(|w| w.trim_end_matches('.').to_string())
        .filter(|w| !w.is_empty() && !STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Text prepared once for matching, lower-cased: the name (id and title, the only part matched fuzzily), the
/// other short fields, and the long text.
#[derive(Debug, Clone, PartialEq)]
pub struct Haystack {
    pub name: String,
    pub key: String,
    pub text: String,
}

impl Haystack {
    pub fn new(name: &str, key: &str, text: &str) -> Haystack {
        Haystack {
            name: name.to_lowercase(),
            key: format!("{} {}", name, key).to_lowercase(),
            text: text.to_lowercase(),
        }
    }
}

/// A reusable matcher (it keeps scratch space between calls).
pub struct Matcher {
    skim: SkimMatcherV2,
}

impl Default for Matcher {
    fn default() -> Self {
        Matcher { skim: SkimMatcherV2::default().ignore_case() }
    }
}

/// Is `needle` a subsequence of `hay` (both lower-case)? A cheap test before the real fuzzy match.
fn subsequence(hay: &str, needle: &str) -> bool {
    let mut it = hay.chars();
    needle.chars().all(|c| it.any(|h| h == c))
}

impl Matcher {
    /// The score of one word, if it matches at all.
    fn word(&self, h: &Haystack, w: &str) -> Option<i64> {
        let stem = w.strip_suffix('s').filter(|s| s.len() >= 3);
        let whole = |hay: &str| hay.contains(w) || stem.is_some_and(|s| hay.contains(s));
        if whole(&h.key) {
            return Some(300 + if h.key.starts_with(w) { 100 } else { 0 });
        }
        if whole(&h.text) {
            return Some(150);
        }
        if w.chars().count() < 3 || !subsequence(&h.name, w) {
            return None;
        }
        // Scattered letters score low; demand close to a contiguous match per letter typed.
        let floor = 12 * w.chars().count() as i64;
        self.skim.fuzzy_match(&h.name, w).filter(|s| *s >= floor)
    }

    /// The score of a whole query (all words must match), or `None`.
    pub fn score(&self, h: &Haystack, words: &[String]) -> Option<i64> {
        words.iter().try_fold(0i64, |acc, w| self.word(h, w).map(|s| acc + s))
    }

    /// The character positions in `shown` to highlight for `words`.
    pub fn highlights(&self, shown: &str, words: &[String]) -> Vec<usize> {
        let lower = shown.to_lowercase();
        let mut out = Vec::new();
        for w in words {
            if let Some(byte) = lower.find(w.as_str()) {
                let start = lower[..byte].chars().count();
                out.extend(start..start + w.chars().count());
            } else if let Some((_, idx)) = self.skim.fuzzy_indices(shown, w) {
                out.extend(idx);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The catalog's haystacks, built once.
pub fn catalog_haystacks() -> &'static [Haystack] {
    static HAY: OnceLock<Vec<Haystack>> = OnceLock::new();
    HAY.get_or_init(|| {
        catalog()
            .items
            .iter()
            .map(|i| {
                let key = format!(
                    "{} {} §{} {} {}",
                    i.keywords.join(" "),
                    i.topic,
                    i.section,
                    i.annex_a.iter().map(|a| format!("a.{a} {a}")).collect::<Vec<_>>().join(" "),
                    i.source.label()
                );
                Haystack::new(&format!("{} {}", i.id, i.title), &key, &i.text)
            })
            .collect()
    })
}

/// Catalog items matching `query` under `filters`, best first (ties in catalog order), as indices into the
/// catalog. An empty query lists every admitted item in catalog order.
pub fn search(matcher: &Matcher, query: &str, filters: &Filters) -> Vec<(usize, i64)> {
    let words = words(query);
    let items = &catalog().items;
    let hay = catalog_haystacks();
    let mut hits: Vec<(usize, i64)> = items
        .iter()
        .enumerate()
        .filter(|(_, item)| filters.admits(item))
        .filter_map(
            |(i, _)| if words.is_empty() { Some((i, 0)) } else { matcher.score(&hay[i], &words).map(|s| (i, s)) },
        )
        .collect();
    hits.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filler_words_and_punctuation_are_dropped() {
        assert_eq!(words("What must the agreement say about return of assets?"), vec!["agreement", "return", "assets"]);
        assert_eq!(words("A.5.20"), vec!["a.5.20"]);
    }

    #[test]
    fn return_of_assets_finds_the_exit_obligations_first() {
        let m = Matcher::default();
        let hits = search(&m, "what must the agreement say about return of assets", &Filters::default());
        assert!(!hits.is_empty());
        let top: Vec<&str> = hits.iter().take(8).map(|(i, _)| catalog().items[*i].id.as_str()).collect();
        assert!(
            top.iter().any(|id| id.starts_with("G-5.5") || id.starts_with("P-5.3.7") || id.starts_with("P-5.5.6")),
            "{top:?}"
        );
    }

    #[test]
    fn ids_and_annex_controls_are_searchable() {
        let m = Matcher::default();
        let hits = search(&m, "G-5.4.1-3", &Filters::default());
        assert_eq!(catalog().items[hits[0].0].id, "G-5.4.1-3");
        let hits = search(&m, "a.6.1", &Filters::default());
        assert!(hits.iter().take(5).all(|(i, _)| catalog().items[*i].annex_a.iter().any(|a| a.starts_with("6.1"))));
    }

    #[test]
    fn filters_narrow_and_unmatched_queries_find_nothing() {
        let m = Matcher::default();
        let f = Filters { phase: Some(ItemPhase::Post), party: Some(Party::Provider), topic: None };
        let hits = search(&m, "", &f);
        assert!(!hits.is_empty());
        assert!(hits.iter().all(|(i, _)| f.admits(&catalog().items[*i])));
        assert!(search(&m, "zzzqqqxxx", &Filters::default()).is_empty());
    }

    #[test]
    fn highlights_whole_words_and_fuzzy_letters() {
        let m = Matcher::default();
        assert_eq!(m.highlights("Return of assets", &["assets".into()]), vec![10, 11, 12, 13, 14, 15]);
        assert_eq!(m.highlights("Zürich office", &["office".into()]), (7..13).collect::<Vec<_>>());
        assert!(!m.highlights("Background checks", &["bkgd".into()]).is_empty());
    }
}
