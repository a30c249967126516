//! Search across every thread of the user (`S`): a query typed as `text from:RAWID id:MESSAGE_ID`,
//! matches gathered as threads are searched ([`crate::across::search`]), and Enter on one opens its
//! thread at the message.

use crate::acs::ChatMessage;

/// The most matches kept: enough to look through, bounded whatever the threads hold.
pub const MAX_FOUND: usize = 500;

/// What was asked: the parts of `text from:RAWID id:MESSAGE_ID` (any order, each optional).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchQuery {
    pub text: Option<String>,
    pub from: Option<String>,
    pub message_id: Option<String>,
}

impl SearchQuery {
    /// Splits the prompt's words: `from:` and `id:` words name the sender and the message, the rest
    /// is the text.
    pub fn parse(input: &str) -> Self {
        let mut query = Self::default();
        let mut words = Vec::new();
        for word in input.split_whitespace() {
            if let Some(from) = word.strip_prefix("from:").filter(|w| !w.is_empty()) {
                query.from = Some(from.to_string());
            } else if let Some(id) = word.strip_prefix("id:").filter(|w| !w.is_empty()) {
                query.message_id = Some(id.to_string());
            } else {
                words.push(word);
            }
        }
        query.text = (!words.is_empty()).then(|| words.join(" "));
        query
    }
}

/// One match: the thread it is in and the message.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub thread_id: String,
    pub message: ChatMessage,
}

/// The search shown in its overlay, growing while it runs.
#[derive(Debug, Default)]
pub struct SearchResults {
    /// The prompt's text, as typed.
    pub asked: String,
    pub found: Vec<SearchHit>,
    /// Threads searched to their end.
    pub searched: usize,
    /// Threads whose messages answered 403 or 404 (left Teams meetings, deleted threads).
    pub unreadable: usize,
    /// More matches than [`MAX_FOUND`] were seen; the rest were not kept.
    pub capped: bool,
    pub selected: usize,
}

impl SearchResults {
    /// Takes in matches and counts, keeping at most [`MAX_FOUND`].
    pub fn add(&mut self, found: Vec<SearchHit>, searched: usize, unreadable: usize) {
        let room = MAX_FOUND.saturating_sub(self.found.len());
        self.capped |= found.len() > room;
        self.found.extend(found.into_iter().take(room));
        self.searched += searched;
        self.unreadable += unreadable;
    }

    pub fn selected_hit(&self) -> Option<&SearchHit> {
        self.found.get(self.selected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_prompt_splits_into_text_sender_and_id() {
        let q = SearchQuery::parse("invoice  4711 from:8:acs:x_1");
        assert_eq!(q.text.as_deref(), Some("invoice 4711"));
        assert_eq!(q.from.as_deref(), Some("8:acs:x_1"));
        assert_eq!(q.message_id, None);
        let q = SearchQuery::parse("id:1700000000000");
        assert_eq!(
            (q.text, q.message_id.as_deref()),
            (None, Some("1700000000000"))
        );
        assert_eq!(SearchQuery::parse("   "), SearchQuery::default());
    }

    #[test]
    fn matches_are_bounded() {
        let hit = SearchHit {
            thread_id: "19:a@thread.v2".into(),
            message: ChatMessage::default(),
        };
        let mut results = SearchResults::default();
        results.add(vec![hit.clone(); MAX_FOUND - 1], 3, 1);
        results.add(vec![hit; 5], 2, 0);
        assert_eq!(results.found.len(), MAX_FOUND);
        assert!(results.capped);
        assert_eq!((results.searched, results.unreadable), (5, 1));
    }
}
