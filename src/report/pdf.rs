//! The report and the asset tracking form as PDF, laid out here and written by krilla: A4 pages with a running
//! header and footer carrying the classification and the page number, a table of contents with page numbers,
//! tables that break across pages with their header row repeated, and the heat maps and bar charts drawn.
//!
//! Layout happens first, into pages of drawing operations ([`Op`]); the pages are then drawn once their number is
//! known ("Page 3 of 12", and the contents' page numbers). Text is placed from the fonts' own glyph widths, word by
//! word; a word wider than its column is broken only when nothing else fits.
//!
//! Fonts: Libertinus Serif, bundled (Latin, Latin Extended, Greek, Cyrillic). A character it lacks is drawn with
//! the first font of the system's that has it (the system's fonts are listed once per process, the first time a
//! text needs them); a character no font has is drawn as the font's empty box and named in [`Pdf::missing`], so
//! that the caller says so.

use std::path::PathBuf;

use color_eyre::eyre::{Result, eyre};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::TextDirection;

#[path = "pdf_fonts.rs"]
mod fonts;
#[path = "pdf_layout.rs"]
mod layout;

use super::assets::AssetForm;
use super::model::Report;
use fonts::{Fonts, Style, clean};
use layout::{Op, Pages, form_pages, report_pages};

/// A document laid out and written: the PDF's bytes, its number of pages, and the characters no font could draw.
#[derive(Debug, Clone)]
pub struct Pdf {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Characters of the text that no bundled or system font has a glyph for (drawn as empty boxes), each once.
    pub missing: Vec<char>,
}

impl Pdf {
    /// The warning to show when some characters have no glyph in any font: the characters and their code points.
    pub fn warning(&self) -> Option<String> {
        if self.missing.is_empty() {
            return None;
        }
        let named: Vec<String> = self
            .missing
            .iter()
            .map(|c| format!("{} (U+{:04X})", crate::visible::visible(&c.to_string()), *c as u32))
            .collect();
        let one = named.len() == 1;
        Some(format!(
            "no font has a glyph for {}: {} — drawn as empty boxes in the PDF; install a font that has {} to print {}",
            if one { "1 character".to_string() } else { format!("{} characters", named.len()) },
            named.join(", "),
            if one { "it" } else { "them" },
            if one { "it" } else { "them" },
        ))
    }
}

/// The marking of the asset tracking form, which names people and what they hold.
pub const FORM_MARKING: &str = "Confidential";

const MM: f32 = 72.0 / 25.4;
const A4: (f32, f32) = (210.0 * MM, 297.0 * MM);

/// The report as a PDF.
pub fn report(r: &Report) -> Result<Pdf> {
    let mut fonts = Fonts::new();
    let pages = report_pages(r, &mut fonts);
    draw(&pages, &mut fonts, &r.title)
}

/// The report's pages as plain text, one line per line of text, pages separated by form feeds: what a text
/// extractor reads from the PDF.
pub fn report_text(r: &Report) -> String {
    let mut fonts = Fonts::new();
    report_pages(r, &mut fonts).text()
}

/// The asset tracking form as a PDF.
pub fn asset_form(form: &AssetForm) -> Result<Pdf> {
    let mut fonts = Fonts::new();
    let pages = form_pages(form, &mut fonts);
    draw(&pages, &mut fonts, &pages.running)
}

/// What the workbench's report key writes: the Markdown, HTML and PDF reports of an engagement, into `dir`.
pub struct Written {
    pub paths: Vec<PathBuf>,
    /// The PDF's number of pages.
    pub pages: usize,
    /// What to say about characters no font could draw ([`Pdf::warning`]).
    pub warning: Option<String>,
}

/// Writes the Markdown, HTML and PDF reports of an engagement into `dir`, in steps: before each, `step` is told how
/// far the work has come (a fraction and a word) and answers whether to go on. Stopped, it returns `None` having
/// written nothing: the files are written only after the last step, each in full or not at all.
pub fn write_all_steps(
    conn: &rusqlite::Connection,
    e: &crate::domain::Engagement,
    dir: &std::path::Path,
    today: chrono::NaiveDate,
    assessor: &str,
    step: &mut dyn FnMut(f32, &str) -> bool,
) -> Result<Option<Written>> {
    if !step(0.05, "Reading the workspace") {
        return Ok(None);
    }
    let r = super::build(conn, e, today, assessor, false)?;
    if !step(0.4, "Writing report") {
        return Ok(None);
    }
    let md_text = super::markdown(&r);
    let html_text = super::html(&r);
    if !step(0.6, "Laying out the PDF") {
        return Ok(None);
    }
    let pdf = report(&r)?;
    if !step(0.95, "Writing report") {
        return Ok(None);
    }
    crate::private_fs::folder(dir).map_err(|err| eyre!(err))?;
    let stem = format!("{}-report-{today}", super::slug(&e.name));
    let paths = vec![dir.join(format!("{stem}.md")), dir.join(format!("{stem}.html")), dir.join(format!("{stem}.pdf"))];
    for (path, bytes) in paths.iter().zip([md_text.as_bytes(), html_text.as_bytes(), &pdf.bytes]) {
        crate::private_fs::write(path, bytes).map_err(|err| eyre!(err))?;
    }
    step(1.0, "Report written");
    Ok(Some(Written { paths, pages: pdf.pages, warning: pdf.warning() }))
}

