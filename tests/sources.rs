//! Sources and licences: every catalog file names its source document and licence in its header, the README's
//! Sources section lists every document the catalog uses, and the outputs name the documents, cite policy
//! items without their texts by default, and carry the texts with their notice only when asked.

mod common;

use assay::catalog::sources::{self, DOCUMENTS};
use assay::catalog::{self, Catalog, Source};
use assay::commands::report::resolve;
use assay::report::{self, Format, citations};
use assay::store::{bundle, registers};
use common::bin::{assay, command, stderr, stdout};
use common::workspace::demo_store;
use common::{NOW, today};

fn header(text: &str) -> Vec<&str> {
    text.lines().take_while(|l| l.starts_with('#')).collect()
}

#[test]
fn every_catalog_file_names_its_source_and_licence_in_its_header() {
    for (name, text) in catalog::SOURCES {
        let items = Catalog::parse(&[(name, text)]).expect("parses").items;
        assert!(!items.is_empty(), "{name} holds no item");
        let head = header(text);
        let source_line = head.iter().find(|l| l.starts_with("# Source: ")).unwrap_or_else(|| {
            panic!("{name}: no `# Source:` line in the header");
        });
        let licence_line = head.iter().find(|l| l.starts_with("# Licence: ")).unwrap_or_else(|| {
            panic!("{name}: no `# Licence:` line in the header");
        });
        for source in [Source::Policy, Source::Guideline] {
            if !items.iter().any(|i| i.source == source) {
                continue;
            }
            let d = sources::document(source);
            let title = d.title.split(" (").next().expect("title");
            assert!(source_line.contains(title), "{name}: the header does not name {title}");
            assert!(source_line.contains(d.publisher), "{name}: the header does not name {}", d.publisher);
            match source {
                Source::Policy => assert!(
                    licence_line.contains("CC BY-NC-SA 3.0") && licence_line.contains("ISO27k Forum"),
                    "{name}: policy-derived data must carry CC BY-NC-SA 3.0 with attribution: {licence_line}"
                ),
                Source::Guideline => assert!(
                    licence_line.contains("paraphrase") && licence_line.contains("copyrighted"),
                    "{name}: guideline-derived data must say it paraphrases a copyrighted document: {licence_line}"
                ),
            }
        }
    }
}

#[test]
fn the_readme_sources_section_lists_every_source_the_catalog_uses() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme.find("\n## Sources\n").expect("README has a Sources section");
    let rest = &readme[start + 1..];
    let section = &rest[..rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3)];
    let used: std::collections::HashSet<Source> = catalog::catalog().items.iter().map(|i| i.source).collect();
    assert_eq!(used.len(), DOCUMENTS.len(), "every document the catalog uses is described in sources.rs");
    for d in DOCUMENTS {
        let title = d.title.split(" (").next().expect("title");
        for needed in [title, d.publisher, &d.year.to_string()] {
            assert!(section.contains(needed), "the Sources section lacks {needed:?} ({})", d.source);
        }
    }
    assert!(section.contains("authoritative"), "the Sources section says the documents are authoritative");
    let licence = &readme[readme.find("\n## Licence\n").expect("Licence section")..];
    assert!(licence.contains("MIT") && licence.contains("CC BY-NC-SA 3.0"));
    assert!(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/catalog/LICENSE")).exists());
}

/// A policy item's text, to look for in outputs.
fn a_cited_policy_text(md: &str) -> &'static catalog::Item {
    // Only the citations: a provider's reference (P-3) reads like the catalog's section P-3.
    let cited = md.rsplit(citations::SECTION_TITLE).next().unwrap_or(md);
    sources::cited(cited.split(['|', ' ']))
        .into_iter()
        .find(|i| i.source == Source::Policy)
        .expect("the demo report cites a policy item")
}

#[test]
fn reports_cite_policy_items_and_carry_their_texts_only_when_asked() {
    let store = demo_store();
    let e = resolve(store.conn(), "1").expect("engagement");
    let md = report::render(store.conn(), &e, Format::Md, today(), "t", false).expect("report");
    assert!(md.contains(&format!("\n## {}\n", citations::SECTION_TITLE)), "{md}");
    assert!(md.contains("ISO27k Forum") && md.contains("CyberSecurity Malaysia"), "the publishers are named once");
    let item = a_cited_policy_text(&md);
    assert!(md.contains(&format!("| {} | {} | {} |", item.id, item.title, item.citation())), "cited by id and title");
    assert!(!md.contains(&item.text), "policy-derived text reached a default report");
    assert!(!md.contains(&sources::policy_text_notice()));

    let with = report::render_with(store.conn(), &e, Format::Html, today(), "t", false, true).expect("report");
    assert!(with.contains(&assay::report::html::esc(&item.text)), "asked for, the text is there");
    assert!(with.contains("CC BY-NC-SA 3.0") && with.contains("not be sold"), "with the licence notice");
}

