//! The ACS Identity API: create users and issue chat tokens from a connection string.
//!
//! Requests are signed with the resource's access key as the Azure SDKs do it (HMAC-SHA256 over the verb,
//! path and query, `x-ms-date`, `host` and `x-ms-content-sha256`). The key never leaves this module's types:
//! their `Debug` prints a mask, and nothing here logs a key or a token.

use std::sync::Arc;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

use super::client::transport_error;
use super::endpoint::{Endpoint, connection_string_part, encode_segment};
use super::error::{AcsError, ServiceError, parse_error_body};
use super::exchange::header_value;
use super::retry::{RetryPolicy, is_retryable_status};
use super::secret::AccessToken;
use super::time::parse_service_time;

/// The Identity API version the tool speaks.
pub const IDENTITY_API_VERSION: &str = "2023-10-01";
/// The scope a chat token needs.
pub const CHAT_SCOPE: &str = "chat";
/// The only headers the ACS HMAC scheme signs, in this order.
pub const SIGNED_HEADERS: &str = "x-ms-date;host;x-ms-content-sha256";
/// A token that expires within this margin is replaced before use.
pub const REFRESH_MARGIN: chrono::Duration = chrono::Duration::minutes(5);

type HmacSha256 = Hmac<Sha256>;

/// `endpoint=https://...;accesskey=<base64>`: where the resource is and the key that signs requests.
#[derive(Clone, PartialEq, Eq)]
pub struct ConnectionString {
    pub endpoint: Endpoint,
    pub access_key: Vec<u8>,
}

impl ConnectionString {
    /// Parses a connection string; keys are case-insensitive and the trailing slash is optional.
    /// Error messages never repeat the key.
    pub fn parse(input: &str) -> Result<Self, AcsError> {
        let input = input.trim();
        let endpoint = connection_string_part(input, "endpoint").ok_or_else(|| {
            AcsError::BadInput(
                "the connection string has no endpoint=...: expected endpoint=https://<resource>.communication.azure.com/;accesskey=<base64 key>".into(),
            )
        })?;
        let key = connection_string_part(input, "accesskey").ok_or_else(|| {
            AcsError::BadInput(
                "the connection string has no accesskey=...: copy the whole connection string from the resource's Keys page".into(),
            )
        })?;
        let endpoint = Endpoint::parse(&endpoint)?;
        let access_key = BASE64.decode(key.trim()).map_err(|e| {
            AcsError::BadInput(format!(
                "the connection string's accesskey is not valid base64 ({e}): copy it again from the resource's Keys page"
            ))
        })?;
        if access_key.is_empty() {
            return Err(AcsError::BadInput(
                "the connection string's accesskey is empty".into(),
            ));
        }
        Ok(Self {
            endpoint,
            access_key,
        })
    }

    /// Reads and parses the connection string held in environment variable `var`.
    pub fn from_env(var: &str) -> Result<Self, AcsError> {
        let value = std::env::var(var).map_err(|_| {
            AcsError::BadInput(format!(
                "environment variable {var} is not set: it should hold the resource's connection string (endpoint=https://...;accesskey=...)"
            ))
        })?;
        Self::parse(&value).map_err(|e| AcsError::BadInput(format!("{var}: {e}")))
    }

    /// The connection string as the service prints it (for the emulator's info line).
    pub fn to_connection_string(&self) -> String {
        format!(
            "endpoint={};accesskey={}",
            self.endpoint.url(),
            BASE64.encode(&self.access_key)
        )
    }
}

impl std::fmt::Debug for ConnectionString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionString")
            .field("endpoint", &self.endpoint.display())
            .field("access_key", &format!("({} bytes)", self.access_key.len()))
            .finish()
    }
}

/// The four headers of a signed request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    pub date: String,
    pub host: String,
    pub content_hash: String,
    pub authorization: String,
}

