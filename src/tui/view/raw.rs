//! The raw response overlay: request line, status, latency, headers and the body as received.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::super::raw::Kind;
use super::super::state::AppState;
use super::panel_block;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(raw) = &state.raw else { return };
    let popup = overlay_area(area);
    let e = &raw.exchange;
    let title = format!(
        "Raw response · {} · {}",
        e.status.map_or("no answer".to_string(), |s| s.to_string()),
        crate::sanitize::one_line(&e.path_and_query())
    );
    let block = panel_block(&title, true).title_bottom(
        Line::from(Span::styled(
            format!(
                " line {}/{} · j/k PgUp/PgDn scroll · r or Esc closes ",
                raw.scroll + 1,
                raw.lines.len()
            ),
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let lines: Vec<Line> = raw
        .lines
        .iter()
        .skip(raw.scroll)
        .take(inner.height as usize)
        .map(|(kind, text)| styled(*kind, text))
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
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

fn styled(kind: Kind, text: &str) -> Line<'static> {
    match kind {
        Kind::Heading => Line::from(Span::styled(
            text.to_string(),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )),
        Kind::KeyHeader => Line::from(Span::styled(
            text.to_string(),
            Style::default().fg(Color::Yellow),
        )),
        Kind::Header => Line::from(Span::styled(
            text.to_string(),
            Style::default().fg(Color::Gray),
        )),
        Kind::Note => Line::from(Span::styled(
            text.to_string(),
            Style::default().fg(Color::DarkGray),
        )),
        Kind::Text => Line::from(text.to_string()),
        Kind::Json => json_line(text),
    }
}

/// `"key": value` with the key and the value coloured by type.
fn json_line(text: &str) -> Line<'static> {
    let indent = text.len() - text.trim_start().len();
    let body = &text[indent..];
    let (key, value) = match body.strip_prefix('"').and_then(|_| body.find("\": ")) {
        Some(end) => (&body[..end + 3], &body[end + 3..]),
        None => ("", body),
    };
    let value_style = match value.trim_end_matches(',').chars().next() {
        Some('"') => Style::default().fg(Color::Green),
        Some(c) if c.is_ascii_digit() || c == '-' => Style::default().fg(Color::Magenta),
        Some('t' | 'f' | 'n') => Style::default().fg(Color::Yellow),
        _ => Style::default(),
    };
    Line::from(vec![
        Span::raw(text[..indent].to_string()),
        Span::styled(key.to_string(), Style::default().fg(Color::Cyan)),
        Span::styled(value.to_string(), value_style),
    ])
}
