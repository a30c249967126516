//! Diagnosis: who sees what in a thread, and why. Pure functions over what the service returned (the
//! thread, its messages with the system messages, participants or the 403 that refused them, read
//! receipts), the identity asked about and a clock; no I/O.
//!
//! The rules it applies are the service's documented behaviour:
//! - Removed users "are able to view previous message history but can't send or receive new messages"
//!   (MicrosoftDocs/azure-docs `articles/communication-services/concepts/chat/concepts.md`, "Chat Data").
//!   `GET /chat/threads` keeps listing a thread the user left, "by design"; the participants list is
//!   what answers 403 for them (Azure/Communication#345; Azure/azure-sdk-for-net#35801, #36436).
//! - `shareHistoryTime` is the time from which the history is shared with a participant;
//!   `1970-01-01T00:00:00Z` shares it all (real-payloads.md §4, §8.8).
//! - Read receipts and typing indicators are not supported in threads of more than 20 participants
//!   (concepts.md "Service limits"; `concepts/service-limits.md`); the receipts list then stays empty
//!   (Azure/azure-sdk-for-net#31413, Azure/communication-ui-library#2364). In Teams interop, "read
//!   receipts aren't supported for Teams users" (concepts.md "Service limits").
//! - Teams meeting chats (`19:meeting_...@thread.v2`): an ACS user "will not have access to chat messages
//!   that were sent before they joined" (`quickstarts/chat/includes/meeting-interop-javascript.md`), and
//!   once they leave "they can no longer send or receive new chat messages and no longer have access to
//!   messages sent and received during the meeting" (`concepts/interop/guest/capabilities.md`): the
//!   message list then answers 403 (Azure/communication-ui-library#2777); loading earlier messages "is
//!   limited in TeamsInterop scenarios" (Azure/communication-ui-library#2760).
//! - Deleted threads cannot be retrieved, and a retention policy deletes a thread 30 to 90 days after
//!   its creation (concepts.md "Chat Data").

mod data;
mod findings;
mod membership;
mod report;
#[cfg(test)]
mod tests;
mod visibility;

use chrono::{DateTime, Utc};

use crate::acs::time::parse_service_time;
use crate::acs::{ChatMessage, ChatParticipant};
pub use data::{Outcome, Part, PartError, ThreadData};
pub use report::{
    Diagnosis, Evidence, Finding, FindingCode, HiddenReason, HistoryBoundary, IdentityReport,
    MembershipStatus, ReadUpTo, ReceiptLine, Severity, ThreadKind, View, removal_sentence,
};

/// What to diagnose for.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// The identity whose view is asked about ("what does X see"); usually the token's.
    pub as_identity: Option<String>,
    /// The clock, for "deletes within 7 days".
    pub now: DateTime<Utc>,
}

/// Diagnoses one thread.
pub fn diagnose(data: &ThreadData, options: &Options) -> Diagnosis {
    let timeline = Timeline::new(&data.messages.value);
    let mut ctx = Context {
        data,
        timeline,
        kind: ThreadKind::Unknown,
        options,
    };
    let (mut identities, seen_in_data) = membership::collect(&ctx);
    ctx.kind = thread_kind(&data.thread_id, &identities[..seen_in_data]);
    membership::fill_membership(&ctx, &mut identities);
    membership::fill_receipts(&ctx, &mut identities);
    let view = options
        .as_identity
        .as_deref()
        .and_then(|raw| identities.iter().find(|i| i.raw_id == raw))
        .map(|report| visibility::view(&ctx, report));
    let history_boundaries = visibility::boundaries(&ctx, &identities);
    let mut diagnosis = Diagnosis {
        thread_id: data.thread_id.clone(),
        thread_kind: ctx.kind,
        as_identity: options.as_identity.clone(),
        identities,
        findings: Vec::new(),
        view,
        history_boundaries,
    };
    diagnosis.findings = findings::all(&ctx, &diagnosis);
    // Most severe first; equal ones keep the order they were found in.
    diagnosis
        .findings
        .sort_by_key(|f| std::cmp::Reverse(f.severity));
    diagnosis
}

/// The thread's kind: the id's shape first (`19:meeting_` is a Teams meeting chat), then its
/// participants (a Teams user or app among `identities` makes an ACS thread a Teams interop one). ACS ids are
/// `19:acsV1_...@thread.v2`, `19:uni01_...@thread.v2` or older `19:<id>@thread.v2` (acs-chat-api.md §8.3).
pub fn thread_kind(thread_id: &str, identities: &[IdentityReport]) -> ThreadKind {
    let id = thread_id.trim();
    if id.starts_with("19:meeting_") {
        ThreadKind::TeamsMeeting
    } else if !(id.starts_with("19:") && id.ends_with("@thread.v2")) {
        ThreadKind::Unknown
    } else if identities.iter().any(IdentityReport::is_teams) {
        ThreadKind::TeamsInterop
    } else {
        ThreadKind::Acs
    }
}

/// Everything the parts of a diagnosis share.
pub(crate) struct Context<'a> {
    pub data: &'a ThreadData,
    pub timeline: Timeline<'a>,
    pub kind: ThreadKind,
    pub options: &'a Options,
}

impl Context<'_> {
    /// Whether the loaded history starts at the thread's creation (its first message is sequence 1),
    /// so that never appearing in it means never having been added.
    pub fn history_complete(&self) -> bool {
        self.data.messages.is_complete()
            && self.timeline.entries.first().and_then(|e| e.sequence) == Some(1)
    }

    pub fn is_as(&self, raw_id: &str) -> bool {
        self.options.as_identity.as_deref() == Some(raw_id)
    }
}

/// One loaded message with its numbers parsed.
pub(crate) struct Entry<'a> {
    pub message: &'a ChatMessage,
    pub sequence: Option<u64>,
    pub created: Option<DateTime<Utc>>,
}

impl Entry<'_> {
    pub fn id(&self) -> &str {
        &self.message.id
    }

    /// A message a participant wrote (not a system event).
    pub fn is_user_message(&self) -> bool {
        !self.message.message_type.is_system()
    }

    pub fn sender(&self) -> Option<String> {
        self.message
            .sender_communication_identifier
            .as_ref()
            .map(|id| id.raw_id())
    }

    /// The participants a `participantAdded` / `participantRemoved` message names.
    pub fn named_participants(&self) -> &[ChatParticipant] {
        self.message
            .content
            .as_ref()
            .map(|c| c.participants.as_slice())
            .unwrap_or(&[])
    }
}

/// The loaded messages in sequence order (the service lists newest first; `sequenceId` is a string
/// that sorts numerically, acs-chat-api.md §8.4).
pub(crate) struct Timeline<'a> {
    pub entries: Vec<Entry<'a>>,
}

impl<'a> Timeline<'a> {
    fn new(messages: &'a [ChatMessage]) -> Self {
        let mut entries: Vec<Entry<'a>> = messages
            .iter()
            .map(|message| Entry {
                message,
                sequence: message.sequence(),
                created: message.created(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (a.sequence, a.created, &a.message.id).cmp(&(b.sequence, b.created, &b.message.id))
        });
        Self { entries }
    }

    pub fn position(&self, message_id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.id() == message_id)
    }
}

/// A service time, parsed; `None` for absent or unparseable ones.
pub(crate) fn time(s: Option<&str>) -> Option<DateTime<Utc>> {
    s.and_then(parse_service_time)
}
