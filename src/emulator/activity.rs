//! `--activity SECS`: the "Lunch" thread changes by itself, one change every SECS seconds, so `watch`,
//! `diff` and a live view have something to show.
//!
//! The changes follow a fixed cycle of ten steps: messages from the members, an edit of the newest
//! message the activity sent, Dana added (with a `participantAdded` system message) and later removed
//! (`participantRemoved`), a delete, and a topic change (`topicUpdated`). Edits and deletes bump
//! `version` to the epoch ms of the change and set `editedOn` / `deletedOn`, as the service does; a
//! sender's read receipt moves to the message they send. Every change is listed, in order, on
//! `GET /_emulator/activity` (loopback clients only, like the stats), which tests compare `watch`
//! with.

use std::sync::Mutex;
use std::time::Duration;

use chrono::Utc;
use serde::Serialize;

use super::EmulatorState;
use super::data::{
    ALEX, BOB, FULL_HISTORY, JANE, LUNCH_THREAD_ID, Messages, Person, Thread, Timeline, delete,
    edit, participant, receipt, ts,
};
use super::demo::Store;
use crate::acs::{ChatMessage, ChatMessageType};

/// Where the log of changes is served.
pub const ACTIVITY_PATH: &str = "/_emulator/activity";

/// A member who joins and leaves: no demo data names her, so adding her never clashes.
pub const DANA: Person = Person {
    user: "d4a2b6c8-3e5f-4a7b-9c1d-2e3f4a5b6c7d",
    name: "Dana",
};

/// What one step does, in cycle order.
#[derive(Debug, Clone, Copy)]
enum Step {
    Message(&'static Person),
    Edit,
    Delete,
    Join,
    Leave,
    Topic,
}

const CYCLE: [Step; 10] = [
    Step::Message(&ALEX),
    Step::Message(&BOB),
    Step::Edit,
    Step::Join,
    Step::Message(&DANA),
    Step::Delete,
    Step::Topic,
    Step::Message(&JANE),
    Step::Leave,
    Step::Message(&BOB),
];

const LINES: [&str; 5] = [
    "Running five minutes late",
    "Table for five is booked",
    "Anyone want to share a pizza?",
    "I'll bring the receipts",
    "On my way",
];

/// One change the activity made, named as `watch` names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
    pub step: u64,
    pub event: &'static str,
    pub message_id: String,
    pub version: String,
    pub at: String,
}

/// The activity's memory: where it is in the cycle and what it sent.
#[derive(Debug, Default)]
struct Script {
    steps: u64,
    /// Ids of the messages it sent that are not deleted, oldest first.
    sent: Vec<String>,
    topic_changes: u64,
}

/// The activity of one emulator: its script and the log of its changes.
#[derive(Debug, Default)]
pub struct Activity {
    script: Mutex<Script>,
    log: Mutex<Vec<Change>>,
}

impl Activity {
    /// Makes the next change to the "Lunch" thread of `store`; `None` when there is no such thread.
    pub fn step(&self, store: &Store) -> Option<Change> {
        let mut script = self.script.lock().unwrap_or_else(|p| p.into_inner());
        let current = store.thread(LUNCH_THREAD_ID)?;
        let mut lunch = Editable::of(&current);
        let at = lunch.next_ms();
        let step = script.steps;
        script.steps += 1;
        let kind = CYCLE[(step % CYCLE.len() as u64) as usize];
        let (event, message_id) = match kind {
            Step::Message(sender) => {
                let text = format!("{} ({})", LINES[(step % 5) as usize], step + 1);
                let id = lunch.send(at, sender, &text);
                script.sent.push(id.clone());
                ("added", id)
            }
            Step::Edit => match script.sent.last() {
                Some(id) => ("edited", lunch.edit(id, at)?),
                None => ("added", lunch.send(at, &JANE, "Nothing to edit yet")),
            },
            Step::Delete => match script.sent.pop() {
                Some(id) => ("deleted", lunch.delete(&id, at)?),
                None => ("added", lunch.send(at, &JANE, "Nothing to delete yet")),
            },
            Step::Join => ("participantAdded", lunch.join(at)),
            Step::Leave => ("participantRemoved", lunch.leave(at)),
            Step::Topic => {
                script.topic_changes += 1;
                let topic = if script.topic_changes % 2 == 1 {
                    "Lunch at 12:30"
                } else {
                    "Lunch"
                };
                ("topicChanged", lunch.retopic(at, topic))
            }
        };
        let version = lunch.version_of(&message_id);
        store.replace(lunch.into_thread());
        let change = Change {
            step: step + 1,
            event,
            message_id,
            version,
            at: ts(at),
        };
        self.log
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(change.clone());
        Some(change)
    }

