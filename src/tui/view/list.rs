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
    row: impl Fn(&T) -> String,
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
    let mut lines = vec![Line::from(Span::styled(
        format!("{header}  · {}", count(state, list, slot)),
        Style::default()
            .fg(Color::Gray)
            .add_modifier(Modifier::UNDERLINED),
    ))];
    for i in range {
        let Some(item) = list.shown_at(i) else {
            continue;
        };
        let text = format!(
            "{} {}",
            if i == list.selected { "▶" } else { " " },
            one_line(&row(item))
        );
        let style = if i == list.selected {
            Style::default().add_modifier(Modifier::REVERSED)
        } else {
            Style::default()
        };
        lines.push(Line::from(Span::styled(text, style)));
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
        LoadStatus::Failed(e) => format!(
            "{n}, then failed: {}",
            crate::sanitize::one_line(&e.to_string())
        ),
        LoadStatus::Cancelled => format!("{n}, cancelled"),
        _ => n,
    }
}
