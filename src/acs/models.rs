//! Read models of the ACS Chat data plane (api-version 2025-03-15 and older).
//!
//! Decoding is lenient on purpose: the real service omits fields the spec calls required, sends values
//! the spec does not list, and adds fields over time. Times and numeric ids stay the strings the service
//! sent (so exports show exactly what came back); typed views are methods. Unknown fields land in `extra`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::identifier::CommunicationIdentifierModel;
use super::lenient::deserialize_keeping_unknown;
use super::time::parse_service_time;

/// Metadata: free-form string pairs, kept in the order the service sent them.
pub type Metadata = serde_json::Map<String, Value>;

/// `GET /chat/threads/{id}`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatThreadProperties {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default)]
    pub created_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by_communication_identifier: Option<CommunicationIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_policy: Option<RetentionPolicy>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatThreadProperties {
    pub fn created(&self) -> Option<DateTime<Utc>> {
        parse_service_time(&self.created_on)
    }

    pub fn deleted(&self) -> Option<DateTime<Utc>> {
        self.deleted_on.as_deref().and_then(parse_service_time)
    }

    /// When the retention policy will delete this thread, if it has one that does.
    pub fn scheduled_deletion(&self) -> Option<DateTime<Utc>> {
        let days = self.retention_policy.as_ref()?.delete_after_days()?;
        Some(self.created()? + chrono::Duration::days(days))
    }
}

/// One item of `GET /chat/threads`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatThreadItem {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub topic: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_message_received_on: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ChatRetentionPolicy`, discriminated by `kind`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RetentionPolicy {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_thread_after_days: Option<i64>,
    /// 2023-07-01-preview's discriminator, before it was renamed `kind`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_type: Option<String>,
    /// 2023-07-01-preview's `deleteThreadAfterDays`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days_after_creation: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What a retention policy means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RetentionKind {
    /// `none`: the thread is kept until deleted.
    KeepUntilDeleted,
    /// `threadCreationDate`: deleted this many days after creation.
    ThreadCreationDate { delete_after_days: Option<i64> },
    /// A kind this tool does not know, shown as sent.
    Other(String),
}

impl RetentionPolicy {
    pub fn none() -> Self {
        Self {
            kind: "none".into(),
            ..Self::default()
        }
    }

    pub fn thread_creation_date(days: i64) -> Self {
        Self {
            kind: "threadCreationDate".into(),
            delete_thread_after_days: Some(days),
            ..Self::default()
        }
    }

    /// The discriminator: `kind`, or 2023-07-01-preview's `policyType`.
    pub fn kind(&self) -> &str {
        match self.kind.as_str() {
            "" => self.policy_type.as_deref().unwrap_or(""),
            kind => kind,
        }
    }

    pub fn meaning(&self) -> RetentionKind {
        match self.kind() {
            "none" => RetentionKind::KeepUntilDeleted,
            "threadCreationDate" => RetentionKind::ThreadCreationDate {
                delete_after_days: self.delete_thread_after_days.or(self.days_after_creation),
            },
            other => RetentionKind::Other(other.to_string()),
        }
    }

    fn delete_after_days(&self) -> Option<i64> {
        match self.meaning() {
            RetentionKind::ThreadCreationDate { delete_after_days } => delete_after_days,
            _ => None,
        }
    }
}

/// Declares an open string enum: known wire values get variants, anything else is kept in `Other`.
macro_rules! open_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        pub enum $name {
            $($variant,)+
            /// A value this tool does not know, as the service sent it.
            Other(String),
            #[default]
            #[doc(hidden)]
            Missing,
        }

        impl $name {
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)+
                    Self::Other(s) => s,
                    Self::Missing => "",
                }
            }

            pub fn from_wire(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)+
                    "" => Self::Missing,
                    other => Self::Other(other.to_string()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                Ok(Self::from_wire(&s))
            }
        }
    };
}

open_enum!(
    /// `ChatMessageType` (modelAsString: open).
    ChatMessageType {
        Text => "text",
        Html => "html",
        TopicUpdated => "topicUpdated",
        ParticipantAdded => "participantAdded",
        ParticipantRemoved => "participantRemoved",
        RichtextHtml => "richtext/html",
    }
);

impl ChatMessageType {
    /// HTML content: `html`, or `richtext/html` as early api-versions label messages sent from Teams
    /// ("messages from Teams can either be 'html' or 'richtext/html'": Azure/communication-ui-library #588).
    pub fn is_html(&self) -> bool {
        matches!(self, Self::Html | Self::RichtextHtml)
    }

    /// System events are written by the service, not by a participant.
    pub fn is_system(&self) -> bool {
        matches!(
            self,
            Self::TopicUpdated | Self::ParticipantAdded | Self::ParticipantRemoved
        )
    }
}

