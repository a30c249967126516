//! Runs effects: every request is a tokio task with its own cancellation token; answers come back
//! as actions tagged with the request id, through a bounded channel, so a service that answers
//! faster than the screen takes answers in is slowed down rather than buffered without end.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;

use sha2::{Digest, Sha256};
use tokio::sync::mpsc::{self, Receiver, Sender, UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::acs::{ChatClient, ClientConfig, ClientEvent, ListOptions, Pager};
use crate::config::{Config, State};
use crate::credentials::{self, Plan};

use super::action::{Action, Answer, Credentials, PageOutcome};
use super::update::{Effect, Request, Resolve};

/// Actions waiting for the loop; a task sending more waits for room.
pub const CHANNEL_CAPACITY: usize = 256;

/// The channel tasks send their actions through.
pub fn channel() -> (Sender<Action>, Receiver<Action>) {
    mpsc::channel(CHANNEL_CAPACITY)
}

struct Running {
    cancel: CancellationToken,
    more: Option<UnboundedSender<()>>,
    handle: JoinHandle<()>,
}

/// Spawns and cancels requests.
pub struct Tasks {
    tx: Sender<Action>,
    /// The client of the last connection settings, keyed by a digest (never the token itself).
    client: Option<([u8; 32], ChatClient)>,
    running: HashMap<u64, Running>,
    /// Hears every exchange of the session for `--har`.
    recorder: Option<crate::har::HarRecorder>,
}

impl Tasks {
    pub fn new(tx: Sender<Action>) -> Self {
        Self {
            tx,
            client: None,
            running: HashMap::new(),
            recorder: None,
        }
    }

    /// Every client started from now on reports its exchanges to `recorder` too.
    pub fn record_to(&mut self, recorder: crate::har::HarRecorder) {
        self.recorder = Some(recorder);
    }

    /// The client of `config` reporting to the loop (and to the recorder).
    fn observed_client(
        &mut self,
        config: ClientConfig,
        request_id: u64,
        own_log: bool,
    ) -> Result<ChatClient, crate::acs::AcsError> {
        let client = self.client(config)?;
        let client = if own_log {
            client.with_own_log()
        } else {
            client
        };
        let client = client.with_observer(observer(request_id, &self.tx));
        Ok(match &self.recorder {
            Some(recorder) => recorder.attach(&client),
            None => client,
        })
    }

    /// Runs effects; returns `true` when the program should quit.
    pub fn run(&mut self, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Cancel(id) => {
                    if let Some(running) = self.running.remove(&id) {
                        running.cancel.cancel();
                    }
                }
                Effect::MoreMessages(id) => {
                    if let Some(more) = self.running.get(&id).and_then(|r| r.more.as_ref()) {
                        let _ = more.send(());
                    }
                }
                Effect::Quit => quit = true,
                // The terminal, not the network, carries the clipboard; the app loop writes it.
                Effect::Copy { .. } => {}
                other => self.start(other),
            }
        }
        self.running.retain(|_, r| !r.handle.is_finished());
        quit
    }

    /// Requests still running.
    pub fn active(&self) -> usize {
        self.running
            .values()
            .filter(|r| !r.handle.is_finished())
            .count()
    }

    /// Starts the task of an effect.
    fn start(&mut self, effect: Effect) {
        let tx = self.tx.clone();
        match effect {
            Effect::Fetch {
                request_id,
                config,
                request,
            } => {
                let client = self.observed_client(*config, request_id, false);
                let (more_tx, more_rx) = mpsc::unbounded_channel();
                let more = matches!(request, Request::Messages { .. }).then_some(more_tx);
                let work = perform(client, request_id, request, tx, more_rx);
                self.spawn(request_id, more, work);
            }
            Effect::Export {
                request_id,
                config,
                thread_id,
                path,
                redacted,
            } => {
                // Its own log: the bundle's `requests` are the export's, not the panels' meanwhile.
                let client = self.observed_client(*config, request_id, true);
                let work = async move {
                    let result = match client {
                        Ok(client) => {
                            export(client, request_id, thread_id, path, redacted, &tx).await
                        }
                        Err(e) => Err(e.to_string()),
                    };
                    answer(&tx, request_id, Answer::Exported(result)).await;
                };
                self.spawn(request_id, None, work);
            }
            Effect::ReportCopy { sent, setup } => {
                super::copy::report_in_background(sent, setup, tx)
            }
            Effect::Watch {
                request_id,
                config,
                thread_id,
                baseline,
                interval,
            } => {
                let client = self.observed_client(*config, request_id, false);
                let work = async move {
                    let watching = (thread_id, baseline, interval);
                    let result = match client {
                        Ok(client) => watch(client, request_id, watching, &tx).await,
                        Err(e) => Err(e),
                    };
                    if let Err(e) = result {
                        answer(&tx, request_id, Answer::WatchEnded(e)).await;
                    }
                };
                self.spawn(request_id, None, work);
            }
            Effect::WriteHar {
                request_id,
                path,
                exchanges,
                secrets,
            } => {
                let work = async move {
                    let written = path.clone();
                    let count = exchanges.len();
                    let result = tokio::task::spawn_blocking(move || {
                        let scrubber = crate::scrub::Scrubber::with_literals(secrets);
                        crate::har::write_har(
                            &written,
                            exchanges.iter().map(|e| &**e),
                            &scrubber,
                            crate::files::Overwrite::NumberNew,
                        )
                    })
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|r| r.map_err(|e| format!("cannot write {}: {e}", path.display())))
                    .map(|written| (written, format!("{count} exchanges, HAR 1.2")));
                    answer(&tx, request_id, Answer::Exported(result)).await;
                };
                self.spawn(request_id, None, work);
            }
            Effect::RememberThread {
                file,
                profile,
                thread_id,
            } => {
                // State is a convenience: a file that cannot be written is no reason to fail.
                tokio::task::spawn_blocking(move || {
                    let _ = State::at(file).remember_thread(&profile, &thread_id);
                });
            }
            Effect::LoadProfiles { path } => {
                tokio::spawn(async move {
                    let action = tokio::task::spawn_blocking(move || load_profiles(path)).await;
                    if let Ok(action) = action {
                        let _ = tx.send(action).await;
                    }
                });
            }
            Effect::Resolve {
                request_id,
                resolve,
            } => {
                let work = async move {
                    let result = resolve_credentials(resolve).await;
                    answer(&tx, request_id, Answer::Credentials(result)).await;
                };
                self.spawn(request_id, None, work);
            }
            Effect::Mint {
                request_id,
                conn,
                user,
                timeout,
            } => {
                let work = async move {
                    let result = credentials::mint(&conn, Some(&user), timeout).await;
                    answer(&tx, request_id, Answer::Minted(result)).await;
                };
                self.spawn(request_id, None, work);
            }
            Effect::RefreshToken {
                request_id,
                at,
                conn,
                user,
                timeout,
            } => {
                let work = async move {
                    // One sleep until the refresh is due: nothing wakes up before.
                    let wait = (at - chrono::Utc::now()).to_std().unwrap_or_default();
                    tokio::time::sleep(wait).await;
                    let result = credentials::mint(&conn, Some(&user), timeout).await;
                    answer(&tx, request_id, Answer::Refreshed(result)).await;
                };
                self.spawn(request_id, None, work);
            }
            Effect::Cancel(_) | Effect::MoreMessages(_) | Effect::Copy { .. } | Effect::Quit => {}
        }
    }

    /// The one way a task starts: cancellable by its request id (dropping its future, which stops
    /// a request at once, during a retry wait too, and kills a token command).
    fn spawn(
        &mut self,
        id: u64,
        more: Option<UnboundedSender<()>>,
        work: impl Future<Output = ()> + Send + 'static,
    ) {
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                _ = work => {}
            }
        });
        self.running.insert(
            id,
            Running {
                cancel,
                more,
                handle,
            },
        );
    }

    /// One client per connection setting, so requests share a connection pool and a log.
    fn client(&mut self, config: ClientConfig) -> Result<ChatClient, crate::acs::AcsError> {
        let key = client_key(&config);
        if let Some((k, client)) = &self.client
            && *k == key
        {
            return Ok(client.clone());
        }
        let client = ChatClient::new(config)?;
        self.client = Some((key, client.clone()));
        Ok(client)
    }
}

