//! Each thread of the user with its membership, deletion, retention deletion date and last message.
//!
//! Per thread, two requests at once: `GET /chat/threads/{id}` (deletion and the retention policy,
//! which the thread list does not carry) and the first participant (`maxPageSize=1`). How the service
//! shows membership:
//! - A user who left or was removed still finds the thread in `GET /chat/threads`, "by design, since
//!   users still have access to" its history, and "if it errors out with a 403 then we know the user
//!   isn't a participant anymore" (Azure/Communication#345; also Azure/azure-sdk-for-net#36436):
//!   participants 200 is `active`, 403 is `left`.
//! - A deleted thread keeps `deletedOn` in the list and its properties, but "The `ListMessages` API
//!   can't return the history of a thread if the thread is deleted" (azure-docs
//!   concepts/chat/concepts.md) and its roster answers 404: membership cannot be told then.
//! - `retentionPolicy` `threadCreationDate` deletes the thread `deleteThreadAfterDays` after
//!   `createdOn` (acs-chat-api.md, ChatRetentionPolicy).
//!
//! In the JSON a key that is absent means unknown (that answer was refused), `null` means none.

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use futures::{Stream, StreamExt};
use serde::Serialize;
use serde_json::Value;

use super::{ListedThread, service_status};
use crate::acs::{AcsError, ChatClient, ChatThreadProperties, ListOptions};

/// A retention deletion this close counts as "deleting soon" (as the diagnosis warns).
pub const DELETING_SOON_DAYS: i64 = 7;

/// The user's standing in a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Membership {
    /// The participants list answers: a current participant.
    Active,
    /// Listed, but the participants list answers 403: left or removed.
    Left,
}

/// What the audit found about one thread. `None` is unknown; `Some(None)` is known to be none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub membership: Option<Membership>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_on: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retention_deletes_on: Option<Option<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_message_on: Option<Option<String>>,
}

impl Audit {
    pub fn is_deleted(&self) -> bool {
        matches!(self.deleted_on, Some(Some(_)))
    }

    /// When retention deletes the thread, if it will.
    pub fn retention_deletes(&self) -> Option<DateTime<Utc>> {
        let at = self.retention_deletes_on.as_ref()?.as_deref()?;
        crate::acs::time::parse_service_time(at)
    }

    /// Not deleted yet, and due for deletion by retention within [`DELETING_SOON_DAYS`] of `now`
    /// (or overdue).
    pub fn deleting_soon(&self, now: DateTime<Utc>) -> bool {
        !self.is_deleted()
            && self
                .retention_deletes()
                .is_some_and(|at| at <= now + Duration::days(DELETING_SOON_DAYS))
    }
}

/// A thread of the list with its audit.
#[derive(Debug, Clone)]
pub struct AuditedThread {
    pub thread: ListedThread,
    pub audit: Audit,
}

impl AuditedThread {
    /// The list item as the service sent it, with `"audit"` added.
    pub fn to_json(&self) -> Value {
        let mut item = self.thread.raw.clone();
        let audit = serde_json::to_value(&self.audit).unwrap_or(Value::Null);
        item.insert("audit".into(), audit);
        Value::Object(item)
    }
}

/// Audits `threads` (usually [`super::listed_threads`]), `at_once` at a time, in their order. A
/// thread that fails (other than 403 and 404) is an error item; a failed thread list page ends it.
pub fn audit(
    client: &ChatClient,
    threads: impl Stream<Item = Result<ListedThread, AcsError>>,
    at_once: usize,
) -> impl Stream<Item = Result<AuditedThread, AcsError>> {
    let client = client.clone();
    threads
        .map(move |listed| {
            let client = client.clone();
            async move { audit_thread(&client, listed?).await }
        })
        .buffered(at_once.max(1))
}

