//! The diagnosis on fixtures shaped like real traffic (bundles in `tests/fixtures/diagnose/`), and on
//! data built here for the cases a bundle cannot hold (a refused thread, 21 participants).

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};

use super::*;
use crate::acs::{ChatParticipant, CommunicationIdentifierModel};

const ACS_THREAD: &str = include_str!("../../tests/fixtures/diagnose/acs-thread.json");
const REMOVED_OWN_VIEW: &str = include_str!("../../tests/fixtures/diagnose/removed-own-view.json");
const TEAMS_MEETING: &str = include_str!("../../tests/fixtures/diagnose/teams-meeting.json");

const JANE: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5";
const ALEX: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-9d21-e3c7-593a0d0046b6";
const BOB: &str = "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-a3f2-e3c7-593a0d0046b7";
const CAROL: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-b7c3-e3c7-593a0d0046b8";
const PETER: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-c1d4-e3c7-593a0d0046b9";
const OLIVIA: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-ffff-0000-e3c7-593a0d0046ff";
const SAM: &str = "8:orgid:3f8a6c2e-1b4d-4e7f-9a0c-5d6e7f8a9b0c";
const GUEST: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-9a11-0000-e3c7-593a0d0046c1";
const VISITOR: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-9a12-0000-e3c7-593a0d0046c2";

/// Four days before the acs-thread fixture's retention policy deletes it.
fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 27, 12, 0, 0).unwrap()
}

fn data(fixture: &str) -> ThreadData {
    ThreadData::from_bundle(&serde_json::from_str(fixture).unwrap()).unwrap()
}

fn run(data: &ThreadData, as_identity: Option<&str>) -> Diagnosis {
    diagnose(
        data,
        &Options {
            as_identity: as_identity.map(str::to_string),
            now: now(),
        },
    )
}

fn codes(d: &Diagnosis) -> Vec<FindingCode> {
    d.findings.iter().map(|f| f.code).collect()
}

fn only(d: &Diagnosis, code: FindingCode) -> &Finding {
    let found: Vec<&Finding> = d.findings_with(code).collect();
    assert_eq!(found.len(), 1, "{code:?} in {:#?}", d.findings);
    found[0]
}

fn status(d: &Diagnosis, raw_id: &str) -> Option<MembershipStatus> {
    d.identity(raw_id).unwrap().status
}

fn forbidden(cv: &str) -> PartError {
    PartError {
        status: Some(403),
        message: format!("403 Forbidden (Forbidden) [MS-CV: {cv}]"),
        ms_cv: Some(cv.to_string()),
    }
}

#[test]
fn every_identity_of_an_acs_thread_gets_its_status_and_history() {
    let d = run(&data(ACS_THREAD), Some(OLIVIA));
    assert_eq!(d.thread_kind, ThreadKind::Acs);
    let ids: Vec<&str> = d.identities.iter().map(|i| i.raw_id.as_str()).collect();
    assert_eq!(
        ids,
        [JANE, ALEX, CAROL, BOB, OLIVIA],
        "list first, then history"
    );
    assert_eq!(status(&d, JANE), Some(MembershipStatus::Member));
    assert_eq!(status(&d, CAROL), Some(MembershipStatus::Member));
    assert_eq!(status(&d, OLIVIA), Some(MembershipStatus::NeverMember));

    let bob = d.identity(BOB).unwrap();
    assert_eq!(bob.status, Some(MembershipStatus::Removed));
    assert_eq!(bob.added_on.as_deref(), Some("2024-05-01T09:00:01Z"));
    assert_eq!(bob.removed_on.as_deref(), Some("2024-05-01T09:30:08Z"));
    assert_eq!(bob.removed_by.as_deref(), Some(JANE));
    assert_eq!(bob.removed_by_message.as_deref(), Some("1714555808000"));

    let alex = d.identity(ALEX).unwrap();
    assert_eq!(
        alex.display_name.as_deref(),
        Some("Alex"),
        "the list has no name: the first named message gives it"
    );
    let read = alex.read_up_to.as_ref().unwrap();
    assert_eq!(
        (read.message_id.as_str(), read.sequence_id.as_deref()),
        ("1714555207000", Some("7"))
    );
    assert_eq!(read.read_on, "2024-05-01T09:21:07Z");
    assert_eq!(
        alex.unread,
        Some(1),
        "its own message 9 does not count; 11 does"
    );

    let carol = d.identity(CAROL).unwrap();
    assert_eq!(
        carol.shared_history_since.as_deref(),
        Some("2024-05-01T09:15:00Z")
    );
    assert_eq!(carol.added_by.as_deref(), Some(JANE));
    assert_eq!(carol.unread, Some(1));
    assert_eq!(d.identity(JANE).unwrap().unread, Some(0));
}

