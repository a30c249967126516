//! The ACS Chat REST client: read operations, retries, timeouts, paging, and an exchange log.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::Utc;
use serde::de::DeserializeOwned;
use url::Url;

use super::endpoint::{
    DEFAULT_API_VERSION, Endpoint, encode_segment, validate_message_id, validate_thread_id,
};
use super::error::{AcsError, ServiceError, TransportKind, parse_error_body};
use super::exchange::{Exchange, FailedAttempt, RequestLog, header_value};
use super::images::BinaryBody;
use super::models::{
    ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem, ChatThreadProperties,
};
use super::pager::Pager;
use super::retry::{RetryPolicy, is_retryable_status};
use super::scheduler::Scheduler;
use super::secret::AccessToken;

/// Bodies larger than this are refused rather than held in memory.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;
/// No listing follows more pages than this (`--max-pages`): a service that sends one new
/// `nextLink` after another cannot keep a listing going forever.
pub const DEFAULT_MAX_PAGES: usize = 100_000;

/// The `User-Agent` of every request.
pub const USER_AGENT: &str = concat!("acs-chat-inspector/", env!("CARGO_PKG_VERSION"));

/// The headers every request carries besides `Authorization` (HAR files list them with it).
pub const REQUEST_HEADERS: [(&str, &str); 2] =
    [("Accept", "application/json"), ("User-Agent", USER_AGENT)];

/// Something the client reports while it works (the TUI shows these).
#[derive(Debug, Clone)]
pub enum ClientEvent {
    /// Waiting before retry `attempt` of `max`.
    Retrying {
        attempt: u32,
        max: u32,
        delay: Duration,
        reason: String,
    },
    /// An exchange finished (success or not) and was logged.
    Logged(Arc<Exchange>),
}

type Observer = Arc<dyn Fn(ClientEvent) + Send + Sync>;

/// Settings of a client.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientConfig {
    pub endpoint: Endpoint,
    pub token: AccessToken,
    pub api_version: String,
    pub timeout: Duration,
    pub retry: RetryPolicy,
    pub max_body: usize,
    /// Pages one listing may follow ([`DEFAULT_MAX_PAGES`]).
    pub max_pages: usize,
}

impl ClientConfig {
    pub fn new(endpoint: Endpoint, token: AccessToken) -> Self {
        Self {
            endpoint,
            token,
            api_version: DEFAULT_API_VERSION.to_string(),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            max_body: DEFAULT_MAX_BODY,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

/// An answer and the exchange it came from (for raw views and tickets).
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    pub value: T,
    pub exchange: Arc<Exchange>,
}

/// Options of the list operations; `None` leaves the service's default.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListOptions {
    pub max_page_size: Option<u32>,
    /// Messages: the earliest time to list after. Threads: the earliest time up to.
    pub start_time: Option<String>,
    /// Participants and read receipts: the offset to start at.
    pub skip: Option<u32>,
}

/// A cheap-to-clone client; clones share the HTTP connection pool, the log and the sequence numbers.
#[derive(Clone)]
pub struct ChatClient {
    http: reqwest::Client,
    config: Arc<ClientConfig>,
    log: RequestLog,
    seq: Arc<AtomicU64>,
    observer: Option<Observer>,
    /// Admits every attempt when set: bounded concurrency within the service's rate limits.
    scheduler: Option<Scheduler>,
}

impl std::fmt::Debug for ChatClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl ChatClient {
    pub fn new(config: ClientConfig) -> Result<Self, AcsError> {
        let http = super::http::http_client(&config.endpoint, config.timeout)?;
        Ok(Self::with_http(http, config))
    }

    /// A client on an existing HTTP client (one connection pool for the whole program); build it
    /// with [`super::http::http_client`] so redirects and proxies are handled as everywhere else.
    pub fn with_http(http: reqwest::Client, config: ClientConfig) -> Self {
        Self {
            http,
            config: Arc::new(config),
            log: RequestLog::default(),
            seq: Arc::new(AtomicU64::new(1)),
            observer: None,
            scheduler: None,
        }
    }

