//! The raw view's content: an exchange as received (request line, status, headers, body), built
//! once with [`super::raw_view`] when opened (and again on resize or a new time display), so
//! drawing only slices it.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;

use crate::acs::{Exchange, TimeDisplay};

use super::raw_view;

/// An exchange ready to draw.
#[derive(Debug, Clone)]
pub struct RawView {
    pub exchange: Arc<Exchange>,
    /// Wrapped to the overlay's width.
    pub lines: Vec<Line<'static>>,
    pub scroll: usize,
}

impl RawView {
    pub fn new(exchange: Arc<Exchange>, time: TimeDisplay, now: DateTime<Utc>, width: u16) -> Self {
        let lines = build(&exchange, time, now, width);
        Self {
            exchange,
            lines,
            scroll: 0,
        }
    }

    /// Rebuilds the lines for another width or time display, keeping the scroll within them.
    pub fn rebuild(&mut self, time: TimeDisplay, now: DateTime<Utc>, width: u16) {
        self.lines = build(&self.exchange, time, now, width);
        self.scroll = self.scroll.min(self.lines.len().saturating_sub(1));
    }
}

fn build(ex: &Exchange, time: TimeDisplay, now: DateTime<Utc>, width: u16) -> Vec<Line<'static>> {
    let mut lines = raw_view::exchange_header_lines(ex, time, now);
    lines.push(Line::default());
    lines.push(Line::styled(
        format!("Body ({} bytes)", ex.body.len()),
        Style::new().add_modifier(Modifier::BOLD),
    ));
    lines.extend(raw_view::json_lines(&ex.body));
    raw_view::wrap(&lines, width)
}

/// The text width inside the raw view overlay for a terminal size.
pub fn width((columns, _): (u16, u16)) -> u16 {
    columns.saturating_sub(4).max(10)
}
