//! Findings about the whole thread and about the "as" identity. The service behaviour each rests on
//! is cited in the module documentation of `diagnose`.

use chrono::{Duration, SecondsFormat};

use super::report::{
    Diagnosis, Evidence, Finding, FindingCode, HiddenReason, IdentityReport, MembershipStatus,
    Severity, ThreadKind, View, removal_sentence,
};
use super::{Context, PartError, visibility};
use crate::acs::time::relative;

/// Message ids listed in one finding's evidence; the count says how many there are in all.
const LISTED_IDS: usize = 50;
/// Read receipts are not supported above this many participants (service limits).
pub const RECEIPT_PARTICIPANT_LIMIT: usize = 20;
/// A retention deletion this close is worth a warning.
const RETENTION_WARNING_DAYS: i64 = 7;

pub(crate) fn all(ctx: &Context, d: &Diagnosis) -> Vec<Finding> {
    let mut out = Vec::new();
    out.extend(thread_deleted(ctx));
    out.extend(retention_deletes_soon(ctx));
    out.extend(as_membership(ctx, d));
    out.extend(removed_participants(ctx, d));
    out.extend(history_limited(ctx, d));
    out.extend(receipts_unsupported(ctx, d));
    out.extend(teams_interop(d));
    out.extend(sequence_gap(ctx));
    out.extend(changed_messages(ctx));
    out.extend(visibility_of_as(ctx, d));
    out.extend(data_unavailable(ctx));
    out
}

fn finding(code: FindingCode, severity: Severity, summary: String, evidence: Evidence) -> Finding {
    Finding {
        code,
        severity,
        summary,
        evidence,
    }
}

/// Lists at most `LISTED_IDS` ids in the evidence, with their total count under `count_key`.
fn with_ids<'a>(
    evidence: Evidence,
    count_key: &str,
    ids: impl Iterator<Item = &'a str>,
) -> Evidence {
    let ids: Vec<&str> = ids.collect();
    let mut evidence = evidence.detail(count_key, ids.len());
    evidence
        .message_ids
        .extend(ids.iter().take(LISTED_IDS).map(|s| s.to_string()));
    evidence
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn thread_deleted(ctx: &Context) -> Option<Finding> {
    let thread = ctx.data.thread.value.as_ref()?;
    let deleted_on = thread.deleted_on.as_deref()?;
    let summary = format!(
        "the thread was deleted on {deleted_on}: a deleted thread cannot be retrieved and its history cannot be listed"
    );
    let mut evidence = Evidence::default()
        .detail("deletedOn", deleted_on)
        .ms_cvs(&ctx.data.thread.ms_cvs);
    let gone = gone_with_the_thread(ctx);
    if !gone.is_empty() {
        for (_, cvs) in &gone {
            evidence = evidence.ms_cvs(cvs);
        }
        let parts: Vec<&str> = gone.iter().map(|(part, _)| *part).collect();
        evidence = evidence.detail("notFound", parts);
    }
    Some(finding(
        FindingCode::ThreadDeleted,
        Severity::Error,
        summary,
        evidence,
    ))
}

/// The parts of a deleted thread that answered 404, as the service does once a thread is deleted,
/// with the `MS-CV`s of those answers.
fn gone_with_the_thread<'a>(ctx: &Context<'a>) -> Vec<(&'static str, &'a [String])> {
    let data = ctx.data;
    let deleted = data
        .thread
        .value
        .as_ref()
        .is_some_and(|t| t.deleted_on.is_some());
    let parts: [(&'static str, Option<&PartError>, &'a [String]); 3] = [
        ("messages", data.messages.error(), &data.messages.ms_cvs),
        (
            "participants",
            data.participants.error(),
            &data.participants.ms_cvs,
        ),
        (
            "readReceipts",
            data.read_receipts.error(),
            &data.read_receipts.ms_cvs,
        ),
    ];
    parts
        .into_iter()
        .filter(|(_, error, _)| deleted && error.is_some_and(|e| e.status == Some(404)))
        .map(|(part, _, cvs)| (part, cvs))
        .collect()
}

