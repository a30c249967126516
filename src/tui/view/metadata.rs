//! Metadata key/values of the thread and of the shown message.

use ratatui::text::Line;

use crate::acs::{Metadata, metadata_pairs};
use crate::sanitize::one_line;

use super::super::state::AppState;
use super::dim;

pub fn thread_lines(state: &AppState) -> Vec<Line<'static>> {
    match &state.thread {
        Some(thread) => pairs(thread.value.metadata.as_ref()),
        None => vec![dim("(comes with the thread)")],
    }
}

pub fn message_lines(state: &AppState) -> Vec<Line<'static>> {
    match state.shown_message() {
        Some(message) => pairs(message.metadata.as_ref()),
        None => vec![],
    }
}

pub fn pairs(metadata: Option<&Metadata>) -> Vec<Line<'static>> {
    let pairs = metadata_pairs(metadata);
    if pairs.is_empty() {
        return vec![dim("(no metadata)")];
    }
    pairs
        .iter()
        .map(|(k, v)| Line::from(format!("{} = {}", one_line(k), one_line(v))))
        .collect()
}
