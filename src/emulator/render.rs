//! How a model looks in a given api-version: the rules of [`crate::acs::api_versions`], applied to
//! the canonical (2025-03-15) shape the demo data is stored in.
//!
//! - Identifiers (values of keys ending in `ommunicationIdentifier`): a kind the version knows keeps
//!   its sub-object, any other is reduced to `rawId`; `kind` is added where the version sends it. An
//!   identifier with a made-up kind (the `unknown` fault's) is left as it is in every version.
//! - Thread and participant `metadata`, message `metadata`, `retentionPolicy` (and its 2023-07-01-preview
//!   form), attachments (type names, extension field, which types exist), `"attachments": []` on text
//!   in previews, and the type of HTML messages sent from Teams follow the version's row.

use serde::Serialize;
use serde_json::{Map, Value};

use crate::acs::api_versions::{AttachmentShape, RetentionShape, VersionShape};
use crate::acs::{IdentifierKind, RetentionPolicy};

/// The shape rules of one api-version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape(pub &'static VersionShape);

impl Shape {
    pub fn thread<T: Serialize>(&self, thread: &T) -> Value {
        let mut v = self.base(thread);
        if !self.0.thread_metadata {
            strip(&mut v, "metadata");
        }
        self.retention(&mut v);
        v
    }

    /// A thread list item; 2023-07-01-preview lists the thread's retention policy there too.
    pub fn item<T: Serialize>(&self, item: &T, policy: Option<&RetentionPolicy>) -> Value {
        let mut v = self.base(item);
        if let (RetentionShape::PolicyType, Some(policy), Some(obj)) =
            (self.0.retention, policy, v.as_object_mut())
        {
            obj.insert(
                "retentionPolicy".into(),
                serde_json::to_value(policy).unwrap_or(Value::Null),
            );
            self.retention(&mut v);
        }
        v
    }

    pub fn participant<T: Serialize>(&self, participant: &T) -> Value {
        let mut v = self.base(participant);
        if !self.0.participant_metadata {
            strip(&mut v, "metadata");
        }
        v
    }

    pub fn message<T: Serialize>(&self, message: &T) -> Value {
        let mut v = self.base(message);
        if !self.0.message_metadata {
            strip(&mut v, "metadata");
        }
        self.teams_html_type(&mut v);
        let is_text = matches!(
            v.get("type").and_then(Value::as_str),
            Some("text" | "html" | "richtext/html")
        );
        let Some(content) = v.get_mut("content").and_then(Value::as_object_mut) else {
            return v;
        };
        if let Some(Value::Array(participants)) = content.get_mut("participants") {
            for p in participants
                .iter_mut()
                .filter(|_| !self.0.participant_metadata)
            {
                strip(p, "metadata");
            }
        }
        match self.0.attachments {
            None => {
                content.remove("attachments");
            }
            Some(shape) => {
                if let Some(Value::Array(items)) = content.get_mut("attachments") {
                    items.retain_mut(|a| attachment(shape, a));
                }
                if is_text && self.0.empty_attachments_on_text() {
                    content
                        .entry("attachments")
                        .or_insert_with(|| Value::Array(Vec::new()));
                }
            }
        }
        v
    }

    /// Read receipts: only identifiers change.
    pub fn plain<T: Serialize>(&self, item: &T) -> Value {
        self.base(item)
    }

    fn base<T: Serialize>(&self, item: &T) -> Value {
        let mut v = serde_json::to_value(item).unwrap_or(Value::Null);
        self.identifiers(&mut v);
        v
    }

