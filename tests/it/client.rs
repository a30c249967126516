//! The ACS Chat client against the built-in emulator on loopback: answers, errors as the service
//! sends them, paging, retries and faults.

use acs_chat_inspector::acs::AccessToken;
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::acs::ChatClient;
use acs_chat_inspector::acs::ChatMessage;
use acs_chat_inspector::acs::ChatMessageType;
use acs_chat_inspector::acs::ClientConfig;
use acs_chat_inspector::acs::Endpoint;
use acs_chat_inspector::acs::ListOptions;
use acs_chat_inspector::acs::RetryPolicy;
use acs_chat_inspector::acs::TransportKind;
use acs_chat_inspector::emulator;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::FaultKind;
use acs_chat_inspector::emulator::RunningEmulator;
use std::collections::HashSet;
use std::time::Duration;

const SEED_TEXT: &str = "Let's head out for lunch in 15 minutes.";
const JANE: &str =
    "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";

async fn run(config: EmulatorConfig) -> RunningEmulator {
    emulator::start(config).await.expect("the emulator starts")
}

async fn demo() -> RunningEmulator {
    run(EmulatorConfig::default()).await
}

fn fast_retries(max_retries: u32) -> RetryPolicy {
    RetryPolicy {
        max_retries,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(50),
    }
}

fn client_with(emu: &RunningEmulator, token: &str, retries: u32) -> ChatClient {
    let mut config = ClientConfig::new(
        Endpoint::parse(&emu.info.endpoint).unwrap(),
        AccessToken::new(token),
    );
    config.retry = fast_retries(retries);
    config.timeout = Duration::from_secs(5);
    ChatClient::new(config).unwrap()
}

fn client(emu: &RunningEmulator) -> ChatClient {
    client_with(emu, &emu.info.token, 0)
}

fn service_error(e: AcsError) -> Box<acs_chat_inspector::acs::ServiceError> {
    match e {
        AcsError::Service(s) => s,
        other => panic!("expected a service error, got {other:?}"),
    }
}

fn assert_ms_cv(cv: Option<&str>) {
    let cv = cv.expect("an MS-CV");
    let (head, tail) = cv.split_once('.').unwrap();
    assert_eq!((head.len(), tail), (22, "0"), "{cv}");
}

#[tokio::test]
async fn thread_and_seed_message_are_served() {
    let emu = demo().await;
    let c = client(&emu);
    let thread = c.get_thread(&emu.info.thread_id).await.unwrap().value;
    assert_eq!(thread.topic, "Lunch");
    assert_eq!(thread.id, emu.info.thread_id);
    assert!(thread.scheduled_deletion().unwrap() > chrono::Utc::now());
    let fetched = c
        .get_message(&emu.info.thread_id, &emu.info.message_id)
        .await
        .unwrap();
    let m = fetched.value;
    assert_eq!(m.text(), SEED_TEXT);
    assert_eq!(m.sender_name(), Some("Jane"));
    assert_eq!(m.sender_raw_id().as_deref(), Some(JANE));
    let meta = m.metadata.unwrap();
    assert_eq!(meta["someKey1"], "someValue1");
    assert_eq!(meta["someKey2"], "someValue2");
    assert_ms_cv(fetched.exchange.ms_cv());
    assert!(
        fetched.exchange.url.contains("19%3Auni01_"),
        "{}",
        fetched.exchange.url
    );
}

#[tokio::test]
async fn bad_token_gets_401_with_an_empty_body() {
    let emu = demo().await;
    for token in ["not-a-token", "a.b.c", &format!("{}x", emu.info.token)] {
        let err = client_with(&emu, token, 0)
            .get_thread(&emu.info.thread_id)
            .await
            .unwrap_err();
        assert_eq!(err.exit_code(), 3);
        let e = service_error(err);
        assert_eq!(e.status, 401);
        assert_eq!(e.body, "");
        assert_eq!(e.code, None);
        assert_ms_cv(e.ms_cv.as_deref());
    }
}

