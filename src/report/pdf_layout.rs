//! The PDF's layout: blocks placed on pages as drawing operations, tables broken across pages with their header
//! row repeated, the charts drawn, and the contents' page numbers left to fill in once the pages are known.

use super::fonts::{Fonts, Style, clean};
use super::{A4, MM};
use crate::domain::risk::cell_band;
use crate::report::assets::{self, AssetForm};
use crate::report::model::{Block, Report};

pub(super) type Rgb = (u8, u8, u8);

/// One drawing operation, in points from the page's top left corner.
#[derive(Debug, Clone)]
pub(super) enum Op {
    /// Text on a baseline at `y`.
    Text {
        x: f32,
        y: f32,
        size: f32,
        style: Style,
        text: String,
        grey: u8,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Rgb>,
        stroke: Option<f32>,
    },
    /// The page number of a contents entry, right-aligned at `x`.
    PageOf {
        x: f32,
        y: f32,
        size: f32,
        entry: usize,
    },
}

/// Pages laid out, waiting for their header, footer and page numbers.
pub(super) struct Pages {
    pub(super) size: (f32, f32),
    pub(super) margin: (f32, f32, f32, f32),
    pub(super) marking: String,
    pub(super) running: String,
    pub(super) pages: Vec<Vec<Op>>,
    /// The page (from 0) each contents entry points to.
    pub(super) entries: Vec<usize>,
    /// The bookmarks of a PDF viewer's side panel: each section's title, page (from 0) and top.
    pub(super) outline: Vec<(String, usize, f32)>,
}

impl Pages {
    pub(super) fn text(&self) -> String {
        let total = self.pages.len();
        let mut out = Vec::new();
        for (n, ops) in self.pages.iter().enumerate() {
            let mut lines: Vec<(i64, f32, String)> = Vec::new();
            let mut push = |y: f32, x: f32, t: String| lines.push(((y * 10.0) as i64, x, t));
            push(0.0, 0.0, format!("{}  {}", self.running, self.marking));
            for op in ops {
                match op {
                    Op::Text { x, y, text, .. } => push(*y, *x, text.clone()),
                    Op::PageOf { x, y, entry, .. } => {
                        push(*y, *x, self.entries.get(*entry).map_or(String::new(), |p| (p + 1).to_string()))
                    }
                    Op::Rect { .. } => {}
                }
            }
            push(self.size.1 * 10.0, 0.0, format!("{}  Page {} of {total}", self.marking, n + 1));
            lines.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut page = String::new();
            let mut last = None;
            for (y, _, t) in lines {
                if last == Some(y) {
                    page.push(' ');
                } else if last.is_some() {
                    page.push('\n');
                }
                page.push_str(&t);
                last = Some(y);
            }
            out.push(page);
        }
        out.join("\n\u{c}")
    }
}

/// The layout cursor: where the next block goes, on which page.
pub(super) struct Layout<'f> {
    pub(super) fonts: &'f mut Fonts,
    pub(super) pages: Pages,
    pub(super) y: f32,
    /// Where a heat map placed beside the previous one would go: its top, and its left edge.
    pub(super) beside: Option<(f32, f32, f32)>,
}

pub(super) const LEADING: f32 = 1.3;

impl<'f> Layout<'f> {
    pub(super) fn new(
        fonts: &'f mut Fonts,
        size: (f32, f32),
        margin: (f32, f32, f32, f32),
        marking: &str,
        running: &str,
    ) -> Self {
        let pages = Pages {
            size,
            margin,
            marking: clean(marking),
            running: clean(running),
            pages: vec![Vec::new()],
            entries: Vec::new(),
            outline: Vec::new(),
        };
        Layout { fonts, y: margin.0, pages, beside: None }
    }

    pub(super) fn left(&self) -> f32 {
        self.pages.margin.3
    }
    pub(super) fn width(&self) -> f32 {
        self.pages.size.0 - self.pages.margin.1 - self.pages.margin.3
    }
    pub(super) fn bottom(&self) -> f32 {
        self.pages.size.1 - self.pages.margin.2
    }
    pub(super) fn body(&self) -> f32 {
        self.bottom() - self.pages.margin.0
    }

