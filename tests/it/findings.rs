//! The Findings tab and the diagnosis drawn in the TUI: findings most severe first with Enter on
//! their evidence, receipt and history marks in the timeline, the "as" view dimming what a
//! participant cannot see, and a 403 that says "removed on ... by ..." when the history shows it.

use crate::support::tui::{Emulated, render_at};
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::emulator::data::{PETER, SAM_TEAMS};
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field, Focus, Slot};
use chrono::{TimeZone, Utc};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

/// The demo thread loaded in the real loop, the emulator's clock pinned so the screen is the same
/// every run.
async fn loaded(token: impl Fn(&acs_chat_inspector::emulator::EmulatorInfo) -> String) -> Emulated {
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let config = EmulatorConfig {
        now: Some(now),
        ..EmulatorConfig::default()
    };
    let mut h = Emulated::starting(config, |s, info| {
        s.set_value(Field::Token, &token(info));
        s.set_value(Field::Message, "");
        app::start(s)
    })
    .await;
    h.until("everything", |s| !s.is_loading()).await;
    h.lp.state.now = now;
    h
}

/// The screen at a size, the emulator's port made stable.
fn screen(h: &Emulated, width: u16, height: u16) -> String {
    render_at(&h.lp.state, width, height).replace(&h.info().endpoint, "http://127.0.0.1:<port>")
}

fn selected_finding(state: &AppState) -> &str {
    let f = state.findings.as_ref().unwrap();
    f.diagnosis.findings[f.selected].code.as_str()
}

#[tokio::test]
async fn the_findings_tab_lists_findings_most_severe_first_and_enter_shows_the_evidence() {
    let mut h = loaded(|info| info.token.clone()).await;
    h.key(KeyCode::Char('7')).await;
    assert_eq!(h.lp.state.tab, DetailTab::Findings);
    assert_eq!(selected_finding(&h.lp.state), "removedParticipant");
    for (w, hgt) in [(80, 24), (120, 40)] {
        let text = screen(&h, w, hgt);
        assert!(text.contains("removedParticipant"), "{text}");
        assert_snapshot!(format!("findings_{w}x{hgt}"), text);
    }
    // The removal's evidence is the participantRemoved message: Enter shows it.
    h.key(KeyCode::Enter).await;
    assert_eq!(h.lp.state.tab, DetailTab::Message);
    let shown = h.lp.state.selected_message().unwrap();
    assert_eq!(shown.message_type.as_str(), "participantRemoved");
}

#[tokio::test]
async fn a_click_on_a_finding_selects_it_as_a_click_on_a_list_row_does() {
    let mut h = loaded(|info| info.token.clone()).await;
    h.key(KeyCode::Char('7')).await;
    for (w, hgt) in [(80, 24), (120, 40)] {
        h.lp.state.size = (w, hgt);
        h.lp.state.focus = Focus::Timeline;
        h.lp.state.findings.as_mut().unwrap().selected = 0;
        let text = screen(&h, w, hgt);
        let (row, line) = text
            .lines()
            .enumerate()
            .find(|(_, l)| l.contains("historyLimited"))
            .unwrap_or_else(|| panic!("{text}"));
        let column = line[..line.find("historyLimited").unwrap()].chars().count();
        h.act(Action::Click {
            column: column as u16,
            row: row as u16,
        });
        assert_eq!(h.lp.state.focus, Focus::Details, "at {w}x{hgt}");
        assert_eq!(
            selected_finding(&h.lp.state),
            "historyLimited",
            "at {w}x{hgt}"
        );
        let text = screen(&h, w, hgt);
        assert!(
            text.lines()
                .any(|l| l.contains('▶') && l.contains("historyLimited")),
            "{text}"
        );
    }
}

#[tokio::test]
async fn the_timeline_marks_receipts_and_the_as_view_dims_what_a_participant_cannot_see() {
    let mut h = loaded(|info| info.token.clone()).await;
    let wide = screen(&h, 120, 40);
    assert!(wide.contains("read up to here"), "{wide}");
    assert!(wide.contains("sees from here"), "{wide}");

    // Sam (a Teams user) was added with a shareHistoryTime after the first messages.
    h.key(KeyCode::Char('3')).await;
    let sam =
        h.lp.state
            .participants
            .items
            .iter()
            .position(|p| p.communication_identifier.raw_id() == SAM_TEAMS.raw_id())
            .unwrap();
    h.lp.state.participants.selected = sam;
    h.key(KeyCode::Char('a')).await;
    assert_eq!(
        h.lp.state.as_identity.as_deref(),
        Some(SAM_TEAMS.raw_id().as_str())
    );
    let notice = h.lp.state.notice.clone().unwrap().text;
    assert!(notice.contains("sees 6 of 12"), "{notice}");
    for (w, hgt) in [(80, 24), (120, 40)] {
        let text = screen(&h, w, hgt);
        assert_snapshot!(format!("as_view_{w}x{hgt}"), text);
    }
    assert!(screen(&h, 120, 40).contains("⊘ hidden"));
    h.key(KeyCode::Char('a')).await;
    assert!(
        h.lp.state.as_identity.is_none(),
        "a again: the token's own view"
    );
}

#[tokio::test]
async fn a_403_for_a_removed_user_says_when_and_by_whom() {
    let mut h = loaded(|info| info.removed_token.clone()).await;
    assert!(h.lp.state.status(Slot::Participants).request_id().is_none());
    h.key(KeyCode::Char('3')).await;
    let text = screen(&h, 120, 40);
    assert!(text.contains("403"), "{text}");
    let flat = text.replace(['┃', '\n'], " ");
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!("{} (", PETER.name))
            && flat.contains("was removed from this thread on 2026-11-28T09:40:00Z by Jane"),
        "{text}"
    );
    assert!(
        !flat.contains("is not a participant of this thread (or lacks"),
        "no generic hint beside what the history shows: {text}"
    );
}
