//! A saved bundle shown offline (`open FILE`): every panel filled from the bundle through the same
//! answers a live session takes, the raw view of each recorded exchange, and no request ever made.
//! With `--diff OLDER`, what changed since the older bundle is marked.

use std::sync::Arc;

use chrono::Utc;

use crate::acs::{ChatMessage, Exchange, Fetched, Page};
use crate::bundle::OpenedBundle;
use crate::diff::{BundleDiff, MessageChange};
use crate::export::BundlePart;

use super::action::{Action, Answer, PageOutcome};
use super::state::{AppState, Field, Focus, LoggedExchange, Settings, Slot};
use super::update::update;

/// What the screen says about an opened bundle.
#[derive(Debug, Clone, Default)]
pub struct Offline {
    /// "offline: bundle of 2026-11-23 10:52 UTC" (", redacted").
    pub title: String,
    /// What changed since an older bundle of the same thread, with its date.
    pub diff: Option<(String, BundleDiff)>,
}

impl Offline {
    /// How a message changed since the older bundle.
    pub fn change(&self, message_id: &str) -> Option<MessageChange> {
        self.diff.as_ref()?.1.message_change(message_id)
    }
}

/// The inspector's state for an opened bundle (and the diff against an older one).
pub fn state_of(bundle: &OpenedBundle, older: Option<(&OpenedBundle, BundleDiff)>) -> AppState {
    let settings = Settings {
        api_version: bundle.api_version.clone(),
        ..Settings::default()
    };
    let mut state = AppState::new(settings, Utc::now());
    state.offline = Some(Offline {
        title: bundle.title(),
        diff: older.map(|(o, d)| (o.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(), d)),
    });
    state.set_value(Field::Endpoint, &bundle.endpoint);
    state.set_value(Field::Thread, bundle.thread_id());
    state.focus = Focus::Timeline;
    state.sync_field_styles();
    let log: Vec<Arc<Exchange>> = bundle.request_log();
    let no_answer = || Arc::new(Exchange::default());
    let thread = bundle.thread_exchange().cloned().unwrap_or_else(no_answer);
    answer(
        &mut state,
        Slot::Thread,
        Answer::Thread(Ok(fetched(bundle.thread.clone(), thread))),
    );
    fill_timeline(&mut state, bundle);
    let lists = [
        (Slot::Participants, BundlePart::Participants),
        (Slot::Receipts, BundlePart::ReadReceipts),
    ];
    for (slot, part) in lists {
        let page = bundle
            .exchanges_of(part)
            .first()
            .map(|e| e.exchange.clone())
            .unwrap_or_else(no_answer);
        let answer_of = match slot {
            Slot::Participants => {
                Answer::ParticipantsPage(whole(bundle.participants.clone(), page))
            }
            _ => Answer::ReceiptsPage(whole(bundle.read_receipts.clone(), page)),
        };
        answer(&mut state, slot, answer_of);
    }
    state.exchanges = log
        .into_iter()
        .map(|exchange| LoggedExchange {
            request_id: 0,
            exchange,
        })
        .collect();
    let text = notice(&state, bundle);
    state.notify(super::state::Level::Info, text);
    state
}

/// Every message in the pages the bundle recorded them from (one page for older bundles).
fn fill_timeline(state: &mut AppState, bundle: &OpenedBundle) {
    let mut pages: Vec<(Arc<Exchange>, Vec<ChatMessage>)> = Vec::new();
    let first_page = bundle
        .exchanges_of(BundlePart::Messages)
        .first()
        .map(|e| e.exchange.clone())
        .unwrap_or_default();
    for message in &bundle.messages {
        let page = bundle
            .exchange_of_message(&message.id)
            .cloned()
            .unwrap_or_else(|| first_page.clone());
        match pages.last_mut() {
            Some((current, items)) if Arc::ptr_eq(current, &page) => items.push(message.clone()),
            _ => pages.push((page, vec![message.clone()])),
        }
    }
    if pages.is_empty() {
        pages.push((first_page, Vec::new()));
    }
    let last = pages.len() - 1;
    for (i, (exchange, messages)) in pages.into_iter().enumerate() {
        let page = PageOutcome {
            result: Ok(fetched(
                Page {
                    value: messages,
                    next_link: None,
                },
                exchange,
            )),
            has_more: i < last,
        };
        if i == 0 {
            answer(state, Slot::Timeline, Answer::MessagesPage(page));
        } else if let Some(id) = state.loads.resume(Slot::Timeline, state.now) {
            update(
                state,
                Action::Answered {
                    request_id: id,
                    answer: Answer::MessagesPage(page),
                },
            );
        }
    }
    state.timeline.open = false;
}

/// Gives a slot the answer it would have got from the service.
fn answer(state: &mut AppState, slot: Slot, answer: Answer) {
    let request_id = state.start(slot);
    if slot == Slot::Timeline {
        state.timeline.open = true;
        state.timeline.page_pending = true;
    }
    update(state, Action::Answered { request_id, answer });
}

fn fetched<T>(value: T, exchange: Arc<Exchange>) -> Fetched<T> {
    Fetched { value, exchange }
}

fn whole<T>(items: Vec<T>, exchange: Arc<Exchange>) -> PageOutcome<T> {
    PageOutcome {
        result: Ok(fetched(
            Page {
                value: items,
                next_link: None,
            },
            exchange,
        )),
        has_more: false,
    }
}

/// The first line the status bar shows: what was opened, what is missing, what changed.
fn notice(state: &AppState, bundle: &OpenedBundle) -> String {
    let mut parts = vec![format!(
        "{}: {} messages, {} participants, {} receipts; nothing is fetched",
        bundle.title(),
        bundle.messages.len(),
        bundle.participants.len(),
        bundle.read_receipts.len()
    )];
    if let Some(redaction) = &bundle.redaction {
        parts.push(format!("redacted: {}", redaction.fields.join(", ")));
    }
    for error in &bundle.errors {
        parts.push(format!("{} incomplete ({})", error.part, error.error));
    }
    parts.extend(bundle.warnings.iter().cloned());
    if let Some((since, diff)) = state.offline.as_ref().and_then(|o| o.diff.as_ref()) {
        parts.push(format!("since {since}: {}", summary(diff)));
    }
    parts.join("; ")
}

/// "2 added, 1 edited, 1 deleted, 1 removed; participants +1 −0; 2 receipts moved; topic changed".
pub fn summary(diff: &BundleDiff) -> String {
    if diff.is_empty() {
        return "no change".into();
    }
    let m = &diff.messages;
    let mut out = vec![format!(
        "{} added, {} edited, {} deleted, {} removed",
        m.added.len(),
        m.edited.len(),
        m.deleted.len(),
        m.removed.len()
    )];
    let p = &diff.participants;
    if !p.added.is_empty() || !p.removed.is_empty() {
        out.push(format!(
            "participants +{} −{}",
            p.added.len(),
            p.removed.len()
        ));
    }
    if !diff.read_receipts.moved.is_empty() {
        out.push(format!("{} receipts moved", diff.read_receipts.moved.len()));
    }
    let fields: Vec<&str> = diff.thread.changed.keys().map(String::as_str).collect();
    if !fields.is_empty() {
        out.push(format!("thread {} changed", fields.join(", ")));
    }
    out.join("; ")
}
