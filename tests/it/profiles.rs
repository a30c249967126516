//! Profiles and remembered state: the config file, its errors, credentials planned from a profile,
//! recent threads, and the TUI's profile picker.

use crate::support::tui::*;
use acs_chat_inspector::acs::AccessToken;
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::acs::DEFAULT_API_VERSION;
use acs_chat_inspector::acs::identity::ConnectionString;
use acs_chat_inspector::acs::identity::MintedToken;
use acs_chat_inspector::cli::Cli;
use acs_chat_inspector::cli::ConnectionArgs;
use acs_chat_inspector::config::Config;
use acs_chat_inspector::config::NO_PROFILE;
use acs_chat_inspector::config::Profile;
use acs_chat_inspector::config::RECENT_THREADS_CAP;
use acs_chat_inspector::config::State;
use acs_chat_inspector::config::line_column;
use acs_chat_inspector::credentials::MintSource as PlanMintSource;
use acs_chat_inspector::credentials::Plan;
use acs_chat_inspector::credentials::Resolved;
use acs_chat_inspector::credentials::TokenSource;
use acs_chat_inspector::credentials::resolve;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::action::Credentials;
use acs_chat_inspector::tui::keymap::action_for_key;
use acs_chat_inspector::tui::state::AppState;
use acs_chat_inspector::tui::state::DetailTab;
use acs_chat_inspector::tui::state::Field;
use acs_chat_inspector::tui::state::Focus;
use acs_chat_inspector::tui::state::LoadStatus;
use acs_chat_inspector::tui::state::MintSource;
use acs_chat_inspector::tui::state::PickerStage;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::tasks::load_profiles;
use acs_chat_inspector::tui::update::Effect;
use acs_chat_inspector::tui::update::Resolve;
use acs_chat_inspector::tui::update::update;
use acs_chat_inspector::tui::view::profiles::EXAMPLE;
use clap::Parser;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;
use ratatui::crossterm::event::KeyEvent;
use ratatui::crossterm::event::KeyModifiers;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

const SECRET_JWT: &str =
    "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOnNlY3JldCJ9.c2lnbmF0dXJlLXZhbHVl";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/config")
        .join(name)
}

fn load_error(name: &str) -> String {
    match Config::load_from(&fixture(name)) {
        Err(AcsError::BadInput(message)) => message,
        other => panic!("{name}: expected a bad-input error, got {other:?}"),
    }
}

/// The token a profile picked in the TUI resolves to.
async fn token_of(profile: &Profile) -> Result<Option<AccessToken>, AcsError> {
    let plan = Plan::from_profile("p", profile, DEFAULT_API_VERSION, Duration::from_secs(30))?;
    Ok(resolve(&plan).await?.token)
}

fn args(argv: &[&str]) -> ConnectionArgs {
    let mut full = vec!["acs-chat-inspector"];
    full.extend_from_slice(argv);
    Cli::try_parse_from(full).unwrap().connection
}

/// Sets a variable no other test uses (each test picks its own name).
fn set_env(name: &str, value: &str) {
    // SAFETY: every variable set in these tests has a name unique to one test, and none is read by
    // another thread while it is being set.
    unsafe { std::env::set_var(name, value) };
}

#[test]
fn the_documented_profiles_parse() {
    let config = Config::load_from(&fixture("good.toml")).unwrap();
    assert_eq!(
        config.profile_names(),
        ["contoso-test", "fabrikam", "staging-mint"]
    );
    let contoso = config.profile("contoso-test").unwrap();
    assert_eq!(
        contoso.endpoint.as_deref(),
        Some("https://contoso-test.communication.azure.com")
    );
    assert_eq!(contoso.api_version.as_deref(), Some("2024-03-07"));
    assert_eq!(contoso.timeout, Some(12.5));
    assert_eq!(contoso.token_env.as_deref(), Some("CONTOSO_TOKEN"));
    let staging = config.profile("staging-mint").unwrap();
    assert_eq!(
        staging.connection_string_env.as_deref(),
        Some("STAGING_CONN")
    );
    assert!(
        staging
            .user
            .as_deref()
            .unwrap()
            .starts_with("8:acs:staging_")
    );
}

#[test]
fn a_missing_file_is_an_empty_config() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config::load_from(&dir.path().join("config.toml")).unwrap();
    assert!(config.profiles.is_empty());
}