#[test]
fn an_acs_thread_gives_its_findings_most_severe_first() {
    let d = run(&data(ACS_THREAD), Some(OLIVIA));
    assert_eq!(
        codes(&d),
        [
            FindingCode::NotAMember,
            FindingCode::RetentionDeletesSoon,
            FindingCode::RemovedParticipant,
            FindingCode::SequenceGap,
            FindingCode::HistoryLimited,
            FindingCode::DeletedMessages,
            FindingCode::EditedMessages,
            FindingCode::Visibility,
        ]
    );
    let removed = only(&d, FindingCode::RemovedParticipant);
    assert_eq!(removed.severity, Severity::Warning);
    assert!(
        removed.summary.starts_with(&format!(
            "Bob ({BOB}) was removed from this thread on 2024-05-01T09:30:08Z by Jane ({JANE})"
        )),
        "{}",
        removed.summary
    );
    assert_eq!(removed.evidence.message_ids, ["1714555808000"]);
    assert_eq!(removed.evidence.raw_ids, [BOB]);

    let limited = only(&d, FindingCode::HistoryLimited);
    assert_eq!(limited.evidence.raw_ids, [CAROL]);
    assert_eq!(limited.evidence.message_ids.len(), 5, "messages 1 to 5");
    assert_eq!(limited.evidence.details["hiddenCount"], 5);
    assert!(
        limited
            .summary
            .contains("5 loaded messages created before it are hidden")
    );

    let retention = only(&d, FindingCode::RetentionDeletesSoon);
    assert_eq!(
        retention.evidence.details["deletesOn"],
        "2024-05-31T09:00:00Z"
    );
    assert!(
        retention.summary.contains("in 3 d 21 h"),
        "{}",
        retention.summary
    );
    assert_eq!(retention.evidence.ms_cvs, ["JduJle7LhkONxaJnLYlU7Q.0"]);

    let deleted = only(&d, FindingCode::DeletedMessages);
    assert_eq!(deleted.evidence.message_ids, ["1714554605000"]);
    let edited = only(&d, FindingCode::EditedMessages);
    assert_eq!(edited.evidence.message_ids, ["1714554424000"]);
}

#[test]
fn a_never_member_sees_nothing_and_is_told_why() {
    let d = run(&data(ACS_THREAD), Some(OLIVIA));
    let not_member = only(&d, FindingCode::NotAMember);
    assert_eq!(not_member.severity, Severity::Error);
    assert!(not_member.summary.contains("was never a participant"));
    let view = d.view.as_ref().unwrap();
    assert_eq!(view.visible_count(), 0);
    assert_eq!(view.hidden().count(), 10);
    assert_eq!(
        d.refusal_explanation(OLIVIA),
        format!("{OLIVIA} was never a participant of this thread")
    );
}

#[test]
fn a_sequence_gap_names_the_missing_ids_and_their_causes() {
    let d = run(&data(ACS_THREAD), None);
    let gap = only(&d, FindingCode::SequenceGap);
    assert_eq!(gap.evidence.details["missing"], json!(["10"]));
    assert_eq!(gap.evidence.details["missingCount"], 1);
    assert_eq!(
        gap.evidence.message_ids,
        ["1714556109000", "1714556411000"],
        "the messages on either side"
    );
    assert_eq!(gap.evidence.ms_cvs, ["LjT9gEouLk+KigGTH5QEmg.0"]);
    let causes = gap.evidence.details["possibleCauses"].as_array().unwrap();
    assert!(causes[0].as_str().unwrap().contains("new sequenceId"));
    assert!(gap.evidence.details.get("likelyMoved").is_none());
}

