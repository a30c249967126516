//! All state of the inspector. Rendering is a pure function of it (the clock included).

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui::style::{Color, Modifier, Style};
use ratatui_textarea::TextArea;

use crate::acs::{
    AcsError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem,
    ChatThreadProperties, DEFAULT_API_VERSION, Exchange, Fetched, TimeDisplay,
};

use crate::acs::identity::ConnectionString;
use crate::acs::token::TokenInfo;
use crate::config::Profile;

use super::copy::CopyMenu;
use super::raw::RawView;
use super::timeline::Timeline;

/// The input fields, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Endpoint,
    Token,
    Thread,
    Message,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Endpoint, Field::Token, Field::Thread, Field::Message];

    pub fn label(self) -> &'static str {
        match self {
            Field::Endpoint => "Endpoint",
            Field::Token => "Token",
            Field::Thread => "Thread",
            Field::Message => "Message",
        }
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(Field),
    Timeline,
    Details,
}

impl Focus {
    const ORDER: [Focus; 6] = [
        Focus::Field(Field::Endpoint),
        Focus::Field(Field::Token),
        Focus::Field(Field::Thread),
        Focus::Field(Field::Message),
        Focus::Timeline,
        Focus::Details,
    ];

    pub fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    pub fn prev(self) -> Self {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + Self::ORDER.len() - 1) % Self::ORDER.len()]
    }

    pub fn is_field(self) -> bool {
        matches!(self, Focus::Field(_))
    }
}

/// The tabs of the detail area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Thread,
    Message,
    Participants,
    Receipts,
    Threads,
    Token,
}

impl DetailTab {
    pub const ALL: [DetailTab; 6] = [
        DetailTab::Thread,
        DetailTab::Message,
        DetailTab::Participants,
        DetailTab::Receipts,
        DetailTab::Threads,
        DetailTab::Token,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Thread => "Thread",
            DetailTab::Message => "Message",
            DetailTab::Participants => "Participants",
            DetailTab::Receipts => "Receipts",
            DetailTab::Threads => "Threads",
            DetailTab::Token => "Token",
        }
    }

    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    pub fn prev(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }
}

/// Where a panel's data stands.
#[derive(Debug, Clone, Default)]
pub enum LoadStatus {
    #[default]
    Idle,
    Loading {
        started: DateTime<Utc>,
        request_id: u64,
    },
    Loaded,
    Failed(AcsError),
    Cancelled,
}

impl LoadStatus {
    pub fn is_loading(&self) -> bool {
        matches!(self, LoadStatus::Loading { .. })
    }

    /// Whether a result tagged `request_id` is the one this panel waits for.
    pub fn awaits(&self, id: u64) -> bool {
        matches!(self, LoadStatus::Loading { request_id, .. } if *request_id == id)
    }

    pub fn request_id(&self) -> Option<u64> {
        match self {
            LoadStatus::Loading { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }
}

/// A list that arrives page by page.
#[derive(Debug)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub pages: Vec<Arc<Exchange>>,
    /// Index of the first item of each page.
    pub page_starts: Vec<usize>,
    pub status: LoadStatus,
    pub selected: usize,
    /// The request that fills this list (kept after it ends, to find its exchanges).
    pub origin: Option<u64>,
}

impl<T> Listing<T> {
    /// The exchange the selected item came from.
    pub fn selected_page(&self) -> Option<&Arc<Exchange>> {
        let page = self
            .page_starts
            .partition_point(|&start| start <= self.selected);
        self.pages.get(page.saturating_sub(1))
    }
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            pages: Vec::new(),
            page_starts: Vec::new(),
            status: LoadStatus::Idle,
            selected: 0,
            origin: None,
        }
    }
}

/// The timeline, its paging and its cursor.
#[derive(Debug, Default)]
pub struct TimelineState {
    pub data: Timeline,
    pub status: LoadStatus,
    /// The request streaming pages (kept after loading stops, to ask for more).
    pub request_id: Option<u64>,
    /// Another page exists.
    pub has_more: bool,
    /// A page was asked for and has not arrived.
    pub page_pending: bool,
    /// The selected display row.
    pub selected: usize,
    /// The first display row on screen.
    pub offset: usize,
    /// The request that fills the timeline (kept after it ends, to find its exchanges).
    pub origin: Option<u64>,
    /// `G` was pressed: keep the selection on the last row while further pages load, until the end.
    pub follow_end: bool,
}