open_enum!(
    /// `ChatAttachmentType` (modelAsString: open).
    ChatAttachmentType {
        Image => "image",
        File => "file",
        TeamsInlineImage => "teamsInlineImage",
        TeamsFile => "teamsFile",
    }
);

impl ChatAttachmentType {
    /// `image`, or the 2023 previews' `teamsInlineImage` (and the JS SDK's `teamsImage`).
    pub fn is_image(&self) -> bool {
        matches!(self, Self::Image | Self::TeamsInlineImage) || self.as_str() == "teamsImage"
    }

    /// `file`, or the 2023-07-01-preview's `teamsFile`.
    pub fn is_file(&self) -> bool {
        matches!(self, Self::File | Self::TeamsFile)
    }
}

/// `GET /chat/threads/{id}/messages/{mid}` and items of the message list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessage {
    #[serde(default)]
    pub id: String,
    #[serde(default, rename = "type")]
    pub message_type: ChatMessageType,
    #[serde(default)]
    pub sequence_id: String,
    #[serde(default)]
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<ChatMessageContent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_display_name: Option<String>,
    #[serde(default)]
    pub created_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sender_communication_identifier: Option<CommunicationIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited_on: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatMessage {
    /// `sequenceId` as a number: the service sends it as a string and `"10"` sorts after `"9"`.
    pub fn sequence(&self) -> Option<u64> {
        self.sequence_id.trim().parse().ok()
    }

    pub fn created(&self) -> Option<DateTime<Utc>> {
        parse_service_time(&self.created_on)
    }

    pub fn edited(&self) -> Option<DateTime<Utc>> {
        self.edited_on.as_deref().and_then(parse_service_time)
    }

    pub fn deleted(&self) -> Option<DateTime<Utc>> {
        self.deleted_on.as_deref().and_then(parse_service_time)
    }

    pub fn is_deleted(&self) -> bool {
        self.deleted_on.is_some()
    }

    pub fn is_edited(&self) -> bool {
        self.edited_on.is_some()
    }

    /// The body text for text/html messages (raw, HTML not rendered).
    pub fn text(&self) -> &str {
        self.content
            .as_ref()
            .and_then(|c| c.message.as_deref())
            .unwrap_or("")
    }

    pub fn attachments(&self) -> &[ChatAttachment] {
        self.content
            .as_ref()
            .map(|c| c.attachments.as_slice())
            .unwrap_or(&[])
    }

    /// Display name, or `None` when absent or empty (real traffic often sends `""`).
    pub fn sender_name(&self) -> Option<&str> {
        self.sender_display_name
            .as_deref()
            .filter(|n| !n.trim().is_empty())
    }

    /// The sender's raw id; for system events the initiator's.
    pub fn sender_raw_id(&self) -> Option<String> {
        self.sender_communication_identifier
            .as_ref()
            .or_else(|| {
                self.content
                    .as_ref()?
                    .initiator_communication_identifier
                    .as_ref()
            })
            .map(CommunicationIdentifierModel::raw_id)
    }
}

/// `ChatMessageContent`: which fields are set depends on the message type.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessageContent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topic: Option<String>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub participants: Vec<ChatParticipant>,
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "null_as_empty"
    )]
    pub attachments: Vec<ChatAttachment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub initiator_communication_identifier: Option<CommunicationIdentifierModel>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ChatAttachment`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatAttachment {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub attachment_type: ChatAttachmentType,
    /// The file extension (`png`): api-versions 2023-11-07 and 2023-11-15-preview only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    /// The 2023-04-01-preview and 2023-07-01-preview name of the extension (`png`, `pdf`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview_url: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ChatParticipant`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatParticipant {
    #[serde(default)]
    pub communication_identifier: CommunicationIdentifierModel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_history_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatParticipant {
    pub fn share_history(&self) -> Option<DateTime<Utc>> {
        self.share_history_time
            .as_deref()
            .and_then(parse_service_time)
    }

    /// `1970-01-01T00:00:00Z` is the service's sentinel for "the whole history is shared".
    pub fn shares_full_history(&self) -> bool {
        self.share_history().is_some_and(|t| t.timestamp() == 0)
    }
}

/// `ChatMessageReadReceipt`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChatMessageReadReceipt {
    #[serde(default)]
    pub sender_communication_identifier: CommunicationIdentifierModel,
    #[serde(default)]
    pub chat_message_id: String,
    #[serde(default)]
    pub read_on: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChatMessageReadReceipt {
    pub fn read(&self) -> Option<DateTime<Utc>> {
        parse_service_time(&self.read_on)
    }
}

/// One page of a pageable list: `{"value": [...], "nextLink": "..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_as_empty")]
    pub value: Vec<T>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            value: Vec::new(),
            next_link: None,
        }
    }
}

