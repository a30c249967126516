//! The TUI's real event loop on a `TestBackend`, against the emulator and small loopback servers:
//! answers arrive through tasks, pages stream on demand, retries show, Esc stops at once.

use crate::support::tui::Emulated;
use crate::support::tui::render_at;
use crate::support::tui::*;
use crate::support::tui::{Driver, filled};
use crate::support::{pid_in, process_ends};
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::acs::DEFAULT_API_VERSION;
use acs_chat_inspector::acs::TransportKind;
use acs_chat_inspector::config::Profile;
use acs_chat_inspector::credentials::Plan;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::FaultKind;
use acs_chat_inspector::emulator::data::LARGE_THREAD_ID;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::DetailTab;
use acs_chat_inspector::tui::state::Field;
use acs_chat_inspector::tui::state::Focus;
use acs_chat_inspector::tui::state::LoadStatus;
use acs_chat_inspector::tui::state::Slot;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::Uri;
use axum::routing::get;
use ratatui::crossterm::event::KeyCode;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::time::Duration;

#[tokio::test]
async fn demo_start_loads_the_thread_the_seed_message_and_the_timeline() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| app::start(s)).await;
    assert!(
        h.lp.running() > 0,
        "everything is filled in: fetching starts at once"
    );
    assert_eq!(
        h.lp.state.focus,
        Focus::Timeline,
        "focus on the results, so ? r l q work"
    );
    h.until("everything", |s| {
        !s.is_loading() && s.threads.items.len() >= 2
    })
    .await;

    let thread = &h.lp.state.thread.as_ref().expect("thread").value;
    assert_eq!(
        (thread.id.as_str(), thread.topic.as_str()),
        (LUNCH_THREAD_ID, "Lunch")
    );
    let message = &h.lp.state.message.as_ref().expect("seed message").value;
    assert_eq!(message.text(), "Let's head out for lunch in 15 minutes.");
    assert_eq!(message.id, h.info().message_id);
    assert_eq!(h.lp.state.timeline.data.loaded(), 12);
    assert!(!h.lp.state.timeline.has_more);
    assert_eq!(h.lp.state.participants.items.len(), 4);
    // The three ACS users' receipts; Teams users have none.
    assert_eq!(h.lp.state.receipts.items.len(), 3);
    assert!(h.lp.state.timeline.data.has_readers());
    assert_eq!(h.lp.state.tab, DetailTab::Message);

    let screen = render_at(&h.lp.state, 80, 24);
    assert!(
        screen.contains("Let's head out for lunch in 15 minutes."),
        "{screen}"
    );
    assert!(screen.contains("all 12 loaded"), "{screen}");
    assert!(!screen.contains(&h.info().token[..24]), "token masked");

    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.lp.state, 80, 24);
    assert!(
        screen.contains("threadCreationDate: delete 90 day(s)"),
        "{screen}"
    );

    h.lp.state.focus = Focus::Details;
    h.act(Action::ToggleRaw);
    let raw = h.lp.state.overlays.raw().expect("raw view");
    assert!(raw.exchange.ms_cv().is_some(), "the emulator sends MS-CV");
}

#[tokio::test]
async fn opening_a_thread_from_the_list() {
    let mut h = Emulated::new(EmulatorConfig::default()).await;
    h.lp.state.set_value(Field::Thread, "");
    h.lp.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("the thread list", |s| {
        matches!(s.status(Slot::Threads), LoadStatus::Loaded)
    })
    .await;
    let support =
        h.lp.state
            .threads
            .items
            .iter()
            .position(|t| t.topic == "Support case 4711")
            .expect("second thread");
    h.lp.state.focus = Focus::Details;
    h.lp.state.threads.selected = support;
    h.act(Action::Activate);
    h.until("the support thread", |s| !s.is_loading()).await;
    let thread = &h.lp.state.thread.as_ref().unwrap().value;
    assert_eq!(thread.topic, "Support case 4711");
    assert_eq!(h.lp.state.timeline.data.loaded(), 5);
    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.lp.state, 80, 24);
    assert!(screen.contains("kept until deleted"), "{screen}");
}

