//! `update(state, action) -> effects`: every state change, with side effects returned as data.

use std::sync::Arc;

use ratatui_textarea::{Input, Key, TextArea};

use crate::acs::endpoint::{validate_message_id, validate_thread_id};
use crate::acs::token::{TokenInfo, decode_token};
use crate::acs::{AccessToken, ClientConfig, Endpoint, Exchange, Page, RetryPolicy};

use super::action::{Action, PageOutcome};
use super::copy::{self, CopyMenu, CopyTarget, Json};
use super::raw::{self, RawView};
use super::state::{
    AppState, DetailTab, Field, Focus, Level, Listing, LoadStatus, LoggedExchange, MAX_EXCHANGES,
    MessageSource, Prompt, PromptKind, RetryNotice, single_line,
};
use super::view::layout;

/// A request the task runner performs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Thread {
        thread_id: String,
    },
    Message {
        thread_id: String,
        message_id: String,
    },
    /// Streams pages on demand (see [`Effect::MoreMessages`]).
    Messages {
        thread_id: String,
        page_size: u32,
    },
    Participants {
        thread_id: String,
    },
    Receipts {
        thread_id: String,
    },
    Threads,
}

/// A side effect for the task runner.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Start a request; its results come back as actions tagged `request_id`.
    Fetch {
        request_id: u64,
        config: Box<ClientConfig>,
        request: Request,
    },
    /// Stop a request at once (during a retry wait too).
    Cancel(u64),
    /// Fetch the next page of a message listing.
    MoreMessages(u64),
    /// Build the thread's bundle and write it to `path`.
    Export {
        request_id: u64,
        config: Box<ClientConfig>,
        thread_id: String,
        path: std::path::PathBuf,
        redacted: bool,
    },
    /// Put text on the clipboard (OSC 52, so it works over SSH) unless it holds the token;
    /// the outcome comes back as [`Action::Copied`].
    Copy { target: CopyTarget, text: String },
    /// Leave the program.
    Quit,
}

