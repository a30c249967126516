//! Error bodies of any shape become one bounded error line without control characters or secrets,
//! and masking is stable (masking twice changes nothing).
#![no_main]

use acs_chat_inspector::acs::ServiceError;
use acs_chat_inspector::acs::error::parse_error_body;
use acs_chat_inspector::sanitize::{MAX_ERROR_LINE, error_line, holds_secret, mask_secrets};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = parse_error_body(data);
    let body = String::from_utf8_lossy(data).into_owned();
    let status = data.first().map_or(500, |b| 300 + u16::from(*b));
    let error = ServiceError {
        status,
        code: parsed.code,
        message: parsed.message,
        target: parsed.target,
        ms_cv: Some(body.chars().take(40).collect()),
        location: Some(body.clone()),
        body: body.clone(),
        ..Default::default()
    };
    let line = error_line(&error.summary());
    assert!(line.len() <= MAX_ERROR_LINE + 40, "{} bytes", line.len());
    assert!(!line.chars().any(char::is_control), "{line:?}");
    let masked = mask_secrets(&body);
    assert!(!holds_secret(&masked), "{masked:?}");
    assert_eq!(mask_secrets(&masked), masked);
});
