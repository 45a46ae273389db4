//! The PDF's fonts: the bundled faces, the system's for other scripts, and the glyph widths text is laid out by.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use krilla::text::Font;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Style {
    Regular,
    Bold,
    Italic,
}

/// One font face: its bytes, its index in them, its units per em, and the face as krilla draws it.
pub(super) struct Face {
    pub(super) data: FaceData,
    pub(super) index: u32,
    pub(super) per_em: f32,
    pub(super) font: Font,
}

#[derive(Clone)]
pub(super) enum FaceData {
    Bundled(&'static [u8]),
    Read(Arc<Vec<u8>>),
}

impl FaceData {
    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            FaceData::Bundled(b) => b,
            FaceData::Read(b) => b,
        }
    }
}

impl Face {
    pub(super) fn load(data: FaceData, index: u32) -> Option<Face> {
        let per_em = f32::from(ttf_parser::Face::parse(data.bytes(), index).ok()?.units_per_em());
        let font = match &data {
            FaceData::Bundled(b) => Font::new((*b).into(), index)?,
            FaceData::Read(b) => Font::new(Arc::clone(b).into(), index)?,
        };
        Some(Face { data, index, per_em, font })
    }

    /// The advance of `c` in ems, if the face has it.
    pub(super) fn advance(&self, c: char) -> Option<f32> {
        let face = ttf_parser::Face::parse(self.data.bytes(), self.index).ok()?;
        let glyph = face.glyph_index(c)?;
        Some(f32::from(face.glyph_hor_advance(glyph).unwrap_or(0)) / self.per_em)
    }
}

/// A bundled face: the font file's bytes and the face's index in them.
type Bundled = (&'static [u8], u32);

/// The bundled faces: Libertinus Serif regular, bold and italic, found in Typst's font assets by name.
pub(super) fn bundled() -> &'static [Option<Bundled>; 3] {
    static FACES: OnceLock<[Option<Bundled>; 3]> = OnceLock::new();
    FACES.get_or_init(|| {
        let mut found = [None; 3];
        for data in typst_assets::fonts() {
            let Ok(face) = ttf_parser::Face::parse(data, 0) else { continue };
            let name = face
                .names()
                .into_iter()
                .filter(|n| n.name_id == ttf_parser::name_id::FULL_NAME)
                .find_map(|n| n.to_string())
                .unwrap_or_default();
            let slot = match name.as_str() {
                "Libertinus Serif Regular" | "Libertinus Serif" => 0,
                "Libertinus Serif Bold" => 1,
                "Libertinus Serif Italic" => 2,
                _ => continue,
            };
            found[slot] = Some((data, 0));
        }
        found
    })
}

/// The system's fonts, listed once per process (their files are read only when a character needs one).
pub(super) fn system() -> &'static fontdb::Database {
    static DB: OnceLock<fontdb::Database> = OnceLock::new();
    DB.get_or_init(|| {
        let mut db = fontdb::Database::new();
        db.load_system_fonts();
        db
    })
}

/// The fonts of one document: the bundled faces, the system faces it needed, and which face draws each character.
pub(super) struct Fonts {
    pub(super) faces: Vec<Face>,
    /// The face and advance (in ems) of each character in each style.
    pub(super) chosen: HashMap<(Style, char), (usize, f32)>,
    /// The system faces loaded, by file and index.
    pub(super) loaded: HashMap<(PathBuf, u32), usize>,
    pub(super) missing: BTreeSet<char>,
}

impl Fonts {
    pub(super) fn new() -> Fonts {
        let mut faces = Vec::new();
        let b = bundled();
        for slot in b.iter() {
            // A face that did not load leaves its style to the regular one (index 0), or to the system's fonts.
            if let Some(face) = slot.and_then(|(data, index)| Face::load(FaceData::Bundled(data), index)) {
                faces.push(face);
            }
        }
        Fonts { faces, chosen: HashMap::new(), loaded: HashMap::new(), missing: BTreeSet::new() }
    }

    pub(super) fn style_face(&self, style: Style) -> usize {
        let i = match style {
            Style::Regular => 0,
            Style::Bold => 1,
            Style::Italic => 2,
        };
        if i < self.faces.len() { i } else { 0 }
    }

