//! The demo's cases as documents in `tests/fixtures/cases/`: what one identity gets from the emulator
//! (pinned clock) for one thread: properties, every message, participants and read receipts, or the
//! error each answered. Diagnosis and model tests can read them without a server; this test keeps
//! them equal to what the emulator serves. `UPDATE_FIXTURES=1 cargo test --test it demo_cases`
//! rewrites them after a deliberate change of the demo.

use std::path::PathBuf;
use std::time::Duration;

use acs_chat_inspector::emulator::RunningEmulator;
use acs_chat_inspector::emulator::cases::{
    ALL_HANDS_THREAD_ID, DELETED_THREAD_ID, HANDOVER_THREAD_ID, OUTAGE_THREAD_ID, QUIET_THREAD_ID,
};
use acs_chat_inspector::emulator::data::{ALEX, JANE, LUNCH_THREAD_ID, OUTSIDER, PETER, Person};
use acs_chat_inspector::emulator::teams::{INTERAGENCY_THREAD_ID, TEAMS_MEETING_THREAD_ID};
use serde_json::{Value, json};

use crate::support::emulator::{PINNED_NOW, get_at, list_or_error, pinned_demo, thread_path};

const V: &str = "2025-03-15";
/// Stands in for the emulator's loopback address in the documents.
const ENDPOINT: &str = "https://contoso.communication.azure.com";

struct Case {
    name: &'static str,
    about: &'static str,
    thread: &'static str,
    who: Person,
}

const CASES: [Case; 11] = [
    Case {
        name: "lunch_member",
        about: "A member's view: a participant removed by Jane (participantRemoved names the initiator), a Teams user added with a shareHistoryTime after the first messages, an edited and a deleted message, read receipts without the Teams user's.",
        thread: LUNCH_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "lunch_removed_member",
        about: "Peter was removed: the thread is still his, its history up to his removal readable; participants and read receipts answer 403.",
        thread: LUNCH_THREAD_ID,
        who: PETER,
    },
    Case {
        name: "lunch_never_member",
        about: "Never a member: 403 for everything.",
        thread: LUNCH_THREAD_ID,
        who: OUTSIDER,
    },
    Case {
        name: "teams_meeting",
        about: "A Teams meeting chat Jane joined late: nothing from before she joined; html from Teams with <msft-mention> and an inline image, a SharePoint file, a guest who left, a dial-in phone and a Teams app; no receipts from Teams users.",
        thread: TEAMS_MEETING_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "sequence_gap_late_joiner",
        about: "Jane was added with shareHistoryTime at her addition: her messages start at sequenceId 7 (1-6 hidden from her; the deleted message 5 is still listed for others).",
        thread: HANDOVER_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "sequence_gap_full_view",
        about: "The same thread as a founder sees it: sequenceIds 1 to 11, one deleted (still listed), Samantha added with a shareHistoryTime before her addition.",
        thread: HANDOVER_THREAD_ID,
        who: ALEX,
    },
    Case {
        name: "over_twenty_participants",
        about: "24 participants: read receipts come back empty although some were sent.",
        thread: ALL_HANDS_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "retention_deletes_soon",
        about: "threadCreationDate retention of 90 days: deleted 5 days after the pinned now.",
        thread: OUTAGE_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "deleted_thread",
        about: "deletedOn set: the properties are readable, messages, participants and receipts answer 404.",
        thread: DELETED_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "quiet_thread",
        about: "No message from anyone: only the participantAdded and topicUpdated of creation.",
        thread: QUIET_THREAD_ID,
        who: JANE,
    },
    Case {
        name: "every_identifier_kind",
        about: "Teams users and apps of the government clouds, a Teams extension user, a government-resource ACS user, phone numbers and an unknown raw id prefix.",
        thread: INTERAGENCY_THREAD_ID,
        who: JANE,
    },
];

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/fixtures/cases/{name}.json"))
}

/// A list as one identity gets it: every item across pages, or the error of the first page.
async fn list(emu: &RunningEmulator, rest: &str, thread: &str, token: &str) -> Value {
    match list_or_error(emu, &thread_path(thread, rest), V, token).await {
        Ok(items) => Value::Array(items),
        Err((status, body)) => json!({"status": status, "body": body}),
    }
}

async fn document(emu: &RunningEmulator, case: &Case) -> Value {
    let (token, _) = emu
        .state()
        .signer()
        .issue_token(&case.who.raw_id(), Duration::from_secs(600));
    let (status, thread) = get_at(emu, &thread_path(case.thread, ""), V, &token).await;
    let thread = if status == 200 {
        thread
    } else {
        json!({"status": status, "body": thread})
    };
    let doc = json!({
        "about": case.about,
        "now": PINNED_NOW,
        "apiVersion": V,
        "as": case.who.raw_id(),
        "threadId": case.thread,
        "thread": thread,
        "messages": list(emu, "/messages", case.thread, &token).await,
        "participants": list(emu, "/participants", case.thread, &token).await,
        "readReceipts": list(emu, "/readReceipts", case.thread, &token).await,
    });
    let text = serde_json::to_string(&doc)
        .unwrap()
        .replace(&emu.info.endpoint, ENDPOINT);
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn the_case_documents_are_what_the_emulator_serves() {
    let emu = pinned_demo().await;
    let update = std::env::var_os("UPDATE_FIXTURES").is_some();
    for case in &CASES {
        let served = document(&emu, case).await;
        let file = path(case.name);
        if update {
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            let text = serde_json::to_string_pretty(&served).unwrap() + "\n";
            std::fs::write(&file, text).unwrap();
            continue;
        }
        let stored: Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap_or_else(|e| {
                panic!("{file:?}: {e}; run UPDATE_FIXTURES=1 cargo test --test it demo_cases")
            }))
            .unwrap();
        assert_eq!(stored, served, "{} differs from the emulator", case.name);
    }
}

#[test]
fn the_documents_show_each_case() {
    let read = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(path(name)).unwrap()).unwrap()
    };
    let removed = read("lunch_removed_member");
    assert_eq!(removed["participants"]["status"], 403);
    assert_eq!(removed["messages"][0]["type"], "participantRemoved");
    assert_eq!(read("lunch_never_member")["messages"]["status"], 403);
    let gap = read("sequence_gap_late_joiner");
    let seqs: Vec<&str> = gap["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["sequenceId"].as_str().unwrap())
        .collect();
    assert_eq!(seqs.last(), Some(&"7"));
    assert_eq!(
        read("sequence_gap_full_view")["messages"]
            .as_array()
            .unwrap()
            .len(),
        11
    );
    assert_eq!(read("over_twenty_participants")["readReceipts"], json!([]));
    assert_eq!(read("deleted_thread")["messages"]["status"], 404);
    assert!(read("deleted_thread")["thread"]["deletedOn"].is_string());
    let kinds: Vec<String> = read("every_identifier_kind")["participants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["communicationIdentifier"]["kind"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    for kind in [
        "communicationUser",
        "phoneNumber",
        "microsoftTeamsUser",
        "microsoftTeamsApp",
        "teamsExtensionUser",
        "unknown",
    ] {
        assert!(kinds.iter().any(|k| k == kind), "{kind}: {kinds:?}");
    }
}
