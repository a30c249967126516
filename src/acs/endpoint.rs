//! Endpoints, ids and api-versions, validated before any request is made.

use std::borrow::Cow;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use url::Url;

use super::error::AcsError;
use crate::sanitize::{cap_line, holds_secret, mask_secrets, quote_input};

/// The api-version used when none is given.
pub const DEFAULT_API_VERSION: &str = "2025-03-15";

/// api-versions offered in the TUI's switcher and accepted without a warning.
pub const KNOWN_API_VERSIONS: [&str; 4] = [
    "2025-03-15",
    "2024-03-15-preview",
    "2024-03-07",
    "2023-11-07",
];

/// Everything but unreserved characters is encoded, as the SDKs do (`19%3A...%40thread.v2`).
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one path segment (a thread or message id).
pub fn encode_segment(s: &str) -> String {
    utf8_percent_encode(s, PATH_SEGMENT).to_string()
}

/// A validated ACS endpoint: `https://<resource>.communication.azure.com/`, always with a trailing slash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint(Url);

impl Endpoint {
    /// Accepts a URL with or without a trailing slash, or a whole connection string
    /// (`endpoint=https://...;accesskey=...`, only the endpoint is used). Plain http is refused
    /// unless the host is loopback (the emulator), so a token never crosses a network in clear.
    pub fn parse(input: &str) -> Result<Self, AcsError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(AcsError::BadInput(
                "no endpoint: give --endpoint https://<resource>.communication.azure.com or set AZURE_COMMUNICATION_ENDPOINT".into(),
            ));
        }
        let raw =
            connection_string_part(trimmed, "endpoint").unwrap_or_else(|| trimmed.to_string());
        let shown = quote_input(&raw);
        let mut url = Url::parse(&raw).map_err(|e| {
            AcsError::BadInput(format!(
                "malformed endpoint {shown}: {e}; expected https://<resource>.communication.azure.com"
            ))
        })?;
        refuse_credentials(&mut url)?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => {
                return Err(AcsError::BadInput(format!(
                    "refusing plain http for {}: the token would travel unencrypted; use https:// (http is allowed only for loopback, e.g. the emulator)",
                    cap_line(&mask_secrets(&raw), 200)
                )));
            }
            other => {
                return Err(AcsError::BadInput(format!(
                    "malformed endpoint {shown}: scheme {} is not http(s)",
                    quote_input(other)
                )));
            }
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(AcsError::BadInput(format!(
                "malformed endpoint {shown}: no host"
            )));
        }
        url.set_query(None);
        url.set_fragment(None);
        if !url.path().ends_with('/') {
            let path = format!("{}/", url.path());
            url.set_path(&path);
        }
        Ok(Self(url))
    }

    pub fn url(&self) -> &Url {
        &self.0
    }

    /// Joins a path below the endpoint (`chat/threads/...`), segments already encoded.
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.0.clone();
        let base = url.path().to_string();
        url.set_path(&format!("{base}{path}"));
        url
    }

    /// The endpoint as shown and exported: no trailing slash.
    pub fn display(&self) -> String {
        self.0.as_str().trim_end_matches('/').to_string()
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}

/// An endpoint with a user name or password (`https://user:pass@host`) is refused: the client would
/// send them as `Authorization: Basic` next to the token, and they would show in bundles and errors.
/// The message shows the endpoint without them.
fn refuse_credentials(url: &mut Url) -> Result<(), AcsError> {
    if url.username().is_empty() && url.password().is_none() {
        return Ok(());
    }
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Err(AcsError::BadInput(format!(
        "the endpoint holds a user name or password (before @ in {}): remove them; the only credential is the access token",
        quote_input(url.as_str())
    )))
}

/// Whether a URL points at this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

/// One `key=value` part of a connection string, keys compared case-insensitively.
pub fn connection_string_part(s: &str, key: &str) -> Option<String> {
    s.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(key)
            .then(|| v.trim().to_string())
    })
}

