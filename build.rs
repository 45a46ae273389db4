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
        match read_toml(&path).get("item") {
            Some(toml::Value::Array(list)) => items.extend(list.iter().cloned()),
            _ => panic!("{}: no [[item]] entries", path.display()),
        }
    }
    write_json("catalog.json", &serde_json::json!({ "item": items }));
    let keymap = read_toml(Path::new("assets/keymap.toml"));
    write_json("keymap.json", &serde_json::to_value(keymap).expect("the key table converts to JSON"));
    lean_openssl();
}

/// Builds `src/native/crypto_init.c` (OpenSSL set up without its error texts and legacy name table, before
/// `main`: see that file) against the headers of the OpenSSL SQLCipher is built with, and links it whole into every
/// program of the crate: nothing calls it, so it would otherwise be left out of the link.
fn lean_openssl() {
    let source = "src/native/crypto_init.c";
    println!("cargo::rerun-if-changed={source}");
    let include = std::env::var("DEP_OPENSSL_INCLUDE").expect("openssl-sys gives its headers' folder");
    cc::Build::new().file(source).include(include).link_lib_modifier("+whole-archive").compile("assay_native");
}

/// A TOML file of the source tree, which the build then follows.
fn read_toml(path: &Path) -> toml::Table {
    println!("cargo::rerun-if-changed={}", path.display());
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Writes `value` as JSON into the build's output folder, where `include_str!` takes it.
fn write_json(name: &str, value: &serde_json::Value) {
    let json = value.to_string();
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(name);
    std::fs::write(&out, json).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
