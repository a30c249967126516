//! The JSON subcommands: one request (or all pages) in, JSON on stdout, an exit code out.
//!
//! Items are printed exactly as the service sent them (field names, values, unknown fields), lists
//! stream out page by page as one JSON array, and every failure is one `error:` line plus hints.

pub mod across;
pub mod bundle;
pub mod cases;
pub mod connect;
pub mod diagnose;
pub mod failure;
pub mod fetch;
pub mod output;
pub mod token;
pub mod watch;

use crate::acs::ChatClient;
use crate::acs::endpoint::{validate_message_id, validate_thread_id};
use crate::acs::scheduler::DEFAULT_CONCURRENCY;
use crate::cli::{Cli, Command, ListArgs, TokenAction};
use crate::har::HarRecorder;
use failure::Failure;

tokio::task_local! {
    /// The `--har` recorder of this run: every client [`connect::connect`] makes reports to it.
    static HAR: Option<HarRecorder>;
}

/// Runs a headless subcommand; returns the process exit code.
pub async fn run(cli: &Cli) -> i32 {
    let Some(command) = &cli.command else {
        return Failure::bad_input("no subcommand").report();
    };
    tracing::info!(command = command_name(command), "subcommand");
    if let Err(failure) = validate(command) {
        return failure.report();
    }
    if let Some(Err(e)) = cli
        .emulator
        .activity
        .map(crate::emulator::activity::interval)
    {
        return Failure::bad_input(e).report();
    }
    let recorder = match har_recorder(cli) {
        Ok(recorder) => recorder,
        Err(failure) => return failure.report(),
    };
    let code = HAR.scope(recorder.clone(), run_command(cli, command)).await;
    match recorder.map(|r| write_har(&r)) {
        // The command's own failure says more than the HAR file's.
        Some(Err(failure)) if code == 0 => failure.report(),
        Some(Err(failure)) => {
            failure.report();
            code
        }
        _ => code,
    }
}

/// The recorder of `--har FILE`, its path checked before any request.
fn har_recorder(cli: &Cli) -> Result<Option<HarRecorder>, Failure> {
    let Some(path) = &cli.connection.har else {
        return Ok(None);
    };
    crate::har::check_target(path, cli.force).map_err(Failure::bad_input)?;
    let scrubber = crate::scrub::cli_secrets(&cli.connection);
    Ok(Some(HarRecorder::new(path, scrubber)))
}

fn write_har(recorder: &HarRecorder) -> Result<(), Failure> {
    recorder.write().map_err(|e| Failure {
        code: 4,
        message: Some(format!(
            "cannot write --har {}: {e}",
            recorder.path().display()
        )),
        hints: Vec::new(),
    })
}

/// The client, recorded for `--har` when the run has a recorder.
pub fn recorded(client: ChatClient) -> ChatClient {
    HAR.try_with(|recorder| recorder.as_ref().map(|r| r.attach(&client)))
        .ok()
        .flatten()
        .unwrap_or(client)
}

/// Rewrites the `--har` file with what was recorded so far (a long `watch` keeps it current).
pub fn flush_har() {
    let _ = HAR.try_with(|recorder| recorder.as_ref().map(HarRecorder::write));
}

