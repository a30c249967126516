//! The history of notices: every message the status line gave, newest first, with its time, whole
//! (wrapped) however long it was.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Level, MAX_NOTICES};
use super::raw::overlay_area;
use super::{dim, overlay_block};

/// The history's lines, newest first.
fn lines(state: &AppState) -> Vec<Line<'static>> {
    if state.notices.is_empty() {
        return vec![dim("No notices yet.")];
    }
    state
        .notices
        .iter()
        .rev()
        .map(|n| {
            let color = match n.level {
                Level::Info => Color::Reset,
                Level::Warn => Color::Yellow,
                Level::Error => Color::Red,
            };
            Line::from(vec![
                Span::styled(
                    format!("{} ", state.time_display.format(n.at, state.now)),
                    Style::default().fg(Color::DarkGray),
                ),
                Span::styled(one_line(&n.text).into_owned(), Style::default().fg(color)),
            ])
        })
        .collect()
}

/// Rows of history text for a terminal size, and the last useful scroll offset.
pub fn max_scroll(state: &AppState) -> usize {
    let inner = overlay_area(Rect::new(0, 0, state.size.0, state.size.1));
    let (width, height) = (
        inner.width.saturating_sub(2),
        inner.height.saturating_sub(2),
    );
    let total = Paragraph::new(lines(state))
        .wrap(Wrap { trim: false })
        .line_count(width);
    total.saturating_sub(usize::from(height))
}

pub fn render(state: &AppState, scroll: usize, frame: &mut Frame, area: Rect) {
    let popup = overlay_area(area);
    let title = format!(
        "Notices · {} (last {MAX_NOTICES} kept), newest first",
        state.notices.len()
    );
    let keys = format!(
        " {}/{} scroll · {} or {} closes ",
        keymap::key(Context::Notices, &Action::ScrollDown),
        keymap::key(Context::Notices, &Action::ScrollUp),
        keymap::key(Context::Notices, &Action::ToggleNotices),
        keymap::key(Context::Notices, &Action::Cancel),
    );
    let block = overlay_block(&title, keys);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines(state))
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll as u16, 0)),
        popup,
    );
}
