//! The raw view of one HTTP exchange and the request log: what the service answered, exactly.
//!
//! Everything here is a pure function of an [`Exchange`] (and the time display), so a caller can
//! compute the lines once per exchange, keep them, and slice the visible window on every frame with
//! [`visible`]. Service text is sanitised: an escape sequence inside a message is shown, never run.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::layout::Constraint;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Row};
use unicode_width::UnicodeWidthChar;

use crate::acs::{Exchange, TimeDisplay};
use crate::sanitize::{one_line, sanitize};

/// Headers a support ticket needs; highlighted in the header block (names match in any case).
pub const KEY_HEADERS: [&str; 7] = [
    "MS-CV",
    "X-Azure-Ref",
    "X-Processing-Time",
    "api-supported-versions",
    "Retry-After",
    "retry-after-ms",
    "x-ms-retry-after-ms",
];

const KEY_STYLE: Style = Style::new().fg(Color::Cyan);
const STRING_STYLE: Style = Style::new().fg(Color::Green);
const NUMBER_STYLE: Style = Style::new().fg(Color::Yellow);
const KEYWORD_STYLE: Style = Style::new().fg(Color::Magenta);
const PUNCT_STYLE: Style = Style::new().fg(Color::DarkGray);
const NOTICE_STYLE: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
const LABEL_STYLE: Style = Style::new().add_modifier(Modifier::BOLD);
const KEY_HEADER_STYLE: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);

/// Whether a header is one of [`KEY_HEADERS`], in any case.
pub fn is_key_header(name: &str) -> bool {
    KEY_HEADERS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// The body as coloured, indented lines (2 spaces, keys in received order).
///
/// A body that is not JSON (empty, truncated, HTML) comes back as its own text, after a first line
/// saying why it is not JSON. Linear in the body's size; call it once per exchange and keep the result.
pub fn json_lines(body: &str) -> Vec<Line<'static>> {
    // A byte-order mark is legal before JSON on the wire but not to the parser.
    let json = body.strip_prefix('\u{feff}').unwrap_or(body);
    match serde_json::from_str::<serde::de::IgnoredAny>(json) {
        Ok(_) => JsonPrinter::default().print(json),
        Err(e) => plain_lines(body, &not_json_reason(body, &e)),
    }
}

fn not_json_reason(body: &str, e: &serde_json::Error) -> String {
    if body.trim().is_empty() {
        "not JSON: empty body".to_string()
    } else {
        format!("not JSON: {e}")
    }
}

fn plain_lines(body: &str, reason: &str) -> Vec<Line<'static>> {
    let mut lines = vec![Line::styled(reason.to_string(), NOTICE_STYLE)];
    if !body.is_empty() {
        lines.extend(
            body.split('\n').map(|l| {
                Line::raw(sanitize(l.strip_suffix('\r').unwrap_or(l), false).into_owned())
            }),
        );
    }
    lines
}

/// The window of `lines` shown at `scroll` in a view `height` rows tall (clamped, never panics).
pub fn visible<'a, 'l>(lines: &'a [Line<'l>], scroll: usize, height: usize) -> &'a [Line<'l>] {
    let start = scroll.min(lines.len());
    let end = start.saturating_add(height).min(lines.len());
    &lines[start..end]
}

/// The largest useful scroll offset for `len` lines in a view `height` rows tall.
pub fn max_scroll(len: usize, height: usize) -> usize {
    len.saturating_sub(height)
}