impl Drop for Tasks {
    fn drop(&mut self) {
        for running in self.running.values() {
            running.cancel.cancel();
        }
    }
}

/// A digest of the connection settings: the cache key holds no token.
fn client_key(config: &ClientConfig) -> [u8; 32] {
    let mut digest = Sha256::new();
    for part in [
        config.endpoint.to_string().as_str(),
        config.token.expose(),
        config.api_version.as_str(),
        &format!("{:?}|{}", config.timeout, config.retry.max_retries),
    ] {
        digest.update(part.as_bytes());
        digest.update([0]);
    }
    digest.finalize().into()
}

async fn answer(tx: &Sender<Action>, request_id: u64, answer: Answer) {
    let _ = tx.send(Action::Answered { request_id, answer }).await;
}

/// Reports the client's retries and exchanges as actions. The observer cannot wait; when the
/// channel is full, a task delivers the event (requests are gated by their pages, which wait).
fn observer(id: u64, tx: &Sender<Action>) -> impl Fn(ClientEvent) + Send + Sync + 'static {
    let tx = tx.clone();
    move |event| {
        let action = match event {
            ClientEvent::Retrying {
                attempt,
                max,
                delay,
                reason,
            } => Action::Retrying {
                request_id: id,
                attempt,
                max,
                delay,
                reason,
            },
            ClientEvent::Logged(exchange) => Action::ExchangeLogged {
                request_id: id,
                exchange,
            },
        };
        if let Err(mpsc::error::TrySendError::Full(action)) = tx.try_send(action) {
            let tx = tx.clone();
            tokio::spawn(async move {
                let _ = tx.send(action).await;
            });
        }
    }
}

