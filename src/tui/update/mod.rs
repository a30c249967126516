//! `update(state, action) -> effects`: every state change, with side effects returned as data.
//!
//! - [`fetch`]: validating the fields, starting, cancelling and exporting requests.
//! - [`answers`]: taking answers in (each to the slot that awaits it).
//! - [`navigate`]: focus, tabs, scrolling, the timeline's cursor, filter and jump, typing.
//! - [`overlay`]: the overlay stack: help, copy menu, raw view, request log.
//! - [`profiles`]: the profile picker, credentials, minted tokens and their refresh.
//! - [`threads`]: across the user's threads: the Threads tab's audit, sort and filter, and search.

mod answers;
mod fetch;
mod filter;
mod live;
mod mouse;
mod navigate;
mod overlay;
mod profiles;
mod threads;

use std::sync::Arc;

use crate::acs::identity::ConnectionString;
use crate::acs::{ClientConfig, KNOWN_API_VERSIONS};
use crate::credentials::Plan;

use super::action::{Action, Sent};
use super::copy::CopyTarget;
use super::keymap::{self, Context};
use super::state::{AppState, Focus, Level, LoggedExchange, MAX_EXCHANGES, RetryNotice, Slot};

pub use profiles::{expiry_text, schedule_refresh};

/// A request the task runner performs; its answer fills [`Request::slot`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Thread {
        thread_id: String,
    },
    Message {
        thread_id: String,
        message_id: String,
    },
    /// Streams pages on demand (see [`Effect::MoreMessages`]).
    Messages {
        thread_id: String,
        page_size: u32,
    },
    Participants {
        thread_id: String,
    },
    Receipts {
        thread_id: String,
    },
    Threads,
    /// Each image attachment's type, size and dimensions: `(attachment id, link)` pairs.
    Images {
        links: Vec<(String, String)>,
    },
    /// Membership, deletion and retention of these threads, many at once within the rate limits.
    Audit {
        thread_ids: Vec<String>,
    },
    /// Messages matching across every thread of the user, many threads at once.
    Search(crate::tui::search::SearchQuery),
}

impl Request {
    /// The slot this request fills.
    pub fn slot(&self) -> Slot {
        match self {
            Request::Thread { .. } => Slot::Thread,
            Request::Message { .. } => Slot::Message,
            Request::Messages { .. } => Slot::Timeline,
            Request::Participants { .. } => Slot::Participants,
            Request::Receipts { .. } => Slot::Receipts,
            Request::Threads => Slot::Threads,
            Request::Images { .. } => Slot::Images,
            Request::Audit { .. } => Slot::Audit,
            Request::Search(_) => Slot::Search,
        }
    }
}

/// How credentials are worked out in a task.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolve {
    /// A plan made at start from the flags.
    Plan(Plan),
    /// A profile picked in the TUI (its plan is made in the task: it reads the environment), and
    /// the state file its recent threads are read from.
    Profile {
        name: String,
        profile: crate::config::Profile,
        api_version: String,
        timeout: std::time::Duration,
        state_file: Option<std::path::PathBuf>,
    },
}

