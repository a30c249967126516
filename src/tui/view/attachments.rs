//! Attachments of the shown message: type, name, id, url, preview url, and what fetching an
//! image (`i`) found.

use std::collections::HashMap;

use ratatui::text::Line;

use super::{dim, field, long_field};
use crate::acs::{ChatImage, ChatMessage};
use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};

/// What `i` found for each image attachment, by attachment id.
pub type FetchedImages = HashMap<String, Result<ChatImage, String>>;

pub fn lines(
    message: Option<&ChatMessage>,
    images: &FetchedImages,
    width: u16,
) -> Vec<Line<'static>> {
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
        if let Some(found) = images.get(&a.id) {
            lines.push(field("  image", &image_summary(found)));
        } else if a.attachment_type.is_image() {
            let key = keymap::key(Context::Results, &Action::FetchImages);
            lines.push(dim(format!(
                "  {key} fetches the image: type, size and dimensions"
            )));
        }
    }
    lines
}

/// One line on a fetched image: what the service answered, or why it could not.
fn image_summary(found: &Result<ChatImage, String>) -> String {
    match found {
        Ok(image) => {
            let kind = image.content_type.as_deref().unwrap_or("no content type");
            let size = format!("{} bytes", image.size);
            match image.dimensions {
                Some((w, h)) => format!("{kind}, {size}, {w}x{h}"),
                None => format!("{kind}, {size}"),
            }
        }
        Err(reason) => format!("not fetched: {reason}"),
    }
}
