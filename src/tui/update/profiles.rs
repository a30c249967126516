//! Profiles and minted tokens: the picker, applying a profile, minting for a participant, and
//! refreshing a minted token once, shortly before it expires.

use chrono::{DateTime, Utc};

use crate::acs::AcsError;
use crate::acs::identity::{MintedToken, REFRESH_MARGIN, identity_hint};
use crate::acs::time::human_span;
use crate::config::{Config, Profile};
use crate::tui::action::ProfileSecret;
use crate::tui::state::{MintSource, Minted, PickerStage, ProfileList, ProfilePicker};

use super::*;

/// After a failed refresh, the next attempt waits this long (while the token still works).
const REFRESH_RETRY: chrono::Duration = chrono::Duration::minutes(1);

pub(super) fn open_profiles(state: &mut AppState) -> Vec<Effect> {
    if state.profiles.take().is_some() {
        return vec![];
    }
    let path = state.settings.config_file.clone();
    let list = match &path {
        Some(_) => ProfileList::Loading,
        None => ProfileList::Failed(
            "there is no config directory on this machine (no home directory)".into(),
        ),
    };
    state.profiles = Some(ProfilePicker {
        path: path.clone(),
        list,
        stage: PickerStage::Profiles,
        selected: 0,
    });
    path.map(|path| Effect::LoadProfiles { path })
        .into_iter()
        .collect()
}

pub(super) fn profiles_loaded(
    state: &mut AppState,
    path: std::path::PathBuf,
    result: Result<Option<Config>, AcsError>,
) -> Vec<Effect> {
    let current = state.profile.clone();
    let Some(picker) = state
        .profiles
        .as_mut()
        .filter(|p| p.path.as_ref() == Some(&path))
    else {
        return vec![];
    };
    picker.list = match result {
        Ok(None) => ProfileList::Missing,
        Ok(Some(config)) => ProfileList::Loaded(config.profiles.into_iter().collect()),
        Err(e) => ProfileList::Failed(e.to_string()),
    };
    if let ProfileList::Loaded(profiles) = &picker.list {
        picker.selected = profiles
            .iter()
            .position(|(name, _)| Some(name) == current.as_ref())
            .unwrap_or(0);
    }
    vec![]
}

/// Enter in the picker: apply the selected profile, or open the selected recent thread.
pub(super) fn picker_enter(state: &mut AppState) -> Vec<Effect> {
    let Some(picker) = &state.profiles else {
        return vec![];
    };
    match (&picker.stage, &picker.list) {
        (PickerStage::Profiles, ProfileList::Loaded(profiles)) => {
            match profiles.get(picker.selected).cloned() {
                Some((name, profile)) => apply_profile(state, name, profile),
                None => vec![],
            }
        }
        (PickerStage::Threads(_), _) => {
            let Some(thread_id) = state.recent_threads.get(picker.selected).cloned() else {
                return vec![];
            };
            state.profiles = None;
            state.set_value(Field::Thread, &thread_id);
            state.set_value(Field::Message, "");
            let effects = fetch(state);
            set_focus(state, Focus::Timeline);
            effects
        }
        _ => vec![],
    }
}

/// Applies what needs no waiting (endpoint, api-version, timeout) and asks for the token.
fn apply_profile(state: &mut AppState, name: String, profile: Profile) -> Vec<Effect> {
    let mut effects = forget_minted(state);
    effects.extend(state.profile_status.request_id().map(Effect::Cancel));
    match (&profile.endpoint, &profile.connection_string_env) {
        (Some(endpoint), _) => state.set_value(Field::Endpoint, endpoint),
        // The connection string names the endpoint once it is read.
        (None, Some(_)) => state.set_value(Field::Endpoint, ""),
        (None, None) => {}
    }
    if let Some(version) = &profile.api_version {
        state.settings.api_version = version.clone();
    }
    if let Some(timeout) = profile.timeout {
        state.settings.timeout = std::time::Duration::from_secs_f64(timeout);
    }
    // A token of the previous resource would only earn 401s here.
    state.set_token("");
    state.mint_source = None;
    state.settings.remember_as = Some(name.clone());
    state.profile = Some(name.clone());
    state.recent_threads.clear();
    state.recent_index = 0;
    let request_id = state.take_request_id();
    state.profile_status = LoadStatus::Loading {
        started: state.now,
        request_id,
    };
    if let Some(picker) = &mut state.profiles {
        picker.stage = PickerStage::Threads(name.clone());
        picker.selected = 0;
    }
    state.notify(
        Level::Info,
        format!("applying profile {name}: {}…", source_of(&profile)),
    );
    effects.push(Effect::ResolveProfile {
        request_id,
        name,
        profile,
        state_file: state.settings.state_file.clone(),
        timeout: state.settings.timeout,
    });
    effects
}