/// Draws the pages laid out, with their header and footer, into a PDF.
fn draw(p: &Pages, fonts: &mut Fonts, title: &str) -> Result<Pdf> {
    let mut doc = Document::new();
    doc.set_metadata(krilla::metadata::Metadata::new().title(clean(title)).creator("assay".to_string()));
    let total = p.pages.len();
    let (w, h) = p.size;
    let (top, right, bottom, left) = p.margin;
    for (n, ops) in p.pages.iter().enumerate() {
        let settings = PageSettings::from_wh(w, h).ok_or_else(|| eyre!("the page size is not valid"))?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        let run = |s: &mut krilla::surface::Surface<'_>,
                   fonts: &mut Fonts,
                   x: f32,
                   y: f32,
                   size: f32,
                   style: Style,
                   t: &str,
                   grey: u8| { text(s, fonts, x, y, size, style, t, grey) };
        // The running header and footer: the document's name and its marking; the marking and the page number.
        let mark_w = fonts.width(&p.marking, Style::Bold, 8.0);
        let room = w - left - right - mark_w - 12.0;
        let running = fit(fonts, &p.running, 8.0, room);
        run(&mut s, fonts, left, top - 12.0, 8.0, Style::Regular, &running, 60);
        run(&mut s, fonts, w - right - mark_w, top - 12.0, 8.0, Style::Bold, &p.marking, 0);
        line(&mut s, left, top - 8.0, w - right, top - 8.0, 0.4);
        line(&mut s, left, h - bottom + 8.0, w - right, h - bottom + 8.0, 0.4);
        run(&mut s, fonts, left, h - bottom + 19.0, 8.0, Style::Bold, &p.marking, 0);
        let number = format!("Page {} of {total}", n + 1);
        let nw = fonts.width(&number, Style::Regular, 8.0);
        run(&mut s, fonts, w - right - nw, h - bottom + 19.0, 8.0, Style::Regular, &number, 0);
        for op in ops {
            match op {
                Op::Text { x, y, size, style, text: t, grey } => run(&mut s, fonts, *x, *y, *size, *style, t, *grey),
                Op::PageOf { x, y, size, entry } => {
                    let t = p.entries.get(*entry).map_or(String::new(), |pg| (pg + 1).to_string());
                    let tw = fonts.width(&t, Style::Regular, *size);
                    run(&mut s, fonts, x - tw, *y, *size, Style::Regular, &t, 0);
                }
                Op::Rect { x, y, w, h, fill, stroke } => {
                    let Some(rect) = Rect::from_xywh(*x, *y, w.max(0.01), h.max(0.01)) else { continue };
                    let mut pb = PathBuilder::new();
                    pb.push_rect(rect);
                    let Some(path) = pb.finish() else { continue };
                    s.set_fill(fill.map(|(r, g, b)| Fill {
                        paint: krilla::color::rgb::Color::new(r, g, b).into(),
                        ..Fill::default()
                    }));
                    s.set_stroke(stroke.map(|width| Stroke {
                        paint: krilla::color::luma::Color::new(90).into(),
                        width,
                        ..Stroke::default()
                    }));
                    s.draw_path(&path);
                }
            }
        }
        s.finish();
        page.finish();
    }
    if !p.outline.is_empty() {
        let mut outline = krilla::outline::Outline::new();
        for (title, page, top) in &p.outline {
            let to = krilla::destination::XyzDestination::new(*page, Point::from_xy(0.0, *top));
            outline.push_child(krilla::outline::OutlineNode::new(title.clone(), to));
        }
        doc.set_outline(outline);
    }
    let bytes = doc.finish().map_err(|err| eyre!("the PDF could not be written: {err:?}"))?;
    Ok(Pdf { bytes, pages: total, missing: fonts.missing.iter().copied().collect() })
}

