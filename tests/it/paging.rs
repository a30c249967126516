//! Paging: every page in the service's order, `--max` and `--since`, a failing later page, and
//! the timeline formatting only the rows on screen.

use crate::support::headless::*;
use crate::support::tui::{answer, filled, page as answer_page, render, seed_message, start_fetch};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::update::update;
use acs_chat_inspector::tui::view::layout::timeline_rows;
use acs_chat_inspector::tui::view::timeline::ROWS_FORMATTED;
use acs_chat_inspector::tui::view::timeline::rows;
use acs_chat_inspector::tui::view::timeline::window;
use serde_json::Value;

/// Seven messages in pages of three, newest first, then an empty terminal page (whose nextLink must not be followed).
fn messages_server() -> Server {
    Server::start(|seen, base| {
        let next = |state: &str| {
            Some(format!(
                "{base}/chat/threads/{THREAD}/messages?syncState={state}&startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00&maxPageSize=3&api-version=2021-09-07"
            ))
        };
        let items = |seqs: &[u64]| -> Vec<String> {
            seqs.iter()
                .map(|s| message_item(1_697_712_380_000 + s, *s))
                .collect()
        };
        if seen.path != format!("/chat/threads/{THREAD}/messages") {
            return Reply::json(404, "");
        }
        let body = match seen.param("syncState") {
            None => page(&items(&[7, 6, 5]), next("abc")),
            Some("abc") => page(&items(&[4, 3, 2]), next("def")),
            Some("def") => page(&items(&[1]), next("ghi")),
            Some("ghi") => page(&[], next("never")),
            Some(_) => return Reply::json(500, ""),
        };
        Reply::ok(body)
    })
}

