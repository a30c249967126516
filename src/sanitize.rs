//! Service text made safe for a terminal.
//!
//! Message text, names, topics, metadata and error messages come from whoever wrote them. Control
//! characters and escape sequences are shown visibly (`␛[31m`, `\u{7}`) and never reach the terminal,
//! so a message cannot clear the screen, retitle the window, or write to the clipboard.
//!
//! Anything that looks like a secret (a JWT, an access key) is masked by [`mask_secrets`] wherever it
//! came from, and [`error_line`] makes one bounded, masked, escaped line of any text for stderr.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::{Captures, Regex};

/// The longest error or hint line printed; the rest is counted, not shown (raw views keep everything).
pub const MAX_ERROR_LINE: usize = 1024;

/// A JWT (base64url of `{"` starts with `eyJ`: a header, a payload, or a whole token), the value of a
/// connection string's `accesskey=` (unless it starts with `[`: masking twice changes nothing), or a
/// bare base64 key (ACS keys are 64 bytes: 88 characters
/// ending in `==`; the padding keeps thread ids and correlation vectors out).
static SECRET: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i:(?P<key_name>accesskey\s*=\s*))(?P<key_value>[^;\s\x22'&\[][^;\s\x22'&]*)",
        r"|(?P<jwt>eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*){0,2})",
        r"|(?P<bare_key>[A-Za-z0-9+/]{40,}={1,2})",
    ))
    .expect("the secret pattern is valid")
});

/// Masks everything in `s` that looks like a token or an access key:
/// `eyJhbGc…` becomes `[masked token, 812 chars]`, `accesskey=abc…==` becomes
/// `accesskey=[masked key, 88 chars]`. Text without secrets is borrowed unchanged.
pub fn mask_secrets(s: &str) -> Cow<'_, str> {
    SECRET.replace_all(s, |caps: &Captures<'_>| {
        if let (Some(name), Some(value)) = (caps.name("key_name"), caps.name("key_value")) {
            return format!(
                "{}[masked key, {} chars]",
                name.as_str(),
                value.as_str().chars().count()
            );
        }
        if let Some(jwt) = caps.name("jwt") {
            return format!("[masked token, {} chars]", jwt.as_str().len());
        }
        format!("[masked key, {} chars]", caps[0].len())
    })
}

/// Whether `s` holds anything [`mask_secrets`] would mask.
pub fn holds_secret(s: &str) -> bool {
    SECRET.is_match(s)
}

/// Cuts `s` to at most `max` bytes (on a character boundary) and says how much was left out:
/// `… (20971520 bytes more)`.
pub fn cap_line(s: &str, max: usize) -> Cow<'_, str> {
    if s.len() <= max {
        return Cow::Borrowed(s);
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}… ({} bytes more)", &s[..end], s.len() - end))
}

/// User input echoed in a message: quoted and escaped as Rust's `{:?}` does, secrets masked, and at
/// most 200 bytes (a token pasted into the wrong field must not come back in clear).
pub fn quote_input(input: &str) -> String {
    format!("{:?}", cap_line(&mask_secrets(input), 200))
}

/// One line for stderr or a status line, from any text: secrets masked, control characters shown,
/// at most [`MAX_ERROR_LINE`] bytes plus the count of what was left out.
pub fn error_line(s: &str) -> String {
    let masked = mask_secrets(s);
    let escaped = one_line(&masked);
    cap_line(&escaped, MAX_ERROR_LINE).into_owned()
}

/// Replaces every control character (C0, DEL, C1) and bidi override with a visible stand-in.
/// Newlines and tabs are kept only when `keep_newlines` is set (multi-line bodies).
pub fn sanitize(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| needs_escape(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !needs_escape(c, keep_newlines) {
            out.push(c);
            continue;
        }
        match c {
            '\t' => out.push_str("    "),
            '\n' | '\r' => out.push('⏎'),
            c => push_visible(&mut out, c),
        }
    }
    Cow::Owned(out)
}

/// Pushes a visible stand-in for a control or bidi character: `␛` for ESC, the control pictures
/// (U+2400..) for the rest of C0, `␡` for DEL, `\u{9b}` for C1 and bidi controls.
pub fn push_visible(out: &mut String, c: char) {
    match c {
        '\u{1b}' => out.push('␛'),
        c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
        '\u{7f}' => out.push('␡'),
        c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
    }
}

/// Whether a character can change what a terminal does or shows beyond itself: every control
/// character, and the bidi embeddings, overrides and isolates.
pub fn is_terminal_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// One line: newlines become `⏎`.
pub fn one_line(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// JSON text that is also safe to print on a terminal: serde_json escapes C0 controls but passes DEL,
/// the C1 controls (U+0080..U+009F, e.g. the 8-bit CSI) and the bidi controls (which reorder what
/// follows them on screen) through raw; they are written as `\uXXXX` here. They can only occur inside
/// JSON strings, where that escape means the same character.
pub fn terminal_safe_json(
    value: &impl serde::Serialize,
    pretty: bool,
) -> serde_json::Result<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    Ok(escape_controls_in_json(text))
}