/// The two requests of one thread, at once; 403 and 404 are answers, other failures errors.
pub async fn audit_thread(
    client: &ChatClient,
    thread: ListedThread,
) -> Result<AuditedThread, AcsError> {
    let roster = ListOptions {
        max_page_size: Some(1),
        ..ListOptions::default()
    };
    let mut participants = client.list_participants_as::<Value>(thread.id(), &roster)?;
    let (properties, first) =
        futures::join!(client.get_thread(thread.id()), participants.next_page());
    let properties = refused_as_none(properties.map(|f| f.value))?;
    let membership = match first {
        None | Some(Ok(_)) => Some(Membership::Active),
        Some(Err(e)) => match service_status(&e) {
            Some(403) => Some(Membership::Left),
            Some(404) => None,
            _ => return Err(e),
        },
    };
    let audit = audit_of(&thread, properties.as_ref(), membership);
    Ok(AuditedThread { thread, audit })
}

fn audit_of(
    thread: &ListedThread,
    properties: Option<&ChatThreadProperties>,
    membership: Option<Membership>,
) -> Audit {
    let listed_deletion = thread.item.deleted_on.clone();
    let rfc3339 = |t: DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Secs, true);
    Audit {
        membership,
        deleted_on: Some(
            properties
                .and_then(|p| p.deleted_on.clone())
                .or(listed_deletion),
        ),
        retention_deletes_on: properties.map(|p| p.scheduled_deletion().map(rfc3339)),
        last_message_on: Some(thread.item.last_message_received_on.clone()),
    }
}

/// A 403 or 404 answer as "not known"; other errors stay errors.
fn refused_as_none<T>(result: Result<T, AcsError>) -> Result<Option<T>, AcsError> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(e) if matches!(service_status(&e), Some(403 | 404)) => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acs::{ChatThreadItem, RetentionPolicy};

    fn listed(deleted_on: Option<&str>) -> ListedThread {
        let item = ChatThreadItem {
            id: "19:a@thread.v2".into(),
            topic: "t".into(),
            deleted_on: deleted_on.map(str::to_string),
            last_message_received_on: Some("2026-11-20T10:00:00Z".into()),
            ..Default::default()
        };
        let raw = serde_json::to_value(&item).unwrap();
        ListedThread {
            raw: raw.as_object().unwrap().clone(),
            item,
        }
    }

    #[test]
    fn retention_date_is_creation_plus_days_and_absent_when_unknown() {
        let properties = ChatThreadProperties {
            created_on: "2026-11-01T09:00:00Z".into(),
            retention_policy: Some(RetentionPolicy::thread_creation_date(30)),
            ..Default::default()
        };
        let audit = audit_of(&listed(None), Some(&properties), Some(Membership::Active));
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"membership": "active", "deletedOn": null,
                "retentionDeletesOn": "2026-12-01T09:00:00Z", "lastMessageOn": "2026-11-20T10:00:00Z"})
        );
        let now = DateTime::parse_from_rfc3339("2026-11-25T00:00:00Z")
            .unwrap()
            .to_utc();
        assert!(audit.deleting_soon(now));
        assert!(!audit.deleting_soon(now - Duration::days(2)));

        let unknown = audit_of(&listed(Some("2026-11-21T00:00:00Z")), None, None);
        let json = serde_json::to_value(&unknown).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"deletedOn": "2026-11-21T00:00:00Z", "lastMessageOn": "2026-11-20T10:00:00Z"})
        );
        assert!(unknown.is_deleted() && !unknown.deleting_soon(now));
    }

    #[test]
    fn the_audit_is_added_to_the_item_as_sent() {
        let mut thread = listed(None);
        thread.raw.insert("futureField".into(), Value::from(1));
        let audited = AuditedThread {
            thread,
            audit: Audit::default(),
        };
        let json = audited.to_json();
        let keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        assert_eq!(
            keys,
            [
                "id",
                "topic",
                "lastMessageReceivedOn",
                "futureField",
                "audit"
            ]
        );
    }
}
