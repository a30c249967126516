//! Teams markup made readable before HTML becomes text: a `<msft-mention>` reads `@Name`, an inline
//! `<img id>` (an image attachment shown in the message, azure-docs
//! `tutorials/chat-interop/meeting-interop-features-inline-image`) reads `[image <id>]`.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

static MENTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?is)<msft-mention\b[^>]*>(.*?)</msft-mention\s*>").unwrap());
static INLINE_IMAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?is)<img\b[^>]*?\bid\s*=\s*["']?([^"'\s>]+)["']?[^>]*>"#).unwrap()
});

/// The source with mentions and inline images replaced by text; unchanged when it has neither.
pub fn teams_markup(source: &str) -> Cow<'_, str> {
    let mentions = MENTION.replace_all(source, "@$1");
    match INLINE_IMAGE.replace_all(&mentions, "[image $1]") {
        Cow::Borrowed(_) => mentions,
        Cow::Owned(text) => Cow::Owned(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_read_as_at_names() {
        let source = r#"<p>Welcome <msft-mention id="8:acs:x">Jane</msft-mention>, hi</p>"#;
        assert_eq!(teams_markup(source), "<p>Welcome @Jane, hi</p>");
    }

    #[test]
    fn inline_images_read_with_their_id() {
        let source = r#"<p><img alt="image" src="" itemscope="png" id="abc-1"></p>"#;
        assert_eq!(teams_markup(source), "<p>[image abc-1]</p>");
    }

    #[test]
    fn other_html_is_left_alone() {
        let source = "<p>plain <b>bold</b> <img src=\"x\"></p>";
        assert!(matches!(teams_markup(source), Cow::Borrowed(_)));
    }
}
