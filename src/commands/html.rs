//! Helpers for the self-contained HTML the reports are written as: escaping and the one stylesheet.

/// Escapes text for HTML element content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The report's stylesheet: plain and readable in black and white (bands always carry their letter; colour only
/// adds), A4 pages when printed, a page break before each section and table headers repeated on each page.
pub const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #333; padding-bottom: .15rem; margin-top: 2rem; }
h3 { font-size: 1.05rem; margin-top: 1.2rem; }
p.meta { color: #444; margin-top: 0; }
p.verdict { border: 2px solid #333; padding: .5rem .75rem; font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
th, td { border: 1px solid #888; padding: .2rem .4rem; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num, th.num { text-align: right; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
table.heat { width: auto; }
table.heat td { text-align: center; min-width: 3.2rem; font-weight: 600; }
.band-L { background: #dff0d8; }
.band-M { background: #fcf8d0; }
.band-H { background: #fbd9b5; }
.band-C { background: #f4b6b6; }
.empty { color: #555; font-style: italic; }
@page { size: A4; margin: 15mm; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 9.5pt; }
  section { page-break-before: always; break-before: page; }
  section:first-of-type { page-break-before: avoid; break-before: avoid; }
  thead { display: table-header-group; }
  tr, dl.facts { page-break-inside: avoid; break-inside: avoid; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  .band-L, .band-M, .band-H, .band-C, th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
    }
}