/// Live mode: polls until cancelled (the task is dropped), sending each poll's changes.
async fn watch(
    client: ChatClient,
    request_id: u64,
    (thread_id, baseline, interval): (String, Vec<serde_json::Value>, std::time::Duration),
    tx: &Sender<Action>,
) -> Result<(), crate::acs::AcsError> {
    let options = crate::watch::WatchOptions {
        interval,
        ..crate::watch::WatchOptions::default()
    };
    let watcher = crate::watch::Watcher::new(&client, &thread_id, options).with_baseline(&baseline);
    // Cancelling the task drops this future; the watcher's own stop is never needed.
    let never = CancellationToken::new();
    watcher
        .run(&never, |events| {
            let answer = Answer::Watched(events.to_vec(), chrono::Utc::now());
            let action = Action::Answered { request_id, answer };
            if let Err(mpsc::error::TrySendError::Full(action)) = tx.try_send(action) {
                let tx = tx.clone();
                tokio::spawn(async move {
                    let _ = tx.send(action).await;
                });
            }
        })
        .await
}

/// Reads the config file for the picker: `None` when there is none yet.
pub fn load_profiles(path: PathBuf) -> Action {
    let result = if path.exists() {
        Config::load_from(&path).map(Some)
    } else {
        Ok(None)
    };
    Action::ProfilesLoaded { path, result }
}

/// Works out credentials: the plan given, or a picked profile's (with its recent threads).
pub async fn resolve_credentials(resolve: Resolve) -> Result<Credentials, crate::acs::AcsError> {
    match resolve {
        Resolve::Plan(plan) => {
            let resolved = credentials::resolve(&plan).await?;
            Ok(Credentials {
                plan,
                resolved,
                recent_threads: None,
                then_fetch: true,
            })
        }
        Resolve::Profile {
            name,
            profile,
            api_version,
            timeout,
            state_file,
        } => {
            let key = name.clone();
            let recent = tokio::task::spawn_blocking(move || {
                state_file.map_or_else(Vec::new, |f| State::at(f).recent_threads(&key))
            })
            .await
            .unwrap_or_default();
            let plan = Plan::from_profile(&name, &profile, &api_version, timeout)?;
            let resolved = credentials::resolve(&plan).await?;
            Ok(Credentials {
                plan,
                resolved,
                recent_threads: Some(recent),
                then_fetch: false,
            })
        }
    }
}

