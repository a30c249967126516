//! The help overlay, generated from the key table.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::super::keymap::{BINDINGS, Context};
use super::super::state::AppState;
use super::panel_block;

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

/// Lines above the key table (the config file's path).
pub const HEADER_LINES: usize = 3;

/// Where profiles come from, then the keys.
fn with_config_path(state: &AppState) -> Vec<Line<'static>> {
    let path = state
        .settings
        .config_file
        .as_ref()
        .map_or("(no config directory on this machine)".to_string(), |p| {
            crate::sanitize::one_line(&p.display().to_string()).into_owned()
        });
    let mut all = vec![
        Line::from(vec![
            Span::styled("Config file  ", Style::default().fg(Color::Gray)),
            Span::raw(path),
        ]),
        Line::from(Span::styled(
            "             P picks a profile from it; profiles never hold secrets",
            Style::default().fg(Color::DarkGray),
        )),
        Line::default(),
    ];
    all.extend(lines());
    all
}

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2);
    let popup = Rect::new(area.x + (area.width - width) / 2, area.y + 1, width, height);
    let block = panel_block("Keys", true).title_bottom(
        Line::from(Span::styled(
            " j/k scroll · ? or Esc closes ",
            Style::default().fg(Color::DarkGray),
        ))
        .right_aligned(),
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(with_config_path(state))
            .block(block)
            .scroll((state.help.unwrap_or(0), 0)),
        popup,
    );
}
