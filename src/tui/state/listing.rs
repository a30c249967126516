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
    pub selected: usize,
    /// The items are a previous load's, kept while a refresh runs: its first page replaces them.
    pub stale: bool,
}

impl<T> Listing<T> {
    /// The exchange the selected item came from.
    pub fn selected_page(&self) -> Option<&Arc<Exchange>> {
        let page = self
            .page_starts
            .partition_point(|&start| start <= self.selected);
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
        self.items.get(self.selected)
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
