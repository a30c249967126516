//! `--har FILE` on the subcommands: valid HAR 1.2 (checked against the published schema), every
//! exchange with its answer and `MS-CV`, written even when the command fails, never over a file
//! without `--force`.

use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use serde_json::Value;

use crate::support::cases::*;
use crate::support::headless::{self, Reply, Server, code, stderr};

fn read_har(path: &std::path::Path) -> Value {
    let har: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_valid_har(&har);
    har
}

#[test]
fn every_page_of_a_listing_is_an_entry_with_its_answer() {
    let emu = Emulator::start();
    let (_dir, path) = temp_file("messages.har");
    let args = [
        "messages",
        LUNCH_THREAD_ID,
        "--page-size",
        "5",
        "--har",
        path_str(&path),
    ];
    let out = emu.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed = headless::json(&out).as_array().unwrap().len();
    let har = read_har(&path);
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), listed / 5 + 1, "one entry per page");
    let first = &entries[0];
    assert_eq!(first["request"]["headers"][0]["name"], "Authorization");
    assert_eq!(first["request"]["headers"][0]["value"], "[redacted]");
    assert_eq!(first["response"]["status"], 200);
    let cv = first["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case("ms-cv"))
        .expect("MS-CV is among the response headers");
    assert!(
        first["comment"]
            .as_str()
            .unwrap()
            .contains(cv["value"].as_str().unwrap())
    );
    let body: Value =
        serde_json::from_str(first["response"]["content"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["value"].as_array().unwrap().len(), 5);
}

#[test]
fn a_failed_command_still_leaves_its_evidence() {
    let server =
        Server::start(|_, _| Reply::json(403, r#"{"error":{"code":"Forbidden","message":"no"}}"#));
    let (_dir, path) = temp_file("failed.har");
    let token = headless::token();
    let out = headless::against(
        &server.base,
        &token,
        &["thread", headless::THREAD, "--har", path_str(&path)],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let har = read_har(&path);
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["response"]["status"], 403);
    assert_eq!(entry["response"]["statusText"], "Forbidden");
    assert!(entry["comment"].as_str().unwrap().contains(headless::MS_CV));
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_checked_before_any_request() {
    let server = Server::start(|_, _| Reply::ok(headless::thread_body()));
    let (_dir, path) = temp_file("old.har");
    std::fs::write(&path, "keep me").unwrap();
    let token = headless::token();
    let args = ["thread", headless::THREAD, "--har", path_str(&path)];
    let refused = headless::against(&server.base, &token, &args);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert!(server.seen().is_empty(), "no request before the check");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = headless::against(&server.base, &token, &forced);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        read_har(&path)["log"]["entries"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn commands_without_requests_write_an_empty_log() {
    let (_dir, path) = temp_file("none.har");
    let fixture = format!(
        "{}/tests/fixtures/bundles/lunch-a.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = headless::run(&["diff", &fixture, &fixture, "--har", path_str(&path)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(read_har(&path)["log"]["entries"], serde_json::json!([]));
}
