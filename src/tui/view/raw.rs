//! The raw response overlay: request line, status, latency, headers and the body as received.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::raw::RawView;
use super::super::raw_view;
use super::panel_block;

pub fn render(raw: &RawView, frame: &mut Frame, area: Rect) {
    let popup = overlay_area(area);
    let e = &raw.exchange;
    let title = format!(
        "Raw response · {} · {}",
        raw_view::status_text(e),
        crate::sanitize::one_line(&raw_view::compact_path(&e.path_and_query()))
    );
    let block = panel_block(&title, true).title_bottom(
        Line::from(Span::styled(
            format!(
                " line {}/{} · {}/{} {}/{} scroll · {} copy · {} or {} closes ",
                raw.scroll + 1,
                raw.lines.len(),
                keymap::key(Context::Raw, &Action::ScrollDown),
                keymap::key(Context::Raw, &Action::ScrollUp),
                keymap::key(Context::Raw, &Action::PageUp),
                keymap::key(Context::Raw, &Action::PageDown),
                keymap::key(Context::Raw, &Action::OpenCopy),
                keymap::key(Context::Raw, &Action::ToggleRaw),
                keymap::key(Context::Raw, &Action::Cancel),
            ),
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    let inner = block.inner(popup);
    frame.render_widget(Clear, popup);
    frame.render_widget(block, popup);
    let lines = raw_view::visible(&raw.lines, raw.scroll, inner.height as usize);
    frame.render_widget(Paragraph::new(lines.to_vec()), inner);
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
