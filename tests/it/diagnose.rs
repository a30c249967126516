//! `diagnose` through the real binary: against the demo emulator (a member, a never-member) and
//! against loopback stand-ins answering as the real service does for a removed user (history up to
//! the removal; participants and receipts refused with 403).

use crate::support::headless::*;
use acs_chat_inspector::emulator::data::{JANE, LUNCH_THREAD_ID, PETER, SAM_TEAMS};
use acs_chat_inspector::emulator::{EmulatorConfig, start};
use serde_json::Value;

/// The other participant of the stand-in thread: she added and removed the token's user.
const OTHER: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-9d21-e3c7-593a0d0046b6";
/// The real service's 403 body (real-payloads.md §6, CLI-RM).
const FORBIDDEN: &str = r#"{"CommunicationError": {"Code": "Forbidden", "Message": "The initiator doesn't have the permission to perform the requested operation.", "Details": []}}"#;

fn findings<'a>(diagnosis: &'a Value, code: &str) -> Vec<&'a Value> {
    diagnosis["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == code)
        .collect()
}

fn identity<'a>(diagnosis: &'a Value, raw_id: &str) -> &'a Value {
    diagnosis["identities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rawId"] == raw_id)
        .unwrap_or_else(|| panic!("{raw_id} not in {diagnosis}"))
}

#[test]
fn a_member_sees_who_was_removed_when_and_by_whom() {
    let out = run(&["--demo", "diagnose", LUNCH_THREAD_ID]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let d = json(&out);
    assert_eq!(d["threadId"], LUNCH_THREAD_ID);
    assert_eq!(d["as"], JANE.raw_id(), "the token's identity by default");
    assert_eq!(identity(&d, &JANE.raw_id())["status"], "member");
    let peter = identity(&d, &PETER.raw_id());
    assert_eq!(peter["status"], "removed");
    assert_eq!(peter["removedBy"], JANE.raw_id());
    let removed = findings(&d, "removedParticipant");
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["evidence"]["rawIds"][0], PETER.raw_id());
    let removal_message = removed[0]["evidence"]["messageIds"][0].as_str().unwrap();
    assert!(
        removed[0]["summary"]
            .as_str()
            .unwrap()
            .contains(&format!("by Jane ({})", JANE.raw_id()))
    );

    // The evidence points at the participantRemoved message the service lists.
    let messages = run(&["--demo", "messages", LUNCH_THREAD_ID]);
    let listed = json(&messages);
    let message = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == removal_message)
        .unwrap();
    assert_eq!(message["type"], "participantRemoved");
    assert_eq!(
        message["content"]["participants"][0]["communicationIdentifier"]["rawId"],
        PETER.raw_id()
    );
}

#[test]
fn the_demo_thread_names_its_teams_user_and_the_history_hidden_from_it() {
    let out = run(&["--demo", "diagnose", LUNCH_THREAD_ID]);
    let d = json(&out);
    assert_eq!(d["threadKind"], "teamsInterop", "a Teams user takes part");
    let teams = findings(&d, "teamsInterop");
    assert_eq!(teams[0]["evidence"]["rawIds"][0], SAM_TEAMS.raw_id());
    let limited = findings(&d, "historyLimited");
    assert_eq!(limited[0]["evidence"]["rawIds"][0], SAM_TEAMS.raw_id());
    assert!(limited[0]["evidence"]["hiddenCount"].as_u64().unwrap() > 0);
    let receipts = findings(&d, "receiptsUnsupported");
    assert_eq!(receipts[0]["evidence"]["rawIds"][0], SAM_TEAMS.raw_id());
}

#[test]
fn as_another_identity_shows_what_it_sees() {
    let peter = PETER.raw_id();
    let out = run(&["--demo", "diagnose", LUNCH_THREAD_ID, "--as", &peter]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let d = json(&out);
    assert_eq!(d["as"], peter.as_str());
    let removed = findings(&d, "removedParticipant");
    assert_eq!(removed[0]["severity"], "error", "the identity asked about");
    let visibility = findings(&d, "visibility");
    assert_eq!(visibility[0]["evidence"]["hidden"], 2);
    assert!(
        visibility[0]["summary"]
            .as_str()
            .unwrap()
            .contains("hidden: 2 from after its removal"),
        "{}",
        visibility[0]["summary"]
    );
}

#[test]
fn a_user_never_in_the_thread_is_not_a_member_and_the_refusals_are_evidence() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(start(EmulatorConfig::default())).unwrap();
    let info = &emulator.info;
    let out = against(
        &info.endpoint,
        &info.outsider_token,
        &["diagnose", &info.thread_id],
    );
    assert_eq!(code(&out), 0, "a 403 is an answer here: {}", stderr(&out));
    assert_eq!(stderr(&out), "");
    let d = json(&out);
    let me = d["as"].as_str().unwrap();
    assert_eq!(identity(&d, me)["status"], "neverMember");
    let not_member = findings(&d, "notAMember");
    assert_eq!(not_member[0]["severity"], "error");
    assert_eq!(
        not_member[0]["evidence"]["msCvs"].as_array().unwrap().len(),
        4,
        "one refusal per part: {}",
        not_member[0]
    );
    assert_eq!(findings(&d, "dataUnavailable").len(), 4);
}

