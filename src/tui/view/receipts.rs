//! Read receipts: who read up to which message, and when.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::acs::ChatMessageReadReceipt;
use crate::sanitize::one_line;

use super::super::ids;
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
        |r, selected, width| row(state, r, selected, width),
        |r| detail(state, r),
    );
}

/// The reader's display name when known, and the raw id (whole, or its distinctive part).
fn reader(state: &AppState, r: &ChatMessageReadReceipt, room: usize) -> String {
    let raw = r.sender_communication_identifier.raw_id();
    match state.timeline.data.name_of(&raw) {
        Some(name) => {
            let name = one_line(name).into_owned();
            let id = ids::fit(&raw, room.saturating_sub(name.chars().count() + 3).max(12));
            format!("{name} <{id}>")
        }
        None => ids::fit(&raw, room.max(12)),
    }
}

/// "#12 Let's head out…" when the message is loaded in the timeline.
fn message(state: &AppState, r: &ChatMessageReadReceipt) -> String {
    let data = &state.timeline.data;
    match data.find(&r.chat_message_id).and_then(|i| data.entry(i)) {
        Some(e) => format!("#{} {}", e.seq, data.preview(&e.message())),
        None => "(not loaded)".into(),
    }
}

fn row(
    state: &AppState,
    r: &ChatMessageReadReceipt,
    selected: bool,
    width: usize,
) -> Line<'static> {
    let fixed = format!(
        "{} {:<16} {:<24} ",
        super::timeline::fit(&message(state, r), 20),
        one_line(&r.chat_message_id),
        time(state, &r.read_on),
    );
    let room = width.saturating_sub(fixed.chars().count());
    let raw = r.sender_communication_identifier.raw_id();
    // The selected row names the reader's whole id where it fits.
    let whole = reader(state, r, usize::MAX / 2);
    let mut reader = if selected && whole.chars().count() <= room {
        whole
    } else {
        reader(state, r, room)
    };
    if reader.chars().count() > room {
        reader = ids::middle(&reader, room);
    }
    Line::from(vec![
        Span::raw(fixed),
        Span::styled(reader, Style::default().fg(ids::color(&raw))),
    ])
}

fn detail(state: &AppState, r: &ChatMessageReadReceipt) -> Vec<Line<'static>> {
    vec![
        field("Reader", &reader(state, r, usize::MAX / 2)),
        field(
            "Read up to",
            &format!("{} {}", r.chat_message_id, message(state, r)),
        ),
        field("Read on", &time(state, &r.read_on)),
    ]
}
