//! The real binary in a pseudo-terminal: it draws, answers keys, and leaves the terminal as it
//! found it on `q`, Ctrl-C, SIGTERM and a panic.

use crate::support::pty::{PtySession, SEED, process_alive};
use crate::support::tui::thread;
use crate::support::tui::token_valid_now;
use axum::Router;
use axum::routing::get;
use std::time::Duration;
use std::time::Instant;

#[test]
fn demo_opens_on_the_seed_message_and_q_quits() {
    let mut session = PtySession::demo(100, 30);
    let screen = session.screen();
    assert!(screen.contains("Lunch"), "{screen}");
    assert!(session.raw_mode_on(), "the TUI runs in raw mode");
    session.send("q");
    session.assert_exits_restored(true);
}

#[test]
fn ctrl_c_quits_even_from_a_text_field() {
    let mut session = PtySession::demo(100, 30);
    session.send("\t");
    session.send("\x03");
    session.assert_exits_restored(true);
}

#[test]
fn sigterm_restores_the_terminal() {
    let session = PtySession::demo(100, 30);
    // SAFETY: sends SIGTERM to the child this test started.
    unsafe { libc::kill(session.pid() as libc::pid_t, libc::SIGTERM) };
    let mut session = session;
    let pid = session.pid();
    session.wait_exit();
    session.assert_terminal_restored();
    assert!(!process_alive(pid));
}

#[test]
fn a_panic_restores_the_terminal_and_reports() {
    let mut session = PtySession::spawn_with_env(
        &["--demo"],
        100,
        30,
        &[
            ("ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES", "1"),
            ("RUST_BACKTRACE", "0"),
        ],
    );
    let status = session.wait_exit();
    assert!(!status.success());
    session.assert_terminal_restored();
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    assert!(
        raw.contains("panicked"),
        "the panic message is printed after the terminal is restored"
    );
}

#[test]
fn help_raw_view_request_log_and_timeline_respond_to_keys() {
    let mut session = PtySession::demo(100, 30);
    session.send("?");
    session.wait_for("Keys");
    session.send("\x1b");
    session.wait_until("help closed", |s| !s.contains("Keys"));
    session.send("r");
    session.wait_until("the MS-CV header in the raw view", |s| {
        s.to_ascii_lowercase().contains("ms-cv")
    });
    session.send("\x1b");
    session.send("l");
    session.wait_for("GET");
    session.send("\x1b");
    session.send("g");
    session.send("j");
    session.send("G");
    session.send("t");
    session.wait_for("local");
    session.send("q");
    session.assert_exits_restored(true);
}

/// Below 80x24 one pane at a time shows (it used to be only "window too small"); below 30x8
/// nothing fits.
#[test]
fn resize_down_to_40x10_shows_one_pane_and_back() {
    let mut session = PtySession::demo(100, 30);
    session.resize(40, 10);
    session.wait_for("fields timeline 1 2 3 4 5 6");
    session.resize(20, 6);
    session.wait_for("too small");
    session.resize(100, 30);
    session.wait_for(SEED);
    session.send("q");
    session.assert_exits_restored(true);
}

