//! Turning successive listings of a thread's newest messages into change events, each exactly once.
//!
//! Every change `watch` reports is visible in the message list itself: a new message is a new id; an
//! edit or a delete bumps a message's `version` (real traffic: the epoch ms of the last change) and sets
//! `editedOn` or `deletedOn`; a participant added or removed and a topic change each come with a system
//! message (`participantAdded`, `participantRemoved`, `topicUpdated`). So one listing per poll sees them
//! all, without listing participants (10 per user per thread per 10 s) or getting the thread.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;
use serde_json::Value;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ChangeKind {
    Added,
    Edited,
    Deleted,
    ParticipantAdded,
    ParticipantRemoved,
    TopicChanged,
}

/// One line of `watch`: `{"event","at","messageId","message"}`, plus the participants' raw ids or the
/// new topic where they apply, and when it was seen.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WatchEvent {
    pub event: ChangeKind,
    /// When the service says it happened (`createdOn`, `editedOn`, `deletedOn`).
    pub at: String,
    pub message_id: String,
    /// The message as the service sent it.
    pub message: Value,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    /// When this poll saw it.
    pub seen_at: String,
}

/// What is known of a message already reported.
#[derive(Debug, Clone)]
struct Known {
    version: String,
    deleted: bool,
}

/// The messages seen so far and the newest of them.
#[derive(Debug, Clone, Default)]
pub struct Tracker {
    known: HashMap<String, Known>,
    /// The highest sequence id seen: anything at or below it that is new to us slid into the window
    /// from below rather than being sent now.
    newest_sequence: u64,
    newest_created_on: Option<String>,
}

impl Tracker {
    /// Everything listed at start is the baseline: no events for it.
    pub fn baseline(messages: &[Value]) -> Self {
        let mut tracker = Self::default();
        tracker.observe(messages, Utc::now());
        tracker
    }

    /// `createdOn` of the newest message seen (for catching up with `startTime`).
    pub fn newest_created_on(&self) -> Option<&str> {
        self.newest_created_on.as_deref()
    }

    pub fn knows(&self, message_id: &str) -> bool {
        self.known.contains_key(message_id)
    }

    /// Whether a listing (newest first) may have missed messages: every item on it is new and sent
    /// after the newest one known.
    pub fn overflowed(&self, page: &[Value]) -> bool {
        !page.is_empty()
            && !self.known.is_empty()
            && page
                .iter()
                .all(|m| !self.knows(&id_of(m)) && sequence_of(m) > self.newest_sequence)
    }

    /// The changes in a listing, oldest change first. Listings may overlap: a change is reported once.
    pub fn observe(&mut self, messages: &[Value], seen: DateTime<Utc>) -> Vec<WatchEvent> {
        let seen_at = seen.to_rfc3339_opts(SecondsFormat::Millis, true);
        let mut events = Vec::new();
        let mut newest = self.newest_sequence;
        for message in messages {
            let id = id_of(message);
            let now = Known {
                version: version_of(message),
                deleted: has(message, "deletedOn"),
            };
            let sequence = sequence_of(message);
            let kind = match self.known.get(&id) {
                None if sequence > self.newest_sequence => Some(kind_of_new(message)),
                None => None,
                Some(before) if before.version == now.version => None,
                Some(before) if now.deleted && !before.deleted => Some(ChangeKind::Deleted),
                Some(_) => Some(ChangeKind::Edited),
            };
            if let Some(kind) = kind {
                events.push(event(kind, &id, message, &seen_at));
            }
            if sequence > newest {
                newest = sequence;
                self.newest_created_on = text(message, "createdOn").map(str::to_string);
            }
            self.known.insert(id, now);
        }
        self.newest_sequence = newest;
        events.sort_by_key(order_key);
        events
    }

    /// Keeps memory bounded: once far more messages are known than a listing holds, only the last
    /// listing's are kept (the newest-first polls cannot list older ones again).
    pub fn forget_unlisted(&mut self, listed: &[Value]) {
        if self.known.len() > listed.len() * 4 + 64 {
            let ids: HashSet<String> = listed.iter().map(id_of).collect();
            self.known.retain(|id, _| ids.contains(id));
        }
    }
}

/// The kind of a message seen for the first time, from its type.
fn kind_of_new(message: &Value) -> ChangeKind {
    match text(message, "type")
        .unwrap_or_default()
        .to_ascii_lowercase()
        .as_str()
    {
        "participantadded" => ChangeKind::ParticipantAdded,
        "participantremoved" => ChangeKind::ParticipantRemoved,
        "topicupdated" => ChangeKind::TopicChanged,
        _ => ChangeKind::Added,
    }
}

fn event(kind: ChangeKind, id: &str, message: &Value, seen_at: &str) -> WatchEvent {
    let at_field = match kind {
        ChangeKind::Edited => "editedOn",
        ChangeKind::Deleted => "deletedOn",
        _ => "createdOn",
    };
    let participants = message
        .pointer("/content/participants")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(|p| p.pointer("/communicationIdentifier/rawId"))
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    let topic = (kind == ChangeKind::TopicChanged)
        .then(|| message.pointer("/content/topic").and_then(Value::as_str))
        .flatten()
        .map(str::to_string);
    WatchEvent {
        event: kind,
        at: text(message, at_field)
            .map(str::to_string)
            .unwrap_or_else(|| seen_at.to_string()),
        message_id: id.to_string(),
        message: message.clone(),
        participants,
        topic,
        seen_at: seen_at.to_string(),
    }
}

/// Changes in the order they happened: by `version` (epoch ms of the change), then by time.
fn order_key(e: &WatchEvent) -> (u64, String, u64) {
    let version = text(&e.message, "version")
        .and_then(|v| v.parse().ok())
        .unwrap_or(u64::MAX);
    (version, e.at.clone(), sequence_of(&e.message))
}

fn id_of(message: &Value) -> String {
    text(message, "id").unwrap_or_default().to_string()
}

/// The version, or the whole message where a payload has none (any change then counts).
fn version_of(message: &Value) -> String {
    text(message, "version")
        .map(str::to_string)
        .unwrap_or_else(|| message.to_string())
}

fn sequence_of(message: &Value) -> u64 {
    text(message, "sequenceId")
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0)
}

fn text<'a>(message: &'a Value, field: &str) -> Option<&'a str> {
    message.get(field).and_then(Value::as_str)
}

fn has(message: &Value, field: &str) -> bool {
    message.get(field).is_some_and(|v| !v.is_null())
}

#[cfg(test)]
mod tests;
