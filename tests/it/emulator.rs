//! The built-in emulator: its wire (headers, error bodies, paging shapes, per-version shapes,
//! faults) and its demo data.

use acs_chat_inspector::acs::ChatMessage;
use acs_chat_inspector::acs::ChatMessageReadReceipt;
use acs_chat_inspector::acs::ChatMessageType;
use acs_chat_inspector::acs::ChatParticipant;
use acs_chat_inspector::acs::ChatThreadItem;
use acs_chat_inspector::acs::ChatThreadProperties;
use acs_chat_inspector::acs::Page;
use acs_chat_inspector::acs::RetentionKind;
use acs_chat_inspector::acs::token::decode_token;
use acs_chat_inspector::cli::EmulatorArgs;
use acs_chat_inspector::emulator;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::FaultKind;
use acs_chat_inspector::emulator::RunningEmulator;
use axum::Router;
use axum::routing;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::HashSet;
use std::time::Duration;

const V: &str = "2025-03-15";
const LUNCH_ENCODED: &str =
    "19%3Auni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq%40thread.v2";
const LUNCH_RAW: &str = "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2";

async fn demo_with(config: EmulatorConfig) -> RunningEmulator {
    emulator::start(config).await.unwrap()
}

async fn demo() -> RunningEmulator {
    demo_with(EmulatorConfig::default()).await
}

async fn get(
    emu: &RunningEmulator,
    path_and_query: &str,
    token: Option<&str>,
) -> reqwest::Response {
    let url = if path_and_query.starts_with("http") {
        path_and_query.to_string()
    } else {
        format!("{}{path_and_query}", emu.info.endpoint)
    };
    let mut request = reqwest::Client::new().get(url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

async fn get_json(emu: &RunningEmulator, path_and_query: &str) -> Value {
    let response = get(emu, path_and_query, Some(&emu.info.token)).await;
    assert_eq!(response.status(), 200, "{path_and_query}");
    response.json().await.unwrap()
}

fn assert_service_headers(response: &reqwest::Response) {
    let h = response.headers();
    let cv = h["ms-cv"].to_str().unwrap();
    let (head, tail) = cv.split_once('.').unwrap();
    assert_eq!(head.len(), 22, "{cv}");
    assert!(
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(head)
            .is_ok()
    );
    assert_eq!(tail, "0");
    let versions = h["api-supported-versions"].to_str().unwrap();
    assert!(versions.contains("2021-09-07, ") && versions.ends_with("2025-03-15"));
    assert!(h["x-azure-ref"].to_str().unwrap().starts_with('0'));
    assert!(h["x-processing-time"].to_str().unwrap().ends_with("ms"));
}

#[tokio::test]
async fn every_answer_carries_the_service_headers() {
    let emu = demo().await;
    let ok = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}"),
        Some(&emu.info.token),
    )
    .await;
    assert_eq!(ok.status(), 200);
    assert_service_headers(&ok);
    assert_eq!(
        ok.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let not_found = get(
        &emu,
        &format!("/chat/threads/19%3Anope%40thread.v2?api-version={V}"),
        Some(&emu.info.token),
    )
    .await;
    assert_eq!(not_found.status(), 404);
    assert_service_headers(&not_found);
    assert_eq!(not_found.headers()["content-type"], "application/json");
    let unauthorized = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}"),
        None,
    )
    .await;
    assert_eq!(unauthorized.status(), 401);
    assert_service_headers(&unauthorized);
    assert_eq!(unauthorized.text().await.unwrap(), "");
    let ms_cvs: std::collections::HashSet<String> = [&ok, &not_found]
        .iter()
        .map(|r| r.headers()["ms-cv"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(ms_cvs.len(), 2, "a fresh MS-CV per answer");
}

#[tokio::test]
async fn error_bodies_use_the_production_envelope() {
    let emu = demo().await;
    let forbidden = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}"),
        Some(&emu.info.outsider_token),
    )
    .await;
    assert_eq!(forbidden.status(), 403);
    let body: Value = forbidden.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"CommunicationError": {"Code": "Forbidden",
            "Message": "The initiator doesn't have the permission to perform the requested operation.",
            "Details": []}})
    );
    let missing = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}"),
        Some(&emu.info.token),
    )
    .await;
    assert_eq!(missing.status(), 400);
    let body: Value = missing.json().await.unwrap();
    assert_eq!(body["CommunicationError"]["Code"], "BadRequest");
    let bad_page = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/messages?maxPageSize=0&api-version={V}"),
        Some(&emu.info.token),
    )
    .await;
    assert_eq!(bad_page.status(), 400);
}

