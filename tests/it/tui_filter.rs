//! The timeline filter: live as it is typed, over what each row shows (system events, names, raw
//! ids and their GUIDs, "deleted", "edited"), a small query language, matches marked, and the
//! selection kept on Esc.

use crate::support::tui::*;
use acs_chat_inspector::tui::state::AppState;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::Color;

/// `/` and the text typed, without Enter.
fn type_filter(s: &mut AppState, text: &str) {
    press(s, KeyCode::Char('/'));
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

fn shown(s: &AppState) -> Vec<u64> {
    (0..s.timeline.data.len())
        .map(|row| s.timeline.data.row(row).unwrap().seq)
        .collect()
}

#[test]
fn the_filter_applies_as_it_is_typed_and_finds_the_system_events_of_a_name() {
    let mut s = loaded(80, 24, false);
    type_filter(&mut s, "Jane");
    // Without Enter: Jane's two messages, and the removal, addition and topic change she made.
    assert_eq!(shown(&s), [7, 5, 3, 2, 1]);
    assert!(
        render(&s).contains("filter \"Jane\": 5 of 8"),
        "{}",
        render(&s)
    );
}

#[test]
fn words_find_deleted_edited_raw_ids_and_their_guids() {
    let mut s = loaded(80, 24, false);
    let cases: [(&str, &[u64]); 5] = [
        ("deleted", &[6]),
        ("edited", &[5]),
        // Bob's raw id: his messages, and the event that added him.
        (BOB, &[8, 6, 4, 2]),
        ("0000000000b0", &[8, 6, 4, 2]),
        ("carol", &[7]),
    ];
    for (text, expected) in cases {
        type_filter(&mut s, text);
        assert_eq!(shown(&s), expected, "{text}");
        press(&mut s, KeyCode::Esc);
    }
}

#[test]
fn the_query_language_narrows_by_sender_type_state_attachments_and_time() {
    let mut s = loaded(80, 24, false);
    let cases: [(&str, &[u64]); 8] = [
        ("from:bob", &[8, 6, 4]),
        ("from:0e59221d", &[7, 5, 3, 2, 1]),
        ("type:html", &[4]),
        ("type:added", &[2]),
        ("is:deleted", &[6]),
        ("is:edited from:jane", &[5]),
        ("has:attachment", &[8]),
        ("before:2026-01-15T11:45:00Z", &[2, 1]),
    ];
    for (text, expected) in cases {
        type_filter(&mut s, text);
        assert_eq!(shown(&s), expected, "{text}");
        press(&mut s, KeyCode::Enter);
        press(&mut s, KeyCode::Esc);
    }
    type_filter(&mut s, "is:pinned");
    let screen = render(&s);
    assert!(
        screen.contains("is: takes deleted, edited or system"),
        "{screen}"
    );
}

#[test]
fn esc_in_the_prompt_and_clearing_the_filter_keep_the_selected_message() {
    let mut s = loaded(80, 24, false);
    // Select "Make it 20 minutes" (#5), the fourth row.
    for _ in 0..3 {
        press(&mut s, KeyCode::Char('j'));
    }
    assert_eq!(s.selected_message().unwrap().sequence_id, "5");
    type_filter(&mut s, "jane");
    assert_eq!(s.selected_message().unwrap().sequence_id, "5");
    press(&mut s, KeyCode::Esc);
    assert_eq!(
        shown(&s).len(),
        8,
        "Esc in the prompt undoes the live filter"
    );
    assert_eq!(s.selected_message().unwrap().sequence_id, "5");
    type_filter(&mut s, "jane");
    press(&mut s, KeyCode::Enter);
    press(&mut s, KeyCode::Esc);
    assert_eq!(shown(&s).len(), 8, "Esc outside the prompt clears it");
    assert_eq!(
        s.selected_message().unwrap().sequence_id,
        "5",
        "not the top"
    );
}

#[test]
fn matches_are_marked_in_the_rows() {
    let mut s = loaded(100, 30, false);
    type_filter(&mut s, "minutes");
    press(&mut s, KeyCode::Enter);
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).unwrap();
    terminal
        .draw(|f| acs_chat_inspector::tui::view::render(&s, f))
        .unwrap();
    let buffer = terminal.backend().buffer();
    let text = buffer_text(buffer);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Make it 20 minutes"))
        .expect("the row is shown");
    let x = line[..line.find("minutes").unwrap()].chars().count();
    let cell = &buffer[(x as u16, y as u16)];
    assert_eq!(cell.symbol(), "m");
    assert_eq!(cell.bg, Color::Yellow, "the match is marked");
}

#[test]
fn the_prompt_keeps_what_was_typed_in_sight_while_a_problem_is_shown_beside_it() {
    let mut s = loaded(80, 24, false);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    press(&mut s, KeyCode::Char('/'));
    // "from:" alone is a problem the prompt names beside the text; each key is drawn.
    for c in "from:jane".chars() {
        press(&mut s, KeyCode::Char(c));
        terminal
            .draw(|f| acs_chat_inspector::tui::view::render(&s, f))
            .unwrap();
    }
    let screen = buffer_text(terminal.backend().buffer());
    let status = screen.lines().last().unwrap_or("");
    assert!(status.contains("filter / from:jane"), "{screen}");
}
