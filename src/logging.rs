//! Logging with tracing to a file, never to the terminal the TUI draws on. Off unless `--log-file` is given.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;

/// Starts file logging when `path` is given; the guard flushes the log when dropped.
pub fn init(path: Option<&Path>) -> Result<Option<WorkerGuard>, String> {
    let Some(path) = path else {
        return Ok(None);
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open --log-file {}: {e}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env("ACS_CHAT_INSPECTOR_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("acs_chat_inspector=debug,info"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "log started");
    Ok(Some(guard))
}
