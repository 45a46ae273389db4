//! The report as one self-contained HTML page: escaping, the one stylesheet, and the page itself.

use super::model::{Block, FIRST_APPENDIX, Report, SIGNATURE_HEADER, TO_WRITE};

pub use super::escape::esc;

/// The report's stylesheet: plain and readable in black and white (bands always carry their letter; colour only
/// adds). Printed, it makes A4 pages with the classification at the top and bottom of each and the page number
/// ("Page 3 of 9") at the bottom, table headers repeated on each page, rows and facts kept whole, and a page break
/// only after the cover and before the appendices. The marking itself is added by [`html`] as `@page` margin boxes.
pub const CSS: &str = r#"
:root { color-scheme: light; }
body { font-family: "Segoe UI", Helvetica, Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; color: #111;
       max-width: 60rem; margin: 1.5rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin: .4rem 0 .2rem; }
h2 { font-size: 1.25rem; border-bottom: 2px solid #333; padding-bottom: .15rem; margin-top: 1.6rem; }
h3 { font-size: 1.02rem; margin: 1rem 0 .3rem; }
p.meta { color: #444; margin-top: 0; }
p.mark { text-align: center; font-weight: 700; letter-spacing: .08em; text-transform: uppercase; margin: .2rem 0; }
p.verdict { border: 2px solid #333; padding: .5rem .75rem; font-weight: 600; }
nav.toc ol, nav.toc ul { columns: 2; margin: .2rem 0 0; }
nav.toc h2 { border: none; margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; }
th, td { border: 1px solid #888; padding: .15rem .35rem; text-align: left; vertical-align: top; }
th { background: #e6e6e6; }
td.num, th.num { text-align: right; }
table.signoff td { height: 12mm; }
table.signoff td:first-child { width: 36%; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .8rem; margin: .2rem 0 .6rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.todo { color: #7a3b00; font-style: italic; }
p.todo { border: 1px dashed #7a3b00; padding: .2rem .5rem; }
figure.chart { display: inline-block; margin: .4rem 1.2rem .6rem 0; vertical-align: top; }
figure.chart figcaption { font-size: .9rem; color: #333; max-width: 20rem; }
figure.chart.bars { display: block; }
figure.chart svg { max-width: 100%; height: auto; }
.band-L { background: #dff0d8; }
.band-M { background: #fcf8d0; }
.band-H { background: #fbd9b5; }
.band-C { background: #f4b6b6; }
.empty { color: #555; font-style: italic; }
@media print {
  body { max-width: none; margin: 0; padding: 0; font-size: 8.5pt; line-height: 1.3; }
  h2 { margin-top: .9rem; }
  h3 { margin: .6rem 0 .15rem; }
  th, td { padding: 1px 4px; line-height: 1.2; }
  dl.facts { line-height: 1.25; margin-bottom: .4rem; }
  figure.chart figcaption { font-size: 8pt; }
  section.appendix.first { page-break-before: always; break-before: page; }
  thead { display: table-header-group; }
  tr, dl.facts, figure.chart { page-break-inside: avoid; break-inside: avoid; }
  h2, h3 { page-break-after: avoid; break-after: avoid; }
  .band-L, .band-M, .band-H, .band-C, th, svg { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  p.mark.end { display: none; }
}
"#;

/// The `@page` rule: A4, with the classification in the middle of every page's top and bottom margins and the page
/// number at the bottom right. `marking` is one of the fixed classification labels, never user text.
fn page_rule(marking: &str) -> String {
    let marking: String = marking.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    format!(
        "@page {{ size: A4; margin: 16mm 14mm;\n  \
         @top-center {{ content: \"{marking}\"; font: 700 8pt Helvetica, Arial, sans-serif; letter-spacing: .08em; }}\n  \
         @bottom-center {{ content: \"{marking}\"; font: 700 8pt Helvetica, Arial, sans-serif; letter-spacing: .08em; }}\n  \
         @bottom-right {{ content: \"Page \" counter(page) \" of \" counter(pages); font: 8pt Helvetica, Arial, sans-serif; }}\n}}\n"
    )
}

/// The report as one self-contained HTML page: a cover (the classification, the title, what identifies it and the
/// contents), the sections numbered, then the appendices.
pub fn html(r: &Report) -> String {
    let mut o = String::with_capacity(128 * 1024);
    o.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    o.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    o.push_str(&format!(
        "<title>{}</title>\n<style>{CSS}{}</style>\n</head>\n<body>\n",
        esc(&r.title),
        page_rule(&r.classification)
    ));
    let first_appendix = r.sections.iter().position(|s| s.title == FIRST_APPENDIX).unwrap_or(r.sections.len());
    let heading = |n: usize, title: &str| {
        if n < first_appendix { format!("{}. {}", n + 1, esc(title)) } else { esc(title) }
    };
    o.push_str(&format!(
        "<header class=\"cover\">\n<p class=\"mark\">{}</p>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        esc(&r.classification),
        esc(&r.title),
        esc(&r.meta)
    ));
    o.push_str("<nav class=\"toc\">\n<h2>Contents</h2>\n<ol>\n");
    for (n, sec) in r.sections.iter().enumerate() {
        if n == first_appendix {
            o.push_str("</ol>\n<ul>\n");
        }
        o.push_str(&format!("<li>{}</li>\n", esc(&sec.title)));
    }
    o.push_str(if first_appendix < r.sections.len() { "</ul>\n" } else { "</ol>\n" });
    o.push_str("</nav>\n</header>\n");
    for (n, sec) in r.sections.iter().enumerate() {
        let class = match n.cmp(&first_appendix) {
            std::cmp::Ordering::Less => "",
            std::cmp::Ordering::Equal => " class=\"appendix first\"",
            std::cmp::Ordering::Greater => " class=\"appendix\"",
        };
        o.push_str(&format!("<section{class}>\n<h2>{}</h2>\n", heading(n, &sec.title)));
        for b in &sec.blocks {
            match b {
                Block::Para(t) => o.push_str(&format!("<p>{}</p>\n", esc(t))),
                Block::Verdict(t) => o.push_str(&format!("<p class=\"verdict\">Verdict: {}</p>\n", esc(t))),
                Block::Heading(t) => o.push_str(&format!("<h3>{}</h3>\n", esc(t))),
                Block::Empty(t) if t.starts_with(TO_WRITE) => {
                    o.push_str(&format!("<p class=\"empty todo\">{}</p>\n", esc(t)))
                }
                Block::Empty(t) => o.push_str(&format!("<p class=\"empty\">{}</p>\n", esc(t))),
                Block::Facts(kv) => {
                    o.push_str("<dl class=\"facts\">\n");
                    for (k, v) in kv {
                        let todo = if v.starts_with(&format!("[{TO_WRITE}")) { " class=\"todo\"" } else { "" };
                        o.push_str(&format!("<dt>{}</dt><dd{todo}>{}</dd>\n", esc(k), esc(v)));
                    }
                    o.push_str("</dl>\n");
                }
                Block::Table { headers, rows, numeric, .. } => {
                    let signoff = headers.iter().any(|h| h == SIGNATURE_HEADER);
                    o.push_str(if signoff { "<table class=\"signoff\">\n<thead><tr>" } else { "<table>\n<thead><tr>" });
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
                    let caption = format!("{caption} · no impact rated: {outside}");
                    o.push_str(&super::charts::heat(cells, &caption));
                }
                Block::Bars { measure, max, rows } => o.push_str(&super::charts::bars(rows, *max, measure)),
            }
        }
        o.push_str("</section>\n");
    }
    o.push_str(&format!("<p class=\"mark end\">{}</p>\n", esc(&r.classification)));
    o.push_str("</body>\n</html>\n");
    o
}
