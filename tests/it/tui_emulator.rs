//! The inspector's update loop and task runner against the built-in emulator (no terminal):
//! what `--demo` does, errors as the service really sends them, and paging a large thread.

use std::time::Duration;

use crate::support::tui::render_at;
use acs_chat_inspector::acs::{AcsError, TransportKind};
use acs_chat_inspector::emulator::data::{LARGE_THREAD_ID, LUNCH_THREAD_ID};
use acs_chat_inspector::emulator::{self, EmulatorConfig, FaultKind, RunningEmulator};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field, Focus, LoadStatus, Settings};
use acs_chat_inspector::tui::tasks::Tasks;
use chrono::Utc;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

struct Harness {
    state: AppState,
    tasks: Tasks,
    rx: UnboundedReceiver<Action>,
    _emulator: RunningEmulator,
}

impl Harness {
    async fn new(config: EmulatorConfig) -> Self {
        let emulator = emulator::start(config).await.unwrap();
        let settings = Settings {
            retries: 1,
            timeout: Duration::from_secs(5),
            ..Settings::default()
        };
        let mut state = AppState::new(settings, Utc::now());
        let info = &emulator.info;
        state.set_value(Field::Endpoint, &info.endpoint);
        state.set_value(Field::Token, &info.token);
        state.set_value(Field::Thread, &info.thread_id);
        state.set_value(Field::Message, &info.message_id);
        let (tx, rx) = unbounded_channel();
        Self {
            state,
            tasks: Tasks::new(tx),
            rx,
            _emulator: emulator,
        }
    }

    fn act(&mut self, action: Action) {
        crate::support::tui::act(&mut self.state, &mut self.tasks, action);
    }

    async fn until(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        crate::support::tui::act_until(&mut self.state, &mut self.tasks, &mut self.rx, what, done)
            .await;
    }

    fn info(&self) -> &emulator::EmulatorInfo {
        &self._emulator.info
    }
}

#[tokio::test]
async fn demo_start_loads_the_thread_the_seed_message_and_the_timeline() {
    let mut h = Harness::new(EmulatorConfig::default()).await;
    let effects = app::start(&mut h.state);
    assert!(
        !effects.is_empty(),
        "everything is filled in: fetching starts at once"
    );
    assert_eq!(
        h.state.focus,
        Focus::Timeline,
        "focus on the results, so ? r l q work"
    );
    h.tasks.run(effects);
    h.until("everything", |s| {
        !s.is_loading() && s.threads.items.len() >= 2
    })
    .await;

    let thread = &h.state.thread.as_ref().expect("thread").value;
    assert_eq!(
        (thread.id.as_str(), thread.topic.as_str()),
        (LUNCH_THREAD_ID, "Lunch")
    );
    let message = &h.state.message.as_ref().expect("seed message").value;
    assert_eq!(message.text(), "Let's head out for lunch in 15 minutes.");
    assert_eq!(message.id, h.info().message_id);
    assert_eq!(h.state.timeline.data.loaded(), 12);
    assert!(!h.state.timeline.has_more);
    assert_eq!(h.state.participants.items.len(), 4);
    // The three ACS users' receipts; Teams users have none.
    assert_eq!(h.state.receipts.items.len(), 3);
    assert!(h.state.timeline.data.has_readers());
    assert_eq!(h.state.tab, DetailTab::Message);

    let screen = render_at(&h.state, 80, 24);
    assert!(
        screen.contains("Let's head out for lunch in 15 minutes."),
        "{screen}"
    );
    assert!(screen.contains("all 12 loaded"), "{screen}");
    assert!(!screen.contains(&h.info().token[..24]), "token masked");

    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.state, 80, 24);
    assert!(
        screen.contains("threadCreationDate: delete 90 day(s)"),
        "{screen}"
    );

    h.state.focus = Focus::Details;
    h.act(Action::ToggleRaw);
    let raw = h.state.raw.as_ref().expect("raw view");
    assert!(raw.exchange.ms_cv().is_some(), "the emulator sends MS-CV");
}

#[tokio::test]
async fn opening_a_thread_from_the_list() {
    let mut h = Harness::new(EmulatorConfig::default()).await;
    h.state.set_value(Field::Thread, "");
    h.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("the thread list", |s| {
        matches!(s.threads.status, LoadStatus::Loaded)
    })
    .await;
    let support = h
        .state
        .threads
        .items
        .iter()
        .position(|t| t.topic == "Support case 4711")
        .expect("second thread");
    h.state.focus = Focus::Details;
    h.state.threads.selected = support;
    h.act(Action::Activate);
    h.until("the support thread", |s| !s.is_loading()).await;
    let thread = &h.state.thread.as_ref().unwrap().value;
    assert_eq!(thread.topic, "Support case 4711");
    assert_eq!(h.state.timeline.data.loaded(), 5);
    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.state, 80, 24);
    assert!(screen.contains("kept until deleted"), "{screen}");
}