#[test]
fn malformed_toml_names_the_file_line_and_column() {
    let message = load_error("malformed.toml");
    assert!(message.contains("malformed.toml"), "{message}");
    assert!(message.contains("line 4, column"), "{message}");
    assert!(!message.contains('\n'), "one line: {message}");
}

#[test]
fn an_unknown_field_is_caught_with_its_line() {
    let message = load_error("unknown_field.toml");
    assert!(message.contains("unknown_field.toml"), "{message}");
    assert!(message.contains("line 3"), "{message}");
    assert!(message.contains("tokn_env"), "{message}");
    assert!(
        message.contains("token_env"),
        "lists the known fields: {message}"
    );
}

#[test]
fn secrets_in_the_config_are_refused_without_repeating_them() {
    for (file, line, key) in [
        ("secret_token.toml", "line 3", "profiles.contoso-test.token"),
        (
            "secret_endpoint.toml",
            "line 3",
            "profiles.contoso-test.endpoint",
        ),
        ("secret_in_command.toml", "line 3", "token_command"),
    ] {
        let message = load_error(file);
        assert!(message.contains(file), "{message}");
        assert!(message.contains(line), "{file}: {message}");
        assert!(message.contains(key), "{file}: {message}");
        assert!(message.contains("never holds secrets"), "{message}");
        assert!(!message.contains("eyJza3lw"), "the token leaked: {message}");
        assert!(!message.contains("c2VjcmV0"), "the key leaked: {message}");
    }
}

#[test]
fn conflicting_sources_and_plain_http_are_refused() {
    let message = load_error("two_sources.toml");
    assert!(message.contains("contoso-test"), "{message}");
    assert!(message.contains("only one of"), "{message}");
    let message = load_error("plain_http.toml");
    assert!(message.contains("refusing plain http"), "{message}");
}

#[test]
fn an_unknown_profile_lists_the_known_ones() {
    let config = Config::load_from(&fixture("good.toml")).unwrap();
    let message = config.profile("prod").unwrap_err().to_string();
    assert!(message.contains("\"prod\""), "{message}");
    assert!(message.contains("good.toml"), "{message}");
    assert!(
        message.contains("known profiles: contoso-test, fabrikam, staging-mint"),
        "{message}"
    );
    let empty = Config::parse("").unwrap();
    let message = empty.profile("prod").unwrap_err().to_string();
    assert!(message.contains("no profiles yet"), "{message}");
}

#[test]
fn line_and_column_count_characters() {
    let text = "a\nbé = 1\n";
    assert_eq!(line_column(text, 0), (1, 1));
    assert_eq!(line_column(text, 2), (2, 1));
    assert_eq!(line_column(text, text.find('=').unwrap()), (2, 4));
}

#[tokio::test]
async fn a_profile_fills_what_the_command_line_left_open() {
    set_env("CFG_TEST_TOKEN_FILL", SECRET_JWT);
    let profile = Profile {
        endpoint: Some("https://contoso-test.communication.azure.com".into()),
        api_version: Some("2024-03-07".into()),
        timeout: Some(5.0),
        token_env: Some("CFG_TEST_TOKEN_FILL".into()),
        ..Profile::default()
    };
    let open = Plan::from_args_and_profile(&args(&[]), Some(&profile)).unwrap();
    assert_eq!(
        open.endpoint.as_deref(),
        Some("https://contoso-test.communication.azure.com")
    );
    assert_eq!(open.api_version, "2024-03-07");
    assert_eq!(open.timeout, Duration::from_secs(5));
    assert_eq!(open.token, TokenSource::Env("CFG_TEST_TOKEN_FILL".into()));
    let token = resolve(&open).await.unwrap().token.unwrap();
    assert_eq!(token.expose(), SECRET_JWT);

    let given = args(&[
        "--endpoint",
        "https://other.communication.azure.com",
        "--api-version",
        "2023-11-07",
        "--timeout",
        "9",
        "--token",
        "cmdline-token",
    ]);
    let given = Plan::from_args_and_profile(&given, Some(&profile)).unwrap();
    assert_eq!(
        given.endpoint.as_deref(),
        Some("https://other.communication.azure.com")
    );
    assert_eq!(given.api_version, "2023-11-07");
    assert_eq!(given.timeout, Duration::from_secs(9));
    assert_eq!(
        given.token,
        TokenSource::Given(AccessToken::new("cmdline-token"))
    );
}

