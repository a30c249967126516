//! A local ACS Chat service for the demo, tests and benchmarks. It depends on `acs` models only.
//!
//! - [`wire`]: headers, content types, error bodies, api-versions.
//! - [`auth`]: the tokens it signs and checks.
//! - [`data`], [`demo`], [`teams`], [`cases`], [`people`], [`generated`], [`hostile`]: the threads it serves.
//! - [`membership`]: who was in a thread when, and so what each caller may read.
//! - [`routes`], [`paging`], [`render`]: the read operations, their paging and per-version shapes.
//! - [`images`]: Teams interop images (the 2024-03-15-preview image view and the attachment links).
//! - [`many`]: `--threads N`, more threads for the demo user; [`ratelimit`]: `--rate-limit`, the
//!   documented rate limits enforced (429 with `retry-after-ms`).
//! - [`faults`]: latency (with `--latency-jitter-ms`, random), fail-rate and the `--fault` kinds
//!   (which routes each one touches is listed there).
//! - [`stats`]: counters of the run (requests per route kind, 429/503 injected, faults applied,
//!   statuses), served as JSON on `GET /_emulator/stats` (no token; loopback clients only; not an
//!   ACS route, never delayed or failed) and returned by [`RunningEmulator::stats`].
//!
//! The Identity API ([`identity`]) is served next to the chat routes: it checks HMAC-signed requests
//! with the access key of [`EmulatorInfo::connection_string`] and mints tokens with the chat routes'
//! signer. More routes can be added with [`start_with`]; they mint tokens with [`EmulatorState::signer`]
//! and [`auth::TokenSigner::issue_token`].
//!
//! Demo data (fixed ids; times are relative to "now", pinnable with [`EmulatorConfig::now`]): the
//! threads of [`demo`], [`teams`] and [`cases`], described in `docs/emulator.md`. Jane ([`data::JANE`])
//! is in every thread and gets `token`; Peter ([`data::PETER`]) was removed from "Lunch" and gets
//! `removedToken`; [`data::OUTSIDER`] is in none and gets `outsiderToken`.

pub mod activity;
pub mod auth;
pub mod cases;
pub mod data;
pub mod demo;
pub mod faults;
pub mod flags;
pub mod generated;
pub mod hostile;
pub mod identity;
pub mod images;
pub mod many;
pub mod membership;
pub mod paging;
pub mod people;
pub mod ratelimit;
pub mod render;
pub mod routes;
pub mod stats;
pub mod teams;
pub mod wire;

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use auth::TokenSigner;
use data::{JANE, LARGE_THREAD_ID, LUNCH_THREAD_ID, OUTSIDER, PETER};
use demo::{DemoOptions, Store};
use faults::Faults;
pub use flags::{EmulatorArgs, FaultKind};

/// How long the tokens in [`EmulatorInfo`] are valid (as real ACS tokens: 24 h).
pub const TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

/// How the emulator is started.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub addr: SocketAddr,
    /// Adds a thread of this many generated messages.
    pub extra_messages: Option<usize>,
    /// Adds this many threads for the demo user ([`many`]).
    pub extra_threads: usize,
    /// Refuses requests beyond the service's documented rate limits ([`ratelimit`]).
    pub rate_limit: bool,
    pub latency: Duration,
    /// Every answer waits `latency + uniform(0..=latency_jitter)`.
    pub latency_jitter: Duration,
    pub fail_rate: f64,
    pub faults: Vec<FaultKind>,
    /// With the `expire` fault: how long after start every token stops working.
    pub expire_after: Duration,
    /// The "now" the demo data is built around; the clock when `None` (pin it for reproducible output).
    pub now: Option<DateTime<Utc>>,
    /// `--activity`: the demo thread changes this often ([`activity`]).
    pub activity: Option<Duration>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            extra_messages: None,
            extra_threads: 0,
            rate_limit: false,
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            fail_rate: 0.0,
            faults: Vec::new(),
            expire_after: Duration::from_secs(3),
            now: None,
            activity: None,
        }
    }
}

