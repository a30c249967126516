//! The token user's threads; Enter opens one.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use crate::acs::ChatThreadItem;
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::ids;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Slot};
use super::{field, list, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let header = format!("  {:<24} {:<24} id", "topic", "last message");
    list::render(
        state,
        frame,
        area,
        (&state.threads, Slot::Threads),
        "threads",
        &header,
        |t, selected, width| row(state, t, selected, width),
        |t| detail(state, t),
    );
}

fn row(state: &AppState, t: &ChatThreadItem, selected: bool, width: usize) -> Line<'static> {
    let last = t
        .last_message_received_on
        .as_deref()
        .map(|s| time(state, s))
        .unwrap_or_default();
    let deleted = if t.deleted_on.is_some() {
        " (deleted)"
    } else {
        ""
    };
    let fixed = format!(
        "{} {:<24} ",
        super::timeline::fit(&one_line(&t.topic), 24),
        last
    );
    let room = width.saturating_sub(fixed.chars().count() + deleted.len());
    let id = if selected && t.id.chars().count() <= room {
        one_line(&t.id).into_owned()
    } else {
        ids::fit(&t.id, room.max(16))
    };
    Line::from(format!("{fixed}{id}{deleted}"))
}

fn detail(state: &AppState, t: &ChatThreadItem) -> Vec<Line<'static>> {
    let mut lines = vec![field("Topic", &t.topic), field("Id", &t.id)];
    if let Some(deleted) = &t.deleted_on {
        lines.push(field("Deleted", &time(state, deleted)));
    }
    lines.push(super::dim(format!(
        "{} opens this thread",
        keymap::key(Context::Results, &Action::Activate)
    )));
    lines
}
