//! The raw view of one HTTP exchange and the request log: what the service answered, exactly.
//!
//! Everything here is a pure function of an [`Exchange`] (and the time display), so a caller can
//! compute the lines once per exchange, keep them, and slice the visible window on every frame with
//! [`visible`]. Service text is sanitised: an escape sequence inside a message is shown, never run.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::layout::Constraint;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::{Cell, Row};
use unicode_width::UnicodeWidthChar;

use crate::acs::{Exchange, FailedAttempt, TimeDisplay};
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
    ];
    lines.extend(ex.failed_attempts.iter().enumerate().map(|(i, failed)| {
        Line::from(vec![
            Span::raw(format!("  {}. ", i + 1)),
            Span::styled(failed_attempt_text(failed), status_style(failed.status)),
        ])
    }));
    lines.push(field(
        "Started",
        time.format(ex.started_at, now),
        Style::new(),
    ));
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

/// One line naming an exchange for a ticket: its status and `MS-CV` (and retries, if any).
pub fn exchange_summary_line(ex: &Exchange) -> Line<'static> {
    let mut spans = vec![Span::styled(status_text(ex), status_style(ex.status))];
    if let Some(cv) = ex.ms_cv() {
        spans.push(Span::raw(" · "));
        spans.push(Span::styled(
            format!("MS-CV: {}", one_line(cv)),
            KEY_HEADER_STYLE,
        ));
    }
    if ex.retries() > 0 {
        spans.push(Span::raw(format!(" · attempts {}", attempts_text(ex))));
    }
    Line::from(spans)
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
        Some(code) => code_text(code),
        None => "no answer".to_string(),
    }
}

fn code_text(code: u16) -> String {
    match reqwest::StatusCode::from_u16(code)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{code} {reason}"),
        None => code.to_string(),
    }
}

fn status_style(status: Option<u16>) -> Style {
    match status {
        Some(200..=299) => Style::new().fg(Color::Green),
        Some(300..=499) => Style::new().fg(Color::Yellow),
        _ => Style::new().fg(Color::Red),
    }
}

/// `429 Too Many Requests · MS-CV JduJ….0 · throttled, waited 1.2 s`.
pub fn failed_attempt_text(failed: &FailedAttempt) -> String {
    let status = match failed.status {
        Some(code) => code_text(code),
        None => "no answer".to_string(),
    };
    format!(
        "{status} · MS-CV {} · {}, waited {:.1} s",
        one_line(failed.ms_cv.as_deref().unwrap_or("(none)")),
        one_line(&failed.reason),
        failed.wait.as_secs_f64()
    )
}

/// `↳ 429 JduJle7…nLYlU7Q.0 waited 1.2 s` in `width` columns, for the request log.
fn failed_attempt_brief(failed: &FailedAttempt, width: usize) -> String {
    let status = failed
        .status
        .map_or_else(|| "no answer".to_string(), |s| s.to_string());
    let wait = format!("waited {:.1} s", failed.wait.as_secs_f64());
    let room = width.saturating_sub(status.chars().count() + wait.chars().count() + 4);
    let ms_cv = super::ids::middle(&one_line(failed.ms_cv.as_deref().unwrap_or("—")), room);
    format!("↳ {status} {ms_cv} {wait}")
}

fn attempts_text(ex: &Exchange) -> String {
    match ex.retries() {
        0 => format!("{} (no retries)", ex.attempts),
        1 => format!("{} (1 retry)", ex.attempts),
        n => format!("{} ({n} retries)", ex.attempts),
    }
}

/// The request log's columns for a table `width` columns wide. Below 100 columns the method and
/// status share a column, the retry count goes (retried requests list their attempts under
/// them) and the MS-CV is shortened (the raw view and the copy menu have it whole), so the path
/// keeps room to tell threads apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogLayout {
    pub time: TimeDisplay,
    pub narrow: bool,
    /// Columns of the MS-CV.
    pub ms_cv: usize,
    /// Columns the path gets.
    pub path: usize,
}

impl LogLayout {
    pub fn new(time: TimeDisplay, width: u16) -> Self {
        let narrow = width < 100;
        let ms_cv = if narrow { 12 } else { 24 };
        let mut layout = Self {
            time,
            narrow,
            ms_cv,
            path: 0,
        };
        let columns: usize = layout.fixed().iter().sum();
        // The spaces between columns, the selection marker and the border.
        let gaps = layout.fixed().len() + 2 + 2;
        layout.path = usize::from(width).saturating_sub(columns + gaps).max(12);
        layout
    }

    fn time_width(&self) -> usize {
        match self.time {
            TimeDisplay::Relative => 14,
            TimeDisplay::Utc | TimeDisplay::Local => 8,
        }
    }

