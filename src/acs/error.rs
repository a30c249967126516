//! Errors of the ACS client, and the error bodies the service really sends.
//!
//! The spec promises `{"error":{"code","message"}}`; production sends `{"CommunicationError":{"Code",...}}`,
//! older `{"Error":{...}}`, bare `{"Code","Message"}`, bodies without `Message`, and empty 401 bodies.

use std::time::Duration;

use serde_json::Value;

use crate::sanitize::cap_line;

/// How much of the service's error code and correlation vector a summary line shows.
const MAX_CODE_SHOWN: usize = 100;
/// How much of the service's error message (and a redirect's `Location`) a summary line shows.
const MAX_MESSAGE_SHOWN: usize = 600;

/// An error answer from the service, after retries.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServiceError {
    pub status: u16,
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
    /// `details[]`: what a validation error found wrong, and where (`target`).
    pub details: Vec<ErrorDetail>,
    /// The `MS-CV` correlation vector the service team needs.
    pub ms_cv: Option<String>,
    /// How long the service asked to wait (429/503).
    pub retry_after: Option<Duration>,
    /// Where a redirect (3xx) pointed; redirects are never followed.
    pub location: Option<String>,
    /// The body as received, for the raw view.
    pub body: String,
}

impl ServiceError {
    /// `403 Forbidden (Forbidden): User is not allowed ... [MS-CV: ...]`. The service's code, message
    /// and `Location` are cut to a few hundred bytes so the MS-CV stays on the line; `body` keeps all.
    pub fn summary(&self) -> String {
        let reason = status_reason(self.status);
        let mut line = format!("{} {reason}", self.status);
        if let Some(code) = &self.code {
            line.push_str(&format!(" ({})", cap_line(code, MAX_CODE_SHOWN)));
        }
        match &self.message {
            Some(m) if !m.trim().is_empty() => {
                line.push_str(&format!(": {}", cap_line(m.trim(), MAX_MESSAGE_SHOWN)));
            }
            _ if self.body.trim().is_empty() => line.push_str(": (empty body)"),
            _ => {}
        }
        let details: Vec<String> = self.details.iter().filter_map(ErrorDetail::shown).collect();
        if !details.is_empty() {
            let joined = details.join("; ");
            line.push_str(&format!(" [{}]", cap_line(&joined, MAX_MESSAGE_SHOWN)));
        }
        if let Some(location) = &self.location {
            let location = cap_line(location, MAX_MESSAGE_SHOWN);
            line.push_str(&format!(" (redirect to {location}, not followed)"));
        }
        if let Some(cv) = &self.ms_cv {
            line.push_str(&format!(" [MS-CV: {}]", cap_line(cv, MAX_CODE_SHOWN)));
        }
        line
    }

    /// What a support engineer should try next.
    pub fn hint(&self) -> &'static str {
        status_hint(self.status)
    }
}

/// The canonical reason phrase, for statuses the tool meets.
pub fn status_reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// A hint for a status, as a support engineer would act on it.
pub fn status_hint(status: u16) -> &'static str {
    match status {
        300..=399 => {
            "The answer is a redirect, which is never followed (the token stays with the endpoint given): check the endpoint is the resource's own https://<resource>.communication.azure.com; a proxy or gateway may have answered."
        }
        400 => {
            "The request was rejected as malformed: check the thread/message id format and the api-version."
        }
        401 => {
            "The token is expired, invalid, or issued for another ACS resource: get a fresh token for this endpoint's resource."
        }
        403 => {
            "The token's identity is not a participant of this thread (or lacks the chat scope): use a participant's token."
        }
        404 => {
            "No such thread or message: check the id (19:...@thread.v2), or the thread was deleted (retention policy or DELETE)."
        }
        408 | 504 => "The service did not answer in time: retry, or raise --timeout.",
        429 => "Throttled by the service's rate limits: wait and retry, or fetch less often.",
        500 => {
            "The service failed internally: retry; if it persists, open a ticket with the MS-CV."
        }
        502 | 503 => {
            "The service is unavailable right now: retry later; if it persists, open a ticket with the MS-CV."
        }
        _ => "Unexpected status: keep the MS-CV and the raw response for a ticket.",
    }
}

/// Code, message and target found in an error body of any known shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
    pub details: Vec<ErrorDetail>,
}

/// One entry of `details[]` (`CommunicationError` nests itself; ARM's `ErrorDetail` has code and message).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ErrorDetail {
    pub code: Option<String>,
    pub message: Option<String>,
    pub target: Option<String>,
}

impl ErrorDetail {
    /// `target: message` (or whichever of the two is there); `None` for an empty detail.
    pub fn shown(&self) -> Option<String> {
        let text = self.message.as_deref().or(self.code.as_deref());
        match (self.target.as_deref(), text) {
            (Some(target), Some(text)) => Some(format!("{target}: {text}")),
            (Some(only), None) | (None, Some(only)) => Some(only.to_string()),
            (None, None) => None,
        }
    }
}

