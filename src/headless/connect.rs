//! Where a subcommand's requests go: the in-process emulator (`--demo`) or the endpoint and token
//! the credentials give. Everything is validated here, before any request.

use std::io::{IsTerminal, Write};

use chrono::Utc;

use super::failure::{Failure, TokenContext};
use crate::acs::endpoint::validate_api_version;
use crate::acs::token::decode_token;
use crate::acs::{AccessToken, ChatClient, ClientEvent, Endpoint};
use crate::cli::Cli;
use crate::credentials::{self, Plan, TokenSource};
use crate::emulator::{EmulatorArgs, EmulatorConfig, RunningEmulator};

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
    let (plan, emulator) = if cli.demo {
        let (plan, emulator) = demo_plan(cli).await?;
        (plan, Some(emulator))
    } else {
        (Plan::from_args(&cli.connection)?, None)
    };
    let endpoint = plan.endpoint()?;
    let token = require_token(credentials::resolve(&plan).await?.token)?;
    let info = decode_token(token.expose(), Utc::now()).map_err(|e| {
        Failure::bad_input(format!(
            "the token is not an ACS access token ({}): {}",
            e.what, e.advice
        ))
    })?;
    let config = plan.client_config(token)?;
    tracing::info!(%endpoint, api_version = %config.api_version, demo = cli.demo, "headless session");
    Ok(Session {
        client: super::recorded(report_retries(ChatClient::new(config)?)),
        token: TokenContext {
            info: Some(info),
            thread_id: None,
            membership: None,
        },
        _emulator: emulator,
    })
}

/// The plan of `--demo`: the emulator's endpoint and participant token, the other flags as given.
async fn demo_plan(cli: &Cli) -> Result<(Plan, RunningEmulator), Failure> {
    let (endpoint, token, emulator) = start_demo(&cli.emulator).await?;
    let mut plan = Plan::from_args_and_profile(&cli.connection, None)?;
    plan.endpoint = Some(endpoint.display());
    plan.token = TokenSource::Given(token);
    Ok((plan, emulator))
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

/// The token, or the contract's message when there is none.
pub fn require_token(token: Option<AccessToken>) -> Result<AccessToken, Failure> {
    token.ok_or_else(|| {
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
