//! Misbehaviour on purpose, and the headers every answer carries.
//!
//! Which requests each fault touches (the others keep working, so the demo stays usable):
//! - `latency` and `latency_jitter`: every answer leaves `latency + uniform(0..=jitter)` after its
//!   request arrived, or later when building it takes longer: the emulator works during the wait, so
//!   the latency is the whole round trip, as a real service's is.
//! - `fail_rate`: that fraction of all requests, spread evenly (deterministic, so a retrying client
//!   always gets through when the rate is at most 0.5), answered 429 or 503 with, in rotation,
//!   `retry-after-ms: 20`, `x-ms-retry-after-ms: 30`, `Retry-After: 0` and `Retry-After: <HTTP date of now>`.
//! - `stall`, `reset`, `truncate`, `garbage`: the message routes only (GET message, every page of the
//!   message list). The thread, participants, read receipts and thread list answer normally, so the
//!   thread panel loads and the message panel shows the failure. `stall` never answers (until the
//!   emulator stops); `reset` sends half the body then aborts the connection; `truncate` sends half the
//!   body with a matching Content-Length; `garbage` sends a 200 HTML page. Error answers (401, 404...)
//!   are not altered by `reset`, `truncate` and `garbage`. When several are given: stall, then garbage,
//!   then reset, then truncate.
//! - `expire`: every token stops working a few seconds after start (401), see [`super::auth`].
//! - `huge`, `escape`, `unicode`, `unknown`: data, added to the "Lunch" thread, see [`super::hostile`].
//!
//! Every answer is counted (route kind, status, injected failure, fault applied), see [`super::stats`];
//! the stats route itself is left alone.

use std::collections::HashSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use tokio_util::sync::CancellationToken;

use super::EmulatorState;
use super::flags::FaultKind;
use super::stats::{Injected, STATS_PATH, StatsRecorder};
use super::wire;

/// The fault settings of a run and the counters that spread failures.
#[derive(Debug)]
pub struct Faults {
    kinds: HashSet<FaultKind>,
    latency: Duration,
    latency_jitter: Duration,
    fail_rate: f64,
    requests: AtomicU64,
    failures: AtomicU64,
    stats: StatsRecorder,
}

/// What to do to a successful body on the message routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyFault {
    Garbage,
    Reset,
    Truncate,
}

impl Faults {
    pub fn new(kinds: &[FaultKind], latency: Duration, fail_rate: f64) -> Self {
        let fail_rate = if fail_rate.is_finite() {
            fail_rate.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Self {
            kinds: kinds.iter().copied().collect(),
            latency,
            latency_jitter: Duration::ZERO,
            fail_rate,
            requests: AtomicU64::new(0),
            failures: AtomicU64::new(0),
            stats: StatsRecorder::default(),
        }
    }

    /// Adds a random `0..=jitter` to the latency of every answer.
    pub fn with_jitter(mut self, jitter: Duration) -> Self {
        self.latency_jitter = jitter;
        self
    }

    /// The counters of this run.
    pub fn stats(&self) -> &StatsRecorder {
        &self.stats
    }

    /// The delay of the next answer.
    pub fn next_delay(&self) -> Duration {
        pick_delay(self.latency, self.latency_jitter, &mut rand::rng())
    }

    pub fn has(&self, kind: FaultKind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn kinds(&self) -> &HashSet<FaultKind> {
        &self.kinds
    }

    /// Request `n` fails when `floor((n+1)·rate)` steps past `floor(n·rate)`: exactly the rate, evenly spread.
    fn should_fail(&self) -> bool {
        if self.fail_rate <= 0.0 {
            return false;
        }
        let n = self.requests.fetch_add(1, Ordering::Relaxed) as f64;
        ((n + 1.0) * self.fail_rate).floor() > (n * self.fail_rate).floor()
    }

    /// A 429 or 503 with the next retry-header variant.
    fn throttled(&self) -> (Response, Injected) {
        let n = self.failures.fetch_add(1, Ordering::Relaxed);
        let (status, code, message) = if (n / 4).is_multiple_of(2) {
            (
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                "Rate limit exceeded.",
            )
        } else {
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "ServiceUnavailable",
                "The server is currently unable to handle the request.",
            )
        };
        let (name, value) = match n % 4 {
            0 => ("retry-after-ms", "20".to_string()),
            1 => ("x-ms-retry-after-ms", "30".to_string()),
            2 => ("retry-after", "0".to_string()),
            _ => (
                "retry-after",
                Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string(),
            ),
        };
        let mut response = wire::error(status, code, message);
        if let Ok(v) = value.parse() {
            response.headers_mut().insert(name, v);
        }
        let injected = if status == StatusCode::TOO_MANY_REQUESTS {
            Injected::Throttled
        } else {
            Injected::Unavailable
        };
        (response, injected)
    }

    /// The body fault for the message routes, if any.
    pub fn body_fault(&self) -> Option<BodyFault> {
        [
            (FaultKind::Garbage, BodyFault::Garbage),
            (FaultKind::Reset, BodyFault::Reset),
            (FaultKind::Truncate, BodyFault::Truncate),
        ]
        .into_iter()
        .find(|(k, _)| self.has(*k))
        .map(|(_, f)| f)
    }

    /// With `stall`: waits until the emulator stops, then answers 503.
    pub async fn stall_if_asked(&self, stop: &CancellationToken) -> Option<Response> {
        if !self.has(FaultKind::Stall) {
            return None;
        }
        self.stats.fault_applied(FaultKind::Stall);
        stop.cancelled().await;
        Some(StatusCode::SERVICE_UNAVAILABLE.into_response())
    }

    /// A successful JSON body, altered by the body fault if any.
    pub fn deliver(&self, body: Vec<u8>) -> Response {
        let fault = self.body_fault();
        if let Some(fault) = fault {
            self.stats.fault_applied(fault.kind());
        }
        match fault {
            None => wire::ok_bytes(body),
            Some(BodyFault::Garbage) => garbage(),
            Some(BodyFault::Truncate) => {
                let half = body.len() / 2;
                wire::ok_bytes(body[..half].to_vec())
            }
            Some(BodyFault::Reset) => reset(body),
        }
    }
}

impl BodyFault {
    pub fn kind(self) -> FaultKind {
        match self {
            BodyFault::Garbage => FaultKind::Garbage,
            BodyFault::Reset => FaultKind::Reset,
            BodyFault::Truncate => FaultKind::Truncate,
        }
    }
}

/// `latency + uniform(0..=jitter)`, to the millisecond.
pub fn pick_delay(latency: Duration, jitter: Duration, rng: &mut impl rand::Rng) -> Duration {
    let jitter_ms = u64::try_from(jitter.as_millis()).unwrap_or(u64::MAX);
    if jitter_ms == 0 {
        return latency;
    }
    latency.saturating_add(Duration::from_millis(rng.random_range(0..=jitter_ms)))
}

fn garbage() -> Response {
    let page = "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy received an invalid response.</p></body></html>";
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html")],
        Body::from(page),
    )
        .into_response()
}