#[tokio::test]
async fn token_command_output_is_trimmed_and_its_failure_explained() {
    let profile = Profile {
        token_command: Some("printf '  cmd-token\\n'".into()),
        ..Profile::default()
    };
    let token = token_of(&profile).await.unwrap().unwrap();
    assert_eq!(token.expose(), "cmd-token");
    assert!(!format!("{token:?}").contains("cmd-token"));

    let failing = Profile {
        token_command: Some("echo 'az: not logged in' >&2; exit 3".into()),
        ..Profile::default()
    };
    let err = token_of(&failing).await.unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(err.to_string().contains("az: not logged in"), "{err}");

    let silent = Profile {
        token_command: Some("true".into()),
        ..Profile::default()
    };
    let err = token_of(&silent).await.unwrap_err().to_string();
    assert!(err.contains("printed nothing"), "{err}");
}

#[tokio::test]
async fn an_unset_token_env_names_the_variable() {
    let profile = Profile {
        token_env: Some("CFG_TEST_NEVER_SET".into()),
        ..Profile::default()
    };
    let err = token_of(&profile).await.unwrap_err().to_string();
    assert!(err.contains("CFG_TEST_NEVER_SET"), "{err}");
    assert_eq!(token_of(&Profile::default()).await.unwrap(), None);
}

#[test]
fn a_connection_string_profile_takes_its_endpoint_from_the_connection_string() {
    set_env(
        "CFG_TEST_CONN",
        "endpoint=https://staging.communication.azure.com/;accesskey=c2VjcmV0LWtleS12YWx1ZQ==",
    );
    let profile = Profile {
        connection_string_env: Some("CFG_TEST_CONN".into()),
        user: Some("8:acs:staging_u1".into()),
        ..Profile::default()
    };
    let open = Plan::from_args_and_profile(&args(&[]), Some(&profile)).unwrap();
    assert_eq!(
        open.endpoint.as_deref(),
        Some("https://staging.communication.azure.com")
    );
    assert_eq!(
        open.token,
        TokenSource::Mint(Some("8:acs:staging_u1".into()))
    );
    assert!(open.mint_source.is_some());
    let debug = format!("{open:?}");
    assert!(
        !debug.contains("c2VjcmV0"),
        "the key reached the plan: {debug}"
    );
}

#[cfg(target_os = "linux")]
#[tokio::test]
async fn the_profile_flag_reads_the_config_file_in_its_usual_place() {
    let dir = tempfile::tempdir().unwrap();
    let app_dir = dir.path().join("acs-chat-inspector");
    std::fs::create_dir_all(&app_dir).unwrap();
    std::fs::copy(fixture("good.toml"), app_dir.join("config.toml")).unwrap();
    let (unknown, known, none) = {
        let _env = crate::support::env_lock();
        // SAFETY: every test that reads or sets the XDG variables holds the environment lock.
        unsafe { std::env::set_var("XDG_CONFIG_HOME", dir.path()) };
        (
            Plan::from_args(&args(&["--profile", "prod"])),
            Plan::from_args(&args(&["--profile", "fabrikam"])).unwrap(),
            Plan::from_args(&args(&[])).unwrap(),
        )
    };
    let message = unknown.unwrap_err().to_string();
    assert!(
        message.contains("known profiles: contoso-test, fabrikam"),
        "{message}"
    );
    assert_eq!(
        known.endpoint.as_deref(),
        Some("https://fabrikam.communication.azure.com/")
    );
    let token = resolve(&known).await.unwrap().token.unwrap();
    assert_eq!(token.expose(), "fabrikam-token");

    assert!(none.endpoint.is_none() && none.token == TokenSource::None);
}

