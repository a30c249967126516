//! Bundles: everything about a thread in one document, redaction, failing parts, never a token.

use crate::support::headless::*;
use crate::support::pty::{PtySession, SEED};
use crate::support::tui::{Emulated, THREAD_ID, filled, press};
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::{Field, LoadStatus, Slot};
use acs_chat_inspector::tui::update::{Effect, update};
use ratatui::crossterm::event::KeyCode;
use serde_json::Value;

const SECRET_TEXT: &str = "Let's head out for lunch in 15 minutes.";

fn rich_message() -> String {
    format!(
        r#"{{"id":"1700000000002","type":"html","sequenceId":"3","version":"1700000000002","content":{{"message":"<p>{SECRET_TEXT}</p>","attachments":[{{"id":"a1","attachmentType":"file","name":"menu.pdf","url":"https://files.example/menu.pdf","previewUrl":"https://files.example/p.png"}}]}},"senderDisplayName":"Jane","createdOn":"2023-10-19T10:46:27Z","senderCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"metadata":{{"deliveryMode":"deliveryMode"}}}}"#
    )
}

fn system_message() -> String {
    format!(
        r#"{{"id":"1700000000001","type":"participantAdded","sequenceId":"1","version":"1700000000001","content":{{"participants":[{{"communicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"displayName":"Jane Doe","shareHistoryTime":"1970-01-01T00:00:00Z"}}],"initiatorCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}}}},"createdOn":"2023-10-19T10:46:25Z"}}"#
    )
}

fn bundle_server(receipts_status: u16) -> Server {
    Server::start(move |seen, base| {
        let thread_path = format!("/chat/threads/{THREAD}");
        let Some(rest) = seen.path.strip_prefix(&thread_path) else {
            return Reply::json(404, "");
        };
        match (rest, seen.param("syncState")) {
            ("", _) => Reply::ok(thread_body()),
            ("/messages", None) => Reply::ok(page(
                &[rich_message()],
                Some(format!(
                    "{base}/chat/threads/{THREAD}/messages?syncState=2&api-version=2025-03-15"
                )),
            )),
            ("/messages", Some(_)) => Reply::ok(page(&[system_message()], None)),
            ("/participants", _) => Reply::ok(format!(
                r#"{{"value":[{{"communicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"displayName":"Jane Doe","shareHistoryTime":"1970-01-01T00:00:00Z","metadata":{{"role":"customer"}}}}]}}"#
            )),
            ("/readReceipts", _) if receipts_status == 200 => Reply::ok(format!(
                r#"{{"value":[{{"senderCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"chatMessageId":"1700000000002","readOn":"2023-10-19T10:46:28Z"}}]}}"#
            )),
            ("/readReceipts", _) => Reply::json(
                receipts_status,
                r#"{"CommunicationError":{"Code":"Forbidden","Message":"User is not allowed to perform specified action.","Details":[]}}"#,
            ),
            _ => Reply::json(404, ""),
        }
    })
}

fn assert_no_token(bytes: &[u8], token: &str) {
    let text = String::from_utf8_lossy(bytes);
    assert!(!text.contains(token), "the token leaked");
    assert!(
        !text.contains(payload_segment(token)),
        "the token's payload leaked"
    );
    assert!(!text.contains("Bearer"), "an Authorization header leaked");
}