impl SignedRequest {
    /// Header names and values, ready to attach to a request.
    pub fn headers(&self) -> [(&'static str, &str); 4] {
        [
            ("x-ms-date", &self.date),
            ("host", &self.host),
            ("x-ms-content-sha256", &self.content_hash),
            ("authorization", &self.authorization),
        ]
    }
}

/// `Mon, 23 Nov 2026 10:43:15 GMT` (RFC 1123, always GMT).
pub fn http_date(t: DateTime<Utc>) -> String {
    t.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Base64 of the body's SHA-256 (sent even for an empty body).
pub fn content_hash(body: &[u8]) -> String {
    BASE64.encode(Sha256::digest(body))
}

/// `host` as signed: the host, with the port only when the URL names one.
pub fn host_header(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    }
}

/// The path and query exactly as sent on the request line.
pub fn path_and_query(url: &Url) -> String {
    path_and_query_of(url.path(), url.query())
}

/// `path?query`, or the path alone without a query.
pub fn path_and_query_of(path: &str, query: Option<&str>) -> String {
    match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_string(),
    }
}

/// `VERB\n<path-and-query>\n<x-ms-date>;<host>;<content-hash>`
pub fn string_to_sign(
    method: &str,
    path_and_query: &str,
    date: &str,
    host: &str,
    content_hash: &str,
) -> String {
    format!(
        "{}\n{path_and_query}\n{date};{host};{content_hash}",
        method.to_ascii_uppercase()
    )
}

fn mac(key: &[u8], message: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC accepts any key length");
    mac.update(message.as_bytes());
    mac
}

/// Base64 HMAC-SHA256 of `string_to_sign` with the (decoded) access key.
pub fn signature(key: &[u8], string_to_sign: &str) -> String {
    BASE64.encode(mac(key, string_to_sign).finalize().into_bytes())
}

/// Whether `signature` (base64) is the key's signature of `string_to_sign`, compared in constant time.
pub fn verify_signature(key: &[u8], string_to_sign: &str, signature: &str) -> bool {
    BASE64
        .decode(signature.trim())
        .is_ok_and(|given| mac(key, string_to_sign).verify_slice(&given).is_ok())
}

/// `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=<signature>`
pub fn authorization_header(signature: &str) -> String {
    format!("HMAC-SHA256 SignedHeaders={SIGNED_HEADERS}&Signature={signature}")
}

/// Signs one request made at `now`.
pub fn sign_request(
    key: &[u8],
    method: &str,
    url: &Url,
    body: &[u8],
    now: DateTime<Utc>,
) -> SignedRequest {
    let date = http_date(now);
    let host = host_header(url);
    let content_hash = content_hash(body);
    let to_sign = string_to_sign(method, &path_and_query(url), &date, &host, &content_hash);
    SignedRequest {
        authorization: authorization_header(&signature(key, &to_sign)),
        date,
        host,
        content_hash,
    }
}

/// A freshly issued token, the identity it acts as, and when it stops working.
#[derive(Debug, Clone, PartialEq)]
pub struct MintedToken {
    pub token: AccessToken,
    pub expires_on: DateTime<Utc>,
    /// The identity's raw id, `8:acs:<resource>_<user>`.
    pub user: String,
}

impl MintedToken {
    /// Whether the token expires within [`REFRESH_MARGIN`] of `now` (or already has).
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_on - now <= REFRESH_MARGIN
    }

    /// `{"token","expiresOn","user"}`, the output of `token mint`. It holds the token in clear: only for stdout.
    pub fn to_json(&self) -> Value {
        json!({
            "token": self.token.expose(),
            "expiresOn": self.expires_on.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            "user": self.user,
        })
    }
}

#[derive(Deserialize)]
struct IdentityBody {
    id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TokenBody {
    token: String,
    expires_on: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateUserBody {
    identity: IdentityBody,
    access_token: Option<TokenBody>,
}

/// A client of the Identity API of one ACS resource.
#[derive(Clone)]
pub struct IdentityClient {
    http: reqwest::Client,
    conn: Arc<ConnectionString>,
    retry: RetryPolicy,
}

impl std::fmt::Debug for IdentityClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IdentityClient")
            .field("conn", &self.conn)
            .finish_non_exhaustive()
    }
}