#[test]
fn bundles_and_registers_name_the_sources_and_carry_texts_only_when_asked() {
    let store = demo_store();
    let b = bundle::read(store.conn(), Some(&[1]), false, NOW, &mut |_, _| {}).expect("bundle");
    let json: serde_json::Value = serde_json::from_str(&b.to_json()).expect("json");
    let publishers: Vec<&str> = json["catalog_sources"]
        .as_array()
        .expect("catalog_sources")
        .iter()
        .filter_map(|d| d["publisher"].as_str())
        .collect();
    assert_eq!(publishers, ["ISO27k Forum", "CyberSecurity Malaysia"]);
    assert!(json.get("catalog_text").is_none(), "no catalog text by default");
    let mut with = b.clone();
    with.catalog_text = Some(sources::catalog_text(b.to_json().split('"')));
    let text = with.to_json();
    let policy = with.catalog_text.as_ref().expect("set").items.iter().find(|i| i.source == "policy").expect("policy");
    assert!(text.contains(&sources::policy_text_notice()), "the notice travels with the texts");
    assert!(policy.text.is_some());
    // A bundle that names its sources, with texts or without, still imports.
    for t in [b.to_json(), text] {
        let (engagements, _) = bundle::parse(&t).expect("imports");
        assert_eq!(engagements.len(), 1);
    }

    let sheets = registers::sheets(store.conn(), 1, today(), false).expect("sheets");
    let plain = citations::sheet(&sheets, false);
    assert!(!plain.rows.is_empty() && !plain.headers.contains(&"text".to_string()));
    assert!(plain.rows.iter().flatten().any(|v| v.to_string().contains("ISO27k Forum")));
    let full = citations::sheet(&sheets, true);
    assert_eq!(full.headers.last().map(String::as_str), Some("text"));
}

#[test]
fn the_lookup_names_each_items_source_document() {
    let dir = tempfile::tempdir().expect("dir");
    let out = assay(dir.path(), &["lookup", "P-5.1.1"]);
    let stdout = stdout(&out);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Source: Information Security Policy on Outsourcing") && stdout.contains("ISO27k Forum 2023"),
        "{stdout}"
    );

    let mut app = common::empty_app(120, 40);
    common::keys(&mut app, "/");
    common::keys(&mut app, "G-5.5.1");
    common::press(&mut app, ratatui::crossterm::event::KeyCode::Enter);
    let screen = common::screen(&app);
    assert!(screen.contains("Source: Guideline on Information Security in ICT Outsourcing"), "{screen}");
}

#[test]
fn the_compiled_catalog_is_the_toml_catalog() {
    let from_toml = Catalog::parse(catalog::SOURCES).expect("TOML parses");
    let compiled = Catalog::from_json(catalog::COMPILED).expect("the build's JSON parses");
    assert_eq!(compiled.items, from_toml.items, "build.rs and catalog::SOURCES list the same files in the same order");
    assert_eq!(catalog::catalog().items.len(), from_toml.items.len());
}

#[test]
fn the_command_line_carries_catalog_texts_only_with_the_flag() {
    let dir = tempfile::tempdir().expect("dir");
    let run = |args: &[&str]| {
        let out = command(dir.path(), &["--db", "w.db"]).args(args).output().expect("run");
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        stdout(&out)
    };
    run(&["demo", "--out", "w.db"]);
    let notice = sources::policy_text_notice();

    let md = run(&["report", "1"]);
    assert!(md.contains(citations::SECTION_TITLE) && !md.contains(&notice));
    let md = run(&["report", "1", "--with-catalog-text"]);
    let item = a_cited_policy_text(&md);
    assert!(md.contains(&notice) && md.contains(&item.text), "the flag brings the texts and their notice");

    let json = run(&["export", "1"]);
    assert!(json.contains("\"catalog_sources\"") && !json.contains("\"catalog_text\""));
    let json = run(&["export", "1", "--with-catalog-text"]);
    assert!(json.contains("\"catalog_text\"") && json.contains(&serde_json::to_string(&notice).expect("json")));

    run(&["export", "1", "--format", "csv", "--out", "plain"]);
    let plain = std::fs::read_to_string(dir.path().join("plain/catalog.csv")).expect("catalog.csv");
    assert!(plain.starts_with("id,source,citation,title,publisher,terms\n") && plain.contains("ISO27k Forum"));
    run(&["export", "1", "--format", "csv", "--out", "full", "--with-catalog-text"]);
    let full = std::fs::read_to_string(dir.path().join("full/catalog.csv")).expect("catalog.csv");
    assert!(full.starts_with("id,source,citation,title,publisher,terms,text\n"));
}
