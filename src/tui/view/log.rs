//! The request log overlay: every exchange since start, newest first.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::acs::Exchange;
use crate::sanitize::one_line;

use super::super::state::{AppState, MAX_EXCHANGES};
use super::raw::overlay_area;
use super::{dim, panel_block, timeline::window};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(selected) = state.log else { return };
    let popup = overlay_area(area);
    let title = format!(
        "Request log · {} (last {MAX_EXCHANGES} kept)",
        state.exchanges.len()
    );
    let block = panel_block(&title, true).title_bottom(
        Line::from(Span::styled(
            " Enter raw view · j/k move · l or Esc closes ",
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    if state.exchanges.is_empty() {
        frame.render_widget(Paragraph::new(dim("No requests yet.")), inner);
        return;
    }
    let header = Line::from(Span::styled(
        format!(
            "  {:<8} {:<4} {:>6} {:>7} {:>2}  {:<26} path",
            "time", "", "status", "ms", "rt", "MS-CV"
        ),
        Style::default()
            .fg(Color::Gray)
            .add_modifier(Modifier::UNDERLINED),
    ));
    let rows = inner.height.saturating_sub(1) as usize;
    let range = window(state.exchanges.len(), selected, 0, rows);
    let mut lines = vec![header];
    for row in range {
        // Newest first.
        let Some(logged) = state.exchanges.get(state.exchanges.len() - 1 - row) else {
            continue;
        };
        lines.push(line(
            &logged.exchange,
            row == selected,
            inner.width as usize,
        ));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn line(e: &Exchange, selected: bool, width: usize) -> Line<'static> {
    let status = e.status.map_or("—".to_string(), |s| s.to_string());
    let head = format!(
        "{} {:<8} {:<4} {:>6} {:>5}ms {:>2}  {:<26} ",
        if selected { "▶" } else { " " },
        e.started_at.format("%H:%M:%S"),
        e.method,
        status,
        e.duration.as_millis(),
        e.retries(),
        one_line(e.ms_cv().unwrap_or("")),
    );
    let room = width.saturating_sub(head.chars().count());
    let text = format!("{head}{}", elide_middle(&one_line(&short_path(e)), room));
    let color = match e.status {
        Some(s) if (200..300).contains(&s) => Color::Reset,
        Some(429 | 503) => Color::Yellow,
        _ => Color::Red,
    };
    let mut style = Style::default().fg(color);
    if selected {
        style = style.add_modifier(Modifier::REVERSED);
    }
    Line::from(Span::styled(text, style))
}

/// The path with ids decoded and the api-version left out (the raw view has the exact URL).
fn short_path(e: &Exchange) -> String {
    let Ok(url) = url::Url::parse(&e.url) else {
        return e.path_and_query();
    };
    let path = percent_encoding::percent_decode_str(url.path())
        .decode_utf8_lossy()
        .into_owned();
    let query: Vec<String> = url
        .query_pairs()
        .filter(|(k, _)| k != "api-version")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if query.is_empty() {
        path
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// Cut from the middle so both the start and the end of a path stay visible.
fn elide_middle(s: &str, width: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= width || width < 5 {
        return s.to_string();
    }
    let tail = (width - 1) / 2;
    let head = width - 1 - tail;
    let mut out: String = chars[..head].iter().collect();
    out.push('…');
    out.extend(&chars[chars.len() - tail..]);
    out
}
