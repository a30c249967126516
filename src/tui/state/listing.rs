//! Lists that arrive page by page, and the timeline's paging and cursor.

use std::sync::Arc;

use crate::acs::Exchange;

use super::super::timeline::Timeline;

/// A list that arrives page by page (its loading status is in [`super::Loads`]).
#[derive(Debug)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub pages: Vec<Arc<Exchange>>,
    /// Index of the first item of each page.
    pub page_starts: Vec<usize>,
    /// The selected position among the items shown.
    pub selected: usize,
    /// The items are a previous load's, kept while a refresh runs: its first page replaces them.
    pub stale: bool,
    /// The items shown, in order, as indexes into `items`, when the list is sorted or filtered;
    /// `None` shows every item as it arrived.
    pub shown: Option<Vec<usize>>,
}

impl<T> Listing<T> {
    /// How many items are shown.
    pub fn shown_len(&self) -> usize {
        self.shown.as_ref().map_or(self.items.len(), Vec::len)
    }

    /// The index into `items` of the item shown at `position`.
    pub fn index_at(&self, position: usize) -> Option<usize> {
        match &self.shown {
            Some(order) => order.get(position).copied(),
            None => (position < self.items.len()).then_some(position),
        }
    }

    /// The item shown at `position`.
    pub fn shown_at(&self, position: usize) -> Option<&T> {
        self.items.get(self.index_at(position)?)
    }

    /// The exchange the selected item came from.
    pub fn selected_page(&self) -> Option<&Arc<Exchange>> {
        let index = self.index_at(self.selected)?;
        let page = self.page_starts.partition_point(|&start| start <= index);
        self.pages.get(page.saturating_sub(1))
    }

    /// Adds a page of items (the first page of a refresh replaces the stale ones).
    pub fn push_page(&mut self, items: Vec<T>, exchange: Arc<Exchange>) {
        if self.stale {
            self.items.clear();
            self.pages.clear();
            self.page_starts.clear();
            self.stale = false;
        }
        self.page_starts.push(self.items.len());
        self.items.extend(items);
        self.pages.push(exchange);
        self.selected = self.selected.min(self.items.len().saturating_sub(1));
    }

    pub fn selected_item(&self) -> Option<&T> {
        self.shown_at(self.selected)
    }
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            pages: Vec::new(),
            page_starts: Vec::new(),
            selected: 0,
            stale: false,
            shown: None,
        }
    }
}

/// The timeline, its paging and its cursor (its loading status is in [`super::Loads`]).
#[derive(Debug, Default)]
pub struct TimelineState {
    pub data: Timeline,
    /// The request streaming pages is still open: more can be asked of it.
    pub open: bool,
    /// Another page exists.
    pub has_more: bool,
    /// A page was asked for and has not arrived.
    pub page_pending: bool,
    /// The selected display row.
    pub selected: usize,
    /// The first display row on screen.
    pub offset: usize,
    /// `G` was pressed: keep the selection on the last row while further pages load, until the end.
    pub follow_end: bool,
    /// The messages are a previous load's, kept while a refresh runs: its first page replaces them.
    pub stale: bool,
}

/// Which message the message panels show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageSource {
    /// The message fetched by id.
    #[default]
    Fetched,
    /// The message selected in the timeline.
    Timeline,
}
