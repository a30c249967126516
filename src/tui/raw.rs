//! The raw view's content: an exchange as received (request line, status, headers, body),
//! prepared once when opened so drawing only slices it.

use std::sync::Arc;

use crate::acs::Exchange;
use crate::acs::error::status_reason;
use crate::sanitize::one_line;

/// Bodies are shown up to this many lines.
pub const MAX_LINES: usize = 20_000;

/// Headers a support engineer looks for first.
pub const KEY_HEADERS: [&str; 8] = [
    "ms-cv",
    "x-azure-ref",
    "x-processing-time",
    "api-supported-versions",
    "retry-after",
    "retry-after-ms",
    "x-ms-retry-after-ms",
    "content-type",
];

/// What a line of the raw view is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Heading,
    KeyHeader,
    Header,
    Json,
    Text,
    Note,
}

/// An exchange ready to draw.
#[derive(Debug, Clone)]
pub struct RawView {
    pub exchange: Arc<Exchange>,
    pub lines: Vec<(Kind, String)>,
    pub scroll: usize,
}

impl RawView {
    pub fn new(exchange: Arc<Exchange>) -> Self {
        let mut lines = vec![(
            Kind::Heading,
            format!("{} {}", exchange.method, one_line(&exchange.url)),
        )];
        lines.push((Kind::Text, status_line(&exchange)));
        if let Some(error) = &exchange.error {
            lines.push((Kind::Note, one_line(error).into_owned()));
        }
        lines.push((Kind::Text, String::new()));
        lines.push((
            Kind::Heading,
            format!("Response headers ({})", exchange.headers.len()),
        ));
        let mut headers: Vec<&(String, String)> = exchange.headers.iter().collect();
        headers.sort_by_key(|(name, _)| !KEY_HEADERS.contains(&name.to_ascii_lowercase().as_str()));
        for (name, value) in headers {
            let kind = if KEY_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
                Kind::KeyHeader
            } else {
                Kind::Header
            };
            lines.push((kind, format!("{}: {}", one_line(name), one_line(value))));
        }
        lines.push((Kind::Text, String::new()));
        lines.push((
            Kind::Heading,
            format!("Body ({} bytes)", exchange.body.len()),
        ));
        lines.extend(body_lines(&exchange.body));
        Self {
            exchange,
            lines,
            scroll: 0,
        }
    }
}

fn status_line(e: &Exchange) -> String {
    let status = match e.status {
        Some(code) => format!("{code} {}", status_reason(code)),
        None => "no answer".into(),
    };
    let retries = match e.retries() {
        0 => String::new(),
        n => format!(" · {n} retries"),
    };
    format!(
        "{status} · {} ms{retries} · started {}",
        e.duration.as_millis(),
        e.started_at.format("%Y-%m-%d %H:%M:%S%.3f UTC")
    )
}

/// JSON pretty-printed, anything else as sent; every line sanitized.
fn body_lines(body: &str) -> Vec<(Kind, String)> {
    if body.trim().is_empty() {
        return vec![(Kind::Note, "(empty body)".into())];
    }
    let (kind, text) = match serde_json::from_str::<serde_json::Value>(body) {
        Ok(value) => (
            Kind::Json,
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| body.to_string()),
        ),
        Err(_) => (Kind::Text, body.to_string()),
    };
    let mut lines: Vec<(Kind, String)> = text
        .lines()
        .take(MAX_LINES)
        .map(|l| (kind, crate::sanitize::sanitize(l, false).into_owned()))
        .collect();
    if text.lines().nth(MAX_LINES).is_some() {
        lines.push((Kind::Note, format!("(cut at {MAX_LINES} lines)")));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_is_pretty_and_key_headers_come_first() {
        let exchange = Arc::new(Exchange {
            seq: 1,
            started_at: chrono::Utc::now(),
            method: "GET".into(),
            url: "https://x/chat/threads/a?api-version=2025-03-15".into(),
            status: Some(200),
            duration: Default::default(),
            attempts: 1,
            headers: vec![
                ("Date".into(), "today".into()),
                ("MS-CV".into(), "abc.0".into()),
            ],
            body: r#"{"id":"a","topic":"t"}"#.into(),
            error: None,
        });
        let view = RawView::new(exchange);
        let text: Vec<&str> = view.lines.iter().map(|(_, l)| l.as_str()).collect();
        let cv = text.iter().position(|l| l.starts_with("MS-CV")).unwrap();
        let date = text.iter().position(|l| l.starts_with("Date")).unwrap();
        assert!(cv < date);
        assert!(text.contains(&r#"  "topic": "t""#), "{text:?}");
    }
}
