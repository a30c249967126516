//! The headless subcommands through the real binary: JSON as sent, exit codes, one error line with
//! hints, against loopback stand-ins and the built-in emulator; pretty output on a terminal.

use crate::support::headless::*;
use acs_chat_inspector::cli::FaultKind;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::emulator::data::SUPPORT_THREAD_ID;
use serde_json::Value;
use std::io::BufRead;
use std::io::BufReader;
use std::process::Command;
use std::process::Stdio;

fn thread_server() -> Server {
    Server::start(|seen, _| {
        if seen.path == format!("/chat/threads/{THREAD}") {
            Reply::ok(thread_body())
        } else if seen.path == format!("/chat/threads/{THREAD}/messages/1691783412729") {
            Reply::ok(message_body())
        } else {
            Reply::json(
                404,
                r#"{"CommunicationError":{"Code":"NotFound","Message":"The specified thread id was not found.","Details":[]}}"#,
            )
        }
    })
}

#[test]
fn thread_prints_the_body_exactly_as_sent() {
    let server = thread_server();
    let token = token();
    let out = against(&server.base, &token, &["thread", THREAD]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    // Same fields, same order, unknown fields kept: the compact form of what the service sent.
    assert_eq!(stdout(&out), format!("{}\n", thread_body()));
    assert_eq!(
        stderr(&out),
        "",
        "no progress or noise when stderr is not a terminal"
    );
    let seen = server.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].raw_path, format!("/chat/threads/{THREAD_ENCODED}"));
    assert_eq!(seen[0].param("api-version"), Some("2025-03-15"));
    assert_eq!(
        seen[0].authorization.as_deref(),
        Some(format!("Bearer {token}").as_str())
    );
}

