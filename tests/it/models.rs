//! The models decode every example of the spec and every real-traffic shape, and keep what they do
//! not know.

use std::path::{Path, PathBuf};

use acs_chat_inspector::acs::error::parse_error_body;
use acs_chat_inspector::acs::{
    ChatAttachmentType, ChatMessage, ChatMessageReadReceipt, ChatMessageType, ChatParticipant,
    ChatThreadItem, ChatThreadProperties, IdentifierKind, Page, RetentionKind,
};
use serde::de::DeserializeOwned;
use serde_json::Value;

const JANE_SPEC: &str =
    "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn spec_versions() -> [&'static str; 2] {
    ["2025-03-15", "2024-03-15-preview"]
}

/// The 200 (or 201) body of a spec example, decoded.
fn spec_body<T: DeserializeOwned>(version: &str, name: &str, status: &str) -> T {
    let example = read(&fixtures().join(format!("spec/{version}/{name}.json")));
    serde_json::from_value(example["responses"][status]["body"].clone())
        .unwrap_or_else(|e| panic!("{version}/{name}: {e}"))
}

fn real<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(read(&fixtures().join(format!("real/{name}.json"))))
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_spec_example_is_json_and_its_errors_parse() {
    let mut files = 0;
    for version in spec_versions() {
        for entry in std::fs::read_dir(fixtures().join("spec").join(version)).unwrap() {
            let example = read(&entry.unwrap().path());
            files += 1;
            let responses = example["responses"].as_object().unwrap();
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let body = response["body"].to_string();
                    let parsed = parse_error_body(body.as_bytes());
                    assert!(parsed.code.is_some(), "{status}: {body}");
                    assert!(parsed.message.is_some(), "{status}: {body}");
                }
            }
        }
    }
    assert_eq!(files, 20);
}

#[test]
fn spec_thread_decodes() {
    for version in spec_versions() {
        let t: ChatThreadProperties = spec_body(version, "Threads_GetChatThread", "200");
        assert_eq!(
            t.id,
            "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2"
        );
        assert_eq!(t.topic, "Lunch");
        assert_eq!(
            t.created().unwrap().to_rfc3339(),
            "2020-06-06T05:55:41.646+00:00"
        );
        let creator = t.created_by_communication_identifier.unwrap();
        assert_eq!(creator.raw_id(), JANE_SPEC);
        assert_eq!(creator.kind(), IdentifierKind::CommunicationUser);
        assert_eq!(t.retention_policy, None);
        assert!(t.extra.is_empty());
    }
}

#[test]
fn spec_created_thread_has_a_retention_policy() {
    let example = read(&fixtures().join("spec/2025-03-15/Threads_CreateChatThread.json"));
    let t: ChatThreadProperties =
        serde_json::from_value(example["responses"]["201"]["body"]["chatThread"].clone()).unwrap();
    let policy = t.retention_policy.clone().unwrap();
    assert_eq!(
        policy.meaning(),
        RetentionKind::ThreadCreationDate {
            delete_after_days: Some(30)
        }
    );
    assert_eq!(
        t.scheduled_deletion().unwrap().to_rfc3339(),
        "2020-07-06T05:55:41.646+00:00"
    );
}

#[test]
fn spec_message_decodes() {
    for version in spec_versions() {
        let m: ChatMessage = spec_body(version, "Messages_GetChatMessage", "200");
        assert_eq!(m.id, "1591768249318");
        assert_eq!(m.message_type, ChatMessageType::Text);
        assert_eq!(m.sequence(), Some(1));
        assert_eq!(m.version, "1599016601134");
        assert_eq!(m.text(), "Let's head out for lunch in 15 minutes.");
        assert_eq!(m.sender_name(), Some("Jane"));
        assert_eq!(m.sender_raw_id().as_deref(), Some(JANE_SPEC));
        assert_eq!(
            m.created().unwrap().to_rfc3339(),
            "2020-06-10T05:50:49.318+00:00"
        );
        let meta = m.metadata.unwrap();
        assert_eq!(meta["someKey1"], "someValue1");
        assert_eq!(meta["someKey2"], "someValue2");
    }
}

