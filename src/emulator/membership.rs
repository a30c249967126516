//! Who was in a thread and when: the membership history, read from the thread's own
//! participantAdded / participantRemoved system messages, so what the emulator lets a caller see
//! always agrees with what those messages say.
//!
//! What each caller may read (service behaviour, with sources):
//! - A member reads everything from their `shareHistoryTime` on ("Time from which the chat history
//!   is shared with the participant", `ChatParticipant` in the spec); `1970-01-01T00:00:00Z` is the
//!   whole history.
//! - A removed user still finds the thread in `GET /chat/threads` ("by design, since users still have
//!   access to" its history: Azure/Communication #345) and "can view previous message history but
//!   can't send or receive new messages" (MicrosoftDocs/azure-docs `concepts/chat/concepts.md`): their
//!   message list ends with their removal. The thread's properties stay readable (#345 and
//!   Azure/azure-sdk-for-net #35801 say the participant list, not the thread, is how an app finds out),
//!   the participant list answers 403 (#345: "If it errors out with a 403 then we know the user isn't
//!   a participant anymore"), and so do read receipts: they are thread state like the roster, not
//!   message history (not documented separately; the emulator treats them like the roster).
//! - In a Teams meeting chat, an ACS user "won't have access to chat messages that were sent before
//!   they joined the meeting and they won't be able to send or receive messages after the meeting
//!   ends" (azure-docs `quickstarts/chat/includes/meeting-interop-javascript.md`); after leaving, even
//!   the message list answers 403 (Azure/communication-ui-library #2777: "we get a 403 permission
//!   denied error ... after leaving Teams interop meeting" when calling listMessages).
//! - Someone who never was a member gets 403 everywhere and does not see the thread listed.

use std::collections::HashMap;

use crate::acs::{ChatMessage, ChatMessageType, ChatParticipant};

/// One identity's time in a thread (the latest time, when it was added more than once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    pub added_ms: i64,
    /// Messages created before this are not shown to them (0: the whole history).
    pub share_history_ms: i64,
    pub removed: Option<Removal>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Removal {
    pub at_ms: i64,
    /// The raw id of the initiator of the participantRemoved message.
    pub by: String,
}

/// What a caller may read of a thread.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    Member { from_ms: i64 },
    Removed { from_ms: i64, until_ms: i64 },
    Stranger,
}

/// Every identity ever added, by raw id.
#[derive(Debug, Clone, Default)]
pub struct History(HashMap<String, Membership>);

impl History {
    /// Reads the history from a thread's messages (oldest first), then adds any listed participant
    /// the messages do not mention as a member since `created_ms`.
    pub fn new<'a>(
        messages: impl Iterator<Item = &'a ChatMessage>,
        participants: &[ChatParticipant],
        created_ms: i64,
    ) -> Self {
        let mut history = Self::default();
        for m in messages {
            history.apply(m);
        }
        for p in participants {
            let raw = p.communication_identifier.raw_id();
            history.0.entry(raw).or_insert_with(|| Membership {
                added_ms: created_ms,
                share_history_ms: share_history_ms(p),
                removed: None,
            });
        }
        history
    }

    fn apply(&mut self, m: &ChatMessage) {
        let Some(content) = &m.content else {
            return;
        };
        let at_ms = m.id.parse().unwrap_or_default();
        for p in &content.participants {
            let raw = p.communication_identifier.raw_id();
            match m.message_type {
                ChatMessageType::ParticipantAdded => {
                    let membership = Membership {
                        added_ms: at_ms,
                        share_history_ms: share_history_ms(p),
                        removed: None,
                    };
                    self.0.insert(raw, membership);
                }
                ChatMessageType::ParticipantRemoved => {
                    if let Some(membership) = self.0.get_mut(&raw) {
                        let by = content
                            .initiator_communication_identifier
                            .as_ref()
                            .map(|i| i.raw_id())
                            .unwrap_or_default();
                        membership.removed = Some(Removal { at_ms, by });
                    }
                }
                _ => {}
            }
        }
    }

    pub fn get(&self, raw_id: &str) -> Option<&Membership> {
        self.0.get(raw_id)
    }

    /// Whether `raw_id` was ever added (member or removed).
    pub fn knows(&self, raw_id: &str) -> bool {
        self.0.contains_key(raw_id)
    }

    pub fn access(&self, raw_id: &str) -> Access {
        match self.0.get(raw_id) {
            None => Access::Stranger,
            Some(m) => match &m.removed {
                None => Access::Member {
                    from_ms: m.share_history_ms,
                },
                Some(r) => Access::Removed {
                    from_ms: m.share_history_ms,
                    until_ms: r.at_ms,
                },
            },
        }
    }

    /// The raw ids of the current members.
    pub fn members(&self) -> impl Iterator<Item = &str> {
        self.0
            .iter()
            .filter(|(_, m)| m.removed.is_none())
            .map(|(raw, _)| raw.as_str())
    }
}

fn share_history_ms(p: &ChatParticipant) -> i64 {
    p.share_history().map_or(0, |t| t.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emulator::data::{ALEX, BOB, FULL_HISTORY, JANE, Timeline, participant, ts};

    #[test]
    fn removal_and_share_history_come_from_the_system_messages() {
        let mut t = Timeline::new("19:t@thread.v2", "http://h");
        let first = vec![participant(&JANE, true, FULL_HISTORY, None)];
        t.membership(1_000, ChatMessageType::ParticipantAdded, &JANE, first);
        let later = vec![participant(&ALEX, true, &ts(5_000), None)];
        t.membership(9_000, ChatMessageType::ParticipantAdded, &JANE, later);
        let gone = vec![participant(&ALEX, true, &ts(5_000), None)];
        t.membership(20_000, ChatMessageType::ParticipantRemoved, &JANE, gone);
        let h = History::new(t.messages.iter(), &[], 0);
        assert_eq!(h.access(&JANE.raw_id()), Access::Member { from_ms: 0 });
        assert_eq!(
            h.access(&ALEX.raw_id()),
            Access::Removed {
                from_ms: 5_000,
                until_ms: 20_000
            }
        );
        assert_eq!(
            h.get(&ALEX.raw_id()).unwrap().removed.as_ref().unwrap().by,
            JANE.raw_id()
        );
        assert_eq!(h.access(&BOB.raw_id()), Access::Stranger);
        assert_eq!(h.members().collect::<Vec<_>>(), [JANE.raw_id()]);
    }
}