#[test]
fn bundle_holds_the_whole_thread_and_every_request() {
    let server = bundle_server(200);
    let token = token();
    let out = against(&server.base, &token, &["bundle", THREAD]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_no_token(&out.stdout, &token);
    let bundle = json(&out);
    let keys: Vec<&str> = bundle
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "formatVersion",
            "generatedAt",
            "endpoint",
            "apiVersion",
            "thread",
            "messages",
            "participants",
            "readReceipts",
            "requests"
        ]
    );
    assert_eq!(bundle["formatVersion"], 2);
    assert_eq!(bundle["endpoint"], server.base.as_str());
    assert_eq!(bundle["apiVersion"], "2025-03-15");
    let thread: Value = serde_json::from_str(&thread_body()).unwrap();
    assert_eq!(
        bundle["thread"], thread,
        "the thread exactly as sent, unknown fields kept"
    );
    let messages = bundle["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(
        messages[0]["content"]["message"],
        format!("<p>{SECRET_TEXT}</p>")
    );
    assert_eq!(bundle["participants"][0]["displayName"], "Jane Doe");
    assert_eq!(bundle["readReceipts"][0]["chatMessageId"], "1700000000002");
    let requests = bundle["requests"].as_array().unwrap();
    assert_eq!(
        requests.len(),
        5,
        "thread, two message pages, participants, receipts"
    );
    assert_eq!(requests.len(), server.seen().len());
    for r in requests {
        assert_eq!(r["method"], "GET");
        assert_eq!(r["status"], 200);
        assert_eq!(r["MS-CV"], MS_CV);
        assert!(
            r["path"].as_str().unwrap().starts_with("/chat/threads/"),
            "{r}"
        );
        assert!(r["durationMs"].is_u64());
        assert!(
            r["responseBody"].as_str().unwrap().starts_with('{'),
            "the answer is kept"
        );
        assert!(
            r["responseHeaders"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["value"] == MS_CV)
        );
    }
    assert_eq!(
        requests[0]["path"],
        format!("/chat/threads/{THREAD_ENCODED}?api-version=2025-03-15")
    );
}

#[test]
fn redacted_bundle_file_keeps_evidence_and_drops_content() {
    let server = bundle_server(200);
    let token = token();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ticket.json");
    let out = against(
        &server.base,
        &token,
        &["bundle", THREAD, "-o", path.to_str().unwrap(), "--redact"],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "with -o nothing goes to stdout");
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!(
            "wrote {}: 2 messages, 1 participants",
            path.display()
        )),
        "{err}"
    );
    let bytes = std::fs::read(&path).unwrap();
    assert_no_token(&bytes, &token);
    let text = String::from_utf8(bytes).unwrap();
    for secret in [
        SECRET_TEXT,
        "Jane",
        "menu.pdf",
        "files.example",
        "customer",
        "test topic",
    ] {
        assert!(!text.contains(secret), "{secret:?} survived redaction");
    }
    let bundle: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["redacted"], true);
    assert_eq!(bundle["messages"][0]["id"], "1700000000002");
    assert_eq!(
        bundle["messages"][0]["content"]["attachments"][0]["id"],
        "a1"
    );
    assert_eq!(bundle["messages"][0]["metadata"]["deliveryMode"], "");
    assert_eq!(
        bundle["messages"][1]["content"]["participants"][0]["communicationIdentifier"]["rawId"],
        IDENTITY
    );
    assert_eq!(bundle["thread"]["id"], THREAD);
    assert_eq!(bundle["requests"][0]["MS-CV"], MS_CV);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "a bundle is readable by its owner only"
        );
    }
}

#[test]
fn a_failing_part_is_recorded_and_the_rest_kept() {
    let server = bundle_server(403);
    let out = against(&server.base, &token(), &["bundle", THREAD]);
    assert_eq!(code(&out), 3);
    let bundle = json(&out);
    assert_eq!(bundle["messages"].as_array().unwrap().len(), 2);
    assert_eq!(bundle["participants"].as_array().unwrap().len(), 1);
    assert_eq!(bundle["readReceipts"], serde_json::json!([]));
    assert_eq!(bundle["errors"][0]["part"], "readReceipts");
    assert_eq!(bundle["errors"][0]["status"], 403);
    assert_eq!(bundle["errors"][0]["MS-CV"], MS_CV);
    assert_eq!(
        bundle["requests"].as_array().unwrap().last().unwrap()["status"],
        403
    );
    assert!(
        stderr(&out)
            .starts_with("error: readReceipts: 403 Forbidden (Forbidden): User is not allowed"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unreadable_thread_fails_the_bundle() {
    let server = bundle_server(200);
    let out = against(&server.base, &token(), &["bundle", "19:other@thread.v2"]);
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
}

#[test]
fn an_unwritable_output_is_refused_before_any_request() {
    let server = bundle_server(200);
    let out = against(
        &server.base,
        &token(),
        &["bundle", THREAD, "-o", "/nonexistent-dir/ticket.json"],
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(server.seen().is_empty());
}

#[tokio::test]
async fn e_exports_the_bundle_and_capital_e_a_redacted_one_without_the_token() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| app::start(s)).await;
    h.until("everything", |s| !s.is_loading()).await;
    for redacted in [false, true] {
        h.act(Action::Export { redacted });
        h.until("the export", |s| {
            matches!(s.status(Slot::Export), LoadStatus::Loaded)
        })
        .await;
        let notice = h.lp.state.notice.clone().unwrap().text;
        assert!(notice.starts_with("exported to "), "{notice}");
        let path = notice
            .trim_start_matches("exported to ")
            .split(" (")
            .next()
            .unwrap()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&h.info().token), "no token in an export");
        let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(bundle["messages"].as_array().unwrap().len(), 12);
        assert_eq!(
            text.contains("Let's head out for lunch"),
            !redacted,
            "redaction blanks text"
        );
        std::fs::remove_file(&path).unwrap();
        h.lp.state.loads.set(Slot::Export, LoadStatus::Idle);
    }
}

