//! A request as a `curl` command to paste into a ticket or a shell.
//!
//! The token is never in the command: the `Authorization` header names the
//! `$AZURE_COMMUNICATION_ACCESS_TOKEN` variable, which the reader's own shell expands.

use url::Url;

use crate::acs::Exchange;

/// The environment variable the command reads the token from (the Azure CLI's name).
pub const TOKEN_VARIABLE: &str = "AZURE_COMMUNICATION_ACCESS_TOKEN";

/// `curl -sS -H "Authorization: Bearer $AZURE_COMMUNICATION_ACCESS_TOKEN" -H 'Accept: application/json' '<url>'`.
///
/// The URL is kept as requested (an encoded thread id stays encoded, `api-version` stays in the query);
/// any user name or password in it is dropped.
pub fn curl_command(url: &Url) -> String {
    let mut url = url.clone();
    // Setting these cannot fail on an http(s) URL; other URLs keep whatever they hold.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    format!(
        "curl -sS -H \"Authorization: Bearer ${TOKEN_VARIABLE}\" -H 'Accept: application/json' {}",
        shell_quote(url.as_str())
    )
}

/// The curl command of a logged exchange; `None` when its URL does not parse.
pub fn curl_for_exchange(exchange: &Exchange) -> Option<String> {
    Url::parse(&exchange.url).ok().map(|u| curl_command(&u))
}

/// Single-quotes `s` for a POSIX shell: nothing inside is expanded; a `'` becomes `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const THREAD_URL: &str = "https://contoso.communication.azure.com/chat/threads/19%3Aabc_d-e%40thread.v2?api-version=2025-03-15";

    #[test]
    fn names_the_token_variable_never_a_value() {
        let cmd = curl_command(&Url::parse(THREAD_URL).unwrap());
        assert!(
            cmd.starts_with(
                "curl -sS -H \"Authorization: Bearer $AZURE_COMMUNICATION_ACCESS_TOKEN\" -H 'Accept: application/json' '"
            ),
            "{cmd}"
        );
        assert!(!cmd.contains("eyJ"));
    }

    #[test]
    fn keeps_the_encoded_id_and_api_version() {
        let cmd = curl_command(&Url::parse(THREAD_URL).unwrap());
        assert!(cmd.ends_with(&format!("'{THREAD_URL}'")), "{cmd}");
        assert!(cmd.contains("19%3Aabc_d-e%40thread.v2"));
        assert!(cmd.contains("api-version=2025-03-15"));
    }

    #[test]
    fn quotes_single_quotes_for_the_shell() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let url = Url::parse("https://x.communication.azure.com/chat/it's").unwrap();
        let cmd = curl_command(&url);
        assert!(
            cmd.ends_with(r"'https://x.communication.azure.com/chat/it'\''s'"),
            "{cmd}"
        );
    }

    #[test]
    fn drops_credentials_embedded_in_the_url() {
        let url = Url::parse("https://user:secret@x.communication.azure.com/chat/threads").unwrap();
        let cmd = curl_command(&url);
        assert!(!cmd.contains("secret") && !cmd.contains("user@"), "{cmd}");
    }
}
