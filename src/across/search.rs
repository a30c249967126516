//! Messages matching across every thread of the user, reported as they are found.
//!
//! Each thread's messages are listed page by page (200 a page, the documented maximum of
//! ListMessages), many threads at once; with a message id, one `GET .../messages/{id}` per thread
//! instead. A thread whose messages answer 403 (a Teams meeting chat the user left) or 404 (deleted)
//! is reported as unreadable, not as a failure. A user who left an ACS thread still reads its history
//! up to their removal (azure-docs concepts/chat/concepts.md), so those threads are searched too.

use std::sync::Arc;

use futures::stream::{self, BoxStream};
use futures::{Stream, StreamExt};
use serde_json::value::RawValue;

use super::{ListedThread, service_status};
use crate::acs::endpoint::{encode_segment, validate_message_id};
use crate::acs::{AcsError, ChatClient, ChatMessage, ChatMessageType, ListOptions, Pager};

/// The documented maximum page size of ListMessages (service limits).
pub const MESSAGES_PAGE_SIZE: u32 = 200;
/// HTML is laid out this wide for matching: wide enough that no sentence wraps.
const HTML_WIDTH: usize = 100_000;

/// What to look for; every given part must match.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Query {
    /// Lower case, runs of white space as one space.
    text: Option<String>,
    /// A raw id, or a display name (compared without case).
    from: Option<String>,
    message_id: Option<String>,
}

impl Query {
    /// A query of the parts given; at least one is needed. Text is matched without case, HTML as the
    /// text it shows, topic changes by their new topic.
    pub fn new(
        text: Option<&str>,
        from: Option<&str>,
        message_id: Option<&str>,
    ) -> Result<Self, AcsError> {
        let text = text.map(normalize).filter(|t| !t.is_empty());
        let from = from
            .map(str::trim)
            .filter(|f| !f.is_empty())
            .map(str::to_string);
        let message_id = message_id
            .map(|id| validate_message_id(id).map(str::to_string))
            .transpose()?;
        if text.is_none() && from.is_none() && message_id.is_none() {
            return Err(AcsError::BadInput(
                "nothing to search for: give TEXT, --from RAWID or --id MESSAGE_ID".into(),
            ));
        }
        Ok(Self {
            text,
            from,
            message_id,
        })
    }

    pub fn message_id(&self) -> Option<&str> {
        self.message_id.as_deref()
    }

    pub fn matches(&self, message: &ChatMessage) -> bool {
        let id_matches = self
            .message_id
            .as_ref()
            .is_none_or(|id| message.id.trim() == id);
        id_matches && self.sender_matches(message) && self.text_matches(message)
    }

    fn sender_matches(&self, message: &ChatMessage) -> bool {
        let Some(from) = &self.from else {
            return true;
        };
        message.sender_raw_id().as_deref() == Some(from.as_str())
            || message
                .sender_name()
                .is_some_and(|name| name.trim().to_lowercase() == from.to_lowercase())
    }

    fn text_matches(&self, message: &ChatMessage) -> bool {
        match &self.text {
            None => true,
            Some(text) => normalize(&searchable_text(message)).contains(text.as_str()),
        }
    }
}

/// The text a reader sees: HTML rendered as text, the new topic of a topic change.
fn searchable_text(message: &ChatMessage) -> String {
    let Some(content) = &message.content else {
        return String::new();
    };
    match (&message.message_type, &content.message, &content.topic) {
        (ChatMessageType::Html, Some(html), _) => html2text::config::plain_no_decorate()
            .string_from_read(html.as_bytes(), HTML_WIDTH)
            .unwrap_or_else(|_| html.clone()),
        (_, Some(text), _) => text.clone(),
        (_, None, Some(topic)) => topic.clone(),
        _ => String::new(),
    }
}

