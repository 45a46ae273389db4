//! The report as Markdown, and the one escaper every Markdown output uses.

use super::model::{Block, Report};

/// Text as Markdown that reads as written: every character that could start markup is escaped, so a name such as
/// `![x](https://attacker.example/pixel)` stays text instead of becoming a link or an image that loads when the
/// report is previewed; `<` and `>` become entities (no raw HTML), and line breaks become spaces (a line of its
/// own could start a heading or a list).
pub fn md_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for (i, c) in s.chars().enumerate() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' | '\n' => out.push(' '),
            // `!` needs no escape once `[` has one; `#` makes a heading only at the start.
            '#' if i > 0 => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '~' | '|' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The report as Markdown.
pub fn markdown(r: &Report) -> String {
    let mut o = String::with_capacity(64 * 1024);
    o.push_str(&format!(
        "**{}**\n\n# {}\n\n_{}_\n",
        md_text(&r.classification.to_uppercase()),
        md_text(&r.title),
        md_text(&r.meta)
    ));
    // The report proper is numbered; the appendices, from the register on, are not.
    let first_appendix =
        r.sections.iter().position(|s| s.title == super::model::FIRST_APPENDIX).unwrap_or(r.sections.len());
    for (n, sec) in r.sections.iter().enumerate() {
        if n < first_appendix {
            o.push_str(&format!("\n## {}. {}\n", n + 1, sec.title));
        } else {
            o.push_str(&format!("\n## {}\n", sec.title));
        }
        for b in &sec.blocks {
            o.push('\n');
            match b {
                Block::Para(t) => o.push_str(&format!("{}\n", md_text(t))),
                Block::Verdict(t) => o.push_str(&format!("> **Verdict:** {}\n", md_text(t))),
                Block::Heading(t) => o.push_str(&format!("### {}\n", md_text(t))),
                Block::Empty(t) => o.push_str(&format!("_{}_\n", md_text(t))),
                Block::Facts(kv) => {
                    for (k, v) in kv {
                        o.push_str(&format!("- **{k}:** {}\n", md_text(v)));
                    }
                }
                Block::Table { headers, rows, numeric, .. } => {
                    o.push_str(&format!(
                        "| {} |\n",
                        headers.iter().map(|h| md_text(h)).collect::<Vec<_>>().join(" | ")
                    ));
                    o.push_str(&format!(
                        "|{}|\n",
                        numeric.iter().map(|n| if *n { "---:" } else { "---" }).collect::<Vec<_>>().join("|")
                    ));
                    for row in rows {
                        o.push_str("| ");
                        o.push_str(&row.iter().map(|c| md_text(c)).collect::<Vec<_>>().join(" | "));
                        o.push_str(" |\n");
                    }
                }
                // A chart as a list of its figures.
                Block::Bars { measure, rows, .. } => {
                    o.push_str(&format!("{}:\n\n", md_text(measure)));
                    for bar in rows {
                        let mark = bar.mark.as_deref().map(|m| format!(" — {}", md_text(m))).unwrap_or_default();
                        o.push_str(&format!("- {}: {}{mark}\n", md_text(&bar.label), md_text(&bar.shown)));
                    }
                }
                Block::Heat { caption, cells, outside } => {
                    o.push_str(&format!("### {}\n\n", md_text(caption)));
                    o.push_str("| Likelihood \\ Impact | 1 | 2 | 3 | 4 | 5 |\n|---|---|---|---|---|---|\n");
                    for l in (1..=5u8).rev() {
                        o.push_str(&format!("| **{l}** |"));
                        for i in 1..=5u8 {
                            let band = crate::domain::risk::cell_band(l, i);
                            o.push_str(&format!(
                                " {} {} |",
                                band.letter(),
                                cells[usize::from(l) - 1][usize::from(i) - 1]
                            ));
                        }
                        o.push('\n');
                    }
                    o.push_str(&format!("\nRisks with no impact rated (outside the map): {outside}\n"));
                }
            }
        }
    }
    o.push_str(&format!("\n**{}**\n", md_text(&r.classification.to_uppercase())));
    o
}