/// Parses every error envelope the service is known to send; an empty or non-JSON body gives nothing.
pub fn parse_error_body(body: &[u8]) -> ErrorBody {
    let Ok(value) = serde_json::from_slice::<Value>(body) else {
        return ErrorBody::default();
    };
    let Some(obj) = value.as_object() else {
        return ErrorBody::default();
    };
    let inner = ["error", "communicationerror"]
        .iter()
        .find_map(|wrapper| get_ci(obj, wrapper))
        .and_then(Value::as_object)
        .unwrap_or(obj);
    let field = |name: &str| get_ci(inner, name).and_then(scalar_string);
    let details = get_ci(inner, "details")
        .and_then(Value::as_array)
        .map(|items| items.iter().filter_map(detail).collect())
        .unwrap_or_default();
    ErrorBody {
        code: field("code"),
        message: field("message"),
        target: field("target"),
        details,
    }
}

/// A detail of any case (`target`/`Target`); non-objects are skipped.
fn detail(item: &Value) -> Option<ErrorDetail> {
    let obj = item.as_object()?;
    let field = |name: &str| get_ci(obj, name).and_then(scalar_string);
    Some(ErrorDetail {
        code: field("code"),
        message: field("message"),
        target: field("target"),
    })
}

fn get_ci<'a>(obj: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    obj.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Why no usable answer came back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransportKind {
    Timeout,
    Connect,
    /// The connection closed before the whole answer arrived.
    Reset,
    Tls,
    Other,
}

/// Everything that can go wrong talking to the service.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AcsError {
    /// Caught before any request: a malformed endpoint, id or token.
    #[error("{0}")]
    BadInput(String),
    /// The service answered with an error status.
    #[error("{}", .0.summary())]
    Service(Box<ServiceError>),
    /// No answer: connection refused, DNS, TLS, timeout, reset.
    #[error("{message}")]
    Transport {
        kind: TransportKind,
        message: String,
    },
    /// An answer that is not the JSON expected (garbage, truncated, enormous).
    #[error("{message}")]
    Decode {
        status: u16,
        message: String,
        ms_cv: Option<String>,
        body_preview: String,
    },
    /// The user cancelled.
    #[error("cancelled")]
    Cancelled,
}

/// How a paging error's message starts (see [`AcsError::paging`]).
pub const NEXT_LINK_LOOP: &str = "nextLink loop";
/// How the message of a listing stopped at `--max-pages` starts.
pub const TOO_MANY_PAGES: &str = "too many pages";

impl AcsError {
    /// A list whose paging went wrong after a good page (a `nextLink` seen before, more pages than
    /// allowed): no usable answer (exit 4). The items that arrived are kept by the caller.
    pub fn paging(message: String, ms_cv: Option<String>, link: &str) -> Self {
        Self::Decode {
            status: 200,
            message,
            ms_cv,
            body_preview: cap_line(link, 200).into_owned(),
        }
    }

    /// Whether this is an error of [`AcsError::paging`].
    pub fn is_paging_error(&self) -> bool {
        matches!(self, Self::Decode { message, .. }
            if message.starts_with(NEXT_LINK_LOOP) || message.starts_with(TOO_MANY_PAGES))
    }

