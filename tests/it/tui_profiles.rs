//! The profile picker and minted tokens through `update`: configs from a temporary directory, the
//! picker's screens, applying a profile, minting for a participant, and the one-shot refresh timer.

use std::path::Path;
use std::sync::Arc;

use crate::support::tui::*;
use acs_chat_inspector::acs::AccessToken;
use acs_chat_inspector::acs::identity::{ConnectionString, MintedToken};
use acs_chat_inspector::credentials::{MintSource as PlanMintSource, Plan, Resolved};
use acs_chat_inspector::tui::action::Answer;
use acs_chat_inspector::tui::action::{Action, Credentials};
use acs_chat_inspector::tui::keymap::action_for_key;
use acs_chat_inspector::tui::state::Slot;
use acs_chat_inspector::tui::state::{
    AppState, DetailTab, Field, Focus, LoadStatus, MintSource, PickerStage,
};
use acs_chat_inspector::tui::tasks::load_profiles;
use acs_chat_inspector::tui::update::Resolve;
use acs_chat_inspector::tui::update::{Effect, update};
use acs_chat_inspector::tui::view::profiles::EXAMPLE;
use chrono::Duration;
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const CONFIG: &str = r#"
[profiles.contoso-test]
endpoint = "https://contoso-test.communication.azure.com"
api_version = "2024-03-07"
timeout = 7.5
token_env = "CONTOSO_TEST_TOKEN"

[profiles.fabrikam-prod]
endpoint = "https://fabrikam.communication.azure.com"
connection_string_env = "FABRIKAM_CONN"
user = "8:acs:fabrikam_0001"
"#;

/// The request id and the profile of the effect that resolves a picked profile.
fn resolving(
    effects: Vec<Effect>,
) -> (
    u64,
    String,
    acs_chat_inspector::config::Profile,
    std::time::Duration,
    Option<std::path::PathBuf>,
) {
    match effects.into_iter().last() {
        Some(Effect::Resolve {
            request_id,
            resolve:
                Resolve::Profile {
                    name,
                    profile,
                    timeout,
                    state_file,
                    ..
                },
        }) => (request_id, name, profile, timeout, state_file),
        other => panic!("no profile being resolved: {other:?}"),
    }
}

/// The answer of a profile's credentials.
fn resolved(request_id: u64, plan: Plan, resolved: Resolved, recent: Vec<String>) -> Action {
    answer(
        request_id,
        Answer::Credentials(Ok(Credentials {
            plan,
            resolved,
            recent_threads: Some(recent),
            then_fetch: false,
        })),
    )
}

fn press(s: &mut AppState, c: char) -> Vec<Effect> {
    let key = KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    action_for_key(s, key).map_or_else(Vec::new, |a| update(s, a))
}

fn enter(s: &mut AppState) -> Vec<Effect> {
    let key = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    action_for_key(s, key).map_or_else(Vec::new, |a| update(s, a))
}

/// A state whose config and state files live in `dir`, with `config` written there (if any).
fn state_in(dir: &Path, config: Option<&str>) -> AppState {
    let mut s = state(80, 24);
    let config_file = dir.join("config.toml");
    if let Some(text) = config {
        std::fs::write(&config_file, text).unwrap();
    }
    s.settings.config_file = Some(config_file);
    s.settings.state_file = Some(dir.join("state").join("state.json"));
    s.focus = Focus::Timeline;
    s
}

/// `P`, then the config file read as the task runner reads it.
fn open_picker(s: &mut AppState) {
    let effects = press(s, 'P');
    let [Effect::LoadProfiles { path }] = &effects[..] else {
        panic!("P should read the config file: {effects:?}");
    };
    assert_eq!(Some(path), s.settings.config_file.as_ref());
    update(s, load_profiles(path.clone()));
}

/// The screen with the temporary directory's name replaced, so snapshots are stable.
fn screen(s: &AppState, dir: &Path) -> String {
    render(s).replace(&dir.display().to_string(), "<dir>")
}

#[test]
fn the_picker_lists_the_profiles_of_the_config_file_and_shows_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    for text in [
        "contoso-test",
        "https://contoso-test.communication.azure.com",
        "token from $CONTOSO_TEST_TOKEN",
        "api 2024-03-07",
        "fabrikam-prod",
        "minting a token for 8:acs:fabrikam_0001 from $FABRIKAM_CONN",
        "<dir>/config.toml",
    ] {
        assert!(screen.contains(text), "{text:?} missing:\n{screen}");
    }
    assert_snapshot!(screen);
    press(&mut s, 'j');
    assert_eq!(s.overlays.picker().as_ref().unwrap().selected, 1);
    press(&mut s, 'P');
    assert!(s.overlays.picker().is_none(), "P closes the picker");
}

