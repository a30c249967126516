//! Teams interop as the emulator serves it and the client reads it: meeting thread ids, messages
//! sent from Teams, attachments, images behind the token, and read receipts that are not there.

use acs_chat_inspector::acs::images::ImageView;
use acs_chat_inspector::acs::{
    AccessToken, AcsError, ChatClient, ChatMessageReadReceipt, ClientConfig, Endpoint,
    IdentifierKind, ListOptions,
};
use acs_chat_inspector::emulator::RunningEmulator;
use acs_chat_inspector::emulator::cases::{ALL_HANDS_SIZE, ALL_HANDS_THREAD_ID};
use acs_chat_inspector::emulator::data::LUNCH_THREAD_ID;
use acs_chat_inspector::emulator::teams::{
    INTERAGENCY_THREAD_ID, MEETING_IMAGE_ID, TEAMS_MEETING_THREAD_ID,
};
use serde_json::Value;

use crate::support::emulator::{demo, get_at, list_all, thread_path};

const V: &str = "2025-03-15";

fn client(emu: &RunningEmulator, token: &str) -> ChatClient {
    let endpoint = Endpoint::parse(&emu.info.endpoint).unwrap();
    let mut config = ClientConfig::new(endpoint, AccessToken::new(token));
    config.retry.max_retries = 0;
    ChatClient::new(config).unwrap()
}

async fn meeting_messages(emu: &RunningEmulator) -> Vec<Value> {
    let path = thread_path(TEAMS_MEETING_THREAD_ID, "/messages");
    list_all(emu, &path, V, &emu.info.token).await
}

async fn meeting_attachments(emu: &RunningEmulator) -> Vec<Value> {
    let messages = meeting_messages(emu).await;
    messages
        .iter()
        .filter_map(|m| m["content"]["attachments"].as_array())
        .flatten()
        .cloned()
        .collect()
}

#[tokio::test]
async fn the_demo_user_has_threads_of_every_id_form() {
    let emu = demo().await;
    let threads = list_all(&emu, "/chat/threads", V, &emu.info.token).await;
    let ids: Vec<&str> = threads.iter().map(|t| t["id"].as_str().unwrap()).collect();
    for form in ["19:meeting_", "19:acsV1_", "19:uni01_"] {
        assert!(ids.iter().any(|id| id.starts_with(form)), "{form}: {ids:?}");
    }
    assert!(ids.iter().all(|id| id.ends_with("@thread.v2")));
}

#[tokio::test]
async fn messages_from_teams_are_html_with_mentions_and_inline_images() {
    let emu = demo().await;
    let all = meeting_messages(&emu).await;
    let from_teams: Vec<&Value> = all
        .iter()
        .filter(|m| {
            let raw = m["senderCommunicationIdentifier"]["rawId"]
                .as_str()
                .unwrap_or("");
            matches!(
                IdentifierKind::from_raw_id(raw),
                IdentifierKind::MicrosoftTeamsUser | IdentifierKind::MicrosoftTeamsApp
            )
        })
        .collect();
    assert!(from_teams.len() >= 4);
    assert!(from_teams.iter().all(|m| m["type"] == "html"));
    let text = |m: &&Value| m["content"]["message"].as_str().unwrap().to_string();
    assert!(
        from_teams
            .iter()
            .map(text)
            .any(|t| t.contains("<msft-mention id=\"8:acs:"))
    );
    let inline = from_teams
        .iter()
        .find(|m| text(m).contains(&format!("id=\"{MEETING_IMAGE_ID}\"")))
        .unwrap();
    let image = &inline["content"]["attachments"][0];
    assert_eq!(
        image["id"], MEETING_IMAGE_ID,
        "the <img id> names the attachment"
    );
    assert_eq!(image["attachmentType"], "image");
    let preview = image["previewUrl"].as_str().unwrap();
    let mid = inline["id"].as_str().unwrap();
    assert!(
        preview.contains(&format!(
            "/messages/{mid}/teamsInterop/images/{MEETING_IMAGE_ID}/views/small"
        )),
        "{preview}"
    );
    // At 2021-03-07 the same messages are labelled richtext/html.
    let path = thread_path(TEAMS_MEETING_THREAD_ID, "/messages");
    let old = list_all(&emu, &path, "2021-03-07", &emu.info.token).await;
    assert!(old.iter().any(|m| m["type"] == "richtext/html"));
}