#[test]
fn an_edit_that_renumbered_a_message_is_named_as_the_likely_cause() {
    let mut data = data(ACS_THREAD);
    // As in the 2021 recordings: the edited message 4 comes back as sequence 12, leaving 4 unused.
    let edited = data
        .messages
        .value
        .iter_mut()
        .find(|m| m.is_edited())
        .unwrap();
    edited.sequence_id = "12".into();
    let d = run(&data, None);
    let gap = only(&d, FindingCode::SequenceGap);
    assert_eq!(gap.evidence.details["missing"], json!(["4", "10"]));
    assert_eq!(
        gap.evidence.details["likelyMoved"],
        json!(["1714554424000"])
    );
    assert!(gap.summary.contains("likely moved"), "{}", gap.summary);
}

#[test]
fn what_a_participant_sees_is_its_shared_history() {
    let d = run(&data(ACS_THREAD), Some(CAROL));
    let view = d.view.as_ref().unwrap();
    let hidden: Vec<&str> = view.hidden().map(|(id, _)| id).collect();
    assert_eq!(hidden.len(), 5);
    assert_eq!(
        view.hidden_reason(hidden[0]),
        Some(&HiddenReason::BeforeSharedHistory)
    );
    assert_eq!(view.hidden_reason("1714555207000"), None, "after it joined");
    let visibility = only(&d, FindingCode::Visibility);
    assert_eq!(
        visibility.summary,
        format!(
            "Carol ({CAROL}) sees 5 of the 10 loaded messages; hidden: 5 from before its shared history starts"
        )
    );
    assert_eq!(
        only(&d, FindingCode::HistoryLimited).severity,
        Severity::Warning,
        "the identity asked about"
    );
    let boundary = &d.history_boundaries[0];
    assert_eq!(boundary.raw_id, CAROL);
    assert_eq!(
        boundary.first_visible_message_id.as_deref(),
        Some("1714554906000"),
        "its own participantAdded, in the second its history starts"
    );
}

#[test]
fn a_removed_participant_sees_nothing_after_its_removal() {
    let d = run(&data(ACS_THREAD), Some(BOB));
    let view = d.view.as_ref().unwrap();
    assert_eq!(
        view.hidden_reason("1714555808000"),
        None,
        "the removal itself"
    );
    assert_eq!(
        view.hidden_reason("1714556109000"),
        Some(&HiddenReason::AfterRemoval)
    );
    assert_eq!(view.hidden().count(), 2);
    assert_eq!(
        only(&d, FindingCode::RemovedParticipant).severity,
        Severity::Error
    );
    assert_eq!(
        d.refusal_explanation(BOB),
        format!(
            "Bob ({BOB}) was removed from this thread on 2024-05-01T09:30:08Z by Jane ({JANE})"
        )
    );
}

#[test]
fn with_participants_refused_membership_comes_from_system_messages() {
    let data = data(REMOVED_OWN_VIEW).fetched_by(Some(PETER));
    assert!(data.participants.is_forbidden());
    let d = run(&data, Some(PETER));
    let peter = d.identity(PETER).unwrap();
    assert_eq!(peter.status, Some(MembershipStatus::Removed));
    assert_eq!(peter.removed_on.as_deref(), Some("2024-05-02T14:40:05Z"));
    assert_eq!(peter.removed_by.as_deref(), Some(JANE));
    assert_eq!(
        status(&d, JANE),
        Some(MembershipStatus::Member),
        "added, never removed, as far as Peter's history goes"
    );
    let removed = only(&d, FindingCode::RemovedParticipant);
    assert_eq!(removed.severity, Severity::Error);
    assert_eq!(removed.evidence.details["participantsStatus"], 403);
    assert_eq!(removed.evidence.ms_cvs, ["Pq8sM2nVb7Y1xR4tZk0cJw.0"]);
    let unavailable: Vec<&Finding> = d.findings_with(FindingCode::DataUnavailable).collect();
    assert_eq!(unavailable.len(), 2, "participants and receipts");
    assert!(
        unavailable[0]
            .summary
            .contains("membership comes from the system messages only")
    );
    assert_eq!(unavailable[0].severity, Severity::Info);
    assert!(!codes(&d).contains(&FindingCode::NotAMember));
}