/// Which message the message panels show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageSource {
    /// The message fetched by id.
    #[default]
    Fetched,
    /// The message selected in the timeline.
    Timeline,
}

/// A one-line prompt at the bottom.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Filter,
    Jump,
}

#[derive(Debug)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: TextArea<'static>,
}

/// "throttled, retrying in 1.2 s (2/3)".
#[derive(Debug, Clone, PartialEq)]
pub struct RetryNotice {
    pub attempt: u32,
    pub max: u32,
    pub delay: Duration,
    pub reason: String,
}

impl RetryNotice {
    pub fn text(&self) -> String {
        format!(
            "{}, retrying in {:.1} s ({}/{})",
            self.reason,
            self.delay.as_secs_f64(),
            self.attempt,
            self.max
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Info,
    Warn,
    Error,
}

/// A line of feedback in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
}

/// Connection settings that come from flags, not from the input fields.
#[derive(Debug, Clone)]
pub struct Settings {
    pub api_version: String,
    pub timeout: Duration,
    pub retries: u32,
    /// Items per page of the timeline.
    pub page_size: u32,
    /// Where exports are written.
    pub export_dir: std::path::PathBuf,
    /// Remember opened threads under this profile name (`None`: remember nothing, as in the demo).
    pub remember_as: Option<String>,
    /// The config file the profile picker reads (`None`: no config directory on this machine).
    pub config_file: Option<std::path::PathBuf>,
    /// The state file recent threads are remembered in (`None`: remember nothing).
    pub state_file: Option<std::path::PathBuf>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            api_version: DEFAULT_API_VERSION.to_string(),
            timeout: Duration::from_secs(30),
            retries: 3,
            page_size: 100,
            export_dir: std::path::PathBuf::from("."),
            remember_as: None,
            config_file: None,
            state_file: None,
        }
    }
}

/// The profiles of the config file, as the picker found them.
#[derive(Debug, Clone)]
pub enum ProfileList {
    Loading,
    /// There is no config file yet.
    Missing,
    /// The config file cannot be used; the message names the file and line.
    Failed(String),
    Loaded(Vec<(String, Profile)>),
}

/// What the profile picker shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerStage {
    /// The profiles, to pick one.
    Profiles,
    /// The recent threads of the profile just applied, to open one.
    Threads(String),
}

/// The profile picker overlay.
#[derive(Debug, Clone)]
pub struct ProfilePicker {
    pub path: Option<std::path::PathBuf>,
    pub list: ProfileList,
    pub stage: PickerStage,
    pub selected: usize,
}

impl ProfilePicker {
    /// How many rows can be picked in the current stage.
    pub fn len(&self, recent_threads: &[String]) -> usize {
        match (&self.stage, &self.list) {
            (PickerStage::Threads(_), _) => recent_threads.len(),
            (PickerStage::Profiles, ProfileList::Loaded(profiles)) => profiles.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self, recent_threads: &[String]) -> bool {
        self.len(recent_threads) == 0
    }
}

/// A connection string held in memory to mint tokens; it is never written anywhere.
#[derive(Debug, Clone)]
pub struct MintSource {
    pub conn: Arc<ConnectionString>,
    /// Where it came from, for messages: `--connection-string-env ACS_CONN`.
    pub origin: String,
}

/// The token in the Token field was minted: for whom, until when, and its refresh.
#[derive(Debug, Clone)]
pub struct Minted {
    /// The identity's raw id.
    pub user: String,
    /// The participant's display name, when minted for one.
    pub name: Option<String>,
    pub expires_on: DateTime<Utc>,
    /// The timer task that will refresh it.
    pub refresh_id: Option<u64>,
    /// Why the last refresh failed.
    pub refresh_error: Option<AcsError>,
}

impl Minted {
    /// `Jane (8:acs:...)` or the raw id.
    pub fn who(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.user),
            None => self.user.clone(),
        }
    }
}

