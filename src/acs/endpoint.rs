//! Endpoints, ids and api-versions, validated before any request is made.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
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

/// Validates a thread id: `19:...@thread.v2` is usual, but any id without spaces or control characters is
/// sent, except `.` and `..` (a URL path step: `thread ..` would request `GET /chat/`) and anything that
/// looks like a token (it would travel in the URL path and land in access logs).
pub fn validate_thread_id(id: &str) -> Result<&str, AcsError> {
    validate_id(id, "thread id", "19:...@thread.v2")
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
    fn bad_ids_and_versions_are_rejected() {
        assert!(validate_thread_id("  ").is_err());
        assert!(validate_thread_id("19:a b@thread.v2").is_err());
        assert!(validate_api_version("2024-03-15-preview").is_ok());
        assert!(validate_api_version("latest").is_err());
    }
}
