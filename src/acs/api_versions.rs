//! What each api-version of the chat API sends: one row per version, read from that version's spec
//! in `Azure/azure-rest-api-specs` `specification/communication/data-plane/Chat/{stable,preview}/<version>/`
//! (and from real traffic where it differs: see the notes). The emulator shapes its answers with
//! these rows, the tests walk every version against them, and `docs/api-versions.md` holds the
//! table [`markdown_table`] writes.
//!
//! Notes on the sources:
//! - `kind` on identifiers: the specs call it required from the 2022-07-13 common models on, but no
//!   recording up to 2024-03-07 carries it (shared real-payloads §8.2), so only 2024-03-15-preview and
//!   2025-03-15 send it here.
//! - Identifier kinds: common 2021-03-07/2022-07-13 know communicationUser, phoneNumber,
//!   microsoftTeamsUser; 2023-11-15 adds microsoftTeamsApp (used from 2024-03-07); 2025-06-30 adds
//!   teamsExtensionUser (used by 2025-03-15). A kind a version does not know is sent as `rawId` alone
//!   ("downgraded ... if you are on an old API version": MicrosoftDocs/azure-docs
//!   `concepts/includes/identifiers/identifiers-rest.md`), with `kind: "unknown"` where `kind` is sent.
//! - Message `metadata`: real 2021-09-07 traffic carries it (JS-PAGE recording); the 2021-03-07 and
//!   2021-04-05-preview6 specs have none.
//! - `richtext/html`: messages sent from Teams came as `html` or `richtext/html` in 2021
//!   (Azure/communication-ui-library #588); the two 2021 versions before 2021-09-07 label them so here.

/// How one api-version shapes its answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VersionShape {
    pub version: &'static str,
    /// Identifier kinds sent with their own sub-object; any other is `rawId` alone.
    pub identifier_kinds: &'static [&'static str],
    /// Whether identifiers carry `kind`.
    pub identifier_kind_field: bool,
    pub message_metadata: bool,
    /// `content.attachments`, when the version has them.
    pub attachments: Option<AttachmentShape>,
    pub thread_metadata: bool,
    pub participant_metadata: bool,
    pub retention: RetentionShape,
    /// The type of an HTML message sent from Teams.
    pub teams_html_type: &'static str,
    /// `GET /chat/threads/{id}/images/{imageId}/view/{imageViewType}` (and the other image operations).
    pub image_view_operation: bool,
}

/// `ChatAttachment` in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentShape {
    /// The `attachmentType` of an image.
    pub image: &'static str,
    /// The `attachmentType` of a file, or `None` when the version has no file attachments.
    pub file: Option<&'static str>,
    /// The field holding the file extension (`extension`, `contentType`), if any.
    pub extension_field: Option<&'static str>,
    /// `url` is required (2023 previews): a file attachment then carries its link there.
    pub url_required: bool,
}

/// `retentionPolicy` on threads in one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetentionShape {
    None,
    /// 2023-07-01-preview: `{"policyType": "threadCreationDate", "daysAfterCreation": N}`, on thread
    /// properties and thread list items, `threadCreationDate` only.
    PolicyType,
    /// `{"kind": "threadCreationDate", "deleteThreadAfterDays": N}` or `{"kind": "none"}`.
    Kind,
}

const BASIC_KINDS: &[&str] = &["communicationUser", "phoneNumber", "microsoftTeamsUser"];
const WITH_TEAMS_APP: &[&str] = &[
    "communicationUser",
    "phoneNumber",
    "microsoftTeamsUser",
    "microsoftTeamsApp",
];
const WITH_TEAMS_EXTENSION: &[&str] = &[
    "communicationUser",
    "phoneNumber",
    "microsoftTeamsUser",
    "microsoftTeamsApp",
    "teamsExtensionUser",
];

const NO_ATTACHMENTS_2021: VersionShape = VersionShape {
    version: "2021-03-07",
    identifier_kinds: BASIC_KINDS,
    identifier_kind_field: false,
    message_metadata: false,
    attachments: None,
    thread_metadata: false,
    participant_metadata: false,
    retention: RetentionShape::None,
    teams_html_type: "richtext/html",
    image_view_operation: false,
};

const IMAGE_AND_FILE: AttachmentShape = AttachmentShape {
    image: "image",
    file: Some("file"),
    extension_field: None,
    url_required: false,
};

const PREVIEW_2024_03_15: VersionShape = VersionShape {
    version: "2024-03-15-preview",
    identifier_kinds: WITH_TEAMS_APP,
    identifier_kind_field: true,
    message_metadata: true,
    attachments: Some(IMAGE_AND_FILE),
    thread_metadata: true,
    participant_metadata: true,
    retention: RetentionShape::Kind,
    teams_html_type: "html",
    image_view_operation: true,
};

