//! What `y` can copy from where the user is: an id, the MS-CV, the panel's JSON, the raw body,
//! or the request as a curl command whose token is the environment variable, never its value.

use std::sync::Arc;

use serde::Serialize;

use crate::acs::Exchange;

/// One thing to copy.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub label: &'static str,
    pub text: String,
}

/// The copy menu: its choices and the selected one.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyMenu {
    pub choices: Vec<Choice>,
    pub selected: usize,
}

/// The environment variable the curl command reads the token from.
pub const TOKEN_VAR: &str = "AZURE_COMMUNICATION_ACCESS_TOKEN";

/// The request as a curl command; the token stays in the shell's environment.
pub fn curl(exchange: &Exchange) -> String {
    format!(
        "curl -sS -H \"Authorization: Bearer ${TOKEN_VAR}\" -H 'Accept: application/json' '{}'",
        exchange.url.replace('\'', "%27")
    )
}

/// The choices for an item (an id and its JSON) and the exchange it came from.
pub fn choices(
    id: Option<(&'static str, String)>,
    item: Option<&dyn erased::Json>,
    exchange: Option<&Arc<Exchange>>,
) -> Vec<Choice> {
    let mut out = Vec::new();
    if let Some((label, id)) = id.filter(|(_, id)| !id.is_empty()) {
        out.push(Choice { label, text: id });
    }
    if let Some(cv) = exchange.and_then(|e| e.ms_cv()) {
        out.push(Choice {
            label: "MS-CV",
            text: cv.to_string(),
        });
    }
    if let Some(json) = item.and_then(|i| i.pretty()) {
        out.push(Choice {
            label: "panel JSON",
            text: json,
        });
    }
    if let Some(e) = exchange {
        out.push(Choice {
            label: "raw body",
            text: e.body.clone(),
        });
        out.push(Choice {
            label: "curl command",
            text: curl(e),
        });
    }
    out
}

/// Serializable items behind one object-safe trait.
pub mod erased {
    use super::Serialize;

    pub trait Json {
        fn pretty(&self) -> Option<String>;
    }

    impl<T: Serialize> Json for T {
        fn pretty(&self) -> Option<String> {
            serde_json::to_string_pretty(self).ok()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_names_the_variable_not_the_token() {
        let e = Exchange {
            seq: 1,
            started_at: chrono::Utc::now(),
            method: "GET".into(),
            url: "https://x.communication.azure.com/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15".into(),
            status: Some(200),
            duration: Default::default(),
            attempts: 1,
            headers: vec![],
            body: String::new(),
            error: None,
        };
        assert_eq!(
            curl(&e),
            "curl -sS -H \"Authorization: Bearer $AZURE_COMMUNICATION_ACCESS_TOKEN\" -H 'Accept: application/json' \
             'https://x.communication.azure.com/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15'"
        );
    }
}
