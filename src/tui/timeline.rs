//! The timeline's data: every loaded message in the service's order (newest first), a filter,
//! the display order, and read counts. Views ask for one row at a time, so nothing is built for
//! rows that are not on screen.

use std::collections::HashMap;
use std::sync::Arc;

use crate::acs::{ChatMessage, ChatMessageReadReceipt, ChatMessageType, Exchange};

/// One loaded message and the page it came from.
///
/// The message is kept as its JSON text, about a fifth of the decoded struct's size, and decoded
/// when a row or panel shows it: only visible rows are decoded, so 100,000 messages fit in memory.
#[derive(Debug, Clone)]
pub struct Entry {
    json: Box<str>,
    /// Index into [`Timeline::pages`].
    pub page: u32,
    /// `sequenceId` as a number (0 when the service sent something else).
    pub seq: u64,
}

impl Entry {
    pub fn new(message: &ChatMessage, page: u32) -> Self {
        Self {
            json: serde_json::to_string(message)
                .unwrap_or_default()
                .into_boxed_str(),
            page,
            seq: message.sequence().unwrap_or(0),
        }
    }

    /// The message, decoded from what was stored (the models' own encoding, so it round-trips).
    pub fn message(&self) -> ChatMessage {
        serde_json::from_str(&self.json).unwrap_or_default()
    }
}

/// The loaded messages of one thread.
#[derive(Debug, Default)]
pub struct Timeline {
    entries: Vec<Entry>,
    /// The exchange of every page, for raw views.
    pub pages: Vec<Arc<Exchange>>,
    /// Storage indices matching the filter, ascending; `None` when no filter is set.
    filtered: Option<Vec<u32>>,
    filter: Option<String>,
    pub oldest_first: bool,
    /// Per reader, the highest sequence id read, sorted.
    readers: Vec<u64>,
    by_id: HashMap<String, u32>,
}

impl Timeline {
    /// Appends one page of messages (the service sends newest first; later pages are older).
    /// Returns how many of them are shown under the current filter.
    pub fn push_page(&mut self, messages: Vec<ChatMessage>, exchange: Arc<Exchange>) -> usize {
        let page = self.pages.len() as u32;
        self.pages.push(exchange);
        let mut shown = 0;
        for message in messages {
            let index = self.entries.len() as u32;
            self.by_id.entry(message.id.clone()).or_insert(index);
            let entry = Entry::new(&message, page);
            if let (Some(filter), Some(list)) = (&self.filter, &mut self.filtered) {
                if matches(&message, filter) {
                    list.push(index);
                    shown += 1;
                }
            } else {
                shown += 1;
            }
            self.entries.push(entry);
        }
        shown
    }

    /// Puts messages that arrived after the first page (live mode; newest first) before every
    /// loaded one. Returns how many of them the filter shows.
    pub fn prepend(&mut self, messages: Vec<ChatMessage>, exchange: Arc<Exchange>) -> usize {
        let page = self.pages.len() as u32;
        self.pages.push(exchange);
        let added = messages.len() as u32;
        // Every loaded message moves down by as many places.
        for index in self.by_id.values_mut() {
            *index += added;
        }
        for (i, message) in messages.iter().enumerate() {
            self.by_id.insert(message.id.clone(), i as u32);
        }
        let mut entries: Vec<Entry> = messages.iter().map(|m| Entry::new(m, page)).collect();
        entries.append(&mut self.entries);
        self.entries = entries;
        let shown = match &self.filter {
            Some(filter) => messages.iter().filter(|m| matches(m, filter)).count(),
            None => messages.len(),
        };
        self.refilter();
        shown
    }

    /// Puts a newer version of a loaded message (an edit or a delete seen live) in its place;
    /// `false` when it is not loaded.
    pub fn replace(&mut self, message: &ChatMessage) -> bool {
        let Some(&index) = self.by_id.get(&message.id) else {
            return false;
        };
        let entry = &mut self.entries[index as usize];
        *entry = Entry::new(message, entry.page);
        self.refilter();
        true
    }

    /// The filter's rows again, after entries changed.
    fn refilter(&mut self) {
        if let Some(filter) = self.filter.clone() {
            self.set_filter(&filter);
        }
    }

    /// Messages loaded (whatever the filter).
    pub fn loaded(&self) -> usize {
        self.entries.len()
    }

    /// Rows shown under the filter.
    pub fn len(&self) -> usize {
        self.filtered
            .as_ref()
            .map_or(self.entries.len(), |list| list.len())
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The storage index of a display row.
    pub fn index_at(&self, row: usize) -> Option<usize> {
        let len = self.len();
        if row >= len {
            return None;
        }
        let pos = if self.oldest_first {
            len - 1 - row
        } else {
            row
        };
        match &self.filtered {
            Some(list) => list.get(pos).map(|&i| i as usize),
            None => Some(pos),
        }
    }

    /// The entry shown at a display row.
    pub fn row(&self, row: usize) -> Option<&Entry> {
        self.index_at(row).and_then(|i| self.entries.get(i))
    }

    pub fn entry(&self, index: usize) -> Option<&Entry> {
        self.entries.get(index)
    }

    /// The display row of a storage index, if the filter shows it.
    pub fn row_of(&self, index: usize) -> Option<usize> {
        let pos = match &self.filtered {
            Some(list) => list.binary_search(&(index as u32)).ok()?,
            None if index < self.entries.len() => index,
            None => return None,
        };
        Some(if self.oldest_first {
            self.len() - 1 - pos
        } else {
            pos
        })
    }

    /// Finds a loaded message by id, or by sequence id when the text is a small number (`#12` too).
    pub fn find(&self, needle: &str) -> Option<usize> {
        let needle = needle.trim();
        if let Some(&i) = self.by_id.get(needle) {
            return Some(i as usize);
        }
        let seq: u64 = needle.trim_start_matches('#').parse().ok()?;
        self.entries.iter().position(|e| e.seq == seq)
    }

    pub fn filter(&self) -> Option<&str> {
        self.filter.as_deref()
    }

    /// Shows only messages whose text, sender or type contains `text` (case-insensitive); empty clears.
    pub fn set_filter(&mut self, text: &str) {
        let text = text.trim().to_lowercase();
        if text.is_empty() {
            self.filter = None;
            self.filtered = None;
            return;
        }
        let list = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| matches(&e.message(), &text))
            .map(|(i, _)| i as u32)
            .collect();
        self.filtered = Some(list);
        self.filter = Some(text);
    }

