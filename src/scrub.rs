//! Finds secrets in text bound for a file (HAR, bundle, watch output) and blanks them.
//!
//! The client never records its `Authorization` header, so a secret reaching a file would have to come
//! back from the service or from the user's own input. This is the second line: anything shaped like
//! an ACS token (a JWT), a connection string's `accesskey=`, a `Bearer` credential or an HMAC
//! `Signature=` is replaced, and so is every literal secret the run was given.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// What a secret is replaced with. It never contains "Bearer".
pub const REDACTED: &str = "[redacted]";

/// Patterns of secrets, in the order they are applied.
static PATTERNS: LazyLock<[(Regex, &'static str); 4]> = LazyLock::new(|| {
    let re = |p: &str| Regex::new(p).expect("static pattern");
    [
        // `Bearer <credential>` loses the word too, so no file ever says "Bearer ".
        (re(r"(?i)\bbearer\s+[^\s\x22',;]+"), REDACTED),
        // A JWT: three base64url segments, the first a JSON object (`{"` encodes as `eyJ`).
        (
            re(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*"),
            REDACTED,
        ),
        (re(r"(?i)(accesskey=)[^;\x22'\s&]+"), "${1}[redacted]"),
        (re(r"(?i)(signature=)[A-Za-z0-9+/=%]+"), "${1}[redacted]"),
    ]
});

/// Blanks secrets in text; cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Scrubber {
    /// Exact strings that must never appear (a token, an access key), longest first.
    literals: Vec<String>,
}

impl Scrubber {
    /// A scrubber that also blanks these exact values (empty and very short ones are ignored: they
    /// would blank ordinary text).
    pub fn with_literals(literals: impl IntoIterator<Item = String>) -> Self {
        let mut literals: Vec<String> = literals
            .into_iter()
            .map(|s| s.trim().to_string())
            .filter(|s| s.len() >= 8)
            .collect();
        // A token's payload segment alone identifies the user: blank it too.
        let segments: Vec<String> = literals
            .iter()
            .filter(|s| s.starts_with("eyJ"))
            .flat_map(|s| s.split('.').map(str::to_string).collect::<Vec<_>>())
            .filter(|s| s.len() >= 8)
            .collect();
        literals.extend(segments);
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        literals.dedup();
        Self { literals }
    }

    /// The text with every secret replaced by [`REDACTED`].
    pub fn scrub<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let mut out = Cow::Borrowed(text);
        for literal in &self.literals {
            if out.contains(literal.as_str()) {
                out = Cow::Owned(out.replace(literal.as_str(), REDACTED));
            }
        }
        for (pattern, replacement) in PATTERNS.iter() {
            if pattern.is_match(&out) {
                out = Cow::Owned(pattern.replace_all(&out, *replacement).into_owned());
            }
        }
        out
    }

    /// Scrubs every string inside a JSON value, keys included.
    pub fn scrub_json(&self, value: &mut serde_json::Value) {
        use serde_json::Value;
        match value {
            Value::String(s) => {
                if let Cow::Owned(clean) = self.scrub(s) {
                    *s = clean;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_json(v)),
            Value::Object(map) => {
                let dirty: Vec<String> = map
                    .keys()
                    .filter(|k| matches!(self.scrub(k), Cow::Owned(_)))
                    .cloned()
                    .collect();
                for key in dirty {
                    if let Some(v) = map.remove(&key) {
                        map.insert(self.scrub(&key).into_owned(), v);
                    }
                }
                map.values_mut().for_each(|v| self.scrub_json(v));
            }
            _ => {}
        }
    }
}

/// The secrets a command line carries: `--token`, the environment's token, and the access key of
/// `--connection-string-env` (a `--token-file` is not read twice: its token is caught by shape).
pub fn cli_secrets(connection: &crate::cli::ConnectionArgs) -> Scrubber {
    let mut literals: Vec<String> = connection.token.iter().cloned().collect();
    if let Ok(token) = std::env::var("AZURE_COMMUNICATION_ACCESS_TOKEN") {
        literals.push(token);
    }
    let conn = connection
        .connection_string_env
        .as_deref()
        .and_then(|var| std::env::var(var).ok());
    if let Some(key) = conn.as_deref().and_then(access_key_of) {
        literals.push(key.to_string());
    }
    Scrubber::with_literals(literals)
}

/// The `accesskey=` value of a connection string.
fn access_key_of(connection_string: &str) -> Option<&str> {
    connection_string.split(';').find_map(|part| {
        let (k, v) = part.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("accesskey")
            .then_some(v.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOngifQ.c2lnbmF0dXJl";

    #[test]
    fn shapes_of_secrets_are_blanked() {
        let s = Scrubber::default();
        let text = format!(
            "Authorization: Bearer {JWT}; token={JWT} endpoint=https://x/;accesskey=QUJDRA==;x&Signature=abc%2B=="
        );
        let clean = s.scrub(&text);
        assert!(!clean.contains("eyJ"), "{clean}");
        assert!(!clean.to_lowercase().contains("bearer"), "{clean}");
        assert!(!clean.contains("QUJDRA"), "{clean}");
        assert!(!clean.contains("abc%2B"), "{clean}");
        assert!(clean.contains("accesskey=[redacted]"), "{clean}");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        let s = Scrubber::with_literals(["short".to_string()]);
        let text = "Let's head out for lunch: eyJ alone is fine, so is a.b.c";
        assert!(matches!(s.scrub(text), Cow::Borrowed(_)));
    }

    #[test]
    fn literals_and_their_payload_segment_are_blanked() {
        let s = Scrubber::with_literals([JWT.to_string(), "c2VjcmV0LWtleS1ieXRlcw==".into()]);
        let payload = JWT.split('.').nth(1).unwrap();
        let text = format!("{payload} and c2VjcmV0LWtleS1ieXRlcw==");
        assert_eq!(s.scrub(&text), "[redacted] and [redacted]");
    }

    #[test]
    fn json_strings_and_keys_are_scrubbed() {
        let s = Scrubber::default();
        let mut v = serde_json::json!({"token": JWT, JWT: 1, "list": ["Bearer abc"]});
        s.scrub_json(&mut v);
        let text = v.to_string();
        assert!(!text.contains("eyJ") && !text.contains("Bearer"), "{text}");
    }

    #[test]
    fn the_access_key_of_a_connection_string_is_found() {
        assert_eq!(
            access_key_of("endpoint=https://x/;accesskey=abc=="),
            Some("abc==")
        );
        assert_eq!(access_key_of("endpoint=https://x/"), None);
    }
}
