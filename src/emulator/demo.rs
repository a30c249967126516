//! The demo threads: "Lunch" (every panel has something to show), "Support case 4711" (no retention
//! policy), the Teams interop threads of [`super::teams`], the cases of [`super::cases`], and with
//! `--messages N` a generated thread. Faults that change data (`escape`, `unicode`, `unknown`,
//! `huge`) add their messages to "Lunch", after the ordinary ones.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

use super::data::{
    ALEX, BOB, FULL_HISTORY, JANE, LARGE_THREAD_ID, LUNCH_THREAD_ID, Messages, PETER, SAM_TEAMS,
    SAMANTHA, SUPPORT_THREAD_ID, Thread, Timeline, delete, demo_epoch, edit, metadata, participant,
    properties, receipt, sharepoint_file, ts,
};
use super::flags::FaultKind;
use super::generated::Generator;
use super::{cases, hostile, many, teams};
use crate::acs::{ChatMessageType, RetentionPolicy};

const MINUTE: i64 = 60_000;

/// What the demo data depends on.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    pub now: DateTime<Utc>,
    /// `http://127.0.0.1:PORT`, for attachment URLs.
    pub base_url: String,
    pub extra_messages: Option<usize>,
    /// `--threads N`: N more threads for the demo user ([`super::many`]).
    pub extra_threads: usize,
    pub faults: HashSet<FaultKind>,
}

/// Every thread of a run. A thread is replaced whole when it changes (`--activity`); a request keeps
/// the version it started with.
pub struct Store {
    threads: Vec<RwLock<Arc<Thread>>>,
    /// The id of Jane's "Let's head out for lunch in 15 minutes." message.
    pub seed_message_id: String,
}

impl Store {
    pub fn build(options: &DemoOptions) -> Self {
        let epoch = demo_epoch(options.now);
        let (lunch, seed_message_id) = lunch(epoch, options);
        let base = options.base_url.as_str();
        let hour = 60 * MINUTE;
        let day = 24 * hour;
        let mut threads = vec![
            lunch,
            support(epoch + 3 * hour, base),
            teams::meeting(epoch + day + 6 * hour, base),
            teams::interagency(epoch + day + 2 * hour, base),
            cases::handover(epoch - 3 * day, base),
            cases::all_hands(epoch - day, base),
            cases::outage(epoch, base),
            cases::deleted(epoch, base),
            cases::quiet(epoch + day + 10 * hour, base),
        ];
        if let Some(count) = options.extra_messages {
            threads.push(large(count, options));
        }
        threads.extend(many::threads(
            options.extra_threads,
            options.now,
            &options.base_url,
        ));
        Self {
            threads: threads
                .into_iter()
                .map(|t| RwLock::new(Arc::new(t)))
                .collect(),
            seed_message_id,
        }
    }

    pub fn thread(&self, id: &str) -> Option<Arc<Thread>> {
        self.all().into_iter().find(|t| t.id() == id)
    }

    /// Puts `thread` in place of the thread with its id (no-op for an unknown id).
    pub fn replace(&self, thread: Thread) {
        let slot = self
            .threads
            .iter()
            .find(|slot| read(slot).id() == thread.id());
        if let Some(slot) = slot {
            *slot.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(thread);
        }
    }

    fn all(&self) -> Vec<Arc<Thread>> {
        self.threads.iter().map(read).collect()
    }

    /// The threads `raw_id` is or was a member of, most recent activity first.
    pub fn threads_of(&self, raw_id: &str) -> Vec<Arc<Thread>> {
        let mut mine: Vec<Arc<Thread>> =
            self.all().into_iter().filter(|t| t.knows(raw_id)).collect();
        mine.sort_by_key(|t| std::cmp::Reverse(t.last_message_ms()));
        mine
    }
}

fn read(slot: &RwLock<Arc<Thread>>) -> Arc<Thread> {
    slot.read().unwrap_or_else(|p| p.into_inner()).clone()
}

