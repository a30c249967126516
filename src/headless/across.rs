//! `threads --audit` and `search`: many threads at once through the client's scheduler, printed as
//! one JSON array that grows as results come (the audit in the thread list's order, search matches
//! as found). On a failure the array is closed, so stdout stays one valid document, and the error is
//! reported with the contract's exit code.

use std::io::{IsTerminal, Write};

use futures::{Stream, StreamExt};

use super::connect::{Session, connect};
use super::failure::Failure;
use super::output::{ArrayOut, JsonOut, Progress};
use crate::across::search::{Query, SearchEvent};
use crate::across::{audit, listed_threads, search};
use crate::acs::{AcsError, ListOptions, Pacing, Scheduler};
use crate::cli::{AcrossArgs, Cli, ListArgs};

/// The most requests in flight that `--concurrency` accepts.
const MAX_CONCURRENCY: usize = 64;

/// What `search` was asked.
pub struct SearchArgs<'a> {
    pub text: Option<&'a str>,
    pub from: Option<&'a str>,
    pub message_id: Option<&'a str>,
    pub max: Option<usize>,
    pub page_size: Option<u32>,
}

/// Checks `--concurrency` before any request.
pub fn validate(across: &AcrossArgs) -> Result<(), Failure> {
    if (1..=MAX_CONCURRENCY).contains(&across.concurrency) {
        Ok(())
    } else {
        Err(Failure::bad_input(format!(
            "--concurrency {}: between 1 and {MAX_CONCURRENCY} requests at once",
            across.concurrency
        )))
    }
}

/// `threads --audit`.
pub async fn audit(cli: &Cli, list: &ListArgs, across: &AcrossArgs) -> Result<(), Failure> {
    let session = scheduled_session(cli, across).await?;
    let options = ListOptions {
        max_page_size: list.page_size,
        ..ListOptions::default()
    };
    let threads = listed_threads(&session.client, &options).take(list.max.unwrap_or(usize::MAX));
    let audited = audit::audit(&session.client, threads, across.concurrency);
    let mut printer = Printer::new(&session);
    let outcome = printer
        .print(audited, |array, progress, thread| {
            array.push(&thread.to_json())?;
            progress.update(&format!("{} threads audited", array.items()));
            Ok(true)
        })
        .await;
    printer.finish(outcome)
}

/// `search`.
pub async fn search(cli: &Cli, args: &SearchArgs<'_>, across: &AcrossArgs) -> Result<(), Failure> {
    let query = Query::new(args.text, args.from, args.message_id)?;
    let session = scheduled_session(cli, across).await?;
    let options = ListOptions {
        max_page_size: args.page_size,
        ..ListOptions::default()
    };
    let threads = listed_threads(&session.client, &options);
    let events = search::search(&session.client, query, threads, across.concurrency);
    let max = args.max.unwrap_or(usize::MAX);
    let mut searched = Searched::default();
    let mut printer = Printer::new(&session);
    let outcome = printer
        .print(events, |array, progress, event| {
            searched.count(&event);
            if let SearchEvent::Found(found) = event
                && array.items() < max
            {
                array.push_raw(&found.to_json())?;
            }
            progress.update(&searched.progress(array.items()));
            Ok(array.items() < max)
        })
        .await;
    if std::io::stderr().is_terminal() {
        searched.note();
    }
    printer.finish(outcome)
}

/// A session whose client admits every request through one scheduler.
async fn scheduled_session(cli: &Cli, across: &AcrossArgs) -> Result<Session, Failure> {
    let mut session = connect(cli).await?;
    let pacing = if across.paced {
        Pacing::Documented
    } else {
        Pacing::Adaptive
    };
    let scheduler = Scheduler::new(across.concurrency, pacing);
    // Printed results are not looked at again: keep only the exchanges in flight.
    session.client = session
        .client
        .with_log_capacity(across.concurrency)
        .with_scheduler(scheduler);
    Ok(session)
}

/// The JSON array on stdout and the progress line on a terminal's stderr.
struct Printer<'s> {
    session: &'s Session,
    json: JsonOut,
    progress: Progress,
}

impl<'s> Printer<'s> {
    fn new(session: &'s Session) -> Self {
        Self {
            session,
            json: JsonOut::stdout(),
            progress: Progress::stderr(),
        }
    }

    /// Prints what `on_item` makes of each item until the stream ends, `on_item` says stop, or an
    /// item is an error (returned after the array is closed). Dropping the stream stops its requests.
    async fn print<T>(
        &mut self,
        items: impl Stream<Item = Result<T, AcsError>>,
        mut on_item: impl FnMut(
            &mut ArrayOut<'_, std::io::BufWriter<std::io::Stdout>>,
            &mut Progress,
            T,
        ) -> std::io::Result<bool>,
    ) -> Result<(), Failure> {
        let mut items = std::pin::pin!(items);
        let mut array = self.json.array();
        let mut failure = None;
        while let Some(item) = items.next().await {
            let more = match item {
                Ok(item) => {
                    on_item(&mut array, &mut self.progress, item).map_err(Failure::output)?
                }
                Err(e) => {
                    failure = Some(self.session.token.failure(e));
                    false
                }
            };
            array.flush().map_err(Failure::output)?;
            if !more {
                break;
            }
        }
        self.progress.clear();
        array.finish().map_err(Failure::output)?;
        failure.map_or(Ok(()), Err)
    }

    /// On a terminal, what pacing did; then the outcome.
    fn finish(self, outcome: Result<(), Failure>) -> Result<(), Failure> {
        let stats = self.session.client.scheduler().map(Scheduler::stats);
        if let Some(stats) = stats.filter(|s| s.throttled > 0 && std::io::stderr().is_terminal()) {
            let _ = writeln!(
                std::io::stderr(),
                "note: {} of {} requests were answered 429 and retried; from then on requests were paced within the service's documented rate limits",
                stats.throttled,
                stats.requests
            );
        }
        outcome
    }
}

/// Threads searched so far, and those whose messages were refused.
#[derive(Default)]
struct Searched {
    done: usize,
    forbidden: usize,
    gone: usize,
}

impl Searched {
    fn count(&mut self, event: &SearchEvent) {
        match event {
            SearchEvent::Found(_) => {}
            SearchEvent::Searched { .. } => self.done += 1,
            SearchEvent::Unreadable { status: 403, .. } => self.forbidden += 1,
            SearchEvent::Unreadable { .. } => self.gone += 1,
        }
    }

    fn progress(&self, matches: usize) -> String {
        format!("{} threads searched, {matches} matches", self.done)
    }

    /// Says which threads could not be searched, on stderr.
    fn note(&self) {
        let mut parts = Vec::new();
        if self.forbidden > 0 {
            parts.push(format!(
                "{} refused their messages (403: a Teams meeting chat left)",
                self.forbidden
            ));
        }
        if self.gone > 0 {
            parts.push(format!("{} had none (404: deleted)", self.gone));
        }
        if !parts.is_empty() {
            let _ = writeln!(
                std::io::stderr(),
                "note: threads not searched: {}",
                parts.join(", ")
            );
        }
    }
}
