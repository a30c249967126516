//! The program's TUI mode: credentials planned, the state filled in, the terminal set up, and the
//! event loop run. The loop ([`EventLoop`]) is generic over the ratatui backend, the event source
//! and the clipboard's writer, so tests drive the very same loop on a `TestBackend`.

use std::future::Future;
use std::io::{self, IsTerminal, Write};
use std::pin::Pin;
use std::time::Duration;

use chrono::Utc;
use futures::{Stream, StreamExt};
use ratatui::Terminal;
use ratatui::backend::Backend;
use ratatui::crossterm::event::{Event, EventStream};
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::Receiver;

use crate::cli::Cli;
use crate::credentials::{Plan, TokenSource};
use crate::emulator::{self, EmulatorConfig, RunningEmulator};

use super::action::{Action, Sent};
use super::keymap;
use super::state::{AppState, Field, Focus, MintSource, Settings, Slot};
use super::tasks::{self, Tasks};
use super::terminal;
use super::update::{Effect, Resolve, update};
use super::view;

/// Spinner frame interval while loading.
const TICK: Duration = Duration::from_millis(100);

/// Queued actions applied before the screen is drawn and input is read again: a flood of answers
/// never keeps a key waiting.
const MAX_BATCH: usize = 64;

pub async fn run(cli: &Cli) -> i32 {
    let plan = match plan(cli) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let mut state = match initial_state(cli, plan.as_ref()) {
        Ok(state) => state,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let (_emulator, effects) = match prefill(cli, plan, &mut state).await {
        Ok(started) => started,
        Err(message) => {
            eprintln!("error: {message}");
            return 4;
        }
    };
    let recorder = match har_recorder(cli) {
        Ok(recorder) => recorder,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let code = run_terminal(state, effects, recorder.clone()).await;
    if let Some(recorder) = recorder
        && let Err(e) = recorder.write()
    {
        eprintln!("error: cannot write {}: {e}", recorder.path().display());
        return 4;
    }
    code
}

/// `--har FILE`: the file checked before anything is drawn, and a recorder for the session.
fn har_recorder(cli: &Cli) -> Result<Option<crate::har::HarRecorder>, String> {
    let Some(path) = &cli.connection.har else {
        return Ok(None);
    };
    crate::har::check_target(path, cli.force)?;
    let scrubber = crate::scrub::cli_secrets(&cli.connection);
    Ok(Some(crate::har::HarRecorder::new(path, scrubber)))
}

/// `open FILE [--diff OLDER]`: the bundle (and what changed since the older one) shown offline.
pub async fn open(cli: &Cli, file: &std::path::Path, older: Option<&std::path::Path>) -> i32 {
    let opened = match crate::headless::cases::read_bundle(file) {
        Ok(opened) => opened,
        Err(failure) => return failure.report(),
    };
    let diff = match older {
        Some(path) => {
            let compared = crate::headless::cases::read_bundle(path).and_then(|older| {
                let diff = crate::headless::cases::compare(&older, &opened)?;
                Ok((older, diff))
            });
            match compared {
                Ok(pair) => Some(pair),
                Err(failure) => return failure.report(),
            }
        }
        None => None,
    };
    let mut state = super::offline::state_of(&opened, diff.as_ref().map(|(o, d)| (o, d.clone())));
    set_terminal_preferences(&mut state.settings, cli);
    run_terminal(state, vec![], None).await
}

/// Sets up the terminal, runs the loop, and puts the terminal back whatever happens.
async fn run_terminal(
    state: AppState,
    effects: Vec<Effect>,
    recorder: Option<crate::har::HarRecorder>,
) -> i32 {
    if !io::stdout().is_terminal() {
        eprintln!(
            "error: the interactive inspector needs a terminal; use a subcommand for JSON output"
        );
        return 2;
    }
    let terminal = match terminal::enter(state.settings.mouse) {
        Ok(terminal) => terminal,
        Err(e) => {
            terminal::leave();
            eprintln!("error: cannot set up the terminal: {e}");
            return 1;
        }
    };
    let guard = terminal::Guard;
    let result = async {
        let shutdown = shutdown_signals()?;
        let events = EventStream::new();
        let clipboard = Box::new(io::stdout());
        EventLoop::recording(
            terminal, events, shutdown, state, effects, clipboard, recorder,
        )?
        .run()
        .await
    }
    .await;
    drop(guard);
    match result {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

/// The credentials of the flags (a `--profile` read from the config file); none for the demo.
fn plan(cli: &Cli) -> Result<Option<Plan>, String> {
    if cli.demo {
        return Ok(None);
    }
    Plan::from_args(&cli.connection)
        .map(Some)
        .map_err(|e| e.to_string())
}

/// State from the flags that do not depend on the input fields.
pub fn initial_state(cli: &Cli, plan: Option<&Plan>) -> Result<AppState, String> {
    let conn = &cli.connection;
    let api_version = plan.map_or(conn.api_version.as_str(), |p| p.api_version.as_str());
    let api_version = crate::acs::endpoint::validate_api_version(api_version)
        .map_err(|e| e.to_string())?
        .to_string();
    let profile = conn
        .profile
        .clone()
        .unwrap_or_else(|| crate::config::NO_PROFILE.to_string());
    let timeout = match plan {
        Some(plan) => plan.timeout,
        None => conn.timeout().map_err(|e| e.to_string())?,
    };
    let mut settings = Settings {
        api_version,
        timeout,
        retries: conn.retries.min(20),
        // The demo's threads are the emulator's: not worth remembering.
        remember_as: (!cli.demo).then_some(profile.clone()),
        config_file: crate::config::Config::path().ok(),
        state_file: crate::config::State::path().ok(),
        live_at_start: cli.demo && cli.emulator.activity.is_some(),
        ..Settings::default()
    };
    set_terminal_preferences(&mut settings, cli);
    let mut state = AppState::new(settings, Utc::now());
    state.profile = conn.profile.clone();
    if !cli.demo
        && let Some(file) = &state.settings.state_file
    {
        state.recent.ids = crate::config::State::at(file).recent_threads(&profile);
    }
    Ok(state)
}

/// Colour, mouse and clipboard as the flags and the environment ask, live or offline.
fn set_terminal_preferences(settings: &mut Settings, cli: &Cli) {
    // no-color.org: set and not empty.
    settings.no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    settings.mouse = !cli.no_mouse;
    settings.clipboard = crate::system_clipboard::Setup::detect();
}

/// Fills the fields from the flags and the plan, or from a demo emulator started here (kept alive
/// by the caller); returns the first effects. A token that takes time (a token command, minting)
/// is worked out by a task: the inspector answers keys meanwhile.
pub async fn prefill(
    cli: &Cli,
    plan: Option<Plan>,
    state: &mut AppState,
) -> Result<(Option<RunningEmulator>, Vec<Effect>), String> {
    let Some(plan) = plan else {
        let emulator = emulator::start(EmulatorConfig::from(&cli.emulator))
            .await
            .map_err(|e| format!("cannot start the built-in emulator: {e}"))?;
        let info = &emulator.info;
        state.set_value(Field::Endpoint, &info.endpoint);
        state.set_value(Field::Token, &info.token);
        state.set_value(Field::Thread, &info.thread_id);
        state.set_value(Field::Message, &info.message_id);
        return Ok((Some(emulator), start(state)));
    };
    state.set_value(Field::Thread, cli.thread.as_deref().unwrap_or(""));
    state.set_value(Field::Message, cli.message.as_deref().unwrap_or(""));
    Ok((None, start_with(state, plan)))
}

/// Applies a plan: endpoint and a token at hand go into the fields at once; a token that takes
/// time is resolved by a task, after which the fetch starts when the fields allow it.
pub fn start_with(state: &mut AppState, plan: Plan) -> Vec<Effect> {
    state.set_value(Field::Endpoint, plan.endpoint.as_deref().unwrap_or(""));
    if let Some(source) = &plan.mint_source {
        state.identity.mint_source = Some(MintSource {
            conn: source.conn.clone(),
            origin: source.origin.clone(),
        });
    }
    if let TokenSource::Given(token) = &plan.token {
        state.fields.set_token(token.expose());
    }
    if plan.is_immediate() {
        return start(state);
    }
    let request_id = state.start(Slot::Credentials);
    if !state.value(Field::Thread).trim().is_empty() {
        // The token is on its way: the results, not a field, get the first keys.
        state.focus = Focus::Timeline;
        state.sync_field_styles();
    }
    let text = format!("{}…", plan.describe());
    state.notify(super::state::Level::Info, text);
    vec![Effect::Resolve {
        request_id,
        resolve: Resolve::Plan(plan),
    }]
}

/// Whether the app fetches at once: everything needed is filled in.
pub fn starts_fetching(state: &AppState) -> bool {
    [Field::Endpoint, Field::Token, Field::Thread]
        .iter()
        .all(|f| !state.value(*f).trim().is_empty())
}

/// Focus on the results and fetch, when the fields allow it; set the refresh timer of a token
/// minted at startup. Returns the first effects.
pub fn start(state: &mut AppState) -> Vec<Effect> {
    let mut effects = super::update::schedule_refresh(state);
    effects.extend(fetch_when_ready(state));
    effects
}

/// Fetches when the fields name everything, focus on the results.
pub fn fetch_when_ready(state: &mut AppState) -> Vec<Effect> {
    if !starts_fetching(state) {
        return vec![];
    }
    state.focus = Focus::Timeline;
    state.sync_field_styles();
    update(state, Action::Fetch)
}

/// SIGTERM, SIGHUP and SIGINT end the loop as `q` does.
fn shutdown_signals() -> io::Result<impl Future<Output = ()>> {
    let mut term = signal(SignalKind::terminate())?;
    let mut hangup = signal(SignalKind::hangup())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = hangup.recv() => {}
            _ = interrupt.recv() => {}
        }
    })
}

/// The loop's parts: the terminal it draws on, the events it reads, the state, the tasks and
/// their channel. [`EventLoop::step`] is one turn of the loop; tests take turns themselves.
pub struct EventLoop<B: Backend, E> {
    pub terminal: Terminal<B>,
    pub state: AppState,
    events: E,
    shutdown: Pin<Box<dyn Future<Output = ()>>>,
    tasks: Tasks,
    rx: Receiver<Action>,
    ticker: tokio::time::Interval,
    clipboard: Box<dyn Write>,
}

impl<B, E> EventLoop<B, E>
where
    B: Backend,
    B::Error: Send + Sync + 'static,
    E: Stream<Item = io::Result<Event>> + Unpin,
{
    /// Starts the first effects and draws the first frame.
    pub fn new(
        terminal: Terminal<B>,
        events: E,
        shutdown: impl Future<Output = ()> + 'static,
        state: AppState,
        first: Vec<Effect>,
        clipboard: Box<dyn Write>,
    ) -> io::Result<Self> {
        Self::recording(terminal, events, shutdown, state, first, clipboard, None)
    }

    /// [`EventLoop::new`], every exchange of the session heard by `recorder` (`--har`).
    pub fn recording(
        terminal: Terminal<B>,
        events: E,
        shutdown: impl Future<Output = ()> + 'static,
        mut state: AppState,
        first: Vec<Effect>,
        clipboard: Box<dyn Write>,
        recorder: Option<crate::har::HarRecorder>,
    ) -> io::Result<Self> {
        let size = terminal.size().map_err(io::Error::other)?;
        state.size = (size.width, size.height);
        let (tx, rx) = tasks::channel();
        let mut tasks = Tasks::new(tx);
        if let Some(recorder) = recorder {
            tasks.record_to(recorder);
        }
        tasks.run(first);
        let mut ticker = tokio::time::interval(TICK);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut event_loop = Self {
            terminal,
            state,
            events,
            shutdown: Box::pin(shutdown),
            tasks,
            rx,
            ticker,
            clipboard,
        };
        event_loop.draw()?;
        Ok(event_loop)
    }

    /// The event loop: input first, then answers of tasks (a batch at a time), the shutdown
    /// signal, and a spinner tick only while something loads. It draws only after something
    /// changed; idle means no wake-ups at all. Returns the final state.
    pub async fn run(mut self) -> io::Result<AppState> {
        let mut drill = CrashDrill::from_env();
        while self.step().await? {
            drill.frame_drawn();
        }
        Ok(self.state)
    }

    /// Waits for the next input, answer, signal or tick, applies it (with the answers queued
    /// behind it) and draws. `Ok(false)` once the program should end.
    pub async fn step(&mut self) -> io::Result<bool> {
        let ticking = self.state.is_loading() || self.state.retry.is_some();
        let action = tokio::select! {
            biased;
            event = self.events.next() => match event {
                Some(Ok(event)) => match keymap::action_for_event(&self.state, event) {
                    Some(action) => action,
                    None => return Ok(true),
                },
                Some(Err(e)) => return Err(e),
                None => return Ok(false),
            },
            Some(action) = self.rx.recv() => action,
            _ = &mut self.shutdown => Action::Quit,
            _ = self.ticker.tick(), if ticking => Action::Tick,
        };
        self.dispatch(action)
    }

    /// Applies an action as if it had just arrived, and draws. `Ok(false)` once the program
    /// should end.
    pub fn dispatch(&mut self, action: Action) -> io::Result<bool> {
        if apply(
            &mut self.state,
            &mut self.tasks,
            action,
            &mut self.rx,
            &mut *self.clipboard,
        ) {
            return Ok(false);
        }
        self.draw()?;
        Ok(true)
    }

    /// Requests still running.
    pub fn running(&self) -> usize {
        self.tasks.active()
    }

    fn draw(&mut self) -> io::Result<()> {
        let state = &self.state;
        self.terminal
            .draw(|frame| view::render(state, frame))
            .map(drop)
            .map_err(io::Error::other)
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

/// Applies an action and up to [`MAX_BATCH`] already queued behind it, so one draw covers them.
/// Returns `true` to quit.
fn apply(
    state: &mut AppState,
    tasks: &mut Tasks,
    action: Action,
    rx: &mut Receiver<Action>,
    clipboard: &mut dyn Write,
) -> bool {
    let mut next = Some(action);
    let mut applied = 0;
    while let Some(action) = next {
        state.now = Utc::now();
        let effects = update(state, action);
        let mut effects = effects;
        for effect in effects.clone() {
            if let Effect::Copy { target, text } = effect {
                let token = crate::acs::AccessToken::new(state.value(Field::Token).trim());
                let mut out = &mut *clipboard;
                let copied =
                    crate::clipboard::copy(target, &text, &token, &mut out).map(|status| {
                        let what = status
                            .strip_prefix("copied ")
                            .unwrap_or(&status)
                            .to_string();
                        Sent { target, text, what }
                    });
                effects.extend(update(state, Action::Copied(copied)));
            }
        }
        if tasks.run(effects) || state.quit {
            return true;
        }
        applied += 1;
        next = (applied < MAX_BATCH).then(|| rx.try_recv().ok()).flatten();
    }
    false
}
