//! Rendering: pure functions of the state, one file per panel.

pub mod attachments;
pub mod copy;
pub mod error;
pub mod findings;
pub mod help;
pub mod html;
pub mod input;
pub mod layout;
pub mod list;
pub mod log;
pub mod message;
pub mod metadata;
pub mod participants;
pub mod profiles;
pub mod raw;
pub mod receipts;
pub mod retention;
pub mod search;
pub mod status;
pub mod thread;
pub mod threads;
pub mod timeline;
pub mod token;

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Paragraph, Wrap};

use crate::sanitize::{mask_secrets, one_line};

use super::action::Action;
use super::keymap;
use super::state::{AppState, DetailTab, Focus, LoadStatus, Overlay};

/// Draws the whole screen.
pub fn render(state: &AppState, frame: &mut Frame) {
    let area = frame.area();
    if layout::too_small(area) {
        render_too_small(frame, area);
        return;
    }
    let areas = layout::areas(area);
    input::render(state, frame, areas.input);
    timeline::render(state, frame, areas.timeline);
    render_details(state, frame, areas.detail, areas.wide);
    status::render(state, frame, areas.status);
    // Bottom first, so the top overlay is drawn last.
    for overlay in state.overlays.iter() {
        match overlay {
            Overlay::Help(scroll) => help::render(state, *scroll, frame, area),
            Overlay::Copy(menu) => copy::render(menu, frame, area),
            Overlay::Raw(view) => raw::render(view, frame, area),
            Overlay::Log(selected) => log::render(state, *selected, frame, area),
            Overlay::Profiles(picker) => profiles::render(state, picker, frame, area),
            Overlay::Search => search::render(state, frame, area),
            // The prompt lives in the status line.
            Overlay::Prompt(_) => {}
        }
    }
}

fn render_too_small(frame: &mut Frame, area: Rect) {
    let (w, h) = layout::MIN_SIZE;
    let text = format!(
        "window too small ({}x{}), need {w}x{h}",
        area.width, area.height
    );
    let y = area.height / 2;
    let line = Rect::new(area.x, area.y + y, area.width, 1.min(area.height));
    frame.render_widget(
        Paragraph::new(text).alignment(Alignment::Center).bold(),
        line,
    );
}

/// The tabbed detail area.
fn render_details(state: &AppState, frame: &mut Frame, area: Rect, wide: bool) {
    let block = panel_block("", state.focus == Focus::Details).title(tab_titles(state.tab));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let columns = wide.then(|| {
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
            .areas::<2>(inner)
    });
    // Text widths of the first panel and of the others (inside their borders when side by side).
    let (first, rest) = match columns {
        Some([l, r]) => (l.width.saturating_sub(2), r.width.saturating_sub(2)),
        None => (inner.width, inner.width),
    };
    // Decoded once per frame: timeline messages are stored as JSON text.
    let shown = match state.tab {
        DetailTab::Message => state.shown_message(),
        _ => None,
    };
    let panels: Vec<(&str, Vec<Line<'static>>)> = match state.tab {
        DetailTab::Thread => vec![
            ("Thread", thread::lines(state, first)),
            ("Retention policy", retention::lines(state)),
            ("Thread metadata", metadata::thread_lines(state)),
        ],
        DetailTab::Message => vec![
            ("Message", message::lines(state, shown.as_deref(), first)),
            (
                "Attachments",
                attachments::lines(shown.as_deref(), &state.images, rest),
            ),
            (
                "Message metadata",
                metadata::message_lines(shown.as_deref()),
            ),
        ],
        DetailTab::Participants => return participants::render(state, frame, inner),
        DetailTab::Receipts => return receipts::render(state, frame, inner),
        DetailTab::Threads => return threads::render(state, frame, inner),
        DetailTab::Findings => return findings::render(state, frame, inner),
        DetailTab::Token => {
            let full = if wide {
                inner.width.saturating_sub(2)
            } else {
                inner.width
            };
            vec![("Token", token::lines(state, full))]
        }
    };
    match columns {
        Some(columns) => render_columns(state, frame, columns, panels),
        None => render_stacked(state, frame, inner, panels),
    }
}

