//! The help overlay, generated from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::super::action::Action;
use super::super::keymap::{self, BINDINGS, Context};
use super::super::state::AppState;
use super::panel_block;

/// The key table's part of the help, built once.
static KEY_LINES: std::sync::LazyLock<Vec<Line<'static>>> = std::sync::LazyLock::new(lines);

/// Every line of the help, from the key table.
pub fn lines() -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for context in Context::ALL {
        if !lines.is_empty() {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(
            context.title(),
            Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
        )));
        // Bindings without a label are spelled out by the one before them ("1…5").
        for b in BINDINGS
            .iter()
            .filter(|b| b.context == context && !b.label.is_empty())
        {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("  {:<16}", b.label),
                    Style::default().fg(Color::Cyan),
                ),
                Span::raw(b.description),
            ]));
        }
    }
    lines
}

/// How many lines the help has: scrolling stops at its last line.
pub fn line_count() -> usize {
    header(None).len() + KEY_LINES.len()
}

/// Where profiles come from, then the keys.
fn with_config_path(state: &AppState) -> Vec<Line<'static>> {
    let mut all = header(state.settings.config_file.as_deref());
    all.extend(KEY_LINES.iter().cloned());
    all
}

/// The lines above the key table: the config file's path.
fn header(config_file: Option<&std::path::Path>) -> Vec<Line<'static>> {
    let path = config_file.map_or("(no config directory on this machine)".to_string(), |p| {
        crate::sanitize::one_line(&p.display().to_string()).into_owned()
    });
    vec![
        Line::from(vec![
            Span::styled("Config file  ", Style::default().fg(Color::Gray)),
            Span::raw(path),
        ]),
        Line::from(Span::styled(
            format!(
                "             {} picks a profile from it; profiles never hold secrets",
                keymap::label(Context::Results, &Action::OpenProfiles)
            ),
            Style::default().fg(Color::DarkGray),
        )),
        Line::default(),
    ]
}

/// Lines of the help on screen (inside its box) for a terminal size.
pub fn rows((_, height): (u16, u16)) -> usize {
    usize::from(height.saturating_sub(4))
}

pub fn render(state: &AppState, scroll: u16, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2);
    let popup = Rect::new(area.x + (area.width - width) / 2, area.y + 1, width, height);
    let block = panel_block("Keys", true).title_bottom(
        Line::from(Span::styled(
            format!(
                " {}/{} scroll · {} or {} closes ",
                keymap::key(Context::Help, &Action::ScrollDown),
                keymap::key(Context::Help, &Action::ScrollUp),
                keymap::key(Context::Help, &Action::ToggleHelp),
                keymap::key(Context::Help, &Action::Cancel),
            ),
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(with_config_path(state))
            .block(block)
            .scroll((scroll, 0)),
        popup,
    );
}