/// Where a profile's token comes from, in words.
pub fn source_of(profile: &Profile) -> String {
    match (
        &profile.token_env,
        &profile.token_command,
        &profile.connection_string_env,
    ) {
        (Some(var), _, _) => format!("token from ${var}"),
        (_, Some(_), _) => "token from its token_command".into(),
        (_, _, Some(var)) => match &profile.user {
            Some(user) => format!("minting a token for {user} from ${var}"),
            None => format!("connection string from ${var} (no user to mint for)"),
        },
        _ => "no token source: paste a token".into(),
    }
}

pub(super) fn profile_resolved(
    state: &mut AppState,
    request_id: u64,
    name: String,
    recent_threads: Vec<String>,
    result: Result<ProfileSecret, AcsError>,
) -> Vec<Effect> {
    if !state.profile_status.awaits(request_id) {
        return vec![];
    }
    state.recent_threads = recent_threads;
    state.recent_index = 0;
    let secret = match result {
        Ok(secret) => secret,
        Err(e) => {
            let message = format!("profile {name}: {e} → {}", identity_hint(&e));
            state.profile_status = LoadStatus::Failed(e);
            state.notify(Level::Error, message);
            return vec![];
        }
    };
    state.profile_status = LoadStatus::Loaded;
    if let Some(endpoint) = &secret.endpoint
        && state.value(Field::Endpoint).trim().is_empty()
    {
        state.set_value(Field::Endpoint, endpoint);
    }
    if let Some(conn) = secret.conn {
        state.mint_source = Some(MintSource {
            conn,
            origin: format!("profile {name}"),
        });
    }
    if let Some(token) = &secret.token {
        state.set_token(token.expose());
    }
    let threads = match state.recent_threads.len() {
        0 => "no recent threads yet".to_string(),
        n => format!("{n} recent threads (R cycles them)"),
    };
    let no_token = secret.token.is_none() && secret.minted.is_none();
    let mut effects = vec![];
    if let Some(minted) = secret.minted {
        effects = accept_minted(state, minted, None);
    }
    let next = match (no_token, &state.mint_source) {
        (true, Some(_)) => {
            "; add user = \"8:acs:...\" to the profile, or paste a member's token and press m on a participant"
        }
        (true, None) => "; paste a token into the Token field",
        _ => "",
    };
    state.notify(
        Level::Info,
        format!("profile {name} applied: {}; {threads}{next}", secret.source),
    );
    effects
}

/// `m` on the Participants tab: a token for the selected participant, to read as them.
pub(super) fn mint_for_participant(state: &mut AppState) -> Vec<Effect> {
    if state.tab != DetailTab::Participants {
        state.notify(
            Level::Info,
            "m mints a token for a participant: pick one in the Participants tab (3) first",
        );
        return vec![];
    }
    let Some(participant) = state.participants.items.get(state.participants.selected) else {
        state.notify(Level::Info, "no participant selected: fetch a thread first");
        return vec![];
    };
    let user = participant.communication_identifier.raw_id();
    let name = participant.display_name.clone();
    let Some(source) = state.mint_source.clone() else {
        state.notify(
            Level::Warn,
            "cannot mint: no connection string (start with --connection-string-env VAR, or apply a profile with connection_string_env: P)",
        );
        return vec![];
    };
    if let Err(e) = crate::acs::identity::validate_user(&user) {
        state.notify(
            Level::Warn,
            format!("cannot mint for this participant: {e}"),
        );
        return vec![];
    }
    let mut effects: Vec<Effect> = state
        .mint_status
        .request_id()
        .map(Effect::Cancel)
        .into_iter()
        .collect();
    let request_id = state.take_request_id();
    state.mint_status = LoadStatus::Loading {
        started: state.now,
        request_id,
    };
    state.mint_name = name;
    state.notify(
        Level::Info,
        format!("minting a chat token for {user} from the {}", source.origin),
    );
    effects.push(Effect::Mint {
        request_id,
        conn: source.conn,
        user,
        timeout: state.settings.timeout,
    });
    effects
}

pub(super) fn token_minted(
    state: &mut AppState,
    request_id: u64,
    result: Result<MintedToken, AcsError>,
) -> Vec<Effect> {
    if !state.mint_status.awaits(request_id) {
        return vec![];
    }
    match result {
        Ok(minted) => {
            state.mint_status = LoadStatus::Loaded;
            let name = state.mint_name.take();
            let effects = accept_minted(state, minted, name);
            let text = match &state.minted {
                Some(m) => format!(
                    "acting as {}: token minted, {}; Enter fetches as them (read-only)",
                    m.who(),
                    expiry_text(state, m.expires_on)
                ),
                None => "token minted".into(),
            };
            state.notify(Level::Info, text);
            effects
        }
        Err(e) => {
            state.notify(
                Level::Error,
                format!("minting failed: {e} → {}", identity_hint(&e)),
            );
            state.mint_status = LoadStatus::Failed(e);
            vec![]
        }
    }
}

