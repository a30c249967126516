//! Decoding a 200-message page (the service's largest) with the lenient models, against plain serde_json
//! into strict structs with the same fields: the price of leniency and kept unknown fields.

use std::hint::black_box;

use acs_chat_inspector::acs::{ChatMessage, Page};
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;

fn page_json(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"{id}","type":"text","sequenceId":"{seq}","version":"{id}","content":{{"message":"Message number {i} about lunch plans and the weekly sync"}},"senderDisplayName":"Jane","createdOn":"2024-05-30T08:36:01Z","senderCommunicationIdentifier":{{"rawId":"8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b","communicationUser":{{"id":"8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b"}}}},"metadata":{{"tags":"sometag"}}}}"#,
                id = 1_700_000_000_000u64 + i as u64,
                seq = n - i,
            )
        })
        .collect();
    format!(
        r#"{{"value":[{}],"nextLink":"https://x.communication.azure.com/chat/threads/19:a@thread.v2/messages?maxPageSize=200&api-version=2025-03-15"}}"#,
        items.join(",")
    )
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StrictPage {
    value: Vec<StrictMessage>,
    next_link: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StrictMessage {
    id: String,
    #[serde(rename = "type")]
    message_type: String,
    sequence_id: String,
    version: String,
    content: Option<StrictContent>,
    sender_display_name: Option<String>,
    created_on: String,
    sender_communication_identifier: Option<StrictIdentifier>,
    deleted_on: Option<String>,
    edited_on: Option<String>,
    metadata: Option<std::collections::HashMap<String, String>>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct StrictContent {
    message: Option<String>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct StrictIdentifier {
    raw_id: Option<String>,
    communication_user: Option<StrictUser>,
}

#[allow(dead_code)]
#[derive(Deserialize)]
struct StrictUser {
    id: String,
}

fn decode(c: &mut Criterion) {
    let body = page_json(200);
    let mut group = c.benchmark_group("decode_200_message_page");
    group.bench_function("lenient_models", |b| {
        b.iter(|| serde_json::from_str::<Page<ChatMessage>>(black_box(&body)).unwrap())
    });
    group.bench_function("plain_serde_strict", |b| {
        b.iter(|| serde_json::from_str::<StrictPage>(black_box(&body)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, decode);
criterion_main!(benches);
