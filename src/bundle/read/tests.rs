use serde_json::json;

use super::*;

fn page_body(ids: &[&str]) -> String {
    let items: Vec<Value> = ids
        .iter()
        .map(|id| json!({"id": id, "type": "text", "sequenceId": "1", "version": id, "createdOn": "2026-01-01T00:00:00Z"}))
        .collect();
    json!({ "value": items }).to_string()
}

fn recorded(path: &str, body: &str) -> Value {
    json!({"startedAt": "2026-01-01T00:00:00.000Z", "method": "GET", "path": path, "status": 200,
           "MS-CV": "cv.1", "durationMs": 4, "retries": 0, "url": format!("http://127.0.0.1:9{path}"),
           "responseHeaders": [{"name": "ms-cv", "value": "cv.1"}], "responseBody": body})
}

fn bundle_v2() -> Value {
    json!({
        "formatVersion": 2,
        "generatedAt": "2026-11-23T10:52:00.000Z",
        "endpoint": "http://127.0.0.1:9",
        "apiVersion": "2025-03-15",
        "thread": {"id": "19:a@thread.v2", "topic": "Lunch", "createdOn": "2026-01-01T00:00:00Z"},
        "messages": [
            {"id": "2", "type": "text", "sequenceId": "2", "version": "2", "createdOn": "2026-01-01T00:00:00Z"},
            {"id": "1", "type": "text", "sequenceId": "1", "version": "1", "createdOn": "2026-01-01T00:00:00Z"}
        ],
        "participants": [{"communicationIdentifier": {"rawId": "8:acs:r_u"}, "displayName": "Jane"}],
        "readReceipts": [{"senderCommunicationIdentifier": {"rawId": "8:acs:r_u"}, "chatMessageId": "2",
                          "readOn": "2026-01-01T00:00:00Z"}],
        "requests": [
            recorded("/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15", r#"{"id":"19:a@thread.v2"}"#),
            recorded("/chat/threads/19%3Aa%40thread.v2/messages?api-version=2025-03-15", &page_body(&["2"])),
            recorded("/chat/threads/19%3Aa%40thread.v2/messages?syncState=x", &page_body(&["1"])),
        ]
    })
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).unwrap()
}

#[test]
fn a_bundle_opens_with_typed_items_and_its_exchanges() {
    let opened = OpenedBundle::parse(&pretty(&bundle_v2())).unwrap();
    assert_eq!(opened.format_version, 2);
    assert_eq!(opened.thread_id(), "19:a@thread.v2");
    assert_eq!(opened.messages.len(), 2);
    assert_eq!(opened.participants[0].display_name.as_deref(), Some("Jane"));
    assert_eq!(opened.read_receipts[0].chat_message_id, "2");
    assert_eq!(opened.raw.messages[1]["id"], "1");
    assert_eq!(opened.request_log().len(), 3);
    assert_eq!(opened.exchanges_of(BundlePart::Messages).len(), 2);
    assert!(opened.thread_exchange().is_some());
    assert_eq!(opened.exchange_of_message("1").unwrap().seq, 3);
    assert_eq!(opened.exchange_of_message("2").unwrap().seq, 2);
    assert_eq!(opened.title(), "offline: bundle of 2026-11-23 10:52 UTC");
    assert!(opened.redaction.is_none() && opened.warnings.is_empty());
}

#[test]
fn a_format_1_bundle_opens_without_raw_answers() {
    let mut v1 = bundle_v2();
    let map = v1.as_object_mut().unwrap();
    map.remove("formatVersion");
    map["requests"] = json!([{"startedAt": "2026-01-01T00:00:00.000Z", "method": "GET",
        "path": "/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15", "status": 200, "MS-CV": "cv.0",
        "durationMs": 3, "retries": 0}]);
    map.insert("redacted".into(), json!(true));
    let opened = OpenedBundle::parse(&pretty(&v1)).unwrap();
    assert_eq!(opened.format_version, 1);
    assert!(!opened.exchanges[0].has_answer);
    assert_eq!(opened.thread_exchange(), None);
    assert_eq!(opened.exchange_of_message("1"), None);
    let redaction = opened.redaction.unwrap();
    assert!(redaction.fields.iter().any(|f| f == "content.message"));
}