/// Validates a thread id: `19:...@thread.v2` is usual, but any id without spaces or control characters is sent.
///
/// Ids are accepted as people paste them and decoded once here, so they are not encoded a second
/// time in the request path (which would ask for a thread that does not exist: a misleading 404):
/// - percent-encoded, as the SDKs put them in paths and logs show them: `19%3Ameeting_...%40thread.v2`;
/// - a Teams meeting join link, `https://teams.microsoft.com/l/meetup-join/19%3ameeting_...%40thread.v2/0?context=...`,
///   whose path holds the meeting chat's thread id (the ACS quickstart "Join your chat app to a Teams
///   meeting" parses it from the link; communication-ui-library's `getChatThreadFromTeamsLink`
///   decodes it the same way), or any URL with a `19:` path segment (an ACS request URL).
pub fn validate_thread_id(id: &str) -> Result<Cow<'_, str>, AcsError> {
    let trimmed = id.trim();
    let decoded = match thread_id_in_url(trimmed)? {
        Some(from_link) => Cow::Owned(from_link),
        None => percent_decoded(trimmed),
    };
    const EXAMPLE: &str = "19:...@thread.v2";
    match decoded {
        Cow::Borrowed(s) => validate_id(s, "thread id", EXAMPLE).map(Cow::Borrowed),
        Cow::Owned(s) => validate_id(&s, "thread id", EXAMPLE).map(|v| Cow::Owned(v.to_string())),
    }
}

/// The thread id in a pasted URL; `None` when the input is not a URL.
fn thread_id_in_url(input: &str) -> Result<Option<String>, AcsError> {
    let lower = input.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return Ok(None);
    }
    let url = Url::parse(input).map_err(|e| {
        AcsError::BadInput(format!("malformed link {}: {e}; expected a thread id such as 19:...@thread.v2 or a Teams meeting link", quote_input(input)))
    })?;
    url.path_segments()
        .into_iter()
        .flatten()
        .map(|segment| percent_decoded(segment).into_owned())
        .find(|segment| segment.starts_with("19:"))
        .map(Some)
        .ok_or_else(|| {
            AcsError::BadInput(format!(
                "no thread id in the link {}: expected a Teams meeting link (https://teams.microsoft.com/l/meetup-join/19%3ameeting_...%40thread.v2/...) or a thread id",
                quote_input(input)
            ))
        })
}

/// Undoes percent-encoding (once, or twice for an id encoded twice in a log); text that does not
/// decode to UTF-8 is kept as given.
fn percent_decoded(s: &str) -> Cow<'_, str> {
    let mut out = Cow::Borrowed(s);
    for _ in 0..2 {
        if !out.contains('%') {
            break;
        }
        match percent_decode_str(&out).decode_utf8() {
            Ok(Cow::Owned(decoded)) => out = Cow::Owned(decoded),
            _ => break,
        }
    }
    out
}

/// Validates a message id (real ones are epoch-millisecond numbers).
pub fn validate_message_id(id: &str) -> Result<&str, AcsError> {
    validate_id(id, "message id", "a number such as 1591768249318")
}

fn validate_id<'a>(id: &'a str, what: &str, example: &str) -> Result<&'a str, AcsError> {
    let id = id.trim();
    if id.is_empty() {
        return Err(AcsError::BadInput(format!("no {what}: expected {example}")));
    }
    if id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AcsError::BadInput(format!(
            "malformed {what} {}: it holds spaces or control characters; expected {example}",
            quote_input(id)
        )));
    }
    if id == "." || id == ".." {
        return Err(AcsError::BadInput(format!(
            "malformed {what} {id:?}: a path step, not an id; expected {example}"
        )));
    }
    if holds_secret(id) {
        return Err(AcsError::BadInput(format!(
            "the {what} {} looks like an access token or key, not an id; expected {example}",
            quote_input(id)
        )));
    }
    Ok(id)
}

