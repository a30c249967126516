//! The event loop: actions from tasks, terminal events, signals, and a spinner tick only while
//! something loads. It draws only after something changed; idle means no wake-ups at all.

use std::io::{self, IsTerminal};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::EventStream;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

use crate::acs::AcsError;
use crate::acs::identity::{ConnectionString, mint_for_cli};
use crate::cli::{Cli, ConnectionArgs};
use crate::emulator::{self, EmulatorConfig, RunningEmulator};

use super::action::Action;
use super::keymap;
use super::state::{AppState, Field, Focus, Level, MintSource, Minted, Settings};
use super::tasks::Tasks;
use super::terminal;
use super::update::update;
use super::view;

/// Spinner frame interval while loading.
const TICK: Duration = Duration::from_millis(100);

pub async fn run(cli: &Cli) -> i32 {
    let mut cli = cli.clone();
    if let Err(e) = crate::config::apply_named_profile(&mut cli.connection) {
        eprintln!("error: {e}");
        return 2;
    }
    let cli = &cli;
    let mut state = match initial_state(cli) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let _emulator = match prefill(cli, &mut state).await {
        Ok(emulator) => emulator,
        Err(e) => {
            eprintln!("error: {}", e.message);
            return e.code;
        }
    };
    if !io::stdout().is_terminal() {
        eprintln!(
            "error: the interactive inspector needs a terminal; use a subcommand for JSON output"
        );
        return 2;
    }
    let mut terminal = match terminal::enter() {
        Ok(terminal) => terminal,
        Err(e) => {
            terminal::leave();
            eprintln!("error: cannot set up the terminal: {e}");
            return 1;
        }
    };
    let guard = terminal::Guard;
    let result = run_loop(&mut terminal, state, cli.demo).await;
    drop(guard);
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// State from the flags that do not depend on the input fields.
pub fn initial_state(cli: &Cli) -> Result<AppState, String> {
    let conn = &cli.connection;
    let api_version = crate::acs::endpoint::validate_api_version(&conn.api_version)
        .map_err(|e| e.to_string())?
        .to_string();
    let profile = conn
        .profile
        .clone()
        .unwrap_or_else(|| crate::config::NO_PROFILE.to_string());
    let settings = Settings {
        api_version,
        timeout: conn.timeout().map_err(|e| e.to_string())?,
        retries: conn.retries.min(20),
        // The demo's threads are the emulator's: not worth remembering.
        remember_as: (!cli.demo).then_some(profile.clone()),
        config_file: crate::config::Config::path().ok(),
        state_file: crate::config::State::path().ok(),
        ..Settings::default()
    };
    let mut state = AppState::new(settings, Utc::now());
    state.profile = conn.profile.clone();
    if !cli.demo
        && let Some(file) = &state.settings.state_file
    {
        state.recent_threads = crate::config::State::at(file).recent_threads(&profile);
    }
    Ok(state)
}

/// Why the inspector cannot start, with its exit code.
pub struct StartError {
    pub code: i32,
    pub message: String,
}

impl From<AcsError> for StartError {
    fn from(e: AcsError) -> Self {
        Self {
            code: e.exit_code(),
            message: e.to_string(),
        }
    }
}

/// Fills the fields from the flags, or from a demo emulator started here (kept alive by the caller).
/// With `--connection-string-env` and no token given, a token is minted for `--user` first.
pub async fn prefill(
    cli: &Cli,
    state: &mut AppState,
) -> Result<Option<RunningEmulator>, StartError> {
    if cli.demo {
        let emulator = emulator::start(demo_config(cli))
            .await
            .map_err(|e| StartError {
                code: 4,
                message: format!("cannot start the built-in emulator: {e}"),
            })?;
        let info = &emulator.info;
        state.set_value(Field::Endpoint, &info.endpoint);
        state.set_value(Field::Token, &info.token);
        state.set_value(Field::Thread, &info.thread_id);
        state.set_value(Field::Message, &info.message_id);
        return Ok(Some(emulator));
    }
    let conn = &cli.connection;
    let endpoint = match (&conn.endpoint, &conn.connection_string_env) {
        (None, Some(var)) => ConnectionString::from_env(var)?.endpoint.display(),
        (endpoint, _) => endpoint.clone().unwrap_or_default(),
    };
    state.set_value(Field::Endpoint, &endpoint);
    if let Some(var) = &conn.connection_string_env {
        state.mint_source = Some(MintSource {
            conn: Arc::new(ConnectionString::from_env(var)?),
            origin: format!("connection string in ${var}"),
        });
    }
    let token = if conn.connection_string_env.is_some() && !token_given_explicitly(conn) {
        let minted = mint_for_cli(cli).await?;
        state.minted = Some(Minted {
            user: minted.user.clone(),
            name: None,
            expires_on: minted.expires_on,
            refresh_id: None,
            refresh_error: None,
        });
        let expiry = super::update::expiry_text(state, minted.expires_on);
        state.notify(
            Level::Info,
            format!("minted a chat token for {}, {expiry}", minted.user),
        );
        Some(minted.token)
    } else {
        conn.read_token()?
    };
    state.set_value(Field::Token, token.as_ref().map_or("", |t| t.expose()));
    state.set_value(Field::Thread, cli.thread.as_deref().unwrap_or(""));
    state.set_value(Field::Message, cli.message.as_deref().unwrap_or(""));
    Ok(None)
}

/// A token on the command line or in a file; one only in the environment gives way to minting.
fn token_given_explicitly(conn: &ConnectionArgs) -> bool {
    let from_env = std::env::var("AZURE_COMMUNICATION_ACCESS_TOKEN").ok();
    conn.token_file.is_some() || (conn.token.is_some() && conn.token != from_env)
}

fn demo_config(cli: &Cli) -> EmulatorConfig {
    EmulatorConfig::from(&cli.emulator)
}

/// Whether the app fetches at once: everything needed is filled in.
pub fn starts_fetching(state: &AppState) -> bool {
    [Field::Endpoint, Field::Token, Field::Thread]
        .iter()
        .all(|f| !state.value(*f).trim().is_empty())
}

/// Focus on the results and fetch, when the fields allow it; set the refresh timer of a token
/// minted at startup. Returns the first effects.
pub fn start(state: &mut AppState) -> Vec<super::update::Effect> {
    let mut effects = super::update::schedule_refresh(state);
    if !starts_fetching(state) {
        return effects;
    }
    state.focus = Focus::Timeline;
    state.sync_field_styles();
    effects.extend(update(state, Action::Fetch));
    effects
}

async fn run_loop(
    terminal: &mut DefaultTerminal,
    mut state: AppState,
    _demo: bool,
) -> io::Result<()> {
    let size = terminal.size()?;
    state.size = (size.width, size.height);
    let (tx, mut rx) = unbounded_channel();
    let mut tasks = Tasks::new(tx);
    let effects = start(&mut state);
    tasks.run(effects);
    let mut events = EventStream::new();
    let mut ticker = tokio::time::interval(TICK);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    terminal.draw(|frame| view::render(&state, frame))?;
    let mut drill = CrashDrill::from_env();
    loop {
        let ticking = state.is_loading() || state.retry.is_some();
        let action = tokio::select! {
            biased;
            Some(action) = rx.recv() => action,
            event = events.next() => match event {
                Some(Ok(event)) => match keymap::action_for_event(&state, event) {
                    Some(action) => action,
                    None => continue,
                },
                Some(Err(e)) => return Err(e),
                None => return Ok(()),
            },
            _ = term.recv() => Action::Quit,
            _ = hangup.recv() => Action::Quit,
            _ = interrupt.recv() => Action::Quit,
            _ = ticker.tick(), if ticking => Action::Tick,
        };
        if apply(&mut state, &mut tasks, action, &mut rx) {
            return Ok(());
        }
        terminal.draw(|frame| view::render(&state, frame))?;
        drill.frame_drawn();
    }
}

/// A deliberate panic after N frames (`ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES=N`), so the panic path that
/// must restore the terminal can be exercised on the real binary.
struct CrashDrill(Option<u32>);

impl CrashDrill {
    fn from_env() -> Self {
        Self(
            std::env::var("ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES")
                .ok()
                .and_then(|v| v.parse().ok()),
        )
    }

    fn frame_drawn(&mut self) {
        if let Some(left) = self.0.as_mut() {
            *left = left.saturating_sub(1);
            if *left == 0 {
                panic!("crash drill: panic requested by ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES");
            }
        }
    }
}

/// Applies an action and everything already queued behind it, so one draw covers them all.
/// Returns `true` to quit.
fn apply(
    state: &mut AppState,
    tasks: &mut Tasks,
    action: Action,
    rx: &mut UnboundedReceiver<Action>,
) -> bool {
    let mut next = Some(action);
    while let Some(action) = next {
        state.now = Utc::now();
        let effects = update(state, action);
        for effect in &effects {
            if let super::update::Effect::Copy { target, text } = effect {
                let copied =
                    terminal::copy(*target, text, &state.value(super::state::Field::Token));
                update(state, Action::Copied(copied));
            }
        }
        if tasks.run(effects) || state.quit {
            return true;
        }
        next = rx.try_recv().ok();
    }
    false
}