#[tokio::test]
async fn outsider_gets_403_forbidden() {
    let emu = demo().await;
    let err = client_with(&emu, &emu.info.outsider_token, 0)
        .get_thread(&emu.info.thread_id)
        .await
        .unwrap_err();
    let e = service_error(err);
    assert_eq!(e.status, 403);
    assert_eq!(e.code.as_deref(), Some("Forbidden"));
    assert_eq!(
        e.message.as_deref(),
        Some("The initiator doesn't have the permission to perform the requested operation.")
    );
    assert_ms_cv(e.ms_cv.as_deref());
}

#[tokio::test]
async fn unknown_thread_and_message_get_404() {
    let emu = demo().await;
    let c = client(&emu);
    let e = service_error(
        c.get_thread("19:00000000000000000000000000000000@thread.v2")
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.code.as_deref()), (404, Some("NotFound")));
    assert_eq!(
        e.message.as_deref(),
        Some("The specified thread id was not found.")
    );
    let e = service_error(
        c.get_message(&emu.info.thread_id, "1234567890123")
            .await
            .unwrap_err(),
    );
    assert_eq!((e.status, e.code.as_deref()), (404, Some("NotFound")));
    assert_ms_cv(e.ms_cv.as_deref());
}

#[tokio::test]
async fn unsupported_api_version_gets_400() {
    let emu = demo().await;
    let c = client(&emu).with_api_version("2019-01-01");
    let e = service_error(c.get_thread(&emu.info.thread_id).await.unwrap_err());
    assert_eq!((e.status, e.code.as_deref()), (400, Some("BadRequest")));
    assert!(e.message.unwrap().contains("2019-01-01"));
    assert_ms_cv(e.ms_cv.as_deref());
}

#[tokio::test]
async fn every_supported_api_version_is_accepted() {
    let emu = demo().await;
    for v in emulator::wire::SUPPORTED_API_VERSIONS {
        let m = client(&emu)
            .with_api_version(v)
            .get_message(&emu.info.thread_id, &emu.info.message_id)
            .await
            .unwrap_or_else(|e| panic!("{v}: {e}"));
        assert_eq!(m.value.text(), SEED_TEXT, "{v}");
    }
}

#[tokio::test]
async fn garbage_body_is_a_decode_error() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Garbage],
        ..Default::default()
    })
    .await;
    let err = client(&emu)
        .get_message(&emu.info.thread_id, &emu.info.message_id)
        .await
        .unwrap_err();
    match &err {
        AcsError::Decode {
            status,
            message,
            body_preview,
            ms_cv,
        } => {
            assert_eq!(*status, 200);
            assert!(message.contains("not JSON"), "{message}");
            assert!(body_preview.starts_with("<html>"));
            assert_ms_cv(ms_cv.as_deref());
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(err.exit_code(), 4);
    // The thread route is not affected by body faults.
    assert!(client(&emu).get_thread(&emu.info.thread_id).await.is_ok());
}

#[tokio::test]
async fn truncated_body_is_a_decode_error() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Truncate],
        ..Default::default()
    })
    .await;
    let err = client(&emu)
        .get_message(&emu.info.thread_id, &emu.info.message_id)
        .await
        .unwrap_err();
    match err {
        AcsError::Decode { message, .. } => assert!(message.contains("truncated"), "{message}"),
        other => panic!("expected Decode, got {other:?}"),
    }
}

#[tokio::test]
async fn reset_mid_body_is_retried_then_a_transport_error() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Reset],
        ..Default::default()
    })
    .await;
    let retries = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let seen = retries.clone();
    let c = client_with(&emu, &emu.info.token, 2).with_observer(move |event| {
        if let acs_chat_inspector::acs::ClientEvent::Retrying { .. } = event {
            seen.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    });
    let err = c
        .get_message(&emu.info.thread_id, &emu.info.message_id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AcsError::Transport {
                kind: TransportKind::Reset,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(retries.load(std::sync::atomic::Ordering::Relaxed), 2);
}

#[tokio::test]
async fn stall_with_a_short_timeout_is_a_timeout() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Stall],
        ..Default::default()
    })
    .await;
    let mut config = ClientConfig::new(
        Endpoint::parse(&emu.info.endpoint).unwrap(),
        AccessToken::new(&emu.info.token),
    );
    config.timeout = Duration::from_millis(300);
    config.retry = RetryPolicy::none();
    let c = ChatClient::new(config).unwrap();
    let err = c
        .get_message(&emu.info.thread_id, &emu.info.message_id)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            AcsError::Transport {
                kind: TransportKind::Timeout,
                ..
            }
        ),
        "{err:?}"
    );
    // The thread still answers, and stopping the emulator ends the stalled request.
    assert!(c.get_thread(&emu.info.thread_id).await.is_ok());
    emu.shutdown().await;
}