/// A side effect for the task runner.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Start a request; its answer comes back as [`Action::Answered`] tagged `request_id`.
    Fetch {
        request_id: u64,
        config: Box<ClientConfig>,
        request: Request,
    },
    /// Stop a request at once (during a retry wait or a token command too).
    Cancel(u64),
    /// Fetch the next page of a message listing.
    MoreMessages(u64),
    /// Build the thread's bundle and write it to `path`.
    Export {
        request_id: u64,
        config: Box<ClientConfig>,
        thread_id: String,
        path: std::path::PathBuf,
        redacted: bool,
    },
    /// Write `exchanges` as a HAR file at `path`, scrubbing `secrets` (the tokens in use) and
    /// anything shaped like a token or key.
    WriteHar {
        request_id: u64,
        path: std::path::PathBuf,
        exchanges: Vec<Arc<crate::acs::Exchange>>,
        secrets: Vec<String>,
    },
    /// Watch a thread (live mode): polls answer with [`super::action::Answer::Watched`] until
    /// cancelled. `baseline` is the newest messages shown, as the service sent them.
    Watch {
        request_id: u64,
        config: Box<ClientConfig>,
        thread_id: String,
        baseline: Vec<serde_json::Value>,
        interval: std::time::Duration,
    },
    /// Put text on the clipboard (OSC 52, so it works over SSH) unless it holds the token;
    /// the outcome comes back as [`Action::Copied`].
    Copy { target: CopyTarget, text: String },
    /// Find out what became of a copy (a clipboard program, tmux's buffer); the answer is
    /// [`Action::CopyReported`].
    ReportCopy {
        sent: Sent,
        setup: crate::system_clipboard::Setup,
    },
    /// Add a thread to the recently opened ones in the state file (ids only, never a token).
    RememberThread {
        file: std::path::PathBuf,
        profile: String,
        thread_id: String,
    },
    /// Read the config file; the answer is [`Action::ProfilesLoaded`].
    LoadProfiles { path: std::path::PathBuf },
    /// Work out credentials (run a token command, read an env var, mint).
    Resolve { request_id: u64, resolve: Resolve },
    /// Issue a chat token for `user`.
    Mint {
        request_id: u64,
        conn: Arc<ConnectionString>,
        user: String,
        timeout: std::time::Duration,
    },
    /// At `at` (one timer, no polling), issue a fresh token for `user`. Cancelled with
    /// [`Effect::Cancel`].
    RefreshToken {
        request_id: u64,
        at: chrono::DateTime<chrono::Utc>,
        conn: Arc<ConnectionString>,
        user: String,
        timeout: std::time::Duration,
    },
    /// Leave the program.
    Quit,
}

