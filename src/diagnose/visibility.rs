//! What an identity sees of the loaded messages, and where each participant's history starts.

use super::membership::{MembershipEvent, events_of};
use super::report::{HiddenReason, HistoryBoundary, IdentityReport, MembershipStatus, View};
use super::{Context, ThreadKind, time};

/// Which loaded messages `report` sees, and why the others are hidden from it.
pub(crate) fn view(ctx: &Context, report: &IdentityReport) -> View {
    let events = events_of(ctx, &report.raw_id);
    let rules = Rules::of(ctx, report, &events);
    let messages = ctx
        .timeline
        .entries
        .iter()
        .enumerate()
        .map(|(position, entry)| {
            let hidden = rules.hidden(position, entry.created, &events);
            (entry.id().to_string(), hidden)
        })
        .collect();
    View::new(&report.raw_id, messages)
}

/// The rules that hide messages from one identity.
struct Rules {
    whole_history: Option<HiddenReason>,
    shared_since: Option<chrono::DateTime<chrono::Utc>>,
    /// A Teams meeting chat: messages before this position (the last join) are hidden.
    joined_at: Option<usize>,
    /// Removal hides what follows it until the next addition (not in Teams meeting chats, where
    /// leaving hides everything).
    removal_hides_later: bool,
}

impl Rules {
    fn of(ctx: &Context, report: &IdentityReport, events: &[MembershipEvent]) -> Self {
        // ACS users in a Teams meeting chat: nothing from before they joined, nothing at all once they
        // left (concepts/interop/guest/capabilities.md; meeting-interop quickstart).
        let meeting_guest = ctx.kind == ThreadKind::TeamsMeeting && !report.is_teams();
        let whole_history = match report.status {
            Some(MembershipStatus::NeverMember) => Some(HiddenReason::NotAMember),
            Some(MembershipStatus::Removed) if meeting_guest => Some(HiddenReason::LeftMeeting),
            _ => None,
        };
        Self {
            whole_history,
            shared_since: shared_since(report),
            joined_at: meeting_guest
                .then(|| events.iter().rev().find(|e| e.added).map(|e| e.position))
                .flatten(),
            removal_hides_later: !meeting_guest,
        }
    }

    fn hidden(
        &self,
        position: usize,
        created: Option<chrono::DateTime<chrono::Utc>>,
        events: &[MembershipEvent],
    ) -> Option<HiddenReason> {
        if let Some(reason) = &self.whole_history {
            return Some(reason.clone());
        }
        if let (Some(since), Some(created)) = (self.shared_since, created)
            && created < since
        {
            return Some(HiddenReason::BeforeSharedHistory);
        }
        if self.joined_at.is_some_and(|joined| position < joined) {
            return Some(HiddenReason::BeforeJoin);
        }
        // The removal message itself is still shown to the removed identity.
        let last_before = events.iter().rev().find(|e| e.position < position);
        if self.removal_hides_later && last_before.is_some_and(|e| !e.added) {
            return Some(HiddenReason::AfterRemoval);
        }
        None
    }
}

/// The identity's `shareHistoryTime` when it hides anything: the `1970-01-01T00:00:00Z` sentinel
/// shares the whole history (real-payloads.md §8.8).
pub(crate) fn shared_since(report: &IdentityReport) -> Option<chrono::DateTime<chrono::Utc>> {
    time(report.shared_history_since.as_deref()).filter(|t| t.timestamp() > 0)
}

/// Where each identity's visible history starts, for those whose `shareHistoryTime` hides loaded
/// messages.
pub(crate) fn boundaries(ctx: &Context, identities: &[IdentityReport]) -> Vec<HistoryBoundary> {
    identities
        .iter()
        .filter_map(|report| {
            let since = shared_since(report)?;
            let entries = &ctx.timeline.entries;
            let first_visible = entries
                .iter()
                .position(|e| e.created.is_some_and(|c| c >= since));
            let hides_some = entries.iter().any(|e| e.created.is_some_and(|c| c < since));
            hides_some.then(|| HistoryBoundary {
                raw_id: report.raw_id.clone(),
                label: report
                    .display_name
                    .clone()
                    .unwrap_or_else(|| report.raw_id.clone()),
                since: report.shared_history_since.clone().unwrap_or_default(),
                first_visible_message_id: first_visible.map(|i| entries[i].id().to_string()),
            })
        })
        .collect()
}
