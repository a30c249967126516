//! Bundles read back: `bundle` then reading the file gives the same data, with a raw view of every
//! exchange; `open --check` says what a file holds or, for a file that is not a bundle, where it is not.

use acs_chat_inspector::bundle::OpenedBundle;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::export::BundlePart;
use serde_json::Value;

use crate::support::cases::*;
use crate::support::headless::{code, json, stderr};

fn bundle_file(emu: &Emulator, extra: &[&str]) -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, path) = temp_file("lunch.json");
    let mut args = vec!["bundle", LUNCH_THREAD_ID, "-o", path_str(&path)];
    args.extend_from_slice(extra);
    let out = emu.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    (dir, path)
}

#[test]
fn a_bundle_reads_back_as_the_thread_the_service_lists() {
    let emu = Emulator::start();
    let (_dir, path) = bundle_file(&emu, &[]);
    let opened = OpenedBundle::read(&path).unwrap();
    let listed = json(&emu.run(&["messages", LUNCH_THREAD_ID]));
    assert_eq!(Value::Array(opened.raw.messages.clone()), listed);
    let thread = json(&emu.run(&["thread", LUNCH_THREAD_ID]));
    assert_eq!(opened.raw.thread, thread);
    let participants = json(&emu.run(&["participants", LUNCH_THREAD_ID]));
    assert_eq!(Value::Array(opened.raw.participants.clone()), participants);
    assert_eq!(opened.format_version, 2);
    assert_eq!(opened.thread.id, LUNCH_THREAD_ID);
    assert_eq!(opened.messages.len(), opened.raw.messages.len());
    // Every panel has its raw view: the thread's answer and the page of every message.
    let thread_answer: Value =
        serde_json::from_str(&opened.thread_exchange().unwrap().body).unwrap();
    assert_eq!(thread_answer, thread);
    for m in &opened.messages {
        let page = opened
            .exchange_of_message(&m.id)
            .expect("each message has its page");
        assert!(page.body.contains(&format!("\"id\":\"{}\"", m.id)));
        assert!(page.ms_cv().is_some(), "the MS-CV of each page is kept");
    }
    for part in [BundlePart::Participants, BundlePart::ReadReceipts] {
        assert!(!opened.exchanges_of(part).is_empty(), "{part:?}");
    }
}

#[test]
fn open_check_says_what_a_bundle_holds() {
    let emu = Emulator::start();
    let (_dir, path) = bundle_file(&emu, &[]);
    let out = emu.run(&["open", path_str(&path), "--check"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let summary = json(&out);
    assert_eq!(summary["threadId"], LUNCH_THREAD_ID);
    assert_eq!(summary["formatVersion"], 2);
    assert_eq!(summary["redacted"], false);
    assert_eq!(summary["rawViews"], summary["exchanges"]);
    assert!(
        summary["title"]
            .as_str()
            .unwrap()
            .starts_with("offline: bundle of ")
    );
}

#[test]
fn a_redacted_bundle_opens_and_says_what_was_redacted() {
    let emu = Emulator::start();
    let (_dir, path) = bundle_file(&emu, &["--redact"]);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        !text.contains("head out for lunch"),
        "message text is gone, bodies included"
    );
    let out = emu.run(&["open", path_str(&path), "--check"]);
    let summary = json(&out);
    assert_eq!(summary["redacted"], true);
    let fields = summary["redaction"].as_array().unwrap();
    assert!(fields.iter().any(|f| f == "content.message"), "{fields:?}");
    let opened = OpenedBundle::read(&path).unwrap();
    assert!(
        opened
            .thread_exchange()
            .unwrap()
            .body
            .contains("\"topic\":\"\"")
    );
}

#[test]
fn a_format_1_bundle_still_opens() {
    let emu = Emulator::start();
    let (_dir, path) = bundle_file(&emu, &[]);
    let mut old: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    old.as_object_mut().unwrap().remove("formatVersion");
    for request in old["requests"].as_array_mut().unwrap() {
        for field in ["url", "responseHeaders", "responseBody"] {
            request.as_object_mut().unwrap().remove(field);
        }
    }
    std::fs::write(&path, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    let summary = json(&emu.run(&["open", path_str(&path), "--check"]));
    assert_eq!(summary["formatVersion"], 1);
    assert_eq!(summary["rawViews"], 0);
    assert!(summary["messages"].as_u64().unwrap() > 0);
}

#[test]
fn a_file_that_is_not_a_bundle_gets_exit_2_and_where() {
    let (_dir, path) = temp_file("cut.json");
    let emu = Emulator::start();
    let (_keep, whole) = bundle_file(&emu, &[]);
    let text = std::fs::read_to_string(&whole).unwrap();
    let cut = &text[..text.len() * 2 / 3];
    std::fs::write(&path, cut).unwrap();
    let out = crate::support::headless::run(&["open", path_str(&path), "--check"]);
    assert_eq!(code(&out), 2);
    let err = stderr(&out);
    let line = cut.lines().count();
    assert!(err.contains(&format!("line {line}, column ")), "{err}");
    assert!(err.contains("truncated"), "{err}");
    assert!(out.stdout.is_empty());
    std::fs::write(&path, "{\"log\": {\"version\": \"1.2\", \"entries\": []}}").unwrap();
    let out = crate::support::headless::run(&["diff", path_str(&path), path_str(&whole)]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no \"thread\": not a bundle"),
        "{}",
        stderr(&out)
    );
    let missing = crate::support::headless::run(&["open", "/no/such/bundle.json", "--check"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("cannot read it"),
        "{}",
        stderr(&missing)
    );
}
