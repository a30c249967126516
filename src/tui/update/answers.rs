//! Answers of requests, each taken by the slot that awaits it; stale ones are dropped here, once.

use crate::acs::{ChatThreadProperties, Page};

use super::super::action::{Answer, Outcome, PageOutcome};
use super::super::state::{AppState, Field, Level, Listing, LoadStatus, MessageSource, Slot};
use super::Effect;
use super::navigate::keep_selection_visible;
use super::profiles::{credentials_resolved, token_minted, token_refreshed};

/// Applies the answer of `request_id` to the slot that awaits it.
pub(super) fn apply(state: &mut AppState, request_id: u64, answer: Answer) -> Vec<Effect> {
    match answer {
        // The refresh timer and live mode are not slots: each checks its own request id.
        Answer::Refreshed(result) => return token_refreshed(state, request_id, result),
        Answer::Watched(events, at) => return super::live::watched(state, request_id, events, at),
        Answer::WatchEnded(e) => return super::live::ended(state, request_id, e),
        _ => {}
    }
    let Some(slot) = state.loads.awaiting(request_id) else {
        return vec![];
    };
    if let Answer::ExportProgress(text) = answer {
        state.export_progress = Some(text);
        return vec![];
    }
    if let Answer::Audit {
        audited,
        done: false,
    } = answer
    {
        return super::threads::audited(state, audited, false);
    }
    if let Answer::Searched {
        found,
        searched,
        unreadable,
        done: false,
    } = answer
    {
        return super::threads::searched(state, found, (searched, unreadable), false);
    }
    state.retry = None;
    let mut effects = take(state, slot, answer);
    effects.extend(live_at_start(state));
    // The diagnosis follows the panels once they have settled (and while its tab is shown).
    if matches!(
        slot,
        Slot::Thread | Slot::Timeline | Slot::Participants | Slot::Receipts
    ) && crate::tui::findings::settled(state)
    {
        crate::tui::findings::refresh(state);
    }
    effects
}

/// `--demo --activity`: live mode starts by itself once the thread and its newest messages are in,
/// so the demo is seen moving.
fn live_at_start(state: &mut AppState) -> Vec<Effect> {
    let ready = state.thread.is_some() && !state.timeline.data.is_empty();
    if !(state.settings.live_at_start && ready && state.live.is_none()) {
        return vec![];
    }
    state.settings.live_at_start = false;
    super::live::toggle(state)
}

/// The slot that awaited the answer takes it.
fn take(state: &mut AppState, slot: Slot, answer: Answer) -> Vec<Effect> {
    match answer {
        Answer::Thread(result) => thread_loaded(state, result),
        Answer::Message(result) => {
            match result {
                Ok(message) => {
                    state.message = Some(message);
                    state.loads.set(slot, LoadStatus::Loaded);
                    state.message_source = MessageSource::Fetched;
                }
                Err(e) => failed(state, slot, e),
            }
            vec![]
        }
        Answer::MessagesPage(page) => messages_page(state, page),
        Answer::ParticipantsPage(page) => {
            if list_page(state, slot, page, |s| &mut s.participants) {
                state.timeline.data.set_names(&state.participants.items);
            }
            vec![]
        }
        Answer::ReceiptsPage(page) => {
            if list_page(state, slot, page, |s| &mut s.receipts) {
                state.timeline.data.set_receipts(&state.receipts.items);
            }
            vec![]
        }
        Answer::ThreadsPage(page) => {
            list_page(state, slot, page, |s| &mut s.threads);
            super::threads::reorder(state);
            vec![]
        }
        Answer::Exported(result) => {
            exported(state, result);
            vec![]
        }
        Answer::Credentials(result) => credentials_resolved(state, result),
        Answer::Audit { audited, done } => super::threads::audited(state, audited, done),
        Answer::Searched {
            found,
            searched,
            unreadable,
            done,
        } => super::threads::searched(state, found, (searched, unreadable), done),
        Answer::Images(found) => {
            state.loads.set(Slot::Images, LoadStatus::Loaded);
            state.images.extend(found);
            vec![]
        }
        Answer::Minted(result) => token_minted(state, result),
        Answer::ExportProgress(_)
        | Answer::Refreshed(_)
        | Answer::Watched(..)
        | Answer::WatchEnded(_) => vec![],
    }
}

fn exported(state: &mut AppState, result: Result<(std::path::PathBuf, String), String>) {
    state.loads.set(Slot::Export, LoadStatus::Loaded);
    state.export_progress = None;
    match result {
        Ok((path, counts)) => state.notify(
            Level::Info,
            format!("exported to {} ({counts})", path.display()),
        ),
        Err(e) => state.notify(Level::Error, format!("export failed: {e}")),
    }
}