#[test]
fn a_malformed_config_is_explained_in_the_picker_with_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let broken =
        "[profiles.a]\nendpoint = \"https://a.communication.azure.com\"\ntimeout = \"soon\n";
    let mut s = state_in(dir.path(), Some(broken));
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    assert!(
        screen.contains("cannot be used") && screen.contains("<dir>/config.toml: line 3"),
        "{screen}"
    );
    assert_snapshot!(screen);
    assert!(enter(&mut s).is_empty(), "nothing to apply");
    assert!(s.profile.is_none());
}

#[test]
fn without_a_config_file_the_picker_shows_where_to_create_it_and_an_example() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), None);
    open_picker(&mut s);
    let screen = screen(&s, dir.path());
    assert!(
        screen.contains("No profiles: create <dir>/config.toml"),
        "{screen}"
    );
    for line in EXAMPLE {
        assert!(screen.contains(line), "{line:?} missing:\n{screen}");
    }
    assert_snapshot!(screen);
}

#[test]
fn applying_a_profile_sets_the_connection_and_masks_its_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    s.set_value(Field::Token, "token-of-another-resource");
    open_picker(&mut s);
    let (request_id, name, profile, timeout, state_file) = resolving(enter(&mut s));
    assert_eq!(timeout.as_secs_f64(), 7.5);
    assert_eq!(name, "contoso-test");
    assert_eq!(state_file, s.settings.state_file);
    assert_eq!(
        s.value(Field::Endpoint),
        "https://contoso-test.communication.azure.com"
    );
    assert_eq!(s.settings.api_version, "2024-03-07");
    assert_eq!(s.settings.remember_as.as_deref(), Some("contoso-test"));
    assert_eq!(
        s.value(Field::Token),
        "",
        "the old resource's token is gone"
    );

    let recent = vec!["19:recent-1@thread.v2".to_string(), THREAD_ID.to_string()];
    let plan = Plan::from_profile(&name, &profile, "2024-03-07", timeout).unwrap();
    let token_given = Resolved {
        token: Some(AccessToken::new(token())),
        minted: None,
    };
    update(
        &mut s,
        resolved(request_id, plan, token_given, recent.clone()),
    );
    assert_eq!(s.value(Field::Token), token());
    assert_eq!(s.recent.ids, recent);
    let screen = render(&s);
    assert!(
        !screen.contains(&token()[..20]),
        "token in clear:\n{screen}"
    );
    assert!(screen.contains("19:recent-1@thread.v2"), "{screen}");
    assert!(
        matches!(&s.overlays.picker().as_ref().unwrap().stage, PickerStage::Threads(n) if n == "contoso-test")
    );

    // The second recent thread opens from the picker.
    press(&mut s, 'j');
    let effects = enter(&mut s);
    assert!(s.overlays.picker().is_none());
    assert_eq!(s.value(Field::Thread), THREAD_ID);
    assert!(effects.iter().any(|e| matches!(e, Effect::Fetch { .. })));
}

#[test]
fn a_failed_token_source_is_shown_and_the_rest_of_the_profile_still_applies() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    let (request_id, ..) = resolving(enter(&mut s));
    let error = acs_chat_inspector::acs::AcsError::BadInput(
        "the profile's token_env CONTOSO_TEST_TOKEN is not set: export it with an access token"
            .into(),
    );
    update(&mut s, answer(request_id, Answer::Credentials(Err(error))));
    assert!(matches!(s.status(Slot::Credentials), LoadStatus::Failed(_)));
    let screen = render(&s);
    assert!(
        screen.contains("CONTOSO_TEST_TOKEN is not set") && screen.contains("No thread opened"),
        "{screen}"
    );
    assert_eq!(
        s.value(Field::Endpoint),
        "https://contoso-test.communication.azure.com"
    );
}

fn conn() -> Arc<ConnectionString> {
    Arc::new(
        ConnectionString::parse("endpoint=http://127.0.0.1:9/;accesskey=a2V5LWJ5dGVz").unwrap(),
    )
}

/// The demo thread loaded, a connection string at hand, the Participants tab open on Jane.
fn with_participants() -> AppState {
    let mut s = loaded(100, 30, false);
    s.identity.mint_source = Some(MintSource {
        conn: conn(),
        origin: "connection string in $ACS_CONN".into(),
    });
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    s
}

