//! What a diagnosis is computed from: the four parts of a thread as one identity fetched them, with
//! the service's refusals kept as evidence (a 403 on the participants list says something).

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::acs::{
    AcsError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadProperties,
};

/// Why a part did not arrive (whole).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PartError {
    /// The HTTP status, when the service answered.
    pub status: Option<u16>,
    /// The error line, as printed.
    pub message: String,
    pub ms_cv: Option<String>,
}

impl PartError {
    pub fn is_forbidden(&self) -> bool {
        self.status == Some(403)
    }
}

impl From<&AcsError> for PartError {
    fn from(e: &AcsError) -> Self {
        Self {
            status: e.status(),
            message: e.to_string(),
            ms_cv: e.ms_cv().map(str::to_string),
        }
    }
}

/// How fetching a part went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Outcome {
    /// Everything arrived.
    #[default]
    Complete,
    /// It failed (for a list: after the items kept, if any).
    Failed(PartError),
    /// It was not asked for (a bundle without it).
    NotFetched,
}

/// One part of a thread and how it was fetched.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Part<T> {
    pub value: T,
    pub outcome: Outcome,
    /// The `MS-CV`s of the answers that brought it (or refused it), in order.
    pub ms_cvs: Vec<String>,
}

impl<T> Part<T> {
    pub fn complete(value: T, ms_cvs: Vec<String>) -> Self {
        Self {
            value,
            outcome: Outcome::Complete,
            ms_cvs,
        }
    }

    pub fn is_complete(&self) -> bool {
        self.outcome == Outcome::Complete
    }

    pub fn error(&self) -> Option<&PartError> {
        match &self.outcome {
            Outcome::Failed(e) => Some(e),
            _ => None,
        }
    }

    /// The service answered 403 for it.
    pub fn is_forbidden(&self) -> bool {
        self.error().is_some_and(PartError::is_forbidden)
    }
}

impl<T: Default> Part<T> {
    /// A part that failed with `error`, holding `value` (the items that did arrive).
    pub fn failed(value: T, error: PartError, mut ms_cvs: Vec<String>) -> Self {
        ms_cvs.extend(error.ms_cv.clone());
        Self {
            value,
            outcome: Outcome::Failed(error),
            ms_cvs,
        }
    }
}

/// A thread as one identity saw it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ThreadData {
    pub thread_id: String,
    /// The identity whose token fetched the parts: refusals are its refusals. `None` when unknown.
    pub fetched_as: Option<String>,
    pub thread: Part<Option<ChatThreadProperties>>,
    /// In any order (the service sends newest first).
    pub messages: Part<Vec<ChatMessage>>,
    pub participants: Part<Vec<ChatParticipant>>,
    pub read_receipts: Part<Vec<ChatMessageReadReceipt>>,
}

/// The bundle fields of the parts, with the path suffix of their requests.
const BUNDLE_PARTS: [(&str, &str); 3] = [
    ("messages", "/messages"),
    ("participants", "/participants"),
    ("readReceipts", "/readReceipts"),
];

impl ThreadData {
    /// Reads a document written by `bundle` (or the TUI's export): its parts, the errors it recorded
    /// and the `MS-CV`s of its requests. Items that do not decode are skipped.
    pub fn from_bundle(bundle: &Value) -> Result<Self, String> {
        let thread: Option<ChatThreadProperties> = bundle
            .get("thread")
            .filter(|t| t.is_object())
            .and_then(|t| serde_json::from_value(t.clone()).ok());
        let thread_id = thread
            .as_ref()
            .map(|t| t.id.clone())
            .filter(|id| !id.is_empty())
            .ok_or("the bundle holds no thread with an id")?;
        let requests = bundle.get("requests").and_then(Value::as_array);
        let errors = bundle.get("errors").and_then(Value::as_array);
        let ms_cvs_of = |suffix: &str| bundle_ms_cvs(requests, suffix);
        let [messages, participants, read_receipts] = BUNDLE_PARTS;
        Ok(Self {
            thread_id,
            fetched_as: None,
            thread: Part::complete(thread, ms_cvs_of("")),
            messages: bundle_list(bundle, messages.0, errors, ms_cvs_of(messages.1)),
            participants: bundle_list(bundle, participants.0, errors, ms_cvs_of(participants.1)),
            read_receipts: bundle_list(bundle, read_receipts.0, errors, ms_cvs_of(read_receipts.1)),
        })
    }

    /// The same data, fetched by `raw_id`.
    pub fn fetched_by(mut self, raw_id: Option<&str>) -> Self {
        self.fetched_as = raw_id.map(str::to_string);
        self
    }
}

fn bundle_list<T: DeserializeOwned>(
    bundle: &Value,
    field: &str,
    errors: Option<&Vec<Value>>,
    ms_cvs: Vec<String>,
) -> Part<Vec<T>> {
    let Some(items) = bundle.get(field).and_then(Value::as_array) else {
        return Part {
            value: Vec::new(),
            outcome: Outcome::NotFetched,
            ms_cvs,
        };
    };
    let value = items
        .iter()
        .filter_map(|item| serde_json::from_value(item.clone()).ok())
        .collect();
    let error = errors
        .into_iter()
        .flatten()
        .find(|e| e.get("part").and_then(Value::as_str) == Some(field));
    match error {
        Some(e) => Part::failed(value, bundle_error(e), ms_cvs),
        None => Part::complete(value, ms_cvs),
    }
}

fn bundle_error(e: &Value) -> PartError {
    let text = |key: &str| e.get(key).and_then(Value::as_str).map(str::to_string);
    PartError {
        status: e
            .get("status")
            .and_then(Value::as_u64)
            .and_then(|s| u16::try_from(s).ok()),
        message: text("error").unwrap_or_default(),
        ms_cv: text("MS-CV"),
    }
}

/// The `MS-CV`s of the bundle's requests whose path (before the query) ends with `suffix`
/// (`""`: the thread itself, `/chat/threads/{id}`).
fn bundle_ms_cvs(requests: Option<&Vec<Value>>, suffix: &str) -> Vec<String> {
    requests
        .into_iter()
        .flatten()
        .filter(|r| {
            let path = r.get("path").and_then(Value::as_str).unwrap_or("");
            let path = path.split('?').next().unwrap_or("");
            let is_list = BUNDLE_PARTS.iter().any(|(_, s)| path.ends_with(s));
            match suffix {
                "" => path.contains("/chat/threads/") && !is_list,
                s => path.ends_with(s),
            }
        })
        .filter_map(|r| r.get("MS-CV").and_then(Value::as_str).map(str::to_string))
        .collect()
}
