//! The inspector's update loop and task runner against the built-in emulator (no terminal):
//! what `--demo` does, errors as the service really sends them, and paging a large thread.

use std::time::Duration;

use crate::support::tui::{Driver, render_at};
use acs_chat_inspector::acs::{AcsError, TransportKind};
use acs_chat_inspector::emulator::data::{LARGE_THREAD_ID, LUNCH_THREAD_ID};
use acs_chat_inspector::emulator::{self, EmulatorConfig, FaultKind, RunningEmulator};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field, Focus, LoadStatus, Settings};
use acs_chat_inspector::tui::update::Effect;
use chrono::Utc;

/// The real event loop against an emulator; the fields name its demo thread and seed message.
struct Harness {
    driver: Driver,
    _emulator: RunningEmulator,
}

impl std::ops::Deref for Harness {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

impl std::ops::DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }
}

impl Harness {
    /// The loop idle, the fields filled in.
    async fn new(config: EmulatorConfig) -> Self {
        Self::starting(config, |_| vec![]).await
    }

    /// The loop started with the effects `start` gives for the filled-in state.
    async fn starting(
        config: EmulatorConfig,
        start: impl FnOnce(&mut AppState) -> Vec<Effect>,
    ) -> Self {
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
        let first = start(&mut state);
        Self {
            driver: Driver::new(state, first, 120, 40),
            _emulator: emulator,
        }
    }

    fn info(&self) -> &emulator::EmulatorInfo {
        &self._emulator.info
    }
}

#[tokio::test]
async fn demo_start_loads_the_thread_the_seed_message_and_the_timeline() {
    let mut h = Harness::starting(EmulatorConfig::default(), app::start).await;
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
    assert_eq!(h.lp.state.receipts.items.len(), 4);
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
    let mut h = Harness::new(EmulatorConfig::default()).await;
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
    let mut h = Harness::new(EmulatorConfig::default()).await;
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
    let mut h = Harness::new(config).await;
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
    let mut h = Harness::new(config).await;
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
    let mut h = Harness::new(config).await;
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
async fn e_exports_the_bundle_and_capital_e_a_redacted_one_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = Harness::starting(EmulatorConfig::default(), |s| {
        s.settings.export_dir = dir.path().to_path_buf();
        app::start(s)
    })
    .await;
    h.until("everything", |s| !s.is_loading()).await;
    for redacted in [false, true] {
        h.act(Action::Export { redacted });
        h.until("the export", |s| {
            matches!(s.status(Slot::Export), LoadStatus::Loaded)
        })
        .await;
        let notice = h.lp.state.notice.clone().unwrap().text;
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
        h.lp.state.loads.set(Slot::Export, LoadStatus::Idle);
    }
}

#[tokio::test]
async fn a_ten_megabyte_message_is_shown_cut_and_the_timeline_stays_one_line() {
    let config = EmulatorConfig {
        faults: vec![FaultKind::Huge],
        ..EmulatorConfig::default()
    };
    let mut h = Harness::new(config).await;
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
