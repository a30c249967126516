//! What a support engineer sees: ids that differ where they differ, one colour per identity,
//! focus that never traps a key, a status line that wraps and a history of it, the first screen
//! at 80x24, one pane in a small window, help and legend, mouse, and NO_COLOR.

use crate::support::tui::*;
use acs_chat_inspector::tui::action::Action;
use acs_chat_inspector::tui::state::{AppState, DetailTab, Field, Focus, Level, Live, Overlay};
use acs_chat_inspector::tui::update::update;
use acs_chat_inspector::tui::view;
use insta::assert_snapshot;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

fn buffer_of(s: &AppState) -> Buffer {
    let (w, h) = s.size;
    let mut terminal = Terminal::new(TestBackend::new(w, h)).unwrap();
    terminal.draw(|f| view::render(s, f)).unwrap();
    terminal.backend().buffer().clone()
}

/// The foreground colour where `text` first starts on a row that also holds `context`.
fn colour_of(buffer: &Buffer, context: &str, text: &str) -> Color {
    let screen = buffer_text(buffer);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(context) && l.contains(text))
        .unwrap_or_else(|| panic!("{context:?} / {text:?} not on screen:\n{screen}"));
    let x = line[..line.find(text).unwrap()].chars().count();
    buffer[(x as u16, y as u16)].fg
}

const LONG_THREAD: &str = "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2";

// 1. Ids

#[test]
fn users_of_one_resource_read_differently_in_the_participants_list() {
    let mut s = loaded(80, 24, false);
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    let screen = render(&s);
    assert!(screen.contains("8:acs:…_0e59221d"), "{screen}");
    assert!(screen.contains("8:acs:…_00000000"), "{screen}");
}

#[test]
fn an_unfocused_field_shows_the_start_and_end_of_a_long_id_and_a_new_value_resets_it() {
    let mut s = filled(80, 24, false);
    s.set_value(Field::Thread, LONG_THREAD);
    // Typing in the field scrolls it to its end; leaving it shows the id's start and end again.
    s.focus = Focus::Field(Field::Thread);
    s.sync_field_styles();
    press(&mut s, KeyCode::End);
    render(&s);
    press(&mut s, KeyCode::Esc);
    let screen = render(&s);
    assert!(screen.contains("19:uni01_zbnh"), "{screen}");
    assert!(screen.contains("@thread.v2"), "{screen}");
}

#[test]
fn an_identity_has_one_colour_in_the_timeline_and_the_participants_list() {
    let mut s = loaded(100, 30, false);
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    let buffer = buffer_of(&s);
    let in_timeline = colour_of(&buffer, "Photos from the place", "Bob");
    let in_list = colour_of(&buffer, "ACS user", "Bob");
    assert_eq!(in_timeline, in_list);
    assert_ne!(
        colour_of(&buffer, "Make it 20", "Jane"),
        in_timeline,
        "two people, two colours"
    );
}

// 5. Focus

#[test]
fn f1_opens_the_help_from_a_text_field() {
    let mut s = filled(80, 24, false);
    s.focus = Focus::Field(Field::Thread);
    press(&mut s, KeyCode::F(1));
    assert!(s.overlays.help().is_some());
    assert!(!s.value(Field::Thread).ends_with('?'));
}

#[test]
fn a_first_start_says_how_to_begin_and_its_first_keys_work() {
    let mut s = state(80, 24);
    let screen = render(&s);
    assert!(screen.contains("Nothing to inspect yet"), "{screen}");
    assert!(screen.contains("? F1"), "{screen}");
    press(&mut s, KeyCode::Char('?'));
    assert!(s.overlays.help().is_some(), "? opens the help at once");
    press(&mut s, KeyCode::Esc);
    press(&mut s, KeyCode::Enter);
    assert_eq!(
        s.focus,
        Focus::Field(Field::Endpoint),
        "Enter goes where typing is needed"
    );
    press(&mut s, KeyCode::Char('P'));
    assert_eq!(s.value(Field::Endpoint), "P", "in a field, keys are typed");
}

