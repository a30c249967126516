//! Teams interop threads of the demo.
//!
//! - A Teams meeting chat (`19:meeting_...`) the demo user joined late: an ACS user "won't have access
//!   to chat messages that were sent before they joined the meeting" (azure-docs
//!   `quickstarts/chat/includes/meeting-interop-javascript.md`), so Jane's `shareHistoryTime` is her
//!   join time. Messages sent from Teams are `html` with `<msft-mention>` and inline `<img id>` naming
//!   an image attachment, files come from SharePoint with no `url` (azure-docs
//!   `tutorials/chat-interop/meeting-interop-features-file-attachment`), images with the spec example's
//!   links. A guest (who left again), a dial-in phone and a Teams app are in it.
//! - An ACS thread of the newer id form (`19:acsV1_...`) with Teams users and apps of the government
//!   clouds, a Teams extension user, a government-resource ACS user, a phone number and a raw id of
//!   an unknown prefix.

use super::data::{
    ALEX, FULL_HISTORY, JANE, Person, Thread, Timeline, metadata, participant, properties, receipt,
    sharepoint_file, ts,
};
use super::people::{
    ANA_GCCH, COMPLIANCE_APP_DOD, DESK_PHONE, DIAL_IN, FIELD_AGENT_GCCH, GUEST, MEGAN, MEI,
    OMAR_DOD, PRIYA_EXTENSION, RECAP_BOT, RECORDS_APP_GCCH, SKYPE_GUEST,
};
use crate::acs::{ChatMessageType, ChatParticipant};

pub const TEAMS_MEETING_THREAD_ID: &str =
    "19:meeting_ZDk4NGJmYTctYjY0Yi00NzQ2LWI5YTQtNzk2ZTg2ODQ3YjE5@thread.v2";
pub const INTERAGENCY_THREAD_ID: &str =
    "19:acsV1_Q2v7sXq9mB3nF1kLp0tZc8wRy4uJd6eHa2gNo5iTb_M1@thread.v2";
/// The inline image of the meeting chat (an id of the service's form, as in the spec example).
pub const MEETING_IMAGE_ID: &str = "0-wus-d7-3c9e5f1a7b2d4c6e8f0a1b3c5d7e9f2a";
const MINUTE: i64 = 60_000;

pub fn meeting(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(TEAMS_MEETING_THREAD_ID, base_url);
    let founders = [&MEGAN, &MEI].map(|p| participant(p, true, FULL_HISTORY, None));
    t.creation(
        t0,
        &MEGAN,
        "Contoso × Fabrikam weekly sync",
        founders.to_vec(),
    );
    t.html(
        t0 + 2 * MINUTE,
        &MEGAN,
        "<p>Agenda: <b>Q3 numbers</b>, then the rollout plan.</p>",
    );
    t.html(
        t0 + 3 * MINUTE,
        &MEI,
        "<p>Before the guests join: the numbers are still draft.</p>",
    );
    let joined_ms = t0 + 5 * MINUTE;
    let joined = joiners(&ts(joined_ms));
    t.membership(
        joined_ms,
        ChatMessageType::ParticipantAdded,
        &MEGAN,
        joined.clone(),
    );
    let bot = vec![participant(&RECAP_BOT, true, &ts(joined_ms), None)];
    t.membership(
        t0 + 6 * MINUTE,
        ChatMessageType::ParticipantAdded,
        &MEGAN,
        bot,
    );
    let welcome = format!(
        "<p>Welcome <msft-mention id=\"{}\">Jane</msft-mention>, the deck is below.</p>",
        JANE.raw_id()
    );
    t.html(t0 + 7 * MINUTE, &MEGAN, &welcome);
    let deck = t.html(t0 + 8 * MINUTE, &MEI, "<p>Slides for today</p>");
    set_attachments(
        deck,
        vec![sharepoint_file(
            "b2c6f4a1-7d3e-4c58-9a0b-1e2f3a4b5c6d",
            "Weekly sync.pptx",
            "https://contoso.sharepoint.com/:p:/g/personal/mei_contoso_com/EVrT7fQ2x3dKmYq9Lp0sW1ABcD",
        )],
    );
    inline_image(&mut t, t0 + 9 * MINUTE);
    t.text(
        t0 + 11 * MINUTE,
        &JANE,
        "Thanks, joining from the support portal.",
    );
    t.html(
        t0 + 12 * MINUTE,
        &GUEST,
        "<p>Can you share the deck with guests too?</p>",
    );
    let left = vec![participant(&GUEST, true, &ts(joined_ms), None)];
    t.membership(
        t0 + 13 * MINUTE,
        ChatMessageType::ParticipantRemoved,
        &MEGAN,
        left,
    );
    t.html(
        t0 + 14 * MINUTE,
        &RECAP_BOT,
        "<p>Recording and transcript are on.</p>",
    );
    let mut participants = vec![
        participant(&MEGAN, true, FULL_HISTORY, None),
        participant(&MEI, true, FULL_HISTORY, None),
    ];
    let guest = GUEST.raw_id();
    participants.extend(
        joiners(&ts(joined_ms))
            .into_iter()
            .filter(|p| p.communication_identifier.raw_id() != guest),
    );
    participants.push(participant(&RECAP_BOT, true, &ts(joined_ms), None));
    let m = &t.messages;
    // Megan's receipt is stored but never listed: Teams users have none.
    let receipts = vec![
        receipt(&JANE, &m[12], 30_000),
        receipt(&MEGAN, &m[10], 60_000),
    ];
    let props = properties(
        TEAMS_MEETING_THREAD_ID,
        "Contoso × Fabrikam weekly sync",
        t0,
        &MEGAN,
    );
    t.into_thread(props, participants, receipts)
}

