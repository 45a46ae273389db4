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
    },
    /// A 5×5 heat map: `cells[likelihood-1][impact-1]`, with what lies outside it.
    Heat {
        cells: [[u32; 5]; 5],
        outside: u32,
    },
    /// Said when a list is empty.
    Empty(String),
}

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
    pub sections: Vec<Section>,
}