#[test]
fn tab_visits_one_order_wherever_it_starts() {
    let order = [
        Focus::Field(Field::Endpoint),
        Focus::Field(Field::Token),
        Focus::Field(Field::Thread),
        Focus::Field(Field::Message),
        Focus::Timeline,
        Focus::Details,
    ];
    for (start, _) in order.iter().enumerate() {
        let mut s = loaded(80, 24, false);
        s.focus = order[start];
        for i in 1..=order.len() {
            press(&mut s, KeyCode::Tab);
            assert_eq!(s.focus, order[(start + i) % order.len()], "from {start}");
        }
    }
}

#[test]
fn a_refused_fetch_puts_focus_in_the_field_to_fix_and_says_typing_goes_there() {
    let mut s = filled(80, 24, false);
    s.set_value(Field::Thread, "19:a b@thread.v2");
    s.focus = Focus::Field(Field::Message);
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.focus, Focus::Field(Field::Thread));
    let screen = render(&s);
    assert!(
        screen.contains("typing goes into the Thread field"),
        "{screen}"
    );
}

#[test]
fn the_masked_token_field_says_what_it_holds() {
    let mut s = filled(80, 24, false);
    let screen = render(&s);
    assert!(screen.contains("chars, JWT"), "{screen}");
    s.focus = Focus::Field(Field::Token);
    s.set_value(Field::Token, "");
    update(&mut s, Action::Paste(THREAD_ID.into()));
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("looks like a thread id"),
        "{:?}",
        s.notice
    );
    press(&mut s, KeyCode::Esc);
    let screen = render_at(&s, 160, 30);
    assert!(
        screen.contains("23 chars, not a token: looks like a thread id"),
        "{screen}"
    );
}

// 6. The status line

#[test]
fn a_long_status_message_wraps_instead_of_being_cut() {
    let mut s = filled(80, 24, false);
    s.set_value(Field::Token, "");
    update(&mut s, Action::Fetch);
    let screen = render(&s);
    assert!(
        screen.contains("AZURE_COMMUNICATION_ACCESS_TOKEN)"),
        "{screen}"
    );
}

#[test]
fn capital_n_lists_past_notices_with_their_times() {
    let mut s = loaded(80, 24, false);
    s.notify(Level::Info, "first notice");
    s.now += chrono::Duration::seconds(65);
    s.notify(Level::Warn, "second notice");
    press(&mut s, KeyCode::Char('N'));
    assert!(matches!(s.overlays.top(), Some(Overlay::Notices(_))));
    let screen = render(&s);
    assert!(screen.contains("12:00:00 UTC first notice"), "{screen}");
    assert!(screen.contains("12:01:05 UTC second notice"), "{screen}");
}

// 7. Layout

#[test]
fn the_first_screen_at_80x24_says_which_thread_how_long_it_is_kept_and_which_message() {
    let s = loaded(80, 24, true);
    let screen = render(&s);
    assert!(
        screen.contains("\"Lunch\" · will be deleted 2026-01-31"),
        "{screen}"
    );
    assert!(
        screen.contains("Let's head out for lunch in 15 minutes."),
        "{screen}"
    );
    assert!(
        screen.contains("more lines (J)"),
        "the message panel goes on below: {screen}"
    );
}

#[test]
fn an_error_in_the_small_timeline_box_shows_what_to_do_first() {
    let mut s = filled(80, 24, false);
    let ids = start_fetch(&mut s);
    let forbidden = service_error(403, Some("Forbidden"), Some("User is not allowed"));
    update(
        &mut s,
        answer(
            ids.messages,
            acs_chat_inspector::tui::action::Answer::MessagesPage(
                acs_chat_inspector::tui::action::PageOutcome {
                    result: Err(forbidden),
                    has_more: false,
                },
            ),
        ),
    );
    let screen = render(&s);
    let timeline: String = screen
        .lines()
        .skip(4)
        .take(7)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        timeline.contains("→ The token's identity is not a participant"),
        "{timeline}"
    );
}