/// A thread as the real service shows it to a user removed from it: the history up to the removal,
/// the participants list and the receipts refused.
fn removed_user_service() -> Server {
    Server::start(|seen, _base| {
        if seen.path.ends_with("/participants") || seen.path.ends_with("/readReceipts") {
            return Reply::json(403, FORBIDDEN);
        }
        if seen.path.ends_with("/messages") {
            return Reply::ok(page(&removed_user_history(), None));
        }
        Reply::ok(thread_body())
    })
}

fn who(raw: &str) -> String {
    format!(r#"{{"rawId":"{raw}","communicationUser":{{"id":"{raw}"}}}}"#)
}

/// Newest first, as listed: added with OTHER, a message, removed by OTHER.
fn removed_user_history() -> Vec<String> {
    let members = |kind: &str, id: u64, seq: u64, at: &str, ids: &[&str]| {
        let participants: Vec<String> = ids
            .iter()
            .map(|raw| {
                format!(
                    r#"{{"communicationIdentifier":{},"shareHistoryTime":"1970-01-01T00:00:00Z"}}"#,
                    who(raw)
                )
            })
            .collect();
        format!(
            r#"{{"id":"{id}","type":"{kind}","sequenceId":"{seq}","version":"{id}","content":{{"participants":[{}],"initiatorCommunicationIdentifier":{}}},"createdOn":"{at}"}}"#,
            participants.join(","),
            who(OTHER)
        )
    };
    vec![
        members(
            "participantRemoved",
            1697712500000,
            3,
            "2023-10-19T10:48:20Z",
            &[IDENTITY],
        ),
        message_item(1697712387445, 2),
        members(
            "participantAdded",
            1697712385799,
            1,
            "2023-10-19T10:46:25Z",
            &[OTHER, IDENTITY],
        ),
    ]
}

#[test]
fn a_removed_user_refused_the_participants_list_learns_when_and_by_whom() {
    let server = removed_user_service();
    let out = against(&server.base, &token(), &["diagnose", THREAD]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let d = json(&out);
    assert_eq!(d["as"], IDENTITY);
    let me = identity(&d, IDENTITY);
    assert_eq!(me["status"], "removed");
    assert_eq!(me["removedOn"], "2023-10-19T10:48:20Z");
    assert_eq!(me["removedBy"], OTHER);
    assert_eq!(identity(&d, OTHER)["status"], "member");
    let removed = findings(&d, "removedParticipant");
    assert_eq!(removed[0]["severity"], "error");
    assert_eq!(removed[0]["evidence"]["participantsStatus"], 403);
    assert_eq!(removed[0]["evidence"]["messageIds"][0], "1697712500000");
    assert_eq!(removed[0]["evidence"]["msCvs"][0], MS_CV);
    let paths: Vec<String> = server.seen().iter().map(|s| s.path.clone()).collect();
    for part in ["/messages", "/participants", "/readReceipts"] {
        assert!(
            paths.iter().any(|p| p.ends_with(part)),
            "{part} in {paths:?}"
        );
    }
}

#[test]
fn a_bundle_refused_the_participants_says_when_its_user_was_removed() {
    let server = removed_user_service();
    let out = against(&server.base, &token(), &["bundle", THREAD]);
    assert_eq!(code(&out), 3);
    let err = stderr(&out);
    assert!(
        err.starts_with("error: participants: 403 Forbidden"),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "hint: Jane ({IDENTITY}) was removed from this thread on 2023-10-19T10:48:20Z by {OTHER}"
        )),
        "{err}"
    );
}

#[test]
fn a_list_that_fails_otherwise_is_reported_after_the_diagnosis() {
    let server = Server::start(|seen, _base| {
        if seen.path.ends_with("/participants") {
            return Reply::json(
                503,
                r#"{"CommunicationError":{"Code":"ServiceUnavailable"}}"#,
            );
        }
        if seen.path.ends_with("/messages") || seen.path.ends_with("/readReceipts") {
            return Reply::ok(page(&[], None));
        }
        Reply::ok(thread_body())
    });
    let out = against(&server.base, &token(), &["diagnose", THREAD]);
    assert_eq!(code(&out), 3);
    let d = json(&out);
    let unavailable = findings(&d, "dataUnavailable");
    assert_eq!(unavailable[0]["severity"], "warning");
    assert_eq!(unavailable[0]["evidence"]["part"], "participants");
    let err = stderr(&out);
    assert!(
        err.starts_with("error: participants: 503 Service Unavailable"),
        "{err}"
    );
    assert!(err.contains("its dataUnavailable finding names participants"));
}