pub(super) fn token_refreshed(
    state: &mut AppState,
    request_id: u64,
    result: Result<MintedToken, AcsError>,
) -> Vec<Effect> {
    let Some(current) = &mut state.minted else {
        return vec![];
    };
    if current.refresh_id != Some(request_id) {
        return vec![];
    }
    // The timer has fired: nothing left to cancel.
    current.refresh_id = None;
    let name = current.name.clone();
    match result {
        Ok(fresh) => {
            let effects = accept_minted(state, fresh, name);
            if let Some(m) = &state.minted {
                let text = format!(
                    "token refreshed for {}, {}",
                    m.who(),
                    expiry_text(state, m.expires_on)
                );
                state.notify(Level::Info, text);
            }
            effects
        }
        Err(e) => refresh_failed(state, e),
    }
}

/// Keeps the old token (it may still work) and tries again a minute later while it does.
fn refresh_failed(state: &mut AppState, e: AcsError) -> Vec<Effect> {
    let now = state.now;
    let Some(minted) = &mut state.minted else {
        return vec![];
    };
    let text = format!(
        "token refresh for {} failed: {e} → {}",
        minted.who(),
        identity_hint(&e)
    );
    minted.refresh_error = Some(e);
    minted.refresh_id = None;
    let retry = minted.expires_on > now + REFRESH_RETRY;
    state.notify(Level::Error, text);
    if !retry {
        return vec![];
    }
    schedule_at(state, now + REFRESH_RETRY)
}

/// Puts a minted token into the Token field and sets its refresh timer.
pub(super) fn accept_minted(
    state: &mut AppState,
    minted: MintedToken,
    name: Option<String>,
) -> Vec<Effect> {
    let mut effects = forget_minted(state);
    state.set_token(minted.token.expose());
    state.minted = Some(Minted {
        user: minted.user,
        name,
        expires_on: minted.expires_on,
        refresh_id: None,
        refresh_error: None,
    });
    effects.extend(schedule_refresh(state));
    effects
}

/// The one timer that refreshes the minted token [`REFRESH_MARGIN`] before it expires; none when
/// no token was minted here, no connection string is at hand, or a timer is already set.
pub fn schedule_refresh(state: &mut AppState) -> Vec<Effect> {
    match &state.minted {
        Some(m) if m.refresh_id.is_none() => {
            let at = m.expires_on - REFRESH_MARGIN;
            schedule_at(state, at)
        }
        _ => vec![],
    }
}

fn schedule_at(state: &mut AppState, at: DateTime<Utc>) -> Vec<Effect> {
    let Some(source) = state.mint_source.clone() else {
        return vec![];
    };
    let request_id = state.take_request_id();
    let timeout = state.settings.timeout;
    let Some(minted) = &mut state.minted else {
        return vec![];
    };
    minted.refresh_id = Some(request_id);
    vec![Effect::RefreshToken {
        request_id,
        at,
        conn: source.conn,
        user: minted.user.clone(),
        timeout,
    }]
}

/// A timer sleeps on the monotonic clock, which stops while the machine is suspended: a fetch made
/// after the refresh was due restarts it at once rather than waiting out the lost time.
pub(super) fn restart_overdue_refresh(state: &mut AppState) -> Vec<Effect> {
    let now = state.now;
    let Some(m) = &mut state.minted else {
        return vec![];
    };
    let (Some(old), None) = (m.refresh_id, &m.refresh_error) else {
        return vec![];
    };
    if m.expires_on - REFRESH_MARGIN > now {
        return vec![];
    }
    m.refresh_id = None;
    let mut effects = vec![Effect::Cancel(old)];
    effects.extend(schedule_at(state, now));
    effects
}

/// Drops what is known of a minted token and stops its refresh timer.
fn forget_minted(state: &mut AppState) -> Vec<Effect> {
    state
        .minted
        .take()
        .and_then(|m| m.refresh_id)
        .map(Effect::Cancel)
        .into_iter()
        .collect()
}

/// A token typed or pasted by hand is not the minted one: its refresh would overwrite it.
pub(super) fn forget_minted_if_edited(state: &mut AppState, before: &str) -> Vec<Effect> {
    if state.minted.is_some() && state.value(Field::Token) != before {
        forget_minted(state)
    } else {
        vec![]
    }
}

/// `expires 2026-01-16 12:00:00 UTC (in 23 h)`.
pub fn expiry_text(state: &AppState, expires_on: DateTime<Utc>) -> String {
    let when = state.time_display.format(expires_on, state.now);
    let secs = (expires_on - state.now).num_seconds();
    if secs <= 0 {
        format!("expired {when} ({} ago)", human_span(secs.unsigned_abs()))
    } else {
        format!("expires {when} (in {})", human_span(secs as u64))
    }
}