/// Applies one action.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::FocusNext => set_focus(state, state.focus.next()),
        Action::FocusPrev => set_focus(state, state.focus.prev()),
        Action::LeaveField => set_focus(state, Focus::Timeline),
        Action::Fetch => fetch(state),
        Action::Activate => activate(state),
        Action::Cancel => cancel(state),
        Action::ToggleHelp => {
            state.help = if state.help.is_some() { None } else { Some(0) };
            vec![]
        }
        Action::ToggleRaw => toggle_raw(state),
        Action::OpenCopy => open_copy(state),
        Action::CopyTarget(target) => copy_target(state, target),
        Action::Copied(result) => {
            match result {
                Ok(status) => state.notify(Level::Info, status),
                Err(why) => state.notify(Level::Warn, why),
            }
            vec![]
        }
        Action::ToggleLog => {
            state.log = if state.log.is_some() { None } else { Some(0) };
            vec![]
        }
        Action::ScrollDown => scroll(state, 1),
        Action::ScrollUp => scroll(state, -1),
        Action::PageDown => scroll(state, page(state)),
        Action::PageUp => scroll(state, -page(state)),
        Action::ScrollDetail(delta) => scroll_detail(state, isize::from(delta)),
        Action::First => scroll(state, isize::MIN / 2),
        Action::Last => scroll(state, isize::MAX / 2),
        Action::StartFilter => open_prompt(state, PromptKind::Filter),
        Action::StartJump => open_prompt(state, PromptKind::Jump),
        Action::PromptSubmit => submit_prompt(state),
        Action::ToggleOrder => toggle_order(state),
        Action::CycleApiVersion => {
            let current = &state.settings.api_version;
            let known = crate::acs::KNOWN_API_VERSIONS;
            let next = known
                .iter()
                .position(|v| v == current)
                .map_or(0, |i| (i + 1) % known.len());
            state.settings.api_version = known[next].to_string();
            state.notify(
                Level::Info,
                format!("api-version {} (Enter fetches with it)", known[next]),
            );
            vec![]
        }
        Action::CycleTime => {
            state.time_display = state.time_display.next();
            rebuild_raw(state);
            state.notify(
                Level::Info,
                format!("times shown as {}", state.time_display.label()),
            );
            vec![]
        }
        Action::RevealToken => {
            state.toggle_token_mask();
            let shown = if state.token_revealed {
                "shown in clear"
            } else {
                "masked"
            };
            state.notify(Level::Info, format!("token {shown} (s toggles)"));
            vec![]
        }
        Action::NextTab => show_tab(state, state.tab.next()),
        Action::PrevTab => show_tab(state, state.tab.prev()),
        Action::ShowTab(tab) => show_tab(state, tab),
        Action::Export { redacted } => export(state, redacted),
        Action::ExportProgress { request_id, text } => {
            if state.export_status.awaits(request_id) {
                state.export_progress = Some(text);
            }
            vec![]
        }
        Action::Exported { request_id, result } => {
            if state.export_status.awaits(request_id) {
                state.retry = None;
                state.export_status = LoadStatus::Loaded;
                state.export_progress = None;
                match result {
                    Ok((path, counts)) => state.notify(
                        Level::Info,
                        format!("exported to {} ({counts})", path.display()),
                    ),
                    Err(e) => state.notify(Level::Error, format!("export failed: {e}")),
                }
            }
            vec![]
        }
        Action::TextInput(input) => text_input(state, input),
        Action::Paste(text) => paste(state, &text),
        Action::Resize { width, height } => {
            state.size = (width, height);
            keep_selection_visible(state);
            rebuild_raw(state);
            vec![]
        }
        Action::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            vec![]
        }
        Action::ThreadLoaded { request_id, result } => {
            if state.thread_status.awaits(request_id) {
                state.retry = None;
                match result {
                    Ok(thread) => {
                        state.thread = Some(thread);
                        state.thread_status = LoadStatus::Loaded;
                    }
                    Err(e) => state.thread_status = LoadStatus::Failed(e),
                }
            }
            vec![]
        }
        Action::MessageLoaded { request_id, result } => {
            if state.message_status.awaits(request_id) {
                state.retry = None;
                match result {
                    Ok(message) => {
                        state.message = Some(message);
                        state.message_status = LoadStatus::Loaded;
                        state.message_source = MessageSource::Fetched;
                    }
                    Err(e) => state.message_status = LoadStatus::Failed(e),
                }
            }
            vec![]
        }
        Action::MessagesPage(page) => messages_page(state, page),
        Action::ParticipantsPage(page) => {
            list_page(&mut state.participants, page, &mut state.retry);
            vec![]
        }
        Action::ReceiptsPage(page) => {
            if list_page(&mut state.receipts, page, &mut state.retry) {
                state.timeline.data.set_receipts(&state.receipts.items);
            }
            vec![]
        }
        Action::ThreadsPage(page) => {
            list_page(&mut state.threads, page, &mut state.retry);
            vec![]
        }
        Action::Retrying {
            request_id,
            attempt,
            max,
            delay,
            reason,
        } => {
            let exporting = state.export_status.awaits(request_id);
            if exporting || waiting_ids(state).contains(&request_id) {
                state.retry = Some(RetryNotice {
                    attempt,
                    max,
                    delay,
                    reason,
                });
            }
            vec![]
        }
        Action::ExchangeLogged {
            request_id,
            exchange,
        } => {
            if state.exchanges.len() >= MAX_EXCHANGES {
                state.exchanges.pop_front();
            }
            state.exchanges.push_back(LoggedExchange {
                request_id,
                exchange,
            });
            vec![]
        }
    }
}

fn set_focus(state: &mut AppState, focus: Focus) -> Vec<Effect> {
    state.focus = focus;
    state.sync_field_styles();
    vec![]
}

