//! Shared fixtures of the TUI tests: a fixed clock, hand-built service data, and rendering to text.
#![allow(dead_code)]

use std::sync::Arc;

use acs_chat_inspector::acs::{
    AcsError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem,
    ChatThreadProperties, Exchange, Fetched, Page, ServiceError, TransportKind,
};
use acs_chat_inspector::tui::action::{Action, Answer, PageOutcome};
use acs_chat_inspector::tui::app::EventLoop;
use acs_chat_inspector::tui::state::{AppState, Field, Focus, Settings};
use acs_chat_inspector::tui::update::{Effect, Request, update};
use acs_chat_inspector::tui::view;
use chrono::{DateTime, TimeZone, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

pub const THREAD_ID: &str = "19:demo-lunch@thread.v2";
pub const SEED_ID: &str = "1591768249318";
pub const JANE: &str =
    "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";
pub const BOB: &str =
    "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_00000000-0000-0000-0000-0000000000b0";

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap()
}

/// A token shaped like a real ACS one, valid for a day after [`now`].
pub fn token() -> String {
    super::tokens::tui_token(now())
}

pub fn state(width: u16, height: u16) -> AppState {
    let mut state = AppState::new(Settings::default(), now());
    state.size = (width, height);
    state
}

/// A state with the fields filled in, focus on the results.
pub fn filled(width: u16, height: u16, message: bool) -> AppState {
    let mut s = state(width, height);
    s.set_value(Field::Endpoint, "http://127.0.0.1:8080");
    s.set_value(Field::Token, &token());
    s.set_value(Field::Thread, THREAD_ID);
    if message {
        s.set_value(Field::Message, SEED_ID);
    }
    s.focus = Focus::Timeline;
    s.sync_field_styles();
    s
}

pub fn exchange(url: &str) -> Arc<Exchange> {
    Arc::new(Exchange {
        seq: 1,
        started_at: now(),
        method: "GET".into(),
        url: url.into(),
        status: Some(200),
        duration: Default::default(),
        attempts: 1,
        headers: vec![("MS-CV".into(), "JduJle7LhkONxaJnLYlU7Q.0".into())],
        body: String::new(),
        error: None,
        failed_attempts: vec![],
    })
}

pub fn fetched<T>(value: T) -> Fetched<T> {
    Fetched {
        value,
        exchange: exchange("http://127.0.0.1:8080/chat/threads"),
    }
}

pub fn thread() -> ChatThreadProperties {
    serde_json::from_value(json!({
        "id": THREAD_ID, "topic": "Lunch", "createdOn": "2026-01-01T09:00:00Z",
        "createdByCommunicationIdentifier": {"rawId": JANE, "communicationUser": {"id": JANE}},
        "metadata": {"team": "platform", "ticket": "INC-1234"},
        "retentionPolicy": {"kind": "threadCreationDate", "deleteThreadAfterDays": 30}
    }))
    .unwrap()
}

pub fn msg(v: Value) -> ChatMessage {
    serde_json::from_value(v).unwrap()
}

pub fn seed_message() -> ChatMessage {
    msg(json!({
        "id": SEED_ID, "sequenceId": "3", "type": "text", "version": "1599016601134",
        "content": {"message": "Let's head out for lunch in 15 minutes."},
        "senderDisplayName": "Jane", "createdOn": "2026-01-15T11:50:49.3180000Z",
        "senderCommunicationIdentifier": {"rawId": JANE, "communicationUser": {"id": JANE}},
        "metadata": {"someKey1": "someValue1", "someKey2": "someValue2"}
    }))
}

pub fn html_message() -> ChatMessage {
    msg(json!({
        "id": "1591768300000", "sequenceId": "4", "type": "html", "version": "1591768300000",
        "content": {"message": "<p>Menu for <b>today</b>: see <a href=\"https://contoso.example/menu\">the menu</a></p><ul><li>Soup</li><li>Salad</li></ul>"},
        "senderDisplayName": "Bob", "createdOn": "2026-01-15T11:52:00Z",
        "senderCommunicationIdentifier": {"rawId": BOB}
    }))
}