    /// Recomputes read counts from receipts: a receipt for message X means its reader read every
    /// message up to X's sequence id.
    pub fn set_receipts(&mut self, receipts: &[ChatMessageReadReceipt]) {
        let mut latest: HashMap<String, u64> = HashMap::new();
        for receipt in receipts {
            let Some(seq) = self.seq_of(&receipt.chat_message_id) else {
                continue;
            };
            let reader = receipt.sender_communication_identifier.raw_id();
            let best = latest.entry(reader).or_insert(0);
            *best = (*best).max(seq);
        }
        self.readers = latest.into_values().collect();
        self.readers.sort_unstable();
    }

    fn seq_of(&self, message_id: &str) -> Option<u64> {
        let i = *self.by_id.get(message_id)?;
        Some(self.entries[i as usize].seq)
    }

    /// How many readers have read the message with this sequence id.
    pub fn read_count(&self, seq: u64) -> usize {
        self.readers.len() - self.readers.partition_point(|&r| r < seq)
    }

    /// Whether read counts are known (receipts matched loaded messages).
    pub fn has_readers(&self) -> bool {
        !self.readers.is_empty()
    }
}

fn matches(message: &ChatMessage, needle: &str) -> bool {
    contains_ci(message.text(), needle)
        || message
            .sender_name()
            .is_some_and(|n| contains_ci(n, needle))
        || contains_ci(message.message_type.as_str(), needle)
        || message
            .content
            .as_ref()
            .and_then(|c| c.topic.as_deref())
            .is_some_and(|t| contains_ci(t, needle))
}

fn contains_ci(haystack: &str, lower_needle: &str) -> bool {
    haystack.to_lowercase().contains(lower_needle)
}

/// A one-character marker of a message type.
pub fn type_marker(kind: &ChatMessageType) -> &'static str {
    match kind {
        ChatMessageType::Text => " ",
        ChatMessageType::Html | ChatMessageType::RichtextHtml => "H",
        ChatMessageType::TopicUpdated => "T",
        ChatMessageType::ParticipantAdded => "+",
        ChatMessageType::ParticipantRemoved => "-",
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(id: &str, seq: u64, text: &str) -> ChatMessage {
        serde_json::from_value(serde_json::json!({
            "id": id, "type": "text", "sequenceId": seq.to_string(),
            "content": {"message": text}, "senderDisplayName": "Jane"
        }))
        .unwrap()
    }

    fn exchange() -> Arc<Exchange> {
        Arc::new(Exchange {
            seq: 1,
            started_at: chrono::Utc::now(),
            method: "GET".into(),
            url: "http://127.0.0.1/".into(),
            status: Some(200),
            duration: Default::default(),
            attempts: 1,
            headers: vec![],
            body: String::new(),
            error: None,
        })
    }

    fn timeline(n: u64) -> Timeline {
        let mut t = Timeline::default();
        let messages = (1..=n)
            .rev()
            .map(|s| message(&format!("m{s}"), s, &format!("hello {s}")));
        t.push_page(messages.collect(), exchange());
        t
    }

    #[test]
    fn order_toggle_reverses_rows() {
        let mut t = timeline(3);
        assert_eq!(t.row(0).unwrap().seq, 3);
        t.oldest_first = true;
        assert_eq!(t.row(0).unwrap().seq, 1);
        assert_eq!(t.row_of(0), Some(2));
    }

    #[test]
    fn filter_keeps_matching_rows_and_new_pages() {
        let mut t = timeline(12);
        t.set_filter("HELLO 1");
        assert_eq!(t.len(), 4, "1, 10, 11, 12");
        let shown = t.push_page(vec![message("x", 0, "hello 100")], exchange());
        assert_eq!((shown, t.len()), (1, 5));
        t.set_filter("");
        assert_eq!(t.len(), 13);
    }

    #[test]
    fn a_receipt_counts_for_every_earlier_message() {
        let mut t = timeline(5);
        let receipt = |who: &str, id: &str| ChatMessageReadReceipt {
            sender_communication_identifier:
                crate::acs::CommunicationIdentifierModel::communication_user(who),
            chat_message_id: id.into(),
            ..Default::default()
        };
        t.set_receipts(&[
            receipt("8:acs:a", "m4"),
            receipt("8:acs:b", "m2"),
            receipt("8:acs:a", "m1"),
        ]);
        assert_eq!(t.read_count(1), 2);
        assert_eq!(t.read_count(3), 1);
        assert_eq!(t.read_count(5), 0);
    }

    #[test]
    fn find_by_id_or_sequence() {
        let t = timeline(5);
        assert_eq!(t.find("m2"), Some(3));
        assert_eq!(t.find("#4"), Some(1));
        assert_eq!(t.find("nope"), None);
    }
}
