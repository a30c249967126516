//! Retry headers with any value give a wait within the caps, never a panic.
#![no_main]

use acs_chat_inspector::acs::RetryPolicy;
use acs_chat_inspector::acs::retry::{MAX_RETRY_HINT, retry_after};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = [
    "retry-after-ms",
    "x-ms-retry-after-ms",
    "Retry-After",
    "RETRY-AFTER",
];

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let value = String::from_utf8_lossy(rest).into_owned();
    let mut headers = vec![(NAMES[usize::from(selector) % 4].to_string(), value.clone())];
    if selector >= 128 {
        // Two headers: an unusable first one must give way to the next.
        headers.push(("retry-after".to_string(), value.chars().rev().collect()));
    }
    let now = chrono::Utc::now();
    if let Some(wait) = retry_after(&headers, now) {
        assert!(wait <= MAX_RETRY_HINT, "{wait:?} from {headers:?}");
    }
    let policy = RetryPolicy::default();
    let delay = policy.delay(u32::from(selector), &headers, now);
    assert!(delay <= policy.max_delay, "{delay:?} from {headers:?}");
});
