//! Soak: the real binary pulls large threads through `messages` from an emulator that fails 30% of
//! requests with 429/503 and answers after a random delay. Every message must arrive exactly once,
//! newest first, with exit 0, and the emulator's counters must show the failures were met and retried.

use std::collections::HashSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

use crate::support::headless::run_with_env;
use acs_chat_inspector::emulator::stats::{EmulatorStats, STATS_PATH};
use acs_chat_inspector::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;

/// An emulator serving on its own runtime while the test runs the binary against it.
struct Soak {
    running: RunningEmulator,
    runtime: tokio::runtime::Runtime,
}

impl Soak {
    fn start(messages: usize) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime
            .block_on(start(EmulatorConfig {
                extra_messages: Some(messages),
                fail_rate: 0.3,
                latency: Duration::from_millis(1),
                latency_jitter: Duration::from_millis(4),
                ..EmulatorConfig::default()
            }))
            .unwrap();
        Self { running, runtime }
    }

    /// `messages <large thread>` with a log file; returns the output and the log.
    fn messages(&self, page_size: usize, log: &Path) -> Output {
        let info = &self.running.info;
        let thread = info.large_thread_id.as_deref().unwrap();
        let page_size = page_size.to_string();
        let log = log.to_str().expect("a UTF-8 temporary path");
        let args = [
            "messages",
            thread,
            "--page-size",
            &page_size,
            "--retries",
            "10",
        ];
        let rest = ["--timeout", "10", "--log-file", log];
        run_with_env(
            &[&args[..], &rest[..]].concat(),
            &[
                ("AZURE_COMMUNICATION_ENDPOINT", &info.endpoint),
                ("AZURE_COMMUNICATION_ACCESS_TOKEN", &info.token),
            ],
        )
    }

    /// The counters as served on the stats route.
    fn served_stats(&self) -> EmulatorStats {
        let url = format!("{}{STATS_PATH}", self.running.info.endpoint);
        let body = self
            .runtime
            .block_on(async { reqwest::get(url).await?.text().await })
            .unwrap();
        serde_json::from_str(&body).unwrap()
    }
}

/// Every message exactly once, newest first: sequenceIds run from `count` down to 1.
fn assert_complete_and_ordered(items: &[Value], count: usize) {
    assert_eq!(items.len(), count, "every message, no loss or duplicate");
    let ids: HashSet<&str> = items.iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), count, "message ids are unique");
    let sequence: Vec<usize> = items
        .iter()
        .map(|m| m["sequenceId"].as_str().unwrap().parse().unwrap())
        .collect();
    let expected: Vec<usize> = (1..=count).rev().collect();
    assert!(
        sequence == expected,
        "sequenceIds run {count}, {}, ..., 1",
        count - 1
    );
}

fn soak(messages: usize, page_size: usize) -> (Soak, Output, String) {
    let soak = Soak::start(messages);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("soak.log");
    let output = soak.messages(page_size, &log);
    let log = std::fs::read_to_string(&log).unwrap_or_default();
    (soak, output, log)
}

fn check_run(soak: &Soak, output: &Output, log: &str, messages: usize) {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "stderr: {stderr}");
    let items: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert_complete_and_ordered(&items, messages);

    let stats = soak.running.stats();
    let messages_route = &stats.routes["messages"];
    assert!(messages_route.throttled > 0 && messages_route.unavailable > 0);
    let retries = log.lines().filter(|l| l.contains("retrying")).count() as u64;
    assert_eq!(
        retries,
        stats.total.failures(),
        "every injected failure was retried"
    );
    assert_eq!(stats.total.statuses["200"] + retries, stats.total.requests);
    assert_eq!(
        soak.served_stats(),
        stats,
        "the stats route serves the same counters"
    );
    assert!(
        !log.contains(&soak.running.info.token),
        "the log holds no token"
    );
}

#[test]
fn ten_thousand_messages_through_thirty_percent_failures() {
    let (soak, output, log) = soak(10_000, 200);
    check_run(&soak, &output, &log, 10_000);
    assert!(soak.running.stats().routes["messages"].requests > 50);
}

#[test]
fn small_pages_through_thirty_percent_failures() {
    let (soak, output, log) = soak(1_000, 7);
    check_run(&soak, &output, &log, 1_000);
    assert!(soak.running.stats().routes["messages"].requests > 1_000 / 7);
}

#[test]
fn the_stats_route_is_never_failed_delayed_or_counted() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(start(EmulatorConfig {
            fail_rate: 1.0,
            ..EmulatorConfig::default()
        }))
        .unwrap();
    let soak = Soak { running, runtime };
    for _ in 0..3 {
        assert_eq!(soak.served_stats(), EmulatorStats::default());
    }
    let url = format!(
        "{}/chat/threads?api-version=2025-03-15",
        soak.running.info.endpoint
    );
    let status = soak
        .runtime
        .block_on(async { reqwest::get(url).await.map(|r| r.status().as_u16()) })
        .unwrap();
    assert!(status == 429 || status == 503);
    let stats = soak.served_stats();
    assert_eq!(stats.total.requests, 1);
    assert_eq!(stats.routes["threads"].failures(), 1);
}