/// The whole UI state.
#[derive(Debug)]
pub struct AppState {
    pub settings: Settings,
    pub fields: [TextArea<'static>; 4],
    pub token_revealed: bool,
    pub focus: Focus,
    /// Why the last fetch was refused before any request.
    pub input_error: Option<String>,
    /// What the token of the last fetch says about itself (identity, expiry); never the token.
    pub token: Option<TokenInfo>,
    pub thread: Option<Fetched<ChatThreadProperties>>,
    pub thread_status: LoadStatus,
    pub message: Option<Fetched<ChatMessage>>,
    pub message_status: LoadStatus,
    pub message_source: MessageSource,
    pub timeline: TimelineState,
    pub participants: Listing<ChatParticipant>,
    pub receipts: Listing<ChatMessageReadReceipt>,
    pub threads: Listing<ChatThreadItem>,
    pub tab: DetailTab,
    /// Scroll of the detail tab's text.
    pub detail_scroll: u16,
    pub help: Option<u16>,
    /// The raw response overlay.
    pub raw: Option<RawView>,
    /// The request log overlay: the selected row, newest first.
    pub log: Option<usize>,
    /// The copy menu.
    pub copy: Option<CopyMenu>,
    /// An export being written, and how far it has come.
    pub export_status: LoadStatus,
    pub export_progress: Option<String>,
    /// The requests behind the thread and message panels.
    pub thread_origin: Option<u64>,
    pub message_origin: Option<u64>,
    pub prompt: Option<Prompt>,
    pub now: DateTime<Utc>,
    pub time_display: TimeDisplay,
    pub size: (u16, u16),
    pub notice: Option<Notice>,
    pub retry: Option<RetryNotice>,
    pub spinner: usize,
    /// Every HTTP exchange since start, oldest first (bounded), for the request log and raw views.
    pub exchanges: VecDeque<LoggedExchange>,
    pub next_request_id: u64,
    pub quit: bool,
    /// Threads recently opened on this machine, most recent first; `R` cycles through them.
    pub recent_threads: Vec<String>,
    pub recent_index: usize,
    /// The profile picker overlay.
    pub profiles: Option<ProfilePicker>,
    /// The profile applied last, by name.
    pub profile: Option<String>,
    /// A profile's token being resolved (token_command, env var, or minting).
    pub profile_status: LoadStatus,
    /// The connection string tokens are minted from, when one was given.
    pub mint_source: Option<MintSource>,
    /// What is known of the token when it was minted here.
    pub minted: Option<Minted>,
    /// A token being minted for a participant.
    pub mint_status: LoadStatus,
    /// The display name of the participant a token is being minted for.
    pub mint_name: Option<String>,
}

/// An exchange and the request it belongs to (a failed request's exchange is found this way).
#[derive(Debug, Clone)]
pub struct LoggedExchange {
    pub request_id: u64,
    pub exchange: Arc<Exchange>,
}

/// The request log keeps this many exchanges.
pub const MAX_EXCHANGES: usize = 500;

impl AppState {
    pub fn new(settings: Settings, now: DateTime<Utc>) -> Self {
        let mut state = Self {
            settings,
            fields: Field::ALL.map(new_field),
            token_revealed: false,
            focus: Focus::Field(Field::Endpoint),
            input_error: None,
            token: None,
            thread: None,
            thread_status: LoadStatus::Idle,
            message: None,
            message_status: LoadStatus::Idle,
            message_source: MessageSource::Fetched,
            timeline: TimelineState::default(),
            participants: Listing::default(),
            receipts: Listing::default(),
            threads: Listing::default(),
            tab: DetailTab::Thread,
            detail_scroll: 0,
            help: None,
            raw: None,
            log: None,
            copy: None,
            export_status: LoadStatus::Idle,
            export_progress: None,
            thread_origin: None,
            message_origin: None,
            prompt: None,
            now,
            time_display: TimeDisplay::Utc,
            size: (80, 24),
            notice: None,
            retry: None,
            spinner: 0,
            exchanges: VecDeque::new(),
            next_request_id: 1,
            quit: false,
            recent_threads: Vec::new(),
            recent_index: 0,
            profiles: None,
            profile: None,
            profile_status: LoadStatus::Idle,
            mint_source: None,
            minted: None,
            mint_status: LoadStatus::Idle,
            mint_name: None,
        };
        state.fields[1].set_mask_char('•');
        state.sync_field_styles();
        state
    }