fn lunch(t0: i64, options: &DemoOptions) -> (Thread, String) {
    let mut t = Timeline::new(LUNCH_THREAD_ID, &options.base_url);
    let founders = [&JANE, &ALEX, &BOB]
        .map(|p| participant(p, true, FULL_HISTORY, None))
        .to_vec();
    t.creation(t0, &JANE, "Lunch plans", founders);
    let seed = t.text(
        t0 + 5 * MINUTE + 318,
        &JANE,
        "Let's head out for lunch in 15 minutes.",
    );
    seed.metadata = Some(metadata(&[
        ("someKey1", "someValue1"),
        ("someKey2", "someValue2"),
    ]));
    let seed_id = seed.id.clone();
    t.html(
        t0 + 7 * MINUTE + 683,
        &ALEX,
        "<p>How about <a href=\"https://contoso.example/menu\">the new place</a>?</p>\r\n<ul><li>Pizza</li><li>Sushi</li><li>Salad bar</li></ul>",
    );
    let edited = t.text(t0 + 9 * MINUTE + 107, &BOB, "Let's meet at 12.");
    edit(
        edited,
        2 * MINUTE + 511,
        "Instead of 12, let's meet at 12:30.",
    );
    let deleted = t.text(t0 + 11 * MINUTE + 940, &ALEX, "Oops, wrong thread.");
    delete(deleted, 31_250);
    let joined = vec![
        participant(&PETER, true, FULL_HISTORY, None),
        participant(&SAM_TEAMS, true, &ts(t0 + 15 * MINUTE), None),
    ];
    t.membership(
        t0 + 15 * MINUTE + 12,
        ChatMessageType::ParticipantAdded,
        &JANE,
        joined,
    );
    t.topic(t0 + 16 * MINUTE + 401, &JANE, "Lunch");
    attachments_message(&mut t, t0 + 20 * MINUTE + 77);
    let left = vec![participant(&PETER, true, FULL_HISTORY, None)];
    t.membership(
        t0 + 40 * MINUTE + 5,
        ChatMessageType::ParticipantRemoved,
        &JANE,
        left,
    );
    let unnamed = t.text(t0 + 45 * MINUTE + 250, &BOB, "Thanks all, see you there!");
    unnamed.sender_display_name = Some(String::new());
    t.html(t0 + 50 * MINUTE + 999, &SAM_TEAMS, "<p>Count me in 👍</p>");

    let mut participants = vec![
        participant(
            &JANE,
            true,
            FULL_HISTORY,
            Some(metadata(&[("role", "organizer")])),
        ),
        participant(&ALEX, true, FULL_HISTORY, None),
        participant(&BOB, false, FULL_HISTORY, None),
        participant(
            &SAM_TEAMS,
            true,
            &ts(t0 + 15 * MINUTE),
            Some(metadata(&[
                ("tenant", "contoso"),
                ("department", "Facilities"),
            ])),
        ),
    ];
    let m = &t.messages;
    let receipts = vec![
        receipt(&JANE, &m[11], 60_000),
        receipt(&ALEX, &m[8], 5 * MINUTE),
        receipt(&BOB, &m[2], 2 * MINUTE),
        receipt(&SAM_TEAMS, &m[11], 5_000),
    ];
    let mut props = properties(LUNCH_THREAD_ID, "Lunch", t0, &JANE);
    props.metadata = Some(metadata(&[
        ("threadType", "primary"),
        ("project", "lunch-club"),
    ]));
    props.retention_policy = Some(RetentionPolicy::thread_creation_date(90));
    hostile::apply(
        &options.faults,
        t0 + 60 * MINUTE,
        &mut t,
        &mut props,
        &mut participants,
    );
    let thread = t.into_thread(props, participants, receipts);
    (thread, seed_id)
}

/// Sam shares a menu photo and last week's receipt from Teams: an inline image and a SharePoint file.
fn attachments_message(t: &mut Timeline, ms: i64) {
    let image_id = "0-weu-d3-5a7c1e9b2f4d6a8c0e1f3a5b7c9d1e2f";
    let image = t.image(&ms.to_string(), image_id, "menu.png");
    let file = sharepoint_file(
        "8b2d4f6a-8c0e-4a2c-9e8a-0b2d4f6a8c0e",
        "receipt.pdf",
        "https://contoso.sharepoint.com/:b:/g/personal/sam_contoso_com/EbF3kQ9LmN2pR7tV0wX4yZAB",
    );
    let html = format!(
        "<p>Here are the menu and last week's receipt.</p>\r\n<p><img alt=\"image\" src=\"\" itemscope=\"png\" width=\"64\" height=\"48\" id=\"{image_id}\"></p>"
    );
    let m = t.html(ms, &SAM_TEAMS, &html);
    if let Some(content) = m.content.as_mut() {
        content.attachments = vec![image, file];
    }
    m.metadata = Some(metadata(&[("amsreferences", &format!("[\"{image_id}\"]"))]));
}

fn support(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(SUPPORT_THREAD_ID, base_url);
    let first = [&ALEX, &JANE, &SAMANTHA]
        .map(|p| participant(p, true, FULL_HISTORY, None))
        .to_vec();
    t.creation(t0, &ALEX, "Support case 4711", first);
    t.text(
        t0 + 2 * MINUTE + 400,
        &SAMANTHA,
        "My messages are not delivered since this morning.",
    );
    t.html(
        t0 + 4 * MINUTE + 180,
        &ALEX,
        "<p>Thanks, we are looking into it. Can you share the <b>MS-CV</b> of a failing request?</p>",
    );
    let last = t.text(
        t0 + 6 * MINUTE + 730,
        &SAMANTHA,
        "Here it is: JduJle7LhkONxaJnLYlU7Q.0",
    );
    last.metadata = Some(metadata(&[("ticket", "4711")]));
    let participants = vec![
        participant(
            &ALEX,
            true,
            FULL_HISTORY,
            Some(metadata(&[("role", "agent")])),
        ),
        participant(&JANE, true, FULL_HISTORY, None),
        participant(&SAMANTHA, true, &ts(t0), None),
    ];
    let receipts = vec![
        receipt(&SAMANTHA, &t.messages[3], 40_000),
        receipt(&ALEX, &t.messages[4], 90_000),
    ];
    let mut props = properties(SUPPORT_THREAD_ID, "Support case 4711", t0, &ALEX);
    props.metadata = Some(metadata(&[("ticket", "4711"), ("priority", "high")]));
    props.retention_policy = Some(RetentionPolicy::none());
    t.into_thread(props, participants, receipts)
}

fn large(count: usize, options: &DemoOptions) -> Thread {
    let generator = Generator::new(
        LARGE_THREAD_ID,
        count,
        options.now.timestamp_millis(),
        &options.base_url,
    );
    let props = properties(
        LARGE_THREAD_ID,
        &generator.topic(),
        generator.created_ms(),
        &JANE,
    );
    let participants = generator.participants();
    let receipts = generator.receipts();
    Thread::new(
        props,
        Messages::Generated(generator),
        participants,
        receipts,
    )
}
