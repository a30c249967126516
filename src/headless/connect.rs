//! Where a subcommand's requests go: the in-process emulator (`--demo`) or the endpoint and token given.
//! Everything is validated here, before any request.

use std::io::{IsTerminal, Write};

use chrono::Utc;

use super::failure::{Failure, TokenContext};
use crate::acs::endpoint::validate_api_version;
use crate::acs::identity::{ConnectionString, mint_for_cli};
use crate::acs::token::decode_token;
use crate::acs::{AccessToken, ChatClient, ClientEvent, Endpoint};
use crate::cli::{Cli, ConnectionArgs, EmulatorArgs};
use crate::emulator::{EmulatorConfig, RunningEmulator};

/// A ready client and what is known about its token.
pub struct Session {
    pub client: ChatClient,
    pub token: TokenContext,
    /// Keeps the demo emulator serving while the session lives.
    _emulator: Option<RunningEmulator>,
}

/// Resolves the connection of `cli`: every flag checked, the token decoded offline.
pub async fn connect(cli: &Cli) -> Result<Session, Failure> {
    // Checked first so `--demo` does not start an emulator for flags that are wrong anyway.
    validate_api_version(&cli.connection.api_version)?;
    cli.connection.timeout()?;
    let args = if cli.demo {
        cli.connection.clone()
    } else {
        connection_args(cli)?
    };
    let (endpoint, token, emulator) = if cli.demo {
        let (endpoint, token, emulator) = start_demo(&cli.emulator).await?;
        (endpoint, token, Some(emulator))
    } else {
        let (endpoint, token) = resolve(cli, &args).await?;
        (endpoint, token, None)
    };
    let info = decode_token(token.expose(), Utc::now()).map_err(|e| {
        Failure::bad_input(format!(
            "the token is not an ACS access token ({}): {}",
            e.what, e.advice
        ))
    })?;
    let config = args.client_config(endpoint, token)?;
    tracing::info!(endpoint = %config.endpoint, api_version = %config.api_version, demo = cli.demo, "headless session");
    Ok(Session {
        client: super::recorded(report_retries(ChatClient::new(config)?)),
        token: TokenContext {
            info: Some(info),
            thread_id: None,
        },
        _emulator: emulator,
    })
}

/// The connection flags with `--profile` applied (flags given on the command line win).
fn connection_args(cli: &Cli) -> Result<ConnectionArgs, Failure> {
    let mut args = cli.connection.clone();
    crate::config::apply_named_profile(&mut args)?;
    Ok(args)
}

/// Endpoint and token from the flags, the environment and the profile; with a connection string
/// (`--connection-string-env`) and no token given, a token is minted for `--user`.
async fn resolve(cli: &Cli, args: &ConnectionArgs) -> Result<(Endpoint, AccessToken), Failure> {
    let minting = args.connection_string_env.is_some() && !token_given_explicitly(args);
    let endpoint = match (&args.endpoint, &args.connection_string_env) {
        (None, Some(var)) => ConnectionString::from_env(var)?.endpoint,
        _ => args.endpoint()?,
    };
    let token = if minting {
        mint_for_cli(cli).await.map_err(Failure::from)?.token
    } else {
        require_token(args)?
    };
    Ok((endpoint, token))
}

/// A token on the command line or in a file (one only in the environment gives way to minting).
fn token_given_explicitly(args: &ConnectionArgs) -> bool {
    let from_env = std::env::var("AZURE_COMMUNICATION_ACCESS_TOKEN").ok();
    args.token_file.is_some() || (args.token.is_some() && args.token != from_env)
}

/// On a terminal, says why the command is waiting: "throttled, retrying in 1.2 s (1/3)".
fn report_retries(client: ChatClient) -> ChatClient {
    if !std::io::stderr().is_terminal() {
        return client;
    }
    client.with_observer(|event| {
        if let ClientEvent::Retrying {
            attempt,
            max,
            delay,
            reason,
        } = event
        {
            let _ = writeln!(
                std::io::stderr(),
                "\r\x1b[K{reason}, retrying in {:.1} s ({attempt}/{max})",
                delay.as_secs_f64()
            );
        }
    })
}

/// The token from --token, --token-file or the environment, or the contract's message.
pub fn require_token(connection: &ConnectionArgs) -> Result<AccessToken, Failure> {
    connection.read_token()?.ok_or_else(|| {
        Failure::bad_input(
            "no token: give --token, --token-file or set AZURE_COMMUNICATION_ACCESS_TOKEN",
        )
    })
}

/// Starts the in-process emulator of `--demo`: its endpoint, its participant token, and the handle
/// that keeps it serving.
pub async fn start_demo(
    args: &EmulatorArgs,
) -> Result<(Endpoint, AccessToken, RunningEmulator), Failure> {
    let emulator = crate::emulator::start(EmulatorConfig::from(args))
        .await
        .map_err(|e| Failure {
            code: 4,
            message: Some(format!("cannot start the demo emulator: {e}")),
            hints: Vec::new(),
        })?;
    let endpoint = Endpoint::parse(&emulator.info.endpoint)?;
    let token = AccessToken::new(emulator.info.token.clone());
    Ok((endpoint, token, emulator))
}