#[test]
fn message_prints_the_message_and_honours_api_version() {
    let server = thread_server();
    let out = against(
        &server.base,
        &token(),
        &[
            "message",
            THREAD,
            "1691783412729",
            "--api-version",
            "2024-03-07",
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let value = json(&out);
    assert_eq!(value["id"], "1691783412729");
    assert_eq!(value["metadata"]["tags"], "sometag");
    assert_eq!(value["content"]["attachments"], serde_json::json!([]));
    assert_eq!(server.seen()[0].param("api-version"), Some("2024-03-07"));
}

#[test]
fn endpoint_and_token_come_from_the_environment_too() {
    let server = thread_server();
    let token = token();
    let out = run_with_env(
        &["thread", THREAD],
        &[
            ("AZURE_COMMUNICATION_ENDPOINT", &format!("{}/", server.base)),
            ("AZURE_COMMUNICATION_ACCESS_TOKEN", &token),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["topic"], "test topic");
}

#[test]
fn a_connection_string_is_accepted_as_endpoint() {
    let server = thread_server();
    let conn = format!(
        "endpoint={}/;accesskey=c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5",
        server.base
    );
    let out = against(&conn, &token(), &["thread", THREAD]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

#[test]
fn token_file_is_read() {
    let server = thread_server();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("token");
    std::fs::write(&file, format!("{}\n", token())).unwrap();
    let out = run(&[
        "thread",
        THREAD,
        "--endpoint",
        &server.base,
        "--token-file",
        file.to_str().unwrap(),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
}

fn assert_bad_input(out: &std::process::Output, needle: &str) {
    assert_eq!(code(out), 2, "stderr: {}", stderr(out));
    assert!(out.stdout.is_empty(), "stdout must stay empty");
    let err = stderr(out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
}

#[test]
fn missing_endpoint_or_token_is_bad_input() {
    assert_bad_input(
        &run(&["thread", THREAD, "--token", &token()]),
        "no endpoint",
    );
    assert_bad_input(
        &run(&["thread", THREAD, "--endpoint", "http://127.0.0.1:9"]),
        "no token: give --token, --token-file or set AZURE_COMMUNICATION_ACCESS_TOKEN",
    );
}

#[test]
fn malformed_inputs_are_refused_before_any_request() {
    let server = thread_server();
    let t = token();
    let cases: [(&[&str], &str); 7] = [
        (
            &["thread", THREAD, "--endpoint", "not a url", "--token", &t],
            "malformed endpoint",
        ),
        (
            &[
                "thread",
                THREAD,
                "--endpoint",
                "http://example.com",
                "--token",
                &t,
            ],
            "refusing plain http",
        ),
        (
            &[
                "thread",
                "19:a b@thread.v2",
                "--endpoint",
                &server.base,
                "--token",
                &t,
            ],
            "malformed thread id",
        ),
        (
            &[
                "message",
                THREAD,
                "12 34",
                "--endpoint",
                &server.base,
                "--token",
                &t,
            ],
            "malformed message id",
        ),
        (
            &[
                "thread",
                THREAD,
                "--endpoint",
                &server.base,
                "--token",
                &t,
                "--api-version",
                "latest",
            ],
            "malformed api-version",
        ),
        (
            &[
                "messages",
                THREAD,
                "--since",
                "yesterday",
                "--endpoint",
                &server.base,
                "--token",
                &t,
            ],
            "malformed --since",
        ),
        (
            &[
                "participants",
                THREAD,
                "--page-size",
                "0",
                "--endpoint",
                &server.base,
                "--token",
                &t,
            ],
            "--page-size 0",
        ),
    ];
    for (args, needle) in cases {
        assert_bad_input(&run(args), needle);
    }
    assert!(
        server.seen().is_empty(),
        "no request may be sent for bad input"
    );
}

#[test]
fn a_connection_string_as_token_is_explained_not_sent() {
    let server = thread_server();
    let secret = "endpoint=https://contoso.communication.azure.com/;accesskey=c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0";
    let out = against(&server.base, secret, &["thread", THREAD]);
    assert_bad_input(&out, "connection string");
    assert!(
        !stderr(&out).contains("c2VjcmV0a2V5"),
        "the key must not be echoed"
    );
    assert!(server.seen().is_empty());
}

fn error_server(status: u16, body: &'static str) -> Server {
    Server::start(move |_, _| Reply::json(status, body))
}

#[test]
fn forbidden_gives_the_contract_line_and_the_identity() {
    let server = error_server(
        403,
        r#"{"CommunicationError":{"Code":"Forbidden","Message":"User is not allowed to perform specified action.","Details":[]}}"#,
    );
    let out = against(&server.base, &token(), &["thread", THREAD]);
    assert_eq!(code(&out), 3);
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    let mut lines = err.lines();
    assert_eq!(
        lines.next(),
        Some(
            "error: 403 Forbidden (Forbidden): User is not allowed to perform specified action. [MS-CV: JduJle7LhkONxaJnLYlU7Q.0]"
        )
    );
    assert!(lines.all(|l| l.starts_with("hint: ")), "{err}");
    assert!(
        err.contains(&format!(
            "hint: {IDENTITY} is not a current participant of this thread"
        )),
        "{err}"
    );
}

#[test]
fn unauthorized_with_an_expired_token_says_when_it_expired() {
    let server = Server::start(|_, _| Reply {
        status: 401,
        headers: vec![],
        body: String::new(),
    });
    let out = against(&server.base, &token_expiring_in(-7200), &["thread", THREAD]);
    assert_eq!(code(&out), 3);
    let err = stderr(&out);
    assert!(
        err.starts_with("error: 401 Unauthorized: (empty body)\n"),
        "{err}"
    );
    assert!(err.contains("hint: the token expired "), "{err}");
    assert!(err.contains("(2 h ago)"), "{err}");
    assert_eq!(
        server.seen().len(),
        1,
        "an expired token is still sent: the service decides"
    );
}

#[test]
fn not_found_is_a_service_error() {
    let server = thread_server();
    let out = against(&server.base, &token(), &["thread", "19:missing@thread.v2"]);
    assert_eq!(code(&out), 3);
    assert!(stderr(&out).starts_with(
        "error: 404 Not Found (NotFound): The specified thread id was not found. [MS-CV: JduJle7LhkONxaJnLYlU7Q.0]\nhint: "
    ));
}

#[test]
fn escape_sequences_in_service_errors_are_neutralised() {
    let server = error_server(
        403,
        "{\"error\":{\"code\":\"Forbidden\",\"message\":\"evil\\u001b]0;pwned\\u0007\\u001b[2J\"}}",
    );
    let out = against(&server.base, &token(), &["thread", THREAD]);
    assert_eq!(code(&out), 3);
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}') && !err.contains('\u{7}'), "{err:?}");
    assert!(err.contains("evil␛]0;pwned␇␛[2J"), "{err}");
}

#[test]
fn connection_refused_is_no_usable_answer() {
    let out = against(&refused_endpoint(), &token(), &["thread", THREAD]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with("error: could not connect"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_non_json_success_is_no_usable_answer() {
    let server = Server::start(|_, _| Reply::ok("<html>captive portal</html>"));
    let out = against(&server.base, &token(), &["thread", THREAD]);
    assert_eq!(code(&out), 4);
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("not JSON"), "{}", stderr(&out));
}

#[test]
fn a_stalled_server_times_out() {
    let out = run(&[
        "thread",
        THREAD,
        "--endpoint",
        &stalled_endpoint(),
        "--token",
        &token(),
        "--timeout",
        "0.5",
        "--retries",
        "0",
    ]);
    assert_eq!(code(&out), 4, "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: timed out"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn token_file_dash_reads_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let server = thread_server();
    let mut child = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
        .args([
            "thread",
            THREAD,
            "--endpoint",
            &server.base,
            "--token-file",
            "-",
        ])
        .env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let token = token();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(token.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        server.seen()[0].authorization.as_deref(),
        Some(format!("Bearer {token}").as_str())
    );
}

const SEED_TEXT: &str = "Let's head out for lunch in 15 minutes.";

/// An emulator serving on its own runtime while the test runs the binary against it.
fn emulator(faults: &[FaultKind]) -> Served {
    serve(EmulatorConfig {
        faults: faults.to_vec(),
        ..EmulatorConfig::default()
    })
}

fn demo(args: &[&str]) -> std::process::Output {
    let mut all = vec!["--demo"];
    all.extend_from_slice(args);
    run(&all)
}

fn texts(messages: &Value) -> Vec<String> {
    messages
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["content"]["message"].as_str().map(str::to_string))
        .collect()
}

#[test]
fn demo_lists_threads_and_shows_the_lunch_thread() {
    let threads = demo(&["threads"]);
    assert_eq!(code(&threads), 0, "{}", stderr(&threads));
    let ids: Vec<String> = json(&threads)
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert!(ids.contains(&LUNCH_THREAD_ID.to_string()), "{ids:?}");
    assert!(ids.contains(&SUPPORT_THREAD_ID.to_string()), "{ids:?}");
    let thread = demo(&["thread", LUNCH_THREAD_ID]);
    assert_eq!(code(&thread), 0, "{}", stderr(&thread));
    let value = json(&thread);
    assert_eq!(value["id"], LUNCH_THREAD_ID);
    assert_eq!(value["topic"], "Lunch");
    assert_eq!(stderr(&thread), "");
}

#[test]
fn demo_messages_are_the_same_whatever_the_page_size() {
    let all = demo(&["messages", LUNCH_THREAD_ID]);
    assert_eq!(code(&all), 0, "{}", stderr(&all));
    let all = json(&all);
    assert!(texts(&all).iter().any(|t| t == SEED_TEXT), "{all}");
    let paged = demo(&["messages", LUNCH_THREAD_ID, "--page-size", "2"]);
    assert_eq!(code(&paged), 0, "{}", stderr(&paged));
    let ids = |v: &Value| -> Vec<Value> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|m| m["id"].clone())
            .collect()
    };
    assert_eq!(ids(&json(&paged)), ids(&all), "paging changed the list");
    let capped = demo(&[
        "messages",
        LUNCH_THREAD_ID,
        "--page-size",
        "2",
        "--max",
        "3",
    ]);
    assert_eq!(ids(&json(&capped)), ids(&all)[..3].to_vec());
}

#[test]
fn demo_participants_and_receipts() {
    let participants = demo(&["participants", LUNCH_THREAD_ID, "--page-size", "1"]);
    assert_eq!(code(&participants), 0, "{}", stderr(&participants));
    let list = json(&participants);
    assert!(list.as_array().unwrap().len() >= 2);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|p| p["displayName"] == "Jane")
    );
    let receipts = demo(&["receipts", LUNCH_THREAD_ID]);
    assert_eq!(code(&receipts), 0, "{}", stderr(&receipts));
    assert!(
        json(&receipts)
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["chatMessageId"].is_string())
    );
}

#[test]
fn demo_bundle_is_complete_and_tokenless() {
    let out = demo(&["bundle", LUNCH_THREAD_ID]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !crate::support::tokens::holds_jwt(&text),
        "something token-like is in the bundle"
    );
    assert!(!text.contains("Bearer"));
    let bundle = json(&out);
    assert_eq!(bundle["thread"]["id"], LUNCH_THREAD_ID);
    assert!(texts(&bundle["messages"]).iter().any(|t| t == SEED_TEXT));
    assert!(!bundle["participants"].as_array().unwrap().is_empty());
    let requests = bundle["requests"].as_array().unwrap();
    assert!(requests.len() >= 4);
    assert!(
        requests
            .iter()
            .all(|r| r["status"] == 200 && r["MS-CV"].is_string())
    );
}

#[test]
fn demo_token_decodes_the_demo_identity() {
    let out = demo(&["token"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let info = json(&out);
    assert!(info["identity"].as_str().unwrap().starts_with("8:acs:"));
    assert_eq!(info["expired"], false);
    assert!(
        info["scopes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == "chat")
    );
}

#[test]
fn demo_faults_reach_the_subcommands() {
    let garbage = demo(&["--fault", "garbage", "messages", LUNCH_THREAD_ID]);
    assert_eq!(code(&garbage), 4, "{}", stderr(&garbage));
    assert!(garbage.stdout.is_empty());
    let thread = demo(&["--fault", "garbage", "thread", LUNCH_THREAD_ID]);
    assert_eq!(
        code(&thread),
        0,
        "the thread route is not touched by garbage"
    );
    let bundle = demo(&["--fault", "garbage", "bundle", LUNCH_THREAD_ID]);
    assert_eq!(code(&bundle), 4);
    let value = json(&bundle);
    assert_eq!(value["errors"][0]["part"], "messages");
    assert!(
        !value["participants"].as_array().unwrap().is_empty(),
        "the rest is kept"
    );
    let stalled = demo(&[
        "--fault",
        "stall",
        "--timeout",
        "0.5",
        "--retries",
        "0",
        "message",
        LUNCH_THREAD_ID,
        "1",
    ]);
    assert_eq!(code(&stalled), 4, "{}", stderr(&stalled));
}

#[test]
fn emulator_answers_give_the_contract_exit_codes() {
    let emu = emulator(&[]);
    let info = &emu.info;
    let message = against(
        &info.endpoint,
        &info.token,
        &["message", &info.thread_id, &info.message_id],
    );
    assert_eq!(code(&message), 0, "{}", stderr(&message));
    assert_eq!(json(&message)["content"]["message"], SEED_TEXT);

    let outsider = against(
        &info.endpoint,
        &info.outsider_token,
        &["thread", &info.thread_id],
    );
    assert_eq!(code(&outsider), 3);
    let err = stderr(&outsider);
    assert!(err.starts_with("error: 403 Forbidden"), "{err}");
    assert!(
        err.contains("is not a current participant of this thread"),
        "{err}"
    );

    let unknown = against(
        &info.endpoint,
        &info.token,
        &["thread", "19:nosuchthread@thread.v2"],
    );
    assert_eq!(code(&unknown), 3);
    assert!(
        stderr(&unknown).starts_with("error: 404 Not Found"),
        "{}",
        stderr(&unknown)
    );

    let old = against(
        &info.endpoint,
        &info.token,
        &["thread", &info.thread_id, "--api-version", "2019-01-01"],
    );
    assert_eq!(code(&old), 3);
    assert!(
        stderr(&old).starts_with("error: 400 Bad Request"),
        "{}",
        stderr(&old)
    );

    let forged = format!("{}x", info.token);
    let unauthorized = against(&info.endpoint, &forged, &["thread", &info.thread_id]);
    assert_eq!(code(&unauthorized), 3);
    assert!(stderr(&unauthorized).starts_with("error: 401 Unauthorized"));
}

#[test]
fn bundle_from_the_emulator_never_holds_its_token() {
    let emu = emulator(&[]);
    let info = &emu.info;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bundle.json");
    let out = against(
        &info.endpoint,
        &info.token,
        &["bundle", &info.thread_id, "-o", path.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let bytes = std::fs::read(&path).unwrap();
    let text = String::from_utf8_lossy(&bytes);
    for secret in [
        info.token.as_str(),
        payload_segment(&info.token),
        info.outsider_token.as_str(),
    ] {
        assert!(!text.contains(secret), "the token is in the bundle");
        assert!(!stderr(&out).contains(secret));
    }
    let bundle: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(bundle["endpoint"], info.endpoint.trim_end_matches('/'));
}

#[test]
fn emulator_subcommand_prints_how_to_reach_it() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
        .args(["emulator", "--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
    let endpoint = info["endpoint"].as_str().unwrap().to_string();
    let token = info["token"].as_str().unwrap().to_string();
    let thread = info["threadId"].as_str().unwrap().to_string();
    let out = against(&endpoint, &token, &["thread", &thread]);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["id"], thread.as_str());
}

#[test]
fn a_connection_string_mints_the_token_for_user() {
    let emu = emulator(&[]);
    let info = &emu.info;
    let connection_string = info
        .connection_string
        .clone()
        .expect("the Identity API is emulated");
    let jane = json(&run(&["token", &info.token]))["identity"]
        .as_str()
        .unwrap()
        .to_string();
    let out = run_with_env(
        &[
            "thread",
            &info.thread_id,
            "--connection-string-env",
            "TEST_ACS_CONNECTION",
            "--user",
            &jane,
        ],
        &[("TEST_ACS_CONNECTION", &connection_string)],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["id"], info.thread_id.as_str());
    let stranger = run_with_env(
        &[
            "thread",
            &info.thread_id,
            "--connection-string-env",
            "TEST_ACS_CONNECTION",
        ],
        &[("TEST_ACS_CONNECTION", &connection_string)],
    );
    assert_eq!(
        code(&stranger),
        3,
        "a new identity is no participant: {}",
        stderr(&stranger)
    );
    assert!(stderr(&stranger).contains("is not a current participant of this thread"));
    let key = connection_string.split("accesskey=").nth(1).unwrap();
    assert!(!stderr(&stranger).contains(key));
}

#[test]
fn a_profile_supplies_endpoint_and_token() {
    let emu = emulator(&[]);
    let info = &emu.info;
    let config_home = tempfile::tempdir().unwrap();
    let dir = config_home.path().join("acs-chat-inspector");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[profiles.demo-test]\nendpoint = \"{}\"\ntoken_env = \"TEST_PROFILE_TOKEN\"\n",
            info.endpoint
        ),
    )
    .unwrap();
    let out = run_with_env(
        &["participants", &info.thread_id, "--profile", "demo-test"],
        &[
            ("XDG_CONFIG_HOME", config_home.path().to_str().unwrap()),
            ("TEST_PROFILE_TOKEN", &info.token),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(!json(&out).as_array().unwrap().is_empty());
}

/// Runs the binary with stdout and stderr on a pseudo-terminal; returns what the terminal received and the exit code.
fn run_on_terminal(args: &[&str]) -> (String, u32) {
    crate::support::pty::PtySession::spawn(args, 200, 50).output()
}

#[test]
fn a_terminal_gets_pretty_json_and_progress() {
    let server = Server::start(|seen, base| match seen.param("skip") {
        None => Reply::ok(page(
            &[message_item(2, 2)],
            Some(format!(
                "{base}/chat/threads/{THREAD}/messages?skip=1&api-version=2025-03-15"
            )),
        )),
        Some(_) => Reply::ok(page(&[message_item(1, 1)], None)),
    });
    let token = token();
    let (text, code) = run_on_terminal(&[
        "messages",
        THREAD,
        "--endpoint",
        &server.base,
        "--token",
        &token,
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("page 2, 2 items"),
        "no progress on the terminal: {text:?}"
    );
    assert!(
        text.contains("[\n  {\n    \"id\": \"2\""),
        "not pretty: {text:?}"
    );
    assert!(text.contains("\"sequenceId\": \"1\""), "{text:?}");
    let progress_at = text.find("page 2, 2 items").unwrap();
    let json_at = text.find("[\n  {").unwrap();
    assert!(
        progress_at < json_at,
        "progress must not interleave with the JSON: {text:?}"
    );
    assert!(!text.contains(payload_segment(&token)));
}