const STATE_SECRET_JWT: &str =
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
    let err = state.remember_thread("p", STATE_SECRET_JWT).unwrap_err();
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
    unsafe { std::env::set_var("STATE_TEST_SCAN_TOKEN", STATE_SECRET_JWT) };

    let config = Config::load_from(&config_file).unwrap();
    let args = Cli::try_parse_from(["acs-chat-inspector"])
        .unwrap()
        .connection;
    let plan = Plan::from_args_and_profile(&args, Some(config.profile("scan").unwrap())).unwrap();
    let token = resolve(&plan).await.unwrap().token.unwrap();
    assert_eq!(token.expose(), STATE_SECRET_JWT);

    let state = State::at(dir.path().join("state/state.json"));
    state.remember_thread("scan", &thread(7)).unwrap();

    for file in [config_file, state.file().to_path_buf()] {
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            !text.contains(STATE_SECRET_JWT) && !crate::support::tokens::holds_jwt(&text),
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

const CONFIG: &str = r#"
[profiles.contoso-test]
endpoint = "https://contoso-test.communication.azure.com"
api_version = "2024-03-07"
timeout = 7.5
token_env = "CONTOSO_TEST_TOKEN"

[profiles.fabrikam-prod]
endpoint = "https://fabrikam.communication.azure.com"
connection_string_env = "FABRIKAM_CONN"
user = "8:acs:fabrikam_0001"
"#;

/// The request id and the profile of the effect that resolves a picked profile.
fn resolving(
    effects: Vec<Effect>,
) -> (
    u64,
    String,
    acs_chat_inspector::config::Profile,
    std::time::Duration,
    Option<std::path::PathBuf>,
) {
    match effects.into_iter().last() {
        Some(Effect::Resolve {
            request_id,
            resolve:
                Resolve::Profile {
                    name,
                    profile,
                    timeout,
                    state_file,
                    ..
                },
        }) => (request_id, name, profile, timeout, state_file),
        other => panic!("no profile being resolved: {other:?}"),
    }
}

/// The answer of a profile's credentials.
fn resolved(request_id: u64, plan: Plan, resolved: Resolved, recent: Vec<String>) -> Action {
    answer(
        request_id,
        Answer::Credentials(Ok(Credentials {
            plan,
            resolved,
            recent_threads: Some(recent),
            then_fetch: false,
        })),
    )
}

fn enter(s: &mut AppState) -> Vec<Effect> {
    let key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    action_for_key(s, key).map_or_else(Vec::new, |a| update(s, a))
}

/// A state whose config and state files live in `dir`, with `config` written there (if any).
fn state_in(dir: &Path, config: Option<&str>) -> AppState {
    let mut s = state(80, 24);
    let config_file = dir.join("config.toml");
    if let Some(text) = config {
        std::fs::write(&config_file, text).unwrap();
    }
    s.settings.config_file = Some(config_file);
    s.settings.state_file = Some(dir.join("state").join("state.json"));
    s.focus = Focus::Timeline;
    s
}

/// `P`, then the config file read as the task runner reads it.
fn open_picker(s: &mut AppState) {
    let effects = press(s, KeyCode::Char('P'));
    let [Effect::LoadProfiles { path }] = &effects[..] else {
        panic!("P should read the config file: {effects:?}");
    };
    assert_eq!(Some(path), s.settings.config_file.as_ref());
    update(s, load_profiles(path.clone()));
}

/// The screen with the temporary directory's name replaced, so snapshots are stable.
fn screen(s: &AppState, dir: &Path) -> String {
    render(s).replace(&dir.display().to_string(), "<dir>")
}

#[test]
fn the_picker_lists_the_profiles_of_the_config_file_and_shows_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    for text in [
        "contoso-test",
        "https://contoso-test.communication.azure.com",
        "token from $CONTOSO_TEST_TOKEN",
        "api 2024-03-07",
        "fabrikam-prod",
        "minting a token for 8:acs:fabrikam_0001 from $FABRIKAM_CONN",
        "<dir>/config.toml",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    assert_snapshot!(screen);
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(s.overlays.picker().as_ref().unwrap().selected, 1);
    press(&mut s, KeyCode::Char('P'));
    assert!(s.overlays.picker().is_none(), "P closes the picker");
}

#[test]
fn a_malformed_config_is_explained_in_the_picker_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken =
        "[profiles.a]\nendpoint = \"https://a.communication.azure.com\"\ntimeout = \"soon\n";
    let mut s = state_in(dir.path(), Some(broken));
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    assert!(
        screen.contains("cannot be used") && screen.contains("<dir>/config.toml: line 3"),
        "{screen}"
    );
    assert_snapshot!(screen);
    assert!(enter(&mut s).is_empty(), "nothing to apply");
    assert!(s.profile.is_none());
}