#[tokio::test]
async fn other_methods_get_405_and_unknown_paths_404() {
    let emu = demo().await;
    let url = format!(
        "{}/chat/threads/{LUNCH_ENCODED}?api-version={V}",
        emu.info.endpoint
    );
    let client = reqwest::Client::new();
    for request in [client.post(&url), client.delete(&url), client.patch(&url)] {
        let response = request.bearer_auth(&emu.info.token).send().await.unwrap();
        assert_eq!(response.status(), 405);
        assert_service_headers(&response);
    }
    let unknown = get(
        &emu,
        "/nothing/here?api-version=2025-03-15",
        Some(&emu.info.token),
    )
    .await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn tokens_look_like_acs_tokens_and_decode_with_standard_base64() {
    let emu = demo().await;
    for token in [
        &emu.info.token,
        &emu.info.outsider_token,
        &emu.info.removed_token,
    ] {
        let payload = token.split('.').nth(1).unwrap();
        assert!(!payload.contains(['-', '_']), "{payload}");
        // The standard alphabet, as the official Python SDK decodes it.
        let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(payload)
            .unwrap();
        let claims: Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(claims["scp"], 1792);
        assert_eq!(claims["acsScope"], "chat,voip");
        assert_eq!(claims["resourceId"], "8540c0de-899f-5cce-acb5-3ec493af3800");
        assert!(
            claims["skypeid"]
                .as_str()
                .unwrap()
                .starts_with("acs:8540c0de-")
        );
        let ttl = claims["exp"].as_i64().unwrap() - claims["iat"].as_i64().unwrap();
        assert_eq!(ttl, 24 * 3600);
    }
    let info = decode_token(&emu.info.token, chrono::Utc::now()).unwrap();
    assert_eq!(
        info.identity.as_deref(),
        Some("8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b")
    );
    assert!(!info.expired);
    assert!(info.has_chat_scope());
}

#[tokio::test]
async fn info_serialises_as_the_contract_says() {
    let emu = demo().await;
    let json = serde_json::to_value(&emu.info).unwrap();
    let keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "endpoint",
            "token",
            "outsiderToken",
            "removedToken",
            "threadId",
            "messageId",
            "connectionString"
        ]
    );
    let conn = emu.info.connection_string.as_deref().unwrap();
    let prefix = format!("endpoint={}/;accesskey=", emu.info.endpoint);
    assert!(conn.starts_with(&prefix), "{conn}");
    assert!(emu.info.endpoint.starts_with("http://127.0.0.1:"));
    assert_eq!(emu.info.thread_id, LUNCH_RAW);
    let large = demo_with(EmulatorConfig {
        extra_messages: Some(5),
        ..Default::default()
    })
    .await;
    let json = serde_json::to_value(&large.info).unwrap();
    assert!(json["largeThreadId"].as_str().unwrap().starts_with("19:"));
}

#[tokio::test]
async fn encoded_and_raw_thread_ids_are_the_same_thread() {
    let emu = demo().await;
    let encoded = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}"),
    )
    .await;
    let raw = get_json(&emu, &format!("/chat/threads/{LUNCH_RAW}?api-version={V}")).await;
    assert_eq!(encoded, raw);
    assert_eq!(raw["id"], LUNCH_RAW);
}

#[tokio::test]
async fn shapes_follow_the_api_version() {
    let emu = demo().await;
    let mid = &emu.info.message_id;
    let modern = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version=2025-03-15"),
    )
    .await;
    assert_eq!(
        modern["createdByCommunicationIdentifier"]["kind"],
        "communicationUser"
    );
    assert_eq!(
        modern["retentionPolicy"],
        serde_json::json!({"kind": "threadCreationDate", "deleteThreadAfterDays": 90})
    );
    assert_eq!(modern["metadata"]["threadType"], "primary");
    let created = modern["createdOn"].as_str().unwrap();
    assert_eq!(created.len(), "2023-10-19T10:46:27Z".len(), "{created}");
    let old = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version=2024-03-07"),
    )
    .await;
    assert_eq!(old["createdByCommunicationIdentifier"].get("kind"), None);
    assert_eq!(old.get("retentionPolicy"), None);
    assert_eq!(old.get("metadata"), None);
    let preview = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/messages/{mid}?api-version=2024-03-15-preview"),
    )
    .await;
    assert_eq!(preview["content"]["attachments"], serde_json::json!([]));
    let ga = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/messages/{mid}?api-version=2021-09-07"),
    )
    .await;
    assert_eq!(ga["content"].get("attachments"), None);
    assert_eq!(ga["senderCommunicationIdentifier"].get("kind"), None);
    assert_eq!(ga["metadata"]["someKey1"], "someValue1");
}

