//! Live mode (`w`): the open thread is watched; new messages come in at the top with a marker,
//! edits and deletes change their rows in place, a topic change the thread panel.

use chrono::{DateTime, Utc};

use crate::acs::{AcsError, ChatMessage, Exchange};
use crate::watch::{ChangeKind, WatchEvent};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Level, Live, MessageSource};
use super::Effect;
use super::fetch::checked;
use super::navigate::keep_selection_visible;

/// How many of the newest messages shown the watch starts from (what it reports is after them).
const BASELINE: usize = 50;

pub(super) fn toggle(state: &mut AppState) -> Vec<Effect> {
    if let Some(live) = state.live.take() {
        state.notify(Level::Info, "live mode off");
        return vec![Effect::Cancel(live.request_id)];
    }
    let thread_id = match &state.thread {
        Some(thread) => thread.value.id.clone(),
        None => {
            state.notify(
                Level::Info,
                "live mode watches the open thread: open one first",
            );
            return vec![];
        }
    };
    let Some(target) = checked(state) else {
        return vec![];
    };
    let baseline = (0..state.timeline.data.loaded().min(BASELINE))
        .filter_map(|i| state.timeline.data.entry(i))
        .filter_map(|e| serde_json::to_value(e.message()).ok())
        .collect();
    let request_id = state.take_request_id();
    state.live = Some(Live {
        request_id,
        ..Live::default()
    });
    let off = keymap::key(Context::Results, &Action::ToggleLive);
    state.notify(
        Level::Info,
        format!("live mode: watching the thread for changes ({off} stops)"),
    );
    vec![Effect::Watch {
        request_id,
        config: Box::new(target.config),
        thread_id,
        baseline,
        interval: state.settings.live_interval,
    }]
}

/// Takes one poll's changes in.
pub(super) fn watched(
    state: &mut AppState,
    request_id: u64,
    events: Vec<WatchEvent>,
    at: DateTime<Utc>,
) -> Vec<Effect> {
    let Some(live) = state.live.as_mut().filter(|l| l.request_id == request_id) else {
        return vec![];
    };
    live.checked_at = Some(at);
    let mut arrived = Vec::new();
    for event in events {
        let Ok(message) = serde_json::from_value::<ChatMessage>(event.message.clone()) else {
            continue;
        };
        if let (ChangeKind::TopicChanged, Some(topic), Some(thread)) =
            (event.event, &event.topic, state.thread.as_mut())
        {
            thread.value.topic = topic.clone();
        }
        let live = state.live.as_mut().expect("checked above");
        if state.timeline.data.replace(&message) {
            live.changed.insert(message.id.clone());
        } else {
            live.new.insert(message.id.clone());
            arrived.push(message);
        }
    }
    if !arrived.is_empty() {
        add_newest(state, arrived);
    }
    vec![]
}

/// New messages go in at the top (newest first); the selection stays on its message.
fn add_newest(state: &mut AppState, mut arrived: Vec<ChatMessage>) {
    arrived.sort_by_key(|m| std::cmp::Reverse(m.sequence().unwrap_or(0)));
    let count = arrived.len();
    let t = &mut state.timeline;
    let shown = t
        .data
        .prepend(arrived, std::sync::Arc::new(Exchange::default()));
    if !t.data.oldest_first && state.message_source == MessageSource::Timeline {
        t.selected += shown;
    }
    keep_selection_visible(state);
    state.notify(
        Level::Info,
        format!("live: {count} new message(s) at the top"),
    );
}

/// Live mode ended by itself: say why.
pub(super) fn ended(state: &mut AppState, request_id: u64, e: AcsError) -> Vec<Effect> {
    if state
        .live
        .as_ref()
        .is_some_and(|l| l.request_id == request_id)
    {
        state.live = None;
        state.notify(Level::Error, format!("live mode stopped: {e}"));
    }
    vec![]
}
