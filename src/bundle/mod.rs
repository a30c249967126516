//! The bundle file format: what `bundle`, `e` and `E` write and what `open` and `diff` read.
//!
//! - [`FORMAT_VERSION`] 2 adds `formatVersion`, and to each entry of `requests` the full URL, the
//!   response headers and the response body, so an opened bundle can show the raw view of every
//!   exchange offline. Format 1 (no `formatVersion`) lists method, path, status, `MS-CV` and duration
//!   only; such bundles still open, without raw views.
//! - A redacted bundle says `"redacted": true` and, from format 2 on, `"redaction"`: which fields were
//!   blanked. Response bodies are redacted with the same rules as the items.
//! - No part of a bundle records a request header: the token travels only in `Authorization`.
//!
//! [`read::OpenedBundle::read`] turns a file into typed data plus its recorded exchanges.

pub mod read;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::acs::Exchange;
use crate::export::BundlePart;
pub use read::{BundleReadError, OpenedBundle, OpenedExchange};

/// The format `bundle`, `e` and `E` write now.
pub const FORMAT_VERSION: u32 = 2;

/// What redaction blanks, as listed under `"redaction"` (and assumed for format 1 redacted bundles).
pub const REDACTED_FIELDS: [&str; 7] = [
    "content.message",
    "topic",
    "displayName",
    "senderDisplayName",
    "metadata values",
    "attachment name, url, previewUrl",
    "response bodies (the same fields; a body that is not JSON is blanked whole)",
];

/// A response header as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// One HTTP exchange as a bundle lists it under `requests`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordedExchange {
    #[serde(default)]
    pub started_at: String,
    #[serde(default)]
    pub method: String,
    /// Path and query.
    #[serde(default)]
    pub path: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(rename = "MS-CV", default)]
    pub ms_cv: Option<String>,
    #[serde(default)]
    pub duration_ms: u64,
    #[serde(default)]
    pub retries: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The whole URL (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Response headers in the order received (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_headers: Option<Vec<Header>>,
    /// The response body as received, or redacted (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
    /// Fields of newer formats, kept.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl RecordedExchange {
    /// Everything of an exchange a bundle keeps: never a request header.
    pub fn from_exchange(e: &Exchange) -> Self {
        let summary = e.summary();
        Self {
            started_at: summary.started_at,
            method: summary.method,
            path: summary.path,
            status: summary.status,
            ms_cv: summary.ms_cv,
            duration_ms: summary.duration_ms,
            retries: summary.retries,
            error: summary.error,
            url: Some(e.url.clone()),
            response_headers: Some(
                e.headers
                    .iter()
                    .map(|(name, value)| Header {
                        name: name.clone(),
                        value: value.clone(),
                    })
                    .collect(),
            ),
            response_body: Some(e.body.clone()),
            extra: Map::new(),
        }
    }

    /// Whether the answer itself was recorded (format 2), so a raw view can show it.
    pub fn has_answer(&self) -> bool {
        self.response_headers.is_some() && self.response_body.is_some()
    }

    /// The exchange again, as the raw view and the request log take it. `endpoint` completes the URL
    /// of format 1 entries; `seq` numbers it.
    pub fn to_exchange(&self, endpoint: &str, seq: u64) -> Exchange {
        let url = self.url.clone().unwrap_or_else(|| {
            format!(
                "{}/{}",
                endpoint.trim_end_matches('/'),
                self.path.trim_start_matches('/')
            )
        });
        let headers = match &self.response_headers {
            Some(headers) => headers
                .iter()
                .map(|h| (h.name.clone(), h.value.clone()))
                .collect(),
            None => self
                .ms_cv
                .iter()
                .map(|cv| ("MS-CV".to_string(), cv.clone()))
                .collect(),
        };
        Exchange {
            seq,
            started_at: DateTime::parse_from_rfc3339(&self.started_at)
                .map(|t| t.with_timezone(&Utc))
                .unwrap_or_default(),
            method: self.method.clone(),
            url,
            status: self.status,
            duration: Duration::from_millis(self.duration_ms),
            attempts: self.retries.saturating_add(1),
            headers,
            body: self.response_body.clone().unwrap_or_default(),
            error: self.error.clone(),
            // A bundle keeps the retry count, not each failed attempt.
            failed_attempts: Vec::new(),
        }
    }

    /// Which part of the bundle this exchange fetched, from its path.
    pub fn part(&self) -> Option<BundlePart> {
        part_of_path(&self.path)
    }
}

/// `/chat/threads/{id}` is the thread, `.../messages` the messages, and so on.
pub fn part_of_path(path: &str) -> Option<BundlePart> {
    let path = path.split('?').next().unwrap_or_default();
    let rest = path.trim_end_matches('/').strip_prefix("/chat/threads/")?;
    match rest.split_once('/') {
        None => Some(BundlePart::Thread),
        Some((_, "messages")) => Some(BundlePart::Messages),
        Some((_, "participants")) => Some(BundlePart::Participants),
        Some((_, "readReceipts")) => Some(BundlePart::ReadReceipts),
        Some(_) => None,
    }
}

/// The exchanges of a log as shared, reusable values (the TUI's request log holds `Arc`s).
pub fn recorded(exchanges: &[Arc<Exchange>]) -> Vec<RecordedExchange> {
    exchanges
        .iter()
        .map(|e| RecordedExchange::from_exchange(e))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange() -> Exchange {
        Exchange {
            seq: 7,
            started_at: DateTime::parse_from_rfc3339("2026-01-02T03:04:05.678Z")
                .unwrap()
                .with_timezone(&Utc),
            method: "GET".into(),
            url:
                "http://127.0.0.1:9/chat/threads/19%3Aa%40thread.v2/messages?api-version=2025-03-15"
                    .into(),
            status: Some(200),
            duration: Duration::from_millis(12),
            attempts: 2,
            headers: vec![("ms-cv".into(), "cv.0".into()), ("x-a".into(), "b".into())],
            body: r#"{"value":[]}"#.into(),
            error: None,
            failed_attempts: vec![],
        }
    }

    #[test]
    fn an_exchange_survives_recording() {
        let recorded = RecordedExchange::from_exchange(&exchange());
        let text = serde_json::to_string(&recorded).unwrap();
        let back: RecordedExchange = serde_json::from_str(&text).unwrap();
        let again = back.to_exchange("http://ignored", 7);
        assert_eq!(again, exchange());
        assert_eq!(back.part(), Some(BundlePart::Messages));
        assert!(back.has_answer());
    }

    #[test]
    fn format_1_entries_become_exchanges_without_an_answer() {
        let v1: RecordedExchange = serde_json::from_str(
            r#"{"startedAt":"2026-01-02T03:04:05.678Z","method":"GET","path":"/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15","status":200,"MS-CV":"cv.1","durationMs":3,"retries":0}"#,
        )
        .unwrap();
        assert!(!v1.has_answer());
        let e = v1.to_exchange("https://x.communication.azure.com/", 1);
        assert_eq!(
            e.url,
            "https://x.communication.azure.com/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15"
        );
        assert_eq!(e.ms_cv(), Some("cv.1"));
        assert_eq!(v1.part(), Some(BundlePart::Thread));
    }

    #[test]
    fn parts_come_from_paths() {
        assert_eq!(
            part_of_path("/chat/threads/x/readReceipts?skip=2"),
            Some(BundlePart::ReadReceipts)
        );
        assert_eq!(
            part_of_path("/chat/threads/x/participants"),
            Some(BundlePart::Participants)
        );
        assert_eq!(part_of_path("/chat/threads/x/messages/1"), None);
        assert_eq!(part_of_path("/identities"), None);
    }
}