/// Streams the first half of the body, pauses so it reaches the client with the headers, then fails
/// the stream: the connection is aborted mid-body.
fn reset(body: Vec<u8>) -> Response {
    let half = Bytes::from(body[..body.len() / 2].to_vec());
    let stream = futures::stream::unfold(Some(half), |pending| async move {
        match pending {
            Some(half) => Some((Ok(half), None)),
            None => {
                tokio::time::sleep(Duration::from_millis(20)).await;
                let reset =
                    std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset on purpose");
                Some((Err(reset), None))
            }
        }
    });
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, wire::JSON_SUCCESS)],
        Body::from_stream(stream),
    )
        .into_response()
}

/// Runs around every request: latency, fail-rate, and the chat service's headers on every answer
/// that has none of its own.
pub async fn layer(State(state): State<EmulatorState>, request: Request, next: Next) -> Response {
    if request.uri().path() == STATS_PATH {
        return next.run(request).await;
    }
    let started = Instant::now();
    let faults = state.faults();
    let latency = latency_from_now(faults.next_delay());
    let path = request.uri().path().to_string();
    let (mut response, injected) = if faults.should_fail() {
        latency.await;
        faults.throttled()
    } else {
        // The answer is built while the latency runs, as a service's own time is part of its round
        // trip: an answer leaves after the latency or after its work, whichever ends last.
        let (_, response) = tokio::join!(latency, next.run(request));
        (response, Injected::None)
    };
    faults
        .stats
        .record(&path, response.status().as_u16(), injected);
    // The Identity API writes its own (different) service headers.
    if !response.headers().contains_key("ms-cv") {
        wire::add_service_headers(response.headers_mut(), started.elapsed().as_millis());
    }
    response
}

