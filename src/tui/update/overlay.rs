//! Overlays on the results: the raw view, and the copy menu.

use super::*;

pub(super) fn open_copy(state: &mut AppState) -> Vec<Effect> {
    let choices = copy_choices(state);
    if choices.is_empty() {
        state.notify(Level::Info, "nothing to copy here yet");
        return vec![];
    }
    state.copy = Some(CopyMenu {
        choices,
        selected: 0,
    });
    vec![]
}

pub(super) fn copy_choices(state: &AppState) -> Vec<copy::Choice> {
    if let Some(raw) = &state.raw {
        return copy::choices(None, None, Some(&raw.exchange));
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
        (_, DetailTab::Participants) => {
            match state.participants.items.get(state.participants.selected) {
                Some(p) => (
                    Some(p.communication_identifier.raw_id()),
                    Some(p as &dyn Json),
                ),
                None => (None, None),
            }
        }
        (_, DetailTab::Receipts) => match state.receipts.items.get(state.receipts.selected) {
            Some(r) => (Some(r.chat_message_id.clone()), Some(r as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Threads) => match state.threads.items.get(state.threads.selected) {
            Some(t) => (Some(t.id.clone()), Some(t as &dyn Json)),
            None => (None, None),
        },
        (_, DetailTab::Token) => (None, None),
    };
    copy::choices(id, item, exchange.as_ref())
}

pub(super) fn copy_target(state: &mut AppState, target: CopyTarget) -> Vec<Effect> {
    let Some(choice) = state.copy.as_ref().and_then(|m| m.find(target)).cloned() else {
        state.notify(Level::Info, format!("no {} to copy here", target.label()));
        return vec![];
    };
    state.copy = None;
    vec![Effect::Copy {
        target: choice.target,
        text: choice.text,
    }]
}

pub(super) fn raw_view_of(state: &AppState, exchange: Arc<Exchange>) -> RawView {
    RawView::new(
        exchange,
        state.time_display,
        state.now,
        raw::width(state.size),
    )
}

/// The raw view's lines follow the terminal width and the time display.
pub(super) fn rebuild_raw(state: &mut AppState) {
    let (time, now, width) = (state.time_display, state.now, raw::width(state.size));
    if let Some(view) = &mut state.raw {
        view.rebuild(time, now, width);
    }
}

pub(super) fn toggle_raw(state: &mut AppState) -> Vec<Effect> {
    if state.raw.take().is_some() {
        return vec![];
    }
    match current_exchange(state) {
        Some(exchange) => state.raw = Some(raw_view_of(state, exchange)),
        None => state.notify(
            Level::Info,
            "no response here yet: fetch first (l lists every request)",
        ),
    }
    vec![]
}

/// The exchange behind what has focus: the selected message's page, a panel's answer, or the
/// failed request's last exchange.
pub(super) fn current_exchange(state: &AppState) -> Option<Arc<Exchange>> {
    let t = &state.timeline;
    let timeline = || {
        t.data
            .row(t.selected)
            .and_then(|e| t.data.pages.get(e.page as usize).cloned())
            .or_else(|| state.logged(t.origin))
    };
    if state.focus == Focus::Timeline {
        return timeline();
    }
    match state.tab {
        DetailTab::Thread => state
            .thread
            .as_ref()
            .map(|f| f.exchange.clone())
            .or_else(|| state.logged(state.thread_origin)),
        DetailTab::Message => match state.message_source {
            MessageSource::Fetched => state
                .message
                .as_ref()
                .map(|f| f.exchange.clone())
                .or_else(|| state.logged(state.message_origin)),
            MessageSource::Timeline => timeline(),
        },
        DetailTab::Participants => listing_exchange(state, &state.participants),
        DetailTab::Receipts => listing_exchange(state, &state.receipts),
        DetailTab::Threads => listing_exchange(state, &state.threads),
        DetailTab::Token => None,
    }
}

pub(super) fn listing_exchange<T>(state: &AppState, list: &Listing<T>) -> Option<Arc<Exchange>> {
    list.selected_page()
        .cloned()
        .or_else(|| state.logged(list.origin))
}
