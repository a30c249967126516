//! `update(state, action) -> effects`: every state change, with side effects returned as data.

use std::sync::Arc;

use ratatui_textarea::{Input, Key, TextArea};

use crate::acs::endpoint::{validate_message_id, validate_thread_id};
use crate::acs::identity::ConnectionString;
use crate::acs::token::{TokenInfo, decode_token};
use crate::acs::{AccessToken, ClientConfig, Endpoint, Exchange, Page, RetryPolicy};

use super::action::{Action, PageOutcome};
use super::copy::{self, CopyMenu, CopyTarget, Json};
use super::raw::{self, RawView};
use super::state::{
    AppState, DetailTab, Field, Focus, Level, Listing, LoadStatus, LoggedExchange, MAX_EXCHANGES,
    MessageSource, Prompt, PromptKind, RetryNotice, single_line,
};
use super::view::layout;

mod fetch;
mod navigate;
mod overlay;
mod profiles;

use fetch::*;
use navigate::*;
use overlay::*;
use profiles::*;

pub use profiles::{expiry_text, schedule_refresh, source_of};

/// A request the task runner performs.
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
}

/// A side effect for the task runner.
#[derive(Debug, Clone)]
pub enum Effect {
    /// Start a request; its results come back as actions tagged `request_id`.
    Fetch {
        request_id: u64,
        config: Box<ClientConfig>,
        request: Request,
    },
    /// Stop a request at once (during a retry wait too).
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
    /// Put text on the clipboard (OSC 52, so it works over SSH) unless it holds the token;
    /// the outcome comes back as [`Action::Copied`].
    Copy { target: CopyTarget, text: String },
    /// Add a thread to the recently opened ones in the state file (ids only, never a token).
    RememberThread {
        file: std::path::PathBuf,
        profile: String,
        thread_id: String,
    },
    /// Read the config file; the answer is [`Action::ProfilesLoaded`].
    LoadProfiles { path: std::path::PathBuf },
    /// Resolve a profile's token (env var, command, or minting) and read its recent threads from
    /// `state_file`; the answer is [`Action::ProfileResolved`].
    ResolveProfile {
        request_id: u64,
        name: String,
        profile: crate::config::Profile,
        state_file: Option<std::path::PathBuf>,
        timeout: std::time::Duration,
    },
    /// Issue a chat token for `user`; the answer is [`Action::TokenMinted`].
    Mint {
        request_id: u64,
        conn: Arc<ConnectionString>,
        user: String,
        timeout: std::time::Duration,
    },
    /// At `at` (one timer, no polling), issue a fresh token for `user`; the answer is
    /// [`Action::TokenRefreshed`]. Cancelled with [`Effect::Cancel`].
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
        Action::FocusNext => set_focus(state, state.focus.next()),
        Action::FocusPrev => set_focus(state, state.focus.prev()),
        Action::LeaveField => set_focus(state, Focus::Timeline),
        Action::Fetch => fetch(state),
        Action::Activate => activate(state),
        Action::Cancel => cancel(state),
        Action::ToggleHelp => {
            state.help = if state.help.is_some() { None } else { Some(0) };
            vec![]
        }
        Action::ToggleRaw => toggle_raw(state),
        Action::OpenCopy => open_copy(state),
        Action::CopyTarget(target) => copy_target(state, target),
        Action::Copied(result) => {
            match result {
                Ok(status) => state.notify(Level::Info, status),
                Err(why) => state.notify(Level::Warn, why),
            }
            vec![]
        }
        Action::ToggleLog => {
            state.log = if state.log.is_some() { None } else { Some(0) };
            vec![]
        }
        Action::ScrollDown => scroll(state, 1),
        Action::ScrollUp => scroll(state, -1),
        Action::PageDown => scroll(state, page(state)),
        Action::PageUp => scroll(state, -page(state)),
        Action::ScrollDetail(delta) => scroll_detail(state, isize::from(delta)),
        Action::First => scroll(state, isize::MIN / 2),
        Action::Last => scroll(state, isize::MAX / 2),
        Action::StartFilter => open_prompt(state, PromptKind::Filter),
        Action::StartJump => open_prompt(state, PromptKind::Jump),
        Action::PromptSubmit => submit_prompt(state),
        Action::ToggleOrder => toggle_order(state),
        Action::CycleApiVersion => {
            let current = &state.settings.api_version;
            let known = crate::acs::KNOWN_API_VERSIONS;
            let next = known
                .iter()
                .position(|v| v == current)
                .map_or(0, |i| (i + 1) % known.len());
            state.settings.api_version = known[next].to_string();
            state.notify(
                Level::Info,
                format!(
                    "api-version {} for the following fetches (Tab to a field, Enter)",
                    known[next]
                ),
            );
            vec![]
        }
        Action::CycleTime => {
            state.time_display = state.time_display.next();
            rebuild_raw(state);
            state.notify(
                Level::Info,
                format!("times shown as {}", state.time_display.label()),
            );
            vec![]
        }
        Action::RevealToken => {
            state.toggle_token_mask();
            let shown = if state.token_revealed {
                "shown in clear"
            } else {
                "masked"
            };
            state.notify(Level::Info, format!("token {shown} (s toggles)"));
            vec![]
        }
        Action::OpenRecent => open_recent(state),
        Action::NextTab => show_tab(state, state.tab.next()),
        Action::PrevTab => show_tab(state, state.tab.prev()),
        Action::ShowTab(tab) => show_tab(state, tab),
        Action::Export { redacted } => export(state, redacted),
        Action::ExportProgress { request_id, text } => {
            if state.export_status.awaits(request_id) {
                state.export_progress = Some(text);
            }
            vec![]
        }
        Action::Exported { request_id, result } => {
            if state.export_status.awaits(request_id) {
                state.retry = None;
                state.export_status = LoadStatus::Loaded;
                state.export_progress = None;
                match result {
                    Ok((path, counts)) => state.notify(
                        Level::Info,
                        format!("exported to {} ({counts})", path.display()),
                    ),
                    Err(e) => state.notify(Level::Error, format!("export failed: {e}")),
                }
            }
            vec![]
        }
        Action::OpenProfiles => open_profiles(state),
        Action::ProfilesLoaded { path, result } => profiles_loaded(state, path, result),
        Action::ProfileResolved {
            request_id,
            name,
            recent_threads,
            result,
        } => profile_resolved(state, request_id, name, recent_threads, result),
        Action::MintForParticipant => mint_for_participant(state),
        Action::TokenMinted { request_id, result } => token_minted(state, request_id, result),
        Action::TokenRefreshed { request_id, result } => token_refreshed(state, request_id, result),
        Action::TextInput(input) => {
            let before = state.value(Field::Token);
            let mut effects = text_input(state, input);
            effects.extend(forget_minted_if_edited(state, &before));
            effects
        }
        Action::Paste(text) => {
            let before = state.value(Field::Token);
            let mut effects = paste(state, &text);
            effects.extend(forget_minted_if_edited(state, &before));
            effects
        }
        Action::Resize { width, height } => {
            state.size = (width, height);
            keep_selection_visible(state);
            rebuild_raw(state);
            vec![]
        }
        Action::Tick => {
            state.spinner = state.spinner.wrapping_add(1);
            vec![]
        }
        Action::ThreadLoaded { request_id, result } => thread_loaded(state, request_id, result),
        Action::MessageLoaded { request_id, result } => {
            if state.message_status.awaits(request_id) {
                state.retry = None;
                match result {
                    Ok(message) => {
                        state.message = Some(message);
                        state.message_status = LoadStatus::Loaded;
                        state.message_source = MessageSource::Fetched;
                    }
                    Err(e) => state.message_status = LoadStatus::Failed(e),
                }
            }
            vec![]
        }
        Action::MessagesPage(page) => messages_page(state, page),
        Action::ParticipantsPage(page) => {
            list_page(&mut state.participants, page, &mut state.retry);
            vec![]
        }
        Action::ReceiptsPage(page) => {
            if list_page(&mut state.receipts, page, &mut state.retry) {
                state.timeline.data.set_receipts(&state.receipts.items);
            }
            vec![]
        }
        Action::ThreadsPage(page) => {
            list_page(&mut state.threads, page, &mut state.retry);
            vec![]
        }
        Action::Retrying {
            request_id,
            attempt,
            max,
            delay,
            reason,
        } => {
            let exporting = state.export_status.awaits(request_id);
            if exporting || waiting_ids(state).contains(&request_id) {
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
