//! Participants: display name, identifier kind, raw id, share-history time, metadata.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::acs::{ChatParticipant, IdentifierKind};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use crate::sanitize::one_line;

use super::super::ids;
use super::super::state::{AppState, Slot};
use super::timeline::fit;
use super::{dim, field, list, long_field, metadata, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let header = format!(
        "  {:<20} {:<10} {:<11} raw id",
        "display name", "kind", "history"
    );
    list::render(
        state,
        frame,
        area,
        (&state.participants, Slot::Participants),
        "participants",
        &header,
        |p, selected, width| row(state, p, selected, width),
        |p| detail(state, p, area.width),
    );
}

/// Name (in the identity's colour), kind, history, and the raw id: whole on the selected row
/// when it fits, else its distinctive part.
fn row(state: &AppState, p: &ChatParticipant, selected: bool, width: usize) -> Line<'static> {
    let id = &p.communication_identifier;
    let raw = id.raw_id();
    let name = fit(&one_line(p.display_name.as_deref().unwrap_or("(none)")), 20);
    let fixed = format!(
        " {:<10} {:<11} ",
        short_kind(&id.kind()),
        short_history(state, p)
    );
    let room = width.saturating_sub(20 + fixed.chars().count());
    let shown = if selected && raw.chars().count() <= room {
        one_line(&raw).into_owned()
    } else {
        ids::fit(&raw, room.max(12))
    };
    let colour = Style::default().fg(ids::color(&raw));
    Line::from(vec![
        Span::styled(name, colour),
        Span::raw(fixed),
        Span::styled(shown, colour),
    ])
}

/// The identifier kind in a few letters, for the list (the detail below names it in full).
fn short_kind(kind: &IdentifierKind) -> String {
    match kind {
        IdentifierKind::CommunicationUser => "ACS user".into(),
        IdentifierKind::PhoneNumber => "phone".into(),
        IdentifierKind::MicrosoftTeamsUser => "Teams user".into(),
        IdentifierKind::MicrosoftTeamsApp => "Teams app".into(),
        IdentifierKind::TeamsExtensionUser => "Teams ext".into(),
        IdentifierKind::Unknown(other) => fit(&one_line(other), 10),
    }
}

/// `all`, `01-15 11:40`, or `?` when not sent.
fn short_history(state: &AppState, p: &ChatParticipant) -> String {
    match p
        .share_history_time
        .as_deref()
        .and_then(crate::acs::time::parse_service_time)
    {
        _ if p.shares_full_history() => "all".into(),
        Some(t) => super::timeline::compact_time(state.time_display, t, state.now),
        None => "?".into(),
    }
}

fn history(state: &AppState, p: &ChatParticipant) -> String {
    match &p.share_history_time {
        _ if p.shares_full_history() => "full history".into(),
        Some(t) => time(state, t),
        None => "(not sent)".into(),
    }
}

fn detail(state: &AppState, p: &ChatParticipant, width: u16) -> Vec<Line<'static>> {
    let id = &p.communication_identifier;
    let name = p.display_name.as_deref().unwrap_or("(none)");
    let colour = Style::default().fg(ids::color(&id.raw_id()));
    let mut lines = vec![field("Name", &format!("{name} ({})", id.kind().as_str()))];
    lines.extend(
        long_field("Raw id", &id.raw_id(), width)
            .into_iter()
            .map(|l| l.style(colour)),
    );
    lines.extend([field("History", &history(state, p))]);
    lines.extend(metadata::pairs(p.metadata.as_ref()));
    if state.identity.mint_source.is_some() && id.raw_id().starts_with("8:acs:") {
        lines.push(dim(format!(
            "{} mints a token to read the thread as this participant",
            keymap::label(Context::Results, &Action::MintForParticipant)
        )));
    }
    lines
}