    /// The same client, reporting retries and finished exchanges to `observer`.
    pub fn with_observer(&self, observer: impl Fn(ClientEvent) + Send + Sync + 'static) -> Self {
        Self {
            observer: Some(Arc::new(observer)),
            ..self.clone()
        }
    }

    /// The same client (and connection pool) with a log of its own: what it logs from now on is
    /// only its own requests'.
    pub fn with_own_log(&self) -> Self {
        Self {
            log: RequestLog::default(),
            ..self.clone()
        }
    }

    /// The same client, reporting to `observer` as well as to the observer it already has.
    pub fn with_added_observer(
        &self,
        observer: impl Fn(ClientEvent) + Send + Sync + 'static,
    ) -> Self {
        let Some(first) = self.observer.clone() else {
            return self.with_observer(observer);
        };
        self.with_observer(move |event| {
            first(event.clone());
            observer(event);
        })
    }

    /// The same client and log with another retry policy (a poller that paces itself wants none).
    pub fn with_retry(&self, retry: RetryPolicy) -> Self {
        let mut config = (*self.config).clone();
        config.retry = retry;
        Self {
            config: Arc::new(config),
            ..self.clone()
        }
    }

    /// The same client and log with another api-version.
    pub fn with_api_version(&self, api_version: &str) -> Self {
        let mut config = (*self.config).clone();
        config.api_version = api_version.to_string();
        Self {
            config: Arc::new(config),
            ..self.clone()
        }
    }

    /// The same client with a fresh log of at most `capacity` exchanges: a command that streams
    /// thousands of pages and needs no history then holds only the page in hand.
    pub fn with_log_capacity(&self, capacity: usize) -> Self {
        Self {
            log: RequestLog::with_capacity(capacity),
            ..self.clone()
        }
    }

    /// The same client, every request of it (and of its clones) admitted by `scheduler`.
    pub fn with_scheduler(&self, scheduler: Scheduler) -> Self {
        Self {
            scheduler: Some(scheduler),
            ..self.clone()
        }
    }

