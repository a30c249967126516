//! Across the user's threads: the Threads tab's audit (`A`), sort (`O`) and filter (`f`), and the
//! search of every thread (`S`) whose matches open their thread at the message.

use crate::across::audit::Audit;

use super::super::search::{SearchHit, SearchQuery, SearchResults};
use super::super::state::{AppState, DetailTab, Field, Level, LoadStatus, Overlay, Slot};
use super::fetch::{checked, restart};
use super::navigate::show_tab;
use super::{Effect, Request};

/// `A`: audits every listed thread; the columns fill in as threads are done.
pub(super) fn audit(state: &mut AppState) -> Vec<Effect> {
    show_tab(state, DetailTab::Threads);
    if state.threads.items.is_empty() {
        state.notify(
            Level::Info,
            "no threads listed yet: with the thread field empty, Enter lists the token user's threads",
        );
        return vec![];
    }
    let Some(target) = checked(state) else {
        return vec![];
    };
    state.thread_audit.audits.clear();
    let thread_ids = state.threads.items.iter().map(|t| t.id.clone()).collect();
    restart(state, target.config, Request::Audit { thread_ids })
}

/// Threads audited: their columns fill in, and the order and filter take them into account.
pub(super) fn audited(
    state: &mut AppState,
    audited: Vec<(String, Result<Audit, String>)>,
    done: bool,
) -> Vec<Effect> {
    state.thread_audit.audits.extend(audited);
    if done {
        state.loads.set(Slot::Audit, LoadStatus::Loaded);
        let failed = state
            .thread_audit
            .audits
            .values()
            .filter(|a| a.is_err())
            .count();
        let total = state.thread_audit.audits.len();
        let text = match failed {
            0 => format!("{total} threads audited"),
            n => format!("{total} threads audited, {n} failed (their rows say so)"),
        };
        state.notify(Level::Info, text);
    }
    reorder(state);
    vec![]
}

/// `O`: the next order.
pub(super) fn cycle_sort(state: &mut AppState) -> Vec<Effect> {
    state.thread_audit.sort = state.thread_audit.sort.next();
    show_tab(state, DetailTab::Threads);
    reorder(state);
    state.notify(
        Level::Info,
        format!("threads sorted by {}", state.thread_audit.sort.name()),
    );
    vec![]
}

/// `f`: the next filter; filters other than deletion need the audit.
pub(super) fn cycle_filter(state: &mut AppState) -> Vec<Effect> {
    state.thread_audit.filter = state.thread_audit.filter.next();
    show_tab(state, DetailTab::Threads);
    reorder(state);
    let filter = state.thread_audit.filter.name();
    let text = if state.thread_audit.audits.is_empty() && filter != "all" {
        let key = super::super::keymap::key(
            super::super::keymap::Context::Results,
            &super::super::action::Action::AuditThreads,
        );
        format!("threads: {filter} (this needs the audit: {key} runs it)")
    } else {
        format!("threads: {filter}")
    };
    state.notify(Level::Info, text);
    vec![]
}

/// Applies the order and filter to the listed threads (after a page, an audit, a change).
pub(super) fn reorder(state: &mut AppState) {
    let now = state.now;
    state.thread_audit.apply(&mut state.threads, now);
}

/// The search prompt's text submitted: the search starts and its matches overlay the screen.
pub(super) fn search(state: &mut AppState, text: &str) -> Vec<Effect> {
    let query = SearchQuery::parse(text);
    let valid = crate::across::search::Query::new(
        query.text.as_deref(),
        query.from.as_deref(),
        query.message_id.as_deref(),
    );
    if let Err(e) = valid {
        state.notify(Level::Warn, e.to_string());
        return vec![];
    }
    let Some(target) = checked(state) else {
        return vec![];
    };
    while matches!(state.overlays.top(), Some(Overlay::Search)) {
        state.overlays.pop();
    }
    state.search = Some(SearchResults {
        asked: text.trim().to_string(),
        ..SearchResults::default()
    });
    state.overlays.push(Overlay::Search);
    restart(state, target.config, Request::Search(query))
}

/// Matches and counts of the search so far.
pub(super) fn searched(
    state: &mut AppState,
    found: Vec<SearchHit>,
    (searched, unreadable): (usize, usize),
    done: bool,
) -> Vec<Effect> {
    if let Some(results) = &mut state.search {
        results.add(found, searched, unreadable);
    }
    if done {
        state.loads.set(Slot::Search, LoadStatus::Loaded);
    }
    vec![]
}

/// Enter on a match: its thread opens at the message.
pub(super) fn open_hit(state: &mut AppState) -> Vec<Effect> {
    let Some(hit) = state.search.as_ref().and_then(SearchResults::selected_hit) else {
        return vec![];
    };
    let (thread_id, message_id) = (hit.thread_id.clone(), hit.message.id.clone());
    state.overlays.pop();
    state.set_value(Field::Thread, &thread_id);
    state.set_value(Field::Message, &message_id);
    super::fetch::fetch(state)
}