/// Applies one action.
pub fn update(state: &mut AppState, action: Action) -> Vec<Effect> {
    match action {
        Action::Quit => {
            state.quit = true;
            vec![Effect::Quit]
        }
        Action::FocusNext => navigate::set_focus(state, state.focus.next()),
        Action::FocusPrev => navigate::set_focus(state, state.focus.prev()),
        Action::LeaveField => navigate::set_focus(state, Focus::Timeline),
        Action::Fetch => fetch::fetch(state),
        Action::Activate => navigate::activate(state),
        Action::Cancel => fetch::cancel(state),
        Action::ToggleHelp => overlay::toggle_help(state),
        Action::ToggleRaw => overlay::toggle_raw(state),
        Action::OpenCopy => overlay::open_copy(state),
        Action::CopyTarget(target) => overlay::copy_target(state, target),
        Action::Copied(Ok(sent)) => {
            state.notify(
                Level::Info,
                format!("sending {} to the clipboard…", sent.what),
            );
            let setup = state.settings.clipboard.clone();
            vec![Effect::ReportCopy { sent, setup }]
        }
        Action::Copied(Err(why)) => {
            state.notify(Level::Warn, why);
            vec![]
        }
        Action::CopyReported(report) => {
            let level = if report.confirmed {
                Level::Info
            } else {
                Level::Warn
            };
            state.notify(level, report.text);
            vec![]
        }
        Action::ToggleNotices => overlay::toggle_notices(state),
        Action::StartRawSearch => navigate::open_prompt(state, super::state::PromptKind::RawSearch),
        Action::SearchStep(forward) => overlay::search_step(state, forward),
        Action::ToggleRawScope => overlay::toggle_raw_scope(state),
        Action::Click { column, row } => mouse::click(state, column, row),
        Action::Wheel { column, row, delta } => mouse::wheel(state, column, row, delta),
        Action::ToggleLog => overlay::toggle_log(state),
        Action::ScrollDown => navigate::scroll(state, 1),
        Action::ScrollUp => navigate::scroll(state, -1),
        Action::PageDown => navigate::scroll(state, navigate::page(state)),
        Action::PageUp => navigate::scroll(state, -navigate::page(state)),
        Action::ScrollDetail(delta) => navigate::scroll_detail(state, isize::from(delta)),
        Action::First => navigate::scroll(state, isize::MIN / 2),
        Action::Last => navigate::scroll(state, isize::MAX / 2),
        Action::StartFilter => navigate::open_prompt(state, super::state::PromptKind::Filter),
        Action::StartJump => navigate::open_prompt(state, super::state::PromptKind::Jump),
        Action::StartSearch => navigate::open_prompt(state, super::state::PromptKind::Search),
        Action::PromptSubmit => navigate::submit_prompt(state),
        Action::ToggleOrder => navigate::toggle_order(state),
        Action::StepApiVersion(delta) => step_api_version(state, delta),
        Action::CycleTime => {
            state.time_display = state.time_display.next();
            overlay::rebuild_raw(state);
            let label = state.time_display.label();
            state.notify(Level::Info, format!("times shown as {label}"));
            vec![]
        }
        Action::RevealToken => {
            state.fields.toggle_token_mask();
            let shown = if state.fields.token_revealed {
                "shown in clear"
            } else {
                "masked"
            };
            let key = super::keymap::label(super::keymap::Context::Results, &Action::RevealToken);
            state.notify(Level::Info, format!("token {shown} ({key} toggles)"));
            vec![]
        }
        Action::OpenRecent => fetch::open_recent(state),
        Action::NextTab => navigate::show_tab(state, state.tab.next()),
        Action::PrevTab => navigate::show_tab(state, state.tab.prev()),
        Action::ShowTab(tab) => navigate::show_tab(state, tab),
        Action::Export { redacted } => fetch::export(state, redacted),
        Action::ExportHar => fetch::export_har(state),
        Action::ToggleLive => live::toggle(state),
        Action::ViewAs => navigate::view_as(state),
        Action::FetchImages => fetch::fetch_images(state),
        Action::AuditThreads => threads::audit(state),
        Action::CycleThreadSort => threads::cycle_sort(state),
        Action::CycleThreadFilter => threads::cycle_filter(state),
        Action::OpenProfiles => profiles::open_profiles(state),
        Action::ProfilesLoaded { path, result } => profiles::profiles_loaded(state, path, result),
        Action::MintForParticipant => profiles::mint_for_participant(state),
        Action::TextInput(input) => profiles::typed(state, |s| navigate::text_input(s, input)),
        Action::Paste(text) => profiles::typed(state, |s| navigate::paste(s, &text)),
        Action::Resize { width, height } => {
            state.size = (width, height);
            navigate::keep_selection_visible(state);
            overlay::rebuild_raw(state);
            navigate::scroll(state, 0);
            vec![]
        }
        Action::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            vec![]
        }
        Action::Answered { request_id, answer } => answers::apply(state, request_id, answer),
        Action::Retrying {
            request_id,
            attempt,
            max,
            delay,
            reason,
        } => {
            if state.loads.awaiting(request_id).is_some() {
                state.retry = Some(RetryNotice {
                    attempt,
                    max,
                    delay,
                    reason,
                });
            }
            vec![]
        }
        Action::ExchangeLogged {
            request_id,
            exchange,
        } => {
            if state.exchanges.len() >= MAX_EXCHANGES {
                state.exchanges.pop_front();
            }
            state.exchanges.push_back(LoggedExchange {
                request_id,
                exchange,
            });
            vec![]
        }
    }
}

/// `v` / `V`: the next or previous known api-version for the following fetches.
fn step_api_version(state: &mut AppState, delta: i8) -> Vec<Effect> {
    let count = KNOWN_API_VERSIONS.len();
    let current = &state.settings.api_version;
    let next = match KNOWN_API_VERSIONS.iter().position(|v| v == current) {
        Some(i) => (i + count).saturating_add_signed(isize::from(delta)) % count,
        None => 0,
    };
    let version = KNOWN_API_VERSIONS[next];
    state.settings.api_version = version.to_string();
    state.notify(
        Level::Info,
        format!(
            "api-version {version} ({}/{count}) for the following fetches ({} to a field, {})",
            next + 1,
            keymap::key(Context::Results, &Action::FocusNext),
            keymap::key(Context::Field, &Action::Fetch)
        ),
    );
    vec![]
}
