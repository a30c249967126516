//! `--threads N`: N more threads for the demo user, so work across every thread of a user (audit,
//! search) can be measured and tested on realistic variety. Built once from their index, so the same
//! N and "now" always give the same threads.
//!
//! Thread `i` (0-based):
//! - membership: `i % 10 == 3` the user left (a participantRemoved naming her, initiated by her);
//!   `i % 10 == 7` she was removed by Alex; otherwise she is a member.
//! - retention (`i % 6`): 0 `threadCreationDate` that deletes it within 1 to 6 days; 1
//!   `threadCreationDate` of 90 days on a thread younger than 60; 2 `none`; otherwise no policy.
//! - `i % 9 == 4`: deleted (`deletedOn` twelve hours ago; its history and roster then answer 404).
//! - messages: participantAdded and topicUpdated at creation, then 3 to 8 text and HTML messages
//!   from Jane, Alex, Bob and (every third thread) Samantha. [`SEARCH_PHRASE`] is in a text message
//!   when `i % 8 == 1`, in an HTML one (split by tags) when `i % 8 == 5`, and in a topic change when
//!   `i % 12 == 2`.
//! - the last messages are one minute apart from thread to thread, newest for thread 0, so the thread
//!   list's order is the index order.

use chrono::{DateTime, Utc};

use super::data::{
    ALEX, BOB, FULL_HISTORY, JANE, Messages, Person, SAMANTHA, Thread, Timeline, participant,
    properties, ts,
};
use crate::acs::{ChatMessageType, RetentionPolicy};

/// More threads than any audit needs; it keeps every thread's last message within a week.
pub const MAX_THREADS: usize = 10_000;
/// Words the search examples look for.
pub const SEARCH_PHRASE: &str = "invoice 4711";

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
const TOPICS: [&str; 6] = [
    "Billing questions",
    "Deploy review",
    "Incident follow-up",
    "Roadmap",
    "Onboarding",
    "Vendor contract",
];
const LINES: [&str; 6] = [
    "Can someone take a look at this today?",
    "Done, the change is live.",
    "Let's move this to Thursday.",
    "I have attached the notes from the call.",
    "Thanks, closing this one.",
    "Who owns the follow-up?",
];

/// How the demo user stands in a generated thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Membership {
    Member,
    Left,
    RemovedByOther,
}

/// What thread `index` is made of (see the module documentation).
pub fn membership(index: usize) -> Membership {
    match index % 10 {
        3 => Membership::Left,
        7 => Membership::RemovedByOther,
        _ => Membership::Member,
    }
}

pub fn is_deleted(index: usize) -> bool {
    index % 9 == 4
}

/// Thread `index`'s id: `19:<32 hex digits>@thread.v2`, as ACS-created threads have.
pub fn thread_id(index: usize) -> String {
    let a = mix(index as u64 * 2 + 1);
    let b = mix(index as u64 * 2 + 2);
    format!("19:{a:016x}{b:016x}@thread.v2")
}

/// splitmix64: distinct, random-looking ids from consecutive numbers.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `count` threads (at most [`MAX_THREADS`]) around `now`.
pub fn threads(count: usize, now: DateTime<Utc>, base_url: &str) -> Vec<Thread> {
    // Whole seconds plus a fixed part, so no last message shares its millisecond with another
    // thread's and the thread list pages cleanly.
    let anchor = now.timestamp() * 1000 - HOUR + 457;
    (0..count.min(MAX_THREADS))
        .map(|i| {
            thread(
                i,
                anchor - i as i64 * MINUTE,
                now.timestamp_millis(),
                base_url,
            )
        })
        .collect()
}

