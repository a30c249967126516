//! Offline decoding of ACS access tokens (no signature check), and recognising what else was pasted.
//!
//! An ACS user token is a JWT whose payload carries `skypeid` (`acs:<resource>_<user>`), `scp`,
//! `acsScope` (`chat`, `voip`, ...), `resourceId`, `iat` and `exp`. Engineers often paste a connection
//! string, an access key or an Entra ID token instead; each is recognised and explained.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chrono::{DateTime, TimeZone, Utc};
use serde::Serialize;
use serde_json::{Map, Value};

/// Tokens expiring sooner than this get a warning.
pub const EXPIRY_WARNING_SECS: i64 = 5 * 60;

/// What an ACS token says about itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenInfo {
    /// The identity it acts as, as a raw id: `8:acs:<resource>_<user>`.
    pub identity: Option<String>,
    pub resource_id: Option<String>,
    pub scopes: Vec<String>,
    #[serde(serialize_with = "rfc3339_opt")]
    pub issued_at: Option<DateTime<Utc>>,
    #[serde(serialize_with = "rfc3339_opt")]
    pub expires_on: Option<DateTime<Utc>>,
    pub expired: bool,
    pub warnings: Vec<String>,
    pub header: Map<String, Value>,
    /// The other payload claims, for the token panel.
    #[serde(skip)]
    pub claims: Map<String, Value>,
}

impl TokenInfo {
    /// Seconds until expiry (negative once expired).
    pub fn expires_in(&self, now: DateTime<Utc>) -> Option<i64> {
        self.expires_on.map(|t| (t - now).num_seconds())
    }

    pub fn has_chat_scope(&self) -> bool {
        self.scopes
            .iter()
            .any(|s| s == "chat" || s.starts_with("chat."))
    }
}

fn rfc3339_opt<S: serde::Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
    match t {
        Some(t) => s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        None => s.serialize_none(),
    }
}

/// Why a pasted value is not a usable ACS token, with what to do instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAnAcsToken {
    pub what: &'static str,
    pub advice: String,
}

impl std::fmt::Display for NotAnAcsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "this looks like {}: {}", self.what, self.advice)
    }
}

/// Decodes a token offline; `now` decides expiry warnings.
pub fn decode_token(input: &str, now: DateTime<Utc>) -> Result<TokenInfo, NotAnAcsToken> {
    let token = input.trim().trim_start_matches("Bearer ").trim();
    if let Some(problem) = recognise_non_jwt(token) {
        return Err(problem);
    }
    let (header, claims) = split_jwt(token).ok_or_else(not_jwt)?;
    if claims.get("skypeid").is_none() && (claims.contains_key("tid") || claims.contains_key("aud"))
    {
        return Err(NotAnAcsToken {
            what: "a Microsoft Entra ID token",
            advice: "chat needs an ACS user access token; get one with `az communication user-identity token issue --scope chat --user 8:acs:... --connection-string ...`".into(),
        });
    }
    Ok(token_info(header, claims, now))
}

fn token_info(
    header: Map<String, Value>,
    claims: Map<String, Value>,
    now: DateTime<Utc>,
) -> TokenInfo {
    let str_claim = |k: &str| claims.get(k).and_then(Value::as_str).map(str::to_string);
    let time_claim = |k: &str| {
        claims
            .get(k)
            .and_then(Value::as_i64)
            .and_then(|s| Utc.timestamp_opt(s, 0).single())
    };
    let identity = str_claim("skypeid").map(|s| {
        if s.starts_with("8:") {
            s
        } else {
            format!("8:{s}")
        }
    });
    let scopes: Vec<String> = match claims.get("acsScope") {
        Some(Value::String(s)) => s
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    };
    let expires_on = time_claim("exp");
    let mut info = TokenInfo {
        identity,
        resource_id: str_claim("resourceId"),
        scopes,
        issued_at: time_claim("iat"),
        expires_on,
        expired: expires_on.is_some_and(|e| e <= now),
        warnings: Vec::new(),
        header,
        claims,
    };
    info.warnings = warnings(&info, now);
    info
}

fn warnings(info: &TokenInfo, now: DateTime<Utc>) -> Vec<String> {
    let mut out = Vec::new();
    match info.expires_in(now) {
        Some(s) if s <= 0 => out.push(format!(
            "expired {} ago: requests will get 401; issue a new token",
            super::time::human_span(s.unsigned_abs())
        )),
        Some(s) if s < EXPIRY_WARNING_SECS => out.push(format!(
            "expires in {}: issue a new token soon",
            super::time::human_span(s as u64)
        )),
        None => out.push("no expiry (exp) claim".to_string()),
        _ => {}
    }
    if info.identity.is_none() {
        out.push("no skypeid claim: this is not an ACS user access token".to_string());
    }
    if !info.has_chat_scope() {
        out.push(if info.scopes.is_empty() {
            "no acsScope claim: the token may not allow chat".to_string()
        } else {
            format!(
                "no chat scope (has {}): issue the token with --scope chat",
                info.scopes.join(", ")
            )
        });
    }
    out
}

