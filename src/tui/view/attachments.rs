//! Attachments of the shown message: type, name and id on one line, then the url and preview url
//! with the whole width to themselves (long urls are the point of this panel).

use ratatui::text::Line;

use super::{dim, field, long_field_in};
use crate::acs::ChatMessage;

/// Columns of the labels of the url lines.
const LABEL: u16 = 10;

pub fn lines(message: Option<&ChatMessage>, width: u16) -> Vec<Line<'static>> {
    let Some(message) = message else {
        return vec![];
    };
    let attachments = message.attachments();
    if attachments.is_empty() {
        return vec![dim("(no attachments)")];
    }
    let mut lines = Vec::new();
    for (i, a) in attachments.iter().enumerate() {
        let name = a.name.as_deref().unwrap_or("(no name)");
        lines.push(field(
            &format!("#{} {}", i + 1, a.attachment_type),
            &format!("{name} · id {}", a.id),
        ));
        for (label, value) in [("  url", &a.url), ("  preview", &a.preview_url)] {
            lines.extend(long_field_in(
                label,
                value.as_deref().unwrap_or("(none)"),
                width,
                LABEL,
            ));
        }
    }
    lines
}

/// How many lines the attachments take at `width` (the layout gives them that much room).
pub fn height(message: Option<&ChatMessage>, width: u16) -> usize {
    lines(message, width).len()
}
