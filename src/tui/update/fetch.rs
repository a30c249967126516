//! Fetching: validating the fields, starting and cancelling requests, and taking their results in.

use super::*;

pub(super) fn export(state: &mut AppState, redacted: bool) -> Vec<Effect> {
    if state.export_status.is_loading() {
        state.notify(
            Level::Info,
            "an export is already being written (Esc cancels it)",
        );
        return vec![];
    }
    let target = match validate(state) {
        Ok(target) => target,
        Err(message) => {
            state.input_error = Some(message);
            return vec![];
        }
    };
    let loaded = state.thread.as_ref().map(|t| t.value.id.clone());
    let Some(thread_id) = loaded.or(target.thread_id) else {
        state.notify(Level::Warn, "no thread to export: open one first");
        return vec![];
    };
    let request_id = state.take_request_id();
    let path = state
        .settings
        .export_dir
        .join(crate::export::bundle_file_name(
            &thread_id, state.now, redacted,
        ));
    state.export_status = LoadStatus::Loading {
        started: state.now,
        request_id,
    };
    state.export_progress = None;
    let kind = if redacted {
        "redacted bundle"
    } else {
        "bundle"
    };
    state.notify(Level::Info, format!("exporting the {kind} of {thread_id}"));
    vec![Effect::Export {
        request_id,
        config: Box::new(target.config),
        thread_id,
        path,
        redacted,
    }]
}