fn sequence_ids(value: &Value) -> Vec<String> {
    value
        .as_array()
        .expect("an array")
        .iter()
        .map(|m| m["sequenceId"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn messages_follow_every_page_in_service_order() {
    let server = messages_server();
    let out = against(
        &server.base,
        &token(),
        &["messages", THREAD, "--page-size", "3"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "",
        "no progress when stderr is not a terminal"
    );
    let value = json(&out);
    assert_eq!(sequence_ids(&value), ["7", "6", "5", "4", "3", "2", "1"]);
    assert_eq!(value[0]["senderDisplayName"], "Jane");
    let seen = server.seen();
    assert_eq!(
        seen.len(),
        4,
        "three pages and the empty last page, nothing after it"
    );
    assert_eq!(
        seen[0].raw_path,
        format!("/chat/threads/{THREAD_ENCODED}/messages")
    );
    assert_eq!(seen[0].param("maxPageSize"), Some("3"));
    assert_eq!(seen[0].param("api-version"), Some("2025-03-15"));
    // The nextLink is followed as given: its own api-version, startTime and syncState.
    assert_eq!(seen[1].param("syncState"), Some("abc"));
    assert_eq!(seen[1].param("api-version"), Some("2021-09-07"));
    assert_eq!(
        seen[1].param("startTime"),
        Some("1/1/1970 12:00:00 AM +00:00")
    );
    assert!(seen.iter().all(|s| s.authorization.is_some()));
}

#[test]
fn max_cuts_the_list_and_stops_fetching() {
    let server = messages_server();
    let out = against(&server.base, &token(), &["messages", THREAD, "--max", "5"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(sequence_ids(&json(&out)), ["7", "6", "5", "4", "3"]);
    assert_eq!(server.seen().len(), 2, "no page is fetched beyond --max");
    assert_eq!(server.seen()[0].param("maxPageSize"), None);
}

#[test]
fn max_zero_prints_an_empty_array() {
    let server = messages_server();
    let out = against(&server.base, &token(), &["messages", THREAD, "--max", "0"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "[]\n");
    assert!(server.seen().is_empty());
}

#[test]
fn since_becomes_start_time() {
    let server = messages_server();
    let since = "2023-10-19T10:46:26Z";
    let out = against(
        &server.base,
        &token(),
        &["messages", THREAD, "--since", since],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(server.seen()[0].param("startTime"), Some(since));
}

#[test]
fn a_failing_later_page_keeps_stdout_one_json_document() {
    let server = Server::start(|seen, base| match seen.param("syncState") {
        None => Reply::ok(page(
            &[message_item(2, 2)],
            Some(format!(
                "{base}/chat/threads/{THREAD}/messages?syncState=x&api-version=2025-03-15"
            )),
        )),
        Some(_) => Reply::json(
            503,
            r#"{"error":{"code":"ServiceUnavailable","message":"busy"}}"#,
        ),
    });
    let out = against(&server.base, &token(), &["messages", THREAD]);
    assert_eq!(code(&out), 3);
    assert_eq!(sequence_ids(&json(&out)), ["2"]);
    assert!(stderr(&out).starts_with("error: 503 Service Unavailable (ServiceUnavailable): busy"));
}

#[test]
fn a_failing_first_page_prints_nothing() {
    let server = Server::start(|_, _| {
        Reply::json(
            404,
            r#"{"CommunicationError":{"Code":"NotFound","Details":[]}}"#,
        )
    });
    let out = against(&server.base, &token(), &["participants", THREAD]);
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with("error: 404 Not Found (NotFound) [MS-CV: "),
        "{}",
        stderr(&out)
    );
}

#[test]
fn participants_page_with_skip() {
    let server = Server::start(|seen, base| {
        let participant = |n: u32| {
            format!(
                r#"{{"communicationIdentifier":{{"rawId":"8:acs:r_{n}","communicationUser":{{"id":"8:acs:r_{n}"}}}},"shareHistoryTime":"1970-01-01T00:00:00Z"}}"#
            )
        };
        match seen.param("skip") {
            None => Reply::ok(page(
                &[participant(1), participant(2)],
                Some(format!(
                    "{base}/chat/threads/{THREAD}/participants?skip=2&maxPageSize=2&api-version=2025-03-15"
                )),
            )),
            Some("2") => Reply::ok(page(&[participant(3)], None)),
            Some(_) => Reply::json(500, ""),
        }
    });
    let out = against(
        &server.base,
        &token(),
        &["participants", THREAD, "--page-size", "2"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value = json(&out);
    let ids: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["communicationIdentifier"]["rawId"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["8:acs:r_1", "8:acs:r_2", "8:acs:r_3"]);
    assert!(
        value[0].get("displayName").is_none(),
        "absent fields stay absent"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].path, format!("/chat/threads/{THREAD}/participants"));
}

#[test]
fn receipts_and_threads_list_everything() {
    let server = Server::start(|seen, base| {
        if seen.path.ends_with("/readReceipts") {
            return Reply::ok(format!(
                r#"{{"value":[{{"senderCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"chatMessageId":"1697712387445","readOn":"2023-10-19T10:46:28Z"}}]}}"#
            ));
        }
        let thread = |n: u32| {
            format!(
                r#"{{"id":"19:t{n}@thread.v2","topic":"t{n}","lastMessageReceivedOn":"2023-10-19T10:46:28Z"}}"#
            )
        };
        match seen.param("syncState") {
            None => Reply::ok(page(
                &[thread(1)],
                Some(format!(
                    "{base}/chat/threads?syncState=n&api-version=2025-03-15"
                )),
            )),
            Some(_) => Reply::ok(page(&[thread(2)], None)),
        }
    });
    let receipts = against(&server.base, &token(), &["receipts", THREAD]);
    assert_eq!(code(&receipts), 0, "{}", stderr(&receipts));
    assert_eq!(json(&receipts)[0]["chatMessageId"], "1697712387445");
    let threads = against(&server.base, &token(), &["threads"]);
    assert_eq!(code(&threads), 0, "{}", stderr(&threads));
    let value = json(&threads);
    assert_eq!(value.as_array().unwrap().len(), 2);
    assert_eq!(value[1]["id"], "19:t2@thread.v2");
}

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    use std::process::{Command, Stdio};
    let server = messages_server();
    let mut child = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
        .args(["messages", THREAD, "--page-size", "3", "--retries", "0"])
        .args(["--endpoint", &server.base, "--token", &token()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0), "{err}");
}

#[test]
fn only_visible_rows_are_formatted() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let template = seed_message();
    let many: Vec<_> = (0..100_000u64)
        .map(|i| {
            let mut m = template.clone();
            m.id = format!("{}", 1_600_000_000_000u64 + i);
            m.sequence_id = (100_000 - i).to_string();
            m
        })
        .collect();
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(answer_page(many, true))),
    );
    assert_eq!(s.timeline.data.loaded(), 100_000);
    let visible = timeline_rows(&s);
    assert_eq!(visible, 5);

    let before = ROWS_FORMATTED.get();
    let screen = render(&s);
    assert_eq!(ROWS_FORMATTED.get() - before, visible);
    assert!(screen.contains("100000 loaded, more available"), "{screen}");

    for _ in 0..10_000 {
        update(&mut s, Action::PageDown);
    }
    let range = window(
        s.timeline.data.len(),
        s.timeline.selected,
        s.timeline.offset,
        visible,
    );
    assert_eq!(range.len(), visible);
    assert_eq!(rows(&s, range, 78, &mut Default::default()).len(), visible);
    let before = ROWS_FORMATTED.get();
    let screen = render(&s);
    assert_eq!(ROWS_FORMATTED.get() - before, visible);
    assert!(
        screen.contains("▶"),
        "the selection is on screen:\n{screen}"
    );
}