/// The demo thread's messages, newest first as the service sends them.
pub fn messages() -> Vec<ChatMessage> {
    vec![
        msg(json!({
            "id": "1591768500000", "sequenceId": "8", "type": "text", "version": "1591768500000",
            "content": {"message": "Photos from the place", "attachments": [
                {"id": "img-1", "attachmentType": "image", "name": "table.png",
                 "url": "https://contoso.example/img/table.png", "previewUrl": "https://contoso.example/img/table-small.png"},
                {"id": "file-1", "attachmentType": "file", "name": "menu.pdf", "previewUrl": "https://contoso.example/files/menu.pdf"}
            ]},
            "senderDisplayName": "Bob", "createdOn": "2026-01-15T11:58:00Z",
            "senderCommunicationIdentifier": {"rawId": BOB}
        })),
        msg(json!({
            "id": "1591768450000", "sequenceId": "7", "type": "participantRemoved", "version": "1591768450000",
            "content": {"participants": [{"communicationIdentifier": {"rawId": "8:acs:x_carol"}, "displayName": "Carol"}],
                        "initiatorCommunicationIdentifier": {"rawId": JANE}},
            "createdOn": "2026-01-15T11:57:00Z"
        })),
        msg(json!({
            "id": "1591768400000", "sequenceId": "6", "type": "text", "version": "1591768420000",
            "content": {"message": "Never mind"}, "senderDisplayName": "Bob",
            "createdOn": "2026-01-15T11:56:00Z", "deletedOn": "2026-01-15T11:56:30Z",
            "senderCommunicationIdentifier": {"rawId": BOB}
        })),
        msg(json!({
            "id": "1591768350000", "sequenceId": "5", "type": "text", "version": "1591768390000",
            "content": {"message": "Make it 20 minutes"}, "senderDisplayName": "Jane",
            "createdOn": "2026-01-15T11:55:00Z", "editedOn": "2026-01-15T11:55:40Z",
            "senderCommunicationIdentifier": {"rawId": JANE}
        })),
        html_message(),
        seed_message(),
        msg(json!({
            "id": "1591768100000", "sequenceId": "2", "type": "participantAdded", "version": "1591768100000",
            "content": {"participants": [
                {"communicationIdentifier": {"rawId": BOB}, "displayName": "Bob", "shareHistoryTime": "1970-01-01T00:00:00Z"}],
                "initiatorCommunicationIdentifier": {"rawId": JANE}},
            "createdOn": "2026-01-15T11:40:00Z"
        })),
        msg(json!({
            "id": "1591768000000", "sequenceId": "1", "type": "topicUpdated", "version": "1591768000000",
            "content": {"topic": "Lunch", "initiatorCommunicationIdentifier": {"rawId": JANE}},
            "createdOn": "2026-01-15T11:30:00Z"
        })),
    ]
}

pub fn participants() -> Vec<ChatParticipant> {
    serde_json::from_value(json!([
        {"communicationIdentifier": {"rawId": JANE, "communicationUser": {"id": JANE}}, "displayName": "Jane",
         "shareHistoryTime": "1970-01-01T00:00:00Z", "metadata": {"role": "organizer"}},
        {"communicationIdentifier": {"rawId": BOB}, "displayName": "Bob", "shareHistoryTime": "2026-01-15T11:40:00Z"},
        {"communicationIdentifier": {"rawId": "4:+14255550123", "phoneNumber": {"value": "+14255550123"}}}
    ]))
    .unwrap()
}

pub fn receipts() -> Vec<ChatMessageReadReceipt> {
    serde_json::from_value(json!([
        {"senderCommunicationIdentifier": {"rawId": JANE}, "chatMessageId": "1591768500000", "readOn": "2026-01-15T11:59:00Z"},
        {"senderCommunicationIdentifier": {"rawId": BOB}, "chatMessageId": SEED_ID, "readOn": "2026-01-15T11:51:00Z"}
    ]))
    .unwrap()
}

pub fn thread_items() -> Vec<ChatThreadItem> {
    serde_json::from_value(json!([
        {"id": THREAD_ID, "topic": "Lunch", "lastMessageReceivedOn": "2026-01-15T11:58:00Z"},
        {"id": "19:demo-standup@thread.v2", "topic": "Standup", "lastMessageReceivedOn": "2026-01-14T09:00:00Z"}
    ]))
    .unwrap()
}

/// The request id of the first effect fetching a request matching `pick`.
pub fn request_id(effects: &[Effect], pick: impl Fn(&Request) -> bool) -> u64 {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Fetch {
                request_id,
                request,
                ..
            } if pick(request) => Some(*request_id),
            _ => None,
        })
        .expect("request not started")
}

/// The action of a request's answer.
pub fn answer(request_id: u64, answer: Answer) -> Action {
    Action::Answered { request_id, answer }
}

pub fn page<T>(items: Vec<T>, has_more: bool) -> PageOutcome<T> {
    PageOutcome {
        result: Ok(fetched(Page {
            value: items,
            next_link: None,
        })),
        has_more,
    }
}

/// Ids of the requests a fetch started.
pub struct Ids {
    pub thread: u64,
    pub message: Option<u64>,
    pub messages: u64,
    pub participants: u64,
    pub receipts: u64,
    pub threads: u64,
}

