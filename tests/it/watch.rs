//! `watch` against a changing demo thread: each change printed once, in order; SIGINT/SIGTERM end it
//! with exit 0; `--har` records every poll. Driven by the emulator's own changes and counters, and by
//! waiting for lines, never by the clock.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use serde_json::Value;

use crate::support::cases::*;

#[test]
fn each_change_is_printed_once_in_order_and_sigterm_ends_with_exit_0() {
    let emu = Emulator::start();
    let (_dir, har) = temp_file("watch.har");
    let args = emu.args(&[
        "watch",
        LUNCH_THREAD_ID,
        "--interval",
        "0.2",
        "--har",
        path_str(&har),
    ]);
    let watch = Watch::start(&args);
    wait_until("the baseline poll", || emu.message_listings() >= 1);
    for _ in 0..10 {
        let change = emu.step();
        let event = watch.next_event();
        assert_eq!(event["event"], change.event, "{event}");
        assert_eq!(event["messageId"], change.message_id.as_str(), "{event}");
        assert_eq!(
            event["message"]["version"],
            change.version.as_str(),
            "{event}"
        );
        assert_eq!(event["at"], change.at.as_str(), "{event}");
    }
    // Quiet polls after the last change print nothing again.
    let polls = emu.message_listings();
    wait_until("two more polls", || emu.message_listings() >= polls + 2);
    let (code, rest) = watch.stop(libc::SIGTERM);
    assert_eq!(code, 0);
    assert!(rest.is_empty(), "a change was printed twice: {rest:?}");
    let har: Value = serde_json::from_slice(&std::fs::read(&har).unwrap()).unwrap();
    assert_valid_har(&har);
    let entries = har["log"]["entries"].as_array().unwrap().len() as u64;
    // A poll cut short by the signal has no answer to record.
    let polls = emu.message_listings();
    assert!(
        entries == polls || entries + 1 == polls,
        "{entries} entries for {polls} polls"
    );
}

#[test]
fn against_the_emulator_with_activity_every_line_is_one_change_of_its_log() {
    let mut emulator = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
        .args(["emulator", "--activity", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(emulator.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let info: Value = serde_json::from_str(&first).unwrap();
    let (endpoint, token) = (
        info["endpoint"].as_str().unwrap(),
        info["token"].as_str().unwrap(),
    );
    let watch = Watch::start(&[
        "watch",
        LUNCH_THREAD_ID,
        "--interval",
        "0.3",
        "--endpoint",
        endpoint,
        "--token",
        token,
    ]);
    let seen: Vec<Value> = (0..4).map(|_| watch.next_event()).collect();
    let (code, rest) = watch.stop(libc::SIGINT);
    assert_eq!(code, 0);
    let log = activity_log(endpoint);
    let positions: Vec<usize> = seen
        .iter()
        .chain(
            rest.iter()
                .map(|l| serde_json::from_str::<Value>(l).unwrap())
                .collect::<Vec<_>>()
                .iter(),
        )
        .map(|e| {
            log.iter()
                .position(|c| c["event"] == e["event"] && c["messageId"] == e["messageId"])
                .unwrap_or_else(|| panic!("{e} is no change the emulator made"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "out of order or twice: {positions:?}"
    );
    unsafe { libc::kill(emulator.id() as i32, libc::SIGTERM) };
    assert_eq!(emulator.wait().unwrap().code(), Some(0));
}

fn activity_log(endpoint: &str) -> Vec<Value> {
    let url = format!("{endpoint}/_emulator/activity");
    let body = std::thread::spawn(move || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            reqwest::get(url)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        })
    })
    .join()
    .unwrap();
    body["changes"].as_array().unwrap().clone()
}

#[test]
fn a_bad_interval_is_refused_before_any_request() {
    let out =
        crate::support::headless::run(&["--demo", "watch", LUNCH_THREAD_ID, "--interval", "0"]);
    assert_eq!(crate::support::headless::code(&out), 2);
    assert!(crate::support::headless::stderr(&out).contains("--interval"));
}
