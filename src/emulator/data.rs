//! The emulator's threads: built once at start, read-only afterwards (so no locks).
//!
//! Message ids are epoch milliseconds of creation, unique and increasing with `sequenceId`, as in real
//! traffic; paging cursors are those milliseconds.

use std::collections::HashSet;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Map, Value, json};

use super::auth::RESOURCE_ID;
use super::generated::Generator;
use crate::acs::identifier::{CommunicationUserIdentifierModel, MicrosoftTeamsUserIdentifierModel};
use crate::acs::{
    ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType, ChatParticipant,
    ChatThreadItem, ChatThreadProperties, CommunicationIdentifierModel, Metadata,
};

/// The demo thread every panel has something to show for.
pub const LUNCH_THREAD_ID: &str =
    "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2";
/// A second thread, with no retention policy.
pub const SUPPORT_THREAD_ID: &str = "19:a0dfe5fc10e04a7f8d8a64d455f4196d@thread.v2";
/// The thread of `--messages N`.
pub const LARGE_THREAD_ID: &str =
    "19:uni01_n242d2bzammtwxiib7pbjtozeevjqzavzn654ku3dajocexfo2na@thread.v2";

/// The shareHistoryTime meaning "the whole history".
pub const FULL_HISTORY: &str = "1970-01-01T00:00:00Z";

/// Someone in the demo data.
#[derive(Debug, Clone, Copy)]
pub struct Person {
    pub user: &'static str,
    pub name: &'static str,
}

impl Person {
    pub fn raw_id(&self) -> String {
        if self.user.starts_with("8:") {
            self.user.to_string()
        } else {
            format!("8:acs:{RESOURCE_ID}_{}", self.user)
        }
    }

    pub fn identifier(&self) -> CommunicationIdentifierModel {
        identifier(&self.raw_id())
    }
}

/// The token user: she created the demo threads and sent the seed message.
pub const JANE: Person = Person {
    user: "0e59221d-0c1d-46ae-9544-c963ce56c10b",
    name: "Jane",
};
pub const ALEX: Person = Person {
    user: "c94ff260-162d-46d6-94fd-e79f4d213715",
    name: "Alex",
};
pub const BOB: Person = Person {
    user: "a34d2d65-d72f-4c48-a12c-2d5c9ac75a1a",
    name: "Bob",
};
pub const PETER: Person = Person {
    user: "f6762773-e33a-4727-985f-50bd1d197c7b",
    name: "Peter",
};
pub const SAMANTHA: Person = Person {
    user: "f13a9208-0bb8-45c0-916c-f3ed922728ce",
    name: "Samantha",
};
/// A Teams user in the threads (interop).
pub const SAM_TEAMS: Person = Person {
    user: "8:orgid:3f8a6c2e-1b4d-4e7f-9a0c-5d6e7f8a9b0c",
    name: "Sam Rivera (Contoso)",
};
/// A user of the resource who is in no thread: its token gets 403.
pub const OUTSIDER: Person = Person {
    user: "5d0f3c1e-7a2b-4c9d-8e6f-1a2b3c4d5e6f",
    name: "Olivia Outsider",
};

/// An identifier as real traffic sends it: `rawId` plus the sub-object, no `kind`.
pub fn identifier(raw_id: &str) -> CommunicationIdentifierModel {
    let mut id = CommunicationIdentifierModel {
        raw_id: Some(raw_id.to_string()),
        ..Default::default()
    };
    if let Some(user_id) = raw_id.strip_prefix("8:orgid:") {
        id.microsoft_teams_user = Some(MicrosoftTeamsUserIdentifierModel {
            user_id: user_id.to_string(),
            cloud: Some("public".into()),
            ..Default::default()
        });
    } else {
        id.communication_user = Some(CommunicationUserIdentifierModel {
            id: raw_id.to_string(),
            ..Default::default()
        });
    }
    id
}

/// A time as the service writes it: second precision, `Z`.
pub fn ts(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

/// Metadata from string pairs.
pub fn metadata(pairs: &[(&str, &str)]) -> Metadata {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), Value::String(v.to_string())))
        .collect()
}

pub fn participant(
    person: &Person,
    named: bool,
    share_history: &str,
    meta: Option<Metadata>,
) -> ChatParticipant {
    ChatParticipant {
        communication_identifier: person.identifier(),
        display_name: named.then(|| person.name.to_string()),
        share_history_time: Some(share_history.to_string()),
        metadata: meta,
        extra: Map::new(),
    }
}

/// A thread's messages, oldest first: stored, or generated on demand for large threads.
pub enum Messages {
    Stored(Vec<ChatMessage>),
    Generated(Generator),
}