fn retention_deletes_soon(ctx: &Context) -> Option<Finding> {
    let thread = ctx.data.thread.value.as_ref()?;
    let at = thread.scheduled_deletion()?;
    let now = ctx.options.now;
    if at > now + Duration::days(RETENTION_WARNING_DAYS) || thread.deleted_on.is_some() {
        return None;
    }
    let date = at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let days = thread
        .retention_policy
        .as_ref()
        .and_then(|p| p.delete_thread_after_days);
    let policy = days
        .map(|d| format!(" ({d} days after creation)"))
        .unwrap_or_default();
    let summary = if at > now {
        format!(
            "the retention policy{policy} deletes this thread on {date} ({}); once deleted it cannot be retrieved",
            relative(at, now)
        )
    } else {
        format!(
            "the retention policy's deletion date{policy}, {date}, has passed: the thread is due for deletion and cannot be retrieved once deleted"
        )
    };
    let mut evidence = Evidence::default()
        .detail("deletesOn", date)
        .detail("createdOn", thread.created_on.as_str());
    if let Some(days) = days {
        evidence = evidence.detail("deleteThreadAfterDays", days);
    }
    Some(finding(
        FindingCode::RetentionDeletesSoon,
        Severity::Warning,
        summary,
        evidence.ms_cvs(&ctx.data.thread.ms_cvs),
    ))
}

/// The MS-CVs of every refusal (403) the data holds.
fn refusal_ms_cvs(ctx: &Context) -> Vec<String> {
    let data = ctx.data;
    let mut cvs = Vec::new();
    let mut add = |part_cvs: &[String], forbidden: bool| {
        if forbidden {
            cvs.extend(part_cvs.iter().cloned());
        }
    };
    add(&data.thread.ms_cvs, data.thread.is_forbidden());
    add(&data.messages.ms_cvs, data.messages.is_forbidden());
    add(&data.participants.ms_cvs, data.participants.is_forbidden());
    add(
        &data.read_receipts.ms_cvs,
        data.read_receipts.is_forbidden(),
    );
    cvs
}

/// `notAMember` when the "as" identity never was a participant; `membershipUnknown` when the data
/// cannot tell.
fn as_membership(ctx: &Context, d: &Diagnosis) -> Option<Finding> {
    let report = d.identity(ctx.options.as_identity.as_deref()?)?;
    let who = report.label();
    let fetched_by_it = ctx.data.fetched_as.as_deref() == Some(report.raw_id.as_str());
    let mut evidence = Evidence::default()
        .raw_id(&report.raw_id)
        .ms_cvs(&refusal_ms_cvs(ctx));
    if ctx.data.participants.is_complete() {
        evidence = evidence.ms_cvs(&ctx.data.participants.ms_cvs);
    }
    let (code, severity, summary) = match report.status {
        Some(MembershipStatus::NeverMember)
            if fetched_by_it && !ctx.data.messages.is_complete() =>
        {
            (
                FindingCode::NotAMember,
                Severity::Error,
                format!(
                    "{who} was never a participant of this thread: the service refused it the message list, which stays readable to removed users up to their removal"
                ),
            )
        }
        Some(MembershipStatus::NeverMember) => (
            FindingCode::NotAMember,
            Severity::Error,
            format!(
                "{who} was never a participant of this thread: it is not in the participants list and no system message of the thread's whole history adds it"
            ),
        ),
        Some(_) => return None,
        None => (
            FindingCode::MembershipUnknown,
            Severity::Warning,
            unknown_membership(ctx, &who),
        ),
    };
    Some(finding(code, severity, summary, evidence))
}

