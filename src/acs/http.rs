//! The one way requests leave the program: every client (chat and Identity) is built here.
//!
//! - Redirects are never followed: a 3xx from the endpoint is shown as the answer it is (with its
//!   `Location`), so another host's answer is never taken for the service's.
//! - A loopback endpoint (the emulator, a tunnel) never goes through `HTTP_PROXY`/`HTTPS_PROXY`/
//!   `ALL_PROXY`: a plain-http request to loopback would hand the `Authorization` header to the proxy
//!   in clear. reqwest reads those variables by default (docs.rs/reqwest `ClientBuilder::no_proxy`).

use std::time::Duration;

use super::endpoint::{Endpoint, is_loopback};
use super::error::AcsError;

/// The HTTP client for requests to `endpoint`, each limited to `timeout`.
pub fn http_client(endpoint: &Endpoint, timeout: Duration) -> Result<reqwest::Client, AcsError> {
    let mut builder = reqwest::Client::builder()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(10)))
        .user_agent(concat!("acs-chat-inspector/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none());
    if is_loopback(endpoint.url()) {
        builder = builder.no_proxy();
    }
    builder
        .build()
        .map_err(|e| AcsError::BadInput(format!("cannot build the HTTP client: {e}")))
}
