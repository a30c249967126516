//! `token [TOKEN]`: decode an access token offline; `token mint`: issue one through the Identity API.

use std::io::IsTerminal;

use chrono::Utc;

use super::connect;
use super::failure::Failure;
use super::output::JsonOut;
use crate::acs::identity::{ConnectionString, MintedToken, identity_hint};
use crate::acs::token::decode_token;
use crate::acs::{AccessToken, AcsError};
use crate::cli::Cli;
use crate::credentials::{self, Plan, TokenSource};

/// Prints what the token says about itself. The token itself is never echoed.
/// With `--demo` and no token given, the demo emulator's participant token is decoded.
pub async fn inspect(cli: &Cli, given: Option<&str>) -> Result<(), Failure> {
    let token = match given {
        Some(t) => AccessToken::new(t),
        None if cli.demo => connect::start_demo(&cli.emulator).await?.1,
        None => match credentials::given_token(&cli.connection)? {
            TokenSource::Given(token) => token,
            _ => AccessToken::new(""),
        },
    };
    if token.is_empty() {
        return Err(Failure::bad_input(
            "no token: give it as an argument, or --token, --token-file or AZURE_COMMUNICATION_ACCESS_TOKEN",
        ));
    }
    let info = decode_token(token.expose(), Utc::now()).map_err(|e| {
        Failure::bad_input(format!(
            "not an ACS access token ({}): {}",
            e.what, e.advice
        ))
    })?;
    let value = serde_json::to_value(&info).map_err(|e| Failure {
        code: 4,
        message: Some(format!("cannot encode the token information: {e}")),
        hints: Vec::new(),
    })?;
    JsonOut::stdout().value(&value).map_err(Failure::output)
}

/// Issues a token through the Identity API (or the demo emulator's); prints
/// `{"token","expiresOn","user"}` and returns the exit code.
pub async fn mint(cli: &Cli) -> i32 {
    match mint_token(cli).await {
        Ok(token) => {
            let json = token.to_json();
            let text = if std::io::stdout().is_terminal() {
                serde_json::to_string_pretty(&json)
            } else {
                serde_json::to_string(&json)
            };
            println!("{}", text.unwrap_or_default());
            0
        }
        Err(e) => Failure {
            code: e.exit_code(),
            message: Some(e.to_string()),
            hints: vec![identity_hint(&e)],
        }
        .report(),
    }
}

/// What `token mint` does, without printing: the token for `--user` (or the profile's user), or
/// for a new identity.
pub async fn mint_token(cli: &Cli) -> Result<MintedToken, AcsError> {
    if let Some(user) = &cli.connection.user {
        crate::acs::identity::validate_user(user)?;
    }
    let plan = Plan::from_args(&cli.connection)?;
    let user = cli.connection.user.clone().or(match &plan.token {
        TokenSource::Mint(user) => user.clone(),
        _ => None,
    });
    if cli.demo {
        return mint_from_demo(user.as_deref(), plan.timeout).await;
    }
    let source = plan.mint_source.as_ref().ok_or_else(|| {
        AcsError::BadInput(
            "token mint needs --connection-string-env VAR (a variable holding the resource's connection string), a profile with connection_string_env, or --demo".into(),
        )
    })?;
    credentials::mint(&source.conn, user.as_deref(), plan.timeout).await
}

async fn mint_from_demo(
    user: Option<&str>,
    timeout: std::time::Duration,
) -> Result<MintedToken, AcsError> {
    let emulator = crate::emulator::start(crate::emulator::EmulatorConfig::default())
        .await
        .map_err(|e| AcsError::Transport {
            kind: crate::acs::TransportKind::Other,
            message: format!("cannot start the emulator: {e}"),
        })?;
    let conn = emulator.info.connection_string.as_deref().ok_or_else(|| {
        AcsError::BadInput("this emulator does not serve the Identity API".into())
    })?;
    let token = credentials::mint(&ConnectionString::parse(conn)?, user, timeout).await;
    drop(emulator);
    token
}