impl From<&EmulatorArgs> for EmulatorConfig {
    fn from(args: &EmulatorArgs) -> Self {
        Self {
            extra_messages: args.messages,
            extra_threads: args.threads,
            rate_limit: args.rate_limit,
            latency: Duration::from_millis(args.latency_ms),
            latency_jitter: Duration::from_millis(args.latency_jitter_ms),
            fail_rate: args.fail_rate,
            faults: args.faults.clone(),
            activity: args.activity.and_then(|secs| activity::interval(secs).ok()),
            ..Self::default()
        }
    }
}

/// The first stdout line of `emulator`: how to reach it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmulatorInfo {
    pub endpoint: String,
    pub token: String,
    pub outsider_token: String,
    /// The token of Peter, removed from the "Lunch" thread: the thread stays in his thread list and
    /// its history up to his removal readable, its participants and receipts answer 403.
    pub removed_token: String,
    pub thread_id: String,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_string: Option<String>,
    /// The `--messages N` thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub large_thread_id: Option<String>,
}

/// Everything the handlers share; cheap to clone.
#[derive(Clone)]
pub struct EmulatorState(Arc<Inner>);

struct Inner {
    store: Store,
    signer: TokenSigner,
    faults: Faults,
    stop: CancellationToken,
    base_url: String,
    extra_messages: Option<usize>,
    expire_after: Duration,
    /// The Identity API's HMAC key (in the connection string).
    access_key: Vec<u8>,
    activity: activity::Activity,
    rate_limiter: Option<ratelimit::RateLimiter>,
}

impl EmulatorState {
    /// Builds the demo data for an emulator reachable at `base_url` (`http://127.0.0.1:PORT`).
    pub fn new(config: &EmulatorConfig, base_url: &str) -> Self {
        let expire = config.faults.contains(&FaultKind::Expire);
        let options = DemoOptions {
            now: config.now.unwrap_or_else(Utc::now),
            base_url: base_url.to_string(),
            extra_messages: config.extra_messages,
            extra_threads: config.extra_threads,
            faults: config.faults.iter().copied().collect(),
        };
        Self(Arc::new(Inner {
            store: Store::build(&options),
            signer: TokenSigner::new(expire.then_some(config.expire_after)),
            faults: Faults::new(&config.faults, config.latency, config.fail_rate)
                .with_jitter(config.latency_jitter),
            stop: CancellationToken::new(),
            base_url: base_url.to_string(),
            extra_messages: config.extra_messages,
            expire_after: config.expire_after,
            access_key: identity::random_access_key(),
            activity: activity::Activity::default(),
            rate_limiter: config.rate_limit.then(ratelimit::RateLimiter::default),
        }))
    }

    /// Signs and checks tokens; identity routes mint theirs here.
    pub fn signer(&self) -> &TokenSigner {
        &self.0.signer
    }

    pub fn store(&self) -> &Store {
        &self.0.store
    }

    pub fn faults(&self) -> &Faults {
        &self.0.faults
    }

    /// The changes `--activity` makes (tests can make them one at a time with `step`).
    pub fn activity(&self) -> &activity::Activity {
        &self.0.activity
    }

    /// Set with `--rate-limit`.
    pub fn rate_limiter(&self) -> Option<&ratelimit::RateLimiter> {
        self.0.rate_limiter.as_ref()
    }

    /// Cancelled when the emulator stops (stalled requests end then).
    pub fn stop_token(&self) -> &CancellationToken {
        &self.0.stop
    }

    pub fn base_url(&self) -> &str {
        &self.0.base_url
    }

    /// `endpoint=http://127.0.0.1:PORT/;accesskey=<base64>`, when the base URL is an address.
    pub fn connection_string(&self) -> Option<String> {
        let addr: SocketAddr = self.base_url().strip_prefix("http://")?.parse().ok()?;
        Some(identity::connection_string(addr, &self.0.access_key))
    }

    /// The Identity API's state: the access key, the resource, and this run's token signer.
    pub fn identity(&self) -> identity::IdentityState {
        let state = self.clone();
        identity::IdentityState {
            access_key: self.0.access_key.clone(),
            resource_id: auth::RESOURCE_ID.to_string(),
            issue: Arc::new(move |user: &str, ttl: Duration| state.signer().issue_token(user, ttl)),
        }
    }

