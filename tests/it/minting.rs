//! Minting tokens from a connection string: the Identity API's signatures, errors and refresh,
//! `token mint`, and minting for a participant in the TUI's real loop.

use crate::support::tui::EMULATED_PROFILE;
use crate::support::tui::Emulated;
use crate::support::tui::render_at;
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::acs::Endpoint;
use acs_chat_inspector::acs::endpoint::encode_segment;
use acs_chat_inspector::acs::identity::ConnectionString;
use acs_chat_inspector::acs::identity::IdentityClient;
use acs_chat_inspector::acs::identity::TokenRefresher;
use acs_chat_inspector::acs::identity::authorization_header;
use acs_chat_inspector::acs::identity::content_hash;
use acs_chat_inspector::acs::identity::host_header;
use acs_chat_inspector::acs::identity::http_date;
use acs_chat_inspector::acs::identity::identity_hint;
use acs_chat_inspector::acs::identity::path_and_query;
use acs_chat_inspector::acs::identity::sign_request;
use acs_chat_inspector::acs::identity::signature;
use acs_chat_inspector::acs::identity::string_to_sign;
use acs_chat_inspector::acs::identity::verify_signature;
use acs_chat_inspector::acs::token::decode_token;
use acs_chat_inspector::cli::Cli;
use acs_chat_inspector::config::State;
use acs_chat_inspector::credentials::mint;
use acs_chat_inspector::emulator;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::identity::IdentityState;
use acs_chat_inspector::emulator::identity::connection_string;
use acs_chat_inspector::emulator::identity::random_access_key;
use acs_chat_inspector::emulator::identity::router;
use acs_chat_inspector::headless::token::mint_token as mint_for_cli;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::AppState;
use acs_chat_inspector::tui::state::DetailTab;
use acs_chat_inspector::tui::state::Field;
use acs_chat_inspector::tui::state::Focus;
use acs_chat_inspector::tui::state::LoadStatus;
use acs_chat_inspector::tui::state::MintSource;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::update::Effect;
use base64::Engine;
use chrono::DateTime;
use chrono::TimeZone;
use chrono::Utc;
use clap::Parser;
use std::path::Path;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::Mutex;
use std::sync::atomic::AtomicUsize;
use std::sync::atomic::Ordering;
use std::time::Duration;
use url::Url;

const KEY: &[u8] = b"loopback-identity-test-key-0123456789";
const RESOURCE: &str = "emulated-resource";

/// The Identity API on 127.0.0.1, with a token maker that counts and whose clock the test sets.
struct Harness {
    conn: ConnectionString,
    issued: Arc<AtomicUsize>,
    clock: Arc<Mutex<DateTime<Utc>>>,
}

impl Harness {
    async fn start() -> Self {
        let issued = Arc::new(AtomicUsize::new(0));
        let clock = Arc::new(Mutex::new(Utc::now()));
        let (count, now) = (issued.clone(), clock.clone());
        let state = IdentityState {
            access_key: KEY.to_vec(),
            resource_id: RESOURCE.to_string(),
            issue: Arc::new(move |user: &str, lifetime: Duration| {
                let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                let issued_at = *now.lock().unwrap();
                (
                    format!("minted-token-{n}-for-{user}"),
                    issued_at + chrono::Duration::from_std(lifetime).unwrap(),
                )
            }),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, router(state)).await });
        let conn = ConnectionString::parse(&connection_string(addr, KEY)).unwrap();
        Self {
            conn,
            issued,
            clock,
        }
    }

    fn client(&self) -> IdentityClient {
        IdentityClient::new(self.conn.clone(), Duration::from_secs(5)).unwrap()
    }

    fn client_with_key(&self, key: &[u8]) -> IdentityClient {
        let mut conn = self.conn.clone();
        conn.access_key = key.to_vec();
        IdentityClient::new(conn, Duration::from_secs(5)).unwrap()
    }

    /// `path` may carry a query (`identities?api-version=...`).
    fn url(&self, path: &str) -> url::Url {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut url = self.conn.endpoint.join(path);
        url.set_query(Some(query).filter(|q| !q.is_empty()));
        url
    }
}

fn set_env(name: &str, value: &str) {
    // SAFETY: each variable is set by one test only, under a name no other test reads.
    unsafe { std::env::set_var(name, value) };
}

