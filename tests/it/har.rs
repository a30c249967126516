//! `--har FILE` on the subcommands: valid HAR 1.2 (checked against the published schema), every
//! exchange with its answer and `MS-CV`, written even when the command fails, never over a file
//! without `--force`.

use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use serde_json::Value;

use crate::support::cases::*;
use crate::support::headless::{self, Reply, Server, code, stderr};

fn read_har(path: &std::path::Path) -> Value {
    let har: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    assert_valid_har(&har);
    har
}

#[test]
fn every_page_of_a_listing_is_an_entry_with_its_answer() {
    let emu = Emulator::start();
    let (_dir, path) = temp_file("messages.har");
    let args = [
        "messages",
        LUNCH_THREAD_ID,
        "--page-size",
        "5",
        "--har",
        path_str(&path),
    ];
    let out = emu.run(&args);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let listed = headless::json(&out).as_array().unwrap().len();
    let har = read_har(&path);
    let entries = har["log"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), listed / 5 + 1, "one entry per page");
    let first = &entries[0];
    assert_eq!(first["request"]["headers"][0]["name"], "Authorization");
    assert_eq!(first["request"]["headers"][0]["value"], "[redacted]");
    assert_eq!(first["response"]["status"], 200);
    let cv = first["response"]["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["name"].as_str().unwrap().eq_ignore_ascii_case("ms-cv"))
        .expect("MS-CV is among the response headers");
    assert!(
        first["comment"]
            .as_str()
            .unwrap()
            .contains(cv["value"].as_str().unwrap())
    );
    let body: Value =
        serde_json::from_str(first["response"]["content"]["text"].as_str().unwrap()).unwrap();
    assert_eq!(body["value"].as_array().unwrap().len(), 5);
}

#[test]
fn a_failed_command_still_leaves_its_evidence() {
    let server =
        Server::start(|_, _| Reply::json(403, r#"{"error":{"code":"Forbidden","message":"no"}}"#));
    let (_dir, path) = temp_file("failed.har");
    let token = headless::token();
    let out = headless::against(
        &server.base,
        &token,
        &["thread", headless::THREAD, "--har", path_str(&path)],
    );
    assert_eq!(code(&out), 3, "{}", stderr(&out));
    let har = read_har(&path);
    let entry = &har["log"]["entries"][0];
    assert_eq!(entry["response"]["status"], 403);
    assert_eq!(entry["response"]["statusText"], "Forbidden");
    assert!(entry["comment"].as_str().unwrap().contains(headless::MS_CV));
}

#[test]
fn an_existing_file_is_replaced_only_with_force_and_checked_before_any_request() {
    let server = Server::start(|_, _| Reply::ok(headless::thread_body()));
    let (_dir, path) = temp_file("old.har");
    std::fs::write(&path, "keep me").unwrap();
    let token = headless::token();
    let args = ["thread", headless::THREAD, "--har", path_str(&path)];
    let refused = headless::against(&server.base, &token, &args);
    assert_eq!(code(&refused), 2);
    assert!(stderr(&refused).contains("--force"), "{}", stderr(&refused));
    assert!(server.seen().is_empty(), "no request before the check");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "keep me");
    let mut forced = args.to_vec();
    forced.push("--force");
    let out = headless::against(&server.base, &token, &forced);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        read_har(&path)["log"]["entries"].as_array().unwrap().len(),
        1
    );
}

#[test]
fn commands_without_requests_write_an_empty_log() {
    let (_dir, path) = temp_file("none.har");
    let fixture = format!(
        "{}/tests/fixtures/bundles/lunch-a.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = headless::run(&["diff", &fixture, &fixture, "--har", path_str(&path)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(read_har(&path)["log"]["entries"], serde_json::json!([]));
}

#[tokio::test]
async fn capital_h_in_the_inspector_writes_the_sessions_exchanges_as_har() {
    use crate::support::tui::Emulated;
    use acs_chat_inspector::emulator::EmulatorConfig;
    use acs_chat_inspector::tui::app;
    use acs_chat_inspector::tui::state::{LoadStatus, Slot};
    use ratatui::crossterm::event::KeyCode;

    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| app::start(s)).await;
    h.until("everything", |s| !s.is_loading()).await;
    let logged = h.lp.state.exchanges.len();
    h.key(KeyCode::Char('H')).await;
    h.until("the HAR file", |s| {
        matches!(s.status(Slot::Export), LoadStatus::Loaded)
    })
    .await;
    let notice = h.lp.state.notice.clone().unwrap().text;
    let path = notice
        .strip_prefix("exported to ")
        .and_then(|rest| rest.split(" (").next())
        .unwrap_or_else(|| panic!("{notice}"))
        .to_string();
    assert!(path.ends_with(".har"), "{path}");
    let text = std::fs::read_to_string(&path).unwrap();
    let har = read_har(std::path::Path::new(&path));
    assert_eq!(har["log"]["entries"].as_array().unwrap().len(), logged);
    assert_no_secrets("the HAR of H", &text, &[&h.info().token], None);

    // A second export in the same second gets a name of its own.
    h.lp.state.loads.set(Slot::Export, LoadStatus::Idle);
    h.key(KeyCode::Char('H')).await;
    h.until("the second HAR file", |s| {
        matches!(s.status(Slot::Export), LoadStatus::Loaded)
    })
    .await;
    let second = h.lp.state.notice.clone().unwrap().text;
    assert!(!second.contains(&format!("{path} ")), "{second}");
}

#[test]
fn the_inspector_with_har_writes_every_exchange_of_the_session_at_exit() {
    use crate::support::pty::{PtySession, SEED};
    let (_dir, path) = temp_file("session.har");
    let mut tty = PtySession::spawn(&["--demo", "--har", path_str(&path)], 100, 30);
    tty.wait_for(SEED);
    // Every request of the first screen answered before quitting (the seed message shows first).
    tty.wait_until("every request answered", |s| {
        s.contains("Timeline · all") && !s.contains("loading")
    });
    tty.send("q");
    tty.assert_exits_restored(true);
    let text = std::fs::read_to_string(&path).unwrap();
    let har = read_har(&path);
    let entries = har["log"]["entries"].as_array().unwrap();
    assert!(
        entries.len() >= 6,
        "thread, message, pages, lists: {}",
        entries.len()
    );
    assert!(
        !crate::support::tokens::holds_jwt(&text),
        "a token-shaped string in the HAR"
    );
    assert!(!text.contains("Bearer "));
}
