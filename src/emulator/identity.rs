//! The Identity API of the emulator: create users and issue tokens, with the service's HMAC-SHA256
//! request signing checked exactly as the real service checks it.
//!
//! `router(state)` is independent of the chat routes; merge it into the emulator's router. Its routes
//! authenticate with the access key, not with a bearer token.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD_NO_PAD as BASE64_NO_PAD;
use chrono::{DateTime, Utc};
use percent_encoding::percent_decode_str;
use serde_json::{Value, json};

use crate::acs::identity::{
    SIGNED_HEADERS, content_hash, path_and_query_of, string_to_sign, verify_signature,
};

/// Issues a token for a raw user id, valid for the given time; returns the token and its expiry.
pub type IssueToken = Arc<dyn Fn(&str, Duration) -> (String, DateTime<Utc>) + Send + Sync>;

/// What the Identity API needs: the key requests are signed with, the resource's id, and the token maker.
#[derive(Clone)]
pub struct IdentityState {
    pub access_key: Vec<u8>,
    /// The resource part of raw ids (`8:acs:<resource_id>_<user>`).
    pub resource_id: String,
    pub issue: IssueToken,
}

/// Api-versions of the Identity API the emulator accepts.
pub const IDENTITY_API_VERSIONS: [&str; 5] = [
    "2021-03-07",
    "2022-06-01",
    "2022-10-01",
    "2023-08-01",
    "2023-10-01",
];

/// Requests dated further than this from now are refused, as the service does.
const MAX_CLOCK_SKEW: chrono::Duration = chrono::Duration::minutes(15);
/// Token lifetime when the request names none (the service's default: 24 hours).
const DEFAULT_LIFETIME_MINUTES: u64 = 24 * 60;
const KNOWN_SCOPES: [&str; 5] = [
    "chat",
    "voip",
    "chat.join",
    "chat.join.limited",
    "voip.join",
];

/// A fresh access key, as long as the service's (64 bytes).
pub fn random_access_key() -> Vec<u8> {
    (0..64).map(|_| rand::random::<u8>()).collect()
}

/// The connection string of an emulator listening on `addr` (the `connectionString` of its info line).
pub fn connection_string(addr: std::net::SocketAddr, access_key: &[u8]) -> String {
    let key = base64::engine::general_purpose::STANDARD.encode(access_key);
    format!("endpoint=http://{addr}/;accesskey={key}")
}

/// `POST /identities` and `POST /identities/{id}/:issueAccessToken`.
pub fn router(state: IdentityState) -> Router {
    Router::new()
        .route("/identities", post(create_identity))
        .route("/identities/{*rest}", post(issue_access_token))
        .with_state(Arc::new(state))
}

/// An error answer in the Identity API's envelope, `{"error":{"code","message"}}`.
struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    fn denied() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "Denied",
            "Denied by the resource provider.",
        )
    }

    fn invalid(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationError", message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        answer(self.status, body)
    }
}

/// A JSON answer with the headers every Identity API answer carries.
fn answer(status: StatusCode, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    if let Ok(cv) = HeaderValue::from_str(&ms_cv()) {
        headers.insert("MS-CV", cv);
    }
    headers.insert(
        "Request-Context",
        HeaderValue::from_static("appId=cid-v1:00000000-0000-0000-0000-000000000000"),
    );
    response
}

/// `OCzODmPgH0m3KnZRtY4Trw.2.0`: 22 base64 characters and the identity service's extra segment.
fn ms_cv() -> String {
    let bytes: [u8; 16] = rand::random();
    format!("{}.2.0", BASE64_NO_PAD.encode(bytes))
}

async fn create_identity(
    State(state): State<Arc<IdentityState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authenticate(&state, &method, &uri, &headers, &body)?;
    let request = json_body(&body)?;
    let user = format!("8:acs:{}_{}", state.resource_id, uuid_like());
    let mut answer_body = json!({ "identity": { "id": user } });
    if let Some(scopes) = request.get("createTokenWithScopes") {
        let scopes = scope_list(scopes)?;
        if !scopes.is_empty() {
            let (token, expires_on) = (state.issue)(&user, lifetime(&request)?);
            answer_body["accessToken"] = token_json(token, expires_on);
        }
    }
    Ok(answer(StatusCode::CREATED, answer_body))
}

async fn issue_access_token(
    State(state): State<Arc<IdentityState>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let user = issue_target(uri.path()).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "NotFound",
            "No such operation: expected /identities/{id}/:issueAccessToken",
        )
    })?;
    authenticate(&state, &method, &uri, &headers, &body)?;
    let request = json_body(&body)?;
    let scopes = scope_list(request.get("scopes").unwrap_or(&Value::Null))?;
    if scopes.is_empty() {
        return Err(ApiError::invalid("At least one scope is required."));
    }
    if !user.starts_with(&format!("8:acs:{}_", state.resource_id)) {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "IdentityNotFound",
            "Identity not found in this resource.",
        ));
    }
    let (token, expires_on) = (state.issue)(&user, lifetime(&request)?);
    Ok(answer(StatusCode::OK, token_json(token, expires_on)))
}

