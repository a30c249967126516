//! `update` and the key table: focus, typing, fetching, stale results, cancel, paging, selection.

use crate::support::tui::*;
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::clipboard::CopyTarget;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::keymap::action_for_key;
use acs_chat_inspector::tui::state::{
    AppState, DetailTab, Field, Focus, LoadStatus, MessageSource,
};
use acs_chat_inspector::tui::state::{Overlay, Slot};
use acs_chat_inspector::tui::update::{Effect, Request, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

#[test]
fn focus_cycles_through_fields_and_panels_both_ways() {
    let mut s = state(80, 24);
    s.focus = Focus::Field(Field::Endpoint);
    let mut seen = vec![s.focus];
    for _ in 0..6 {
        press(&mut s, KeyCode::Tab);
        seen.push(s.focus);
    }
    assert_eq!(
        seen,
        [
            Focus::Field(Field::Endpoint),
            Focus::Field(Field::Token),
            Focus::Field(Field::Thread),
            Focus::Field(Field::Message),
            Focus::Timeline,
            Focus::Details,
            Focus::Field(Field::Endpoint),
        ]
    );
    press(&mut s, KeyCode::BackTab);
    assert_eq!(s.focus, Focus::Details);
}

#[test]
fn a_focused_field_types_q_and_question_mark() {
    let mut s = state(80, 24);
    s.focus = Focus::Field(Field::Thread);
    for c in ['q', '?', 'r', 'j'] {
        press(&mut s, KeyCode::Char(c));
    }
    assert_eq!(s.value(Field::Thread), "q?rj");
    assert!(!s.quit && s.overlays.help().is_none());
}

#[test]
fn q_quits_outside_fields_and_ctrl_c_quits_anywhere() {
    let mut s = state(80, 24);
    s.focus = Focus::Timeline;
    assert!(matches!(
        press(&mut s, KeyCode::Char('q'))[..],
        [Effect::Quit]
    ));
    let mut s = state(80, 24);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert!(matches!(action_for_key(&s, ctrl_c), Some(Action::Quit)));
    s.overlays.push(Overlay::Help(0));
    assert!(matches!(action_for_key(&s, ctrl_c), Some(Action::Quit)));
}

#[test]
fn esc_leaves_the_field_so_keys_work() {
    let mut s = state(80, 24);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.focus, Focus::Timeline);
    press(&mut s, KeyCode::Char('?'));
    assert!(s.overlays.help().is_some());
    press(&mut s, KeyCode::Esc);
    assert!(s.overlays.help().is_none());
}

#[test]
fn paste_goes_into_the_focused_field_on_one_line() {
    let mut s = state(80, 24);
    s.focus = Focus::Field(Field::Token);
    update(&mut s, Action::Paste(format!("  {}\n", token())));
    assert_eq!(s.value(Field::Token), token());
}

/// The slots loading, in slot order.
fn loading(s: &AppState) -> Vec<Slot> {
    s.loads.loading().map(|(slot, _)| slot).collect()
}

#[test]
fn fetch_starts_every_request_with_distinct_ids() {
    let mut s = filled(80, 24, true);
    let effects = update(&mut s, Action::Fetch);
    let mut ids: Vec<u64> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::Fetch { request_id, .. } => Some(*request_id),
            _ => None,
        })
        .collect();
    assert_eq!(
        loading(&s),
        Slot::ALL
            .iter()
            .copied()
            .filter(|s| s.is_fetched_data())
            .collect::<Vec<_>>()
    );
    let started = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), started, "each request has its own id");
    assert_eq!(s.tab, DetailTab::Message);
}

