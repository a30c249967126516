//! How a model looks in a given api-version.
//!
//! - `kind` on identifiers: added for 2024-03-15-preview and 2025-03-15, the versions whose spec says it
//!   is required in responses; older versions get none, as every real recording shows. An identifier
//!   that already has a `kind` (the `unknown` fault's) keeps it in every version.
//! - Thread and participant `metadata` and `retentionPolicy`: only in 2024-03-15-preview and 2025-03-15,
//!   where they were introduced.
//! - Preview versions add `"attachments": []` to text and html messages, as the service does.

use serde::Serialize;
use serde_json::{Map, Value};

/// The shape rules of one api-version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// `kind`, thread/participant metadata and retention policies.
    pub modern: bool,
    /// `attachments: []` on every text message.
    pub preview: bool,
}

impl Shape {
    pub fn for_version(api_version: &str) -> Self {
        Self {
            modern: matches!(api_version, "2024-03-15-preview" | "2025-03-15"),
            preview: api_version.contains("preview"),
        }
    }

    pub fn thread<T: Serialize>(&self, thread: &T) -> Value {
        let mut v = self.base(thread);
        if !self.modern {
            strip(&mut v, &["metadata", "retentionPolicy"]);
        }
        v
    }

    pub fn participant<T: Serialize>(&self, participant: &T) -> Value {
        let mut v = self.base(participant);
        if !self.modern {
            strip(&mut v, &["metadata"]);
        }
        v
    }

    pub fn message<T: Serialize>(&self, message: &T) -> Value {
        let mut v = self.base(message);
        let is_text = matches!(v.get("type").and_then(Value::as_str), Some("text" | "html"));
        let content = v.get_mut("content").and_then(Value::as_object_mut);
        if let (true, Some(content)) = (self.preview && is_text, content) {
            content
                .entry("attachments")
                .or_insert_with(|| Value::Array(Vec::new()));
        }
        v
    }

    /// Read receipts and thread list items: only identifier kinds change.
    pub fn plain<T: Serialize>(&self, item: &T) -> Value {
        self.base(item)
    }

    fn base<T: Serialize>(&self, item: &T) -> Value {
        let mut v = serde_json::to_value(item).unwrap_or(Value::Null);
        if self.modern {
            add_kinds(&mut v);
        }
        v
    }
}

fn strip(v: &mut Value, keys: &[&str]) {
    if let Some(obj) = v.as_object_mut() {
        for key in keys {
            obj.remove(*key);
        }
    }
}

/// Identifiers are the values of keys ending in `ommunicationIdentifier`.
fn add_kinds(v: &mut Value) {
    match v {
        Value::Object(obj) => {
            for (key, child) in obj.iter_mut() {
                if key.ends_with("ommunicationIdentifier") {
                    with_kind(child);
                }
                add_kinds(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(add_kinds),
        _ => {}
    }
}

fn with_kind(identifier: &mut Value) {
    let Some(obj) = identifier.as_object() else {
        return;
    };
    if obj.contains_key("kind") {
        return;
    }
    const KINDS: [&str; 5] = [
        "communicationUser",
        "phoneNumber",
        "microsoftTeamsUser",
        "microsoftTeamsApp",
        "teamsExtensionUser",
    ];
    let kind = KINDS
        .iter()
        .find(|k| obj.contains_key(**k))
        .copied()
        .unwrap_or("unknown");
    let mut ordered = Map::new();
    ordered.insert("kind".into(), Value::String(kind.into()));
    ordered.extend(obj.clone());
    *identifier = Value::Object(ordered);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kind_is_added_only_for_modern_versions() {
        let m = json!({"type": "text", "content": {"message": "x"},
            "senderCommunicationIdentifier": {"rawId": "8:acs:a_b", "communicationUser": {"id": "8:acs:a_b"}}});
        let modern = Shape::for_version("2025-03-15").message(&m);
        assert_eq!(
            modern["senderCommunicationIdentifier"]["kind"],
            "communicationUser"
        );
        assert_eq!(modern["content"].get("attachments"), None);
        let old = Shape::for_version("2021-09-07").message(&m);
        assert_eq!(old["senderCommunicationIdentifier"].get("kind"), None);
        let preview = Shape::for_version("2024-03-15-preview").message(&m);
        assert_eq!(preview["content"]["attachments"], json!([]));
    }

    #[test]
    fn old_versions_have_no_thread_metadata_or_policy() {
        let t = json!({"id": "19:a@thread.v2", "metadata": {"a": "b"}, "retentionPolicy": {"kind": "none"}});
        let old = Shape::for_version("2024-03-07").thread(&t);
        assert_eq!(old, json!({"id": "19:a@thread.v2"}));
        assert_eq!(Shape::for_version("2025-03-15").thread(&t), t);
    }
}
