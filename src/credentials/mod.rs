//! Credentials, worked out in one place for every mode.
//!
//! [`Plan`] turns flags, a profile and the environment into an endpoint and a token source without
//! waiting for anything; [`resolve`] then reads, runs or mints what the plan names (a `token_command`
//! is time-limited and killed when cancelled). The TUI resolves in a task so it answers every key
//! meanwhile; the subcommands await it. Minted tokens are refreshed from the same connection string.

mod command;

use std::sync::Arc;
use std::time::Duration;

use crate::acs::endpoint::{DEFAULT_API_VERSION, validate_api_version};
use crate::acs::identity::{
    CHAT_SCOPE, ConnectionString, IdentityClient, MintedToken, validate_user,
};
use crate::acs::{AccessToken, AcsError, ClientConfig, Endpoint, RetryPolicy};
use crate::cli::ConnectionArgs;
use crate::config::{Config, Profile};

pub use command::{TOKEN_COMMAND_LIMIT, run as run_token_command};

/// The environment variables the Azure CLI uses, which the flags default to.
pub const ENDPOINT_VAR: &str = "AZURE_COMMUNICATION_ENDPOINT";
pub const TOKEN_VAR: &str = "AZURE_COMMUNICATION_ACCESS_TOKEN";

/// Where the token comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum TokenSource {
    /// None was named: the user pastes one (TUI) or is told to give one.
    None,
    /// `--token`, `--token-file` or the environment.
    Given(AccessToken),
    /// A profile's `token_env`.
    Env(String),
    /// A profile's `token_command`.
    Command(String),
    /// Minted from the connection string for this identity (`None`: for a new identity).
    Mint(Option<String>),
}

/// A connection string held in memory to mint tokens, and where it came from (for messages).
#[derive(Debug, Clone, PartialEq)]
pub struct MintSource {
    pub conn: Arc<ConnectionString>,
    /// `--connection-string-env ACS_CONN`, `profile contoso`.
    pub origin: String,
}

/// What the flags, profile and environment say, before anything is read, run or minted.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The endpoint as given (a connection string's when nothing else names one).
    pub endpoint: Option<String>,
    pub token: TokenSource,
    pub mint_source: Option<MintSource>,
    pub api_version: String,
    pub timeout: Duration,
    pub retries: u32,
    /// No listing follows more pages than this.
    pub max_pages: usize,
    /// The profile applied, by name.
    pub profile: Option<String>,
}

impl Plan {
    /// The plan of the command line: `--profile` (read from the config file) fills what the flags
    /// left open; flags win over the profile, the profile over the environment and the defaults.
    pub fn from_args(args: &ConnectionArgs) -> Result<Self, AcsError> {
        let profile = match &args.profile {
            Some(name) => Some(Config::load()?.profile(name)?.clone()),
            None => None,
        };
        Self::from_args_and_profile(args, profile.as_ref())
    }

    /// [`Plan::from_args`] with the profile given.
    pub fn from_args_and_profile(
        args: &ConnectionArgs,
        profile: Option<&Profile>,
    ) -> Result<Self, AcsError> {
        let default = Profile::default();
        let profile = match profile {
            Some(p) => {
                p.validate().map_err(AcsError::BadInput)?;
                p
            }
            None => &default,
        };
        let endpoint_open = from_env_or_unset(&args.endpoint, ENDPOINT_VAR);
        let explicit_token =
            args.token_file.is_some() || !from_env_or_unset(&args.token, TOKEN_VAR);
        let conn_var = args
            .connection_string_env
            .clone()
            .or_else(|| profile.connection_string_env.clone());
        let mint_source = conn_var
            .as_deref()
            .map(|var| mint_source(var, args.profile.as_deref()))
            .transpose()?;
        let endpoint = match (&profile.endpoint, &mint_source) {
            (Some(e), _) if endpoint_open => Some(e.clone()),
            (None, Some(m)) if endpoint_open && args.endpoint.is_none() => {
                Some(m.conn.endpoint.display())
            }
            _ => args.endpoint.clone(),
        };
        let user = args.user.clone().or_else(|| profile.user.clone());
        let token = if explicit_token {
            given_token(args)?
        } else if mint_source.is_some() {
            // A token only in the environment gives way to minting from the connection string.
            TokenSource::Mint(user)
        } else if let Some(command) = &profile.token_command {
            TokenSource::Command(command.clone())
        } else if let Some(var) = &profile.token_env {
            TokenSource::Env(var.clone())
        } else {
            given_token(args)?
        };
        Ok(Self {
            endpoint,
            token,
            mint_source,
            api_version: pick(&args.api_version, DEFAULT_API_VERSION, &profile.api_version),
            timeout: timeout(args, profile)?,
            retries: args.retries.min(20),
            max_pages: args.max_pages,
            profile: args.profile.clone(),
        })
    }

