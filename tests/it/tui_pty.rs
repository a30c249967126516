//! The real binary in a pseudo-terminal: it draws, answers keys, and leaves the terminal as it
//! found it on `q` and on SIGTERM.

use std::time::{Duration, Instant};

use crate::support::pty::PtySession;
use crate::support::tui::{thread, token_valid_now};
use axum::Router;
use axum::routing::get;

/// The shared pseudo-terminal session at 80x24, with the wording these tests use.
struct Tty(PtySession);

impl Tty {
    fn spawn(args: &[&str]) -> Self {
        Self(PtySession::spawn(args, 80, 24))
    }

    fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> Self {
        Self(PtySession::spawn_with_env(args, 80, 24, env))
    }

    fn text(&self) -> String {
        self.0.screen()
    }

    fn wait_for(&self, needle: &str) {
        self.0.wait_for(needle);
    }

    fn wait_until(&self, what: &str, done: impl Fn(&str) -> bool) {
        self.0.wait_until(done, what);
    }

    fn resize(&self, cols: u16, rows: u16) {
        self.0.resize(cols, rows);
    }

    fn send(&mut self, bytes: &[u8]) {
        self.0
            .send(std::str::from_utf8(bytes).expect("keys are text"));
    }

    fn exit_code(&mut self) -> u32 {
        self.0.wait_exit().exit_code()
    }

    /// Main screen, cursor, raw mode and bracketed paste all put back (panics with what is not).
    fn restored(&self) -> bool {
        self.0.assert_terminal_restored();
        true
    }

    fn home(&self) -> &std::path::Path {
        self.0.home()
    }
}

