//! The diagnosis of the open thread, as the TUI shows it: worked out (pure, in update) from what
//! the panels hold, for the Findings tab, the receipt lines and history boundaries drawn in the
//! timeline, the "as" view that dims what an identity cannot see, and 403 explanations.

use std::collections::HashMap;

use crate::diagnose::{self, Diagnosis, Options, Outcome, Part, PartError, ThreadData};

use super::state::{AppState, LoadStatus, Slot};

/// A diagnosis with what the timeline draws from it, by message id.
#[derive(Debug, Clone)]
pub struct Findings {
    pub diagnosis: Diagnosis,
    /// "Jane, Bob read up to here", "Sam sees the history from here", by message id.
    pub marks: HashMap<String, Vec<String>>,
    /// The selected finding in the Findings tab.
    pub selected: usize,
    /// How many messages were loaded when it was worked out (more may have come since).
    pub messages: usize,
}

impl Findings {
    pub fn marks_of(&self, message_id: &str) -> Option<&[String]> {
        self.marks.get(message_id).map(Vec::as_slice)
    }

    /// Whether the "as" identity cannot see the message, and why.
    pub fn hidden(&self, message_id: &str) -> Option<&'static str> {
        let view = self.diagnosis.view.as_ref()?;
        view.hidden_reason(message_id).map(|r| r.describe())
    }
}

/// Works the diagnosis out again from what the panels hold, keeping the selected finding.
pub fn refresh(state: &mut AppState) {
    let Some(data) = thread_data(state) else {
        state.findings = None;
        return;
    };
    let options = Options {
        as_identity: state
            .as_identity
            .clone()
            .or_else(|| state.token.as_ref().and_then(|t| t.identity.clone())),
        now: state.now,
    };
    let diagnosis = diagnose::diagnose(&data, &options);
    let selected = state.findings.as_ref().map_or(0, |f| f.selected);
    let marks = marks(&diagnosis);
    state.findings = Some(Findings {
        selected: selected.min(diagnosis.findings.len().saturating_sub(1)),
        diagnosis,
        marks,
        messages: data.messages.value.len(),
    });
}

/// Whether the panels have settled (nothing of the thread still loading) since the last refresh.
pub fn settled(state: &AppState) -> bool {
    [
        Slot::Thread,
        Slot::Participants,
        Slot::Receipts,
        Slot::Timeline,
    ]
    .iter()
    .all(|s| !state.status(*s).is_loading())
}

/// The thread as the panels hold it; `None` before a thread was asked for.
fn thread_data(state: &AppState) -> Option<ThreadData> {
    let thread_id = match &state.thread {
        Some(t) => t.value.id.clone(),
        None => state.value(super::state::Field::Thread).trim().to_string(),
    };
    if thread_id.is_empty() {
        return None;
    }
    let messages: Vec<_> = (0..state.timeline.data.loaded())
        .filter_map(|i| state.timeline.data.entry(i))
        .map(|e| e.message())
        .collect();
    let more = state.timeline.has_more;
    Some(ThreadData {
        thread_id,
        fetched_as: state.token.as_ref().and_then(|t| t.identity.clone()),
        thread: part(
            state,
            Slot::Thread,
            state.thread.as_ref().map(|t| t.value.clone()),
            false,
        ),
        messages: part(state, Slot::Timeline, messages, more),
        participants: part(
            state,
            Slot::Participants,
            state.participants.items.clone(),
            false,
        ),
        read_receipts: part(state, Slot::Receipts, state.receipts.items.clone(), false),
    })
}

/// A part as its slot left it: complete, refused (403 and all), or not (yet) fetched.
fn part<T>(state: &AppState, slot: Slot, value: T, partial: bool) -> Part<T> {
    let outcome = match state.status(slot) {
        LoadStatus::Failed(e) => Outcome::Failed(PartError::from(e)),
        LoadStatus::Loaded if !partial => Outcome::Complete,
        LoadStatus::Loaded | LoadStatus::Loading { .. } => Outcome::Failed(PartError {
            status: None,
            message: "more pages not loaded yet".into(),
            ms_cv: None,
        }),
        LoadStatus::Idle | LoadStatus::Cancelled => Outcome::NotFetched,
    };
    Part {
        value,
        outcome,
        ms_cvs: Vec::new(),
    }
}

/// The timeline's marks: who read up to each message, and whose visible history starts there.
fn marks(diagnosis: &Diagnosis) -> HashMap<String, Vec<String>> {
    let mut marks: HashMap<String, Vec<String>> = HashMap::new();
    let mut readers: HashMap<String, Vec<String>> = HashMap::new();
    for line in diagnosis.receipt_lines() {
        readers.entry(line.message_id).or_default().push(line.label);
    }
    for (message_id, names) in readers {
        marks
            .entry(message_id)
            .or_default()
            .push(format!("{} read up to here", names.join(", ")));
    }
    for boundary in &diagnosis.history_boundaries {
        if let Some(id) = &boundary.first_visible_message_id {
            marks
                .entry(id.clone())
                .or_default()
                .push(format!("{} sees from here", boundary.label));
        }
    }
    marks
}