/// Validates an api-version's shape (`YYYY-MM-DD` with an optional `-preview`).
pub fn validate_api_version(v: &str) -> Result<&str, AcsError> {
    let v = v.trim();
    let date = v.strip_suffix("-preview").unwrap_or(v);
    let ok = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok();
    if ok {
        Ok(v)
    } else {
        Err(AcsError::BadInput(format!(
            "malformed api-version {}: expected a date such as {DEFAULT_API_VERSION} or 2024-03-15-preview",
            quote_input(v)
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_forms_normalise_to_one() {
        let a = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
        let b = Endpoint::parse("https://contoso.communication.azure.com/").unwrap();
        let c =
            Endpoint::parse("endpoint=https://contoso.communication.azure.com/;accesskey=abc==")
                .unwrap();
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a.display(), "https://contoso.communication.azure.com");
    }

    #[test]
    fn plain_http_is_refused_except_loopback() {
        let err = Endpoint::parse("http://contoso.communication.azure.com").unwrap_err();
        assert!(err.to_string().contains("refusing plain http"));
        assert!(Endpoint::parse("http://127.0.0.1:8080").is_ok());
        assert!(Endpoint::parse("http://localhost:8080").is_ok());
        assert!(Endpoint::parse("http://[::1]:8080").is_ok());
    }

    #[test]
    fn credentials_in_the_endpoint_are_refused_without_echo() {
        for input in [
            "https://user:hunter2@contoso.communication.azure.com",
            "https://user@contoso.communication.azure.com",
            "http://:hunter2@127.0.0.1:8080",
            "endpoint=https://u:hunter2@x.communication.azure.com/;accesskey=abc==",
        ] {
            let err = Endpoint::parse(input).unwrap_err().to_string();
            assert!(err.contains("user name or password"), "{err}");
            assert!(!err.contains("hunter2") && !err.contains("user@"), "{err}");
        }
    }

    #[test]
    fn a_token_in_the_wrong_field_is_not_echoed() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOngifQ.c2lnbmF0dXJl";
        let errors = [
            Endpoint::parse(token).unwrap_err(),
            Endpoint::parse(&format!("ftp://{token}")).unwrap_err(),
            Endpoint::parse(&format!("http://{token}")).unwrap_err(),
            validate_api_version(token).unwrap_err(),
            validate_thread_id(token).unwrap_err(),
            validate_message_id(&format!("x\u{7}{token}")).unwrap_err(),
        ];
        for err in errors {
            let text = err.to_string();
            assert!(!text.contains("eyJza3lwZWlk"), "{text}");
            assert!(text.contains("[masked token"), "{text}");
        }
    }

    #[test]
    fn path_steps_are_not_ids() {
        for id in [".", "..", " .. "] {
            assert!(validate_thread_id(id).is_err(), "{id}");
            assert!(validate_message_id(id).is_err(), "{id}");
        }
        assert!(validate_thread_id("...").is_ok());
        assert!(validate_thread_id("19:a.b@thread.v2").is_ok());
    }

    #[test]
    fn thread_ids_are_fully_encoded() {
        assert_eq!(
            encode_segment("19:abc_d-e@thread.v2"),
            "19%3Aabc_d-e%40thread.v2"
        );
    }

    #[test]
    fn pasted_ids_are_decoded_once() {
        let id = "19:meeting_NjA5YTAyMmYtMTA0Ny00ZjQ1LWI2ZDEtZDIxYzA5NDFh@thread.v2";
        assert_eq!(validate_thread_id(id).unwrap(), id);
        let encoded = "19%3Ameeting_NjA5YTAyMmYtMTA0Ny00ZjQ1LWI2ZDEtZDIxYzA5NDFh%40thread.v2";
        assert_eq!(validate_thread_id(encoded).unwrap(), id);
        let twice = "19%253Ameeting_NjA5YTAyMmYtMTA0Ny00ZjQ1LWI2ZDEtZDIxYzA5NDFh%2540thread.v2";
        assert_eq!(validate_thread_id(twice).unwrap(), id);
        let link = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA5YTAyMmYtMTA0Ny00ZjQ1LWI2ZDEtZDIxYzA5NDFh%40thread.v2/0?context=%7b%22Tid%22%3a%2272f988bf%22%7d";
        assert_eq!(validate_thread_id(link).unwrap(), id);
        assert_eq!(
            encode_segment(&validate_thread_id(encoded).unwrap()),
            "19%3Ameeting_NjA5YTAyMmYtMTA0Ny00ZjQ1LWI2ZDEtZDIxYzA5NDFh%40thread.v2"
        );
    }

    #[test]
    fn bad_ids_and_versions_are_rejected() {
        assert!(validate_thread_id("  ").is_err());
        assert!(validate_thread_id("19:a b@thread.v2").is_err());
        assert!(validate_thread_id("%2E%2E").is_err());
        assert!(validate_thread_id("19%3Aa%0Ab%40thread.v2").is_err());
        assert!(validate_thread_id("https://teams.microsoft.com/l/chat/0/0").is_err());
        assert!(validate_api_version("2024-03-15-preview").is_ok());
        assert!(validate_api_version("latest").is_err());
    }
}