fn minted(token: &str, hours: i64) -> MintedToken {
    MintedToken {
        token: AccessToken::new(token),
        expires_on: now() + Duration::hours(hours),
        user: JANE.into(),
    }
}

/// `m` on Jane, answered with a token valid for 23 hours; returns the refresh timer's id.
fn mint_for_jane(s: &mut AppState) -> u64 {
    let effects = press(s, 'm');
    let [
        Effect::Mint {
            request_id, user, ..
        },
    ] = &effects[..]
    else {
        panic!("{effects:?}");
    };
    assert_eq!(user, JANE);
    let effects = update(
        s,
        answer(*request_id, Answer::Minted(Ok(minted(&token(), 23)))),
    );
    match &effects[..] {
        [
            Effect::RefreshToken {
                request_id,
                at,
                user,
                ..
            },
        ] => {
            assert_eq!(*at, now() + Duration::hours(23) - Duration::minutes(5));
            assert_eq!(user, JANE);
            *request_id
        }
        other => panic!("one refresh timer expected: {other:?}"),
    }
}

#[test]
fn m_mints_for_the_selected_participant_and_the_token_tab_says_for_whom_and_until_when() {
    let mut s = with_participants();
    let screen = render(&s);
    assert!(screen.contains("m mints a token"), "{screen}");
    mint_for_jane(&mut s);
    assert_eq!(s.value(Field::Token), token());
    assert!(s.notice.as_ref().unwrap().text.contains("acting as Jane"));
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(
        screen.contains("for Jane (8:acs:") && screen.contains("(in 23 h)"),
        "{screen}"
    );
    assert!(screen.contains("automatic, at"), "{screen}");
    assert!(
        !screen.contains(&token()[..20]),
        "token in clear:\n{screen}"
    );
}

#[test]
fn m_says_why_it_cannot_mint() {
    let mut s = loaded(100, 30, false);
    update(&mut s, Action::ShowTab(DetailTab::Participants));
    assert!(press(&mut s, 'm').is_empty());
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("no connection string"),
        "{:?}",
        s.notice
    );
    let mut s = with_participants();
    update(&mut s, Action::ScrollDown);
    update(&mut s, Action::ScrollDown);
    assert!(press(&mut s, 'm').is_empty(), "a phone number has no token");
    assert!(
        s.notice
            .as_ref()
            .unwrap()
            .text
            .contains("not an ACS user id")
    );
    update(&mut s, Action::ShowTab(DetailTab::Thread));
    assert!(press(&mut s, 'm').is_empty());
    assert!(s.notice.as_ref().unwrap().text.contains("Participants tab"));
}

#[test]
fn the_refresh_timer_replaces_the_token_and_sets_the_next_one() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.now = now() + Duration::hours(23) - Duration::minutes(5);
    let fresh = token_valid_now();
    let mut refreshed = minted(&fresh, 48);
    refreshed.expires_on = s.now + Duration::hours(23);
    let stale = update(
        &mut s,
        answer(timer + 100, Answer::Refreshed(Ok(refreshed.clone()))),
    );
    assert!(
        stale.is_empty() && s.value(Field::Token) == token(),
        "not ours"
    );
    let effects = update(&mut s, answer(timer, Answer::Refreshed(Ok(refreshed))));
    assert_eq!(s.value(Field::Token), fresh);
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(
        notice.starts_with("token refreshed for Jane") && notice.contains("(in 23 h)"),
        "{notice}"
    );
    match &effects[..] {
        [Effect::RefreshToken { at, request_id, .. }] => {
            assert_eq!(*at, s.now + Duration::hours(23) - Duration::minutes(5));
            assert_ne!(*request_id, timer);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failed_refresh_shows_its_hint_and_tries_again_while_the_token_works() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.now = now() + Duration::hours(23) - Duration::minutes(5);
    let effects = update(
        &mut s,
        answer(
            timer,
            Answer::Refreshed(Err(service_error(401, Some("Denied"), Some("Denied.")))),
        ),
    );
    let notice = &s.notice.as_ref().unwrap().text;
    assert!(
        notice.contains("token refresh for Jane") && notice.contains("access key is wrong"),
        "{notice}"
    );
    assert_eq!(s.value(Field::Token), token(), "the old token stays");
    assert!(
        matches!(&effects[..], [Effect::RefreshToken { at, .. }] if *at == s.now + Duration::minutes(1))
    );
    update(&mut s, Action::ShowTab(DetailTab::Token));
    let screen = render(&s);
    assert!(screen.contains("Refresh      failed"), "{screen}");
}

#[test]
fn a_token_typed_by_hand_stops_the_refresh_of_the_minted_one() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    s.focus = Focus::Field(Field::Token);
    let effects = update(&mut s, Action::Paste("x".into()));
    assert!(
        matches!(&effects[..], [Effect::Cancel(id)] if *id == timer),
        "{effects:?}"
    );
    assert!(s.identity.minted.is_none());
}

