//! A 100,000-message timeline builds lines only for the rows on screen.
//! (Alone in its file: it reads a process-wide counter.)

use crate::support::tui::*;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::update::update;
use acs_chat_inspector::tui::view::layout::timeline_rows;
use acs_chat_inspector::tui::view::timeline::{ROWS_FORMATTED, rows, window};

#[test]
fn only_visible_rows_are_formatted() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let template = seed_message();
    let many: Vec<_> = (0..100_000u64)
        .map(|i| {
            let mut m = template.clone();
            m.id = format!("{}", 1_600_000_000_000u64 + i);
            m.sequence_id = (100_000 - i).to_string();
            m
        })
        .collect();
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(many, true))),
    );
    assert_eq!(s.timeline.data.loaded(), 100_000);
    let visible = timeline_rows(s.size);
    assert_eq!(visible, 5);

    let before = ROWS_FORMATTED.get();
    let screen = render(&s);
    assert_eq!(ROWS_FORMATTED.get() - before, visible);
    assert!(screen.contains("100000 loaded, more available"), "{screen}");

    for _ in 0..10_000 {
        update(&mut s, Action::PageDown);
    }
    let range = window(
        s.timeline.data.len(),
        s.timeline.selected,
        s.timeline.offset,
        visible,
    );
    assert_eq!(range.len(), visible);
    assert_eq!(rows(&s, range, 78).len(), visible);
    let before = ROWS_FORMATTED.get();
    let screen = render(&s);
    assert_eq!(ROWS_FORMATTED.get() - before, visible);
    assert!(
        screen.contains("▶"),
        "the selection is on screen:\n{screen}"
    );
}