#[tokio::test]
async fn files_from_teams_link_to_sharepoint_without_a_url() {
    let emu = demo().await;
    let attachments = meeting_attachments(&emu).await;
    let file = attachments
        .iter()
        .find(|a| a["attachmentType"] == "file")
        .unwrap();
    assert_eq!(file.get("url"), None);
    assert!(
        file["previewUrl"]
            .as_str()
            .unwrap()
            .starts_with("https://contoso.sharepoint.com/")
    );
    let id = file["id"].as_str().unwrap();
    assert_eq!(id.len(), 36, "a GUID: {id}");
    assert!(file["name"].as_str().unwrap().ends_with(".pptx"));
}

#[tokio::test]
async fn the_preview_image_operation_answers_with_a_real_image() {
    let emu = demo().await;
    let c = client(&emu, &emu.info.token);
    let small = c
        .get_chat_image(TEAMS_MEETING_THREAD_ID, MEETING_IMAGE_ID, ImageView::Small)
        .await
        .unwrap();
    assert_eq!(small.content_type.as_deref(), Some("image/png"));
    assert_eq!(small.dimensions, Some((16, 12)));
    assert!(small.size > 60);
    assert!(
        small
            .exchange
            .url
            .contains("api-version=2024-03-15-preview")
    );
    assert!(
        small
            .exchange
            .body
            .starts_with(&format!("({} bytes of image/png", small.size))
    );
    let original = c
        .get_chat_image(
            TEAMS_MEETING_THREAD_ID,
            MEETING_IMAGE_ID,
            ImageView::Original,
        )
        .await
        .unwrap();
    assert_eq!(original.dimensions, Some((64, 48)));
    assert!(original.size > small.size);
}

#[tokio::test]
async fn image_errors_are_arm_error_responses() {
    let emu = demo().await;
    let c = client(&emu, &emu.info.token);
    let missing = c
        .get_chat_image(TEAMS_MEETING_THREAD_ID, "0-wus-d7-nope", ImageView::Small)
        .await
        .unwrap_err();
    let AcsError::Service(e) = missing else {
        panic!("{missing:?}")
    };
    assert_eq!((e.status, e.code.as_deref()), (404, Some("NotFound")));
    let body: Value = serde_json::from_str(&e.body).unwrap();
    assert!(body["error"]["message"].is_string(), "{body}");
    let outsider = client(&emu, &emu.info.outsider_token)
        .get_chat_image(TEAMS_MEETING_THREAD_ID, MEETING_IMAGE_ID, ImageView::Small)
        .await
        .unwrap_err();
    assert_eq!(outsider.status(), Some(403));
    let path = thread_path(
        TEAMS_MEETING_THREAD_ID,
        &format!("/images/{MEETING_IMAGE_ID}/view/huge"),
    );
    let (status, body) = get_at(&emu, &path, "2024-03-15-preview", &emu.info.token).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (400, Some("BadRequest"))
    );
}

#[tokio::test]
async fn attachment_links_are_fetched_with_the_token_only_on_the_endpoint() {
    let emu = demo().await;
    let c = client(&emu, &emu.info.token);
    let attachments = meeting_attachments(&emu).await;
    let image = attachments
        .iter()
        .find(|a| a["attachmentType"] == "image")
        .unwrap();
    for link in [&image["url"], &image["previewUrl"]] {
        let fetched = c
            .get_attachment_image(link.as_str().unwrap())
            .await
            .unwrap();
        assert_eq!(fetched.content_type.as_deref(), Some("image/png"));
    }
    let file = attachments
        .iter()
        .find(|a| a["attachmentType"] == "file")
        .unwrap();
    let refused = c
        .get_attachment_image(file["previewUrl"].as_str().unwrap())
        .await
        .unwrap_err();
    assert!(
        matches!(refused, AcsError::BadInput(ref m) if m.contains("only to the endpoint")),
        "{refused}"
    );
    assert_eq!(
        c.log().len(),
        2,
        "the two image links; no request for SharePoint"
    );
}

