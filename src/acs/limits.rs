//! The service's documented rate limits for the read operations, and a sliding-window log that counts
//! requests against them: the client's [`super::scheduler`] paces itself with it, the emulator's
//! `--rate-limit` refuses with it.
//!
//! Source: "Service limits for Azure Communication Services", section Chat, Rate Limits
//! (<https://learn.microsoft.com/azure/communication-services/concepts/service-limits>;
//! MicrosoftDocs/azure-docs `articles/communication-services/concepts/service-limits.md` @006552ff).
//! Beyond a limit the service answers 429, and "all requests accrue against your usage limits"
//! (same page): a refused request counts too.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// The read operations the limits name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    ListThreads,
    GetThread,
    GetMessage,
    ListMessages,
    ListParticipants,
    ListReadReceipts,
}

/// Whom a limit counts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One user, across threads.
    User,
    /// One user in one thread.
    UserThread,
    /// Everyone in one thread.
    Thread,
}

/// One row of the documented table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// A stable name, used in counters (`threadReadsPerUser`...).
    pub name: &'static str,
    pub operations: &'static [Operation],
    pub scope: Scope,
    pub requests: u32,
    pub window: Duration,
}

const TEN_SECONDS: Duration = Duration::from_secs(10);
const MINUTE: Duration = Duration::from_secs(60);

const fn limit(
    name: &'static str,
    operations: &'static [Operation],
    scope: Scope,
    requests: u32,
    window: Duration,
) -> RateLimit {
    RateLimit {
        name,
        operations,
        scope,
        requests,
        window,
    }
}

use Operation::*;

/// The documented limits of the read operations ("Limit per 10 seconds" and "Limit per minute").
pub const RATE_LIMITS: [RateLimit; 11] = [
    // "Get chat thread / List chat threads | per User | 50 | -": one budget for both.
    limit(
        "threadReadsPerUser",
        &[ListThreads, GetThread],
        Scope::User,
        50,
        TEN_SECONDS,
    ),
    limit(
        "getMessagePerUserPerThread",
        &[GetMessage],
        Scope::UserThread,
        50,
        TEN_SECONDS,
    ),
    limit(
        "getMessagePerThread",
        &[GetMessage],
        Scope::Thread,
        250,
        TEN_SECONDS,
    ),
    limit(
        "listMessagesPerUserPerThread",
        &[ListMessages],
        Scope::UserThread,
        50,
        TEN_SECONDS,
    ),
    limit(
        "listMessagesPerUserPerThreadPerMinute",
        &[ListMessages],
        Scope::UserThread,
        200,
        MINUTE,
    ),
    limit(
        "listMessagesPerThread",
        &[ListMessages],
        Scope::Thread,
        250,
        TEN_SECONDS,
    ),
    limit(
        "listMessagesPerThreadPerMinute",
        &[ListMessages],
        Scope::Thread,
        400,
        MINUTE,
    ),
    limit(
        "readReceiptsPerUserPerThread",
        &[ListReadReceipts],
        Scope::UserThread,
        5,
        TEN_SECONDS,
    ),
    limit(
        "readReceiptsPerThread",
        &[ListReadReceipts],
        Scope::Thread,
        100,
        TEN_SECONDS,
    ),
    limit(
        "participantsPerUserPerThread",
        &[ListParticipants],
        Scope::UserThread,
        10,
        TEN_SECONDS,
    ),
    limit(
        "participantsPerThread",
        &[ListParticipants],
        Scope::Thread,
        250,
        TEN_SECONDS,
    ),
];

/// A request as the limits see it: its operation and, for thread routes, the thread id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Classified {
    pub operation: Operation,
    pub thread_id: Option<String>,
}

impl Classified {
    /// The request of a GET on `path` (`/chat/threads/...`, after any endpoint path prefix), or
    /// `None` for paths no limit names. The thread id is percent-decoded, so encoded and raw forms
    /// of one id count together.
    pub fn of_path(path: &str) -> Option<Self> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let start = segments.windows(2).position(|w| w == ["chat", "threads"])?;
        let rest = &segments[start + 2..];
        let operation = match rest {
            [] => ListThreads,
            [_] => GetThread,
            [_, "messages"] => ListMessages,
            [_, "messages", _] => GetMessage,
            [_, "participants"] => ListParticipants,
            [_, "readReceipts"] => ListReadReceipts,
            _ => return None,
        };
        let thread_id = rest.first().map(|id| {
            percent_encoding::percent_decode_str(id)
                .decode_utf8_lossy()
                .into_owned()
        });
        Some(Self {
            operation,
            thread_id,
        })
    }

    /// The counters this request is counted on, for `user` (any fixed string when one user makes
    /// every request).
    pub fn keys(&self, user: &str) -> Vec<LimitKey> {
        RATE_LIMITS
            .iter()
            .enumerate()
            .filter(|(_, l)| l.operations.contains(&self.operation))
            .map(|(index, l)| LimitKey {
                limit: index,
                user: (l.scope != Scope::Thread).then(|| user.to_string()),
                thread: (l.scope != Scope::User)
                    .then(|| self.thread_id.clone())
                    .flatten(),
            })
            .collect()
    }
}