#[test]
fn bad_input_makes_no_request_and_says_why() {
    let cases = [
        ("", "token", THREAD_ID, "endpoint"),
        (
            "https://x.communication.azure.com",
            "",
            THREAD_ID,
            "no token",
        ),
        (
            "https://x.communication.azure.com",
            "endpoint=https://x/;accesskey=abc",
            THREAD_ID,
            "connection string",
        ),
        (
            "https://x.communication.azure.com",
            "TOKEN",
            "19:a b@thread.v2",
            "malformed thread id",
        ),
    ];
    for (endpoint, tok, thread, expected) in cases {
        let mut s = state(80, 24);
        s.set_value(Field::Endpoint, endpoint);
        let tok = if tok == "TOKEN" {
            token()
        } else {
            tok.to_string()
        };
        s.set_value(Field::Token, &tok);
        s.set_value(Field::Thread, thread);
        assert!(update(&mut s, Action::Fetch).is_empty(), "{expected}");
        let error = s.input_error.clone().map(|e| e.text).unwrap_or_default();
        assert!(error.contains(expected), "{expected}: {error}");
    }
}

#[test]
fn only_endpoint_and_token_lists_the_threads() {
    let mut s = filled(80, 24, false);
    s.set_value(Field::Thread, "");
    let effects = update(&mut s, Action::Fetch);
    assert_eq!(
        loading(&s),
        [Slot::Threads],
        "only the thread list is asked for"
    );
    assert_eq!(s.tab, DetailTab::Threads);
    let id = request_id(&effects, |r| *r == Request::Threads);
    update(
        &mut s,
        answer(id, Answer::ThreadsPage(page(thread_items(), false))),
    );
    s.focus = Focus::Details;
    update(&mut s, Action::ScrollDown);
    let effects = update(&mut s, Action::Activate);
    assert_eq!(s.value(Field::Thread), "19:demo-standup@thread.v2");
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Fetch { request: Request::Thread { thread_id }, .. } if thread_id == "19:demo-standup@thread.v2")));
}

#[test]
fn a_stale_result_is_discarded() {
    let mut s = filled(80, 24, false);
    let old = start_fetch(&mut s);
    let new = start_fetch(&mut s);
    assert_ne!(old.thread, new.thread);
    update(
        &mut s,
        answer(old.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    assert!(s.thread.is_none() && s.status(Slot::Thread).is_loading());
    update(
        &mut s,
        answer(old.messages, Answer::MessagesPage(page(messages(), false))),
    );
    assert_eq!(s.timeline.data.loaded(), 0);
    update(
        &mut s,
        answer(new.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    assert!(s.thread.is_some());
}

#[test]
fn a_new_fetch_cancels_the_running_requests() {
    let mut s = filled(80, 24, false);
    let old = start_fetch(&mut s);
    let effects = update(&mut s, Action::Fetch);
    for id in [
        old.thread,
        old.messages,
        old.participants,
        old.receipts,
        old.threads,
    ] {
        assert!(
            effects
                .iter()
                .any(|e| matches!(e, Effect::Cancel(c) if *c == id)),
            "{id}"
        );
    }
}

#[test]
fn esc_cancels_loading_at_once_and_late_results_are_ignored() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    update(
        &mut s,
        Action::Retrying {
            request_id: ids.thread,
            attempt: 1,
            max: 3,
            delay: std::time::Duration::from_secs(2),
            reason: "throttled".into(),
        },
    );
    let effects = press(&mut s, KeyCode::Esc);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel(c) if *c == ids.thread))
    );
    assert!(!s.is_loading() && s.retry.is_none());
    assert!(matches!(s.status(Slot::Thread), LoadStatus::Cancelled));
    update(
        &mut s,
        answer(ids.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    assert!(s.thread.is_none());
}

#[test]
fn errors_land_in_their_panel() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let e = service_error(404, Some("NotFound"), None);
    update(&mut s, answer(ids.thread, Answer::Thread(Err(e))));
    assert!(
        matches!(&s.status(Slot::Thread), LoadStatus::Failed(AcsError::Service(e)) if e.status == 404)
    );
}

#[test]
fn scrolling_near_the_end_asks_for_the_next_page_once() {
    let mut s = filled(80, 40, false);
    let ids = start_fetch(&mut s);
    let many: Vec<_> = (0..100)
        .map(|i| {
            let mut m = seed_message();
            m.id = format!("m{i}");
            m.sequence_id = (1000 - i).to_string();
            m
        })
        .collect();
    let effects = update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(many, true))),
    );
    assert!(effects.is_empty(), "the first screen is far from the end");
    assert_eq!(s.timeline.data.loaded(), 100);
    let mut asked = 0;
    for _ in 0..99 {
        asked += update(&mut s, Action::ScrollDown)
            .iter()
            .filter(|e| matches!(e, Effect::MoreMessages(id) if *id == ids.messages))
            .count();
    }
    assert_eq!(asked, 1);
    assert!(s.timeline.page_pending && s.status(Slot::Timeline).is_loading());
    update(
        &mut s,
        answer(
            ids.messages,
            Answer::MessagesPage(page(vec![seed_message()], false)),
        ),
    );
    assert_eq!(s.timeline.data.loaded(), 101);
    assert!(!s.timeline.has_more && !s.status(Slot::Timeline).is_loading());
}

