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
    trail: LinkTrail,
    /// The paging error to give once the pages before it were taken.
    stopped: Option<AcsError>,
    _item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Pager<T> {
    pub(super) fn new(client: ChatClient, first: Url) -> Self {
        let trail = LinkTrail::new(client.config().max_pages);
        Self {
            client,
            next: Some(first),
            trail,
            stopped: None,
            _item: PhantomData,
        }
    }

    /// Pages fetched so far.
    pub fn pages(&self) -> usize {
        self.trail.pages()
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
                self.trail.fetched(&url);
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

    /// Takes `link` as the next page, unless the trail says the list must end there.
    fn follow(&mut self, link: &str, exchange: &Exchange) {
        let Some(next) = self.client.resolve_next_link(link) else {
            return;
        };
        let message = match self.trail.judge(&next) {
            NextStep::Follow => {
                self.next = Some(next);
                return;
            }
            NextStep::Loop => format!(
                "{NEXT_LINK_LOOP}: page {} links back to a page already fetched ({}); the list ends here",
                self.trail.pages(),
                next.path()
            ),
            NextStep::TooManyPages => format!(
                "{TOO_MANY_PAGES}: stopped after {} pages (--max-pages) while the service still offers more",
                self.trail.pages()
            ),
        };
        let ms_cv = exchange.ms_cv().map(str::to_string);
        self.stopped = Some(AcsError::paging(message, ms_cv, link));
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
            on_page(self.pages(), items.len());
            if full {
                break;
            }
        }
        Ok(items)
    }
}

/// What a listing does with the next link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    Follow,
    /// The link leads to a page already fetched.
    Loop,
    /// The page budget is spent.
    TooManyPages,
}

/// Every URL a listing fetched, as a digest (memory stays small however long the links are), and
/// its page budget.
#[derive(Debug, Clone)]
pub struct LinkTrail {
    followed: HashSet<[u8; 16]>,
    pages: usize,
    max_pages: usize,
}

impl LinkTrail {
    pub fn new(max_pages: usize) -> Self {
        Self {
            followed: HashSet::new(),
            pages: 0,
            max_pages,
        }
    }

    /// Records that the page at `url` was fetched.
    pub fn fetched(&mut self, url: &Url) {
        self.pages += 1;
        self.followed.insert(link_digest(url));
    }

    pub fn pages(&self) -> usize {
        self.pages
    }

    /// Whether to follow `next` after the pages fetched so far.
    pub fn judge(&self, next: &Url) -> NextStep {
        if self.followed.contains(&link_digest(next)) {
            NextStep::Loop
        } else if self.pages >= self.max_pages {
            NextStep::TooManyPages
        } else {
            NextStep::Follow
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn url(n: usize) -> Url {
        Url::parse(&format!(
            "https://x.communication.azure.com/chat/threads?page={n}"
        ))
        .unwrap()
    }

    #[test]
    fn a_loop_of_any_length_is_noticed() {
        for len in [1, 2, 3, 50] {
            let mut trail = LinkTrail::new(1000);
            for n in 0..len {
                trail.fetched(&url(n));
                assert_eq!(trail.judge(&url(n + 1)), NextStep::Follow);
            }
            assert_eq!(trail.judge(&url(0)), NextStep::Loop, "{len}");
        }
    }

    #[test]
    fn the_page_budget_ends_a_list_of_new_links() {
        let mut trail = LinkTrail::new(3);
        for n in 0..3 {
            trail.fetched(&url(n));
        }
        assert_eq!(trail.judge(&url(3)), NextStep::TooManyPages);
        assert_eq!(trail.judge(&url(1)), NextStep::Loop);
    }
}
