//! `token [TOKEN]`: decode an access token offline; `token mint`: issue one through the Identity API.

use chrono::Utc;

use super::connect;
use super::failure::Failure;
use super::output::JsonOut;
use crate::acs::AccessToken;
use crate::acs::token::decode_token;
use crate::cli::Cli;

/// Prints what the token says about itself. The token itself is never echoed.
/// With `--demo` and no token given, the demo emulator's participant token is decoded.
pub async fn inspect(cli: &Cli, given: Option<&str>) -> Result<(), Failure> {
    let token = match given {
        Some(t) => AccessToken::new(t),
        None if cli.demo => connect::start_demo(&cli.emulator).await?.1,
        None => connect::require_token(&cli.connection)?,
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
    crate::acs::identity::mint_from_cli(cli).await
}
