//! Charts for the HTML report, drawn as inline SVG: self-contained (no script, no file, no font beyond the
//! page's), readable in greyscale (every band carries its letter, every bar its figure), and sized in CSS pixels so
//! that they print at the same size as the text around them.

use super::escape::esc;
use super::model::Bar;
use crate::domain::risk::cell_band;

/// Fill colours of the bands, pale enough for black letters to stay readable when printed in grey.
fn band_fill(letter: char) -> &'static str {
    match letter {
        'L' => "#dff0d8",
        'M' => "#fcf8d0",
        'H' => "#fbd9b5",
        _ => "#f4b6b6",
    }
}

/// The 5×5 heat map: likelihood up the side (5 at the top), impact along the bottom, each cell in its band's
/// colour with its letter, and the number of risks in it; an empty cell shows its band and no number.
pub fn heat(cells: &[[u32; 5]; 5], caption: &str) -> String {
    const CELL: u32 = 38;
    const LEFT: u32 = 58;
    const TOP: u32 = 6;
    let width = LEFT + 5 * CELL + 8;
    let height = TOP + 5 * CELL + 44;
    let mut o = format!(
        "<figure class=\"chart\"><svg width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" font-family=\"Helvetica, Arial, sans-serif\">\n",
        esc(caption)
    );
    for l in 1..=5u8 {
        let y = TOP + (5 - u32::from(l)) * CELL;
        o.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{l}</text>\n",
            LEFT - 8,
            y + CELL / 2 + 4
        ));
        for i in 1..=5u8 {
            let x = LEFT + (u32::from(i) - 1) * CELL;
            let band = cell_band(l, i).letter();
            let n = cells[usize::from(l) - 1][usize::from(i) - 1];
            o.push_str(&format!(
                "<rect x=\"{x}\" y=\"{y}\" width=\"{CELL}\" height=\"{CELL}\" fill=\"{}\" stroke=\"#666\"/>\n",
                band_fill(band)
            ));
            o.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"10\" fill=\"#444\">{band}</text>\n",
                x + 4,
                y + 12
            ));
            if n > 0 {
                o.push_str(&format!(
                    "<text x=\"{}\" y=\"{}\" font-size=\"16\" font-weight=\"bold\" text-anchor=\"middle\">{n}</text>\n",
                    x + CELL / 2,
                    y + CELL / 2 + 8
                ));
            }
        }
    }
    let bottom = TOP + 5 * CELL;
    for i in 1..=5u32 {
        o.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">{i}</text>\n",
            LEFT + (i - 1) * CELL + CELL / 2,
            bottom + 16
        ));
    }
    o.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\">Impact (worst of C, I, A)</text>\n",
        LEFT + 5 * CELL / 2,
        bottom + 36
    ));
    o.push_str(&format!(
        "<text x=\"14\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {})\">Likelihood</text>\n",
        TOP + 5 * CELL / 2,
        TOP + 5 * CELL / 2
    ));
    o.push_str(&format!("</svg><figcaption>{}</figcaption></figure>\n", esc(caption)));
    o
}

/// Horizontal bars, one per row, each with its label, its figure written out, and its mark (drawn hatched and
/// named) when it has one.
pub fn bars(rows: &[Bar], max: f64, measure: &str) -> String {
    const LABEL: u32 = 220;
    const BAR: u32 = 300;
    const ROW: u32 = 20;
    let height = rows.len() as u32 * ROW + 24;
    let width = LABEL + BAR + 260;
    let mut o = format!(
        "<figure class=\"chart bars\"><svg width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" font-family=\"Helvetica, Arial, sans-serif\">\n\
         <defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" \
         patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#f4b6b6\"/>\
         <line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#a33\" stroke-width=\"2\"/></pattern></defs>\n",
        esc(measure)
    );
    for (n, r) in rows.iter().enumerate() {
        let y = n as u32 * ROW;
        let label: String = r.label.chars().take(34).collect();
        let share = if max > 0.0 { (r.value / max).clamp(0.0, 1.0) } else { 0.0 };
        let w = (share * f64::from(BAR)).round() as u32;
        let fill = if r.mark.is_some() { "url(#hatch)" } else { "#9dc3e6" };
        o.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\">{}</text>\n",
            LABEL - 8,
            y + 16,
            esc(&label)
        ));
        o.push_str(&format!(
            "<rect x=\"{LABEL}\" y=\"{}\" width=\"{BAR}\" height=\"14\" fill=\"none\" stroke=\"#bbb\"/>\n",
            y + 3
        ));
        o.push_str(&format!(
            "<rect x=\"{LABEL}\" y=\"{}\" width=\"{w}\" height=\"14\" fill=\"{fill}\" stroke=\"#555\"/>\n",
            y + 3
        ));
        let mark = r.mark.as_deref().map(|m| format!(" — {}", esc(m))).unwrap_or_default();
        o.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\">{}{mark}</text>\n",
            LABEL + BAR + 8,
            y + 16,
            esc(&r.shown)
        ));
    }
    o.push_str(&format!(
        "<text x=\"{LABEL}\" y=\"{}\" font-size=\"11\" fill=\"#444\">{} (a full bar: {})</text>\n",
        rows.len() as u32 * ROW + 16,
        esc(measure),
        max
    ));
    o.push_str("</svg></figure>\n");
    o
}
