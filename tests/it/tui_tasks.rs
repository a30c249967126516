//! `update` and the task runner together against small loopback servers: results arrive as
//! actions, pages stream on demand, retries are reported, and Esc stops a request at once.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::support::tui::*;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::state::{Field, LoadStatus};
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::routing::get;
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

/// Serves `app` on loopback; returns its endpoint.
async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

/// The real event loop on a 80x24 screen against `endpoint`, pages of 2.
fn harness(endpoint: &str, message: bool) -> Driver {
    let mut state = filled(80, 24, message);
    state.set_value(Field::Endpoint, endpoint);
    state.settings.retries = 2;
    state.settings.timeout = Duration::from_secs(5);
    state.settings.page_size = 2;
    Driver::new(state, vec![], 80, 24)
}

fn page_body(uri: &Uri, total: usize) -> String {
    let query = uri.query().unwrap_or("");
    let skip: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("skip="))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let items: Vec<_> = (skip..(skip + 2).min(total))
        .map(|i| {
            let mut m = serde_json::to_value(seed_message()).unwrap();
            m["id"] = json!(format!("m{i}"));
            m["sequenceId"] = json!((total - i).to_string());
            m
        })
        .collect();
    let next = (skip + 2 < total)
        .then(|| format!("{}?api-version=2025-03-15&skip={}", uri.path(), skip + 2));
    json!({"value": items, "nextLink": next}).to_string()
}

async fn messages(State(hits): State<Arc<AtomicUsize>>, uri: Uri) -> String {
    hits.fetch_add(1, Ordering::SeqCst);
    page_body(&uri, 6)
}

async fn empty_list() -> &'static str {
    r#"{"value":[]}"#
}

async fn thread_json() -> String {
    serde_json::to_string(&thread()).unwrap()
}

async fn message_json() -> String {
    serde_json::to_string(&seed_message()).unwrap()
}

fn demo_app(hits: Arc<AtomicUsize>) -> Router {
    Router::new()
        .route("/chat/threads", get(empty_list))
        .route("/chat/threads/{id}", get(thread_json))
        .route("/chat/threads/{id}/messages", get(messages))
        .route("/chat/threads/{id}/messages/{mid}", get(message_json))
        .route("/chat/threads/{id}/participants", get(empty_list))
        .route("/chat/threads/{id}/readReceipts", get(empty_list))
        .with_state(hits)
}

#[tokio::test]
async fn fetch_loads_every_panel_and_pages_follow_the_scroll() {
    let hits = Arc::new(AtomicUsize::new(0));
    let endpoint = serve(demo_app(hits.clone())).await;
    let mut h = harness(&endpoint, true);
    h.act(Action::Fetch);
    h.until("everything", |s| !s.is_loading()).await;
    assert_eq!(h.lp.state.thread.as_ref().unwrap().value.topic, "Lunch");
    assert_eq!(
        h.lp.state.message.as_ref().unwrap().value.text(),
        "Let's head out for lunch in 15 minutes."
    );
    assert!(matches!(
        h.lp.state.status(Slot::Participants),
        LoadStatus::Loaded
    ));
    // Pages of 2 with a 5-row screen: the first pages load because the end is on screen.
    h.until("all pages", |s| s.timeline.data.loaded() == 6)
        .await;
    assert!(!h.lp.state.timeline.has_more);
    assert_eq!(
        hits.load(Ordering::SeqCst),
        3,
        "one request per page, none after the last"
    );
    assert!(
        h.lp.state.exchanges.len() >= 8,
        "every exchange is reported"
    );
}

async fn throttled() -> (StatusCode, [(&'static str, &'static str); 2], &'static str) {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("retry-after-ms", "10000"), ("ms-cv", "abc.0")],
        r#"{"error":{"code":"TooManyRequests","message":"Rate limit exceeded."}}"#,
    )
}

#[tokio::test]
async fn a_retry_wait_is_shown_and_esc_stops_it_at_once() {
    let app = Router::new()
        .route("/chat/threads", get(throttled))
        .route("/chat/threads/{id}", get(throttled))
        .route("/chat/threads/{id}/messages", get(throttled))
        .route("/chat/threads/{id}/participants", get(throttled))
        .route("/chat/threads/{id}/readReceipts", get(throttled));
    let endpoint = serve(app).await;
    let mut h = harness(&endpoint, false);
    h.act(Action::Fetch);
    h.until("a retry notice", |s| s.retry.is_some()).await;
    let notice = h.lp.state.retry.as_ref().unwrap().text();
    assert!(
        notice.starts_with("throttled, retrying in 10.0 s (1/2)"),
        "{notice}"
    );
    h.key(KeyCode::Esc).await;
    assert!(!h.state().is_loading() && h.state().retry.is_none());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(h.lp.running(), 0, "cancelled tasks stop during the wait");
}

#[tokio::test]
async fn an_unreachable_endpoint_is_a_transport_error_in_the_panel() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let mut h = harness(&endpoint, false);
    h.act(Action::Fetch);
    h.until("the thread error", |s| {
        matches!(s.status(Slot::Thread), LoadStatus::Failed(_))
    })
    .await;
    let screen = h.screen();
    assert!(screen.contains("could not connect"), "{screen}");
}