#[test]
fn spec_message_page_decodes() {
    for version in spec_versions() {
        let page: Page<ChatMessage> =
            spec_body(version, "Messages_ListChatMessagesWithPageSize", "200");
        let types: Vec<&str> = page.value.iter().map(|m| m.message_type.as_str()).collect();
        assert_eq!(
            types,
            ["html", "text", "text", "topicUpdated", "participantAdded"]
        );
        let seqs: Vec<u64> = page.value.iter().map(|m| m.sequence().unwrap()).collect();
        assert_eq!(seqs, [5, 4, 3, 2, 1]);
        let html = &page.value[0];
        let attachment = &html.attachments()[0];
        assert_eq!(attachment.attachment_type, ChatAttachmentType::Image);
        assert_eq!(attachment.name.as_deref(), Some("image"));
        assert!(
            attachment
                .preview_url
                .as_deref()
                .unwrap()
                .contains("views/small")
        );
        // A raw id without the `8:acs:` prefix: the sub-object still says what it is.
        let sender = html.sender_communication_identifier.as_ref().unwrap();
        assert_eq!(sender.kind(), IdentifierKind::CommunicationUser);
        let topic = &page.value[3];
        assert_eq!(
            topic.content.as_ref().unwrap().topic.as_deref(),
            Some("Lunch")
        );
        assert_eq!(topic.sender_raw_id().as_deref(), Some(JANE_SPEC));
        let added = page.value[4].content.as_ref().unwrap();
        assert_eq!(added.participants.len(), 3);
        assert!(page.next_link.unwrap().contains("syncState=3e47"));
    }
}

#[test]
fn spec_participants_receipts_and_threads_decode() {
    let v = "2025-03-15";
    let participants: Page<ChatParticipant> =
        spec_body(v, "Participants_ListChatParticipantsWithPageSize", "200");
    let names: Vec<&str> = participants
        .value
        .iter()
        .map(|p| p.display_name.as_deref().unwrap())
        .collect();
    assert_eq!(names, ["Jane", "Alex"]);
    assert!(!participants.value[0].shares_full_history());
    assert!(
        participants
            .next_link
            .unwrap()
            .contains("skip=2&maxPageSize=2")
    );

    let receipts: Page<ChatMessageReadReceipt> =
        spec_body(v, "Conversations_ListChatReadReceiptsWithPageSize", "200");
    assert_eq!(receipts.value.len(), 2);
    assert_eq!(receipts.value[1].chat_message_id, "1591768249318");
    assert_eq!(
        receipts.value[1].read().unwrap().to_rfc3339(),
        "2020-06-06T05:55:41.646+00:00"
    );

    let threads: Page<ChatThreadItem> = spec_body(v, "Threads_ListChatThreadsWithPageSize", "200");
    assert_eq!(threads.value.len(), 5);
    assert_eq!(threads.value[0].topic, "Chat with Samantha");
    let deleted: Vec<&str> = threads
        .value
        .iter()
        .filter(|t| t.deleted_on.is_some())
        .map(|t| t.topic.as_str())
        .collect();
    assert_eq!(deleted, ["Lunch"]);
    assert!(threads.next_link.unwrap().contains("syncState="));
}

#[test]
fn real_thread_without_kind_metadata_or_policy() {
    let t: ChatThreadProperties = real("thread_properties");
    assert_eq!(t.topic, "test topic");
    assert_eq!(
        t.created().unwrap().to_rfc3339(),
        "2023-11-21T01:09:34+00:00"
    );
    let creator = t.created_by_communication_identifier.unwrap();
    assert_eq!(creator.kind, None);
    assert_eq!(creator.kind(), IdentifierKind::CommunicationUser);
    assert_eq!(
        (t.metadata, t.retention_policy, t.deleted_on),
        (None, None, None)
    );
}

#[test]
fn real_messages_decode() {
    let preview: ChatMessage = real("message_preview");
    assert_eq!(preview.sender_display_name.as_deref(), Some(""));
    assert_eq!(preview.sender_name(), None);
    assert!(preview.attachments().is_empty());

    let deleted: ChatMessage = real("message_deleted");
    assert!(deleted.is_deleted());
    assert_eq!(deleted.text(), "");
    assert_eq!(deleted.sequence(), Some(3));

    let edited: ChatMessage = real("message_edited");
    assert!(edited.is_edited());
    assert_ne!(edited.version, edited.id);

    let production: ChatMessage = real("message_production");
    assert_eq!(production.sequence(), Some(39));
    assert_eq!(production.sender_name(), Some("Care Giver"));
    assert_eq!(production.metadata.unwrap()["woundId"], "60");

    let removed: ChatMessage = real("participant_removed");
    assert_eq!(removed.message_type, ChatMessageType::ParticipantRemoved);
    assert!(removed.message_type.is_system());
    assert_eq!(removed.sender_communication_identifier, None);
    let content = removed.content.unwrap();
    assert_eq!(
        content.participants[0].display_name.as_deref(),
        Some("user4")
    );
    assert!(content.participants[0].shares_full_history());
    assert!(
        content
            .initiator_communication_identifier
            .unwrap()
            .raw_id()
            .contains("b832")
    );
}

