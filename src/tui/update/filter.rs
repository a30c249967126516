//! The timeline filter, applied as it is typed, and the raw view's search: the selected message
//! stays selected whatever the filter shows (or the nearest shown one stands in).

use super::super::query::{self, Query};
use super::super::state::{AppState, Level, MessageSource, Overlay, Prompt, PromptKind};
use super::Effect;
use super::navigate::{keep_selection_visible, more_messages};

/// The prompt's text changed: a filter or a search follows it at once.
pub(super) fn live(state: &mut AppState) -> Vec<Effect> {
    let Some(Overlay::Prompt(prompt)) = state.overlays.top() else {
        return vec![];
    };
    let (kind, text) = (prompt.kind, prompt.text());
    match kind {
        PromptKind::Filter => match query::parse(&text) {
            Ok(query) => apply(state, query),
            // The prompt shows what to fix; the last good filter stays meanwhile.
            Err(_) => vec![],
        },
        PromptKind::RawSearch => {
            let rows = super::navigate::overlay_rows(state);
            if let Some(raw) = state.overlays.raw_mut() {
                raw.search(&text);
                raw.clamp(rows);
            }
            vec![]
        }
        PromptKind::Jump | PromptKind::Search => vec![],
    }
}

/// Enter in the filter prompt: the filter stays, and the status line says how much it shows.
pub(super) fn submit(state: &mut AppState, text: &str) -> Vec<Effect> {
    let query = match query::parse(text) {
        Ok(query) => query,
        Err(why) => {
            state.notify(Level::Warn, format!("filter not applied: {why}"));
            return vec![];
        }
    };
    let effects = apply(state, query);
    let t = &state.timeline.data;
    let message = match t.filter() {
        Some(q) => format!(
            "filter \"{}\": {} of {} loaded",
            crate::sanitize::one_line(&q.source),
            t.len(),
            t.loaded()
        ),
        None => "filter cleared".to_string(),
    };
    state.notify(Level::Info, message);
    effects
}

/// A prompt closed with Esc: what it changed as it was typed goes back as it was.
pub(super) fn undo(state: &mut AppState, prompt: &Prompt) -> Vec<Effect> {
    match prompt.kind {
        PromptKind::Filter => apply(state, query::parse(&prompt.before).ok().flatten()),
        PromptKind::RawSearch => {
            if let Some(raw) = state.overlays.raw_mut() {
                raw.search(&prompt.before);
            }
            vec![]
        }
        PromptKind::Jump | PromptKind::Search => vec![],
    }
}

/// Esc outside prompts, with a filter set: every message shows again, the selection stays.
pub(super) fn clear(state: &mut AppState) -> Vec<Effect> {
    let effects = apply(state, None);
    state.notify(Level::Info, "filter cleared");
    effects
}

/// Sets the filter, keeping the selected message selected (or the nearest one shown).
pub(super) fn apply(state: &mut AppState, query: Option<Query>) -> Vec<Effect> {
    let t = &mut state.timeline;
    if t.data.filter() == query.as_ref() {
        return vec![];
    }
    let selected = t.data.index_at(t.selected);
    t.data.set_filter(query);
    t.selected = selected.and_then(|i| t.data.nearest_row(i)).unwrap_or(0);
    if !t.data.is_empty() {
        state.message_source = MessageSource::Timeline;
    }
    keep_selection_visible(state);
    more_messages(state)
}

/// The text a prompt of `kind` opens with: the filter or search in force.
pub(super) fn current(state: &AppState, kind: PromptKind) -> String {
    match kind {
        PromptKind::Filter => state
            .timeline
            .data
            .filter()
            .map(|q| q.source.clone())
            .unwrap_or_default(),
        PromptKind::RawSearch => state
            .overlays
            .raw()
            .and_then(|r| r.search.as_ref())
            .map(|s| s.text.clone())
            .unwrap_or_default(),
        PromptKind::Jump | PromptKind::Search => String::new(),
    }
}
