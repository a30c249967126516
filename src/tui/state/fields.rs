//! The four connection fields, focus, and what the masked Token field holds.

use ratatui::style::{Color, Modifier, Style};
use ratatui_textarea::TextArea;

/// The input fields, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Endpoint,
    Token,
    Thread,
    Message,
}

impl Field {
    pub const ALL: [Field; 4] = [Field::Endpoint, Field::Token, Field::Thread, Field::Message];

    pub fn label(self) -> &'static str {
        match self {
            Field::Endpoint => "Endpoint",
            Field::Token => "Token",
            Field::Thread => "Thread",
            Field::Message => "Message",
        }
    }

    pub fn placeholder(self) -> &'static str {
        match self {
            Field::Endpoint => "https://<resource>.communication.azure.com",
            Field::Token => "ACS user access token",
            Field::Thread => "19:...@thread.v2",
            Field::Message => "message id (optional)",
        }
    }
}

/// What has the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(Field),
    Timeline,
    Details,
}

impl Focus {
    const ORDER: [Focus; 6] = [
        Focus::Field(Field::Endpoint),
        Focus::Field(Field::Token),
        Focus::Field(Field::Thread),
        Focus::Field(Field::Message),
        Focus::Timeline,
        Focus::Details,
    ];

    pub fn next(self) -> Self {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + 1) % Self::ORDER.len()]
    }

    pub fn prev(self) -> Self {
        let i = Self::ORDER.iter().position(|f| *f == self).unwrap_or(0);
        Self::ORDER[(i + Self::ORDER.len() - 1) % Self::ORDER.len()]
    }

    pub fn is_field(self) -> bool {
        matches!(self, Focus::Field(_))
    }
}

const MASK: char = '•';

/// The text areas of the four fields; the token's is masked unless revealed.
#[derive(Debug)]
pub struct Fields {
    areas: [TextArea<'static>; 4],
    pub token_revealed: bool,
}

impl Default for Fields {
    fn default() -> Self {
        let mut fields = Self {
            areas: Field::ALL.map(new_area),
            token_revealed: false,
        };
        fields.area_mut(Field::Token).set_mask_char(MASK);
        fields
    }
}

impl Fields {
    pub fn area(&self, field: Field) -> &TextArea<'static> {
        &self.areas[field as usize]
    }

    pub fn area_mut(&mut self, field: Field) -> &mut TextArea<'static> {
        &mut self.areas[field as usize]
    }

    /// The text of a field (fields are single-line).
    pub fn value(&self, field: Field) -> String {
        self.area(field).lines().join("")
    }

    /// Replaces a field's text, cursor at the end, in a fresh text area: no scroll position of
    /// the old value survives.
    pub fn set_value(&mut self, field: Field, text: &str) {
        let old = self.area(field);
        let mut area = new_area(field);
        if let Some(mask) = old.mask_char() {
            area.set_mask_char(mask);
        }
        area.set_cursor_style(old.cursor_style());
        area.set_cursor_line_style(old.cursor_line_style());
        area.insert_str(single_line(text));
        self.areas[field as usize] = area;
    }

    /// Cursor shown only in the focused field.
    pub fn show_cursor_in(&mut self, focused: Option<Field>) {
        for field in Field::ALL {
            let cursor = if focused == Some(field) {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            let area = self.area_mut(field);
            area.set_cursor_style(cursor);
            area.set_cursor_line_style(Style::default());
        }
    }

    pub fn toggle_token_mask(&mut self) {
        self.token_revealed = !self.token_revealed;
        let token = self.area_mut(Field::Token);
        if token.mask_char().is_some() {
            token.clear_mask_char();
        } else {
            token.set_mask_char(MASK);
        }
    }

    /// Puts a token into the Token field, masked whatever was shown before.
    pub fn set_token(&mut self, token: &str) {
        self.set_value(Field::Token, token);
        if self.token_revealed {
            self.toggle_token_mask();
        }
    }
}

fn new_area(field: Field) -> TextArea<'static> {
    let mut area = TextArea::default();
    area.set_placeholder_text(field.placeholder());
    area.set_placeholder_style(Style::default().fg(Color::DarkGray));
    area
}

/// Fields hold one line: pasted newlines and surrounding blanks are dropped.
pub fn single_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("")
}

/// What the masked Token field holds, without showing it: its length and what it looks like.
pub fn token_summary(token: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let token = token.trim();
    let chars = token.chars().count();
    let looks = if token.starts_with("19:") && token.contains("@thread") {
        "not a token: looks like a thread id".to_string()
    } else if token.starts_with("8:") {
        "not a token: looks like a user's raw id".to_string()
    } else if token.starts_with("http://") || token.starts_with("https://") {
        "not a token: looks like an endpoint".to_string()
    } else if !token.is_empty() && token.chars().all(|c| c.is_ascii_digit()) {
        "not a token: looks like a message id".to_string()
    } else {
        match crate::acs::token::decode_token(token, now) {
            Ok(info) if info.expired => "JWT, expired".to_string(),
            Ok(info) => match info.identity {
                Some(id) => format!("JWT for {}", super::super::ids::fit(&id, 18)),
                None => "JWT, not an ACS user token".to_string(),
            },
            Err(problem) if problem.what.starts_with("not ") => problem.what.to_string(),
            Err(problem) => format!("not a user token: looks like {}", problem.what),
        }
    };
    format!("{chars} chars, {looks}")
}