async fn export(
    client: ChatClient,
    id: u64,
    thread_id: String,
    path: PathBuf,
    redacted: bool,
    tx: &Sender<Action>,
) -> Result<(PathBuf, String), String> {
    let progress = |p: crate::export::BundleProgress| {
        let text = format!("{}: {} so far", p.part.field(), p.items);
        // Progress is a courtesy: when the loop is busy, this one is skipped.
        let _ = tx.try_send(Action::Answered {
            request_id: id,
            answer: Answer::ExportProgress(text),
        });
    };
    let bundle = crate::export::build_bundle(&client, &thread_id, progress)
        .await
        .map_err(|e| e.to_string())?;
    let counts = bundle.counts();
    let written = path.clone();
    tokio::task::spawn_blocking(move || crate::export::export_to_file(&bundle, &written, redacted))
        .await
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    Ok((path, counts))
}

async fn perform(
    client: Result<ChatClient, crate::acs::AcsError>,
    id: u64,
    request: Request,
    tx: Sender<Action>,
    more: UnboundedReceiver<()>,
) {
    let client = match client {
        Ok(client) => client,
        Err(e) => return answer(&tx, id, failed(&request, e)).await,
    };
    match request {
        Request::Thread { thread_id } => {
            let result = client.get_thread(&thread_id).await;
            answer(&tx, id, Answer::Thread(result)).await;
        }
        Request::Message {
            thread_id,
            message_id,
        } => {
            let result = client.get_message(&thread_id, &message_id).await;
            answer(&tx, id, Answer::Message(result)).await;
        }
        Request::Messages {
            thread_id,
            page_size,
        } => {
            let options = ListOptions {
                max_page_size: Some(page_size),
                ..Default::default()
            };
            let pager = client.list_messages(&thread_id, &options);
            stream(pager, id, &tx, Some(more), Answer::MessagesPage).await;
        }
        Request::Participants { thread_id } => {
            let pager = client.list_participants(&thread_id, &ListOptions::default());
            stream(pager, id, &tx, None, Answer::ParticipantsPage).await;
        }
        Request::Receipts { thread_id } => {
            let pager = client.list_read_receipts(&thread_id, &ListOptions::default());
            stream(pager, id, &tx, None, Answer::ReceiptsPage).await;
        }
        Request::Threads => {
            let pager = Ok(client.list_threads(&ListOptions::default()));
            stream(pager, id, &tx, None, Answer::ThreadsPage).await;
        }
        Request::Audit { thread_ids } => audit(client, id, thread_ids, &tx).await,
        Request::Search(query) => search(client, id, query, &tx).await,
        Request::Images { links } => {
            let mut found = Vec::new();
            for (attachment, link) in links {
                let image = client.get_attachment_image(&link).await;
                found.push((attachment, image.map_err(|e| e.to_string())));
            }
            answer(&tx, id, Answer::Images(found)).await;
        }
    }
}

/// Audits `thread_ids` many at once through a scheduler (within the service's rate limits, slowing
/// down on 429), sending what is done every few threads so the columns fill in as they come.
async fn audit(client: ChatClient, request_id: u64, thread_ids: Vec<String>, tx: &Sender<Action>) {
    use crate::across::{DEFAULT_THREADS_AT_ONCE, ListedThread, audit::audit_thread};
    use crate::acs::{ChatThreadItem, Pacing, Scheduler};
    use futures::StreamExt;
    const BATCH: usize = 8;
    let client = client.with_scheduler(Scheduler::new(DEFAULT_THREADS_AT_ONCE, Pacing::Adaptive));
    let mut audited = futures::stream::iter(thread_ids)
        .map(|id| {
            let client = client.clone();
            async move {
                let listed = ListedThread {
                    raw: Default::default(),
                    item: ChatThreadItem {
                        id: id.clone(),
                        ..Default::default()
                    },
                };
                let result = audit_thread(&client, listed).await;
                (id, result.map(|t| t.audit).map_err(|e| e.to_string()))
            }
        })
        .buffer_unordered(DEFAULT_THREADS_AT_ONCE)
        .chunks(BATCH);
    let mut last = Vec::new();
    while let Some(batch) = audited.next().await {
        if !last.is_empty() {
            let progress = Answer::Audit {
                audited: std::mem::take(&mut last),
                done: false,
            };
            answer(tx, request_id, progress).await;
        }
        last = batch;
    }
    let done = Answer::Audit {
        audited: last,
        done: true,
    };
    answer(tx, request_id, done).await;
}

