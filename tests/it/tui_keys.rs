//! Keys: any key sequence leaves a consistent state.

use crate::support::tui::*;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::keymap::action_for_key;
use acs_chat_inspector::tui::update::update;
use proptest::prelude::*;
use ratatui::crossterm::event::KeyCode;
use ratatui::crossterm::event::KeyEvent;
use ratatui::crossterm::event::KeyModifiers;

#[derive(Debug, Clone)]
enum Step {
    Key(KeyCode, KeyModifiers),
    Resize(u16, u16),
    Paste(String),
}

fn step() -> impl Strategy<Value = Step> {
    let keys = prop_oneof![
        "[a-zA-Z0-9?/:#\\[\\] ]".prop_map(|s| KeyCode::Char(s.chars().next().unwrap())),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::Backspace),
    ];
    let mods = prop_oneof![Just(KeyModifiers::NONE), Just(KeyModifiers::SHIFT)];
    prop_oneof![
        8 => (keys, mods).prop_map(|(k, m)| Step::Key(k, m)),
        1 => (0u16..200, 0u16..70).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => "\\PC{0,40}".prop_map(Step::Paste),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn any_input_keeps_the_state_consistent(steps in proptest::collection::vec(step(), 1..60)) {
        let mut s = loaded(80, 24, true);
        for step in steps {
            let action = match step {
                Step::Key(code, mods) => action_for_key(&s, KeyEvent::new(code, mods)),
                Step::Resize(width, height) => Some(Action::Resize { width, height }),
                Step::Paste(text) => Some(Action::Paste(text)),
            };
            if let Some(action) = action {
                update(&mut s, action);
            }
            if s.quit {
                break;
            }
            let t = &s.timeline;
            prop_assert!(t.data.is_empty() || t.selected < t.data.len());
            prop_assert!(s.participants.selected <= s.participants.items.len());
            if let Some(raw) = &s.overlays.raw() {
                prop_assert!(raw.scroll <= raw.lines.len());
            }
            render(&s);
        }
    }
}