#[test]
fn real_message_pages_decode_and_end_empty() {
    let first: Page<ChatMessage> = real("messages_page1");
    assert_eq!(first.value.len(), 3);
    assert_eq!(first.value[1].message_type, ChatMessageType::TopicUpdated);
    assert_eq!(
        first.value[1].sender_raw_id(),
        first.value[0].sender_raw_id()
    );
    assert!(
        first
            .next_link
            .unwrap()
            .contains("@thread.v2/messages?syncState=")
    );
    let second: Page<ChatMessage> = real("messages_page2");
    assert_eq!(second.next_link, None);
    let added = second.value[0].content.as_ref().unwrap();
    assert_eq!(added.participants.len(), 2);
    let last: Page<ChatMessage> = real("messages_empty_last_page");
    assert!(last.value.is_empty() && last.next_link.is_none());
}

#[test]
fn real_participants_and_receipts_decode() {
    let participants: Page<ChatParticipant> = real("participants");
    assert!(participants.value.iter().all(|p| p.display_name.is_none()));
    assert!(
        participants
            .value
            .iter()
            .all(ChatParticipant::shares_full_history)
    );
    let receipts: Page<ChatMessageReadReceipt> = real("read_receipts");
    assert_eq!(receipts.value[0].chat_message_id, "1697712387445");
    assert_eq!(
        receipts.value[0].sender_communication_identifier.kind(),
        IdentifierKind::CommunicationUser
    );
}

#[test]
fn real_error_bodies_parse() {
    let cases = read(&fixtures().join("real/errors.json"));
    for case in cases.as_array().unwrap() {
        let parsed = parse_error_body(case["body"].as_str().unwrap().as_bytes());
        assert_eq!(parsed.code.as_deref(), case["code"].as_str(), "{case}");
        assert_eq!(
            parsed.message.as_deref(),
            case["message"].as_str(),
            "{case}"
        );
        if let Some(targets) = case.get("targets") {
            let parsed: Vec<Value> = parsed
                .details
                .iter()
                .filter_map(|d| d.target.clone().map(Value::String))
                .collect();
            assert_eq!(&Value::Array(parsed), targets, "{case}");
        }
    }
}

#[test]
fn seven_digit_fractions_and_second_precision_both_parse() {
    let mut m: ChatMessage = real("message_preview");
    assert_eq!(m.created().unwrap().timestamp(), 1_691_783_412);
    m.created_on = "2023-08-11T19:50:12.1234567Z".into();
    assert_eq!(m.created().unwrap().timestamp_subsec_nanos(), 123_456_700);
}

#[test]
fn unknown_fields_types_and_kinds_survive_a_round_trip() {
    let mut raw: Value = read(&fixtures().join("real/message_preview.json"));
    raw["type"] = "poll".into();
    raw["futureField"] = serde_json::json!({"nested": [1, 2]});
    raw["content"]["pollOptions"] = serde_json::json!(["Pizza", "Sushi"]);
    raw["senderCommunicationIdentifier"] =
        serde_json::json!({"kind": "botUser", "rawId": "99:bot:x", "botUser": {"botId": "x"}});
    let m: ChatMessage = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(m.message_type, ChatMessageType::Other("poll".into()));
    let sender = m.sender_communication_identifier.as_ref().unwrap();
    assert_eq!(sender.kind(), IdentifierKind::Unknown("botUser".into()));
    let mut back = serde_json::to_value(&m).unwrap();
    // Empty attachments are not written back; everything else is kept.
    raw["content"]
        .as_object_mut()
        .unwrap()
        .remove("attachments");
    back["content"]
        .as_object_mut()
        .unwrap()
        .remove("attachments");
    assert_eq!(back, raw);
}
