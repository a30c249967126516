//! The interactive inspector: state, actions, update and rendering.

pub mod raw_view;

use crate::cli::Cli;

/// Runs the TUI until the user quits; returns the process exit code.
pub async fn run(_cli: &Cli) -> i32 {
    eprintln!("error: the interactive inspector is not built yet");
    1
}
