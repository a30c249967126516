//! Every screen a user meets, rendered into a TestBackend at a fixed clock and snapshotted.

use crate::support::tui::*;
use acs_chat_inspector::acs::AcsError;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::state::{DetailTab, Field, Focus};
use acs_chat_inspector::tui::update::update;
use insta::assert_snapshot;

#[test]
fn empty_start() {
    let screen = render(&state(80, 24));
    assert!(screen.contains("Endpoint") && screen.contains("No thread yet"));
    assert_snapshot!(screen);
}

#[test]
fn loading_shows_spinner_elapsed_and_cancel_hint() {
    let mut s = filled(80, 24, true);
    start_fetch(&mut s);
    s.now += chrono::Duration::milliseconds(1_200);
    let screen = render(&s);
    assert!(
        screen.contains("1.2 s") && screen.contains("Esc cancels"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn loaded_thread_tab() {
    let mut s = loaded(80, 24, true);
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    let screen = render(&s);
    assert!(
        screen.contains("Lunch") && screen.contains("threadCreationDate"),
        "{screen}"
    );
    assert!(
        screen.contains("2026-01-31 09:00:00 UTC"),
        "deletion date:\n{screen}"
    );
    assert!(!screen.contains(&token()), "token in clear");
    assert_snapshot!(screen);
}

#[test]
fn loaded_seed_message() {
    let s = loaded(80, 24, true);
    let screen = render(&s);
    assert!(
        screen.contains("Let's head out for lunch in 15 minutes."),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn loaded_wide_shows_panels_side_by_side() {
    let mut s = loaded(160, 40, true);
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    let screen = render(&s);
    assert!(screen.contains("Retention policy") && screen.contains("Thread metadata"));
    assert_snapshot!(screen);
}

#[test]
fn wide_message_with_attachments() {
    let mut s = loaded(160, 40, false);
    s.focus = Focus::Timeline;
    update(&mut s, Action::Activate);
    let screen = render(&s);
    assert!(screen.contains("table.png") && screen.contains("menu.pdf"));
    assert_snapshot!(screen);
}

fn select(s: &mut acs_chat_inspector::tui::state::AppState, id: &str) {
    update(s, Action::StartJump);
    update(s, Action::Paste(id.into()));
    update(s, Action::PromptSubmit);
    update(s, Action::ShowTab(DetailTab::Message));
}

#[test]
fn html_message_is_readable_text() {
    let mut s = loaded(100, 40, false);
    select(&mut s, "1591768300000");
    let screen = render(&s);
    assert!(
        screen.contains("Soup") && !screen.contains("<li>"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn edited_message() {
    let mut s = loaded(100, 40, false);
    select(&mut s, "#5");
    let screen = render(&s);
    assert!(screen.contains("Edited"));
    assert_snapshot!(screen);
}

#[test]
fn deleted_message() {
    let mut s = loaded(100, 40, false);
    select(&mut s, "#6");
    let screen = render(&s);
    assert!(screen.contains("Deleted") && screen.contains("(deleted)"));
    assert_snapshot!(screen);
}

#[test]
fn system_messages() {
    let mut s = loaded(100, 40, false);
    select(&mut s, "#2");
    let added = render(&s);
    assert!(added.contains("Added") && added.contains("Bob"));
    assert_snapshot!("participant_added", added);
    select(&mut s, "#1");
    let topic = render(&s);
    assert!(topic.contains("New topic"));
    assert_snapshot!("topic_updated", topic);
}

fn thread_error(error: AcsError) -> String {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    update(&mut s, answer(ids.thread, Answer::Thread(Err(error))));
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    render(&s)
}

#[test]
fn error_401() {
    let screen = thread_error(service_error(401, None, None));
    assert!(screen.contains("401") && screen.contains("token is expired"));
    assert!(screen.contains("not expired (valid 1 d more)"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn error_403() {
    let screen = thread_error(service_error(
        403,
        Some("Forbidden"),
        Some("User is not allowed to perform specified action."),
    ));
    assert!(screen.contains("JduJle7LhkONxaJnLYlU7Q.0") && screen.contains("not a participant"));
    assert!(screen.contains("Token is     8:acs:8540c0de"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn error_404() {
    let screen = thread_error(service_error(
        404,
        Some("NotFound"),
        Some("Thread not found."),
    ));
    assert!(screen.contains("No such thread"));
    assert_snapshot!(screen);
}

#[test]
fn error_429() {
    let screen = thread_error(service_error(
        429,
        Some("TooManyRequests"),
        Some("Rate limit exceeded."),
    ));
    assert!(screen.contains("Throttled"));
    assert_snapshot!(screen);
}

#[test]
fn error_503() {
    let screen = thread_error(service_error(503, Some("ServiceUnavailable"), None));
    assert!(screen.contains("unavailable"));
    assert_snapshot!(screen);
}

#[test]
fn error_timeout() {
    let screen = thread_error(timeout_error());
    assert!(screen.contains("timed out") && screen.contains("--timeout"));
    assert_snapshot!(screen);
}

#[test]
fn error_decode() {
    let screen = thread_error(decode_error());
    assert!(screen.contains("not JSON") && screen.contains("captive"));
    assert_snapshot!(screen);
}

#[test]
fn bad_input_is_explained_before_any_request() {
    let mut s = state(80, 24);
    s.set_value(Field::Endpoint, "http://contoso.communication.azure.com");
    s.set_value(Field::Token, &token());
    let effects = update(&mut s, Action::Fetch);
    assert!(effects.is_empty());
    let screen = render(&s);
    assert!(screen.contains("refusing plain http"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn retry_notice() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    update(
        &mut s,
        Action::Retrying {
            request_id: ids.thread,
            attempt: 2,
            max: 3,
            delay: std::time::Duration::from_millis(1_200),
            reason: "throttled".into(),
        },
    );
    let screen = render(&s);
    assert!(
        screen.contains("throttled, retrying in 1.2 s (2/3)"),
        "{screen}"
    );
}

/// Below 80x24 one pane shows (it used to be only "window too small"); below 30x8 nothing fits.
#[test]
fn too_small_window() {
    let s = loaded(60, 20, true);
    let screen = render(&s);
    assert!(screen.contains("fields timeline 1 2 3"), "{screen}");
    let screen = render_at(&s, 24, 6);
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("window too small (24x6), need 30x8"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn tiny_sizes_never_panic() {
    let s = loaded(80, 24, true);
    for (w, h) in [
        (1, 1),
        (2, 1),
        (40, 10),
        (79, 24),
        (80, 23),
        (0, 0),
        (300, 5),
    ] {
        render_at(&s, w, h);
    }
}

#[test]
fn help_overlay_lists_every_key() {
    let mut s = loaded(80, 40, true);
    update(&mut s, Action::ToggleHelp);
    let screen = render(&s);
    assert!(
        screen.contains("Ctrl-C") && screen.contains("Shift-Tab"),
        "{screen}"
    );
    let help: String = acs_chat_inspector::tui::view::help::lines(500)
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect();
    for binding in acs_chat_inspector::tui::keymap::BINDINGS
        .iter()
        .filter(|b| !b.label.is_empty())
    {
        assert!(
            help.contains(binding.label) && help.contains(binding.description),
            "{binding:?}"
        );
    }
    assert_snapshot!(screen);
}

#[test]
fn timeline_empty() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(vec![], false))),
    );
    let screen = render(&s);
    assert!(screen.contains("all 0 loaded") && screen.contains("no messages"));
    assert_snapshot!(screen);
}

#[test]
fn timeline_partial_with_more_to_load() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    // Two pages' worth on screen would start loading at once; a full page leaves the rest for scrolling.
    let mut first_page = Vec::new();
    for round in 0..3u64 {
        for mut m in messages() {
            let seq = m.sequence().unwrap() + 8 * (2 - round);
            m.id = format!("{}", 1_700_000_000_000 + seq);
            m.sequence_id = seq.to_string();
            first_page.push(m);
        }
    }
    let effects = update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(first_page, true))),
    );
    assert!(
        effects.is_empty(),
        "no page is asked for until the user scrolls"
    );
    let screen = render(&s);
    assert!(screen.contains("24 loaded, more available"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn timeline_filtered() {
    let mut s = loaded(80, 24, false);
    update(&mut s, Action::StartFilter);
    update(&mut s, Action::Paste("jane".into()));
    update(&mut s, Action::PromptSubmit);
    let screen = render(&s);
    // Jane's messages and the system events she made (it used to find 2 of them).
    assert!(screen.contains("filter \"jane\": 5 of 8"), "{screen}");
    assert!(!screen.contains("Photos from the place"));
    assert_snapshot!(screen);
}

#[test]
fn timeline_oldest_first_relative_times() {
    let mut s = loaded(100, 30, false);
    update(&mut s, Action::ToggleOrder);
    update(&mut s, Action::CycleTime);
    update(&mut s, Action::CycleTime);
    let screen = render(&s);
    assert!(
        screen.contains("oldest first") && screen.contains("min ago"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn participants_tab() {
    let mut s = loaded(100, 30, true);
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    let screen = render(&s);
    assert!(
        screen.contains("full history") && screen.contains("4:+14255550123"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn receipts_tab() {
    let mut s = loaded(100, 30, true);
    update(&mut s, Action::ShowTab(DetailTab::Receipts));
    let screen = render(&s);
    assert!(
        screen.contains("Jane <8:acs:") && screen.contains("#8"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn threads_tab() {
    let mut s = loaded(100, 30, true);
    update(&mut s, Action::ShowTab(DetailTab::Threads));
    let screen = render(&s);
    assert!(screen.contains("Standup"));
    assert_snapshot!(screen);
}

#[test]
fn hostile_text_is_shown_not_executed() {
    let mut s = loaded(100, 30, false);
    let ids = start_fetch(&mut s);
    let evil = msg(serde_json::json!({
        "id": "1", "sequenceId": "1", "type": "text",
        "content": {"message": "hi\u{1b}[2J\u{1b}]0;pwned\u{7} there"},
        "senderDisplayName": "Mal\u{1b}[31mlory", "createdOn": "2026-01-15T11:00:00Z"
    }));
    update(
        &mut s,
        answer(ids.messages, Answer::MessagesPage(page(vec![evil], false))),
    );
    update(&mut s, Action::ShowTab(DetailTab::Message));
    let screen = render(&s);
    assert!(
        !screen.contains('\u{1b}') && screen.contains("␛[2J"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn no_control_character_from_the_service_reaches_any_screen() {
    let evil = "x\u{1b}]52;c;cGF5bG9hZA==\u{7}\u{1b}[2J\u{9b}1m\r\n\u{202e}y";
    let mut s = filled(120, 40, false);
    let ids = start_fetch(&mut s);
    let mut t = thread();
    t.topic = evil.into();
    t.extra.insert(evil.into(), serde_json::json!(1));
    t.retention_policy.as_mut().unwrap().kind = evil.into();
    t.created_on = evil.into();
    let participant: acs_chat_inspector::acs::ChatParticipant =
        serde_json::from_value(serde_json::json!({
            "communicationIdentifier": {"rawId": evil, "kind": evil}, "displayName": evil,
            "shareHistoryTime": evil, "metadata": {evil: evil}
        }))
        .unwrap();
    let message = msg(serde_json::json!({
        "id": evil, "sequenceId": "1", "type": evil, "createdOn": evil,
        "content": {"message": evil, evil: 1, "attachments": [{"id": evil, "attachmentType": evil, "name": evil, "url": evil}]},
        "senderCommunicationIdentifier": {"rawId": evil}
    }));
    let thread_item = acs_chat_inspector::acs::ChatThreadItem {
        id: evil.into(),
        topic: evil.into(),
        ..Default::default()
    };
    update(&mut s, answer(ids.thread, Answer::Thread(Ok(fetched(t)))));
    update(
        &mut s,
        answer(
            ids.messages,
            Answer::MessagesPage(page(vec![message], false)),
        ),
    );
    update(
        &mut s,
        answer(
            ids.participants,
            Answer::ParticipantsPage(page(vec![participant], false)),
        ),
    );
    update(
        &mut s,
        answer(
            ids.threads,
            Answer::ThreadsPage(page(vec![thread_item], false)),
        ),
    );
    update(
        &mut s,
        answer(
            ids.thread,
            Answer::Thread(Err(AcsError::BadInput(evil.into()))),
        ),
    );
    for tab in DetailTab::ALL {
        update(&mut s, Action::ShowTab(tab));
        for (w, h) in [(80, 24), (160, 40)] {
            let screen = render_at(&s, w, h);
            let bad: Vec<char> = screen
                .chars()
                .filter(|c| c.is_control() && *c != '\n')
                .collect();
            assert!(bad.is_empty(), "{tab:?} {w}x{h}: {bad:?}\n{screen}");
            // The terminal drops a bare ESC, so an unsanitized sequence would show as "x]52".
            assert!(!screen.contains("x]52"), "{tab:?} {w}x{h}:\n{screen}");
            assert!(!screen.contains('\u{202e}'), "{tab:?}");
        }
    }
}

fn thread_url() -> String {
    "http://127.0.0.1:8080/chat/threads/19%3Ademo-lunch%40thread.v2?api-version=2025-03-15".into()
}

#[test]
fn raw_view_of_the_thread() {
    let mut s = filled(100, 30, false);
    let ids = start_fetch(&mut s);
    let body = serde_json::to_string(&thread()).unwrap();
    let exchange = exchange_with(&thread_url(), 200, &body, 1);
    let result = Ok(acs_chat_inspector::acs::Fetched {
        value: thread(),
        exchange,
    });
    update(&mut s, answer(ids.thread, Answer::Thread(result)));
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    s.focus = Focus::Details;
    update(&mut s, Action::ToggleRaw);
    let screen = render(&s);
    assert!(
        screen.contains("MS-CV: JduJle7LhkONxaJnLYlU7Q.0")
            && screen.contains("\"topic\": \"Lunch\""),
        "{screen}"
    );
    assert!(
        screen.contains("Status   200 OK") && screen.contains("Latency  87 ms"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn request_log_lists_exchanges_newest_first() {
    let mut s = filled(100, 30, false);
    let ids = start_fetch(&mut s);
    let failed = exchange_with(&thread_url(), 403, r#"{"error":{"code":"Forbidden"}}"#, 1);
    let url = "http://127.0.0.1:8080/chat/threads/19%3Ademo-lunch%40thread.v2/messages?api-version=2025-03-15&maxPageSize=100";
    let ok = exchange_with(url, 200, r#"{"value":[]}"#, 2);
    update(
        &mut s,
        Action::ExchangeLogged {
            request_id: ids.thread,
            exchange: failed,
        },
    );
    update(
        &mut s,
        Action::ExchangeLogged {
            request_id: ids.messages,
            exchange: ok,
        },
    );
    update(&mut s, Action::ToggleLog);
    let screen = render(&s);
    let (first, second) = (
        screen.find("/messages").expect(&screen),
        screen.find(" 403 ").expect(&screen),
    );
    assert!(first < second, "newest first:\n{screen}");
    assert_snapshot!(screen);
}

#[test]
fn timeline_loading_the_next_page() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    update(
        &mut s,
        answer(
            ids.messages,
            Answer::MessagesPage(page(messages()[..4].to_vec(), true)),
        ),
    );
    let screen = render(&s);
    assert!(screen.contains("4 loaded ⠋ loading more"), "{screen}");
}

#[test]
fn copy_menu() {
    let mut s = loaded(80, 24, true);
    update(&mut s, Action::OpenCopy);
    let screen = render(&s);
    assert!(
        screen.contains("i id") && screen.contains("c curl command"),
        "{screen}"
    );
    assert_snapshot!(screen);
}

#[test]
fn token_tab_decodes_without_showing_the_token() {
    let mut s = loaded(80, 24, true);
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(
        screen.contains("acs:8540c0de") && screen.contains("expires in 1 d"),
        "{screen}"
    );
    assert!(screen.contains("chat, voip"), "{screen}");
    let tok = token();
    for part in tok.split('.') {
        assert!(
            !screen.contains(&part[..part.len().min(16)]),
            "a token part is on screen"
        );
    }
    assert_snapshot!(screen);
}

#[test]
fn token_tab_explains_a_pasted_connection_string() {
    let mut s = state(80, 24);
    s.set_value(
        Field::Token,
        "endpoint=https://x.communication.azure.com/;accesskey=c2VjcmV0",
    );
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(
        screen.contains("a connection string") && screen.contains("mint"),
        "{screen}"
    );
    assert!(!screen.contains("c2VjcmV0"));
}
