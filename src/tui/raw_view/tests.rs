use std::time::Duration;

use chrono::TimeZone;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::widgets::{Paragraph, Table};

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 23, 10, 0, 0).unwrap()
}

fn render_lines(lines: &[Line<'static>]) -> TestBackend {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    let window = visible(lines, 0, 24).to_vec();
    terminal
        .draw(|f| f.render_widget(Paragraph::new(window), f.area()))
        .unwrap();
    terminal.backend().clone()
}

fn exchange(seq: u64, status: Option<u16>, attempts: u32, ms_cv: &str) -> Arc<Exchange> {
    Arc::new(Exchange {
        seq,
        started_at: now() - chrono::Duration::seconds(90 - seq as i64 * 20),
        method: "GET".into(),
        url: format!(
            "https://contoso.communication.azure.com/chat/threads/19%3A_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1%40thread.v2{}?api-version=2025-03-15",
            ["", "/messages", "/participants"][seq as usize % 3]
        ),
        status,
        duration: Duration::from_millis(40 * seq + 3),
        attempts,
        headers: vec![("MS-CV".into(), ms_cv.into())],
        body: "{}".into(),
        error: status.is_none().then(|| "connection refused".to_string()),
        failed_attempts: (1..attempts)
            .map(|i| crate::acs::FailedAttempt {
                status: Some(429),
                ms_cv: Some(format!("Retry{i}CV.0")),
                reason: "throttled".into(),
                wait: Duration::from_millis(1200),
            })
            .collect(),
    })
}

const THREAD_BODY: &str = r#"{"id": "19:_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1@thread.v2", "topic": "test topic", "createdOn": "2023-11-21T01:09:34Z", "createdByCommunicationIdentifier": {"rawId": "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5", "communicationUser": {"id": "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5"}}, "metadata": {}, "participantCount": 2, "ratio": -1.50e3, "archived": false, "deletedOn": null, "tags": ["a", 7, true]}"#;

const ERROR_BODY: &str = "{\r\n  \"CommunicationError\": {\r\n    \"Code\": \"NotFound\",\r\n    \"Message\": \"The specified thread id was not found.\",\r\n    \"Details\": []\r\n  }\r\n}";

#[test]
fn thread_body_snapshot() {
    insta::assert_snapshot!(render_lines(&json_lines(THREAD_BODY)));
}

#[test]
fn error_body_snapshot() {
    insta::assert_snapshot!(render_lines(&json_lines(ERROR_BODY)));
}

#[test]
fn non_json_body_snapshot() {
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\u{1b}[2Jbad gateway</body>\r\n</html>";
    insta::assert_snapshot!(render_lines(&json_lines(html)));
}

#[test]
fn escape_sequences_are_shown_not_run() {
    // Escaped controls stay as written; raw C1 controls, DEL and bidi overrides are valid JSON and must be made visible.
    let body = "{\"topic\": \"\\u001b]0;pwned\\u0007\", \"message\": \"hi\u{9b}2J\u{7f} x\u{202e}y\", \"\u{2066}key\": 1}";
    let lines = json_lines(body);
    assert_eq!(lines[0].to_string(), "{", "a valid body is pretty-printed");
    for line in &lines {
        for span in &line.spans {
            assert!(!span.content.chars().any(char::is_control), "{span:?}");
        }
    }
    insta::assert_snapshot!(render_lines(&lines));
}

#[test]
fn not_json_says_why() {
    let truncated = &THREAD_BODY[..120];
    let lines = json_lines(truncated);
    assert_eq!(
        lines[0].to_string(),
        "not JSON: EOF while parsing a string at line 1 column 120"
    );
    assert_eq!(lines[1].to_string(), truncated);
    assert_eq!(json_lines("")[0].to_string(), "not JSON: empty body");
    assert_eq!(json_lines("").len(), 1);
}

#[test]
fn each_token_kind_has_its_own_style() {
    let lines = json_lines(r#"{"k": "v", "n": 1, "b": null}"#);
    let style_of = |text: &str| {
        lines
            .iter()
            .flat_map(|l| &l.spans)
            .find(|s| s.content == text)
            .map(|s| s.style)
            .unwrap()
    };
    let styles = [
        style_of("\"k\""),
        style_of("\"v\""),
        style_of("1"),
        style_of("null"),
        style_of("{"),
    ];
    for (i, a) in styles.iter().enumerate() {
        for b in &styles[i + 1..] {
            assert_ne!(a, b);
        }
    }
}

#[test]
fn pretty_print_keeps_order_numbers_and_empty_containers() {
    let text: Vec<String> = json_lines(r#"{"z":1.50,"a":[],"m":{"x":[1,{}]}}"#)
        .iter()
        .map(Line::to_string)
        .collect();
    assert_eq!(
        text,
        [
            "{",
            "  \"z\": 1.50,",
            "  \"a\": [],",
            "  \"m\": {",
            "    \"x\": [",
            "      1,",
            "      {}",
            "    ]",
            "  }",
            "}",
        ]
    );
}

#[test]
fn ten_megabyte_body_gives_lines() {
    let big = "x".repeat(10 * 1024 * 1024);
    let body = format!(r#"{{"value": [{{"id": "1", "content": {{"message": "{big}"}}}}]}}"#);
    let lines = json_lines(&body);
    assert_eq!(lines.len(), 10);
    assert!(lines.iter().any(|l| l.width() > 10 * 1024 * 1024));
    let window = visible(&lines, 5, 3);
    assert_eq!(window.len(), 3);
    let truncated = json_lines(&body[..body.len() - 3]);
    assert!(truncated[0].to_string().starts_with("not JSON: "));
    assert_eq!(truncated.len(), 2);
}

#[test]
fn byte_order_mark_does_not_hide_json() {
    let lines = json_lines("\u{feff}{\"a\": 1}");
    assert_eq!(lines[1].to_string(), "  \"a\": 1");
}

#[test]
fn visible_clamps_the_window() {
    let lines = json_lines(THREAD_BODY);
    assert_eq!(visible(&lines, 0, 5).len(), 5);
    assert_eq!(visible(&lines, lines.len() - 2, 5).len(), 2);
    assert!(visible(&lines, usize::MAX, usize::MAX).is_empty());
    assert_eq!(max_scroll(lines.len(), 5), lines.len() - 5);
    assert_eq!(max_scroll(3, 10), 0);
}

#[test]
fn wrap_splits_long_lines_and_keeps_styles() {
    let lines = json_lines(&format!(r#"{{"message": "{}"}}"#, "ab".repeat(50)));
    let wrapped = wrap(&lines, 40);
    assert!(wrapped.iter().all(|l| l.width() <= 40));
    let joined: String = wrapped[1..wrapped.len() - 1]
        .iter()
        .map(Line::to_string)
        .collect();
    assert_eq!(joined, lines[1].to_string());
    assert_eq!(wrapped[2].spans[0].style, STRING_STYLE);
    assert_eq!(wrap(&lines, 0).len(), lines.len());
}

fn header_exchange() -> Exchange {
    Exchange {
        seq: 1,
        started_at: now() - chrono::Duration::minutes(3),
        method: "GET".into(),
        url: "https://contoso.communication.azure.com/chat/threads/19%3Aabc%40thread.v2?api-version=2025-03-15".into(),
        status: Some(429),
        duration: Duration::from_millis(1234),
        attempts: 3,
        headers: vec![
            ("content-type".into(), "application/json".into()),
            ("ms-cv".into(), "JduJle7LhkONxaJnLYlU7Q.0".into()),
            ("X-AZURE-REF".into(), "0TgNcZQAAAAA0qAiu".into()),
            ("X-Processing-Time".into(), "69ms".into()),
            ("Api-Supported-Versions".into(), "2024-03-07, 2025-03-15".into()),
            ("retry-after".into(), "2".into()),
            ("Retry-After-Ms".into(), "2000".into()),
            ("x-ms-retry-after-ms".into(), "2000".into()),
            ("X-Evil".into(), "\u{1b}[31mred".into()),
        ],
        body: String::new(),
        error: None,
        failed_attempts: vec![],
    }
}

#[test]
fn header_block_snapshot() {
    let lines = exchange_header_lines(&header_exchange(), TimeDisplay::Utc, now());
    insta::assert_snapshot!(render_lines(&lines));
}

#[test]
fn key_headers_are_found_in_any_case() {
    assert!(is_key_header("ms-cv"));
    assert!(is_key_header("X-AZURE-REF"));
    assert!(is_key_header("RETRY-AFTER-MS"));
    assert!(!is_key_header("content-type"));
    let lines = exchange_header_lines(&header_exchange(), TimeDisplay::Relative, now());
    let highlighted: Vec<String> = lines
        .iter()
        .filter(|l| l.spans.iter().any(|s| s.style == KEY_HEADER_STYLE))
        .map(Line::to_string)
        .collect();
    assert_eq!(highlighted.len(), 7, "{highlighted:#?}");
    assert!(highlighted[0].contains("ms-cv: JduJle7LhkONxaJnLYlU7Q.0"));
    assert!(lines[4].to_string().contains("3 min ago"));
}

#[test]
fn request_log_snapshot() {
    let entries = vec![
        exchange(1, Some(200), 1, "LjT9gEouLk+KigGTH5QEmg.0"),
        exchange(2, Some(429), 3, "JduJle7LhkONxaJnLYlU7Q.0"),
        exchange(3, None, 2, "—"),
    ];
    let layout = LogLayout::new(TimeDisplay::Utc, 80);
    let rows = request_log_rows(&entries, layout, now());
    assert_eq!(rows.len(), 3);
    assert_eq!(entry_for_row(&entries, 0).unwrap().seq, 3);
    assert_eq!(entry_for_row(&entries, 2).unwrap().seq, 1);
    assert!(entry_for_row(&entries, 3).is_none());
    let table = Table::new(rows, layout.widths()).header(layout.header());
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| f.render_widget(table, f.area())).unwrap();
    insta::assert_snapshot!(terminal.backend());
}

#[test]
fn status_has_its_reason() {
    let mut ex = header_exchange();
    assert_eq!(status_text(&ex), "429 Too Many Requests");
    ex.status = Some(599);
    assert_eq!(status_text(&ex), "599");
    ex.status = None;
    assert_eq!(status_text(&ex), "no answer");
}

#[test]
fn log_paths_are_compact() {
    assert_eq!(
        compact_path(
            "/chat/threads/19%3A_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1%40thread.v2/messages?api-version=2025-03-15&maxPageSize=50",
            60
        ),
        "/threads/19:_PQfjjcwP5IQn…@thread.v2/messages?maxPageSize=50"
    );
    let a = compact_path(
        "/chat/threads/19%3Auni01_aaaabbbbccccdddd0001%40thread.v2",
        30,
    );
    let b = compact_path(
        "/chat/threads/19%3Auni01_eeeeffffgggghhhh0001%40thread.v2",
        30,
    );
    assert_ne!(a, b, "threads of one kind differ in the log");
    assert_eq!(compact_path("/chat/threads?api-version=x", 30), "/threads");
    assert_eq!(compact_path("not a url", 30), "not a url");
}

proptest::proptest! {
    #[test]
    fn any_body_renders_safely(body in "(\\PC|[\\x00-\\x1f\\x7f\\u{9b}\\u{202e}])*") {
        assert_no_control(&json_lines(&body));
    }

    #[test]
    fn json_like_bodies_render_safely(body in "[\\[\\]{}\",: 0-9a-z\\\\\\-.]{0,40}") {
        let lines = json_lines(&body);
        assert_no_control(&lines);
        if let Ok(value) = serde_json::from_str::<serde_json::Value>(&body) {
            let printed: Vec<String> = lines.iter().map(Line::to_string).collect();
            let reparsed: serde_json::Value = serde_json::from_str(&printed.join("\n")).unwrap();
            assert_eq!(reparsed, value, "pretty-printing must not change the document");
        }
    }
}

fn assert_no_control(lines: &[Line<'static>]) {
    for line in lines {
        for span in &line.spans {
            assert!(!span.content.chars().any(char::is_control), "{span:?}");
        }
    }
}