#[tokio::test]
async fn a_new_user_gets_a_raw_id_of_the_resource() {
    let h = Harness::start().await;
    let user = h.client().create_user().await.unwrap();
    let suffix = user
        .strip_prefix(&format!("8:acs:{RESOURCE}_"))
        .unwrap_or_else(|| panic!("{user}"));
    assert_eq!(suffix.len(), 36, "{user}");
    assert_eq!(h.issued.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn the_right_key_issues_a_chat_token_for_an_existing_user() {
    let h = Harness::start().await;
    let user = format!("8:acs:{RESOURCE}_0000001a-2b3c");
    let minted = h.client().issue_token(&user, &["chat"]).await.unwrap();
    assert_eq!(minted.user, user);
    assert_eq!(minted.token.expose(), format!("minted-token-1-for-{user}"));
    let issued_at = *h.clock.lock().unwrap();
    let lifetime = minted.expires_on - issued_at;
    assert!(
        (lifetime - chrono::Duration::hours(24)).num_seconds().abs() <= 1,
        "{lifetime}"
    );
    assert!(!format!("{minted:?}").contains("minted-token"));
    let json = minted.to_json();
    assert_eq!(json["user"], user.as_str());
    assert_eq!(json["token"], minted.token.expose());
    assert!(json["expiresOn"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn a_new_user_and_token_in_one_request() {
    let h = Harness::start().await;
    let minted = mint(&h.conn, None, Duration::from_secs(30)).await.unwrap();
    assert!(minted.user.starts_with(&format!("8:acs:{RESOURCE}_")));
    assert!(minted.token.expose().ends_with(&minted.user));
    assert_eq!(h.issued.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_wrong_key_gets_401_with_a_hint_about_the_key() {
    let h = Harness::start().await;
    let err = h
        .client_with_key(b"a rotated key")
        .issue_token(&format!("8:acs:{RESOURCE}_u"), &["chat"])
        .await
        .unwrap_err();
    let AcsError::Service(service) = &err else {
        panic!("expected a service error, got {err:?}");
    };
    assert_eq!(service.status, 401);
    assert_eq!(service.code.as_deref(), Some("Denied"));
    assert!(
        service
            .ms_cv
            .as_deref()
            .is_some_and(|cv| cv.ends_with(".2.0"))
    );
    assert_eq!(err.exit_code(), 3);
    assert!(identity_hint(&err).contains("access key is wrong or was rotated"));
    assert_eq!(h.issued.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_identity_of_another_resource_is_not_found() {
    let h = Harness::start().await;
    let err = h
        .client()
        .issue_token("8:acs:other-resource_u", &["chat"])
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(404));
    assert!(identity_hint(&err).contains("No such identity"));
}

/// Sends a request signed at `signed_at` over `signed_body`, carrying `sent_body`.
async fn raw_post(
    h: &Harness,
    path: &str,
    signed_at: DateTime<Utc>,
    signed_body: &[u8],
    sent_body: &[u8],
) -> reqwest::Response {
    let url = h.url(path);
    let signed = sign_request(KEY, "POST", &url, signed_body, signed_at);
    let mut request = reqwest::Client::new().post(url).body(sent_body.to_vec());
    for (name, value) in signed.headers() {
        request = request.header(name, value);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn stale_dates_and_altered_bodies_are_denied() {
    let h = Harness::start().await;
    let path = "identities?api-version=2023-10-01";
    let good = raw_post(&h, path, Utc::now(), b"{}", b"{}").await;
    assert_eq!(good.status(), 201);
    assert!(good.headers().contains_key("ms-cv"));
    assert!(good.headers().contains_key("request-context"));

    let stale = Utc::now() - chrono::Duration::minutes(20);
    let old = raw_post(&h, path, stale, b"{}", b"{}").await;
    assert_eq!(old.status(), 401);
    let body: serde_json::Value = old.json().await.unwrap();
    assert_eq!(body["error"]["code"], "Denied");

    let altered = raw_post(
        &h,
        path,
        Utc::now(),
        b"{}",
        br#"{"createTokenWithScopes":["chat"]}"#,
    )
    .await;
    assert_eq!(altered.status(), 401);

    let unsigned = reqwest::Client::new()
        .post(h.url(path))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), 401);
}

#[tokio::test]
async fn bad_versions_scopes_and_bodies_are_rejected() {
    let h = Harness::start().await;
    let now = Utc::now();
    let wrong_version = raw_post(&h, "identities?api-version=1999-01-01", now, b"{}", b"{}").await;
    assert_eq!(wrong_version.status(), 400);
    let no_version = raw_post(&h, "identities", now, b"{}", b"{}").await;
    assert_eq!(no_version.status(), 400);
    let path = "identities/8%3Aacs%3Aemulated-resource_u/:issueAccessToken?api-version=2023-10-01";
    let bad_scope = br#"{"scopes":["admin"]}"#;
    assert_eq!(
        raw_post(&h, path, now, bad_scope, bad_scope).await.status(),
        400
    );
    let no_scope = br#"{"scopes":[]}"#;
    assert_eq!(
        raw_post(&h, path, now, no_scope, no_scope).await.status(),
        400
    );
    let not_json = b"scopes=chat";
    assert_eq!(
        raw_post(&h, path, now, not_json, not_json).await.status(),
        400
    );
    let ok = br#"{"scopes":["chat"],"expiresInMinutes":60}"#;
    let answer = raw_post(&h, path, now, ok, ok).await;
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(
        body["token"],
        "minted-token-1-for-8:acs:emulated-resource_u"
    );
    let other_op =
        "identities/8%3Aacs%3Aemulated-resource_u/:revokeAccessTokens?api-version=2023-10-01";
    assert_eq!(
        raw_post(&h, other_op, now, b"{}", b"{}").await.status(),
        404
    );
}

#[tokio::test]
async fn the_refresher_issues_again_only_within_five_minutes_of_expiry() {
    let h = Harness::start().await;
    let t0 = Utc.with_ymd_and_hms(2026, 11, 23, 9, 0, 0).unwrap();
    *h.clock.lock().unwrap() = t0;
    let mut refresher = TokenRefresher::new(h.client(), None);
    assert!(refresher.needs_refresh(t0));
    assert_eq!(refresher.user(), None);
    let first = refresher.token(t0).await.unwrap().clone();
    assert_eq!(first.expires_on, t0 + chrono::Duration::hours(24));
    assert_eq!(h.issued.load(Ordering::SeqCst), 1);

    let six_minutes_left = first.expires_on - chrono::Duration::minutes(6);
    let same = refresher.token(six_minutes_left).await.unwrap().clone();
    assert_eq!(same, first);
    assert_eq!(h.issued.load(Ordering::SeqCst), 1);

    let four_minutes_left = first.expires_on - chrono::Duration::minutes(4);
    *h.clock.lock().unwrap() = four_minutes_left;
    let fresh = refresher.token(four_minutes_left).await.unwrap().clone();
    assert_eq!(h.issued.load(Ordering::SeqCst), 2);
    assert_ne!(fresh.token, first.token);
    assert_eq!(fresh.user, first.user, "the identity created first is kept");
    assert_eq!(refresher.user(), Some(first.user.as_str()));
    assert_eq!(
        fresh.expires_on,
        four_minutes_left + chrono::Duration::hours(24)
    );
    assert!(!refresher.needs_refresh(four_minutes_left));
}

#[tokio::test]
async fn token_mint_reads_the_connection_string_from_the_named_variable() {
    let h = Harness::start().await;
    set_env("MINT_TEST_CONN", &h.conn.to_connection_string());
    let user = format!("8:acs:{RESOURCE}_picked-participant");
    let cli = Cli::try_parse_from([
        "acs-chat-inspector",
        "token",
        "mint",
        "--connection-string-env",
        "MINT_TEST_CONN",
        "--user",
        &user,
    ])
    .unwrap();
    let minted = mint_for_cli(&cli).await.unwrap();
    assert_eq!(minted.user, user);

    let new_identity = Cli::try_parse_from([
        "acs-chat-inspector",
        "token",
        "mint",
        "--connection-string-env",
        "MINT_TEST_CONN",
    ])
    .unwrap();
    let minted = mint_for_cli(&new_identity).await.unwrap();
    assert!(minted.user.starts_with(&format!("8:acs:{RESOURCE}_")));
    assert_ne!(minted.user, user);
}

#[tokio::test]
async fn token_mint_input_errors_exit_2_before_any_request() {
    let cases: [(&[&str], &str); 3] = [
        (
            &["--connection-string-env", "MINT_TEST_UNSET_VAR"],
            "MINT_TEST_UNSET_VAR is not set",
        ),
        (&[], "needs --connection-string-env"),
        (
            &[
                "--connection-string-env",
                "MINT_TEST_UNSET_VAR",
                "--user",
                "19:x@thread.v2",
            ],
            "not an ACS user id",
        ),
    ];
    for (flags, expected) in cases {
        let mut argv = vec!["acs-chat-inspector", "token", "mint"];
        argv.extend_from_slice(flags);
        let cli = Cli::try_parse_from(argv).unwrap();
        let err = mint_for_cli(&cli).await.unwrap_err();
        assert_eq!(err.exit_code(), 2, "{flags:?}: {err}");
        assert!(err.to_string().contains(expected), "{flags:?}: {err}");
    }
}

#[tokio::test]
async fn a_garbled_connection_string_names_its_variable() {
    set_env(
        "MINT_TEST_GARBLED",
        "endpoint=https://x.communication.azure.com/;accesskey=***",
    );
    let cli = Cli::try_parse_from([
        "acs-chat-inspector",
        "token",
        "mint",
        "--connection-string-env",
        "MINT_TEST_GARBLED",
    ])
    .unwrap();
    let err = mint_for_cli(&cli).await.unwrap_err().to_string();
    assert!(err.starts_with("MINT_TEST_GARBLED: "), "{err}");
    assert!(err.contains("not valid base64"), "{err}");
}

#[tokio::test]
async fn the_log_never_holds_the_token_or_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("identity.log");
    let guard = acs_chat_inspector::logging::init(Some(&log)).unwrap();
    let h = Harness::start().await;
    let minted = mint(&h.conn, None, Duration::from_secs(30)).await.unwrap();
    let _ = h
        .client_with_key(b"wrong")
        .issue_token(&minted.user, &["chat"])
        .await;
    drop(guard);
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(
        text.contains("identity exchange"),
        "the log was written: {text}"
    );
    assert!(!text.contains(minted.token.expose()), "{text}");
    assert!(!text.contains("minted-token"), "{text}");
    let key_b64 = base64::engine::general_purpose::STANDARD.encode(KEY);
    assert!(!text.contains(&key_b64), "{text}");
    assert!(!text.contains("HMAC-SHA256"), "{text}");
}

#[test]
fn a_random_emulator_key_round_trips_through_its_connection_string() {
    let key = random_access_key();
    assert_eq!(key.len(), 64);
    assert_ne!(key, random_access_key());
    let conn = ConnectionString::parse(&connection_string("127.0.0.1:4321".parse().unwrap(), &key))
        .unwrap();
    assert_eq!(conn.access_key, key);
    assert_eq!(conn.endpoint.display(), "http://127.0.0.1:4321");
}

/// base64 of `fake-access-key-for-tests-only-123456`.
const KEY_B64: &str = "ZmFrZS1hY2Nlc3Mta2V5LWZvci10ZXN0cy1vbmx5LTEyMzQ1Ng==";
const SIGNING_KEY: &[u8] = b"fake-access-key-for-tests-only-123456";

fn signed_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 43, 15).unwrap()
}

#[test]
fn issue_token_request_matches_the_known_vector() {
    // Expected values computed once with Python's standard library:
    //   key = base64.b64decode(KEY_B64); body = b'{"scopes":["chat"]}'
    //   h = base64.b64encode(hashlib.sha256(body).digest())
    //   sts = 'POST\n/identities/8%3Aacs%3Aresource_user/:issueAccessToken?api-version=2023-10-01\n'
    //         'Mon, 23 Nov 2026 10:43:15 GMT;contoso.communication.azure.com;' + h
    //   base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest())
    let endpoint = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
    let mut url = endpoint.join(&format!(
        "identities/{}/:issueAccessToken",
        encode_segment("8:acs:resource_user")
    ));
    url.query_pairs_mut()
        .append_pair("api-version", "2023-10-01");
    assert_eq!(
        path_and_query(&url),
        "/identities/8%3Aacs%3Aresource_user/:issueAccessToken?api-version=2023-10-01"
    );
    let signed = sign_request(
        SIGNING_KEY,
        "POST",
        &url,
        br#"{"scopes":["chat"]}"#,
        signed_at(),
    );
    assert_eq!(signed.date, "Mon, 23 Nov 2026 10:43:15 GMT");
    assert_eq!(signed.host, "contoso.communication.azure.com");
    assert_eq!(
        signed.content_hash,
        "J+doRQjtFVYLx3qOvzptwBLjQWqy6OEWEEk1TY1+rT4="
    );
    assert_eq!(
        signed.authorization,
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=nT1P9gMf2WypgzOOBYaFGQFMLDdhDqKAX9f73xeYNnQ="
    );
}

#[test]
fn a_port_is_part_of_the_signed_host() {
    // Same method as above, with body b'{}', path '/identities?api-version=2023-10-01' and host
    // '127.0.0.1:8080'.
    let url = Url::parse("http://127.0.0.1:8080/identities?api-version=2023-10-01").unwrap();
    assert_eq!(host_header(&url), "127.0.0.1:8080");
    let signed = sign_request(SIGNING_KEY, "post", &url, b"{}", signed_at());
    assert_eq!(
        signed.content_hash,
        "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="
    );
    assert!(
        signed
            .authorization
            .ends_with("&Signature=Cnsg/XT4HTIjgVY4/Sl6UzvkkS750WbKR3/09TMF8FM=")
    );
    let default_port = Url::parse("https://contoso.communication.azure.com:443/x").unwrap();
    assert_eq!(
        host_header(&default_port),
        "contoso.communication.azure.com"
    );
}

#[test]
fn parts_of_the_scheme() {
    assert_eq!(
        content_hash(b""),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(
        string_to_sign("get", "/p?q=1", "D", "h", "c"),
        "GET\n/p?q=1\nD;h;c"
    );
    assert_eq!(
        http_date(Utc.with_ymd_and_hms(2026, 1, 5, 3, 4, 5).unwrap()),
        "Mon, 05 Jan 2026 03:04:05 GMT"
    );
    assert_eq!(
        authorization_header("abc="),
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc="
    );
}

#[test]
fn verification_accepts_only_the_right_key_and_text() {
    let sig = signature(SIGNING_KEY, "POST\n/identities\nD;h;c");
    assert!(verify_signature(
        SIGNING_KEY,
        "POST\n/identities\nD;h;c",
        &sig
    ));
    assert!(!verify_signature(
        b"another key",
        "POST\n/identities\nD;h;c",
        &sig
    ));
    assert!(!verify_signature(
        SIGNING_KEY,
        "POST\n/identities\nD;h;x",
        &sig
    ));
    assert!(!verify_signature(
        SIGNING_KEY,
        "POST\n/identities\nD;h;c",
        "not base64!"
    ));
}

#[test]
fn connection_strings_parse_in_every_usual_form() {
    for input in [
        format!("endpoint=https://contoso.communication.azure.com/;accesskey={KEY_B64}"),
        format!("Endpoint=https://contoso.communication.azure.com;AccessKey={KEY_B64}"),
        format!(" accesskey={KEY_B64} ; ENDPOINT=https://contoso.communication.azure.com/ "),
    ] {
        let conn = ConnectionString::parse(&input).unwrap();
        assert_eq!(
            conn.endpoint.display(),
            "https://contoso.communication.azure.com"
        );
        assert_eq!(conn.access_key, SIGNING_KEY);
    }
    let loopback = ConnectionString::parse(&format!(
        "endpoint=http://127.0.0.1:4000/;accesskey={KEY_B64}"
    ))
    .unwrap();
    assert_eq!(
        loopback.to_connection_string(),
        format!("endpoint=http://127.0.0.1:4000/;accesskey={KEY_B64}")
    );
}

#[test]
fn bad_connection_strings_say_what_is_missing_without_the_key() {
    let cases = [
        (format!("accesskey={KEY_B64}"), "no endpoint"),
        (
            "endpoint=https://contoso.communication.azure.com/".to_string(),
            "no accesskey",
        ),
        (
            "endpoint=https://contoso.communication.azure.com/;accesskey=not*base64".to_string(),
            "not valid base64",
        ),
        (
            format!("endpoint=http://contoso.communication.azure.com/;accesskey={KEY_B64}"),
            "refusing plain http",
        ),
    ];
    for (input, expected) in cases {
        let err = ConnectionString::parse(&input).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.exit_code(), 2);
        assert!(message.contains(expected), "{input}: {message}");
        assert!(!message.contains("ZmFrZS1"), "the key leaked: {message}");
        assert!(!message.contains("base64*"), "{message}");
    }
}

#[test]
fn debug_never_prints_the_key() {
    let conn = ConnectionString::parse(&format!(
        "endpoint=https://contoso.communication.azure.com/;accesskey={KEY_B64}"
    ))
    .unwrap();
    let debug = format!("{conn:?}");
    assert!(debug.contains("contoso.communication.azure.com"), "{debug}");
    assert!(!debug.contains("ZmFrZS1"), "{debug}");
    assert!(!debug.contains("fake-access-key"), "{debug}");
    assert!(!debug.contains("102"), "no key bytes: {debug}");
}

const PROFILE: &str = EMULATED_PROFILE;

fn state_file(h: &Emulated) -> PathBuf {
    h.lp.state.settings.state_file.clone().unwrap()
}

/// Waits for the state file to name `thread_id` (it is written by a background task).
async fn remembered(h: &Emulated, thread_id: &str) {
    let file = state_file(h);
    let wait = async {
        while !State::at(&file)
            .recent_threads(PROFILE)
            .iter()
            .any(|t| t == thread_id)
        {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(5), wait)
        .await
        .expect("the opened thread is remembered");
}

fn emulator_connection_string(info: &emulator::EmulatorInfo) -> ConnectionString {
    let text = info.connection_string.as_deref();
    ConnectionString::parse(text.expect("the emulator serves the Identity API")).unwrap()
}

/// Starts with a connection string at hand to mint from.
fn minting_from(
    conn: ConnectionString,
    origin: &str,
) -> impl FnOnce(&mut AppState, &emulator::EmulatorInfo) -> Vec<Effect> {
    let origin = origin.to_string();
    move |state, _| {
        state.identity.mint_source = Some(MintSource {
            conn: Arc::new(conn),
            origin,
        });
        app::start(state)
    }
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    out
}

/// No file but `except` under `dir` holds any of `secrets` (or a long piece of one).
fn assert_no_secret(dir: &Path, except: &[&Path], secrets: &[&str]) {
    let files = files_under(dir);
    assert!(files.iter().any(|(p, _)| p.ends_with("state.json")));
    for (path, text) in files {
        if except.iter().any(|e| *e == path) {
            continue;
        }
        for secret in secrets {
            let piece = &secret[secret.len() / 2..][..24.min(secret.len() / 2)];
            assert!(
                !text.contains(piece),
                "{} holds a secret:\n{text}",
                path.display()
            );
        }
    }
}

#[tokio::test]
async fn a_participant_gets_a_minted_token_and_reads_the_thread_as_themself() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |state, info| {
        minting_from(
            emulator_connection_string(info),
            "connection string of the emulator",
        )(state, info)
    })
    .await;
    let conn = emulator_connection_string(h.info());
    h.until("the participants", |s| {
        s.thread.is_some() && !s.status(Slot::Participants).is_loading()
    })
    .await;

    // Someone other than the token's own user.
    let own = decode_token(&h.emulator.info.token, Utc::now())
        .unwrap()
        .identity
        .unwrap();
    let (index, other) =
        h.lp.state
            .participants
            .items
            .iter()
            .enumerate()
            .map(|(i, p)| (i, p.communication_identifier.raw_id()))
            .find(|(_, id)| *id != own && id.starts_with("8:acs:"))
            .expect("another ACS user in the thread");
    h.act(Action::ShowTab(DetailTab::Participants));
    h.lp.state.participants.selected = index;
    h.act(Action::MintForParticipant);
    h.until("the minted token", |s| !s.status(Slot::Mint).is_loading())
        .await;
    assert!(
        matches!(h.lp.state.status(Slot::Mint), LoadStatus::Loaded),
        "{:?}",
        h.lp.state.notice
    );
    let minted = h.lp.state.identity.minted.as_ref().expect("minted");
    assert_eq!(minted.user, other);
    assert!(minted.refresh_id.is_some(), "a refresh timer is set");
    let token = h.lp.state.value(Field::Token);
    assert_ne!(token, h.emulator.info.token);
    let info = decode_token(&token, Utc::now()).unwrap();
    assert_eq!(info.identity.as_deref(), Some(other.as_str()));

    h.act(Action::ShowTab(DetailTab::Token));
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(
        screen.contains("Minted       for ") && screen.contains("(in 23 h"),
        "{screen}"
    );
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    // Read the thread as that participant.
    h.lp.state.focus = Focus::Timeline;
    h.act(Action::Fetch);
    h.until("the thread, read as the participant", |s| {
        !s.status(Slot::Thread).is_loading()
    })
    .await;
    assert!(
        matches!(h.lp.state.status(Slot::Thread), LoadStatus::Loaded),
        "{}",
        render_at(&h.lp.state, 120, 40)
    );
    remembered(&h, &h.emulator.info.thread_id).await;
    let key = base64::engine::general_purpose::STANDARD.encode(&conn.access_key);
    assert_no_secret(h.dir.path(), &[], &[&token, &h.emulator.info.token, &key]);
}

#[tokio::test]
async fn a_wrong_access_key_is_refused_and_the_hint_says_so() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |state, info| {
        let mut conn = emulator_connection_string(info);
        conn.access_key = b"not-the-key-of-this-resource".to_vec();
        minting_from(conn, "a stale connection string")(state, info)
    })
    .await;
    h.until("the participants", |s| {
        s.thread.is_some() && !s.status(Slot::Participants).is_loading()
    })
    .await;
    h.act(Action::ShowTab(DetailTab::Participants));
    h.act(Action::MintForParticipant);
    h.until("the refusal", |s| !s.status(Slot::Mint).is_loading())
        .await;
    assert!(
        matches!(&h.lp.state.status(Slot::Mint), LoadStatus::Failed(e) if e.status() == Some(401))
    );
    let notice = &h.lp.state.notice.as_ref().unwrap().text;
    assert!(notice.contains("access key is wrong"), "{notice}");
    assert_eq!(
        h.lp.state.value(Field::Token),
        h.emulator.info.token,
        "the token in use stays"
    );
}

#[tokio::test]
async fn a_profile_runs_its_token_command_offers_its_recent_threads_and_stores_no_token() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |_, _| vec![]).await;
    let dir = h.dir.path().to_path_buf();
    let token = h.emulator.info.token.clone();
    let token_file = dir.join("token.txt");
    std::fs::write(&token_file, &token).unwrap();
    let config = format!(
        "[profiles.{PROFILE}]\nendpoint = \"{}\"\ntimeout = 4\ntoken_command = \"cat '{}'\"\n",
        h.emulator.info.endpoint,
        token_file.display()
    );
    std::fs::write(dir.join("config.toml"), config).unwrap();
    State::at(state_file(&h))
        .remember_thread(PROFILE, &h.emulator.info.thread_id)
        .unwrap();
    h.lp.state.set_value(Field::Endpoint, "");
    h.lp.state.set_value(Field::Token, "");
    h.lp.state.set_value(Field::Thread, "");
    h.lp.state.focus = Focus::Timeline;

    h.act(Action::OpenProfiles);
    h.until("the profiles", |s| {
        s.overlays.picker().is_some_and(|p| !p.is_empty(0))
    })
    .await;
    h.act(Action::Activate);
    h.until("the profile's token", |s| {
        !s.status(Slot::Credentials).is_loading()
    })
    .await;
    assert!(
        matches!(h.lp.state.status(Slot::Credentials), LoadStatus::Loaded),
        "{}",
        render_at(&h.lp.state, 120, 40)
    );
    assert_eq!(h.lp.state.value(Field::Endpoint), h.emulator.info.endpoint);
    assert_eq!(h.lp.state.value(Field::Token), token);
    assert_eq!(h.lp.state.settings.timeout, Duration::from_secs(4));
    assert_eq!(h.lp.state.recent.ids, [h.emulator.info.thread_id.clone()]);
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(screen.contains(&h.emulator.info.thread_id), "{screen}");
    assert!(!screen.contains(&token[..24]), "token in clear:\n{screen}");

    h.act(Action::Activate);
    assert!(h.lp.state.overlays.picker().is_none(), "the thread opens");
    h.until("the thread", |s| !s.status(Slot::Thread).is_loading())
        .await;
    assert!(matches!(
        h.lp.state.status(Slot::Thread),
        LoadStatus::Loaded
    ));
    remembered(&h, &h.emulator.info.thread_id).await;
    assert_no_secret(&dir, &[&token_file], &[&token]);
}