#[test]
fn a_refused_participants_list_without_the_removal_message_still_means_removed() {
    let mut data = data(REMOVED_OWN_VIEW).fetched_by(Some(PETER));
    data.messages
        .value
        .retain(|m| m.message_type != crate::acs::ChatMessageType::ParticipantRemoved);
    let d = run(&data, Some(PETER));
    let peter = d.identity(PETER).unwrap();
    assert_eq!(peter.status, Some(MembershipStatus::Removed));
    assert_eq!(peter.removed_on, None);
    assert!(
        d.refusal_explanation(PETER)
            .contains("is no longer a participant of this thread (the history at hand does not show when it was removed)")
    );
}

/// Everything refused, as for a token of a user who never was in the thread.
fn all_refused(thread_id: &str, raw_id: &str) -> ThreadData {
    ThreadData {
        thread_id: thread_id.to_string(),
        fetched_as: Some(raw_id.to_string()),
        thread: Part::failed(None, forbidden("cv-thread.0"), Vec::new()),
        messages: Part::failed(Vec::new(), forbidden("cv-messages.0"), Vec::new()),
        participants: Part::failed(Vec::new(), forbidden("cv-participants.0"), Vec::new()),
        read_receipts: Part::failed(Vec::new(), forbidden("cv-receipts.0"), Vec::new()),
    }
}

#[test]
fn everything_refused_means_never_a_member_of_an_acs_thread() {
    let data = all_refused("19:acsV1_abc@thread.v2", OLIVIA);
    let d = run(&data, Some(OLIVIA));
    assert_eq!(d.identities.len(), 1);
    assert_eq!(status(&d, OLIVIA), Some(MembershipStatus::NeverMember));
    let not_member = only(&d, FindingCode::NotAMember);
    assert!(
        not_member
            .summary
            .contains("refused it the message list, which stays readable to removed users")
    );
    assert_eq!(
        not_member.evidence.ms_cvs,
        [
            "cv-thread.0",
            "cv-messages.0",
            "cv-participants.0",
            "cv-receipts.0"
        ]
    );
    assert_eq!(d.findings_with(FindingCode::DataUnavailable).count(), 4);
    assert!(
        !codes(&d).contains(&FindingCode::Visibility),
        "no message to see or not"
    );
}

#[test]
fn everything_refused_in_a_teams_meeting_cannot_tell_left_from_never_admitted() {
    let id = "19:meeting_ZWRhZDY4ZGUtYmRlNS00OWZaLTlkZTgtZWRiYjIxOWI2NTQ4@thread.v2";
    let d = run(&all_refused(id, OLIVIA), Some(OLIVIA));
    assert_eq!(status(&d, OLIVIA), None);
    assert!(d.identities[0].status.is_none());
    let unknown = only(&d, FindingCode::MembershipUnknown);
    assert!(
        unknown
            .summary
            .contains("cannot tell one who left from one never admitted")
    );
    assert!(!codes(&d).contains(&FindingCode::NotAMember));
}

#[test]
fn an_absent_identity_with_a_partial_history_is_unknown() {
    let mut data = data(ACS_THREAD);
    data.messages
        .value
        .retain(|m| m.sequence().unwrap_or(0) > 6);
    let d = run(&data, Some(OLIVIA));
    assert_eq!(status(&d, OLIVIA), None);
    assert!(
        only(&d, FindingCode::MembershipUnknown)
            .summary
            .contains("does not reach back to the thread's creation")
    );
    let json = serde_json::to_value(&d).unwrap();
    let olivia = &json["identities"].as_array().unwrap().last().unwrap();
    assert_eq!(olivia["rawId"], OLIVIA);
    assert!(
        olivia.get("status").is_none(),
        "unknown is absent: {olivia}"
    );
}

#[test]
fn a_deleted_thread_is_an_error_and_no_longer_due_for_retention() {
    let mut data = data(ACS_THREAD);
    data.thread.value.as_mut().unwrap().deleted_on = Some("2024-05-20T08:00:00Z".into());
    let d = run(&data, None);
    assert_eq!(d.findings[0].code, FindingCode::ThreadDeleted);
    assert_eq!(d.findings[0].severity, Severity::Error);
    assert_eq!(
        d.findings[0].evidence.details["deletedOn"],
        "2024-05-20T08:00:00Z"
    );
    assert!(!codes(&d).contains(&FindingCode::RetentionDeletesSoon));
}