    /// The plan of a profile picked in the TUI: the profile decides what it names; the session's
    /// settings stay for the rest.
    pub fn from_profile(
        name: &str,
        profile: &Profile,
        api_version: &str,
        timeout: Duration,
    ) -> Result<Self, AcsError> {
        profile.validate().map_err(AcsError::BadInput)?;
        let origin = format!("profile {name}");
        let mint_source = profile
            .connection_string_env
            .as_deref()
            .map(|var| mint_source(var, Some(name)))
            .transpose()?
            .map(|m| MintSource { origin, ..m });
        let token = match (&profile.token_env, &profile.token_command, &mint_source) {
            (Some(var), _, _) => TokenSource::Env(var.clone()),
            (_, Some(command), _) => TokenSource::Command(command.clone()),
            // Without a user the profile names no token: one is minted for a participant later.
            (_, _, Some(_)) => match &profile.user {
                Some(user) => TokenSource::Mint(Some(user.clone())),
                None => TokenSource::None,
            },
            _ => TokenSource::None,
        };
        let endpoint = profile
            .endpoint
            .clone()
            .or_else(|| mint_source.as_ref().map(|m| m.conn.endpoint.display()));
        Ok(Self {
            endpoint,
            token,
            mint_source,
            api_version: profile
                .api_version
                .clone()
                .unwrap_or_else(|| api_version.to_string()),
            timeout: profile.timeout.map_or(timeout, Duration::from_secs_f64),
            retries: RetryPolicy::default().max_retries,
            max_pages: crate::acs::client::DEFAULT_MAX_PAGES,
            profile: Some(name.to_string()),
        })
    }

    /// Where the token comes from, in words (never the token).
    pub fn describe(&self) -> String {
        describe(&self.token, self.mint_source.as_ref())
    }

    /// Whether the token is at hand without waiting (given, or none at all).
    pub fn is_immediate(&self) -> bool {
        matches!(self.token, TokenSource::Given(_) | TokenSource::None)
    }

    /// The endpoint, validated; the contract's message when none was given.
    pub fn endpoint(&self) -> Result<Endpoint, AcsError> {
        Endpoint::parse(self.endpoint.as_deref().unwrap_or(""))
    }

    /// A full client configuration for `token`.
    pub fn client_config(&self, token: AccessToken) -> Result<ClientConfig, AcsError> {
        let mut config = ClientConfig::new(self.endpoint()?, token);
        config.api_version = validate_api_version(&self.api_version)?.to_string();
        config.timeout = self.timeout;
        config.retry = RetryPolicy {
            max_retries: self.retries,
            ..RetryPolicy::default()
        };
        config.max_pages = self.max_pages;
        Ok(config)
    }
}

/// What a plan gave once resolved.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolved {
    pub token: Option<AccessToken>,
    /// Set when the token was minted here: for whom and until when (the token is in `token` too).
    pub minted: Option<MintedToken>,
}

/// Reads, runs or mints what the plan names. Cancel by dropping the future: a running
/// `token_command` is then killed.
pub async fn resolve(plan: &Plan) -> Result<Resolved, AcsError> {
    match &plan.token {
        TokenSource::None => Ok(Resolved::default()),
        TokenSource::Given(token) => Ok(Resolved {
            token: Some(token.clone()),
            minted: None,
        }),
        TokenSource::Env(var) => token_from_env(var).map(|token| Resolved {
            token: Some(token),
            minted: None,
        }),
        TokenSource::Command(command) => {
            run_token_command(command, TOKEN_COMMAND_LIMIT)
                .await
                .map(|token| Resolved {
                    token: Some(token),
                    minted: None,
                })
        }
        TokenSource::Mint(user) => {
            let source = plan.mint_source.as_ref().ok_or_else(no_connection_string)?;
            let minted = mint(&source.conn, user.as_deref(), plan.timeout).await?;
            Ok(Resolved {
                token: Some(minted.token.clone()),
                minted: Some(minted),
            })
        }
    }
}

/// Issues a chat token for `user`, or for a new identity when `user` is `None`.
pub async fn mint(
    conn: &ConnectionString,
    user: Option<&str>,
    timeout: Duration,
) -> Result<MintedToken, AcsError> {
    let client = IdentityClient::new(conn.clone(), timeout)?;
    match user {
        Some(user) => {
            client
                .issue_token(validate_user(user)?, &[CHAT_SCOPE])
                .await
        }
        None => client.create_user_and_token(&[CHAT_SCOPE]).await,
    }
}

/// The token of `--token-file` (`-` reads standard input) or `--token` / the environment.
/// A token file is read up to [`MAX_TOKEN_FILE`] (`--token-file /dev/zero` ends at once).
pub fn given_token(args: &ConnectionArgs) -> Result<TokenSource, AcsError> {
    let text = match &args.token_file {
        Some(path) if path.as_os_str() == "-" => {
            read_token_text(std::io::stdin(), "standard input")?
        }
        Some(path) => {
            let what = format!("--token-file {}", path.display());
            let file = std::fs::File::open(path)
                .map_err(|e| AcsError::BadInput(format!("cannot read {what}: {e}")))?;
            read_token_text(file, &what)?
        }
        None => args.token.clone().unwrap_or_default(),
    };
    let token = AccessToken::new(text);
    Ok(if token.is_empty() {
        TokenSource::None
    } else {
        TokenSource::Given(token)
    })
}