pub fn start_fetch(state: &mut AppState) -> Ids {
    let effects = update(state, Action::Fetch);
    Ids {
        thread: request_id(&effects, |r| matches!(r, Request::Thread { .. })),
        message: effects.iter().find_map(|e| match e {
            Effect::Fetch {
                request_id,
                request: Request::Message { .. },
                ..
            } => Some(*request_id),
            _ => None,
        }),
        messages: request_id(&effects, |r| matches!(r, Request::Messages { .. })),
        participants: request_id(&effects, |r| matches!(r, Request::Participants { .. })),
        receipts: request_id(&effects, |r| matches!(r, Request::Receipts { .. })),
        threads: request_id(&effects, |r| matches!(r, Request::Threads)),
    }
}

/// The demo thread fully loaded through `update`, as the app would see it.
pub fn loaded(width: u16, height: u16, message: bool) -> AppState {
    let mut s = filled(width, height, message);
    let ids = start_fetch(&mut s);
    update(
        &mut s,
        answer(ids.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    if let Some(id) = ids.message {
        update(
            &mut s,
            answer(id, Answer::Message(Ok(fetched(seed_message())))),
        );
    }
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(messages(), false))),
    );
    update(
        &mut s,
        answer(
            ids.participants,
            Answer::ParticipantsPage(page(participants(), false)),
        ),
    );
    update(
        &mut s,
        answer(ids.receipts, Answer::ReceiptsPage(page(receipts(), false))),
    );
    update(
        &mut s,
        answer(
            ids.threads,
            Answer::ThreadsPage(page(thread_items(), false)),
        ),
    );
    s
}

pub fn service_error(status: u16, code: Option<&str>, message: Option<&str>) -> AcsError {
    AcsError::Service(Box::new(ServiceError {
        status,
        code: code.map(str::to_string),
        message: message.map(str::to_string),
        ms_cv: Some("JduJle7LhkONxaJnLYlU7Q.0".into()),
        ..Default::default()
    }))
}

pub fn timeout_error() -> AcsError {
    AcsError::Transport {
        kind: TransportKind::Timeout,
        message: "timed out (http://127.0.0.1:8080/chat/threads/19%3Ademo-lunch%40thread.v2): operation timed out".into(),
    }
}

pub fn decode_error() -> AcsError {
    AcsError::Decode {
        status: 200,
        message: "200 but the body is not JSON (expected value at line 1 column 1; 23 bytes)"
            .into(),
        ms_cv: Some("JduJle7LhkONxaJnLYlU7Q.0".into()),
        body_preview: "<html>captive</html>".into(),
    }
}

/// Renders the state at its size into plain text, one line per row.
pub fn render(state: &AppState) -> String {
    let (w, h) = state.size;
    render_at(state, w, h)
}

pub fn render_at(state: &AppState, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view::render(state, frame)).unwrap();
    buffer_text(terminal.backend().buffer())
}

