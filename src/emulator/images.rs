//! Images shared in Teams interop chats, as the service serves them to a user's token.
//!
//! - `GET /chat/threads/{id}/images/{imageId}/view/{imageViewType}`: `ChatThread_GetChatImage`,
//!   2024-03-15-preview only; `imageViewType` is `original` or `small`; 200 with the image bytes,
//!   errors as ARM `ErrorResponse` (`{"error":{"code","message"}}`, the spec's `default` response).
//! - The links the service writes into attachments, `.../images/{imageId}/views/original` and
//!   `.../messages/{messageId}/teamsInterop/images/{imageId}/views/small` (spec examples, with
//!   `api-version=2023-07-01-preview`): served for every supported version.
//!
//! An image is found among the thread's stored attachments; the caller must be able to read the
//! message it came with. `original` is a 64×48 PNG, `small` a 16×12 one (`assets/emulator/`).

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;

use super::EmulatorState;
use super::routes::Call;
use super::wire::{self, Refusal};

const ORIGINAL_PNG: &[u8] = include_bytes!("../../assets/emulator/image-original.png");
const SMALL_PNG: &[u8] = include_bytes!("../../assets/emulator/image-small.png");

/// The image routes, before state and layers are applied.
pub fn image_routes() -> Router<EmulatorState> {
    Router::new()
        .route(
            "/chat/threads/{id}/images/{image}/view/{view}",
            get(get_chat_image),
        )
        .route(
            "/chat/threads/{id}/images/{image}/views/{view}",
            get(attachment_link),
        )
        .route(
            "/chat/threads/{id}/messages/{mid}/teamsInterop/images/{image}/views/{view}",
            get(attachment_link),
        )
}

/// The bytes and content type of a view.
pub fn view_bytes(view: &str) -> Option<&'static [u8]> {
    match view {
        "original" => Some(ORIGINAL_PNG),
        "small" => Some(SMALL_PNG),
        _ => None,
    }
}

/// An error of the image operations: ARM `ErrorResponse`; a 401 keeps its empty body.
struct ArmError(Refusal);

impl IntoResponse for ArmError {
    fn into_response(self) -> Response {
        let (status, code, message) = match self.0 {
            Refusal::Unauthorized => return StatusCode::UNAUTHORIZED.into_response(),
            Refusal::Forbidden => (
                StatusCode::FORBIDDEN,
                "Forbidden",
                "The initiator doesn't have the permission to perform the requested operation."
                    .to_string(),
            ),
            Refusal::ThreadNotFound => (
                StatusCode::NOT_FOUND,
                "NotFound",
                "The specified thread id was not found.".to_string(),
            ),
            Refusal::MessageNotFound => (
                StatusCode::NOT_FOUND,
                "NotFound",
                "The specified image was not found.".to_string(),
            ),
            Refusal::BadRequest(message) => (StatusCode::BAD_REQUEST, "BadRequest", message),
        };
        let body = json!({"error": {"code": code, "message": message}});
        (
            status,
            [(header::CONTENT_TYPE, wire::JSON_ERROR)],
            Body::from(body.to_string()),
        )
            .into_response()
    }
}

async fn get_chat_image(
    State(state): State<EmulatorState>,
    Path((id, image, view)): Path<(String, String, String)>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ArmError> {
    let call = Call::new(&state, &headers, raw.as_deref()).map_err(ArmError)?;
    if !call.version.image_view_operation {
        return Err(ArmError(Refusal::BadRequest(format!(
            "The HTTP resource that matches the request URI does not support the API version '{}'.",
            call.version.version
        ))));
    }
    serve(&state, &call, &id, &image, &view)
}

/// The ids of an attachment link (`.../images/{image}/views/{view}`, with or without
/// `/messages/{mid}/teamsInterop`); the message id plays no part.
#[derive(serde::Deserialize)]
struct LinkIds {
    id: String,
    image: String,
    view: String,
}

async fn attachment_link(
    State(state): State<EmulatorState>,
    Path(ids): Path<LinkIds>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ArmError> {
    let call = Call::new(&state, &headers, raw.as_deref()).map_err(ArmError)?;
    serve(&state, &call, &ids.id, &ids.image, &ids.view)
}

fn serve(
    state: &EmulatorState,
    call: &Call,
    thread_id: &str,
    image_id: &str,
    view: &str,
) -> Result<Response, ArmError> {
    let bytes = view_bytes(view).ok_or_else(|| {
        ArmError(Refusal::BadRequest(format!(
            "Invalid imageViewType '{view}': expected original or small."
        )))
    })?;
    let (thread, visible) = call.history(state, thread_id).map_err(ArmError)?;
    let shared_in = thread.image_message_ms(image_id);
    if !shared_in.is_some_and(|ms| visible.contains(ms)) {
        return Err(ArmError(Refusal::MessageNotFound));
    }
    Ok((
        StatusCode::OK,
        [(header::CONTENT_TYPE, "image/png")],
        Body::from(bytes),
    )
        .into_response())
}