#[test]
fn without_a_config_file_the_picker_shows_where_to_create_it_and_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    assert!(
        screen.contains("No profiles: create <dir>/config.toml"),
        "{screen}"
    );
    for line in EXAMPLE {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn applying_a_profile_sets_the_connection_and_masks_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    s.set_value(Field::Token, "token-of-another-resource");
    open_picker(&mut s);
    let (request_id, name, profile, timeout, state_file) = resolving(enter(&mut s));
    assert_eq!(name, "contoso-test");
    assert_eq!(state_file, s.settings.state_file);
    assert_eq!(
        s.value(Field::Token),
        "token-of-another-resource",
        "nothing applies before the profile's token is in"
    );

    let recent = vec!["19:recent-1@thread.v2".to_string(), THREAD_ID.to_string()];
    let plan = Plan::from_profile(&name, &profile, "2025-03-15", timeout).unwrap();
    let token_given = Resolved {
        token: Some(AccessToken::new(token())),
        minted: None,
    };
    update(
        &mut s,
        resolved(request_id, plan, token_given, recent.clone()),
    );
    assert_eq!(
        s.value(Field::Endpoint),
        "https://contoso-test.communication.azure.com"
    );
    assert_eq!(s.settings.api_version, "2024-03-07");
    assert_eq!(s.settings.timeout.as_secs_f64(), 7.5);
    assert_eq!(s.settings.remember_as.as_deref(), Some("contoso-test"));
    assert_eq!(s.profile.as_deref(), Some("contoso-test"));
    assert_eq!(s.value(Field::Token), token());
    assert_eq!(s.recent.ids, recent);
    let screen = render(&s);
    assert!(
        !screen.contains(&token()[..20]),
        "token in clear:\n{screen}"
    );
    assert!(screen.contains("19:recent-1@thread.v2"), "{screen}");
    assert!(
        matches!(&s.overlays.picker().as_ref().unwrap().stage, PickerStage::Threads(n) if n == "contoso-test")
    );

    // The second recent thread opens from the picker.
    press(&mut s, KeyCode::Char('j'));
    let effects = enter(&mut s);
    assert!(s.overlays.picker().is_none());
    assert_eq!(s.value(Field::Thread), THREAD_ID);
    assert!(effects.iter().any(|e| matches!(e, Effect::Fetch { .. })));
}

/// A profile whose token cannot be had changes nothing: the endpoint, token, settings and data in
/// use stay, and the picker says so (it used to apply the endpoint and keep the old data).
#[test]
fn a_failed_token_source_is_shown_and_nothing_of_the_profile_applies() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = loaded(80, 24, false);
    let config_file = dir.path().join("config.toml");
    std::fs::write(&config_file, CONFIG).unwrap();
    s.settings.config_file = Some(config_file);
    open_picker(&mut s);
    let (request_id, ..) = resolving(enter(&mut s));
    let error = acs_chat_inspector::acs::AcsError::BadInput(
        "the profile's token_env CONTOSO_TEST_TOKEN is not set: export it with an access token"
            .into(),
    );
    update(&mut s, answer(request_id, Answer::Credentials(Err(error))));
    assert!(matches!(s.status(Slot::Credentials), LoadStatus::Failed(_)));
    let screen = render(&s);
    assert!(
        screen.contains("CONTOSO_TEST_TOKEN is not set") && screen.contains("not applied"),
        "{screen}"
    );
    assert!(screen.contains("stay as they were"), "{screen}");
    assert_eq!(s.value(Field::Endpoint), "http://127.0.0.1:8080");
    assert_eq!(s.value(Field::Token), token());
    assert_eq!(s.settings.api_version, "2025-03-15");
    assert_eq!(s.profile, None);
    assert!(
        s.thread.is_some() && s.timeline.data.loaded() == 8,
        "the data stays"
    );
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("not applied (nothing changed)")
    );
}

/// A connection-string profile without a user names no token: the picker says so rather than
/// "token set" (and a fetch then saying "no token").
#[test]
fn a_profile_without_a_token_never_says_token_set() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    let (request_id, name, profile, timeout, _) = resolving(enter(&mut s));
    let mut plan = Plan::from_profile(&name, &profile, "2025-03-15", timeout).unwrap();
    plan.token = acs_chat_inspector::credentials::TokenSource::None;
    update(
        &mut s,
        resolved(request_id, plan, Resolved::default(), vec![]),
    );
    let screen = render(&s);
    assert!(!screen.contains("token set"), "{screen}");
    assert!(screen.contains("applied without a token"), "{screen}");
}

fn conn() -> Arc<ConnectionString> {
    Arc::new(
        ConnectionString::parse("endpoint=http://127.0.0.1:9/;accesskey=a2V5LWJ5dGVz").unwrap(),
    )
}

