//! Profiles: parsing, every error a config file can give, and applying a profile to the connection flags.

use std::path::PathBuf;

use std::time::Duration;

use acs_chat_inspector::acs::{AccessToken, AcsError, DEFAULT_API_VERSION};
use acs_chat_inspector::cli::{Cli, ConnectionArgs};
use acs_chat_inspector::config::{Config, Profile, line_column};
use acs_chat_inspector::credentials::{Plan, TokenSource, resolve};
use clap::Parser;

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