    fn identifiers(&self, v: &mut Value) {
        match v {
            Value::Object(obj) => {
                for (key, child) in obj.iter_mut() {
                    if key.ends_with("ommunicationIdentifier") {
                        self.identifier(child);
                    } else {
                        self.identifiers(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.identifiers(i)),
            _ => {}
        }
    }

    fn identifier(&self, identifier: &mut Value) {
        let Some(obj) = identifier.as_object() else {
            return;
        };
        if obj.contains_key("kind") {
            return;
        }
        let raw = obj.get("rawId").and_then(Value::as_str).unwrap_or("");
        let kind = IdentifierKind::from_raw_id(raw);
        let mut out = Map::new();
        let known = self.0.knows_kind(kind.as_str());
        if self.0.identifier_kind_field {
            let shown = if known { kind.as_str() } else { "unknown" };
            out.insert("kind".into(), Value::String(shown.into()));
        }
        for (key, value) in obj {
            if key == "rawId" || known {
                out.insert(key.clone(), value.clone());
            }
        }
        *identifier = Value::Object(out);
    }

    fn retention(&self, v: &mut Value) {
        let Some(obj) = v.as_object_mut() else {
            return;
        };
        match self.0.retention {
            RetentionShape::Kind => {}
            RetentionShape::None => {
                obj.remove("retentionPolicy");
            }
            RetentionShape::PolicyType => {
                let days = obj
                    .get("retentionPolicy")
                    .filter(|p| p["kind"] == "threadCreationDate")
                    .map(|p| p["deleteThreadAfterDays"].clone());
                match days {
                    Some(days) => obj.insert(
                        "retentionPolicy".into(),
                        serde_json::json!({"policyType": "threadCreationDate", "daysAfterCreation": days}),
                    ),
                    None => obj.remove("retentionPolicy"),
                };
            }
        }
    }

    /// An `html` message whose sender is a Teams user or app gets the version's Teams HTML type.
    fn teams_html_type(&self, v: &mut Value) {
        if v.get("type").and_then(Value::as_str) != Some("html") {
            return;
        }
        let sender = v["senderCommunicationIdentifier"]["rawId"]
            .as_str()
            .unwrap_or("");
        if matches!(
            IdentifierKind::from_raw_id(sender),
            IdentifierKind::MicrosoftTeamsUser | IdentifierKind::MicrosoftTeamsApp
        ) {
            v["type"] = Value::String(self.0.teams_html_type.into());
        }
    }
}

/// Reshapes one attachment for the version; `false` when the version has no such type.
fn attachment(shape: AttachmentShape, a: &mut Value) -> bool {
    let Some(obj) = a.as_object_mut() else {
        return true;
    };
    let wire = match obj.get("attachmentType").and_then(Value::as_str) {
        Some("image") => Some(shape.image),
        Some("file") => match shape.file {
            Some(file) => Some(file),
            None => return false,
        },
        _ => None,
    };
    if let Some(wire) = wire {
        obj.insert("attachmentType".into(), Value::String(wire.into()));
    }
    let extension = obj.remove("extension");
    if let (Some(field), Some(extension)) = (shape.extension_field, extension) {
        obj.insert(field.into(), extension);
    }
    if shape.url_required && !obj.contains_key("url") {
        let link = obj.insert("previewUrl".into(), Value::String(String::new()));
        obj.insert("url".into(), link.unwrap_or(Value::String(String::new())));
    }
    true
}

fn strip(v: &mut Value, key: &str) {
    if let Some(obj) = v.as_object_mut() {
        obj.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acs::api_versions::shape;
    use serde_json::json;

    fn at(version: &str) -> Shape {
        Shape(shape(version).unwrap())
    }

    #[test]
    fn kind_is_added_only_where_the_version_sends_it() {
        let m = json!({"type": "text", "content": {"message": "x"},
            "senderCommunicationIdentifier": {"rawId": "8:acs:a_b", "communicationUser": {"id": "8:acs:a_b"}}});
        let modern = at("2025-03-15").message(&m);
        assert_eq!(
            modern["senderCommunicationIdentifier"]["kind"],
            "communicationUser"
        );
        assert_eq!(modern["content"].get("attachments"), None);
        let old = at("2021-09-07").message(&m);
        assert_eq!(old["senderCommunicationIdentifier"].get("kind"), None);
        let preview = at("2024-03-15-preview").message(&m);
        assert_eq!(preview["content"]["attachments"], json!([]));
    }

    #[test]
    fn unknown_kinds_are_reduced_to_the_raw_id() {
        let app = json!({"initiatorCommunicationIdentifier": {"rawId": "28:orgid:a",
            "microsoftTeamsApp": {"appId": "a", "cloud": "public"}}});
        let old = at("2023-11-07").plain(&app);
        assert_eq!(
            old["initiatorCommunicationIdentifier"],
            json!({"rawId": "28:orgid:a"})
        );
        let p24 = at("2024-03-15-preview").plain(&json!({"communicationIdentifier":
            {"rawId": "8:acs:r_t_u", "teamsExtensionUser": {"userId": "u", "tenantId": "t", "resourceId": "r"}}}));
        assert_eq!(
            p24["communicationIdentifier"],
            json!({"kind": "unknown", "rawId": "8:acs:r_t_u"})
        );
    }

    #[test]
    fn old_versions_have_no_thread_metadata_or_policy() {
        let t = json!({"id": "19:a@thread.v2", "metadata": {"a": "b"},
            "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 30}});
        assert_eq!(at("2024-03-07").thread(&t), json!({"id": "19:a@thread.v2"}));
        assert_eq!(at("2025-03-15").thread(&t), t);
        assert_eq!(
            at("2023-07-01-preview").thread(&t)["retentionPolicy"],
            json!({"policyType": "threadCreationDate", "daysAfterCreation": 30})
        );
    }

    #[test]
    fn attachments_take_each_version_s_names() {
        let m = json!({"type": "html", "content": {"message": "<p>x</p>", "attachments": [
            {"id": "i", "attachmentType": "image", "extension": "png", "url": "u", "previewUrl": "p"},
            {"id": "f", "attachmentType": "file", "extension": "pdf", "name": "a.pdf", "previewUrl": "https://contoso.sharepoint.com/x"}]}});
        let image_only = at("2023-11-07").message(&m);
        assert_eq!(
            image_only["content"]["attachments"],
            json!([{"id": "i", "attachmentType": "image", "extension": "png", "url": "u", "previewUrl": "p"}])
        );
        let early = at("2023-07-01-preview").message(&m);
        assert_eq!(
            early["content"]["attachments"][1],
            json!({"id": "f", "attachmentType": "teamsFile", "contentType": "pdf", "name": "a.pdf",
                "previewUrl": "", "url": "https://contoso.sharepoint.com/x"})
        );
        assert_eq!(
            at("2021-09-07").message(&m)["content"].get("attachments"),
            None
        );
    }
}