fn not_jwt() -> NotAnAcsToken {
    NotAnAcsToken {
        what: "not a JWT at all",
        advice: "an ACS access token has three dot-separated parts starting with eyJ; copy the whole `token` value".into(),
    }
}

/// Connection strings and access keys are secrets of the whole resource, not user tokens.
fn recognise_non_jwt(s: &str) -> Option<NotAnAcsToken> {
    let lower = s.to_ascii_lowercase();
    if lower.contains("endpoint=") && lower.contains("accesskey=") {
        return Some(NotAnAcsToken {
            what: "a connection string",
            advice: "it is the resource's key, not a user token; mint a token with `token mint --connection-string-env VAR` or `az communication user-identity token issue --scope chat`".into(),
        });
    }
    if !s.contains('.') && s.len() >= 40 && STANDARD.decode(s).is_ok_and(|k| k.len() >= 32) {
        return Some(NotAnAcsToken {
            what: "an access key",
            advice: "it is the resource's key, not a user token; never paste it into a chat client; mint a user token with it instead (`token mint`)".into(),
        });
    }
    if s.is_empty() {
        return Some(NotAnAcsToken {
            what: "an empty token",
            advice: "paste the token value".into(),
        });
    }
    None
}

/// Header and claims of a JWT, unverified. `jsonwebtoken` reads the standard form; a token pasted with the
/// other base64 alphabet or with padding (some tools add it) is read segment by segment instead.
fn split_jwt(token: &str) -> Option<(Map<String, Value>, Map<String, Value>)> {
    if let Ok(data) = jsonwebtoken::dangerous::insecure_decode::<Map<String, Value>>(token)
        && let Ok(Value::Object(header)) = serde_json::to_value(&data.header)
    {
        return Some((header, data.claims));
    }
    let mut parts = token.split('.');
    let (h, p) = (parts.next()?, parts.next()?);
    Some((decode_segment(h)?, decode_segment(p)?))
}

/// Decodes one JWT segment, accepting either base64 alphabet, with or without padding.
pub fn decode_segment(segment: &str) -> Option<Map<String, Value>> {
    let bytes = [URL_SAFE_NO_PAD, URL_SAFE, STANDARD_NO_PAD, STANDARD]
        .iter()
        .find_map(|engine| engine.decode(segment).ok())?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(payload: &str) -> String {
        let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","kid":"5","x5t":"abc","typ":"JWT"}"#);
        format!("{h}.{}.sig", URL_SAFE_NO_PAD.encode(payload))
    }

    #[test]
    fn decodes_a_real_shaped_token() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let t = jwt(
            r#"{"skypeid":"acs:r1_u1","scp":1792,"csi":"1700000000","exp":1700086400,"acsScope":"chat,voip","resourceId":"r1","resourceLocation":"unitedstates","iat":1700000000}"#,
        );
        let info = decode_token(&t, now).unwrap();
        assert_eq!(info.identity.as_deref(), Some("8:acs:r1_u1"));
        assert_eq!(info.scopes, vec!["chat", "voip"]);
        assert!(!info.expired);
        assert!(info.warnings.is_empty(), "{:?}", info.warnings);
        assert_eq!(info.header["alg"], "RS256");
    }

    #[test]
    fn warns_of_expiry_and_missing_chat_scope() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let soon = jwt(r#"{"skypeid":"acs:r_u","exp":1700000100,"acsScope":"voip"}"#);
        let info = decode_token(&soon, now).unwrap();
        assert!(
            info.warnings
                .iter()
                .any(|w| w.starts_with("expires in 1 min"))
        );
        assert!(info.warnings.iter().any(|w| w.contains("no chat scope")));
        let old = jwt(r#"{"skypeid":"acs:r_u","exp":1699992800,"acsScope":"chat"}"#);
        let info = decode_token(&old, now).unwrap();
        assert!(info.expired);
        assert!(info.warnings[0].starts_with("expired 2 h ago"));
    }

    #[test]
    fn padded_standard_base64_tokens_are_read_too() {
        let payload = STANDARD.encode(r#"{"skypeid":"acs:r_u","exp":1,"acsScope":"chat"}"#);
        let header = STANDARD.encode(r#"{"alg":"RS256","typ":"JWT"}"#);
        let info = decode_token(&format!("{header}.{payload}.sig"), Utc::now()).unwrap();
        assert_eq!(info.identity.as_deref(), Some("8:acs:r_u"));
    }

    #[test]
    fn recognises_what_is_not_an_acs_token() {
        let now = Utc::now();
        let conn = decode_token(
            "endpoint=https://x.communication.azure.com/;accesskey=AAAA",
            now,
        )
        .unwrap_err();
        assert_eq!(conn.what, "a connection string");
        let key = STANDARD.encode([7u8; 64]);
        assert_eq!(decode_token(&key, now).unwrap_err().what, "an access key");
        let entra = jwt(r#"{"aud":"https://graph.microsoft.com","tid":"t","exp":1}"#);
        assert_eq!(
            decode_token(&entra, now).unwrap_err().what,
            "a Microsoft Entra ID token"
        );
        assert_eq!(
            decode_token("hello", now).unwrap_err().what,
            "not a JWT at all"
        );
    }
}
