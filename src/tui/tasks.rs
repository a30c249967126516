//! Runs effects: each request is a tokio task with its own cancellation token; results come back
//! as actions tagged with the request id.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::acs::{
    AcsError, ChatClient, ClientConfig, ClientEvent, Fetched, ListOptions, Page, Pager,
};

use super::action::{Action, PageOutcome, ProfileSecret};
use super::update::{Effect, Request};
use crate::acs::identity::{CHAT_SCOPE, ConnectionString, IdentityClient, MintedToken};
use crate::config::{Config, Profile, State};

struct Running {
    cancel: CancellationToken,
    more: Option<UnboundedSender<()>>,
    handle: JoinHandle<()>,
}

/// Spawns and cancels requests.
pub struct Tasks {
    tx: UnboundedSender<Action>,
    client: Option<(String, ChatClient)>,
    running: HashMap<u64, Running>,
}

impl Tasks {
    pub fn new(tx: UnboundedSender<Action>) -> Self {
        Self {
            tx,
            client: None,
            running: HashMap::new(),
        }
    }

    /// Runs effects; returns `true` when the program should quit.
    pub fn run(&mut self, effects: Vec<Effect>) -> bool {
        let mut quit = false;
        for effect in effects {
            match effect {
                Effect::Fetch {
                    request_id,
                    config,
                    request,
                } => self.spawn(request_id, *config, request),
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
                Effect::Export {
                    request_id,
                    config,
                    thread_id,
                    path,
                    redacted,
                } => self.spawn_export(request_id, *config, thread_id, path, redacted),
                Effect::RememberThread {
                    file,
                    profile,
                    thread_id,
                } => {
                    // State is a convenience: a file that cannot be written is no reason to fail.
                    tokio::task::spawn_blocking(move || {
                        let _ =
                            crate::config::State::at(file).remember_thread(&profile, &thread_id);
                    });
                }
                Effect::LoadProfiles { path } => {
                    let tx = self.tx.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.send(load_profiles(path));
                    });
                }
                Effect::ResolveProfile {
                    request_id,
                    name,
                    profile,
                    state_file,
                    timeout,
                } => {
                    let work = resolve_profile(request_id, name, profile, state_file, timeout);
                    self.spawn_sending(request_id, work);
                }
                Effect::Mint {
                    request_id,
                    conn,
                    user,
                    timeout,
                } => {
                    let work = async move {
                        let result = mint_token(&conn, &user, timeout).await;
                        Action::TokenMinted { request_id, result }
                    };
                    self.spawn_sending(request_id, work);
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
                        let result = mint_token(&conn, &user, timeout).await;
                        Action::TokenRefreshed { request_id, result }
                    };
                    self.spawn_sending(request_id, work);
                }
                Effect::Quit => quit = true,
                // The terminal, not the network, carries the clipboard; the app loop writes it.
                Effect::Copy { .. } => {}
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

    /// One client per connection setting, so requests share a connection pool and a log.
    fn client(&mut self, config: ClientConfig) -> Result<ChatClient, AcsError> {
        let key = format!(
            "{}|{}|{}|{:?}|{}",
            config.endpoint,
            config.token.expose(),
            config.api_version,
            config.timeout,
            config.retry.max_retries
        );
        if let Some((k, client)) = &self.client
            && *k == key
        {
            return Ok(client.clone());
        }
        let client = ChatClient::new(config)?;
        self.client = Some((key, client.clone()));
        Ok(client)
    }

