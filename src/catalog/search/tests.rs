//! Unit tests for `catalog::search`.

use super::*;
use crate::catalog::catalog;

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
