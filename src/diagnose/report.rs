//! What a diagnosis says: identities, findings, and what one identity sees.
//!
//! Serialises to the contract's `{"threadId","threadKind","as","identities","findings"}`; the fields a
//! UI needs besides (which message added or removed someone, the hidden messages of the "as" identity)
//! are kept out of the JSON.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Map, Value};

/// What kind of thread this is, from its id and its participants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ThreadKind {
    /// An ACS thread (`19:acsV1_...`, `19:uni01_...`, `19:<id>@thread.v2`) with ACS participants only.
    Acs,
    /// A Teams meeting chat (`19:meeting_...@thread.v2`).
    TeamsMeeting,
    /// An ACS thread with Teams users or apps in it.
    TeamsInterop,
    /// An id of no known shape.
    Unknown,
}

impl ThreadKind {
    /// Whether Teams interop rules apply.
    pub fn is_teams(self) -> bool {
        matches!(self, Self::TeamsMeeting | Self::TeamsInterop)
    }
}

/// Where an identity stands in the thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MembershipStatus {
    Member,
    Removed,
    NeverMember,
}

/// The last message an identity read, from its read receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadUpTo {
    pub message_id: String,
    /// Absent when the message is not among the loaded ones.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sequence_id: Option<String>,
    pub read_on: String,
}

/// Everything known about one identity. Absent fields are unknown.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityReport {
    pub raw_id: String,
    /// `communicationUser`, `microsoftTeamsUser`, ... (inferred when the service leaves `kind` out).
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<MembershipStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub added_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub removed_by: Option<String>,
    /// `shareHistoryTime`: messages created before it are hidden from this identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shared_history_since: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_up_to: Option<ReadUpTo>,
    /// Messages from others after `readUpTo` that this identity can see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unread: Option<u64>,
    /// The `participantAdded` message that made it a member (last one), for jumping to it.
    #[serde(skip)]
    pub added_by_message: Option<String>,
    /// Who added it (the initiator of that message).
    #[serde(skip)]
    pub added_by: Option<String>,
    /// The `participantRemoved` message that removed it.
    #[serde(skip)]
    pub removed_by_message: Option<String>,
}

impl IdentityReport {
    pub fn new(raw_id: &str, kind: &str) -> Self {
        Self {
            raw_id: raw_id.to_string(),
            kind: kind.to_string(),
            display_name: None,
            status: None,
            added_on: None,
            removed_on: None,
            removed_by: None,
            shared_history_since: None,
            read_up_to: None,
            unread: None,
            added_by_message: None,
            added_by: None,
            removed_by_message: None,
        }
    }

    /// `Peter (8:acs:...)`, or the raw id alone when no name is known.
    pub fn label(&self) -> String {
        match &self.display_name {
            Some(name) => format!("{name} ({})", self.raw_id),
            None => self.raw_id.clone(),
        }
    }

    pub fn is_teams(&self) -> bool {
        matches!(
            self.kind.as_str(),
            "microsoftTeamsUser" | "microsoftTeamsApp"
        )
    }
}

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// Stable finding codes: a code keeps its meaning; new codes may be added.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum FindingCode {
    /// An identity was a participant and no longer is.
    RemovedParticipant,
    /// A participant's `shareHistoryTime` hides older messages from it.
    HistoryLimited,
    /// The "as" identity was never a participant.
    NotAMember,
    /// Whether the "as" identity ever was a participant cannot be told from the data.
    MembershipUnknown,
    /// Read receipts are not kept: more than 20 participants, or Teams users.
    ReceiptsUnsupported,
    /// Sequence ids missing between loaded messages.
    SequenceGap,
    /// The retention policy deletes the thread within 7 days.
    RetentionDeletesSoon,
    /// The thread has `deletedOn`.
    ThreadDeleted,
    /// Teams interop rules apply.
    TeamsInterop,
    /// Messages deleted (still listed, text blanked).
    DeletedMessages,
    /// Messages edited.
    EditedMessages,
    /// What the "as" identity sees of the loaded messages.
    Visibility,
    /// A part of the thread could not be fetched; what follows rests on the rest.
    DataUnavailable,
}