    fn spawn(&mut self, id: u64, config: ClientConfig, request: Request) {
        let tx = self.tx.clone();
        let client = match self.client(config) {
            Ok(client) => observed(&client, id, tx.clone()),
            Err(e) => {
                let _ = tx.send(failure(id, &request, e));
                return;
            }
        };
        let cancel = CancellationToken::new();
        let (more_tx, more_rx) = unbounded_channel();
        let more = matches!(request, Request::Messages { .. }).then_some(more_tx);
        let token = cancel.clone();
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                _ = perform(client, id, request, tx, more_rx) => {}
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
}

impl Tasks {
    /// Runs `work` as a cancellable task and sends the action it ends with.
    fn spawn_sending(
        &mut self,
        id: u64,
        work: impl std::future::Future<Output = Action> + Send + 'static,
    ) {
        let tx = self.tx.clone();
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                action = work => {
                    let _ = tx.send(action);
                }
            }
        });
        self.running.insert(
            id,
            Running {
                cancel,
                more: None,
                handle,
            },
        );
    }
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

/// A token command that hangs must not leave the picker waiting forever.
const TOKEN_COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// Resolves a profile's secret source and reads its recent threads.
pub async fn resolve_profile(
    request_id: u64,
    name: String,
    profile: Profile,
    state_file: Option<PathBuf>,
    timeout: Duration,
) -> Action {
    let key = name.clone();
    let recent_threads = tokio::task::spawn_blocking(move || {
        state_file.map_or_else(Vec::new, |f| State::at(f).recent_threads(&key))
    })
    .await
    .unwrap_or_default();
    let result = profile_secret(profile, timeout).await;
    Action::ProfileResolved {
        request_id,
        name,
        recent_threads,
        result,
    }
}

async fn profile_secret(profile: Profile, timeout: Duration) -> Result<ProfileSecret, AcsError> {
    let source = crate::tui::update::source_of(&profile);
    if let Some(var) = &profile.connection_string_env {
        let conn = ConnectionString::from_env(var)?;
        let endpoint = Some(conn.endpoint.display());
        let minted = match &profile.user {
            Some(user) => Some(mint_token(&conn, user, timeout).await?),
            None => None,
        };
        return Ok(ProfileSecret {
            endpoint,
            minted,
            conn: Some(Arc::new(conn)),
            source,
            ..ProfileSecret::default()
        });
    }
    let resolving = tokio::task::spawn_blocking(move || profile.resolve_token());
    let token = match tokio::time::timeout(TOKEN_COMMAND_LIMIT, resolving).await {
        Ok(joined) => {
            joined.map_err(|e| AcsError::BadInput(format!("the token source failed: {e}")))??
        }
        Err(_) => {
            return Err(AcsError::BadInput(format!(
                "the profile's token_command did not finish within {} s",
                TOKEN_COMMAND_LIMIT.as_secs()
            )));
        }
    };
    Ok(ProfileSecret {
        token,
        source,
        ..ProfileSecret::default()
    })
}

/// Issues a chat token for `user` from a connection string.
pub async fn mint_token(
    conn: &ConnectionString,
    user: &str,
    timeout: Duration,
) -> Result<MintedToken, AcsError> {
    IdentityClient::new(conn.clone(), timeout)?
        .issue_token(user, &[CHAT_SCOPE])
        .await
}

impl Tasks {
    /// Builds the bundle with the shared client (its log gives the bundle's `requests`) and writes it.
    fn spawn_export(
        &mut self,
        id: u64,
        config: ClientConfig,
        thread_id: String,
        path: PathBuf,
        redacted: bool,
    ) {
        let tx = self.tx.clone();
        let client = match self.client(config) {
            Ok(client) => observed(&client, id, tx.clone()),
            Err(e) => {
                let _ = tx.send(Action::Exported {
                    request_id: id,
                    result: Err(e.to_string()),
                });
                return;
            }
        };
        let cancel = CancellationToken::new();
        let token = cancel.clone();
        let handle = tokio::spawn(async move {
            tokio::select! {
                _ = token.cancelled() => {}
                result = export(client, id, thread_id, path, redacted, &tx) => {
                    let _ = tx.send(Action::Exported { request_id: id, result });
                }
            }
        });
        self.running.insert(
            id,
            Running {
                cancel,
                more: None,
                handle,
            },
        );
    }
}