impl IdentityClient {
    /// A client with a per-request timeout; 429/503 are retried with the default policy.
    pub fn new(conn: ConnectionString, timeout: Duration) -> Result<Self, AcsError> {
        let http = super::http::http_client(&conn.endpoint, timeout)?;
        Ok(Self {
            http,
            conn: Arc::new(conn),
            retry: RetryPolicy::default(),
        })
    }

    /// The same client with another retry policy (tests use short waits).
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.conn.endpoint
    }

    /// Creates a new identity; returns its raw id.
    pub async fn create_user(&self) -> Result<String, AcsError> {
        let answer: CreateUserBody = self.post(self.url("identities"), &json!({})).await?;
        Ok(answer.identity.id)
    }

    /// Issues a token for an existing identity (`8:acs:...`) with these scopes.
    pub async fn issue_token(&self, user: &str, scopes: &[&str]) -> Result<MintedToken, AcsError> {
        let user = validate_user(user)?;
        let url = self.url(&format!(
            "identities/{}/:issueAccessToken",
            encode_segment(user)
        ));
        let answer: TokenBody = self.post(url, &json!({ "scopes": scopes })).await?;
        minted(answer, user.to_string())
    }

    /// Creates a new identity and issues it a token in one request.
    pub async fn create_user_and_token(&self, scopes: &[&str]) -> Result<MintedToken, AcsError> {
        let body = json!({ "createTokenWithScopes": scopes });
        let answer: CreateUserBody = self.post(self.url("identities"), &body).await?;
        let token = answer.access_token.ok_or_else(|| AcsError::Decode {
            status: 201,
            message: "the Identity API created a user but returned no accessToken".into(),
            ms_cv: None,
            body_preview: String::new(),
        })?;
        minted(token, answer.identity.id)
    }

    fn url(&self, path: &str) -> Url {
        let mut url = self.conn.endpoint.join(path);
        url.query_pairs_mut()
            .append_pair("api-version", IDENTITY_API_VERSION);
        url
    }

    async fn post<T: serde::de::DeserializeOwned>(
        &self,
        url: Url,
        body: &Value,
    ) -> Result<T, AcsError> {
        let body = serde_json::to_vec(body).unwrap_or_default();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let answer = self.send_once(&url, &body).await?;
            if is_retryable_status(answer.status) && attempt <= self.retry.max_retries {
                let delay = self.retry.delay(attempt, &answer.headers, Utc::now());
                tracing::info!(path = %url.path(), attempt, delay_ms = delay.as_millis() as u64, "identity request retrying");
                tokio::time::sleep(delay).await;
                continue;
            }
            tracing::debug!(path = %url.path(), status = answer.status, ms_cv = answer.ms_cv().unwrap_or(""), "identity exchange");
            return answer.decode();
        }
    }

    async fn send_once(&self, url: &Url, body: &[u8]) -> Result<Answer, AcsError> {
        let signed = sign_request(&self.conn.access_key, "POST", url, body, Utc::now());
        let mut request = self
            .http
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body.to_vec());
        for (name, value) in signed.headers() {
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_string(), value)
            })
            .collect();
        let body = response.bytes().await.map_err(transport_error)?;
        Ok(Answer {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}

/// One answer of the Identity API.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Answer {
    fn ms_cv(&self) -> Option<&str> {
        header_value(&self.headers, "ms-cv")
    }

    fn decode<T: serde::de::DeserializeOwned>(self) -> Result<T, AcsError> {
        if !(200..300).contains(&self.status) {
            return Err(self.service_error());
        }
        serde_json::from_str(&self.body).map_err(|e| AcsError::Decode {
            status: self.status,
            message: format!(
                "{} but the Identity API's answer is not the JSON expected ({e})",
                self.status
            ),
            ms_cv: self.ms_cv().map(str::to_string),
            body_preview: self.body.chars().take(200).collect(),
        })
    }

    fn service_error(self) -> AcsError {
        let parsed = parse_error_body(self.body.as_bytes());
        AcsError::Service(Box::new(ServiceError {
            status: self.status,
            code: parsed.code,
            message: parsed.message,
            target: parsed.target,
            details: parsed.details,
            ms_cv: self.ms_cv().map(str::to_string),
            retry_after: super::retry::retry_after(&self.headers, Utc::now()),
            location: header_value(&self.headers, "location").map(str::to_string),
            body: self.body,
        }))
    }
}

