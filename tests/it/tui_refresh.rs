//! Fetching the same thread again is a refresh: what is shown stays until new answers replace it,
//! and a failed refresh keeps it under a "refresh failed" banner with the error beside it.

use crate::support::tui::*;
use acs_chat_inspector::tui::action::{Action, Answer, PageOutcome};
use acs_chat_inspector::tui::state::{AppState, Field, LoadStatus, Slot};
use acs_chat_inspector::tui::update::update;

fn unauthorized<T>() -> PageOutcome<T> {
    PageOutcome {
        result: Err(service_error(401, None, None)),
        has_more: false,
    }
}

/// A fetch of the loaded thread answered 401 everywhere, as after the token expired.
fn refresh_fails(s: &mut AppState) {
    let ids = start_fetch(s);
    update(
        s,
        answer(
            ids.thread,
            Answer::Thread(Err(service_error(401, None, None))),
        ),
    );
    update(
        s,
        answer(ids.messages, Answer::MessagesPage(unauthorized())),
    );
    update(
        s,
        answer(ids.participants, Answer::ParticipantsPage(unauthorized())),
    );
    update(
        s,
        answer(ids.receipts, Answer::ReceiptsPage(unauthorized())),
    );
    update(s, answer(ids.threads, Answer::ThreadsPage(unauthorized())));
}

#[test]
fn a_failed_refresh_keeps_the_data_under_a_banner_with_the_error() {
    let mut s = loaded(80, 24, false);
    refresh_fails(&mut s);
    assert!(matches!(s.status(Slot::Thread), LoadStatus::Failed(_)));
    assert_eq!(s.timeline.data.loaded(), 8, "the messages stay");
    assert_eq!(s.participants.items.len(), 3);
    let screen = render(&s);
    assert!(screen.contains("⚠ refresh failed: 401"), "{screen}");
    assert!(
        screen.contains("Topic        Lunch"),
        "the thread stays: {screen}"
    );
    assert!(
        screen.contains("refresh failed: 8 loaded earlier"),
        "{screen}"
    );
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(notice.starts_with("refresh failed: 401"), "{notice}");
    assert!(notice.contains("stays"), "{notice}");
}

#[test]
fn a_successful_refresh_replaces_the_data_and_keeps_the_selected_message() {
    let mut s = loaded(80, 24, false);
    update(&mut s, Action::ScrollDown);
    update(&mut s, Action::ScrollDown);
    let selected = s.selected_message().unwrap().id;
    let ids = start_fetch(&mut s);
    assert_eq!(s.timeline.data.loaded(), 8, "kept while the refresh runs");
    let mut fresh = messages();
    fresh.truncate(6);
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(fresh, false))),
    );
    assert_eq!(s.timeline.data.loaded(), 6, "replaced by the new answer");
    assert_eq!(s.selected_message().unwrap().id, selected);
    update(
        &mut s,
        answer(
            ids.participants,
            Answer::ParticipantsPage(page(vec![], false)),
        ),
    );
    assert!(s.participants.items.is_empty());
}

#[test]
fn another_thread_starts_from_nothing() {
    let mut s = loaded(80, 24, false);
    s.set_value(Field::Thread, "19:other@thread.v2");
    start_fetch(&mut s);
    assert!(s.thread.is_none());
    assert_eq!(s.timeline.data.loaded(), 0);
}