    pub fn scheduler(&self) -> Option<&Scheduler> {
        self.scheduler.as_ref()
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub fn log(&self) -> &RequestLog {
        &self.log
    }

    /// `GET /chat/threads/{id}`.
    pub async fn get_thread(
        &self,
        thread_id: &str,
    ) -> Result<Fetched<ChatThreadProperties>, AcsError> {
        self.get_json(self.thread_url(thread_id, "")?).await
    }

    /// `GET /chat/threads/{id}/messages/{mid}`.
    pub async fn get_message(
        &self,
        thread_id: &str,
        message_id: &str,
    ) -> Result<Fetched<ChatMessage>, AcsError> {
        let mid = encode_segment(validate_message_id(message_id)?);
        self.get_json(self.thread_url(thread_id, &format!("/messages/{mid}"))?)
            .await
    }

    /// `GET /chat/threads/{id}/messages`, newest first.
    pub fn list_messages(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<ChatMessage>, AcsError> {
        self.list_messages_as(thread_id, options)
    }

    /// Like [`Self::list_messages`] into any item type (`serde_json::Value` keeps items exactly as sent).
    pub fn list_messages_as<T: DeserializeOwned>(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<T>, AcsError> {
        let url = self.list_url(self.thread_url(thread_id, "/messages")?, options, false);
        Ok(Pager::new(self.clone(), url))
    }

    /// `GET /chat/threads/{id}/participants`.
    pub fn list_participants(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<ChatParticipant>, AcsError> {
        self.list_participants_as(thread_id, options)
    }

    pub fn list_participants_as<T: DeserializeOwned>(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<T>, AcsError> {
        let url = self.list_url(self.thread_url(thread_id, "/participants")?, options, true);
        Ok(Pager::new(self.clone(), url))
    }

    /// `GET /chat/threads/{id}/readReceipts`.
    pub fn list_read_receipts(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<ChatMessageReadReceipt>, AcsError> {
        self.list_read_receipts_as(thread_id, options)
    }

    pub fn list_read_receipts_as<T: DeserializeOwned>(
        &self,
        thread_id: &str,
        options: &ListOptions,
    ) -> Result<Pager<T>, AcsError> {
        let url = self.list_url(self.thread_url(thread_id, "/readReceipts")?, options, true);
        Ok(Pager::new(self.clone(), url))
    }

    /// `GET /chat/threads`: the threads the token's user belongs to.
    pub fn list_threads(&self, options: &ListOptions) -> Pager<ChatThreadItem> {
        self.list_threads_as(options)
    }

    pub fn list_threads_as<T: DeserializeOwned>(&self, options: &ListOptions) -> Pager<T> {
        let url = self.list_url(self.config.endpoint.join("chat/threads"), options, false);
        Pager::new(self.clone(), url)
    }

    /// The URL of a thread (plus a suffix), with `api-version`.
    pub fn thread_url(&self, thread_id: &str, suffix: &str) -> Result<Url, AcsError> {
        let tid = encode_segment(&validate_thread_id(thread_id)?);
        let mut url = self
            .config
            .endpoint
            .join(&format!("chat/threads/{tid}{suffix}"));
        url.query_pairs_mut()
            .append_pair("api-version", &self.config.api_version);
        Ok(url)
    }

    fn list_url(&self, mut url: Url, options: &ListOptions, offset_paging: bool) -> Url {
        if url.query().is_none() {
            url.query_pairs_mut()
                .append_pair("api-version", &self.config.api_version);
        }
        let mut q = url.query_pairs_mut();
        if let Some(n) = options.max_page_size {
            q.append_pair("maxPageSize", &n.to_string());
        }
        if let Some(t) = &options.start_time {
            q.append_pair("startTime", t);
        }
        if let (true, Some(skip)) = (offset_paging, options.skip) {
            q.append_pair("skip", &skip.to_string());
        }
        drop(q);
        url
    }

    /// Resolves a `nextLink`: absolute links are followed as given, but always on the endpoint's own
    /// scheme, host and port, so a link naming another host can never receive the token, and never
    /// with a user name or password of the service's choosing (they would go out as `Basic` auth).
    pub fn resolve_next_link(&self, link: &str) -> Option<Url> {
        let base = self.config.endpoint.url();
        let mut url = Url::parse(link)
            .or_else(|_| base.join(link.trim_start_matches('/')))
            .ok()?;
        url.set_username("").ok()?;
        url.set_password(None).ok()?;
        if url.origin() != base.origin() {
            url.set_scheme(base.scheme()).ok()?;
            url.set_host(base.host_str()).ok()?;
            url.set_port(base.port()).ok()?;
        }
        if !url.query_pairs().any(|(k, _)| k == "api-version") {
            url.query_pairs_mut()
                .append_pair("api-version", &self.config.api_version);
        }
        Some(url)
    }

    /// GETs a URL (with retries) and decodes its JSON body.
    pub async fn get_json<T: DeserializeOwned>(&self, url: Url) -> Result<Fetched<T>, AcsError> {
        let exchange = self.get(url).await?;
        let value = decode_body(&exchange)?;
        Ok(Fetched { value, exchange })
    }

    /// GETs a URL with retries; a success status gives its exchange, anything else an error.
    pub async fn get(&self, url: Url) -> Result<Arc<Exchange>, AcsError> {
        self.get_with_binary(url)
            .await
            .map(|(exchange, _)| exchange)
    }

    /// Like [`Self::get`], with the summary of an image body (whose bytes the exchange does not keep).
    pub(crate) async fn get_with_binary(
        &self,
        url: Url,
    ) -> Result<(Arc<Exchange>, Option<BinaryBody>), AcsError> {
        let started_at = Utc::now();
        let started = Instant::now();
        let max = self.config.retry.max_retries;
        let mut attempt = 0;
        let mut failed = Vec::new();
        loop {
            attempt += 1;
            let outcome = self.send_paced(&url).await;
            let retry_reason = match &outcome {
                Ok(answer) if is_retryable_status(answer.status) => {
                    Some(format!("{} from the service", answer.status))
                }
                Err(e) if e.kind == TransportKind::Reset => Some("connection reset".to_string()),
                _ => None,
            };
            if let (Some(reason), true) = (retry_reason, attempt <= max) {
                let headers = outcome
                    .as_ref()
                    .map(|a| a.headers.as_slice())
                    .unwrap_or(&[]);
                let delay = self.config.retry.delay(attempt, headers, Utc::now());
                let reason = match &outcome {
                    Ok(a) if a.status == 429 => "throttled".to_string(),
                    Ok(a) if a.status == 503 => "service unavailable".to_string(),
                    _ => reason,
                };
                tracing::info!(url = %url.path(), attempt, delay_ms = delay.as_millis() as u64, %reason, "retrying");
                failed.push(FailedAttempt {
                    status: outcome.as_ref().ok().map(|a| a.status),
                    ms_cv: header_value(headers, "ms-cv").map(str::to_string),
                    reason: reason.clone(),
                    wait: delay,
                });
                self.notify(ClientEvent::Retrying {
                    attempt,
                    max,
                    delay,
                    reason,
                });
                tokio::time::sleep(delay).await;
                continue;
            }
            let elapsed = started.elapsed();
            let exchange = self.record(&url, (started_at, elapsed), attempt, failed, &outcome);
            return match outcome {
                Ok(answer) if (200..300).contains(&answer.status) => Ok((exchange, answer.binary)),
                Ok(answer) => Err(service_error(answer, &exchange)),
                Err(e) => Err(AcsError::Transport {
                    kind: e.kind,
                    message: e.message,
                }),
            };
        }
    }

    fn notify(&self, event: ClientEvent) {
        if let Some(observer) = &self.observer {
            observer(event);
        }
    }

    fn record(
        &self,
        url: &Url,
        (started_at, duration): (chrono::DateTime<Utc>, Duration),
        attempts: u32,
        failed_attempts: Vec<FailedAttempt>,
        outcome: &Result<RawAnswer, TransportError>,
    ) -> Arc<Exchange> {
        let (status, headers, body, error) = match outcome {
            Ok(a) => (
                Some(a.status),
                a.headers.clone(),
                a.body.clone(),
                a.error.clone(),
            ),
            Err(e) => (None, Vec::new(), String::new(), Some(e.message.clone())),
        };
        let exchange = Arc::new(Exchange {
            seq: self.seq.fetch_add(1, Ordering::Relaxed),
            started_at,
            method: "GET".into(),
            url: url.to_string(),
            status,
            duration,
            attempts,
            headers,
            body,
            error,
            failed_attempts,
        });
        tracing::debug!(
            seq = exchange.seq,
            path = %url.path(),
            status = ?exchange.status,
            ms = duration.as_millis() as u64,
            ms_cv = exchange.ms_cv().unwrap_or(""),
            "exchange"
        );
        self.log.push(exchange.clone());
        self.notify(ClientEvent::Logged(exchange.clone()));
        exchange
    }

    /// One attempt, admitted by the scheduler when there is one, which learns of a 429.
    async fn send_paced(&self, url: &Url) -> Result<RawAnswer, TransportError> {
        let Some(scheduler) = &self.scheduler else {
            return self.send_once(url).await;
        };
        let admission = scheduler.admit(url).await;
        let outcome = self.send_once(url).await;
        if let Some(answer) = outcome.as_ref().ok().filter(|a| a.status == 429) {
            admission.throttled(super::retry::retry_after(&answer.headers, Utc::now()));
        }
        outcome
    }

    async fn send_once(&self, url: &Url) -> Result<RawAnswer, TransportError> {
        let response = self
            .http
            .get(url.clone())
            .bearer_auth(self.config.token.expose())
            .header(REQUEST_HEADERS[0].0, REQUEST_HEADERS[0].1)
            .send()
            .await
            .map_err(TransportError::from_reqwest)?;
        let status = response.status().as_u16();
        let headers: Vec<(String, String)> = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let content_type = header_value(&headers, "content-type").map(str::to_string);
        let (bytes, error) = read_body(response, self.config.max_body).await?;
        let binary = BinaryBody::read(&bytes, content_type.as_deref());
        let body = match &binary {
            Some(image) => image.placeholder(),
            None => String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        };
        Ok(RawAnswer {
            status,
            headers,
            body,
            error,
            binary,
        })
    }
}

/// What one attempt got back.
struct RawAnswer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
    /// Set when the body was cut off at the size limit.
    error: Option<String>,
    /// An image body: its size and dimensions (`body` then holds a placeholder).
    binary: Option<BinaryBody>,
}

struct TransportError {
    kind: TransportKind,
    message: String,
}

impl TransportError {
    fn from_reqwest(e: reqwest::Error) -> Self {
        let chain = error_chain(&e);
        let lower = chain.to_ascii_lowercase();
        let kind = if e.is_timeout() {
            TransportKind::Timeout
        } else if lower.contains("certificate")
            || lower.contains("tls")
            || lower.contains("handshake")
        {
            TransportKind::Tls
        } else if e.is_connect() {
            TransportKind::Connect
        } else if e.is_body()
            || e.is_decode()
            || lower.contains("reset")
            || lower.contains("incomplete")
            || lower.contains("closed")
        {
            TransportKind::Reset
        } else {
            TransportKind::Other
        };
        let what = match kind {
            TransportKind::Timeout => "timed out",
            TransportKind::Connect => "could not connect",
            TransportKind::Tls => "TLS failed",
            TransportKind::Reset => "connection reset before the whole answer arrived",
            TransportKind::Other => "request failed",
        };
        let url = e
            .url()
            .map(|u| format!(" ({}{})", u.origin().ascii_serialization(), u.path()))
            .unwrap_or_default();
        Self {
            kind,
            message: format!("{what}{url}: {chain}"),
        }
    }
}

/// Maps a failed request (no answer) to the client's error, with the same kinds and wording as chat requests.
pub fn transport_error(e: reqwest::Error) -> AcsError {
    let e = TransportError::from_reqwest(e);
    AcsError::Transport {
        kind: e.kind,
        message: e.message,
    }
}

/// The error and its causes on one line (reqwest's own Display hides the cause).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

async fn read_body(
    mut response: reqwest::Response,
    max: usize,
) -> Result<(Vec<u8>, Option<String>), TransportError> {
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(TransportError::from_reqwest)?
    {
        if body.len() + chunk.len() > max {
            body.truncate(4096);
            return Ok((
                body,
                Some(format!(
                    "the body is larger than {} MiB and was not read",
                    max / (1024 * 1024)
                )),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok((body, None))
}

fn service_error(answer: RawAnswer, exchange: &Exchange) -> AcsError {
    let parsed = parse_error_body(answer.body.as_bytes());
    AcsError::Service(Box::new(ServiceError {
        status: answer.status,
        code: parsed.code,
        message: parsed.message,
        target: parsed.target,
        details: parsed.details,
        ms_cv: exchange.ms_cv().map(str::to_string),
        retry_after: super::retry::retry_after(&answer.headers, Utc::now()),
        location: (300..400)
            .contains(&answer.status)
            .then(|| super::exchange::header_value(&answer.headers, "location"))
            .flatten()
            .map(str::to_string),
        body: answer.body,
    }))
}

/// Decodes a successful exchange's body, with an error that says what was wrong with it.
pub fn decode_body<T: DeserializeOwned>(exchange: &Exchange) -> Result<T, AcsError> {
    let status = exchange.status.unwrap_or(0);
    let fail = |message: String| AcsError::Decode {
        status,
        message,
        ms_cv: exchange.ms_cv().map(str::to_string),
        body_preview: exchange.body.chars().take(200).collect(),
    };
    if let Some(err) = &exchange.error {
        return Err(fail(format!("{status} but {err}")));
    }
    if exchange.body.trim().is_empty() {
        return Err(fail(format!(
            "{status} with an empty body where JSON was expected"
        )));
    }
    serde_json::from_str(&exchange.body).map_err(|e| {
        let what = if e.is_eof() {
            "the JSON body is truncated"
        } else if e.is_syntax() {
            "the body is not JSON"
        } else {
            "the JSON body does not have the expected shape"
        };
        fail(format!(
            "{status} but {what} ({e}; {} bytes)",
            exchange.body.len()
        ))
    })
}
