//! Retries for throttling (429), unavailability (503) and connection resets, as the Azure SDKs do them.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::exchange::header_value;

/// How many times and how long to wait.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// The first backoff when the service gives no hint; doubled each time.
    pub base_delay: Duration,
    /// No wait is longer than this, whatever the service asks.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_retries: 3,
            base_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    pub fn none() -> Self {
        Self {
            max_retries: 0,
            ..Self::default()
        }
    }

    /// Exponential backoff with ±25% jitter, capped at `max_delay`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(2u32.saturating_pow(retry.saturating_sub(1).min(16)));
        let jitter = rand::random_range(0.75..1.25);
        exp.mul_f64(jitter).min(self.max_delay)
    }

    /// The wait before retry number `retry`: the service's hint when it gave one, else backoff.
    pub fn delay(&self, retry: u32, headers: &[(String, String)], now: DateTime<Utc>) -> Duration {
        retry_after(headers, now)
            .map(|d| d.min(self.max_delay))
            .unwrap_or_else(|| self.backoff(retry))
    }
}

/// Statuses worth retrying.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The longest wait a retry header is taken at: anything longer (`Retry-After: 1e30`, a date in
/// the year 9999) is read as this. The policy's `max_delay` then caps the actual wait.
pub const MAX_RETRY_HINT: Duration = Duration::from_secs(24 * 3600);

/// Reads `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds) and `Retry-After` (seconds or an HTTP date),
/// in that order, in any header case, as the Azure SDKs do (`Azure/azure-sdk-for-js`
/// `sdk/core/core-rest-pipeline/src/retryStrategies/throttlingRetryStrategy.ts`; acs-chat-api.md §5).
/// A negative, infinite or unreadable
/// value is ignored; a huge one is capped at [`MAX_RETRY_HINT`], never a panic.
pub fn retry_after(headers: &[(String, String)], now: DateTime<Utc>) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        let ms = header_value(headers, name).and_then(parse_non_negative);
        if let Some(ms) = ms {
            return Some(capped_seconds(ms / 1000.0));
        }
    }
    let value = header_value(headers, "retry-after")?.trim();
    if value.parse::<f64>().is_ok() {
        return parse_non_negative(value).map(capped_seconds);
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    let wait = (when - now).to_std().unwrap_or(Duration::ZERO);
    Some(wait.min(MAX_RETRY_HINT))
}

/// A finite, non-negative number (`1200`, `2.5`, `1e30`); `NaN`, `inf` and negatives are not.
fn parse_non_negative(value: &str) -> Option<f64> {
    let n = value.trim().parse::<f64>().ok()?;
    (n.is_finite() && n >= 0.0).then_some(n)
}

/// Seconds as a duration, at most [`MAX_RETRY_HINT`] (`Duration::from_secs_f64` panics on overflow).
fn capped_seconds(secs: f64) -> Duration {
    Duration::try_from_secs_f64(secs)
        .unwrap_or(MAX_RETRY_HINT)
        .min(MAX_RETRY_HINT)
}

#[cfg(test)]
mod tests {
    use proptest::strategy::Strategy;

    use super::*;

    fn h(name: &str, value: &str) -> Vec<(String, String)> {
        vec![(name.to_string(), value.to_string())]
    }

    #[test]
    fn every_retry_header_variant_is_read() {
        let now = Utc::now();
        assert_eq!(
            retry_after(&h("retry-after-ms", "1200"), now),
            Some(Duration::from_millis(1200))
        );
        assert_eq!(
            retry_after(&h("X-MS-Retry-After-Ms", "50"), now),
            Some(Duration::from_millis(50))
        );
        assert_eq!(
            retry_after(&h("Retry-After", "2"), now),
            Some(Duration::from_secs(2))
        );
        let date = DateTime::parse_from_rfc2822("Wed, 21 Oct 2026 07:28:00 GMT")
            .unwrap()
            .with_timezone(&Utc);
        let d = retry_after(
            &h("retry-after", "Wed, 21 Oct 2026 07:28:00 GMT"),
            date - chrono::Duration::seconds(3),
        );
        assert_eq!(d, Some(Duration::from_secs(3)));
        assert_eq!(retry_after(&h("retry-after", "soon"), now), None);
    }

    #[test]
    fn absurd_values_are_capped_or_ignored() {
        let now = Utc::now();
        let day = Some(MAX_RETRY_HINT);
        assert_eq!(retry_after(&h("Retry-After", "1e30"), now), day);
        assert_eq!(retry_after(&h("retry-after-ms", "1e300"), now), day);
        assert_eq!(
            retry_after(&h("x-ms-retry-after-ms", "18446744073709551616000"), now),
            day
        );
        assert_eq!(
            retry_after(&h("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT"), now),
            day
        );
        assert_eq!(
            retry_after(&h("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        for ignored in ["-5", "NaN", "inf", "-inf", "1e400", "", "0x10"] {
            assert_eq!(
                retry_after(&h("retry-after", ignored), now),
                None,
                "{ignored}"
            );
            assert_eq!(
                retry_after(&h("retry-after-ms", ignored), now),
                None,
                "{ignored}"
            );
        }
        // An unusable millisecond header gives way to the next one.
        let both = vec![
            ("retry-after-ms".to_string(), "NaN".to_string()),
            ("Retry-After".to_string(), "3".to_string()),
        ];
        assert_eq!(retry_after(&both, now), Some(Duration::from_secs(3)));
        let p = RetryPolicy::default();
        assert_eq!(p.delay(1, &h("retry-after", "1e30"), now), p.max_delay);
    }

    proptest::proptest! {
        #[test]
        fn any_header_value_gives_a_bounded_wait(
            name in proptest::sample::select(vec!["retry-after-ms", "x-ms-retry-after-ms", "Retry-After"]),
            value in proptest::prop_oneof![
                proptest::num::f64::ANY.prop_map(|n| n.to_string()),
                "[-+0-9.eEinfatyINFAN]{0,40}",
                "\\PC{0,60}",
            ],
            retry in 0u32..100,
        ) {
            let now = Utc::now();
            let headers = h(name, &value);
            if let Some(wait) = retry_after(&headers, now) {
                proptest::prop_assert!(wait <= MAX_RETRY_HINT);
            }
            let policy = RetryPolicy::default();
            proptest::prop_assert!(policy.delay(retry, &headers, now) <= policy.max_delay);
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let p = RetryPolicy {
            max_retries: 10,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let first = p.backoff(1);
        assert!(first >= Duration::from_millis(75) && first <= Duration::from_millis(125));
        assert!(p.backoff(8) <= Duration::from_millis(500));
        assert_eq!(
            p.delay(1, &h("retry-after", "60"), Utc::now()),
            Duration::from_millis(500)
        );
    }
}