/// The demo thread loaded, a connection string at hand, the Participants tab open on Jane.
fn with_participants() -> AppState {
    let mut s = loaded(100, 30, false);
    s.identity.mint_source = Some(MintSource {
        conn: conn(),
        origin: "connection string in $ACS_CONN".into(),
    });
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    s
}

fn minted(token: &str, hours: i64) -> MintedToken {
    MintedToken {
        token: AccessToken::new(token),
        expires_on: now() + chrono::Duration::hours(hours),
        user: JANE.into(),
    }
}

/// `m` on Jane, answered with a token valid for 23 hours; returns the refresh timer's id.
fn mint_for_jane(s: &mut AppState) -> u64 {
    let effects = press(s, KeyCode::Char('m'));
    let [
        Effect::Mint {
            request_id, user, ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(user, JANE);
    let effects = update(
        s,
        answer(*request_id, Answer::Minted(Ok(minted(&token(), 23)))),
    );
    match &effects[..] {
        [
            Effect::RefreshToken {
                request_id,
                at,
                user,
                ..
            },
        ] => {
            assert_eq!(
                *at,
                now() + chrono::Duration::hours(23) - chrono::Duration::minutes(5)
            );
            assert_eq!(user, JANE);
            *request_id
        }
        other => panic!("one refresh timer expected: {other:?}"),
    }
}

#[test]
fn m_mints_for_the_selected_participant_and_the_token_tab_says_for_whom_and_until_when() {
    let mut s = with_participants();
    let screen = render(&s);
    assert!(screen.contains("m mints a token"), "{screen}");
    mint_for_jane(&mut s);
    assert_eq!(s.value(Field::Token), token());
    assert!(s.notice.as_ref().unwrap().text.contains("acting as Jane"));
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(
        screen.contains("for Jane (8:acs:") && screen.contains("(in 23 h)"),
        "{screen}"
    );
    assert!(screen.contains("automatic, at"), "{screen}");
    assert!(
        !screen.contains(&token()[..20]),
        "token in clear:\n{screen}"
    );
    // Whatever shows, the identity in use stays on screen (it used to be in one notice only).
    s.notify(
        acs_chat_inspector::tui::state::Level::Info,
        "another notice",
    );
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    let screen = render(&s);
    assert!(screen.contains("acting as Jane (8:acs:"), "{screen}");
}

#[test]
fn m_says_why_it_cannot_mint() {
    let mut s = loaded(100, 30, false);
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    assert!(press(&mut s, KeyCode::Char('m')).is_empty());
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("no connection string"),
        "{:?}",
        s.notice
    );
    let mut s = with_participants();
    update(&mut s, Action::ScrollDown);
    update(&mut s, Action::ScrollDown);
    assert!(
        press(&mut s, KeyCode::Char('m')).is_empty(),
        "a phone number has no token"
    );
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("not an ACS user id")
    );
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    assert!(press(&mut s, KeyCode::Char('m')).is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("Participants tab"));
}

#[test]
fn the_refresh_timer_replaces_the_token_and_sets_the_next_one() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.now = now() + chrono::Duration::hours(23) - chrono::Duration::minutes(5);
    let fresh = token_valid_now();
    let mut refreshed = minted(&fresh, 48);
    refreshed.expires_on = s.now + chrono::Duration::hours(23);
    let stale = update(
        &mut s,
        answer(timer + 100, Answer::Refreshed(Ok(refreshed.clone()))),
    );
    assert!(
        stale.is_empty() && s.value(Field::Token) == token(),
        "not ours"
    );
    let effects = update(&mut s, answer(timer, Answer::Refreshed(Ok(refreshed))));
    assert_eq!(s.value(Field::Token), fresh);
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("token refreshed for Jane") && notice.contains("(in 23 h)"),
        "{notice}"
    );
    match &effects[..] {
        [Effect::RefreshToken { at, request_id, .. }] => {
            assert_eq!(
                *at,
                s.now + chrono::Duration::hours(23) - chrono::Duration::minutes(5)
            );
            assert_ne!(*request_id, timer);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_refresh_shows_its_hint_and_tries_again_while_the_token_works() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.now = now() + chrono::Duration::hours(23) - chrono::Duration::minutes(5);
    let effects = update(
        &mut s,
        answer(
            timer,
            Answer::Refreshed(Err(service_error(401, Some("Denied"), Some("Denied.")))),
        ),
    );
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("token refresh for Jane") && notice.contains("access key is wrong"),
        "{notice}"
    );
    assert_eq!(s.value(Field::Token), token(), "the old token stays");
    assert!(
        matches!(&effects[..], [Effect::RefreshToken { at, .. }] if *at == s.now + chrono::Duration::minutes(1))
    );
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(screen.contains("Refresh      failed"), "{screen}");
}