/// Metadata as sorted display pairs; non-string values (never sent today) are shown as JSON.
pub fn metadata_pairs(metadata: Option<&Metadata>) -> BTreeMap<String, String> {
    metadata
        .into_iter()
        .flatten()
        .map(|(k, v)| {
            let shown = v
                .as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string());
            (k.clone(), shown)
        })
        .collect()
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

deserialize_keeping_unknown!(ChatThreadProperties {
    "id" => id: value,
    "topic" => topic: value,
    "createdOn" => created_on: value,
    "createdByCommunicationIdentifier" => created_by_communication_identifier: value,
    "deletedOn" => deleted_on: value,
    "metadata" => metadata: value,
    "retentionPolicy" => retention_policy: value,
});
deserialize_keeping_unknown!(ChatThreadItem {
    "id" => id: value,
    "topic" => topic: value,
    "deletedOn" => deleted_on: value,
    "lastMessageReceivedOn" => last_message_received_on: value,
});
deserialize_keeping_unknown!(RetentionPolicy {
    "kind" => kind: value,
    "deleteThreadAfterDays" => delete_thread_after_days: value,
    "policyType" => policy_type: value,
    "daysAfterCreation" => days_after_creation: value,
});
deserialize_keeping_unknown!(ChatMessage {
    "id" => id: value,
    "type" => message_type: value,
    "sequenceId" => sequence_id: value,
    "version" => version: value,
    "content" => content: value,
    "senderDisplayName" => sender_display_name: value,
    "createdOn" => created_on: value,
    "senderCommunicationIdentifier" => sender_communication_identifier: value,
    "deletedOn" => deleted_on: value,
    "editedOn" => edited_on: value,
    "metadata" => metadata: value,
});
deserialize_keeping_unknown!(ChatMessageContent {
    "message" => message: value,
    "topic" => topic: value,
    "participants" => participants: list,
    "attachments" => attachments: list,
    "initiatorCommunicationIdentifier" => initiator_communication_identifier: value,
});
deserialize_keeping_unknown!(ChatAttachment {
    "id" => id: value,
    "attachmentType" => attachment_type: value,
    "extension" => extension: value,
    "contentType" => content_type: value,
    "name" => name: value,
    "url" => url: value,
    "previewUrl" => preview_url: value,
});
deserialize_keeping_unknown!(ChatParticipant {
    "communicationIdentifier" => communication_identifier: value,
    "displayName" => display_name: value,
    "shareHistoryTime" => share_history_time: value,
    "metadata" => metadata: value,
});
deserialize_keeping_unknown!(ChatMessageReadReceipt {
    "senderCommunicationIdentifier" => sender_communication_identifier: value,
    "chatMessageId" => chat_message_id: value,
    "readOn" => read_on: value,
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_message_type_is_kept_not_rejected() {
        let m: ChatMessage =
            serde_json::from_str(r#"{"id":"1","type":"poll","sequenceId":"12"}"#).unwrap();
        assert_eq!(m.message_type, ChatMessageType::Other("poll".into()));
        assert_eq!(serde_json::to_value(&m).unwrap()["type"], "poll");
        assert_eq!(m.sequence(), Some(12));
    }

    #[test]
    fn retention_deletion_date_is_creation_plus_days() {
        let t: ChatThreadProperties = serde_json::from_str(
            r#"{"id":"19:a@thread.v2","topic":"x","createdOn":"2024-01-01T00:00:00Z",
                "retentionPolicy":{"kind":"threadCreationDate","deleteThreadAfterDays":30}}"#,
        )
        .unwrap();
        assert_eq!(
            t.scheduled_deletion().unwrap().to_rfc3339(),
            "2024-01-31T00:00:00+00:00"
        );
    }

    #[test]
    fn the_2023_preview_retention_shape_means_the_same() {
        let p: RetentionPolicy =
            serde_json::from_str(r#"{"policyType":"threadCreationDate","daysAfterCreation":90}"#)
                .unwrap();
        assert_eq!(
            p.meaning(),
            RetentionKind::ThreadCreationDate {
                delete_after_days: Some(90)
            }
        );
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"policyType":"threadCreationDate","daysAfterCreation":90}"#
        );
    }

    #[test]
    fn none_policy_never_deletes() {
        let t = ChatThreadProperties {
            created_on: "2024-01-01T00:00:00Z".into(),
            retention_policy: Some(RetentionPolicy::none()),
            ..Default::default()
        };
        assert_eq!(t.scheduled_deletion(), None);
        assert_eq!(
            t.retention_policy.unwrap().meaning(),
            RetentionKind::KeepUntilDeleted
        );
    }

    #[test]
    fn null_lists_decode_as_empty() {
        let p: Page<ChatMessage> = serde_json::from_str(r#"{"value":null}"#).unwrap();
        assert!(p.value.is_empty());
        let c: ChatMessageContent = serde_json::from_str(r#"{"attachments":null}"#).unwrap();
        assert!(c.attachments.is_empty());
    }
}
