//! The copy menu: what `y` can put on the clipboard from here.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::copy::CopyMenu;
use super::super::keymap::{self, Context};
use super::overlay_block;
use super::timeline::fit;

pub fn render(menu: &CopyMenu, frame: &mut Frame, area: Rect) {
    let width = area.width.saturating_sub(4).min(90);
    let height = (menu.choices.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    );
    let keys = format!(
        " key or {} copies · {} closes ",
        keymap::key(Context::CopyMenu, &Action::Activate),
        keymap::key(Context::CopyMenu, &Action::Cancel)
    );
    let block = overlay_block("Copy to the clipboard", keys);
    let room = usize::from(width.saturating_sub(2)).saturating_sub(19);
    let lines: Vec<Line> = menu
        .choices
        .iter()
        .enumerate()
        .map(|(i, choice)| {
            let preview = fit(&preview(&choice.text), room);
            let key = keymap::key(Context::CopyMenu, &Action::CopyTarget(choice.target));
            let text = format!(
                "{} {key} {:<13} {preview}",
                if i == menu.selected { "▶" } else { " " },
                choice.target.label()
            );
            let style = if i == menu.selected {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            Line::from(Span::styled(text, style))
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

/// The start of a text on one line, blanks collapsed.
fn preview(text: &str) -> String {
    let head: String = text.chars().take(300).collect();
    let words: Vec<&str> = head.split_whitespace().collect();
    if words.is_empty() {
        return "(empty)".into();
    }
    one_line(&words.join(" ")).into_owned()
}
