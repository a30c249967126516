//! Who is, was, or never was a participant: from the participants list when the service gave it,
//! from the `participantAdded` / `participantRemoved` system messages (and their initiators) always.

use indexmap::IndexMap;

use super::report::{IdentityReport, MembershipStatus, ReadUpTo};
use super::{Context, Entry, visibility};
use crate::acs::{ChatMessageType, ChatParticipant, CommunicationIdentifierModel, IdentifierKind};

/// One `participantAdded` or `participantRemoved` naming an identity.
pub(crate) struct MembershipEvent<'a> {
    /// Index of the system message in the timeline.
    pub position: usize,
    pub added: bool,
    pub entry: &'a Entry<'a>,
    pub participant: &'a ChatParticipant,
}

impl MembershipEvent<'_> {
    pub fn initiator(&self) -> Option<String> {
        self.entry
            .message
            .content
            .as_ref()?
            .initiator_communication_identifier
            .as_ref()
            .map(CommunicationIdentifierModel::raw_id)
    }
}

/// The membership events naming `raw_id`, oldest first.
pub(crate) fn events_of<'a>(ctx: &'a Context<'a>, raw_id: &str) -> Vec<MembershipEvent<'a>> {
    let mut events = Vec::new();
    for (position, entry) in ctx.timeline.entries.iter().enumerate() {
        let added = match entry.message.message_type {
            ChatMessageType::ParticipantAdded => true,
            ChatMessageType::ParticipantRemoved => false,
            _ => continue,
        };
        let named = entry
            .named_participants()
            .iter()
            .filter(|p| p.communication_identifier.raw_id() == raw_id);
        events.extend(named.map(|participant| MembershipEvent {
            position,
            added,
            entry,
            participant,
        }));
    }
    events
}

/// Everyone the data names (participants, senders, system messages and their initiators, readers,
/// the creator), in that order of first appearance, then the fetching and "as" identities if the
/// data never names them. Returns them and how many the data itself names.
pub(crate) fn collect(ctx: &Context) -> (Vec<IdentityReport>, usize) {
    let mut seen: IndexMap<String, IdentityReport> = IndexMap::new();
    let data = ctx.data;
    for p in &data.participants.value {
        note(
            &mut seen,
            &p.communication_identifier,
            p.display_name.as_deref(),
        );
    }
    if let Some(creator) = data
        .thread
        .value
        .as_ref()
        .and_then(|t| t.created_by_communication_identifier.as_ref())
    {
        note(&mut seen, creator, None);
    }
    for entry in &ctx.timeline.entries {
        let message = entry.message;
        if let Some(sender) = &message.sender_communication_identifier {
            note(&mut seen, sender, message.sender_name());
        }
        for p in entry.named_participants() {
            note(
                &mut seen,
                &p.communication_identifier,
                p.display_name.as_deref(),
            );
        }
        if let Some(initiator) = message
            .content
            .as_ref()
            .and_then(|c| c.initiator_communication_identifier.as_ref())
        {
            note(&mut seen, initiator, None);
        }
    }
    for receipt in &data.read_receipts.value {
        note(&mut seen, &receipt.sender_communication_identifier, None);
    }
    let in_data = seen.len();
    for raw in [
        data.fetched_as.as_deref(),
        ctx.options.as_identity.as_deref(),
    ]
    .into_iter()
    .flatten()
    {
        if !seen.contains_key(raw) {
            let kind = IdentifierKind::from_raw_id(raw);
            seen.insert(raw.to_string(), IdentityReport::new(raw, kind.as_str()));
        }
    }
    (seen.into_values().collect(), in_data)
}

/// Records an identity; the first non-empty name met is kept (the participants list comes first).
fn note(
    seen: &mut IndexMap<String, IdentityReport>,
    id: &CommunicationIdentifierModel,
    name: Option<&str>,
) {
    let raw = id.raw_id();
    if raw.is_empty() {
        return;
    }
    let report = seen
        .entry(raw.clone())
        .or_insert_with(|| IdentityReport::new(&raw, id.kind().as_str()));
    if report.display_name.is_none() {
        report.display_name = name
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_string);
    }
}

/// Status, when added and removed, by whom, and the history shared with each identity.
pub(crate) fn fill_membership(ctx: &Context, identities: &mut [IdentityReport]) {
    for report in identities {
        let events = events_of(ctx, &report.raw_id);
        let listed = listed_entry(ctx, &report.raw_id);
        report.status = status(ctx, report, listed.is_some(), &events);
        let last_added = events.iter().rev().find(|e| e.added);
        if let Some(added) = last_added {
            report.added_on = Some(added.entry.message.created_on.clone());
            report.added_by = added.initiator();
            report.added_by_message = Some(added.entry.id().to_string());
        }
        let removal = events.last().filter(|e| !e.added);
        if report.status == Some(MembershipStatus::Removed)
            && let Some(removed) = removal
        {
            report.removed_on = Some(removed.entry.message.created_on.clone());
            report.removed_by = removed.initiator();
            report.removed_by_message = Some(removed.entry.id().to_string());
        }
        report.shared_history_since = listed
            .or(last_added.map(|e| e.participant))
            .and_then(|p| p.share_history_time.clone());
    }
}

