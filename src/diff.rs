//! What changed between two bundles of one thread: pure functions over [`OpenedBundle`]s.
//!
//! Messages are matched by id. A message in both whose `version` changed is `deleted` when the newer
//! one has `deletedOn` and the older one had not, else `edited` (the service bumps `version` on every
//! edit and delete; real traffic: version = epoch ms of the last change). Participants are matched by
//! raw id, read receipts by the reader's raw id. Thread fields are compared one by one, metadata key
//! by key (`metadata.KEY`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{Map, Value};

use crate::bundle::OpenedBundle;
use crate::export::BundlePart;

/// How one message changed, for marking a timeline row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum MessageChange {
    Added,
    Removed,
    Edited,
    Deleted,
}

/// Thread fields that changed: `FIELD -> [old, new]` (`null` when absent).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ThreadDiff {
    pub changed: BTreeMap<String, [Value; 2]>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct MessagesDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub edited: Vec<String>,
    pub deleted: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParticipantsDiff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    /// In both, with another display name, metadata or shareHistoryTime.
    pub changed: Vec<String>,
}

/// A reader's receipt that moved: from one message to another (`null`: none).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReceiptMove {
    pub raw_id: String,
    pub from: Option<String>,
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ReceiptsDiff {
    /// Raw ids of readers whose receipt changed.
    pub changed: Vec<String>,
    pub moved: Vec<ReceiptMove>,
}

/// The contract's `diff` document. Lists are sorted: message ids by number, raw ids as text.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleDiff {
    pub thread: ThreadDiff,
    pub messages: MessagesDiff,
    pub participants: ParticipantsDiff,
    pub read_receipts: ReceiptsDiff,
    /// Parts one of the bundles could not fetch whole: not compared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub incomplete: Vec<&'static str>,
}

impl BundleDiff {
    /// True when the two bundles hold the same thread state.
    pub fn is_empty(&self) -> bool {
        self.thread.changed.is_empty()
            && self.messages == MessagesDiff::default()
            && self.participants == ParticipantsDiff::default()
            && self.read_receipts.changed.is_empty()
    }

    /// How a message changed, by id: what a timeline row is marked with.
    pub fn message_change(&self, id: &str) -> Option<MessageChange> {
        let m = &self.messages;
        let has = |list: &[String]| list.iter().any(|x| x == id);
        [
            (&m.added, MessageChange::Added),
            (&m.removed, MessageChange::Removed),
            (&m.edited, MessageChange::Edited),
            (&m.deleted, MessageChange::Deleted),
        ]
        .into_iter()
        .find(|(list, _)| has(list))
        .map(|(_, change)| change)
    }

    /// Every changed message by id.
    pub fn message_changes(&self) -> BTreeMap<String, MessageChange> {
        let m = &self.messages;
        [
            (&m.added, MessageChange::Added),
            (&m.removed, MessageChange::Removed),
            (&m.edited, MessageChange::Edited),
            (&m.deleted, MessageChange::Deleted),
        ]
        .into_iter()
        .flat_map(|(ids, change)| ids.iter().map(move |id| (id.clone(), change)))
        .collect()
    }
}

/// Why two bundles cannot be compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifferentThreads {
    pub a: String,
    pub b: String,
}

impl std::fmt::Display for DifferentThreads {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the bundles are of different threads ({} and {}): diff compares two bundles of one thread",
            self.a, self.b
        )
    }
}

/// Compares `a` (older) with `b` (newer). Parts listed under either bundle's `errors` are skipped.
pub fn diff(a: &OpenedBundle, b: &OpenedBundle) -> Result<BundleDiff, DifferentThreads> {
    if a.thread_id() != b.thread_id() {
        return Err(DifferentThreads {
            a: a.thread_id().to_string(),
            b: b.thread_id().to_string(),
        });
    }
    let skip = |part: BundlePart| a.is_incomplete(part) || b.is_incomplete(part);
    let mut out = BundleDiff {
        thread: diff_thread(&a.raw.thread, &b.raw.thread),
        ..BundleDiff::default()
    };
    for part in [
        BundlePart::Messages,
        BundlePart::Participants,
        BundlePart::ReadReceipts,
    ] {
        if skip(part) {
            out.incomplete.push(part.field());
            continue;
        }
        match part {
            BundlePart::Messages => out.messages = diff_messages(&a.raw.messages, &b.raw.messages),
            BundlePart::Participants => {
                out.participants = diff_participants(&a.raw.participants, &b.raw.participants)
            }
            _ => out.read_receipts = diff_receipts(&a.raw.read_receipts, &b.raw.read_receipts),
        }
    }
    Ok(out)
}

