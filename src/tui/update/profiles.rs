//! Profiles and minted tokens: the picker, applying a profile, minting for a participant, and
//! refreshing a minted token once, shortly before it expires.

use chrono::{DateTime, Utc};

use crate::acs::AcsError;
use crate::acs::identity::{MintedToken, REFRESH_MARGIN, identity_hint};
use crate::acs::time::human_span;
use crate::config::{Config, Profile};
use crate::credentials::describe_profile;

use super::super::action::Action;
use super::super::action::Credentials;
use super::super::keymap::{self, Context};
use super::super::state::{
    AppState, DetailTab, Field, Level, LoadStatus, MintSource, Minted, Overlay, PickerStage,
    ProfileList, ProfilePicker, RecentThreads, Slot,
};
use super::fetch::{open_thread, stop};
use super::{Effect, Resolve};
use crate::acs::Endpoint;

/// After a failed refresh, the next attempt waits this long (while the token still works).
const REFRESH_RETRY: chrono::Duration = chrono::Duration::minutes(1);

pub(super) fn open_profiles(state: &mut AppState) -> Vec<Effect> {
    if state.overlays.top_is(Context::Profiles) {
        state.overlays.pop();
        return vec![];
    }
    let path = state.settings.config_file.clone();
    let list = match &path {
        Some(_) => ProfileList::Loading,
        None => ProfileList::Failed(
            "there is no config directory on this machine (no home directory)".into(),
        ),
    };
    state.overlays.push(Overlay::Profiles(ProfilePicker {
        path: path.clone(),
        list,
        stage: PickerStage::Profiles,
        selected: 0,
    }));
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
        .overlays
        .picker_mut()
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
    let Some(picker) = state.overlays.picker() else {
        return vec![];
    };
    match (&picker.stage, &picker.list) {
        (PickerStage::Profiles, ProfileList::Loaded(profiles)) => {
            match profiles.get(picker.selected).cloned() {
                Some((name, profile)) => apply_profile(state, name, profile),
                None => vec![],
            }
        }
        (PickerStage::Threads(_), _) => match state.recent.ids.get(picker.selected).cloned() {
            Some(thread_id) => open_thread(state, &thread_id),
            None => vec![],
        },
        _ => vec![],
    }
}

/// Asks for the profile's credentials; the profile applies, whole, once they are worked out.
fn apply_profile(state: &mut AppState, name: String, profile: Profile) -> Vec<Effect> {
    let mut effects = stop(state, Slot::Credentials);
    state.identity.applying = Some(name.clone());
    let request_id = state.start(Slot::Credentials);
    if let Some(picker) = state.overlays.picker_mut() {
        picker.stage = PickerStage::Threads(name.clone());
        picker.selected = 0;
    }
    state.notify(
        Level::Info,
        format!("applying profile {name}: {}…", describe_profile(&profile)),
    );
    effects.push(Effect::Resolve {
        request_id,
        resolve: Resolve::Profile {
            name,
            profile,
            api_version: state.settings.api_version.clone(),
            timeout: state.settings.timeout,
            state_file: state.settings.state_file.clone(),
        },
    });
    effects
}

/// A picked profile's credentials are in: its endpoint, api-version, timeout, token source and
/// recent threads replace the session's; data of another endpoint goes.
fn apply_picked(
    state: &mut AppState,
    plan: &crate::credentials::Plan,
    recent: Vec<String>,
) -> Vec<Effect> {
    let effects = forget_minted(state);
    let name = state
        .identity
        .applying
        .take()
        .or_else(|| plan.profile.clone());
    let endpoint = plan.endpoint.clone().unwrap_or_default();
    let moved = state.loaded_for.as_ref().is_some_and(|(loaded, _)| {
        Endpoint::parse(&endpoint)
            .map(|e| e.to_string())
            .ok()
            .as_ref()
            != Some(loaded)
    });
    if moved {
        super::fetch::clear_fetched(state);
        state.loaded_for = None;
    }
    state.set_value(Field::Endpoint, &endpoint);
    state.settings.api_version = plan.api_version.clone();
    state.settings.timeout = plan.timeout;
    // A token of the previous resource would only earn 401s here.
    state.fields.set_token("");
    state.identity.mint_source = None;
    state.settings.remember_as = name.clone();
    state.profile = name;
    state.recent = RecentThreads {
        ids: recent,
        next: 0,
    };
    effects
}