#[test]
fn at_200_columns_attachment_urls_use_the_width() {
    let mut s = loaded(200, 50, false);
    let url = format!(
        "https://contoso.example/img/{}/table.png",
        "a1b2c3d4".repeat(7)
    );
    let mut m = messages().remove(0);
    m.content.as_mut().unwrap().attachments[0].url = Some(url.clone());
    s.message = Some(fetched(m));
    s.message_source = acs_chat_inspector::tui::state::MessageSource::Fetched;
    update(&mut s, Action::ShowTab(DetailTab::Message));
    let screen = render(&s);
    assert!(screen.contains(&url), "the url on one line:\n{screen}");
}

#[test]
fn a_small_window_shows_one_pane_at_a_time_and_keys_bring_theirs_into_view() {
    let mut s = loaded(60, 20, true);
    let screen = render(&s);
    assert!(!screen.contains("too small"), "{screen}");
    assert!(screen.contains("fields timeline 1 2 3 4 5 6"), "{screen}");
    assert!(
        screen.contains("Let's head out"),
        "the timeline pane: {screen}"
    );
    // J scrolls the details: the details pane comes into view rather than scrolling unseen.
    press(&mut s, KeyCode::Char('J'));
    assert_eq!(s.focus, Focus::Details);
    let screen = render(&s);
    assert!(screen.contains("fields timeline 1 2 Message 3"), "{screen}");
    assert_snapshot!(screen);
    let tiny = render_at(&s, 20, 6);
    assert!(tiny.contains("too small"), "{tiny}");
}

// 9. Discoverability

#[test]
fn the_help_uses_the_width_and_g_never_scrolls_to_a_blank_page() {
    let mut s = loaded(160, 30, false);
    press(&mut s, KeyCode::Char('?'));
    let filter = acs_chat_inspector::tui::keymap::BINDINGS
        .iter()
        .find(|b| b.action == Action::StartFilter)
        .unwrap()
        .description;
    assert!(filter.len() > 76);
    let pages: String = (0..6)
        .map(|_| {
            let page = render(&s);
            press(&mut s, KeyCode::PageDown);
            page
        })
        .collect();
    assert!(
        pages.contains(filter),
        "a long description on one line, not cut at 76"
    );
    press(&mut s, KeyCode::Char('G'));
    let screen = render(&s);
    let width = 118;
    let help = acs_chat_inspector::tui::view::help::lines(width);
    let last = help.last().unwrap().to_string();
    assert!(
        screen.contains(last.trim()),
        "the last line shows:\n{screen}"
    );
    let shown = help
        .iter()
        .rev()
        .take(20)
        .filter(|l| !l.to_string().trim().is_empty())
        .filter(|l| screen.contains(l.to_string().trim()))
        .count();
    assert!(shown > 10, "a full page, not a blank one:\n{screen}");
}

/// The bottom border of the timeline panel.
fn legend_of(screen: &str) -> &str {
    let timeline = screen.lines().position(|l| l.contains("Timeline")).unwrap();
    screen
        .lines()
        .skip(timeline + 1)
        .find(|l| l.starts_with('└') || l.starts_with('┗'))
        .unwrap_or("")
}

#[test]
fn the_legend_explains_the_markers_on_screen_and_only_those() {
    let mut s = loaded(80, 24, false);
    s.focus = Focus::Timeline;
    let screen = render(&s);
    // The newest rows: attachments, a removal, a deleted and an edited message, an HTML one.
    let legend = legend_of(&screen);
    for marker in [
        "✎edited",
        "✗deleted",
        "⧉files",
        "✓read",
        "H html",
        "-removed",
    ] {
        assert!(legend.contains(marker), "{marker}:\n{screen}");
    }
    for absent in ["T topic", "+added", "●"] {
        assert!(!legend.contains(absent), "{absent}:\n{screen}");
    }
    // At the oldest rows, the topic change and the participant added are explained instead.
    press(&mut s, KeyCode::Char('G'));
    let screen = render(&s);
    let legend = legend_of(&screen);
    assert!(
        legend.contains("T topic") && legend.contains("+ added"),
        "{screen}"
    );
    assert!(!legend.contains("deleted"), "{screen}");
    press(&mut s, KeyCode::Char('?'));
    let help: String = (0..8)
        .map(|_| {
            let page = render(&s);
            press(&mut s, KeyCode::PageDown);
            page
        })
        .collect();
    for meaning in [
        "an HTML message; a topic change",
        "participants added, removed",
        "new: arrived in live mode",
        "changed since the older bundle",
    ] {
        assert!(help.contains(meaning), "{meaning}");
    }
}

