//! Remembered state: recent thread ids per profile, written atomically, never holding a secret.

use acs_chat_inspector::cli::Cli;
use acs_chat_inspector::config::{Config, NO_PROFILE, RECENT_THREADS_CAP, State};
use acs_chat_inspector::credentials::{Plan, resolve};
use clap::Parser;

const SECRET_JWT: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOnN0YXRlIn0.c3RhdGUtc2lnbmF0dXJl";

fn thread(n: usize) -> String {
    format!("19:thread{n}@thread.v2")
}

#[test]
fn recent_threads_round_trip_most_recent_first() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::at(dir.path().join("nested/state.json"));
    assert!(state.recent_threads("contoso").is_empty());
    state.remember_thread("contoso", &thread(1)).unwrap();
    state.remember_thread("contoso", &thread(2)).unwrap();
    state.remember_thread(NO_PROFILE, &thread(3)).unwrap();
    let reopened = State::at(state.file());
    assert_eq!(reopened.recent_threads("contoso"), [thread(2), thread(1)]);
    assert_eq!(reopened.recent_threads(NO_PROFILE), [thread(3)]);
    assert!(reopened.recent_threads("fabrikam").is_empty());
}

#[test]
fn remembering_again_moves_to_the_front_without_duplicates() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::at(dir.path().join("state.json"));
    for n in [1, 2, 3, 2] {
        state.remember_thread("p", &thread(n)).unwrap();
    }
    assert_eq!(state.recent_threads("p"), [thread(2), thread(3), thread(1)]);
}

#[test]
fn the_list_is_capped() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::at(dir.path().join("state.json"));
    for n in 0..RECENT_THREADS_CAP + 5 {
        state.remember_thread("p", &thread(n)).unwrap();
    }
    let recent = state.recent_threads("p");
    assert_eq!(recent.len(), RECENT_THREADS_CAP);
    assert_eq!(recent[0], thread(RECENT_THREADS_CAP + 4));
    assert!(!recent.contains(&thread(4)));
}

#[cfg(unix)]
#[test]
fn the_state_file_is_private_and_no_temporary_file_is_left() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let state = State::at(dir.path().join("state.json"));
    state.remember_thread("p", &thread(1)).unwrap();
    state.remember_thread("p", &thread(2)).unwrap();
    let mode = std::fs::metadata(state.file())
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["state.json"]);
}

#[test]
fn a_corrupt_state_file_is_replaced_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("state.json");
    std::fs::write(&file, "{not json").unwrap();
    let state = State::at(&file);
    assert!(state.recent_threads("p").is_empty());
    state.remember_thread("p", &thread(1)).unwrap();
    assert_eq!(state.recent_threads("p"), [thread(1)]);
}

#[test]
fn bad_thread_ids_and_tokens_are_not_remembered() {
    let dir = tempfile::tempdir().unwrap();
    let state = State::at(dir.path().join("state.json"));
    assert!(state.remember_thread("p", "  ").is_err());
    assert!(state.remember_thread("p", "19:a b@thread.v2").is_err());
    let err = state.remember_thread("p", SECRET_JWT).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(!state.file().exists());
}

#[tokio::test]
async fn no_secret_lands_in_config_or_state() {
    let dir = tempfile::tempdir().unwrap();
    let config_file = dir.path().join("config.toml");
    std::fs::write(
        &config_file,
        "[profiles.scan]\nendpoint = \"https://scan.communication.azure.com\"\ntoken_env = \"STATE_TEST_SCAN_TOKEN\"\n",
    )
    .unwrap();
    // SAFETY: this variable is set and read by this test only.
    unsafe { std::env::set_var("STATE_TEST_SCAN_TOKEN", SECRET_JWT) };

    let config = Config::load_from(&config_file).unwrap();
    let args = Cli::try_parse_from(["acs-chat-inspector"])
        .unwrap()
        .connection;
    let plan = Plan::from_args_and_profile(&args, Some(config.profile("scan").unwrap())).unwrap();
    let token = resolve(&plan).await.unwrap().token.unwrap();
    assert_eq!(token.expose(), SECRET_JWT);

    let state = State::at(dir.path().join("state/state.json"));
    state.remember_thread("scan", &thread(7)).unwrap();

    for file in [config_file, state.file().to_path_buf()] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains(SECRET_JWT) && !text.contains("eyJ"),
            "{} holds a token",
            file.display()
        );
    }
    assert!(
        std::fs::read_to_string(state.file())
            .unwrap()
            .contains(&thread(7))
    );
}

#[cfg(target_os = "linux")]
#[test]
fn paths_follow_the_xdg_directories() {
    let dir = tempfile::tempdir().unwrap();
    let _env = crate::support::env_lock();
    // SAFETY: every test that reads or sets the XDG variables holds the environment lock.
    unsafe {
        std::env::set_var("XDG_CONFIG_HOME", dir.path().join("cfg"));
        std::env::set_var("XDG_STATE_HOME", dir.path().join("st"));
    }
    assert_eq!(
        Config::path().unwrap(),
        dir.path().join("cfg/acs-chat-inspector/config.toml")
    );
    assert_eq!(
        State::path().unwrap(),
        dir.path().join("st/acs-chat-inspector/state.json")
    );
}