#[tokio::test]
async fn next_links_have_the_service_shapes() {
    let emu = demo().await;
    let page = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/messages?maxPageSize=2&api-version={V}"),
    )
    .await;
    let link = page["nextLink"].as_str().unwrap();
    let prefix = format!(
        "{}/chat/threads/{LUNCH_RAW}/messages?syncState=3e",
        emu.info.endpoint
    );
    assert!(link.starts_with(&prefix), "{link}");
    let sync = link
        .split("syncState=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    assert!(sync.chars().all(|c| c.is_ascii_hexdigit()));
    assert!(link.ends_with("&startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00&maxPageSize=2&api-version=2025-03-15"), "{link}");
    let next = get_json(&emu, link).await;
    assert_eq!(next["value"].as_array().unwrap().len(), 2);
    let threads = get_json(
        &emu,
        &format!("/chat/threads?maxPageSize=1&api-version={V}"),
    )
    .await;
    let link = threads["nextLink"].as_str().unwrap();
    assert!(link.starts_with(&format!("{}/chat/threads?syncState=", emu.info.endpoint)));
    assert!(
        link.ends_with("&api-version=2025-03-15&maxPageSize=1"),
        "{link}"
    );
    let receipts = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/readReceipts?maxPageSize=2&skip=0&api-version={V}"),
    )
    .await;
    assert_eq!(
        receipts["nextLink"],
        format!(
            "{}/chat/threads/{LUNCH_RAW}/readReceipts?skip=2&maxPageSize=2&api-version={V}",
            emu.info.endpoint
        )
    );
    let empty = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/readReceipts?maxPageSize=2&skip=4&api-version={V}"),
    )
    .await;
    assert_eq!(empty, serde_json::json!({"value": []}));
}

#[tokio::test]
async fn extra_routes_are_served_with_the_same_headers() {
    let emu = emulator::start_with(EmulatorConfig::default(), |state| {
        let resource = state.signer().resource_id().to_string();
        Router::new().route("/resource", routing::get(move || async move { resource }))
    })
    .await
    .unwrap();
    let response = get(&emu, "/resource", None).await;
    assert_eq!(response.status(), 200);
    assert_service_headers(&response);
    assert_eq!(
        response.text().await.unwrap(),
        "8540c0de-899f-5cce-acb5-3ec493af3800"
    );
    let (token, expires) = emu.state().signer().issue_token(
        "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b",
        Duration::from_secs(60),
    );
    assert!(expires > chrono::Utc::now());
    let thread = get(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}"),
        Some(&token),
    )
    .await;
    assert_eq!(thread.status(), 200);
}

#[tokio::test]
async fn latency_delays_and_garbage_is_html() {
    let emu = demo_with(EmulatorConfig {
        faults: vec![FaultKind::Garbage],
        latency: Duration::from_millis(5),
        ..Default::default()
    })
    .await;
    let path = format!("/chat/threads/{LUNCH_ENCODED}/messages?api-version={V}");
    let response = get(&emu, &path, Some(&emu.info.token)).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/html");
    assert!(response.text().await.unwrap().starts_with("<html>"));
    let participants = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/participants?api-version={V}"),
    )
    .await;
    assert!(
        participants["value"].is_array(),
        "participants are not affected"
    );
}

#[tokio::test]
async fn truncate_sends_a_complete_but_cut_body() {
    let emu = demo_with(EmulatorConfig {
        faults: vec![FaultKind::Truncate],
        ..Default::default()
    })
    .await;
    let path = format!(
        "/chat/threads/{LUNCH_ENCODED}/messages/{}?api-version={V}",
        emu.info.message_id
    );
    let response = get(&emu, &path, Some(&emu.info.token)).await;
    let length: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = response.text().await.unwrap();
    assert_eq!(body.len(), length);
    assert!(body.starts_with('{'));
    assert!(serde_json::from_str::<Value>(&body).is_err());
}