#[test]
fn a_redacted_bundle_says_what_was_redacted() {
    let mut b = bundle_v2();
    crate::export::redact(&mut b);
    let opened = OpenedBundle::parse(&pretty(&b)).unwrap();
    assert_eq!(
        opened.redaction.as_ref().unwrap().fields.len(),
        REDACTED_FIELDS.len()
    );
    assert!(opened.title().ends_with(", redacted"));
    assert_eq!(opened.thread.topic, "");
}

#[test]
fn a_newer_format_opens_with_a_warning() {
    let mut b = bundle_v2();
    b["formatVersion"] = json!(9);
    b["futurePart"] = json!({"x": 1});
    let opened = OpenedBundle::parse(&pretty(&b)).unwrap();
    assert!(
        opened.warnings[0].contains("format 9"),
        "{:?}",
        opened.warnings
    );
}

fn error_of(text: &str) -> BundleReadError {
    OpenedBundle::parse(text).unwrap_err()
}

#[test]
fn a_truncated_bundle_says_so_where_it_ends() {
    let text = pretty(&bundle_v2());
    let cut = &text[..text.len() / 2];
    let e = error_of(cut);
    assert!(e.message.contains("truncated"), "{e}");
    assert_eq!(e.line, Some(cut.lines().count()));
    assert!(!e.message.contains(" at line "), "{e}");
}

#[test]
fn text_that_is_not_json_or_not_an_object_is_named() {
    let e = error_of("hello\n");
    assert_eq!((e.line, e.column), (Some(1), Some(1)));
    assert!(e.message.starts_with("not JSON"), "{e}");
    let e = error_of("\n  [1, 2]");
    assert_eq!((e.line, e.column), (Some(2), Some(3)));
    assert!(e.message.starts_with("JSON but not an object"), "{e}");
    let e = error_of("   ");
    assert!(e.message.starts_with("empty file"), "{e}");
    let e = error_of("{\n  \"a\": 1,\n  \"b\": nope\n}");
    assert_eq!(e.line, Some(3), "{e}");
    assert!(e.message.starts_with("not JSON here"), "{e}");
}

#[test]
fn json_of_another_shape_names_what_is_missing() {
    let e = error_of(r#"{"value": []}"#);
    assert!(e.message.starts_with("no \"thread\""), "{e}");
    let mut b = bundle_v2();
    b.as_object_mut().unwrap().remove("readReceipts");
    assert!(
        error_of(&pretty(&b))
            .message
            .starts_with("no \"readReceipts\"")
    );
    let mut b = bundle_v2();
    b["generatedAt"] = json!("yesterday");
    assert!(
        error_of(&pretty(&b))
            .message
            .contains("not an RFC 3339 time")
    );
}

#[test]
fn a_bad_item_points_at_its_line() {
    let mut b = bundle_v2();
    b["messages"][1] = json!("not a message");
    let text = pretty(&b);
    let e = error_of(&text);
    let line = text
        .lines()
        .position(|l| l.contains("\"not a message\""))
        .unwrap()
        + 1;
    assert_eq!(e.line, Some(line), "{e}");
    assert!(
        e.message
            .starts_with("messages[1] is not what a bundle holds"),
        "{e}"
    );
    let mut b = bundle_v2();
    b["thread"] = json!({"topic": "no id"});
    assert!(error_of(&pretty(&b)).message.contains("no \"id\""));
}

#[test]
fn the_error_line_names_the_file_place_and_problem() {
    let e = error_of("{\"thread\": ").in_file(Path::new("case.json"));
    let shown = e.to_string();
    assert!(
        shown.starts_with("case.json: line 1, column 11: "),
        "{shown}"
    );
    assert_eq!(e.exit_code(), 2);
}

#[test]
fn positions_count_characters_on_their_line() {
    assert_eq!(line_column("ab\ncé\nx", 7), (3, 1));
    assert_eq!(line_column("ab\ncé\nx", 5), (2, 2));
    assert_eq!(offset_in("ab\ncd", 2, 1), 3);
}
