//! Demo threads for the questions support engineers get asked, one case each, all with the demo
//! user (Jane) as a member so `GET /chat/threads` lists them:
//! - [`HANDOVER_THREAD_ID`]: Jane was added late with `shareHistoryTime` at her addition, so her
//!   message list starts at sequenceId 7: a sequence gap. A deleted message leaves no gap (it is still
//!   listed with `deletedOn` and empty content: shared real-payloads §2, CLI-DEL recording); what hides
//!   messages from one participant is their `shareHistoryTime` ("Time from which the chat history is
//!   shared with the participant", `ChatParticipant` in the spec). Samantha joined later still but
//!   with a `shareHistoryTime` before her addition: she sees part of the history.
//! - [`ALL_HANDS_THREAD_ID`]: 24 participants, so no read receipts are listed (service-limits: "not
//!   supported on chat threads with more than 20 participants"; Azure/azure-sdk-for-net #31413),
//!   though some were sent.
//! - [`OUTAGE_THREAD_ID`]: a 90-day `threadCreationDate` retention policy that deletes it within a week.
//! - [`DELETED_THREAD_ID`]: `deletedOn` set; listed and readable as properties, its history gone.
//! - [`QUIET_THREAD_ID`]: no message from anyone: only the `participantAdded` and `topicUpdated` the
//!   service writes when a thread is created (shared real-payloads §8.7), the emptiest a thread gets.

use super::data::{
    ALEX, BOB, FULL_HISTORY, JANE, PETER, SAMANTHA, Thread, Timeline, delete, metadata,
    participant, properties, receipt, ts,
};
use crate::acs::{ChatMessageType, ChatParticipant, CommunicationIdentifierModel, RetentionPolicy};

pub const HANDOVER_THREAD_ID: &str =
    "19:uni01_3kq7vbm2xrf4yw6tz8hc5nd9pg1sj0le2ua4oi6wmq8ry3tb5vcx@thread.v2";
pub const ALL_HANDS_THREAD_ID: &str =
    "19:uni01_a7fh2kd9qw4xz6mc8vb1np3ry5tl0gs2je4ou6iq8wk1hd3mf5bz@thread.v2";
pub const OUTAGE_THREAD_ID: &str =
    "19:acsV1_Tq4mW8xZ2cV6bN0kL3jH7gF5dS9aP1oI4uY8tR2eE6wQ1@thread.v2";
pub const DELETED_THREAD_ID: &str = "19:5c0e9a8b7d6f4e3c2b1a09f8e7d6c5b4@thread.v2";
pub const QUIET_THREAD_ID: &str = "19:e1d2c3b4a5f60718293a4b5c6d7e8f90@thread.v2";

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;
/// More than the 20 participants read receipts are supported for.
pub const ALL_HANDS_SIZE: usize = 24;

pub fn handover(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(HANDOVER_THREAD_ID, base_url);
    let founders = [&ALEX, &BOB].map(|p| participant(p, true, FULL_HISTORY, None));
    t.creation(t0, &ALEX, "Release 2.3 handover", founders.to_vec());
    t.text(
        t0 + 3 * MINUTE,
        &ALEX,
        "Rollback plan: keep build 2.2.9 warm until Friday.",
    );
    let staging = t0 + 6 * MINUTE;
    t.text(staging, &BOB, "Staging credentials rotate tonight.");
    let typo = t.text(t0 + 8 * MINUTE, &BOB, "Wrong channel, sorry.");
    delete(typo, 20_000);
    t.text(
        t0 + 10 * MINUTE,
        &ALEX,
        "Known issue 4411 stays open for 2.3.",
    );
    let jane_added = t0 + 2 * 60 * MINUTE;
    let jane = vec![participant(&JANE, true, &ts(jane_added), None)];
    t.membership(jane_added, ChatMessageType::ParticipantAdded, &ALEX, jane);
    t.text(
        jane_added + 2 * MINUTE,
        &ALEX,
        "Jane, welcome: you are on call from Monday.",
    );
    t.text(
        jane_added + 5 * MINUTE,
        &JANE,
        "Thanks! Where is the rollback plan?",
    );
    let sam_added = jane_added + 20 * MINUTE;
    let sam = vec![participant(&SAMANTHA, true, &ts(staging), None)];
    t.membership(sam_added, ChatMessageType::ParticipantAdded, &ALEX, sam);
    t.text(
        sam_added + 4 * MINUTE,
        &BOB,
        "It is above Jane's first message; Samantha can see it.",
    );
    let participants = vec![
        participant(&ALEX, true, FULL_HISTORY, None),
        participant(&BOB, true, FULL_HISTORY, None),
        participant(&JANE, true, &ts(jane_added), None),
        participant(&SAMANTHA, true, &ts(staging), None),
    ];
    let m = &t.messages;
    let receipts = vec![
        receipt(&ALEX, &m[10], 60_000),
        receipt(&JANE, &m[8], 30_000),
    ];
    let props = properties(HANDOVER_THREAD_ID, "Release 2.3 handover", t0, &ALEX);
    t.into_thread(props, participants, receipts)
}