    /// The endpoint, fresh tokens and the demo ids.
    pub fn info(&self) -> EmulatorInfo {
        // With `expire`, `exp` falls just after the moment the signer stops accepting tokens, so a
        // token decoder shows about when it will fail, and the signer's deadline stays exact.
        let ttl = if self.faults().has(FaultKind::Expire) {
            self.0.expire_after + Duration::from_secs(1)
        } else {
            TOKEN_TTL
        };
        EmulatorInfo {
            endpoint: self.base_url().to_string(),
            token: self.signer().issue_token(&JANE.raw_id(), ttl).0,
            outsider_token: self.signer().issue_token(&OUTSIDER.raw_id(), ttl).0,
            removed_token: self.signer().issue_token(&PETER.raw_id(), ttl).0,
            thread_id: LUNCH_THREAD_ID.to_string(),
            message_id: self.store().seed_message_id.clone(),
            connection_string: self.connection_string(),
            large_thread_id: self.0.extra_messages.map(|_| LARGE_THREAD_ID.to_string()),
        }
    }
}

/// The whole service: the chat and Identity routes merged with `extra`, the fallback and the common
/// layer (latency, fail-rate, service headers) over all of them.
pub fn app(state: EmulatorState, extra: Router) -> Router {
    routes::chat_routes()
        .merge(images::image_routes())
        .route(stats::STATS_PATH, axum::routing::get(stats_route))
        .route(activity::ACTIVITY_PATH, axum::routing::get(activity::route))
        .with_state(state.clone())
        .merge(identity::router(state.identity()))
        .merge(extra)
        .fallback(routes::unknown_route)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(state, faults::layer))
}

/// The counters as JSON, for loopback clients only (others get 404, as for any unknown route).
async fn stats_route(
    axum::extract::State(state): axum::extract::State<EmulatorState>,
    request: axum::extract::Request,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if !from_loopback(&request) {
        return axum::http::StatusCode::NOT_FOUND.into_response();
    }
    axum::Json(state.faults().stats().snapshot()).into_response()
}

/// Whether a request came from a loopback address (the emulator's own routes serve only those).
fn from_loopback(request: &axum::extract::Request) -> bool {
    let peer = request
        .extensions()
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|info| info.0);
    peer.is_some_and(|p| p.ip().is_loopback())
}

/// The chat service alone.
pub fn router(state: EmulatorState) -> Router {
    app(state, Router::new())
}

/// A running emulator; dropping it stops the server.
pub struct RunningEmulator {
    pub info: EmulatorInfo,
    addr: SocketAddr,
    state: EmulatorState,
    task: Option<JoinHandle<()>>,
}

impl RunningEmulator {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn state(&self) -> &EmulatorState {
        &self.state
    }

    /// What the emulator has served and injected so far.
    pub fn stats(&self) -> stats::EmulatorStats {
        self.state.faults().stats().snapshot()
    }

