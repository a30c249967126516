//! `--rate-limit`: the service's documented rate limits enforced per user and per thread
//! ([`crate::acs::limits`], from the service-limits page). A GET beyond a limit gets 429
//! `TooManyRequests` with `retry-after-ms` (and `Retry-After` in whole seconds): the time until the
//! request would fit. Refused requests count against the limits too ("all requests accrue against
//! your usage limits", same page), so a client that retries before that time is refused again.
//!
//! Each refusal is counted in `/_emulator/stats` (`rateLimited` per route kind, and per limit name in
//! `rateLimits`). Requests without a valid token are left to the routes (401).

use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use tokio::time::Instant;

use super::EmulatorState;
use super::wire;
use crate::acs::limits::{Classified, Windows};

/// Counts every user's requests on every documented limit.
#[derive(Debug, Default)]
pub struct RateLimiter {
    windows: Mutex<Windows>,
}

/// A request beyond a limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The name of the (first) limit exceeded.
    pub limit: &'static str,
    /// How long until the request would fit.
    pub retry_after: Duration,
}

impl RateLimiter {
    /// Counts a GET of `path` by `user` at `now`; refuses it when a limit was full already.
    pub fn check(&self, user: &str, path: &str, now: Instant) -> Result<(), Refusal> {
        let Some(request) = Classified::of_path(path) else {
            return Ok(());
        };
        let keys = request.keys(user);
        let mut windows = self.windows.lock().unwrap_or_else(|e| e.into_inner());
        let exceeded = keys
            .iter()
            .find(|k| windows.count(k, now) >= k.rate_limit().requests as usize)
            .map(|k| k.rate_limit().name);
        windows.record(&keys, now);
        let Some(limit) = exceeded else {
            return Ok(());
        };
        let free = windows.next_free(&keys, now, |k| k.rate_limit().requests);
        Err(Refusal {
            limit,
            retry_after: free.map_or(Duration::ZERO, |at| at - now),
        })
    }
}

/// The middleware: passes requests within the limits, answers the others 429.
pub async fn layer(State(state): State<EmulatorState>, request: Request, next: Next) -> Response {
    let Some(limiter) = state.rate_limiter() else {
        return next.run(request).await;
    };
    let user = state.signer().authenticate(request.headers());
    let (Some(user), &Method::GET) = (user, request.method()) else {
        return next.run(request).await;
    };
    let path = request.uri().path().to_string();
    match limiter.check(&user, &path, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(refusal) => {
            state.faults().stats().rate_limited(&path, refusal.limit);
            too_many_requests(&refusal)
        }
    }
}

fn too_many_requests(refusal: &Refusal) -> Response {
    let message = format!(
        "Rate limit exceeded ({}). Retry after {} ms.",
        refusal.limit,
        refusal.retry_after.as_millis()
    );
    let mut response = wire::error(StatusCode::TOO_MANY_REQUESTS, "TooManyRequests", &message);
    let ms = refusal.retry_after.as_millis().max(1);
    let secs = refusal.retry_after.as_secs() + u64::from(refusal.retry_after.subsec_nanos() > 0);
    let headers = response.headers_mut();
    headers.insert("retry-after-ms", HeaderValue::from(ms as u64));
    headers.insert("retry-after", HeaderValue::from(secs.max(1)));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_per_user_and_refusals_accrue() {
        let limiter = RateLimiter::default();
        let t0 = Instant::now();
        let path = "/chat/threads/19%3Aa%40thread.v2/readReceipts";
        for i in 0..5 {
            assert_eq!(
                limiter.check("jane", path, t0 + Duration::from_secs(i)),
                Ok(())
            );
        }
        let at = t0 + Duration::from_secs(5);
        let refused = limiter.check("jane", path, at).unwrap_err();
        assert_eq!(refused.limit, "readReceiptsPerUserPerThread");
        // Six counted: two must leave the window, the second at 11 s.
        assert_eq!(refused.retry_after, Duration::from_secs(6));
        assert_eq!(limiter.check("alex", path, at), Ok(()));
        assert_eq!(
            limiter.check("jane", "/chat/threads/19:b@thread.v2/readReceipts", at),
            Ok(())
        );
        assert!(
            limiter
                .check("jane", path, t0 + Duration::from_secs(10))
                .is_err()
        );
        assert_eq!(limiter.check("jane", "/_emulator/stats", at), Ok(()));
    }

    #[test]
    fn refusals_say_when_to_retry() {
        let refusal = Refusal {
            limit: "threadReadsPerUser",
            retry_after: Duration::from_millis(1500),
        };
        let response = too_many_requests(&refusal);
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()["retry-after-ms"], "1500");
        assert_eq!(response.headers()["retry-after"], "2");
    }
}