async fn export(
    client: ChatClient,
    id: u64,
    thread_id: String,
    path: PathBuf,
    redacted: bool,
    tx: &UnboundedSender<Action>,
) -> Result<(PathBuf, String), String> {
    let progress = |p: crate::export::BundleProgress| {
        let text = format!("{}: {} so far", p.part.field(), p.items);
        let _ = tx.send(Action::ExportProgress {
            request_id: id,
            text,
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

impl Drop for Tasks {
    fn drop(&mut self) {
        for running in self.running.values() {
            running.cancel.cancel();
        }
    }
}

/// The client, reporting its retries and exchanges as actions.
fn observed(client: &ChatClient, id: u64, tx: UnboundedSender<Action>) -> ChatClient {
    client.with_observer(move |event| {
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
        let _ = tx.send(action);
    })
}

async fn perform(
    client: ChatClient,
    id: u64,
    request: Request,
    tx: UnboundedSender<Action>,
    more: UnboundedReceiver<()>,
) {
    let send = |action| {
        let _ = tx.send(action);
    };
    match request {
        Request::Thread { thread_id } => {
            let result = client.get_thread(&thread_id).await;
            send(Action::ThreadLoaded {
                request_id: id,
                result,
            });
        }
        Request::Message {
            thread_id,
            message_id,
        } => {
            let result = client.get_message(&thread_id, &message_id).await;
            send(Action::MessageLoaded {
                request_id: id,
                result,
            });
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
            stream(pager, id, &tx, Some(more), Action::MessagesPage).await;
        }
        Request::Participants { thread_id } => {
            let pager = client.list_participants(&thread_id, &ListOptions::default());
            stream(pager, id, &tx, None, Action::ParticipantsPage).await;
        }
        Request::Receipts { thread_id } => {
            let pager = client.list_read_receipts(&thread_id, &ListOptions::default());
            stream(pager, id, &tx, None, Action::ReceiptsPage).await;
        }
        Request::Threads => {
            let pager = Ok(client.list_threads(&ListOptions::default()));
            stream(pager, id, &tx, None, Action::ThreadsPage).await;
        }
    }
}

/// Sends every page as it arrives; with `more`, waits for a signal before each further page.
async fn stream<T, F>(
    pager: Result<Pager<T>, AcsError>,
    request_id: u64,
    tx: &UnboundedSender<Action>,
    mut more: Option<UnboundedReceiver<()>>,
    wrap: F,
) where
    T: serde::de::DeserializeOwned,
    F: Fn(PageOutcome<T>) -> Action,
{
    let mut pager = match pager {
        Ok(pager) => pager,
        Err(e) => {
            let _ = tx.send(wrap(PageOutcome {
                request_id,
                result: Err(e),
                has_more: false,
            }));
            return;
        }
    };
    while let Some(result) = pager.next_page().await {
        let failed = result.is_err();
        let has_more = pager.has_more() && !failed;
        let _ = tx.send(wrap(PageOutcome {
            request_id,
            result,
            has_more,
        }));
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

/// The failure action for a request that could not start.
fn failure(request_id: u64, request: &Request, e: AcsError) -> Action {
    fn page<T>(request_id: u64, e: AcsError) -> PageOutcome<T> {
        PageOutcome {
            request_id,
            result: Err::<Fetched<Page<T>>, _>(e),
            has_more: false,
        }
    }
    match request {
        Request::Thread { .. } => Action::ThreadLoaded {
            request_id,
            result: Err(e),
        },
        Request::Message { .. } => Action::MessageLoaded {
            request_id,
            result: Err(e),
        },
        Request::Messages { .. } => Action::MessagesPage(page(request_id, e)),
        Request::Participants { .. } => Action::ParticipantsPage(page(request_id, e)),
        Request::Receipts { .. } => Action::ReceiptsPage(page(request_id, e)),
        Request::Threads => Action::ThreadsPage(page(request_id, e)),
    }
}
