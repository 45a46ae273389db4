//! The lookup's thesaurus (`assets/catalog/thesaurus.toml`): families of words that mean the same thing to
//! assessors, lawyers, auditors and procurement people, used to widen a query.

use std::sync::OnceLock;

use serde::Deserialize;

/// The thesaurus as shipped, embedded at build time.
pub const SOURCE: &str = include_str!("../../assets/catalog/thesaurus.toml");

/// One family of synonyms.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    /// What the family is about (for review; never matched).
    pub name: String,
    /// The members, each one or more words, lower case.
    pub words: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    family: Vec<Family>,
}

/// Parses a thesaurus; the error says where it is wrong.
pub fn parse(text: &str) -> Result<Vec<Family>, String> {
    let file: File = toml::from_str(text).map_err(|e| format!("thesaurus.toml: {e}"))?;
    for f in &file.family {
        if f.words.len() < 2 {
            return Err(format!("thesaurus.toml: family \"{}\" needs at least two words", f.name));
        }
        if let Some(w) = f.words.iter().find(|w| w.trim().is_empty() || w.to_lowercase() != **w) {
            return Err(format!("thesaurus.toml: family \"{}\": \"{w}\" must be non-empty lower case", f.name));
        }
    }
    Ok(file.family)
}

/// The embedded thesaurus, parsed once. Its validity is proven by the test suite; a broken build would search
/// without synonyms rather than crash.
pub fn families() -> &'static [Family] {
    static FAMILIES: OnceLock<Vec<Family>> = OnceLock::new();
    FAMILIES.get_or_init(|| parse(SOURCE).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_thesaurus_parses_and_every_family_is_real() {
        let fams = parse(SOURCE).expect("thesaurus parses");
        assert!(fams.len() >= 40, "{} families", fams.len());
        let mut seen = std::collections::HashSet::new();
        for f in &fams {
            assert!(!f.name.is_empty());
            // A family is more than one way of writing one word: at least two members differ in more than
            // spelling (spaces, hyphens, plural).
            let forms: std::collections::HashSet<String> =
                f.words.iter().map(|w| w.replace(['-', ' ', '/'], "").trim_end_matches('s').to_string()).collect();
            assert!(forms.len() >= 2, "family \"{}\" only spells one word several ways", f.name);
            for w in &f.words {
                assert!(seen.insert((f.name.clone(), w.clone())), "{w} twice in \"{}\"", f.name);
            }
        }
    }

    #[test]
    fn bad_thesauri_are_refused_with_the_place() {
        assert!(parse("[[family]]\nname = \"x\"\nwords = [\"one\"]\n").expect_err("one word").contains("\"x\""));
        assert!(parse("[[family]]\nname = \"x\"\nwords = [\"One\", \"two\"]\n").is_err());
        assert!(parse("[[family]]\nname = \"x\"\n").expect_err("no words").contains("thesaurus.toml"));
    }
}
