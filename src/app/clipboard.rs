//! Copying to the clipboard: the obligation shown in the lookup or a summary of the record under the cursor. `App`
//! only keeps the text in [`App::clipboard`]; the event loop writes it to the terminal as an OSC 52 sequence, which
//! reaches the clipboard of the machine the terminal runs on, over SSH too.

use super::lookup::Hit;
use super::{App, Overlay};
use crate::catalog::{Item, catalog};

/// How a copied obligation reads: id and title, citation, then our wording.
pub fn obligation_text(item: &Item) -> String {
    format!("{} {}\n{}\n\n{}", item.id, item.title, item.citation(), item.text)
}

impl App {
    /// Puts the selected obligation (in the lookup) or record summary (in a pane) on the clipboard, and says what.
    pub(super) fn copy(&mut self) {
        let found = match &self.overlay {
            Some(Overlay::Lookup(l)) => {
                let hit = l.detail.as_ref().map(|d| d.hit).or_else(|| l.hits.get(l.cursor.selected).copied());
                match hit {
                    Some(Hit::Item(i)) => {
                        catalog().items.get(i).map(|it| (format!("obligation {}", it.id), obligation_text(it)))
                    }
                    Some(Hit::Record(i)) => l.records.get(i).map(|r| {
                        let text =
                            if r.detail.is_empty() { r.label.clone() } else { format!("{}\n{}", r.label, r.detail) };
                        (r.label.clone(), text)
                    }),
                    None => None,
                }
            }
            Some(_) => None,
            None if self.session.engagements.is_empty() => None,
            None => self.pane_ref(self.tab).and_then(|p| p.copy_text(&self.session)),
        };
        match found {
            Some((what, text)) => {
                self.clipboard = Some(text);
                self.toast(format!("Copied {what} to the clipboard"));
            }
            None => self.toast("Nothing selected to copy"),
        }
    }
}
