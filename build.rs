//! Converts the catalog's TOML files into one JSON document, and the default key table into another, at build
//! time. Every start of assay needs both before its first frame, and parsing JSON takes a fraction of the time TOML
//! does; the TOML files stay the source of truth (the tests parse them directly and check that both give the same
//! catalog and the same key table).

use std::path::Path;

/// In document order, as `catalog::SOURCES` lists them.
const FILES: &[&str] = &["policy.toml", "glossary.toml", "pre.toml", "during.toml", "post.toml", "risks.toml"];

fn main() {
    let dir = Path::new("assets/catalog");
    let mut items = Vec::new();
    for name in FILES {
        let path = dir.join(name);
        println!("cargo::rerun-if-changed={}", path.display());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let file: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        match file.get("item") {
            Some(toml::Value::Array(list)) => items.extend(list.iter().cloned()),
            _ => panic!("{}: no [[item]] entries", path.display()),
        }
    }
    let json = serde_json::to_string(&serde_json::json!({ "item": items })).expect("the catalog converts to JSON");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("catalog.json");
    std::fs::write(&out, json).unwrap_or_else(|e| panic!("{}: {e}", out.display()));

    let keymap = Path::new("assets/keymap.toml");
    println!("cargo::rerun-if-changed={}", keymap.display());
    let text = std::fs::read_to_string(keymap).unwrap_or_else(|e| panic!("{}: {e}", keymap.display()));
    let table: toml::Table = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", keymap.display()));
    let json = serde_json::to_string(&table).expect("the key table converts to JSON");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("keymap.json");
    std::fs::write(&out, json).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