    /// The exit code of the contract: 2 bad input, 3 service error, 4 no usable answer.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::BadInput(_) => 2,
            Self::Service(_) => 3,
            Self::Transport { .. } | Self::Decode { .. } | Self::Cancelled => 4,
        }
    }

    pub fn ms_cv(&self) -> Option<&str> {
        match self {
            Self::Service(e) => e.ms_cv.as_deref(),
            Self::Decode { ms_cv, .. } => ms_cv.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Service(e) => Some(e.status),
            Self::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// A hint for the interactive inspector, which can point at its own keys.
    pub fn hint(&self) -> String {
        match self {
            Self::Decode { .. } if !self.is_paging_error() => {
                "The answer was not the JSON expected: look at the raw response (r); a proxy or captive portal may have answered.".into()
            }
            _ => self.command_hint(),
        }
    }

    /// A hint for the command line (and for files read later): no keys of the inspector.
    pub fn command_hint(&self) -> String {
        match self {
            Self::BadInput(_) => "Fix the input and try again.".into(),
            Self::Service(e) => e.hint().into(),
            Self::Transport { kind: TransportKind::Timeout, .. } => {
                "No answer in time: the service or network is slow; retry or raise --timeout.".into()
            }
            Self::Transport { kind: TransportKind::Connect, .. } => {
                "Could not connect: check the endpoint host name, DNS, proxy and firewall.".into()
            }
            Self::Transport { kind: TransportKind::Tls, .. } => {
                "TLS failed: check the endpoint is https://<resource>.communication.azure.com and no proxy intercepts it.".into()
            }
            Self::Transport { .. } => "The connection broke: retry; a proxy or an unstable network may be in the way.".into(),
            Self::Decode { .. } if self.is_paging_error() => {
                "The service's paging does not end: what arrived before is kept; report the MS-CV, or raise --max-pages if the list is really that long.".into()
            }
            Self::Decode { .. } => {
                "The answer was not the JSON expected: a proxy or captive portal may have answered; the request log (--log-file) lists each request's status and MS-CV.".into()
            }
            Self::Cancelled => "Cancelled.".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_envelope_parses() {
        let cases: [(&str, Option<&str>, Option<&str>); 6] = [
            (
                r#"{"error":{"code":"Forbidden","message":"m"}}"#,
                Some("Forbidden"),
                Some("m"),
            ),
            (
                r#"{"CommunicationError":{"Code":"NotFound","Details":[]}}"#,
                Some("NotFound"),
                None,
            ),
            (
                "{\r\n  \"Error\": {\r\n    \"Code\": \"NotFound\",\r\n    \"Message\": \"gone\"\r\n  }\r\n}",
                Some("NotFound"),
                Some("gone"),
            ),
            (
                r#"{"Code":"Forbidden","Message":"not a participant"}"#,
                Some("Forbidden"),
                Some("not a participant"),
            ),
            ("", None, None),
            ("<html>proxy</html>", None, None),
        ];
        for (body, code, message) in cases {
            let parsed = parse_error_body(body.as_bytes());
            assert_eq!(parsed.code.as_deref(), code, "{body}");
            assert_eq!(parsed.message.as_deref(), message, "{body}");
        }
    }

    #[test]
    fn validation_details_name_their_target() {
        let body = br#"{"communicationError":{"code":"BadRequest","message":"One or more validation errors occurred.","details":[{"message":"The input was not valid.","target":"type"}]}}"#;
        let parsed = parse_error_body(body);
        assert_eq!(parsed.code.as_deref(), Some("BadRequest"));
        assert_eq!(parsed.details[0].target.as_deref(), Some("type"));
        let e = ServiceError {
            status: 400,
            code: parsed.code,
            message: parsed.message,
            details: parsed.details,
            body: String::from_utf8_lossy(body).into_owned(),
            ..Default::default()
        };
        assert_eq!(
            e.summary(),
            "400 Bad Request (BadRequest): One or more validation errors occurred. [type: The input was not valid.]"
        );
        let pascal = parse_error_body(
            br#"{"CommunicationError":{"Code":"BadRequest","Details":[{"Target":"maxPageSize"},{}, 3]}}"#,
        );
        let shown: Vec<_> = pascal
            .details
            .iter()
            .filter_map(ErrorDetail::shown)
            .collect();
        assert_eq!(shown, ["maxPageSize"]);
    }

    #[test]
    fn a_not_found_without_message_is_still_one_readable_line() {
        let body = r#"{"CommunicationError": {"Code": "NotFound", "Details": []}}"#;
        let parsed = parse_error_body(body.as_bytes());
        let e = ServiceError {
            status: 404,
            code: parsed.code,
            message: parsed.message,
            details: parsed.details,
            body: body.into(),
            ..Default::default()
        };
        assert_eq!(e.summary(), "404 Not Found (NotFound)");
    }

    #[test]
    fn summary_matches_the_contract_line() {
        let e = ServiceError {
            status: 403,
            code: Some("Forbidden".into()),
            message: Some("User is not allowed to perform specified action.".into()),
            ms_cv: Some("JduJle7LhkONxaJnLYlU7Q.0".into()),
            ..Default::default()
        };
        assert_eq!(
            e.summary(),
            "403 Forbidden (Forbidden): User is not allowed to perform specified action. [MS-CV: JduJle7LhkONxaJnLYlU7Q.0]"
        );
        let empty = ServiceError {
            status: 401,
            ..Default::default()
        };
        assert_eq!(empty.summary(), "401 Unauthorized: (empty body)");
    }

    #[test]
    fn a_huge_message_is_cut_and_the_ms_cv_stays() {
        let e = ServiceError {
            status: 500,
            message: Some("x".repeat(20 * 1024 * 1024)),
            ms_cv: Some("cv.0".into()),
            ..Default::default()
        };
        let line = e.summary();
        assert!(line.len() < 800, "{}", line.len());
        assert!(line.ends_with("bytes more) [MS-CV: cv.0]"), "{line}");
    }

    #[test]
    fn a_redirect_names_its_location() {
        let e = ServiceError {
            status: 302,
            location: Some("https://elsewhere.example/x".into()),
            ..Default::default()
        };
        assert_eq!(
            e.summary(),
            "302 Found: (empty body) (redirect to https://elsewhere.example/x, not followed)"
        );
        assert!(e.hint().contains("never followed"));
    }

    #[test]
    fn command_line_hints_name_no_inspector_key() {
        let decode = AcsError::Decode {
            status: 200,
            message: "200 but the body is not JSON".into(),
            ms_cv: None,
            body_preview: String::new(),
        };
        assert!(decode.hint().contains("(r)"));
        assert!(!decode.command_hint().contains("(r)"));
        let paging = AcsError::paging(format!("{NEXT_LINK_LOOP}: x"), None, "https://x");
        assert!(paging.is_paging_error() && !decode.is_paging_error());
        assert_eq!(paging.exit_code(), 4);
        assert!(paging.hint().contains("paging"));
    }
}
