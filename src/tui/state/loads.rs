//! What each panel's data is waiting for: one [`Load`] per [`Slot`], so "what is loading", "which
//! result is awaited", "cancel everything" and "which request produced this" are each one loop.

use chrono::{DateTime, Utc};

use crate::acs::AcsError;

/// A place in the UI that one request at a time fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    Thread,
    Message,
    Timeline,
    Participants,
    Receipts,
    Threads,
    Export,
    /// A profile's (or the start's) credentials being worked out: token command, env var, minting.
    Credentials,
    /// A token being minted for a participant.
    Mint,
    /// The image attachments of the shown message, fetched for their type and size.
    Images,
    /// The audit of the user's threads (the Threads tab's columns).
    Audit,
    /// A search across every thread of the user.
    Search,
}

impl Slot {
    pub const ALL: [Slot; 12] = [
        Slot::Thread,
        Slot::Message,
        Slot::Timeline,
        Slot::Participants,
        Slot::Receipts,
        Slot::Threads,
        Slot::Export,
        Slot::Credentials,
        Slot::Mint,
        Slot::Images,
        Slot::Audit,
        Slot::Search,
    ];

    /// What the status line calls it while it loads.
    pub fn name(self) -> &'static str {
        match self {
            Slot::Thread => "thread",
            Slot::Message => "message",
            Slot::Timeline => "messages",
            Slot::Participants => "participants",
            Slot::Receipts => "receipts",
            Slot::Threads => "threads",
            Slot::Export => "export",
            Slot::Credentials => "token",
            Slot::Mint => "minted token",
            Slot::Images => "images",
            Slot::Audit => "audit",
            Slot::Search => "search",
        }
    }

    /// The slots a fetch of the input fields refills (and so cancels first).
    pub fn is_fetched_data(self) -> bool {
        matches!(
            self,
            Slot::Thread
                | Slot::Message
                | Slot::Timeline
                | Slot::Participants
                | Slot::Receipts
                | Slot::Threads
        )
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Where a slot's data stands.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum LoadStatus {
    #[default]
    Idle,
    Loading {
        started: DateTime<Utc>,
        request_id: u64,
    },
    Loaded,
    Failed(AcsError),
    Cancelled,
}

impl LoadStatus {
    pub fn is_loading(&self) -> bool {
        matches!(self, LoadStatus::Loading { .. })
    }

    /// Whether a result tagged `request_id` is the one this slot waits for.
    pub fn awaits(&self, id: u64) -> bool {
        self.request_id() == Some(id)
    }

    pub fn request_id(&self) -> Option<u64> {
        match self {
            LoadStatus::Loading { request_id, .. } => Some(*request_id),
            _ => None,
        }
    }
}

/// A slot's status and the request behind its data.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Load {
    pub status: LoadStatus,
    /// The request that fills the slot, kept after it ends: its exchanges are found by it, and a
    /// paged request that stays open (the timeline) is asked for more through it.
    pub origin: Option<u64>,
}

/// One [`Load`] per [`Slot`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Loads([Load; Slot::ALL.len()]);

impl Loads {
    pub fn get(&self, slot: Slot) -> &Load {
        &self.0[slot.index()]
    }

    pub fn status(&self, slot: Slot) -> &LoadStatus {
        &self.get(slot).status
    }

    pub fn origin(&self, slot: Slot) -> Option<u64> {
        self.get(slot).origin
    }

    /// The slot starts loading for `request_id`, which becomes its origin.
    pub fn start(&mut self, slot: Slot, request_id: u64, now: DateTime<Utc>) {
        self.0[slot.index()] = Load {
            status: LoadStatus::Loading {
                started: now,
                request_id,
            },
            origin: Some(request_id),
        };
    }

    /// The slot's request (its origin, still open) is asked for more: loading again.
    pub fn resume(&mut self, slot: Slot, now: DateTime<Utc>) -> Option<u64> {
        let id = self.origin(slot)?;
        self.0[slot.index()].status = LoadStatus::Loading {
            started: now,
            request_id: id,
        };
        Some(id)
    }

    /// Sets the status, keeping the origin.
    pub fn set(&mut self, slot: Slot, status: LoadStatus) {
        self.0[slot.index()].status = status;
    }

    /// Back to nothing, the origin forgotten.
    pub fn reset(&mut self, slot: Slot) {
        self.0[slot.index()] = Load::default();
    }

    /// The slot awaiting the result tagged `request_id`.
    pub fn awaiting(&self, request_id: u64) -> Option<Slot> {
        Slot::ALL
            .into_iter()
            .find(|s| self.status(*s).awaits(request_id))
    }

    /// The slot whose data `request_id` produced (loading or not).
    pub fn produced_by(&self, request_id: u64) -> Option<Slot> {
        Slot::ALL
            .into_iter()
            .find(|s| self.origin(*s) == Some(request_id))
    }

    /// The slots loading now, with when each started.
    pub fn loading(&self) -> impl Iterator<Item = (Slot, DateTime<Utc>)> + '_ {
        Slot::ALL.into_iter().filter_map(|s| match self.status(s) {
            LoadStatus::Loading { started, .. } => Some((s, *started)),
            _ => None,
        })
    }

    pub fn is_loading(&self) -> bool {
        self.loading().next().is_some()
    }

    /// Marks every loading slot among `slots` cancelled; returns every request of theirs that may
    /// still run (a paged request stays open between pages), to be stopped.
    pub fn cancel(&mut self, slots: impl Fn(Slot) -> bool) -> Vec<u64> {
        let mut ids = Vec::new();
        for slot in Slot::ALL.into_iter().filter(|s| slots(*s)) {
            let load = &mut self.0[slot.index()];
            if load.status.is_loading() {
                load.status = LoadStatus::Cancelled;
            }
            ids.extend(load.origin);
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_700_000_000, 0).unwrap()
    }

    #[test]
    fn a_result_finds_the_slot_that_awaits_it_and_only_that_one() {
        let mut loads = Loads::default();
        loads.start(Slot::Thread, 1, now());
        loads.start(Slot::Receipts, 2, now());
        assert_eq!(loads.awaiting(2), Some(Slot::Receipts));
        assert_eq!(loads.awaiting(3), None);
        loads.set(Slot::Receipts, LoadStatus::Loaded);
        assert_eq!(loads.awaiting(2), None, "a finished slot awaits nothing");
        assert_eq!(loads.produced_by(2), Some(Slot::Receipts));
    }

    #[test]
    fn cancelling_stops_open_requests_and_marks_only_loading_slots() {
        let mut loads = Loads::default();
        loads.start(Slot::Timeline, 7, now());
        loads.set(Slot::Timeline, LoadStatus::Loaded);
        loads.start(Slot::Thread, 8, now());
        loads.start(Slot::Export, 9, now());
        let ids = loads.cancel(Slot::is_fetched_data);
        assert_eq!(ids, vec![8, 7], "the open timeline stream is stopped too");
        assert_eq!(*loads.status(Slot::Thread), LoadStatus::Cancelled);
        assert_eq!(*loads.status(Slot::Timeline), LoadStatus::Loaded);
        assert!(
            loads.status(Slot::Export).is_loading(),
            "not among the slots"
        );
    }
}
