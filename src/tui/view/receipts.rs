//! Read receipts: who read up to which message, and when.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::acs::ChatMessageReadReceipt;
use crate::sanitize::one_line;

use super::super::state::{AppState, Slot};
use super::{field, list, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let header = format!(
        "  {:<20} {:<16} {:<24} reader",
        "read up to", "message id", "read on"
    );
    list::render(
        state,
        frame,
        area,
        (&state.receipts, Slot::Receipts),
        "read receipts",
        &header,
        |r| row(state, r),
        |r| detail(state, r),
    );
}

/// The reader's display name when the participants list knows it.
fn reader(state: &AppState, r: &ChatMessageReadReceipt) -> String {
    let raw = r.sender_communication_identifier.raw_id();
    state
        .participants
        .items
        .iter()
        .find(|p| p.communication_identifier.raw_id() == raw)
        .and_then(|p| p.display_name.clone())
        .map(|name| format!("{} <{raw}>", one_line(&name)))
        .unwrap_or(raw)
}

/// "#12 Let's head out…" when the message is loaded in the timeline.
fn message(state: &AppState, r: &ChatMessageReadReceipt) -> String {
    let data = &state.timeline.data;
    match data.find(&r.chat_message_id).and_then(|i| data.entry(i)) {
        Some(e) => format!("#{} {}", e.seq, super::timeline::preview(&e.message())),
        None => "(not loaded)".into(),
    }
}

fn row(state: &AppState, r: &ChatMessageReadReceipt) -> String {
    format!(
        "{} {:<16} {:<24} {}",
        super::timeline::fit(&message(state, r), 20),
        one_line(&r.chat_message_id),
        time(state, &r.read_on),
        reader(state, r)
    )
}

fn detail(state: &AppState, r: &ChatMessageReadReceipt) -> Vec<Line<'static>> {
    vec![
        field("Reader", &reader(state, r)),
        field(
            "Read up to",
            &format!("{} {}", r.chat_message_id, message(state, r)),
        ),
        field("Read on", &time(state, &r.read_on)),
    ]
}
