//! Watching a thread live: polls that see every new message, edit, delete, participant and topic
//! change once, at a polite pace.
//!
//! - A poll is one request: the newest [`WINDOW`] messages (`maxPageSize`). New messages, and edits
//!   and deletes of those newest messages, show in it ([`changes`] explains why participants and
//!   topics do too). Edits of older messages are not seen: the window is what `watch` watches.
//! - When every message of a poll is new (more arrived than the window holds), one catch-up listing
//!   with `startTime` just before the newest message known fetches exactly the ones missed
//!   (`startTime`: "the earliest point in time to get messages after", S25).
//! - [`pace`] spaces the polls and keeps within the service's rate limits.
//!
//! [`Watcher`] is what both `watch` and a live view use: [`Watcher::poll`] for one poll, or
//! [`Watcher::run`] for the loop with its waits.

pub mod changes;
pub mod pace;

use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::acs::{AcsError, ChatClient, ListOptions, RetryPolicy};
pub use changes::{ChangeKind, Tracker, WatchEvent};
use pace::{Outcome, Pace};

/// How many of the newest messages each poll lists (and so watches for edits and deletes).
pub const WINDOW: u32 = 20;
/// The default wait between polls while the thread changes.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(2);
/// A catch-up listing stops after this many pages (200 messages each, the documented maximum).
pub const MAX_CATCH_UP_PAGES: usize = 25;
const CATCH_UP_PAGE_SIZE: u32 = 200;

/// How to watch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchOptions {
    /// The wait between polls while the thread changes (it grows while nothing does).
    pub interval: Duration,
    /// Consecutive polls without a usable answer before giving up.
    pub max_failures: u32,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            interval: DEFAULT_INTERVAL,
            max_failures: 3,
        }
    }
}

/// A thread being watched.
pub struct Watcher {
    client: ChatClient,
    thread_id: String,
    tracker: Option<Tracker>,
    pace: Pace,
    options: WatchOptions,
    checked_at: Option<DateTime<Utc>>,
    failures: u32,
}

impl Watcher {
    /// A watcher whose first poll takes the baseline (changes are those after it). The client's own
    /// retries are turned off: the watcher paces retries itself.
    pub fn new(client: &ChatClient, thread_id: &str, options: WatchOptions) -> Self {
        Self {
            client: client.with_retry(RetryPolicy::none()),
            thread_id: thread_id.to_string(),
            tracker: None,
            pace: Pace::new(options.interval),
            options,
            checked_at: None,
            failures: 0,
        }
    }

    /// Starts from messages already shown (newest first, as listed): changes are those after them.
    pub fn with_baseline(mut self, messages: &[Value]) -> Self {
        self.tracker = Some(Tracker::baseline(messages));
        self
    }

    /// When the last poll got its answer.
    pub fn checked_at(&self) -> Option<DateTime<Utc>> {
        self.checked_at
    }

    /// The wait before the next poll.
    pub fn next_wait(&self) -> Duration {
        self.pace.interval()
    }

    /// One poll: the changes since the last one, oldest first (none for the baseline poll).
    pub async fn poll(&mut self) -> Result<Vec<WatchEvent>, AcsError> {
        let newest = self
            .list(
                ListOptions {
                    max_page_size: Some(WINDOW),
                    ..ListOptions::default()
                },
                1,
            )
            .await?;
        let seen = Utc::now();
        self.checked_at = Some(seen);
        let Some(tracker) = self.tracker.as_mut() else {
            self.tracker = Some(Tracker::baseline(&newest));
            return Ok(Vec::new());
        };
        let mut listed = Vec::new();
        if tracker.overflowed(&newest) {
            listed = self.catch_up().await?;
        }
        let tracker = self.tracker.as_mut().expect("set above");
        listed.extend(newest.iter().cloned());
        let events = tracker.observe(&listed, seen);
        tracker.forget_unlisted(&newest);
        Ok(events)
    }

    /// Every message after the newest one known (from a second before it: `createdOn` has second
    /// precision, and the tracker drops what it has seen).
    async fn catch_up(&mut self) -> Result<Vec<Value>, AcsError> {
        let since = self
            .tracker
            .as_ref()
            .and_then(Tracker::newest_created_on)
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| {
                (t.with_timezone(&Utc) - chrono::Duration::seconds(1))
                    .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
            });
        let options = ListOptions {
            max_page_size: Some(CATCH_UP_PAGE_SIZE),
            start_time: since,
            ..ListOptions::default()
        };
        self.list(options, MAX_CATCH_UP_PAGES).await
    }

    /// Up to `max_pages` pages of a message listing, each request within the rate limits.
    async fn list(
        &mut self,
        options: ListOptions,
        max_pages: usize,
    ) -> Result<Vec<Value>, AcsError> {
        let mut pager = self
            .client
            .list_messages_as::<Value>(&self.thread_id, &options)?;
        let mut items = Vec::new();
        while pager.has_more() && pager.pages() < max_pages {
            let wait = self.pace.wait_before_request(Instant::now());
            tokio::time::sleep(wait).await;
            self.pace.record(Instant::now());
            match pager.next_page().await {
                Some(page) => items.extend(page?.value.value),
                None => break,
            }
        }
        Ok(items)
    }

    /// Polls until `stop` is cancelled, giving each poll's changes to `on_poll` (an empty list after
    /// a quiet poll). Throttling and lost connections wait and try again; anything else (401, 403,
    /// 404, a body that is not a listing), or more than `max_failures` lost polls in a row, ends it.
    pub async fn run(
        mut self,
        stop: &CancellationToken,
        mut on_poll: impl FnMut(&[WatchEvent]),
    ) -> Result<(), AcsError> {
        loop {
            let polled = tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                polled = self.poll() => polled,
            };
            let outcome = match polled {
                Ok(events) => {
                    self.failures = 0;
                    on_poll(&events);
                    if events.is_empty() {
                        Outcome::Quiet
                    } else {
                        Outcome::Changed
                    }
                }
                Err(e) => self.outcome_of_error(e)?,
            };
            let wait = self.pace.after(outcome);
            tokio::select! {
                _ = stop.cancelled() => return Ok(()),
                _ = tokio::time::sleep(wait) => {}
            }
        }
    }

    fn outcome_of_error(&mut self, e: AcsError) -> Result<Outcome, AcsError> {
        match &e {
            AcsError::Service(s) if matches!(s.status, 429 | 503) => {
                tracing::info!(status = s.status, retry_after = ?s.retry_after, "watch throttled");
                Ok(Outcome::Throttled(s.retry_after))
            }
            AcsError::Transport { .. } if self.failures < self.options.max_failures => {
                self.failures += 1;
                tracing::info!(failures = self.failures, error = %e, "watch poll failed");
                Ok(Outcome::Failed)
            }
            _ => Err(e),
        }
    }
}
