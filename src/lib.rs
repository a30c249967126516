//! acs-chat-inspector: a terminal inspector for Azure Communication Services Chat threads.
//!
//! - [`acs`]: the ACS Chat REST client (models, errors, paging, retries, tokens).
//! - [`emulator`]: a local ACS Chat service for the demo, tests and benchmarks.
//! - [`tui`]: the interactive inspector.
//! - [`across`]: audit and search across every thread of a user, many threads at once.
//! - [`diagnose`]: who sees what in a thread, and why (pure functions over fetched data).
//! - [`cli`], [`headless`], [`export`]: arguments, the JSON subcommands, bundles.
//! - [`credentials`]: flags, profiles and the environment turned into an endpoint and a token, for
//!   every mode; [`config`]: the profiles file and remembered state.
//! - [`bundle`] (the bundle format and its reader), [`diff`], [`watch`], [`har`]: a case over time.
//! - [`scrub`]: secrets kept out of every file written.

pub mod across;
pub mod acs;
pub mod bundle;
pub mod cli;
pub mod clipboard;
pub mod config;
pub mod credentials;
pub mod curl;
pub mod diagnose;
pub mod diff;
pub mod emulator;
pub mod export;
pub mod files;
pub mod har;
pub mod headless;
pub mod logging;
pub mod sanitize;
pub mod scrub;
pub mod shell;
pub mod system_clipboard;
pub mod tui;
pub mod watch;

use std::process::ExitCode;

use cli::Cli;

/// Readable panic reports, in colour only on a terminal (a log file or a ticket gets plain text);
/// the TUI chains its terminal-restoring hook in front of this one.
fn install_panic_report() {
    use std::io::IsTerminal;
    let colours = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if colours {
        color_eyre::config::Theme::dark()
    } else {
        color_eyre::config::Theme::new()
    };
    let _ = color_eyre::config::HookBuilder::default()
        .theme(theme)
        .install();
}

/// Runs the program for parsed arguments; returns the process exit code.
pub fn run(cli: Cli) -> ExitCode {
    if let Some(code) = cli.command.as_ref().and_then(shell::run) {
        return ExitCode::from(u8::try_from(code).unwrap_or(1));
    }
    install_panic_report();
    let _log_guard = match logging::init(cli.connection.log_file.as_deref()) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("error: {}", sanitize::error_line(&e));
            return ExitCode::from(2);
        }
    };
    // Headless commands make one request at a time: one thread keeps their memory small. The TUI
    // keeps its loop apart from request tasks on a multi-threaded runtime.
    let interactive = matches!(
        cli.command,
        None | Some(cli::Command::Open { check: false, .. })
    );
    let mut builder = if interactive {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(4);
        }
    };
    let code = runtime.block_on(async {
        match &cli.command {
            None => tui::run(&cli).await,
            Some(cli::Command::Open {
                file,
                diff,
                check: false,
            }) => tui::open(&cli, file, diff.as_deref()).await,
            Some(_) => headless::run(&cli).await,
        }
    });
    // Pending tasks (a stalled request, the emulator) must not keep the process alive.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