/// A buffer's text, one line per row, trailing blanks dropped.
pub fn buffer_text(buffer: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let mut line = String::new();
        for x in 0..buffer.area.width {
            line.push_str(buffer[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// An exchange as the client records it: headers in the service's casing and the body as sent.
pub fn exchange_with(url: &str, status: u16, body: &str, seq: u64) -> Arc<Exchange> {
    Arc::new(Exchange {
        seq,
        started_at: now(),
        method: "GET".into(),
        url: url.into(),
        status: Some(status),
        duration: std::time::Duration::from_millis(87),
        attempts: 1,
        headers: vec![
            (
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            ),
            ("date".into(), "Thu, 15 Jan 2026 12:00:00 GMT".into()),
            ("MS-CV".into(), "JduJle7LhkONxaJnLYlU7Q.0".into()),
            (
                "api-supported-versions".into(),
                "2021-09-07, 2023-11-07, 2024-03-07, 2025-03-15".into(),
            ),
            ("X-Azure-Ref".into(), "0abcDEF".into()),
        ],
        body: body.into(),
        error: None,
        failed_attempts: vec![],
    })
}

pub use super::tokens::valid_now as token_valid_now;

/// The app's real event loop on a `TestBackend`, fed keys through a channel: tests drive the loop
/// the program runs (copy, batching and quit included), not a copy of it.
pub struct Driver {
    pub lp:
        EventLoop<TestBackend, futures::channel::mpsc::UnboundedReceiver<std::io::Result<Event>>>,
    events: futures::channel::mpsc::UnboundedSender<std::io::Result<Event>>,
    /// What the loop wrote for the clipboard (OSC 52 sequences).
    pub clipboard: Arc<std::sync::Mutex<Vec<u8>>>,
    /// Whether the loop has ended (quit).
    pub ended: bool,
}

/// A writer whose bytes the test can read while the loop owns it.
struct Shared(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Shared {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Driver {
    /// Starts the loop on a `width` x `height` screen with the first effects (`app::start`'s).
    pub fn new(state: AppState, first: Vec<Effect>, width: u16, height: u16) -> Self {
        let (events, rx) = futures::channel::mpsc::unbounded();
        let clipboard = Arc::new(std::sync::Mutex::new(Vec::new()));
        let terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        let lp = EventLoop::new(
            terminal,
            rx,
            std::future::pending(),
            state,
            first,
            Box::new(Shared(clipboard.clone())),
        )
        .unwrap();
        Self {
            lp,
            events,
            clipboard,
            ended: false,
        }
    }

    pub fn state(&self) -> &AppState {
        &self.lp.state
    }

    /// A key as the terminal sends it, taken by one turn of the loop.
    pub async fn key(&mut self, code: KeyCode) {
        self.key_with(code, KeyModifiers::NONE).await;
    }

    pub async fn key_with(&mut self, code: KeyCode, mods: KeyModifiers) {
        let event = Event::Key(KeyEvent::new(code, mods));
        self.events.unbounded_send(Ok(event)).unwrap();
        self.ended |= !self.lp.step().await.unwrap();
    }

    /// Types each character as a key.
    pub async fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c)).await;
        }
    }

    /// Applies an action as a key bound to it would.
    pub fn act(&mut self, action: Action) {
        self.ended |= !self.lp.dispatch(action).unwrap();
    }

    /// Turns the loop until `done` holds; fails with the screen after 10 s or when it ends first.
    pub async fn until(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        let wait = async {
            while !done(&self.lp.state) {
                assert!(!self.ended, "the loop ended before {what}");
                self.ended |= !self.lp.step().await.unwrap();
            }
        };
        if tokio::time::timeout(std::time::Duration::from_secs(10), wait)
            .await
            .is_err()
        {
            panic!(
                "timed out waiting for {what}:\n{}",
                render_at(&self.lp.state, 120, 40)
            );
        }
    }

    /// The screen as the loop last drew it.
    pub fn screen(&self) -> String {
        buffer_text(self.lp.terminal.backend().buffer())
    }
}

/// The real event loop against the built-in emulator: the fields name its demo thread (and seed
/// message); the config and state files live in a temporary directory.
pub struct Emulated {
    pub driver: Driver,
    pub emulator: acs_chat_inspector::emulator::RunningEmulator,
    pub dir: tempfile::TempDir,
}

/// The profile name recent threads are remembered under in [`Emulated`].
pub const EMULATED_PROFILE: &str = "emulated";

impl std::ops::Deref for Emulated {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

impl std::ops::DerefMut for Emulated {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }
}

impl Emulated {
    /// The loop idle, the fields filled in.
    pub async fn new(config: acs_chat_inspector::emulator::EmulatorConfig) -> Self {
        Self::starting(config, |_, _| vec![]).await
    }

    /// The loop started with the effects `start` gives for the filled-in state.
    pub async fn starting(
        config: acs_chat_inspector::emulator::EmulatorConfig,
        start: impl FnOnce(&mut AppState, &acs_chat_inspector::emulator::EmulatorInfo) -> Vec<Effect>,
    ) -> Self {
        let emulator = acs_chat_inspector::emulator::start(config).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            retries: 1,
            timeout: std::time::Duration::from_secs(5),
            remember_as: Some(EMULATED_PROFILE.into()),
            config_file: Some(dir.path().join("config.toml")),
            state_file: Some(dir.path().join("state").join("state.json")),
            export_dir: dir.path().to_path_buf(),
            ..Settings::default()
        };
        let mut state = AppState::new(settings, Utc::now());
        let info = &emulator.info;
        state.set_value(Field::Endpoint, &info.endpoint);
        state.set_value(Field::Token, &info.token);
        state.set_value(Field::Thread, &info.thread_id);
        state.set_value(Field::Message, &info.message_id);
        let first = start(&mut state, info);
        Self {
            driver: Driver::new(state, first, 120, 40),
            emulator,
            dir,
        }
    }

    pub fn info(&self) -> &acs_chat_inspector::emulator::EmulatorInfo {
        &self.emulator.info
    }
}

/// A key without modifiers.
pub fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// Routes a key through the key table and applies it, as the app does (without tasks).
pub fn press(s: &mut AppState, code: KeyCode) -> Vec<Effect> {
    match acs_chat_inspector::tui::keymap::action_for_key(s, key(code)) {
        Some(action) => update(s, action),
        None => vec![],
    }
}
