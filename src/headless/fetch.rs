//! `thread`, `message` and the list subcommands: bodies printed as sent, lists streamed page by page.

use serde_json::Value;
use serde_json::value::RawValue;

use super::connect::{Session, connect};
use super::failure::Failure;
use super::output::{JsonOut, Progress};
use crate::acs::endpoint::{encode_segment, validate_message_id};
use crate::acs::{AcsError, ListOptions, Pager};
use crate::cli::{Cli, Command, ListArgs};

/// Runs a thread, message or list subcommand whose flags are already validated.
pub async fn fetch(cli: &Cli, command: &Command) -> Result<(), Failure> {
    let mut session = connect(cli).await?;
    // Printed pages are not looked at again: keep only the exchange in hand.
    session.client = session.client.with_log_capacity(1);
    session.token.thread_id = super::thread_of(command).map(str::to_string);
    fetch_with(&session, command).await
}

async fn fetch_with(session: &Session, command: &Command) -> Result<(), Failure> {
    let client = &session.client;
    let fail = |e: AcsError| session.token.failure(e);
    match command {
        Command::Thread { thread_id } => {
            print_one(session, client.thread_url(thread_id, "").map_err(fail)?).await
        }
        Command::Message {
            thread_id,
            message_id,
        } => {
            let mid = encode_segment(validate_message_id(message_id)?);
            let url = client.thread_url(thread_id, &format!("/messages/{mid}"));
            print_one(session, url.map_err(fail)?).await
        }
        Command::Messages {
            thread_id,
            list,
            since,
        } => {
            let mut options = list_options(list);
            options.start_time = since.as_ref().map(|s| s.trim().to_string());
            let pager = client.list_messages_as(thread_id, &options);
            print_list(session, pager.map_err(fail)?, list).await
        }
        Command::Participants { thread_id, list } => {
            let pager = client.list_participants_as(thread_id, &list_options(list));
            print_list(session, pager.map_err(fail)?, list).await
        }
        Command::Receipts { thread_id, list } => {
            let pager = client.list_read_receipts_as(thread_id, &list_options(list));
            print_list(session, pager.map_err(fail)?, list).await
        }
        Command::Threads { list, .. } => {
            print_list(session, client.list_threads_as(&list_options(list)), list).await
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

/// One GET, its body printed as the service sent it (field order and unknown fields kept).
async fn print_one(session: &Session, url: url::Url) -> Result<(), Failure> {
    let fetched = session
        .client
        .get_json::<Value>(url)
        .await
        .map_err(|e| session.token.failure(e))?;
    JsonOut::stdout()
        .value(&fetched.value)
        .map_err(Failure::output)
}

/// Every page, streamed as one JSON array; on a failure after some pages the array is closed
/// (stdout stays one valid document) and the error is reported.
async fn print_list(
    session: &Session,
    mut pager: Pager<Box<RawValue>>,
    list: &ListArgs,
) -> Result<(), Failure> {
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
                    array.finish().map_err(Failure::output)?;
                }
                return Err(session.token.failure(e));
            }
        };
        for item in page.value.value.iter().take(max - array.items()) {
            array.push_raw(item).map_err(Failure::output)?;
        }
        if array.holds_too_much() {
            progress.stop();
        }
        array.flush().map_err(Failure::output)?;
        progress.update(&format!("page {}, {} items", pager.pages(), array.items()));
    }
    progress.clear();
    array.finish().map_err(Failure::output)
}