/// Every fault the emulator can inject, driven through the UI: the app keeps answering keys and
/// never passes an escape sequence from the data to the terminal.
#[test]
fn the_ui_survives_every_fault() {
    let faults = [
        "stall", "reset", "truncate", "garbage", "huge", "escape", "unicode", "expire", "unknown",
    ];
    let handles: Vec<_> = faults
        .iter()
        .map(|fault| {
            let fault = fault.to_string();
            std::thread::spawn(move || {
                let mut session = PtySession::spawn(
                    &[
                        "--demo",
                        "--fault",
                        &fault,
                        "--timeout",
                        "1",
                        "--retries",
                        "1",
                    ],
                    100,
                    30,
                );
                session.wait_for("Lunch");
                session.send("?");
                session.wait_for("Keys");
                session.send("\x1b");
                session.send("j");
                session.send("q");
                let status = session.wait_exit();
                assert!(status.success(), "{fault}: {status:?}");
                session.assert_terminal_restored();
                let raw = session.raw();
                for hostile in [
                    &b"\x1b]52;c;cHduZWQ="[..],
                    b"\x1b]0;pwned",
                    b"\x1b]0;owned",
                    b"\x1b[31mred",
                    b"\xc2\x9b31m",
                ] {
                    assert!(
                        !raw.windows(hostile.len()).any(|w| w == hostile),
                        "{fault}: the data's escape sequence {hostile:?} reached the terminal"
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}

/// The shared pseudo-terminal session at 80x24, with the wording these tests use.
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
    let mut tty = PtySession::spawn_80x24(&[
        "--endpoint",
        &endpoint,
        "--token",
        &token,
        "--thread",
        "19:demo-lunch@thread.v2",
    ]);
    tty.wait_for("Lunch");
    assert!(!tty.screen().contains(&token[..30]), "the token is masked");
    tty.send("?");
    tty.wait_for("Keys");
    tty.send("\x1b");
    tty.wait_until("the help closes", |text| !text.contains("Keys"));
    tty.send("q");
    assert_eq!(tty.wait_exit().exit_code(), 0);
    tty.assert_terminal_restored();
}

/// Started without flags the form is empty and says how to begin; Enter goes into the Endpoint
/// field, which then takes every printable key, `q` included.
#[test]
fn a_field_takes_q_and_a_paste_and_sigterm_restores_the_terminal() {
    let mut tty = PtySession::spawn_80x24(&[]);
    tty.wait_for("Nothing to inspect yet");
    tty.send("\r");
    tty.wait_for("type the endpoint");
    tty.send("q");
    tty.send("\x1b[200~http://127.0.0.1:9\x1b[201~");
    tty.wait_for("qhttp://127.0.0.1:9");
    tty.resize(20, 6);
    tty.wait_for("window too small");
    tty.resize(80, 24);
    tty.wait_for("qhttp://127.0.0.1:9");
    let pid = tty.pid();
    terminate(pid);
    assert_eq!(tty.wait_exit().exit_code(), 0);
    tty.assert_terminal_restored();
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
    let mut tty = PtySession::spawn_80x24(&["--demo"]);
    tty.wait_for("Let's head out for lunch in 15 minutes.");
    tty.wait_for("all 12 loaded");
    tty.send("r");
    tty.wait_for("in its page");
    tty.wait_until("the MS-CV header", |text| {
        text.to_lowercase().contains("ms-cv: ")
    });
    tty.send("r");
    tty.wait_until("the raw view closes", |text| !text.contains("in its page"));
    tty.send("l");
    tty.wait_for("Request log");
    tty.send("q");
    assert_eq!(tty.wait_exit().exit_code(), 0);
    tty.assert_terminal_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_thread_is_remembered_for_next_time() {
    let endpoint = serve().await;
    let token = token_valid_now();
    let tty = PtySession::spawn_80x24(&[
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
    let mut tty = PtySession::spawn_with_env_80x24(&args, &[("TEST_ACS_CONNECTION", &conn)]);
    tty.wait_for("\"Lunch\" · will be deleted");
    assert!(
        !tty.screen().contains("accesskey"),
        "the connection string is never shown"
    );
    tty.send("6");
    tty.wait_until(
        "the Token tab says the token was minted, and until when",
        |t| t.contains("Minted") && t.contains("(in 23 h"),
    );
    tty.send("q");
    assert_eq!(tty.wait_exit().exit_code(), 0);
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
    let mut tty = PtySession::spawn_with_env_80x24(
        &["--demo"],
        &[("XDG_CONFIG_HOME", home), ("ACS_TEST_UNSET_TOKEN", "")],
    );
    tty.wait_for("Let's head out for lunch");
    tty.send("P");
    tty.wait_until("the picker lists the profile", |t| {
        t.contains("Profiles") && t.contains("loopback") && t.contains("config.toml")
    });
    tty.send("\r");
    tty.wait_for("ACS_TEST_UNSET_TOKEN is empty");
    tty.send("\x1b");
    tty.wait_until("the picker closed", |t| !t.contains("Profiles"));
    tty.send("q");
    assert_eq!(tty.wait_exit().exit_code(), 0);
    tty.assert_terminal_restored();
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

#[tokio::test]
async fn a_profile_with_a_slow_token_command_starts_at_once_and_q_ends_both() {
    let dir = tempfile::tempdir().unwrap();
    let pid_file = dir.path().join("pid");
    let app_dir = dir.path().join("acs-chat-inspector");
    std::fs::create_dir_all(&app_dir).unwrap();
    let config = format!(
        "[profiles.slow]\nendpoint = \"https://contoso.communication.azure.com\"\ntoken_command = \"sleep 30 & echo $! > '{}'; wait\"\n",
        pid_file.display()
    );
    std::fs::write(app_dir.join("config.toml"), config).unwrap();
    let home = dir.path().to_str().unwrap();
    let tty = PtySession::spawn_with_env_80x24(
        &["--profile", "slow", "--thread", "19:a@thread.v2"],
        &[("XDG_CONFIG_HOME", home)],
    );
    let sleeper = crate::support::pid_in(&pid_file).await;
    tty.wait_for("loading token");
    let mut tty = tty;
    tty.send("q");
    tty.assert_exits_restored(true);
    assert!(
        crate::support::process_ends(sleeper).await,
        "the token command outlived the program"
    );
}
