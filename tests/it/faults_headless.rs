//! Every `--fault` kind against every headless read: the real binary never panics, exits with the
//! contract's code, prints nothing or one JSON document on stdout, and never lets a raw escape
//! byte from the data reach the terminal (stdout or stderr).

use std::process::Output;
use std::time::Duration;

use crate::support::headless::run_with_env;
use acs_chat_inspector::cli::FaultKind;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::emulator::{EmulatorConfig, RunningEmulator, start};
use serde_json::Value;

const SUBCOMMANDS: [&str; 4] = ["thread", "message", "messages", "bundle"];

/// How long `expire` tokens keep working in these tests.
const EXPIRE_AFTER: Duration = Duration::from_millis(300);

struct Emulator {
    running: RunningEmulator,
    _runtime: tokio::runtime::Runtime,
}

fn emulator(fault: FaultKind) -> Emulator {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(start(EmulatorConfig {
            faults: vec![fault],
            expire_after: EXPIRE_AFTER,
            ..EmulatorConfig::default()
        }))
        .unwrap();
    Emulator {
        running,
        _runtime: runtime,
    }
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
