//! Profiles and minted tokens, as the UI knows them (never a secret but in memory).

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::acs::AcsError;
use crate::acs::identity::ConnectionString;
use crate::config::Profile;

/// The profiles of the config file, as the picker found them.
#[derive(Debug, Clone)]
pub enum ProfileList {
    Loading,
    /// There is no config file yet.
    Missing,
    /// The config file cannot be used; the message names the file and line.
    Failed(String),
    Loaded(Vec<(String, Profile)>),
}

/// What the profile picker shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerStage {
    /// The profiles, to pick one.
    Profiles,
    /// The recent threads of the profile just applied, to open one.
    Threads(String),
}

/// The profile picker overlay.
#[derive(Debug, Clone)]
pub struct ProfilePicker {
    pub path: Option<std::path::PathBuf>,
    pub list: ProfileList,
    pub stage: PickerStage,
    pub selected: usize,
}

impl ProfilePicker {
    /// How many rows can be picked in the current stage.
    pub fn len(&self, recent_threads: usize) -> usize {
        match (&self.stage, &self.list) {
            (PickerStage::Threads(_), _) => recent_threads,
            (PickerStage::Profiles, ProfileList::Loaded(profiles)) => profiles.len(),
            _ => 0,
        }
    }

    pub fn is_empty(&self, recent_threads: usize) -> bool {
        self.len(recent_threads) == 0
    }
}

/// A connection string held in memory to mint tokens; it is never written anywhere.
#[derive(Debug, Clone)]
pub struct MintSource {
    pub conn: Arc<ConnectionString>,
    /// Where it came from, for messages: `--connection-string-env ACS_CONN`.
    pub origin: String,
}

/// The token in the Token field was minted: for whom, until when, and its refresh.
#[derive(Debug, Clone)]
pub struct Minted {
    /// The identity's raw id.
    pub user: String,
    /// The participant's display name, when minted for one.
    pub name: Option<String>,
    pub expires_on: DateTime<Utc>,
    /// The timer task that will refresh it.
    pub refresh_id: Option<u64>,
    /// Why the last refresh failed.
    pub refresh_error: Option<AcsError>,
}

impl Minted {
    /// `Jane (8:acs:...)` or the raw id.
    pub fn who(&self) -> String {
        match &self.name {
            Some(name) => format!("{name} ({})", self.user),
            None => self.user.clone(),
        }
    }
}

/// Where tokens come from in this session, beyond the Token field.
#[derive(Debug, Clone, Default)]
pub struct Identity {
    /// The connection string tokens are minted from, when one was given.
    pub mint_source: Option<MintSource>,
    /// What is known of the token when it was minted here.
    pub minted: Option<Minted>,
    /// The display name of the participant a token is being minted for.
    pub minting_for: Option<String>,
    /// The profile picked whose credentials are being worked out: nothing of it applies before
    /// they are, so a profile whose token cannot be had changes nothing.
    pub applying: Option<String>,
}

/// Threads recently opened on this machine, most recent first; `R` cycles through them.
#[derive(Debug, Clone, Default)]
pub struct RecentThreads {
    pub ids: Vec<String>,
    /// Where `R` goes next.
    pub next: usize,
}
