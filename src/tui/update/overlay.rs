//! The overlay stack's own actions: help, the copy menu, the raw view and the request log.

use std::sync::Arc;

use crate::acs::Exchange;

use super::super::action::Action;
use super::super::copy::{self, CopyTarget, Json};
use super::super::keymap::{self, Context};
use super::super::raw::{self, RawScope, RawView};
use super::super::state::{
    AppState, DetailTab, Focus, Level, Listing, MessageSource, Overlay, Slot,
};
use super::Effect;

/// Opens the overlay, or closes it when it is on top already.
fn toggle(state: &mut AppState, context: Context, overlay: Overlay) -> Vec<Effect> {
    if state.overlays.top_is(context) {
        state.overlays.pop();
    } else {
        state.overlays.push(overlay);
    }
    vec![]
}

pub(super) fn toggle_help(state: &mut AppState) -> Vec<Effect> {
    toggle(state, Context::Help, Overlay::Help(0))
}

pub(super) fn toggle_log(state: &mut AppState) -> Vec<Effect> {
    toggle(state, Context::Log, Overlay::Log(0))
}

pub(super) fn toggle_notices(state: &mut AppState) -> Vec<Effect> {
    toggle(state, Context::Notices, Overlay::Notices(0))
}

/// `n` / `N` in the raw view.
pub(super) fn search_step(state: &mut AppState, forward: bool) -> Vec<Effect> {
    let search = keymap::label(Context::Raw, &Action::StartRawSearch);
    let rows = super::navigate::overlay_rows(state);
    match state.overlays.raw_mut() {
        Some(raw) if raw.search.is_some() => {
            raw.step_search(forward);
            raw.clamp(rows);
        }
        _ => state.notify(Level::Info, format!("no search yet: {search} starts one")),
    }
    vec![]
}

/// `p` in the raw view: a message's own JSON, or the whole page it came in.
pub(super) fn toggle_raw_scope(state: &mut AppState) -> Vec<Effect> {
    let (time, now, width) = (state.time_display, state.now, raw::width(state.size));
    let selected = selected_message_id(state);
    let Some(view) = state.overlays.raw() else {
        return vec![];
    };
    let scope = match (&view.scope, selected) {
        (RawScope::Message(_), _) => RawScope::Exchange,
        (RawScope::Exchange, Some(id)) if raw::message_json(&view.exchange.body, &id).is_some() => {
            RawScope::Message(id)
        }
        (RawScope::Exchange, _) => {
            state.notify(
                Level::Info,
                "no selected message in this answer: the whole of it is shown",
            );
            return vec![];
        }
    };
    if let Some(view) = state.overlays.raw_mut() {
        view.scope = scope;
        view.scroll = 0;
        view.rebuild(time, now, width);
    }
    vec![]
}

/// The id of the message a raw view of the timeline (or the Message tab) is about.
fn selected_message_id(state: &AppState) -> Option<String> {
    let timeline = state.focus == Focus::Timeline
        || (state.tab == DetailTab::Message && state.message_source == MessageSource::Timeline);
    if timeline {
        return state.selected_message().map(|m| m.id);
    }
    match (state.tab, &state.message) {
        (DetailTab::Message, Some(m)) => Some(m.value.id.clone()),
        _ => None,
    }
}

pub(super) fn toggle_raw(state: &mut AppState) -> Vec<Effect> {
    if state.overlays.top_is(Context::Raw) {
        state.overlays.pop();
        return vec![];
    }
    match current_exchange(state) {
        Some(exchange) => {
            let scope = selected_message_id(state).map_or(RawScope::Exchange, RawScope::Message);
            let view = raw_view_of(state, exchange, scope);
            state.overlays.push(Overlay::Raw(view));
        }
        None => {
            let log = keymap::label(Context::Results, &Action::ToggleLog);
            state.notify(
                Level::Info,
                format!("no response here yet: fetch first ({log} lists every request)"),
            );
        }
    }
    vec![]
}

pub(super) fn open_copy(state: &mut AppState) -> Vec<Effect> {
    let choices = copy_choices(state);
    if choices.is_empty() {
        state.notify(Level::Info, "nothing to copy here yet");
        return vec![];
    }
    state.overlays.push(Overlay::Copy(copy::CopyMenu {
        choices,
        selected: 0,
    }));
    vec![]
}

