//! Where each panel goes, for a terminal size and the status line's height. Update uses it too
//! (page height, scroll window, what a click hits).

use ratatui::layout::{Constraint, Layout, Rect};

use super::super::state::AppState;

/// The smallest terminal that shows every panel at once.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// The smallest terminal that shows one pane at a time; below it nothing fits.
pub const MIN_SINGLE_PANE: (u16, u16) = (30, 8);

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
    /// One pane at a time (the focused one) under a row naming the panes: input, timeline and
    /// detail are then the same area.
    pub single: bool,
    /// The row naming the panes, in the single-pane layout.
    pub panes: Rect,
}

pub fn too_small((width, height): (u16, u16)) -> bool {
    width < MIN_SINGLE_PANE.0 || height < MIN_SINGLE_PANE.1
}

/// Below [`MIN_SIZE`] one pane is shown at a time.
pub fn single_pane((width, height): (u16, u16)) -> bool {
    width < MIN_SIZE.0 || height < MIN_SIZE.1
}

/// The areas for the state's size.
pub fn areas(state: &AppState) -> Areas {
    let (width, height) = state.size;
    let area = Rect::new(0, 0, width, height);
    let status_height = super::status::height(state, width);
    split(area, status_height)
}

/// The areas of `area` with a status line `status_height` rows tall.
pub fn split(area: Rect, status_height: u16) -> Areas {
    if single_pane((area.width, area.height)) {
        let [panes, body, status] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(status_height),
        ])
        .areas(area);
        return Areas {
            input: body,
            timeline: body,
            detail: body,
            status,
            wide: false,
            single: true,
            panes,
        };
    }
    let [input, body, status] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Fill(1),
        Constraint::Length(status_height),
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
        single: false,
        panes: Rect::default(),
    }
}

/// Rows of the timeline list (inside its border) for the state's size.
pub fn timeline_rows(state: &AppState) -> usize {
    if too_small(state.size) {
        return 1;
    }
    areas(state).timeline.height.saturating_sub(2) as usize
}