async fn all_messages(c: &ChatClient, thread: &str, options: &ListOptions) -> Vec<ChatMessage> {
    c.list_messages(thread, options)
        .unwrap()
        .collect_all(None, |_, _| {})
        .await
        .unwrap()
}

fn assert_newest_first_once(messages: &[ChatMessage]) {
    let ids: HashSet<&str> = messages.iter().map(|m| m.id.as_str()).collect();
    assert_eq!(ids.len(), messages.len(), "duplicates");
    let seqs: Vec<u64> = messages.iter().map(|m| m.sequence().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]), "{seqs:?}");
}

#[tokio::test]
async fn paging_with_any_page_size_gives_every_message_once_newest_first() {
    let emu = demo().await;
    let c = client(&emu);
    let everything = all_messages(&c, &emu.info.thread_id, &ListOptions::default()).await;
    assert_eq!(everything.len(), 12);
    assert_newest_first_once(&everything);
    assert_eq!(everything.last().unwrap().sequence(), Some(1));
    for size in [1, 2, 3, 7, 200] {
        let options = ListOptions {
            max_page_size: Some(size),
            ..Default::default()
        };
        let paged = all_messages(&c, &emu.info.thread_id, &options).await;
        assert_eq!(paged, everything, "page size {size}");
    }
}

#[tokio::test]
async fn a_page_boundary_at_the_end_leads_to_an_empty_last_page() {
    let emu = demo().await;
    let c = client(&emu);
    // 12 messages in pages of 3: the fourth page is full and has a nextLink to an empty page.
    let options = ListOptions {
        max_page_size: Some(3),
        ..Default::default()
    };
    let mut pager = c.list_messages(&emu.info.thread_id, &options).unwrap();
    let mut sizes = Vec::new();
    while let Some(page) = pager.next_page().await {
        let page = page.unwrap();
        sizes.push(page.value.value.len());
        if page.value.value.is_empty() {
            assert_eq!(page.value.next_link, None);
        }
    }
    assert_eq!(sizes, [3, 3, 3, 3, 0]);
    // 12 in pages of 5: the short last page has no nextLink.
    let options = ListOptions {
        max_page_size: Some(5),
        ..Default::default()
    };
    let mut pager = c.list_messages(&emu.info.thread_id, &options).unwrap();
    let mut sizes = Vec::new();
    while let Some(page) = pager.next_page().await {
        sizes.push(page.unwrap().value.value.len());
    }
    assert_eq!(sizes, [5, 5, 2]);
}

#[tokio::test]
async fn next_link_with_a_raw_thread_id_is_followed() {
    let emu = demo().await;
    let c = client(&emu);
    let options = ListOptions {
        max_page_size: Some(4),
        ..Default::default()
    };
    let mut pager = c.list_messages(&emu.info.thread_id, &options).unwrap();
    let first = pager.next_page().await.unwrap().unwrap();
    let link = first.value.next_link.clone().unwrap();
    assert!(
        link.starts_with(&format!("{}/chat/threads/19:uni01_", emu.info.endpoint)),
        "{link}"
    );
    assert!(link.contains("@thread.v2/messages?syncState="), "{link}");
    assert!(
        link.contains("startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00"),
        "{link}"
    );
    assert!(link.contains("maxPageSize=4") && link.contains("api-version=2025-03-15"));
    let second = pager.next_page().await.unwrap().unwrap();
    assert!(
        second.exchange.url.contains("/19:uni01_"),
        "{}",
        second.exchange.url
    );
    assert_eq!(second.value.value.len(), 4);
    assert!(second.value.value[0].sequence().unwrap() < first.value.value[3].sequence().unwrap());
}

