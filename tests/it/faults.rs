//! A misbehaving service: every fault kind through the subcommands, and soak runs through 30 %
//! failures.

use crate::support::headless::{Served as Emulator, run_with_env, serve, serve_on};
use acs_chat_inspector::cli::FaultKind;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::emulator::stats::EmulatorStats;
use acs_chat_inspector::emulator::stats::STATS_PATH;
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Output;
use std::time::Duration;

const SUBCOMMANDS: [&str; 4] = ["thread", "message", "messages", "bundle"];

/// How long `expire` tokens keep working in these tests.
const EXPIRE_AFTER: Duration = Duration::from_millis(300);

fn emulator(fault: FaultKind) -> Emulator {
    serve(EmulatorConfig {
        faults: vec![fault],
        expire_after: EXPIRE_AFTER,
        ..EmulatorConfig::default()
    })
}

/// One second, enough for every answer but a stalled one; 10 MB takes longer in a debug build.
fn timeout(emu: &Emulator) -> &'static str {
    if emu.running.state().faults().has(FaultKind::Huge) {
        "10"
    } else {
        "1"
    }
}

fn run(emu: &Emulator, subcommand: &str) -> Output {
    let info = &emu.running.info;
    let mut args = vec![subcommand, info.thread_id.as_str()];
    if subcommand == "message" {
        args.push(&info.message_id);
    }
    args.extend(["--timeout", timeout(emu), "--retries", "1"]);
    run_with_env(
        &args,
        &[
            ("AZURE_COMMUNICATION_ENDPOINT", &info.endpoint),
            ("AZURE_COMMUNICATION_ACCESS_TOKEN", &info.token),
        ],
    )
}

/// The exit code the contract gives: message routes fail under the transport faults (no usable
/// answer), every route fails with 401 once `expire` has expired the token, data faults succeed.
fn expected_code(fault: FaultKind, subcommand: &str) -> i32 {
    use FaultKind::*;
    match fault {
        Stall | Reset | Truncate | Garbage if subcommand == "thread" => 0,
        Stall | Reset | Truncate | Garbage => 4,
        Expire => 3,
        Huge | Escape | Unicode | Unknown => 0,
    }
}

/// Raw ESC or BEL anywhere in `bytes`.
fn raw_escape(bytes: &[u8]) -> Option<String> {
    bytes
        .iter()
        .find(|b| matches!(b, 0x1b | 0x07))
        .map(|b| format!("byte {b:#04x}"))
}

/// A C1 control (U+0080..U+009F, such as U+009B, an 8-bit CSI) anywhere in `bytes`.
fn raw_c1(bytes: &[u8]) -> Option<String> {
    String::from_utf8_lossy(bytes)
        .chars()
        .find(|c| ('\u{80}'..='\u{9f}').contains(c))
        .map(|c| format!("C1 control U+{:04X}", c as u32))
}

/// Everything that must hold whatever the fault; returns stdout parsed when it holds a document.
fn check(fault: FaultKind, subcommand: &str, output: &Output) -> Option<Value> {
    let case = format!("--fault {fault:?} {subcommand}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(output.status.code(), Some(101), "{case} panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{case} panicked: {stderr}");
    let expected = expected_code(fault, subcommand);
    assert_eq!(output.status.code(), Some(expected), "{case}: {stderr}");
    if expected != 0 {
        assert!(
            stderr.starts_with("error: "),
            "{case}: one error line: {stderr}"
        );
    }
    assert_eq!(raw_escape(&output.stderr), None, "{case}: stderr {stderr}");
    assert_eq!(raw_c1(&output.stderr), None, "{case}: stderr {stderr}");
    assert_eq!(raw_escape(&output.stdout), None, "{case}: stdout");
    if output.stdout.is_empty() {
        assert_ne!(expected, 0, "{case}: success prints JSON");
        return None;
    }
    let parsed = serde_json::from_slice(&output.stdout);
    assert!(parsed.is_ok(), "{case}: stdout is one JSON document");
    parsed.ok()
}

fn exercise(fault: FaultKind) -> Vec<(&'static str, Output)> {
    let emu = emulator(fault);
    if fault == FaultKind::Expire {
        std::thread::sleep(EXPIRE_AFTER * 2);
    }
    let outputs: Vec<_> = SUBCOMMANDS.iter().map(|s| (*s, run(&emu, s))).collect();
    for (subcommand, output) in &outputs {
        check(fault, subcommand, output);
    }
    outputs
}

fn faults_in_parallel(faults: &[FaultKind]) {
    std::thread::scope(|scope| {
        let runs: Vec<_> = faults
            .iter()
            .map(|f| scope.spawn(move || exercise(*f)))
            .collect();
        for run in runs {
            run.join().expect("every fault case holds");
        }
    });
}

#[test]
fn transport_faults_fail_cleanly_on_the_message_routes_only() {
    use FaultKind::*;
    faults_in_parallel(&[Stall, Reset, Truncate, Garbage]);
}

#[test]
fn data_faults_succeed_without_leaking_escapes() {
    use FaultKind::*;
    faults_in_parallel(&[Escape, Unicode, Unknown]);
}

#[test]
fn expired_tokens_give_a_401_line() {
    for (subcommand, output) in exercise(FaultKind::Expire) {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or("");
        assert!(first.contains("401"), "{subcommand}: {stderr}");
    }
}

#[test]
fn escape_sequences_arrive_escaped_in_json() {
    let emu = emulator(FaultKind::Escape);
    let output = run(&emu, "messages");
    let items = check(FaultKind::Escape, "messages", &output).unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("\\u001b]52;"), "OSC 52 is kept, escaped");
    let contents = items.as_array().unwrap().iter();
    let hostile = contents
        .filter_map(|m| m["content"]["message"].as_str())
        .any(|t| t.contains("\u{1b}]0;pwned title"));
    assert!(hostile, "values are the service's, only escaped");
}

#[test]
fn huge_message_arrives_intact() {
    let emu = emulator(FaultKind::Huge);
    let lunch = emu.running.state().store().thread(LUNCH_THREAD_ID).unwrap();
    let newest = lunch.messages.get(lunch.messages.len() - 1);
    let served = newest.content.as_ref().unwrap().message.clone().unwrap();
    assert!(served.len() >= 10 * 1024 * 1024);
    for (subcommand, output) in exercise(FaultKind::Huge) {
        if subcommand == "messages" {
            let items = serde_json::from_slice::<Value>(&output.stdout).unwrap();
            let huge = items
                .as_array()
                .unwrap()
                .iter()
                .find(|m| m["id"] == newest.id);
            let text = huge.and_then(|m| m["content"]["message"].as_str());
            assert!(
                text == Some(served.as_str()),
                "the 10 MB message, byte for byte"
            );
        }
    }
}

#[test]
fn c1_controls_arrive_escaped_in_json() {
    let emu = emulator(FaultKind::Escape);
    for subcommand in SUBCOMMANDS {
        let output = run(&emu, subcommand);
        assert_eq!(raw_c1(&output.stdout), None, "{subcommand}: stdout");
    }
}

/// An emulator serving on its own runtime while the test runs the binary against it.
type Soak = Emulator;

impl Soak {
    fn start(messages: usize) -> Self {
        serve_on(
            2,
            EmulatorConfig {
                extra_messages: Some(messages),
                fail_rate: 0.3,
                latency: Duration::from_millis(1),
                latency_jitter: Duration::from_millis(4),
                ..EmulatorConfig::default()
            },
        )
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
    let soak = serve(EmulatorConfig {
        fail_rate: 1.0,
        ..EmulatorConfig::default()
    });
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