#[test]
fn moving_in_the_timeline_shows_that_message() {
    let mut s = loaded(80, 24, true);
    assert_eq!(s.message_source, MessageSource::Fetched);
    let row = s.timeline.selected;
    assert_eq!(
        s.timeline.data.row(row).unwrap().message().id,
        SEED_ID,
        "opens on the fetched message"
    );
    update(&mut s, Action::ScrollDown);
    assert_eq!(s.message_source, MessageSource::Timeline);
    assert_eq!(s.shown_message().unwrap().sequence_id, "2");
    update(&mut s, Action::Last);
    assert_eq!(s.shown_message().unwrap().sequence_id, "1");
    update(&mut s, Action::ToggleOrder);
    assert_eq!(
        s.shown_message().unwrap().sequence_id,
        "1",
        "the selection stays on the message"
    );
}

#[test]
fn jump_by_id_and_sequence() {
    let mut s = loaded(80, 24, false);
    for (needle, seq) in [("1591768300000", "4"), ("#6", "6"), ("2", "2")] {
        update(&mut s, Action::StartJump);
        update(&mut s, Action::Paste(needle.into()));
        update(&mut s, Action::PromptSubmit);
        assert_eq!(s.shown_message().unwrap().sequence_id, seq, "{needle}");
    }
    update(&mut s, Action::StartJump);
    update(&mut s, Action::Paste("999".into()));
    update(&mut s, Action::PromptSubmit);
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("no loaded message")
    );
}

#[test]
fn typing_in_the_prompt_does_not_trigger_keys() {
    let mut s = loaded(80, 24, false);
    press(&mut s, KeyCode::Char('/'));
    for c in "quit".chars() {
        press(&mut s, KeyCode::Char(c));
    }
    assert!(!s.quit);
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.timeline.data.filter().map(|q| q.source.as_str()),
        Some("quit")
    );
    assert_eq!(s.timeline.data.len(), 0);
    press(&mut s, KeyCode::Esc);
    assert_eq!(s.timeline.data.len(), 8, "Esc clears the filter");
}

#[test]
fn reveal_toggles_the_mask() {
    let mut s = filled(80, 24, false);
    let tok = token();
    let tail = &tok[tok.len() - 20..];
    assert!(!render_at(&s, 200, 24).contains(tail));
    press(&mut s, KeyCode::Char('s'));
    assert!(s.fields.token_revealed);
    assert!(render_at(&s, 200, 24).contains(tail));
    press(&mut s, KeyCode::Char('s'));
    assert!(!render_at(&s, 200, 24).contains(tail));
}

#[test]
fn receipts_count_readers_per_message() {
    let s = loaded(80, 24, false);
    let t = &s.timeline.data;
    let count = |seq| t.read_count(seq);
    assert_eq!((count(8), count(4), count(3), count(1)), (1, 1, 2, 2));
}

#[test]
fn enter_in_a_field_fetches_and_moves_focus_to_the_results() {
    let mut s = filled(80, 24, false);
    s.focus = Focus::Field(Field::Thread);
    press(&mut s, KeyCode::Enter);
    let expected = [
        Slot::Thread,
        Slot::Timeline,
        Slot::Participants,
        Slot::Receipts,
        Slot::Threads,
    ];
    assert_eq!(
        loading(&s),
        expected,
        "everything but a message (none named)"
    );
    assert_eq!(s.focus, Focus::Timeline);
}

