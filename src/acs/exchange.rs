//! A record of every HTTP exchange: the evidence a support ticket needs.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One logical request (with its retries) and the answer it finally got.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Exchange {
    /// Increasing number, unique within one client and its clones.
    pub seq: u64,
    pub started_at: DateTime<Utc>,
    pub method: String,
    /// The full URL requested. URLs never hold secrets: the token travels in a header.
    pub url: String,
    /// `None` when no answer came back.
    pub status: Option<u16>,
    /// From the first attempt to the end of the last answer's body.
    pub duration: Duration,
    /// 1 plus the number of retries.
    pub attempts: u32,
    /// Response headers in the order and case received.
    pub headers: Vec<(String, String)>,
    /// The body as received (lossily UTF-8).
    pub body: String,
    /// Why no usable answer came, when none did.
    pub error: Option<String>,
    /// The attempts before the last one, which failed and were retried, oldest first.
    pub failed_attempts: Vec<FailedAttempt>,
}

/// An attempt that failed and was retried: what it got, and how long the client waited after it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FailedAttempt {
    /// `None` when no answer came (a connection reset).
    pub status: Option<u16>,
    pub ms_cv: Option<String>,
    /// Why it was retried: "throttled", "service unavailable", "connection reset".
    pub reason: String,
    /// The wait before the next attempt.
    pub wait: Duration,
}

impl Exchange {
    /// A header by name, ignoring case (`MS-CV` and `ms-cv` are both seen).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    pub fn ms_cv(&self) -> Option<&str> {
        self.header("ms-cv")
    }

    pub fn retries(&self) -> u32 {
        self.attempts.saturating_sub(1)
    }

    /// Path and query, as listed in bundles and the request log.
    pub fn path_and_query(&self) -> String {
        match url::Url::parse(&self.url) {
            Ok(u) => match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_string(),
            },
            Err(_) => self.url.clone(),
        }
    }

    /// The summary kept in bundles: never headers that could carry secrets, never the request's auth.
    pub fn summary(&self) -> ExchangeSummary {
        ExchangeSummary {
            started_at: self
                .started_at
                .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            method: self.method.clone(),
            path: self.path_and_query(),
            status: self.status,
            ms_cv: self.ms_cv().map(str::to_string),
            duration_ms: self.duration.as_millis() as u64,
            retries: self.retries(),
            error: self.error.clone(),
        }
    }
}

/// A header by name, ignoring case.
pub fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// What `bundle` lists under `requests`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExchangeSummary {
    pub started_at: String,
    pub method: String,
    pub path: String,
    pub status: Option<u16>,
    #[serde(rename = "MS-CV")]
    pub ms_cv: Option<String>,
    pub duration_ms: u64,
    pub retries: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The bounded in-memory log shared by a client and its clones; newest last.
#[derive(Debug, Clone)]
pub struct RequestLog {
    inner: Arc<Mutex<VecDeque<Arc<Exchange>>>>,
    capacity: usize,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::with_capacity(1000)
    }
}

impl RequestLog {
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(VecDeque::with_capacity(capacity.min(64)))),
            capacity: capacity.max(1),
        }
    }

    pub fn push(&self, exchange: Arc<Exchange>) {
        let mut log = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if log.len() == self.capacity {
            log.pop_front();
        }
        log.push_back(exchange);
    }

    /// Every exchange kept, oldest first.
    pub fn entries(&self) -> Vec<Arc<Exchange>> {
        let log = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        log.iter().cloned().collect()
    }

    pub fn len(&self) -> usize {
        self.inner.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(seq: u64) -> Arc<Exchange> {
        Arc::new(Exchange {
            seq,
            started_at: Utc::now(),
            method: "GET".into(),
            url: "https://x.communication.azure.com/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15".into(),
            status: Some(200),
            duration: Duration::from_millis(12),
            attempts: 2,
            headers: vec![("ms-cv".into(), "abc.0".into())],
            body: "{}".into(),
            error: None,
            failed_attempts: vec![],
        })
    }

    #[test]
    fn headers_match_in_any_case() {
        let e = exchange(1);
        assert_eq!(e.ms_cv(), Some("abc.0"));
        assert_eq!(e.header("MS-CV"), Some("abc.0"));
        assert_eq!(e.retries(), 1);
        assert_eq!(
            e.path_and_query(),
            "/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15"
        );
    }

    #[test]
    fn log_is_bounded_and_drops_oldest() {
        let log = RequestLog::with_capacity(3);
        for i in 0..5 {
            log.push(exchange(i));
        }
        let seqs: Vec<u64> = log.entries().iter().map(|e| e.seq).collect();
        assert_eq!(seqs, vec![2, 3, 4]);
    }
}