fn unknown_membership(ctx: &Context, who: &str) -> String {
    let data = ctx.data;
    if ctx.kind == ThreadKind::TeamsMeeting && data.messages.is_forbidden() {
        format!(
            "{who} is not a participant of this Teams meeting chat now; an ACS user who left a meeting chat loses its history too, so the refusals cannot tell one who left from one never admitted"
        )
    } else if data.participants.is_complete() {
        format!(
            "{who} is not a participant now; the loaded history does not reach back to the thread's creation, so whether it was removed or never added cannot be told"
        )
    } else {
        format!(
            "whether {who} is or was a participant cannot be told: the participants list is not available and no system message names it"
        )
    }
}

fn removed_participants(ctx: &Context, d: &Diagnosis) -> Vec<Finding> {
    d.identities
        .iter()
        .filter(|i| i.status == Some(MembershipStatus::Removed))
        .map(|report| removed_participant(ctx, d, report))
        .collect()
}

fn removed_participant(ctx: &Context, d: &Diagnosis, report: &IdentityReport) -> Finding {
    let fetched_by_it = ctx.data.fetched_as.as_deref() == Some(report.raw_id.as_str());
    let meeting_guest = ctx.kind == ThreadKind::TeamsMeeting && !report.is_teams();
    let consequence = if meeting_guest {
        "an ACS user who left a Teams meeting chat can no longer send, receive or read it, its history included"
    } else {
        "removed users keep reading the history up to their removal but cannot send or receive new messages, and the participants list answers 403 for them"
    };
    let mut evidence = Evidence::default()
        .raw_id(&report.raw_id)
        .message_id(report.removed_by_message.as_deref());
    for (key, value) in [
        ("removedOn", &report.removed_on),
        ("removedBy", &report.removed_by),
    ] {
        if let Some(value) = value {
            evidence = evidence.detail(key, value.as_str());
        }
    }
    if fetched_by_it && ctx.data.participants.is_forbidden() {
        evidence = evidence
            .detail("participantsStatus", 403)
            .ms_cvs(&ctx.data.participants.ms_cvs);
    }
    let severity = if fetched_by_it || ctx.is_as(&report.raw_id) {
        Severity::Error
    } else {
        Severity::Warning
    };
    finding(
        FindingCode::RemovedParticipant,
        severity,
        format!("{}: {consequence}", removal_sentence(d, report)),
        evidence,
    )
}

fn history_limited(ctx: &Context, d: &Diagnosis) -> Vec<Finding> {
    d.identities
        .iter()
        .filter_map(|report| {
            let since = visibility::shared_since(report)?;
            let hidden: Vec<&str> = ctx
                .timeline
                .entries
                .iter()
                .filter(|e| e.created.is_some_and(|c| c < since))
                .map(|e| e.id())
                .collect();
            let shared = report.shared_history_since.as_deref().unwrap_or_default();
            if hidden.is_empty() {
                return unlisted_history(ctx, report, since, shared);
            }
            let summary = format!(
                "{} sees the history only from {shared} (its shareHistoryTime): {} created before it {} hidden from it",
                report.label(),
                plural(hidden.len(), "loaded message", "loaded messages"),
                if hidden.len() == 1 { "is" } else { "are" }
            );
            let evidence = Evidence::default()
                .raw_id(&report.raw_id)
                .detail("sharedHistorySince", shared);
            let severity = if ctx.is_as(&report.raw_id) {
                Severity::Warning
            } else {
                Severity::Info
            };
            Some(finding(
                FindingCode::HistoryLimited,
                severity,
                summary,
                with_ids(evidence, "hiddenCount", hidden.into_iter()),
            ))
        })
        .collect()
}

