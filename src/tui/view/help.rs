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
        Paragraph::new(lines())
            .block(block)
            .scroll((state.help.unwrap_or(0), 0)),
        popup,
    );
}
