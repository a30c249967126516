//! Live mode in the TUI's real loop (`w`): new messages come in at the top with a marker and a
//! count, edits change their rows in place, the status says when the thread was last checked, and
//! `w` again stops watching.

use std::time::Duration;

use crate::support::tui::Emulated;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::activity::Change;
use acs_chat_inspector::tui::app;
use ratatui::crossterm::event::KeyCode;

/// The demo thread's next change, made by the emulator's activity.
fn step(h: &Emulated) -> Change {
    let state = h.emulator.state();
    state.activity().step(state.store()).unwrap()
}

#[tokio::test]
async fn live_mode_brings_new_messages_to_the_top_and_edits_in_place() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| {
        s.settings.live_interval = Duration::from_millis(50);
        app::start(s)
    })
    .await;
    h.until("everything", |s| !s.is_loading()).await;
    let before = h.lp.state.timeline.data.loaded();

    h.key(KeyCode::Char('w')).await;
    h.until("the first poll", |s| {
        s.live.as_ref().is_some_and(|l| l.checked_at.is_some())
    })
    .await;
    assert!(h.screen().contains("live · checked"), "{}", h.screen());
    // A notice too long to sit beside the hints wraps, and live mode's state stays in front of it.
    h.lp.state.notify(
        acs_chat_inspector::tui::state::Level::Info,
        "a notice long enough to need the whole width of the status line and then some more words",
    );
    h.lp.dispatch(acs_chat_inspector::tui::action::Action::Tick)
        .unwrap();
    assert!(h.screen().contains(" live · checked"), "{}", h.screen());

    let added = step(&h);
    h.until("the new message", |s| {
        s.timeline.data.loaded() == before + 1
    })
    .await;
    let top = h.lp.state.timeline.data.entry(0).unwrap().message();
    assert_eq!(top.id, added.message_id, "the newest message is on top");
    let live = h.lp.state.live.as_ref().unwrap();
    assert!(live.new.contains(&added.message_id));
    let screen = h.screen();
    let row = screen
        .lines()
        .find(|l| l.contains('●'))
        .unwrap_or_else(|| panic!("no new-message marker:\n{screen}"));
    assert!(row.contains(top.text().get(..10).unwrap_or("")), "{row}");
    assert!(
        screen.contains("● new") || screen.contains("●new"),
        "the legend explains the marker:\n{screen}"
    );

    // Step on until an edit: the edited message keeps its row and gets its new text.
    let edit = loop {
        let change = step(&h);
        if change.event == "edited" {
            break change;
        }
    };
    let id = edit.message_id.clone();
    h.until("the edit", |s| {
        let data = &s.timeline.data;
        data.find(&id)
            .and_then(|i| data.entry(i))
            .is_some_and(|e| e.message().is_edited())
    })
    .await;

    h.key(KeyCode::Char('w')).await;
    assert!(h.lp.state.live.is_none());
    assert!(h.screen().contains("live mode off"), "{}", h.screen());
}

/// `--demo --activity`: live mode turns itself on once the thread is in, and the demo moves.
#[tokio::test]
async fn the_demo_with_activity_starts_live_by_itself() {
    let mut h = Emulated::starting(EmulatorConfig::default(), |s, _| {
        s.settings.live_interval = Duration::from_millis(50);
        s.settings.live_at_start = true;
        app::start(s)
    })
    .await;
    h.until("live mode", |s| s.live.is_some()).await;
    assert!(!h.lp.state.settings.live_at_start, "only once");
    let before = h.lp.state.timeline.data.loaded();
    let added = step(&h);
    h.until("the new message", |s| {
        s.timeline.data.loaded() == before + 1
    })
    .await;
    let top = h.lp.state.timeline.data.entry(0).unwrap().message();
    assert_eq!(top.id, added.message_id);
    // w still turns it off.
    h.key(KeyCode::Char('w')).await;
    assert!(h.lp.state.live.is_none());
}