/// The most a token file may hold: ACS tokens are a few KiB.
pub const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// Reads at most [`MAX_TOKEN_FILE`] bytes of UTF-8 text; more is an error, not a longer read.
fn read_token_text(source: impl std::io::Read, what: &str) -> Result<String, AcsError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    source
        .take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AcsError::BadInput(format!("cannot read the token from {what}: {e}")))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(AcsError::BadInput(format!(
            "{what} holds more than {} KiB: it should hold one access token",
            MAX_TOKEN_FILE / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        AcsError::BadInput(format!(
            "{what} is not text: it should hold one access token"
        ))
    })
}

fn token_from_env(var: &str) -> Result<AccessToken, AcsError> {
    let value = std::env::var(var).map_err(|_| {
        AcsError::BadInput(format!(
            "the profile's token_env {var} is not set: export it with an access token"
        ))
    })?;
    let token = AccessToken::new(value.trim());
    if token.is_empty() {
        return Err(AcsError::BadInput(format!(
            "the profile's token_env {var} is empty"
        )));
    }
    Ok(token)
}

fn mint_source(var: &str, profile: Option<&str>) -> Result<MintSource, AcsError> {
    let origin = match profile {
        Some(name) => format!("profile {name}"),
        None => format!("connection string in ${var}"),
    };
    Ok(MintSource {
        conn: Arc::new(ConnectionString::from_env(var)?),
        origin,
    })
}

fn no_connection_string() -> AcsError {
    AcsError::BadInput(
        "minting needs a connection string: --connection-string-env VAR, or a profile with connection_string_env".into(),
    )
}

/// Where a token comes from, in words.
fn describe(token: &TokenSource, mint_source: Option<&MintSource>) -> String {
    match (token, mint_source) {
        (TokenSource::Given(_), _) => "token given".into(),
        (TokenSource::Env(var), _) => format!("token from ${var}"),
        (TokenSource::Command(_), _) => "token from its token_command".into(),
        (TokenSource::Mint(Some(user)), Some(m)) => {
            format!("minting a token for {user} from the {}", m.origin)
        }
        (TokenSource::Mint(None), Some(m)) => {
            format!("minting a token for a new identity from the {}", m.origin)
        }
        (TokenSource::None, Some(m)) => {
            format!(
                "connection string of the {} (no user to mint for)",
                m.origin
            )
        }
        _ => "no token source: paste a token".into(),
    }
}

/// Where a profile's token comes from, in words (the picker shows this before applying it).
pub fn describe_profile(profile: &Profile) -> String {
    let token = match (&profile.token_env, &profile.token_command) {
        (Some(var), _) => TokenSource::Env(var.clone()),
        (_, Some(command)) => TokenSource::Command(command.clone()),
        _ => TokenSource::None,
    };
    match (&profile.connection_string_env, &token) {
        (Some(var), TokenSource::None) => match &profile.user {
            Some(user) => format!("minting a token for {user} from ${var}"),
            None => format!("connection string from ${var} (no user to mint for)"),
        },
        _ => describe(&token, None),
    }
}

/// Whether a setting was left unset or came from its environment variable (not the command line).
fn from_env_or_unset(value: &Option<String>, var: &str) -> bool {
    match value {
        None => true,
        Some(v) => std::env::var(var).is_ok_and(|env| env == *v),
    }
}

/// The flag's value unless it is the default, then the profile's. (An explicit `--api-version`
/// equal to the default cannot be told from the default.)
fn pick(flag: &str, default: &str, profile: &Option<String>) -> String {
    match profile {
        Some(p) if flag == default => p.clone(),
        _ => flag.to_string(),
    }
}

fn timeout(args: &ConnectionArgs, profile: &Profile) -> Result<Duration, AcsError> {
    match profile.timeout {
        Some(t) if args.timeout == crate::cli::DEFAULT_TIMEOUT_SECS => {
            Ok(Duration::from_secs_f64(t))
        }
        _ => args.timeout(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[test]
    fn token_files_are_read_up_to_64_kib() {
        let read = |bytes: &[u8]| read_token_text(bytes, "--token-file t");
        assert_eq!(read(b"eyJ.a.b\n").unwrap(), "eyJ.a.b\n");
        let err = read(&vec![0u8; 10 * 1024 * 1024]).unwrap_err().to_string();
        assert_eq!(
            err,
            "--token-file t holds more than 64 KiB: it should hold one access token"
        );
        let err = read(&[0xff, 0xfe]).unwrap_err().to_string();
        assert!(err.contains("is not text"), "{err}");
        #[cfg(unix)]
        {
            let cli = crate::cli::Cli::try_parse_from([
                "acs-chat-inspector",
                "--token-file",
                "/dev/zero",
            ])
            .unwrap();
            let err = given_token(&cli.connection).unwrap_err().to_string();
            assert!(err.contains("more than 64 KiB"), "{err}");
        }
    }
}
