//! The bottom line: prompt, validation error, retry notice, loading, or the last notice; key hints.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Level, Overlay, PromptKind, Slot};
use super::{elapsed, spinner};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let live = match &state.live {
        Some(live) => match live.checked_at {
            Some(at) => format!(
                "live · checked {} ago · {} new · ",
                crate::acs::time::human_span((state.now - at).num_seconds().max(0) as u64),
                live.new.len()
            ),
            None => "live · starting · ".to_string(),
        },
        None => String::new(),
    };
    let hints = format!(
        " {live}{} help · {} · api {} ",
        keymap::label(Context::Results, &Action::ToggleHelp),
        state.time_display.label(),
        state.settings.api_version
    );
    let [left, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(hints.chars().count() as u16),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(hints, Style::default().fg(Color::DarkGray))),
        right,
    );
    if let Some(Overlay::Prompt(prompt)) = state.overlays.top() {
        let label = match prompt.kind {
            PromptKind::Filter => "filter / ",
            PromptKind::Jump => "jump to id or #seq: ",
            PromptKind::Search => "search every thread (text from:RAWID id:MSGID): ",
        };
        let [l, input] = Layout::horizontal([
            Constraint::Length(label.chars().count() as u16),
            Constraint::Fill(1),
        ])
        .areas(left);
        frame.render_widget(
            Paragraph::new(Span::styled(label, Style::default().bold())),
            l,
        );
        frame.render_widget(&prompt.input, input);
        return;
    }
    frame.render_widget(Paragraph::new(message(state)), left);
}

fn message(state: &AppState) -> Line<'static> {
    if let Some(error) = &state.input_error {
        return Line::from(Span::styled(
            format!(" ✗ {}", one_line(&crate::sanitize::mask_secrets(error))),
            Style::default().fg(Color::Red).bold(),
        ));
    }
    if let Some(retry) = &state.retry {
        return Line::from(Span::styled(
            format!(" {} {}", spinner(state), one_line(&retry.text())),
            Style::default().fg(Color::Yellow),
        ));
    }
    let loading: Vec<_> = state.loads.loading().collect();
    if let Some(started) = loading.iter().map(|(_, started)| *started).min() {
        let cancel = keymap::label(Context::Results, &Action::Cancel);
        let names: Vec<&str> = loading.iter().map(|(slot, _)| slot.name()).collect();
        if let ([(Slot::Export, _)], Some(progress)) = (loading.as_slice(), &state.export_progress)
        {
            return Line::from(format!(
                " {} exporting… {} ({}) · {cancel} cancels",
                spinner(state),
                elapsed(state, started),
                one_line(progress)
            ));
        }
        let what = match names.as_slice() {
            [one] => one.to_string(),
            [a, b] => format!("{a} and {b}"),
            _ => format!("{} requests", names.len()),
        };
        return Line::from(format!(
            " {} loading {what}… {} · {cancel} cancels",
            spinner(state),
            elapsed(state, started),
        ));
    }
    match &state.notice {
        Some(n) => {
            let color = match n.level {
                Level::Info => Color::Gray,
                Level::Warn => Color::Yellow,
                Level::Error => Color::Red,
            };
            Line::from(Span::styled(
                format!(" {}", one_line(&n.text)),
                Style::default().fg(color),
            ))
        }
        None => Line::default(),
    }
}
