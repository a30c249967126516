//! An error in a panel: status, code, message, MS-CV and what to do about it.

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};

use crate::acs::error::status_reason;
use crate::acs::time::human_span;
use crate::acs::{AcsError, TransportKind};
use crate::sanitize::one_line;

use super::super::state::AppState;
use super::field;

/// An error in a panel: [`lines`], then what the token (and the thread's history) say about it;
/// a 403 whose reason the history shows gets that reason as its hint instead of the generic one.
pub fn panel(state: &AppState, error: &AcsError) -> Vec<Line<'static>> {
    let mut lines = lines(error);
    let known = (error.status() == Some(403))
        .then(|| known_refusal(state))
        .flatten();
    if let Some(reason) = known {
        // The hint is the second line: what to do first shows in the smallest panel.
        lines[1] = hint_line(&format!(
            "{reason}: a removed user keeps reading the history up to the removal; the participants list and read receipts answer 403"
        ));
    }
    lines.extend(token_context(state, error));
    lines
}

/// Why the service refuses the token's identity, when the thread's history shows it (removed on
/// ... by ...).
fn known_refusal(state: &AppState) -> Option<String> {
    let identity = state.token.as_ref()?.identity.as_deref()?;
    let d = &state.findings.as_ref()?.diagnosis;
    d.identity(identity)
        .filter(|i| i.status == Some(crate::diagnose::MembershipStatus::Removed))
        .map(|i| crate::diagnose::removal_sentence(d, i))
}

fn hint_line(text: &str) -> Line<'static> {
    Line::from(Span::styled(
        format!("→ {}", one_line(text)),
        Style::default().fg(Color::Yellow),
    ))
}

/// The headline and what to do first (a small panel shows at least those), then the details.
pub fn lines(error: &AcsError) -> Vec<Line<'static>> {
    let red = Style::default().fg(Color::Red).add_modifier(Modifier::BOLD);
    let mut lines = vec![
        Line::from(Span::styled(headline(error), red)),
        hint_line(&error.hint()),
    ];
    match error {
        AcsError::Service(e) => {
            lines.push(field(
                "Status",
                &format!("{} {}", e.status, status_reason(e.status)),
            ));
            lines.push(field("Code", e.code.as_deref().unwrap_or("(none)")));
            let message = match e.message.as_deref() {
                Some(m) => m.to_string(),
                None if e.body.trim().is_empty() => "(empty body)".into(),
                None => "(no message in the body)".into(),
            };
            lines.push(field("Message", &message));
            if let Some(after) = e.retry_after {
                lines.push(field(
                    "Retry after",
                    &format!("{:.1} s", after.as_secs_f64()),
                ));
            }
        }
        AcsError::Decode {
            status,
            message,
            body_preview,
            ..
        } => {
            lines.push(field(
                "Status",
                &format!("{status} {}", status_reason(*status)),
            ));
            lines.push(field("Problem", message));
            lines.push(field("Body starts", body_preview));
        }
        AcsError::Transport { message, .. } => lines.push(field("Detail", message)),
        AcsError::BadInput(message) => lines.push(field("Detail", message)),
        AcsError::Cancelled => {}
    }
    lines.push(field("MS-CV", error.ms_cv().unwrap_or("(none)")));
    lines
}

fn headline(error: &AcsError) -> String {
    match error {
        AcsError::Service(e) => format!(
            "Error: the service answered {} {}",
            e.status,
            status_reason(e.status)
        ),
        AcsError::Decode { .. } => "Error: the answer is not the JSON expected".into(),
        AcsError::Transport { kind, .. } => format!("Error: no answer ({})", transport_kind(*kind)),
        AcsError::BadInput(_) => "Error: bad input".into(),
        AcsError::Cancelled => "Cancelled".into(),
    }
}

fn transport_kind(kind: TransportKind) -> &'static str {
    match kind {
        TransportKind::Timeout => "timed out",
        TransportKind::Connect => "could not connect",
        TransportKind::Reset => "connection reset",
        TransportKind::Tls => "TLS failed",
        TransportKind::Other => "request failed",
    }
}

/// For 401 and 403, what the token says: whether it had expired, and whose it is.
pub fn token_context(state: &AppState, error: &AcsError) -> Vec<Line<'static>> {
    let (Some(status), Some(token)) = (error.status(), &state.token) else {
        return vec![];
    };
    let identity = token.identity.as_deref().unwrap_or("(no skypeid claim)");
    match status {
        403 if known_refusal(state).is_some() => vec![field("Token is", identity)],
        403 => vec![field(
            "Token is",
            &format!("{identity}: not a participant of this thread, or without chat scope"),
        )],
        401 => {
            let expiry = match token.expires_on {
                Some(at) if at <= state.now => format!(
                    "expired {} ago: get a fresh token",
                    human_span((state.now - at).num_seconds().unsigned_abs())
                ),
                Some(at) => format!(
                    "not expired (valid {} more): likely issued for another ACS resource, or revoked",
                    human_span((at - state.now).num_seconds().unsigned_abs())
                ),
                None => "has no expiry claim".into(),
            };
            vec![field("Token", &expiry), field("Token is", identity)]
        }
        _ => vec![],
    }
}
