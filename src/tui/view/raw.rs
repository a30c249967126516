//! The raw response overlay: request line, status, latency, headers and the body as received.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::query::match_ranges;
use super::super::raw::{RawScope, RawView, line_text};
use super::super::raw_view;
use super::overlay_block;
use crate::sanitize::one_line;

pub fn render(raw: &RawView, frame: &mut Frame, area: Rect) {
    let popup = overlay_area(area);
    let e = &raw.exchange;
    let what = match &raw.scope {
        RawScope::Exchange => "Raw response".to_string(),
        RawScope::Message(id) => format!("Message {} in its page", one_line(id)),
    };
    let status = raw_view::status_text(e);
    let room = usize::from(popup.width).saturating_sub(what.width() + status.width() + 10);
    // The path without its query, where it fits (the first line has the whole URL).
    let path = e.path_and_query();
    let path = raw_view::compact_path(path.split('?').next().unwrap_or(""), room);
    let path = one_line(&path);
    let title = if path.width() <= room {
        format!("{what} · {status} · {path}")
    } else {
        format!("{what} · {status}")
    };
    let keys = hints(raw, usize::from(popup.width).saturating_sub(4));
    let block = overlay_block(&title, keys);
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let shown = raw_view::visible(&raw.lines, raw.scroll, inner.height as usize);
    let lines: Vec<Line<'static>> = match &raw.search {
        Some(search) => shown
            .iter()
            .enumerate()
            .map(|(i, line)| {
                mark(
                    line,
                    &search.text,
                    search.hits.get(search.current) == Some(&(raw.scroll + i)),
                )
            })
            .collect(),
        None => shown.to_vec(),
    };
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The bottom line's hints, the most useful first, as many as fit `width`.
fn hints(raw: &RawView, width: usize) -> String {
    let key = |action: Action| keymap::key(Context::Raw, &action);
    let mut parts = vec![format!(
        "{} or {} closes",
        key(Action::ToggleRaw),
        key(Action::Cancel)
    )];
    match &raw.search {
        Some(search) if search.hits.is_empty() => {
            parts.push(format!("\"{}\" not found", one_line(&search.text)));
        }
        Some(search) => parts.push(format!(
            "match {}/{} ({}/{})",
            search.current + 1,
            search.hits.len(),
            key(Action::SearchStep(true)),
            key(Action::SearchStep(false)),
        )),
        None => {}
    }
    parts.push(format!("line {}/{}", raw.scroll + 1, raw.lines.len()));
    match (&raw.scope, raw.is_page) {
        (RawScope::Message(_), _) => {
            parts.push(format!("{} whole page", key(Action::ToggleRawScope)))
        }
        (RawScope::Exchange, true) => {
            parts.push(format!("{} one message", key(Action::ToggleRawScope)))
        }
        (RawScope::Exchange, false) => {}
    }
    parts.push(format!("{} search", key(Action::StartRawSearch)));
    parts.push(format!("{} copy", key(Action::OpenCopy)));
    while parts.len() > 1 && parts.join(" · ").width() + 2 > width {
        parts.pop();
    }
    // Closing last, where the eye ends.
    let close = parts.remove(0);
    parts.push(close);
    format!(" {} ", parts.join(" · "))
}

/// A line with the searched text marked (the current hit's line more strongly).
fn mark(line: &Line<'static>, text: &str, current: bool) -> Line<'static> {
    let plain = line_text(line);
    let ranges = match_ranges(&plain, &[text]);
    if ranges.is_empty() {
        return line.clone();
    }
    let style = if current {
        Style::default().fg(Color::Black).bg(Color::LightYellow)
    } else {
        Style::default().fg(Color::Black).bg(Color::Yellow)
    };
    // Search hits are marked on the plain text; the line's own colours give way on this line.
    let mut spans = Vec::new();
    let mut at = 0;
    for range in ranges {
        if range.start > at {
            spans.push(Span::raw(plain[at..range.start].to_string()));
        }
        spans.push(Span::styled(plain[range.clone()].to_string(), style));
        at = range.end;
    }
    if at < plain.len() {
        spans.push(Span::raw(plain[at..].to_string()));
    }
    Line::from(spans)
}

/// The area of a full overlay: the screen less a margin.
pub fn overlay_area(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}
