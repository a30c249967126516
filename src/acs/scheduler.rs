//! Requests for many threads at once, within the service's rate limits.
//!
//! Every request a client with a scheduler makes (each attempt, retries included) is admitted here:
//! at most `concurrency` are in flight, and each is counted on the documented limits it falls under
//! ([`super::limits`]), the same way the service counts (refused requests too). Pacing by those
//! counts starts either at once ([`Pacing::Documented`]: no request should ever be refused) or at
//! the first 429 ([`Pacing::Adaptive`]: a resource whose limits were raised — "Throttling limits
//! can be increased through a request to Azure Support", service-limits page — is not slowed down
//! for nothing, and a service that enforces the documented limits costs the requests in flight when
//! the first 429 came). After a 429 the keys of that request wait out its `retry-after`; a 429 on a
//! request that was already paced means the real limit is lower than documented (or another client
//! of the user shares it), and that limit is lowered by a fifth.
//!
//! Lists stay complete and in order: a pager asks for its pages one after another, the scheduler
//! only decides when each may go. Time is tokio's, so tests run it paused.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

use super::limits::{Classified, LimitKey, RATE_LIMITS, Windows};

/// When the documented limits start to pace the requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Pacing {
    /// From the first request: no request exceeds a documented limit.
    Documented,
    /// From the first 429 on (the service shows it enforces limits).
    #[default]
    Adaptive,
}

/// What the scheduler did, for progress lines and reports.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchedulerStats {
    /// Requests admitted (attempts, retries included).
    pub requests: u64,
    /// 429 answers reported back.
    pub throttled: u64,
    /// Requests that waited for a limit's window.
    pub paced: u64,
    /// Whether pacing by the documented limits is on.
    pub pacing: bool,
}

/// The default number of requests in flight at once.
pub const DEFAULT_CONCURRENCY: usize = 16;
/// Windows are counted this much longer than documented, so requests that arrive a little sooner
/// after one another than they left are still within the limit.
pub const WINDOW_MARGIN: Duration = Duration::from_millis(250);
/// The share of a limit kept after a 429 on a paced request.
const LOWERING: f64 = 0.8;

/// A cheap-to-clone scheduler; clones share the counters, so one per user.
#[derive(Clone)]
pub struct Scheduler(Arc<Inner>);

struct Inner {
    slots: Arc<Semaphore>,
    state: Mutex<State>,
}

struct State {
    pacing: bool,
    windows: Windows,
    /// Keys held back until this time by a 429's `retry-after`.
    cooldown: HashMap<LimitKey, Instant>,
    /// The limits in use (lowered after 429s on paced requests), by index into [`RATE_LIMITS`].
    allowed: Vec<u32>,
    stats: SchedulerStats,
}

/// A request that may go now; dropping it frees its slot.
pub struct Admission {
    scheduler: Scheduler,
    keys: Vec<LimitKey>,
    /// Whether pacing was on when it was admitted.
    pacing_on: bool,
    _slot: OwnedSemaphorePermit,
}

impl std::fmt::Debug for Scheduler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scheduler")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Scheduler {
    /// At most `concurrency` requests at once (at least one), paced as `pacing` says.
    pub fn new(concurrency: usize, pacing: Pacing) -> Self {
        Self(Arc::new(Inner {
            slots: Arc::new(Semaphore::new(concurrency.max(1))),
            state: Mutex::new(State {
                pacing: pacing == Pacing::Documented,
                windows: Windows::with_margin(WINDOW_MARGIN),
                cooldown: HashMap::new(),
                allowed: RATE_LIMITS.iter().map(|l| l.requests).collect(),
                stats: SchedulerStats {
                    pacing: pacing == Pacing::Documented,
                    ..SchedulerStats::default()
                },
            }),
        }))
    }

    pub fn stats(&self) -> SchedulerStats {
        self.state().stats
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.0.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits until a GET of `url` may go: a free slot, and room on every limit it counts on.
    pub async fn admit(&self, url: &Url) -> Admission {
        let keys = Classified::of_path(url.path())
            .map(|c| c.keys(""))
            .unwrap_or_default();
        let mut paced = false;
        loop {
            let wait = self.state().wait_until(&keys, Instant::now());
            if let Some(until) = wait {
                paced = true;
                tokio::time::sleep_until(until).await;
                continue;
            }
            let slot = self
                .0
                .slots
                .clone()
                .acquire_owned()
                .await
                .expect("the semaphore is never closed");
            // Time passed while waiting for the slot: check again, and count the request at the
            // moment it leaves.
            if let Some(pacing_on) = self.state().record_if_free(&keys, paced) {
                return Admission {
                    scheduler: self.clone(),
                    keys,
                    pacing_on,
                    _slot: slot,
                };
            }
        }
    }
}

impl State {
    /// Counts a request leaving now when it fits; gives whether pacing is on.
    fn record_if_free(&mut self, keys: &[LimitKey], paced: bool) -> Option<bool> {
        let now = Instant::now();
        if self.wait_until(keys, now).is_some() {
            return None;
        }
        self.windows.record(keys, now);
        self.stats.requests += 1;
        self.stats.paced += u64::from(paced);
        Some(self.pacing)
    }

    fn wait_until(&mut self, keys: &[LimitKey], now: Instant) -> Option<Instant> {
        let held = keys
            .iter()
            .filter_map(|k| self.cooldown.get(k).copied())
            .filter(|&until| until > now)
            .max();
        let full = if self.pacing {
            let allowed = &self.allowed;
            self.windows.next_free(keys, now, |k| allowed[k.limit])
        } else {
            None
        };
        held.max(full)
    }
}