    pub fn field(&self, field: Field) -> &TextArea<'static> {
        &self.fields[field as usize]
    }

    pub fn field_mut(&mut self, field: Field) -> &mut TextArea<'static> {
        &mut self.fields[field as usize]
    }

    /// The text of a field (fields are single-line).
    pub fn value(&self, field: Field) -> String {
        self.field(field).lines().join("")
    }

    /// Replaces a field's text, cursor at the end.
    pub fn set_value(&mut self, field: Field, text: &str) {
        let area = self.field_mut(field);
        area.select_all();
        area.cut();
        area.insert_str(single_line(text));
    }

    /// Cursor shown only in the focused field.
    pub fn sync_field_styles(&mut self) {
        let focus = self.focus;
        for field in Field::ALL {
            let focused = focus == Focus::Field(field);
            let cursor = if focused {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            let area = self.field_mut(field);
            area.set_cursor_style(cursor);
            area.set_cursor_line_style(Style::default());
        }
    }

    pub fn toggle_token_mask(&mut self) {
        self.token_revealed = !self.token_revealed;
        let token = self.field_mut(Field::Token);
        if token.mask_char().is_some() {
            token.clear_mask_char();
        } else {
            token.set_mask_char('•');
        }
    }

    /// Puts a token into the Token field, masked whatever was shown before.
    pub fn set_token(&mut self, token: &str) {
        self.set_value(Field::Token, token);
        if self.token_revealed {
            self.toggle_token_mask();
        }
    }

    pub fn take_request_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    /// Every status that is loading, with its name.
    pub fn loading(&self) -> Vec<(&'static str, &LoadStatus)> {
        [
            ("thread", &self.thread_status),
            ("message", &self.message_status),
            ("messages", &self.timeline.status),
            ("participants", &self.participants.status),
            ("receipts", &self.receipts.status),
            ("threads", &self.threads.status),
            ("export", &self.export_status),
            ("profile", &self.profile_status),
            ("token", &self.mint_status),
        ]
        .into_iter()
        .filter(|(_, s)| s.is_loading())
        .collect()
    }

    pub fn is_loading(&self) -> bool {
        !self.loading().is_empty()
    }

    /// The message the message panels show: the fetched one, or the timeline's selection decoded.
    pub fn shown_message(&self) -> Option<std::borrow::Cow<'_, ChatMessage>> {
        match self.message_source {
            MessageSource::Timeline => self.selected_message().map(std::borrow::Cow::Owned),
            MessageSource::Fetched => self
                .message
                .as_ref()
                .map(|f| std::borrow::Cow::Borrowed(&f.value)),
        }
    }

    /// The message selected in the timeline.
    pub fn selected_message(&self) -> Option<ChatMessage> {
        self.timeline
            .data
            .row(self.timeline.selected)
            .map(|e| e.message())
    }

    /// The exchange a request produced last (for panels whose request failed).
    pub fn logged(&self, request_id: Option<u64>) -> Option<Arc<Exchange>> {
        let id = request_id?;
        self.exchanges
            .iter()
            .rev()
            .find(|l| l.request_id == id)
            .map(|l| l.exchange.clone())
    }

    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        self.notice = Some(Notice {
            level,
            text: text.into(),
        });
    }
}

fn new_field(field: Field) -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_placeholder_text(match field {
        Field::Endpoint => "https://<resource>.communication.azure.com",
        Field::Token => "ACS user access token",
        Field::Thread => "19:...@thread.v2",
        Field::Message => "message id (optional)",
    });
    area.set_placeholder_style(Style::default().fg(Color::DarkGray));
    area
}

/// Fields hold one line: pasted newlines and surrounding blanks are dropped.
pub fn single_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("")
}
