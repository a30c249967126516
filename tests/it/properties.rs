//! Property tests for the decoders and parsers that meet whatever the service (or a proxy) sends.

use acs_chat_inspector::acs::error::parse_error_body;
use acs_chat_inspector::acs::time::{parse_service_time, relative};
use acs_chat_inspector::acs::{
    AccessToken, ChatClient, ClientConfig, CommunicationIdentifierModel, Endpoint, IdentifierKind,
};
use acs_chat_inspector::sanitize::{one_line, sanitize};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;

fn client() -> ChatClient {
    let endpoint = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
    ChatClient::new(ClientConfig::new(endpoint, AccessToken::new("t"))).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sanitized_text_holds_no_control_characters(s in any::<String>()) {
        let safe = one_line(&s);
        prop_assert!(!safe.chars().any(|c| c.is_control()));
        let multi = sanitize(&s, true);
        prop_assert!(!multi.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn sanitizing_keeps_printable_text_unchanged(s in "[a-zA-Z0-9 .,:;!?אבגد😀é\u{301}]{0,64}") {
        let safe = one_line(&s).into_owned();
        prop_assert_eq!(safe, s);
    }

    #[test]
    fn error_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..256)) {
        let _ = parse_error_body(&body);
    }

    #[test]
    fn every_envelope_and_key_case_yields_the_code(
        code in "[A-Za-z]{1,20}",
        message in "[ -~]{0,40}",
        wrapper in prop_oneof![Just("error"), Just("Error"), Just("CommunicationError"), Just("")],
        upper in any::<bool>(),
    ) {
        let (c, m) = if upper { ("Code", "Message") } else { ("code", "message") };
        let inner = serde_json::json!({ c: code, m: message });
        let body = if wrapper.is_empty() { inner } else { serde_json::json!({ wrapper: inner }) };
        let parsed = parse_error_body(body.to_string().as_bytes());
        prop_assert_eq!(parsed.code, Some(code));
        prop_assert_eq!(parsed.message, Some(message).filter(|m| !m.is_empty()));
    }

    #[test]
    fn rfc3339_times_round_trip(secs in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
        let t = Utc.timestamp_opt(secs, nanos).unwrap();
        let nine = t.format("%Y-%m-%dT%H:%M:%S%.9f").to_string();
        let seven_digits = format!("{}Z", &nine[..nine.len() - 2]);
        let parsed = parse_service_time(&seven_digits).unwrap();
        prop_assert_eq!(parsed.timestamp(), secs);
        prop_assert_eq!(parsed.timestamp_subsec_nanos(), nanos / 100 * 100);
        prop_assert_eq!(parse_service_time(&t.format("%Y-%m-%dT%H:%M:%SZ").to_string()).unwrap().timestamp(), secs);
    }

    #[test]
    fn dotnet_times_parse(secs in 0i64..4_102_444_800) {
        let t = Utc.timestamp_opt(secs, 0).unwrap();
        let dotnet = t.format("%-m/%-d/%Y %-I:%M:%S %p +00:00").to_string();
        prop_assert_eq!(parse_service_time(&dotnet), Some(t));
    }

    #[test]
    fn time_parsing_never_panics(s in any::<String>()) {
        let _ = parse_service_time(&s);
    }

    #[test]
    fn relative_time_says_ago_or_in(delta in -400_000_000i64..400_000_000) {
        let now = Utc.timestamp_opt(1_700_000_000, 0).unwrap();
        let text = relative(now + chrono::Duration::seconds(delta), now);
        prop_assert!(text == "just now" || text.ends_with(" ago") || text.starts_with("in "));
    }

    #[test]
    fn identifier_kind_follows_raw_id_prefix(user in "[a-f0-9-]{8,36}", prefix in prop_oneof![
        Just(("8:acs:", "communicationUser")),
        Just(("4:+", "phoneNumber")),
        Just(("8:orgid:", "microsoftTeamsUser")),
        Just(("8:teamsvisitor:", "microsoftTeamsUser")),
        Just(("28:orgid:", "microsoftTeamsApp")),
        Just(("99:", "unknown")),
    ]) {
        let raw = format!("{}{user}", prefix.0);
        let id: CommunicationIdentifierModel = serde_json::from_value(serde_json::json!({ "rawId": raw })).unwrap();
        let kind = id.kind();
        prop_assert_eq!(kind.as_str(), prefix.1);
        prop_assert_eq!(id.raw_id(), raw);
    }

    #[test]
    fn identifiers_decode_from_any_object(json in proptest::collection::btree_map("[a-zA-Z]{1,12}", "[a-z0-9:]{0,12}", 0..6)) {
        let value = serde_json::to_value(json).unwrap();
        if let Ok(id) = serde_json::from_value::<CommunicationIdentifierModel>(value) {
            let _ = id.raw_id();
            prop_assert!(!matches!(id.kind(), IdentifierKind::Unknown(ref k) if k.is_empty()));
        }
    }

    #[test]
    fn next_links_never_leave_the_endpoint(
        host in "[a-z]{1,10}\\.(example|evil)\\.(com|net)",
        thread in "19:[A-Za-z0-9_-]{1,30}@thread\\.v2",
        page in 1u32..200,
    ) {
        let link = format!("https://{host}/chat/threads/{thread}/messages?maxPageSize={page}&api-version=2025-03-15&startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00");
        let url = client().resolve_next_link(&link).unwrap();
        prop_assert_eq!(url.host_str(), Some("contoso.communication.azure.com"));
        prop_assert_eq!(url.scheme(), "https");
        prop_assert_eq!(url.path(), format!("/chat/threads/{thread}/messages"));
        prop_assert_eq!(url.query_pairs().filter(|(k, _)| k == "api-version").count(), 1);
        let has_dotnet_start = url.query().unwrap().contains("startTime=1%2F1%2F1970%2012%3A00%3A00%20AM%20%2B00%3A00");
        prop_assert!(has_dotnet_start);
    }
}

#[test]
fn relative_next_links_get_the_endpoint_and_api_version() {
    let url = client()
        .resolve_next_link("/chat/threads/19:a@thread.v2/participants?skip=2&maxPageSize=2")
        .unwrap();
    assert_eq!(
        url.as_str(),
        "https://contoso.communication.azure.com/chat/threads/19:a@thread.v2/participants?skip=2&maxPageSize=2&api-version=2025-03-15"
    );
}