/// The identity that listed the messages shares the history from after the thread began: what came
/// before is not in its listing at all (the listing starts above sequence id 1).
fn unlisted_history(
    ctx: &Context,
    report: &IdentityReport,
    since: chrono::DateTime<chrono::Utc>,
    shared: &str,
) -> Option<Finding> {
    let fetched_by_it = ctx.data.fetched_as.as_deref() == Some(report.raw_id.as_str());
    let began = ctx.data.thread.value.as_ref()?.created()?;
    let first = ctx.timeline.entries.first()?;
    let first_seq = first.sequence.filter(|s| *s > 1)?;
    if !fetched_by_it || since <= began || !ctx.data.messages.is_complete() {
        return None;
    }
    let summary = format!(
        "{} sees the history only from {shared} (its shareHistoryTime): the {} before it (sequence ids 1-{}) are not listed for it",
        report.label(),
        plural(
            usize::try_from(first_seq - 1).unwrap_or(usize::MAX),
            "message",
            "messages"
        ),
        first_seq - 1
    );
    let evidence = Evidence::default()
        .raw_id(&report.raw_id)
        .message_id(Some(first.id()))
        .detail("sharedHistorySince", shared)
        .detail("unlisted", format!("1-{}", first_seq - 1));
    Some(finding(
        FindingCode::HistoryLimited,
        Severity::Warning,
        summary,
        evidence,
    ))
}

fn members(d: &Diagnosis) -> impl Iterator<Item = &IdentityReport> {
    d.identities
        .iter()
        .filter(|i| i.status == Some(MembershipStatus::Member))
}

fn receipts_unsupported(ctx: &Context, d: &Diagnosis) -> Option<Finding> {
    let count = members(d).count();
    let teams: Vec<&IdentityReport> = members(d)
        .filter(|i| i.kind == "microsoftTeamsUser")
        .collect();
    let mut reasons = Vec::new();
    if count > RECEIPT_PARTICIPANT_LIMIT {
        reasons.push(format!(
            "the thread has {count} participants and read receipts (and typing indicators) are not supported above {RECEIPT_PARTICIPANT_LIMIT}: the receipts list stays empty"
        ));
    }
    if !teams.is_empty() {
        let names: Vec<String> = teams.iter().map(|i| i.label()).collect();
        reasons.push(format!(
            "read receipts are not supported for Teams users ({})",
            names.join(", ")
        ));
    }
    if reasons.is_empty() {
        return None;
    }
    let mut evidence = Evidence::default()
        .detail("participants", count)
        .detail("limit", RECEIPT_PARTICIPANT_LIMIT)
        .detail("receiptsListed", ctx.data.read_receipts.value.len())
        .ms_cvs(&ctx.data.read_receipts.ms_cvs);
    evidence
        .raw_ids
        .extend(teams.iter().map(|i| i.raw_id.clone()));
    Some(finding(
        FindingCode::ReceiptsUnsupported,
        Severity::Warning,
        reasons.join("; "),
        evidence,
    ))
}

fn teams_interop(d: &Diagnosis) -> Option<Finding> {
    let mut rules = Vec::new();
    if d.thread_kind == ThreadKind::TeamsMeeting {
        rules.extend([
            "ACS users see only the messages sent after they joined the meeting chat",
            "ACS users who leave the meeting lose access to the chat, its history included",
        ]);
    } else if d.thread_kind != ThreadKind::TeamsInterop {
        return None;
    }
    rules.extend([
        "read receipts are not supported for Teams users",
        "the limit of 20 participants for typing indicators counts ACS users only",
        "messages sent from Teams arrive as HTML; their file attachments are SharePoint links",
    ]);
    let kind = match d.thread_kind {
        ThreadKind::TeamsMeeting => "a Teams meeting chat",
        _ => "a thread with Teams participants",
    };
    let mut evidence = Evidence::default().detail("rules", rules.clone());
    evidence.raw_ids.extend(
        d.identities
            .iter()
            .filter(|i| i.is_teams())
            .map(|i| i.raw_id.clone()),
    );
    Some(finding(
        FindingCode::TeamsInterop,
        Severity::Info,
        format!("Teams interop rules apply to {kind}: {}", rules.join("; ")),
        evidence,
    ))
}

