use serde_json::json;

use super::*;

const A: &str = include_str!("../../tests/fixtures/bundles/lunch-a.json");
const B: &str = include_str!("../../tests/fixtures/bundles/lunch-b.json");

fn open(text: &str) -> OpenedBundle {
    OpenedBundle::parse(text).unwrap()
}

#[test]
fn the_fixtures_differ_by_exactly_what_was_changed() {
    let d = diff(&open(A), &open(B)).unwrap();
    assert_eq!(d.messages.added, ["1700000005000"]);
    assert_eq!(d.messages.removed, ["1700000001000"]);
    assert_eq!(d.messages.edited, ["1700000003000"]);
    assert_eq!(d.messages.deleted, ["1700000002000"]);
    assert_eq!(d.participants.added, ["8:acs:r_peter"]);
    assert_eq!(d.participants.removed, ["8:acs:r_bob"]);
    assert!(d.participants.changed.is_empty());
    let changed: Vec<&String> = d.thread.changed.keys().collect();
    assert_eq!(changed, ["metadata.project", "metadata.room", "topic"]);
    assert_eq!(
        d.thread.changed["topic"],
        [json!("Lunch plans"), json!("Lunch")]
    );
    assert_eq!(
        d.thread.changed["metadata.room"],
        [Value::Null, json!("3.14")]
    );
    assert_eq!(d.read_receipts.changed, ["8:acs:r_alex"]);
    assert_eq!(
        d.read_receipts.moved,
        [ReceiptMove {
            raw_id: "8:acs:r_alex".into(),
            from: Some("1700000003000".into()),
            to: Some("1700000005000".into()),
        }]
    );
    assert!(!d.is_empty());
    assert_eq!(
        d.message_change("1700000002000"),
        Some(MessageChange::Deleted)
    );
    assert_eq!(d.message_change("1700000004000"), None);
    assert_eq!(d.message_changes().len(), 4);
}

#[test]
fn a_bundle_does_not_differ_from_itself_or_from_a_later_fetch_of_the_same_state() {
    assert!(diff(&open(A), &open(A)).unwrap().is_empty());
    let mut later: Value = serde_json::from_str(A).unwrap();
    later["generatedAt"] = json!("2026-12-01T00:00:00.000Z");
    later["requests"] = json!([{"method": "GET", "path": "/x", "status": 200}]);
    assert!(
        diff(&open(A), &open(&later.to_string()))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn the_document_has_the_contract_shape() {
    let d = serde_json::to_value(diff(&open(A), &open(B)).unwrap()).unwrap();
    for key in ["thread", "messages", "participants", "readReceipts"] {
        assert!(d.get(key).is_some(), "{key} missing: {d}");
    }
    assert!(d["thread"]["changed"]["topic"].is_array());
    for list in ["added", "removed", "edited", "deleted"] {
        assert!(d["messages"][list].is_array());
    }
    assert!(d["readReceipts"]["changed"].is_array());
    assert!(d.get("incomplete").is_none());
}

#[test]
fn bundles_of_different_threads_are_refused() {
    let mut other: Value = serde_json::from_str(B).unwrap();
    other["thread"]["id"] = json!("19:other@thread.v2");
    let e = diff(&open(A), &open(&other.to_string())).unwrap_err();
    assert!(e.to_string().contains("different threads"), "{e}");
}

#[test]
fn a_part_that_failed_in_either_bundle_is_not_compared() {
    let mut partial: Value = serde_json::from_str(B).unwrap();
    partial["errors"] = json!([{"part": "readReceipts", "error": "403 Forbidden"}]);
    let d = diff(&open(A), &open(&partial.to_string())).unwrap();
    assert_eq!(d.incomplete, ["readReceipts"]);
    assert!(d.read_receipts.changed.is_empty());
    assert_eq!(d.messages.added, ["1700000005000"]);
}

#[test]
fn an_edit_after_a_delete_stays_an_edit_and_ids_sort_by_number() {
    let before = [
        json!({"id": "9", "version": "1", "deletedOn": "x"}),
        json!({"id": "10", "version": "1"}),
    ];
    let after = [
        json!({"id": "9", "version": "2", "deletedOn": "x"}),
        json!({"id": "10", "version": "2"}),
    ];
    let d = diff_messages(&before, &after);
    assert_eq!(d.edited, ["9", "10"]);
    assert!(d.deleted.is_empty());
}

#[test]
fn participants_without_raw_ids_match_by_user_id_and_changes_are_seen() {
    let a = [
        json!({"communicationIdentifier": {"communicationUser": {"id": "8:acs:r_x"}}, "displayName": "X"}),
    ];
    let b = [
        json!({"communicationIdentifier": {"communicationUser": {"id": "8:acs:r_x"}}, "displayName": "Y"}),
    ];
    let d = diff_participants(&a, &b);
    assert_eq!(d.changed, ["8:acs:r_x"]);
    assert!(d.added.is_empty() && d.removed.is_empty());
}
