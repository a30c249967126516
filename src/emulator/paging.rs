//! The service's paging: `maxPageSize`, `startTime`, `skip`, and absolute `nextLink`s.
//!
//! - Messages, newest first; the `nextLink` carries a hex `syncState` (`3e`, the thread id's length as
//!   u32 LE, the id, `01`, then two u64 LE epoch-ms: the last message delivered and the newest one),
//!   the .NET-style `startTime`, `maxPageSize` and `api-version`; the thread id in its path is not
//!   percent-encoded. The next page holds the messages created before the last one delivered.
//! - Threads, most recent activity first; `syncState` is base64 JSON of time ranges, as the service's.
//! - Participants and read receipts: `skip` offsets.
//! - A full page always has a `nextLink`, so when the items end exactly at a page boundary the last
//!   link leads to `{"value": []}`, as the real service does; a short page has none.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{SecondsFormat, TimeZone, Utc};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde_json::{Value, json};

use crate::acs::time::parse_service_time;

/// Page size when the request gives none.
pub const DEFAULT_PAGE_SIZE: usize = 20;
/// "Page size - ListMessages | 200" (service-limits.md, Chat). No maximum is documented for the
/// other lists, so they give what is asked (a thread has at most 250 participants).
pub const MAX_MESSAGES_PAGE_SIZE: usize = 200;