/// What can leave sequence ids unused between loaded messages.
const GAP_CAUSES: [&str; 4] = [
    "an edit or delete can give a message a new sequenceId, leaving its old one unused (service recordings show an edit moving a message from 4 to 9)",
    "messages hidden from the identity that listed them (history shared from a later time, a Teams meeting chat joined late) are not listed",
    "a listing cut short by a failure or a limit leaves out the rest",
    "the service does not document sequence ids as contiguous",
];

fn sequence_gap(ctx: &Context) -> Option<Finding> {
    let entries = &ctx.timeline.entries;
    let mut missing = Vec::new();
    let mut bordering = Vec::new();
    let mut total = 0u64;
    // A complete history starts at sequence id 1 (the creation's participantAdded): what the
    // listing starts above it, the identity that listed it was not shown.
    if let Some(first) = entries.first().filter(|_| ctx.data.messages.is_complete())
        && let Some(seq) = first.sequence.filter(|s| *s > 1)
    {
        total += seq - 1;
        missing.push(match seq {
            2 => "1".to_string(),
            _ => format!("1-{}", seq - 1),
        });
        bordering.push(first.id());
    }
    for pair in entries.windows(2) {
        let (Some(a), Some(b)) = (pair[0].sequence, pair[1].sequence) else {
            continue;
        };
        if b > a + 1 {
            total += b - a - 1;
            missing.push(match b - a {
                2 => (a + 1).to_string(),
                _ => format!("{}-{}", a + 1, b - 1),
            });
            bordering.extend([pair[0].id(), pair[1].id()]);
        }
    }
    if missing.is_empty() {
        return None;
    }
    bordering.dedup();
    let moved = resequenced(ctx);
    let mut summary = format!(
        "{} missing from the loaded messages: {}",
        plural(
            usize::try_from(total).unwrap_or(usize::MAX),
            "sequence id",
            "sequence ids"
        ),
        missing.join(", ")
    );
    if !moved.is_empty() {
        summary.push_str(&format!(
            "; edited or deleted messages numbered out of creation order ({}) were likely moved",
            moved.join(", ")
        ));
    }
    // The messages on either side of each gap, where a timeline jumps to.
    let mut evidence = Evidence {
        message_ids: bordering
            .iter()
            .take(LISTED_IDS)
            .map(|s| s.to_string())
            .collect(),
        ..Evidence::default()
    }
    .detail("missing", missing)
    .detail("missingCount", total)
    .detail("possibleCauses", GAP_CAUSES.to_vec())
    .ms_cvs(&ctx.data.messages.ms_cvs);
    if !moved.is_empty() {
        evidence = evidence.detail("likelyMoved", moved);
    }
    Some(finding(
        FindingCode::SequenceGap,
        Severity::Warning,
        summary,
        evidence,
    ))
}

/// Edited or deleted messages with a higher sequence id than a message created after them: the
/// edit or delete gave them a new number.
fn resequenced(ctx: &Context) -> Vec<String> {
    let mut latest_before = None;
    let mut moved = Vec::new();
    for entry in &ctx.timeline.entries {
        let changed = entry.message.is_edited() || entry.message.is_deleted();
        if changed && entry.created.is_some() && latest_before > entry.created {
            moved.push(entry.id().to_string());
        }
        latest_before = latest_before.max(entry.created);
    }
    moved
}

