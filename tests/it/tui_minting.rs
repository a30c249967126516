//! Profiles and minted tokens against the built-in emulator, through the real task runner: a profile
//! whose token_command is run, a token minted for a participant (the emulator checks the request
//! signature), and a scan proving no token or key reached the state file.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::support::tui::render_at;
use acs_chat_inspector::acs::identity::ConnectionString;
use acs_chat_inspector::acs::token::decode_token;
use acs_chat_inspector::config::State;
use acs_chat_inspector::emulator::{self, EmulatorConfig, RunningEmulator};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::{
    AppState, DetailTab, Field, Focus, LoadStatus, MintSource, Settings,
};
use acs_chat_inspector::tui::tasks::Tasks;
use base64::Engine;
use chrono::Utc;
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};

const PROFILE: &str = "emulated";

struct Harness {
    state: AppState,
    tasks: Tasks,
    rx: UnboundedReceiver<Action>,
    dir: tempfile::TempDir,
    emulator: RunningEmulator,
}

impl Harness {
    /// The emulator's thread in the fields; config and state files in a temporary directory.
    async fn new() -> Self {
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
        let (tx, rx) = unbounded_channel();
        Self {
            state,
            tasks: Tasks::new(tx),
            rx,
            dir,
            emulator,
        }
    }

    fn act(&mut self, action: Action) {
        crate::support::tui::act(&mut self.state, &mut self.tasks, action);
    }

    async fn until(&mut self, what: &str, done: impl Fn(&AppState) -> bool) {
        crate::support::tui::act_until(&mut self.state, &mut self.tasks, &mut self.rx, what, done)
            .await;
    }

    fn connection_string(&self) -> ConnectionString {
        let text = self.emulator.info.connection_string.as_deref();
        ConnectionString::parse(text.expect("the emulator serves the Identity API")).unwrap()
    }

    fn state_file(&self) -> PathBuf {
        self.state.settings.state_file.clone().unwrap()
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
    let mut h = Harness::new().await;
    let conn = h.connection_string();
    h.state.mint_source = Some(MintSource {
        conn: Arc::new(conn.clone()),
        origin: "connection string of the emulator".into(),
    });
    let effects = app::start(&mut h.state);
    h.tasks.run(effects);
    h.until("the participants", |s| {
        s.thread.is_some() && !s.participants.status.is_loading()
    })
    .await;

    // Someone other than the token's own user.
    let own = decode_token(&h.emulator.info.token, Utc::now())
        .unwrap()
        .identity
        .unwrap();
    let (index, other) = h
        .state
        .participants
        .items
        .iter()
        .enumerate()
        .map(|(i, p)| (i, p.communication_identifier.raw_id()))
        .find(|(_, id)| *id != own && id.starts_with("8:acs:"))
        .expect("another ACS user in the thread");
    h.act(Action::ShowTab(DetailTab::Participants));
    h.state.participants.selected = index;
    h.act(Action::MintForParticipant);
    h.until("the minted token", |s| !s.mint_status.is_loading())
        .await;
    assert!(
        matches!(h.state.mint_status, LoadStatus::Loaded),
        "{:?}",
        h.state.notice
    );
    let minted = h.state.minted.as_ref().expect("minted");
    assert_eq!(minted.user, other);
    assert!(minted.refresh_id.is_some(), "a refresh timer is set");
    let token = h.state.value(Field::Token);
    assert_ne!(token, h.emulator.info.token);
    let info = decode_token(&token, Utc::now()).unwrap();
    assert_eq!(info.identity.as_deref(), Some(other.as_str()));

    h.act(Action::ShowTab(DetailTab::Token));
    let screen = render_at(&h.state, 120, 40);
    assert!(
        screen.contains("Minted       for ") && screen.contains("(in 23 h"),
        "{screen}"
    );
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    // Read the thread as that participant.
    h.state.focus = Focus::Timeline;
    h.act(Action::Fetch);
    h.until("the thread, read as the participant", |s| {
        !s.thread_status.is_loading()
    })
    .await;
    assert!(
        matches!(h.state.thread_status, LoadStatus::Loaded),
        "{}",
        render_at(&h.state, 120, 40)
    );
    h.remembered(&h.emulator.info.thread_id).await;
    let key = base64::engine::general_purpose::STANDARD.encode(&conn.access_key);
    assert_no_secret(h.dir.path(), &[], &[&token, &h.emulator.info.token, &key]);
}

#[tokio::test]
async fn a_wrong_access_key_is_refused_and_the_hint_says_so() {
    let mut h = Harness::new().await;
    let mut conn = h.connection_string();
    conn.access_key = b"not-the-key-of-this-resource".to_vec();
    h.state.mint_source = Some(MintSource {
        conn: Arc::new(conn),
        origin: "a stale connection string".into(),
    });
    let effects = app::start(&mut h.state);
    h.tasks.run(effects);
    h.until("the participants", |s| {
        s.thread.is_some() && !s.participants.status.is_loading()
    })
    .await;
    h.act(Action::ShowTab(DetailTab::Participants));
    h.act(Action::MintForParticipant);
    h.until("the refusal", |s| !s.mint_status.is_loading())
        .await;
    assert!(matches!(&h.state.mint_status, LoadStatus::Failed(e) if e.status() == Some(401)));
    let notice = &h.state.notice.as_ref().unwrap().text;
    assert!(notice.contains("access key is wrong"), "{notice}");
    assert_eq!(
        h.state.value(Field::Token),
        h.emulator.info.token,
        "the token in use stays"
    );
}

#[tokio::test]
async fn a_profile_runs_its_token_command_offers_its_recent_threads_and_stores_no_token() {
    let mut h = Harness::new().await;
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
    h.state.set_value(Field::Endpoint, "");
    h.state.set_value(Field::Token, "");
    h.state.set_value(Field::Thread, "");
    h.state.focus = Focus::Timeline;

    h.act(Action::OpenProfiles);
    h.until("the profiles", |s| {
        s.profiles.as_ref().is_some_and(|p| !p.is_empty(&[]))
    })
    .await;
    h.act(Action::Activate);
    h.until("the profile's token", |s| !s.profile_status.is_loading())
        .await;
    assert!(
        matches!(h.state.profile_status, LoadStatus::Loaded),
        "{}",
        render_at(&h.state, 120, 40)
    );
    assert_eq!(h.state.value(Field::Endpoint), h.emulator.info.endpoint);
    assert_eq!(h.state.value(Field::Token), token);
    assert_eq!(h.state.settings.timeout, Duration::from_secs(4));
    assert_eq!(h.state.recent_threads, [h.emulator.info.thread_id.clone()]);
    let screen = render_at(&h.state, 120, 40);
    assert!(screen.contains(&h.emulator.info.thread_id), "{screen}");
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    h.act(Action::Activate);
    assert!(h.state.profiles.is_none(), "the thread opens");
    h.until("the thread", |s| !s.thread_status.is_loading())
        .await;
    assert!(matches!(h.state.thread_status, LoadStatus::Loaded));
    h.remembered(&h.emulator.info.thread_id).await;
    assert_no_secret(&dir, &[&token_file], &[&token]);
}
