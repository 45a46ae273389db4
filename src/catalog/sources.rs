//! The two documents the catalog is built from, who publishes them, and the terms under which our
//! paraphrases of them may be reused. Every place that shows catalog items to a user (the lookup, `assay
//! lookup`, reports and exports) names the document through this module, so the wording stays in one place.

use serde::Serialize;

use super::{Item, Source};

/// What the program says about one source document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Document {
    /// `policy` or `guideline`, as in the catalog's `source` field.
    pub source: &'static str,
    /// The id prefix of its items.
    pub ids: &'static str,
    pub title: &'static str,
    pub publisher: &'static str,
    pub year: u16,
    pub edition: &'static str,
    /// Where a user can get the document itself.
    pub obtain: &'static str,
    /// The document's own terms.
    pub rights: &'static str,
    /// The terms of the catalog data derived from it.
    pub catalog_licence: &'static str,
}

/// The security policy on outsourcing (ISO27k Toolkit).
pub const POLICY: Document = Document {
    source: "policy",
    ids: "P-",
    title: "Information Security Policy on Outsourcing",
    publisher: "ISO27k Forum",
    year: 2023,
    edition: "version 3, 2023 (an ISO 27001 security policy template; first issued 2008, revised 2022)",
    obtain: "the free ISO27k Toolkit at https://www.iso27001security.com",
    rights: "© 2023 ISO27k Forum; CC BY-NC-SA 3.0",
    catalog_licence: "CC BY-NC-SA 3.0 (Creative Commons Attribution-NonCommercial-ShareAlike 3.0 Unported)",
};

/// The national guideline on information security in ICT outsourcing.
pub const GUIDELINE: Document = Document {
    source: "guideline",
    ids: "G-",
    title: "Guideline on Information Security in ICT Outsourcing",
    publisher: "CyberSecurity Malaysia",
    year: 2010,
    edition: "2010 issue (no edition number printed)",
    obtain: "CyberSecurity Malaysia, https://www.cybersecurity.my (publications)",
    rights: "© 2010 CyberSecurity Malaysia, all rights reserved",
    catalog_licence: "paraphrase with citations of a copyrighted document; the wording is assay's (MIT), the \
                      obligations and their numbering belong to the guideline",
};

/// Both documents, policy first.
pub const DOCUMENTS: [Document; 2] = [POLICY, GUIDELINE];

/// The document an item comes from.
pub fn document(source: Source) -> &'static Document {
    match source {
        Source::Policy => &POLICY,
        Source::Guideline => &GUIDELINE,
    }
}

/// One line naming the document an item comes from: title, publisher, year and the terms of our paraphrase.
pub fn attribution(item: &Item) -> String {
    let d = document(item.source);
    match item.source {
        Source::Policy => {
            format!("Source: {}, {} {} · our paraphrase, {}", d.title, d.publisher, d.year, "CC BY-NC-SA 3.0")
        }
        Source::Guideline => {
            format!("Source: {}, {} {} · our paraphrase; the document is authoritative", d.title, d.publisher, d.year)
        }
    }
}

/// The line an output carries once (a report's footer): both publishers and that the documents are
/// authoritative.
pub fn footer() -> String {
    format!(
        "Catalog references cite the {} ({}, {}) and the {} ({}, {}); assay's catalog wording paraphrases \
         them, and the documents themselves are authoritative.",
        POLICY.title, POLICY.publisher, POLICY.year, GUIDELINE.title, GUIDELINE.publisher, GUIDELINE.year
    )
}

/// The notice that must travel with our policy-derived texts whenever an output carries them.
pub fn policy_text_notice() -> String {
    format!(
        "Texts of items P-… are adapted from the {} © {} {} ({}), under {}; they may not be sold or built into \
         a commercial product, and what is made from them must be shared under the same terms.",
        POLICY.title, POLICY.year, POLICY.publisher, "www.iso27001security.com", POLICY.catalog_licence
    )
}

/// The notice for guideline-derived texts.
pub fn guideline_text_notice() -> String {
    format!(
        "Texts of items G-… restate the {} © {} {} in assay's own words, with citations; the guideline is \
         authoritative and its own text is not reproduced.",
        GUIDELINE.title, GUIDELINE.year, GUIDELINE.publisher
    )
}

/// The catalog ids named in `values` (each value an id, or text holding ids), in catalog order, each once.
pub fn cited<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<&'static Item> {
    let cat = super::catalog();
    let mut seen = std::collections::HashSet::new();
    for v in values {
        for word in v.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')')) {
            if let Some(item) = cat.get(word) {
                seen.insert(item.id.as_str());
            }
        }
    }
    cat.items.iter().filter(|i| seen.contains(i.id.as_str())).collect()
}

/// A catalog item as an export carries it: cited by id, title and section always, its text only when asked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CitedItem {
    pub id: String,
    pub source: &'static str,
    pub citation: String,
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl CitedItem {
    pub fn new(item: &Item, with_text: bool) -> CitedItem {
        CitedItem {
            id: item.id.clone(),
            source: document(item.source).source,
            citation: item.citation(),
            title: item.title.clone(),
            text: with_text.then(|| item.text.clone()),
        }
    }
}

/// The catalog texts an export carries when asked for: the items it refers to, and the notices that must
/// travel with their texts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CatalogText {
    pub notices: Vec<String>,
    pub items: Vec<CitedItem>,
}

/// The catalog texts of the items named in `values` (see [`cited`]).
pub fn catalog_text<'a>(values: impl IntoIterator<Item = &'a str>) -> CatalogText {
    let items = cited(values);
    CatalogText { notices: text_notices(&items), items: items.iter().map(|i| CitedItem::new(i, true)).collect() }
}

/// The notices an output that carries catalog texts of these items must include.
pub fn text_notices(items: &[&Item]) -> Vec<String> {
    let mut out = Vec::new();
    if items.iter().any(|i| i.source == Source::Policy) {
        out.push(policy_text_notice());
    }
    if items.iter().any(|i| i.source == Source::Guideline) {
        out.push(guideline_text_notice());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribution_names_publisher_and_terms() {
        let cat = crate::catalog::catalog();
        let p = cat.items.iter().find(|i| i.source == Source::Policy).expect("a policy item");
        let g = cat.items.iter().find(|i| i.source == Source::Guideline).expect("a guideline item");
        assert!(attribution(p).contains("ISO27k Forum") && attribution(p).contains("CC BY-NC-SA 3.0"));
        assert!(attribution(g).contains("CyberSecurity Malaysia 2010"));
        assert_eq!(cited(["P-5.1.1 and G-5", "nothing", "P-5.1.1"]).len(), 2);
        assert_eq!(text_notices(&[p]).len(), 1);
        assert!(footer().contains("ISO27k Forum") && footer().contains("CyberSecurity Malaysia"));
    }
}
