//! One frame of the inspector with 100,000 messages loaded, the timeline focused and scrolled to the
//! middle: the cost of a keypress on a huge thread. Rendering must touch only the visible rows.

use std::hint::black_box;
use std::sync::Arc;

use acs_chat_inspector::acs::{ChatMessage, Exchange, Fetched, Page};
use acs_chat_inspector::tui::action::{Action, Answer, PageOutcome};
use acs_chat_inspector::tui::state::{AppState, Field, Focus, Settings};
use acs_chat_inspector::tui::update::{Effect, Request, update};
use acs_chat_inspector::tui::view;
use chrono::{TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const MESSAGES: u64 = 100_000;

fn message(i: u64) -> ChatMessage {
    let sender = ["Jane", "Bob", "Alex"][(i % 3) as usize];
    serde_json::from_value(serde_json::json!({
        "id": (1_700_000_000_000u64 + i).to_string(),
        "type": if i.is_multiple_of(7) { "html" } else { "text" },
        "sequenceId": (MESSAGES - i).to_string(),
        "version": (1_700_000_000_000u64 + i).to_string(),
        "content": {"message": format!("Message {i}: shall we move the weekly sync to Thursday?")},
        "senderDisplayName": sender,
        "createdOn": "2026-01-15T11:50:49Z",
        "senderCommunicationIdentifier": {"rawId": "8:acs:r_u", "communicationUser": {"id": "8:acs:r_u"}}
    }))
    .unwrap()
}

fn exchange() -> Arc<Exchange> {
    Arc::new(Exchange {
        seq: 1,
        started_at: Utc::now(),
        method: "GET".into(),
        url:
            "http://127.0.0.1:8080/chat/threads/19%3Aa%40thread.v2/messages?api-version=2025-03-15"
                .into(),
        status: Some(200),
        duration: Default::default(),
        attempts: 1,
        headers: vec![],
        body: String::new(),
        error: None,
        failed_attempts: vec![],
    })
}

/// The state after the timeline received 100,000 messages, scrolled to the middle.
fn loaded_state(width: u16, height: u16) -> AppState {
    let now = Utc.with_ymd_and_hms(2026, 1, 15, 12, 0, 0).unwrap();
    let mut state = AppState::new(Settings::default(), now);
    state.size = (width, height);
    state.set_value(Field::Endpoint, "http://127.0.0.1:8080");
    state.set_value(
        Field::Token,
        "eyJhbGciOiJIUzI1NiJ9.eyJza3lwZWlkIjoiYWNzOnJfdSJ9.c2ln",
    );
    state.set_value(Field::Thread, "19:a@thread.v2");
    let effects = update(&mut state, Action::Fetch);
    let request_id = effects
        .iter()
        .find_map(|e| match e {
            Effect::Fetch {
                request_id,
                request: Request::Messages { .. },
                ..
            } => Some(*request_id),
            _ => None,
        })
        .expect("a fetch lists messages");
    let page = Page {
        value: (0..MESSAGES).map(message).collect(),
        next_link: None,
    };
    let outcome = PageOutcome {
        result: Ok(Fetched {
            value: page,
            exchange: exchange(),
        }),
        has_more: false,
    };
    let answer = Answer::MessagesPage(outcome);
    update(&mut state, Action::Answered { request_id, answer });
    state.focus = Focus::Timeline;
    while state.timeline.selected < (MESSAGES / 2) as usize {
        update(&mut state, Action::PageDown);
    }
    state
}

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render_timeline");
    for (name, width, height) in [
        ("100000_messages_middle", 120, 40),
        ("100000_messages_middle_80x24", 80, 24),
    ] {
        let state = loaded_state(width, height);
        let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| view::render(black_box(&state), frame))
                    .unwrap();
            })
        });
    }
    group.finish();
}

criterion_group!(benches, render);
criterion_main!(benches);