const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The query string, decoded.
#[derive(Debug, Default)]
pub struct Query(Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Self {
        let pairs = url::form_urlencoded::parse(raw.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        Self(pairs)
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// `maxPageSize`: default when absent, capped at `cap` (when the operation has one), an error
    /// when not a positive number.
    pub fn page_size(&self, cap: Option<usize>) -> Result<usize, String> {
        let cap = cap.unwrap_or(usize::MAX);
        match self.get("maxPageSize") {
            None => Ok(DEFAULT_PAGE_SIZE.min(cap)),
            Some(v) => match v.trim().parse::<i64>() {
                Ok(n) if n > 0 => Ok(usize::try_from(n).unwrap_or(cap).min(cap)),
                _ => Err(format!(
                    "Invalid maxPageSize '{v}': expected a positive integer."
                )),
            },
        }
    }

    pub fn skip(&self) -> Result<usize, String> {
        match self.get("skip") {
            None => Ok(0),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .map_err(|_| format!("Invalid skip '{v}': expected a non-negative integer.")),
        }
    }

    /// `startTime` in epoch ms: RFC 3339, the .NET form of nextLinks, or `0`.
    pub fn start_ms(&self) -> Result<Option<i64>, String> {
        let Some(v) = self.get("startTime") else {
            return Ok(None);
        };
        let v = v.trim();
        if let Ok(n) = v.parse::<i64>() {
            return Ok(Some(n));
        }
        // A '+' sent unencoded arrives as a space.
        parse_service_time(v)
            .or_else(|| parse_service_time(&v.replace(' ', "+")))
            .map(|t| Some(t.timestamp_millis()))
            .ok_or_else(|| format!("Invalid startTime '{v}': expected a date-time."))
    }
}

fn enc(s: &str) -> String {
    utf8_percent_encode(s, QUERY_VALUE).to_string()
}

/// `1/1/1970 12:00:00 AM +00:00`, as the service writes `startTime` in nextLinks.
pub fn dotnet_time(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .format("%-m/%-d/%Y %-I:%M:%S %p +00:00")
        .to_string()
}

fn rfc3339_ms(ms: i64) -> String {
    Utc.timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, false)
}

pub fn message_sync_state(thread_id: &str, last_ms: i64, newest_ms: i64) -> String {
    let len = u32::try_from(thread_id.len()).unwrap_or(u32::MAX);
    let mut bytes = vec![0x3e];
    bytes.extend_from_slice(&len.to_le_bytes());
    bytes.extend_from_slice(thread_id.as_bytes());
    bytes.push(0x01);
    bytes.extend_from_slice(&last_ms.to_le_bytes());
    bytes.extend_from_slice(&newest_ms.to_le_bytes());
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The last message delivered, from a messages `syncState`.
pub fn parse_message_sync_state(hex: &str) -> Option<i64> {
    if !hex.len().is_multiple_of(2) || hex.len() < 2 * (1 + 4 + 1 + 16) {
        return None;
    }
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect::<Option<_>>()?;
    let tail = &bytes[bytes.len() - 16..bytes.len() - 8];
    Some(i64::from_le_bytes(tail.try_into().ok()?))
}

pub fn thread_sync_state(start_ms: i64, last_ms: i64) -> String {
    let ranges = json!([{"start": rfc3339_ms(start_ms), "end": rfc3339_ms(last_ms)}]);
    STANDARD.encode(ranges.to_string())
}

/// `(start, end)` of a threads `syncState`: the request's startTime and the last thread delivered.
pub fn parse_thread_sync_state(state: &str) -> Option<(i64, i64)> {
    let json: Value = serde_json::from_slice(&STANDARD.decode(state.trim()).ok()?).ok()?;
    let ms = |key: &str| {
        let text = json.get(0)?.get(key)?.as_str()?;
        parse_service_time(text).map(|t| t.timestamp_millis())
    };
    Some((ms("start")?, ms("end")?))
}

pub fn messages_next_link(
    origin: &str,
    thread_id: &str,
    sync_state: &str,
    start_ms: i64,
    size: usize,
    api_version: &str,
) -> String {
    format!(
        "{origin}/chat/threads/{thread_id}/messages?syncState={sync_state}&startTime={}&maxPageSize={size}&api-version={}",
        enc(&dotnet_time(start_ms)),
        enc(api_version)
    )
}

/// `list` is `participants` or `readReceipts`.
pub fn offset_next_link(
    origin: &str,
    thread_id: &str,
    list: &str,
    skip: usize,
    size: usize,
    api_version: &str,
) -> String {
    format!(
        "{origin}/chat/threads/{thread_id}/{list}?skip={skip}&maxPageSize={size}&api-version={}",
        enc(api_version)
    )
}

pub fn threads_next_link(origin: &str, sync_state: &str, size: usize, api_version: &str) -> String {
    format!(
        "{origin}/chat/threads?syncState={}&api-version={}&maxPageSize={size}",
        enc(sync_state),
        enc(api_version)
    )
}

/// Indices `[lo, hi)` of an ascending list, delivered from `hi - 1` downwards: the page's indices.
pub fn newest_first(lo: usize, hi: usize, size: usize) -> Vec<usize> {
    let from = hi.saturating_sub(size).max(lo);
    (from..hi).rev().collect()
}

/// A page of a list that pages by offset.
pub fn offset_page<T: Clone>(items: &[T], skip: usize, size: usize) -> Vec<T> {
    items.iter().skip(skip).take(size).cloned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotnet_time_matches_real_next_links() {
        assert_eq!(dotnet_time(0), "1/1/1970 12:00:00 AM +00:00");
        assert_eq!(
            enc(&dotnet_time(0)),
            "1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00"
        );
        assert_eq!(
            dotnet_time(1_697_712_387_445),
            "10/19/2023 10:46:27 AM +00:00"
        );
    }

    #[test]
    fn message_sync_state_has_the_real_layout_and_round_trips() {
        let id = "19:xpMEpgs_hSMB1QtAjq509RZGi76SaME0glQ98ZX34MA1@thread.v2";
        let s = message_sync_state(id, 1_697_712_385_894, 1_697_712_387_445);
        assert_eq!(
            s,
            "3e3900000031393a78704d457067735f68534d42315174416a71353039525a4769373653614d4530676c5139385a5833344d4131407468726561642e763201662f8b478b01000075358b478b010000"
        );
        assert_eq!(parse_message_sync_state(&s), Some(1_697_712_385_894));
        assert_eq!(parse_message_sync_state("zz"), None);
    }

    #[test]
    fn thread_sync_state_round_trips() {
        let s = thread_sync_state(5_000, 1_593_068_183_696);
        assert_eq!(
            parse_thread_sync_state(&s),
            Some((5_000, 1_593_068_183_696))
        );
    }

    #[test]
    fn start_time_accepts_every_shape() {
        let q = |s: &str| Query::parse(Some(s)).start_ms();
        assert_eq!(
            q("startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00"),
            Ok(Some(0))
        );
        assert_eq!(
            q("startTime=2023-10-19T10:46:27+00:00"),
            Ok(Some(1_697_712_387_000))
        );
        assert_eq!(
            q("startTime=2023-10-19T10%3A46%3A27Z"),
            Ok(Some(1_697_712_387_000))
        );
        assert_eq!(q("startTime=0"), Ok(Some(0)));
        assert!(q("startTime=soon").is_err());
    }

    #[test]
    fn page_sizes_are_checked_and_capped() {
        let q = |s: &str| Query::parse(Some(s)).page_size(Some(MAX_MESSAGES_PAGE_SIZE));
        assert_eq!(q(""), Ok(DEFAULT_PAGE_SIZE));
        assert_eq!(q("maxPageSize=5"), Ok(5));
        assert_eq!(q("maxPageSize=5000"), Ok(MAX_MESSAGES_PAGE_SIZE));
        assert_eq!(
            Query::parse(Some("maxPageSize=300")).page_size(None),
            Ok(300)
        );
        assert!(q("maxPageSize=0").is_err());
        assert!(q("maxPageSize=x").is_err());
    }

    #[test]
    fn newest_first_windows() {
        assert_eq!(newest_first(0, 5, 2), vec![4, 3]);
        assert_eq!(newest_first(2, 5, 10), vec![4, 3, 2]);
        assert!(newest_first(3, 3, 2).is_empty());
    }
}
