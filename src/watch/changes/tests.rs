use serde_json::json;

use super::*;

fn text_message(id: u64, seq: u64) -> Value {
    json!({"id": id.to_string(), "type": "text", "sequenceId": seq.to_string(), "version": id.to_string(),
           "createdOn": "2026-11-23T10:00:00Z", "content": {"message": "hi"}})
}

fn edited(mut m: Value, version: u64) -> Value {
    m["version"] = json!(version.to_string());
    m["editedOn"] = json!("2026-11-23T10:05:00Z");
    m
}

fn deleted(mut m: Value, version: u64) -> Value {
    m["version"] = json!(version.to_string());
    m["deletedOn"] = json!("2026-11-23T10:06:00Z");
    m
}

fn kinds(events: &[WatchEvent]) -> Vec<(ChangeKind, String)> {
    events
        .iter()
        .map(|e| (e.event, e.message_id.clone()))
        .collect()
}

#[test]
fn the_baseline_reports_nothing_and_later_changes_once_each() {
    let (m1, m2) = (text_message(1000, 1), text_message(2000, 2));
    let mut t = Tracker::baseline(&[m2.clone(), m1.clone()]);
    let now = Utc::now();
    assert!(t.observe(&[m2.clone(), m1.clone()], now).is_empty());
    let m3 = text_message(3000, 3);
    let page = [m3.clone(), edited(m2.clone(), 2500), m1.clone()];
    let events = t.observe(&page, now);
    assert_eq!(
        kinds(&events),
        [
            (ChangeKind::Edited, "2000".into()),
            (ChangeKind::Added, "3000".into())
        ]
    );
    assert_eq!(events[0].at, "2026-11-23T10:05:00Z");
    assert!(
        t.observe(&page, now).is_empty(),
        "never the same change twice"
    );
    let page = [m3, edited(m2, 2500), deleted(m1, 4000)];
    let events = t.observe(&page, now);
    assert_eq!(kinds(&events), [(ChangeKind::Deleted, "1000".into())]);
    assert_eq!(events[0].at, "2026-11-23T10:06:00Z");
}

#[test]
fn system_messages_are_participant_and_topic_changes() {
    let mut t = Tracker::baseline(&[text_message(1000, 1)]);
    let added = json!({"id": "2000", "type": "participantAdded", "sequenceId": "2", "version": "2000",
        "createdOn": "2026-11-23T10:00:02Z",
        "content": {"participants": [{"communicationIdentifier": {"rawId": "8:acs:r_peter"}}]}});
    let removed = json!({"id": "3000", "type": "participantRemoved", "sequenceId": "3", "version": "3000",
        "createdOn": "2026-11-23T10:00:03Z",
        "content": {"participants": [{"communicationIdentifier": {"rawId": "8:acs:r_peter"}}]}});
    let topic = json!({"id": "4000", "type": "topicUpdated", "sequenceId": "4", "version": "4000",
        "createdOn": "2026-11-23T10:00:04Z", "content": {"topic": "Lunch at 12:30"}});
    let events = t.observe(&[topic, removed, added], Utc::now());
    assert_eq!(
        kinds(&events),
        [
            (ChangeKind::ParticipantAdded, "2000".into()),
            (ChangeKind::ParticipantRemoved, "3000".into()),
            (ChangeKind::TopicChanged, "4000".into()),
        ]
    );
    assert_eq!(events[0].participants, ["8:acs:r_peter"]);
    assert_eq!(events[2].topic.as_deref(), Some("Lunch at 12:30"));
    let line = serde_json::to_value(&events[2]).unwrap();
    assert_eq!(line["event"], "topicChanged");
    assert_eq!(line["messageId"], "4000");
    assert!(line.get("participants").is_none());
}

#[test]
fn an_older_message_sliding_into_the_window_is_not_news() {
    let mut t = Tracker::baseline(&[text_message(3000, 3), text_message(2000, 2)]);
    let events = t.observe(&[text_message(3000, 3), text_message(1000, 1)], Utc::now());
    assert!(events.is_empty(), "{events:?}");
}

#[test]
fn a_page_of_only_new_messages_may_have_missed_some() {
    let t = Tracker::baseline(&[text_message(1000, 1)]);
    assert!(t.overflowed(&[text_message(3000, 3), text_message(2000, 2)]));
    assert!(!t.overflowed(&[text_message(2000, 2), text_message(1000, 1)]));
    assert!(!Tracker::default().overflowed(&[text_message(1000, 1)]));
    assert_eq!(t.newest_created_on(), Some("2026-11-23T10:00:00Z"));
}

#[test]
fn memory_stays_bounded_by_the_window() {
    let mut t = Tracker::default();
    for i in 1..=500 {
        t.observe(&[text_message(i * 1000, i)], Utc::now());
        t.forget_unlisted(&[text_message(i * 1000, i)]);
    }
    assert!(t.known.len() <= 70, "{}", t.known.len());
    assert!(t.knows("500000"));
}