/// A crowd of ACS users: Jane, Alex, Bob, Samantha and twenty colleagues.
fn crowd() -> Vec<ChatParticipant> {
    let names = [&JANE, &ALEX, &BOB, &SAMANTHA].map(|p| participant(p, true, FULL_HISTORY, None));
    let colleagues = (1..=ALL_HANDS_SIZE - names.len()).map(|i| {
        let raw = format!(
            "8:acs:{}_00000022-aaaa-4bbb-8ccc-{i:012}",
            super::auth::RESOURCE_ID
        );
        ChatParticipant {
            communication_identifier: CommunicationIdentifierModel::from_raw_id(&raw),
            display_name: Some(format!("Colleague {i}")),
            share_history_time: Some(FULL_HISTORY.into()),
            ..Default::default()
        }
    });
    names.into_iter().chain(colleagues).collect()
}

pub fn all_hands(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(ALL_HANDS_THREAD_ID, base_url);
    let everyone = crowd();
    t.creation(t0, &SAMANTHA, "All-hands Q&A", everyone.clone());
    t.text(
        t0 + 2 * MINUTE,
        &SAMANTHA,
        "Questions for Friday's all-hands go here.",
    );
    t.text(t0 + 5 * MINUTE, &BOB, "Will the new office open in March?");
    t.text(
        t0 + 9 * MINUTE,
        &JANE,
        "Can we hear about the support rota changes?",
    );
    let m = &t.messages;
    // Sent (the POST succeeds) but never listed: the thread has more than 20 participants.
    let receipts = vec![receipt(&JANE, &m[4], 10_000), receipt(&BOB, &m[4], 40_000)];
    let props = properties(ALL_HANDS_THREAD_ID, "All-hands Q&A", t0, &SAMANTHA);
    t.into_thread(props, everyone, receipts)
}

/// Created 83 days before the demo epoch with a 90-day policy: deleted 7 days after the epoch,
/// 4 to 5 days from now.
pub fn outage(epoch: i64, base_url: &str) -> Thread {
    let t0 = epoch - 83 * DAY;
    let mut t = Timeline::new(OUTAGE_THREAD_ID, base_url);
    let people = [&JANE, &PETER].map(|p| participant(p, true, FULL_HISTORY, None));
    t.creation(t0, &JANE, "Printer outage (temporary)", people.to_vec());
    t.text(t0 + 4 * MINUTE, &PETER, "Floor 3 printer is down again.");
    t.text(
        t0 + 30 * MINUTE,
        &JANE,
        "Vendor visit booked; this thread deletes itself in 90 days.",
    );
    let mut props = properties(OUTAGE_THREAD_ID, "Printer outage (temporary)", t0, &JANE);
    props.retention_policy = Some(RetentionPolicy::thread_creation_date(90));
    let participants = people.to_vec();
    t.into_thread(props, participants, Vec::new())
}

/// Created 40 days before the demo epoch, deleted the day after it (before now).
pub fn deleted(epoch: i64, base_url: &str) -> Thread {
    let t0 = epoch - 40 * DAY;
    let mut t = Timeline::new(DELETED_THREAD_ID, base_url);
    let people = [&JANE, &BOB].map(|p| participant(p, true, FULL_HISTORY, None));
    t.creation(t0, &JANE, "Old vendor onboarding", people.to_vec());
    t.text(t0 + 6 * MINUTE, &BOB, "Vendor contract signed.");
    let mut props = properties(DELETED_THREAD_ID, "Old vendor onboarding", t0, &JANE);
    props.deleted_on = Some(ts(epoch + DAY));
    props.metadata = Some(metadata(&[("vendor", "northwind")]));
    t.into_thread(props, people.to_vec(), Vec::new())
}

pub fn quiet(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(QUIET_THREAD_ID, base_url);
    let people = [&JANE, &ALEX].map(|p| participant(p, true, FULL_HISTORY, None));
    t.creation(t0, &JANE, "New case 4790", people.to_vec());
    let mut props = properties(QUIET_THREAD_ID, "New case 4790", t0, &JANE);
    props.retention_policy = Some(RetentionPolicy::none());
    t.into_thread(props, people.to_vec(), Vec::new())
}