/// Panels as sections of one scrollable text.
fn render_stacked(
    state: &AppState,
    frame: &mut Frame,
    area: Rect,
    panels: Vec<(&str, Vec<Line<'static>>)>,
) {
    let mut lines = Vec::new();
    // The tab names the first panel; the others get a heading.
    for (i, (title, body)) in panels.into_iter().enumerate() {
        if i > 0 {
            lines.push(heading(title));
        }
        lines.extend(body);
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((state.detail_scroll, 0)),
        area,
    );
}

/// The first panel on the left, the others stacked on the right.
fn render_columns(
    state: &AppState,
    frame: &mut Frame,
    [left, right]: [Rect; 2],
    mut panels: Vec<(&str, Vec<Line<'static>>)>,
) {
    let first = panels.remove(0);
    if panels.is_empty() {
        let whole = Rect::new(left.x, left.y, left.width + right.width, left.height);
        return render_boxed(frame, whole, first, state.detail_scroll);
    }
    render_boxed(frame, left, first, state.detail_scroll);
    let rows = Layout::vertical(vec![Constraint::Fill(1); panels.len()]).split(right);
    for (panel, rect) in panels.into_iter().zip(rows.iter()) {
        render_boxed(frame, *rect, panel, 0);
    }
}

fn render_boxed(
    frame: &mut Frame,
    area: Rect,
    (title, lines): (&str, Vec<Line<'static>>),
    scroll: u16,
) {
    let block = Block::bordered()
        .border_type(BorderType::Plain)
        .border_style(Style::default().fg(Color::DarkGray))
        .title(Span::styled(format!(" {title} "), Style::default().bold()));
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

fn tab_titles(current: DetailTab) -> Line<'static> {
    let mut spans = vec![Span::raw(" ")];
    for (i, tab) in DetailTab::ALL.iter().enumerate() {
        let text = format!("{} {}", i + 1, tab.title());
        let style = if *tab == current {
            Style::default().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            Style::default().fg(Color::Gray)
        };
        spans.push(Span::styled(text, style));
        spans.push(Span::raw(" "));
    }
    Line::from(spans)
}

/// A bordered panel; the focused one stands out.
pub fn panel_block(title: &str, focused: bool) -> Block<'static> {
    let style = if focused {
        Style::default().fg(Color::Cyan)
    } else {
        Style::default().fg(Color::DarkGray)
    };
    let border = if focused {
        BorderType::Thick
    } else {
        BorderType::Plain
    };
    let block = Block::bordered().border_type(border).border_style(style);
    if title.is_empty() {
        block
    } else {
        block.title(Span::styled(
            format!(" {title} "),
            Style::default().bold().fg(Color::Reset),
        ))
    }
}

pub fn heading(title: &str) -> Line<'static> {
    Line::from(Span::styled(
        title.to_string(),
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    ))
}

/// `label: value`, the value sanitized, and anything that looks like a token or key masked
/// (a service or a mistyped field can echo one).
pub fn field(label: &str, value: &str) -> Line<'static> {
    Line::from(vec![
        Span::styled(
            format!("{:<13}", one_line(label)),
            Style::default().fg(Color::Gray),
        ),
        Span::raw(one_line(&mask_secrets(value)).into_owned()),
    ])
}

/// `label: value` for long unbroken values (raw ids, urls): cut into pieces that fit `width`, so
/// the value starts on the label's line instead of wrapping below it.
pub fn long_field(label: &str, value: &str, width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width).saturating_sub(13).max(10);
    let chars: Vec<char> = one_line(&mask_secrets(value)).chars().collect();
    if chars.is_empty() {
        return vec![field(label, "")];
    }
    chars
        .chunks(room)
        .enumerate()
        .map(|(i, piece)| {
            field(
                if i == 0 { label } else { "" },
                &piece.iter().collect::<String>(),
            )
        })
        .collect()
}

/// A note in grey (absent values, hints).
pub fn dim(text: impl Into<String>) -> Line<'static> {
    Line::from(Span::styled(
        text.into(),
        Style::default().fg(Color::DarkGray),
    ))
}

/// A service time in the chosen display, or what was sent when it does not parse.
pub fn time(state: &AppState, s: &str) -> String {
    one_line(&state.time_display.format_str(s, state.now)).into_owned()
}

/// Lines standing in for a panel's data while it is not loaded; `None` once loaded.
pub fn status_lines(
    state: &AppState,
    status: &LoadStatus,
    what: &str,
) -> Option<Vec<Line<'static>>> {
    match status {
        LoadStatus::Loaded => None,
        LoadStatus::Idle => Some(vec![dim(format!(
            "No {what} yet: fill in the fields and press {}.",
            keymap::key(keymap::Context::Field, &Action::Fetch)
        ))]),
        LoadStatus::Loading { started, .. } => Some(vec![Line::from(format!(
            "{} loading {what}… {}",
            spinner(state),
            elapsed(state, *started)
        ))]),
        LoadStatus::Cancelled => Some(vec![dim(format!(
            "Loading {what} was cancelled; {} fetches again.",
            keymap::key(keymap::Context::Results, &Action::Activate)
        ))]),
        LoadStatus::Failed(e) => Some(error::panel(state, e)),
    }
}

pub fn spinner(state: &AppState) -> &'static str {
    const FRAMES: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    FRAMES[state.spinner % FRAMES.len()]
}

pub fn elapsed(state: &AppState, started: chrono::DateTime<chrono::Utc>) -> String {
    let ms = (state.now - started).num_milliseconds().max(0);
    format!("{:.1} s", ms as f64 / 1000.0)
}
