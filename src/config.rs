//! Profiles (named connection settings) and remembered state (recent thread ids).
//!
//! The config file says where secrets come from (`token_env`, `token_command`, `connection_string_env`),
//! never the secrets themselves, and one that seems to hold a secret is refused. The state file holds ids only.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::acs::AcsError;
use crate::acs::endpoint::{Endpoint, validate_api_version, validate_thread_id};

const APP_DIR: &str = "acs-chat-inspector";
/// Recent thread ids kept per profile.
pub const RECENT_THREADS_CAP: usize = 20;
/// The state key for recent threads when no profile is in use.
pub const NO_PROFILE: &str = "";

/// Keys that would hold a secret; the config names where secrets come from instead.
const SECRET_KEYS: [&str; 10] = [
    "token",
    "access_token",
    "accesstoken",
    "accesskey",
    "access_key",
    "key",
    "secret",
    "password",
    "connection_string",
    "connectionstring",
];

/// The config file: `<config dir>/acs-chat-inspector/config.toml`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
    /// The file this was read from, for messages.
    #[serde(skip)]
    pub source: Option<PathBuf>,
}

/// One named resource: where it is and where its secret comes from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// `https://<resource>.communication.azure.com`; optional with `connection_string_env`.
    pub endpoint: Option<String>,
    pub api_version: Option<String>,
    /// Per-request timeout in seconds.
    pub timeout: Option<f64>,
    /// An environment variable holding an access token.
    pub token_env: Option<String>,
    /// A command (run with `sh -c`) that prints an access token.
    pub token_command: Option<String>,
    /// An environment variable holding the resource's connection string, to mint tokens.
    pub connection_string_env: Option<String>,
    /// The identity (`8:acs:...`) to mint tokens for with `connection_string_env`.
    pub user: Option<String>,
}

impl Config {
    /// Where the config file lives (`$XDG_CONFIG_HOME/acs-chat-inspector/config.toml` on Linux).
    pub fn path() -> Result<PathBuf, AcsError> {
        let dirs = base_dirs()?;
        Ok(dirs.config_dir().join(APP_DIR).join("config.toml"))
    }

    /// Reads the config file at its usual place.
    pub fn load() -> Result<Self, AcsError> {
        Self::load_from(&Self::path()?)
    }

    /// Reads a config file; a missing file is an empty config.
    pub fn load_from(path: &Path) -> Result<Self, AcsError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self {
                    source: Some(path.to_path_buf()),
                    ..Self::default()
                });
            }
            Err(e) => return Err(bad(path, format!("cannot read it: {e}"))),
        };
        let mut config = Self::parse(&text).map_err(|e| bad(path, e))?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses config text; the error says where and what is wrong, and never repeats a secret.
    pub fn parse(text: &str) -> Result<Self, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        refuse_secrets(text, &table)?;
        let config: Self = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        for (name, profile) in &config.profiles {
            profile
                .validate()
                .map_err(|e| format!("profile {name:?}: {e}"))?;
        }
        Ok(config)
    }

    /// The profile called `name`, or an error listing the known ones.
    pub fn profile(&self, name: &str) -> Result<&Profile, AcsError> {
        self.profiles.get(name).ok_or_else(|| {
            let file = self
                .source
                .as_deref()
                .map(|p| format!(" in {}", p.display()))
                .unwrap_or_default();
            let known = if self.profiles.is_empty() {
                "there are no profiles yet".to_string()
            } else {
                format!("known profiles: {}", self.profile_names().join(", "))
            };
            AcsError::BadInput(format!("no profile {name:?}{file}; {known}"))
        })
    }

    /// Profile names in order, for the picker and messages.
    pub fn profile_names(&self) -> Vec<&str> {
        self.profiles.keys().map(String::as_str).collect()
    }
}

impl Profile {
    /// Checks values that can be checked without the network or the environment.
    pub fn validate(&self) -> Result<(), String> {
        let sources = [
            self.token_env.is_some(),
            self.token_command.is_some(),
            self.connection_string_env.is_some(),
        ];
        if sources.iter().filter(|s| **s).count() > 1 {
            return Err(
                "give only one of token_env, token_command and connection_string_env".into(),
            );
        }
        if let Some(endpoint) = &self.endpoint {
            Endpoint::parse(endpoint).map_err(|e| format!("endpoint: {e}"))?;
        }
        if let Some(v) = &self.api_version {
            validate_api_version(v).map_err(|e| e.to_string())?;
        }
        if let Some(t) = self.timeout
            && !(t.is_finite() && t > 0.0 && t <= 3600.0)
        {
            return Err(format!("timeout {t} must be between 0 and 3600 seconds"));
        }
        Ok(())
    }
}

fn base_dirs() -> Result<directories::BaseDirs, AcsError> {
    directories::BaseDirs::new().ok_or_else(|| {
        AcsError::BadInput("cannot find the home directory for the config and state files".into())
    })
}

fn bad(path: &Path, what: String) -> AcsError {
    AcsError::BadInput(format!("config file {}: {what}", path.display()))
}

