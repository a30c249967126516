//! Profiles and minted tokens against the built-in emulator, through the real task runner: a profile
//! whose token_command is run, a token minted for a participant (the emulator checks the request
//! signature), and a scan proving no token or key reached the state file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::support::tui::{Driver, render_at};
use acs_chat_inspector::acs::identity::ConnectionString;
use acs_chat_inspector::acs::token::decode_token;
use acs_chat_inspector::config::State;
use acs_chat_inspector::emulator::{self, EmulatorConfig, RunningEmulator};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::state::{
    AppState, DetailTab, Field, Focus, LoadStatus, MintSource, Settings,
};
use acs_chat_inspector::tui::update::Effect;
use base64::Engine;
use chrono::Utc;

const PROFILE: &str = "emulated";

struct Harness {
    driver: Driver,
    dir: tempfile::TempDir,
    emulator: RunningEmulator,
}

impl std::ops::Deref for Harness {
    type Target = Driver;
    fn deref(&self) -> &Driver {
        &self.driver
    }
}

impl std::ops::DerefMut for Harness {
    fn deref_mut(&mut self) -> &mut Driver {
        &mut self.driver
    }
}

impl Harness {
    /// The real loop with the emulator's thread in the fields (config and state files in a
    /// temporary directory), started with what `start` gives.
    async fn starting(
        start: impl FnOnce(&mut AppState, &emulator::EmulatorInfo) -> Vec<Effect>,
    ) -> Self {
        let emulator = emulator::start(EmulatorConfig::default()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let settings = Settings {
            retries: 1,
            timeout: Duration::from_secs(5),
            remember_as: Some(PROFILE.into()),
            config_file: Some(dir.path().join("config.toml")),
            state_file: Some(dir.path().join("state").join("state.json")),
            ..Settings::default()
        };
        let mut state = AppState::new(settings, Utc::now());
        let info = &emulator.info;
        state.set_value(Field::Endpoint, &info.endpoint);
        state.set_value(Field::Token, &info.token);
        state.set_value(Field::Thread, &info.thread_id);
        let first = start(&mut state, info);
        Self {
            driver: Driver::new(state, first, 120, 40),
            dir,
            emulator,
        }
    }

    fn connection_string(&self) -> ConnectionString {
        connection_string(&self.emulator.info)
    }

    fn state_file(&self) -> PathBuf {
        self.lp.state.settings.state_file.clone().unwrap()
    }

    /// Waits for the state file to name `thread_id` (it is written by a background task).
    async fn remembered(&self, thread_id: &str) {
        let file = self.state_file();
        let wait = async {
            while !State::at(&file)
                .recent_threads(PROFILE)
                .iter()
                .any(|t| t == thread_id)
            {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(5), wait)
            .await
            .expect("the opened thread is remembered");
    }
}

fn connection_string(info: &emulator::EmulatorInfo) -> ConnectionString {
    let text = info.connection_string.as_deref();
    ConnectionString::parse(text.expect("the emulator serves the Identity API")).unwrap()
}

/// Starts with a connection string at hand to mint from.
fn minting_from(
    conn: ConnectionString,
    origin: &str,
) -> impl FnOnce(&mut AppState, &emulator::EmulatorInfo) -> Vec<Effect> {
    let origin = origin.to_string();
    move |state, _| {
        state.identity.mint_source = Some(MintSource {
            conn: Arc::new(conn),
            origin,
        });
        app::start(state)
    }
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// No file but `except` under `dir` holds any of `secrets` (or a long piece of one).
fn assert_no_secret(dir: &Path, except: &[&Path], secrets: &[&str]) {
    let files = files_under(dir);
    assert!(files.iter().any(|(p, _)| p.ends_with("state.json")));
    for (path, text) in files {
        if except.iter().any(|e| *e == path) {
            continue;
        }
        for secret in secrets {
            let piece = &secret[secret.len() / 2..][..24.min(secret.len() / 2)];
            assert!(
                !text.contains(piece),
                "{} holds a secret:\n{text}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_participant_gets_a_minted_token_and_reads_the_thread_as_themself() {
    let mut h = Harness::starting(|state, info| {
        minting_from(connection_string(info), "connection string of the emulator")(state, info)
    })
    .await;
    let conn = h.connection_string();
    h.until("the participants", |s| {
        s.thread.is_some() && !s.status(Slot::Participants).is_loading()
    })
    .await;

    // Someone other than the token's own user.
    let own = decode_token(&h.emulator.info.token, Utc::now())
        .unwrap()
        .identity
        .unwrap();
    let (index, other) =
        h.lp.state
            .participants
            .items
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.communication_identifier.raw_id()))
            .find(|(_, id)| *id != own && id.starts_with("8:acs:"))
            .expect("another ACS user in the thread");
    h.act(Action::ShowTab(DetailTab::Participants));
    h.lp.state.participants.selected = index;
    h.act(Action::MintForParticipant);
    h.until("the minted token", |s| !s.status(Slot::Mint).is_loading())
        .await;
    assert!(
        matches!(h.lp.state.status(Slot::Mint), LoadStatus::Loaded),
        "{:?}",
        h.lp.state.notice
    );
    let minted = h.lp.state.identity.minted.as_ref().expect("minted");
    assert_eq!(minted.user, other);
    assert!(minted.refresh_id.is_some(), "a refresh timer is set");
    let token = h.lp.state.value(Field::Token);
    assert_ne!(token, h.emulator.info.token);
    let info = decode_token(&token, Utc::now()).unwrap();
    assert_eq!(info.identity.as_deref(), Some(other.as_str()));

    h.act(Action::ShowTab(DetailTab::Token));
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(
        screen.contains("Minted       for ") && screen.contains("(in 23 h"),
        "{screen}"
    );
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    // Read the thread as that participant.
    h.lp.state.focus = Focus::Timeline;
    h.act(Action::Fetch);
    h.until("the thread, read as the participant", |s| {
        !s.status(Slot::Thread).is_loading()
    })
    .await;
    assert!(
        matches!(h.lp.state.status(Slot::Thread), LoadStatus::Loaded),
        "{}",
        render_at(&h.lp.state, 120, 40)
    );
    h.remembered(&h.emulator.info.thread_id).await;
    let key = base64::engine::general_purpose::STANDARD.encode(&conn.access_key);
    assert_no_secret(h.dir.path(), &[], &[&token, &h.emulator.info.token, &key]);
}

#[tokio::test]
async fn a_wrong_access_key_is_refused_and_the_hint_says_so() {
    let mut h = Harness::starting(|state, info| {
        let mut conn = connection_string(info);
        conn.access_key = b"not-the-key-of-this-resource".to_vec();
        minting_from(conn, "a stale connection string")(state, info)
    })
    .await;
    h.until("the participants", |s| {
        s.thread.is_some() && !s.status(Slot::Participants).is_loading()
    })
    .await;
    h.act(Action::ShowTab(DetailTab::Participants));
    h.act(Action::MintForParticipant);
    h.until("the refusal", |s| !s.status(Slot::Mint).is_loading())
        .await;
    assert!(
        matches!(&h.lp.state.status(Slot::Mint), LoadStatus::Failed(e) if e.status() == Some(401))
    );
    let notice = &h.lp.state.notice.as_ref().unwrap().text;
    assert!(notice.contains("access key is wrong"), "{notice}");
    assert_eq!(
        h.lp.state.value(Field::Token),
        h.emulator.info.token,
        "the token in use stays"
    );
}

#[tokio::test]
async fn a_profile_runs_its_token_command_offers_its_recent_threads_and_stores_no_token() {
    let mut h = Harness::starting(|_, _| vec![]).await;
    let dir = h.dir.path().to_path_buf();
    let token = h.emulator.info.token.clone();
    let token_file = dir.join("token.txt");
    std::fs::write(&token_file, &token).unwrap();
    let config = format!(
        "[profiles.{PROFILE}]\nendpoint = \"{}\"\ntimeout = 4\ntoken_command = \"cat '{}'\"\n",
        h.emulator.info.endpoint,
        token_file.display()
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
    State::at(h.state_file())
        .remember_thread(PROFILE, &h.emulator.info.thread_id)
        .unwrap();
    h.lp.state.set_value(Field::Endpoint, "");
    h.lp.state.set_value(Field::Token, "");
    h.lp.state.set_value(Field::Thread, "");
    h.lp.state.focus = Focus::Timeline;

    h.act(Action::OpenProfiles);
    h.until("the profiles", |s| {
        s.overlays.picker().is_some_and(|p| !p.is_empty(0))
    })
    .await;
    h.act(Action::Activate);
    h.until("the profile's token", |s| {
        !s.status(Slot::Credentials).is_loading()
    })
    .await;
    assert!(
        matches!(h.lp.state.status(Slot::Credentials), LoadStatus::Loaded),
        "{}",
        render_at(&h.lp.state, 120, 40)
    );
    assert_eq!(h.lp.state.value(Field::Endpoint), h.emulator.info.endpoint);
    assert_eq!(h.lp.state.value(Field::Token), token);
    assert_eq!(h.lp.state.settings.timeout, Duration::from_secs(4));
    assert_eq!(h.lp.state.recent.ids, [h.emulator.info.thread_id.clone()]);
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(screen.contains(&h.emulator.info.thread_id), "{screen}");
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    h.act(Action::Activate);
    assert!(h.lp.state.overlays.picker().is_none(), "the thread opens");
    h.until("the thread", |s| !s.status(Slot::Thread).is_loading())
        .await;
    assert!(matches!(
        h.lp.state.status(Slot::Thread),
        LoadStatus::Loaded
    ));
    h.remembered(&h.emulator.info.thread_id).await;
    assert_no_secret(&dir, &[&token_file], &[&token]);
}
