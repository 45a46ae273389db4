//! The built-in obligations catalog: every enumerated requirement of the outsourcing policy and the national
//! guideline, in our own words, each cited. Embedded so the binary works anywhere.

pub mod search;
pub mod sources;
pub mod thesaurus;

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// The catalog's source files, embedded at build time: (file name, text).
pub const SOURCES: &[(&str, &str)] = &[
    ("policy.toml", include_str!("../../assets/catalog/policy.toml")),
    ("glossary.toml", include_str!("../../assets/catalog/glossary.toml")),
    ("pre.toml", include_str!("../../assets/catalog/pre.toml")),
    ("during.toml", include_str!("../../assets/catalog/during.toml")),
    ("post.toml", include_str!("../../assets/catalog/post.toml")),
    ("risks.toml", include_str!("../../assets/catalog/risks.toml")),
];

/// The topics an item may have.
pub const TOPICS: &[&str] = &[
    "governance",
    "risk",
    "selection",
    "personnel",
    "agreement",
    "confidentiality",
    "access",
    "physical",
    "assets",
    "malware",
    "operations",
    "incident",
    "continuity",
    "audit",
    "compliance",
    "privacy",
    "ip",
    "transfer",
    "training",
    "definitions",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Source {
    Policy,
    Guideline,
}

impl Source {
    /// How a citation names the document.
    pub fn label(self) -> &'static str {
        match self {
            Source::Policy => "Outsourcing security policy",
            Source::Guideline => "ICT outsourcing guideline",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ItemPhase {
    Pre,
    During,
    Post,
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, strum::IntoStaticStr, strum::EnumIter)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Party {
    Organisation,
    Provider,
    Both,
    Management,
    Owner,
    Infosec,
    Audit,
}

/// Where the workbench uses an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    Workflow,
    Agreement,
    Criterion,
    Risk,
    Vetting,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Cia {
    C,
    I,
    A,
}

/// One obligation, risk or definition of the catalog.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub source: Source,
    pub section: String,
    pub item: String,
    pub phase: ItemPhase,
    pub party: Party,
    pub topic: String,
    pub title: String,
    pub text: String,
    pub annex_a: Vec<String>,
    #[serde(default)]
    pub keywords: Vec<String>,
    #[serde(default)]
    pub uses: Vec<Use>,
    #[serde(default)]
    pub cia: Vec<Cia>,
    /// The crosswalk: items of either document that state the same obligation elsewhere (always both ways).
    #[serde(default)]
    pub see_also: Vec<String>,
}

impl Item {
    /// The citation: document, section and list item.
    pub fn citation(&self) -> String {
        let section = match self.section.as_str() {
            "T1" => "Table 1".to_string(),
            "T2" => "Table 2".to_string(),
            "A.KR" => "Appendix A, key risks".to_string(),
            "A.OR" => "Appendix A, offshore risks".to_string(),
            s => format!("§{s}"),
        };
        if self.item.is_empty() {
            format!("{} {section}", self.source.label())
        } else {
            format!("{} {section}, item {}", self.source.label(), self.item)
        }
    }

    pub fn has_use(&self, u: Use) -> bool {
        self.uses.contains(&u)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    item: Vec<Item>,
}

/// The whole catalog, in document order, with an index by id.
#[derive(Debug)]
pub struct Catalog {
    pub items: Vec<Item>,
    by_id: HashMap<String, usize>,
}

impl Catalog {
    /// Parses catalog files; the error names the file and the place.
    pub fn parse(sources: &[(&str, &str)]) -> Result<Catalog, String> {
        let mut items = Vec::new();
        for (name, text) in sources {
            let file: File = toml::from_str(text).map_err(|e| format!("{name}: {e}"))?;
            items.extend(file.item);
        }
        Catalog::index(items)
    }

    /// Parses the JSON form of the catalog that the build makes from the TOML files ([`COMPILED`]).
    pub fn from_json(text: &str) -> Result<Catalog, String> {
        let file: File = serde_json::from_str(text).map_err(|e| format!("compiled catalog: {e}"))?;
        Catalog::index(file.item)
    }

    fn index(items: Vec<Item>) -> Result<Catalog, String> {
        let mut by_id = HashMap::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if by_id.insert(item.id.clone(), i).is_some() {
                return Err(format!("duplicate catalog id {}", item.id));
            }
        }
        Ok(Catalog { items, by_id })
    }

    pub fn get(&self, id: &str) -> Option<&Item> {
        self.by_id.get(id).map(|&i| &self.items[i])
    }

    /// Where an item stands in [`Catalog::items`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The items with a given use, in catalog order.
    pub fn with_use(&self, u: Use) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.has_use(u))
    }
}

/// The catalog files as one JSON document, converted from [`SOURCES`] at build time (`build.rs`): parsing it
/// takes a fraction of the time the TOML takes, and every start needs the catalog.
pub const COMPILED: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.json"));

/// The embedded catalog, parsed once. Its validity is proven by the test suite; a broken build would show an
/// empty catalog rather than crash.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| {
        Catalog::from_json(COMPILED)
            .or_else(|_| Catalog::parse(SOURCES))
            .unwrap_or(Catalog { items: Vec::new(), by_id: HashMap::new() })
    })
}