/// The escaping of [`terminal_safe_json`] for JSON text that is already written.
pub fn escape_controls_in_json(text: String) -> String {
    if !text.chars().any(is_raw_in_json_but_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_raw_in_json_but_unsafe(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// DEL, C1 controls, and the bidi controls: embeddings and overrides (U+202A..U+202E), isolates
/// (U+2066..U+2069), the left-to-right and right-to-left marks (U+200E, U+200F) and the Arabic
/// letter mark (U+061C).
fn is_raw_in_json_but_unsafe(c: char) -> bool {
    matches!(
        c,
        '\u{7f}'..='\u{9f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{061c}'
    )
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        // Bidi embeddings, overrides and isolates can reorder what follows them on screen.
        c => is_terminal_control(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_shown_not_executed() {
        let hostile = "hi\u{1b}[2J\u{1b}]0;pwned\u{7}\u{9b}31m";
        let safe = one_line(hostile);
        assert!(!safe.chars().any(|c| c.is_control()), "{safe:?}");
        assert_eq!(safe, "hi␛[2J␛]0;pwned␇\\u{9b}31m");
    }

    #[test]
    fn json_output_escapes_c1_and_del_but_means_the_same() {
        let value = serde_json::json!({"m": "csi\u{9b}31m nel\u{85} del\u{7f} esc\u{1b} é"});
        let text = terminal_safe_json(&value, false).unwrap();
        assert!(!text.chars().any(|c| c.is_control()), "{text}");
        assert!(
            text.contains("\\u009b") && text.contains("\\u007f"),
            "{text}"
        );
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn numbers_print_back_as_the_same_value() {
        // Found by fuzzing decode_response: without float_roundtrip this parsed one bit off.
        for text in [
            "80505878553388878533888788887855",
            "1e-7",
            "0.30000000000000004",
        ] {
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            let printed = terminal_safe_json(&value, false).unwrap();
            let back: serde_json::Value = serde_json::from_str(&printed).unwrap();
            assert_eq!(back, value, "{text} printed as {printed}");
        }
    }

    #[test]
    fn json_output_escapes_bidi_controls() {
        let value = serde_json::json!({"m": "a\u{202e}b\u{2066}c\u{200f}d\u{61c}e שלום"});
        let text = terminal_safe_json(&value, false).unwrap();
        for escaped in ["\\u202e", "\\u2066", "\\u200f", "\\u061c"] {
            assert!(text.contains(escaped), "{text}");
        }
        assert!(text.contains("שלום"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, value);
    }

    const JWT: &str =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjUifQ.eyJza3lwZWlkIjoiYWNzOjEyMyJ9.c2lnbmF0dXJl";
    const KEY: &str =
        "c2VjcmV0LWtleS12YWx1ZS10aGF0LWlzLWxvbmctZW5vdWdoLXRvLWJlLWEta2V5LXNpeHR5Zm91cg==";

    #[test]
    fn tokens_and_keys_are_masked_wherever_they_are() {
        let cases = [
            format!("malformed endpoint \"{JWT}\""),
            format!("endpoint=https://x.communication.azure.com/;accesskey={KEY}"),
            "endpoint=https://x/;AccessKey = not-base64-at-all;".to_string(),
            format!("Bearer {JWT}"),
            format!("key {KEY} alone"),
            format!("only the payload: {}", JWT.split('.').nth(1).unwrap()),
        ];
        for case in &cases {
            let masked = mask_secrets(case);
            assert!(masked.contains("[masked"), "{masked}");
            assert!(
                !masked.contains("c2lnbmF0dXJl") && !masked.contains(KEY),
                "{masked}"
            );
            assert!(!masked.contains("eyJza3lwZWlk"), "{masked}");
            assert!(!masked.contains("not-base64"), "{masked}");
        }
        assert_eq!(
            mask_secrets(&format!("x {JWT} y")),
            format!("x [masked token, {} chars] y", JWT.len())
        );
    }

    #[test]
    fn ids_and_correlation_vectors_are_not_secrets() {
        for plain in [
            "19:_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1@thread.v2",
            "19:meeting_NzQ3ZTFmYjQtYmVjYy00ZDYxLWI3NjgtYWM5NjJkYzZlOTQ3@thread.v2",
            "[MS-CV: JduJle7LhkONxaJnLYlU7Q.0]",
            "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5",
            "https://contoso.communication.azure.com/chat/threads?api-version=2025-03-15",
        ] {
            assert!(matches!(mask_secrets(plain), Cow::Borrowed(_)), "{plain}");
        }
    }

    #[test]
    fn error_lines_are_bounded_masked_and_escaped() {
        let huge = format!("{JWT} \u{1b}[2J {}", "x".repeat(20 * 1024 * 1024));
        let line = error_line(&huge);
        assert!(line.len() < MAX_ERROR_LINE + 40, "{}", line.len());
        assert!(
            line.ends_with(" bytes more)"),
            "{}",
            &line[line.len() - 40..]
        );
        assert!(line.starts_with("[masked token,") && line.contains("␛[2J"));
        assert_eq!(cap_line("é", 1), "… (2 bytes more)");
        assert_eq!(cap_line("short", 10), "short");
    }

    #[test]
    fn plain_text_is_borrowed_and_unicode_kept() {
        let text = "שלום 👋 café e\u{301}";
        assert!(matches!(one_line(text), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\nb", false), "a⏎b");
        assert_eq!(one_line("x\u{202e}y"), "x\\u{202e}y");
    }
}