/// The raw user id of `/identities/<percent-encoded id>/:issueAccessToken`.
fn issue_target(path: &str) -> Option<String> {
    let encoded = path
        .strip_prefix("/identities/")?
        .strip_suffix("/:issueAccessToken")?;
    if encoded.is_empty() || encoded.contains('/') {
        return None;
    }
    percent_decode_str(encoded)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

fn token_json(token: String, expires_on: DateTime<Utc>) -> Value {
    json!({
        "token": token,
        "expiresOn": expires_on.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    })
}

/// Checks the api-version, `x-ms-date`, `x-ms-content-sha256` and the HMAC signature.
fn authenticate(
    state: &IdentityState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), ApiError> {
    check_api_version(uri)?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let date = header("x-ms-date").ok_or_else(ApiError::denied)?;
    let sent_at = DateTime::parse_from_rfc2822(date).map_err(|_| ApiError::denied())?;
    if (Utc::now() - sent_at.with_timezone(&Utc)).abs() > MAX_CLOCK_SKEW {
        return Err(ApiError::denied());
    }
    let hash = header("x-ms-content-sha256").ok_or_else(ApiError::denied)?;
    if hash != content_hash(body) {
        return Err(ApiError::denied());
    }
    let host = header("host").ok_or_else(ApiError::denied)?;
    let signature = header("authorization")
        .and_then(parse_authorization)
        .ok_or_else(ApiError::denied)?;
    let to_sign = string_to_sign(
        method.as_str(),
        &path_and_query_of(uri.path(), uri.query()),
        date,
        host,
        hash,
    );
    if verify_signature(&state.access_key, &to_sign, signature) {
        Ok(())
    } else {
        Err(ApiError::denied())
    }
}

/// The signature of `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=...`.
fn parse_authorization(value: &str) -> Option<&str> {
    let params = value.strip_prefix("HMAC-SHA256")?.trim_start();
    let mut signed_headers = None;
    let mut signature = None;
    for param in params.split('&') {
        let (name, value) = param.split_once('=')?;
        match name.trim() {
            "SignedHeaders" => signed_headers = Some(value),
            "Signature" => signature = Some(value),
            _ => {}
        }
    }
    signed_headers
        .is_some_and(|h| h.eq_ignore_ascii_case(SIGNED_HEADERS))
        .then_some(signature?)
}

fn check_api_version(uri: &Uri) -> Result<(), ApiError> {
    let version = uri.query().unwrap_or("").split('&').find_map(|pair| {
        pair.strip_prefix("api-version=")
            .map(|v| percent_decode_str(v).decode_utf8_lossy().into_owned())
    });
    match version {
        Some(v) if IDENTITY_API_VERSIONS.contains(&v.as_str()) => Ok(()),
        Some(v) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "UnsupportedApiVersion",
            format!(
                "The HTTP resource does not support the API version '{v}'. Supported versions: {}",
                IDENTITY_API_VERSIONS.join(", ")
            ),
        )),
        None => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "MissingApiVersionParameter",
            "The api-version query parameter (?api-version=) is required for all requests.",
        )),
    }
}

/// The request body as JSON; an empty body counts as `{}`.
fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(v) if v.is_object() => Ok(v),
        _ => Err(ApiError::invalid("The request body is not a JSON object.")),
    }
}

fn scope_list(value: &Value) -> Result<Vec<String>, ApiError> {
    let Some(items) = value.as_array() else {
        return if value.is_null() {
            Ok(Vec::new())
        } else {
            Err(ApiError::invalid("Scopes must be an array of strings."))
        };
    };
    items
        .iter()
        .map(|s| match s.as_str() {
            Some(s) if KNOWN_SCOPES.contains(&s) => Ok(s.to_string()),
            _ => Err(ApiError::invalid(format!("Invalid scope {s}."))),
        })
        .collect()
}

/// `expiresInMinutes` (60 to 1440), or the default of 24 hours.
fn lifetime(request: &Value) -> Result<Duration, ApiError> {
    let minutes = match request.get("expiresInMinutes") {
        None | Some(Value::Null) => DEFAULT_LIFETIME_MINUTES,
        Some(v) => v
            .as_u64()
            .filter(|m| (60..=1440).contains(m))
            .ok_or_else(|| ApiError::invalid("expiresInMinutes must be between 60 and 1440."))?,
    };
    Ok(Duration::from_secs(minutes * 60))
}

/// An id shaped like the service's user ids (`0000001a-2b3c-...`).
fn uuid_like() -> String {
    let b: [u8; 16] = rand::random();
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
