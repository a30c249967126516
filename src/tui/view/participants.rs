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
    let mut header = format!(
        "  {:<20} {:<10} {:<11} raw id",
        "display name", "kind", "history"
    );
    // Who is no longer listed, from the thread's history.
    for removed in removed(state) {
        header.push_str(&format!(" · {removed}"));
    }
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

/// "Peter removed 11-29 09:40 by Jane" for every identity the history shows removed.
fn removed(state: &AppState) -> Vec<String> {
    let Some(findings) = &state.findings else {
        return vec![];
    };
    let d = &findings.diagnosis;
    d.identities
        .iter()
        .filter(|i| i.status == Some(crate::diagnose::MembershipStatus::Removed))
        .map(|i| {
            let name = i.display_name.clone().unwrap_or_else(|| i.raw_id.clone());
            let when = i
                .removed_on
                .as_deref()
                .map(|t| format!(" {}", time(state, t)))
                .unwrap_or_default();
            let by = i
                .removed_by
                .as_deref()
                .map(|b| format!(" by {}", d.label_of(b)))
                .unwrap_or_default();
            format!("{} removed{when}{by}", one_line(&name))
        })
        .collect()
}

/// What the diagnosis knows of a participant: added when and by whom, read up to, unread.
fn diagnosed(state: &AppState, raw_id: &str) -> Vec<Line<'static>> {
    let Some(findings) = &state.findings else {
        return vec![];
    };
    let d = &findings.diagnosis;
    let Some(i) = d.identity(raw_id) else {
        return vec![];
    };
    let mut lines = Vec::new();
    if let Some(added) = &i.added_on {
        let by = i
            .added_by
            .as_deref()
            .map(|b| format!(" by {}", d.label_of(b)))
            .unwrap_or_default();
        lines.push(field("Added", &format!("{}{by}", time(state, added))));
    }
    if let Some(read) = &i.read_up_to {
        let unread = i
            .unread
            .map(|n| format!(", {n} unread"))
            .unwrap_or_default();
        lines.push(field(
            "Read up to",
            &format!(
                "{} at {}{unread}",
                read.message_id,
                time(state, &read.read_on)
            ),
        ));
    }
    lines
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
    lines.push(field("History", &history(state, p)));
    lines.extend(diagnosed(state, &id.raw_id()));
    if state.as_identity.as_deref() == Some(id.raw_id().as_str()) {
        lines.push(dim("the timeline shows what this participant sees"));
    }
    lines.extend(metadata::pairs(p.metadata.as_ref()));
    if state.identity.mint_source.is_some() && id.raw_id().starts_with("8:acs:") {
        lines.push(dim(format!(
            "{} mints a token to read the thread as this participant",
            keymap::key(Context::Results, &Action::MintForParticipant)
        )));
    }
    lines
}
