//! The search's matches over the screen: when, which thread, who, what; Enter opens one.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::widgets::{Cell, Clear, Paragraph, Row, Table, TableState};

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::search::{SearchHit, SearchResults};
use super::super::state::{AppState, Slot};
use super::raw::overlay_area;
use super::{dim, overlay_block, spinner, time};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let Some(results) = &state.search else {
        return;
    };
    let popup = overlay_area(area);
    let keys = format!(
        " {} opens the thread at the message · {} searches again · {} closes ",
        keymap::key(Context::Search, &Action::Activate),
        keymap::key(Context::Search, &Action::StartSearch),
        keymap::key(Context::Search, &Action::Cancel),
    );
    let block = overlay_block(&title(state, results), keys);
    frame.render_widget(Clear, popup);
    if results.found.is_empty() {
        let text = if state.loads.status(Slot::Search).is_loading() {
            "Searching…"
        } else {
            "No message matches."
        };
        frame.render_widget(Paragraph::new(dim(text)).block(block), popup);
        return;
    }
    let rows = results.found.iter().map(|hit| row(state, hit));
    let widths = [
        Constraint::Length(19),
        Constraint::Length(18),
        Constraint::Length(16),
        Constraint::Fill(1),
    ];
    let header = Row::new(["when", "thread", "from", "text"]).style(
        Style::default()
            .fg(Color::Gray)
            .add_modifier(Modifier::UNDERLINED),
    );
    let table = Table::new(rows, widths)
        .header(header)
        .row_highlight_style(Style::default().add_modifier(Modifier::REVERSED))
        .highlight_symbol("▶ ")
        .block(block);
    let mut table_state = TableState::default().with_selected(Some(results.selected));
    frame.render_stateful_widget(table, popup, &mut table_state);
}

fn title(state: &AppState, results: &SearchResults) -> String {
    let running = if state.loads.status(Slot::Search).is_loading() {
        format!(" · searching {}", spinner(state))
    } else {
        String::new()
    };
    let capped = if results.capped {
        " (the first kept)"
    } else {
        ""
    };
    let unreadable = match results.unreadable {
        0 => String::new(),
        n => format!(", {n} unreadable"),
    };
    format!(
        "Search \"{}\" · {} found{capped} in {} threads searched{unreadable}{running}",
        one_line(&results.asked),
        results.found.len(),
        results.searched
    )
}

fn row(state: &AppState, hit: &SearchHit) -> Row<'static> {
    let m = &hit.message;
    let topic = state
        .threads
        .items
        .iter()
        .find(|t| t.id == hit.thread_id)
        .map(|t| t.topic.clone())
        .unwrap_or_else(|| hit.thread_id.clone());
    let from = m
        .sender_display_name
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            m.sender_communication_identifier
                .as_ref()
                .map(|s| s.raw_id())
        })
        .unwrap_or_else(|| "(system)".into());
    Row::new([
        Cell::from(time(state, &m.created_on)),
        Cell::from(one_line(&topic).into_owned()),
        Cell::from(one_line(&from).into_owned()),
        Cell::from(crate::tui::timeline::preview(m)),
    ])
}