#[test]
fn retention_far_away_or_none_gives_no_finding() {
    let mut data = data(ACS_THREAD);
    data.thread
        .value
        .as_mut()
        .unwrap()
        .retention_policy
        .as_mut()
        .unwrap()
        .delete_thread_after_days = Some(90);
    assert!(!codes(&run(&data, None)).contains(&FindingCode::RetentionDeletesSoon));
    data.thread.value.as_mut().unwrap().retention_policy =
        Some(crate::acs::RetentionPolicy::none());
    assert!(!codes(&run(&data, None)).contains(&FindingCode::RetentionDeletesSoon));
}

#[test]
fn a_retention_date_already_passed_says_the_thread_is_due() {
    let data = data(ACS_THREAD);
    let later = Options {
        as_identity: None,
        now: Utc.with_ymd_and_hms(2024, 6, 2, 0, 0, 0).unwrap(),
    };
    let d = diagnose(&data, &later);
    let retention = only(&d, FindingCode::RetentionDeletesSoon);
    assert!(
        retention
            .summary
            .contains("2024-05-31T09:00:00Z, has passed"),
        "{}",
        retention.summary
    );
}

#[test]
fn a_document_without_a_thread_is_not_a_bundle() {
    let err = ThreadData::from_bundle(&json!({"messages": []})).unwrap_err();
    assert_eq!(err, "the bundle holds no thread with an id");
    let minimal = ThreadData::from_bundle(&json!({"thread": {"id": "19:a@thread.v2"}})).unwrap();
    assert_eq!(minimal.messages.outcome, Outcome::NotFetched);
}

#[test]
fn more_than_twenty_participants_leave_receipts_unsupported() {
    let mut data = data(ACS_THREAD);
    for n in 0..18 {
        let raw =
            format!("8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-0000-0000-0000-{n:012}");
        data.participants.value.push(ChatParticipant {
            communication_identifier: CommunicationIdentifierModel::communication_user(&raw),
            ..Default::default()
        });
    }
    data.read_receipts.value.clear();
    let d = run(&data, None);
    let finding = only(&d, FindingCode::ReceiptsUnsupported);
    assert_eq!(finding.evidence.details["participants"], 21);
    assert_eq!(finding.evidence.details["receiptsListed"], 0);
    assert!(
        finding.summary.contains("21 participants"),
        "{}",
        finding.summary
    );
    assert_eq!(finding.evidence.ms_cvs, ["OCzODmPgH0m3KnZRtY4Trw.0"]);
    data.participants.value.pop();
    assert!(!codes(&run(&data, None)).contains(&FindingCode::ReceiptsUnsupported));
}

#[test]
fn a_teams_meeting_hides_what_came_before_a_guest_joined_and_all_once_it_left() {
    let d = run(&data(TEAMS_MEETING), Some(GUEST));
    assert_eq!(d.thread_kind, ThreadKind::TeamsMeeting);
    let sam = d.identity(SAM).unwrap();
    assert_eq!(sam.kind, "microsoftTeamsUser");
    let visitor = d.identity(VISITOR).unwrap();
    assert_eq!(visitor.status, Some(MembershipStatus::Removed));
    assert_eq!(visitor.removed_by.as_deref(), Some(VISITOR));
    let removed = only(&d, FindingCode::RemovedParticipant);
    assert!(
        removed
            .summary
            .starts_with(&format!("Visitor ({VISITOR}) left this thread on"))
    );
    assert!(removed.summary.contains("its history included"));

    let teams = only(&d, FindingCode::TeamsInterop);
    assert_eq!(teams.severity, Severity::Info);
    let rules = teams.evidence.details["rules"].as_array().unwrap();
    assert!(
        rules[0]
            .as_str()
            .unwrap()
            .contains("only the messages sent after they joined")
    );
    assert_eq!(teams.evidence.raw_ids, [SAM]);
    let receipts = only(&d, FindingCode::ReceiptsUnsupported);
    assert!(
        receipts
            .summary
            .contains("not supported for Teams users (Sam Rivera")
    );

    let guest = d.view.as_ref().unwrap();
    let first = &guest.messages[0];
    assert_eq!(first.1, Some(HiddenReason::BeforeSharedHistory));
    assert_eq!(guest.visible_count(), 7);
    assert_eq!(d.identity(GUEST).unwrap().unread, Some(2));

    let left = run(&data(TEAMS_MEETING), Some(VISITOR));
    let view = left.view.as_ref().unwrap();
    assert!(view.hidden().all(|(_, r)| *r == HiddenReason::LeftMeeting));
    assert_eq!(view.visible_count(), 0);
}