impl FindingCode {
    pub const ALL: [FindingCode; 13] = [
        Self::RemovedParticipant,
        Self::HistoryLimited,
        Self::NotAMember,
        Self::MembershipUnknown,
        Self::ReceiptsUnsupported,
        Self::SequenceGap,
        Self::RetentionDeletesSoon,
        Self::ThreadDeleted,
        Self::TeamsInterop,
        Self::DeletedMessages,
        Self::EditedMessages,
        Self::Visibility,
        Self::DataUnavailable,
    ];

    /// The code as the JSON writes it (`removedParticipant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::RemovedParticipant => "removedParticipant",
            Self::HistoryLimited => "historyLimited",
            Self::NotAMember => "notAMember",
            Self::MembershipUnknown => "membershipUnknown",
            Self::ReceiptsUnsupported => "receiptsUnsupported",
            Self::SequenceGap => "sequenceGap",
            Self::RetentionDeletesSoon => "retentionDeletesSoon",
            Self::ThreadDeleted => "threadDeleted",
            Self::TeamsInterop => "teamsInterop",
            Self::DeletedMessages => "deletedMessages",
            Self::EditedMessages => "editedMessages",
            Self::Visibility => "visibility",
            Self::DataUnavailable => "dataUnavailable",
        }
    }
}

/// What a finding rests on. `messageIds` and `rawIds` are where a UI jumps to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub message_ids: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub raw_ids: Vec<String>,
    /// The `MS-CV`s of the service answers the finding rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ms_cvs: Vec<String>,
    /// Finding-specific facts (dates, counts, rules).
    #[serde(flatten)]
    pub details: Map<String, Value>,
}

impl Evidence {
    pub fn detail(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.details.insert(key.to_string(), value.into());
        self
    }

    pub fn raw_id(mut self, raw_id: &str) -> Self {
        self.raw_ids.push(raw_id.to_string());
        self
    }

    pub fn message_id(mut self, id: Option<&str>) -> Self {
        self.message_ids.extend(id.map(str::to_string));
        self
    }

    pub fn ms_cvs(mut self, ms_cvs: &[String]) -> Self {
        for cv in ms_cvs {
            if !self.ms_cvs.contains(cv) {
                self.ms_cvs.push(cv.clone());
            }
        }
        self
    }
}

/// One thing a support engineer should know about the thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub code: FindingCode,
    pub severity: Severity,
    pub summary: String,
    pub evidence: Evidence,
}

/// Why a message is hidden from an identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HiddenReason {
    /// Created before the identity's `shareHistoryTime`.
    BeforeSharedHistory,
    /// Created while the identity was not a participant, after its removal.
    AfterRemoval,
    /// A Teams meeting chat: created before the ACS user joined.
    BeforeJoin,
    /// A Teams meeting chat the ACS user left: its whole history is gone for it.
    LeftMeeting,
    /// The identity never was a participant.
    NotAMember,
}

impl HiddenReason {
    /// Completes "3 hidden ...".
    pub fn describe(&self) -> &'static str {
        match self {
            Self::BeforeSharedHistory => "from before its shared history starts",
            Self::AfterRemoval => "from after its removal",
            Self::BeforeJoin => "from before it joined the meeting",
            Self::LeftMeeting => "as it left the meeting chat",
            Self::NotAMember => "as it is not a participant",
        }
    }
}

/// What one identity sees of the loaded messages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct View {
    pub raw_id: String,
    /// Loaded messages in sequence order with why each is hidden (`None`: visible).
    pub messages: Vec<(String, Option<HiddenReason>)>,
    /// The hidden ones by id, for a timeline that asks once per row it draws.
    hidden_by_id: HashMap<String, HiddenReason>,
}

impl View {
    pub fn new(raw_id: &str, messages: Vec<(String, Option<HiddenReason>)>) -> Self {
        let hidden_by_id = messages
            .iter()
            .filter_map(|(id, reason)| Some((id.clone(), reason.clone()?)))
            .collect();
        Self {
            raw_id: raw_id.to_string(),
            messages,
            hidden_by_id,
        }
    }

    /// Why `message_id` is hidden from this identity; `None` when it sees it (or it is not loaded).
    pub fn hidden_reason(&self, message_id: &str) -> Option<&HiddenReason> {
        self.hidden_by_id.get(message_id)
    }

