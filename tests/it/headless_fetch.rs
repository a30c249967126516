//! `thread` and `message` against a loopback server: bodies as sent, compact stdout, exit codes 0/2/3/4.

use crate::support::headless::*;

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
