//! The interactive inspector, in the Elm style: [`state::AppState`] holds everything,
//! [`action::Action`] is the only way it changes, [`update::update`] changes it and returns
//! [`update::Effect`]s that [`tasks::Tasks`] performs, and [`view::render`] draws it.
//!
//! - [`keymap`]: the one key table; it dispatches keys and generates the help overlay.
//! - [`app`], [`terminal`]: the event loop and terminal setup/teardown (every exit path restores).
//! - [`timeline`]: the loaded messages, filter, display order and read counts; [`query`]: the
//!   filter's query language; [`ids`]: how ids are shortened and coloured everywhere.
//! - [`raw`], [`raw_view`], [`copy`]: the raw response view, the request log rows, the copy menu.

pub mod action;
pub mod app;
pub mod audit;
pub mod copy;
pub mod findings;
pub mod ids;
pub mod keymap;
pub mod offline;
pub mod query;
pub mod raw;
pub mod raw_view;
pub mod search;
pub mod state;
pub mod tasks;
pub mod terminal;
pub mod timeline;
pub mod update;
pub mod view;

use crate::cli::Cli;

/// Runs the TUI until the user quits; returns the process exit code.
pub async fn run(cli: &Cli) -> i32 {
    app::run(cli).await
}

/// Shows a saved bundle (`open FILE [--diff OLDER]`) until the user quits; returns the exit code.
pub async fn open(cli: &Cli, file: &std::path::Path, older: Option<&std::path::Path>) -> i32 {
    app::open(cli, file, older).await
}