    pub fn hidden(&self) -> impl Iterator<Item = (&str, &HiddenReason)> {
        self.messages
            .iter()
            .filter_map(|(id, reason)| reason.as_ref().map(|r| (id.as_str(), r)))
    }

    pub fn visible_count(&self) -> usize {
        self.messages.iter().filter(|(_, r)| r.is_none()).count()
    }
}

/// A read receipt as a timeline draws it: "Jane read up to here".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptLine {
    pub message_id: String,
    pub raw_id: String,
    pub label: String,
    pub read_on: String,
}

/// Where a participant's visible history starts, as a timeline draws it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryBoundary {
    pub raw_id: String,
    pub label: String,
    pub since: String,
    /// The first loaded message it can see (the line goes above it); `None` when it sees none.
    pub first_visible_message_id: Option<String>,
}

/// The whole diagnosis of one thread.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Diagnosis {
    pub thread_id: String,
    pub thread_kind: ThreadKind,
    #[serde(rename = "as", skip_serializing_if = "Option::is_none")]
    pub as_identity: Option<String>,
    pub identities: Vec<IdentityReport>,
    /// Most severe first.
    pub findings: Vec<Finding>,
    /// What the "as" identity sees (for dimming what it cannot).
    #[serde(skip)]
    pub view: Option<View>,
    /// Where each participant's visible history starts, when it does not start at the beginning.
    #[serde(skip)]
    pub history_boundaries: Vec<HistoryBoundary>,
}

impl Diagnosis {
    pub fn identity(&self, raw_id: &str) -> Option<&IdentityReport> {
        self.identities.iter().find(|i| i.raw_id == raw_id)
    }

    pub fn findings_with(&self, code: FindingCode) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }

    /// Every read receipt, keyed by the message it reads up to.
    pub fn receipt_lines(&self) -> Vec<ReceiptLine> {
        self.identities
            .iter()
            .filter_map(|i| {
                let read = i.read_up_to.as_ref()?;
                Some(ReceiptLine {
                    message_id: read.message_id.clone(),
                    raw_id: i.raw_id.clone(),
                    label: i.display_name.clone().unwrap_or_else(|| i.raw_id.clone()),
                    read_on: read.read_on.clone(),
                })
            })
            .collect()
    }

    /// Why the service refuses `raw_id` on this thread, as far as the data shows: for error hints.
    pub fn refusal_explanation(&self, raw_id: &str) -> String {
        let Some(identity) = self.identity(raw_id) else {
            return format!(
                "{raw_id} is not a current participant of this thread; the data at hand cannot tell whether it was removed or never added"
            );
        };
        let who = identity.label();
        match identity.status {
            Some(MembershipStatus::Removed) => removal_sentence(self, identity),
            Some(MembershipStatus::NeverMember) => {
                format!("{who} was never a participant of this thread")
            }
            Some(MembershipStatus::Member) => format!(
                "{who} is a participant of this thread as far as the data at hand shows; the token may lack the chat scope"
            ),
            None => format!(
                "{who} is not a current participant of this thread; the data at hand cannot tell whether it was removed or never added"
            ),
        }
    }

    /// A label for a raw id: its display name when known.
    pub fn label_of(&self, raw_id: &str) -> String {
        self.identity(raw_id)
            .map(IdentityReport::label)
            .unwrap_or_else(|| raw_id.to_string())
    }
}

/// "X was removed from this thread on T by Y" (or "left", or "no longer a participant").
pub fn removal_sentence(diagnosis: &Diagnosis, identity: &IdentityReport) -> String {
    let who = identity.label();
    let when = identity
        .removed_on
        .as_deref()
        .map(|t| format!(" on {t}"))
        .unwrap_or_default();
    match identity.removed_by.as_deref() {
        Some(by) if by == identity.raw_id => format!("{who} left this thread{when}"),
        Some(by) => format!(
            "{who} was removed from this thread{when} by {}",
            diagnosis.label_of(by)
        ),
        None if identity.removed_on.is_some() => {
            format!("{who} was removed from this thread{when}")
        }
        None => format!(
            "{who} is no longer a participant of this thread (the history at hand does not show when it was removed)"
        ),
    }
}