/// Splits every line wider than `width` columns into rows of at most `width`, keeping styles, so a
/// long string can be read by scrolling down. Call it once per width, not per frame.
pub fn wrap(lines: &[Line<'static>], width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width);
    if width == 0 {
        return lines.to_vec();
    }
    let mut out = Vec::with_capacity(lines.len());
    for line in lines {
        if line.width() <= width {
            out.push(line.clone());
        } else {
            wrap_line(line, width, &mut out);
        }
    }
    out
}

fn wrap_line(line: &Line<'static>, width: usize, out: &mut Vec<Line<'static>>) {
    let mut row: Vec<Span<'static>> = Vec::new();
    let mut used = 0;
    for span in &line.spans {
        let mut piece = String::new();
        for c in span.content.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width && used > 0 {
                if !piece.is_empty() {
                    row.push(Span::styled(std::mem::take(&mut piece), span.style));
                }
                out.push(Line::from(std::mem::take(&mut row)));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        if !piece.is_empty() {
            row.push(Span::styled(piece, span.style));
        }
    }
    if !row.is_empty() {
        out.push(Line::from(row));
    }
}

/// Re-indents JSON that is already known to be valid, copying every token as received
/// (numbers keep their digits, strings their escapes). Each step returns the index after its token.
#[derive(Default)]
struct JsonPrinter {
    lines: Vec<Line<'static>>,
    current: Vec<Span<'static>>,
    /// `true` for each open object, `false` for each open array.
    stack: Vec<bool>,
    expect_key: bool,
}

impl JsonPrinter {
    fn print(mut self, body: &str) -> Vec<Line<'static>> {
        let bytes = body.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            i = match bytes[i] {
                b'{' | b'[' => self.open(bytes, i),
                b'}' | b']' => self.close(bytes[i], i),
                b',' => self.comma(i),
                b':' => self.colon(i),
                b'"' => self.string(body, i),
                b if b.is_ascii_whitespace() => i + 1,
                _ => self.scalar(body, i),
            };
        }
        if !self.current.is_empty() {
            self.lines.push(Line::from(self.current));
        }
        self.lines
    }

    fn push(&mut self, text: impl Into<String>, style: Style) {
        self.current.push(Span::styled(text.into(), style));
    }

    fn newline(&mut self) {
        self.lines
            .push(Line::from(std::mem::take(&mut self.current)));
        let indent = self.stack.len() * 2;
        if indent > 0 {
            self.current.push(Span::raw(" ".repeat(indent)));
        }
    }

    fn open(&mut self, bytes: &[u8], i: usize) -> usize {
        let (open, close) = if bytes[i] == b'{' {
            ("{", b'}')
        } else {
            ("[", b']')
        };
        let next = skip_whitespace(bytes, i + 1);
        if bytes.get(next) == Some(&close) {
            self.push(format!("{open}{}", close as char), PUNCT_STYLE);
            self.expect_key = false;
            return next + 1;
        }
        self.push(open, PUNCT_STYLE);
        self.stack.push(close == b'}');
        self.expect_key = close == b'}';
        self.newline();
        i + 1
    }

    fn close(&mut self, close: u8, i: usize) -> usize {
        self.stack.pop();
        self.newline();
        self.push((close as char).to_string(), PUNCT_STYLE);
        self.expect_key = false;
        i + 1
    }

    fn comma(&mut self, i: usize) -> usize {
        self.push(",", PUNCT_STYLE);
        self.newline();
        self.expect_key = self.stack.last() == Some(&true);
        i + 1
    }

    fn colon(&mut self, i: usize) -> usize {
        self.push(": ", PUNCT_STYLE);
        self.expect_key = false;
        i + 1
    }

    fn string(&mut self, body: &str, start: usize) -> usize {
        let end = string_end(body.as_bytes(), start);
        let style = if self.expect_key {
            KEY_STYLE
        } else {
            STRING_STYLE
        };
        self.push(one_line(&body[start..end]).into_owned(), style);
        self.expect_key = false;
        end
    }

    fn scalar(&mut self, body: &str, start: usize) -> usize {
        let bytes = body.as_bytes();
        let end = (start..bytes.len())
            .find(|&j| {
                matches!(bytes[j], b',' | b']' | b'}' | b':') || bytes[j].is_ascii_whitespace()
            })
            .unwrap_or(bytes.len());
        let style = match bytes[start] {
            b'-' | b'0'..=b'9' => NUMBER_STYLE,
            _ => KEYWORD_STYLE,
        };
        self.push(one_line(&body[start..end]).into_owned(), style);
        end
    }
}

fn skip_whitespace(bytes: &[u8], mut i: usize) -> usize {
    while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}

/// The index just past the closing quote of the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The request line, status, latency, attempts, start time, then every response header in received
/// order with the ones a ticket needs highlighted.
pub fn exchange_header_lines(
    ex: &Exchange,
    time: TimeDisplay,
    now: DateTime<Utc>,
) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(one_line(&ex.method).into_owned(), LABEL_STYLE),
            Span::raw(" "),
            Span::raw(one_line(&ex.url).into_owned()),
        ]),
        field("Status", status_text(ex), status_style(ex.status)),
        field(
            "Latency",
            format!("{} ms", ex.duration.as_millis()),
            Style::new(),
        ),
        field("Attempts", attempts_text(ex), Style::new()),
        field("Started", time.format(ex.started_at, now), Style::new()),
    ];
    if let Some(error) = &ex.error {
        lines.push(field("Error", one_line(error).into_owned(), NOTICE_STYLE));
    }
    lines.push(Line::styled(
        format!("Response headers ({})", ex.headers.len()),
        LABEL_STYLE,
    ));
    lines.extend(ex.headers.iter().map(|(k, v)| header_line(k, v)));
    lines
}

fn field(label: &str, value: String, style: Style) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<9}"), LABEL_STYLE),
        Span::styled(value, style),
    ])
}

fn header_line(name: &str, value: &str) -> Line<'static> {
    let style = if is_key_header(name) {
        KEY_HEADER_STYLE
    } else {
        Style::new()
    };
    Line::from(vec![
        Span::raw("  "),
        Span::styled(format!("{}: ", one_line(name)), style),
        Span::styled(one_line(value).into_owned(), style),
    ])
}

