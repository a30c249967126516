//! The raw response overlay: request line, status, latency, headers and the body as received.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::query::match_ranges;
use super::super::raw::{RawScope, RawView, line_text};
use super::super::raw_view;
use super::panel_block;
use crate::sanitize::one_line;

pub fn render(raw: &RawView, frame: &mut Frame, area: Rect) {
    let popup = overlay_area(area);
    let e = &raw.exchange;
    let what = match &raw.scope {
        RawScope::Exchange => "Raw response".to_string(),
        RawScope::Message(id) => format!("Message {} in its page", one_line(id)),
    };
    let title = format!(
        "{what} · {} · {}",
        raw_view::status_text(e),
        one_line(&raw_view::compact_path(
            &e.path_and_query(),
            usize::from(popup.width / 2)
        ))
    );
    let key = |action: Action| keymap::key(Context::Raw, &action);
    let found = match &raw.search {
        Some(search) if search.hits.is_empty() => {
            format!("\"{}\" not found · ", one_line(&search.text))
        }
        Some(search) => format!(
            "match {}/{} · {}/{} next/previous · ",
            search.current + 1,
            search.hits.len(),
            key(Action::SearchStep(true)),
            key(Action::SearchStep(false)),
        ),
        None => String::new(),
    };
    let scope = match (&raw.scope, raw.is_page) {
        (RawScope::Message(_), _) => format!("{} whole page · ", key(Action::ToggleRawScope)),
        (RawScope::Exchange, true) => format!("{} one message · ", key(Action::ToggleRawScope)),
        (RawScope::Exchange, false) => String::new(),
    };
    let block = panel_block(&title, true).title_bottom(
        Line::from(Span::styled(
            format!(
                " line {}/{} · {found}{} search · {scope}{} copy · {} or {} closes ",
                raw.scroll + 1,
                raw.lines.len(),
                key(Action::StartSearch),
                key(Action::OpenCopy),
                key(Action::ToggleRaw),
                key(Action::Cancel),
            ),
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
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
