//! A local ACS Chat service for the demo, tests and benchmarks. It depends on `acs` models only.

use std::net::SocketAddr;
use std::time::Duration;

use serde::Serialize;

pub use crate::cli::FaultKind;

/// How the emulator is started.
#[derive(Debug, Clone)]
pub struct EmulatorConfig {
    pub addr: SocketAddr,
    /// Adds a thread of this many generated messages.
    pub extra_messages: Option<usize>,
    pub latency: Duration,
    pub fail_rate: f64,
    pub faults: Vec<FaultKind>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            extra_messages: None,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            faults: Vec::new(),
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
    pub thread_id: String,
    pub message_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_string: Option<String>,
}

/// A running emulator; dropping it stops the server.
pub struct RunningEmulator {
    pub info: EmulatorInfo,
}

/// Starts the emulator on `config.addr`.
pub async fn start(_config: EmulatorConfig) -> std::io::Result<RunningEmulator> {
    Err(std::io::Error::other("the emulator is not built yet"))
}
