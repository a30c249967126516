//! Attachments of the shown message: type, name and id on one line, then the url and preview url
//! with the whole width to themselves (long urls are the point of this panel), and what fetching
//! an image (`i`) found.

use std::collections::HashMap;

use ratatui::text::Line;

use super::{dim, field, long_field_in};
use crate::acs::{ChatImage, ChatMessage};
use crate::tui::action::Action;
use crate::tui::keymap::{self, Context};

/// What `i` found for each image attachment, by attachment id.
pub type FetchedImages = HashMap<String, Result<ChatImage, String>>;

/// Columns of the labels of the url lines.
const LABEL: u16 = 10;

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

/// How many lines the attachments take at `width` (the layout gives them that much room).
pub fn height(message: Option<&ChatMessage>, images: &FetchedImages, width: u16) -> usize {
    lines(message, images, width).len()
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