/// `line 3, column 9: invalid string` from toml's error, without its snippet of the file (which could hold a secret).
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().trim();
    match e.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            format!("line {line}, column {column}: {message}")
        }
        None => message.to_string(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn refuse_secrets(text: &str, table: &toml::Table) -> Result<(), String> {
    let mut entries = Vec::new();
    collect_entries(table, "", &mut entries);
    for (path, key, value) in entries {
        let lower = key.to_ascii_lowercase();
        let why = if SECRET_KEYS.contains(&lower.as_str()) {
            format!("`{key}` would hold a secret")
        } else if value.is_some_and(looks_like_secret) {
            format!("the value of `{key}` looks like a token or access key")
        } else {
            continue;
        };
        return Err(format!(
            "line {}: {path} ({why}); the config never holds secrets: name where they come from with token_env, token_command or connection_string_env",
            line_of_key(text, key)
        ));
    }
    Ok(())
}

/// Every non-table entry as (dotted path, key, string value if it is one).
fn collect_entries<'a>(
    table: &'a toml::Table,
    prefix: &str,
    out: &mut Vec<(String, &'a str, Option<&'a str>)>,
) {
    for (key, value) in table {
        let path = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => collect_entries(inner, &path, out),
            toml::Value::String(s) => out.push((path, key, Some(s))),
            _ => out.push((path, key, None)),
        }
    }
}

/// A connection string's key or a JWT anywhere in the value (e.g. `echo eyJ...` in a command).
fn looks_like_secret(value: &str) -> bool {
    crate::sanitize::holds_secret(value)
}

/// The first line assigning `key`, for a message; 0 when not found (quoted or dotted keys).
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            line.trim_start()
                .strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map_or(0, |i| i + 1)
}

/// Remembered state: recent thread ids per profile, in `<state dir>/acs-chat-inspector/state.json`.
#[derive(Debug, Clone)]
pub struct State {
    file: PathBuf,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct StateData {
    #[serde(default)]
    recent_threads: BTreeMap<String, Vec<String>>,
}

impl State {
    /// Where state lives: the platform's state directory, or its local data directory where there is none.
    pub fn path() -> Result<PathBuf, AcsError> {
        let dirs = base_dirs()?;
        let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
        Ok(dir.join(APP_DIR).join("state.json"))
    }

    /// The state at its usual place.
    pub fn open() -> Result<Self, AcsError> {
        Ok(Self::at(Self::path()?))
    }

    /// The state in a given file (tests, portable setups).
    pub fn at(file: impl Into<PathBuf>) -> Self {
        Self { file: file.into() }
    }

    pub fn file(&self) -> &Path {
        &self.file
    }

    /// Thread ids recently inspected with `profile` ([`NO_PROFILE`] without one), most recent first.
    /// A missing or unreadable state file gives none: state is a convenience, never a reason to fail.
    pub fn recent_threads(&self, profile: &str) -> Vec<String> {
        self.read()
            .recent_threads
            .remove(profile)
            .unwrap_or_default()
    }

    /// Every profile's recent thread ids (profiles in name order, each list most recent first),
    /// each id once.
    pub fn all_recent_threads(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        for id in self.read().recent_threads.into_values().flatten() {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }

    /// Puts `thread_id` first in `profile`'s recent threads (deduplicated, at most 20).
    pub fn remember_thread(&self, profile: &str, thread_id: &str) -> Result<(), AcsError> {
        let thread_id = validate_thread_id(thread_id)?;
        let thread_id = thread_id.as_ref();
        if looks_like_secret(thread_id) {
            return Err(AcsError::BadInput(
                "refusing to remember a token as a thread id".into(),
            ));
        }
        let mut data = self.read();
        let list = data.recent_threads.entry(profile.to_string()).or_default();
        list.retain(|t| t != thread_id);
        list.insert(0, thread_id.to_string());
        list.truncate(RECENT_THREADS_CAP);
        self.write(&data)
    }

    fn read(&self) -> StateData {
        let Ok(text) = std::fs::read_to_string(&self.file) else {
            return StateData::default();
        };
        serde_json::from_str(&text).unwrap_or_else(|e| {
            tracing::warn!(file = %self.file.display(), error = %e, "state file unreadable; starting afresh");
            StateData::default()
        })
    }

    /// Writes through a temporary file and a rename, so a crash never leaves half a file; mode 0600.
    fn write(&self, data: &StateData) -> Result<(), AcsError> {
        let fail = |what: &str, e: std::io::Error| {
            AcsError::BadInput(format!(
                "cannot {what} the state file {}: {e}",
                self.file.display()
            ))
        };
        let dir = self.file.parent().unwrap_or(Path::new("."));
        create_private_dir(dir).map_err(|e| fail("create the directory of", e))?;
        let json = serde_json::to_vec_pretty(data).unwrap_or_default();
        let tmp = dir.join(format!(
            ".state.json.{}.{}.tmp",
            std::process::id(),
            rand::random::<u32>()
        ));
        let written = write_private(&tmp, &json).and_then(|()| std::fs::rename(&tmp, &self.file));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(fail("write", e));
        }
        Ok(())
    }
}

fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
