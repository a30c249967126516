//! The raw view: a timeline row's own JSON (p for the page it came in), search with / and n, and
//! the failed attempts of a retried request listed under it.

use crate::support::tui::*;
use acs_chat_inspector::acs::FailedAttempt;
use acs_chat_inspector::tui::action::{Action, Answer};
use acs_chat_inspector::tui::raw::RawScope;
use acs_chat_inspector::tui::state::{AppState, Focus};
use acs_chat_inspector::tui::update::update;
use ratatui::crossterm::event::KeyCode;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

/// The demo thread loaded, its messages page carrying their JSON as the service sent it.
fn with_page_body() -> AppState {
    let mut s = filled(100, 30, false);
    let ids = start_fetch(&mut s);
    let body = json!({ "value": messages(), "nextLink": null }).to_string();
    let exchange = exchange_with(
        "http://127.0.0.1:8080/chat/threads/19%3Ademo-lunch%40thread.v2/messages?api-version=2025-03-15",
        200,
        &body,
        7,
    );
    let page = acs_chat_inspector::tui::action::PageOutcome {
        result: Ok(acs_chat_inspector::acs::Fetched {
            value: acs_chat_inspector::acs::Page {
                value: messages(),
                next_link: None,
            },
            exchange,
        }),
        has_more: false,
    };
    update(&mut s, answer(ids.messages, Answer::MessagesPage(page)));
    s.focus = Focus::Timeline;
    s
}

fn raw_text(s: &AppState) -> String {
    s.overlays
        .raw()
        .unwrap()
        .lines
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect()
}

#[test]
fn r_on_a_timeline_row_shows_that_message_and_p_the_whole_page() {
    let mut s = with_page_body();
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Char('r'));
    let view = s.overlays.raw().unwrap();
    assert_eq!(view.scope, RawScope::Message("1591768450000".into()));
    let text = raw_text(&s);
    assert!(text.contains("\"participantRemoved\""), "{text}");
    // The message first, with the page's status and MS-CV (for a ticket) above it.
    let top: Vec<&str> = text.lines().take(3).collect();
    assert!(top[0].contains("Message 1591768450000"), "{text}");
    assert!(
        top[1].contains("200 OK") && top[1].contains("MS-CV: JduJle7LhkONxaJnLYlU7Q.0"),
        "{text}"
    );
    assert!(
        !text.contains("Photos from the place"),
        "another message: {text}"
    );
    press(&mut s, KeyCode::Char('p'));
    let text = raw_text(&s);
    assert!(
        text.contains("Photos from the place"),
        "the whole page: {text}"
    );
    let screen = render(&s);
    assert!(screen.contains("p one message"), "{screen}");
}

#[test]
fn slash_searches_the_raw_view_as_it_is_typed_and_n_goes_to_the_next_match() {
    let mut s = with_page_body();
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Char('p'));
    press(&mut s, KeyCode::Char('/'));
    for c in "senderDisplayName".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let search = s.overlays.raw().unwrap().search.clone().unwrap();
    assert!(search.hits.len() >= 5, "{search:?}");
    press(&mut s, KeyCode::Enter);
    let first = s.overlays.raw().unwrap().scroll;
    press(&mut s, KeyCode::Char('n'));
    let second = s.overlays.raw().unwrap().scroll;
    assert!(second > first, "n moves to the next match");
    press(&mut s, KeyCode::Char('N'));
    assert_eq!(s.overlays.raw().unwrap().scroll, first);
    let screen = render(&s);
    assert!(screen.contains("match 1/"), "{screen}");
}

#[test]
fn a_retried_request_lists_its_failed_attempts_in_the_raw_view_and_the_log() {
    let mut s = loaded(100, 30, false);
    let mut exchange = (*exchange_with("http://127.0.0.1:8080/chat/threads", 200, "{}", 9)).clone();
    exchange.attempts = 3;
    exchange.failed_attempts = vec![
        FailedAttempt {
            status: Some(429),
            ms_cv: Some("FirstTry7LhkONxaJnLYlU.0".into()),
            reason: "throttled".into(),
            wait: Duration::from_millis(1500),
        },
        FailedAttempt {
            status: Some(503),
            ms_cv: Some("SecondTry7LhkONxaJnLY.0".into()),
            reason: "service unavailable".into(),
            wait: Duration::from_millis(2000),
        },
    ];
    update(
        &mut s,
        Action::ExchangeLogged {
            request_id: 99,
            exchange: Arc::new(exchange),
        },
    );
    press(&mut s, KeyCode::Char('l'));
    let log = render(&s);
    assert!(log.contains("↳ 429") && log.contains("↳ 503"), "{log}");
    press(&mut s, KeyCode::Enter);
    let text = raw_text(&s);
    assert!(
        text.contains(
            "429 Too Many Requests · MS-CV FirstTry7LhkONxaJnLYlU.0 · throttled, waited 1.5 s"
        ),
        "{text}"
    );
    assert!(
        text.contains("503 Service Unavailable · MS-CV SecondTry7LhkONxaJnLY.0"),
        "{text}"
    );
}

#[test]
fn a_search_near_the_end_never_scrolls_to_a_blank_page_and_counts_one_line_as_one() {
    let mut s = with_page_body();
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Char('p'));
    // The page body's last key: its only hit is on the last line but one.
    press(&mut s, KeyCode::Char('/'));
    for c in "nextLink".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    let raw = s.overlays.raw().unwrap();
    let rows = usize::from(s.size.1 - 4);
    assert_eq!(raw.search.as_ref().unwrap().hits.len(), 1);
    assert_eq!(
        raw.scroll,
        raw.lines.len() - rows,
        "the last screen is full"
    );
    press(&mut s, KeyCode::Enter);
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(notice.starts_with("1 line holds \"nextLink\""), "{notice}");
    press(&mut s, KeyCode::Char('n'));
    let raw = s.overlays.raw().unwrap();
    assert_eq!(raw.scroll, raw.lines.len() - rows);
}

#[test]
fn the_raw_view_pages_by_its_own_height_and_its_hints_fit_a_narrow_window() {
    let mut s = with_page_body();
    press(&mut s, KeyCode::Char('r'));
    press(&mut s, KeyCode::Char('p'));
    press(&mut s, KeyCode::PageDown);
    assert_eq!(s.overlays.raw().unwrap().scroll, usize::from(s.size.1 - 4));
    update(
        &mut s,
        Action::Resize {
            width: 50,
            height: 20,
        },
    );
    let screen = render(&s);
    let bottom = screen.lines().nth(usize::from(s.size.1) - 2).unwrap();
    assert!(bottom.contains("r or Esc closes ┛"), "{screen}");
}
