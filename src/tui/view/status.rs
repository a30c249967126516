//! The bottom lines: prompt, validation error, retry notice, loading, or the last notice, wrapped
//! over up to [`MAX_ROWS`] rows rather than cut; key hints on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::keymap::{self, Context};
use super::super::query;
use super::super::state::{AppState, Level, Overlay, Prompt, PromptKind, Slot};
use super::{elapsed, spinner};

/// The status line grows to this many rows for a long message; the history (N) has the rest.
pub const MAX_ROWS: u16 = 3;

/// Rows the status line takes at `width` columns: one, with the hints beside the message, or up
/// to [`MAX_ROWS`] for a message that needs them (the whole width, the hints left out).
pub fn height(state: &AppState, width: u16) -> u16 {
    if matches!(state.overlays.top(), Some(Overlay::Prompt(_))) || fits_beside_hints(state, width) {
        return 1;
    }
    let rows = Paragraph::new(wrapped(state))
        .wrap(Wrap { trim: false })
        .line_count(width.max(1));
    (rows as u16).clamp(1, MAX_ROWS)
}

fn fits_beside_hints(state: &AppState, width: u16) -> bool {
    message(state).width() + hints(state).width() <= usize::from(width)
}

/// The message over the whole width, live mode's state before it (the hints are left out).
fn wrapped(state: &AppState) -> Line<'static> {
    let mut line = message(state);
    let live = live_text(state);
    if !live.is_empty() {
        line.spans.insert(
            0,
            Span::styled(
                format!(" {}", live.trim_end()),
                Style::default().fg(Color::Green),
            ),
        );
    }
    line
}

/// `live · checked 3 s ago · 2 new · ` while live mode watches the thread.
fn live_text(state: &AppState) -> String {
    match &state.live {
        Some(live) => match live.checked_at {
            Some(at) => format!(
                "live · checked {} ago · {} new · ",
                crate::acs::time::human_span((state.now - at).num_seconds().max(0) as u64),
                live.new.len()
            ),
            None => "live · starting · ".to_string(),
        },
        None => String::new(),
    }
}

/// `live · checked 3 s ago · 2 new · ? help · N notices · UTC · api 2025-03-15`: live mode's
/// state, the help key of where the keyboard is.
fn hints(state: &AppState) -> String {
    let live = live_text(state);
    let context = keymap::context(state);
    let help = keymap::label(context, &Action::ToggleHelp);
    let history = match (context, state.notices.len()) {
        (Context::Results, n) if n > 1 => format!(
            " · {n} notices ({})",
            keymap::key(Context::Results, &Action::ToggleNotices)
        ),
        _ => String::new(),
    };
    format!(
        " {live}{help} help{history} · {} · api {} ",
        state.time_display.label(),
        state.settings.api_version
    )
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    if let Some(Overlay::Prompt(prompt)) = state.overlays.top() {
        return render_prompt(state, prompt, frame, area);
    }
    if !fits_beside_hints(state, area.width) {
        frame.render_widget(
            Paragraph::new(wrapped(state)).wrap(Wrap { trim: false }),
            area,
        );
        return;
    }
    let left = render_hints(state, frame, area);
    frame.render_widget(
        Paragraph::new(message(state)).wrap(Wrap { trim: false }),
        left,
    );
}

/// Draws the hints at the right of `area`; returns the rest of it.
fn render_hints(state: &AppState, frame: &mut Frame, area: Rect) -> Rect {
    let hints = hints(state);
    let [left, right] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(hints.width() as u16),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(Span::styled(hints, Style::default().fg(Color::DarkGray))),
        right,
    );
    left
}

/// The prompt and what is wrong with its text, the hints beside them while all fit. The typed
/// text keeps its room first (the text area would scroll it out of sight), then the problem.
fn render_prompt(state: &AppState, prompt: &Prompt, frame: &mut Frame, area: Rect) {
    let label = match prompt.kind {
        PromptKind::Filter => "filter / ",
        PromptKind::Jump => "jump to id or #seq: ",
        PromptKind::RawSearch => "search / ",
        PromptKind::Search => "search every thread (text from:RAWID id:MSGID): ",
    };
    let problem = match prompt.kind {
        PromptKind::Filter => query::parse(&prompt.text()).err(),
        _ => None,
    };
    let problem = problem
        .map(|p| format!(" ✗ {}", one_line(&p)))
        .unwrap_or_default();
    let typed = prompt.text().width() + 1;
    let needed = label.width() + typed + problem.width();
    let left = if needed + hints(state).width() <= usize::from(area.width) {
        render_hints(state, frame, area)
    } else {
        area
    };
    let room = left.width.saturating_sub(label.width() as u16);
    let input_width = room
        .saturating_sub(problem.width() as u16)
        .max(typed as u16);
    let [l, input, why] = Layout::horizontal([
        Constraint::Length(label.width() as u16),
        Constraint::Length(input_width.min(room)),
        Constraint::Fill(1),
    ])
    .areas(left);
    frame.render_widget(
        Paragraph::new(Span::styled(label, Style::default().bold())),
        l,
    );
    frame.render_widget(&prompt.input, input);
    frame.render_widget(
        Paragraph::new(Span::styled(problem, Style::default().fg(Color::Red))),
        why,
    );
}

fn message(state: &AppState) -> Line<'static> {
    if let Some(error) = &state.input_error {
        let fix = match error.field {
            Some(field) if state.focus.is_field() => format!(
                " (typing goes into the {} field; {} leaves it)",
                field.label(),
                keymap::label(Context::Field, &Action::LeaveField)
            ),
            _ => String::new(),
        };
        return Line::from(Span::styled(
            format!(
                " ✗ {}{fix}",
                one_line(&crate::sanitize::mask_secrets(&error.text))
            ),
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
