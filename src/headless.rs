//! The JSON subcommands: one request (or all pages) in, JSON on stdout, an exit code out.

use crate::cli::Cli;

/// Runs a headless subcommand; returns the process exit code.
pub async fn run(_cli: &Cli) -> i32 {
    eprintln!("error: not built yet");
    1
}
