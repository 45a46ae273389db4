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
//!
//! The work is split by what it does: `analysis` reads text into words and stems, `index` holds the
//! documents and scores single terms, `query` reads a query into concepts, `score` scores concepts against
//! an index, `codes` reads item ids, sections and controls, and `rank` puts it together for the catalog.

mod analysis;
mod codes;
mod index;
mod query;
mod rank;
mod score;

pub use analysis::{stem, tokens, words};
pub use codes::PRINTED_HEADINGS;
pub use index::{CITE, Index, KEYWORDS, TEXT, TITLE};
pub use rank::{answers_well, build_catalog_index, catalog_index, highlights, miss_line, rank, rank_with, suggestions};

use super::{Item, ItemPhase, Party};

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

#[cfg(test)]
mod tests;
