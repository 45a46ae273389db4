//! Selection and scroll position of a list whose rows are rendered only where visible.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableCursor {
    pub selected: usize,
    pub offset: usize,
    pub len: usize,
    /// How many rows fit on screen; set from the terminal size.
    pub height: usize,
}

impl TableCursor {
    pub fn set_len(&mut self, len: usize) {
        self.len = len;
        self.selected = self.selected.min(len.saturating_sub(1));
        self.settle();
    }

    pub fn set_height(&mut self, height: usize) {
        self.height = height.max(1);
        self.settle();
    }

    pub fn select(&mut self, i: usize) {
        self.selected = i.min(self.len.saturating_sub(1));
        self.settle();
    }

    pub fn next(&mut self) {
        self.select(self.selected.saturating_add(1));
    }

    pub fn prev(&mut self) {
        self.select(self.selected.saturating_sub(1));
    }

    pub fn first(&mut self) {
        self.select(0);
    }

    pub fn last(&mut self) {
        self.select(self.len.saturating_sub(1));
    }

    pub fn page_down(&mut self) {
        self.select(self.selected.saturating_add(self.height.max(1)));
    }

    pub fn page_up(&mut self) {
        self.select(self.selected.saturating_sub(self.height.max(1)));
    }

    /// Applies a movement action (next, previous, first, last row, a page down or up); returns whether `action` was
    /// one. Every list moves the same way through this.
    pub fn navigate(&mut self, action: &crate::keys::Action) -> bool {
        use crate::keys::Action;
        match action {
            Action::NextRow => self.next(),
            Action::PrevRow => self.prev(),
            Action::FirstRow => self.first(),
            Action::LastRow => self.last(),
            Action::PageDown => self.page_down(),
            Action::PageUp => self.page_up(),
            _ => return false,
        }
        true
    }

    /// The rows to draw: `offset .. offset + height`, clipped to the list.
    pub fn visible(&self) -> std::ops::Range<usize> {
        self.offset..(self.offset + self.height.max(1)).min(self.len)
    }

    /// Keeps the selection on screen with the least scrolling.
    fn settle(&mut self) {
        let h = self.height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
        let max_offset = self.len.saturating_sub(h);
        self.offset = self.offset.min(max_offset);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrolls_only_as_needed() {
        let mut c = TableCursor::default();
        c.set_height(10);
        c.set_len(100);
        for _ in 0..9 {
            c.next();
        }
        assert_eq!((c.selected, c.offset), (9, 0));
        c.next();
        assert_eq!((c.selected, c.offset), (10, 1));
        c.last();
        assert_eq!((c.selected, c.offset), (99, 90));
        assert_eq!(c.visible(), 90..100);
        c.page_up();
        assert_eq!((c.selected, c.offset), (89, 89));
        c.set_len(5);
        assert_eq!((c.selected, c.offset), (4, 0));
        c.set_len(0);
        assert_eq!((c.selected, c.offset), (0, 0));
        assert!(c.visible().is_empty());
    }
}
