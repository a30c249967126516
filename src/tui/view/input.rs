//! The connection fields: endpoint, token (masked), thread id, message id.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Field, Focus};
use super::panel_block;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus.is_field();
    let place = match &state.offline {
        Some(offline) => one_line(&offline.title).into_owned(),
        None => "Connection".to_string(),
    };
    let title = match &state.thread {
        Some(thread) => format!("{place} · thread \"{}\"", one_line(&thread.value.topic)),
        None => place,
    };
    let mut block = panel_block(&title, focused).title(
        Line::from(Span::styled(
            format!(
                " {} fetch · {} next · {} to results ",
                keymap::key(Context::Field, &Action::Fetch),
                keymap::key(Context::Field, &Action::FocusNext),
                keymap::key(Context::Field, &Action::LeaveField)
            ),
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    if state.input_error.is_some() {
        block = block.border_style(Style::default().fg(Color::Red));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).split(inner);
    let pairs = [
        [Field::Endpoint, Field::Token],
        [Field::Thread, Field::Message],
    ];
    for (row, fields) in rows.iter().zip(pairs) {
        let halves = Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .spacing(1)
            .split(*row);
        for (half, field) in halves.iter().zip(fields) {
            render_field(state, frame, *half, field);
        }
    }
}

fn render_field(state: &AppState, frame: &mut Frame, area: Rect, field: Field) {
    let [label, value] =
        Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(area);
    let style = if state.focus == Focus::Field(field) {
        Style::default().fg(Color::Cyan).bold()
    } else {
        Style::default().fg(Color::Gray)
    };
    frame.render_widget(Paragraph::new(Span::styled(field.label(), style)), label);
    frame.render_widget(state.field(field), value);
}