/// Ends `delay` after the call (the request's arrival), whenever it is first awaited; a zero
/// delay does not wait for the timer at all.
fn latency_from_now(delay: Duration) -> impl Future<Output = ()> {
    let until = tokio::time::Instant::now() + delay;
    async move {
        if !delay.is_zero() {
            tokio::time::sleep_until(until).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_rate_is_exact_and_spread() {
        let f = Faults::new(&[], Duration::ZERO, 0.3);
        let fails: Vec<bool> = (0..10).map(|_| f.should_fail()).collect();
        assert_eq!(fails.iter().filter(|x| **x).count(), 3);
        assert!(fails.windows(2).all(|w| !(w[0] && w[1])));
        let half = Faults::new(&[], Duration::ZERO, 0.5);
        let fails: Vec<bool> = (0..8).map(|_| half.should_fail()).collect();
        assert_eq!(fails, [false, true, false, true, false, true, false, true]);
        let none = Faults::new(&[], Duration::ZERO, 0.0);
        assert!(!(0..100).any(|_| none.should_fail()));
    }

    #[test]
    fn delay_stays_within_latency_plus_jitter() {
        let mut rng = rand::rng();
        let (latency, jitter) = (Duration::from_millis(1), Duration::from_millis(4));
        let delays: HashSet<Duration> = (0..2000)
            .map(|_| pick_delay(latency, jitter, &mut rng))
            .collect();
        let expected: HashSet<Duration> = (1..=5).map(Duration::from_millis).collect();
        assert_eq!(delays, expected, "every delay in 1..=5 ms, and only those");
        assert_eq!(pick_delay(latency, Duration::ZERO, &mut rng), latency);
    }

    #[test]
    fn injected_failures_are_counted_by_status() {
        let f = Faults::new(&[], Duration::ZERO, 1.0);
        let kinds: Vec<Injected> = (0..8).map(|_| f.throttled().1).collect();
        assert_eq!(kinds[..4], [Injected::Throttled; 4]);
        assert_eq!(kinds[4..], [Injected::Unavailable; 4]);
    }

    #[test]
    fn body_faults_are_counted() {
        let f = Faults::new(&[FaultKind::Truncate], Duration::ZERO, 0.0);
        let _ = f.deliver(b"{\"value\":[]}".to_vec());
        assert_eq!(f.stats().snapshot().faults_applied["truncate"], 1);
    }

    #[test]
    fn throttling_rotates_statuses_and_headers() {
        let f = Faults::new(&[], Duration::ZERO, 1.0);
        let answers: Vec<Response> = (0..8).map(|_| f.throttled().0).collect();
        assert_eq!(answers[0].status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(answers[4].status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(answers[0].headers().contains_key("retry-after-ms"));
        assert!(answers[1].headers().contains_key("x-ms-retry-after-ms"));
        assert_eq!(answers[2].headers()["retry-after"], "0");
        assert!(
            answers[3].headers()["retry-after"]
                .to_str()
                .unwrap()
                .ends_with("GMT")
        );
    }

    /// Latency on a paused clock: requests go to the router without a socket, and the route
    /// `/timed` takes `work` of that clock to answer.
    mod latency {
        use std::sync::{Arc, Mutex};

        use axum::Router;
        use axum::routing::get;
        use tokio::time::Instant;
        use tower::ServiceExt;

        use super::*;
        use crate::emulator::{EmulatorConfig, app};

        const LATENCY: Duration = Duration::from_millis(50);

        /// When the request went out, when `/timed` began its work, and when the answer came.
        struct Timed {
            sent: Instant,
            work_began: Option<Instant>,
            answered: Instant,
            status: StatusCode,
        }

        async fn send_timed(fail_rate: f64, work: Duration) -> Timed {
            let config = EmulatorConfig {
                latency: LATENCY,
                fail_rate,
                ..EmulatorConfig::default()
            };
            let state = EmulatorState::new(&config, "http://127.0.0.1:1");
            let began: Arc<Mutex<Option<Instant>>> = Arc::default();
            let record = began.clone();
            let timed = Router::new().route(
                "/timed",
                get(move || async move {
                    *record.lock().unwrap() = Some(Instant::now());
                    tokio::time::sleep(work).await;
                    "done"
                }),
            );
            let request = Request::builder()
                .uri("/timed")
                .body(Body::empty())
                .unwrap();
            let sent = Instant::now();
            let response = app(state, timed).oneshot(request).await.unwrap();
            let answered = Instant::now();
            let work_began = *began.lock().unwrap();
            Timed {
                sent,
                work_began,
                answered,
                status: response.status(),
            }
        }

        /// The round trip is the longer of the latency and the work, never their sum.
        fn assert_overlapped(t: &Timed, work: Duration) {
            let round_trip = t.answered - t.sent;
            assert_eq!(t.status, StatusCode::OK);
            assert_eq!(t.work_began, Some(t.sent), "the work starts on arrival");
            assert!(
                round_trip >= LATENCY.max(work),
                "the answer waits for the latency and its work: {round_trip:?}"
            );
            assert!(
                round_trip < LATENCY + work,
                "the work runs during the latency: {round_trip:?}"
            );
        }

        #[tokio::test(start_paused = true)]
        async fn the_answer_is_built_during_the_latency_and_leaves_after_it() {
            let work = Duration::from_millis(20);
            assert_overlapped(&send_timed(0.0, work).await, work);
        }

        #[tokio::test(start_paused = true)]
        async fn work_longer_than_the_latency_sets_the_round_trip() {
            let work = Duration::from_millis(80);
            assert_overlapped(&send_timed(0.0, work).await, work);
        }

        #[tokio::test(start_paused = true)]
        async fn injected_failures_wait_the_latency_too() {
            let t = send_timed(1.0, Duration::from_millis(20)).await;
            assert_eq!(t.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                t.work_began, None,
                "a failed request never reaches the route"
            );
            assert!(t.answered - t.sent >= LATENCY, "{:?}", t.answered - t.sent);
        }
    }
}
