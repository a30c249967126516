//! The JSON subcommands: one request (or all pages) in, JSON on stdout, an exit code out.
//!
//! Items are printed exactly as the service sent them (field names, values, unknown fields), lists
//! stream out page by page as one JSON array, and every failure is one `error:` line plus hints.

pub mod connect;
pub mod failure;
pub mod output;
pub mod token;

use std::io::Write;
use std::path::Path;

use serde_json::Value;

use crate::acs::endpoint::{encode_segment, validate_message_id, validate_thread_id};
use crate::acs::{ListOptions, Pager};
use crate::cli::{Cli, Command, ListArgs, TokenAction};
use crate::export::{self, BundleProgress};
use connect::{Session, connect};
use failure::Failure;
use output::{JsonOut, Progress};

/// Runs a headless subcommand; returns the process exit code.
pub async fn run(cli: &Cli) -> i32 {
    let Some(command) = &cli.command else {
        return Failure::bad_input("no subcommand").report();
    };
    tracing::info!(command = command_name(command), "subcommand");
    let outcome = match command {
        Command::Emulator { addr } => return serve_emulator(addr, cli).await,
        Command::Token {
            action: Some(TokenAction::Mint),
            ..
        } => token::mint(cli).await.map(|()| 0),
        Command::Token {
            action: None,
            token,
        } => token::inspect(cli, token.as_deref()).await.map(|()| 0),
        Command::Bundle {
            thread_id,
            output,
            redact,
        } => bundle(cli, thread_id, output.as_deref(), *redact).await,
        other => fetch(cli, other).await.map(|()| 0),
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

/// `emulator`: serves the built-in ACS Chat emulator until interrupted.
async fn serve_emulator(addr: &str, cli: &Cli) -> i32 {
    let Ok(addr) = addr.parse() else {
        return Failure::bad_input(format!(
            "malformed --addr {addr:?}: expected 127.0.0.1:PORT"
        ))
        .report();
    };
    let config = crate::emulator::EmulatorConfig {
        addr,
        ..connect::emulator_config(&cli.emulator)
    };
    let emulator = match crate::emulator::start(config).await {
        Ok(emulator) => emulator,
        Err(e) => {
            return Failure {
                code: 4,
                message: Some(format!("cannot start the emulator: {e}")),
                hints: Vec::new(),
            }
            .report();
        }
    };
    let info = serde_json::to_string(&emulator.info).unwrap_or_default();
    if let Err(e) = writeln!(std::io::stdout(), "{info}") {
        return Failure::output(e).report();
    }
    let _ = tokio::signal::ctrl_c().await;
    0
}

/// Thread, message and list subcommands.
async fn fetch(cli: &Cli, command: &Command) -> Result<(), Failure> {
    validate(command)?;
    let mut session = connect(cli).await?;
    session.token.thread_id = thread_of(command).map(str::to_string);
    let result = fetch_with(&session, command).await;
    result.map_err(|e| match e {
        FetchError::Acs(e) => session.token.failure(e),
        FetchError::Output(f) => f,
    })
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
                    "malformed --since {since:?}: {e}; expected RFC 3339 such as 2024-05-30T08:36:01Z"
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

enum FetchError {
    Acs(crate::acs::AcsError),
    Output(Failure),
}

impl From<crate::acs::AcsError> for FetchError {
    fn from(e: crate::acs::AcsError) -> Self {
        Self::Acs(e)
    }
}

async fn fetch_with(session: &Session, command: &Command) -> Result<(), FetchError> {
    let client = &session.client;
    match command {
        Command::Thread { thread_id } => {
            print_one(session, client.thread_url(thread_id, "")?).await
        }
        Command::Message {
            thread_id,
            message_id,
        } => {
            let mid = encode_segment(validate_message_id(message_id)?);
            let url = client.thread_url(thread_id, &format!("/messages/{mid}"))?;
            print_one(session, url).await
        }
        Command::Messages {
            thread_id,
            list,
            since,
        } => {
            let mut options = list_options(list);
            options.start_time = since.as_ref().map(|s| s.trim().to_string());
            print_list(client.list_messages_as(thread_id, &options)?, list).await
        }
        Command::Participants { thread_id, list } => {
            print_list(
                client.list_participants_as(thread_id, &list_options(list))?,
                list,
            )
            .await
        }
        Command::Receipts { thread_id, list } => {
            let pager = client.list_read_receipts_as(thread_id, &list_options(list))?;
            print_list(pager, list).await
        }
        Command::Threads { list } => {
            print_list(client.list_threads_as(&list_options(list)), list).await
        }
        _ => Ok(()),
    }
}

fn list_options(list: &ListArgs) -> ListOptions {
    ListOptions {
        max_page_size: list.page_size,
        ..ListOptions::default()
    }
}

/// One GET, its body printed as the service sent it.
async fn print_one(session: &Session, url: url::Url) -> Result<(), FetchError> {
    let fetched = session.client.get_json::<Value>(url).await?;
    JsonOut::stdout()
        .value(&fetched.value)
        .map_err(|e| FetchError::Output(Failure::output(e)))
}

/// Every page, streamed as one JSON array; on a failure after some pages the array is closed
/// (stdout stays one valid document) and the error is reported.
async fn print_list(mut pager: Pager<Value>, list: &ListArgs) -> Result<(), FetchError> {
    let output = |e| FetchError::Output(Failure::output(e));
    let mut json = JsonOut::stdout();
    let mut array = json.array();
    let mut progress = Progress::stderr();
    let max = list.max.unwrap_or(usize::MAX);
    while array.items() < max {
        let Some(page) = pager.next_page().await else {
            break;
        };
        let page = match page {
            Ok(page) => page,
            Err(e) => {
                progress.clear();
                if array.is_open() {
                    array.finish().map_err(output)?;
                }
                return Err(e.into());
            }
        };
        for item in page.value.value.iter().take(max - array.items()) {
            array.push(item).map_err(output)?;
        }
        array.flush().map_err(output)?;
        progress.update(&format!("page {}, {} items", pager.pages(), array.items()));
    }
    progress.clear();
    array.finish().map_err(output)
}

/// `bundle`: the whole thread in one document, on stdout or in a private file.
async fn bundle(
    cli: &Cli,
    thread_id: &str,
    output: Option<&Path>,
    redact: bool,
) -> Result<i32, Failure> {
    validate_thread_id(thread_id)?;
    if let Some(path) = output {
        check_output_path(path)?;
    }
    let mut session = connect(cli).await?;
    session.token.thread_id = Some(thread_id.to_string());
    let mut progress = Progress::stderr();
    let built = export::build_bundle(&session.client, thread_id, |p: BundleProgress| {
        progress.update(&format!(
            "{}: page {}, {} items",
            p.part.field(),
            p.pages,
            p.items
        ));
    })
    .await;
    progress.clear();
    let bundle = built.map_err(|e| session.token.failure(e))?;
    let mut value = bundle.to_value();
    if redact {
        export::redact(&mut value);
    }
    match output {
        Some(path) => {
            export::write_bundle(path, &value)
                .map_err(|e| Failure::bad_input(format!("cannot write {}: {e}", path.display())))?;
            eprintln_safe(&format!(
                "wrote {}: {}{}",
                path.display(),
                bundle.counts(),
                if redact { " (redacted)" } else { "" }
            ));
        }
        None => JsonOut::stdout().value(&value).map_err(Failure::output)?,
    }
    for error in &bundle.errors {
        Failure {
            code: error.exit_code,
            message: Some(format!("{}: {}", error.part, error.error)),
            hints: vec![
                error.hint.clone(),
                format!(
                    "the bundle holds everything else; {} is listed under \"errors\"",
                    error.part
                ),
            ],
        }
        .report();
    }
    Ok(bundle.exit_code())
}

/// A bundle path must be writable: refused before any request, not after the whole thread was fetched.
fn check_output_path(path: &Path) -> Result<(), Failure> {
    if path.is_dir() {
        return Err(Failure::bad_input(format!(
            "-o {}: is a directory; give a file name",
            path.display()
        )));
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if !parent.is_dir() {
        return Err(Failure::bad_input(format!(
            "-o {}: the directory {} does not exist",
            path.display(),
            parent.display()
        )));
    }
    Ok(())
}

fn eprintln_safe(line: &str) {
    let _ = writeln!(std::io::stderr(), "{}", crate::sanitize::one_line(line));
}