async fn receipts(c: &ChatClient, thread: &str) -> Vec<ChatMessageReadReceipt> {
    let pager = c
        .list_read_receipts(thread, &ListOptions::default())
        .unwrap();
    pager.collect_all(None, |_, _| {}).await.unwrap()
}

#[tokio::test]
async fn read_receipts_are_empty_over_twenty_participants_and_never_from_teams_users() {
    let emu = demo().await;
    let c = client(&emu, &emu.info.token);
    let participants = c
        .list_participants(ALL_HANDS_THREAD_ID, &ListOptions::default())
        .unwrap()
        .collect_all(None, |_, _| {})
        .await
        .unwrap();
    assert_eq!(participants.len(), ALL_HANDS_SIZE);
    assert!(participants.len() > 20);
    assert!(receipts(&c, ALL_HANDS_THREAD_ID).await.is_empty());
    for thread in [
        TEAMS_MEETING_THREAD_ID,
        LUNCH_THREAD_ID,
        INTERAGENCY_THREAD_ID,
    ] {
        let listed = receipts(&c, thread).await;
        assert!(!listed.is_empty(), "{thread}");
        for r in listed {
            let kind = r.sender_communication_identifier.kind();
            assert_eq!(kind, IdentifierKind::CommunicationUser, "{thread}");
        }
    }
}

/// The TUI on the meeting thread, showing the message with the inline image.
async fn tui_on_the_inline_image() -> crate::support::tui::Emulated {
    use acs_chat_inspector::tui::state::Field;
    let emu = demo().await;
    let messages = meeting_messages(&emu).await;
    let with_image = messages
        .iter()
        .find(|m| {
            m["content"]["message"]
                .as_str()
                .unwrap_or("")
                .contains("<img")
        })
        .expect("the meeting has a message with an inline image");
    let id = with_image["id"].as_str().unwrap().to_string();
    drop(emu);
    let mut h = crate::support::tui::Emulated::starting(Default::default(), |s, _| {
        s.set_value(Field::Thread, TEAMS_MEETING_THREAD_ID);
        s.set_value(Field::Message, &id);
        acs_chat_inspector::tui::app::start(s)
    })
    .await;
    h.until("everything", |s| !s.is_loading()).await;
    h
}

#[tokio::test]
async fn the_tui_shows_teams_html_with_mentions_and_inline_images_as_text() {
    use ratatui::crossterm::event::KeyCode;
    let mut h = tui_on_the_inline_image().await;
    let screen = h.screen();
    assert!(
        screen.contains(&format!("[image {MEETING_IMAGE_ID}]")),
        "{screen}"
    );
    assert!(!screen.contains("<img"), "{screen}");
    // The welcome in the timeline reads as a mention.
    assert!(screen.contains("Welcome @Jane, the deck"), "{screen}");
    h.key(KeyCode::Char('2')).await;
    let tall = crate::support::tui::render_at(&h.lp.state, 120, 60);
    assert!(tall.contains("i fetches the image"), "{tall}");
}

#[tokio::test]
async fn i_fetches_the_shown_messages_images_with_the_token() {
    use ratatui::crossterm::event::KeyCode;
    let mut h = tui_on_the_inline_image().await;
    h.key(KeyCode::Char('i')).await;
    h.until("the image", |s| s.images.contains_key(MEETING_IMAGE_ID))
        .await;
    let image = h.lp.state.images[MEETING_IMAGE_ID]
        .clone()
        .expect("fetched");
    assert!(image.content_type.as_deref().unwrap().starts_with("image/"));
    assert!(image.size > 0);
    h.key(KeyCode::Char('2')).await;
    let screen = crate::support::tui::render_at(&h.lp.state, 120, 60);
    assert!(screen.contains("bytes"), "{screen}");
    let (w, hgt) = image.dimensions.expect("the emulator serves a PNG");
    assert!(screen.contains(&format!("{w}x{hgt}")), "{screen}");
}
