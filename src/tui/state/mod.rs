//! All state of the inspector. Rendering is a pure function of it (the clock included).
//!
//! - [`loads`]: one [`Load`] (status and origin request) per [`Slot`].
//! - [`overlay`]: the overlay stack; its top takes the keys.
//! - [`fields`]: the connection fields and focus.
//! - [`listing`]: paged lists and the timeline's paging.
//! - [`profiles`]: the profile picker, minted tokens, recent threads.

mod fields;
mod listing;
mod loads;
mod overlay;
mod profiles;

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use ratatui_textarea::TextArea;

use crate::acs::token::TokenInfo;
use crate::acs::{
    ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem, ChatThreadProperties,
    DEFAULT_API_VERSION, Exchange, Fetched, TimeDisplay,
};

pub use fields::{Field, Fields, Focus, single_line, token_summary};
pub use listing::{Listing, MessageSource, TimelineState};
pub use loads::{Load, LoadStatus, Loads, Slot};
pub use overlay::{Overlay, Overlays, Prompt, PromptKind};
pub use profiles::{
    Identity, MintSource, Minted, PickerStage, ProfileList, ProfilePicker, RecentThreads,
};

/// The tabs of the detail area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DetailTab {
    Thread,
    Message,
    Participants,
    Receipts,
    Threads,
    Token,
    Findings,
}

impl DetailTab {
    pub const ALL: [DetailTab; 7] = [
        DetailTab::Thread,
        DetailTab::Message,
        DetailTab::Participants,
        DetailTab::Receipts,
        DetailTab::Threads,
        DetailTab::Token,
        DetailTab::Findings,
    ];

    pub fn title(self) -> &'static str {
        match self {
            DetailTab::Thread => "Thread",
            DetailTab::Message => "Message",
            DetailTab::Participants => "Participants",
            DetailTab::Receipts => "Receipts",
            DetailTab::Threads => "Threads",
            DetailTab::Token => "Token",
            DetailTab::Findings => "Findings",
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

    /// Tabs that are lists to pick from: j/k and Enter act on them.
    pub fn is_list(self) -> bool {
        matches!(
            self,
            DetailTab::Participants
                | DetailTab::Receipts
                | DetailTab::Threads
                | DetailTab::Findings
        )
    }
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

/// A line of feedback in the status bar, and when it was given (the history lists them).
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub level: Level,
    pub text: String,
    pub at: DateTime<Utc>,
}

/// The history of notices keeps this many.
pub const MAX_NOTICES: usize = 200;

/// Why the fields cannot be fetched, and which field to fix.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    pub field: Option<Field>,
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
    /// `NO_COLOR` is set: the screen carries no colour, bold or any other styling.
    pub no_color: bool,
    /// Clicks and the wheel are the inspector's (`--no-mouse` leaves them to the terminal).
    pub mouse: bool,
    /// How copies reach a clipboard in this session.
    pub clipboard: crate::system_clipboard::Setup,
    /// Live mode's wait between polls while the thread changes (it grows while nothing does).
    pub live_interval: Duration,
    /// Live mode turns itself on once the first thread is loaded (`--demo --activity`).
    pub live_at_start: bool,
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
            no_color: false,
            mouse: true,
            clipboard: Default::default(),
            live_interval: crate::watch::DEFAULT_INTERVAL,
            live_at_start: false,
        }
    }
}

/// An exchange and the request it belongs to (a failed request's exchange is found this way).
#[derive(Debug, Clone)]
pub struct LoggedExchange {
    pub request_id: u64,
    pub exchange: Arc<Exchange>,
}

/// The request log keeps this many exchanges.
pub const MAX_EXCHANGES: usize = 500;

/// The whole UI state.
#[derive(Debug)]
pub struct AppState {
    pub settings: Settings,
    pub fields: Fields,
    pub focus: Focus,
    /// Why the last fetch was refused before any request.
    pub input_error: Option<InputError>,
    /// What the token of the last fetch says about itself (identity, expiry); never the token.
    pub token: Option<TokenInfo>,
    /// What every slot waits for, and which request produced its data.
    pub loads: Loads,
    /// The endpoint and thread id the panels' data was fetched for: fetching them again is a
    /// refresh, which keeps the data until new data replaces it.
    pub loaded_for: Option<(String, String)>,
    pub thread: Option<Fetched<ChatThreadProperties>>,
    pub message: Option<Fetched<ChatMessage>>,
    pub message_source: MessageSource,
    pub timeline: TimelineState,
    pub participants: Listing<ChatParticipant>,
    pub receipts: Listing<ChatMessageReadReceipt>,
    pub threads: Listing<ChatThreadItem>,
    pub tab: DetailTab,
    /// Scroll of the detail tab's text.
    pub detail_scroll: u16,
    pub overlays: Overlays,
    /// How far the export being written has come.
    pub export_progress: Option<String>,
    pub now: DateTime<Utc>,
    pub time_display: TimeDisplay,
    pub size: (u16, u16),
    pub notice: Option<Notice>,
    /// Every notice given, oldest first (bounded), for the history overlay.
    pub notices: VecDeque<Notice>,
    pub retry: Option<RetryNotice>,
    pub spinner: usize,
    /// Every HTTP exchange since start, oldest first (bounded), for the request log and raw views.
    pub exchanges: VecDeque<LoggedExchange>,
    pub next_request_id: u64,
    pub quit: bool,
    pub recent: RecentThreads,
    /// The profile applied last, by name.
    pub profile: Option<String>,
    pub identity: Identity,
    /// Set when a saved bundle is shown (`open FILE`): nothing is fetched.
    pub offline: Option<super::offline::Offline>,
    /// Live mode (`w`): the thread watched for changes.
    pub live: Option<Live>,
    /// The diagnosis of the open thread (the Findings tab, the timeline's marks, the "as" view).
    pub findings: Option<super::findings::Findings>,
    /// Whose view the diagnosis and the timeline take (`a` on a participant); else the token's.
    pub as_identity: Option<String>,
    /// What fetching image attachments found, by attachment id.
    pub images: super::view::attachments::FetchedImages,
    /// The Threads tab's audit (`A`), sort and filter.
    pub thread_audit: super::audit::ThreadAudit,
    /// The last search across threads (`S`), shown in its overlay.
    pub search: Option<super::search::SearchResults>,
}