/// Field by field; `metadata` key by key.
pub fn diff_thread(a: &Value, b: &Value) -> ThreadDiff {
    let (fa, fb) = (thread_fields(a), thread_fields(b));
    let keys: BTreeSet<&String> = fa.keys().chain(fb.keys()).collect();
    let changed = keys
        .into_iter()
        .filter_map(|k| {
            let (old, new) = (field(&fa, k), field(&fb, k));
            (old != new).then(|| (k.clone(), [old, new]))
        })
        .collect();
    ThreadDiff { changed }
}

fn field(fields: &Map<String, Value>, key: &str) -> Value {
    fields.get(key).cloned().unwrap_or(Value::Null)
}

fn thread_fields(thread: &Value) -> Map<String, Value> {
    let mut fields = Map::new();
    for (key, value) in thread.as_object().into_iter().flatten() {
        match (key.as_str(), value) {
            ("metadata", Value::Object(meta)) => {
                for (k, v) in meta {
                    fields.insert(format!("metadata.{k}"), v.clone());
                }
            }
            _ => {
                fields.insert(key.clone(), value.clone());
            }
        }
    }
    fields
}

pub fn diff_messages(a: &[Value], b: &[Value]) -> MessagesDiff {
    let (old, new) = (by_key(a, message_id), by_key(b, message_id));
    let mut out = MessagesDiff {
        added: sorted_ids(new.keys().filter(|id| !old.contains_key(*id))),
        removed: sorted_ids(old.keys().filter(|id| !new.contains_key(*id))),
        ..MessagesDiff::default()
    };
    let mut edited = Vec::new();
    let mut deleted = Vec::new();
    for (id, before) in &old {
        let Some(after) = new.get(id) else { continue };
        if before == after {
            continue;
        }
        let was_deleted = has_value(before, "deletedOn");
        if has_value(after, "deletedOn") && !was_deleted {
            deleted.push(id);
        } else if before.get("version") != after.get("version") || before != after {
            edited.push(id);
        }
    }
    out.edited = sorted_ids(edited.into_iter());
    out.deleted = sorted_ids(deleted.into_iter());
    out
}

pub fn diff_participants(a: &[Value], b: &[Value]) -> ParticipantsDiff {
    let key = |p: &Value| raw_id(p.get("communicationIdentifier"));
    let (old, new) = (by_key(a, key), by_key(b, key));
    ParticipantsDiff {
        added: sorted(new.keys().filter(|k| !old.contains_key(*k))),
        removed: sorted(old.keys().filter(|k| !new.contains_key(*k))),
        changed: sorted(
            old.iter()
                .filter_map(|(k, before)| new.get(k).filter(|after| *after != before).map(|_| k)),
        ),
    }
}

pub fn diff_receipts(a: &[Value], b: &[Value]) -> ReceiptsDiff {
    let key = |r: &Value| raw_id(r.get("senderCommunicationIdentifier"));
    let (old, new) = (by_key(a, key), by_key(b, key));
    let readers: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let message = |r: Option<&&Value>| {
        r.and_then(|r| r.get("chatMessageId"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let mut out = ReceiptsDiff::default();
    for reader in readers {
        let (before, after) = (old.get(reader), new.get(reader));
        if before == after {
            continue;
        }
        out.changed.push(reader.clone());
        let (from, to) = (message(before), message(after));
        if from != to {
            out.moved.push(ReceiptMove {
                raw_id: reader.clone(),
                from,
                to,
            });
        }
    }
    out
}

/// Items by key; an item without one keys as its whole JSON text (so it still compares).
fn by_key(items: &[Value], key: impl Fn(&Value) -> Option<String>) -> BTreeMap<String, &Value> {
    items
        .iter()
        .map(|item| (key(item).unwrap_or_else(|| item.to_string()), item))
        .collect()
}

fn message_id(m: &Value) -> Option<String> {
    m.get("id").and_then(Value::as_str).map(str::to_string)
}

/// `rawId`, or the communication user's id where an old payload has no `rawId`.
fn raw_id(identifier: Option<&Value>) -> Option<String> {
    let identifier = identifier?;
    identifier
        .get("rawId")
        .or_else(|| identifier.pointer("/communicationUser/id"))
        .and_then(Value::as_str)
        .map(str::to_string)
}

fn has_value(item: &Value, field: &str) -> bool {
    item.get(field).is_some_and(|v| !v.is_null())
}

/// Message ids in timeline order: numerically (they are epoch ms), then as text.
fn sorted_ids<'a>(ids: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut ids: Vec<String> = ids.cloned().collect();
    ids.sort_by_key(|id| (id.parse::<u64>().unwrap_or(u64::MAX), id.clone()));
    ids
}

fn sorted<'a>(keys: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut keys: Vec<String> = keys.cloned().collect();
    keys.sort();
    keys
}

#[cfg(test)]
mod tests;
