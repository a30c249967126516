//! A paged list with a header, visible rows only, and the selected item's details below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::sanitize::one_line;

use super::super::state::{AppState, Listing, LoadStatus, Slot};
use super::{dim, spinner, status_lines, timeline::window};

/// The rows of the selected item's details under a list: half the area, within these bounds.
pub const DETAIL_ROWS: (u16, u16) = (3, 8);

/// A list tab's two parts: the list (a header, then its rows) and the selected item's details.
pub fn areas(area: Rect, (fewest, most): (u16, u16)) -> [Rect; 2] {
    let detail_rows = (area.height / 2).clamp(fewest, most);
    Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_rows)]).areas(area)
}

/// The rows of items under the header.
pub fn body_rows(top: Rect) -> usize {
    usize::from(top.height.saturating_sub(1))
}

/// The item drawn on screen row `y` of a list of `len` items drawn in `top` (the list's part of
/// [`areas`]), if any.
pub fn item_at(top: Rect, len: usize, selected: usize, y: u16) -> Option<usize> {
    let offset = usize::from(y.checked_sub(top.y + 1)?);
    let range = window(len, selected, 0, body_rows(top));
    let row = range.start + offset;
    (offset < body_rows(top) && row < range.end).then_some(row)
}

#[allow(clippy::too_many_arguments)]
pub fn render<T>(
    state: &AppState,
    frame: &mut Frame,
    area: Rect,
    (list, slot): (&Listing<T>, Slot),
    what: &str,
    header: &str,
    row: impl Fn(&T, bool, usize) -> Line<'static>,
    detail: impl Fn(&T) -> Vec<Line<'static>>,
) {
    if list.items.is_empty() {
        let lines = status_lines(state, state.status(slot), what)
            .unwrap_or_else(|| vec![dim(format!("No {what}."))]);
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
        return;
    }
    let [top, bottom] = areas(area, DETAIL_ROWS);
    let range = window(list.shown_len(), list.selected, 0, body_rows(top));
    let below = list.shown_len().saturating_sub(range.end);
    let more = if below > 0 {
        format!(" · ↓ {below} more")
    } else {
        String::new()
    };
    let failed = matches!(state.status(slot), LoadStatus::Failed(_));
    let header_style = Style::default()
        .fg(if failed { Color::Red } else { Color::Gray })
        .add_modifier(Modifier::UNDERLINED);
    let mut lines = vec![Line::from(Span::styled(
        format!("{header}  · {}{more}", count(state, list, slot)),
        header_style,
    ))];
    let width = usize::from(top.width).saturating_sub(2);
    for i in range {
        let Some(item) = list.shown_at(i) else {
            continue;
        };
        let selected = i == list.selected;
        let mut line = row(item, selected, width);
        line.spans
            .insert(0, Span::raw(if selected { "▶ " } else { "  " }));
        if selected {
            line = line.style(Style::default().add_modifier(Modifier::REVERSED));
        }
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), top);
    let selected = list.selected_item().map(&detail).unwrap_or_default();
    frame.render_widget(Paragraph::new(selected).wrap(Wrap { trim: false }), bottom);
}

fn count<T>(state: &AppState, list: &Listing<T>, slot: Slot) -> String {
    let n = match list.shown_len() {
        shown if shown == list.items.len() => shown.to_string(),
        shown => format!("{shown} of {}", list.items.len()),
    };
    match state.status(slot) {
        LoadStatus::Loading { .. } => format!("{n} so far {}", spinner(state)),
        LoadStatus::Failed(e) if list.stale => format!(
            "⚠ refresh failed, {n} loaded earlier: {}",
            one_line(&e.to_string())
        ),
        LoadStatus::Failed(e) => format!("{n}, then failed: {}", one_line(&e.to_string())),
        LoadStatus::Cancelled => format!("{n}, cancelled"),
        _ => n,
    }
}
