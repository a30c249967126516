//! Plain HTTP against the built-in emulator: status and JSON body of one request.
#![allow(dead_code)]

use acs_chat_inspector::acs::endpoint::encode_segment;
use acs_chat_inspector::emulator::{self, EmulatorConfig, RunningEmulator};
use serde_json::Value;

pub async fn demo() -> RunningEmulator {
    emulator::start(EmulatorConfig::default()).await.unwrap()
}

/// The demo with "now" pinned, so times and ids are the same every run.
pub async fn pinned_demo() -> RunningEmulator {
    let now = chrono::DateTime::parse_from_rfc3339(PINNED_NOW)
        .unwrap()
        .to_utc();
    emulator::start(EmulatorConfig {
        now: Some(now),
        ..Default::default()
    })
    .await
    .unwrap()
}

pub const PINNED_NOW: &str = "2026-01-15T12:00:00Z";

/// `/chat/threads/<encoded id><rest>`.
pub fn thread_path(thread_id: &str, rest: &str) -> String {
    format!("/chat/threads/{}{rest}", encode_segment(thread_id))
}

/// GETs an absolute URL with `token`: the status and the body as JSON (`Value::Null` for an empty or
/// non-JSON body).
pub async fn get_url(url: &str, token: &str) -> (u16, Value) {
    let response = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body = response.bytes().await.unwrap();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

/// GETs `path` of the emulator with `api-version` added.
pub async fn get_at(emu: &RunningEmulator, path: &str, version: &str, token: &str) -> (u16, Value) {
    let sep = if path.contains('?') { '&' } else { '?' };
    get_url(
        &format!("{}{path}{sep}api-version={version}", emu.info.endpoint),
        token,
    )
    .await
}

/// Every item of a list across its nextLinks, or the status and body of the first page's error.
pub async fn list_or_error(
    emu: &RunningEmulator,
    path: &str,
    version: &str,
    token: &str,
) -> Result<Vec<Value>, (u16, Value)> {
    let (status, mut page) = get_at(emu, path, version, token).await;
    if status != 200 {
        return Err((status, page));
    }
    let mut items = Vec::new();
    loop {
        items.extend(page["value"].as_array().unwrap().iter().cloned());
        let Some(next) = page["nextLink"].as_str().map(str::to_string) else {
            return Ok(items);
        };
        page = get_url(&next, token).await.1;
    }
}

/// Every item of a list, which must answer 200.
pub async fn list_all(emu: &RunningEmulator, path: &str, version: &str, token: &str) -> Vec<Value> {
    list_or_error(emu, path, version, token)
        .await
        .unwrap_or_else(|(status, body)| panic!("{path}: {status} {body}"))
}
