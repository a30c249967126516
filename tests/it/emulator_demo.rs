//! The demo data: everything the panels need, reachable through the emulator's own API.

use std::collections::HashSet;

use acs_chat_inspector::acs::{
    ChatMessage, ChatMessageReadReceipt, ChatMessageType, ChatParticipant, ChatThreadItem,
    ChatThreadProperties, Page, RetentionKind,
};
use acs_chat_inspector::cli::EmulatorArgs;
use acs_chat_inspector::emulator::{self, EmulatorConfig, FaultKind, RunningEmulator};
use serde::de::DeserializeOwned;

const V: &str = "2025-03-15";
const SUPPORT: &str = "19:a0dfe5fc10e04a7f8d8a64d455f4196d@thread.v2";

async fn fetch<T: DeserializeOwned>(emu: &RunningEmulator, path: &str) -> T {
    let url = format!(
        "{}{path}{}api-version={V}",
        emu.info.endpoint,
        if path.contains('?') { "&" } else { "?" }
    );
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(&emu.info.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn messages(emu: &RunningEmulator, thread: &str) -> Vec<ChatMessage> {
    let page: Page<ChatMessage> = fetch(
        emu,
        &format!("/chat/threads/{thread}/messages?maxPageSize=200"),
    )
    .await;
    page.value
}

fn of_type(all: &[ChatMessage], kind: ChatMessageType) -> Vec<&ChatMessage> {
    all.iter().filter(|m| m.message_type == kind).collect()
}

#[tokio::test]
async fn lunch_has_something_for_every_panel() {
    let emu = emulator::start(EmulatorConfig::default()).await.unwrap();
    let lunch = emu.info.thread_id.clone();
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{lunch}")).await;
    assert_eq!(thread.topic, "Lunch");
    assert_eq!(thread.metadata.as_ref().unwrap()["project"], "lunch-club");
    assert_eq!(
        thread.retention_policy.as_ref().unwrap().meaning(),
        RetentionKind::ThreadCreationDate {
            delete_after_days: Some(90)
        }
    );
    assert!(thread.created().unwrap() < chrono::Utc::now());
    assert!(thread.scheduled_deletion().unwrap() > chrono::Utc::now());

    let all = messages(&emu, &lunch).await;
    let first_two: Vec<&str> = all
        .iter()
        .rev()
        .take(2)
        .map(|m| m.message_type.as_str())
        .collect();
    assert_eq!(first_two, ["participantAdded", "topicUpdated"]);
    let html = of_type(&all, ChatMessageType::Html);
    assert!(
        html.iter()
            .any(|m| m.text().contains("<a href=") && m.text().contains("<li>"))
    );
    assert!(all.iter().any(|m| m.is_edited() && m.version != m.id));
    let deleted: Vec<&ChatMessage> = all.iter().filter(|m| m.is_deleted()).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].text(), "");
    let topics: Vec<&str> = of_type(&all, ChatMessageType::TopicUpdated)
        .iter()
        .map(|m| m.content.as_ref().unwrap().topic.as_deref().unwrap())
        .collect();
    assert_eq!(topics, ["Lunch", "Lunch plans"]);
    let removed = of_type(&all, ChatMessageType::ParticipantRemoved);
    let content = removed[0].content.as_ref().unwrap();
    assert_eq!(
        content.participants[0].display_name.as_deref(),
        Some("Peter")
    );
    assert!(content.initiator_communication_identifier.is_some());
    assert_eq!(of_type(&all, ChatMessageType::ParticipantAdded).len(), 2);
    let with_files: Vec<&ChatMessage> =
        all.iter().filter(|m| !m.attachments().is_empty()).collect();
    let kinds: Vec<&str> = with_files[0]
        .attachments()
        .iter()
        .map(|a| a.attachment_type.as_str())
        .collect();
    assert_eq!(kinds, ["image", "file"]);
    for a in with_files[0].attachments() {
        assert!(a.url.as_deref().unwrap().starts_with(&emu.info.endpoint));
    }
    assert!(
        all.iter()
            .any(|m| m.sender_display_name.as_deref() == Some(""))
    );
    assert!(
        all.iter()
            .all(|m| m.created_on.ends_with('Z') && m.created_on.len() == 20)
    );

    let participants: Page<ChatParticipant> =
        fetch(&emu, &format!("/chat/threads/{lunch}/participants")).await;
    assert!(
        participants
            .value
            .iter()
            .any(ChatParticipant::shares_full_history)
    );
    assert!(participants.value.iter().any(|p| !p.shares_full_history()));
    assert!(participants.value.iter().any(|p| p.metadata.is_some()));
    assert!(
        participants
            .value
            .iter()
            .any(|p| p.communication_identifier.kind().as_str() == "microsoftTeamsUser")
    );
    let receipts: Page<ChatMessageReadReceipt> =
        fetch(&emu, &format!("/chat/threads/{lunch}/readReceipts")).await;
    let readers: HashSet<String> = receipts
        .value
        .iter()
        .map(|r| r.sender_communication_identifier.raw_id())
        .collect();
    assert_eq!(readers.len(), receipts.value.len());
    let ids: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert!(
        receipts
            .value
            .iter()
            .all(|r| ids.contains(r.chat_message_id.as_str()))
    );
}

