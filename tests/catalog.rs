//! The embedded catalog: complete, well formed, cited, and every reference to it resolves.

mod common;

use std::collections::BTreeMap;

use assay::catalog::{Catalog, SOURCES, Source, TOPICS, Use, catalog};
use common::workspace::{demo_store, rows};

/// ISO/IEC 27001:2022 Annex A: 5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34.
fn is_annex_a_control(id: &str) -> bool {
    let Some((theme, n)) = id.split_once('.') else { return false };
    let Ok(n) = n.parse::<u32>() else { return false };
    let max = match theme {
        "5" => 37,
        "6" => 8,
        "7" => 14,
        "8" => 34,
        _ => return false,
    };
    (1..=max).contains(&n)
}

#[test]
fn parses_with_unique_ids() {
    let c = Catalog::parse(SOURCES).expect("catalog parses");
    assert_eq!(c.items.len(), catalog().items.len());
    assert!(c.items.len() >= 280, "{} items", c.items.len());
    let dup = [SOURCES[0], SOURCES[0]];
    assert!(Catalog::parse(&dup).expect_err("duplicates refused").contains("duplicate catalog id"));
}

#[test]
fn every_item_is_complete_well_formed_and_cited() {
    for item in &catalog().items {
        let prefix = match item.source {
            Source::Policy => "P",
            Source::Guideline => "G",
        };
        let expected = if item.item.is_empty() {
            format!("{prefix}-{}", item.section)
        } else {
            format!("{prefix}-{}-{}", item.section, item.item)
        };
        assert_eq!(item.id, expected, "id must follow from source, section and item");
        assert!(item.id.chars().all(|c| c.is_ascii_alphanumeric() || ".-".contains(c)), "{}", item.id);
        assert!(!item.title.trim().is_empty() && item.title.chars().count() <= 60, "{}: title", item.id);
        assert!(item.text.split_whitespace().count() >= 5, "{}: text too short", item.id);
        assert!(!item.text.contains("<ORGANISATION>"), "{}", item.id);
        assert!(TOPICS.contains(&item.topic.as_str()), "{}: topic {}", item.id, item.topic);
        // Only the items that describe the guideline itself (its objective, structure and acronyms) map to no
        // control.
        let about_the_document = matches!(item.section.as_str(), "1.1" | "1.4" | "3");
        assert!(!item.annex_a.is_empty() || about_the_document, "{}: no Annex A control", item.id);
        for a in &item.annex_a {
            assert!(is_annex_a_control(a), "{}: {a} is not an Annex A control", item.id);
        }
        assert!(!item.citation().is_empty());
        if item.has_use(Use::Risk) {
            assert!(!item.cia.is_empty(), "{}: a risk names what it threatens", item.id);
        }
    }
}

#[test]
fn section_counts_match_an_independent_count_of_the_documents() {
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for file in ["tests/data/catalog-counts-a.toml", "tests/data/catalog-counts-b.toml"] {
        let text = std::fs::read_to_string(file).expect("counts file");
        let table: BTreeMap<String, BTreeMap<String, usize>> = toml::from_str(&text).expect("counts parse");
        for (source, sections) in table {
            for (section, n) in sections {
                assert!(expected.insert((source.clone(), section.clone()), n).is_none(), "{source} {section} twice");
            }
        }
    }
    let mut actual: BTreeMap<(String, String), usize> = BTreeMap::new();
    for item in &catalog().items {
        let source: &str = item.source.into();
        *actual.entry((source.to_string(), item.section.clone())).or_default() += 1;
    }
    assert_eq!(actual, expected, "catalog sections against the documents");
    // Spot checks of well-known lists, counted by hand.
    let n = |source: &str, section: &str| actual.get(&(source.to_string(), section.to_string())).copied().unwrap_or(0);
    assert_eq!(n("policy", "5.1.1"), 7, "the paragraph and its six selection criteria");
    assert_eq!(n("policy", "5.4.1"), 6, "the paragraph and its five screening checks");
    assert_eq!(catalog().items.iter().filter(|i| i.section == "A.KR" && !i.item.contains('.')).count(), 9, "key risks");
    assert_eq!(
        catalog().items.iter().filter(|i| i.section == "A.OR" && !i.item.contains('.')).count(),
        11,
        "offshore risks"
    );
    assert_eq!(catalog().items.iter().filter(|i| i.section == "T2").count(), 6, "Table 2 concerns");
}

#[test]
fn the_crosswalk_resolves_and_runs_both_ways() {
    let c = catalog();
    let mut links = 0;
    for item in &c.items {
        for other in &item.see_also {
            let o = c.get(other).unwrap_or_else(|| panic!("{} sees also {other}, which does not exist", item.id));
            assert_ne!(o.id, item.id, "{} sees also itself", item.id);
            assert!(o.see_also.contains(&item.id), "{} sees also {other}, but not the other way", item.id);
            links += 1;
        }
        let mut unique = item.see_also.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), item.see_also.len(), "{}: a link twice", item.id);
    }
    assert!(links >= 60, "{links} links");
    // The examples the two documents give of one obligation stated in several places.
    let return_of_assets = &c.get("P-5.3.7-b.5").expect("item").see_also;
    for id in ["P-5.5.6", "G-5.5-a.5", "G-7.1.1-d"] {
        assert!(return_of_assets.iter().any(|x| x == id), "{id}");
    }
    let audit = &c.get("P-5.3.7-b.10").expect("item").see_also;
    for id in ["G-5.5-c.1", "G-5.5.1-3"] {
        assert!(audit.iter().any(|x| x == id), "{id}");
    }
}

#[test]
fn the_workbench_finds_what_it_uses() {
    let c = catalog();
    for id in ["G-5.4.1-1", "G-5.4.1-2"] {
        let item = c.get(id).expect("default must-have exists");
        assert!(item.has_use(Use::Criterion), "{id}");
    }
    assert!(c.with_use(Use::Workflow).count() >= 100);
    assert!(c.with_use(Use::Agreement).count() >= 40);
    assert!(c.with_use(Use::Criterion).count() >= 15);
    assert!(c.with_use(Use::Risk).count() >= 40);
    // Every guideline role-and-responsibility list is on a workflow, for organisations and for providers.
    for section in [
        "5.4.1", "5.4.2", "5.5.1", "6.1.1", "6.1.2", "6.2.1", "6.2.2", "6.3.1", "6.3.2", "7.1.1", "7.1.2", "7.2.1",
        "7.2.2",
    ] {
        assert!(
            c.items.iter().any(|i| i.section == section && i.has_use(Use::Workflow)),
            "guideline {section} missing from the workflows"
        );
    }
}

#[test]
fn demo_references_resolve() {
    let store = demo_store();
    let refs: Vec<String> = rows(
        store.conn(),
        "SELECT catalog_ref FROM checklist_item UNION SELECT catalog_ref FROM criterion WHERE catalog_ref IS NOT NULL
             UNION SELECT catalog_ref FROM risk WHERE catalog_ref IS NOT NULL",
        |r| r.get(0),
    );
    assert!(refs.len() > 100);
    for r in refs {
        assert!(catalog().get(&r).is_some(), "{r} does not resolve");
    }
}
