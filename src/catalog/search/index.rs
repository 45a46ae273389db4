//! The inverted index: documents of four fields, the postings of their stemmed words, and BM25F per term.

use std::collections::HashMap;

use super::analysis::{is_stop, stem, tokens};

/// BM25's saturation.
const K1: f32 = 1.2;

/// The fields of a document, best first, with their weight and length normalisation.
const FIELDS: usize = 4;
pub const TITLE: usize = 0;
pub const KEYWORDS: usize = 1;
pub const TEXT: usize = 2;
pub const CITE: usize = 3;
const WEIGHT: [f32; FIELDS] = [3.0, 2.0, 1.0, 0.5];
const B: [f32; FIELDS] = [0.4, 0.4, 0.75, 0.3];

#[derive(Debug, Clone, PartialEq)]
struct Posting {
    doc: u32,
    field: u8,
    pos: Vec<u16>,
}

/// A ranked index over documents of four fields (title, keywords, text, citation).
#[derive(Debug, Clone, PartialEq)]
pub struct Index {
    pub(super) terms: HashMap<String, u32>,
    /// Every distinct word seen, with its term: for spelling corrections and prefixes.
    pub(super) surface: Vec<(String, u32)>,
    postings: Vec<Vec<Posting>>,
    pub(super) lens: Vec<[u16; FIELDS]>,
    avg: [f32; FIELDS],
}

impl Index {
    /// Builds an index over `docs`, each given as its four fields.
    pub fn build<S: AsRef<str>>(docs: impl IntoIterator<Item = [S; FIELDS]>) -> Index {
        let mut terms: HashMap<String, u32> = HashMap::new();
        let mut surface: HashMap<String, u32> = HashMap::new();
        let mut postings: Vec<Vec<Posting>> = Vec::new();
        let mut lens = Vec::new();
        for (d, fields) in docs.into_iter().enumerate() {
            let mut len = [0u16; FIELDS];
            for (f, text) in fields.iter().enumerate() {
                let mut here: HashMap<u32, Vec<u16>> = HashMap::new();
                let mut p = 0u16;
                for (_, _, w) in tokens(text.as_ref()) {
                    if is_stop(&w) {
                        continue;
                    }
                    let t = match surface.get(&w) {
                        Some(t) => *t,
                        None => {
                            let s = stem(&w);
                            let next = terms.len() as u32;
                            let t = *terms.entry(s).or_insert(next);
                            if t == next {
                                postings.push(Vec::new());
                            }
                            surface.insert(w, t);
                            t
                        }
                    };
                    here.entry(t).or_default().push(p);
                    p = p.saturating_add(1);
                }
                len[f] = p;
                let mut here: Vec<(u32, Vec<u16>)> = here.into_iter().collect();
                here.sort_unstable_by_key(|(t, _)| *t);
                for (t, pos) in here {
                    postings[t as usize].push(Posting { doc: d as u32, field: f as u8, pos });
                }
            }
            lens.push(len);
        }
        let n = lens.len().max(1) as f32;
        let mut avg = [0f32; FIELDS];
        for (f, a) in avg.iter_mut().enumerate() {
            *a = (lens.iter().map(|l| f32::from(l[f])).sum::<f32>() / n).max(1.0);
        }
        let mut surface: Vec<(String, u32)> = surface.into_iter().collect();
        surface.sort_unstable();
        Index { terms, surface, postings, lens, avg }
    }

    /// How many documents the index holds.
    pub fn len(&self) -> usize {
        self.lens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.lens.is_empty()
    }

    fn idf(&self, t: u32) -> f32 {
        let n = self.lens.len() as f32;
        let mut docs: Vec<u32> = self.postings[t as usize].iter().map(|p| p.doc).collect();
        docs.dedup();
        let df = docs.len() as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// BM25F of one term in every document (dense).
    pub(super) fn term_scores(&self, t: u32) -> Vec<f32> {
        let mut tf = vec![0f32; self.lens.len()];
        for p in &self.postings[t as usize] {
            let f = usize::from(p.field);
            let d = p.doc as usize;
            let norm = 1.0 - B[f] + B[f] * f32::from(self.lens[d][f]) / self.avg[f];
            tf[d] += WEIGHT[f] * p.pos.len() as f32 / norm;
        }
        let idf = self.idf(t);
        for x in &mut tf {
            if *x > 0.0 {
                *x = idf * *x * (K1 + 1.0) / (K1 + *x);
            }
        }
        tf
    }

    /// Do the terms stand side by side, in order, in one field of `doc`?
    pub(super) fn adjacent(&self, terms: &[u32], doc: u32) -> bool {
        let lists: Vec<Vec<&Posting>> = terms
            .iter()
            .map(|t| self.postings[*t as usize].iter().filter(|p| p.doc == doc).collect::<Vec<_>>())
            .collect();
        let Some(first) = lists.first() else { return false };
        first.iter().any(|p0| {
            p0.pos.iter().any(|&start| {
                lists
                    .iter()
                    .enumerate()
                    .skip(1)
                    .all(|(k, l)| l.iter().any(|p| p.field == p0.field && p.pos.contains(&(start + k as u16))))
            })
        })
    }
}
