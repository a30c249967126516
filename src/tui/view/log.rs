//! The request log overlay: every exchange since start, newest first.

use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::widgets::{Clear, Paragraph, Table, TableState};

use crate::acs::Exchange;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::raw_view;
use super::super::state::{AppState, MAX_EXCHANGES};
use super::raw::overlay_area;
use super::{dim, overlay_block};

pub fn render(state: &AppState, selected: usize, frame: &mut Frame, area: Rect) {
    let popup = overlay_area(area);
    let title = format!(
        "Request log · {} (last {MAX_EXCHANGES} kept)",
        state.exchanges.len()
    );
    let keys = format!(
        " {} raw view · {}/{} move · {} or {} closes ",
        keymap::key(Context::Log, &Action::Activate),
        keymap::key(Context::Log, &Action::ScrollDown),
        keymap::key(Context::Log, &Action::ScrollUp),
        keymap::key(Context::Log, &Action::ToggleLog),
        keymap::key(Context::Log, &Action::Cancel),
    );
    let block = overlay_block(&title, keys);
    frame.render_widget(Clear, popup);
    if state.exchanges.is_empty() {
        frame.render_widget(Paragraph::new(dim("No requests yet.")).block(block), popup);
        return;
    }
    let entries: Vec<Arc<Exchange>> = state.exchanges.iter().map(|l| l.exchange.clone()).collect();
    let time = state.time_display;
    let layout = raw_view::LogLayout::new(time, popup.width);
    let table = Table::new(
        raw_view::request_log_rows(&entries, layout, state.now),
        layout.widths(),
    )
    .header(layout.header())
    .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
    .highlight_symbol("▶ ")
    .block(block);
    let mut table_state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, popup, &mut table_state);
}
