//! `diagnose`: fetches the thread, every message, the participants and the read receipts, and prints
//! who sees what, and why. A 403 on a part is evidence (removed users are refused the participants
//! list), not a failure of the command; other failures of a list are reported after the diagnosis,
//! which rests on the rest, and give the exit code.

use chrono::Utc;
use serde::de::DeserializeOwned;

use super::connect::{Session, connect};
use super::failure::Failure;
use super::output::{JsonOut, Progress};
use crate::acs::endpoint::validate_thread_id;
use crate::acs::{AcsError, ChatThreadProperties, ListOptions, Pager};
use crate::cli::Cli;
use crate::diagnose::{Options, Part, PartError, ThreadData};

/// A raw id for `--as`: one token, no spaces or control characters.
pub fn validate_raw_id(raw_id: &str) -> Result<&str, Failure> {
    let raw = raw_id.trim();
    if raw.is_empty() || raw.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Failure::bad_input(format!(
            "malformed --as {raw_id:?}: expected a raw id such as 8:acs:<resource>_<user>"
        )));
    }
    Ok(raw)
}

/// Runs `diagnose`; the exit code is 0, or that of a part that failed other than with 403.
pub async fn diagnose(
    cli: &Cli,
    thread_id: &str,
    as_identity: Option<&str>,
) -> Result<i32, Failure> {
    let thread_id = validate_thread_id(thread_id)?;
    let mut session = connect(cli).await?;
    session.token.thread_id = Some(thread_id.to_string());
    let token_identity = session.token.info.as_ref().and_then(|i| i.identity.clone());
    let (data, failures) = fetch(&session, &thread_id, token_identity.clone()).await?;
    let options = Options {
        as_identity: as_identity
            .map(|raw| raw.trim().to_string())
            .or(token_identity),
        now: Utc::now(),
    };
    let diagnosis = crate::diagnose::diagnose(&data, &options);
    let value = serde_json::to_value(&diagnosis).map_err(|e| Failure {
        code: 4,
        message: Some(format!("cannot encode the diagnosis: {e}")),
        hints: Vec::new(),
    })?;
    JsonOut::stdout().value(&value).map_err(Failure::output)?;
    Ok(report(&session, failures))
}

/// Reports the parts that failed other than with 403; returns the exit code of the first.
fn report(session: &Session, failures: Vec<(&'static str, AcsError)>) -> i32 {
    let mut code = 0;
    for (part, error) in failures {
        let mut failure = session.token.failure(error);
        failure.message = failure.message.map(|m| format!("{part}: {m}"));
        failure.hints.push(format!(
            "the diagnosis rests on the other parts; its dataUnavailable finding names {part}"
        ));
        let reported = failure.report();
        if code == 0 {
            code = reported;
        }
    }
    code
}

/// The thread as the token's identity sees it, and the failures that are not refusals.
/// A failure to get the thread itself, other than a 403, ends the command.
async fn fetch(
    session: &Session,
    thread_id: &str,
    fetched_as: Option<String>,
) -> Result<(ThreadData, Vec<(&'static str, AcsError)>), Failure> {
    let client = &session.client;
    let fail = |e: AcsError| session.token.failure(e);
    let url = client.thread_url(thread_id, "").map_err(fail)?;
    let thread = match client.get_json::<ChatThreadProperties>(url).await {
        Ok(fetched) => Part::complete(Some(fetched.value), ms_cv(&fetched.exchange)),
        Err(e) if e.status() == Some(403) => Part::failed(None, PartError::from(&e), Vec::new()),
        Err(e) => return Err(fail(e)),
    };
    let options = ListOptions::default();
    // A deleted thread's history answers 404: that is what the service says of it, not a failure.
    let deleted = thread
        .value
        .as_ref()
        .is_some_and(|t| t.deleted_on.is_some());
    let mut lists = Lists {
        session,
        failures: Vec::new(),
        progress: Progress::stderr(),
        thread_deleted: deleted,
    };
    let messages = lists
        .collect("messages", client.list_messages_as(thread_id, &options))
        .await?;
    let participants = lists
        .collect(
            "participants",
            client.list_participants_as(thread_id, &options),
        )
        .await?;
    let read_receipts = lists
        .collect(
            "readReceipts",
            client.list_read_receipts_as(thread_id, &options),
        )
        .await?;
    lists.progress.clear();
    let data = ThreadData {
        thread_id: thread_id.to_string(),
        fetched_as,
        thread,
        messages,
        participants,
        read_receipts,
    };
    Ok((data, lists.failures))
}

fn ms_cv(exchange: &crate::acs::Exchange) -> Vec<String> {
    exchange.ms_cv().map(str::to_string).into_iter().collect()
}

/// Collects the lists of one diagnosis, keeping failures other than 403 (and a deleted thread's
/// 404s) aside for the exit code.
struct Lists<'a> {
    session: &'a Session,
    failures: Vec<(&'static str, AcsError)>,
    progress: Progress,
    thread_deleted: bool,
}

impl Lists<'_> {
    /// Every page of a list; on a failure, the items so far and the failure.
    async fn collect<T: DeserializeOwned>(
        &mut self,
        part: &'static str,
        pager: Result<Pager<T>, AcsError>,
    ) -> Result<Part<Vec<T>>, Failure> {
        let mut pager = pager.map_err(|e| self.session.token.failure(e))?;
        let mut items = Vec::new();
        let mut ms_cvs = Vec::new();
        while let Some(page) = pager.next_page().await {
            match page {
                Ok(page) => {
                    ms_cvs.extend(ms_cv(&page.exchange));
                    items.extend(page.value.value);
                    let pages = pager.pages();
                    self.progress
                        .update(&format!("{part}: page {pages}, {} items", items.len()));
                }
                Err(e) => {
                    let part_error = PartError::from(&e);
                    let gone = self.thread_deleted && part_error.status == Some(404);
                    if !part_error.is_forbidden() && !gone {
                        self.failures.push((part, e));
                    }
                    return Ok(Part::failed(items, part_error, ms_cvs));
                }
            }
        }
        Ok(Part::complete(items, ms_cvs))
    }
}