fn export(state: &mut AppState, redacted: bool) -> Vec<Effect> {
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
        .join(crate::export::bundle_file_name(&thread_id, state.now));
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

fn open_copy(state: &mut AppState) -> Vec<Effect> {
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

fn copy_choices(state: &AppState) -> Vec<copy::Choice> {
    if let Some(raw) = &state.raw {
        return copy::choices(None, None, Some(&raw.exchange));
    }
    let exchange = current_exchange(state);
    let t = &state.timeline;
    let message = match state.focus {
        Focus::Timeline => t.data.row(t.selected).map(|e| &e.message),
        _ => state.shown_message(),
    };
    let (id, item): (Option<String>, Option<&dyn Json>) = match (state.focus, state.tab) {
        (Focus::Timeline, _) | (_, DetailTab::Message) => match message {
            Some(m) => (Some(m.id.clone()), Some(m as &dyn Json)),
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

fn copy_target(state: &mut AppState, target: CopyTarget) -> Vec<Effect> {
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

fn raw_view_of(state: &AppState, exchange: Arc<Exchange>) -> RawView {
    RawView::new(
        exchange,
        state.time_display,
        state.now,
        raw::width(state.size),
    )
}

/// The raw view's lines follow the terminal width and the time display.
fn rebuild_raw(state: &mut AppState) {
    let (time, now, width) = (state.time_display, state.now, raw::width(state.size));
    if let Some(view) = &mut state.raw {
        view.rebuild(time, now, width);
    }
}

fn toggle_raw(state: &mut AppState) -> Vec<Effect> {
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
fn current_exchange(state: &AppState) -> Option<Arc<Exchange>> {
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

fn listing_exchange<T>(state: &AppState, list: &Listing<T>) -> Option<Arc<Exchange>> {
    list.selected_page()
        .cloned()
        .or_else(|| state.logged(list.origin))
}

fn show_tab(state: &mut AppState, tab: DetailTab) -> Vec<Effect> {
    state.tab = tab;
    state.detail_scroll = 0;
    // Lists are for picking: j/k and Enter should act on them at once.
    if is_list(tab) && !state.focus.is_field() {
        state.focus = Focus::Details;
    }
    vec![]
}

fn is_list(tab: DetailTab) -> bool {
    matches!(
        tab,
        DetailTab::Participants | DetailTab::Receipts | DetailTab::Threads
    )
}

/// Every request that may still send results.
fn waiting_ids(state: &AppState) -> Vec<u64> {
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
struct Target {
    config: ClientConfig,
    thread_id: Option<String>,
    message_id: Option<String>,
    warning: Option<String>,
    token: TokenInfo,
}

fn validate(state: &AppState) -> Result<Target, String> {
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

fn fetch(state: &mut AppState) -> Vec<Effect> {
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
    state.notice = target.warning.map(|text| super::state::Notice {
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
fn record_origins(state: &mut AppState) {
    state.thread_origin = state.thread_status.request_id();
    state.message_origin = state.message_status.request_id();
    state.timeline.origin = state.timeline.status.request_id();
    state.participants.origin = state.participants.status.request_id();
    state.receipts.origin = state.receipts.status.request_id();
    state.threads.origin = state.threads.status.request_id();
}

/// Cancels every request that may still send results.
fn cancel_all(state: &mut AppState) -> Vec<Effect> {
    waiting_ids(state).into_iter().map(Effect::Cancel).collect()
}

fn activate(state: &mut AppState) -> Vec<Effect> {
    if let Some(menu) = &state.copy {
        let target = menu.choices.get(menu.selected).map(|c| c.target);
        return target.map_or_else(Vec::new, |t| copy_target(state, t));
    }
    if let Some(selected) = state.log {
        // The log lists newest first.
        let index = state.exchanges.len().checked_sub(selected + 1);
        if let Some(exchange) = index
            .and_then(|i| state.exchanges.get(i))
            .map(|l| l.exchange.clone())
        {
            state.raw = Some(raw_view_of(state, exchange));
        }
        return vec![];
    }
    match state.focus {
        Focus::Timeline if !state.timeline.data.is_empty() => {
            state.message_source = MessageSource::Timeline;
            show_tab(state, DetailTab::Message)
        }
        Focus::Details if state.tab == DetailTab::Threads => open_selected_thread(state),
        _ => fetch(state),
    }
}

fn open_selected_thread(state: &mut AppState) -> Vec<Effect> {
    let Some(id) = state
        .threads
        .items
        .get(state.threads.selected)
        .map(|t| t.id.clone())
    else {
        state.notify(Level::Info, "no thread selected");
        return vec![];
    };
    state.set_value(Field::Thread, &id);
    state.set_value(Field::Message, "");
    let effects = fetch(state);
    state.tab = DetailTab::Thread;
    set_focus(state, Focus::Timeline);
    effects
}

fn cancel(state: &mut AppState) -> Vec<Effect> {
    if state.help.take().is_some()
        || state.copy.take().is_some()
        || state.raw.take().is_some()
        || state.log.take().is_some()
    {
        return vec![];
    }
    if state.prompt.take().is_some() {
        return vec![];
    }
    if state.is_loading() || state.timeline.page_pending {
        let mut effects = cancel_all(state);
        effects.extend(state.export_status.request_id().map(Effect::Cancel));
        for status in [
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

fn page(state: &AppState) -> isize {
    layout::timeline_rows(state.size).max(1) as isize
}

fn scroll(state: &mut AppState, delta: isize) -> Vec<Effect> {
    if let Some(offset) = &mut state.help {
        let max = super::view::help::lines().len().saturating_sub(1);
        *offset = step(*offset as usize, delta, max) as u16;
        return vec![];
    }
    if let Some(menu) = &mut state.copy {
        menu.selected = step(menu.selected, delta, menu.choices.len().saturating_sub(1));
        return vec![];
    }
    if let Some(raw) = &mut state.raw {
        let rows = usize::from(state.size.1.saturating_sub(4));
        let max = super::raw_view::max_scroll(raw.lines.len(), rows);
        raw.scroll = step(raw.scroll, delta, max);
        return vec![];
    }
    if let Some(selected) = &mut state.log {
        *selected = step(*selected, delta, state.exchanges.len().saturating_sub(1));
        return vec![];
    }
    match state.focus {
        Focus::Details => scroll_detail(state, delta),
        _ => move_timeline(state, delta),
    }
}

fn scroll_detail(state: &mut AppState, delta: isize) -> Vec<Effect> {
    match state.tab {
        DetailTab::Participants => step_list(&mut state.participants, delta),
        DetailTab::Receipts => step_list(&mut state.receipts, delta),
        DetailTab::Threads => step_list(&mut state.threads, delta),
        DetailTab::Thread | DetailTab::Message | DetailTab::Token => {
            state.detail_scroll = step(state.detail_scroll as usize, delta, 10_000) as u16;
        }
    }
    vec![]
}

fn step(value: usize, delta: isize, max: usize) -> usize {
    value.saturating_add_signed(delta).min(max)
}

fn step_list<T>(list: &mut Listing<T>, delta: isize) {
    list.selected = step(list.selected, delta, list.items.len().saturating_sub(1));
}

fn move_timeline(state: &mut AppState, delta: isize) -> Vec<Effect> {
    let len = state.timeline.data.len();
    if len == 0 {
        return vec![];
    }
    state.timeline.selected = step(state.timeline.selected, delta, len - 1);
    state.message_source = MessageSource::Timeline;
    keep_selection_visible(state);
    more_messages(state)
}

/// Moves the window so the selected row is on screen.
fn keep_selection_visible(state: &mut AppState) {
    let rows = layout::timeline_rows(state.size).max(1);
    let t = &mut state.timeline;
    let len = t.data.len();
    t.selected = t.selected.min(len.saturating_sub(1));
    if t.selected < t.offset {
        t.offset = t.selected;
    } else if t.selected >= t.offset + rows {
        t.offset = t.selected + 1 - rows;
    }
    t.offset = t.offset.min(len.saturating_sub(rows));
}

/// Asks for the next page when the selection nears the end of what is loaded.
fn more_messages(state: &mut AppState) -> Vec<Effect> {
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

fn messages_page(state: &mut AppState, page: PageOutcome<crate::acs::ChatMessage>) -> Vec<Effect> {
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
    if !page.has_more {
        t.request_id = None;
    }
    t.data.set_receipts(&state.receipts.items);
    if was_empty {
        select_fetched_message(state);
    }
    keep_selection_visible(state);
    more_messages(state)
}

/// With a message id given, the timeline opens on that message so its neighbours are in view.
fn select_fetched_message(state: &mut AppState) {
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
fn list_page<T>(
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

fn toggle_order(state: &mut AppState) -> Vec<Effect> {
    let t = &mut state.timeline;
    t.data.oldest_first = !t.data.oldest_first;
    let len = t.data.len();
    t.selected = len.saturating_sub(1).saturating_sub(t.selected);
    let order = if t.data.oldest_first {
        "oldest"
    } else {
        "newest"
    };
    state.notify(Level::Info, format!("timeline: {order} first"));
    keep_selection_visible(state);
    more_messages(state)
}

fn open_prompt(state: &mut AppState, kind: PromptKind) -> Vec<Effect> {
    let mut input = TextArea::default();
    if let (PromptKind::Filter, Some(filter)) = (kind, state.timeline.data.filter()) {
        input.insert_str(filter);
    }
    state.prompt = Some(Prompt { kind, input });
    vec![]
}

fn submit_prompt(state: &mut AppState) -> Vec<Effect> {
    let Some(prompt) = state.prompt.take() else {
        return vec![];
    };
    let text = prompt.input.lines().join("");
    match prompt.kind {
        PromptKind::Filter => apply_filter(state, &text),
        PromptKind::Jump => jump(state, &text),
    }
}

fn apply_filter(state: &mut AppState, text: &str) -> Vec<Effect> {
    let t = &mut state.timeline;
    t.data.set_filter(text);
    t.selected = 0;
    t.offset = 0;
    let message = match t.data.filter() {
        Some(f) => format!(
            "filter \"{f}\": {} of {} loaded",
            t.data.len(),
            t.data.loaded()
        ),
        None => "filter cleared".to_string(),
    };
    state.notify(Level::Info, message);
    state.message_source = MessageSource::Timeline;
    more_messages(state)
}

fn jump(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = text.trim();
    if text.is_empty() {
        return vec![];
    }
    let t = &mut state.timeline;
    let Some(index) = t.data.find(text) else {
        return fetch_one_message(state, text);
    };
    let Some(row) = t.data.row_of(index) else {
        state.notify(
            Level::Warn,
            format!("message {text} is hidden by the filter (Esc clears it)"),
        );
        return vec![];
    };
    t.selected = row;
    state.message_source = MessageSource::Timeline;
    state.focus = Focus::Timeline;
    state.sync_field_styles();
    keep_selection_visible(state);
    more_messages(state)
}

/// A message id that is not loaded is fetched by id into the message tab; a sequence id cannot be.
fn fetch_one_message(state: &mut AppState, text: &str) -> Vec<Effect> {
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

fn text_input(state: &mut AppState, input: Input) -> Vec<Effect> {
    // Fields and prompts hold one line: whatever would insert a line break is ignored.
    let breaks_line = matches!(input.key, Key::Enter | Key::Char('\n' | '\r'))
        || (input.ctrl && matches!(input.key, Key::Char('m' | 'j')));
    if breaks_line {
        return vec![];
    }
    if let Some(prompt) = &mut state.prompt {
        prompt.input.input(input);
    } else if let Focus::Field(field) = state.focus {
        state.field_mut(field).input(input);
        state.input_error = None;
    }
    vec![]
}

fn paste(state: &mut AppState, text: &str) -> Vec<Effect> {
    let text = single_line(text);
    if let Some(prompt) = &mut state.prompt {
        prompt.input.insert_str(&text);
    } else if let Focus::Field(field) = state.focus {
        state.field_mut(field).insert_str(&text);
        state.input_error = None;
    } else {
        state.notify(Level::Info, "focus a field (Tab) to paste into it");
    }
    vec![]
}
