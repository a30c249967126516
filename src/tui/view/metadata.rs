//! Metadata key/values of the thread and of the shown message.

use ratatui::text::Line;

use crate::acs::{Metadata, metadata_pairs};
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::AppState;
use super::dim;

pub fn thread_lines(state: &AppState) -> Vec<Line<'static>> {
    let Some(thread) = &state.thread else {
        return vec![dim("(comes with the thread)")];
    };
    let mut lines = pairs(thread.value.metadata.as_ref());
    lines.extend(api_versions(state, &thread.exchange));
    lines
}

/// Whether the service supports the api-version in use (the full list is in the raw view).
fn api_versions(state: &AppState, exchange: &crate::acs::Exchange) -> Option<Line<'static>> {
    let versions = exchange.header("api-supported-versions")?;
    let used = &state.settings.api_version;
    let listed: Vec<&str> = versions.split(',').map(str::trim).collect();
    let verdict = if listed.contains(&used.as_str()) {
        "supported"
    } else {
        "NOT in the service's list"
    };
    Some(super::field(
        "API version",
        &format!(
            "{used}: {verdict} ({} versions offered; {} shows them, {}/{} switch)",
            listed.len(),
            keymap::label(Context::Results, &Action::ToggleRaw),
            keymap::key(Context::Results, &Action::StepApiVersion(1)),
            keymap::key(Context::Results, &Action::StepApiVersion(-1)),
        ),
    ))
}

pub fn message_lines(message: Option<&crate::acs::ChatMessage>) -> Vec<Line<'static>> {
    match message {
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