async fn serve() -> String {
    let body = serde_json::to_string(&thread()).unwrap();
    let app = Router::new()
        .route("/chat/threads", get(|| async { r#"{"value":[]}"# }))
        .route("/chat/threads/{id}", get(move || async move { body }))
        .route(
            "/chat/threads/{id}/messages",
            get(|| async { r#"{"value":[]}"# }),
        )
        .route(
            "/chat/threads/{id}/participants",
            get(|| async { r#"{"value":[]}"# }),
        )
        .route(
            "/chat/threads/{id}/readReceipts",
            get(|| async { r#"{"value":[]}"# }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fetches_at_once_answers_keys_and_restores_the_terminal_on_q() {
    let endpoint = serve().await;
    let token = token_valid_now();
    let mut tty = Tty::spawn(&[
        "--endpoint",
        &endpoint,
        "--token",
        &token,
        "--thread",
        "19:demo-lunch@thread.v2",
    ]);
    tty.wait_for("Lunch");
    assert!(!tty.text().contains(&token[..30]), "the token is masked");
    tty.send(b"?");
    tty.wait_for("Keys");
    tty.send(b"\x1b");
    tty.wait_until("the help closes", |text| !text.contains("Keys"));
    tty.send(b"q");
    assert_eq!(tty.exit_code(), 0);
    assert!(tty.restored());
}

#[test]
fn a_field_takes_q_and_a_paste_and_sigterm_restores_the_terminal() {
    let mut tty = Tty::spawn(&[]);
    tty.wait_for("Endpoint");
    tty.send(b"q");
    tty.send(b"\x1b[200~http://127.0.0.1:9\x1b[201~");
    tty.wait_for("qhttp://127.0.0.1:9");
    tty.resize(40, 10);
    tty.wait_for("window too small (40x10), need 80x24");
    tty.resize(80, 24);
    tty.wait_for("qhttp://127.0.0.1:9");
    let pid = tty.0.pid();
    terminate(pid);
    assert_eq!(tty.exit_code(), 0);
    assert!(tty.restored());
}

fn terminate(pid: u32) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn demo_opens_on_the_seed_message_and_r_l_q_work_at_once() {
    let mut tty = Tty::spawn(&["--demo"]);
    tty.wait_for("Let's head out for lunch in 15 minutes.");
    tty.wait_for("all 12 loaded");
    tty.send(b"r");
    tty.wait_for("Raw response");
    tty.wait_until("the MS-CV header", |text| {
        text.to_lowercase().contains("ms-cv: ")
    });
    tty.send(b"r");
    tty.wait_until("the raw view closes", |text| !text.contains("Raw response"));
    tty.send(b"l");
    tty.wait_for("Request log");
    tty.send(b"q");
    assert_eq!(tty.exit_code(), 0);
    assert!(tty.restored());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_thread_is_remembered_for_next_time() {
    let endpoint = serve().await;
    let token = token_valid_now();
    let tty = Tty::spawn(&[
        "--endpoint",
        &endpoint,
        "--token",
        &token,
        "--thread",
        "19:demo-lunch@thread.v2",
    ]);
    tty.wait_for("Lunch");
    let state = tty.home().join("state/acs-chat-inspector/state.json");
    let start = Instant::now();
    while !state.exists() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "no state file at {}",
            state.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let text = std::fs::read_to_string(&state).unwrap();
    assert!(text.contains("19:demo-lunch@thread.v2"), "{text}");
    assert!(!text.contains(&token[..20]), "never a token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_is_minted_from_a_connection_string_for_the_user() {
    use acs_chat_inspector::emulator::{self, EmulatorConfig, data};
    let emulator = emulator::start(EmulatorConfig::default()).await.unwrap();
    let conn = emulator
        .info
        .connection_string
        .clone()
        .expect("the emulator serves the Identity API");
    let jane = data::JANE.raw_id();
    let args = [
        "--connection-string-env",
        "TEST_ACS_CONNECTION",
        "--user",
        &jane,
        "--thread",
        &emulator.info.thread_id,
    ];
    let mut tty = Tty::spawn_with(&args, &[("TEST_ACS_CONNECTION", &conn)]);
    tty.wait_for("Connection · thread \"Lunch\"");
    assert!(
        !tty.text().contains("accesskey"),
        "the connection string is never shown"
    );
    tty.send(b"6");
    tty.wait_until(
        "the Token tab says the token was minted, and until when",
        |t| t.contains("Minted") && t.contains("(in 23 h"),
    );
    tty.send(b"q");
    assert_eq!(tty.exit_code(), 0);
}

#[test]
fn p_opens_the_profile_picker_and_a_missing_token_variable_is_explained() {
    let config_home = tempfile::tempdir().unwrap();
    let dir = config_home.path().join("acs-chat-inspector");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        "[profiles.loopback]\nendpoint = \"http://127.0.0.1:9\"\ntoken_env = \"ACS_TEST_UNSET_TOKEN\"\n",
    )
    .unwrap();
    let home = config_home.path().to_str().unwrap();
    let mut tty = Tty::spawn_with(
        &["--demo"],
        &[("XDG_CONFIG_HOME", home), ("ACS_TEST_UNSET_TOKEN", "")],
    );
    tty.wait_for("Let's head out for lunch");
    tty.send(b"P");
    tty.wait_until("the picker lists the profile", |t| {
        t.contains("Profiles") && t.contains("loopback") && t.contains("config.toml")
    });
    tty.send(b"\r");
    tty.wait_for("ACS_TEST_UNSET_TOKEN is empty");
    tty.send(b"\x1b");
    tty.wait_until("the picker closed", |t| !t.contains("Profiles"));
    tty.send(b"q");
    assert_eq!(tty.exit_code(), 0);
    assert!(tty.restored());
}

#[test]
fn bad_flags_and_a_missing_terminal_are_refused_before_anything_is_drawn() {
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
            .args(args)
            .env_remove("AZURE_COMMUNICATION_ENDPOINT")
            .env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = run(&["--token-file", "/nonexistent/token"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read --token-file"));
    let out = run(&["--timeout", "-1"]);
    assert_eq!(out.status.code(), Some(2));
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("needs a terminal"));
    assert!(
        out.stdout.is_empty(),
        "nothing drawn when stdout is not a terminal"
    );
}