fn changed_messages(ctx: &Context) -> Vec<Finding> {
    let ids = |keep: fn(&crate::acs::ChatMessage) -> bool| -> Vec<&str> {
        let entries = ctx.timeline.entries.iter();
        entries
            .filter(|e| keep(e.message))
            .map(|e| e.id())
            .collect()
    };
    let kinds = [
        (
            FindingCode::DeletedMessages,
            ids(|m| m.is_deleted()),
            "deleted: still listed, with the text blanked and deletedOn set; deleted messages cannot be recovered",
        ),
        (
            FindingCode::EditedMessages,
            ids(|m| m.is_edited() && !m.is_deleted()),
            "edited (editedOn set): the service returns only the current text",
        ),
    ];
    kinds
        .into_iter()
        .filter(|(_, ids, _)| !ids.is_empty())
        .map(|(code, ids, what)| {
            let summary = format!("{} {what}", plural(ids.len(), "message", "messages"));
            let evidence = with_ids(Evidence::default(), "count", ids.into_iter());
            finding(code, Severity::Info, summary, evidence)
        })
        .collect()
}

fn visibility_of_as(ctx: &Context, d: &Diagnosis) -> Option<Finding> {
    let view = d.view.as_ref().filter(|v| !v.messages.is_empty())?;
    let who = d.label_of(&view.raw_id);
    let loaded = view.messages.len();
    let hidden: Vec<(&str, &HiddenReason)> = view.hidden().collect();
    let mut summary = format!(
        "{who} sees {} of the {loaded} loaded {}",
        view.visible_count(),
        if loaded == 1 { "message" } else { "messages" }
    );
    if !hidden.is_empty() {
        summary.push_str(&format!("; hidden: {}", reason_counts(view).join(", ")));
    }
    if ctx.data.fetched_as.as_deref() == Some(view.raw_id.as_str()) {
        summary.push_str(
            "; the messages were listed with its own token, so what the service hides from it is not among them",
        );
    }
    let evidence = with_ids(
        Evidence::default().raw_id(&view.raw_id),
        "hidden",
        hidden.iter().map(|(id, _)| *id),
    )
    .detail("visible", view.visible_count())
    .detail("loaded", loaded);
    Some(finding(
        FindingCode::Visibility,
        Severity::Info,
        summary,
        evidence,
    ))
}

/// `3 before its shared history starts, 2 after its removal`.
fn reason_counts(view: &View) -> Vec<String> {
    let mut counts: Vec<(&HiddenReason, usize)> = Vec::new();
    for (_, reason) in view.hidden() {
        match counts.iter_mut().find(|(r, _)| *r == reason) {
            Some((_, n)) => *n += 1,
            None => counts.push((reason, 1)),
        }
    }
    counts
        .iter()
        .map(|(reason, n)| format!("{n} {}", reason.describe()))
        .collect()
}

fn data_unavailable(ctx: &Context) -> Vec<Finding> {
    let data = ctx.data;
    let parts: [(&str, &str, Option<&PartError>, &[String]); 4] = [
        (
            "thread",
            "retention and deletion cannot be checked",
            data.thread.error(),
            &data.thread.ms_cvs,
        ),
        (
            "messages",
            "membership and history rest on the messages that did arrive",
            data.messages.error(),
            &data.messages.ms_cvs,
        ),
        (
            "participants",
            "membership comes from the system messages only",
            data.participants.error(),
            &data.participants.ms_cvs,
        ),
        (
            "readReceipts",
            "read positions are unknown",
            data.read_receipts.error(),
            &data.read_receipts.ms_cvs,
        ),
    ];
    parts
        .into_iter()
        .filter(|(part, ..)| !gone_with_the_thread(ctx).iter().any(|(p, _)| p == part))
        .filter_map(|(part, consequence, error, cvs)| {
            let error = error?;
            let severity = if error.is_forbidden() {
                Severity::Info
            } else {
                Severity::Warning
            };
            let mut evidence = Evidence::default()
                .detail("part", part)
                .detail("error", error.message.as_str())
                .ms_cvs(cvs);
            if let Some(status) = error.status {
                evidence = evidence.detail("status", status);
            }
            Some(finding(
                FindingCode::DataUnavailable,
                severity,
                format!("{part}: {}; {consequence}", error.message),
                evidence,
            ))
        })
        .collect()
}
