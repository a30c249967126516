//! The one fake-token builder: tokens shaped like real ACS user tokens (unsigned; the inspector
//! decodes them offline and the loopback stand-ins do not check signatures).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

/// The identity of the tokens the TUI tests use (Jane, of the fixtures' resource).
const TUI_SKYPEID: &str = "acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d";
const TUI_RESOURCE: &str = "8540c0de-899f-5cce-acb5-3ec493af3800";
/// The identity of the tokens the headless tests use.
const HEADLESS_SKYPEID: &str =
    "acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5";

/// A JWT of `header` and `claims`, with a signature segment that is not checked.
pub fn jwt(header: &Value, claims: &Value, signature: &str) -> String {
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!("{}.{}.{signature}", enc(header), enc(claims))
}

/// The TUI fixtures' token: issued an hour before `now`, valid for a day after it.
pub fn tui_token(now: DateTime<Utc>) -> String {
    let claims = json!({
        "skypeid": TUI_SKYPEID, "scp": 1792, "acsScope": "chat,voip", "resourceId": TUI_RESOURCE,
        "iat": now.timestamp() - 3600, "exp": now.timestamp() + 86_400
    });
    jwt(
        &json!({"alg": "RS256", "typ": "JWT"}),
        &claims,
        "c2lnbmF0dXJl",
    )
}

/// A token like [`tui_token`], valid for an hour from the real clock (for the real binary).
pub fn valid_now() -> String {
    let now = Utc::now().timestamp();
    let claims = json!({
        "skypeid": TUI_SKYPEID, "scp": 1792, "acsScope": "chat", "resourceId": TUI_RESOURCE,
        "iat": now - 60, "exp": now + 3600
    });
    jwt(
        &json!({"alg": "RS256", "typ": "JWT"}),
        &claims,
        "c2lnbmF0dXJl",
    )
}

/// A real-shaped token (header and claims as the service issues them), expiring `expires_in`
/// seconds from the real clock.
pub fn expiring_in(expires_in: i64) -> String {
    let header = json!({"alg":"RS256","kid":"5","x5t":"oP1GTK0yJ5sgSEtHaDHOnwoXFhc","typ":"JWT"});
    let iat = Utc::now().timestamp() - 3600;
    let claims = json!({
        "skypeid": HEADLESS_SKYPEID, "scp": 1792, "csi": iat.to_string(),
        "exp": Utc::now().timestamp() + expires_in, "acsScope": "chat",
        "resourceId": "dd9753c0-6e62-4f74-ab0f-c94f9723b4eb", "resourceLocation": "unitedstates",
        "iat": iat
    });
    jwt(&header, &claims, "c2lnbmF0dXJlLW5vdC1jaGVja2VkLW9mZmxpbmU")
}

/// The payload segment of a token (what a leak scan must not find either).
pub fn payload_segment(token: &str) -> &str {
    token.split('.').nth(1).unwrap()
}

/// Whether `text` holds something shaped like a JWT: `eyJ` (base64 of `{"`), then two dots between
/// long base64url runs. Random base64 (an `MS-CV`) may contain `eyJ` by chance; a token has the dots.
pub fn holds_jwt(text: &str) -> bool {
    let run = |s: &str| {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .count()
    };
    text.match_indices("eyJ").any(|(at, _)| {
        let rest = &text[at..];
        let header = run(rest);
        let Some(after) = rest.get(header..).and_then(|r| r.strip_prefix('.')) else {
            return false;
        };
        let payload = run(after);
        header >= 10 && payload >= 10 && after[payload..].starts_with('.')
    })
}