/// Every request that may still send results.
pub(super) fn waiting_ids(state: &AppState) -> Vec<u64> {
    [
        state.thread_status.request_id(),
        state.message_status.request_id(),
        state.timeline.request_id,
        state.participants.status.request_id(),
        state.receipts.status.request_id(),
        state.threads.status.request_id(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the input fields ask for, validated; `Err` is the message to show.
pub(super) struct Target {
    pub(super) config: ClientConfig,
    pub(super) thread_id: Option<String>,
    pub(super) message_id: Option<String>,
    pub(super) warning: Option<String>,
    pub(super) token: TokenInfo,
}

pub(super) fn validate(state: &AppState) -> Result<Target, String> {
    let endpoint = Endpoint::parse(&state.value(Field::Endpoint)).map_err(|e| e.to_string())?;
    let token = state.value(Field::Token);
    if token.trim().is_empty() {
        return Err("no token: paste an ACS user access token into the Token field (or set AZURE_COMMUNICATION_ACCESS_TOKEN)".into());
    }
    let info = decode_token(&token, state.now).map_err(|e| format!("token: {e}"))?;
    let warning = if info.expired {
        Some("the token has expired: expect 401 Unauthorized; get a fresh token".to_string())
    } else {
        info.warnings.first().cloned()
    };
    let thread = state.value(Field::Thread);
    let thread_id = match thread.trim() {
        "" => None,
        id => Some(
            validate_thread_id(id)
                .map_err(|e| e.to_string())?
                .to_string(),
        ),
    };
    let message = state.value(Field::Message);
    let message_id = match message.trim() {
        "" => None,
        _ if thread_id.is_none() => return Err("a message id needs a thread id".into()),
        id => Some(
            validate_message_id(id)
                .map_err(|e| e.to_string())?
                .to_string(),
        ),
    };
    let mut config = ClientConfig::new(endpoint, AccessToken::new(token.trim()));
    config.api_version = state.settings.api_version.clone();
    config.timeout = state.settings.timeout;
    config.retry = RetryPolicy {
        max_retries: state.settings.retries,
        ..RetryPolicy::default()
    };
    Ok(Target {
        config,
        thread_id,
        message_id,
        warning,
        token: info,
    })
}

pub(super) fn fetch(state: &mut AppState) -> Vec<Effect> {
    let refresh = restart_overdue_refresh(state);
    let mut effects = fetch_fields(state);
    effects.extend(refresh);
    effects
}

fn fetch_fields(state: &mut AppState) -> Vec<Effect> {
    let target = match validate(state) {
        Ok(target) => target,
        Err(message) => {
            state.input_error = Some(message);
            return vec![];
        }
    };
    state.input_error = None;
    state.retry = None;
    state.token = Some(target.token);
    if state.focus.is_field() {
        // Results arrive next; keys like ? and q should work on them without leaving the field first.
        state.focus = Focus::Timeline;
        state.sync_field_styles();
    }
    state.notice = target.warning.map(|text| crate::tui::state::Notice {
        level: Level::Warn,
        text,
    });
    let mut effects = cancel_all(state);
    let now = state.now;
    let mut start = |state: &mut AppState, request: Request| {
        let request_id = state.take_request_id();
        effects.push(Effect::Fetch {
            request_id,
            config: Box::new(target.config.clone()),
            request,
        });
        LoadStatus::Loading {
            started: now,
            request_id,
        }
    };
    state.threads = Listing::default();
    state.threads.status = start(state, Request::Threads);
    state.thread = None;
    state.message = None;
    state.message_status = LoadStatus::Idle;
    state.timeline = Default::default();
    state.participants = Listing::default();
    state.receipts = Listing::default();
    state.detail_scroll = 0;
    let Some(thread_id) = target.thread_id else {
        state.thread_status = LoadStatus::Idle;
        show_tab(state, DetailTab::Threads);
        state.notify(
            Level::Info,
            "no thread id: listing the token user's threads (Enter opens one)",
        );
        record_origins(state);
        return effects;
    };
    state.thread_status = start(
        state,
        Request::Thread {
            thread_id: thread_id.clone(),
        },
    );
    if let Some(message_id) = target.message_id {
        let request = Request::Message {
            thread_id: thread_id.clone(),
            message_id,
        };
        state.message_status = start(state, request);
        state.message_source = MessageSource::Fetched;
        state.tab = DetailTab::Message;
    } else {
        state.message_source = MessageSource::Timeline;
    }
    let page_size = state.settings.page_size;
    state.timeline.status = start(
        state,
        Request::Messages {
            thread_id: thread_id.clone(),
            page_size,
        },
    );
    state.timeline.request_id = state.timeline.status.request_id();
    state.timeline.page_pending = true;
    state.participants.status = start(
        state,
        Request::Participants {
            thread_id: thread_id.clone(),
        },
    );
    state.receipts.status = start(state, Request::Receipts { thread_id });
    if state.tab == DetailTab::Threads {
        state.tab = DetailTab::Thread;
    }
    record_origins(state);
    effects
}

/// Remembers which request fills each panel, so its exchange can be found after it fails.
pub(super) fn record_origins(state: &mut AppState) {
    state.thread_origin = state.thread_status.request_id();
    state.message_origin = state.message_status.request_id();
    state.timeline.origin = state.timeline.status.request_id();
    state.participants.origin = state.participants.status.request_id();
    state.receipts.origin = state.receipts.status.request_id();
    state.threads.origin = state.threads.status.request_id();
}

/// Cancels every request that may still send results.
pub(super) fn cancel_all(state: &mut AppState) -> Vec<Effect> {
    waiting_ids(state).into_iter().map(Effect::Cancel).collect()
}

pub(super) fn cancel(state: &mut AppState) -> Vec<Effect> {
    if state.help.take().is_some()
        || state.copy.take().is_some()
        || state.raw.take().is_some()
        || state.log.take().is_some()
        || state.profiles.take().is_some()
    {
        return vec![];
    }
    if state.prompt.take().is_some() {
        return vec![];
    }
    if state.is_loading() || state.timeline.page_pending {
        let mut effects = cancel_all(state);
        effects.extend(state.export_status.request_id().map(Effect::Cancel));
        effects.extend(state.mint_status.request_id().map(Effect::Cancel));
        for status in [
            &mut state.profile_status,
            &mut state.mint_status,
            &mut state.thread_status,
            &mut state.message_status,
            &mut state.timeline.status,
            &mut state.participants.status,
            &mut state.receipts.status,
            &mut state.threads.status,
            &mut state.export_status,
        ] {
            if status.is_loading() {
                *status = LoadStatus::Cancelled;
            }
        }
        state.timeline.request_id = None;
        state.timeline.page_pending = false;
        state.retry = None;
        state.notify(Level::Warn, "cancelled; Enter fetches again");
        return effects;
    }
    if state.timeline.data.filter().is_some() {
        state.timeline.data.set_filter("");
        state.timeline.selected = 0;
        state.timeline.offset = 0;
        state.notify(Level::Info, "filter cleared");
    }
    vec![]
}

/// Asks for the next page when the selection nears the end of what is loaded.
pub(super) fn more_messages(state: &mut AppState) -> Vec<Effect> {
    let rows = layout::timeline_rows(state.size).max(1);
    let t = &mut state.timeline;
    let Some(id) = t.request_id else {
        return vec![];
    };
    let remaining = t.data.len().saturating_sub(t.selected + 1);
    let near_end = if t.data.oldest_first {
        t.selected < rows * 2
    } else {
        remaining < rows * 2
    };
    if !t.has_more || t.page_pending || !near_end {
        return vec![];
    }
    t.page_pending = true;
    t.status = LoadStatus::Loading {
        started: state.now,
        request_id: id,
    };
    vec![Effect::MoreMessages(id)]
}

pub(super) fn messages_page(
    state: &mut AppState,
    page: PageOutcome<crate::acs::ChatMessage>,
) -> Vec<Effect> {
    if state.timeline.request_id != Some(page.request_id) || !state.timeline.status.is_loading() {
        return vec![];
    }
    state.retry = None;
    state.timeline.page_pending = false;
    let fetched = match page.result {
        Ok(fetched) => fetched,
        Err(e) => {
            state.timeline.status = LoadStatus::Failed(e);
            state.timeline.request_id = None;
            return vec![];
        }
    };
    let t = &mut state.timeline;
    let was_empty = t.data.is_empty();
    let Page { value, .. } = fetched.value;
    let shown = t.data.push_page(value, fetched.exchange);
    if t.data.oldest_first && !was_empty {
        t.selected += shown;
        t.offset += shown;
    }
    t.has_more = page.has_more;
    t.status = LoadStatus::Loaded;
    if t.follow_end {
        t.selected = t.data.len().saturating_sub(1);
    }
    if !page.has_more {
        t.request_id = None;
        t.follow_end = false;
    }
    t.data.set_receipts(&state.receipts.items);
    if was_empty {
        select_fetched_message(state);
    }
    keep_selection_visible(state);
    more_messages(state)
}

/// With a message id given, the timeline opens on that message so its neighbours are in view.
pub(super) fn select_fetched_message(state: &mut AppState) {
    if state.message_source != MessageSource::Fetched {
        return;
    }
    let id = state.value(Field::Message);
    let t = &mut state.timeline;
    if let Some(row) = t.data.find(id.trim()).and_then(|i| t.data.row_of(i)) {
        t.selected = row;
    }
}

/// Adds a page to a list; `true` when items were added.
pub(super) fn list_page<T>(
    list: &mut Listing<T>,
    page: PageOutcome<T>,
    retry: &mut Option<RetryNotice>,
) -> bool {
    if !list.status.awaits(page.request_id) {
        return false;
    }
    *retry = None;
    match page.result {
        Ok(fetched) => {
            list.page_starts.push(list.items.len());
            list.items.extend(fetched.value.value);
            list.pages.push(fetched.exchange);
            if !page.has_more {
                list.status = LoadStatus::Loaded;
            }
            true
        }
        Err(e) => {
            list.status = LoadStatus::Failed(e);
            false
        }
    }
}

/// A message id that is not loaded is fetched by id into the message tab; a sequence id cannot be.
pub(super) fn fetch_one_message(state: &mut AppState, text: &str) -> Vec<Effect> {
    let loaded = state.timeline.data.loaded();
    let more = if state.timeline.has_more {
        "; more pages exist (G loads them)"
    } else {
        ""
    };
    let looks_like_id = text.len() >= 10 && text.chars().all(|c| c.is_ascii_digit());
    if !looks_like_id {
        let message =
            format!("no loaded message has id or sequence id {text} ({loaded} loaded{more})");
        state.notify(Level::Warn, message);
        return vec![];
    }
    state.set_value(Field::Message, text);
    let target = match validate(state) {
        Ok(Target {
            thread_id: Some(thread_id),
            config,
            ..
        }) => (thread_id, config),
        Ok(_) => {
            state.notify(Level::Warn, "a message id needs a thread id");
            return vec![];
        }
        Err(message) => {
            state.input_error = Some(message);
            return vec![];
        }
    };
    let (thread_id, config) = target;
    let mut effects: Vec<Effect> = state
        .message_status
        .request_id()
        .map(Effect::Cancel)
        .into_iter()
        .collect();
    let request_id = state.take_request_id();
    let request = Request::Message {
        thread_id,
        message_id: text.to_string(),
    };
    effects.push(Effect::Fetch {
        request_id,
        config: Box::new(config),
        request,
    });
    state.message = None;
    state.message_status = LoadStatus::Loading {
        started: state.now,
        request_id,
    };
    state.message_origin = Some(request_id);
    state.message_source = MessageSource::Fetched;
    state.notify(
        Level::Info,
        format!("message {text} is not among the {loaded} loaded; fetching it by id"),
    );
    show_tab(state, DetailTab::Message);
    effects
}

pub(super) fn thread_loaded(
    state: &mut AppState,
    request_id: u64,
    result: crate::tui::action::Outcome<crate::acs::ChatThreadProperties>,
) -> Vec<Effect> {
    if !state.thread_status.awaits(request_id) {
        return vec![];
    }
    state.retry = None;
    let thread = match result {
        Ok(thread) => thread,
        Err(e) => {
            state.thread_status = LoadStatus::Failed(e);
            return vec![];
        }
    };
    let thread_id = thread.value.id.clone();
    state.thread = Some(thread);
    state.thread_status = LoadStatus::Loaded;
    let Some(profile) = state.settings.remember_as.clone() else {
        return vec![];
    };
    state.recent_threads.retain(|t| *t != thread_id);
    state.recent_threads.insert(0, thread_id.clone());
    let Some(file) = state.settings.state_file.clone() else {
        return vec![];
    };
    vec![Effect::RememberThread {
        file,
        profile,
        thread_id,
    }]
}

/// Puts the next recently opened thread in the Thread field and opens it.
pub(super) fn open_recent(state: &mut AppState) -> Vec<Effect> {
    if state.recent_threads.is_empty() {
        state.notify(Level::Info, "no thread opened on this machine yet");
        return vec![];
    }
    let current = state.value(Field::Thread);
    let count = state.recent_threads.len();
    // Skip the thread that is open already.
    let mut index = state.recent_index % count;
    if state.recent_threads[index] == current.trim() && count > 1 {
        index = (index + 1) % count;
    }
    state.recent_index = index + 1;
    let thread_id = state.recent_threads[index].clone();
    state.set_value(Field::Thread, &thread_id);
    state.set_value(Field::Message, "");
    let effects = fetch(state);
    if state.input_error.is_none() {
        state.notify(
            Level::Info,
            format!("recent thread {}/{count}: {thread_id}", index + 1),
        );
    }
    effects
}
