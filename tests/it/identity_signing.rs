//! HMAC-SHA256 request signing and connection strings, against vectors computed independently.

use acs_chat_inspector::acs::Endpoint;
use acs_chat_inspector::acs::endpoint::encode_segment;
use acs_chat_inspector::acs::identity::{
    ConnectionString, authorization_header, content_hash, host_header, http_date, path_and_query,
    sign_request, signature, string_to_sign, verify_signature,
};
use chrono::{TimeZone, Utc};
use url::Url;

/// base64 of `fake-access-key-for-tests-only-123456`.
const KEY_B64: &str = "ZmFrZS1hY2Nlc3Mta2V5LWZvci10ZXN0cy1vbmx5LTEyMzQ1Ng==";
const KEY: &[u8] = b"fake-access-key-for-tests-only-123456";

fn signed_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 43, 15).unwrap()
}

#[test]
fn issue_token_request_matches_the_known_vector() {
    // Expected values computed once with Python's standard library:
    //   key = base64.b64decode(KEY_B64); body = b'{"scopes":["chat"]}'
    //   h = base64.b64encode(hashlib.sha256(body).digest())
    //   sts = 'POST\n/identities/8%3Aacs%3Aresource_user/:issueAccessToken?api-version=2023-10-01\n'
    //         'Mon, 23 Nov 2026 10:43:15 GMT;contoso.communication.azure.com;' + h
    //   base64.b64encode(hmac.new(key, sts.encode(), hashlib.sha256).digest())
    let endpoint = Endpoint::parse("https://contoso.communication.azure.com").unwrap();
    let mut url = endpoint.join(&format!(
        "identities/{}/:issueAccessToken",
        encode_segment("8:acs:resource_user")
    ));
    url.query_pairs_mut()
        .append_pair("api-version", "2023-10-01");
    assert_eq!(
        path_and_query(&url),
        "/identities/8%3Aacs%3Aresource_user/:issueAccessToken?api-version=2023-10-01"
    );
    let signed = sign_request(KEY, "POST", &url, br#"{"scopes":["chat"]}"#, signed_at());
    assert_eq!(signed.date, "Mon, 23 Nov 2026 10:43:15 GMT");
    assert_eq!(signed.host, "contoso.communication.azure.com");
    assert_eq!(
        signed.content_hash,
        "J+doRQjtFVYLx3qOvzptwBLjQWqy6OEWEEk1TY1+rT4="
    );
    assert_eq!(
        signed.authorization,
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=nT1P9gMf2WypgzOOBYaFGQFMLDdhDqKAX9f73xeYNnQ="
    );
}

#[test]
fn a_port_is_part_of_the_signed_host() {
    // Same method as above, with body b'{}', path '/identities?api-version=2023-10-01' and host
    // '127.0.0.1:8080'.
    let url = Url::parse("http://127.0.0.1:8080/identities?api-version=2023-10-01").unwrap();
    assert_eq!(host_header(&url), "127.0.0.1:8080");
    let signed = sign_request(KEY, "post", &url, b"{}", signed_at());
    assert_eq!(
        signed.content_hash,
        "RBNvo1WzZ4oRRq0W9+hknpT7T8If536DEMBg9hyq/4o="
    );
    assert!(
        signed
            .authorization
            .ends_with("&Signature=Cnsg/XT4HTIjgVY4/Sl6UzvkkS750WbKR3/09TMF8FM=")
    );
    let default_port = Url::parse("https://contoso.communication.azure.com:443/x").unwrap();
    assert_eq!(
        host_header(&default_port),
        "contoso.communication.azure.com"
    );
}

#[test]
fn parts_of_the_scheme() {
    assert_eq!(
        content_hash(b""),
        "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
    );
    assert_eq!(
        string_to_sign("get", "/p?q=1", "D", "h", "c"),
        "GET\n/p?q=1\nD;h;c"
    );
    assert_eq!(
        http_date(Utc.with_ymd_and_hms(2026, 1, 5, 3, 4, 5).unwrap()),
        "Mon, 05 Jan 2026 03:04:05 GMT"
    );
    assert_eq!(
        authorization_header("abc="),
        "HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=abc="
    );
}

#[test]
fn verification_accepts_only_the_right_key_and_text() {
    let sig = signature(KEY, "POST\n/identities\nD;h;c");
    assert!(verify_signature(KEY, "POST\n/identities\nD;h;c", &sig));
    assert!(!verify_signature(
        b"another key",
        "POST\n/identities\nD;h;c",
        &sig
    ));
    assert!(!verify_signature(KEY, "POST\n/identities\nD;h;x", &sig));
    assert!(!verify_signature(
        KEY,
        "POST\n/identities\nD;h;c",
        "not base64!"
    ));
}

#[test]
fn connection_strings_parse_in_every_usual_form() {
    for input in [
        format!("endpoint=https://contoso.communication.azure.com/;accesskey={KEY_B64}"),
        format!("Endpoint=https://contoso.communication.azure.com;AccessKey={KEY_B64}"),
        format!(" accesskey={KEY_B64} ; ENDPOINT=https://contoso.communication.azure.com/ "),
    ] {
        let conn = ConnectionString::parse(&input).unwrap();
        assert_eq!(
            conn.endpoint.display(),
            "https://contoso.communication.azure.com"
        );
        assert_eq!(conn.access_key, KEY);
    }
    let loopback = ConnectionString::parse(&format!(
        "endpoint=http://127.0.0.1:4000/;accesskey={KEY_B64}"
    ))
    .unwrap();
    assert_eq!(
        loopback.to_connection_string(),
        format!("endpoint=http://127.0.0.1:4000/;accesskey={KEY_B64}")
    );
}

#[test]
fn bad_connection_strings_say_what_is_missing_without_the_key() {
    let cases = [
        (format!("accesskey={KEY_B64}"), "no endpoint"),
        (
            "endpoint=https://contoso.communication.azure.com/".to_string(),
            "no accesskey",
        ),
        (
            "endpoint=https://contoso.communication.azure.com/;accesskey=not*base64".to_string(),
            "not valid base64",
        ),
        (
            format!("endpoint=http://contoso.communication.azure.com/;accesskey={KEY_B64}"),
            "refusing plain http",
        ),
    ];
    for (input, expected) in cases {
        let err = ConnectionString::parse(&input).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.exit_code(), 2);
        assert!(message.contains(expected), "{input}: {message}");
        assert!(!message.contains("ZmFrZS1"), "the key leaked: {message}");
        assert!(!message.contains("base64*"), "{message}");
    }
}

#[test]
fn debug_never_prints_the_key() {
    let conn = ConnectionString::parse(&format!(
        "endpoint=https://contoso.communication.azure.com/;accesskey={KEY_B64}"
    ))
    .unwrap();
    let debug = format!("{conn:?}");
    assert!(debug.contains("contoso.communication.azure.com"), "{debug}");
    assert!(!debug.contains("ZmFrZS1"), "{debug}");
    assert!(!debug.contains("fake-access-key"), "{debug}");
    assert!(!debug.contains("102"), "no key bytes: {debug}");
}