/// Credentials were worked out (at start, or for a profile picked): the token goes into its field,
/// a minted one gets its refresh timer, and the profile's recent threads are offered.
pub(super) fn credentials_resolved(
    state: &mut AppState,
    result: Result<Credentials, AcsError>,
) -> Vec<Effect> {
    let credentials = match result {
        Ok(credentials) => credentials,
        Err(e) => {
            let message = match (state.identity.applying.take(), &state.profile) {
                (Some(name), _) => format!(
                    "profile {name} not applied (nothing changed): {e} → {}",
                    identity_hint(&e)
                ),
                (None, Some(name)) => format!("profile {name}: {e} → {}", identity_hint(&e)),
                (None, None) => format!("{e} → {}", identity_hint(&e)),
            };
            state.loads.set(Slot::Credentials, LoadStatus::Failed(e));
            state.notify(Level::Error, message);
            return vec![];
        }
    };
    state.loads.set(Slot::Credentials, LoadStatus::Loaded);
    let Credentials {
        plan,
        resolved,
        recent_threads,
        then_fetch,
    } = credentials;
    let mut effects = match recent_threads {
        Some(ids) => apply_picked(state, &plan, ids),
        None => vec![],
    };
    if let Some(endpoint) = &plan.endpoint
        && state.value(Field::Endpoint).trim().is_empty()
    {
        state.set_value(Field::Endpoint, endpoint);
    }
    if let Some(source) = &plan.mint_source {
        state.identity.mint_source = Some(MintSource {
            conn: source.conn.clone(),
            origin: source.origin.clone(),
        });
    }
    let no_token = resolved.token.is_none();
    match resolved.minted {
        Some(minted) => effects.extend(accept_minted(state, minted, None)),
        None => {
            if let Some(token) = &resolved.token {
                state.fields.set_token(token.expose());
            }
        }
    }
    let threads = match state.recent.ids.len() {
        0 => "no recent threads yet".to_string(),
        n => format!(
            "{n} recent threads ({} cycles them)",
            keymap::key(Context::Results, &Action::OpenRecent)
        ),
    };
    let next = match (no_token, &state.identity.mint_source) {
        (true, Some(_)) => format!(
            "; add user = \"8:acs:...\" to the profile, or paste a member's token and press {} on a participant",
            keymap::key(Context::Results, &Action::MintForParticipant)
        ),
        (true, None) => "; paste a token into the Token field".to_string(),
        _ => String::new(),
    };
    let source = plan.describe();
    let text = match &state.profile {
        Some(name) => format!("profile {name} applied: {source}; {threads}{next}"),
        None => format!("{source}{next}"),
    };
    state.notify(Level::Info, text);
    if then_fetch {
        effects.extend(super::super::app::fetch_when_ready(state));
    }
    effects
}

/// `m` on the Participants tab: a token for the selected participant, to read as them.
pub(super) fn mint_for_participant(state: &mut AppState) -> Vec<Effect> {
    if state.tab != DetailTab::Participants {
        let mint = keymap::key(Context::Results, &Action::MintForParticipant);
        let tab = keymap::key(Context::Results, &Action::ShowTab(DetailTab::Participants));
        state.notify(
            Level::Info,
            format!("{mint} mints a token for a participant: pick one in the Participants tab ({tab}) first"),
        );
        return vec![];
    }
    let Some(participant) = state.participants.selected_item() else {
        state.notify(Level::Info, "no participant selected: fetch a thread first");
        return vec![];
    };
    let user = participant.communication_identifier.raw_id();
    let name = participant.display_name.clone();
    let Some(source) = state.identity.mint_source.clone() else {
        let picker = keymap::key(Context::Results, &Action::OpenProfiles);
        state.notify(
            Level::Warn,
            format!("cannot mint: no connection string (start with --connection-string-env VAR, or apply a profile with connection_string_env: {picker})"),
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
    let mut effects = stop(state, Slot::Mint);
    let request_id = state.start(Slot::Mint);
    state.identity.minting_for = name;
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
    result: Result<MintedToken, AcsError>,
) -> Vec<Effect> {
    match result {
        Ok(minted) => {
            state.loads.set(Slot::Mint, LoadStatus::Loaded);
            let name = state.identity.minting_for.take();
            let effects = accept_minted(state, minted, name);
            let text = match &state.identity.minted {
                Some(m) => format!(
                    "acting as {}: token minted, {}; {} fetches as them (read-only)",
                    m.who(),
                    expiry_text(state, m.expires_on),
                    keymap::key(Context::Results, &Action::Activate)
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
            state.loads.set(Slot::Mint, LoadStatus::Failed(e));
            vec![]
        }
    }
}

pub(super) fn token_refreshed(
    state: &mut AppState,
    request_id: u64,
    result: Result<MintedToken, AcsError>,
) -> Vec<Effect> {
    let Some(current) = &mut state.identity.minted else {
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
            if let Some(m) = &state.identity.minted {
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
    let Some(minted) = &mut state.identity.minted else {
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
    state.fields.set_token(minted.token.expose());
    state.identity.minted = Some(Minted {
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
    match &state.identity.minted {
        Some(m) if m.refresh_id.is_none() => {
            let at = m.expires_on - REFRESH_MARGIN;
            schedule_at(state, at)
        }
        _ => vec![],
    }
}

fn schedule_at(state: &mut AppState, at: DateTime<Utc>) -> Vec<Effect> {
    let Some(source) = state.identity.mint_source.clone() else {
        return vec![];
    };
    let request_id = state.take_request_id();
    let timeout = state.settings.timeout;
    let Some(minted) = &mut state.identity.minted else {
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
    let Some(m) = &mut state.identity.minted else {
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
        .identity
        .minted
        .take()
        .and_then(|m| m.refresh_id)
        .map(Effect::Cancel)
        .into_iter()
        .collect()
}

/// Typing or pasting: a token edited by hand is not the minted one, whose refresh would
/// overwrite it, so the minted token is forgotten.
pub(super) fn typed(
    state: &mut AppState,
    edit: impl FnOnce(&mut AppState) -> Vec<Effect>,
) -> Vec<Effect> {
    let before = state.value(Field::Token);
    let mut effects = edit(state);
    if state.identity.minted.is_some() && state.value(Field::Token) != before {
        effects.extend(forget_minted(state));
    }
    effects
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