/// `200 OK`, `429 Too Many Requests`, or `no answer` when none came.
pub fn status_text(ex: &Exchange) -> String {
    match ex.status {
        Some(code) => match reqwest::StatusCode::from_u16(code)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            Some(reason) => format!("{code} {reason}"),
            None => code.to_string(),
        },
        None => "no answer".to_string(),
    }
}

fn status_style(status: Option<u16>) -> Style {
    match status {
        Some(200..=299) => Style::new().fg(Color::Green),
        Some(300..=499) => Style::new().fg(Color::Yellow),
        _ => Style::new().fg(Color::Red),
    }
}

fn attempts_text(ex: &Exchange) -> String {
    match ex.retries() {
        0 => format!("{} (no retries)", ex.attempts),
        1 => format!("{} (1 retry)", ex.attempts),
        n => format!("{} ({n} retries)", ex.attempts),
    }
}

/// Column titles of the request log, matching [`request_log_rows`].
pub fn request_log_header(time: TimeDisplay) -> Row<'static> {
    Row::new(vec![
        Cell::from(time.label()),
        Cell::from("Method"),
        Cell::from("Status"),
        Cell::from("Latency"),
        Cell::from("Retry"),
        Cell::from("MS-CV"),
        Cell::from("Path"),
    ])
    .style(LABEL_STYLE)
}

/// Column widths of the request log; the path takes what is left.
pub fn request_log_widths(time: TimeDisplay) -> [Constraint; 7] {
    let time_width = match time {
        TimeDisplay::Relative => 14,
        TimeDisplay::Utc | TimeDisplay::Local => 8,
    };
    [
        Constraint::Length(time_width),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(5),
        Constraint::Length(24),
        Constraint::Fill(1),
    ]
}

/// One row per exchange, newest first: row `i` shows `entries[entries.len() - 1 - i]`
/// (see [`entry_for_row`]). `entries` are oldest first, as [`crate::acs::RequestLog::entries`] gives them.
pub fn request_log_rows(
    entries: &[Arc<Exchange>],
    time: TimeDisplay,
    now: DateTime<Utc>,
) -> Vec<Row<'static>> {
    entries
        .iter()
        .rev()
        .map(|ex| request_log_row(ex, time, now))
        .collect()
}

/// The exchange shown on `row` of [`request_log_rows`].
pub fn entry_for_row(entries: &[Arc<Exchange>], row: usize) -> Option<&Arc<Exchange>> {
    entries.len().checked_sub(row + 1).map(|i| &entries[i])
}

fn request_log_row(ex: &Exchange, time: TimeDisplay, now: DateTime<Utc>) -> Row<'static> {
    let status = ex.status.map_or_else(|| "—".to_string(), |s| s.to_string());
    Row::new(vec![
        Cell::from(short_time(ex.started_at, time, now)),
        Cell::from(one_line(&ex.method).into_owned()),
        Cell::from(Span::styled(status, status_style(ex.status))),
        Cell::from(format!("{:>5} ms", ex.duration.as_millis())),
        Cell::from(format!("{:>4}", ex.retries())),
        Cell::from(one_line(ex.ms_cv().unwrap_or("—")).into_owned()),
        Cell::from(one_line(&compact_path(&ex.path_and_query())).into_owned()),
    ])
}

/// The request log's path: without the `/chat` prefix and the `api-version` parameter (both the same
/// on every row), decoded, with long ids shortened so the resource shows in a narrow column. The raw
/// view keeps the full URL.
pub fn compact_path(path_and_query: &str) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let path = path.strip_prefix("/chat").unwrap_or(path);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let path: Vec<String> = path.split('/').map(elide).collect();
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("api-version="))
        .collect();
    if query.is_empty() {
        path.join("/")
    } else {
        format!("{}?{}", path.join("/"), query.join("&"))
    }
}

/// `19:_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1@thread.v2` becomes `19:_PQfj…`: the start tells
/// ids apart, the rest is shown in the raw view.
fn elide(segment: &str) -> String {
    const HEAD: usize = 8;
    if segment.chars().count() <= HEAD + 4 {
        return segment.to_string();
    }
    let head: String = segment.chars().take(HEAD).collect();
    format!("{head}…")
}

/// The time of day (the log spans minutes, not days), or "3 s ago".
fn short_time(t: DateTime<Utc>, time: TimeDisplay, now: DateTime<Utc>) -> String {
    match time {
        TimeDisplay::Utc => t.format("%H:%M:%S").to_string(),
        TimeDisplay::Local => t
            .with_timezone(&chrono::Local)
            .format("%H:%M:%S")
            .to_string(),
        TimeDisplay::Relative => crate::acs::time::relative(t, now),
    }
}

#[cfg(test)]
mod tests;