fn copy_choices(state: &AppState) -> Vec<copy::Choice> {
    if let Some(Overlay::Raw(raw)) = state.overlays.top() {
        let message = match &raw.scope {
            RawScope::Message(id) => raw::message_json(&raw.exchange.body, id)
                .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok()),
            RawScope::Exchange => None,
        };
        let id = match &raw.scope {
            RawScope::Message(id) => Some(id.clone()),
            RawScope::Exchange => None,
        };
        let item = message.as_ref().map(|m| m as &dyn Json);
        return copy::choices(id, item, Some(&raw.exchange));
    }
    let exchange = current_exchange(state);
    let message = match state.focus {
        Focus::Timeline => state.selected_message().map(std::borrow::Cow::Owned),
        _ => state.shown_message(),
    };
    let (id, item): (Option<String>, Option<&dyn Json>) = match (state.focus, state.tab) {
        (Focus::Timeline, _) | (_, DetailTab::Message) => match &message {
            Some(m) => (Some(m.id.clone()), Some(m.as_ref() as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Thread) => match &state.thread {
            Some(f) => (Some(f.value.id.clone()), Some(&f.value as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Participants) => match state.participants.selected_item() {
            Some(p) => (
                Some(p.communication_identifier.raw_id()),
                Some(p as &dyn Json),
            ),
            None => (None, None),
        },
        (_, DetailTab::Receipts) => match state.receipts.selected_item() {
            Some(r) => (Some(r.chat_message_id.clone()), Some(r as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Threads) => match state.threads.selected_item() {
            Some(t) => (Some(t.id.clone()), Some(t as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Token) => (None, None),
        (_, DetailTab::Findings) => {
            match state
                .findings
                .as_ref()
                .and_then(|f| f.diagnosis.findings.get(f.selected))
            {
                Some(finding) => (
                    Some(finding.code.as_str().to_string()),
                    Some(finding as &dyn Json),
                ),
                None => (None, None),
            }
        }
    };
    copy::choices(id, item, exchange.as_ref())
}

pub(super) fn copy_target(state: &mut AppState, target: CopyTarget) -> Vec<Effect> {
    let choice = match state.overlays.top() {
        Some(Overlay::Copy(menu)) => menu.find(target).cloned(),
        _ => None,
    };
    let Some(choice) = choice else {
        state.notify(Level::Info, format!("no {} to copy here", target.label()));
        return vec![];
    };
    state.overlays.pop();
    vec![Effect::Copy {
        target: choice.target,
        text: choice.text,
    }]
}

pub(super) fn raw_view_of(state: &AppState, exchange: Arc<Exchange>, scope: RawScope) -> RawView {
    RawView::new(
        exchange,
        scope,
        (state.time_display, state.now),
        raw::width(state.size),
    )
}

/// The raw views' lines follow the terminal width and the time display.
pub(super) fn rebuild_raw(state: &mut AppState) {
    let (time, now, width) = (state.time_display, state.now, raw::width(state.size));
    for overlay in state.overlays.iter_mut() {
        if let Overlay::Raw(view) = overlay {
            view.rebuild(time, now, width);
        }
    }
}

/// The exchange behind what has focus: the selected message's page, a panel's answer, or the
/// failed request's last exchange.
pub(super) fn current_exchange(state: &AppState) -> Option<Arc<Exchange>> {
    let t = &state.timeline;
    let timeline = || {
        t.data
            .row(t.selected)
            .and_then(|e| t.data.pages.get(e.page as usize).cloned())
            .or_else(|| state.logged(Slot::Timeline))
    };
    if state.focus == Focus::Timeline {
        return timeline();
    }
    let fetched = |exchange: Option<Arc<Exchange>>, slot| exchange.or_else(|| state.logged(slot));
    match state.tab {
        DetailTab::Thread => fetched(
            state.thread.as_ref().map(|f| f.exchange.clone()),
            Slot::Thread,
        ),
        DetailTab::Message => match state.message_source {
            MessageSource::Fetched => fetched(
                state.message.as_ref().map(|f| f.exchange.clone()),
                Slot::Message,
            ),
            MessageSource::Timeline => timeline(),
        },
        DetailTab::Participants => listing_exchange(state, &state.participants, Slot::Participants),
        DetailTab::Receipts => listing_exchange(state, &state.receipts, Slot::Receipts),
        DetailTab::Threads => listing_exchange(state, &state.threads, Slot::Threads),
        DetailTab::Token | DetailTab::Findings => None,
    }
}

fn listing_exchange<T>(state: &AppState, list: &Listing<T>, slot: Slot) -> Option<Arc<Exchange>> {
    list.selected_page().cloned().or_else(|| state.logged(slot))
}
