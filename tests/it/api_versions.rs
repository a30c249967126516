//! Every supported api-version, fetched from the emulator and checked column by column against the
//! version table (`acs::api_versions`, printed in docs/api-versions.md).

use acs_chat_inspector::acs::IdentifierKind;
use acs_chat_inspector::acs::api_versions::{RetentionShape, VERSIONS, VersionShape};
use acs_chat_inspector::emulator::RunningEmulator;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::emulator::teams::{
    INTERAGENCY_THREAD_ID, MEETING_IMAGE_ID, TEAMS_MEETING_THREAD_ID,
};
use serde_json::Value;

use crate::support::emulator::{demo, get_at, list_all, thread_path};

async fn check_thread(emu: &RunningEmulator, v: &VersionShape) {
    let (status, thread) = get_at(
        emu,
        &thread_path(LUNCH_THREAD_ID, ""),
        v.version,
        &emu.info.token,
    )
    .await;
    assert_eq!(status, 200);
    let who = v.version;
    assert_eq!(thread.get("metadata").is_some(), v.thread_metadata, "{who}");
    let creator = &thread["createdByCommunicationIdentifier"];
    assert_eq!(
        creator.get("kind").is_some(),
        v.identifier_kind_field,
        "{who}"
    );
    let policy = thread.get("retentionPolicy");
    match v.retention {
        RetentionShape::None => assert_eq!(policy, None, "{who}"),
        RetentionShape::Kind => assert_eq!(policy.unwrap()["kind"], "threadCreationDate", "{who}"),
        RetentionShape::PolicyType => {
            assert_eq!(
                policy.unwrap(),
                &serde_json::json!({"policyType": "threadCreationDate", "daysAfterCreation": 90})
            );
        }
    }
    let items = list_all(emu, "/chat/threads", v.version, &emu.info.token).await;
    let lunch = items.iter().find(|t| t["id"] == LUNCH_THREAD_ID).unwrap();
    let listed_policy = lunch.get("retentionPolicy").is_some();
    assert_eq!(
        listed_policy,
        v.retention == RetentionShape::PolicyType,
        "{who}"
    );
}

async fn check_messages(emu: &RunningEmulator, v: &VersionShape) {
    let who = v.version;
    let path = thread_path(LUNCH_THREAD_ID, "/messages");
    let all = list_all(emu, &path, v.version, &emu.info.token).await;
    let seed = all
        .iter()
        .find(|m| m["id"] == emu.info.message_id.as_str())
        .unwrap();
    assert_eq!(seed.get("metadata").is_some(), v.message_metadata, "{who}");
    assert_eq!(
        seed["content"].get("attachments") == Some(&Value::Array(vec![])),
        v.empty_attachments_on_text(),
        "{who}"
    );
    let from_teams = all
        .iter()
        .find(|m| {
            m["content"]["message"]
                .as_str()
                .is_some_and(|t| t.contains("the menu"))
        })
        .unwrap();
    assert_eq!(from_teams["type"], v.teams_html_type, "{who}");
    let attachments = from_teams["content"]
        .get("attachments")
        .and_then(Value::as_array);
    let Some(shape) = v.attachments else {
        assert!(
            all.iter()
                .all(|m| m["content"].get("attachments").is_none()),
            "{who}"
        );
        return;
    };
    let attachments = attachments.unwrap();
    let types: Vec<&str> = attachments
        .iter()
        .map(|a| a["attachmentType"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = std::iter::once(shape.image).chain(shape.file).collect();
    assert_eq!(types, expected, "{who}");
    for a in attachments {
        let extension = ["extension", "contentType"]
            .into_iter()
            .find(|f| a.get(*f).is_some());
        assert_eq!(extension, shape.extension_field, "{who}");
        assert_eq!(
            a.get("url").is_some(),
            shape.url_required || a["attachmentType"] == shape.image,
            "{who}"
        );
    }
}

async fn check_identifiers(emu: &RunningEmulator, v: &VersionShape) {
    let who = v.version;
    let path = thread_path(INTERAGENCY_THREAD_ID, "/participants");
    let participants = list_all(emu, &path, v.version, &emu.info.token).await;
    assert!(participants.len() >= 10);
    for p in &participants {
        let id = &p["communicationIdentifier"];
        let raw = id["rawId"].as_str().unwrap();
        let kind = IdentifierKind::from_raw_id(raw);
        let known = v.knows_kind(kind.as_str());
        let sub_objects = id
            .as_object()
            .unwrap()
            .keys()
            .filter(|k| *k != "rawId" && *k != "kind")
            .count();
        assert_eq!(sub_objects, usize::from(known), "{who} {raw}");
        let sent_kind = id.get("kind").and_then(Value::as_str);
        let expected = v
            .identifier_kind_field
            .then(|| if known { kind.as_str() } else { "unknown" });
        assert_eq!(sent_kind, expected, "{who} {raw}");
        assert!(p.get("metadata").is_none(), "{who}: none set here");
    }
    let jane = list_all(
        emu,
        &thread_path(LUNCH_THREAD_ID, "/participants"),
        v.version,
        &emu.info.token,
    )
    .await;
    let with_metadata = jane.iter().any(|p| p.get("metadata").is_some());
    assert_eq!(with_metadata, v.participant_metadata, "{who}");
}

async fn check_image_operation(emu: &RunningEmulator, v: &VersionShape) {
    let path = thread_path(
        TEAMS_MEETING_THREAD_ID,
        &format!("/images/{MEETING_IMAGE_ID}/view/small"),
    );
    let (status, body) = get_at(emu, &path, v.version, &emu.info.token).await;
    if v.image_view_operation {
        assert_eq!(status, 200, "{}", v.version);
    } else {
        assert_eq!(status, 400, "{}", v.version);
        assert_eq!(
            body["error"]["code"], "BadRequest",
            "ARM-style ErrorResponse"
        );
    }
}

#[tokio::test]
async fn every_version_serves_its_own_shape() {
    let emu = demo().await;
    for v in &VERSIONS {
        check_thread(&emu, v).await;
        check_messages(&emu, v).await;
        check_identifiers(&emu, v).await;
        check_image_operation(&emu, v).await;
    }
}

#[tokio::test]
async fn every_version_s_answers_decode_into_the_same_meaning() {
    use acs_chat_inspector::acs::{ChatMessage, ChatThreadProperties, RetentionKind};
    let emu = demo().await;
    for v in &VERSIONS {
        let path = thread_path(LUNCH_THREAD_ID, "");
        let (_, body) = get_at(&emu, &path, v.version, &emu.info.token).await;
        let thread: ChatThreadProperties = serde_json::from_value(body).unwrap();
        if v.retention != RetentionShape::None {
            let days = thread.retention_policy.unwrap().meaning();
            assert_eq!(
                days,
                RetentionKind::ThreadCreationDate {
                    delete_after_days: Some(90)
                }
            );
        }
        let messages = list_all(
            &emu,
            &thread_path(LUNCH_THREAD_ID, "/messages"),
            v.version,
            &emu.info.token,
        )
        .await;
        for m in messages {
            let m: ChatMessage = serde_json::from_value(m).unwrap();
            for a in m.attachments() {
                assert!(
                    a.attachment_type.is_image() || a.attachment_type.is_file(),
                    "{}",
                    v.version
                );
            }
            if m.text().contains("the menu") {
                assert!(
                    m.message_type.is_html(),
                    "{}: {}",
                    v.version,
                    m.message_type
                );
            }
        }
    }
}
