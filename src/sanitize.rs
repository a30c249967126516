//! Service text made safe for a terminal.
//!
//! Message text, names, topics, metadata and error messages come from whoever wrote them. Control
//! characters and escape sequences are shown visibly (`␛[31m`, `\u{7}`) and never reach the terminal,
//! so a message cannot clear the screen, retitle the window, or write to the clipboard.

use std::borrow::Cow;

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
            '\u{1b}' => out.push('␛'),
            '\t' => out.push_str("    "),
            '\n' | '\r' => out.push('⏎'),
            c if (c as u32) < 0x20 => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('�')),
            '\u{7f}' => out.push('␡'),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// One line: newlines become `⏎`.
pub fn one_line(s: &str) -> Cow<'_, str> {
    sanitize(s, false)
}

/// JSON text that is also safe to print on a terminal: serde_json escapes C0 controls but passes DEL and
/// the C1 controls (U+0080..U+009F, e.g. the 8-bit CSI) through raw; they are written as `\u00XX` here.
/// They can only occur inside JSON strings, where that escape means the same character.
pub fn terminal_safe_json(
    value: &impl serde::Serialize,
    pretty: bool,
) -> serde_json::Result<String> {
    let text = if pretty {
        serde_json::to_string_pretty(value)?
    } else {
        serde_json::to_string(value)?
    };
    Ok(escape_c1_in_json(text))
}

/// The DEL/C1 escaping of [`terminal_safe_json`] for JSON text that is already written.
pub fn escape_c1_in_json(text: String) -> String {
    if !text.chars().any(is_del_or_c1) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_del_or_c1(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

fn is_del_or_c1(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{9f}')
}

fn needs_escape(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' => !keep_newlines,
        '\t' => true,
        '\r' => true,
        c if c.is_control() => true,
        // Bidi embeddings, overrides and isolates can reorder what follows them on screen.
        '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => true,
        _ => false,
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
    fn plain_text_is_borrowed_and_unicode_kept() {
        let text = "שלום 👋 café e\u{301}";
        assert!(matches!(one_line(text), Cow::Borrowed(_)));
        assert_eq!(sanitize("a\nb", true), "a\nb");
        assert_eq!(sanitize("a\nb", false), "a⏎b");
        assert_eq!(one_line("x\u{202e}y"), "x\\u{202e}y");
    }
}
