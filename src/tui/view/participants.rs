//! Participants: display name, identifier kind, raw id, share-history time, metadata.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::acs::ChatParticipant;
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Slot};
use super::{dim, field, list, metadata, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let header = format!(
        "  {:<20} {:<19} {:<24} raw id",
        "display name", "kind", "history shared"
    );
    list::render(
        state,
        frame,
        area,
        (&state.participants, Slot::Participants),
        "participants",
        &header,
        |p| row(state, p),
        |p| detail(state, p),
    );
}

fn row(state: &AppState, p: &ChatParticipant) -> String {
    let id = &p.communication_identifier;
    format!(
        "{:<20} {:<19} {:<24} {}",
        super::timeline::fit(&one_line(p.display_name.as_deref().unwrap_or("(none)")), 20),
        id.kind().as_str(),
        history(state, p),
        id.raw_id()
    )
}

fn history(state: &AppState, p: &ChatParticipant) -> String {
    match &p.share_history_time {
        _ if p.shares_full_history() => "full history".into(),
        Some(t) => time(state, t),
        None => "(not sent)".into(),
    }
}

fn detail(state: &AppState, p: &ChatParticipant) -> Vec<Line<'static>> {
    let id = &p.communication_identifier;
    let name = p.display_name.as_deref().unwrap_or("(none)");
    let mut lines = vec![
        field("Name", &format!("{name} ({})", id.kind().as_str())),
        field("Raw id", &id.raw_id()),
        field("History", &history(state, p)),
    ];
    lines.extend(metadata::pairs(p.metadata.as_ref()));
    if state.identity.mint_source.is_some() && id.raw_id().starts_with("8:acs:") {
        lines.push(dim(format!(
            "{} mints a token to read the thread as this participant",
            keymap::key(Context::Results, &Action::MintForParticipant)
        )));
    }
    lines
}
