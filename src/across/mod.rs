//! Work across every thread of the token's user: [`audit`] (membership, deletion, retention, last
//! message of each thread) and [`search`] (messages matching across threads).
//!
//! Both are streams the caller pulls: the thread list is paged as it is consumed, the per-thread
//! requests of many threads run at once through the client's [`crate::acs::Scheduler`] (bounded
//! concurrency, within the service's rate limits), and dropping the stream stops every request.
//! The headless subcommands print them; a UI can show them as they come.

pub mod audit;
pub mod search;

use futures::{Stream, StreamExt};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::acs::{AcsError, ChatClient, ChatThreadItem, ListOptions, Pager};

/// The default number of threads worked on at once.
pub const DEFAULT_THREADS_AT_ONCE: usize = 16;

/// One thread of the user's thread list: the item as the service sent it, and its typed view.
#[derive(Debug, Clone)]
pub struct ListedThread {
    /// Every field as sent, in the service's order (unknown fields kept).
    pub raw: Map<String, Value>,
    pub item: ChatThreadItem,
}

impl ListedThread {
    fn from_raw(raw: &RawValue) -> Result<Self, AcsError> {
        let decode = |e: serde_json::Error| AcsError::Decode {
            status: 200,
            message: format!("a thread list item is not a JSON object ({e})"),
            ms_cv: None,
            body_preview: raw.get().chars().take(200).collect(),
        };
        Ok(Self {
            raw: serde_json::from_str(raw.get()).map_err(decode)?,
            item: serde_json::from_str(raw.get()).map_err(decode)?,
        })
    }

    pub fn id(&self) -> &str {
        &self.item.id
    }
}

/// The user's threads in the service's order, one page requested at a time as the stream is pulled;
/// the stream ends after an error.
pub fn listed_threads(
    client: &ChatClient,
    options: &ListOptions,
) -> impl Stream<Item = Result<ListedThread, AcsError>> + use<> {
    let pager: Pager<Box<RawValue>> = client.list_threads_as(options);
    futures::stream::unfold(Some(pager), |pager| async move {
        let mut pager = pager?;
        match pager.next_page().await? {
            Ok(page) => {
                let items: Vec<_> = page
                    .value
                    .value
                    .iter()
                    .map(|raw| ListedThread::from_raw(raw))
                    .collect();
                Some((futures::stream::iter(items), Some(pager)))
            }
            Err(e) => Some((futures::stream::iter(vec![Err(e)]), None)),
        }
    })
    .flatten()
}

/// The status of a service error answer (not of a body that failed to decode).
pub(crate) fn service_status(error: &AcsError) -> Option<u16> {
    match error {
        AcsError::Service(e) => Some(e.status),
        _ => None,
    }
}