    pub(super) fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.pages.last_mut() {
            page.push(op);
        }
    }

    pub(super) fn new_page(&mut self) {
        self.pages.pages.push(Vec::new());
        self.y = self.pages.margin.0;
        self.beside = None;
    }

    /// Starts a new page unless `h` more points fit on this one.
    pub(super) fn ensure(&mut self, h: f32) {
        if self.y + h > self.bottom() && self.y > self.pages.margin.0 + 0.5 {
            self.new_page();
        }
    }

    pub(super) fn text(&mut self, x: f32, baseline: f32, size: f32, style: Style, text: &str) {
        self.push(Op::Text { x, y: baseline, size, style, text: text.to_string(), grey: 0 });
    }

    /// A paragraph: wrapped to the text width, breaking across pages between lines.
    pub(super) fn para(&mut self, t: &str, style: Style, size: f32, after: f32) {
        self.beside = None;
        let lh = size * LEADING;
        let (left, width) = (self.left(), self.width());
        for line in self.fonts.wrap(&clean(t), style, size, width) {
            self.ensure(lh);
            let y = self.y + size;
            self.text(left, y, size, style, &line);
            self.y += lh;
        }
        self.y += after;
    }

    /// A heading, kept with at least the next few lines.
    pub(super) fn heading(&mut self, t: &str, size: f32) {
        self.beside = None;
        self.y += size * 0.6;
        let lines = self.fonts.wrap(&clean(t), Style::Bold, size, self.width());
        self.ensure(size * LEADING * (lines.len() as f32 + 3.0));
        let left = self.left();
        for line in lines {
            let y = self.y + size;
            self.text(left, y, size, Style::Bold, &line);
            self.y += size * LEADING;
        }
        self.y += size * 0.3;
    }

    pub(super) fn facts(&mut self, kv: &[(String, String)], size: f32) {
        self.beside = None;
        let lh = size * LEADING;
        let keys: Vec<String> = kv.iter().map(|(k, _)| clean(k)).collect();
        let widest = keys.iter().map(|k| self.fonts.width(k, Style::Bold, size)).fold(0.0, f32::max);
        let key_w = (widest + 10.0).min(self.width() * 0.35);
        for (k, (_, v)) in keys.iter().zip(kv) {
            let kl = self.fonts.wrap(k, Style::Bold, size, key_w - 10.0);
            let vl = self.fonts.wrap(&clean(v), Style::Regular, size, self.width() - key_w);
            for i in 0..kl.len().max(vl.len()) {
                self.ensure(lh);
                let (left, y) = (self.left(), self.y + size);
                if let Some(l) = kl.get(i) {
                    self.text(left, y, size, Style::Bold, l);
                }
                if let Some(l) = vl.get(i) {
                    self.text(left + key_w, y, size, Style::Regular, l);
                }
                self.y += lh;
            }
            self.y += 1.5;
        }
        self.y += size * 0.6;
    }

    /// Text in a ruled box (the verdict, the legend).
    pub(super) fn boxed(&mut self, lead: &str, t: &str, size: f32) {
        self.beside = None;
        let lh = size * LEADING;
        let pad = 6.0;
        let lead_w = if lead.is_empty() { 0.0 } else { self.fonts.width(lead, Style::Bold, size) + 4.0 };
        let lines = self.fonts.wrap(&clean(t), Style::Regular, size, self.width() - 2.0 * pad - lead_w);
        let mut rest = lines.as_slice();
        let mut first = true;
        while !rest.is_empty() {
            self.ensure(lh + 2.0 * pad);
            let fit = (((self.bottom() - self.y - 2.0 * pad) / lh).floor() as usize).clamp(1, rest.len());
            let (chunk, more) = rest.split_at(fit);
            let h = chunk.len() as f32 * lh + 2.0 * pad;
            let (left, width, top) = (self.left(), self.width(), self.y);
            self.push(Op::Rect { x: left, y: top, w: width, h, fill: None, stroke: Some(1.0) });
            if first && !lead.is_empty() {
                self.text(left + pad, top + pad + size, size, Style::Bold, lead);
            }
            for (i, l) in chunk.iter().enumerate() {
                self.text(left + pad + lead_w, top + pad + size + i as f32 * lh, size, Style::Regular, l);
            }
            self.y = top + h;
            rest = more;
            first = false;
            if !rest.is_empty() {
                self.new_page();
            }
        }
        self.y += size;
    }

    /// A table whose header row is drawn again at the top of every page it runs over. `fixed` gives a column a
    /// set width; every body row is at least `min_row` high.
    pub(super) fn table(&mut self, t: &Table<'_>) {
        self.beside = None;
        let n = t.headers.len();
        if n == 0 {
            return;
        }
        let (size, pad, vpad) = (t.size, 3.5_f32, 2.5_f32);
        let lh = size * LEADING;
        let avail = self.width();
        let headers: Vec<String> = t.headers.iter().map(|h| clean(h)).collect();
        let rows: Vec<Vec<String>> =
            t.rows.iter().map(|r| (0..n).map(|i| clean(r.get(i).map_or("", |c| c.as_str()))).collect()).collect();
        // Each column's natural width (its widest cell on one line) and its least (its longest word).
        let mut natural = vec![0.0_f32; n];
        let mut least = vec![0.0_f32; n];
        for i in 0..n {
            natural[i] = self.fonts.width(&headers[i], Style::Bold, size);
            least[i] = self.fonts.longest_word(&headers[i], Style::Bold, size);
            for r in &rows {
                natural[i] = natural[i]
                    .max(r[i].split('\n').map(|l| self.fonts.width(l, Style::Regular, size)).fold(0.0, f32::max));
                least[i] = least[i].max(self.fonts.longest_word(&r[i], Style::Regular, size));
            }
            natural[i] = natural[i].min(avail) + 2.0 * pad;
            // (A little over, so that rounding never breaks the longest word.)
            least[i] = least[i].min(avail / 3.0) + 2.0 * pad + 0.5;
            if let Some(Some(w)) = t.fixed.get(i) {
                natural[i] = *w;
                least[i] = *w;
            }
        }
        let fixed = |i: usize| matches!(t.fixed.get(i), Some(Some(_)));
        let (sum_nat, sum_least): (f32, f32) = (natural.iter().sum(), least.iter().sum());
        let flexible_nat: f32 = (0..n).filter(|i| !fixed(*i)).map(|i| natural[i]).sum();
        let fixed_sum: f32 = (0..n).filter(|i| fixed(*i)).map(|i| natural[i]).sum();
        let widths: Vec<f32> = if sum_nat <= avail {
            // A table narrower than the page keeps its natural widths, unless it is nearly as wide.
            let k = if flexible_nat > 0.0 && sum_nat > avail * 0.8 { (avail - fixed_sum) / flexible_nat } else { 1.0 };
            (0..n).map(|i| if fixed(i) { natural[i] } else { natural[i] * k }).collect()
        } else if sum_least >= avail {
            least.iter().map(|w| w * avail / sum_least).collect()
        } else {
            let k = (avail - sum_least) / (sum_nat - sum_least);
            (0..n).map(|i| least[i] + (natural[i] - least[i]) * k).collect()
        };
        let wrap_row = |fonts: &mut Fonts, cells: &[String], style: Style| -> Vec<Vec<String>> {
            cells.iter().zip(&widths).map(|(c, w)| fonts.wrap(c, style, size, (w - 2.0 * pad).max(1.0))).collect()
        };
        let head = wrap_row(self.fonts, &headers, Style::Bold);
        let head_h = head.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * vpad;
        let min_row = t.min_row.unwrap_or(0.0);
        // The table starts where its header and its first row fit.
        let first_h = rows.first().map_or(lh, |r| {
            (wrap_row(self.fonts, r, Style::Regular).iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * vpad)
                .max(min_row)
        });
        self.ensure(head_h + first_h.min(self.body() / 2.0));
        self.row(&head, &widths, t.numeric, head_h, Style::Bold, Some((228, 228, 228)), size, pad, vpad);
        for r in &rows {
            let mut cells = wrap_row(self.fonts, r, Style::Regular);
            // Whether this row has just been moved to a new page: it is not moved again.
            let mut fresh = false;
            loop {
                let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let h = (lines as f32 * lh + 2.0 * vpad).max(min_row);
                let fit = ((self.bottom() - self.y - 2.0 * vpad) / lh).floor();
                if self.y + h <= self.bottom() || (fresh && fit < 1.0) {
                    self.row(&cells, &widths, t.numeric, h, Style::Regular, None, size, pad, vpad);
                    break;
                }
                // Not all of it fits: a row that would fit on a page of its own starts on the next one; a longer
                // one fills this page and goes on on the next.
                if !fresh && (h <= self.body() - head_h || fit < 1.0) {
                    self.new_page();
                    self.row(&head, &widths, t.numeric, head_h, Style::Bold, Some((228, 228, 228)), size, pad, vpad);
                    fresh = true;
                    continue;
                }
                let fit = fit as usize;
                let now: Vec<Vec<String>> =
                    cells.iter_mut().map(|c| c.drain(..fit.min(c.len())).collect::<Vec<String>>()).collect();
                let h = self.bottom() - self.y;
                self.row(&now, &widths, t.numeric, h, Style::Regular, None, size, pad, vpad);
                if cells.iter().all(Vec::is_empty) {
                    break;
                }
                self.new_page();
                self.row(&head, &widths, t.numeric, head_h, Style::Bold, Some((228, 228, 228)), size, pad, vpad);
                fresh = true;
            }
        }
        self.y += size;
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn row(
        &mut self,
        cells: &[Vec<String>],
        widths: &[f32],
        numeric: &[bool],
        h: f32,
        style: Style,
        fill: Option<Rgb>,
        size: f32,
        pad: f32,
        vpad: f32,
    ) {
        let mut x = self.left();
        let top = self.y;
        for (i, (lines, w)) in cells.iter().zip(widths).enumerate() {
            self.push(Op::Rect { x, y: top, w: *w, h, fill, stroke: Some(0.5) });
            let right = numeric.get(i).copied().unwrap_or(false);
            for (k, l) in lines.iter().enumerate() {
                let lx = if right { x + w - pad - self.fonts.width(l, style, size) } else { x + pad };
                self.text(lx, top + vpad + size + k as f32 * size * LEADING, size, style, l);
            }
            x += w;
        }
        self.y = top + h;
    }

    /// The 5×5 heat map: likelihood up the side, impact along the bottom, each cell in its band's colour with its
    /// letter and, when any, the number of risks in it. A second map goes beside the first when there is room.
    pub(super) fn heat(&mut self, caption: &str, cells: &[[u32; 5]; 5], outside: u32) {
        let cell = 30.0;
        let (label_w, size) = (26.0, 8.0);
        let w = label_w + 5.0 * cell + 14.0;
        let caption = clean(&format!("{caption} · outside the map (no impact rated): {outside}"));
        let caption_lines = self.fonts.wrap(&caption, Style::Regular, size, w - 8.0);
        let h = 12.0 + 5.0 * cell + 26.0 + caption_lines.len() as f32 * size * LEADING + 10.0;
        let (x0, top) = match self.beside {
            Some((top, x, bottom)) if x + w <= self.left() + self.width() => {
                self.y = bottom;
                (x, top)
            }
            _ => {
                self.ensure(h);
                (self.left(), self.y)
            }
        };
        let gx = x0 + label_w;
        // The grid starts below the axis's name.
        let (label_top, top) = (top, top + 12.0);
        for l in 1..=5u8 {
            let y = top + f32::from(5 - l) * cell;
            self.text(gx - 9.0, y + cell / 2.0 + 3.0, size, Style::Regular, &l.to_string());
            for i in 1..=5u8 {
                let x = gx + f32::from(i - 1) * cell;
                let band = cell_band(l, i).letter();
                let fill = match band {
                    'L' => (0xdf, 0xf0, 0xd8),
                    'M' => (0xfc, 0xf8, 0xd0),
                    'H' => (0xfb, 0xd9, 0xb5),
                    _ => (0xf4, 0xb6, 0xb6),
                };
                self.push(Op::Rect { x, y, w: cell, h: cell, fill: Some(fill), stroke: Some(0.5) });
                self.push(Op::Text {
                    x: x + 2.5,
                    y: y + 8.0,
                    size: 6.5,
                    style: Style::Regular,
                    text: band.to_string(),
                    grey: 70,
                });
                let n = cells[usize::from(l) - 1][usize::from(i) - 1];
                if n > 0 {
                    let t = n.to_string();
                    let tw = self.fonts.width(&t, Style::Bold, 12.0);
                    self.text(x + (cell - tw) / 2.0, y + cell / 2.0 + 4.5, 12.0, Style::Bold, &t);
                }
            }
        }
        let axis_y = top + 5.0 * cell;
        for i in 1..=5u8 {
            let x = gx + f32::from(i - 1) * cell + cell / 2.0 - 2.0;
            self.text(x, axis_y + 10.0, size, Style::Regular, &i.to_string());
        }
        let iw = self.fonts.width("Impact", Style::Italic, size);
        self.text(gx + 2.5 * cell - iw / 2.0, axis_y + 21.0, size, Style::Italic, "Impact");
        self.text(x0, label_top + 8.0, size, Style::Italic, "Likelihood");
        let mut y = axis_y + 26.0;
        for l in &caption_lines {
            self.text(x0, y + size, size, Style::Regular, l);
            y += size * LEADING;
        }
        let bottom = (label_top + h).max(self.y);
        self.y = bottom;
        self.beside = Some((label_top, x0 + w, bottom));
    }

    /// Bars: a label, a bar as long as the value against `max`, the figure, and why a bar is marked.
    pub(super) fn bars(&mut self, measure: &str, max: f64, rows: &[crate::report::model::Bar]) {
        self.beside = None;
        let size = 8.5;
        let lh = size * LEADING;
        let (label_w, bar_w) = (140.0, 170.0);
        for bar in rows {
            let label = self.fonts.wrap(&clean(&bar.label), Style::Regular, size, label_w - 6.0);
            let mark = bar.mark.as_deref().map(clean);
            let rest_w = self.width() - label_w - bar_w - 50.0;
            let marks =
                mark.as_deref().map_or_else(Vec::new, |m| self.fonts.wrap(m, Style::Bold, size, rest_w.max(20.0)));
            let h = label.len().max(marks.len()).max(1) as f32 * lh + 3.0;
            self.ensure(h);
            let (left, top) = (self.left(), self.y);
            for (i, l) in label.iter().enumerate() {
                self.text(left, top + size + i as f32 * lh, size, Style::Regular, l);
            }
            let frac = if max > 0.0 && bar.value.is_finite() { (bar.value / max).clamp(0.0, 1.0) as f32 } else { 0.0 };
            let bx = left + label_w;
            self.push(Op::Rect { x: bx, y: top + 2.0, w: bar_w, h: 8.0, fill: None, stroke: Some(0.4) });
            if frac > 0.0 {
                let fill = if bar.mark.is_some() { (0xc0, 0x39, 0x2b) } else { (150, 150, 150) };
                self.push(Op::Rect { x: bx, y: top + 2.0, w: bar_w * frac, h: 8.0, fill: Some(fill), stroke: None });
            }
            self.text(bx + bar_w + 6.0, top + size, size, Style::Regular, &clean(&bar.shown));
            for (i, l) in marks.iter().enumerate() {
                self.text(bx + bar_w + 50.0, top + size + i as f32 * lh, size, Style::Bold, l);
            }
            self.y = top + h;
        }
        self.para(&format!("Bars: {measure}"), Style::Italic, 8.0, 6.0);
    }

    /// One block of the report. Every kind is drawn here, the charts included.
    pub(super) fn block(&mut self, b: &Block) {
        match b {
            Block::Para(t) => self.para(t, Style::Regular, 9.0, 4.0),
            Block::Verdict(t) => self.boxed("Verdict:", t, 9.0),
            Block::Heading(t) => self.heading(t, 10.0),
            Block::Empty(t) => self.para(t, Style::Italic, 9.0, 4.0),
            Block::Facts(kv) => self.facts(kv, 9.0),
            Block::Table { headers, rows, numeric, .. } => {
                self.table(&Table { headers, rows, numeric, fixed: &[], min_row: None, size: 8.0 })
            }
            Block::Heat { caption, cells, outside } => self.heat(caption, cells, *outside),
            Block::Bars { measure, max, rows } => self.bars(measure, *max, rows),
        }
    }
}