#[tokio::test]
async fn an_outsider_gets_403_with_the_identity_and_an_unknown_thread_404() {
    let mut h = Emulated::new(EmulatorConfig::default()).await;
    let outsider = h.info().outsider_token.clone();
    h.lp.state.set_value(Field::Token, &outsider);
    h.act(Action::Fetch);
    h.until("the thread error", |s| {
        matches!(s.status(Slot::Thread), LoadStatus::Failed(_))
    })
    .await;
    assert!(
        matches!(&h.lp.state.status(Slot::Thread), LoadStatus::Failed(AcsError::Service(e)) if e.status == 403)
    );
    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.lp.state, 100, 30);
    assert!(
        screen.contains("not a participant") && screen.contains("Token is     8:acs:"),
        "{screen}"
    );

    let token = h.info().token.clone();
    h.lp.state.set_value(Field::Token, &token);
    h.lp.state.set_value(Field::Thread, "19:nope@thread.v2");
    h.lp.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("404", |s| {
        matches!(s.status(Slot::Thread), LoadStatus::Failed(_))
    })
    .await;
    assert!(
        matches!(&h.lp.state.status(Slot::Thread), LoadStatus::Failed(AcsError::Service(e)) if e.status == 404)
    );
}

#[tokio::test]
async fn a_large_thread_pages_in_as_the_user_scrolls() {
    let config = EmulatorConfig {
        extra_messages: Some(1_000),
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::new(config).await;
    h.lp.state.set_value(Field::Thread, LARGE_THREAD_ID);
    h.lp.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("the first page", |s| {
        s.timeline.data.loaded() > 0 && !s.timeline.page_pending
    })
    .await;
    assert_eq!(
        h.lp.state.timeline.data.loaded(),
        100,
        "one page of maxPageSize 100"
    );
    assert!(h.lp.state.timeline.has_more);
    let title = render_at(&h.lp.state, 80, 24);
    assert!(title.contains("100 loaded, more available"), "{title}");
    h.lp.state.focus = Focus::Timeline;
    while h.lp.state.timeline.has_more {
        h.act(Action::Last);
        h.until("the next page", |s| !s.timeline.page_pending).await;
    }
    assert_eq!(h.lp.state.timeline.data.loaded(), 1_000);
    let seqs: Vec<u64> = (0..1_000)
        .map(|r| h.lp.state.timeline.data.row(r).unwrap().seq)
        .collect();
    assert!(
        seqs.windows(2).all(|w| w[0] > w[1]),
        "newest first across pages, no duplicates"
    );
}

#[tokio::test]
async fn a_stalled_service_times_out_and_escape_text_stays_inert() {
    let config = EmulatorConfig {
        faults: vec![FaultKind::Stall],
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::new(config).await;
    h.lp.state.settings.timeout = Duration::from_millis(300);
    h.lp.state.settings.retries = 0;
    h.act(Action::Fetch);
    // Stall touches the message routes: the thread loads, the message and the timeline time out.
    h.until("the timeout", |s| !s.is_loading()).await;
    assert!(h.lp.state.thread.is_some());
    for status in [
        &h.lp.state.status(Slot::Message),
        &h.lp.state.status(Slot::Timeline),
    ] {
        assert!(
            matches!(
                status,
                LoadStatus::Failed(AcsError::Transport {
                    kind: TransportKind::Timeout,
                    ..
                })
            ),
            "{status:?}"
        );
    }

    let config = EmulatorConfig {
        faults: vec![FaultKind::Escape, FaultKind::Unicode, FaultKind::Unknown],
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::new(config).await;
    h.act(Action::Fetch);
    h.until("everything", |s| !s.is_loading()).await;
    for tab in DetailTab::ALL {
        h.act(Action::ShowTab(tab));
        let screen = render_at(&h.lp.state, 120, 40);
        assert!(
            !screen.contains("]0;") || screen.contains("␛]0;"),
            "{tab:?}:\n{screen}"
        );
    }
}

#[tokio::test]
async fn a_ten_megabyte_message_is_shown_cut_and_the_timeline_stays_one_line() {
    let config = EmulatorConfig {
        faults: vec![FaultKind::Huge],
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::new(config).await;
    h.lp.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("everything", |s| !s.is_loading()).await;
    let data = &h.lp.state.timeline.data;
    let row = (0..data.len())
        .find(|&r| data.row(r).unwrap().message().text().len() >= 10_000_000)
        .expect("the huge message");
    h.lp.state.focus = Focus::Timeline;
    h.lp.state.timeline.selected = row;
    h.act(Action::Activate);
    let screen = render_at(&h.lp.state, 100, 60);
    assert!(screen.contains("This line repeats"), "{screen}");
    assert!(screen.contains("(cut at 64 KiB of 10240 KiB"), "{screen}");
}

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

#[tokio::test]
async fn the_real_loop_starts_fetching_esc_cancels_enter_fetches_again_and_q_quits() {
    let config = EmulatorConfig {
        latency: Duration::from_millis(400),
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::starting(config, |s, _| app::start(s)).await;
    assert!(
        h.state().is_loading(),
        "everything is filled in: it fetches at once"
    );
    assert!(h.screen().contains("Esc cancels"), "{}", h.screen());

    h.key(KeyCode::Esc).await;
    assert!(!h.state().is_loading());
    assert!(
        h.screen().contains("cancelled; Enter fetches again"),
        "{}",
        h.screen()
    );

    h.key(KeyCode::Enter).await;
    assert!(h.state().is_loading());
    h.until("everything", |s| !s.is_loading()).await;
    assert!(
        h.screen().contains("Let's head out for lunch"),
        "{}",
        h.screen()
    );

    h.key(KeyCode::Char('q')).await;
    assert!(h.ended, "q ends the loop");
    assert_eq!(h.lp.running(), 0, "nothing keeps running after q");
}

/// A plan whose token comes from a command that starts a long `sleep` and writes its pid.
fn slow_token_plan(pid_file: &std::path::Path) -> Plan {
    let profile = Profile {
        endpoint: Some("https://contoso.communication.azure.com".into()),
        token_command: Some(format!(
            "sleep 30 & echo $! > '{}'; wait",
            pid_file.display()
        )),
        ..Profile::default()
    };
    Plan::from_profile(
        "slow",
        &profile,
        DEFAULT_API_VERSION,
        Duration::from_secs(30),
    )
    .unwrap()
}

#[tokio::test]
async fn keys_are_answered_while_a_token_command_runs_and_esc_ends_it() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let mut state = filled(80, 24, false);
    state.set_value(Field::Token, "");
    let first = app::start_with(&mut state, slow_token_plan(&pid_file));
    let mut h = Driver::new(state, first, 80, 24);
    let sleeper = pid_in(&pid_file).await;

    h.key(KeyCode::Char('?')).await;
    assert!(
        h.screen().contains("Keys"),
        "help opens meanwhile:\n{}",
        h.screen()
    );
    h.key(KeyCode::Esc).await;
    assert!(
        h.state().status(Slot::Credentials).is_loading(),
        "Esc closed the help only"
    );
    h.key(KeyCode::Esc).await;
    assert_eq!(*h.state().status(Slot::Credentials), LoadStatus::Cancelled);
    assert!(process_ends(sleeper).await, "the token command was stopped");
}

#[tokio::test]
async fn quitting_while_a_token_command_runs_stops_it() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let mut state = filled(80, 24, false);
    let first = app::start_with(&mut state, slow_token_plan(&pid_file));
    let mut h = Driver::new(state, first, 80, 24);
    let sleeper = pid_in(&pid_file).await;
    h.key(KeyCode::Char('q')).await;
    assert!(h.ended);
    drop(h);
    assert!(
        process_ends(sleeper).await,
        "the token command outlived the loop"
    );
}
