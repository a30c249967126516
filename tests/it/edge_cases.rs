//! Edge cases of real threads and real answers: a deleted thread, a thread with no messages from
//! anyone, retention about to delete a thread, ids pasted percent-encoded or as a Teams meeting link,
//! and error bodies with validation details or without a message.

use std::process::Output;

use acs_chat_inspector::acs::ChatThreadProperties;
use acs_chat_inspector::emulator::cases::{DELETED_THREAD_ID, OUTAGE_THREAD_ID, QUIET_THREAD_ID};
use acs_chat_inspector::emulator::teams::TEAMS_MEETING_THREAD_ID;
use acs_chat_inspector::emulator::{EmulatorConfig, EmulatorInfo, RunningEmulator, start};

use crate::support::emulator::{demo, get_at, list_all, thread_path};
use crate::support::headless::{Reply, Server, against, code, json, stderr, token};

const V: &str = "2025-03-15";

#[tokio::test]
async fn a_deleted_thread_is_listed_and_described_but_its_history_is_gone() {
    let emu = demo().await;
    let jane = emu.info.token.clone();
    let threads = list_all(&emu, "/chat/threads", V, &jane).await;
    let listed = threads
        .iter()
        .find(|t| t["id"] == DELETED_THREAD_ID)
        .unwrap();
    assert!(listed["deletedOn"].is_string());
    let (status, thread) = get_at(&emu, &thread_path(DELETED_THREAD_ID, ""), V, &jane).await;
    assert_eq!(status, 200);
    let thread: ChatThreadProperties = serde_json::from_value(thread).unwrap();
    assert!(thread.deleted().unwrap() < chrono::Utc::now());
    for rest in ["/messages", "/participants", "/readReceipts"] {
        let (status, body) = get_at(&emu, &thread_path(DELETED_THREAD_ID, rest), V, &jane).await;
        assert_eq!(status, 404, "{rest}");
        assert_eq!(body["CommunicationError"]["Code"], "NotFound");
    }
}

#[tokio::test]
async fn a_quiet_thread_holds_only_what_creation_writes() {
    let emu = demo().await;
    let path = thread_path(QUIET_THREAD_ID, "/messages");
    let messages = list_all(&emu, &path, V, &emu.info.token).await;
    let types: Vec<&str> = messages
        .iter()
        .map(|m| m["type"].as_str().unwrap())
        .collect();
    assert_eq!(types, ["topicUpdated", "participantAdded"]);
    let later = format!("{path}?startTime=2099-01-01T00:00:00Z");
    let (status, page) = get_at(&emu, &later, V, &emu.info.token).await;
    assert_eq!((status, &page), (200, &serde_json::json!({"value": []})));
}

#[tokio::test]
async fn retention_deletes_one_thread_within_a_week() {
    let emu = demo().await;
    let (_, thread) = get_at(&emu, &thread_path(OUTAGE_THREAD_ID, ""), V, &emu.info.token).await;
    let thread: ChatThreadProperties = serde_json::from_value(thread).unwrap();
    let left = thread.scheduled_deletion().unwrap() - chrono::Utc::now();
    assert!(
        left > chrono::Duration::days(3) && left < chrono::Duration::days(7),
        "{left}"
    );
}

/// An emulator on its own runtime, for running the binary against it.
fn emulator_for_the_binary() -> (EmulatorInfo, RunningEmulator, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime.block_on(start(EmulatorConfig::default())).unwrap();
    (running.info.clone(), running, runtime)
}

fn thread_as_pasted(info: &EmulatorInfo, pasted: &str) -> Output {
    against(&info.endpoint, &info.token, &["thread", pasted])
}

#[test]
fn ids_pasted_encoded_or_as_a_meeting_link_reach_the_thread() {
    let (info, _running, _runtime) = emulator_for_the_binary();
    let encoded = TEAMS_MEETING_THREAD_ID
        .replace(':', "%3A")
        .replace('@', "%40");
    let link = format!(
        "https://teams.microsoft.com/l/meetup-join/{}/0?context=%7b%22Tid%22%3a%2272f988bf-86f1-41af-91ab-2d7cd011db47%22%7d",
        TEAMS_MEETING_THREAD_ID
            .replace(':', "%3a")
            .replace('@', "%40")
    );
    for pasted in [TEAMS_MEETING_THREAD_ID, encoded.as_str(), link.as_str()] {
        let out = thread_as_pasted(&info, pasted);
        assert_eq!(code(&out), 0, "{pasted}: {}", stderr(&out));
        assert_eq!(json(&out)["id"], TEAMS_MEETING_THREAD_ID, "{pasted}");
    }
    let not_a_meeting = thread_as_pasted(&info, "https://teams.microsoft.com/l/chat/0/0?users=a");
    assert_eq!(code(&not_a_meeting), 2);
    assert!(stderr(&not_a_meeting).contains("no thread id in the link"));
}

/// The first stderr line of a subcommand against a server answering every request with `status`
/// and `body`, after checking it exits 3.
fn error_line(status: u16, body: &'static str, args: &[&str]) -> String {
    let server = Server::start(move |_, _| Reply::json(status, body));
    let out = against(&server.base, &token(), args);
    assert_eq!(code(&out), 3);
    stderr(&out).lines().next().unwrap().to_string()
}

#[test]
fn a_validation_error_line_names_the_field_at_fault() {
    let first = error_line(
        400,
        r#"{"communicationError":{"code":"BadRequest","message":"One or more validation errors occurred.","details":[{"message":"The input was not valid.","target":"type"}]}}"#,
        &["messages", "19:a@thread.v2"],
    );
    assert!(
        first.starts_with("error: 400 Bad Request (BadRequest): One or more validation errors occurred. [type: The input was not valid.]"),
        "{first}"
    );
}

#[test]
fn a_not_found_without_message_is_one_readable_line() {
    let body = r#"{"CommunicationError": {"Code": "NotFound", "Details": []}}"#;
    let first = error_line(404, body, &["participants", "19:a@thread.v2"]);
    assert!(
        first.starts_with("error: 404 Not Found (NotFound) [MS-CV: "),
        "{first}"
    );
}