#[tokio::test]
async fn start_time_keeps_only_later_messages() {
    let emu = demo().await;
    let c = client(&emu);
    let everything = all_messages(&c, &emu.info.thread_id, &ListOptions::default()).await;
    let seed = everything
        .iter()
        .find(|m| m.id == emu.info.message_id)
        .unwrap();
    let options = ListOptions {
        start_time: Some(seed.created_on.clone()),
        max_page_size: Some(2),
        ..Default::default()
    };
    let later = all_messages(&c, &emu.info.thread_id, &options).await;
    let expected: Vec<&ChatMessage> = everything
        .iter()
        .filter(|m| m.created().unwrap() > seed.created().unwrap())
        .collect();
    assert_eq!(later.len(), expected.len());
    assert!(later.len() >= 8 && later.len() < everything.len());
    assert!(
        later
            .iter()
            .all(|m| m.created().unwrap() > seed.created().unwrap())
    );
    assert_newest_first_once(&later);
}

#[tokio::test]
async fn participants_and_receipts_page_with_skip() {
    let emu = demo().await;
    let c = client(&emu);
    let options = ListOptions {
        max_page_size: Some(1),
        ..Default::default()
    };
    let mut pager = c.list_participants(&emu.info.thread_id, &options).unwrap();
    let first = pager.next_page().await.unwrap().unwrap();
    let link = first.value.next_link.unwrap();
    assert!(
        link.ends_with("/participants?skip=1&maxPageSize=1&api-version=2025-03-15"),
        "{link}"
    );
    assert!(link.contains("/chat/threads/19:uni01_"));
    let all = c
        .list_participants(&emu.info.thread_id, &options)
        .unwrap()
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    let names: Vec<Option<&str>> = all.iter().map(|p| p.display_name.as_deref()).collect();
    assert_eq!(
        names,
        [
            Some("Jane"),
            Some("Alex"),
            None,
            Some("Sam Rivera (Contoso)")
        ]
    );
    assert!(all[0].shares_full_history());
    assert!(!all[3].shares_full_history());
    let skipped = c
        .list_participants(
            &emu.info.thread_id,
            &ListOptions {
                skip: Some(2),
                ..Default::default()
            },
        )
        .unwrap()
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(skipped, all[2..]);
    let receipts = c
        .list_read_receipts(&emu.info.thread_id, &options)
        .unwrap()
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    let readers: HashSet<String> = receipts
        .iter()
        .map(|r| r.sender_communication_identifier.raw_id())
        .collect();
    assert_eq!(readers.len(), receipts.len(), "one receipt per reader");
    // Jane, Alex and Bob; the Teams user's receipt is not listed (Teams users have none).
    assert_eq!(receipts.len(), 3);
}