#[test]
fn a_token_minted_at_startup_gets_its_refresh_timer_when_the_app_starts() {
    let mut s = filled(80, 24, false);
    s.identity.mint_source = Some(MintSource {
        conn: conn(),
        origin: "connection string in $ACS_CONN".into(),
    });
    s.identity.minted = Some(acs_chat_inspector::tui::state::Minted {
        user: JANE.into(),
        name: None,
        expires_on: now() + Duration::hours(1),
        refresh_id: None,
        refresh_error: None,
    });
    let effects = acs_chat_inspector::tui::app::start(&mut s);
    let timers: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            Effect::RefreshToken { at, .. } => Some(*at),
            _ => None,
        })
        .collect();
    assert_eq!(timers, [now() + Duration::minutes(55)]);
    assert!(effects.iter().any(|e| matches!(e, Effect::Fetch { .. })));
}

#[test]
fn p_and_m_are_keys_outside_fields_and_typed_inside_them() {
    let mut s = state(80, 24);
    s.focus = Focus::Field(Field::Thread);
    press(&mut s, 'P');
    press(&mut s, 'm');
    assert_eq!(s.value(Field::Thread), "Pm");
    assert!(s.overlays.picker().is_none());
    let help: String = acs_chat_inspector::tui::view::help::lines()
        .iter()
        .map(|l| l.to_string() + "\n")
        .collect();
    assert!(help.contains("In the profile picker") && help.contains("mint a token"));
}

#[test]
fn a_profile_with_a_connection_string_mints_for_its_user_and_sets_the_refresh_timer() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = state_in(dir.path(), Some(CONFIG));
    open_picker(&mut s);
    press(&mut s, 'j');
    let (request_id, name, profile, timeout, _) = resolving(enter(&mut s));
    assert_eq!(name, "fabrikam-prod");
    let mut fresh = minted(&token(), 23);
    fresh.user = "8:acs:fabrikam_0001".into();
    // The plan the task makes once it has read $FABRIKAM_CONN.
    let mut plan = Plan::from_profile(
        &name,
        &acs_chat_inspector::config::Profile {
            connection_string_env: None,
            ..profile
        },
        "2025-03-15",
        timeout,
    )
    .unwrap();
    plan.mint_source = Some(PlanMintSource {
        conn: conn(),
        origin: "profile fabrikam-prod".into(),
    });
    let minting = Resolved {
        token: Some(fresh.token.clone()),
        minted: Some(fresh),
    };
    let effects = update(&mut s, resolved(request_id, plan, minting, vec![]));
    assert!(
        matches!(&effects[..], [Effect::RefreshToken { user, at, .. }]
            if user == "8:acs:fabrikam_0001" && *at == now() + Duration::hours(23) - Duration::minutes(5)),
        "{effects:?}"
    );
    assert_eq!(s.value(Field::Token), token());
    assert_eq!(
        s.identity.minted.as_ref().unwrap().user,
        "8:acs:fabrikam_0001"
    );
    assert!(
        s.identity.mint_source.is_some(),
        "m can mint for participants too"
    );
}

#[test]
fn a_fetch_after_the_refresh_was_due_restarts_the_timer_at_once() {
    let mut s = with_participants();
    let timer = mint_for_jane(&mut s);
    // The machine slept through the timer (it sleeps on the monotonic clock).
    s.now = now() + Duration::hours(23);
    s.focus = Focus::Timeline;
    let effects = update(&mut s, Action::Fetch);
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::Cancel(id) if *id == timer))
    );
    assert!(
        effects
            .iter()
            .any(|e| matches!(e, Effect::RefreshToken { at, .. } if *at == s.now)),
        "{effects:?}"
    );
    // Before it is due, a fetch leaves the timer alone.
    let mut s = with_participants();
    mint_for_jane(&mut s);
    let effects = update(&mut s, Action::Fetch);
    assert!(
        !effects
            .iter()
            .any(|e| matches!(e, Effect::RefreshToken { .. }))
    );
}
