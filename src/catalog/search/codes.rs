//! Codes in a query: item ids, sections (also by the numbers the guideline misprints), a section with its list
//! item, and ISO/IEC 27001 Annex A controls. They are matched exactly and pin the items they name.

use super::analysis::tokens;
use super::{How, Match};
use crate::catalog::{Source, catalog};

/// The guideline's headings printed with a wrong number: (as printed, the section they belong to). A reader
/// typing the number in their copy finds the right items.
pub const PRINTED_HEADINGS: &[(&str, &str)] = &[("6.6.1", "6.1.1"), ("6.2.2", "6.3.2")];

/// Says that these section matches came through a misprinted heading.
fn mark_printed(pins: &mut [(usize, f32, Match)], printed: &str) {
    for (_, _, m) in pins {
        m.found = format!("{} (printed {printed})", m.found);
    }
}

/// Pins from codes in the query: (catalog index, bonus, why).
pub(super) fn codes(query: &str) -> (Vec<(usize, f32, Match)>, String) {
    let items = &catalog().items;
    let lower = query.to_lowercase();
    let only: Option<Source> = if tokens(&lower).iter().any(|(_, _, w)| w == "policy") {
        Some(Source::Policy)
    } else if tokens(&lower).iter().any(|(_, _, w)| w == "guideline") {
        Some(Source::Guideline)
    } else {
        None
    };
    let chunks: Vec<String> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == '(' || c == ')')
        .map(|c| c.trim_matches(|c: char| !c.is_alphanumeric()).trim_start_matches('§').to_string())
        .collect();
    let is_number = |s: &str| {
        !s.is_empty() && s.contains('.') && s.split('.').all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
    };
    let is_label = |s: &str| {
        let mut parts = s.split('.');
        let first = parts.next().unwrap_or("");
        let ok_first = (first.len() == 1 && first.chars().all(|c| c.is_ascii_lowercase()))
            || (!first.is_empty() && first.len() <= 2 && first.chars().all(|c| c.is_ascii_digit()));
        ok_first && parts.all(|p| !p.is_empty() && p.len() <= 2 && p.chars().all(|c| c.is_ascii_alphanumeric()))
    };
    let mut pins = Vec::new();
    let mut rest = Vec::new();
    let mut skip = false;
    for (k, c) in chunks.iter().enumerate() {
        if skip {
            skip = false;
            continue;
        }
        let before = pins.len();
        let sections = |src: Option<Source>, sec: &str, shown: &str, pins: &mut Vec<(usize, f32, Match)>| {
            for (i, it) in items.iter().enumerate() {
                if src.is_some_and(|s| s != it.source) {
                    continue;
                }
                let m = |bonus: f32| {
                    (i, bonus, Match { query: shown.to_string(), found: format!("§{}", it.section), how: How::Section })
                };
                if it.section == sec {
                    pins.push(m(250.0));
                } else if it.section.starts_with(sec) && it.section[sec.len()..].starts_with('.') {
                    pins.push(m(200.0));
                }
            }
        };
        // An id or a section with its document's letter: P-5.3.7-b.5, G-5.5.1, G-A.KR-7.
        if let Some((src, body)) = c
            .strip_prefix("p-")
            .map(|b| (Source::Policy, b))
            .or_else(|| c.strip_prefix("g-").map(|b| (Source::Guideline, b)))
        {
            if let Some(i) = items.iter().position(|it| it.id.to_lowercase() == *c) {
                pins.push((i, 300.0, Match { query: c.clone(), found: items[i].id.clone(), how: How::Id }));
            }
            for (i, it) in items.iter().enumerate() {
                let id = it.id.to_lowercase();
                if id.len() > c.len() && id.starts_with(c.as_str()) && matches!(id.as_bytes()[c.len()], b'.' | b'-') {
                    pins.push((i, 200.0, Match { query: c.clone(), found: it.id.clone(), how: How::Id }));
                }
            }
            let sec =
                if body.starts_with(|c: char| c.is_ascii_digit()) { body.to_string() } else { body.to_uppercase() };
            sections(Some(src), &sec, c, &mut pins);
            if src == Source::Guideline {
                for (printed, real) in PRINTED_HEADINGS {
                    if body == *printed {
                        let from = pins.len();
                        sections(Some(src), real, c, &mut pins);
                        mark_printed(&mut pins[from..], printed);
                    }
                }
            }
        } else if let Some(ctl) = c.strip_prefix("a.").or_else(|| c.strip_prefix('a')).filter(|s| is_number(s)) {
            // An Annex A control: A.5.2 is 5.2 and nothing else.
            for (i, it) in items.iter().enumerate() {
                if it.annex_a.iter().any(|a| a == ctl) {
                    pins.push((i, 220.0, Match { query: c.clone(), found: ctl.to_string(), how: How::Control }));
                }
            }
        } else if is_number(c) {
            // A section and list item: 5.3.7 b.5.
            if let Some(label) = chunks.get(k + 1).filter(|l| is_label(l)) {
                for (i, it) in items.iter().enumerate() {
                    if only.is_none_or(|s| s == it.source) && it.section == *c && it.item.to_lowercase() == *label {
                        pins.push((
                            i,
                            300.0,
                            Match { query: format!("{c} {label}"), found: it.id.clone(), how: How::Id },
                        ));
                    }
                }
                if pins.len() > before {
                    skip = true;
                    continue;
                }
            }
            sections(only, c, c, &mut pins);
            if only != Some(Source::Policy) {
                for (printed, real) in PRINTED_HEADINGS {
                    if c == printed {
                        let from = pins.len();
                        sections(Some(Source::Guideline), real, c, &mut pins);
                        mark_printed(&mut pins[from..], printed);
                    }
                }
            }
            if c.matches('.').count() == 1 {
                for (i, it) in items.iter().enumerate() {
                    if it.annex_a.iter().any(|a| a == c) {
                        pins.push((i, 220.0, Match { query: c.clone(), found: c.clone(), how: How::Control }));
                    }
                }
            }
        }
        if pins.len() == before {
            rest.push(c.clone());
        }
    }
    (pins, rest.join(" "))
}