#[tokio::test]
async fn an_outsider_gets_403_with_the_identity_and_an_unknown_thread_404() {
    let mut h = Harness::new(EmulatorConfig::default()).await;
    let outsider = h.info().outsider_token.clone();
    h.state.set_value(Field::Token, &outsider);
    h.act(Action::Fetch);
    h.until("the thread error", |s| {
        matches!(s.thread_status, LoadStatus::Failed(_))
    })
    .await;
    assert!(
        matches!(&h.state.thread_status, LoadStatus::Failed(AcsError::Service(e)) if e.status == 403)
    );
    h.act(Action::ShowTab(DetailTab::Thread));
    let screen = render_at(&h.state, 100, 30);
    assert!(
        screen.contains("not a participant") && screen.contains("Token is     8:acs:"),
        "{screen}"
    );

    let token = h.info().token.clone();
    h.state.set_value(Field::Token, &token);
    h.state.set_value(Field::Thread, "19:nope@thread.v2");
    h.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("404", |s| matches!(s.thread_status, LoadStatus::Failed(_)))
        .await;
    assert!(
        matches!(&h.state.thread_status, LoadStatus::Failed(AcsError::Service(e)) if e.status == 404)
    );
}

#[tokio::test]
async fn a_large_thread_pages_in_as_the_user_scrolls() {
    let config = EmulatorConfig {
        extra_messages: Some(1_000),
        ..EmulatorConfig::default()
    };
    let mut h = Harness::new(config).await;
    h.state.set_value(Field::Thread, LARGE_THREAD_ID);
    h.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("the first page", |s| {
        s.timeline.data.loaded() > 0 && !s.timeline.page_pending
    })
    .await;
    assert_eq!(
        h.state.timeline.data.loaded(),
        100,
        "one page of maxPageSize 100"
    );
    assert!(h.state.timeline.has_more);
    let title = render_at(&h.state, 80, 24);
    assert!(title.contains("100 loaded, more available"), "{title}");
    h.state.focus = Focus::Timeline;
    while h.state.timeline.has_more {
        h.act(Action::Last);
        h.until("the next page", |s| !s.timeline.page_pending).await;
    }
    assert_eq!(h.state.timeline.data.loaded(), 1_000);
    let seqs: Vec<u64> = (0..1_000)
        .map(|r| h.state.timeline.data.row(r).unwrap().seq)
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
    let mut h = Harness::new(config).await;
    h.state.settings.timeout = Duration::from_millis(300);
    h.state.settings.retries = 0;
    h.act(Action::Fetch);
    // Stall touches the message routes: the thread loads, the message and the timeline time out.
    h.until("the timeout", |s| !s.is_loading()).await;
    assert!(h.state.thread.is_some());
    for status in [&h.state.message_status, &h.state.timeline.status] {
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
    let mut h = Harness::new(config).await;
    h.act(Action::Fetch);
    h.until("everything", |s| !s.is_loading()).await;
    for tab in DetailTab::ALL {
        h.act(Action::ShowTab(tab));
        let screen = render_at(&h.state, 120, 40);
        assert!(
            !screen.contains("]0;") || screen.contains("␛]0;"),
            "{tab:?}:\n{screen}"
        );
    }
}

#[tokio::test]
async fn e_exports_the_bundle_and_capital_e_a_redacted_one_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::new(EmulatorConfig::default()).await;
    h.state.settings.export_dir = dir.path().to_path_buf();
    h.tasks.run(app::start(&mut h.state));
    h.until("everything", |s| !s.is_loading()).await;
    for redacted in [false, true] {
        h.act(Action::Export { redacted });
        h.until("the export", |s| {
            matches!(s.export_status, LoadStatus::Loaded)
        })
        .await;
        let notice = h.state.notice.clone().unwrap().text;
        assert!(notice.starts_with("exported to "), "{notice}");
        let path = notice
            .trim_start_matches("exported to ")
            .split(" (")
            .next()
            .unwrap()
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(&h.info().token), "no token in an export");
        let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(bundle["messages"].as_array().unwrap().len(), 12);
        assert_eq!(
            text.contains("Let's head out for lunch"),
            !redacted,
            "redaction blanks text"
        );
        std::fs::remove_file(&path).unwrap();
        h.state.export_status = LoadStatus::Idle;
    }
}

#[tokio::test]
async fn a_ten_megabyte_message_is_shown_cut_and_the_timeline_stays_one_line() {
    let config = EmulatorConfig {
        faults: vec![FaultKind::Huge],
        ..EmulatorConfig::default()
    };
    let mut h = Harness::new(config).await;
    h.state.set_value(Field::Message, "");
    h.act(Action::Fetch);
    h.until("everything", |s| !s.is_loading()).await;
    let data = &h.state.timeline.data;
    let row = (0..data.len())
        .find(|&r| data.row(r).unwrap().message().text().len() >= 10_000_000)
        .expect("the huge message");
    h.state.focus = Focus::Timeline;
    h.state.timeline.selected = row;
    h.act(Action::Activate);
    let screen = render_at(&h.state, 100, 60);
    assert!(screen.contains("This line repeats"), "{screen}");
    assert!(screen.contains("(cut at 64 KiB of 10240 KiB"), "{screen}");
}
