//! The help overlay, generated from the key table: as wide as the window allows, descriptions
//! wrapped under themselves, and the same lines counted for scrolling as drawn.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};
use unicode_width::UnicodeWidthStr;

use super::super::action::Action;
use super::super::keymap::{self, BINDINGS, Context};
use super::super::state::AppState;
use super::overlay_block;

/// Columns before a description: two spaces and the keys.
const KEY_COLUMN: usize = 18;

/// Wider than this, lines are hard to follow: the box stops growing.
const MAX_WIDTH: u16 = 140;

/// Every key of the table, grouped by where it applies, wrapped to `width` columns.
pub fn lines(width: u16) -> Vec<Line<'static>> {
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
            lines.extend(entry(b.label, b.description, width));
        }
    }
    lines
}

/// A key and its description, the description wrapped under itself.
fn entry(keys: &str, description: &str, width: u16) -> Vec<Line<'static>> {
    let room = usize::from(width).saturating_sub(KEY_COLUMN).max(20);
    wrap_words(description, room)
        .into_iter()
        .enumerate()
        .map(|(i, text)| {
            let keys = if i == 0 { keys } else { "" };
            Line::from(vec![
                Span::styled(
                    format!("  {keys:<width$}", width = KEY_COLUMN - 2),
                    Style::default().fg(Color::Cyan),
                ),
                Span::raw(text),
            ])
        })
        .collect()
}

/// Words in lines of at most `room` columns (a longer word gets a line of its own).
fn wrap_words(text: &str, room: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.width() + 1 + word.width() > room {
            lines.push(word.to_string());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// The lines above the key table: the config file, what the timeline's markers mean, the mouse.
fn header(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let path = state
        .settings
        .config_file
        .as_deref()
        .map_or("(no config directory on this machine)".to_string(), |p| {
            crate::sanitize::one_line(&p.display().to_string()).into_owned()
        });
    let profiles = format!(
        "{} picks a profile from it; profiles never hold secrets",
        keymap::label(Context::Results, &Action::OpenProfiles)
    );
    let mouse = if state.settings.mouse {
        "click focuses and selects, the wheel scrolls, a click on a tab shows it; --no-mouse leaves the mouse to the terminal (text selection)"
    } else {
        "off (--no-mouse): the terminal selects text"
    };
    let mut lines = Vec::new();
    for (keys, text) in [
        ("Config file", path.as_str()),
        ("", profiles.as_str()),
        ("Mouse", mouse),
    ] {
        lines.extend(entry(keys, text, width));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "Timeline markers",
        Style::default().add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
    )));
    for (marker, meaning) in [
        (
            "●",
            "new: arrived in live mode, or not in the older bundle of `open FILE --diff OLDER`",
        ),
        (
            "~",
            "changed since the older bundle of `open FILE --diff OLDER`",
        ),
        ("✎  ✗", "edited, deleted"),
        ("⧉N", "N attachments"),
        ("✓N", "read by N participants (from read receipts)"),
        ("H  T", "an HTML message; a topic change"),
        (
            "+  -",
            "participants added, removed (system events, in magenta)",
        ),
        ("?", "a message type this tool does not know, shown as sent"),
        ("▶", "the selected row (its message is in the Message tab)"),
    ] {
        lines.extend(entry(marker, meaning, width));
    }
    lines.push(Line::default());
    lines
}

/// Every line of the help for the state's window.
fn all_lines(state: &AppState, width: u16) -> Vec<Line<'static>> {
    let mut all = header(state, width);
    all.extend(lines(width));
    all
}

/// The help box for a terminal size: the width less a margin (up to [`MAX_WIDTH`]), centred.
fn popup((columns, rows): (u16, u16)) -> Rect {
    let width = columns.saturating_sub(4).min(MAX_WIDTH);
    let height = rows.saturating_sub(2);
    Rect::new(columns.saturating_sub(width) / 2, 1, width, height)
}

/// How many lines the help has at the state's size: scrolling stops at its last line.
pub fn line_count(state: &AppState) -> usize {
    all_lines(state, popup(state.size).width.saturating_sub(2)).len()
}

/// Lines of the help on screen (inside its box) for a terminal size.
pub fn rows(size: (u16, u16)) -> usize {
    usize::from(popup(size).height.saturating_sub(2))
}

pub fn render(state: &AppState, scroll: u16, frame: &mut Frame, area: Rect) {
    let mut popup = popup((area.width, area.height));
    popup.x += area.x;
    popup.y += area.y;
    let keys = format!(
        " {}/{} scroll · {} or {} closes ",
        keymap::key(Context::Help, &Action::ScrollDown),
        keymap::key(Context::Help, &Action::ScrollUp),
        keymap::key(Context::Help, &Action::ToggleHelp),
        keymap::key(Context::Help, &Action::Cancel),
    );
    let block = overlay_block("Keys", keys);
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(all_lines(state, popup.width.saturating_sub(2)))
            .block(block)
            .scroll((scroll, 0)),
        popup,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn descriptions_wrap_under_themselves_within_the_width() {
        let lines = entry("x", &"word ".repeat(30), 40);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| l.width() <= 40), "{lines:?}");
        assert!(lines[1].to_string().starts_with(&" ".repeat(KEY_COLUMN)));
    }
}
