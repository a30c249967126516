//! The connection fields: endpoint, token (masked), thread id, message id. The title answers
//! "which thread, kept how long"; the bottom border names the identity in use when a token was
//! minted here. A field being edited shows its text area; the others show their value's start and
//! end (an id's distinctive part), the token only as what it looks like.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::ids;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, Field, Focus, token_summary};
use super::super::update::expiry_text;
use super::timeline::fit;
use super::{panel_block, retention};

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let focused = state.focus.is_field();
    // Inside the corners and the title's own spaces.
    let (title, bundle) = titles(state, usize::from(area.width.saturating_sub(4)));
    let mut block = panel_block(&title, focused);
    if focused {
        block = block.title(hints().right_aligned());
    }
    if let Some(bundle) = bundle {
        block = block.title_bottom(Span::styled(format!(" {bundle} "), Style::default().bold()));
    }
    if let Some(acting) = acting_as(state) {
        block = block.title_bottom(acting.right_aligned());
    }
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
        for (half, field) in halves(*row).iter().zip(fields) {
            render_field(state, frame, *half, field);
        }
    }
}

/// The two halves of a row of fields (clicks use them too).
pub fn halves(row: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
        .spacing(1)
        .areas(row)
}

/// `"Lunch" · will be deleted 2027-02-27 (in 87 d, 90 d after creation)`, else `Connection`; an
/// opened bundle's title first. When that is wider than `room` columns the bundle's title goes to
/// the bottom border (returned second), and then the topic is cut: how long the thread is kept
/// stays in view.
fn titles(state: &AppState, room: usize) -> (String, Option<String>) {
    let offline = state
        .offline
        .as_ref()
        .map(|o| one_line(&o.title).into_owned());
    let Some(thread) = &state.thread else {
        return (offline.unwrap_or_else(|| "Connection".to_string()), None);
    };
    let topic = format!("\"{}\"", one_line(&thread.value.topic));
    let retention = retention::summary(state);
    let title = |first: Option<&str>, topic: &str| {
        let parts = first.into_iter().chain([topic]).chain(retention.as_deref());
        parts.collect::<Vec<_>>().join(" · ")
    };
    let whole = title(offline.as_deref(), &topic);
    if whole.width() <= room {
        return (whole, None);
    }
    let kept = retention.as_ref().map_or(0, |r| r.width() + " · ".len());
    let topic = fit(&topic, room.saturating_sub(kept).max(TOPIC_KEPT));
    (title(None, topic.trim_end()), offline)
}

/// Columns of a topic kept when the title is cut.
const TOPIC_KEPT: usize = 12;

/// `Enter fetch · Tab next · Esc to results`, from the key table.
fn hints() -> Line<'static> {
    Line::from(Span::styled(
        format!(
            " {} fetch · {} next · {} to results ",
            keymap::key(Context::Field, &Action::Fetch),
            keymap::key(Context::Field, &Action::FocusNext),
            keymap::key(Context::Field, &Action::LeaveField),
        ),
        Style::default().fg(Color::DarkGray),
    ))
}

/// `acting as Jane (8:acs:…_0e59221d), expires … (in 23 h)` while a minted token is in use.
fn acting_as(state: &AppState) -> Option<Line<'static>> {
    let minted = state.identity.minted.as_ref()?;
    let who = match &minted.name {
        Some(name) => format!("{} ({})", one_line(name), ids::fit(&minted.user, 18)),
        None => ids::fit(&minted.user, 30),
    };
    Some(Line::from(Span::styled(
        format!(
            " acting as {who}, {} ",
            expiry_text(state, minted.expires_on)
        ),
        Style::default().fg(ids::color(&minted.user)).bold(),
    )))
}

fn render_field(state: &AppState, frame: &mut Frame, area: Rect, field: Field) {
    let [label, value] =
        Layout::horizontal([Constraint::Length(9), Constraint::Fill(1)]).areas(area);
    let wrong = state.input_error.as_ref().and_then(|e| e.field) == Some(field);
    let style = match (wrong, state.focus == Focus::Field(field)) {
        (true, _) => Style::default().fg(Color::Red).bold(),
        (false, true) => Style::default().fg(Color::Cyan).bold(),
        (false, false) => Style::default().fg(Color::Gray),
    };
    frame.render_widget(Paragraph::new(Span::styled(field.label(), style)), label);
    render_value(state, frame, value, field);
}

/// A field's value: its text area while it has focus, else what fits of it.
pub fn render_value(state: &AppState, frame: &mut Frame, area: Rect, field: Field) {
    if state.focus == Focus::Field(field) {
        frame.render_widget(state.field(field), area);
        if state.settings.no_color {
            // Without styling the text area's cursor is invisible: the terminal's shows instead.
            let cursor = state.field(field).screen_cursor();
            let x = area.x + (cursor.col as u16).min(area.width.saturating_sub(1));
            frame.set_cursor_position((x, area.y));
        }
        return;
    }
    let value = state.value(field);
    let width = usize::from(area.width);
    let line = if value.trim().is_empty() {
        Span::styled(field.placeholder(), Style::default().fg(Color::DarkGray))
    } else {
        match field {
            Field::Token if !state.fields.token_revealed => Span::styled(
                masked(&token_summary(&value, state.now), width),
                Style::default().fg(Color::Gray),
            ),
            Field::Token => Span::raw(ids::middle(&value, width)),
            _ => Span::raw(ids::fit(&value, width)),
        }
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// `•••• 294 chars, JWT for 8:acs:…_0e59221d`, shortened from the end of its words to fit.
fn masked(summary: &str, width: usize) -> String {
    let mut words: Vec<&str> = summary.split(' ').collect();
    while words.len() > 2 {
        let text = format!("•••• {}", words.join(" "));
        if text.chars().count() <= width {
            return text;
        }
        words.pop();
        // "JWT for" without whom reads wrong: the word goes with what it introduced.
        if words.last() == Some(&"for") {
            words.pop();
        }
    }
    ids::middle(&format!("•••• {}", words.join(" ")), width)
}