impl Admission {
    /// The service answered 429: pacing starts (or, when this request was paced already, its
    /// limits are lowered), and its keys wait `retry_after` when the answer gave one.
    pub fn throttled(&self, retry_after: Option<Duration>) {
        let mut state = self.scheduler.state();
        state.stats.throttled += 1;
        if self.pacing_on {
            for key in &self.keys {
                let allowed = &mut state.allowed[key.limit];
                *allowed = ((f64::from(*allowed) * LOWERING) as u32).max(1);
            }
        }
        state.pacing = true;
        state.stats.pacing = true;
        if let Some(wait) = retry_after {
            let until = Instant::now() + wait;
            for key in &self.keys {
                let entry = state.cooldown.entry(key.clone()).or_insert(until);
                *entry = (*entry).max(until);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(path: &str) -> Url {
        Url::parse(&format!("http://127.0.0.1:1{path}?api-version=2025-03-15")).unwrap()
    }

    /// Admits `count` GETs of `path` at once; returns when each one went, from the start.
    async fn admit_all(scheduler: &Scheduler, path: &str, count: usize) -> Vec<Duration> {
        let start = Instant::now();
        let tasks: Vec<_> = (0..count)
            .map(|_| {
                let scheduler = scheduler.clone();
                let url = url(path);
                tokio::spawn(async move {
                    let admission = scheduler.admit(&url).await;
                    let at = start.elapsed();
                    // Held like a request of 50 ms.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    drop(admission);
                    at
                })
            })
            .collect();
        let mut times = Vec::new();
        for task in tasks {
            times.push(task.await.unwrap());
        }
        times.sort();
        times
    }

    /// The most requests in any window of `window` among sorted times.
    fn busiest(times: &[Duration], window: Duration) -> usize {
        (0..times.len())
            .map(|i| {
                times[i..]
                    .iter()
                    .take_while(|&&t| t < times[i] + window)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn documented_pacing_keeps_thread_reads_within_fifty_per_ten_seconds() {
        let scheduler = Scheduler::new(16, Pacing::Documented);
        let times = admit_all(&scheduler, "/chat/threads/19:a@thread.v2", 120).await;
        let window = Duration::from_secs(10) + WINDOW_MARGIN;
        assert_eq!(busiest(&times, window), 50);
        // 120 requests: two full windows, then the last 20 as the third opens.
        let last = *times.last().unwrap();
        assert!(
            last >= 2 * window && last < 2 * window + Duration::from_secs(1),
            "{last:?}"
        );
        let stats = scheduler.stats();
        assert_eq!(stats.requests, 120);
        assert_eq!(stats.throttled, 0);
        assert_eq!(stats.paced, 70);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrency_is_bounded_and_other_threads_are_not_held_up() {
        let scheduler = Scheduler::new(4, Pacing::Documented);
        // Participants: 10 per user per thread; two threads have separate budgets.
        let (a, b) = tokio::join!(
            admit_all(&scheduler, "/chat/threads/a/participants", 12),
            admit_all(&scheduler, "/chat/threads/b/participants", 12),
        );
        for times in [&a, &b] {
            assert_eq!(busiest(times, Duration::from_secs(10)), 10);
        }
        // Four slots, 50 ms each: the first twenty requests take five rounds.
        let mut all: Vec<Duration> = a.iter().chain(&b).copied().collect();
        all.sort();
        assert_eq!(busiest(&all, Duration::from_millis(50)), 4);
        assert_eq!(all[19], Duration::from_millis(200));
    }

    #[tokio::test(start_paused = true)]
    async fn adaptive_pacing_starts_at_the_first_429_and_honours_retry_after() {
        let scheduler = Scheduler::new(8, Pacing::Adaptive);
        let start = Instant::now();
        let thread = url("/chat/threads/t");
        for _ in 0..60 {
            let admission = scheduler.admit(&thread).await;
            drop(admission);
        }
        assert_eq!(start.elapsed(), Duration::ZERO, "unpaced before any 429");
        assert!(!scheduler.stats().pacing);
        scheduler
            .admit(&thread)
            .await
            .throttled(Some(Duration::from_millis(1500)));
        assert!(scheduler.stats().pacing);
        let waited = Instant::now();
        drop(scheduler.admit(&thread).await);
        // 61 counted in the window: the next waits until twelve have left it (and past retry-after).
        assert_eq!(waited.elapsed(), Duration::from_secs(10) + WINDOW_MARGIN);
        let stats = scheduler.stats();
        assert_eq!((stats.requests, stats.throttled, stats.paced), (62, 1, 1));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_holds_the_keys_of_its_request_only() {
        let scheduler = Scheduler::new(8, Pacing::Documented);
        let a = url("/chat/threads/a/messages");
        scheduler
            .admit(&a)
            .await
            .throttled(Some(Duration::from_secs(2)));
        let start = Instant::now();
        drop(scheduler.admit(&url("/chat/threads/b/messages")).await);
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(scheduler.admit(&a).await);
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn a_429_on_a_paced_request_lowers_its_limit() {
        let scheduler = Scheduler::new(8, Pacing::Documented);
        let receipts = url("/chat/threads/a/readReceipts");
        scheduler.admit(&receipts).await.throttled(None);
        // 5 per 10 s lowered to 4: three more fit, the fifth in the window waits.
        let start = Instant::now();
        for _ in 0..3 {
            drop(scheduler.admit(&receipts).await);
        }
        assert_eq!(start.elapsed(), Duration::ZERO);
        drop(scheduler.admit(&receipts).await);
        assert_eq!(start.elapsed(), Duration::from_secs(10) + WINDOW_MARGIN);
    }
}