fn listed_entry<'a>(ctx: &'a Context, raw_id: &str) -> Option<&'a ChatParticipant> {
    ctx.data
        .participants
        .value
        .iter()
        .find(|p| p.communication_identifier.raw_id() == raw_id)
}

/// Where an identity stands. The participants list, when the service gave it, says who is a member
/// now; a 403 on it for the fetching identity says that identity is not (Azure/Communication#345);
/// the system messages say who was added and removed, and when.
fn status(
    ctx: &Context,
    report: &IdentityReport,
    listed: bool,
    events: &[MembershipEvent],
) -> Option<MembershipStatus> {
    let list_known = ctx.data.participants.is_complete();
    if list_known && listed {
        return Some(MembershipStatus::Member);
    }
    let is_fetcher = ctx.data.fetched_as.as_deref() == Some(report.raw_id.as_str());
    if is_fetcher && ctx.data.participants.is_forbidden() {
        return refused_fetcher_status(ctx);
    }
    let took_part = events.iter().any(|e| e.added) || acted(ctx, &report.raw_id);
    match events.last() {
        Some(e) if !e.added => return Some(MembershipStatus::Removed),
        Some(_) if !list_known => return Some(MembershipStatus::Member),
        _ => {}
    }
    if !list_known {
        return None;
    }
    if took_part {
        Some(MembershipStatus::Removed)
    } else if ctx.history_complete() {
        Some(MembershipStatus::NeverMember)
    } else {
        None
    }
}

/// The fetching identity was refused the participants list. Removed users still read the history
/// up to their removal (ACS chat concepts, "Chat Data"), so a message list that answered means it
/// was removed; a message list refused too means it never was a participant, except in a Teams
/// meeting chat, where leaving takes the history away as well (the message list answers 403 after
/// leaving a meeting: Azure/communication-ui-library#2777).
fn refused_fetcher_status(ctx: &Context) -> Option<MembershipStatus> {
    let messages = &ctx.data.messages;
    if messages.is_complete() || !messages.value.is_empty() {
        Some(MembershipStatus::Removed)
    } else if messages.is_forbidden() && !ctx.kind.is_teams() {
        Some(MembershipStatus::NeverMember)
    } else {
        None
    }
}

/// Whether the identity sent a message, started a system event or read something: only
/// participants do.
fn acted(ctx: &Context, raw_id: &str) -> bool {
    let initiated = |e: &Entry| {
        e.message
            .content
            .as_ref()
            .and_then(|c| c.initiator_communication_identifier.as_ref())
            .is_some_and(|i| i.raw_id() == raw_id)
    };
    ctx.timeline
        .entries
        .iter()
        .any(|e| e.sender().as_deref() == Some(raw_id) || initiated(e))
        || ctx
            .data
            .read_receipts
            .value
            .iter()
            .any(|r| r.sender_communication_identifier.raw_id() == raw_id)
}

/// Read up to which message, and how many messages from others it has not read yet. The service
/// keeps one receipt per reader, its latest (real-payloads.md §5); the latest `readOn` wins anyway.
pub(crate) fn fill_receipts(ctx: &Context, identities: &mut [IdentityReport]) {
    for report in identities.iter_mut() {
        let Some(receipt) = ctx
            .data
            .read_receipts
            .value
            .iter()
            .filter(|r| r.sender_communication_identifier.raw_id() == report.raw_id)
            .max_by_key(|r| r.read())
        else {
            continue;
        };
        let position = ctx.timeline.position(&receipt.chat_message_id);
        report.read_up_to = Some(ReadUpTo {
            message_id: receipt.chat_message_id.clone(),
            sequence_id: position.map(|i| ctx.timeline.entries[i].message.sequence_id.clone()),
            read_on: receipt.read_on.clone(),
        });
        if let Some(read) = position {
            report.unread = Some(unread_after(ctx, report, read));
        }
    }
}

/// Messages from others after position `read` that `report` can see and that were not deleted.
fn unread_after(ctx: &Context, report: &IdentityReport, read: usize) -> u64 {
    let view = visibility::view(ctx, report);
    let count = ctx.timeline.entries[read + 1..]
        .iter()
        .zip(&view.messages[read + 1..])
        .filter(|(e, (_, hidden))| {
            e.is_user_message()
                && !e.message.is_deleted()
                && hidden.is_none()
                && e.sender().as_deref() != Some(report.raw_id.as_str())
        })
        .count();
    u64::try_from(count).unwrap_or(u64::MAX)
}