    /// The face that draws `c` in `style` and its advance in ems.
    pub(super) fn pick(&mut self, style: Style, c: char) -> (usize, f32) {
        if let Some(p) = self.chosen.get(&(style, c)) {
            return *p;
        }
        let own = self.style_face(style);
        let picked = self
            .faces
            .get(own)
            .and_then(|f| f.advance(c))
            .map(|a| (own, a))
            .or_else(|| self.fallback(c))
            .unwrap_or_else(|| {
                if !draws_nothing(c) {
                    self.missing.insert(c);
                }
                (own, self.faces.get(own).and_then(|f| f.advance('\u{fffd}')).unwrap_or(0.5))
            });
        self.chosen.insert((style, c), picked);
        picked
    }

    /// A face of the system's that has `c`: one loaded already, else the first one listed that has it.
    pub(super) fn fallback(&mut self, c: char) -> Option<(usize, f32)> {
        if draws_nothing(c) {
            return None;
        }
        for i in 3.min(self.faces.len())..self.faces.len() {
            if let Some(a) = self.faces[i].advance(c) {
                return Some((i, a));
            }
        }
        let db = system();
        let (path, index) = db.faces().find_map(|f| {
            let path = match &f.source {
                fontdb::Source::File(p) | fontdb::Source::SharedFile(p, _) => p.clone(),
                fontdb::Source::Binary(_) => return None,
            };
            let has = db
                .with_face_data(f.id, |data, index| {
                    ttf_parser::Face::parse(data, index).ok().and_then(|face| face.glyph_index(c)).is_some()
                })
                .unwrap_or(false);
            has.then_some((path, f.index))
        })?;
        let i = match self.loaded.get(&(path.clone(), index)) {
            Some(i) => *i,
            None => {
                let data = std::fs::read(&path).ok()?;
                let face = Face::load(FaceData::Read(Arc::new(data)), index)?;
                // Keep the bundled faces at 0, 1 and 2 even when one of them failed to load.
                while self.faces.len() < 3 {
                    match Face::load(self.faces[0].data.clone(), self.faces[0].index) {
                        Some(f) => self.faces.push(f),
                        None => return None,
                    }
                }
                self.faces.push(face);
                self.loaded.insert((path, index), self.faces.len() - 1);
                self.faces.len() - 1
            }
        };
        self.faces[i].advance(c).map(|a| (i, a))
    }

    pub(super) fn width(&mut self, s: &str, style: Style, size: f32) -> f32 {
        s.chars().map(|c| self.pick(style, c).1).sum::<f32>() * size
    }

    /// Breaks `s` into lines no wider than `width`: at its newlines, then between words; a word wider than the
    /// line is broken between characters.
    pub(super) fn wrap(&mut self, s: &str, style: Style, size: f32, width: f32) -> Vec<String> {
        let mut lines = Vec::new();
        let space = self.width(" ", style, size);
        for para in s.split('\n') {
            let mut line = String::new();
            let mut used = 0.0;
            for word in para.split_whitespace() {
                let w = self.width(word, style, size);
                if !line.is_empty() && used + space + w <= width {
                    line.push(' ');
                    line.push_str(word);
                    used += space + w;
                    continue;
                }
                if !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                }
                if w <= width {
                    line.push_str(word);
                    used = w;
                    continue;
                }
                // A word longer than the line: as many characters as fit, line after line.
                used = 0.0;
                for c in word.chars() {
                    let cw = self.pick(style, c).1 * size;
                    if !line.is_empty() && used + cw > width {
                        lines.push(std::mem::take(&mut line));
                        used = 0.0;
                    }
                    line.push(c);
                    used += cw;
                }
            }
            lines.push(line);
        }
        lines
    }

    /// The longest word of `s`, measured.
    pub(super) fn longest_word(&mut self, s: &str, style: Style, size: f32) -> f32 {
        s.split_whitespace().map(|w| self.width(w, style, size)).fold(0.0, f32::max)
    }
}

/// Characters that draw nothing themselves (spaces, joiners, variation selectors, format controls), which no font
/// needs to have.
pub(super) fn draws_nothing(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '\u{00ad}' | '\u{200b}'..='\u{200f}' | '\u{2060}'..='\u{206f}' | '\u{fe00}'..='\u{fe0f}'
            | '\u{feff}' | '\u{e0000}'..='\u{e007f}' | '\u{e0100}'..='\u{e01ef}')
}

/// A workspace value made fit to place: control characters dropped (a newline kept, a tab made a space), and the
/// bidirectional controls dropped, which could make a line read differently from what it says.
pub(super) fn clean(s: &str) -> String {
    s.chars()
        .filter_map(|c| match c {
            '\n' => Some('\n'),
            '\t' => Some(' '),
            c if c.is_control() || crate::visible::is_bidi_control(c) => None,
            c => Some(c),
        })
        .collect()
}
