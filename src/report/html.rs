//! The report as one self-contained HTML page: escaping, the one stylesheet, and the page itself.

use super::model::{Block, Report};

pub use super::escape::esc;

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
figure.chart { display: inline-block; margin: .5rem 1.5rem 1rem 0; vertical-align: top; }
figure.chart figcaption { font-size: .9rem; color: #333; max-width: 20rem; }
figure.chart.bars { display: block; }
figure.chart svg { max-width: 100%; height: auto; }
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
  .band-L, .band-M, .band-H, .band-C, th, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  figure.chart { page-break-inside: avoid; break-inside: avoid; }
}
"#;

/// The report as one self-contained HTML page.
pub fn html(r: &Report) -> String {
    let mut o = String::with_capacity(128 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(&format!("<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n", esc(&r.title)));
    o.push_str(&format!("<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n</header>\n", esc(&r.title), esc(&r.meta)));
    for (n, sec) in r.sections.iter().enumerate() {
        o.push_str(&format!("<section>\n<h2>{}. {}</h2>\n", n + 1, esc(&sec.title)));
        for b in &sec.blocks {
            match b {
                Block::Para(t) => o.push_str(&format!("<p>{}</p>\n", esc(t))),
                Block::Verdict(t) => o.push_str(&format!("<p class=\"verdict\">Verdict: {}</p>\n", esc(t))),
                Block::Heading(t) => o.push_str(&format!("<h3>{}</h3>\n", esc(t))),
                Block::Empty(t) => o.push_str(&format!("<p class=\"empty\">{}</p>\n", esc(t))),
                Block::Facts(kv) => {
                    o.push_str("<dl class=\"facts\">\n");
                    for (k, v) in kv {
                        o.push_str(&format!("<dt>{}</dt><dd>{}</dd>\n", esc(k), esc(v)));
                    }
                    o.push_str("</dl>\n");
                }
                Block::Table { headers, rows, numeric, .. } => {
                    o.push_str("<table>\n<thead><tr>");
                    for (h, num) in headers.iter().zip(numeric) {
                        o.push_str(&format!("<th{}>{}</th>", if *num { " class=\"num\"" } else { "" }, esc(h)));
                    }
                    o.push_str("</tr></thead>\n<tbody>\n");
                    for row in rows {
                        o.push_str("<tr>");
                        for (c, num) in row.iter().zip(numeric) {
                            o.push_str(&format!("<td{}>{}</td>", if *num { " class=\"num\"" } else { "" }, esc(c)));
                        }
                        o.push_str("</tr>\n");
                    }
                    o.push_str("</tbody>\n</table>\n");
                }
                Block::Heat { caption, cells, outside } => {
                    let caption = format!("{caption} · outside the map (no impact rated): {outside}");
                    o.push_str(&super::charts::heat(cells, &caption));
                }
                Block::Bars { measure, max, rows } => o.push_str(&super::charts::bars(rows, *max, measure)),
            }
        }
        o.push_str("</section>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}
