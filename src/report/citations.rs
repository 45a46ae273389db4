//! How reports and exports cite the catalog. By default an output names each catalog item it refers to by id,
//! title and citation (document, section, item) and names both publishers once; the catalog's own texts go in
//! only when asked (`--with-catalog-text`), with the terms under which they may be reused. The policy's licence
//! forbids commercial use, so a deliverable must not carry our policy-derived texts by accident.

use crate::catalog::sources;
use crate::domain::Value;
use crate::store::registers::Sheet;

use super::model::{Block, REF_HEADER, Report, Section};

/// The title of the report section that lists the catalog items the report refers to.
pub const SECTION_TITLE: &str = "Catalog references";

/// The report's closing section: every catalog item its tables name, cited, with its text when asked. A column of
/// records' short references is not read: a provider's P-3 is not the catalog's section P-3.
pub fn report_section(r: &Report, with_text: bool) -> Section {
    let cells = r.sections.iter().flat_map(|s| &s.blocks).flat_map(|b| match b {
        Block::Table { headers, rows, .. } => {
            let skip = headers.iter().position(|h| h == REF_HEADER);
            rows.iter()
                .flat_map(|row| row.iter().enumerate().filter(|(i, _)| Some(*i) != skip).map(|(_, c)| c.as_str()))
                .collect::<Vec<_>>()
        }
        _ => Vec::new(),
    });
    let items = sources::cited(cells);
    let mut blocks = vec![Block::Para(sources::footer())];
    if items.is_empty() {
        blocks.push(Block::Empty("The report names no catalog item.".into()));
        return Section { title: SECTION_TITLE.into(), blocks };
    }
    let mut headers = vec!["Item".to_string(), "Title".to_string(), "Citation".to_string()];
    if with_text {
        headers.push("Text (paraphrase)".into());
    }
    let rows = items
        .iter()
        .map(|i| {
            let mut row = vec![i.id.clone(), i.title.clone(), i.citation()];
            if with_text {
                row.push(i.text.clone());
            }
            row
        })
        .collect();
    let numeric = vec![false; headers.len()];
    blocks.push(Block::Table { headers, rows, numeric, records: Vec::new() });
    if with_text {
        blocks.extend(sources::text_notices(&items).into_iter().map(Block::Para));
    } else {
        blocks.push(Block::Para(
            "The catalog's texts are left out; the option --with-catalog-text includes them with their terms of reuse."
                .into(),
        ));
    }
    Section { title: SECTION_TITLE.into(), blocks }
}

/// The `catalog` sheet of a CSV or XLSX export: the items the other sheets refer to (by their `catalog_ref`
/// column), cited, with the publisher and terms of each; the text only when asked.
pub fn sheet(sheets: &[Sheet], with_text: bool) -> Sheet {
    let refs: Vec<String> = sheets
        .iter()
        .flat_map(|s| {
            let col = s.headers.iter().position(|h| h == "catalog_ref");
            s.rows.iter().filter_map(move |r| col.and_then(|c| r.get(c)).map(Value::to_string))
        })
        .collect();
    let items = sources::cited(refs.iter().map(String::as_str));
    let mut headers: Vec<String> =
        ["id", "source", "citation", "title", "publisher", "terms"].iter().map(|h| (*h).to_string()).collect();
    if with_text {
        headers.push("text".into());
    }
    let rows = items
        .iter()
        .map(|i| {
            let d = sources::document(i.source);
            let mut row = vec![
                Value::text(&i.id),
                Value::text(d.source),
                Value::text(i.citation()),
                Value::text(&i.title),
                Value::text(format!("{}, {} {}", d.title, d.publisher, d.year)),
                Value::text(if with_text { d.catalog_licence } else { d.rights }),
            ];
            if with_text {
                row.push(Value::text(&i.text));
            }
            row
        })
        .collect();
    Sheet { name: "catalog", headers, rows }
}
