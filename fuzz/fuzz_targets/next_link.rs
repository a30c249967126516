//! nextLinks of any kind (one per line): resolved links stay on the endpoint's origin, never carry
//! credentials, keep an api-version; a listing never fetches a page twice nor more pages than allowed.
#![no_main]

use std::sync::OnceLock;

use acs_chat_inspector::acs::pager::{LinkTrail, NextStep};
use acs_chat_inspector::acs::{AccessToken, ChatClient, ClientConfig, Endpoint, Page};
use libfuzzer_sys::fuzz_target;
use serde_json::value::RawValue;

const MAX_PAGES: usize = 16;

fn client() -> &'static ChatClient {
    static CLIENT: OnceLock<ChatClient> = OnceLock::new();
    CLIENT.get_or_init(|| {
        let endpoint = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
        ChatClient::new(ClientConfig::new(endpoint, AccessToken::new("t"))).unwrap()
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let client = client();
    let origin = client.config().endpoint.url().origin();
    let mut links: Vec<String> = text.split('\n').map(str::to_string).collect();
    if let Ok(page) = serde_json::from_str::<Page<Box<RawValue>>>(&text) {
        links.extend(page.next_link);
    }
    let first = client.thread_url("19:a@thread.v2", "/messages").unwrap();
    let mut trail = LinkTrail::new(MAX_PAGES);
    trail.fetched(&first);
    let mut fetched = vec![first];
    for link in &links {
        let Some(next) = client.resolve_next_link(link) else {
            continue;
        };
        assert_eq!(next.origin(), origin, "{link:?} -> {next}");
        assert!(
            next.username().is_empty() && next.password().is_none(),
            "{next}"
        );
        assert!(
            next.query_pairs().any(|(k, _)| k == "api-version"),
            "{next}"
        );
        match trail.judge(&next) {
            NextStep::Follow => {
                assert!(!fetched.contains(&next), "{next} fetched twice");
                trail.fetched(&next);
                fetched.push(next);
            }
            NextStep::Loop => assert!(fetched.contains(&next), "{next} is new"),
            NextStep::TooManyPages => {
                assert_eq!(trail.pages(), MAX_PAGES);
                break;
            }
        }
        assert!(trail.pages() <= MAX_PAGES);
    }
});