/// One counter: a limit, for one user and/or one thread as its scope says.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LimitKey {
    /// Index into [`RATE_LIMITS`].
    pub limit: usize,
    pub user: Option<String>,
    pub thread: Option<String>,
}

impl LimitKey {
    pub fn rate_limit(&self) -> &'static RateLimit {
        &RATE_LIMITS[self.limit]
    }
}

/// When each counter's requests were made, within its window (oldest first).
#[derive(Debug, Default)]
pub struct Windows {
    logs: HashMap<LimitKey, VecDeque<Instant>>,
    /// Windows are this much longer than documented: a safety margin for a clock that reads the
    /// time a request left, not when it arrived.
    margin: Duration,
}

impl Windows {
    pub fn with_margin(margin: Duration) -> Self {
        Self {
            logs: HashMap::new(),
            margin,
        }
    }

    /// When one more request on every key in `keys` fits, each key allowing `allowed(key)` requests
    /// per window; `None` when it fits now.
    pub fn next_free(
        &mut self,
        keys: &[LimitKey],
        now: Instant,
        allowed: impl Fn(&LimitKey) -> u32,
    ) -> Option<Instant> {
        keys.iter()
            .filter_map(|key| {
                let window = key.rate_limit().window + self.margin;
                let log = self.logs.get_mut(key)?;
                prune(log, now, window);
                let allowed = allowed(key).max(1) as usize;
                // Once the oldest `len - allowed + 1` entries have left the window, one more fits.
                (log.len() >= allowed).then(|| log[log.len() - allowed] + window)
            })
            .max()
    }

    /// Counts a request made at `now` on every key in `keys`.
    pub fn record(&mut self, keys: &[LimitKey], now: Instant) {
        for key in keys {
            let window = key.rate_limit().window + self.margin;
            let log = self.logs.entry(key.clone()).or_default();
            prune(log, now, window);
            log.push_back(now);
        }
    }

    /// Requests counted on `key` in the window ending at `now`.
    pub fn count(&mut self, key: &LimitKey, now: Instant) -> usize {
        let window = key.rate_limit().window + self.margin;
        self.logs.get_mut(key).map_or(0, |log| {
            prune(log, now, window);
            log.len()
        })
    }
}

fn prune(log: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while log.front().is_some_and(|&t| t + window <= now) {
        log.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_classified_with_decoded_thread_ids() {
        let get = Classified::of_path("/chat/threads/19%3Aa%40thread.v2").unwrap();
        assert_eq!(get.operation, GetThread);
        assert_eq!(get.thread_id.as_deref(), Some("19:a@thread.v2"));
        let raw = Classified::of_path("/prefix/chat/threads/19:a@thread.v2/messages").unwrap();
        assert_eq!(raw.operation, ListMessages);
        assert_eq!(raw.thread_id, get.thread_id);
        assert_eq!(
            Classified::of_path("/chat/threads").unwrap().operation,
            ListThreads
        );
        assert_eq!(
            Classified::of_path("/chat/threads/x/messages/1")
                .unwrap()
                .operation,
            GetMessage
        );
        assert_eq!(Classified::of_path("/identities/x/:issueAccessToken"), None);
        assert_eq!(Classified::of_path("/chat/threads/x/images/y"), None);
    }

    #[test]
    fn thread_reads_and_thread_lists_share_one_budget_per_user() {
        let list = Classified::of_path("/chat/threads").unwrap().keys("u");
        let get = Classified::of_path("/chat/threads/t").unwrap().keys("u");
        assert_eq!(list, get);
        assert_eq!(list[0].rate_limit().requests, 50);
        let messages = Classified::of_path("/chat/threads/t/messages")
            .unwrap()
            .keys("u");
        let names: Vec<&str> = messages.iter().map(|k| k.rate_limit().name).collect();
        assert_eq!(names.len(), 4, "{names:?}");
        let per_thread = messages
            .iter()
            .find(|k| k.rate_limit().scope == Scope::Thread)
            .unwrap();
        assert_eq!(per_thread.user, None);
        assert_eq!(per_thread.thread.as_deref(), Some("t"));
    }

    #[test]
    fn a_full_window_frees_when_its_oldest_request_leaves() {
        let keys = Classified::of_path("/chat/threads/t/readReceipts")
            .unwrap()
            .keys("u");
        let user_thread = &keys[0];
        assert_eq!(user_thread.rate_limit().requests, 5);
        let mut windows = Windows::with_margin(Duration::from_millis(100));
        let t0 = Instant::now();
        for i in 0..5 {
            let at = t0 + Duration::from_secs(i);
            assert_eq!(
                windows.next_free(&keys, at, |k| k.rate_limit().requests),
                None
            );
            windows.record(&keys, at);
        }
        let later = t0 + Duration::from_secs(5);
        let free = windows.next_free(&keys, later, |k| k.rate_limit().requests);
        assert_eq!(free, Some(t0 + Duration::from_millis(10_100)));
        assert_eq!(windows.count(user_thread, free.unwrap()), 4);
        // A refused request still counts: the next one waits for two to leave.
        windows.record(&keys, later);
        let free = windows.next_free(&keys, later, |k| k.rate_limit().requests);
        assert_eq!(free, Some(t0 + Duration::from_millis(11_100)));
    }
}