#[test]
fn export_needs_a_thread_and_esc_cancels_it_while_a_fetch_does_not() {
    let mut s = filled(80, 24, false);
    let effects = press(&mut s, KeyCode::Char('E'));
    let id = match &effects[..] {
        [
            Effect::Export {
                request_id,
                redacted: true,
                thread_id,
                path,
                ..
            },
        ] => {
            assert_eq!(thread_id, THREAD_ID);
            assert!(
                path.to_string_lossy()
                    .contains("acs-bundle-19_demo-lunch_thread.v2-")
            );
            *request_id
        }
        other => panic!("{other:?}"),
    };
    let effects = update(&mut s, Action::Fetch);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel(c) if *c == id)),
        "a fetch keeps the export"
    );
    let effects = press(&mut s, KeyCode::Esc);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel(c) if *c == id))
    );
    assert!(matches!(s.status(Slot::Export), LoadStatus::Cancelled));

    let mut s = filled(80, 24, false);
    s.set_value(Field::Thread, "");
    assert!(press(&mut s, KeyCode::Char('e')).is_empty());
    assert!(s.notice.unwrap().text.contains("no thread to export"));
}

#[test]
fn export_writes_a_bundle_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = PtySession::spawn_in(&["--demo"], 100, 30, &[], Some(dir.path()));
    session.wait_for(SEED);
    session.send("e");
    session.wait_for("exported to");
    session.send("q");
    session.assert_exits_restored(true);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one bundle file");
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["thread"]["topic"], "Lunch");
    assert!(
        !text.contains("Bearer") && !crate::support::tokens::holds_jwt(&text),
        "no token in the bundle"
    );
}

/// The path of the bundle an export just wrote, from its notice.
fn exported_path(h: &Emulated) -> String {
    let notice = h.lp.state.notice.clone().unwrap().text;
    assert!(notice.starts_with("exported to "), "{notice}");
    let path = notice.trim_start_matches("exported to ").split(" (").next();
    path.unwrap().to_string()
}

#[tokio::test]
async fn an_export_lists_only_its_own_requests() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| app::start(s)).await;
    h.until("everything", |s| !s.is_loading()).await;
    h.key(KeyCode::Char('e')).await;
    h.until("the export", |s| {
        matches!(s.status(Slot::Export), LoadStatus::Loaded)
    })
    .await;
    let text = std::fs::read_to_string(exported_path(&h)).unwrap();
    let bundle: Value = serde_json::from_str(&text).unwrap();
    let paths: Vec<&str> = bundle["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    // Before the export, the panels listed the user's threads and fetched the seed message by id:
    // the export asks for neither, so neither is among its requests.
    assert!(
        paths
            .iter()
            .all(|p| !p.starts_with("/chat/threads?") && !p.contains("/messages/")),
        "{paths:#?}"
    );
    let count = |part: &str| paths.iter().filter(|p| p.contains(part)).count();
    assert_eq!(
        (count("/participants"), count("/readReceipts")),
        (1, 1),
        "{paths:#?}"
    );
}