#[test]
fn an_expired_token_warns_but_still_fetches() {
    let mut s = filled(80, 24, false);
    s.now += chrono::Duration::days(2);
    assert!(!update(&mut s, Action::Fetch).is_empty());
    let notice = s.notice.clone().unwrap();
    assert!(notice.text.contains("expired"), "{}", notice.text);
}

#[test]
fn help_scroll_stops_at_its_last_line() {
    let mut s = state(80, 24);
    s.focus = Focus::Timeline;
    update(&mut s, Action::ToggleHelp);
    for _ in 0..500 {
        update(&mut s, Action::ScrollDown);
    }
    let end = render(&s);
    update(&mut s, Action::ScrollDown);
    assert_eq!(render(&s), end, "scrolling past the end changes nothing");
    // The box's last row shows the help's last line: no blank page was scrolled to.
    let bottom = end.lines().nth(21).unwrap();
    let inside = bottom.split('┃').nth(1).unwrap_or_default();
    assert!(!inside.trim().is_empty(), "{end}");
}

#[test]
fn jumping_to_an_unloaded_message_id_fetches_it() {
    let mut s = loaded(80, 24, false);
    update(&mut s, Action::StartJump);
    update(&mut s, Action::Paste("1700000000000".into()));
    let effects = update(&mut s, Action::PromptSubmit);
    assert!(effects.iter().any(|e| matches!(e,
        Effect::Fetch { request: Request::Message { message_id, .. }, .. } if message_id == "1700000000000")));
    assert!(s.status(Slot::Message).is_loading() && s.tab == DetailTab::Message);
    assert_eq!(s.value(Field::Message), "1700000000000");
}

#[test]
fn list_tabs_take_focus_and_capital_j_scrolls_details_from_the_timeline() {
    let mut s = loaded(80, 24, true);
    press(&mut s, KeyCode::Char('3'));
    assert_eq!(s.focus, Focus::Details);
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(s.participants.selected, 1);
    s.focus = Focus::Timeline;
    press(&mut s, KeyCode::Char('2'));
    assert_eq!(s.focus, Focus::Timeline);
    press(&mut s, KeyCode::Char('J'));
    press(&mut s, KeyCode::Char('J'));
    assert_eq!(s.detail_scroll, 2);
    assert_eq!(
        s.shown_message().unwrap().id,
        SEED_ID,
        "the timeline did not move"
    );
}

#[test]
fn raw_view_of_a_failed_panel_shows_its_exchange_and_esc_closes_it() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let url = "http://127.0.0.1:8080/chat/threads/x?api-version=2025-03-15";
    // A body taller than the screen, so the view can scroll.
    let body = serde_json::to_string(&vec![serde_json::json!({"error": "NotFound"}); 40]).unwrap();
    update(
        &mut s,
        Action::ExchangeLogged {
            request_id: ids.thread,
            exchange: exchange_with(url, 404, &body, 7),
        },
    );
    update(
        &mut s,
        Action::ExchangeLogged {
            request_id: ids.messages,
            exchange: exchange_with(url, 200, "{}", 8),
        },
    );
    let error = service_error(404, None, None);
    update(&mut s, answer(ids.thread, Answer::Thread(Err(error))));
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    s.focus = Focus::Details;
    press(&mut s, KeyCode::Char('r'));
    assert_eq!(s.overlays.raw().as_ref().map(|r| r.exchange.seq), Some(7));
    press(&mut s, KeyCode::Char('j'));
    assert_eq!(s.overlays.raw().as_ref().unwrap().scroll, 1);
    press(&mut s, KeyCode::Esc);
    assert!(s.overlays.raw().is_none() && !s.quit);
}

