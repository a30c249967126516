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

/// Reads `retry-after-ms`, `x-ms-retry-after-ms` (milliseconds) and `Retry-After` (seconds or an HTTP date),
/// in that order, in any header case.
pub fn retry_after(headers: &[(String, String)], now: DateTime<Utc>) -> Option<Duration> {
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        let ms = header_value(headers, name).and_then(|v| v.trim().parse::<f64>().ok());
        if let Some(ms) = ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
            return Some(Duration::from_secs_f64(ms / 1000.0));
        }
    }
    let value = header_value(headers, "retry-after")?.trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = DateTime::parse_from_rfc2822(value)
        .ok()?
        .with_timezone(&Utc);
    Some((when - now).to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
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
