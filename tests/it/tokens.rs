//! Tokens: decoded offline, from the flag, a file or the environment, never echoed or logged.

use crate::support::headless::*;

#[test]
fn token_is_decoded_offline() {
    let token = token();
    let out = run(&["token", &token]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let info = json(&out);
    let keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "identity",
            "resourceId",
            "scopes",
            "issuedAt",
            "expiresOn",
            "expired",
            "warnings",
            "header"
        ]
    );
    assert_eq!(info["identity"], IDENTITY);
    assert_eq!(info["resourceId"], "dd9753c0-6e62-4f74-ab0f-c94f9723b4eb");
    assert_eq!(info["scopes"], serde_json::json!(["chat"]));
    assert_eq!(info["expired"], false);
    assert_eq!(info["header"]["alg"], "RS256");
    assert!(info["expiresOn"].as_str().unwrap().ends_with('Z'));
    assert!(!stdout(&out).contains(payload_segment(&token)));
}

#[test]
fn token_comes_from_the_environment_when_not_given() {
    let out = run_with_env(
        &["token"],
        &[("AZURE_COMMUNICATION_ACCESS_TOKEN", &token_expiring_in(-60))],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let info = json(&out);
    assert_eq!(info["expired"], true);
    assert!(info["warnings"][0].as_str().unwrap().starts_with("expired"));
}

#[test]
fn token_flag_works_with_the_token_subcommand() {
    let out = run(&["token", "--token", &token()]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(json(&out)["identity"], IDENTITY);
}

#[test]
fn no_token_at_all_is_bad_input() {
    let out = run(&["token"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: no token"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn what_is_not_a_token_is_named_and_never_echoed() {
    let key = "c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5c2VjcmV0a2V5";
    let cases = [
        (
            format!("endpoint=https://x.communication.azure.com/;accesskey={key}"),
            "a connection string",
        ),
        (key.to_string(), "an access key"),
        ("not-a-token".to_string(), "not a JWT"),
    ];
    for (input, what) in cases {
        let out = run(&["token", &input]);
        assert_eq!(code(&out), 2, "{input}");
        assert!(out.stdout.is_empty());
        let err = stderr(&out);
        assert!(err.starts_with("error: not an ACS access token"), "{err}");
        assert!(err.contains(what), "{err}");
        assert!(!err.contains(key), "the secret was echoed: {err}");
    }
}

#[test]
fn token_mint_needs_a_connection_string() {
    let out = run(&["token", "mint", "--user", "8:acs:r_u"]);
    assert_eq!(code(&out), 2);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).starts_with("error: token mint needs --connection-string-env VAR"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_log_file_never_holds_the_token() {
    let server = Server::start(|_, _| Reply::ok(thread_body()));
    let token = token();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("inspector.log");
    let out = run_with_env(
        &[
            "thread",
            THREAD,
            "--endpoint",
            &server.base,
            "--token",
            &token,
            "--log-file",
            log.to_str().unwrap(),
        ],
        &[("ACS_CHAT_INSPECTOR_LOG", "trace")],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_logged_without_token(&log, &token);
}

/// The log exists, records the exchange, and holds no part of the token.
fn assert_logged_without_token(log: &std::path::Path, token: &str) {
    let text = std::fs::read_to_string(log).expect("the log file exists");
    assert!(
        text.contains("/chat/threads/"),
        "the exchange is logged: {text}"
    );
    for part in token.split('.') {
        assert!(!text.contains(part), "a part of the token is in the log");
    }
}

#[test]
fn the_log_variable_alone_logs_to_the_state_directory() {
    let server = Server::start(|_, _| Reply::ok(thread_body()));
    let token = token();
    let state = tempfile::tempdir().unwrap();
    let out = run_with_env(
        &[
            "thread",
            THREAD,
            "--endpoint",
            &server.base,
            "--token",
            &token,
        ],
        &[
            ("ACS_CHAT_INSPECTOR_LOG", "debug"),
            ("XDG_STATE_HOME", state.path().to_str().unwrap()),
        ],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let log = state
        .path()
        .join("acs-chat-inspector/acs-chat-inspector.log");
    assert_logged_without_token(&log, &token);
}

#[test]
fn without_a_log_flag_or_variable_nothing_is_written() {
    let server = Server::start(|_, _| Reply::ok(thread_body()));
    let state = tempfile::tempdir().unwrap();
    let out = run_with_env(
        &[
            "thread",
            THREAD,
            "--endpoint",
            &server.base,
            "--token",
            &token(),
        ],
        &[("XDG_STATE_HOME", state.path().to_str().unwrap())],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(
        !state
            .path()
            .join("acs-chat-inspector/acs-chat-inspector.log")
            .exists()
    );
}

#[test]
fn the_leak_scan_finds_a_token_and_not_random_base64() {
    use crate::support::tokens::{holds_jwt, valid_now};
    assert!(holds_jwt(&format!("header: Bearer {}", valid_now())));
    assert!(
        !holds_jwt("MS-CV: 4eyJx7LhkONxaJnLYlU7Q.0"),
        "a correlation vector"
    );
    assert!(
        !holds_jwt("eyJhbGciOiJIUzI1NiJ9"),
        "a header alone is no token"
    );
}
