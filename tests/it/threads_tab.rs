//! The Threads tab across every thread of the user in the real loop: `A` audits them (membership,
//! deletion, retention deletion date) within the rate limits, `f` filters and `O` sorts in place,
//! and Enter still opens the selected thread.

use crate::support::tui::{Emulated, render_at};
use acs_chat_inspector::across::audit::Membership as Audited;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::many::{self, Membership};
use acs_chat_inspector::tui::audit::{ThreadFilter, ThreadSort};
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field, Slot};
use ratatui::crossterm::event::KeyCode;

const THREADS: usize = 30;

/// The user's thread list loaded (the thread field empty), the emulator with 30 more threads.
async fn listed(rate_limit: bool) -> Emulated {
    let config = EmulatorConfig {
        extra_threads: THREADS,
        rate_limit,
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::starting(config, |s, _| {
        s.set_value(Field::Thread, "");
        s.set_value(Field::Message, "");
        vec![]
    })
    .await;
    // Enter with no thread id lists the user's threads.
    h.key(KeyCode::Enter).await;
    h.until("the thread list", |s| {
        !s.is_loading() && !s.threads.items.is_empty()
    })
    .await;
    h
}

fn shown_ids(state: &AppState) -> Vec<String> {
    (0..state.threads.shown_len())
        .map(|p| state.threads.shown_at(p).unwrap().id.clone())
        .collect()
}

#[tokio::test]
async fn a_audits_every_thread_and_f_shows_the_ones_the_user_left() {
    let mut h = listed(false).await;
    let listed = h.lp.state.threads.items.len();
    assert!(listed > THREADS, "{listed}");
    h.key(KeyCode::Char('A')).await;
    assert_eq!(h.lp.state.tab, DetailTab::Threads);
    h.until("the audit", |s| !s.loads.status(Slot::Audit).is_loading())
        .await;
    let audit = &h.lp.state.thread_audit;
    assert_eq!(audit.audits.len(), listed, "every listed thread audited");
    for i in 0..THREADS {
        let id = many::thread_id(i);
        let found = audit
            .audit(&id)
            .unwrap_or_else(|| panic!("thread {i} not audited"));
        if many::is_deleted(i) {
            continue;
        }
        let expected = match many::membership(i) {
            Membership::Member => Audited::Active,
            Membership::Left | Membership::RemovedByOther => Audited::Left,
        };
        assert_eq!(found.membership, Some(expected), "thread {i}");
    }
    let screen = h.screen();
    assert!(
        screen.contains("member") && screen.contains("deletes"),
        "{screen}"
    );
    assert!(screen.contains("left"), "{screen}");

    // f: only the threads the user left, the count says how many of how many.
    h.key(KeyCode::Char('f')).await;
    assert_eq!(h.lp.state.thread_audit.filter, ThreadFilter::Left);
    let left = shown_ids(&h.lp.state);
    assert!(!left.is_empty());
    for id in &left {
        assert_eq!(
            h.lp.state.thread_audit.audit(id).unwrap().membership,
            Some(Audited::Left),
            "{id}"
        );
    }
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(
        screen.contains(&format!("{} of {listed}", left.len())),
        "{screen}"
    );

    // Enter opens the selected (filtered) thread.
    h.key(KeyCode::Down).await;
    let chosen = h.lp.state.threads.selected_item().unwrap().id.clone();
    assert_eq!(chosen, left[1]);
    h.key(KeyCode::Enter).await;
    assert_eq!(h.lp.state.value(Field::Thread), chosen);
}

#[tokio::test]
async fn o_sorts_by_retention_deletion_soonest_first() {
    let mut h = listed(false).await;
    h.key(KeyCode::Char('A')).await;
    h.until("the audit", |s| !s.loads.status(Slot::Audit).is_loading())
        .await;
    h.key(KeyCode::Char('O')).await;
    assert_eq!(h.lp.state.thread_audit.sort, ThreadSort::Deletion);
    let audit = &h.lp.state.thread_audit;
    let dates: Vec<_> = shown_ids(&h.lp.state)
        .iter()
        .map(|id| audit.audit(id).and_then(|a| a.retention_deletes()))
        .collect();
    let with_date: Vec<_> = dates.iter().take_while(|d| d.is_some()).collect();
    assert!(
        !with_date.is_empty(),
        "some threads have a retention policy"
    );
    assert!(with_date.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
    assert!(
        dates[with_date.len()..].iter().all(Option::is_none),
        "the rest have none"
    );
}

/// With the documented rate limits enforced, the audit paces itself and every thread is audited.
#[tokio::test]
async fn the_audit_keeps_within_the_rate_limits() {
    let mut h = listed(true).await;
    let listed = h.lp.state.threads.items.len();
    h.key(KeyCode::Char('A')).await;
    h.until("the audit", |s| !s.loads.status(Slot::Audit).is_loading())
        .await;
    let audits = &h.lp.state.thread_audit.audits;
    assert_eq!(audits.len(), listed);
    let failed: Vec<_> = audits.iter().filter(|(_, a)| a.is_err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
}

/// `S`: the search prompt; its matches come from every thread, and Enter opens the thread at one.
#[tokio::test]
async fn s_searches_every_thread_and_enter_opens_the_thread_at_the_match() {
    use acs_chat_inspector::emulator::many::SEARCH_PHRASE;
    use acs_chat_inspector::tui::state::Overlay;
    let mut h = listed(false).await;
    h.key(KeyCode::Char('S')).await;
    h.type_text(SEARCH_PHRASE).await;
    h.key(KeyCode::Enter).await;
    assert!(matches!(h.lp.state.overlays.top(), Some(Overlay::Search)));
    h.until("the search", |s| !s.loads.status(Slot::Search).is_loading())
        .await;
    let results = h.lp.state.search.as_ref().unwrap();
    assert!(results.found.len() > 3, "{}", results.found.len());
    assert!(results.searched > THREADS, "{}", results.searched);
    let threads: std::collections::BTreeSet<&str> =
        results.found.iter().map(|f| f.thread_id.as_str()).collect();
    assert!(threads.len() > 1, "matches from many threads");
    for hit in &results.found {
        // HTML matches as the text it shows.
        let mut text = String::new();
        let mut in_tag = false;
        for c in hit.message.text().chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => text.extend(c.to_lowercase()),
                _ => {}
            }
        }
        let topic = hit.message.content.as_ref().and_then(|c| c.topic.clone());
        assert!(
            text.contains(SEARCH_PHRASE)
                || topic.is_some_and(|t| t.to_lowercase().contains(SEARCH_PHRASE)),
            "{hit:?}"
        );
    }
    let screen = render_at(&h.lp.state, 120, 40);
    assert!(
        screen.contains(&format!("Search \"{SEARCH_PHRASE}\"")),
        "{screen}"
    );
    assert!(screen.contains("found"), "{screen}");

    h.key(KeyCode::Down).await;
    let hit =
        h.lp.state
            .search
            .as_ref()
            .unwrap()
            .selected_hit()
            .unwrap()
            .clone();
    h.key(KeyCode::Enter).await;
    assert!(h.lp.state.overlays.top().is_none(), "the matches close");
    assert_eq!(h.lp.state.value(Field::Thread), hit.thread_id);
    assert_eq!(h.lp.state.value(Field::Message), hit.message.id);
    h.until("the thread", |s| !s.is_loading()).await;
    assert_eq!(
        h.lp.state.message.as_ref().unwrap().value.id,
        hit.message.id
    );
}

/// A search with nothing to look for says so and starts nothing; `from:` alone is a search.
#[tokio::test]
async fn an_empty_search_is_refused_and_from_alone_searches() {
    use acs_chat_inspector::emulator::data::JANE;
    let mut h = listed(false).await;
    h.key(KeyCode::Char('S')).await;
    h.key(KeyCode::Enter).await;
    assert!(h.lp.state.search.is_none());
    let notice = h.lp.state.notice.as_ref().unwrap().text.clone();
    assert!(notice.contains("nothing to search for"), "{notice}");

    h.key(KeyCode::Char('S')).await;
    h.type_text(&format!("from:{}", JANE.raw_id())).await;
    h.key(KeyCode::Enter).await;
    h.until("the search", |s| !s.loads.status(Slot::Search).is_loading())
        .await;
    let results = h.lp.state.search.as_ref().unwrap();
    assert!(!results.found.is_empty());
    // Esc closes the matches.
    h.key(KeyCode::Esc).await;
    assert!(h.lp.state.overlays.top().is_none());
}