#[test]
fn request_log_opens_the_raw_view_of_the_selected_exchange() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let url = "http://127.0.0.1:8080/chat/threads?api-version=2025-03-15";
    for seq in 1..=3 {
        update(
            &mut s,
            Action::ExchangeLogged {
                request_id: ids.threads,
                exchange: exchange_with(url, 200, "{}", seq),
            },
        );
    }
    press(&mut s, KeyCode::Char('l'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.overlays.raw().as_ref().map(|r| r.exchange.seq),
        Some(2),
        "second newest"
    );
    press(&mut s, KeyCode::Esc);
    assert!(
        s.overlays.raw().is_none() && s.overlays.log().is_some(),
        "Esc closes the raw view, then the log"
    );
    press(&mut s, KeyCode::Esc);
    assert!(s.overlays.log().is_none());
    press(&mut s, KeyCode::Char('l'));
    press(&mut s, KeyCode::Char('q'));
    assert!(s.quit, "q quits from an overlay too");
}

#[test]
fn raw_view_without_an_answer_says_so() {
    let mut s = state(80, 24);
    s.focus = Focus::Timeline;
    press(&mut s, KeyCode::Char('r'));
    assert!(s.overlays.raw().is_none());
    assert!(s.notice.unwrap().text.contains("no response here yet"));
}

#[test]
fn copy_menu_offers_id_ms_cv_json_body_and_curl_without_the_token() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let url =
        "http://127.0.0.1:8080/chat/threads/19%3Ademo-lunch%40thread.v2?api-version=2025-03-15";
    let body = serde_json::to_string(&thread()).unwrap();
    let exchange = exchange_with(url, 200, &body, 1);
    let result = Ok(acs_chat_inspector::acs::Fetched {
        value: thread(),
        exchange,
    });
    update(&mut s, answer(ids.thread, Answer::Thread(result)));
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    s.focus = Focus::Details;
    press(&mut s, KeyCode::Char('y'));
    let labels: Vec<&str> = s
        .overlays
        .copy_menu()
        .unwrap()
        .choices
        .iter()
        .map(|c| c.target.label())
        .collect();
    assert_eq!(
        labels,
        ["id", "MS-CV", "panel JSON", "raw body", "curl command"]
    );
    assert_eq!(
        s.overlays.copy_menu().as_ref().unwrap().choices[0].text,
        THREAD_ID
    );
    let curl = s.overlays.copy_menu().as_ref().unwrap().choices[4]
        .text
        .clone();
    assert!(
        curl.contains("$AZURE_COMMUNICATION_ACCESS_TOKEN")
            && curl.contains("19%3Ademo-lunch%40thread.v2")
    );
    assert!(!curl.contains(&token()[..40]));
    let effects = press(&mut s, KeyCode::Char('m'));
    assert!(matches!(&effects[..],
        [Effect::Copy { target: CopyTarget::MsCv, text }] if text == "JduJle7LhkONxaJnLYlU7Q.0"));
    assert!(s.overlays.copy_menu().is_none());
    update(
        &mut s,
        Action::Copied(Err("not copied: the text contains the access token".into())),
    );
    assert!(s.notice.as_ref().unwrap().text.contains("not copied"));
}

#[test]
fn v_switches_the_api_version_for_the_next_fetch() {
    let mut s = filled(80, 24, false);
    press(&mut s, KeyCode::Char('v'));
    assert_eq!(s.settings.api_version, "2024-03-15-preview");
    let effects = update(&mut s, Action::Fetch);
    assert!(effects.iter().all(|e| match e {
        Effect::Fetch { config, .. } => config.api_version == "2024-03-15-preview",
        _ => true,
    }));
}

#[test]
fn enter_on_a_read_receipt_shows_the_message_it_was_sent_for() {
    let mut s = loaded(80, 24, false);
    press(&mut s, KeyCode::Char('4'));
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, DetailTab::Message);
    assert_eq!(
        s.shown_message().unwrap().id,
        SEED_ID,
        "Bob's receipt is for the seed message"
    );
    assert_eq!(s.focus, Focus::Timeline);
}

