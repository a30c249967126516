//! How often `watch` polls: politely, and never beyond the service's rate limits.
//!
//! The documented limit for listing messages is 50 per user per thread per 10 s and 200 per minute
//! (`service-limits.md`, "Chat"; acs-chat-api.md "Limits"). A watched thread usually has the customer's
//! own application polling with the same user, so `watch` keeps to half of each: at most
//! [`PER_10_S`] requests in any 10 s and [`PER_MINUTE`] in any minute, whatever `--interval` says.
//!
//! Between polls the wait is the interval asked for while the thread changes, grows by half after
//! each poll that saw nothing (up to [`Pace::max_idle`]), and doubles when the service throttles
//! (429/503), never shorter than its `Retry-After`.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// Requests allowed in any 10 s: half of the documented 50.
pub const PER_10_S: usize = 25;
/// Requests allowed in any minute: half of the documented 200.
pub const PER_MINUTE: usize = 100;
/// The longest wait after throttling.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// What a poll came to, for the next wait.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outcome {
    /// Something changed.
    Changed,
    /// Nothing changed.
    Quiet,
    /// 429 or 503; the service's `Retry-After` when it gave one.
    Throttled(Option<Duration>),
    /// No usable answer (connection refused, reset, timeout).
    Failed,
}

/// The polling schedule and the rate limiter.
#[derive(Debug, Clone)]
pub struct Pace {
    base: Duration,
    current: Duration,
    /// A wait the service asked for, owed before the next request.
    owed: Duration,
    sent: VecDeque<Instant>,
}

impl Pace {
    pub fn new(base: Duration) -> Self {
        Self {
            base,
            current: base,
            owed: Duration::ZERO,
            sent: VecDeque::new(),
        }
    }

    /// The longest wait between quiet polls: eight intervals, at most a minute (never below the
    /// interval itself).
    pub fn max_idle(&self) -> Duration {
        (self.base * 8).min(Duration::from_secs(60)).max(self.base)
    }

    /// Takes a poll's outcome in; returns the wait before the next poll.
    pub fn after(&mut self, outcome: Outcome) -> Duration {
        self.owed = Duration::ZERO;
        self.current = match outcome {
            Outcome::Changed => self.base,
            Outcome::Quiet => self.current.mul_f64(1.5).min(self.max_idle()),
            Outcome::Throttled(asked) => {
                let doubled = (self.current * 2).min(MAX_BACKOFF);
                self.owed = asked.unwrap_or_default().min(MAX_BACKOFF);
                doubled.max(self.owed)
            }
            Outcome::Failed => (self.current * 2).min(MAX_BACKOFF),
        };
        self.current
    }

    /// The wait now in force.
    pub fn interval(&self) -> Duration {
        self.current
    }

    /// How long to wait before a request may be sent at `now` (zero: send it). Call
    /// [`Pace::record`] when it is sent.
    pub fn wait_before_request(&mut self, now: Instant) -> Duration {
        let minute = Duration::from_secs(60);
        while self
            .sent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= minute)
        {
            self.sent.pop_front();
        }
        let window_wait = |limit: usize, window: Duration| {
            let in_window: Vec<&Instant> = self
                .sent
                .iter()
                .filter(|t| now.duration_since(**t) < window)
                .collect();
            match in_window.len().checked_sub(limit) {
                // The oldest request that must leave the window before another may go.
                Some(excess) => window.saturating_sub(now.duration_since(*in_window[excess])),
                None => Duration::ZERO,
            }
        };
        window_wait(PER_10_S, Duration::from_secs(10)).max(window_wait(PER_MINUTE, minute))
    }

    /// Notes a request sent at `now`.
    pub fn record(&mut self, now: Instant) {
        self.sent.push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_polls_slow_down_and_a_change_restores_the_interval() {
        let mut pace = Pace::new(Duration::from_secs(2));
        assert_eq!(pace.after(Outcome::Quiet), Duration::from_secs(3));
        assert_eq!(pace.after(Outcome::Quiet), Duration::from_millis(4500));
        for _ in 0..20 {
            pace.after(Outcome::Quiet);
        }
        assert_eq!(pace.interval(), Duration::from_secs(16));
        assert_eq!(pace.after(Outcome::Changed), Duration::from_secs(2));
    }

    #[test]
    fn throttling_doubles_the_wait_and_honours_retry_after() {
        let mut pace = Pace::new(Duration::from_secs(2));
        assert_eq!(pace.after(Outcome::Throttled(None)), Duration::from_secs(4));
        assert_eq!(
            pace.after(Outcome::Throttled(Some(Duration::from_secs(30)))),
            Duration::from_secs(30)
        );
        assert_eq!(
            pace.after(Outcome::Throttled(Some(Duration::from_secs(1)))),
            Duration::from_secs(60)
        );
        assert_eq!(
            pace.after(Outcome::Throttled(Some(Duration::from_secs(9999)))),
            MAX_BACKOFF
        );
        assert_eq!(pace.after(Outcome::Failed), MAX_BACKOFF);
    }

    #[test]
    fn the_limiter_keeps_within_half_the_documented_limits() {
        let mut pace = Pace::new(Duration::from_millis(10));
        let start = Instant::now();
        let mut now = start;
        let mut sent = Vec::new();
        // Ask as fast as the limiter lets us for three simulated minutes.
        while now.duration_since(start) < Duration::from_secs(180) {
            let wait = pace.wait_before_request(now);
            if wait.is_zero() {
                pace.record(now);
                sent.push(now);
                now += Duration::from_millis(10);
            } else {
                now += wait;
            }
        }
        for (i, t) in sent.iter().enumerate() {
            let in_10_s = sent[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_secs(10));
            assert!(in_10_s.count() <= PER_10_S);
            let in_minute = sent[i..]
                .iter()
                .take_while(|u| u.duration_since(*t) < Duration::from_secs(60));
            assert!(in_minute.count() <= PER_MINUTE);
        }
        assert!(
            sent.len() >= 3 * PER_MINUTE - 1,
            "the limiter does not starve: {}",
            sent.len()
        );
    }
}
