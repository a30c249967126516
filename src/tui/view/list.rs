//! A paged list with a header, visible rows only, and the selected item's details below.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use crate::sanitize::one_line;

use super::super::state::{AppState, Listing, LoadStatus, Slot};
use super::{dim, spinner, status_lines, timeline::window};

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
    let detail_rows = (area.height / 2).clamp(3, 8);
    let [top, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(detail_rows)]).areas(area);
    let body_rows = top.height.saturating_sub(1) as usize;
    let range = window(list.shown_len(), list.selected, 0, body_rows);
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
