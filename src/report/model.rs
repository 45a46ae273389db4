//! The report's shape: sections of blocks, built once and then written as Markdown, HTML or JSON.

/// One piece of a section. In JSON (`assay report --format json`) each block is `{"kind": …, "data": …}`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "kind", content = "data", rename_all = "snake_case")]
pub enum Block {
    Para(String),
    /// A sentence to stand out (the verdict).
    Verdict(String),
    Facts(Vec<(String, String)>),
    Heading(String),
    Table {
        headers: Vec<String>,
        rows: Vec<Vec<String>>,
        numeric: Vec<bool>,
        /// When the rows are records, the record each row names (its reference and UUID), row for row; in JSON
        /// only, and left out of tables whose rows are not records.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        records: Vec<Record>,
    },
    /// A 5×5 heat map: `cells[likelihood-1][impact-1]`, with what lies outside it.
    Heat {
        /// Which map it is ("Inherent (before treatment)").
        caption: String,
        cells: [[u32; 5]; 5],
        outside: u32,
    },
    /// Said when a list is empty.
    Empty(String),
    /// A bar chart of the figures of a table beside it (drawn in HTML; the Markdown report has the table alone).
    Bars {
        /// What the bars measure ("total out of 100", "% done").
        measure: String,
        /// The value a full bar stands for.
        max: f64,
        rows: Vec<Bar>,
    },
}

/// One bar: its label, its value, the figure written beside it, and, when it is marked, why (a provider failing
/// a gate).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub shown: String,
    pub mark: Option<String>,
}

/// A record as a report names it: the short reference people quote ("R-12") and its UUID, the same on every
/// machine.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct Record {
    #[serde(rename = "ref")]
    pub reference: String,
    pub uuid: String,
}

/// The heading of the column of a table that gives each row's short reference.
pub const REF_HEADER: &str = "Ref";

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Section {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Report {
    pub title: String,
    pub meta: String,
    pub classification: String,
    /// The engagement reported on.
    pub engagement: Record,
    pub sections: Vec<Section>,
}