fn thread(index: usize, last_ms: i64, now_ms: i64, base_url: &str) -> Thread {
    let id = thread_id(index);
    let (created_ms, retention) = creation(index, now_ms);
    let topic = format!("{} #{index:04}", TOPICS[index % TOPICS.len()]);
    let mut people = vec![JANE, ALEX, BOB];
    if index.is_multiple_of(3) {
        people.push(SAMANTHA);
    }
    let mut t = Timeline::new(&id, base_url);
    let everyone = people
        .iter()
        .map(|p| participant(p, true, FULL_HISTORY, None))
        .collect();
    t.membership(
        created_ms,
        ChatMessageType::ParticipantAdded,
        &JANE,
        everyone,
    );
    t.topic(created_ms + 32, &JANE, &topic);
    conversation(&mut t, index, &people, last_ms);
    let leaving = membership(index);
    if leaving != Membership::Member {
        let by = if leaving == Membership::Left {
            &JANE
        } else {
            &ALEX
        };
        let jane = vec![participant(&JANE, true, FULL_HISTORY, None)];
        t.membership(last_ms, ChatMessageType::ParticipantRemoved, by, jane);
        people.retain(|p| p.user != JANE.user);
    }
    let mut props = properties(&id, &topic, created_ms, &JANE);
    props.retention_policy = retention;
    if is_deleted(index) {
        props.deleted_on = Some(ts(now_ms - 12 * HOUR));
    }
    let participants = people
        .iter()
        .map(|p| participant(p, true, FULL_HISTORY, None))
        .collect();
    Thread::new(
        props,
        Messages::Stored(t.messages),
        participants,
        Vec::new(),
    )
}

/// When thread `index` was created and its retention policy.
fn creation(index: usize, now_ms: i64) -> (i64, Option<RetentionPolicy>) {
    let age_days = 10 + (index % 50) as i64;
    let created = |days: i64| now_ms - days * DAY - HOUR * 2 - index as i64 * 1000;
    match index % 6 {
        0 => {
            // Deleted by retention 1 to 6 days from now.
            let days = [30, 60, 90][(index / 6) % 3];
            let left = 1 + ((index / 6) % 6) as i64;
            let policy = RetentionPolicy::thread_creation_date(days);
            (created(days - left), Some(policy))
        }
        1 => (
            created(age_days),
            Some(RetentionPolicy::thread_creation_date(90)),
        ),
        2 => (created(age_days), Some(RetentionPolicy::none())),
        _ => (created(age_days), None),
    }
}

/// A few messages ending at `last_ms`, five seconds apart.
fn conversation(t: &mut Timeline, index: usize, people: &[Person], last_ms: i64) {
    let count = 3 + index % 6;
    let speakers: Vec<&Person> = people.iter().filter(|p| p.user != BOB.user).collect();
    for k in 0..count {
        let ms = last_ms - (count - k) as i64 * 5_000;
        let sender = match k {
            1 => &BOB,
            _ => speakers[(index + k) % speakers.len()],
        };
        let line = LINES[(index + k) % LINES.len()];
        match (k, index % 8) {
            (0, 1) => t.text(ms, sender, "Please check invoice 4711 before Friday."),
            (0, 5) => t.html(ms, sender, "<p>Invoice <b>4711</b> is paid.</p>"),
            _ if k % 2 == 1 => t.html(ms, sender, &format!("<p>{line}</p>")),
            _ => t.text(ms, sender, line),
        };
        if k == 2 && index % 12 == 2 {
            t.topic(ms + 1_000, sender, "Invoice 4711 escalation");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_distinct_and_shaped_like_the_service() {
        let ids: std::collections::HashSet<String> = (0..1000).map(thread_id).collect();
        assert_eq!(ids.len(), 1000);
        let id = thread_id(0);
        assert!(id.starts_with("19:") && id.ends_with("@thread.v2") && id.len() == 45);
    }

    #[test]
    fn membership_retention_and_deletion_vary() {
        use crate::emulator::membership::Access;
        let now = Utc::now();
        let threads = threads(60, now, "http://127.0.0.1:1");
        let jane = JANE.raw_id();
        let left: Vec<usize> = (0..60)
            .filter(|&i| !matches!(threads[i].access(&jane), Access::Member { .. }))
            .collect();
        assert_eq!(left.len(), 12);
        assert!(threads.iter().all(|t| t.knows(&jane)));
        let soon = threads[6].properties.scheduled_deletion().unwrap();
        assert!(
            soon > now && soon < now + chrono::Duration::days(7),
            "{soon}"
        );
        assert!(threads[4].properties.deleted_on.is_some());
        // The thread list's order is the index order.
        assert!(
            threads
                .windows(2)
                .all(|w| w[0].last_message_ms() > w[1].last_message_ms())
        );
    }
}
