//! Lists fetched page by page, following `nextLink` (see [`Pager`]).

use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use url::Url;

use super::client::{ChatClient, Fetched};
use super::error::AcsError;
use super::models::Page;

/// Pages of a list, fetched one at a time as the caller asks, so the first page shows before the last arrives.
/// Stops at a missing `nextLink`, at an empty page (the service's usual last page), or at a link that repeats.
pub struct Pager<T> {
    client: ChatClient,
    next: Option<Url>,
    last: Option<Url>,
    pages: usize,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub(super) fn new(client: ChatClient, first: Url) -> Self {
        Self {
            client,
            next: Some(first),
            last: None,
            pages: 0,
            _item: PhantomData,
        }
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Whether another page may exist.
    pub fn has_more(&self) -> bool {
        self.next.is_some()
    }

    /// The URL the next page will come from.
    pub fn next_url(&self) -> Option<&Url> {
        self.next.as_ref()
    }

    /// Fetches the next page; `None` once the list is complete. After an error the pager can be retried.
    pub async fn next_page(&mut self) -> Option<Result<Fetched<Page<T>>, AcsError>> {
        let url = self.next.clone()?;
        match self.client.get_json::<Page<T>>(url.clone()).await {
            Ok(page) => {
                self.pages += 1;
                self.next = page
                    .value
                    .next_link
                    .as_deref()
                    .filter(|_| !page.value.value.is_empty())
                    .and_then(|link| self.client.resolve_next_link(link))
                    .filter(|next| Some(next) != self.last.as_ref() && *next != url);
                self.last = Some(url);
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Every item, up to `max`, calling `on_page(pages, items)` after each page.
    pub async fn collect_all(
        mut self,
        max: Option<usize>,
        mut on_page: impl FnMut(usize, usize),
    ) -> Result<Vec<T>, AcsError> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.value.value);
            let full = max.is_some_and(|max| items.len() >= max);
            if let Some(max) = max {
                items.truncate(max);
            }
            on_page(self.pages, items.len());
            if full {
                break;
            }
        }
        Ok(items)
    }
}
