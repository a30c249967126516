//! A thread of N messages computed on demand from their index: nothing is stored per message, so
//! `--messages 100000` starts instantly and any page costs only its own messages.
//!
//! The mix: participantAdded and topicUpdated at creation, then text and html from several senders,
//! some edited, deleted, with attachments, metadata or an empty display name, and now and then a
//! participant leaving and coming back.

use super::data::{
    ALEX, BOB, FULL_HISTORY, JANE, PETER, Person, SAMANTHA, body, delete, edit, metadata,
    participant, receipt, sharepoint_file, teams_image, ts,
};
use crate::acs::{
    ChatAttachment, ChatMessage, ChatMessageContent, ChatMessageReadReceipt, ChatMessageType,
    ChatParticipant,
};

/// Time between two generated messages.
const STEP_MS: i64 = 15_000;
/// More messages than anyone pages through; it keeps every time within a few years.
pub const MAX_GENERATED: usize = 10_000_000;
const SENDERS: [Person; 5] = [JANE, ALEX, BOB, SAMANTHA, PETER];
const WORDS: [&str; 8] = [
    "deploy", "lunch", "retry", "invoice", "roadmap", "incident", "review", "coffee",
];

pub struct Generator {
    thread_id: String,
    count: usize,
    base_ms: i64,
    base_url: String,
}

impl Generator {
    /// `count` messages (at most [`MAX_GENERATED`]), the last one an hour before `now_ms`.
    pub fn new(thread_id: &str, count: usize, now_ms: i64, base_url: &str) -> Self {
        let count = count.min(MAX_GENERATED);
        let span = STEP_MS * count as i64;
        Self {
            thread_id: thread_id.to_string(),
            count,
            base_ms: now_ms - 3_600_000 - span,
            base_url: base_url.to_string(),
        }
    }

    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    pub fn topic(&self) -> String {
        format!("Load test ({} messages)", self.count)
    }

    pub fn created_ms(&self) -> i64 {
        self.base_ms
    }

    /// Strictly increasing with `i`: the jitter stays below the step.
    pub fn ms_at(&self, i: usize) -> i64 {
        let i = i as i64;
        self.base_ms + i * STEP_MS + (i * 7919) % 1000
    }

    pub fn participants(&self) -> Vec<ChatParticipant> {
        SENDERS
            .iter()
            .map(|p| participant(p, true, FULL_HISTORY, None))
            .collect()
    }

    /// One receipt per participant, near the end of the thread.
    pub fn receipts(&self) -> Vec<ChatMessageReadReceipt> {
        if self.count == 0 {
            return Vec::new();
        }
        SENDERS
            .iter()
            .enumerate()
            .map(|(k, p)| {
                let i = self.count.saturating_sub(1 + k * 3);
                receipt(p, &self.message(i), 20_000)
            })
            .collect()
    }

    pub fn message(&self, i: usize) -> ChatMessage {
        let ms = self.ms_at(i);
        let sender = &SENDERS[i % SENDERS.len()];
        let mut m = match i {
            0 => self.system(ms, ChatMessageType::ParticipantAdded, self.everyone()),
            1 => self.system(ms, ChatMessageType::TopicUpdated, self.topic_content()),
            _ if i % 100 == 50 => {
                self.system(ms, ChatMessageType::ParticipantRemoved, self.peter())
            }
            _ if i.is_multiple_of(100) => {
                self.system(ms, ChatMessageType::ParticipantAdded, self.peter())
            }
            _ if i.is_multiple_of(5) => self.user(ms, ChatMessageType::Html, sender, &self.html(i)),
            _ => self.user(ms, ChatMessageType::Text, sender, &self.text(i)),
        };
        m.sequence_id = (i + 1).to_string();
        if m.message_type.is_system() {
            return m;
        }
        self.decorate(&mut m, i);
        m
    }

