//! Logging with tracing to a file, never to the terminal the TUI draws on. Off unless `--log-file` is
//! given or `ACS_CHAT_INSPECTOR_LOG` (a tracing filter such as `debug`) is set, which logs to
//! `acs-chat-inspector.log` in the platform's state directory.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::fmt::MakeWriter;

use crate::sanitize::mask_secrets;

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
        .with_writer(Masked(writer))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .map_err(|e| format!("cannot start logging: {e}"))?;
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "log started");
    Ok(Some(guard))
}

/// Log writers whose every line has its secrets masked ([`mask_secrets`]): a token pasted into the
/// wrong flag, a service message or a URL can reach a log line through any field.
#[derive(Debug, Clone)]
pub struct Masked<M>(pub M);

impl<'a, M: MakeWriter<'a>> MakeWriter<'a> for Masked<M> {
    type Writer = Masked<M::Writer>;

    fn make_writer(&'a self) -> Self::Writer {
        Masked(self.0.make_writer())
    }
}

/// The formatter writes each event in one call, so a secret is never split between two writes.
impl<W: Write> Write for Masked<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(mask_secrets(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_are_masked() {
        let token = "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOngifQ.c2ln";
        let out = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(Masked(move || SharedSink(sink.clone())))
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            tracing::warn!(endpoint = %format!("https://{token}"), "bad endpoint {token}");
        });
        let written = String::from_utf8(out.lock().unwrap().clone()).unwrap();
        assert!(written.contains("[masked token,"), "{written}");
        assert!(!written.contains("eyJza3lwZWlk"), "{written}");
    }

    struct SharedSink(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

    impl Write for SharedSink {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
}