#[tokio::test]
async fn support_thread_keeps_messages_until_deleted() {
    let emu = emulator::start(EmulatorConfig::default()).await.unwrap();
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{SUPPORT}")).await;
    assert_eq!(thread.topic, "Support case 4711");
    assert_eq!(
        thread.retention_policy.unwrap().meaning(),
        RetentionKind::KeepUntilDeleted
    );
    let support = messages(&emu, SUPPORT).await;
    let lunch = messages(&emu, &emu.info.thread_id).await;
    assert!(!support.is_empty() && support.len() < lunch.len());
    let threads: Page<ChatThreadItem> = fetch(&emu, "/chat/threads").await;
    let listed: Vec<&str> = threads.value.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        listed,
        [SUPPORT, emu.info.thread_id.as_str()],
        "most recent activity first"
    );
    assert!(
        threads
            .value
            .iter()
            .all(|t| t.last_message_received_on.is_some())
    );
}

#[tokio::test]
async fn hostile_faults_put_their_content_in_lunch() {
    let emu = emulator::start(EmulatorConfig {
        faults: vec![FaultKind::Escape, FaultKind::Unicode, FaultKind::Unknown],
        ..Default::default()
    })
    .await
    .unwrap();
    let lunch = emu.info.thread_id.clone();
    let all = messages(&emu, &lunch).await;
    let texts: String = all.iter().map(ChatMessage::text).collect();
    for needle in [
        "\u{1b}[2J",
        "\u{1b}]52;c;",
        "\u{1b}]0;",
        "\u{7}",
        "\u{9b}",
        "\u{202e}",
        "\u{200b}",
        "👩‍👩‍👧‍👦",
        "שלום",
        "مرحبا",
        "e\u{301}",
    ] {
        assert!(texts.contains(needle), "{needle:?}");
    }
    assert!(
        all.iter()
            .any(|m| m.sender_name().is_some_and(|n| n.contains('\u{1b}')))
    );
    assert!(all.iter().any(|m| {
        m.attachments()
            .iter()
            .any(|a| a.name.as_deref().unwrap_or("").contains('\u{1b}'))
    }));
    assert!(all.iter().any(|m| {
        m.metadata
            .as_ref()
            .is_some_and(|meta| meta.keys().any(|k| k.contains('\u{1b}')))
    }));
    let seed = all.iter().find(|m| m.id == emu.info.message_id).unwrap();
    assert_eq!(seed.text(), "Let's head out for lunch in 15 minutes.");
    let participants: Page<ChatParticipant> =
        fetch(&emu, &format!("/chat/threads/{lunch}/participants")).await;
    let bot = participants
        .value
        .iter()
        .find(|p| p.communication_identifier.kind().as_str() == "botUser")
        .unwrap();
    assert!(bot.extra.contains_key("futureField"));
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{lunch}")).await;
    assert!(thread.topic.contains('\u{1b}') && thread.topic.contains("ארוחת"));
}

#[test]
fn config_follows_the_emulator_flags() {
    let args = EmulatorArgs {
        messages: Some(100_000),
        latency_ms: 25,
        fail_rate: 0.3,
        faults: vec![FaultKind::Stall],
        ..EmulatorArgs::default()
    };
    let config = EmulatorConfig::from(&args);
    assert_eq!(config.extra_messages, Some(100_000));
    assert_eq!(config.latency, std::time::Duration::from_millis(25));
    assert_eq!(config.fail_rate, 0.3);
    assert_eq!(config.faults, [FaultKind::Stall]);
    assert!(config.addr.ip().is_loopback());
}

#[tokio::test]
async fn a_hundred_thousand_messages_are_served_lazily() {
    let emu = emulator::start(EmulatorConfig {
        extra_messages: Some(100_000),
        ..Default::default()
    })
    .await
    .unwrap();
    let large = emu.info.large_thread_id.clone().unwrap();
    let newest = messages(&emu, &large).await;
    assert_eq!(newest.len(), 200);
    assert_eq!(newest[0].sequence(), Some(100_000));
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{large}")).await;
    assert_eq!(thread.topic, "Load test (100000 messages)");
    assert!(thread.retention_policy.is_none());
}

#[tokio::test]
async fn serve_cli_rejects_a_bad_address() {
    let code = emulator::serve_cli("not an address", false, &EmulatorArgs::default()).await;
    assert_eq!(code, 2);
}

#[test]
fn pinned_now_gives_the_same_ids() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z")
        .unwrap()
        .to_utc();
    let config = EmulatorConfig {
        now: Some(now),
        ..Default::default()
    };
    let a = emulator::EmulatorState::new(&config, "http://127.0.0.1:1");
    let b = emulator::EmulatorState::new(&config, "http://127.0.0.1:1");
    assert_eq!(a.store().seed_message_id, b.store().seed_message_id);
    // 2026-01-13T09:05:00.318Z: two days before, at 09:00, plus five minutes.
    assert_eq!(a.store().seed_message_id, "1768295100318");
}

#[test]
fn entry_points_can_run_on_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let args = EmulatorArgs::default();
    let serve = emulator::serve_cli("127.0.0.1:0", false, &args);
    assert_send(&serve);
    let start = emulator::start(EmulatorConfig::default());
    assert_send(&start);
}
