//! Data faults: content a terminal must never pass through raw (`escape`), text that is hard to lay out
//! (`unicode`), shapes this tool does not know (`unknown`), and a 10 MB message (`huge`). They are added
//! to the "Lunch" thread after its ordinary messages, so the seed message stays as it is.

use std::collections::HashSet;

use serde_json::{Map, json};

use super::data::{
    ALEX, FULL_HISTORY, JANE, Person, Timeline, future_fields, metadata, participant,
    sharepoint_file,
};
use super::flags::FaultKind;
use crate::acs::{
    ChatAttachment, ChatAttachmentType, ChatMessageType, ChatParticipant, ChatThreadProperties,
    CommunicationIdentifierModel,
};

/// Clears the screen, writes the clipboard (OSC 52), sets the window title (OSC 0), rings the bell,
/// and uses C1 controls, DEL, carriage return and backspace.
pub const ESCAPES: &str = "\u{1b}[2J\u{1b}[H\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}]0;pwned title\u{7}\u{1b}[31mred\u{1b}[0m bell\u{7} csi\u{9b}31m nel\u{85} dcs\u{90}q\u{9c} del\u{7f} cr\roverwrite bs\u{8}\u{8}";

/// Hebrew, Arabic, an RTL override, emoji ZWJ sequences, combining marks, zero-width characters, CJK.
pub const HARD_UNICODE: &str = "שלום, ניפגש בצהריים · مرحبا بالعالم · \u{202e}txet desrever\u{202c} · 👩‍👩‍👧‍👦 🏳️‍🌈 👍🏽 · Z̷̢͎a̵l̶g̸o̴ e\u{301} · zero\u{200b}width\u{200d}joiner\u{feff} · 漢字テスト";

const HUGE_BYTES: usize = 10 * 1024 * 1024;

const MALLORY: Person = Person {
    user: "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d",
    name: "Mallory\u{1b}[2J\u{1b}]0;owned\u{7}",
};
const DANA: Person = Person {
    user: "7e6d5c4b-3a2f-4e1d-9c8b-7a6f5e4d3c2b",
    name: "דנה 👩‍💻 Dana\u{200f}",
};

/// Adds what each data fault asks for; `start_ms` is when its messages begin.
pub fn apply(
    faults: &HashSet<FaultKind>,
    start_ms: i64,
    t: &mut Timeline,
    props: &mut ChatThreadProperties,
    participants: &mut Vec<ChatParticipant>,
) {
    let mut ms = start_ms;
    let mut next = || {
        ms += 60_000;
        ms
    };
    if faults.contains(&FaultKind::Escape) {
        escape(t, next(), next(), props, participants);
    }
    if faults.contains(&FaultKind::Unicode) {
        unicode(t, next(), next(), props, participants);
    }
    if faults.contains(&FaultKind::Unknown) {
        unknown(t, next(), props, participants);
    }
    if faults.contains(&FaultKind::Huge) {
        huge(t, next());
    }
}

fn escape(
    t: &mut Timeline,
    ms: i64,
    later: i64,
    props: &mut ChatThreadProperties,
    participants: &mut Vec<ChatParticipant>,
) {
    let hostile_meta = metadata(&[(&format!("key{ESCAPES}"), ESCAPES)]);
    participants.push(participant(
        &MALLORY,
        true,
        FULL_HISTORY,
        Some(hostile_meta.clone()),
    ));
    let attachment = sharepoint_file(
        "5b1c2d3e-4f50-4617-8a9b-0c1d2e3f4a5b",
        &format!("invoice{ESCAPES}.pdf"),
        "https://contoso.sharepoint.com/:b:/g/personal/mallory/invoice",
    );
    let m = t.text(ms, &MALLORY, &format!("hello {ESCAPES} bye"));
    m.metadata = Some(hostile_meta);
    if let Some(content) = m.content.as_mut() {
        content.attachments = vec![attachment];
    }
    let topic = format!("Lunch {ESCAPES}");
    t.topic(later, &MALLORY, &topic);
    props.topic = topic;
    if let Some(meta) = props.metadata.as_mut() {
        meta.insert("note".into(), json!(ESCAPES));
    }
}

fn unicode(
    t: &mut Timeline,
    ms: i64,
    later: i64,
    props: &mut ChatThreadProperties,
    participants: &mut Vec<ChatParticipant>,
) {
    let meta = metadata(&[("שפה", HARD_UNICODE)]);
    participants.push(participant(&DANA, true, FULL_HISTORY, Some(meta.clone())));
    let attachment = t.image(&ms.to_string(), "0-weu-d9-unicode", "תמונה 🍕.png");
    let m = t.text(ms, &DANA, HARD_UNICODE);
    m.metadata = Some(meta);
    if let Some(content) = m.content.as_mut() {
        content.attachments = vec![attachment];
    }
    let topic = format!("{} 🍕 ארוחת צהריים", props.topic);
    t.topic(later, &DANA, &topic);
    props.topic = topic;
}

/// An identifier of a kind no api-version defines, with its own sub-object.
fn bot() -> CommunicationIdentifierModel {
    let mut extra = Map::new();
    extra.insert("botUser".into(), json!({"botId": "lunchbot", "tier": 3}));
    CommunicationIdentifierModel {
        kind: Some("botUser".into()),
        raw_id: Some("99:bot:lunchbot".into()),
        extra,
        ..Default::default()
    }
}

fn unknown(
    t: &mut Timeline,
    ms: i64,
    props: &mut ChatThreadProperties,
    participants: &mut Vec<ChatParticipant>,
) {
    props.extra.extend(future_fields());
    let mut bot_participant = participant(&ALEX, true, FULL_HISTORY, None);
    bot_participant.communication_identifier = bot();
    bot_participant.display_name = Some("Lunch bot".into());
    bot_participant.extra = future_fields();
    participants.push(bot_participant);
    let poll = t.push(
        ms,
        ChatMessageType::Other("poll".into()),
        None,
        Default::default(),
    );
    poll.sender_display_name = Some("Lunch bot".into());
    poll.sender_communication_identifier = Some(bot());
    poll.extra = future_fields();
    if let Some(content) = poll.content.as_mut() {
        content.message = Some("Where do we eat?".into());
        content.extra.insert(
            "pollOptions".into(),
            json!([{"id": 1, "text": "Pizza"}, {"id": 2, "text": "Sushi"}]),
        );
        content.attachments = vec![ChatAttachment {
            id: "0-weu-d9-sticker".into(),
            attachment_type: ChatAttachmentType::Other("sticker".into()),
            name: Some("thumbs-up".into()),
            ..Default::default()
        }];
    }
}

fn huge(t: &mut Timeline, ms: i64) {
    let line = "This line repeats until the message is ten megabytes long. ";
    let mut text = String::with_capacity(HUGE_BYTES + line.len());
    while text.len() < HUGE_BYTES {
        text.push_str(line);
    }
    text.truncate(HUGE_BYTES);
    t.text(ms, &JANE, &text);
}
