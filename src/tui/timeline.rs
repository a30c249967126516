//! The timeline's data: every loaded message in the service's order (newest first), a filter,
//! the display order, names by raw id, and read counts. Views ask for one row at a time, so
//! nothing is built for rows that are not on screen.

use std::collections::HashMap;
use std::sync::Arc;

use crate::acs::{ChatMessage, ChatMessageReadReceipt, ChatMessageType, ChatParticipant, Exchange};
use crate::sanitize::one_line;

use super::query::{Facts, Query};

/// Characters of a body looked at for a preview.
const PREVIEW_SOURCE: usize = 400;

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
    filter: Option<Query>,
    pub oldest_first: bool,
    /// Per reader, the highest sequence id read, sorted.
    readers: Vec<u64>,
    by_id: HashMap<String, u32>,
    /// Display names by raw id: the participants', and senders' as their messages arrive.
    names: HashMap<String, String>,
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
            if let (Some(name), Some(raw)) = (message.sender_name(), message.sender_raw_id()) {
                self.names.entry(raw).or_insert_with(|| name.to_string());
            }
            let entry = Entry::new(&message, page);
            match (&self.filter, &mut self.filtered) {
                (Some(query), Some(list)) => {
                    if query.matches(&facts(&message, &self.names)) {
                        list.push(index);
                        shown += 1;
                    }
                }
                _ => shown += 1,
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
            if let (Some(name), Some(raw)) = (message.sender_name(), message.sender_raw_id()) {
                self.names.entry(raw).or_insert_with(|| name.to_string());
            }
        }
        let mut entries: Vec<Entry> = messages.iter().map(|m| Entry::new(m, page)).collect();
        entries.append(&mut self.entries);
        self.entries = entries;
        let shown = match &self.filter {
            Some(query) => messages
                .iter()
                .filter(|m| query.matches(&facts(m, &self.names)))
                .count(),
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

    pub fn filter(&self) -> Option<&Query> {
        self.filter.as_ref()
    }

    /// Shows only the messages the query matches; `None` shows every message.
    pub fn set_filter(&mut self, query: Option<Query>) {
        self.filter = query;
        self.refilter();
    }

    fn refilter(&mut self) {
        let Some(query) = &self.filter else {
            self.filtered = None;
            return;
        };
        let list = self
            .entries
            .iter()
            .enumerate()
            .filter(|(_, e)| query.matches(&facts(&e.message(), &self.names)))
            .map(|(i, _)| i as u32)
            .collect();
        self.filtered = Some(list);
    }

    /// The display row of a storage index, or of the nearest one the filter shows (the next
    /// older message, else the newest shown).
    pub fn nearest_row(&self, index: usize) -> Option<usize> {
        if let Some(row) = self.row_of(index) {
            return Some(row);
        }
        let list = self.filtered.as_ref()?;
        let pos = list
            .partition_point(|&i| (i as usize) < index)
            .min(list.len().checked_sub(1)?);
        self.row_of(list[pos] as usize)
    }

    /// Learns the participants' names (system events and receipts name people by raw id).
    pub fn set_names(&mut self, participants: &[ChatParticipant]) {
        for p in participants {
            if let Some(name) = p.display_name.as_deref().filter(|n| !n.trim().is_empty()) {
                self.names
                    .insert(p.communication_identifier.raw_id(), name.to_string());
            }
        }
        if self.filter.is_some() {
            self.refilter();
        }
    }

    /// The display name known for a raw id.
    pub fn name_of(&self, raw_id: &str) -> Option<&str> {
        self.names.get(raw_id).map(String::as_str)
    }

    /// A row's text, people named as the timeline knows them.
    pub fn preview(&self, message: &ChatMessage) -> String {
        preview_named(message, &self.names)
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

/// What a row shows and the ids behind it, for the filter: the preview and the whole text, the
/// sender or initiator (name and raw id), everyone a system event names, the message id and type,
/// and the words "deleted" and "edited" when they apply.
pub fn facts(message: &ChatMessage, names: &HashMap<String, String>) -> Facts {
    let raw = message.sender_raw_id();
    let name = message
        .sender_name()
        .map(str::to_string)
        .or_else(|| raw.as_ref().and_then(|r| names.get(r).cloned()));
    let from: Vec<String> = name.into_iter().chain(raw).collect();
    let mut parts: Vec<String> = vec![preview_named(message, names), message.text().to_string()];
    parts.extend(from.iter().cloned());
    if let Some(content) = &message.content {
        for p in &content.participants {
            parts.push(p.communication_identifier.raw_id());
            parts.extend(p.display_name.clone());
        }
        parts.extend(content.topic.clone());
    }
    parts.push(message.id.clone());
    parts.push(message.message_type.as_str().to_string());
    if message.is_deleted() {
        parts.push("deleted".into());
    }
    if message.is_edited() {
        parts.push("edited".into());
    }
    Facts {
        text: parts.join("\n").to_lowercase(),
        from: from.iter().map(|f| f.to_lowercase()).collect(),
        kind: message.message_type.as_str().to_lowercase(),
        deleted: message.is_deleted(),
        edited: message.is_edited(),
        system: message.message_type.is_system(),
        attachments: message.attachments().len(),
        created: message.created(),
    }
}

/// What a message says, in one short line (a row's text).
pub fn preview(m: &ChatMessage) -> String {
    preview_named(m, &HashMap::new())
}

/// [`preview`], naming people a system event lists by raw id when their names are known.
pub fn preview_named(m: &ChatMessage, names: &HashMap<String, String>) -> String {
    if m.is_deleted() {
        return "(deleted)".into();
    }
    let content = m.content.as_ref();
    let text = match &m.message_type {
        ChatMessageType::TopicUpdated => {
            format!(
                "topic → {}",
                content.and_then(|c| c.topic.as_deref()).unwrap_or("")
            )
        }
        ChatMessageType::ParticipantAdded | ChatMessageType::ParticipantRemoved => {
            let verb = if m.message_type == ChatMessageType::ParticipantAdded {
                "added"
            } else {
                "removed"
            };
            let people: Vec<String> = content
                .map(|c| c.participants.iter().map(|p| person(p, names)).collect())
                .unwrap_or_default();
            format!("{verb} {}", people.join(", "))
        }
        kind if kind.is_html() => strip_tags(&super::view::html::teams_markup(head(m.text()))),
        _ => head(m.text()).to_string(),
    };
    let text = one_line(text.trim()).into_owned();
    match (text.is_empty(), m.attachments().is_empty()) {
        (true, false) => "(attachments only)".into(),
        _ => text,
    }
}

fn person(p: &ChatParticipant, names: &HashMap<String, String>) -> String {
    let raw = p.communication_identifier.raw_id();
    p.display_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| names.get(&raw).cloned())
        .unwrap_or_else(|| super::ids::fit(&raw, 24))
}

fn head(s: &str) -> &str {
    match s.char_indices().nth(PREVIEW_SOURCE) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// Tags removed (block tags become spaces) and runs of white space collapsed: enough for a preview.
fn strip_tags(html: &str) -> String {
    const INLINE: [&str; 10] = [
        "a", "b", "i", "u", "s", "em", "strong", "span", "code", "font",
    ];
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim_start_matches('/');
        let name: String = tag
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        if !INLINE.contains(&name.to_ascii_lowercase().as_str()) {
            out.push(' ');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let out = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", " ");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
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
            ..Default::default()
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
    fn html_preview_drops_tags() {
        assert_eq!(
            strip_tags("<p>Hi <b>there</b>: &amp; you</p><ul><li>a</li><li>b</li></ul>"),
            "Hi there: & you a b"
        );
        assert_eq!(strip_tags("a < b"), "a < b");
    }

    #[test]
    fn order_toggle_reverses_rows() {
        let mut t = timeline(3);
        assert_eq!(t.row(0).unwrap().seq, 3);
        t.oldest_first = true;
        assert_eq!(t.row(0).unwrap().seq, 1);
        assert_eq!(t.row_of(0), Some(2));
    }

    fn query(text: &str) -> Option<Query> {
        super::super::query::parse(text).unwrap()
    }

    #[test]
    fn filter_keeps_matching_rows_and_new_pages() {
        let mut t = timeline(12);
        t.set_filter(query("\"HELLO 1\""));
        assert_eq!(t.len(), 4, "1, 10, 11, 12");
        let shown = t.push_page(vec![message("x", 0, "hello 100")], exchange());
        assert_eq!((shown, t.len()), (1, 5));
        t.set_filter(None);
        assert_eq!(t.len(), 13);
    }

    #[test]
    fn the_nearest_shown_row_stands_in_for_a_hidden_one() {
        let mut t = timeline(12);
        t.set_filter(query("\"hello 1\""));
        // Storage is newest first: m12 m11 m10 m9 ... m1; shown: m12 m11 m10 m1.
        assert_eq!(t.nearest_row(0), Some(0), "m12 is shown");
        assert_eq!(
            t.nearest_row(4),
            Some(3),
            "m8 is hidden: m1, the next older, stands in"
        );
    }

    #[test]
    fn system_events_match_the_names_of_the_people_they_name() {
        let mut t = timeline(2);
        let added: ChatMessage = serde_json::from_value(serde_json::json!({
            "id": "a", "type": "participantAdded", "sequenceId": "3",
            "content": {"participants": [{"communicationIdentifier": {"rawId": "8:acs:r_bob"}}],
                        "initiatorCommunicationIdentifier": {"rawId": "8:acs:r_jane"}}
        }))
        .unwrap();
        t.push_page(vec![added], exchange());
        t.set_filter(query("bob"));
        assert_eq!(t.len(), 1, "the raw id of the added participant");
        let participant = |raw: &str, name: &str| -> ChatParticipant {
            serde_json::from_value(serde_json::json!({
                "communicationIdentifier": {"rawId": raw}, "displayName": name}))
            .unwrap()
        };
        t.set_names(&[participant("8:acs:r_jane", "Jane")]);
        t.set_filter(query("from:jane"));
        assert_eq!(
            t.len(),
            3,
            "two messages Jane sent, one event she initiated"
        );
        t.set_filter(query("is:deleted"));
        assert_eq!(t.len(), 0);
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
