//! `open FILE`: a bundle shown offline with the panels a live session shows, raw views of what was
//! recorded, no request ever made, and what changed since an older bundle marked.

use crate::support::headless::{code, run, stderr};
use crate::support::tui::{Emulated, render_at};
use acs_chat_inspector::bundle::OpenedBundle;
use acs_chat_inspector::diff::diff;
use acs_chat_inspector::emulator::EmulatorConfig;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::app;
use acs_chat_inspector::tui::offline::state_of;
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field};
use acs_chat_inspector::tui::update::update;
use chrono::{TimeZone, Utc};
use insta::assert_snapshot;

/// The emulator's clock, so that the demo's times are the same every run.
fn pinned() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

/// The live session's thread, bundled by the real binary from the same emulator.
async fn live_and_bundle() -> (Emulated, OpenedBundle, tempfile::TempDir) {
    let now = pinned();
    let config = EmulatorConfig {
        now: Some(now),
        ..EmulatorConfig::default()
    };
    let mut live = Emulated::starting(config, |s, _| app::start(s)).await;
    live.until("everything", |s| !s.is_loading()).await;
    live.lp.state.now = now;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("case.json");
    let info = live.info().clone();
    let file = path.to_str().unwrap().to_string();
    let out = tokio::task::spawn_blocking(move || {
        run(&[
            "bundle",
            &info.thread_id,
            "-o",
            &file,
            "--endpoint",
            &info.endpoint,
            "--token",
            &info.token,
        ])
    })
    .await
    .unwrap();
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    (live, OpenedBundle::read(&path).unwrap(), dir)
}

/// The screen below the connection box and above the status line.
fn panels(state: &AppState, width: u16, height: u16) -> String {
    let screen = render_at(state, width, height);
    let lines: Vec<&str> = screen.lines().collect();
    lines[4..lines.len() - 1].join("\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_opened_bundle_shows_the_panels_of_the_live_session() {
    let (mut live, bundle, _dir) = live_and_bundle().await;
    let mut offline = state_of(&bundle, None);
    offline.now = live.lp.state.now;
    offline.timeline.selected = live.lp.state.timeline.selected;
    for (width, height) in [(80, 24), (120, 40)] {
        // The opening notice may wrap the status line over more rows than the live one.
        let notice = offline.notice.take();
        for tab in [
            DetailTab::Thread,
            DetailTab::Participants,
            DetailTab::Receipts,
        ] {
            live.act(Action::ShowTab(tab));
            update(&mut offline, Action::ShowTab(tab));
            // Relative times ("in 87 d") read the same clock.
            offline.now = live.lp.state.now;
            assert_eq!(
                panels(&offline, width, height),
                panels(&live.lp.state, width, height),
                "{tab:?} at {width}x{height}"
            );
        }
        offline.notice = notice;
        update(&mut offline, Action::ShowTab(DetailTab::Thread));
        offline.now = pinned();
        let screen = render_at(&offline, width, height);
        assert!(screen.contains("offline: bundle of "), "{screen}");
        // The title keeps how long the thread is kept whole, at 80 columns too.
        let title = screen.lines().next().unwrap();
        assert!(title.contains("90 d after creation)"), "{screen}");
        // When it was bundled (now) and where the emulator listened change from run to run.
        let when = bundle.generated_at.format("%Y-%m-%d %H:%M").to_string();
        let stable = screen
            .replace(&when, "<bundled at>")
            .replace(&bundle.endpoint, "http://127.0.0.1:<port>");
        assert_snapshot!(format!("offline_{width}x{height}"), stable);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_nothing_is_fetched_and_raw_views_show_what_was_recorded() {
    let (_live, bundle, _dir) = live_and_bundle().await;
    let mut offline = state_of(&bundle, None);
    assert!(update(&mut offline, Action::Fetch).is_empty());
    let why = offline
        .input_error
        .clone()
        .map(|e| e.text)
        .unwrap_or_default();
    assert!(why.contains("nothing is fetched"), "{why}");
    assert!(update(&mut offline, Action::Export { redacted: false }).is_empty());

    // The timeline's raw view is the recorded page of the selected message, headers and all.
    update(&mut offline, Action::ToggleRaw);
    let raw = offline.overlays.raw().expect("a raw view");
    assert!(raw.exchange.ms_cv().is_some(), "the recorded MS-CV");
    assert!(
        raw.exchange.body.contains("\"value\""),
        "{}",
        raw.exchange.body
    );
    update(&mut offline, Action::ToggleRaw);
    update(&mut offline, Action::ToggleLog);
    assert_eq!(offline.exchanges.len(), bundle.exchanges.len());
    assert_eq!(offline.value(Field::Token), "", "no token offline");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_diff_against_an_older_bundle_marks_what_changed() {
    let (_live, newer, _dir) = live_and_bundle().await;
    // The older bundle: one message not there yet, another not yet edited.
    let mut older = newer.clone();
    // A day earlier, so that the screen reads the same every run.
    older.generated_at = Utc.with_ymd_and_hms(2026, 11, 29, 8, 0, 0).unwrap();
    let added = older.raw.messages.remove(0);
    let edited_id = older
        .raw
        .messages
        .iter()
        .find(|m| m.get("editedOn").is_some())
        .and_then(|m| m["id"].as_str())
        .unwrap()
        .to_string();
    for m in &mut older.raw.messages {
        if m["id"] == edited_id.as_str() {
            m["version"] = serde_json::json!("1");
        }
    }
    let changes = diff(&older, &newer).unwrap();
    let mut offline = state_of(&newer, Some((&older, changes)));
    offline.now = pinned();
    let notice = offline.notice.clone().unwrap().text;
    assert!(notice.contains("1 added, 1 edited"), "{notice}");
    let screen = render_at(&offline, 120, 40);
    let row = |id: &str| {
        let data = &offline.timeline.data;
        let index = data.find(id).unwrap();
        data.row_of(index).unwrap()
    };
    let lines: Vec<&str> = screen.lines().collect();
    let first_row = lines.iter().position(|l| l.contains("Timeline")).unwrap() + 1;
    let added_line = lines[first_row + row(added["id"].as_str().unwrap())];
    assert!(added_line.contains('●'), "{added_line}");
    let edited_line = lines[first_row + row(&edited_id)];
    assert!(edited_line.contains('~'), "{edited_line}");
    // The diff's markers are not those of the kinds of message, and the legend says what they mean.
    let legend = lines[first_row..]
        .iter()
        .find(|l| l.starts_with('└') || l.starts_with('┗'))
        .unwrap();
    assert!(
        legend.contains("●new ~changed") && !legend.contains("+ added"),
        "{screen}"
    );
    let when = newer.generated_at.format("%Y-%m-%d %H:%M").to_string();
    for (width, height) in [(80, 24), (120, 40)] {
        let stable = render_at(&offline, width, height)
            .replace(&when, "<bundled at>")
            .replace(&newer.endpoint, "http://127.0.0.1:<port>");
        assert_snapshot!(format!("diff_{width}x{height}"), stable);
    }
}

#[test]
fn a_file_that_is_not_a_bundle_is_refused_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.json");
    std::fs::write(&path, "{\n  \"thread\": [1,\n").unwrap();
    let out = run(&["open", path.to_str().unwrap()]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("line 3") || err.contains(":3:"), "{err}");
}