/// A slot's request failed. Data a refresh was to replace stays, and the first such failure of a
/// fetch says so on the status line (the panels carry a banner).
fn failed(state: &mut AppState, slot: Slot, e: crate::acs::AcsError) {
    let kept = match slot {
        Slot::Thread => state.thread.as_ref().map(|t| t.exchange.started_at),
        Slot::Message => state.message.as_ref().map(|m| m.exchange.started_at),
        Slot::Timeline => state.timeline.data.pages.last().map(|p| p.started_at),
        Slot::Participants => state.participants.pages.last().map(|p| p.started_at),
        Slot::Receipts => state.receipts.pages.last().map(|p| p.started_at),
        Slot::Threads => state.threads.pages.last().map(|p| p.started_at),
        _ => None,
    };
    let first = !Slot::ALL
        .into_iter()
        .any(|s| s.is_fetched_data() && matches!(state.status(s), LoadStatus::Failed(_)));
    if let (Some(at), true) = (kept, first) {
        let when = state.time_display.format(at, state.now);
        let text = format!(
            "refresh failed: {} → {}; the data loaded {when} stays",
            crate::sanitize::one_line(&e.to_string()),
            crate::sanitize::one_line(&e.hint())
        );
        state.notify(Level::Error, text);
    }
    state.loads.set(slot, LoadStatus::Failed(e));
}

fn thread_loaded(state: &mut AppState, result: Outcome<ChatThreadProperties>) -> Vec<Effect> {
    let thread = match result {
        Ok(thread) => thread,
        Err(e) => {
            failed(state, Slot::Thread, e);
            return vec![];
        }
    };
    let thread_id = thread.value.id.clone();
    state.thread = Some(thread);
    state.loads.set(Slot::Thread, LoadStatus::Loaded);
    let Some(profile) = state.settings.remember_as.clone() else {
        return vec![];
    };
    state.recent.ids.retain(|t| *t != thread_id);
    state.recent.ids.insert(0, thread_id.clone());
    let Some(file) = state.settings.state_file.clone() else {
        return vec![];
    };
    vec![Effect::RememberThread {
        file,
        profile,
        thread_id,
    }]
}

fn messages_page(state: &mut AppState, page: PageOutcome<crate::acs::ChatMessage>) -> Vec<Effect> {
    state.timeline.page_pending = false;
    let fetched = match page.result {
        Ok(fetched) => fetched,
        Err(e) => {
            failed(state, Slot::Timeline, e);
            state.timeline.open = false;
            return vec![];
        }
    };
    state.loads.set(Slot::Timeline, LoadStatus::Loaded);
    let kept = replace_stale_timeline(state);
    let t = &mut state.timeline;
    let was_empty = t.data.is_empty();
    let Page { value, .. } = fetched.value;
    let shown = t.data.push_page(value, fetched.exchange);
    if t.data.oldest_first && !was_empty {
        t.selected += shown;
        t.offset += shown;
    }
    t.has_more = page.has_more;
    if t.follow_end {
        t.selected = t.data.len().saturating_sub(1);
    }
    if !page.has_more {
        t.open = false;
        t.follow_end = false;
    }
    t.data.set_receipts(&state.receipts.items);
    t.data.set_names(&state.participants.items);
    if let Some(id) = kept {
        // A refresh keeps the message that was selected, where it is still loaded.
        if let Some(row) = t.data.find(&id).and_then(|i| t.data.nearest_row(i)) {
            t.selected = row;
        }
    } else if was_empty {
        select_fetched_message(state);
    }
    keep_selection_visible(state);
    super::navigate::more_messages(state)
}

/// The first page of a refresh replaces the messages kept meanwhile (order and filter stay);
/// returns the id of the message that was selected.
fn replace_stale_timeline(state: &mut AppState) -> Option<String> {
    let t = &mut state.timeline;
    if !t.stale {
        return None;
    }
    let selected = t.data.row(t.selected).map(|e| e.message().id);
    let mut fresh = crate::tui::timeline::Timeline::default();
    fresh.oldest_first = t.data.oldest_first;
    fresh.set_filter(t.data.filter().cloned());
    t.data = fresh;
    t.stale = false;
    t.selected = 0;
    t.offset = 0;
    selected
}

/// With a message id given, the timeline opens on that message so its neighbours are in view.
fn select_fetched_message(state: &mut AppState) {
    if state.message_source != MessageSource::Fetched {
        return;
    }
    let id = state.value(Field::Message);
    let t = &mut state.timeline;
    if let Some(row) = t.data.find(id.trim()).and_then(|i| t.data.row_of(i)) {
        t.selected = row;
    }
}

/// Adds a page to a list; `true` when items were added.
fn list_page<T>(
    state: &mut AppState,
    slot: Slot,
    page: PageOutcome<T>,
    list: impl Fn(&mut AppState) -> &mut Listing<T>,
) -> bool {
    match page.result {
        Ok(fetched) => {
            list(state).push_page(fetched.value.value, fetched.exchange);
            if !page.has_more {
                state.loads.set(slot, LoadStatus::Loaded);
            }
            true
        }
        Err(e) => {
            failed(state, slot, e);
            false
        }
    }
}