#[tokio::test]
async fn reset_breaks_the_body() {
    let emu = demo_with(EmulatorConfig {
        faults: vec![FaultKind::Reset],
        ..Default::default()
    })
    .await;
    let path = format!("/chat/threads/{LUNCH_ENCODED}/messages?api-version={V}");
    let response = get(&emu, &path, Some(&emu.info.token)).await;
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.is_err());
}

#[tokio::test]
async fn fail_rate_rotates_retry_headers() {
    let emu = demo_with(EmulatorConfig {
        fail_rate: 1.0,
        ..Default::default()
    })
    .await;
    let path = format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}");
    let mut seen = Vec::new();
    for _ in 0..8 {
        let response = get(&emu, &path, Some(&emu.info.token)).await;
        assert_service_headers(&response);
        let h = response.headers();
        let header = ["retry-after-ms", "x-ms-retry-after-ms", "retry-after"]
            .into_iter()
            .find(|name| h.contains_key(*name))
            .unwrap();
        let value = h[header].to_str().unwrap().to_string();
        seen.push((response.status().as_u16(), header, value.contains("GMT")));
    }
    assert_eq!(
        seen,
        [
            (429, "retry-after-ms", false),
            (429, "x-ms-retry-after-ms", false),
            (429, "retry-after", false),
            (429, "retry-after", true),
            (503, "retry-after-ms", false),
            (503, "x-ms-retry-after-ms", false),
            (503, "retry-after", false),
            (503, "retry-after", true),
        ]
    );
}

#[tokio::test]
async fn huge_fault_serves_a_ten_megabyte_message() {
    let emu = demo_with(EmulatorConfig {
        faults: vec![FaultKind::Huge],
        ..Default::default()
    })
    .await;
    let page = get_json(
        &emu,
        &format!("/chat/threads/{LUNCH_ENCODED}/messages?maxPageSize=1&api-version={V}"),
    )
    .await;
    let text = page["value"][0]["content"]["message"].as_str().unwrap();
    assert_eq!(text.len(), 10 * 1024 * 1024);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let emu = demo().await;
    let endpoint = emu.info.endpoint.clone();
    emu.shutdown().await;
    let result = reqwest::Client::new()
        .get(format!("{endpoint}/chat/threads?api-version={V}"))
        .send()
        .await;
    assert!(result.is_err());
}