    /// Every change so far, oldest first.
    pub fn changes(&self) -> Vec<Change> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A copy of the thread being changed.
struct Editable {
    thread: Thread,
    timeline: Timeline,
}

impl Editable {
    fn of(current: &Thread) -> Self {
        let messages = (0..current.messages.len())
            .map(|i| current.messages.get(i))
            .collect();
        let mut timeline = Timeline::new(current.id(), "");
        timeline.messages = messages;
        let thread = Thread::new(
            current.properties.clone(),
            Messages::Stored(Vec::new()),
            current.participants.clone(),
            current.receipts.clone(),
        );
        Self { thread, timeline }
    }

    /// Now in epoch ms, and always after every message and change so far (ids stay increasing).
    fn next_ms(&self) -> i64 {
        let latest = self
            .timeline
            .messages
            .iter()
            .flat_map(|m| [m.id.parse::<i64>().ok(), m.version.parse::<i64>().ok()])
            .flatten()
            .max()
            .unwrap_or_default();
        Utc::now().timestamp_millis().max(latest + 1)
    }

    fn send(&mut self, at: i64, sender: &Person, text: &str) -> String {
        let id = self.timeline.text(at, sender, text).id.clone();
        let reader = sender.raw_id();
        let message = self.timeline.messages.last().expect("just sent").clone();
        let receipts = &mut self.thread.receipts;
        receipts.retain(|r| r.sender_communication_identifier.raw_id() != reader);
        receipts.push(receipt(sender, &message, 0));
        id
    }

    fn message(&mut self, id: &str) -> Option<&mut ChatMessage> {
        self.timeline.messages.iter_mut().find(|m| m.id == id)
    }

    fn edit(&mut self, id: &str, at: i64) -> Option<String> {
        let m = self.message(id)?;
        let created: i64 = m.id.parse().ok()?;
        let text = format!("{} (edited)", m.text());
        edit(m, at - created, &text);
        Some(id.to_string())
    }

    fn delete(&mut self, id: &str, at: i64) -> Option<String> {
        let m = self.message(id)?;
        let created: i64 = m.id.parse().ok()?;
        delete(m, at - created);
        Some(id.to_string())
    }

    fn join(&mut self, at: i64) -> String {
        let dana = participant(&DANA, true, FULL_HISTORY, None);
        let raw = DANA.raw_id();
        let participants = &mut self.thread.participants;
        participants.retain(|p| p.communication_identifier.raw_id() != raw);
        participants.push(dana.clone());
        let kind = ChatMessageType::ParticipantAdded;
        self.timeline
            .membership(at, kind, &JANE, vec![dana])
            .id
            .clone()
    }

    fn leave(&mut self, at: i64) -> String {
        let raw = DANA.raw_id();
        self.thread
            .participants
            .retain(|p| p.communication_identifier.raw_id() != raw);
        self.thread
            .receipts
            .retain(|r| r.sender_communication_identifier.raw_id() != raw);
        let dana = participant(&DANA, true, FULL_HISTORY, None);
        let kind = ChatMessageType::ParticipantRemoved;
        self.timeline
            .membership(at, kind, &JANE, vec![dana])
            .id
            .clone()
    }

    fn retopic(&mut self, at: i64, topic: &str) -> String {
        self.thread.properties.topic = topic.to_string();
        self.timeline.topic(at, &JANE, topic).id.clone()
    }

    fn version_of(&self, id: &str) -> String {
        self.timeline
            .messages
            .iter()
            .find(|m| m.id == id)
            .map(|m| m.version.clone())
            .unwrap_or_default()
    }

    fn into_thread(self) -> Thread {
        let t = self.thread;
        Thread::new(
            t.properties,
            Messages::Stored(self.timeline.messages),
            t.participants,
            t.receipts,
        )
    }
}

/// `--activity SECS` as a wait: a positive number of seconds, at most a day.
pub fn interval(secs: f64) -> Result<Duration, String> {
    if secs.is_finite() && secs > 0.0 && secs <= 86_400.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(format!(
            "--activity {secs} must be a number of seconds between 0 and 86400"
        ))
    }
}

/// Makes a change every `every` until the emulator stops.
pub async fn run(state: EmulatorState, every: Duration) {
    let stop = state.stop_token().clone();
    loop {
        tokio::select! {
            _ = stop.cancelled() => return,
            _ = tokio::time::sleep(every) => {}
        }
        if let Some(change) = state.activity().step(state.store()) {
            tracing::debug!(step = change.step, event = change.event, id = %change.message_id, "activity");
        }
    }
}

/// `GET /_emulator/activity`: `{"steps", "changes": [...]}`, for loopback clients only.
pub async fn route(
    axum::extract::State(state): axum::extract::State<EmulatorState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !super::from_loopback(&request) {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    let changes = state.activity().changes();
    axum::Json(serde_json::json!({"steps": changes.len(), "changes": changes})).into_response()
}

#[cfg(test)]
mod tests;
