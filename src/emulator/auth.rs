//! Access tokens the emulator signs and checks: HS256 JWTs with a per-run random key, carrying the
//! claims of real ACS user tokens (`skypeid`, `scp`, `csi`, `acsScope`, `resourceId`, `iat`, `exp`).
//!
//! The payload segment never contains `-` or `_`: the official Python SDK decodes it with standard
//! base64. ASCII JSON without `>`, `?` and `~` always encodes that way; a nonce claim is varied for
//! the rare user id that would not.

use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, TimeZone, Utc};
use hmac::{Hmac, Mac};
use serde_json::{Map, Value, json};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The ACS resource the emulated tokens belong to.
pub const RESOURCE_ID: &str = "8540c0de-899f-5cce-acb5-3ec493af3800";
const RESOURCE_LOCATION: &str = "unitedstates";
const JWT_HEADER: &str = r#"{"alg":"HS256","kid":"acs-chat-emulator","typ":"JWT"}"#;

/// Holds the signing key of one emulator run.
pub struct TokenSigner {
    key: [u8; 32],
    /// With the `expire` fault: no token works after this instant.
    expire_at: Option<Instant>,
}

impl std::fmt::Debug for TokenSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSigner")
            .field("expire_at", &self.expire_at)
            .finish_non_exhaustive()
    }
}

impl TokenSigner {
    /// A signer with a fresh random key; `expire_after` makes every token stop working that long from now.
    pub fn new(expire_after: Option<Duration>) -> Self {
        Self {
            key: rand::random(),
            expire_at: expire_after.map(|d| Instant::now() + d),
        }
    }

    /// The ACS resource id in every token's `skypeid` and `resourceId`.
    pub fn resource_id(&self) -> &str {
        RESOURCE_ID
    }

    /// Signs a token for `user_raw_id` (`8:acs:<resource>_<user>`) valid for `ttl`; returns it and its expiry.
    pub fn issue_token(&self, user_raw_id: &str, ttl: Duration) -> (String, DateTime<Utc>) {
        let now = Utc::now().timestamp();
        let ttl_secs = i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX / 4).max(1);
        let exp = now.saturating_add(ttl_secs);
        let skypeid = user_raw_id.strip_prefix("8:").unwrap_or(user_raw_id);
        // The nonce comes first so its length shifts every later byte's base64 alignment.
        let payload = (0u32..200)
            .map(|nonce| encode_claims(skypeid, now, exp, nonce))
            .find(|p| !p.contains(['-', '_']))
            .unwrap_or_else(|| encode_claims(skypeid, now, exp, 0));
        let signing_input = format!("{}.{payload}", URL_SAFE_NO_PAD.encode(JWT_HEADER));
        let signature = URL_SAFE_NO_PAD.encode(self.mac(&signing_input));
        let expires = Utc.timestamp_opt(exp, 0).single().unwrap_or_else(Utc::now);
        (format!("{signing_input}.{signature}"), expires)
    }

    /// The raw id of the caller when the request carries a valid, unexpired token of this run.
    pub fn authenticate(&self, headers: &HeaderMap) -> Option<String> {
        let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        self.verify(token.trim())
    }

    /// Checks signature and expiry; gives the token's identity as a raw id.
    pub fn verify(&self, token: &str) -> Option<String> {
        if self.expire_at.is_some_and(|at| Instant::now() >= at) {
            return None;
        }
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (_, payload) = signing_input.split_once('.')?;
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let mut mac = HmacSha256::new_from_slice(&self.key).ok()?;
        mac.update(signing_input.as_bytes());
        mac.verify_slice(&signature).ok()?;
        let claims: Map<String, Value> =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        let exp = claims.get("exp")?.as_i64()?;
        if exp <= Utc::now().timestamp() {
            return None;
        }
        Some(format!("8:{}", claims.get("skypeid")?.as_str()?))
    }

    fn mac(&self, input: &str) -> Vec<u8> {
        let mut mac = HmacSha256::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(input.as_bytes());
        mac.finalize().into_bytes().to_vec()
    }
}

fn encode_claims(skypeid: &str, iat: i64, exp: i64, nonce: u32) -> String {
    let mut claims = Map::new();
    if nonce > 0 {
        claims.insert("nonce".into(), json!(nonce));
    }
    let rest = json!({
        "skypeid": skypeid,
        "scp": 1792,
        "csi": iat.to_string(),
        "exp": exp,
        "rgn": "amer",
        "acsScope": "chat,voip",
        "resourceId": RESOURCE_ID,
        "resourceLocation": RESOURCE_LOCATION,
        "iat": iat,
    });
    if let Value::Object(rest) = rest {
        claims.extend(rest);
    }
    URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const JANE: &str =
        "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";

    #[test]
    fn issued_tokens_verify_as_their_user() {
        let signer = TokenSigner::new(None);
        let (token, exp) = signer.issue_token(JANE, Duration::from_secs(3600));
        assert_eq!(signer.verify(&token).as_deref(), Some(JANE));
        assert!(exp > Utc::now());
    }

    #[test]
    fn tampered_or_foreign_tokens_fail() {
        let signer = TokenSigner::new(None);
        let (token, _) = signer.issue_token(JANE, Duration::from_secs(3600));
        let other = TokenSigner::new(None);
        assert_eq!(other.verify(&token), None);
        let mut tampered = token.clone();
        tampered.pop();
        tampered.push(if token.ends_with('A') { 'B' } else { 'A' });
        assert_eq!(signer.verify(&tampered), None);
        assert_eq!(signer.verify("not.a.token"), None);
    }

    #[test]
    fn payload_avoids_url_safe_only_characters_even_for_odd_ids() {
        let signer = TokenSigner::new(None);
        for user in [JANE, "8:acs:x_a?b", "8:acs:a_b~c", "8:acs:a>"] {
            let (token, _) = signer.issue_token(user, Duration::from_secs(60));
            let payload = token.split('.').nth(1).unwrap();
            assert!(!payload.contains(['-', '_']), "{payload}");
            assert_eq!(signer.verify(&token).as_deref(), Some(user));
        }
    }

    #[test]
    fn expire_fault_stops_every_token() {
        let signer = TokenSigner::new(Some(Duration::ZERO));
        let (token, _) = signer.issue_token(JANE, Duration::from_secs(3600));
        assert_eq!(signer.verify(&token), None);
    }
}
