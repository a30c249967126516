//! Logging with tracing to a file, never to the terminal the TUI draws on. Off unless `--log-file` is
//! given or `ACS_CHAT_INSPECTOR_LOG` (a tracing filter such as `debug`) is set, which logs to
//! `acs-chat-inspector.log` in the platform's state directory.

use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;

/// The variable that turns logging on (and sets its filter).
pub const LOG_ENV: &str = "ACS_CHAT_INSPECTOR_LOG";

/// Where the log goes when only `ACS_CHAT_INSPECTOR_LOG` asks for one: beside the remembered state.
pub fn default_log_path() -> Result<PathBuf, String> {
    let state = crate::config::State::path().map_err(|e| e.to_string())?;
    Ok(state.with_file_name("acs-chat-inspector.log"))
}

/// Starts file logging when `path` is given or the environment asks for it; the guard flushes
/// the log when dropped.
pub fn init(path: Option<&Path>) -> Result<Option<WorkerGuard>, String> {
    let default;
    let path = match path {
        Some(path) => path,
        None if std::env::var_os(LOG_ENV).is_some() => {
            default = default_log_path()?;
            if let Some(dir) = default.parent() {
                std::fs::create_dir_all(dir).map_err(|e| {
                    format!("cannot create the log directory {}: {e}", dir.display())
                })?;
            }
            &default
        }
        None => return Ok(None),
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| format!("cannot open the log file {}: {e}", path.display()))?;
    let (writer, guard) = tracing_appender::non_blocking(file);
    let filter = tracing_subscriber::EnvFilter::try_from_env(LOG_ENV)
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
