//! Fetching: validating the fields, starting and cancelling requests, exporting, recent threads.

use crate::acs::endpoint::{validate_message_id, validate_thread_id};
use crate::acs::token::{TokenInfo, decode_token};
use crate::acs::{AccessToken, ClientConfig, Endpoint, RetryPolicy};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{
    AppState, DetailTab, Field, Focus, Level, Listing, MessageSource, Overlay, Slot,
};
use super::navigate::{set_focus, show_tab};
use super::profiles::restart_overdue_refresh;
use super::{Effect, Request};

/// What the input fields ask for, validated; `Err` is the message to show.
pub(super) struct Target {
    pub(super) config: ClientConfig,
    pub(super) thread_id: Option<String>,
    pub(super) message_id: Option<String>,
    pub(super) warning: Option<String>,
    pub(super) token: TokenInfo,
}

/// Why the fields cannot be fetched, and the field to fix.
type Refusal = (Option<Field>, String);

fn validate(state: &AppState) -> Result<Target, Refusal> {
    if let Some(offline) = &state.offline {
        return Err((
            None,
            format!(
                "{}: nothing is fetched here; run the inspector without `open` to fetch",
                offline.title
            ),
        ));
    }
    let in_field = |field: Field| move |e: String| (Some(field), e);
    let endpoint = Endpoint::parse(&state.value(Field::Endpoint))
        .map_err(|e| e.to_string())
        .map_err(in_field(Field::Endpoint))?;
    let token = state.value(Field::Token);
    if token.trim().is_empty() {
        return Err((Some(Field::Token), "no token: paste an ACS user access token into the Token field (or set AZURE_COMMUNICATION_ACCESS_TOKEN)".into()));
    }
    let info = decode_token(&token, state.now)
        .map_err(|e| format!("token: {e}"))
        .map_err(in_field(Field::Token))?;
    let warning = if info.expired {
        Some("the token has expired: expect 401 Unauthorized; get a fresh token".to_string())
    } else {
        info.warnings.first().cloned()
    };
    let thread_id = optional(&state.value(Field::Thread), |id| {
        validate_thread_id(id).map(|id| id.into_owned())
    })
    .map_err(in_field(Field::Thread))?;
    let message = state.value(Field::Message);
    if !message.trim().is_empty() && thread_id.is_none() {
        return Err((Some(Field::Thread), "a message id needs a thread id".into()));
    }
    let message_id = optional(&message, |id| validate_message_id(id).map(str::to_string))
        .map_err(in_field(Field::Message))?;
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

/// A field that may be empty, validated when it is not.
fn optional(
    text: &str,
    check: impl Fn(&str) -> Result<String, crate::acs::AcsError>,
) -> Result<Option<String>, String> {
    match text.trim() {
        "" => Ok(None),
        id => check(id).map(Some).map_err(|e| e.to_string()),
    }
}

pub(super) fn fetch(state: &mut AppState) -> Vec<Effect> {
    let refresh = restart_overdue_refresh(state);
    let mut effects = fetch_fields(state);
    effects.extend(refresh);
    effects
}

/// The fields validated, or `None` when they cannot be fetched: then the field to fix gets focus
/// and says why, so the next key typed lands there knowingly.
pub(super) fn checked(state: &mut AppState) -> Option<Target> {
    validate(state)
        .map_err(|(field, text)| {
            if let Some(field) = field {
                set_focus(state, Focus::Field(field));
            }
            state.refuse(field, text);
        })
        .ok()
}

/// Stops the requests that fill `slot`.
pub(super) fn stop(state: &mut AppState, slot: Slot) -> Vec<Effect> {
    state
        .loads
        .cancel(|s| s == slot)
        .into_iter()
        .map(Effect::Cancel)
        .collect()
}

/// Starts `request`, stopping any that fills its slot still.
pub(super) fn restart(state: &mut AppState, config: ClientConfig, request: Request) -> Vec<Effect> {
    let mut effects = stop(state, request.slot());
    let request_id = state.start(request.slot());
    effects.push(Effect::Fetch {
        request_id,
        config: Box::new(config),
        request,
    });
    effects
}

fn fetch_fields(state: &mut AppState) -> Vec<Effect> {
    let Some(target) = checked(state) else {
        return vec![];
    };
    state.input_error = None;
    state.retry = None;
    state.token = Some(target.token);
    if state.focus.is_field() {
        // Results arrive next; keys like ? and q should work on them without leaving the field first.
        state.focus = Focus::Timeline;
        state.sync_field_styles();
    }
    if let Some(warning) = target.warning {
        state.notify(Level::Warn, warning);
    }
    let mut effects = cancel_fetched(state);
    // Live mode watched the thread shown until now.
    effects.extend(
        state
            .live
            .take()
            .map(|live| Effect::Cancel(live.request_id)),
    );
    let target_key = (
        target.config.endpoint.to_string(),
        target.thread_id.clone().unwrap_or_default(),
    );
    if state.loaded_for.as_ref() == Some(&target_key) {
        keep_for_refresh(state);
    } else {
        clear_fetched(state);
    }
    state.loaded_for = Some(target_key);
    let config = target.config;
    let mut start = |state: &mut AppState, request: Request| {
        let request_id = state.start(request.slot());
        effects.push(Effect::Fetch {
            request_id,
            config: Box::new(config.clone()),
            request,
        });
    };
    start(state, Request::Threads);
    let Some(thread_id) = target.thread_id else {
        show_tab(state, DetailTab::Threads);
        let open = keymap::label(Context::Results, &Action::Activate);
        state.notify(
            Level::Info,
            format!("no thread id: listing the token user's threads ({open} opens one)"),
        );
        return effects;
    };
    start(
        state,
        Request::Thread {
            thread_id: thread_id.clone(),
        },
    );
    if let Some(message_id) = target.message_id {
        let thread_id = thread_id.clone();
        start(
            state,
            Request::Message {
                thread_id,
                message_id,
            },
        );
        state.message_source = MessageSource::Fetched;
        state.tab = DetailTab::Message;
    } else {
        state.message_source = MessageSource::Timeline;
    }
    let page_size = state.settings.page_size;
    let messages = Request::Messages {
        thread_id: thread_id.clone(),
        page_size,
    };
    start(state, messages);
    state.timeline.open = true;
    state.timeline.page_pending = true;
    state.timeline.follow_end = false;
    let participants = Request::Participants {
        thread_id: thread_id.clone(),
    };
    start(state, participants);
    start(state, Request::Receipts { thread_id });
    if state.tab == DetailTab::Threads {
        state.tab = DetailTab::Thread;
    }
    effects
}

/// Fetching the same thread again: what is shown stays until the new answers replace it, and a
/// failed refresh leaves it in place under a banner.
fn keep_for_refresh(state: &mut AppState) {
    state.timeline.stale = !state.timeline.data.is_empty();
    state.participants.stale = !state.participants.items.is_empty();
    state.receipts.stale = !state.receipts.items.is_empty();
    state.threads.stale = !state.threads.items.is_empty();
}

/// Forgets what the fields fetched last, before fetching another thread.
pub(super) fn clear_fetched(state: &mut AppState) {
    for slot in Slot::ALL.into_iter().filter(|s| s.is_fetched_data()) {
        state.loads.reset(slot);
    }
    state.thread = None;
    state.message = None;
    state.timeline = Default::default();
    state.participants = Listing::default();
    state.receipts = Listing::default();
    state.threads = Listing::default();
    state.thread_audit.audits.clear();
    state.detail_scroll = 0;
}

/// Stops every request that fills what a fetch refills.
fn cancel_fetched(state: &mut AppState) -> Vec<Effect> {
    state.timeline.open = false;
    state
        .loads
        .cancel(Slot::is_fetched_data)
        .into_iter()
        .map(Effect::Cancel)
        .collect()
}

/// Esc outside fields: close the top overlay (undoing what a prompt changed as it was typed),
/// else cancel loading, else clear the filter.
pub(super) fn cancel(state: &mut AppState) -> Vec<Effect> {
    match state.overlays.pop() {
        Some(Overlay::Prompt(prompt)) => return super::filter::undo(state, &prompt),
        // Closing the search's matches stops the search too.
        Some(Overlay::Search) => return stop(state, Slot::Search),
        Some(_) => return vec![],
        None => {}
    }
    if state.is_loading() || state.timeline.page_pending {
        let loading: Vec<Slot> = state.loads.loading().map(|(slot, _)| slot).collect();
        let mut effects = cancel_fetched(state);
        let others = state
            .loads
            .cancel(|s| !s.is_fetched_data() && loading.contains(&s));
        effects.extend(others.into_iter().map(Effect::Cancel));
        state.timeline.page_pending = false;
        state.retry = None;
        state.export_progress = None;
        let again = keymap::label(Context::Results, &Action::Activate);
        state.notify(Level::Warn, format!("cancelled; {again} fetches again"));
        return effects;
    }
    if state.timeline.data.filter().is_some() {
        return super::filter::clear(state);
    }
    vec![]
}

pub(super) fn export(state: &mut AppState, redacted: bool) -> Vec<Effect> {
    if export_busy(state) {
        return vec![];
    }
    let Some(target) = checked(state) else {
        return vec![];
    };
    let loaded = state.thread.as_ref().map(|t| t.value.id.clone());
    let Some(thread_id) = loaded.or(target.thread_id) else {
        state.notify(Level::Warn, "no thread to export: open one first");
        return vec![];
    };
    let request_id = state.start(Slot::Export);
    let path = state
        .settings
        .export_dir
        .join(crate::export::bundle_file_name(
            &thread_id, state.now, redacted,
        ));
    state.export_progress = None;
    let kind = if redacted {
        "redacted bundle"
    } else {
        "bundle"
    };
    let shown = super::super::ids::fit(&thread_id, 40);
    state.notify(Level::Info, format!("exporting the {kind} of {shown}"));
    vec![Effect::Export {
        request_id,
        config: Box::new(target.config),
        thread_id,
        path,
        redacted,
    }]
}

/// Whether an export is being written still (then it says so: one at a time).
fn export_busy(state: &mut AppState) -> bool {
    let busy = state.status(Slot::Export).is_loading();
    if busy {
        let cancel = keymap::label(Context::Results, &Action::Cancel);
        state.notify(
            Level::Info,
            format!("an export is already being written ({cancel} cancels it)"),
        );
    }
    busy
}

/// `i`: the image attachments of the shown message, fetched with the token for their type, size
/// and dimensions. Only links on the endpoint are fetched (a SharePoint link never gets the token).
pub(super) fn fetch_images(state: &mut AppState) -> Vec<Effect> {
    let Some(message) = state.shown_message().map(|m| m.into_owned()) else {
        state.notify(Level::Info, "no message shown: select one in the timeline");
        return vec![];
    };
    let links: Vec<(String, String)> = message
        .attachments()
        .iter()
        .filter(|a| a.attachment_type.is_image())
        .filter_map(|a| {
            let link = a.url.clone().or_else(|| a.preview_url.clone())?;
            Some((a.id.clone(), link))
        })
        .collect();
    if links.is_empty() {
        state.notify(
            Level::Info,
            "the shown message has no image attachment with a link",
        );
        return vec![];
    }
    let Some(target) = checked(state) else {
        return vec![];
    };
    show_tab(state, DetailTab::Message);
    restart(state, target.config, Request::Images { links })
}

/// `H`: the session's exchanges (those the request log still holds) as a HAR file.
pub(super) fn export_har(state: &mut AppState) -> Vec<Effect> {
    if state.exchanges.is_empty() {
        state.notify(Level::Info, "no request yet: nothing to put in a HAR file");
        return vec![];
    }
    if export_busy(state) {
        return vec![];
    }
    let thread = state.thread.as_ref().map(|t| t.value.id.clone());
    let path = crate::har::new_file_in(&state.settings.export_dir, thread.as_deref(), state.now);
    let request_id = state.start(Slot::Export);
    let exchanges = state.exchanges.iter().map(|l| l.exchange.clone()).collect();
    let token = state.value(Field::Token);
    let secrets = Some(token.trim().to_string()).filter(|t| !t.is_empty());
    vec![Effect::WriteHar {
        request_id,
        path,
        exchanges,
        secrets: secrets.into_iter().collect(),
    }]
}

/// A message id that is not loaded is fetched by id into the message tab; a sequence id cannot be.
pub(super) fn fetch_one_message(state: &mut AppState, text: &str) -> Vec<Effect> {
    let loaded = state.timeline.data.loaded();
    let more = if state.timeline.has_more {
        let last = keymap::label(Context::Results, &Action::Last);
        format!("; more pages exist ({last} loads them)")
    } else {
        String::new()
    };
    let looks_like_id = text.len() >= 10 && text.chars().all(|c| c.is_ascii_digit());
    if !looks_like_id {
        let message =
            format!("no loaded message has id or sequence id {text} ({loaded} loaded{more})");
        state.notify(Level::Warn, message);
        return vec![];
    }
    state.set_value(Field::Message, text);
    let Some(target) = checked(state) else {
        return vec![];
    };
    let Some(thread_id) = target.thread_id else {
        state.notify(Level::Warn, "a message id needs a thread id");
        return vec![];
    };
    let request = Request::Message {
        thread_id,
        message_id: text.to_string(),
    };
    let effects = restart(state, target.config, request);
    state.message = None;
    state.message_source = MessageSource::Fetched;
    state.notify(
        Level::Info,
        format!("message {text} is not among the {loaded} loaded; fetching it by id"),
    );
    show_tab(state, DetailTab::Message);
    effects
}

/// Opens a thread by id (from the threads list, the picker or the recent threads).
pub(super) fn open_thread(state: &mut AppState, thread_id: &str) -> Vec<Effect> {
    state.overlays.close(Context::Profiles);
    state.set_value(Field::Thread, thread_id);
    state.set_value(Field::Message, "");
    let effects = fetch(state);
    state.tab = DetailTab::Thread;
    set_focus(state, Focus::Timeline);
    effects
}

/// Puts the next recently opened thread in the Thread field and opens it.
pub(super) fn open_recent(state: &mut AppState) -> Vec<Effect> {
    let count = state.recent.ids.len();
    if count == 0 {
        state.notify(Level::Info, "no thread opened on this machine yet");
        return vec![];
    }
    let current = state.value(Field::Thread);
    // Skip the thread that is open already.
    let mut index = state.recent.next % count;
    if state.recent.ids[index] == current.trim() && count > 1 {
        index = (index + 1) % count;
    }
    state.recent.next = index + 1;
    let thread_id = state.recent.ids[index].clone();
    state.set_value(Field::Thread, &thread_id);
    state.set_value(Field::Message, "");
    let effects = fetch(state);
    if state.input_error.is_none() {
        let shown = super::super::ids::fit(&thread_id, 40);
        state.notify(
            Level::Info,
            format!("recent thread {}/{count}: {shown}", index + 1),
        );
    }
    effects
}

/// The raw view of the selected exchange of the request log, over the log.
pub(super) fn open_logged(state: &mut AppState, selected: usize) -> Vec<Effect> {
    // The log lists newest first.
    let index = state.exchanges.len().checked_sub(selected + 1);
    if let Some(exchange) = index
        .and_then(|i| state.exchanges.get(i))
        .map(|l| l.exchange.clone())
    {
        let view =
            super::overlay::raw_view_of(state, exchange, crate::tui::raw::RawScope::Exchange);
        state.overlays.push(Overlay::Raw(view));
    }
    vec![]
}
