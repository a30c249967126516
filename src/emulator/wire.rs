//! What every answer looks like on the wire: the service's headers, content types and error bodies.
//!
//! Successes carry `application/json; charset=utf-8`; errors carry `application/json` and the production
//! envelope `{"CommunicationError":{"Code","Message","Details":[]}}` (not the spec's `{"error":...}`);
//! a 401 has an empty body, as the real service sends it.

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD};
use serde_json::{Value, json};

use crate::acs::api_versions::{self, VersionShape};

/// Every api-version the real service lists in `api-supported-versions` (April 2024), plus 2025-03-15.
pub use crate::acs::api_versions::SUPPORTED as SUPPORTED_API_VERSIONS;

pub const JSON_SUCCESS: &str = "application/json; charset=utf-8";
pub const JSON_ERROR: &str = "application/json";

/// A correlation vector like the service's: 22 base64 characters and `.0`.
pub fn ms_cv() -> String {
    let bytes: [u8; 16] = rand::random();
    format!("{}.0", STANDARD_NO_PAD.encode(bytes))
}

/// A Front Door reference: opaque base64 beginning with `0`.
pub fn azure_ref() -> String {
    let bytes: [u8; 39] = rand::random();
    format!("0{}", STANDARD.encode(bytes))
}

/// Adds the headers every real answer carries; `processing_ms` is the time spent on the request.
pub fn add_service_headers(headers: &mut HeaderMap, processing_ms: u128) {
    let pairs = [
        ("ms-cv", ms_cv()),
        ("api-supported-versions", api_versions::supported_list()),
        ("x-azure-ref", azure_ref()),
        ("x-processing-time", format!("{processing_ms}ms")),
        ("x-cache", "CONFIG_NOCACHE".to_string()),
        ("access-control-expose-headers", "*".to_string()),
    ];
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            headers.insert(name, v);
        }
    }
}

/// A 200 with a JSON body.
pub fn json_ok(value: &Value) -> Response {
    ok_bytes(serde_json::to_vec(value).unwrap_or_default())
}

/// A 200 with an already serialised JSON body.
pub fn ok_bytes(body: Vec<u8>) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, JSON_SUCCESS)],
        Body::from(body),
    )
        .into_response()
}

/// An error in the production envelope.
pub fn error(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"CommunicationError": {"Code": code, "Message": message, "Details": []}});
    (
        status,
        [(header::CONTENT_TYPE, JSON_ERROR)],
        Body::from(body.to_string()),
    )
        .into_response()
}

/// Why a request is refused, as the service answers each reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A missing, invalid or expired token: 401 with an empty body.
    Unauthorized,
    /// A valid token of someone who is not a participant.
    Forbidden,
    ThreadNotFound,
    MessageNotFound,
    BadRequest(String),
}

impl IntoResponse for Refusal {
    fn into_response(self) -> Response {
        match self {
            Self::Unauthorized => (StatusCode::UNAUTHORIZED, Body::empty()).into_response(),
            Self::Forbidden => error(
                StatusCode::FORBIDDEN,
                "Forbidden",
                "The initiator doesn't have the permission to perform the requested operation.",
            ),
            Self::ThreadNotFound => error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "The specified thread id was not found.",
            ),
            Self::MessageNotFound => error(
                StatusCode::NOT_FOUND,
                "NotFound",
                "The specified message id was not found.",
            ),
            Self::BadRequest(message) => error(StatusCode::BAD_REQUEST, "BadRequest", &message),
        }
    }
}

/// Checks `api-version`: missing or unknown gives the 400 the service answers; a known one gives
/// its shape rules.
pub fn check_api_version(version: Option<&str>) -> Result<&'static VersionShape, Refusal> {
    match version {
        None | Some("") => Err(Refusal::BadRequest(
            "The api-version query parameter (?api-version=) is required for all requests.".into(),
        )),
        Some(v) => api_versions::shape(v).ok_or_else(|| {
            Refusal::BadRequest(format!(
                "The HTTP resource that matches the request URI does not support the API version '{v}'. Supported versions: {}.",
                api_versions::supported_list()
            ))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ms_cv_has_the_service_shape() {
        let cv = ms_cv();
        let (head, tail) = cv.split_once('.').unwrap();
        assert_eq!(head.len(), 22);
        assert_eq!(tail, "0");
    }

    #[test]
    fn api_versions_are_checked() {
        assert!(check_api_version(Some("2021-09-07")).is_ok());
        assert!(check_api_version(Some("2025-03-15")).is_ok());
        let refused = check_api_version(Some("2099-01-01")).unwrap_err();
        assert_eq!(refused.into_response().status(), StatusCode::BAD_REQUEST);
        assert!(matches!(
            check_api_version(None),
            Err(Refusal::BadRequest(_))
        ));
    }
}
