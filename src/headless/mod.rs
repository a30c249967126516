//! The JSON subcommands: one request (or all pages) in, JSON on stdout, an exit code out.
//!
//! Items are printed exactly as the service sent them (field names, values, unknown fields), lists
//! stream out page by page as one JSON array, and every failure is one `error:` line plus hints.

pub mod bundle;
pub mod connect;
pub mod failure;
pub mod fetch;
pub mod output;
pub mod token;

use crate::acs::endpoint::{validate_message_id, validate_thread_id};
use crate::cli::{Cli, Command, ListArgs, TokenAction};
use failure::Failure;

/// Runs a headless subcommand; returns the process exit code.
pub async fn run(cli: &Cli) -> i32 {
    let Some(command) = &cli.command else {
        return Failure::bad_input("no subcommand").report();
    };
    tracing::info!(command = command_name(command), "subcommand");
    if let Err(failure) = validate(command) {
        return failure.report();
    }
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
            force,
            redact,
        } => {
            let target = output
                .as_deref()
                .map(|path| bundle::Target::new(path, *force));
            bundle::bundle(cli, thread_id, target, *redact).await
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
        Command::Bundle { .. } => "bundle",
        Command::Token { .. } => "token",
        Command::Emulator { .. } => "emulator",
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
        Command::Message { message_id, .. } => {
            validate_message_id(message_id)?;
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
        | Command::Threads { list } => Some(list),
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
        | Command::Bundle { thread_id, .. } => Some(thread_id),
        _ => None,
    }
}
