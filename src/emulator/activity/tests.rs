use std::collections::HashSet;

use super::*;
use crate::emulator::demo::DemoOptions;
use crate::emulator::membership::Access;

fn store() -> Store {
    Store::build(&DemoOptions {
        now: Utc::now(),
        base_url: "http://127.0.0.1:1".into(),
        extra_messages: None,
        extra_threads: 0,
        faults: HashSet::new(),
    })
}

fn lunch(store: &Store) -> std::sync::Arc<Thread> {
    store.thread(LUNCH_THREAD_ID).unwrap()
}

#[test]
fn a_cycle_makes_every_kind_of_change_in_order() {
    let (store, activity) = (store(), Activity::default());
    let before = lunch(&store).messages.len();
    let events: Vec<&str> = (0..10)
        .map(|_| activity.step(&store).unwrap().event)
        .collect();
    assert_eq!(
        events,
        [
            "added",
            "added",
            "edited",
            "participantAdded",
            "added",
            "deleted",
            "topicChanged",
            "added",
            "participantRemoved",
            "added"
        ]
    );
    let log = activity.changes();
    assert_eq!(log.len(), 10);
    assert_eq!(
        log.iter().map(|c| c.step).collect::<Vec<_>>(),
        (1..=10).collect::<Vec<_>>()
    );
    let versions: Vec<i64> = log.iter().map(|c| c.version.parse().unwrap()).collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    // Edits and deletes change existing messages; the other eight steps add one each.
    assert_eq!(lunch(&store).messages.len(), before + 8);
}

#[test]
fn changes_carry_the_service_fields() {
    let (store, activity) = (store(), Activity::default());
    let changes: Vec<Change> = (0..7).map(|_| activity.step(&store).unwrap()).collect();
    let thread = lunch(&store);
    let find = |id: &str| thread.messages.find(id).unwrap();
    let edited = find(&changes[2].message_id);
    assert_eq!(
        edited.id, changes[1].message_id,
        "the newest message sent is edited"
    );
    assert_eq!(edited.version, changes[2].version);
    assert_eq!(edited.edited_on.as_deref(), Some(changes[2].at.as_str()));
    assert!(edited.text().ends_with("(edited)"));
    let deleted = find(&changes[5].message_id);
    assert_eq!(deleted.deleted_on.as_deref(), Some(changes[5].at.as_str()));
    assert_eq!(deleted.text(), "");
    let joined = find(&changes[3].message_id);
    assert_eq!(joined.message_type, ChatMessageType::ParticipantAdded);
    assert_eq!(thread.properties.topic, "Lunch at 12:30");
    assert!(
        matches!(thread.access(&DANA.raw_id()), Access::Member { .. }),
        "Dana is in the thread until step 9"
    );
    let sequences: Vec<u64> = (0..thread.messages.len())
        .map(|i| thread.messages.get(i).sequence().unwrap())
        .collect();
    assert_eq!(sequences, (1..=sequences.len() as u64).collect::<Vec<_>>());
}

#[test]
fn leaving_removes_the_member_and_a_sender_receipt_moves() {
    let (store, activity) = (store(), Activity::default());
    let changes: Vec<Change> = (0..9).map(|_| activity.step(&store).unwrap()).collect();
    let thread = lunch(&store);
    assert!(!matches!(
        thread.access(&DANA.raw_id()),
        Access::Member { .. }
    ));
    let left = thread.messages.find(&changes[8].message_id).unwrap();
    assert_eq!(left.message_type, ChatMessageType::ParticipantRemoved);
    let jane = thread
        .receipts
        .iter()
        .find(|r| r.sender_communication_identifier.raw_id() == JANE.raw_id())
        .unwrap();
    assert_eq!(
        jane.chat_message_id, changes[7].message_id,
        "Jane read what she sent"
    );
}

#[test]
fn the_interval_must_be_a_positive_number_of_seconds() {
    assert_eq!(interval(0.5), Ok(Duration::from_millis(500)));
    for bad in [0.0, -1.0, f64::NAN, 1e9] {
        assert!(interval(bad).is_err(), "{bad}");
    }
}