async fn run_command(cli: &Cli, command: &Command) -> i32 {
    let outcome = match command {
        Command::Emulator { addr, allow_remote } => {
            return crate::emulator::serve_cli(addr, *allow_remote, &cli.emulator).await;
        }
        Command::Token {
            action: Some(TokenAction::Mint),
            ..
        } => return token::mint(cli).await,
        Command::Token {
            action: None,
            token,
        } => token::inspect(cli, token.as_deref()).await.map(|()| 0),
        Command::Bundle {
            thread_id,
            output,
            redact,
        } => {
            let target = output
                .as_deref()
                .map(|path| bundle::Target::new(path, cli.force));
            bundle::bundle(cli, thread_id, target, *redact).await
        }
        Command::Diagnose {
            thread_id,
            as_identity,
        } => diagnose::diagnose(cli, thread_id, as_identity.as_deref()).await,
        Command::Watch {
            thread_id,
            interval,
        } => watch::watch(cli, thread_id, *interval).await,
        Command::Open { file, diff, .. } => cases::open(file, diff.as_deref()),
        Command::Diff { a, b } => cases::diff(a, b),
        Command::Threads {
            list,
            audit: true,
            across,
        } => across::audit(cli, list, across).await.map(|()| 0),
        Command::Search {
            text,
            from,
            message_id,
            max,
            page_size,
            across,
        } => {
            let args = across::SearchArgs {
                text: text.as_deref(),
                from: from.as_deref(),
                message_id: message_id.as_deref(),
                max: *max,
                page_size: *page_size,
            };
            across::search(cli, &args, across).await.map(|()| 0)
        }
        other => fetch::fetch(cli, other).await.map(|()| 0),
    };
    outcome.unwrap_or_else(|failure| failure.report())
}

fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Thread { .. } => "thread",
        Command::Message { .. } => "message",
        Command::Messages { .. } => "messages",
        Command::Participants { .. } => "participants",
        Command::Receipts { .. } => "receipts",
        Command::Threads { .. } => "threads",
        Command::Search { .. } => "search",
        Command::Bundle { .. } => "bundle",
        Command::Diagnose { .. } => "diagnose",
        Command::Token { .. } => "token",
        Command::Emulator { .. } => "emulator",
        Command::Completions { .. } => "completions",
        Command::Man => "man",
        Command::Watch { .. } => "watch",
        Command::Open { .. } => "open",
        Command::Diff { .. } => "diff",
    }
}

/// Everything the flags can get wrong, checked before any connection or request.
fn validate(command: &Command) -> Result<(), Failure> {
    if let Some(thread) = thread_of(command) {
        validate_thread_id(thread)?;
    }
    if list_of(command).is_some_and(|list| list.page_size == Some(0)) {
        return Err(Failure::bad_input(
            "--page-size 0: a page holds at least one item",
        ));
    }
    match command {
        Command::Threads {
            audit: false,
            across,
            ..
        } if across.paced || across.concurrency != DEFAULT_CONCURRENCY => {
            return Err(Failure::bad_input(
                "--paced and --concurrency apply to threads --audit and search",
            ));
        }
        Command::Threads { across, .. } => across::validate(across)?,
        Command::Search {
            page_size, across, ..
        } => {
            if *page_size == Some(0) {
                return Err(Failure::bad_input(
                    "--page-size 0: a page holds at least one item",
                ));
            }
            across::validate(across)?;
        }
        Command::Message { message_id, .. } => {
            validate_message_id(message_id)?;
        }
        Command::Diagnose {
            as_identity: Some(raw_id),
            ..
        } => {
            diagnose::validate_raw_id(raw_id)?;
        }
        Command::Messages {
            since: Some(since), ..
        } => {
            chrono::DateTime::parse_from_rfc3339(since.trim()).map_err(|e| {
                Failure::bad_input(format!(
                    "malformed --since {}: {e}; expected RFC 3339 such as 2024-05-30T08:36:01Z",
                    crate::sanitize::quote_input(since)
                ))
            })?;
        }
        _ => {}
    }
    Ok(())
}

fn list_of(command: &Command) -> Option<&ListArgs> {
    match command {
        Command::Messages { list, .. }
        | Command::Participants { list, .. }
        | Command::Receipts { list, .. }
        | Command::Threads { list, .. } => Some(list),
        _ => None,
    }
}

fn thread_of(command: &Command) -> Option<&str> {
    match command {
        Command::Thread { thread_id }
        | Command::Message { thread_id, .. }
        | Command::Messages { thread_id, .. }
        | Command::Participants { thread_id, .. }
        | Command::Receipts { thread_id, .. }
        | Command::Bundle { thread_id, .. }
        | Command::Diagnose { thread_id, .. }
        | Command::Watch { thread_id, .. } => Some(thread_id),
        _ => None,
    }
}
