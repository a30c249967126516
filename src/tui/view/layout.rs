//! Where each panel goes, for a terminal size. Update uses it too (page height, scroll window).

use ratatui::layout::{Constraint, Layout, Rect};

/// The smallest usable terminal.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// From this width on, the timeline and the details sit side by side.
pub const WIDE: u16 = 140;

/// The areas of the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Areas {
    pub input: Rect,
    pub timeline: Rect,
    pub detail: Rect,
    pub status: Rect,
    /// Details have room for panels side by side.
    pub wide: bool,
}

pub fn too_small(area: Rect) -> bool {
    area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1
}

pub fn areas(area: Rect) -> Areas {
    let [input, body, status] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let wide = area.width >= WIDE;
    let [timeline, detail] = if wide {
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(body)
    } else {
        let rows = (u32::from(body.height) * 2 / 5).max(5) as u16;
        Layout::vertical([Constraint::Length(rows), Constraint::Fill(1)]).areas(body)
    };
    Areas {
        input,
        timeline,
        detail,
        status,
        wide,
    }
}

/// Rows of the timeline list for a terminal size (inside its border).
pub fn timeline_rows((width, height): (u16, u16)) -> usize {
    let area = Rect::new(0, 0, width.max(MIN_SIZE.0), height.max(MIN_SIZE.1));
    areas(area).timeline.height.saturating_sub(2) as usize
}