#[test]
fn opened_threads_are_remembered_and_capital_r_reopens_them() {
    let mut s = filled(80, 24, false);
    s.settings.remember_as = Some(String::new());
    s.settings.state_file = Some("/nonexistent/state.json".into());
    let ids = start_fetch(&mut s);
    let effects = update(
        &mut s,
        answer(ids.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    assert!(matches!(&effects[..],
        [Effect::RememberThread { file, profile, thread_id }]
            if profile.is_empty() && thread_id == THREAD_ID && file.ends_with("state.json")));
    s.recent.ids.push("19:older@thread.v2".into());
    let effects = press(&mut s, KeyCode::Char('R'));
    assert_eq!(
        s.value(Field::Thread),
        "19:older@thread.v2",
        "the open thread is skipped"
    );
    assert!(effects.iter().any(|e| matches!(
        e,
        Effect::Fetch {
            request: Request::Thread { .. },
            ..
        }
    )));

    let mut demo = filled(80, 24, false);
    let ids = start_fetch(&mut demo);
    let effects = update(
        &mut demo,
        answer(ids.thread, Answer::Thread(Ok(fetched(thread())))),
    );
    assert!(
        effects.is_empty(),
        "nothing is remembered without a profile to remember under"
    );
}

#[test]
fn last_keeps_loading_pages_until_the_end_of_the_thread() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let batch = |from: u64| -> Vec<_> {
        (from..from + 50)
            .map(|i| {
                let mut m = seed_message();
                m.id = (1_600_000_000_000u64 + i).to_string();
                m.sequence_id = (1_000 - i).to_string();
                m
            })
            .collect()
    };
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(batch(0), true))),
    );
    let effects = update(&mut s, Action::Last);
    assert!(
        effects.iter().any(|e| matches!(e, Effect::MoreMessages(_))),
        "G asks for the next page"
    );
    let effects = update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(batch(50), true))),
    );
    assert_eq!(s.timeline.selected, 99, "the selection follows the end");
    assert!(
        effects.iter().any(|e| matches!(e, Effect::MoreMessages(_))),
        "and asks for more"
    );
    let effects = update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(batch(100), false))),
    );
    assert_eq!(s.timeline.selected, 149);
    assert!(effects.is_empty(), "nothing more to load");
    assert!(!s.timeline.follow_end);
}

#[test]
fn moving_up_stops_following_the_end() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let many: Vec<_> = (0..50u64)
        .map(|i| {
            let mut m = seed_message();
            m.id = (1_600_000_000_000u64 + i).to_string();
            m
        })
        .collect();
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(many, true))),
    );
    update(&mut s, Action::Last);
    assert!(s.timeline.follow_end);
    update(&mut s, Action::ScrollUp);
    assert!(!s.timeline.follow_end);
}

/// A token pasted into the thread field, or echoed back by a service: the screen never shows it.
#[test]
fn a_token_in_the_wrong_place_is_masked_on_screen() {
    use crate::support::tokens::{holds_jwt, valid_now};
    use acs_chat_inspector::tui::state::Level;
    let token = valid_now();
    let below_fields = |s: &AppState| -> String {
        render_at(s, 120, 40)
            .lines()
            .skip(4)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let mut s = filled(120, 40, false);
    s.set_value(Field::Thread, &token);
    // Enter with a token for a thread id: the status names the mistake, the token masked.
    s.focus = Focus::Field(Field::Thread);
    press(&mut s, KeyCode::Enter);
    let error = s
        .input_error
        .clone()
        .expect("a token is not a thread id")
        .text;
    assert!(error.contains("looks like an access token"), "{error}");
    let shown = below_fields(&s);
    assert!(shown.contains("masked token"), "{shown}");
    assert!(!holds_jwt(&shown), "{shown}");

    s.input_error = None;
    s.notify(Level::Warn, format!("the service echoed {token}"));
    let shown = below_fields(&s);
    assert!(
        shown.contains("the service echoed [masked token"),
        "{shown}"
    );
    assert!(!holds_jwt(&shown), "{shown}");

    s.loads.set(
        Slot::Thread,
        LoadStatus::Failed(AcsError::BadInput(format!("bad thread id {token}"))),
    );
    let shown = below_fields(&s);
    assert!(!holds_jwt(&shown), "{shown}");
}
