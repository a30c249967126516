//! How a subcommand fails: one `error:` line on stderr, then `hint:` lines, then an exit code.

use std::io::{self, Write};

use chrono::Utc;

use crate::acs::AcsError;
use crate::acs::time::relative;
use crate::acs::token::TokenInfo;
use crate::sanitize::error_line;

/// A failed subcommand, ready to report.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    /// `None` when there is nothing to say (stdout's reader went away).
    pub message: Option<String>,
    pub hints: Vec<String>,
}

impl Failure {
    pub fn bad_input(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: Some(message.into()),
            hints: Vec::new(),
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// A failed write to stdout: a closed pipe (`| head`) ends quietly, anything else is reported.
    pub fn output(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::BrokenPipe {
            return Self {
                code: 0,
                message: None,
                hints: Vec::new(),
            };
        }
        Self {
            code: 4,
            message: Some(format!("cannot write to standard output: {e}")),
            hints: Vec::new(),
        }
    }

    /// Prints the error and hints; returns the code. Every line is one bounded line with secrets
    /// masked and escape sequences shown (service text and echoed input may hold either).
    pub fn report(&self) -> i32 {
        if let Some(message) = &self.message {
            let mut err = io::stderr().lock();
            let _ = writeln!(err, "error: {}", error_line(message));
            for hint in &self.hints {
                let _ = writeln!(err, "hint: {}", error_line(hint));
            }
        }
        self.code
    }
}

impl From<AcsError> for Failure {
    fn from(e: AcsError) -> Self {
        Self {
            code: e.exit_code(),
            hints: match &e {
                // Bad input messages already say what to do.
                AcsError::BadInput(_) => Vec::new(),
                other => vec![other.command_hint()],
            },
            message: Some(e.to_string()),
        }
    }
}

/// What is known about the token, to explain 401 and 403 answers.
#[derive(Debug, Clone, Default)]
pub struct TokenContext {
    pub info: Option<TokenInfo>,
    /// The thread asked about, for "... is not a current participant of thread ...".
    pub thread_id: Option<String>,
    /// What the thread's history says about the token's identity, when it is at hand (a diagnosis):
    /// it explains a 403 better than any guess.
    pub membership: Option<String>,
}

impl TokenContext {
    /// The failure for `e`, with what the token says about it first.
    pub fn failure(&self, e: AcsError) -> Failure {
        let specific = self.hint_for(&e);
        let forbidden = e.status() == Some(403);
        let mut failure = Failure::from(e);
        match specific {
            // What the token and the thread say replaces the generic "not a participant".
            Some(hint) if forbidden => failure.hints = vec![hint],
            Some(hint) => failure.hints.insert(0, hint),
            None => {}
        }
        failure
    }

    fn hint_for(&self, e: &AcsError) -> Option<String> {
        let info = self.info.as_ref()?;
        match e.status()? {
            401 => Some(unauthorized_hint(info)),
            403 => self.forbidden_hint(info),
            _ => None,
        }
    }

    /// A 403: what the thread's history says when it is at hand; otherwise only what one answer can
    /// tell (a removed user and one never added are both refused the participants list).
    fn forbidden_hint(&self, info: &TokenInfo) -> Option<String> {
        if !info.scopes.is_empty() && !info.has_chat_scope() {
            return Some(format!(
                "the token's scopes ({}) do not include chat: issue a token with the chat scope",
                info.scopes.join(", ")
            ));
        }
        if let Some(membership) = &self.membership {
            return Some(membership.clone());
        }
        let who = info.identity.as_deref()?;
        Some(match &self.thread_id {
            Some(thread) => format!(
                "{who} is not a current participant of this thread ({thread}): never added, or removed; `acs-chat-inspector diagnose` on the thread tells which"
            ),
            None => format!("{who} is not allowed to do this"),
        })
    }
}

fn unauthorized_hint(info: &TokenInfo) -> String {
    let now = Utc::now();
    let when = |t: chrono::DateTime<Utc>| {
        format!(
            "{} ({})",
            t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            relative(t, now)
        )
    };
    match info.expires_on {
        Some(exp) if info.expired => {
            format!("the token expired {}: issue a new token", when(exp))
        }
        Some(exp) => format!(
            "the token is not expired (valid until {}): it may be for another ACS resource{} or revoked",
            when(exp),
            info.resource_id
                .as_deref()
                .map(|r| format!(" (it names resource {r})"))
                .unwrap_or_default()
        ),
        None => "the token has no expiry claim: it may not be an ACS user token".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::acs::ServiceError;

    fn service(status: u16) -> AcsError {
        AcsError::Service(Box::new(ServiceError {
            status,
            ..Default::default()
        }))
    }

    fn context(expires_in: i64) -> TokenContext {
        let exp = Utc::now() + chrono::Duration::seconds(expires_in);
        TokenContext {
            info: Some(TokenInfo {
                identity: Some("8:acs:r_u".into()),
                resource_id: Some("r".into()),
                scopes: vec!["chat".into()],
                issued_at: None,
                expires_on: Some(exp),
                expired: expires_in <= 0,
                warnings: Vec::new(),
                header: Default::default(),
                claims: Default::default(),
            }),
            thread_id: Some("19:a@thread.v2".into()),
            membership: None,
        }
    }

    #[test]
    fn unauthorized_says_whether_the_token_had_expired() {
        let expired = context(-3 * 3600).failure(service(401));
        assert_eq!(expired.code, 3);
        assert!(
            expired.hints[0].starts_with("the token expired "),
            "{:?}",
            expired.hints
        );
        assert!(expired.hints[0].contains("(3 h ago)"));
        let valid = context(3600).failure(service(401));
        assert!(valid.hints[0].starts_with("the token is not expired"));
        assert!(valid.hints[0].contains("resource r"));
    }

    #[test]
    fn forbidden_names_the_identity_and_the_thread_without_guessing_why() {
        let f = context(3600).failure(service(403));
        assert_eq!(
            f.hints[0],
            "8:acs:r_u is not a current participant of this thread (19:a@thread.v2): never added, or removed; `acs-chat-inspector diagnose` on the thread tells which"
        );
        assert_eq!(
            f.hints.len(),
            1,
            "no generic \"not a participant\" hint contradicts it"
        );
    }

    #[test]
    fn forbidden_says_what_the_history_shows_when_it_is_at_hand() {
        let mut context = context(3600);
        context.membership =
            Some("8:acs:r_u was removed from this thread on T by 8:acs:r_v".into());
        let f = context.failure(service(403));
        assert_eq!(
            f.hints[0],
            "8:acs:r_u was removed from this thread on T by 8:acs:r_v"
        );
    }

    #[test]
    fn forbidden_for_a_token_without_chat_scope_says_so() {
        let mut context = context(3600);
        context.info.as_mut().unwrap().scopes = vec!["voip".into()];
        let f = context.failure(service(403));
        assert!(
            f.hints[0].starts_with("the token's scopes (voip) do not include chat"),
            "{:?}",
            f.hints
        );
    }

    #[test]
    fn other_errors_keep_their_own_hint_only() {
        let f = context(3600).failure(service(404));
        assert_eq!(
            f.hints,
            vec![crate::acs::error::status_hint(404).to_string()]
        );
        let bad = Failure::from(AcsError::BadInput("no endpoint".into()));
        assert_eq!((bad.code, bad.hints.len()), (2, 0));
    }
}