/// Searches every thread of the user many at once (within the rate limits), sending matches and
/// counts every few events; stops after [`crate::tui::search::MAX_FOUND`] matches.
async fn search(
    client: ChatClient,
    request_id: u64,
    query: crate::tui::search::SearchQuery,
    tx: &Sender<Action>,
) {
    use crate::across::search::{Query, SearchEvent, search};
    use crate::across::{DEFAULT_THREADS_AT_ONCE, listed_threads};
    use crate::acs::{Pacing, Scheduler};
    use crate::tui::search::{MAX_FOUND, SearchHit};
    use futures::StreamExt;
    const BATCH: usize = 16;
    let Ok(query) = Query::new(
        query.text.as_deref(),
        query.from.as_deref(),
        query.message_id.as_deref(),
    ) else {
        return;
    };
    let client = client.with_scheduler(Scheduler::new(DEFAULT_THREADS_AT_ONCE, Pacing::Adaptive));
    let threads = listed_threads(&client, &ListOptions::default());
    let mut events =
        std::pin::pin!(search(&client, query, threads, DEFAULT_THREADS_AT_ONCE).chunks(BATCH));
    let mut total = 0;
    while let Some(batch) = events.next().await {
        let (mut found, mut searched, mut unreadable) = (Vec::new(), 0, 0);
        for event in batch {
            match event {
                Ok(SearchEvent::Found(hit)) => {
                    found.extend(hit.parsed().map(|message| SearchHit {
                        thread_id: hit.thread_id,
                        message,
                    }))
                }
                Ok(SearchEvent::Searched { .. }) => searched += 1,
                Ok(SearchEvent::Unreadable { .. }) | Err(_) => unreadable += 1,
            }
        }
        total += found.len();
        let progress = Answer::Searched {
            found,
            searched,
            unreadable,
            done: false,
        };
        answer(tx, request_id, progress).await;
        if total >= MAX_FOUND {
            break;
        }
    }
    let done = Answer::Searched {
        found: Vec::new(),
        searched: 0,
        unreadable: 0,
        done: true,
    };
    answer(tx, request_id, done).await;
}

/// Sends every page as it arrives (waiting for room in the channel); with `more`, waits for a
/// signal before each further page.
async fn stream<T, F>(
    pager: Result<Pager<T>, crate::acs::AcsError>,
    request_id: u64,
    tx: &Sender<Action>,
    mut more: Option<UnboundedReceiver<()>>,
    wrap: F,
) where
    T: serde::de::DeserializeOwned,
    F: Fn(PageOutcome<T>) -> Answer,
{
    let mut pager = match pager {
        Ok(pager) => pager,
        Err(e) => {
            let page = PageOutcome {
                result: Err(e),
                has_more: false,
            };
            return answer(tx, request_id, wrap(page)).await;
        }
    };
    while let Some(result) = pager.next_page().await {
        let failed = result.is_err();
        let has_more = pager.has_more() && !failed;
        answer(tx, request_id, wrap(PageOutcome { result, has_more })).await;
        if !has_more {
            return;
        }
        if let Some(more) = &mut more
            && more.recv().await.is_none()
        {
            return;
        }
    }
}

/// The answer of a request that could not start.
fn failed(request: &Request, e: crate::acs::AcsError) -> Answer {
    fn page<T>(e: crate::acs::AcsError) -> PageOutcome<T> {
        PageOutcome {
            result: Err(e),
            has_more: false,
        }
    }
    match request {
        Request::Thread { .. } => Answer::Thread(Err(e)),
        Request::Message { .. } => Answer::Message(Err(e)),
        Request::Messages { .. } => Answer::MessagesPage(page(e)),
        Request::Participants { .. } => Answer::ParticipantsPage(page(e)),
        Request::Receipts { .. } => Answer::ReceiptsPage(page(e)),
        Request::Threads => Answer::ThreadsPage(page(e)),
        Request::Search(_) => Answer::Searched {
            found: Vec::new(),
            searched: 0,
            unreadable: 0,
            done: true,
        },
        Request::Audit { thread_ids } => Answer::Audit {
            audited: thread_ids
                .iter()
                .map(|id| (id.clone(), Err(e.to_string())))
                .collect(),
            done: true,
        },
        Request::Images { links } => Answer::Images(
            links
                .iter()
                .map(|(attachment, _)| (attachment.clone(), Err(e.to_string())))
                .collect(),
        ),
    }
}