/// Live mode: the watch running on the open thread and what it has brought.
#[derive(Debug, Clone, Default)]
pub struct Live {
    /// The watch task.
    pub request_id: u64,
    /// When the last poll got its answer.
    pub checked_at: Option<DateTime<Utc>>,
    /// Messages that arrived or changed since live mode began, marked in the timeline.
    pub new: std::collections::HashSet<String>,
    pub changed: std::collections::HashSet<String>,
}

impl AppState {
    pub fn new(settings: Settings, now: DateTime<Utc>) -> Self {
        let mut state = Self {
            settings,
            fields: Fields::default(),
            // Off the fields, so that a newcomer's first key (?, P, q, Enter) does what it says.
            focus: Focus::Timeline,
            input_error: None,
            token: None,
            loads: Loads::default(),
            loaded_for: None,
            thread: None,
            message: None,
            message_source: MessageSource::Fetched,
            timeline: TimelineState::default(),
            participants: Listing::default(),
            receipts: Listing::default(),
            threads: Listing::default(),
            tab: DetailTab::Thread,
            detail_scroll: 0,
            overlays: Overlays::default(),
            export_progress: None,
            now,
            time_display: TimeDisplay::Utc,
            size: (80, 24),
            notice: None,
            notices: VecDeque::new(),
            retry: None,
            spinner: 0,
            exchanges: VecDeque::new(),
            next_request_id: 1,
            quit: false,
            recent: RecentThreads::default(),
            profile: None,
            identity: Identity::default(),
            offline: None,
            live: None,
            findings: None,
            as_identity: None,
            images: Default::default(),
            thread_audit: Default::default(),
            search: None,
        };
        state.sync_field_styles();
        state
    }

    pub fn field(&self, field: Field) -> &TextArea<'static> {
        self.fields.area(field)
    }

    /// The text of a field (fields are single-line).
    pub fn value(&self, field: Field) -> String {
        self.fields.value(field)
    }

    /// Replaces a field's text, cursor at the end.
    pub fn set_value(&mut self, field: Field, text: &str) {
        self.fields.set_value(field, text);
    }

    /// Cursor shown only in the focused field.
    pub fn sync_field_styles(&mut self) {
        let focused = match self.focus {
            Focus::Field(field) => Some(field),
            _ => None,
        };
        self.fields.show_cursor_in(focused);
    }

    pub fn take_request_id(&mut self) -> u64 {
        let id = self.next_request_id;
        self.next_request_id += 1;
        id
    }

    /// A slot starts loading for a new request; returns the request id.
    pub fn start(&mut self, slot: Slot) -> u64 {
        let id = self.take_request_id();
        self.loads.start(slot, id, self.now);
        id
    }

    pub fn status(&self, slot: Slot) -> &LoadStatus {
        self.loads.status(slot)
    }

    pub fn is_loading(&self) -> bool {
        self.loads.is_loading()
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

    /// The exchange a slot's request produced last (for panels whose request failed).
    pub fn logged(&self, slot: Slot) -> Option<Arc<Exchange>> {
        let id = self.loads.origin(slot)?;
        self.exchanges
            .iter()
            .rev()
            .find(|l| l.request_id == id)
            .map(|l| l.exchange.clone())
    }

    /// Shows a notice on the status line and keeps it in the history; anything in it that looks
    /// like a token or key is masked.
    pub fn notify(&mut self, level: Level, text: impl Into<String>) {
        let text: String = text.into();
        let notice = Notice {
            level,
            text: crate::sanitize::mask_secrets(&text).into_owned(),
            at: self.now,
        };
        if self.notices.len() >= MAX_NOTICES {
            self.notices.pop_front();
        }
        self.notices.push_back(notice.clone());
        self.notice = Some(notice);
    }

    /// Refuses a fetch: the message, kept in the history, and the field to fix.
    pub fn refuse(&mut self, field: Option<Field>, text: impl Into<String>) {
        let text = crate::sanitize::mask_secrets(&text.into()).into_owned();
        self.notify(Level::Error, text.clone());
        self.input_error = Some(InputError { field, text });
    }

    /// Whether the fields name nothing to fetch yet (a first start without flags).
    pub fn form_is_empty(&self) -> bool {
        Field::ALL.iter().all(|f| self.value(*f).trim().is_empty())
    }
}
