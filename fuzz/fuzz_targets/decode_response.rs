//! Feeds arbitrary bytes to everything that reads what the service (or a proxy) sends back:
//! response decoding for every model, error bodies, tokens, and the terminal sanitiser. JSON that
//! decodes is printed as headless output is: no raw control or bidi character, the same value.
#![no_main]

use std::sync::Arc;
use std::time::Duration;

use acs_chat_inspector::acs::client::decode_body;
use acs_chat_inspector::acs::error::parse_error_body;
use acs_chat_inspector::acs::token::decode_token;
use acs_chat_inspector::acs::{
    ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadItem, ChatThreadProperties,
    Exchange, Page,
};
use acs_chat_inspector::sanitize::{one_line, terminal_safe_json};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let body = String::from_utf8_lossy(data).into_owned();
    let exchange = Arc::new(Exchange {
        seq: 1,
        started_at: chrono::Utc::now(),
        method: "GET".into(),
        url: "https://x.communication.azure.com/chat/threads".into(),
        status: Some(200),
        duration: Duration::ZERO,
        attempts: 1,
        headers: vec![("MS-CV".into(), "fuzz.0".into())],
        body: body.clone(),
        error: None,
        failed_attempts: vec![],
    });
    let _ = decode_body::<ChatThreadProperties>(&exchange);
    if let Ok(m) = decode_body::<ChatMessage>(&exchange) {
        let _ = (
            m.sequence(),
            m.created(),
            m.sender_raw_id(),
            one_line(m.text()),
        );
    }
    let _ = decode_body::<Page<ChatMessage>>(&exchange);
    let _ = decode_body::<Page<ChatParticipant>>(&exchange);
    let _ = decode_body::<Page<ChatMessageReadReceipt>>(&exchange);
    let _ = decode_body::<Page<ChatThreadItem>>(&exchange);
    let _ = parse_error_body(data);
    let _ = decode_token(&body, chrono::Utc::now());
    if let Ok(value) = decode_body::<serde_json::Value>(&exchange) {
        let printed = terminal_safe_json(&value, false).unwrap();
        let unsafe_char = |c: char| {
            matches!(c, '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
                | '\u{200e}' | '\u{200f}' | '\u{061c}')
                || (c.is_control() && c != '\n')
        };
        assert!(!printed.chars().any(unsafe_char), "{printed:?}");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&printed).unwrap(),
            value
        );
    }
});