/// A table to lay out.
pub(super) struct Table<'a> {
    pub(super) headers: &'a [String],
    pub(super) rows: &'a [Vec<String>],
    pub(super) numeric: &'a [bool],
    pub(super) fixed: &'a [Option<f32>],
    pub(super) min_row: Option<f32>,
    pub(super) size: f32,
}

/// The report laid out: title, classification and contents on the first page, then the sections.
pub(super) fn report_pages(r: &Report, fonts: &mut Fonts) -> Pages {
    let mut l = Layout::new(fonts, A4, (20.0 * MM, 15.0 * MM, 20.0 * MM, 15.0 * MM), &r.classification, &r.title);
    l.para(&r.title, Style::Bold, 18.0, 4.0);
    l.para(&r.meta, Style::Regular, 9.0, 4.0);
    l.para(&format!("Classification: {}", r.classification), Style::Bold, 9.0, 10.0);
    l.heading("Contents", 13.0);
    let size = 10.0;
    for (n, sec) in r.sections.iter().enumerate() {
        let right = l.left() + l.width();
        let lines = l.fonts.wrap(&clean(&format!("{}. {}", n + 1, sec.title)), Style::Regular, size, l.width() - 40.0);
        l.ensure(lines.len() as f32 * size * LEADING);
        let top = l.y;
        for line in &lines {
            let (left, y) = (l.left(), l.y + size);
            l.text(left, y, size, Style::Regular, line);
            l.y += size * LEADING;
        }
        l.push(Op::PageOf { x: right, y: top + size, size, entry: n });
        l.y += 2.0;
    }
    for (n, sec) in r.sections.iter().enumerate() {
        // The report starts below its contents, with a gap, rather than on a page of its own.
        if n == 0 {
            l.y += 14.0;
        }
        let (top, before) = (l.y, l.pages.pages.len());
        l.heading(&format!("{}. {}", n + 1, sec.title), 13.0);
        let page = l.pages.pages.len() - 1;
        l.pages.entries.push(page);
        // A heading moved to a new page starts at its top.
        let top = if l.pages.pages.len() == before { top } else { l.pages.margin.0 };
        l.pages.outline.push((clean(&format!("{}. {}", n + 1, sec.title)), page, top));
        for b in &sec.blocks {
            l.block(b);
        }
    }
    l.pages
}

