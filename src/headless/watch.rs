//! `watch THREAD`: one JSON line per change, flushed as it is seen, until SIGINT or SIGTERM (exit 0).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::connect::connect;
use super::failure::Failure;
use crate::watch::{WatchEvent, WatchOptions, Watcher};

/// The `--har` file is rewritten after this many polls, so a watch that is killed keeps most of it.
const HAR_EVERY_POLLS: u32 = 10;

pub async fn watch(cli: &crate::cli::Cli, thread_id: &str, interval: f64) -> Result<i32, Failure> {
    let interval = check_interval(interval)?;
    let mut session = connect(cli).await?;
    session.token.thread_id = Some(thread_id.to_string());
    let options = WatchOptions {
        interval,
        max_failures: cli.connection.retries.max(1),
    };
    let watcher = Watcher::new(&session.client, thread_id, options);
    let stop = CancellationToken::new();
    let stopper = stop.clone();
    tokio::spawn(async move {
        crate::emulator::wait_for_stop_signal().await;
        stopper.cancel();
    });
    if std::io::stderr().is_terminal() {
        eprintln!("watching {thread_id} (Ctrl-C stops)");
    }
    let mut out = std::io::stdout().lock();
    let mut write_error = None;
    let mut polls = 0u32;
    let ran = watcher
        .run(&stop, |events| {
            polls += 1;
            if let Err(e) = print_events(&mut out, events) {
                write_error = Some(e);
                stop.cancel();
            }
            if polls.is_multiple_of(HAR_EVERY_POLLS) {
                super::flush_har();
            }
        })
        .await;
    let _ = out.flush();
    if let Some(e) = write_error {
        return Err(Failure::output(e));
    }
    ran.map_err(|e| session.token.failure(e))?;
    Ok(0)
}

/// Each change as one compact line, safe for a terminal, flushed at once.
fn print_events(out: &mut impl Write, events: &[WatchEvent]) -> std::io::Result<()> {
    for event in events {
        let line =
            crate::sanitize::terminal_safe_json(event, false).map_err(std::io::Error::other)?;
        writeln!(out, "{line}")?;
    }
    out.flush()
}

fn check_interval(secs: f64) -> Result<Duration, Failure> {
    if secs.is_finite() && secs > 0.0 && secs <= 3600.0 {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(Failure::bad_input(format!(
            "--interval {secs} must be between 0 and 3600 seconds"
        )))
    }
}
