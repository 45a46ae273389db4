//! Scoring a read query against an index: each concept counts once, by its best alternative; a phrase whose
//! words stand together earns more; a document that answers more of the concepts is preferred.

use std::collections::HashMap;

use super::{How, Index, Match, Options};

/// The extra share a phrase earns when its words stand side by side.
const PHRASE: f32 = 0.5;

impl Index {
    /// Scores every document against the words of `query`: (document, score, what matched), unsorted, only
    /// documents that matched something.
    pub fn score(&self, query: &str, opts: Options) -> Vec<(usize, f32, Vec<Match>)> {
        let concepts = self.concepts(query, opts);
        let n = self.lens.len();
        let mut total = vec![0f32; n];
        let mut count = vec![0u16; n];
        let mut why: Vec<Vec<Match>> = vec![Vec::new(); n];
        let mut cache: HashMap<u32, Vec<f32>> = HashMap::new();
        let asked = concepts.len().max(1) as f32;
        for c in &concepts {
            let mut best = vec![0f32; n];
            let mut best_alt = vec![usize::MAX; n];
            for (ai, alt) in c.alts.iter().enumerate() {
                for t in &alt.terms {
                    cache.entry(*t).or_insert_with(|| self.term_scores(*t));
                }
                let k = alt.terms.len() as f32;
                for d in 0..n {
                    let mut sum = 0f32;
                    let mut present = 0;
                    for t in &alt.terms {
                        let s = cache.get(t).map_or(0.0, |v| v[d]);
                        if s > 0.0 {
                            present += 1;
                        }
                        sum += s;
                    }
                    if present == 0 || (alt.all && present < alt.terms.len()) {
                        continue;
                    }
                    // A synonym of several words is a phrase: its words must stand together.
                    if alt.how == How::Synonym && alt.terms.len() > 1 && !self.adjacent(&alt.terms, d as u32) {
                        continue;
                    }
                    let mut s = sum / k;
                    if alt.how != How::Synonym
                        && alt.terms.len() > 1
                        && present == alt.terms.len()
                        && self.adjacent(&alt.terms, d as u32)
                    {
                        s *= 1.0 + PHRASE;
                    }
                    s *= alt.weight;
                    if s > best[d] {
                        best[d] = s;
                        best_alt[d] = ai;
                    }
                }
            }
            for d in 0..n {
                if let Some(alt) = c.alts.get(best_alt[d]) {
                    total[d] += best[d];
                    count[d] += 1;
                    why[d].push(Match { query: c.query.clone(), found: alt.shown.clone(), how: alt.how });
                }
            }
        }
        (0..n)
            .filter(|d| count[*d] > 0)
            .map(|d| {
                // Prefer the documents that answer more of what was asked.
                let coverage = f32::from(count[d]) / asked;
                (d, total[d] * coverage, std::mem::take(&mut why[d]))
            })
            .collect()
    }
}