#[test]
fn a_thread_that_does_not_exist_is_a_service_error() {
    // As recorded for a thread id that does not exist (real-payloads.md §6, JAVA-404b).
    let not_found = r#"{"CommunicationError":{"Code":"NotFound","Message":"The specified thread id was not found.","Details":[]}}"#;
    let server = Server::start(move |_, _| Reply::json(404, not_found));
    let out = against(&server.base, &token(), &["diagnose", THREAD]);
    assert_eq!((code(&out), out.stdout.is_empty()), (3, true));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: 404 Not Found (NotFound): The specified thread id was not found.")
    );
    assert!(err.contains("or the thread was deleted"), "{err}");
}

#[test]
fn a_malformed_as_is_bad_input_before_any_request() {
    let server = Server::start(|_, _| Reply::ok(thread_body()));
    let out = against(
        &server.base,
        &token(),
        &["diagnose", THREAD, "--as", "8:acs:a b"],
    );
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).starts_with("error: malformed --as"),
        "{}",
        stderr(&out)
    );
    assert!(server.seen().is_empty());
}

/// The codes of a diagnosis's findings, most severe first.
fn codes(diagnosis: &Value) -> Vec<&str> {
    diagnosis["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect()
}

/// `diagnose` of a demo thread with the demo user's token (Jane, a member of every demo thread).
fn demo_diagnosis(thread_id: &str) -> Value {
    let out = run(&["--demo", "diagnose", thread_id]);
    assert_eq!(code(&out), 0, "{thread_id}: {}", stderr(&out));
    json(&out)
}

#[test]
fn every_demo_thread_gives_its_finding_with_evidence() {
    use acs_chat_inspector::emulator::cases::{
        ALL_HANDS_THREAD_ID, DELETED_THREAD_ID, HANDOVER_THREAD_ID, OUTAGE_THREAD_ID,
    };
    use acs_chat_inspector::emulator::teams::TEAMS_MEETING_THREAD_ID;

    let lunch = demo_diagnosis(LUNCH_THREAD_ID);
    let removed = findings(&lunch, "removedParticipant");
    assert!(
        removed
            .iter()
            .any(|f| f["evidence"]["rawIds"][0] == PETER.raw_id().as_str()),
        "{lunch}"
    );
    let limited = findings(&lunch, "historyLimited");
    assert!(
        limited
            .iter()
            .any(|f| f["evidence"]["rawIds"][0] == SAM_TEAMS.raw_id().as_str()),
        "Sam was added with a shareHistoryTime after the first messages: {lunch}"
    );

    let handover = demo_diagnosis(HANDOVER_THREAD_ID);
    let gap = findings(&handover, "sequenceGap");
    assert_eq!(gap.len(), 1, "{handover}");
    assert_eq!(gap[0]["evidence"]["missing"][0], "1-6");
    let own = findings(&handover, "historyLimited");
    assert!(
        own.iter()
            .any(|f| f["evidence"]["rawIds"][0] == JANE.raw_id().as_str()
                && f["severity"] == "warning"),
        "Jane's own history starts at her addition: {handover}"
    );

    let all_hands = demo_diagnosis(ALL_HANDS_THREAD_ID);
    let receipts = findings(&all_hands, "receiptsUnsupported");
    assert_eq!(receipts.len(), 1, "{all_hands}");

    let meeting = demo_diagnosis(TEAMS_MEETING_THREAD_ID);
    assert_eq!(meeting["threadKind"], "teamsMeeting");
    assert!(codes(&meeting).contains(&"teamsInterop"), "{meeting}");

    let outage = demo_diagnosis(OUTAGE_THREAD_ID);
    let soon = findings(&outage, "retentionDeletesSoon");
    assert_eq!(soon.len(), 1, "{outage}");

    let deleted = demo_diagnosis(DELETED_THREAD_ID);
    let gone = findings(&deleted, "threadDeleted");
    assert_eq!(gone.len(), 1, "{deleted}");
    assert_eq!(
        gone[0]["evidence"]["notFound"],
        serde_json::json!(["messages", "participants", "readReceipts"]),
        "the history of a deleted thread answers 404: evidence, not a failure"
    );
    assert!(
        findings(&deleted, "dataUnavailable").is_empty(),
        "{deleted}"
    );
}