impl Messages {
    pub fn len(&self) -> usize {
        match self {
            Self::Stored(items) => items.len(),
            Self::Generated(g) => g.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Creation time in epoch milliseconds of message `i` (also its id).
    pub fn ms_at(&self, i: usize) -> i64 {
        match self {
            Self::Stored(items) => message_ms(&items[i]),
            Self::Generated(g) => g.ms_at(i),
        }
    }

    pub fn get(&self, i: usize) -> ChatMessage {
        match self {
            Self::Stored(items) => items[i].clone(),
            Self::Generated(g) => g.message(i),
        }
    }

    /// How many messages were created before `ms`.
    pub fn count_before(&self, ms: i64) -> usize {
        let (mut lo, mut hi) = (0, self.len());
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            if self.ms_at(mid) < ms {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        lo
    }

    pub fn find(&self, id: &str) -> Option<ChatMessage> {
        let ms: i64 = id.trim().parse().ok()?;
        let i = self.count_before(ms);
        (i < self.len() && self.ms_at(i) == ms && self.get(i).id == id.trim()).then(|| self.get(i))
    }
}

fn message_ms(m: &ChatMessage) -> i64 {
    m.id.parse().unwrap_or_default()
}

/// One thread and everything listed under it.
pub struct Thread {
    pub properties: ChatThreadProperties,
    pub messages: Messages,
    pub participants: Vec<ChatParticipant>,
    pub receipts: Vec<ChatMessageReadReceipt>,
    members: HashSet<String>,
    /// Removed by a participantRemoved message and not listed any more: the thread stays in their
    /// thread list and its properties and history stay readable, the roster and receipts answer 403
    /// (Azure/Communication#345, Azure/azure-sdk-for-net#36436).
    former: HashSet<String>,
}

impl Thread {
    pub fn new(
        properties: ChatThreadProperties,
        messages: Messages,
        participants: Vec<ChatParticipant>,
        receipts: Vec<ChatMessageReadReceipt>,
    ) -> Self {
        let members: HashSet<String> = participants
            .iter()
            .map(|p| p.communication_identifier.raw_id())
            .collect();
        let mut former = removed_by_history(&messages);
        former.retain(|raw_id| !members.contains(raw_id));
        Self {
            properties,
            messages,
            participants,
            receipts,
            members,
            former,
        }
    }

    pub fn id(&self) -> &str {
        &self.properties.id
    }

    pub fn is_member(&self, raw_id: &str) -> bool {
        self.members.contains(raw_id)
    }

    /// Whether `raw_id` is or was a member (so the thread is in their thread list).
    pub fn knows(&self, raw_id: &str) -> bool {
        self.is_member(raw_id) || self.former.contains(raw_id)
    }

    /// When the last message arrived (epoch ms); the creation time for an empty thread.
    pub fn last_message_ms(&self) -> i64 {
        match self.messages.len() {
            0 => self
                .properties
                .created()
                .map(|t| t.timestamp_millis())
                .unwrap_or_default(),
            n => self.messages.ms_at(n - 1),
        }
    }

    /// The thread as `GET /chat/threads` lists it.
    pub fn item(&self) -> ChatThreadItem {
        ChatThreadItem {
            id: self.properties.id.clone(),
            topic: self.properties.topic.clone(),
            deleted_on: self.properties.deleted_on.clone(),
            last_message_received_on: Some(ts(self.last_message_ms())),
            extra: self.properties.extra.clone(),
        }
    }
}

/// Who the stored messages' last participantAdded / participantRemoved about them removes.
fn removed_by_history(messages: &Messages) -> HashSet<String> {
    let mut removed = HashSet::new();
    let Messages::Stored(items) = messages else {
        return removed;
    };
    for m in items {
        let named = m.content.iter().flat_map(|c| &c.participants);
        for raw_id in named.map(|p| p.communication_identifier.raw_id()) {
            match m.message_type {
                ChatMessageType::ParticipantRemoved => removed.insert(raw_id),
                ChatMessageType::ParticipantAdded => removed.remove(&raw_id),
                _ => false,
            };
        }
    }
    removed
}

/// Builds a thread's timeline: sequence ids in order, ids from creation times.
pub struct Timeline {
    pub thread_id: String,
    pub base_url: String,
    pub messages: Vec<ChatMessage>,
}

impl Timeline {
    pub fn new(thread_id: &str, base_url: &str) -> Self {
        Self {
            thread_id: thread_id.to_string(),
            base_url: base_url.to_string(),
            messages: Vec::new(),
        }
    }

    /// Appends a message created at `ms` and returns it for further changes.
    pub fn push(
        &mut self,
        ms: i64,
        kind: ChatMessageType,
        sender: Option<&Person>,
        content: ChatMessageContent,
    ) -> &mut ChatMessage {
        let sequence = self.messages.len() + 1;
        self.messages.push(ChatMessage {
            id: ms.to_string(),
            message_type: kind,
            sequence_id: sequence.to_string(),
            version: ms.to_string(),
            content: Some(content),
            sender_display_name: sender.map(|p| p.name.to_string()),
            created_on: ts(ms),
            sender_communication_identifier: sender.map(Person::identifier),
            ..Default::default()
        });
        self.messages.last_mut().expect("just pushed")
    }

    pub fn text(&mut self, ms: i64, sender: &Person, text: &str) -> &mut ChatMessage {
        self.push(ms, ChatMessageType::Text, Some(sender), body(text))
    }

    pub fn html(&mut self, ms: i64, sender: &Person, html: &str) -> &mut ChatMessage {
        self.push(ms, ChatMessageType::Html, Some(sender), body(html))
    }

    pub fn topic(&mut self, ms: i64, initiator: &Person, topic: &str) -> &mut ChatMessage {
        let content = ChatMessageContent {
            topic: Some(topic.to_string()),
            initiator_communication_identifier: Some(initiator.identifier()),
            ..Default::default()
        };
        self.push(ms, ChatMessageType::TopicUpdated, None, content)
    }

    pub fn membership(
        &mut self,
        ms: i64,
        kind: ChatMessageType,
        initiator: &Person,
        participants: Vec<ChatParticipant>,
    ) -> &mut ChatMessage {
        let content = ChatMessageContent {
            participants,
            initiator_communication_identifier: Some(initiator.identifier()),
            ..Default::default()
        };
        self.push(ms, kind, None, content)
    }

    /// An image URL on the emulator, shaped like the service's Teams interop image links.
    pub fn image_url(&self, attachment_id: &str, view: &str) -> String {
        format!(
            "{}/chat/threads/{}/images/{attachment_id}/views/{view}?api-version=2023-07-01-preview",
            self.base_url, self.thread_id
        )
    }

    pub fn file_url(&self, attachment_id: &str, name: &str) -> String {
        format!("{}/files/{attachment_id}/{name}", self.base_url)
    }
}

pub fn body(text: &str) -> ChatMessageContent {
    ChatMessageContent {
        message: Some(text.to_string()),
        ..Default::default()
    }
}

/// Marks a message edited `after_ms` after creation, with new text and a bumped version.
pub fn edit(message: &mut ChatMessage, after_ms: i64, text: &str) {
    let at = message_ms(message) + after_ms;
    message.version = at.to_string();
    message.edited_on = Some(ts(at));
    if let Some(content) = message.content.as_mut() {
        content.message = Some(text.to_string());
    }
}

/// Marks a message deleted: empty text, `deletedOn`, bumped version (still listed, as in real traffic).
pub fn delete(message: &mut ChatMessage, after_ms: i64) {
    let at = message_ms(message) + after_ms;
    message.version = at.to_string();
    message.deleted_on = Some(ts(at));
    if let Some(content) = message.content.as_mut() {
        content.message = Some(String::new());
        content.attachments.clear();
    }
}

/// The start of the demo: two days before `now`, at 09:00 UTC, so dates read naturally and the
/// retention deletion date lies in the future.
pub fn demo_epoch(now: DateTime<Utc>) -> i64 {
    let day = now.date_naive().and_hms_opt(9, 0, 0).unwrap_or_default();
    (Utc.from_utc_datetime(&day) - Duration::days(2)).timestamp_millis()
}

/// Thread properties with the usual creator and creation time.
pub fn properties(
    id: &str,
    topic: &str,
    created_ms: i64,
    creator: &Person,
) -> ChatThreadProperties {
    ChatThreadProperties {
        id: id.to_string(),
        topic: topic.to_string(),
        created_on: ts(created_ms),
        created_by_communication_identifier: Some(creator.identifier()),
        ..Default::default()
    }
}

/// A read receipt: `reader` read up to `message`, `after_ms` after it was created.
pub fn receipt(reader: &Person, message: &ChatMessage, after_ms: i64) -> ChatMessageReadReceipt {
    ChatMessageReadReceipt {
        sender_communication_identifier: reader.identifier(),
        chat_message_id: message.id.clone(),
        read_on: ts(message_ms(message) + after_ms),
        extra: Map::new(),
    }
}

/// Unknown fields a future service version might add (the `unknown` fault).
pub fn future_fields() -> Map<String, Value> {
    let mut extra = Map::new();
    extra.insert("futureField".into(), json!("added by a newer service"));
    extra.insert("futureObject".into(), json!({"nested": [1, 2, 3]}));
    extra
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_messages_are_found_by_id_and_time() {
        let mut t = Timeline::new(LUNCH_THREAD_ID, "http://127.0.0.1:1");
        t.text(1_000, &JANE, "a");
        t.text(2_000, &ALEX, "b");
        t.text(3_000, &BOB, "c");
        let m = Messages::Stored(t.messages);
        assert_eq!(m.count_before(2_000), 1);
        assert_eq!(m.count_before(2_001), 2);
        assert_eq!(m.find("3000").unwrap().text(), "c");
        assert_eq!(m.find("2500"), None);
        assert_eq!(m.find("x"), None);
    }

    #[test]
    fn times_have_second_precision() {
        assert_eq!(ts(1_697_712_387_445), "2023-10-19T10:46:27Z");
    }
}