#[tokio::test]
async fn thread_list_has_both_demo_threads_and_pages() {
    let emu = run(EmulatorConfig {
        extra_messages: Some(30),
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    let options = ListOptions {
        max_page_size: Some(1),
        ..Default::default()
    };
    let threads = c
        .list_threads(&options)
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    let ids: Vec<&str> = threads.iter().map(|t| t.id.as_str()).collect();
    // The nine demo threads (docs/emulator.md) and the generated one, each once.
    assert_eq!(ids.len(), 10);
    assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 10);
    assert!(ids.contains(&emu.info.thread_id.as_str()));
    assert!(ids.contains(&emu.info.large_thread_id.as_deref().unwrap()));
    assert!(threads.iter().any(|t| t.topic == "Support case 4711"));
    let outsider = client_with(&emu, &emu.info.outsider_token, 0)
        .list_threads(&ListOptions::default())
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    assert!(outsider.is_empty());
}

#[tokio::test]
async fn fail_rate_retries_succeed_with_every_retry_header() {
    let emu = run(EmulatorConfig {
        fail_rate: 0.5,
        ..Default::default()
    })
    .await;
    let retries = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = retries.clone();
    let c = client_with(&emu, &emu.info.token, 3).with_observer(move |event| {
        if let acs_chat_inspector::acs::ClientEvent::Retrying { reason, .. } = event {
            seen.lock().unwrap().push(reason);
        }
    });
    // Eight failures cover the four header variants with 429 and with 503.
    let options = ListOptions {
        max_page_size: Some(1),
        ..Default::default()
    };
    let messages = all_messages(&c, &emu.info.thread_id, &options).await;
    assert_eq!(messages.len(), 12);
    assert_newest_first_once(&messages);
    let reasons = retries.lock().unwrap().clone();
    assert!(reasons.len() >= 8, "{reasons:?}");
    assert!(reasons.iter().any(|r| r == "throttled"));
    assert!(reasons.iter().any(|r| r == "service unavailable"));
    let last = c.log().entries().last().cloned().unwrap();
    assert_eq!(last.attempts, 2);
}

#[tokio::test]
async fn a_retried_exchange_keeps_each_failed_attempt_with_its_status_ms_cv_and_wait() {
    let emu = run(EmulatorConfig {
        fail_rate: 0.5,
        ..Default::default()
    })
    .await;
    let c = client_with(&emu, &emu.info.token, 3);
    let options = ListOptions {
        max_page_size: Some(1),
        ..Default::default()
    };
    all_messages(&c, &emu.info.thread_id, &options).await;
    let entries = c.log().entries();
    let retried: Vec<_> = entries.iter().filter(|e| e.attempts > 1).collect();
    assert!(!retried.is_empty(), "half the requests fail once at least");
    for exchange in retried {
        assert_eq!(exchange.failed_attempts.len() as u32, exchange.retries());
        for failed in &exchange.failed_attempts {
            assert!(matches!(failed.status, Some(429 | 503)), "{failed:?}");
            assert!(failed.ms_cv.is_some(), "every answer has an MS-CV");
            assert_ne!(failed.ms_cv.as_deref(), exchange.ms_cv(), "one per attempt");
            assert!(!failed.reason.is_empty());
        }
    }
    assert!(
        entries
            .iter()
            .filter(|e| e.attempts == 1)
            .all(|e| e.failed_attempts.is_empty())
    );
}

#[tokio::test]
async fn ten_thousand_messages_in_pages_of_200() {
    let emu = run(EmulatorConfig {
        extra_messages: Some(10_000),
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    let thread = emu.info.large_thread_id.clone().unwrap();
    let options = ListOptions {
        max_page_size: Some(200),
        ..Default::default()
    };
    let mut pager = c.list_messages(&thread, &options).unwrap();
    let mut all = Vec::new();
    while let Some(page) = pager.next_page().await {
        all.extend(page.unwrap().value.value);
    }
    assert_eq!(pager.pages(), 51, "50 full pages and the empty last one");
    assert_eq!(all.len(), 10_000);
    assert_newest_first_once(&all);
    assert_eq!(all[0].sequence(), Some(10_000));
    let kinds: HashSet<String> = all.iter().map(|m| m.message_type.to_string()).collect();
    for kind in [
        "text",
        "html",
        "participantAdded",
        "participantRemoved",
        "topicUpdated",
    ] {
        assert!(kinds.contains(kind), "{kind}");
    }
    let one = c.get_message(&thread, &all[1234].id).await.unwrap().value;
    assert_eq!(one, all[1234]);
}

#[tokio::test]
async fn expired_tokens_get_401() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Expire],
        expire_after: Duration::from_secs(1),
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    assert!(c.get_thread(&emu.info.thread_id).await.is_ok());
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let e = service_error(c.get_thread(&emu.info.thread_id).await.unwrap_err());
    assert_eq!((e.status, e.body.as_str()), (401, ""));
}

#[tokio::test]
async fn data_faults_decode_leniently() {
    let emu = run(EmulatorConfig {
        faults: vec![FaultKind::Unknown, FaultKind::Escape, FaultKind::Unicode],
        ..Default::default()
    })
    .await;
    let c = client(&emu);
    let messages = all_messages(&c, &emu.info.thread_id, &ListOptions::default()).await;
    let poll = messages
        .iter()
        .find(|m| m.message_type == ChatMessageType::Other("poll".into()))
        .expect("a poll message");
    assert!(poll.extra.contains_key("futureField"));
    let sender = poll.sender_communication_identifier.as_ref().unwrap();
    assert_eq!(sender.kind().as_str(), "botUser");
    assert!(messages.iter().any(|m| m.text().contains("\u{1b}]52;")));
    assert!(messages.iter().any(|m| m.text().contains("👩‍👩‍👧‍👦")));
    let thread = c.get_thread(&emu.info.thread_id).await.unwrap().value;
    assert!(thread.extra.contains_key("futureField"));
    assert!(thread.topic.contains('\u{1b}'));
}
