use std::time::Duration;

use chrono::{DateTime, Utc};

use super::*;

const JWT: &str = "eyJhbGciOiJSUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOngifQ.c2lnbmF0dXJl";

fn exchange(status: Option<u16>, body: &str) -> Exchange {
    Exchange {
        seq: 1,
        started_at: DateTime::parse_from_rfc3339("2026-11-23T10:52:00.125Z")
            .unwrap()
            .with_timezone(&Utc),
        method: "GET".into(),
        url: "http://127.0.0.1:9/chat/threads/19%3Aa%40thread.v2/messages?api-version=2025-03-15&maxPageSize=20"
            .into(),
        status,
        duration: Duration::from_micros(12_500),
        attempts: 2,
        headers: vec![
            ("content-type".into(), "application/json; charset=utf-8".into()),
            ("MS-CV".into(), "JduJle7LhkONxaJnLYlU7Q.0".into()),
        ],
        body: body.into(),
        error: status.is_none().then(|| "connection reset".to_string()),
        failed_attempts: vec![],
    }
}

#[test]
fn an_entry_holds_request_response_timing_and_the_ms_cv() {
    let e = entry(
        &exchange(Some(200), r#"{"value":[]}"#),
        &Scrubber::default(),
    );
    assert_eq!(e["startedDateTime"], "2026-11-23T10:52:00.125Z");
    assert_eq!(e["time"], 12.5);
    assert_eq!(e["timings"]["wait"], 12.5);
    let request = &e["request"];
    assert_eq!(request["method"], "GET");
    assert_eq!(
        request["headers"][0],
        json!({"name": "Authorization", "value": "[redacted]"})
    );
    assert_eq!(
        request["queryString"][1],
        json!({"name": "maxPageSize", "value": "20"})
    );
    let response = &e["response"];
    assert_eq!(
        (response["status"].as_u64(), response["statusText"].as_str()),
        (Some(200), Some("OK"))
    );
    assert_eq!(response["headers"][1]["value"], "JduJle7LhkONxaJnLYlU7Q.0");
    assert_eq!(response["content"]["text"], r#"{"value":[]}"#);
    assert_eq!(
        response["content"]["mimeType"],
        "application/json; charset=utf-8"
    );
    assert_eq!(e["comment"], "MS-CV JduJle7LhkONxaJnLYlU7Q.0; 1 retry");
}

#[test]
fn an_exchange_without_an_answer_is_status_0_with_its_error() {
    let e = entry(&exchange(None, ""), &Scrubber::default());
    assert_eq!(e["response"]["status"], 0);
    assert_eq!(e["response"]["bodySize"], -1);
    assert_eq!(e["_error"], "connection reset");
    assert!(e["comment"].as_str().unwrap().ends_with("no answer"));
}

#[test]
fn secrets_in_answers_never_reach_the_document() {
    let body =
        format!(r#"{{"token":"{JWT}","note":"Bearer abc","cs":"endpoint=x;accesskey=S2V5=="}}"#);
    let doc = har_document([&exchange(Some(200), &body)], &Scrubber::default());
    let text = doc.to_string();
    for secret in ["eyJ", "Bearer", "S2V5"] {
        assert!(!text.contains(secret), "{secret} in {text}");
    }
    assert_eq!(doc["log"]["version"], "1.2");
    assert_eq!(doc["log"]["creator"]["name"], "acs-chat-inspector");
}

#[test]
fn files_are_written_whole_and_private() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.har");
    write_har(
        &path,
        [&exchange(Some(200), "{}")],
        &Scrubber::default(),
        crate::files::Overwrite::Refuse,
    )
    .unwrap();
    let back: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(back["log"]["entries"].as_array().unwrap().len(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let leftovers = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(leftovers, 1, "no temporary file is left behind");
}

#[test]
fn targets_are_checked_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let fresh = dir.path().join("new.har");
    assert_eq!(check_target(&fresh, false), Ok(()));
    let missing = dir.path().join("no/such/dir.har");
    assert!(
        check_target(&missing, false)
            .unwrap_err()
            .contains("does not exist")
    );
    assert!(
        check_target(dir.path(), true)
            .unwrap_err()
            .contains("is a folder")
    );
    let existing = dir.path().join("old.har");
    std::fs::write(&existing, "x").unwrap();
    assert!(
        check_target(&existing, false)
            .unwrap_err()
            .contains("--force")
    );
    assert_eq!(check_target(&existing, true), Ok(()));
    #[cfg(unix)]
    {
        let link = dir.path().join("link.har");
        std::os::unix::fs::symlink(&existing, &link).unwrap();
        assert!(
            check_target(&link, true)
                .unwrap_err()
                .contains("symbolic link")
        );
    }
}

#[tokio::test]
async fn a_recorder_hears_every_exchange_of_a_client_and_its_clones() {
    let endpoint = crate::acs::Endpoint::parse("http://127.0.0.1:1").unwrap();
    let config = crate::acs::ClientConfig::new(endpoint, crate::acs::AccessToken::new(JWT));
    let client = ChatClient::new(config)
        .unwrap()
        .with_retry(crate::acs::RetryPolicy::none());
    let dir = tempfile::tempdir().unwrap();
    let recorder = HarRecorder::new(&dir.path().join("r.har"), Scrubber::default());
    let recorded = recorder.attach(&client);
    let _ = recorded.clone().get_thread("19:a@thread.v2").await;
    let _ = recorded.get_thread("19:b@thread.v2").await;
    assert_eq!(recorder.len(), 2);
    recorder.write().unwrap();
    let text = std::fs::read_to_string(recorder.path()).unwrap();
    assert!(
        !text.contains("eyJ") && text.contains("127.0.0.1:1"),
        "{text}"
    );
}
