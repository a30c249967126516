//! The token decoded offline (no signature check): identity, resource, scopes, times, warnings and
//! the JWT header. The token itself is never shown here.

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::acs::identity::{REFRESH_MARGIN, identity_hint};
use crate::acs::time::human_span;
use crate::acs::token::{TokenInfo, decode_token};
use crate::sanitize::one_line;

use super::super::state::{AppState, Field, token_summary};
use super::super::update::expiry_text;
use super::{dim, field, long_field};

pub fn lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let token = state.value(Field::Token);
    if token.trim().is_empty() {
        return vec![dim("No token: paste one into the Token field.")];
    }
    let mut lines = vec![field("Field holds", &token_summary(&token, state.now))];
    lines.extend(minted(state, width));
    lines.extend(token_lines(state, &token, width));
    lines
}

/// For a token minted here: for whom, until when, and its refresh.
fn minted(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let Some(m) = &state.identity.minted else {
        return vec![];
    };
    let mut lines = long_field(
        "Minted",
        &format!("for {}, {}", m.who(), expiry_text(state, m.expires_on)),
        width,
    );
    let refresh = match (&m.refresh_error, m.refresh_id, &state.identity.mint_source) {
        (Some(e), _, _) => {
            lines.push(Line::from(Span::styled(
                format!("Refresh      failed: {}", one_line(&e.to_string())),
                Style::default().fg(Color::Red),
            )));
            lines.push(Line::from(Span::styled(
                format!("             → {}", one_line(&identity_hint(e))),
                Style::default().fg(Color::Yellow),
            )));
            lines.push(Line::default());
            return lines;
        }
        (None, Some(_), Some(_)) => format!(
            "automatic, at {} ({} before expiry)",
            state
                .time_display
                .format(m.expires_on - REFRESH_MARGIN, state.now),
            human_span(REFRESH_MARGIN.num_seconds() as u64),
        ),
        _ => "none: no connection string at hand".into(),
    };
    lines.extend(long_field("Refresh", &refresh, width));
    lines.push(Line::default());
    lines
}

fn token_lines(state: &AppState, token: &str, width: u16) -> Vec<Line<'static>> {
    match decode_token(token, state.now) {
        Ok(info) => decoded(state, &info, width),
        Err(problem) => vec![
            Line::from(Span::styled(
                format!("Not an ACS access token: this looks like {}", problem.what),
                Style::default().fg(Color::Red),
            )),
            Line::from(Span::styled(
                format!("→ {}", one_line(&problem.advice)),
                Style::default().fg(Color::Yellow),
            )),
        ],
    }
}

fn decoded(state: &AppState, info: &TokenInfo, width: u16) -> Vec<Line<'static>> {
    let mut lines = long_field(
        "Identity",
        info.identity.as_deref().unwrap_or("(no skypeid claim)"),
        width,
    );
    lines.push(field(
        "Resource",
        info.resource_id.as_deref().unwrap_or("(none)"),
    ));
    lines.push(field("Scopes", &info.scopes.join(", ")));
    let when = |t: Option<chrono::DateTime<chrono::Utc>>| match t {
        Some(t) => state.time_display.format(t, state.now),
        None => "(not in the token)".to_string(),
    };
    lines.push(field("Issued", &when(info.issued_at)));
    let expiry = match info.expires_in(state.now) {
        Some(s) if s <= 0 => format!(
            "{}  expired {} ago",
            when(info.expires_on),
            human_span(s.unsigned_abs())
        ),
        Some(s) => format!(
            "{}  expires in {}",
            when(info.expires_on),
            human_span(s as u64)
        ),
        None => when(None),
    };
    lines.push(field("Expires", &expiry));
    for warning in &info.warnings {
        lines.push(Line::from(Span::styled(
            format!("⚠ {}", one_line(warning)),
            Style::default().fg(Color::Yellow),
        )));
    }
    let header = serde_json::to_string(&info.header).unwrap_or_default();
    lines.push(field("JWT header", &header));
    lines.push(dim(
        "Decoded offline, signature not checked; the token is never shown.",
    ));
    lines
}