/// `s` cut to fit `width`, with an ellipsis when cut.
fn fit(fonts: &mut Fonts, s: &str, size: f32, width: f32) -> String {
    if fonts.width(s, Style::Regular, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = fonts.width("…", Style::Regular, size);
    for c in s.chars() {
        used += fonts.pick(Style::Regular, c).1 * size;
        if used > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn line(s: &mut krilla::surface::Surface<'_>, x1: f32, y1: f32, x2: f32, y2: f32, width: f32) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke { paint: krilla::color::luma::Color::new(0).into(), width, ..Stroke::default() }));
        s.draw_path(&path);
    }
}

/// Draws one line of text, each run of characters in the face that has them.
#[allow(clippy::too_many_arguments)]
fn text(
    s: &mut krilla::surface::Surface<'_>,
    fonts: &mut Fonts,
    x: f32,
    y: f32,
    size: f32,
    style: Style,
    t: &str,
    grey: u8,
) {
    s.set_stroke(None);
    s.set_fill(Some(Fill { paint: krilla::color::luma::Color::new(grey).into(), ..Fill::default() }));
    let mut x = x;
    let mut run = String::new();
    let mut run_face = None;
    let mut run_w = 0.0;
    let flush = |s: &mut krilla::surface::Surface<'_>,
                 fonts: &Fonts,
                 face: Option<usize>,
                 run: &mut String,
                 x: &mut f32,
                 w: &mut f32| {
        if let Some(face) = face.and_then(|i| fonts.faces.get(i))
            && !run.trim().is_empty()
        {
            s.draw_text(Point::from_xy(*x, y), face.font.clone(), size, run, false, TextDirection::Auto);
        }
        *x += *w;
        *w = 0.0;
        run.clear();
    };
    for c in t.chars() {
        let (face, advance) = fonts.pick(style, c);
        if run_face != Some(face) && !run.is_empty() {
            flush(s, fonts, run_face, &mut run, &mut x, &mut run_w);
        }
        run_face = Some(face);
        run.push(c);
        run_w += advance * size;
    }
    flush(s, fonts, run_face, &mut run, &mut x, &mut run_w);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_and_bidirectional_characters_are_dropped() {
        assert_eq!(clean("x\ny\tz\r\u{1b}[2J\u{202e}gpj"), "x\ny z[2Jgpj");
    }

    #[test]
    fn a_word_wider_than_the_line_is_broken_and_others_are_kept_whole() {
        let mut fonts = Fonts::new();
        let lines =
            fonts.wrap("a short line then Pneumonoultramicroscopicsilicovolcanoconiosis", Style::Regular, 10.0, 80.0);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines.iter().all(|l| fonts.width(l, Style::Regular, 10.0) <= 80.0 + 0.01), "{lines:?}");
        assert_eq!(lines.concat().replace(' ', ""), "ashortlinethenPneumonoultramicroscopicsilicovolcanoconiosis");
    }

    #[test]
    fn latin_extended_is_bundled_and_joiners_are_not_missing() {
        let mut fonts = Fonts::new();
        fonts.width("Zoë Łukasz Søren Kjær TÜV SÜD Aïn Chloé\u{200d}\u{fe0f}\u{00ad}", Style::Bold, 10.0);
        assert!(fonts.missing.is_empty(), "{:?}", fonts.missing);
        assert_eq!(fonts.faces.len(), 3, "no system font was needed");
    }

    /// The asset form's rows are at least 15 mm high, so that the signature and date cells can be signed, and the
    /// signature columns keep their set width; across pages the header row comes again.
    #[test]
    fn rows_can_be_given_room_to_sign_and_set_widths() {
        let mut fonts = Fonts::new();
        let mut l =
            layout::Layout::new(&mut fonts, (A4.1, A4.0), (18.0 * MM, 10.0 * MM, 16.0 * MM, 10.0 * MM), "C", "F");
        let headers: Vec<String> =
            ["Tag", "Holder", "Hand-over signature & date"].iter().map(|h| h.to_string()).collect();
        let rows: Vec<Vec<String>> = (0..30).map(|i| vec![format!("AST-{i}"), "Nurul".into(), String::new()]).collect();
        let fixed = [None, None, Some(27.0 * MM)];
        l.table(&layout::Table {
            headers: &headers,
            rows: &rows,
            numeric: &[false; 3],
            fixed: &fixed,
            min_row: Some(15.0 * MM),
            size: 7.5,
        });
        let pages = l.pages;
        assert!(pages.pages.len() >= 2, "30 rows of 15 mm take more than a landscape page");
        let mut body_rows = 0;
        for ops in &pages.pages {
            let mut header = false;
            for op in ops {
                if let Op::Rect { w, h, fill, .. } = op {
                    if fill.is_some() {
                        header = true;
                    } else {
                        assert!(*h >= 15.0 * MM - 0.01, "a row is {h} pt high");
                        if (*w - 27.0 * MM).abs() < 0.01 {
                            body_rows += 1;
                        }
                    }
                }
            }
            assert!(header, "every page has the header row");
        }
        assert_eq!(body_rows, 30, "each row has its signature cell at the set width");
    }
}
