//! `CommunicationIdentifierModel`: who sent, created, initiated or read something.
//!
//! The spec says `kind` is required in responses, but real traffic up to api-version 2024-03-07 never
//! carries it, so the kind is inferred from the sub-object present and then from the `rawId`, read
//! as the SDKs read it ([`super::raw_id`]). Identifier shapes and raw ids: MicrosoftDocs/azure-docs
//! `articles/communication-services/concepts/includes/identifiers/identifiers-rest.md`.

use serde::Serialize;

use serde_json::{Map, Value};

use super::lenient::deserialize_keeping_unknown;
use super::raw_id::{Cloud, PHONE_PREFIX, RawId, TEAMS_VISITOR_PREFIX};

/// The wire model, kept whole: unknown kinds and fields survive a decode/encode round trip.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationIdentifierModel {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub raw_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub communication_user: Option<CommunicationUserIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<PhoneNumberIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_teams_user: Option<MicrosoftTeamsUserIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_teams_app: Option<MicrosoftTeamsAppIdentifierModel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams_extension_user: Option<TeamsExtensionUserIdentifierModel>,
    /// Fields this version of the tool does not know, kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommunicationUserIdentifierModel {
    #[serde(default)]
    pub id: String,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumberIdentifierModel {
    #[serde(default)]
    pub value: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asserted_id: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsUserIdentifierModel {
    #[serde(default)]
    pub user_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_anonymous: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MicrosoftTeamsAppIdentifierModel {
    #[serde(default)]
    pub app_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TeamsExtensionUserIdentifierModel {
    #[serde(default)]
    pub user_id: String,
    #[serde(default)]
    pub tenant_id: String,
    #[serde(default)]
    pub resource_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// What an identifier stands for, after inference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentifierKind {
    CommunicationUser,
    PhoneNumber,
    MicrosoftTeamsUser,
    MicrosoftTeamsApp,
    TeamsExtensionUser,
    /// `kind: "unknown"`, or a kind or prefix this tool does not know: shown as sent.
    Unknown(String),
}

impl IdentifierKind {
    /// The wire name of the kind (`communicationUser`, ...), or what the service sent.
    pub fn as_str(&self) -> &str {
        match self {
            Self::CommunicationUser => "communicationUser",
            Self::PhoneNumber => "phoneNumber",
            Self::MicrosoftTeamsUser => "microsoftTeamsUser",
            Self::MicrosoftTeamsApp => "microsoftTeamsApp",
            Self::TeamsExtensionUser => "teamsExtensionUser",
            Self::Unknown(s) => s,
        }
    }

    fn from_wire(kind: &str) -> Self {
        match kind {
            "communicationUser" => Self::CommunicationUser,
            "phoneNumber" => Self::PhoneNumber,
            "microsoftTeamsUser" => Self::MicrosoftTeamsUser,
            "microsoftTeamsApp" => Self::MicrosoftTeamsApp,
            "teamsExtensionUser" => Self::TeamsExtensionUser,
            other => Self::Unknown(other.to_string()),
        }
    }

    /// Infers the kind from a raw id, as the SDKs do (see [`CommunicationIdentifierModel::from_raw_id`]).
    pub fn from_raw_id(raw_id: &str) -> Self {
        match RawId::parse(raw_id) {
            RawId::Phone(_) => Self::PhoneNumber,
            RawId::CommunicationUser => Self::CommunicationUser,
            RawId::TeamsUser { .. } => Self::MicrosoftTeamsUser,
            RawId::TeamsApp { .. } => Self::MicrosoftTeamsApp,
            RawId::TeamsExtensionUser { .. } => Self::TeamsExtensionUser,
            RawId::Unknown => Self::Unknown("unknown".to_string()),
        }
    }
}

impl std::fmt::Display for IdentifierKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl CommunicationIdentifierModel {
    /// An ACS user identifier, as the emulator and tests build them.
    pub fn communication_user(raw_id: &str) -> Self {
        Self {
            raw_id: Some(raw_id.to_string()),
            communication_user: Some(CommunicationUserIdentifierModel {
                id: raw_id.to_string(),
                extra: Map::new(),
            }),
            ..Self::default()
        }
    }

    /// The kind: as sent, else inferred from the sub-object, else from the raw id prefix.
    pub fn kind(&self) -> IdentifierKind {
        if let Some(kind) = self.kind.as_deref().filter(|k| !k.is_empty()) {
            return IdentifierKind::from_wire(kind);
        }
        if self.communication_user.is_some() {
            IdentifierKind::CommunicationUser
        } else if self.phone_number.is_some() {
            IdentifierKind::PhoneNumber
        } else if self.microsoft_teams_user.is_some() {
            IdentifierKind::MicrosoftTeamsUser
        } else if self.microsoft_teams_app.is_some() {
            IdentifierKind::MicrosoftTeamsApp
        } else if self.teams_extension_user.is_some() {
            IdentifierKind::TeamsExtensionUser
        } else {
            self.raw_id
                .as_deref()
                .map(IdentifierKind::from_raw_id)
                .unwrap_or_else(|| IdentifierKind::Unknown("unknown".to_string()))
        }
    }

    /// The raw id as sent, else rebuilt from the sub-object the way the SDKs do.
    pub fn raw_id(&self) -> String {
        match self.raw_id.as_deref().filter(|r| !r.is_empty()) {
            Some(raw) => raw.to_string(),
            None => self.rebuilt_raw_id().unwrap_or_default(),
        }
    }

    /// The raw id rebuilt from the sub-object alone (ignoring `rawId`), as the SDKs build it.
    pub fn rebuilt_raw_id(&self) -> Option<String> {
        if let Some(user) = &self.communication_user {
            return Some(user.id.clone());
        }
        if let Some(phone) = &self.phone_number {
            return Some(format!("{PHONE_PREFIX}{}", phone.value));
        }
        if let Some(teams) = &self.microsoft_teams_user {
            let prefix = if teams.is_anonymous == Some(true) {
                TEAMS_VISITOR_PREFIX
            } else {
                Cloud::from_wire(teams.cloud.as_deref()).teams_user_prefix()
            };
            return Some(format!("{prefix}{}", teams.user_id));
        }
        if let Some(app) = &self.microsoft_teams_app {
            let prefix = Cloud::from_wire(app.cloud.as_deref()).teams_app_prefix();
            return Some(format!("{prefix}{}", app.app_id));
        }
        let ext = self.teams_extension_user.as_ref()?;
        let prefix = Cloud::from_wire(ext.cloud.as_deref()).acs_user_prefix();
        Some(format!(
            "{prefix}{}_{}_{}",
            ext.resource_id, ext.tenant_id, ext.user_id
        ))
    }

    /// The identifier a raw id stands for, as the SDKs parse it (see [`super::raw_id`]): `rawId`
    /// plus the sub-object of its kind (none for an unknown prefix). No `kind`: the caller adds it
    /// where the api-version sends one.
    pub fn from_raw_id(raw: &str) -> Self {
        let mut id = Self {
            raw_id: Some(raw.to_string()),
            ..Self::default()
        };
        match RawId::parse(raw) {
            RawId::Phone(value) => {
                id.phone_number = Some(PhoneNumberIdentifierModel {
                    value: value.to_string(),
                    ..Default::default()
                });
            }
            RawId::CommunicationUser => {
                id.communication_user = Some(CommunicationUserIdentifierModel {
                    id: raw.to_string(),
                    extra: Map::new(),
                });
            }
            RawId::TeamsUser {
                user_id,
                anonymous,
                cloud,
            } => {
                id.microsoft_teams_user = Some(MicrosoftTeamsUserIdentifierModel {
                    user_id: user_id.to_string(),
                    is_anonymous: anonymous.then_some(true),
                    cloud: Some(cloud.as_str().to_string()),
                    extra: Map::new(),
                });
            }
            RawId::TeamsApp { app_id, cloud } => {
                id.microsoft_teams_app = Some(MicrosoftTeamsAppIdentifierModel {
                    app_id: app_id.to_string(),
                    cloud: Some(cloud.as_str().to_string()),
                    extra: Map::new(),
                });
            }
            RawId::TeamsExtensionUser {
                resource_id,
                tenant_id,
                user_id,
                cloud,
            } => {
                id.teams_extension_user = Some(TeamsExtensionUserIdentifierModel {
                    user_id: user_id.to_string(),
                    tenant_id: tenant_id.to_string(),
                    resource_id: resource_id.to_string(),
                    cloud: Some(cloud.as_str().to_string()),
                    extra: Map::new(),
                });
            }
            RawId::Unknown => {}
        }
        id
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(json: &str) -> CommunicationIdentifierModel {
        serde_json::from_str(json).expect("identifier decodes")
    }

    #[test]
    fn kind_is_inferred_from_sub_object_when_absent() {
        let id = decode(r#"{"rawId":"8:acs:r_u","communicationUser":{"id":"8:acs:r_u"}}"#);
        assert_eq!(id.kind(), IdentifierKind::CommunicationUser);
        assert_eq!(id.raw_id(), "8:acs:r_u");
    }

    #[test]
    fn kind_is_inferred_from_raw_id_prefix_alone() {
        assert_eq!(
            decode(r#"{"rawId":"4:+14255550123"}"#).kind(),
            IdentifierKind::PhoneNumber
        );
        assert_eq!(
            decode(r#"{"rawId":"8:orgid:abc"}"#).kind(),
            IdentifierKind::MicrosoftTeamsUser
        );
        assert_eq!(
            decode(r#"{"rawId":"28:orgid:abc"}"#).kind(),
            IdentifierKind::MicrosoftTeamsApp
        );
        assert_eq!(decode(r#"{"rawId":"zz:what"}"#).kind().as_str(), "unknown");
    }

    #[test]
    fn unknown_kinds_and_fields_are_kept() {
        let json = r#"{"kind":"futureThing","rawId":"99:x","futureThing":{"a":1}}"#;
        let id = decode(json);
        assert_eq!(id.kind(), IdentifierKind::Unknown("futureThing".into()));
        let back = serde_json::to_value(&id).unwrap();
        assert_eq!(back["futureThing"]["a"], 1);
    }

    #[test]
    fn raw_id_is_rebuilt_from_sub_objects() {
        let phone = decode(r#"{"phoneNumber":{"value":"+1425"}}"#);
        assert_eq!(phone.raw_id(), "4:+1425");
        let visitor = decode(r#"{"microsoftTeamsUser":{"userId":"v1","isAnonymous":true}}"#);
        assert_eq!(visitor.raw_id(), "8:teamsvisitor:v1");
        let app = decode(r#"{"microsoftTeamsApp":{"appId":"a1","cloud":"gcch"}}"#);
        assert_eq!(app.raw_id(), "28:gcch:a1");
    }
}

deserialize_keeping_unknown!(CommunicationIdentifierModel {
    "kind" => kind: value,
    "rawId" => raw_id: value,
    "communicationUser" => communication_user: value,
    "phoneNumber" => phone_number: value,
    "microsoftTeamsUser" => microsoft_teams_user: value,
    "microsoftTeamsApp" => microsoft_teams_app: value,
    "teamsExtensionUser" => teams_extension_user: value,
});
deserialize_keeping_unknown!(CommunicationUserIdentifierModel { "id" => id: value });
deserialize_keeping_unknown!(PhoneNumberIdentifierModel {
    "value" => value: value,
    "isAnonymous" => is_anonymous: value,
    "assertedId" => asserted_id: value,
});
deserialize_keeping_unknown!(MicrosoftTeamsUserIdentifierModel {
    "userId" => user_id: value,
    "isAnonymous" => is_anonymous: value,
    "cloud" => cloud: value,
});
deserialize_keeping_unknown!(MicrosoftTeamsAppIdentifierModel { "appId" => app_id: value, "cloud" => cloud: value });
deserialize_keeping_unknown!(TeamsExtensionUserIdentifierModel {
    "userId" => user_id: value,
    "tenantId" => tenant_id: value,
    "resourceId" => resource_id: value,
    "cloud" => cloud: value,
});