    fn decorate(&self, m: &mut ChatMessage, i: usize) {
        if let (true, Some(content)) = (i.is_multiple_of(11), m.content.as_mut()) {
            content.attachments = self.attachments(i, &m.id);
        }
        if i.is_multiple_of(7) {
            m.metadata = Some(metadata(&[("index", &i.to_string()), ("source", "load")]));
        }
        if i.is_multiple_of(13) {
            m.sender_display_name = Some(String::new());
        }
        if i.is_multiple_of(17) {
            edit(m, 60_000, &format!("{} (edited)", self.text(i)));
        }
        if i.is_multiple_of(23) {
            delete(m, 90_000);
        }
    }

    fn user(&self, ms: i64, kind: ChatMessageType, sender: &Person, text: &str) -> ChatMessage {
        ChatMessage {
            id: ms.to_string(),
            message_type: kind,
            version: ms.to_string(),
            content: Some(body(text)),
            sender_display_name: Some(sender.name.to_string()),
            created_on: ts(ms),
            sender_communication_identifier: Some(sender.identifier()),
            ..Default::default()
        }
    }

    fn system(
        &self,
        ms: i64,
        kind: ChatMessageType,
        mut content: ChatMessageContent,
    ) -> ChatMessage {
        content.initiator_communication_identifier = Some(JANE.identifier());
        ChatMessage {
            id: ms.to_string(),
            message_type: kind,
            version: ms.to_string(),
            content: Some(content),
            created_on: ts(ms),
            ..Default::default()
        }
    }

    fn everyone(&self) -> ChatMessageContent {
        ChatMessageContent {
            participants: self.participants(),
            ..Default::default()
        }
    }

    fn peter(&self) -> ChatMessageContent {
        ChatMessageContent {
            participants: vec![participant(&PETER, true, FULL_HISTORY, None)],
            ..Default::default()
        }
    }

    fn topic_content(&self) -> ChatMessageContent {
        ChatMessageContent {
            topic: Some(self.topic()),
            ..Default::default()
        }
    }

    fn text(&self, i: usize) -> String {
        let word = WORDS[i % WORDS.len()];
        format!("Message {} of {}: about the {word}.", i + 1, self.count)
    }

    fn html(&self, i: usize) -> String {
        let word = WORDS[(i / 5) % WORDS.len()];
        format!(
            "<p>Message {} of {}: <b>{word}</b> notes</p><ul><li>first</li><li>second</li></ul>",
            i + 1,
            self.count
        )
    }

    fn attachments(&self, i: usize, message_id: &str) -> Vec<ChatAttachment> {
        let image_id = format!("0-weu-d1-{i:032x}");
        let image = teams_image(
            &self.base_url,
            &self.thread_id,
            message_id,
            &image_id,
            &format!("photo-{i}.png"),
        );
        let file = sharepoint_file(
            &format!("{i:08x}-0000-4000-8000-{i:012x}"),
            &format!("report-{i}.pdf"),
            &format!("https://contoso.sharepoint.com/:b:/g/personal/load/report-{i}"),
        );
        vec![image, file]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_messages_are_ordered_and_varied() {
        let g = Generator::new("19:x@thread.v2", 1000, 1_700_000_000_000, "http://h");
        assert!((1..1000).all(|i| g.ms_at(i) > g.ms_at(i - 1)));
        let all: Vec<ChatMessage> = (0..1000).map(|i| g.message(i)).collect();
        assert_eq!(all[0].message_type, ChatMessageType::ParticipantAdded);
        assert_eq!(all[1].message_type, ChatMessageType::TopicUpdated);
        for kind in [
            ChatMessageType::Text,
            ChatMessageType::Html,
            ChatMessageType::ParticipantRemoved,
        ] {
            assert!(all.iter().any(|m| m.message_type == kind), "{kind}");
        }
        assert!(all.iter().any(|m| m.is_edited()));
        assert!(all.iter().any(|m| m.is_deleted()));
        assert!(all.iter().any(|m| !m.attachments().is_empty()));
        assert!(all.iter().any(|m| m.metadata.is_some()));
        assert_eq!(all[41].sequence(), Some(42));
        assert_eq!(all[41].id, g.ms_at(41).to_string());
    }
}
