//! The subcommands against the built-in emulator: in-process through `--demo`, and on loopback
//! through `emulator::start` and the `emulator` subcommand.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::headless::*;
use acs_chat_inspector::cli::FaultKind;
use acs_chat_inspector::emulator::data::{LUNCH_THREAD_ID, SUPPORT_THREAD_ID};
use acs_chat_inspector::emulator::{EmulatorConfig, EmulatorInfo, RunningEmulator, start};
use serde_json::Value;

const SEED_TEXT: &str = "Let's head out for lunch in 15 minutes.";

/// An emulator serving on its own runtime while the test runs the binary against it.
struct Emulator {
    info: EmulatorInfo,
    _running: RunningEmulator,
    _runtime: tokio::runtime::Runtime,
}

fn emulator(faults: &[FaultKind]) -> Emulator {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(start(EmulatorConfig {
            faults: faults.to_vec(),
            ..EmulatorConfig::default()
        }))
        .unwrap();
    Emulator {
        info: running.info.clone(),
        _running: running,
        _runtime: runtime,
    }
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
        !text.contains("eyJ"),
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