fn normalize(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A matching message: the thread it is in, and the message as the service sent it.
#[derive(Debug, Clone)]
pub struct Found {
    pub thread_id: String,
    pub message: Box<RawValue>,
}

impl Found {
    /// `{"threadId": ..., "message": ...}`, the message unchanged.
    pub fn to_json(&self) -> Box<RawValue> {
        let id = serde_json::to_string(&self.thread_id).unwrap_or_default();
        let text = format!(r#"{{"threadId":{id},"message":{}}}"#, self.message.get());
        RawValue::from_string(text).expect("two JSON values make an object")
    }

    /// The message's typed view.
    pub fn parsed(&self) -> Option<ChatMessage> {
        serde_json::from_str(self.message.get()).ok()
    }
}

/// What a search reports as it goes.
#[derive(Debug, Clone)]
pub enum SearchEvent {
    Found(Found),
    /// A thread was searched to its end.
    Searched {
        thread_id: String,
    },
    /// A thread whose messages answered 403 or 404.
    Unreadable {
        thread_id: String,
        status: u16,
    },
}

/// Searches `threads` (usually [`super::listed_threads`]), `at_once` at a time; events come as they happen
/// (threads finish in any order, each thread's matches newest first). A thread that fails (other than
/// 403 and 404) is an error item; a failed thread list page ends the stream.
pub fn search(
    client: &ChatClient,
    query: Query,
    threads: impl Stream<Item = Result<ListedThread, AcsError>>,
    at_once: usize,
) -> impl Stream<Item = Result<SearchEvent, AcsError>> {
    let client = client.clone();
    let query = Arc::new(query);
    threads
        .map(move |listed| match listed {
            Ok(thread) => search_thread(client.clone(), query.clone(), thread),
            Err(e) => stream::iter([Err(e)]).boxed(),
        })
        .flatten_unordered(at_once.max(1))
}

fn search_thread(
    client: ChatClient,
    query: Arc<Query>,
    thread: ListedThread,
) -> BoxStream<'static, Result<SearchEvent, AcsError>> {
    let thread_id = thread.id().to_string();
    if query.message_id().is_some() {
        return stream::once(find_by_id(client, query, thread_id))
            .flat_map(stream::iter)
            .boxed();
    }
    let options = ListOptions {
        max_page_size: Some(MESSAGES_PAGE_SIZE),
        ..ListOptions::default()
    };
    let pager = match client.list_messages_as::<Box<RawValue>>(&thread_id, &options) {
        Ok(pager) => pager,
        Err(e) => return stream::iter([Err(e)]).boxed(),
    };
    let state = Some(PagedSearch {
        pager,
        query,
        thread_id,
    });
    stream::unfold(state, |state| async move { state?.next_events().await })
        .flat_map(stream::iter)
        .boxed()
}

/// One thread's message list being searched.
struct PagedSearch {
    pager: Pager<Box<RawValue>>,
    query: Arc<Query>,
    thread_id: String,
}

type Events = Vec<Result<SearchEvent, AcsError>>;

impl PagedSearch {
    /// The events of the next page, and the search to continue with (none after the last).
    async fn next_events(mut self) -> Option<(Events, Option<Self>)> {
        let thread_id = self.thread_id.clone();
        let Some(page) = self.pager.next_page().await else {
            return Some((vec![Ok(SearchEvent::Searched { thread_id })], None));
        };
        match page {
            Ok(page) => {
                let found = page.value.value.into_iter().filter_map(|message| {
                    let parsed = serde_json::from_str::<ChatMessage>(message.get()).ok()?;
                    self.query.matches(&parsed).then(|| {
                        Ok(SearchEvent::Found(Found {
                            thread_id: thread_id.clone(),
                            message,
                        }))
                    })
                });
                Some((found.collect(), Some(self)))
            }
            Err(e) => Some((vec![unreadable_or_error(e, thread_id)], None)),
        }
    }
}

async fn find_by_id(client: ChatClient, query: Arc<Query>, thread_id: String) -> Events {
    let mid = encode_segment(query.message_id().unwrap_or_default());
    let fetched = match client.thread_url(&thread_id, &format!("/messages/{mid}")) {
        Ok(url) => client.get_json::<Box<RawValue>>(url).await,
        Err(e) => Err(e),
    };
    let message = match fetched {
        Ok(fetched) => fetched.value,
        // Not in this thread.
        Err(e) if service_status(&e) == Some(404) => {
            return vec![Ok(SearchEvent::Searched { thread_id })];
        }
        Err(e) => return vec![unreadable_or_error(e, thread_id)],
    };
    let matches = serde_json::from_str::<ChatMessage>(message.get())
        .is_ok_and(|parsed| query.matches(&parsed));
    let mut events = Vec::new();
    if matches {
        events.push(Ok(SearchEvent::Found(Found {
            thread_id: thread_id.clone(),
            message,
        })));
    }
    events.push(Ok(SearchEvent::Searched { thread_id }));
    events
}

fn unreadable_or_error(e: AcsError, thread_id: String) -> Result<SearchEvent, AcsError> {
    match service_status(&e) {
        Some(status @ (403 | 404)) => Ok(SearchEvent::Unreadable { thread_id, status }),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: serde_json::Value) -> ChatMessage {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn text_matches_without_case_through_html_and_topic_changes() {
        let query = Query::new(Some("  Invoice\n4711 "), None, None).unwrap();
        let text = message(serde_json::json!({"id": "1", "type": "text",
            "content": {"message": "please check INVOICE   4711 today"}}));
        let html = message(serde_json::json!({"id": "2", "type": "html",
            "content": {"message": "<p>Invoice <b>4711</b> is &quot;paid&quot;</p>"}}));
        let topic = message(serde_json::json!({"id": "3", "type": "topicUpdated",
            "content": {"topic": "Invoice 4711 escalation"}}));
        let other = message(serde_json::json!({"id": "4", "type": "text",
            "content": {"message": "invoice 4712"}}));
        let tags_only = message(serde_json::json!({"id": "5", "type": "html",
            "content": {"message": "<a href=\"https://x/invoice 4711\">link</a>"}}));
        assert!(query.matches(&text) && query.matches(&html) && query.matches(&topic));
        assert!(!query.matches(&other) && !query.matches(&tags_only));
        let quoted = Query::new(Some("is \"paid\""), None, None).unwrap();
        assert!(quoted.matches(&html));
    }

    #[test]
    fn sender_by_raw_id_or_display_name_and_id_combine() {
        let m = message(serde_json::json!({"id": "1700000000000", "type": "text",
            "senderDisplayName": "Samantha",
            "senderCommunicationIdentifier": {"rawId": "8:acs:r_s"},
            "content": {"message": "hello"}}));
        assert!(
            Query::new(None, Some("8:acs:r_s"), None)
                .unwrap()
                .matches(&m)
        );
        assert!(
            Query::new(None, Some("samantha"), None)
                .unwrap()
                .matches(&m)
        );
        assert!(
            !Query::new(None, Some("8:acs:r_x"), None)
                .unwrap()
                .matches(&m)
        );
        let both = Query::new(Some("hello"), Some("8:acs:r_s"), Some("1700000000000")).unwrap();
        assert!(both.matches(&m));
        let wrong_id = Query::new(Some("hello"), None, Some("1700000000001")).unwrap();
        assert!(!wrong_id.matches(&m));
    }

    #[test]
    fn an_empty_query_is_bad_input() {
        assert!(matches!(
            Query::new(Some("  "), None, None),
            Err(AcsError::BadInput(_))
        ));
        assert!(Query::new(None, None, Some("1 2")).is_err());
    }

    #[test]
    fn found_keeps_the_message_as_sent() {
        let found = Found {
            thread_id: "19:a@thread.v2".into(),
            message: RawValue::from_string(r#"{"id":"1","z":[1, 2]}"#.into()).unwrap(),
        };
        assert_eq!(
            found.to_json().get(),
            r#"{"threadId":"19:a@thread.v2","message":{"id":"1","z":[1, 2]}}"#
        );
    }
}
