//! What the emulator did during a run, for reliability figures: requests served, failures
//! injected (429 and 503), faults applied, requests refused by `--rate-limit`, and answer statuses,
//! per route kind.
//!
//! Served as JSON on `GET /_emulator/stats` (not an ACS route: no token, loopback clients only,
//! never delayed, failed or counted itself) and returned by [`super::RunningEmulator::stats`].

use std::collections::BTreeMap;
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::flags::FaultKind;

/// The path of the stats route.
pub const STATS_PATH: &str = "/_emulator/stats";

/// Counters of one route kind (or of the whole run).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteStats {
    /// Requests that reached the emulator.
    pub requests: u64,
    /// Answered 429 by `--fail-rate`.
    pub throttled: u64,
    /// Answered 503 by `--fail-rate`.
    pub unavailable: u64,
    /// Answered 429 by `--rate-limit`: beyond a documented rate limit.
    #[serde(default)]
    pub rate_limited: u64,
    /// Answers by status code (as text: JSON object keys).
    pub statuses: BTreeMap<String, u64>,
}

impl RouteStats {
    /// Failures injected by `--fail-rate` (429 and 503).
    pub fn failures(&self) -> u64 {
        self.throttled + self.unavailable
    }
}

/// A snapshot of the counters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmulatorStats {
    /// Every route together.
    pub total: RouteStats,
    /// By route kind: `threads`, `thread`, `messages`, `message`, `participants`, `readReceipts`,
    /// `identity`, `other`.
    pub routes: BTreeMap<String, RouteStats>,
    /// How often each `--fault` kind changed an answer (`stall`, `reset`, `truncate`, `garbage`).
    pub faults_applied: BTreeMap<String, u64>,
    /// Requests refused by `--rate-limit`, by the name of the limit exceeded
    /// (`threadReadsPerUser`...).
    #[serde(default)]
    pub rate_limits: BTreeMap<String, u64>,
}

/// How an answer came about, for the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Injected {
    None,
    Throttled,
    Unavailable,
}

/// The live counters; one lock, held for a few increments.
#[derive(Debug, Default)]
pub struct StatsRecorder(Mutex<EmulatorStats>);

impl StatsRecorder {
    /// Counts one answer on `path` with `status`.
    pub fn record(&self, path: &str, status: u16, injected: Injected) {
        let mut stats = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let stats = &mut *stats;
        let route = stats
            .routes
            .entry(route_kind(path).to_string())
            .or_default();
        for counters in [&mut stats.total, route] {
            counters.requests += 1;
            match injected {
                Injected::Throttled => counters.throttled += 1,
                Injected::Unavailable => counters.unavailable += 1,
                Injected::None => {}
            }
            *counters.statuses.entry(status.to_string()).or_default() += 1;
        }
    }

    /// Counts one answer changed by `kind`.
    pub fn fault_applied(&self, kind: FaultKind) {
        let mut stats = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *stats.faults_applied.entry(fault_name(kind)).or_default() += 1;
    }

    /// Counts one request on `path` refused for exceeding `limit` (its answer is recorded too).
    pub fn rate_limited(&self, path: &str, limit: &str) {
        let mut stats = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let stats = &mut *stats;
        *stats.rate_limits.entry(limit.to_string()).or_default() += 1;
        stats.total.rate_limited += 1;
        let route = stats
            .routes
            .entry(route_kind(path).to_string())
            .or_default();
        route.rate_limited += 1;
    }

    pub fn snapshot(&self) -> EmulatorStats {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// The flag value of a fault kind (`stall`, `reset`...).
pub fn fault_name(kind: FaultKind) -> String {
    use clap::ValueEnum;
    kind.to_possible_value()
        .map(|v| v.get_name().to_string())
        .unwrap_or_else(|| format!("{kind:?}").to_lowercase())
}

/// The route kind of a request path.
pub fn route_kind(path: &str) -> &'static str {
    if path.starts_with("/identities") || path.starts_with("/teamsUser") {
        return "identity";
    }
    let Some(rest) = path.strip_prefix("/chat/threads") else {
        return "other";
    };
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        [] => "threads",
        [_] => "thread",
        [_, "messages"] => "messages",
        [_, "messages", _] => "message",
        [_, "participants"] => "participants",
        [_, "readReceipts"] => "readReceipts",
        [_, "images", ..] | [_, "messages", _, "teamsInterop", ..] => "image",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_route_kinds() {
        assert_eq!(route_kind("/chat/threads"), "threads");
        assert_eq!(route_kind("/chat/threads/19%3Aa%40thread.v2"), "thread");
        assert_eq!(
            route_kind("/chat/threads/19:a@thread.v2/messages"),
            "messages"
        );
        assert_eq!(route_kind("/chat/threads/x/messages/123"), "message");
        assert_eq!(route_kind("/chat/threads/x/participants"), "participants");
        assert_eq!(route_kind("/chat/threads/x/readReceipts"), "readReceipts");
        assert_eq!(route_kind("/identities/abc/:issueAccessToken"), "identity");
        assert_eq!(route_kind("/nothing"), "other");
    }

    #[test]
    fn counters_add_up_per_route_and_in_total() {
        let recorder = StatsRecorder::default();
        recorder.record("/chat/threads/x/messages", 200, Injected::None);
        recorder.record("/chat/threads/x/messages", 429, Injected::Throttled);
        recorder.record("/chat/threads/x", 503, Injected::Unavailable);
        recorder.fault_applied(FaultKind::Truncate);
        let stats = recorder.snapshot();
        assert_eq!(stats.total.requests, 3);
        assert_eq!(stats.total.failures(), 2);
        assert_eq!(stats.routes["messages"].requests, 2);
        assert_eq!(stats.routes["messages"].throttled, 1);
        assert_eq!(stats.routes["thread"].unavailable, 1);
        assert_eq!(stats.total.statuses["429"], 1);
        assert_eq!(stats.faults_applied["truncate"], 1);
    }
}
