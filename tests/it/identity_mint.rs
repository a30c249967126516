//! Minting tokens against the emulator's Identity API on loopback: signatures checked, errors mapped,
//! tokens refreshed before they expire, and no token in the log.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::acs::identity::{
    ConnectionString, IdentityClient, TokenRefresher, identity_hint, sign_request,
};
use acs_chat_inspector::cli::Cli;
use acs_chat_inspector::credentials::mint;
use acs_chat_inspector::headless::token::mint_token as mint_for_cli;
use base64::Engine;
use chrono::{DateTime, TimeZone, Utc};
use clap::Parser;

use acs_chat_inspector::emulator::identity::{
    IdentityState, connection_string, random_access_key, router,
};

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