#[test]
fn a_teams_user_in_an_acs_thread_makes_it_teams_interop() {
    let mut data = data(ACS_THREAD);
    let sam: CommunicationIdentifierModel =
        serde_json::from_value(json!({"rawId": SAM, "microsoftTeamsUser": {"userId": "3f8a"}}))
            .unwrap();
    data.participants.value.push(ChatParticipant {
        communication_identifier: sam,
        ..Default::default()
    });
    let d = run(&data, None);
    assert_eq!(d.thread_kind, ThreadKind::TeamsInterop);
    let teams = only(&d, FindingCode::TeamsInterop);
    assert!(
        !teams.summary.contains("joined the meeting"),
        "{}",
        teams.summary
    );
    assert!(
        teams
            .summary
            .contains("read receipts are not supported for Teams users")
    );
}

#[test]
fn thread_kinds_follow_the_id_shape() {
    let acs = [IdentityReport::new(JANE, "communicationUser")];
    for (id, kind) in [
        ("19:acsV1_x@thread.v2", ThreadKind::Acs),
        ("19:uni01_x@thread.v2", ThreadKind::Acs),
        (
            "19:a0dfe5fc10e04a7f8d8a64d455f4196d@thread.v2",
            ThreadKind::Acs,
        ),
        ("19:meeting_x@thread.v2", ThreadKind::TeamsMeeting),
        ("48:notes", ThreadKind::Unknown),
    ] {
        assert_eq!(thread_kind(id, &acs), kind, "{id}");
    }
    let teams = [IdentityReport::new(SAM, "microsoftTeamsUser")];
    assert_eq!(
        thread_kind("19:acsV1_x@thread.v2", &teams),
        ThreadKind::TeamsInterop
    );
    assert_eq!(
        thread_kind("19:meeting_x@thread.v2", &teams),
        ThreadKind::TeamsMeeting
    );
}

#[test]
fn receipt_lines_and_boundaries_are_ready_for_a_timeline() {
    let d = run(&data(ACS_THREAD), None);
    let lines = d.receipt_lines();
    let jane = lines.iter().find(|l| l.raw_id == JANE).unwrap();
    assert_eq!(jane.label, "Jane");
    assert_eq!(jane.message_id, "1714556411000");
    assert_eq!(lines.len(), 3);
    assert_eq!(d.history_boundaries.len(), 1);
    assert!(d.view.is_none(), "no identity asked about");
    assert!(!codes(&d).contains(&FindingCode::Visibility));
}

#[test]
fn the_json_has_exactly_the_contract_keys() {
    let d = run(&data(ACS_THREAD), Some(OLIVIA));
    let value = serde_json::to_value(&d).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        keys(&value),
        ["threadId", "threadKind", "as", "identities", "findings"]
    );
    assert_eq!(value["threadKind"], "acs");
    assert_eq!(value["as"], OLIVIA);
    let allowed = [
        "rawId",
        "kind",
        "displayName",
        "status",
        "addedOn",
        "removedOn",
        "removedBy",
        "sharedHistorySince",
        "readUpTo",
        "unread",
    ];
    for identity in value["identities"].as_array().unwrap() {
        for key in keys(identity) {
            assert!(allowed.contains(&key.as_str()), "{key} in {identity}");
        }
    }
    let bob = &value["identities"][3];
    assert_eq!(bob["status"], "removed");
    assert_eq!(bob["removedBy"], JANE);
    assert_eq!(value["identities"][4]["status"], "neverMember");
    assert_eq!(
        keys(&value["identities"][1]["readUpTo"]),
        ["messageId", "sequenceId", "readOn"]
    );
    for finding in value["findings"].as_array().unwrap() {
        assert_eq!(keys(finding), ["code", "severity", "summary", "evidence"]);
    }
    assert_eq!(value["findings"][0]["code"], "notAMember");
    assert_eq!(value["findings"][0]["severity"], "error");
    insta::assert_snapshot!(
        "acs_thread_as_never_member",
        serde_json::to_string_pretty(&value).unwrap()
    );
}

#[test]
fn finding_codes_are_written_as_the_json_writes_them() {
    for code in FindingCode::ALL {
        assert_eq!(serde_json::to_value(code).unwrap(), code.as_str());
    }
}
