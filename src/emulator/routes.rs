//! The read operations of the ACS Chat API, GET only (other methods get 405).
//!
//! Checks run in the service's order: token (401, empty body), api-version (400), thread (404),
//! membership (403: a former member still reads the thread and its history, not the roster or
//! receipts), then the item (404). Thread ids are accepted percent-encoded (`19%3A...%40thread.v2`,
//! as clients send them) and raw (`19:...@thread.v2`, as nextLinks carry them).

use axum::Router;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::Value;

use super::EmulatorState;
use super::data::Thread;
use super::paging::{
    Query, message_sync_state, messages_next_link, newest_first, offset_next_link, offset_page,
    parse_message_sync_state, parse_thread_sync_state, thread_sync_state, threads_next_link,
};
use super::render::Shape;
use super::wire::{self, Refusal};
use crate::acs::Page;

type Answer = Result<Response, Refusal>;

/// The chat routes, before state and layers are applied.
pub fn chat_routes() -> Router<EmulatorState> {
    Router::new()
        .route("/chat/threads", get(list_threads))
        .route("/chat/threads/{id}", get(get_thread))
        .route("/chat/threads/{id}/messages", get(list_messages))
        .route("/chat/threads/{id}/messages/{mid}", get(get_message))
        .route("/chat/threads/{id}/participants", get(list_participants))
        .route("/chat/threads/{id}/readReceipts", get(list_receipts))
}

/// Anything else: 404 with an empty body.
pub async fn unknown_route() -> Response {
    StatusCode::NOT_FOUND.into_response()
}

/// A request that passed the token and api-version checks.
struct Call {
    user: String,
    version: String,
    shape: Shape,
    query: Query,
    /// `http://host:port` as the client addressed it, for nextLinks.
    origin: String,
}

impl Call {
    fn new(
        state: &EmulatorState,
        headers: &HeaderMap,
        raw_query: Option<&str>,
    ) -> Result<Self, Refusal> {
        let user = state
            .signer()
            .authenticate(headers)
            .ok_or(Refusal::Unauthorized)?;
        let query = Query::parse(raw_query);
        let version = wire::check_api_version(query.get("api-version"))?.to_string();
        let origin = headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|host| format!("http://{host}"))
            .unwrap_or_else(|| state.base_url().to_string());
        Ok(Self {
            user,
            shape: Shape::for_version(&version),
            version,
            query,
            origin,
        })
    }

    /// The thread, for its properties: members and former members.
    fn thread<'a>(&self, state: &'a EmulatorState, id: &str) -> Result<&'a Thread, Refusal> {
        let thread = state.store().thread(id).ok_or(Refusal::ThreadNotFound)?;
        if thread.knows(&self.user) {
            Ok(thread)
        } else {
            Err(Refusal::Forbidden)
        }
    }

    /// The thread, for its history: a deleted thread has none ("The `ListMessages` API can't return
    /// the history of a thread if the thread is deleted", azure-docs concepts/chat/concepts.md).
    fn history<'a>(&self, state: &'a EmulatorState, id: &str) -> Result<&'a Thread, Refusal> {
        let thread = self.thread(state, id)?;
        match thread.properties.deleted_on {
            Some(_) => Err(Refusal::ThreadNotFound),
            None => Ok(thread),
        }
    }

    /// The thread, for its roster and receipts: current members only.
    fn roster<'a>(&self, state: &'a EmulatorState, id: &str) -> Result<&'a Thread, Refusal> {
        let thread = self.history(state, id)?;
        if thread.is_member(&self.user) {
            Ok(thread)
        } else {
            Err(Refusal::Forbidden)
        }
    }

    fn page_size(&self) -> Result<usize, Refusal> {
        self.query.page_size().map_err(Refusal::BadRequest)
    }
}

fn page_bytes(value: Vec<Value>, next_link: Option<String>) -> Vec<u8> {
    serde_json::to_vec(&Page { value, next_link }).unwrap_or_default()
}

async fn get_thread(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let thread = call.thread(&state, &id)?;
    Ok(wire::json_ok(&call.shape.thread(&thread.properties)))
}

