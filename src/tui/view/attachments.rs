//! Attachments of the shown message: type, name, id, url, preview url.

use ratatui::text::Line;

use super::{dim, field, long_field};
use crate::acs::ChatMessage;

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
        lines.push(field(&format!("#{} {}", i + 1, a.attachment_type), name));
        lines.push(field("  id", &a.id));
        lines.extend(long_field(
            "  url",
            a.url.as_deref().unwrap_or("(none)"),
            width,
        ));
        lines.extend(long_field(
            "  preview",
            a.preview_url.as_deref().unwrap_or("(none)"),
            width,
        ));
    }
    lines
}