#[test]
fn a_token_typed_by_hand_stops_the_refresh_of_the_minted_one() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.focus = Focus::Field(Field::Token);
    let effects = update(&mut s, Action::Paste("x".into()));
    assert!(
        matches!(&effects[..], [Effect::Cancel(id)] if *id == timer),
        "{effects:?}"
    );
    assert!(s.identity.minted.is_none());
}

#[test]
fn a_token_minted_at_startup_gets_its_refresh_timer_when_the_app_starts() {
    let mut s = filled(80, 24, false);
    s.identity.mint_source = Some(MintSource {
        conn: conn(),
        origin: "connection string in $ACS_CONN".into(),
    });
    s.identity.minted = Some(acs_chat_inspector::tui::state::Minted {
        user: JANE.into(),
        name: None,
        expires_on: now() + chrono::Duration::hours(1),
        refresh_id: None,
        refresh_error: None,
    });
    let effects = acs_chat_inspector::tui::app::start(&mut s);
    let timers: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RefreshToken { at, .. } => Some(*at),
            _ => None,
        })
        .collect();
    assert_eq!(timers, [now() + chrono::Duration::minutes(55)]);
    assert!(effects.iter().any(|e| matches!(e, Effect::Fetch { .. })));
}

#[test]
fn p_and_m_are_keys_outside_fields_and_typed_inside_them() {
    let mut s = state(80, 24);
    s.focus = Focus::Field(Field::Thread);
    press(&mut s, KeyCode::Char('P'));
    press(&mut s, KeyCode::Char('m'));
    assert_eq!(s.value(Field::Thread), "Pm");
    assert!(s.overlays.picker().is_none());
    let help: String = acs_chat_inspector::tui::view::help::lines(500)
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect();
    assert!(help.contains("In the profile picker") && help.contains("mint a token"));
}

#[test]
fn a_profile_with_a_connection_string_mints_for_its_user_and_sets_the_refresh_timer() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    press(&mut s, KeyCode::Char('j'));
    let (request_id, name, profile, timeout, _) = resolving(enter(&mut s));
    assert_eq!(name, "fabrikam-prod");
    let mut fresh = minted(&token(), 23);
    fresh.user = "8:acs:fabrikam_0001".into();
    // The plan the task makes once it has read $FABRIKAM_CONN.
    let mut plan = Plan::from_profile(
        &name,
        &acs_chat_inspector::config::Profile {
            connection_string_env: None,
            ..profile
        },
        "2025-03-15",
        timeout,
    )
    .unwrap();
    plan.mint_source = Some(PlanMintSource {
        conn: conn(),
        origin: "profile fabrikam-prod".into(),
    });
    let minting = Resolved {
        token: Some(fresh.token.clone()),
        minted: Some(fresh),
    };
    let effects = update(&mut s, resolved(request_id, plan, minting, vec![]));
    assert!(
        matches!(&effects[..], [Effect::RefreshToken { user, at, .. }]
            if user == "8:acs:fabrikam_0001" && *at == now() + chrono::Duration::hours(23) - chrono::Duration::minutes(5)),
        "{effects:?}"
    );
    assert_eq!(s.value(Field::Token), token());
    assert_eq!(
        s.identity.minted.as_ref().unwrap().user,
        "8:acs:fabrikam_0001"
    );
    assert!(
        s.identity.mint_source.is_some(),
        "m can mint for participants too"
    );
}

#[test]
fn a_fetch_after_the_refresh_was_due_restarts_the_timer_at_once() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    // The machine slept through the timer (it sleeps on the monotonic clock).
    s.now = now() + chrono::Duration::hours(23);
    s.focus = Focus::Timeline;
    let effects = update(&mut s, Action::Fetch);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel(id) if *id == timer))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RefreshToken { at, .. } if *at == s.now)),
        "{effects:?}"
    );
    // Before it is due, a fetch leaves the timer alone.
    let mut s = with_participants();
    mint_for_jane(&mut s);
    let effects = update(&mut s, Action::Fetch);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RefreshToken { .. }))
    );
}
