//! The raw id grammar of ACS identifiers, read the way the official SDKs read it.
//!
//! Source: `Azure/azure-sdk-for-net` `sdk/communication/Azure.Communication.Common/src/CommunicationIdentifier.cs`
//! (`FromRawId`, the version with `TryCreateTeamsExtensionUser`), which agrees with the prefixes of
//! `Azure/azure-sdk-for-python` `.../azure/communication/chat/_shared/models.py` (`identifier_from_raw_id`):
//! - `4:` then anything: a phone number (`4:+14255550123`; the docs also show `4:1425...`).
//! - otherwise exactly three `:`-separated segments, else unknown (Python splits with `maxsplit=2`
//!   and would accept `8:orgid:a:b`; .NET, the newer reading, calls it unknown, and so does this).
//! - `8:teamsvisitor:` anonymous Teams user; `8:orgid:`, `8:dod:`, `8:gcch:` Teams users by cloud.
//! - `28:orgid:`, `28:dod:`, `28:gcch:` Teams apps by cloud.
//! - `8:acs:`, `8:dod-acs:`, `8:gcch-acs:`: a Teams extension user when the rest is exactly three
//!   `_`-separated parts (`<resource>_<tenant>_<user>`), else an ACS user; `8:spool:` an ACS user.
//! - any other prefix: unknown, kept as sent.

/// What a raw id stands for. Borrowed parts point into the raw id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawId<'a> {
    /// The phone number after `4:`.
    Phone(&'a str),
    CommunicationUser,
    TeamsUser {
        user_id: &'a str,
        anonymous: bool,
        cloud: Cloud,
    },
    TeamsApp {
        app_id: &'a str,
        cloud: Cloud,
    },
    TeamsExtensionUser {
        resource_id: &'a str,
        tenant_id: &'a str,
        user_id: &'a str,
        cloud: Cloud,
    },
    Unknown,
}

/// `CommunicationCloudEnvironmentModel`: `public`, `dod`, `gcch`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cloud {
    Public,
    Dod,
    Gcch,
}

impl Cloud {
    /// The wire value (`public`, `dod`, `gcch`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Public => "public",
            Self::Dod => "dod",
            Self::Gcch => "gcch",
        }
    }

    /// A wire value; anything unknown (or absent) is the public cloud, as the SDKs default.
    pub fn from_wire(cloud: Option<&str>) -> Self {
        match cloud {
            Some("dod") => Self::Dod,
            Some("gcch") => Self::Gcch,
            _ => Self::Public,
        }
    }

    pub fn teams_user_prefix(self) -> &'static str {
        match self {
            Self::Public => "8:orgid:",
            Self::Dod => "8:dod:",
            Self::Gcch => "8:gcch:",
        }
    }

    pub fn teams_app_prefix(self) -> &'static str {
        match self {
            Self::Public => "28:orgid:",
            Self::Dod => "28:dod:",
            Self::Gcch => "28:gcch:",
        }
    }

    pub fn acs_user_prefix(self) -> &'static str {
        match self {
            Self::Public => "8:acs:",
            Self::Dod => "8:dod-acs:",
            Self::Gcch => "8:gcch-acs:",
        }
    }
}

pub const PHONE_PREFIX: &str = "4:";
pub const TEAMS_VISITOR_PREFIX: &str = "8:teamsvisitor:";
const SPOOL_PREFIX: &str = "8:spool:";
const CLOUDS: [Cloud; 3] = [Cloud::Public, Cloud::Dod, Cloud::Gcch];

impl<'a> RawId<'a> {
    pub fn parse(raw: &'a str) -> Self {
        if let Some(number) = raw.strip_prefix(PHONE_PREFIX) {
            return Self::Phone(number);
        }
        let mut segments = raw.splitn(4, ':');
        let (Some(_), Some(_), Some(suffix), None) = (
            segments.next(),
            segments.next(),
            segments.next(),
            segments.next(),
        ) else {
            return Self::Unknown;
        };
        let prefix = &raw[..raw.len() - suffix.len()];
        Self::classify(prefix, suffix)
    }

    fn classify(prefix: &str, suffix: &'a str) -> Self {
        if prefix == TEAMS_VISITOR_PREFIX {
            return Self::TeamsUser {
                user_id: suffix,
                anonymous: true,
                cloud: Cloud::Public,
            };
        }
        if prefix == SPOOL_PREFIX {
            return Self::CommunicationUser;
        }
        for cloud in CLOUDS {
            if prefix == cloud.teams_user_prefix() {
                return Self::TeamsUser {
                    user_id: suffix,
                    anonymous: false,
                    cloud,
                };
            }
            if prefix == cloud.teams_app_prefix() {
                return Self::TeamsApp {
                    app_id: suffix,
                    cloud,
                };
            }
            if prefix == cloud.acs_user_prefix() {
                return Self::acs_user(suffix, cloud);
            }
        }
        Self::Unknown
    }

    /// `<resource>_<tenant>_<user>` is a Teams extension user; anything else an ACS user.
    fn acs_user(suffix: &'a str, cloud: Cloud) -> Self {
        let mut parts = suffix.splitn(4, '_');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some(resource_id), Some(tenant_id), Some(user_id), None) => Self::TeamsExtensionUser {
                resource_id,
                tenant_id,
                user_id,
                cloud,
            },
            _ => Self::CommunicationUser,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_prefix_of_the_sdks_is_read() {
        assert_eq!(RawId::parse("4:+14255550123"), RawId::Phone("+14255550123"));
        assert_eq!(RawId::parse("8:acs:r_u"), RawId::CommunicationUser);
        assert_eq!(RawId::parse("8:spool:r_u"), RawId::CommunicationUser);
        assert_eq!(
            RawId::parse("8:gcch-acs:r_t_u"),
            RawId::TeamsExtensionUser {
                resource_id: "r",
                tenant_id: "t",
                user_id: "u",
                cloud: Cloud::Gcch
            }
        );
        assert_eq!(
            RawId::parse("8:teamsvisitor:v"),
            RawId::TeamsUser {
                user_id: "v",
                anonymous: true,
                cloud: Cloud::Public
            }
        );
        assert_eq!(
            RawId::parse("28:dod:a"),
            RawId::TeamsApp {
                app_id: "a",
                cloud: Cloud::Dod
            }
        );
    }

    #[test]
    fn odd_shapes_are_unknown_or_plain_users() {
        assert_eq!(RawId::parse("8:orgid:a:b"), RawId::Unknown);
        assert_eq!(RawId::parse("8:live:someone"), RawId::Unknown);
        assert_eq!(RawId::parse("19:thread"), RawId::Unknown);
        assert_eq!(RawId::parse(""), RawId::Unknown);
        assert_eq!(RawId::parse("8:acs:a_b_c_d"), RawId::CommunicationUser);
    }
}