async fn get_message(
    State(state): State<EmulatorState>,
    Path((id, mid)): Path<(String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    if let Some(stalled) = state.faults().stall_if_asked(state.stop_token()).await {
        return Ok(stalled);
    }
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let thread = call.history(&state, &id)?;
    let message = thread.messages.find(&mid).ok_or(Refusal::MessageNotFound)?;
    let body = serde_json::to_vec(&call.shape.message(&message)).unwrap_or_default();
    Ok(state.faults().deliver(body))
}

async fn list_messages(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    if let Some(stalled) = state.faults().stall_if_asked(state.stop_token()).await {
        return Ok(stalled);
    }
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let thread = call.history(&state, &id)?;
    let size = call.page_size()?;
    let (start, before) = message_window(&call.query)?;
    let messages = &thread.messages;
    // "After" as clients can see it: createdOn has second precision, so from the next second on.
    let lo = start.map_or(0, |s| messages.count_before(s.saturating_add(1000)));
    let hi = before
        .map_or(messages.len(), |b| messages.count_before(b))
        .max(lo);
    let window = newest_first(lo, hi, size);
    let value = window
        .iter()
        .map(|&i| call.shape.message(&messages.get(i)))
        .collect();
    let next = match window.last() {
        Some(&oldest) if window.len() == size => {
            let newest = messages.ms_at(messages.len() - 1);
            let sync = message_sync_state(thread.id(), messages.ms_at(oldest), newest);
            let start = start.unwrap_or(0);
            let link =
                messages_next_link(&call.origin, thread.id(), &sync, start, size, &call.version);
            Some(link)
        }
        _ => None,
    };
    Ok(state.faults().deliver(page_bytes(value, next)))
}

/// The startTime (to the second, as nextLinks carry it) and the cursor of a message list request.
fn message_window(query: &Query) -> Result<(Option<i64>, Option<i64>), Refusal> {
    let start = query.start_ms().map_err(Refusal::BadRequest)?;
    let start = start.map(|s| s.div_euclid(1000) * 1000);
    let Some(sync) = query.get("syncState") else {
        return Ok((start, None));
    };
    let before = parse_message_sync_state(sync)
        .ok_or_else(|| Refusal::BadRequest(format!("Invalid syncState '{sync}'.")))?;
    Ok((start, Some(before)))
}

async fn list_participants(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let thread = call.roster(&state, &id)?;
    let items = offset_page(&thread.participants, skip(&call)?, call.page_size()?);
    let value = items.iter().map(|p| call.shape.participant(p)).collect();
    offset_answer(&call, thread, "participants", value)
}

async fn list_receipts(
    State(state): State<EmulatorState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let thread = call.roster(&state, &id)?;
    let items = offset_page(&thread.receipts, skip(&call)?, call.page_size()?);
    let value = items.iter().map(|r| call.shape.plain(r)).collect();
    offset_answer(&call, thread, "readReceipts", value)
}

fn skip(call: &Call) -> Result<usize, Refusal> {
    call.query.skip().map_err(Refusal::BadRequest)
}

fn offset_answer(call: &Call, thread: &Thread, list: &str, value: Vec<Value>) -> Answer {
    let (skip, size) = (skip(call)?, call.page_size()?);
    let next = (value.len() == size).then(|| {
        offset_next_link(
            &call.origin,
            thread.id(),
            list,
            skip + size,
            size,
            &call.version,
        )
    });
    Ok(wire::ok_bytes(page_bytes(value, next)))
}

async fn list_threads(
    State(state): State<EmulatorState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Answer {
    let call = Call::new(&state, &headers, raw.as_deref())?;
    let size = call.page_size()?;
    let (start, before) = thread_window(&call.query)?;
    let threads: Vec<&Thread> = state
        .store()
        .threads_of(&call.user)
        .into_iter()
        .filter(|t| start.is_none_or(|s| t.last_message_ms() > s))
        .filter(|t| before.is_none_or(|b| t.last_message_ms() < b))
        .take(size)
        .collect();
    let value = threads
        .iter()
        .map(|t| call.shape.plain(&t.item()))
        .collect();
    let next = match threads.last() {
        Some(last) if threads.len() == size => {
            let sync = thread_sync_state(start.unwrap_or(0), last.last_message_ms());
            Some(threads_next_link(&call.origin, &sync, size, &call.version))
        }
        _ => None,
    };
    Ok(wire::ok_bytes(page_bytes(value, next)))
}

/// The startTime and the cursor of a thread list request; a nextLink carries both in its syncState.
fn thread_window(query: &Query) -> Result<(Option<i64>, Option<i64>), Refusal> {
    let start = query.start_ms().map_err(Refusal::BadRequest)?;
    let Some(sync) = query.get("syncState") else {
        return Ok((start, None));
    };
    let (sync_start, end) = parse_thread_sync_state(sync)
        .ok_or_else(|| Refusal::BadRequest(format!("Invalid syncState '{sync}'.")))?;
    let start = start.or((sync_start > 0).then_some(sync_start));
    Ok((start, Some(end)))
}