fn minted(body: TokenBody, user: String) -> Result<MintedToken, AcsError> {
    let expires_on = parse_service_time(&body.expires_on).ok_or_else(|| AcsError::Decode {
        status: 200,
        message: format!(
            "the Identity API's expiresOn {:?} is not a time",
            body.expires_on
        ),
        ms_cv: None,
        body_preview: String::new(),
    })?;
    Ok(MintedToken {
        token: AccessToken::new(body.token),
        expires_on,
        user,
    })
}

/// Checks a raw id names an ACS user: only those hold Identity API tokens.
pub fn validate_user(user: &str) -> Result<&str, AcsError> {
    let user = user.trim();
    if !user.starts_with("8:acs:") || user.len() <= "8:acs:".len() {
        return Err(AcsError::BadInput(format!(
            "{} is not an ACS user id: expected 8:acs:<resource>_<user> (a participant's rawId)",
            crate::sanitize::quote_input(user)
        )));
    }
    if user.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AcsError::BadInput(format!(
            "the user id {} holds spaces or control characters",
            crate::sanitize::quote_input(user)
        )));
    }
    Ok(user)
}

/// The hint for an Identity API error: a 401 or 403 there means the key, not a token.
pub fn identity_hint(err: &AcsError) -> String {
    match err.status() {
        Some(401) => "The request signature was refused: the access key is wrong or was rotated; copy the connection string again from the resource's Keys page, and check the machine's clock.".into(),
        Some(403) => "The key is not allowed to manage identities of this resource: check the connection string belongs to this resource.".into(),
        Some(404) => "No such identity in this resource: check the raw id (8:acs:<resource>_<user>) belongs to this connection string's resource.".into(),
        _ => err.command_hint(),
    }
}

async fn mint(client: &IdentityClient, user: Option<&str>) -> Result<MintedToken, AcsError> {
    match user {
        Some(user) => client.issue_token(user, &[CHAT_SCOPE]).await,
        None => client.create_user_and_token(&[CHAT_SCOPE]).await,
    }
}

/// Keeps a token for one identity fresh: a new one is issued when the current one expires within
/// [`REFRESH_MARGIN`]. Time is passed in, so callers (and tests) decide what "now" is.
#[derive(Debug)]
pub struct TokenRefresher {
    client: IdentityClient,
    user: Option<String>,
    current: Option<MintedToken>,
}

impl TokenRefresher {
    /// Refreshes tokens of `user`; with `None`, the first refresh creates a new identity and keeps it.
    pub fn new(client: IdentityClient, user: Option<String>) -> Self {
        Self {
            client,
            user,
            current: None,
        }
    }

    /// The identity tokens are issued for, once known.
    pub fn user(&self) -> Option<&str> {
        self.user.as_deref()
    }

    /// The current token, if one was issued.
    pub fn current(&self) -> Option<&MintedToken> {
        self.current.as_ref()
    }

    /// Whether [`TokenRefresher::token`] would ask for a new token at `now`.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.current.as_ref().is_none_or(|t| t.needs_refresh(now))
    }

    /// A token valid for at least [`REFRESH_MARGIN`] after `now`, issuing one when needed.
    pub async fn token(&mut self, now: DateTime<Utc>) -> Result<&MintedToken, AcsError> {
        if self.needs_refresh(now) {
            let fresh = mint(&self.client, self.user.as_deref()).await?;
            self.user = Some(fresh.user.clone());
            self.current = Some(fresh);
        }
        Ok(self.current.as_ref().expect("a token was just issued"))
    }
}