#[tokio::test]
async fn dropping_the_emulator_stops_it() {
    let emu = demo().await;
    let addr = emu.addr();
    assert!(tokio::net::TcpStream::connect(addr).await.is_ok());
    drop(emu);
    let mut refused = false;
    for _ in 0..200 {
        if tokio::net::TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(refused, "still accepting after drop");
}

#[tokio::test]
async fn thread_list_start_time_holds_across_pages() {
    let emu = demo_with(EmulatorConfig {
        extra_messages: Some(3),
        ..Default::default()
    })
    .await;
    let all = get_json(&emu, &format!("/chat/threads?api-version={V}")).await;
    let lunch = all["value"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == LUNCH_RAW)
        .unwrap();
    let lunch_last =
        chrono::DateTime::parse_from_rfc3339(lunch["lastMessageReceivedOn"].as_str().unwrap())
            .unwrap();
    let since_time = lunch_last + chrono::Duration::minutes(1);
    let since = since_time.to_rfc3339();
    let later: Vec<&str> = all["value"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| {
            let last = t["lastMessageReceivedOn"].as_str().unwrap();
            chrono::DateTime::parse_from_rfc3339(last).unwrap() > since_time
        })
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(later.len() >= 2, "{later:?}");
    let mut url = format!(
        "/chat/threads?maxPageSize=1&startTime={}&api-version={V}",
        percent_encoding::utf8_percent_encode(&since, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut ids = Vec::new();
    loop {
        let page = get_json(&emu, &url).await;
        for t in page["value"].as_array().unwrap() {
            ids.push(t["id"].as_str().unwrap().to_string());
        }
        match page["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(
        ids, later,
        "the same threads, most recent first, across one-item pages"
    );
    assert!(!ids.contains(&LUNCH_RAW.to_string()));
}

#[tokio::test]
async fn identity_tokens_work_on_the_chat_routes() {
    use acs_chat_inspector::acs::identity::{ConnectionString, IdentityClient};
    let emu = demo().await;
    let conn = ConnectionString::parse(emu.info.connection_string.as_deref().unwrap()).unwrap();
    let identity = IdentityClient::new(conn, Duration::from_secs(5)).unwrap();
    let path = format!("/chat/threads/{LUNCH_ENCODED}?api-version={V}");
    let jane = "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";
    let minted = identity.issue_token(jane, &["chat"]).await.unwrap();
    let ok = get(&emu, &path, Some(minted.token.expose())).await;
    assert_eq!(ok.status(), 200);
    let stranger = identity.create_user_and_token(&["chat"]).await.unwrap();
    assert!(
        stranger
            .user
            .starts_with("8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_")
    );
    let forbidden = get(&emu, &path, Some(stranger.token.expose())).await;
    assert_eq!(forbidden.status(), 403);
    // The Identity API keeps its own correlation vector shape.
    let response = reqwest::Client::new()
        .post(format!(
            "{}/identities?api-version=2023-10-01",
            emu.info.endpoint
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert!(
        response.headers()["ms-cv"]
            .to_str()
            .unwrap()
            .ends_with(".2.0")
    );
}

#[tokio::test]
async fn token_mint_with_demo_uses_the_emulated_identity_api() {
    use clap::Parser;
    let cli = acs_chat_inspector::cli::Cli::try_parse_from([
        "acs-chat-inspector",
        "--demo",
        "token",
        "mint",
    ])
    .unwrap();
    let minted = acs_chat_inspector::headless::token::mint_token(&cli)
        .await
        .unwrap();
    assert!(
        minted
            .user
            .starts_with("8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_")
    );
    let info = decode_token(minted.token.expose(), chrono::Utc::now()).unwrap();
    assert_eq!(info.identity.as_deref(), Some(minted.user.as_str()));
    assert!(info.has_chat_scope());
}

const SUPPORT: &str = "19:a0dfe5fc10e04a7f8d8a64d455f4196d@thread.v2";

async fn fetch<T: DeserializeOwned>(emu: &RunningEmulator, path: &str) -> T {
    let url = format!(
        "{}{path}{}api-version={V}",
        emu.info.endpoint,
        if path.contains('?') { "&" } else { "?" }
    );
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(&emu.info.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.json().await.unwrap()
}

async fn messages(emu: &RunningEmulator, thread: &str) -> Vec<ChatMessage> {
    let page: Page<ChatMessage> = fetch(
        emu,
        &format!("/chat/threads/{thread}/messages?maxPageSize=200"),
    )
    .await;
    page.value
}

fn of_type(all: &[ChatMessage], kind: ChatMessageType) -> Vec<&ChatMessage> {
    all.iter().filter(|m| m.message_type == kind).collect()
}

#[tokio::test]
async fn lunch_has_something_for_every_panel() {
    let emu = emulator::start(EmulatorConfig::default()).await.unwrap();
    let lunch = emu.info.thread_id.clone();
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{lunch}")).await;
    assert_eq!(thread.topic, "Lunch");
    assert_eq!(thread.metadata.as_ref().unwrap()["project"], "lunch-club");
    assert_eq!(
        thread.retention_policy.as_ref().unwrap().meaning(),
        RetentionKind::ThreadCreationDate {
            delete_after_days: Some(90)
        }
    );
    assert!(thread.created().unwrap() < chrono::Utc::now());
    assert!(thread.scheduled_deletion().unwrap() > chrono::Utc::now());

    let all = messages(&emu, &lunch).await;
    let first_two: Vec<&str> = all
        .iter()
        .rev()
        .take(2)
        .map(|m| m.message_type.as_str())
        .collect();
    assert_eq!(first_two, ["participantAdded", "topicUpdated"]);
    let html = of_type(&all, ChatMessageType::Html);
    assert!(
        html.iter()
            .any(|m| m.text().contains("<a href=") && m.text().contains("<li>"))
    );
    assert!(all.iter().any(|m| m.is_edited() && m.version != m.id));
    let deleted: Vec<&ChatMessage> = all.iter().filter(|m| m.is_deleted()).collect();
    assert_eq!(deleted.len(), 1);
    assert_eq!(deleted[0].text(), "");
    let topics: Vec<&str> = of_type(&all, ChatMessageType::TopicUpdated)
        .iter()
        .map(|m| m.content.as_ref().unwrap().topic.as_deref().unwrap())
        .collect();
    assert_eq!(topics, ["Lunch", "Lunch plans"]);
    let removed = of_type(&all, ChatMessageType::ParticipantRemoved);
    let content = removed[0].content.as_ref().unwrap();
    assert_eq!(
        content.participants[0].display_name.as_deref(),
        Some("Peter")
    );
    assert!(content.initiator_communication_identifier.is_some());
    assert_eq!(of_type(&all, ChatMessageType::ParticipantAdded).len(), 2);
    let with_files: Vec<&ChatMessage> =
        all.iter().filter(|m| !m.attachments().is_empty()).collect();
    let kinds: Vec<&str> = with_files[0]
        .attachments()
        .iter()
        .map(|a| a.attachment_type.as_str())
        .collect();
    assert_eq!(kinds, ["image", "file"]);
    // Shared from Teams: the image links to the service (the emulator), the file to SharePoint, no url.
    let [image, file] = with_files[0].attachments() else {
        panic!("two attachments")
    };
    assert!(
        image
            .url
            .as_deref()
            .unwrap()
            .starts_with(&emu.info.endpoint)
    );
    assert!(
        image
            .preview_url
            .as_deref()
            .unwrap()
            .contains("/teamsInterop/images/")
    );
    assert_eq!(file.url, None);
    assert!(
        file.preview_url
            .as_deref()
            .unwrap()
            .starts_with("https://contoso.sharepoint.com/")
    );
    assert!(
        all.iter()
            .any(|m| m.sender_display_name.as_deref() == Some(""))
    );
    assert!(
        all.iter()
            .all(|m| m.created_on.ends_with('Z') && m.created_on.len() == 20)
    );

    let participants: Page<ChatParticipant> =
        fetch(&emu, &format!("/chat/threads/{lunch}/participants")).await;
    assert!(
        participants
            .value
            .iter()
            .any(ChatParticipant::shares_full_history)
    );
    assert!(participants.value.iter().any(|p| !p.shares_full_history()));
    assert!(participants.value.iter().any(|p| p.metadata.is_some()));
    assert!(
        participants
            .value
            .iter()
            .any(|p| p.communication_identifier.kind().as_str() == "microsoftTeamsUser")
    );
    let receipts: Page<ChatMessageReadReceipt> =
        fetch(&emu, &format!("/chat/threads/{lunch}/readReceipts")).await;
    let readers: HashSet<String> = receipts
        .value
        .iter()
        .map(|r| r.sender_communication_identifier.raw_id())
        .collect();
    assert_eq!(readers.len(), receipts.value.len());
    let ids: HashSet<&str> = all.iter().map(|m| m.id.as_str()).collect();
    assert!(
        receipts
            .value
            .iter()
            .all(|r| ids.contains(r.chat_message_id.as_str()))
    );
}

#[tokio::test]
async fn support_thread_keeps_messages_until_deleted() {
    let emu = emulator::start(EmulatorConfig::default()).await.unwrap();
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{SUPPORT}")).await;
    assert_eq!(thread.topic, "Support case 4711");
    assert_eq!(
        thread.retention_policy.unwrap().meaning(),
        RetentionKind::KeepUntilDeleted
    );
    let support = messages(&emu, SUPPORT).await;
    let lunch = messages(&emu, &emu.info.thread_id).await;
    assert!(!support.is_empty() && support.len() < lunch.len());
    let threads: Page<ChatThreadItem> = fetch(&emu, "/chat/threads").await;
    let listed: Vec<&str> = threads.value.iter().map(|t| t.id.as_str()).collect();
    let support_at = listed.iter().position(|id| *id == SUPPORT).unwrap();
    let lunch_at = listed
        .iter()
        .position(|id| *id == emu.info.thread_id)
        .unwrap();
    assert!(
        support_at < lunch_at,
        "most recent activity first: {listed:?}"
    );
    let times: Vec<&str> = threads
        .value
        .iter()
        .map(|t| t.last_message_received_on.as_deref().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
    assert!(
        threads
            .value
            .iter()
            .all(|t| t.last_message_received_on.is_some())
    );
}

#[tokio::test]
async fn hostile_faults_put_their_content_in_lunch() {
    let emu = emulator::start(EmulatorConfig {
        faults: vec![FaultKind::Escape, FaultKind::Unicode, FaultKind::Unknown],
        ..Default::default()
    })
    .await
    .unwrap();
    let lunch = emu.info.thread_id.clone();
    let all = messages(&emu, &lunch).await;
    let texts: String = all.iter().map(ChatMessage::text).collect();
    for needle in [
        "\u{1b}[2J",
        "\u{1b}]52;c;",
        "\u{1b}]0;",
        "\u{7}",
        "\u{9b}",
        "\u{202e}",
        "\u{200b}",
        "👩‍👩‍👧‍👦",
        "שלום",
        "مرحبا",
        "e\u{301}",
    ] {
        assert!(texts.contains(needle), "{needle:?}");
    }
    assert!(
        all.iter()
            .any(|m| m.sender_name().is_some_and(|n| n.contains('\u{1b}')))
    );
    assert!(all.iter().any(|m| {
        m.attachments()
            .iter()
            .any(|a| a.name.as_deref().unwrap_or("").contains('\u{1b}'))
    }));
    assert!(all.iter().any(|m| {
        m.metadata
            .as_ref()
            .is_some_and(|meta| meta.keys().any(|k| k.contains('\u{1b}')))
    }));
    let seed = all.iter().find(|m| m.id == emu.info.message_id).unwrap();
    assert_eq!(seed.text(), "Let's head out for lunch in 15 minutes.");
    let participants: Page<ChatParticipant> =
        fetch(&emu, &format!("/chat/threads/{lunch}/participants")).await;
    let bot = participants
        .value
        .iter()
        .find(|p| p.communication_identifier.kind().as_str() == "botUser")
        .unwrap();
    assert!(bot.extra.contains_key("futureField"));
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{lunch}")).await;
    assert!(thread.topic.contains('\u{1b}') && thread.topic.contains("ארוחת"));
}

#[test]
fn config_follows_the_emulator_flags() {
    let args = EmulatorArgs {
        messages: Some(100_000),
        latency_ms: 25,
        fail_rate: 0.3,
        faults: vec![FaultKind::Stall],
        ..EmulatorArgs::default()
    };
    let config = EmulatorConfig::from(&args);
    assert_eq!(config.extra_messages, Some(100_000));
    assert_eq!(config.latency, std::time::Duration::from_millis(25));
    assert_eq!(config.fail_rate, 0.3);
    assert_eq!(config.faults, [FaultKind::Stall]);
    assert!(config.addr.ip().is_loopback());
}

#[tokio::test]
async fn a_hundred_thousand_messages_are_served_lazily() {
    let emu = emulator::start(EmulatorConfig {
        extra_messages: Some(100_000),
        ..Default::default()
    })
    .await
    .unwrap();
    let large = emu.info.large_thread_id.clone().unwrap();
    let newest = messages(&emu, &large).await;
    assert_eq!(newest.len(), 200);
    assert_eq!(newest[0].sequence(), Some(100_000));
    let thread: ChatThreadProperties = fetch(&emu, &format!("/chat/threads/{large}")).await;
    assert_eq!(thread.topic, "Load test (100000 messages)");
    assert!(thread.retention_policy.is_none());
}

#[tokio::test]
async fn serve_cli_rejects_a_bad_address() {
    let code = emulator::serve_cli("not an address", false, &EmulatorArgs::default()).await;
    assert_eq!(code, 2);
}

#[test]
fn pinned_now_gives_the_same_ids() {
    let now = chrono::DateTime::parse_from_rfc3339("2026-01-15T12:00:00Z")
        .unwrap()
        .to_utc();
    let config = EmulatorConfig {
        now: Some(now),
        ..Default::default()
    };
    let a = emulator::EmulatorState::new(&config, "http://127.0.0.1:1");
    let b = emulator::EmulatorState::new(&config, "http://127.0.0.1:1");
    assert_eq!(a.store().seed_message_id, b.store().seed_message_id);
    // 2026-01-13T09:05:00.318Z: two days before, at 09:00, plus five minutes.
    assert_eq!(a.store().seed_message_id, "1768295100318");
}

#[test]
fn entry_points_can_run_on_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let args = EmulatorArgs::default();
    let serve = emulator::serve_cli("127.0.0.1:0", false, &args);
    assert_send(&serve);
    let start = emulator::start(EmulatorConfig::default());
    assert_send(&start);
}