    /// Stops accepting, ends stalled requests, and waits (briefly) for open answers to finish.
    pub async fn shutdown(mut self) {
        self.state.stop_token().cancel();
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            if tokio::time::timeout(Duration::from_secs(2), task)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for RunningEmulator {
    fn drop(&mut self) {
        self.state.stop_token().cancel();
    }
}

/// Starts the emulator on `config.addr`.
pub async fn start(config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
    start_with(config, |_| Router::new()).await
}

/// Starts the emulator with more routes (built from its state) next to the chat ones.
pub async fn start_with(
    config: EmulatorConfig,
    extra: impl FnOnce(&EmulatorState) -> Router,
) -> std::io::Result<RunningEmulator> {
    let listener = tokio::net::TcpListener::bind(config.addr).await?;
    let addr = listener.local_addr()?;
    let state = EmulatorState::new(&config, &format!("http://{}", advertised(addr)));
    let service = app(state.clone(), extra(&state));
    let stop = state.stop_token().clone();
    if let Some(every) = config.activity {
        tokio::spawn(activity::run(state.clone(), every));
    }
    let task = tokio::spawn(async move {
        let service = service.into_make_service_with_connect_info::<SocketAddr>();
        let served = axum::serve(listener, service)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await;
        if let Err(e) = served {
            tracing::warn!(error = %e, "the emulator stopped serving");
        }
    });
    tracing::info!(%addr, "emulator listening");
    Ok(RunningEmulator {
        info: state.info(),
        addr,
        state,
        task: Some(task),
    })
}

/// The `emulator` subcommand: one JSON line (its [`EmulatorInfo`]) on stdout, then serves until
/// Ctrl-C or SIGTERM. Exit 0, or 2 for an address it cannot use. An address other machines reach
/// needs `allow_remote`, and is then announced on stderr.
pub async fn serve_cli(addr: &str, allow_remote: bool, args: &EmulatorArgs) -> i32 {
    let Some(addr) = resolve_addr(addr).await else {
        eprintln!(
            "error: invalid --addr {}: expected IP:PORT, e.g. 127.0.0.1:0",
            crate::sanitize::quote_input(addr)
        );
        return 2;
    };
    if let Some(Err(e)) = args.activity.map(activity::interval) {
        eprintln!("error: {e}");
        return 2;
    }
    if !addr.ip().is_loopback() && !allow_remote {
        eprintln!(
            "error: --addr {addr} is not a loopback address: other machines could read the emulator's data with its tokens; give --allow-remote to serve it there on purpose, or use 127.0.0.1:0"
        );
        return 2;
    }
    let config = EmulatorConfig {
        addr,
        ..EmulatorConfig::from(args)
    };
    let running = match start(config).await {
        Ok(running) => running,
        Err(e) => {
            eprintln!("error: cannot listen on {addr}: {e}");
            return 2;
        }
    };
    if !addr.ip().is_loopback() {
        announce_remote(running.addr(), &running.info.endpoint);
    }
    if print_info(&running.info).is_err() {
        return 4;
    }
    wait_for_stop_signal().await;
    running.shutdown().await;
    0
}

/// Says on stderr that the emulator serves beyond loopback, and how to reach it.
fn announce_remote(bound: SocketAddr, endpoint: &str) {
    let port = bound.port();
    let (reach, tunnel_to) = if bound.ip().is_unspecified() {
        (
            format!("every network interface (port {port})"),
            advertised(bound).ip(),
        )
    } else {
        (bound.to_string(), bound.ip())
    };
    eprintln!(
        "warning: the emulator serves {reach}, not only this machine: anyone who reaches it can read its data with the printed tokens. Endpoint: {endpoint}. The inspector sends tokens over plain http only to loopback: from another machine, forward the port (ssh -L {port}:{tunnel_to}:{port} HOST) and use http://127.0.0.1:{port}."
    );
}

/// The address clients use for a listener: one bound to every interface (`0.0.0.0`, `[::]`) is
/// reached on this machine through loopback.
fn advertised(bound: SocketAddr) -> SocketAddr {
    let ip = match bound.ip() {
        std::net::IpAddr::V4(ip) if ip.is_unspecified() => std::net::Ipv4Addr::LOCALHOST.into(),
        std::net::IpAddr::V6(ip) if ip.is_unspecified() => std::net::Ipv6Addr::LOCALHOST.into(),
        ip => ip,
    };
    SocketAddr::new(ip, bound.port())
}

/// One JSON line, flushed at once: whoever started the emulator is waiting for it.
fn print_info(info: &EmulatorInfo) -> std::io::Result<()> {
    let line = serde_json::to_string(info).map_err(std::io::Error::other)?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{line}")?;
    stdout.flush()
}

async fn resolve_addr(addr: &str) -> Option<SocketAddr> {
    if let Ok(parsed) = addr.trim().parse() {
        return Some(parsed);
    }
    tokio::net::lookup_host(addr.trim()).await.ok()?.next()
}

/// Waits for Ctrl-C (SIGINT) or SIGTERM.
pub async fn wait_for_stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Flags {
        #[command(flatten)]
        emulator: EmulatorArgs,
    }

    #[test]
    fn latency_jitter_flag_reaches_the_config() {
        let cli =
            Flags::try_parse_from(["emulator", "--latency-ms", "1", "--latency-jitter-ms", "4"])
                .unwrap();
        let config = EmulatorConfig::from(&cli.emulator);
        assert_eq!(config.latency, Duration::from_millis(1));
        assert_eq!(config.latency_jitter, Duration::from_millis(4));
        assert_eq!(EmulatorConfig::default().latency_jitter, Duration::ZERO);
    }
}