#[test]
fn a_message_that_arrived_in_live_mode_is_marked_new_and_the_legend_says_so() {
    let mut s = loaded(80, 24, false);
    s.live = Some(Live {
        new: ["1591768500000".to_string()].into_iter().collect(),
        ..Live::default()
    });
    let screen = render(&s);
    let row = screen
        .lines()
        .find(|l| l.contains("Photos from the place"))
        .unwrap();
    assert!(row.contains('●'), "{screen}");
    assert!(legend_of(&screen).contains("●new"), "{screen}");
    let wide = render_at(&s, 120, 40);
    assert!(legend_of(&wide).contains("● new  ✎ edited"), "{wide}");
    assert_snapshot!("live_new_message_80x24", screen);
}

#[test]
fn the_timeline_says_how_many_rows_are_above_and_below_beside_the_legend() {
    for width in [120, 80] {
        let screen = render(&loaded(width, 24, true));
        let bottom = legend_of(&screen);
        assert!(bottom.contains("↑ 1 · ↓ 2 more"), "{screen}");
        assert!(bottom.contains("H html  - removed"), "{screen}");
    }
}

#[test]
fn v_and_capital_v_step_both_ways_through_the_api_versions() {
    let mut s = loaded(80, 24, false);
    let first = s.settings.api_version.clone();
    press(&mut s, KeyCode::Char('v'));
    let second = s.settings.api_version.clone();
    assert_ne!(first, second);
    press(&mut s, KeyCode::Char('V'));
    assert_eq!(s.settings.api_version, first);
    press(&mut s, KeyCode::Char('V'));
    assert_ne!(s.settings.api_version, first, "V wraps to the last");
}

#[test]
fn enter_on_a_timeline_row_shows_it_in_the_message_tab_and_says_so() {
    let mut s = loaded(80, 24, false);
    update(&mut s, Action::ShowTab(DetailTab::Message));
    s.focus = Focus::Timeline;
    press(&mut s, KeyCode::Char('j'));
    press(&mut s, KeyCode::Enter);
    assert_eq!(s.tab, DetailTab::Message);
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("message #7") && notice.contains("Message tab"),
        "{notice}"
    );
}

// 10. Mouse and colour

#[test]
fn a_click_selects_a_timeline_row_and_another_shows_a_tab() {
    let mut s = loaded(80, 24, false);
    s.focus = Focus::Details;
    // The timeline's rows start under the connection box (4 rows) and its own border.
    update(&mut s, Action::Click { column: 20, row: 7 });
    assert_eq!(s.focus, Focus::Timeline);
    assert_eq!(s.timeline.selected, 2);
    let screen = render(&s);
    let tabs_row = screen
        .lines()
        .position(|l| l.contains("4 Receipts"))
        .unwrap();
    let x = screen.lines().nth(tabs_row).unwrap();
    let column = x[..x.find("4 Receipts").unwrap()].chars().count() + 2;
    update(
        &mut s,
        Action::Click {
            column: column as u16,
            row: tabs_row as u16,
        },
    );
    assert_eq!(s.tab, DetailTab::Receipts);
    update(
        &mut s,
        Action::Wheel {
            column: 20,
            row: 7,
            delta: 3,
        },
    );
    assert_eq!(
        s.timeline.selected, 5,
        "the wheel moves the timeline under it"
    );
}

#[test]
fn no_color_leaves_no_styling_at_all() {
    let mut s = loaded(80, 24, true);
    s.settings.no_color = true;
    let buffer = buffer_of(&s);
    for cell in buffer.content() {
        assert_eq!(cell.fg, Color::Reset, "{cell:?}");
        assert_eq!(cell.bg, Color::Reset, "{cell:?}");
        assert_eq!(cell.modifier, Modifier::empty(), "{cell:?}");
    }
}
