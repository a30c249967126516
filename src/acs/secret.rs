//! Secrets that must never reach a log, an export or the screen by accident.

use std::fmt;

/// An ACS access token. `Debug` and `Display` print a mask; only [`AccessToken::expose`] gives the value,
/// and the only callers are the `Authorization` header and an explicit reveal on screen.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct AccessToken(String);

impl AccessToken {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into().trim().to_string())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A mask that keeps the token recognisable without revealing it: `eyJh…(812 chars)`.
    pub fn masked(&self) -> String {
        mask(&self.0)
    }
}

/// Masks any secret: the first four characters and its length.
pub fn mask(secret: &str) -> String {
    if secret.is_empty() {
        return "(none)".to_string();
    }
    let head: String = secret.chars().take(4).collect();
    format!("{head}…({} chars)", secret.chars().count())
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccessToken({})", self.masked())
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let t = AccessToken::new("eyJhbGciOiJSUzI1NiJ9.secretpayload.sig");
        assert!(!format!("{t:?}").contains("secretpayload"));
        assert!(!format!("{t}").contains("secretpayload"));
        assert_eq!(t.expose(), "eyJhbGciOiJSUzI1NiJ9.secretpayload.sig");
    }
}