/// Every version the real service lists in `api-supported-versions` (April 2024), plus 2025-03-15,
/// oldest first.
pub const VERSIONS: [VersionShape; 11] = [
    NO_ATTACHMENTS_2021,
    VersionShape {
        version: "2021-04-05-preview6",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2021-09-07",
        message_metadata: true,
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2023-04-01-preview",
        message_metadata: true,
        attachments: Some(AttachmentShape {
            image: "teamsInlineImage",
            file: None,
            extension_field: Some("contentType"),
            url_required: true,
        }),
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2023-07-01-preview",
        message_metadata: true,
        attachments: Some(AttachmentShape {
            image: "teamsInlineImage",
            file: Some("teamsFile"),
            extension_field: Some("contentType"),
            url_required: true,
        }),
        retention: RetentionShape::PolicyType,
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2023-11-07",
        message_metadata: true,
        attachments: Some(AttachmentShape {
            image: "image",
            file: None,
            extension_field: Some("extension"),
            url_required: false,
        }),
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2023-11-15-preview",
        message_metadata: true,
        attachments: Some(AttachmentShape {
            extension_field: Some("extension"),
            ..IMAGE_AND_FILE
        }),
        thread_metadata: true,
        participant_metadata: true,
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2024-03-01-preview",
        message_metadata: true,
        attachments: Some(IMAGE_AND_FILE),
        thread_metadata: true,
        participant_metadata: true,
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    VersionShape {
        version: "2024-03-07",
        identifier_kinds: WITH_TEAMS_APP,
        message_metadata: true,
        attachments: Some(IMAGE_AND_FILE),
        teams_html_type: "html",
        ..NO_ATTACHMENTS_2021
    },
    PREVIEW_2024_03_15,
    VersionShape {
        version: "2025-03-15",
        identifier_kinds: WITH_TEAMS_EXTENSION,
        image_view_operation: false,
        ..PREVIEW_2024_03_15
    },
];

/// The version names of [`VERSIONS`], oldest first.
pub const SUPPORTED: [&str; VERSIONS.len()] = {
    let mut names = [""; VERSIONS.len()];
    let mut i = 0;
    while i < VERSIONS.len() {
        names[i] = VERSIONS[i].version;
        i += 1;
    }
    names
};

/// The row of `version`, when it is one the service supports.
pub fn shape(version: &str) -> Option<&'static VersionShape> {
    VERSIONS.iter().find(|v| v.version == version)
}

/// Every supported version, oldest first, comma separated (the `api-supported-versions` header).
pub fn supported_list() -> String {
    SUPPORTED.join(", ")
}

impl VersionShape {
    pub fn is_preview(&self) -> bool {
        self.version.contains("-preview")
    }

    /// Previews with attachments add `"attachments": []` to every text and html message, as the
    /// 2023-07-01-preview and 2024-03-01-preview recordings show (shared real-payloads §2, §3).
    pub fn empty_attachments_on_text(&self) -> bool {
        self.is_preview() && self.attachments.is_some()
    }

    pub fn knows_kind(&self, kind: &str) -> bool {
        self.identifier_kinds.contains(&kind)
    }
}

/// The table of `docs/api-versions.md`: one row per version, one column per shape rule.
pub fn markdown_table() -> String {
    let yes = |b: bool| if b { "yes" } else { "—" };
    let mut out = String::from(
        "| api-version | identifier kinds with a sub-object | `kind` | message `metadata` | `attachments` (image, file, extension field) | `[]` on text | thread `metadata` | participant `metadata` | `retentionPolicy` | Teams HTML type | image view operation |\n|---|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for v in &VERSIONS {
        let attachments = match v.attachments {
            None => "—".to_string(),
            Some(a) => format!(
                "`{}`, {}, {}",
                a.image,
                a.file.map_or("—".to_string(), |f| format!("`{f}`")),
                a.extension_field
                    .map_or("—".to_string(), |f| format!("`{f}`"))
            ),
        };
        let retention = match v.retention {
            RetentionShape::None => "—",
            RetentionShape::PolicyType => "`policyType`, `daysAfterCreation` (also on list items)",
            RetentionShape::Kind => "`kind`, `deleteThreadAfterDays`",
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | `{}` | {} |\n",
            v.version,
            v.identifier_kinds.join(", "),
            yes(v.identifier_kind_field),
            yes(v.message_metadata),
            attachments,
            yes(v.empty_attachments_on_text()),
            yes(v.thread_metadata),
            yes(v.participant_metadata),
            retention,
            v.teams_html_type,
            yes(v.image_view_operation),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_unique_and_oldest_first() {
        let names: Vec<&str> = VERSIONS.iter().map(|v| v.version).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert!(shape("2099-01-01").is_none());
        assert!(shape("2024-03-15-preview").unwrap().image_view_operation);
    }

    #[test]
    fn the_docs_hold_the_table_as_written() {
        let doc = include_str!("../../docs/api-versions.md");
        assert!(
            doc.contains(&markdown_table()),
            "docs/api-versions.md is out of date; its table is:\n{}",
            markdown_table()
        );
    }
}
