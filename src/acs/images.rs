//! Images shared in Teams interop chats: the preview operation of 2024-03-15-preview,
//! `GET /chat/threads/{id}/images/{imageId}/view/{original|small}` (`ChatThread_GetChatImage`,
//! answering image/gif, jpeg, png, bmp or tiff, and ARM `ErrorResponse` errors), and the attachment
//! links (`url`, `previewUrl`) the service writes, which need the user's token too (azure-docs
//! `tutorials/chat-interop/meeting-interop-features-inline-image`). The body is not kept: what a
//! support engineer needs is that the image exists, its type, size and dimensions.

use std::sync::Arc;

use url::Url;

use super::client::ChatClient;
use super::endpoint::{encode_segment, validate_thread_id};
use super::error::AcsError;
use super::exchange::Exchange;

/// The only api-version with the image operations.
pub const IMAGE_API_VERSION: &str = "2024-03-15-preview";

/// `imageViewType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageView {
    Original,
    Small,
}

impl ImageView {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Original => "original",
            Self::Small => "small",
        }
    }
}

/// What an image answer was.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatImage {
    pub content_type: Option<String>,
    /// Bytes received.
    pub size: usize,
    /// Width and height, read from a PNG, GIF or BMP header.
    pub dimensions: Option<(u32, u32)>,
    pub exchange: Arc<Exchange>,
}

/// A binary (image) body, summarised as it is read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BinaryBody {
    pub content_type: String,
    pub size: usize,
    pub dimensions: Option<(u32, u32)>,
}

impl BinaryBody {
    /// `Some` for an `image/*` answer.
    pub fn read(bytes: &[u8], content_type: Option<&str>) -> Option<Self> {
        let content_type = content_type?.trim();
        if !content_type.to_ascii_lowercase().starts_with("image/") {
            return None;
        }
        Some(Self {
            content_type: content_type.to_string(),
            size: bytes.len(),
            dimensions: dimensions(bytes),
        })
    }

    /// What the request log shows instead of the bytes.
    pub fn placeholder(&self) -> String {
        match self.dimensions {
            Some((w, h)) => format!("({} bytes of {}, {w}×{h})", self.size, self.content_type),
            None => format!("({} bytes of {})", self.size, self.content_type),
        }
    }
}

/// Width and height from the header of a PNG, GIF or BMP.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let be = |at: usize| Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?));
    let le16 = |at: usize| {
        Some(u32::from(u16::from_le_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    let le32 = |at: usize| {
        Some(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?).unsigned_abs())
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") && bytes.get(12..16) == Some(b"IHDR") {
        return Some((be(16)?, be(20)?));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some((le16(6)?, le16(8)?));
    }
    if bytes.starts_with(b"BM") {
        return Some((le32(18)?, le32(22)?));
    }
    None
}

impl ChatClient {
    /// `GET /chat/threads/{id}/images/{imageId}/view/{view}` at 2024-03-15-preview, whatever
    /// api-version the client otherwise uses.
    pub async fn get_chat_image(
        &self,
        thread_id: &str,
        image_id: &str,
        view: ImageView,
    ) -> Result<ChatImage, AcsError> {
        let client = self.with_api_version(IMAGE_API_VERSION);
        let image = encode_segment(image_id.trim());
        if image.is_empty() {
            return Err(AcsError::BadInput("no image id".into()));
        }
        let tid = encode_segment(&validate_thread_id(thread_id)?);
        let mut url = self.config().endpoint.join(&format!(
            "chat/threads/{tid}/images/{image}/view/{}",
            view.as_str()
        ));
        url.query_pairs_mut()
            .append_pair("api-version", IMAGE_API_VERSION);
        client.image_at(url).await
    }

    /// An attachment's `url` or `previewUrl`, fetched with the token, but only when it is on the
    /// endpoint itself: a SharePoint link (Teams files) or any other host never gets the token.
    pub async fn get_attachment_image(&self, link: &str) -> Result<ChatImage, AcsError> {
        let url = Url::parse(link.trim())
            .map_err(|e| AcsError::BadInput(format!("malformed attachment link {link:?}: {e}")))?;
        if url.origin() != self.config().endpoint.url().origin() {
            return Err(AcsError::BadInput(format!(
                "not fetching {}: the token is sent only to the endpoint {}",
                url.origin().ascii_serialization(),
                self.config().endpoint
            )));
        }
        self.image_at(url).await
    }

    async fn image_at(&self, url: Url) -> Result<ChatImage, AcsError> {
        let (exchange, binary) = self.get_with_binary(url).await?;
        let content_type = exchange.header("content-type").map(str::to_string);
        Ok(ChatImage {
            content_type,
            size: binary.as_ref().map_or(exchange.body.len(), |b| b.size),
            dimensions: binary.and_then(|b| b.dimensions),
            exchange,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dimensions_come_from_the_header() {
        let png = include_bytes!("../../assets/emulator/image-small.png");
        assert_eq!(dimensions(png), Some((16, 12)));
        let gif = b"GIF89a\x40\x00\x30\x00rest";
        assert_eq!(dimensions(gif), Some((64, 48)));
        assert_eq!(dimensions(b"\x89PNG"), None);
        assert_eq!(dimensions(b""), None);
        let body = BinaryBody::read(png, Some("image/png")).unwrap();
        assert_eq!(
            body.placeholder(),
            format!("({} bytes of image/png, 16×12)", png.len())
        );
        assert_eq!(BinaryBody::read(b"{}", Some("application/json")), None);
    }
}