    /// Widths of the columns before the path.
    fn fixed(&self) -> Vec<usize> {
        if self.narrow {
            vec![self.time_width(), 7, 8, self.ms_cv]
        } else {
            vec![self.time_width(), 6, 6, 8, 5, self.ms_cv]
        }
    }

    /// Column widths; the path takes what is left.
    pub fn widths(&self) -> Vec<Constraint> {
        let mut widths: Vec<Constraint> = self
            .fixed()
            .into_iter()
            .map(|w| Constraint::Length(w as u16))
            .collect();
        widths.push(Constraint::Fill(1));
        widths
    }

    /// Column titles, matching [`request_log_rows`].
    pub fn header(&self) -> Row<'static> {
        let mut titles = vec![self.time.label()];
        if self.narrow {
            titles.push("Answer");
        } else {
            titles.extend(["Method", "Status"]);
        }
        titles.push("Latency");
        if !self.narrow {
            titles.push("Retry");
        }
        titles.extend(["MS-CV", "Path"]);
        Row::new(titles.into_iter().map(Cell::from)).style(LABEL_STYLE)
    }
}

/// One row per exchange, newest first: row `i` shows `entries[entries.len() - 1 - i]`
/// (see [`entry_for_row`]). `entries` are oldest first, as [`crate::acs::RequestLog::entries`] gives them.
pub fn request_log_rows(
    entries: &[Arc<Exchange>],
    layout: LogLayout,
    now: DateTime<Utc>,
) -> Vec<Row<'static>> {
    entries
        .iter()
        .rev()
        .map(|ex| request_log_row(ex, layout, now))
        .collect()
}

/// The exchange shown on `row` of [`request_log_rows`].
pub fn entry_for_row(entries: &[Arc<Exchange>], row: usize) -> Option<&Arc<Exchange>> {
    entries.len().checked_sub(row + 1).map(|i| &entries[i])
}

/// One exchange; a retried one lists its failed attempts below it (status, MS-CV, wait).
fn request_log_row(ex: &Exchange, layout: LogLayout, now: DateTime<Utc>) -> Row<'static> {
    let status = ex.status.map_or_else(|| "—".to_string(), |s| s.to_string());
    let mut path = vec![Line::from(
        one_line(&compact_path(&ex.path_and_query(), layout.path)).into_owned(),
    )];
    path.extend(ex.failed_attempts.iter().map(|failed| {
        Line::styled(
            failed_attempt_brief(failed, layout.path),
            status_style(failed.status),
        )
    }));
    let height = path.len() as u16;
    let method = one_line(&ex.method).into_owned();
    let status = Span::styled(status, status_style(ex.status));
    let mut cells = vec![Cell::from(short_time(ex.started_at, layout.time, now))];
    if layout.narrow {
        cells.push(Cell::from(Line::from(vec![
            Span::raw(format!("{method} ")),
            status,
        ])));
    } else {
        cells.extend([Cell::from(method), Cell::from(status)]);
    }
    cells.push(Cell::from(format!("{:>5} ms", ex.duration.as_millis())));
    if !layout.narrow {
        cells.push(Cell::from(format!("{:>4}", ex.retries())));
    }
    cells.extend([
        Cell::from(super::ids::middle(
            &one_line(ex.ms_cv().unwrap_or("—")),
            layout.ms_cv,
        )),
        Cell::from(Text::from(path)),
    ]);
    Row::new(cells).height(height)
}

/// The request log's path: without the `/chat` prefix and the `api-version` parameter (both the same
/// on every row), decoded, with long ids shortened in the middle so that it fits `width` columns
/// and threads still differ. The raw view keeps the full URL.
pub fn compact_path(path_and_query: &str, width: usize) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let path = path.strip_prefix("/chat").unwrap_or(path);
    let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
    let query: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("api-version="))
        .collect();
    let query = if query.is_empty() {
        String::new()
    } else {
        format!("?{}", query.join("&"))
    };
    let segments: Vec<&str> = path.split('/').collect();
    let is_id = |s: &str| s.chars().count() > MIN_ID;
    let rest: usize = segments
        .iter()
        .filter(|s| !is_id(s))
        .map(|s| s.chars().count())
        .sum::<usize>()
        + segments.len().saturating_sub(1)
        + query.chars().count();
    let ids = segments.iter().filter(|s| is_id(s)).count().max(1);
    let room = (width.saturating_sub(rest) / ids).max(MIN_ID);
    let path: Vec<String> = segments
        .iter()
        .map(|s| {
            if is_id(s) {
                super::ids::fit(s, room)
            } else {
                s.to_string()
            }
        })
        .collect();
    format!("{}{query}", path.join("/"))
}

/// Path segments longer than this are ids, shortened to fit; none gets fewer columns.
const MIN_ID: usize = 12;

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
