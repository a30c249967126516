//! The raw view's content: an exchange as received (request line, status, headers, body), or one
//! message's own JSON out of the page that brought it, built once with [`super::raw_view`] when
//! opened (and again on resize or a new time display), so drawing only slices it. A search marks
//! the lines holding its text.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::acs::{Exchange, TimeDisplay};
use crate::sanitize::one_line;

use super::raw_view;

/// What the raw view shows of its exchange.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawScope {
    /// The whole exchange: request line, status, headers, the body as received.
    Exchange,
    /// One message of a page, by id: its own JSON under the exchange's status and MS-CV, the
    /// exchange whole below it.
    Message(String),
}

/// A search inside the raw view.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawSearch {
    /// Lowercased.
    pub text: String,
    /// Lines holding the text.
    pub hits: Vec<usize>,
    /// The hit shown, an index into `hits`.
    pub current: usize,
}

/// An exchange ready to draw.
#[derive(Debug, Clone)]
pub struct RawView {
    pub exchange: Arc<Exchange>,
    pub scope: RawScope,
    /// Wrapped to the overlay's width.
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
    pub search: Option<RawSearch>,
    /// The body is a page of items (`{"value": [...]}`): one message of it can be shown alone.
    pub is_page: bool,
}

impl RawView {
    pub fn new(
        exchange: Arc<Exchange>,
        scope: RawScope,
        (time, now): (TimeDisplay, DateTime<Utc>),
        width: u16,
    ) -> Self {
        let lines = build(&exchange, &scope, time, now, width);
        let is_page =
            exchange.body.trim_start().starts_with('{') && exchange.body.contains("\"value\"");
        Self {
            exchange,
            scope,
            lines,
            scroll: 0,
            search: None,
            is_page,
        }
    }

    /// Rebuilds the lines for another width, time display or scope, keeping the scroll within
    /// them and the search's hits up to date.
    pub fn rebuild(&mut self, time: TimeDisplay, now: DateTime<Utc>, width: u16) {
        self.lines = build(&self.exchange, &self.scope, time, now, width);
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
        if let Some(search) = &self.search {
            let text = search.text.clone();
            self.search(&text);
        }
    }

    /// Marks the lines holding `text` (any case) and scrolls to the first at or after the top;
    /// empty text ends the search.
    pub fn search(&mut self, text: &str) {
        let text = text.trim().to_lowercase();
        if text.is_empty() {
            self.search = None;
            return;
        }
        let hits: Vec<usize> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, line)| line_text(line).to_lowercase().contains(&text))
            .map(|(i, _)| i)
            .collect();
        let current = hits.iter().position(|&i| i >= self.scroll).unwrap_or(0);
        if let Some(&line) = hits.get(current) {
            self.scroll = line;
        }
        self.search = Some(RawSearch {
            text,
            hits,
            current,
        });
    }

    /// Keeps the scroll where the last screen of `rows` lines is full.
    pub fn clamp(&mut self, rows: usize) {
        self.scroll = self
            .scroll
            .min(super::raw_view::max_scroll(self.lines.len(), rows));
    }

    /// Moves to the next (`forward`) or previous hit, wrapping around.
    pub fn step_search(&mut self, forward: bool) {
        let Some(search) = &mut self.search else {
            return;
        };
        let n = search.hits.len();
        if n == 0 {
            return;
        }
        search.current = if forward {
            (search.current + 1) % n
        } else {
            (search.current + n - 1) % n
        };
        self.scroll = search.hits[search.current];
    }
}

/// A line's text without its styles.
pub fn line_text(line: &Line<'_>) -> String {
    line.spans.iter().map(|s| s.content.as_ref()).collect()
}

fn build(
    ex: &Exchange,
    scope: &RawScope,
    time: TimeDisplay,
    now: DateTime<Utc>,
    width: u16,
) -> Vec<Line<'static>> {
    let bold = Style::new().add_modifier(Modifier::BOLD);
    let json = match scope {
        RawScope::Message(id) => message_json(&ex.body, id).map(|json| (id, json)),
        RawScope::Exchange => None,
    };
    let mut lines = Vec::new();
    // A message's own JSON first: it is what was asked for; the page's status and MS-CV (what a
    // ticket needs) above it, the whole exchange it came in below.
    if let Some((id, json)) = json {
        lines.push(Line::styled(
            format!("Message {}, as the page sent it", one_line(id)),
            bold,
        ));
        lines.push(raw_view::exchange_summary_line(ex));
        lines.extend(raw_view::json_lines(&json));
        lines.push(Line::default());
        lines.push(Line::styled("The page it came in", bold));
        lines.extend(raw_view::exchange_header_lines(ex, time, now));
        return raw_view::wrap(&lines, width);
    }
    lines.extend(raw_view::exchange_header_lines(ex, time, now));
    lines.push(Line::default());
    if let RawScope::Message(id) = scope {
        lines.push(Line::styled(
            format!(
                "Message {} is not in this body; the whole body follows",
                one_line(id)
            ),
            bold,
        ));
    }
    lines.push(Line::styled(
        format!("Body ({} bytes)", ex.body.len()),
        bold,
    ));
    lines.extend(raw_view::json_lines(&ex.body));
    raw_view::wrap(&lines, width)
}

/// The JSON of the message `id` in a page body (`{"value": [...]}`) or a body that is that
/// message, keys in the order received.
pub fn message_json(body: &str, id: &str) -> Option<String> {
    let body: serde_json::Value = serde_json::from_str(body.trim_start_matches('\u{feff}')).ok()?;
    let is_it = |v: &serde_json::Value| v.get("id").and_then(|i| i.as_str()) == Some(id);
    let message = match body.get("value").and_then(|v| v.as_array()) {
        Some(items) => items.iter().find(|m| is_it(m))?,
        None if is_it(&body) => &body,
        None => return None,
    };
    serde_json::to_string(message).ok()
}

/// The text width inside the raw view overlay for a terminal size.
pub fn width((columns, _): (u16, u16)) -> u16 {
    columns.saturating_sub(4).max(10)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_is_found_in_its_page_with_its_keys_in_order() {
        let page =
            r#"{"value":[{"id":"1","zeta":1,"alpha":2},{"id":"2","type":"text"}],"nextLink":null}"#;
        assert_eq!(
            message_json(page, "1").as_deref(),
            Some(r#"{"id":"1","zeta":1,"alpha":2}"#)
        );
        assert_eq!(message_json(page, "3"), None);
        assert_eq!(
            message_json(r#"{"id":"9","type":"html"}"#, "9").as_deref(),
            Some(r#"{"id":"9","type":"html"}"#)
        );
        assert_eq!(message_json("not json", "1"), None);
    }
}