/// Who joined the meeting five minutes in: they see the chat from then on.
fn joiners(join_time: &str) -> Vec<ChatParticipant> {
    [&JANE, &GUEST, &DIAL_IN]
        .map(|p| participant(p, true, join_time, None))
        .to_vec()
}

fn inline_image(t: &mut Timeline, ms: i64) {
    let image = t.image(&ms.to_string(), MEETING_IMAGE_ID, "dashboard.png");
    let html = format!(
        "<p>Here is the dashboard:</p>\r\n<p><img alt=\"image\" src=\"\" itemscope=\"png\" width=\"64\" height=\"48\" id=\"{MEETING_IMAGE_ID}\"></p>"
    );
    let m = t.html(ms, &MEI, &html);
    m.metadata = Some(metadata(&[(
        "amsreferences",
        &format!("[\"{MEETING_IMAGE_ID}\"]"),
    )]));
    set_attachments(m, vec![image]);
}

fn set_attachments(m: &mut crate::acs::ChatMessage, attachments: Vec<crate::acs::ChatAttachment>) {
    if let Some(content) = m.content.as_mut() {
        content.attachments = attachments;
    }
}

const GOV_PEOPLE: [&Person; 9] = [
    &ANA_GCCH,
    &OMAR_DOD,
    &RECORDS_APP_GCCH,
    &COMPLIANCE_APP_DOD,
    &PRIYA_EXTENSION,
    &FIELD_AGENT_GCCH,
    &DESK_PHONE,
    &SKYPE_GUEST,
    &ALEX,
];

pub fn interagency(t0: i64, base_url: &str) -> Thread {
    let mut t = Timeline::new(INTERAGENCY_THREAD_ID, base_url);
    let everyone: Vec<ChatParticipant> = std::iter::once(&JANE)
        .chain(GOV_PEOPLE)
        .map(|p| participant(p, true, FULL_HISTORY, None))
        .collect();
    t.creation(t0, &JANE, "Interagency escalation 5521", everyone.clone());
    t.text(
        t0 + 4 * MINUTE,
        &JANE,
        "Opening this thread for the outage report of case 5521.",
    );
    t.html(
        t0 + 6 * MINUTE,
        &ANA_GCCH,
        "<p>GCC High tenant confirms the outage window.</p>",
    );
    t.html(
        t0 + 9 * MINUTE,
        &OMAR_DOD,
        "<p>DoD side sees the same since 08:10 UTC.</p>",
    );
    t.text(
        t0 + 11 * MINUTE,
        &PRIYA_EXTENSION,
        "Calling the field office now.",
    );
    t.text(
        t0 + 13 * MINUTE,
        &FIELD_AGENT_GCCH,
        "On site; will report back.",
    );
    t.html(
        t0 + 15 * MINUTE,
        &RECORDS_APP_GCCH,
        "<p>This conversation is retained for 7 years.</p>",
    );
    let m = &t.messages;
    let receipts = vec![receipt(&JANE, &m[7], 20_000), receipt(&ALEX, &m[5], 90_000)];
    let mut props = properties(
        INTERAGENCY_THREAD_ID,
        "Interagency escalation 5521",
        t0,
        &JANE,
    );
    props.metadata = Some(metadata(&[("case", "5521"), ("cloud", "gcch")]));
    t.into_thread(props, everyone, receipts)
}
