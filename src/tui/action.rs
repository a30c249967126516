//! Everything that can change the state: intents derived from keys, and results of requests.

use std::sync::Arc;
use std::time::Duration;

use ratatui_textarea::Input;

use crate::acs::{
    AcsError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem,
    ChatThreadProperties, Exchange, Fetched, Page,
};

use super::state::DetailTab;
use crate::acs::AccessToken;
use crate::acs::identity::{ConnectionString, MintedToken};
use crate::config::Config;

/// What a profile's secret source gave: a token, or a connection string (and the token minted from it).
#[derive(Debug, Clone, Default)]
pub struct ProfileSecret {
    /// The connection string's endpoint, for a profile that names none.
    pub endpoint: Option<String>,
    /// A token from `token_env` or `token_command`.
    pub token: Option<AccessToken>,
    /// A token minted from `connection_string_env` for the profile's `user`.
    pub minted: Option<MintedToken>,
    /// The connection string, kept in memory to refresh and mint tokens.
    pub conn: Option<Arc<ConnectionString>>,
    /// Where the token came from, for the status line (never the token).
    pub source: String,
}

/// A result of one request.
pub type Outcome<T> = Result<Fetched<T>, AcsError>;

/// One page of a list and whether another one may follow.
#[derive(Debug, Clone)]
pub struct PageOutcome<T> {
    pub request_id: u64,
    pub result: Outcome<Page<T>>,
    /// The pager has a next link to follow.
    pub has_more: bool,
}

/// Plain data: the only way the state changes.
// Results are moved once through a channel; boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Action {
    /// Leave the program.
    Quit,
    /// Move focus to the next field or panel.
    FocusNext,
    /// Move focus to the previous field or panel.
    FocusPrev,
    /// Leave the text field for the results (focus on the timeline).
    LeaveField,
    /// Validate the input fields and fetch everything they name.
    Fetch,
    /// Enter outside a field: open the selected item (message, thread) or fetch.
    Activate,
    /// Esc outside a field: close an overlay or prompt, cancel loading, or clear the filter.
    Cancel,
    /// Open or close the help overlay.
    ToggleHelp,
    /// Open or close the raw response of the focused panel.
    ToggleRaw,
    /// Open or close the request log.
    ToggleLog,
    /// Open the copy menu for what has focus.
    OpenCopy,
    /// Copy one thing offered by the copy menu.
    CopyTarget(crate::clipboard::CopyTarget),
    /// What the clipboard copy did: the status line, or why nothing was copied.
    Copied(Result<String, String>),
    /// Move the selection (or scroll) down one row.
    ScrollDown,
    /// Move the selection (or scroll) up one row.
    ScrollUp,
    /// Move down one screen.
    PageDown,
    /// Move up one screen.
    PageUp,
    /// Scroll the detail tab's text (or its list) whatever has focus; negative is up.
    ScrollDetail(i16),
    /// Go to the first row.
    First,
    /// Go to the last row (loads further pages on the way).
    Last,
    /// Open the filter prompt for the timeline.
    StartFilter,
    /// Open the prompt to jump to a message id or sequence id.
    StartJump,
    /// Show the timeline oldest first instead of newest first, or back.
    ToggleOrder,
    /// Cycle the time display: UTC, local, relative.
    CycleTime,
    /// Switch to the next known api-version for the following fetches.
    CycleApiVersion,
    /// Open the next thread from the ones recently opened on this machine.
    OpenRecent,
    /// Show the token in clear in its field, or mask it again.
    RevealToken,
    /// Show the next detail tab.
    NextTab,
    /// Show the previous detail tab.
    PrevTab,
    /// Show one detail tab.
    ShowTab(DetailTab),
    /// Write the current thread's bundle (as the `bundle` subcommand does) to a file.
    Export { redacted: bool },
    /// Building the bundle has come this far.
    ExportProgress { request_id: u64, text: String },
    /// The bundle was written (its path and counts) or could not be.
    Exported {
        request_id: u64,
        result: Result<(std::path::PathBuf, String), String>,
    },
    /// Open the profile picker, or close it.
    OpenProfiles,
    /// The config file was read: its profiles, `None` when there is no file, or why it cannot be used.
    ProfilesLoaded {
        path: std::path::PathBuf,
        result: Result<Option<Config>, AcsError>,
    },
    /// A profile's secret source was resolved; its recent threads come along.
    ProfileResolved {
        request_id: u64,
        name: String,
        recent_threads: Vec<String>,
        result: Result<ProfileSecret, AcsError>,
    },
    /// Mint a token for the participant selected in the Participants tab.
    MintForParticipant,
    /// A token was minted for a participant (or could not be).
    TokenMinted {
        request_id: u64,
        result: Result<MintedToken, AcsError>,
    },
    /// The minted token was refreshed before it expired (or could not be).
    TokenRefreshed {
        request_id: u64,
        result: Result<MintedToken, AcsError>,
    },
    /// A key typed into the focused text field or prompt.
    TextInput(Input),
    /// Text pasted into the terminal (bracketed paste).
    Paste(String),
    /// Enter in a prompt: apply the filter or jump.
    PromptSubmit,
    /// The terminal was resized.
    Resize { width: u16, height: u16 },
    /// Advances the spinner; only sent while something is loading.
    Tick,
    /// The thread's properties arrived (or failed).
    ThreadLoaded {
        request_id: u64,
        result: Outcome<ChatThreadProperties>,
    },
    /// The message named in the message field arrived (or failed).
    MessageLoaded {
        request_id: u64,
        result: Outcome<ChatMessage>,
    },
    /// A page of the timeline arrived.
    MessagesPage(PageOutcome<ChatMessage>),
    /// A page of participants arrived.
    ParticipantsPage(PageOutcome<ChatParticipant>),
    /// A page of read receipts arrived.
    ReceiptsPage(PageOutcome<ChatMessageReadReceipt>),
    /// A page of the token user's threads arrived.
    ThreadsPage(PageOutcome<ChatThreadItem>),
    /// A request is waiting before its next attempt.
    Retrying {
        request_id: u64,
        attempt: u32,
        max: u32,
        delay: Duration,
        reason: String,
    },
    /// An HTTP exchange of a request finished and was logged (whether the request is current or not).
    ExchangeLogged {
        request_id: u64,
        exchange: Arc<Exchange>,
    },
}
