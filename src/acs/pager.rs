//! Paging through a list: `nextLink` after `nextLink`, with an end whatever the service sends.

use std::collections::HashSet;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use url::Url;

use super::client::{ChatClient, Fetched};
use super::error::{AcsError, NEXT_LINK_LOOP, TOO_MANY_PAGES};
use super::exchange::Exchange;
use super::models::Page;

/// Pages of a list, fetched one at a time as the caller asks, so the first page shows before the last arrives.
/// Stops at a missing `nextLink` or at an empty page (the service's usual last page, real-payloads.md §10).
/// A `nextLink` to any page already fetched (a loop of any length) or past the client's `max_pages`
/// ends the list with an error ([`AcsError::paging`], exit 4) after the page that carried it.
pub struct Pager<T> {
    client: ChatClient,
    next: Option<Url>,
    /// A digest of every URL fetched: memory stays small however long the links are.
    followed: HashSet<[u8; 16]>,
    /// The paging error to give once the pages before it were taken.
    stopped: Option<AcsError>,
    pages: usize,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub(super) fn new(client: ChatClient, first: Url) -> Self {
        Self {
            client,
            next: Some(first),
            followed: HashSet::new(),
            stopped: None,
            pages: 0,
            _item: PhantomData,
        }
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Whether another page (or the error that ends the list) may come.
    pub fn has_more(&self) -> bool {
        self.next.is_some() || self.stopped.is_some()
    }

    /// The URL the next page will come from.
    pub fn next_url(&self) -> Option<&Url> {
        self.next.as_ref()
    }

    /// Fetches the next page; `None` once the list is complete. After a request error the pager can
    /// be retried; after a paging error (loop, too many pages) it is complete.
    pub async fn next_page(&mut self) -> Option<Result<Fetched<Page<T>>, AcsError>> {
        if let Some(stopped) = self.stopped.take() {
            return Some(Err(stopped));
        }
        let url = self.next.clone()?;
        match self.client.get_json::<Page<T>>(url.clone()).await {
            Ok(page) => {
                self.pages += 1;
                self.followed.insert(link_digest(&url));
                self.next = None;
                if let Some(link) = page.value.next_link.as_deref()
                    && !page.value.value.is_empty()
                {
                    self.follow(link, &page.exchange);
                }
                Some(Ok(page))
            }
            Err(e) => Some(Err(e)),
        }
    }

    /// Takes `link` as the next page, unless it was followed before or the page budget is spent.
    fn follow(&mut self, link: &str, exchange: &Exchange) {
        let Some(next) = self.client.resolve_next_link(link) else {
            return;
        };
        let ms_cv = exchange.ms_cv().map(str::to_string);
        let max = self.client.config().max_pages;
        if self.followed.contains(&link_digest(&next)) {
            let message = format!(
                "{NEXT_LINK_LOOP}: page {} links back to a page already fetched ({}); the list ends here",
                self.pages,
                next.path()
            );
            self.stopped = Some(AcsError::paging(message, ms_cv, link));
        } else if self.pages >= max {
            let message = format!(
                "{TOO_MANY_PAGES}: stopped after {max} pages (--max-pages) while the service still offers more"
            );
            self.stopped = Some(AcsError::paging(message, ms_cv, link));
        } else {
            self.next = Some(next);
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

/// The first 16 bytes of the URL's SHA-256: two different links share one by chance with a
/// probability far below anything a listing could meet.
fn link_digest(url: &Url) -> [u8; 16] {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(url.as_str().as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest[..16]);
    key
}
