//! Everything that can change the state: intents derived from keys, and results of requests.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use ratatui_textarea::Input;

use crate::acs::identity::MintedToken;
use crate::acs::{
    AcsError, ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem,
    ChatThreadProperties, Exchange, Fetched, Page,
};
use crate::config::Config;
use crate::credentials::{Plan, Resolved};

use super::state::DetailTab;

/// A result of one request.
pub type Outcome<T> = Result<Fetched<T>, AcsError>;

/// One page of a list and whether another one may follow.
#[derive(Debug, Clone, PartialEq)]
pub struct PageOutcome<T> {
    pub result: Outcome<Page<T>>,
    /// The pager has a next link to follow.
    pub has_more: bool,
}

/// What credentials resolved to: the plan (endpoint, where tokens are minted) and the token.
#[derive(Debug, Clone, PartialEq)]
pub struct Credentials {
    pub plan: Plan,
    pub resolved: Resolved,
    /// The recent threads of the profile applied (read from the state file with it).
    pub recent_threads: Option<Vec<String>>,
    /// Fetch once the token is in (at start, when the fields name everything).
    pub then_fetch: bool,
}

/// A copy sent to the terminal: what it was, for the status line and the delivery check.
#[derive(Clone, PartialEq)]
pub struct Sent {
    pub target: crate::clipboard::CopyTarget,
    pub text: String,
    /// `id 19:…`, `curl command (312 chars)`.
    pub what: String,
}

impl std::fmt::Debug for Sent {
    // The copied text stays out of debug output.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sent")
            .field("what", &self.what)
            .finish_non_exhaustive()
    }
}

/// What a request sends back; the slot awaiting the request takes it.
// Answers are moved once through a channel; boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Thread(Outcome<ChatThreadProperties>),
    /// The message named in the message field.
    Message(Outcome<ChatMessage>),
    MessagesPage(PageOutcome<ChatMessage>),
    ParticipantsPage(PageOutcome<ChatParticipant>),
    ReceiptsPage(PageOutcome<ChatMessageReadReceipt>),
    /// A page of the token user's threads.
    ThreadsPage(PageOutcome<ChatThreadItem>),
    /// Building the export's bundle has come this far.
    ExportProgress(String),
    /// The bundle was written (its path and counts) or could not be.
    Exported(Result<(PathBuf, String), String>),
    /// A profile's (or the start's) credentials were worked out.
    Credentials(Result<Credentials, AcsError>),
    /// A token was minted for a participant.
    Minted(Result<MintedToken, AcsError>),
    /// The minted token was refreshed before it expired (the refresh timer is not a slot).
    Refreshed(Result<MintedToken, AcsError>),
    /// Threads audited so far (`done`: the last of them).
    Audit {
        audited: Vec<(String, Result<crate::across::audit::Audit, String>)>,
        done: bool,
    },
    /// Search matches so far, with how many threads were searched and could not be read.
    Searched {
        found: Vec<crate::tui::search::SearchHit>,
        searched: usize,
        unreadable: usize,
        done: bool,
    },
    /// What fetching each image attachment gave, by attachment id.
    Images(Vec<(String, Result<crate::acs::ChatImage, String>)>),
    /// A poll of live mode: the changes it saw (none after a quiet poll), when it was answered.
    Watched(Vec<crate::watch::WatchEvent>, chrono::DateTime<chrono::Utc>),
    /// Live mode stopped by itself: the thread can no longer be read (401, 403, 404, ...).
    WatchEnded(AcsError),
}

/// Plain data: the only way the state changes.
// Results are moved once through a channel; boxing them would only add allocations.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
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
    /// The terminal was sent the clipboard sequence (what, to check delivery), or why nothing was.
    Copied(Result<Sent, String>),
    /// What is known of a copy's delivery: a clipboard program took it, tmux holds it, or neither.
    CopyReported(crate::system_clipboard::Report),
    /// Open or close the history of notices.
    ToggleNotices,
    /// In the raw view: open the search prompt.
    StartRawSearch,
    /// In the raw view: the next (`true`) or previous search hit.
    SearchStep(bool),
    /// In the raw view: one message's own JSON, or the whole page it came in.
    ToggleRawScope,
    /// A click at a screen cell: focus and select what is there.
    Click { column: u16, row: u16 },
    /// The wheel turned over a screen cell; positive is down.
    Wheel { column: u16, row: u16, delta: i8 },
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
    /// Switch to the next (1) or previous (-1) known api-version for the following fetches.
    StepApiVersion(i8),
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
    /// Write every HTTP exchange of the session as a HAR 1.2 file (tokens and keys redacted).
    ExportHar,
    /// Search every thread of the user (a prompt).
    StartSearch,
    /// Audit the listed threads: membership, deletion, retention deletion date.
    AuditThreads,
    /// The Threads tab's next order.
    CycleThreadSort,
    /// The Threads tab's next filter.
    CycleThreadFilter,
    /// Live mode on or off: watch the open thread for new, edited and deleted messages.
    ToggleLive,
    /// Take the selected participant's view (dim what they cannot see), or back to the token's.
    ViewAs,
    /// Fetch the shown message's image attachments for their type, size and dimensions.
    FetchImages,
    /// Open the profile picker, or close it.
    OpenProfiles,
    /// The config file was read: its profiles, `None` when there is no file, or why it cannot be used.
    ProfilesLoaded {
        path: PathBuf,
        result: Result<Option<Config>, AcsError>,
    },
    /// Mint a token for the participant selected in the Participants tab.
    MintForParticipant,
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
    /// A request answered (stale answers, of requests no slot awaits, are dropped).
    Answered { request_id: u64, answer: Answer },
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