/// The asset tracking form laid out: A4 landscape, one table per state with its header repeated on each page,
/// signature and date cells at least 15 mm high, words kept whole.
pub(super) fn form_pages(form: &AssetForm, fonts: &mut Fonts) -> Pages {
    let title = format!("Asset tracking form — {}", form.engagement);
    let running = format!("{title} ({})", form.engagement_ref);
    let mut l =
        Layout::new(fonts, (A4.1, A4.0), (18.0 * MM, 10.0 * MM, 16.0 * MM, 10.0 * MM), super::FORM_MARKING, &running);
    l.para(&title, Style::Bold, 15.0, 4.0);
    let providers = if form.providers.is_empty() { "—".to_string() } else { form.providers.join(", ") };
    let mut facts = vec![
        (
            "Engagement".to_string(),
            format!("{} {} (UUID {})", form.engagement_ref, form.engagement, form.engagement_uuid),
        ),
        ("Provider(s)".to_string(), providers),
        ("Printed".to_string(), format!("{} by {}", form.printed, form.printed_by)),
        ("History head".to_string(), form.history_head.clone()),
    ];
    if let Some(t) = &form.team_heads {
        facts.push(("Team history heads".to_string(), t.clone()));
    }
    facts.push(("Assets".to_string(), form.assets.len().to_string()));
    l.facts(&facts, 8.5);
    l.boxed(
        "Legend.",
        &format!(
            "{}. Hand-over signature: the provider's person accepting the asset, with the date. Return signature: the \
             person verifying the return or destruction, with the date.",
            assets::LEGEND
        ),
        8.0,
    );
    if form.assets.is_empty() {
        l.para("No assets are recorded for this engagement.", Style::Italic, 9.0, 4.0);
    }
    let headers: Vec<String> = assets::HEADERS.iter().map(|h| h.to_string()).collect();
    let numeric = vec![false; headers.len()];
    let mut fixed = vec![None; headers.len()];
    for sign in [9, 14] {
        if let Some(f) = fixed.get_mut(sign) {
            *f = Some(27.0 * MM);
        }
    }
    for (state, rows) in assets::groups(form) {
        l.heading(&format!("{} ({})", assets::group_title(state), rows.len()), 11.0);
        let cells: Vec<Vec<String>> = rows.iter().map(|(a, st)| assets::cells(a, *st)).collect();
        l.table(&Table {
            headers: &headers,
            rows: &cells,
            numeric: &numeric,
            fixed: &fixed,
            min_row: Some(15.0 * MM + 2.0),
            size: 7.5,
        });
    }
    l.pages
}
