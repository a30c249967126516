//! Members, removed members and strangers see what the service lets them see, and the system
//! messages tell the same story as the membership the emulator enforces.

use acs_chat_inspector::emulator::cases::HANDOVER_THREAD_ID;
use acs_chat_inspector::emulator::data::{JANE, LUNCH_THREAD_ID, PETER};
use acs_chat_inspector::emulator::people::GUEST;
use acs_chat_inspector::emulator::teams::TEAMS_MEETING_THREAD_ID;
use serde_json::Value;
use std::time::Duration;

use crate::support::emulator::{demo, get_at, list_all, thread_path};

const V: &str = "2025-03-15";

fn created_ms(m: &Value) -> i64 {
    m["id"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_removed_member_keeps_the_thread_and_its_history_up_to_the_removal() {
    let emu = demo().await;
    let peter = emu.info.removed_token.clone();
    let threads = list_all(&emu, "/chat/threads", V, &peter).await;
    assert!(threads.iter().any(|t| t["id"] == LUNCH_THREAD_ID), "listed");
    let (status, thread) = get_at(&emu, &thread_path(LUNCH_THREAD_ID, ""), V, &peter).await;
    assert_eq!((status, thread["topic"].as_str()), (200, Some("Lunch")));

    let all = list_all(
        &emu,
        &thread_path(LUNCH_THREAD_ID, "/messages"),
        V,
        &emu.info.token,
    )
    .await;
    let seen = list_all(&emu, &thread_path(LUNCH_THREAD_ID, "/messages"), V, &peter).await;
    let removal = &seen[0];
    assert_eq!(
        removal["type"], "participantRemoved",
        "his list ends with his removal"
    );
    let content = &removal["content"];
    assert_eq!(
        content["participants"][0]["communicationIdentifier"]["rawId"],
        PETER.raw_id()
    );
    assert_eq!(
        content["initiatorCommunicationIdentifier"]["rawId"],
        JANE.raw_id()
    );
    let removed_at = created_ms(removal);
    let before: Vec<&Value> = all.iter().filter(|m| created_ms(m) <= removed_at).collect();
    assert_eq!(seen.len(), before.len());
    assert!(seen.len() < all.len());

    let after = all.iter().find(|m| created_ms(m) > removed_at).unwrap();
    let path = thread_path(
        LUNCH_THREAD_ID,
        &format!("/messages/{}", after["id"].as_str().unwrap()),
    );
    assert_eq!(get_at(&emu, &path, V, &peter).await.0, 404);
    let path = thread_path(
        LUNCH_THREAD_ID,
        &format!("/messages/{}", emu.info.message_id),
    );
    assert_eq!(get_at(&emu, &path, V, &peter).await.0, 200);
    for list in ["/participants", "/readReceipts"] {
        let (status, body) = get_at(&emu, &thread_path(LUNCH_THREAD_ID, list), V, &peter).await;
        assert_eq!(status, 403, "{list}");
        assert_eq!(body["CommunicationError"]["Code"], "Forbidden");
    }
}

#[tokio::test]
async fn a_stranger_gets_403_everywhere_and_no_thread() {
    let emu = demo().await;
    let outsider = emu.info.outsider_token.clone();
    assert!(
        list_all(&emu, "/chat/threads", V, &outsider)
            .await
            .is_empty()
    );
    let message = format!("/messages/{}", emu.info.message_id);
    for rest in ["", "/messages", &message, "/participants", "/readReceipts"] {
        let (status, _) = get_at(&emu, &thread_path(LUNCH_THREAD_ID, rest), V, &outsider).await;
        assert_eq!(status, 403, "{rest:?}");
    }
}

#[tokio::test]
async fn a_late_joiner_sees_history_from_the_share_history_time_only() {
    let emu = demo().await;
    let jane = emu.info.token.clone();
    let seen = list_all(
        &emu,
        &thread_path(HANDOVER_THREAD_ID, "/messages"),
        V,
        &jane,
    )
    .await;
    let oldest = seen.last().unwrap();
    assert_eq!(oldest["type"], "participantAdded");
    assert_eq!(
        oldest["sequenceId"], "7",
        "sequence ids 1-6 are before her shareHistoryTime"
    );
    let participants = list_all(
        &emu,
        &thread_path(HANDOVER_THREAD_ID, "/participants"),
        V,
        &jane,
    )
    .await;
    let me = participants
        .iter()
        .find(|p| p["communicationIdentifier"]["rawId"] == JANE.raw_id())
        .unwrap();
    let share = chrono::DateTime::parse_from_rfc3339(me["shareHistoryTime"].as_str().unwrap())
        .unwrap()
        .timestamp_millis();
    assert!(seen.iter().all(|m| created_ms(m) >= share));
}

#[tokio::test]
async fn a_teams_meeting_shows_nothing_from_before_joining_and_nothing_after_leaving() {
    let emu = demo().await;
    let jane = emu.info.token.clone();
    let seen = list_all(
        &emu,
        &thread_path(TEAMS_MEETING_THREAD_ID, "/messages"),
        V,
        &jane,
    )
    .await;
    let oldest = seen.last().unwrap();
    assert_eq!(
        oldest["type"], "participantAdded",
        "nothing from before she joined"
    );
    assert!(
        oldest["content"]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["communicationIdentifier"]["rawId"] == JANE.raw_id())
    );
    // The guest left the meeting: still listed, but its chat is closed to them, messages included.
    let (guest, _) = emu
        .state()
        .signer()
        .issue_token(GUEST.user, Duration::from_secs(600));
    let threads = list_all(&emu, "/chat/threads", V, &guest).await;
    assert!(threads.iter().any(|t| t["id"] == TEAMS_MEETING_THREAD_ID));
    for rest in ["", "/messages", "/participants", "/readReceipts"] {
        let (status, _) =
            get_at(&emu, &thread_path(TEAMS_MEETING_THREAD_ID, rest), V, &guest).await;
        assert_eq!(status, 403, "{rest:?}");
    }
}

#[tokio::test]
async fn every_demo_thread_s_system_messages_agree_with_its_participants() {
    let emu = demo().await;
    let jane = emu.info.token.clone();
    for t in list_all(&emu, "/chat/threads", V, &jane).await {
        let id = t["id"].as_str().unwrap();
        if t.get("deletedOn").is_some() {
            continue;
        }
        let thread = emu.state().store().thread(id).unwrap();
        let mut from_history: Vec<&str> = thread.history().members().collect();
        let listed = list_all(&emu, &thread_path(id, "/participants"), V, &jane).await;
        let mut from_list: Vec<&str> = listed
            .iter()
            .map(|p| p["communicationIdentifier"]["rawId"].as_str().unwrap())
            .collect();
        from_history.sort_unstable();
        from_list.sort_unstable();
        assert_eq!(from_history, from_list, "{id}");
    }
}
