//! Copying evidence to the clipboard of the terminal the engineer sits at.
//!
//! OSC 52 asks the terminal itself to set its clipboard, so a copy works over SSH, where no local
//! clipboard program can be reached. What reaches the terminal depends on what sits in between
//! ([`Host`]): tmux takes a plain OSC 52 with `set-clipboard on` and passes a wrapped one with
//! `allow-passthrough on`, so both are sent; GNU screen passes it wrapped in short pieces. No
//! terminal acknowledges the sequence: [`crate::system_clipboard`] checks what can be checked.

use std::borrow::Cow;
use std::io;

use crossterm::Command;
use crossterm::clipboard::CopyToClipboard;

use crate::acs::AccessToken;
use crate::sanitize::{is_terminal_control, one_line, push_visible};

/// What the copy menu offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyTarget {
    /// The selected thread, message or participant id.
    Id,
    /// The correlation id of the exchange the panel came from.
    MsCv,
    /// The panel's content as JSON.
    PanelJson,
    /// The response body exactly as received.
    RawBody,
    /// The request as a curl command (token as `$AZURE_COMMUNICATION_ACCESS_TOKEN`).
    Curl,
}

impl CopyTarget {
    /// Every target, in menu order.
    pub const ALL: [CopyTarget; 5] = [
        Self::Id,
        Self::MsCv,
        Self::PanelJson,
        Self::RawBody,
        Self::Curl,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::MsCv => "MS-CV",
            Self::PanelJson => "panel JSON",
            Self::RawBody => "raw body",
            Self::Curl => "curl command",
        }
    }

    /// The key that picks this target in the copy menu.
    pub fn key(self) -> char {
        match self {
            Self::Id => 'i',
            Self::MsCv => 'm',
            Self::PanelJson => 'j',
            Self::RawBody => 'b',
            Self::Curl => 'c',
        }
    }

    pub fn from_key(key: char) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.key() == key)
    }

    /// Short values are worth echoing on the status line; long ones are summarised by size.
    fn shows_value(self) -> bool {
        matches!(self, Self::Id | Self::MsCv)
    }
}

/// Terminals cap or choke on huge OSC 52 payloads; beyond this an export is the better carrier.
pub const MAX_COPY_BYTES: usize = 1 << 20;

/// Values longer than this are described by their length, even for ids.
const MAX_SHOWN_CHARS: usize = 80;

/// The OSC 52 sequence that puts `text` on the terminal's clipboard:
/// `ESC ] 52 ; c ; <base64> ESC \`.
pub fn osc52_sequence(text: &str) -> String {
    let mut out = String::new();
    // Writing into a String cannot fail.
    let _ = CopyToClipboard::to_clipboard_from(text).write_ansi(&mut out);
    out
}

/// Wraps a sequence in tmux's passthrough (`ESC P tmux; … ESC \`, inner ESCs doubled) so tmux hands
/// it to the outer terminal instead of swallowing it (needs `allow-passthrough on` since tmux 3.3).
pub fn tmux_passthrough(sequence: &str) -> String {
    format!("\x1bPtmux;{}\x1b\\", sequence.replace('\x1b', "\x1b\x1b"))
}

/// GNU screen passes a device control string on, but holds at most 768 bytes of one: the OSC 52
/// (ended by BEL, as ESC \ would end the wrapper) goes in pieces of 76 bytes, each wrapped.
/// The layout of vim-oscyank's screen support (github.com/ojroques/vim-oscyank, `s:get_OSC52_DCS`).
pub fn screen_passthrough(text: &str) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(text);
    let mut out = String::from("\x1bP\x1b]52;c;");
    for (i, piece) in encoded.as_bytes().chunks(76).enumerate() {
        if i > 0 {
            out.push_str("\x1bP");
        }
        out.push_str(std::str::from_utf8(piece).unwrap_or_default());
        out.push_str("\x1b\\");
    }
    out.push_str("\x1bP\x07\x1b\\");
    out
}

/// What sits between the program and the terminal the engineer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// The terminal itself.
    Plain,
    /// tmux (`$TMUX` is set).
    Tmux,
    /// GNU screen (`$STY` is set).
    Screen,
}

impl Host {
    /// From the environment: `$TMUX` first (tmux may run inside screen), then `$STY`.
    pub fn detect() -> Self {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if set("TMUX") {
            Host::Tmux
        } else if set("STY") {
            Host::Screen
        } else {
            Host::Plain
        }
    }
}

/// The bytes to write for `text`: inside tmux a plain OSC 52 and the wrapped one (tmux takes
/// whichever its settings allow, and a terminal given both sets the same text twice).
pub fn clipboard_sequence(text: &str, host: Host) -> String {
    let seq = osc52_sequence(text);
    match host {
        Host::Plain => seq,
        Host::Tmux => format!("{seq}{}", tmux_passthrough(&seq)),
        Host::Screen => screen_passthrough(text),
    }
}

/// Whether this process runs inside tmux (`$TMUX` is set).
pub fn in_tmux() -> bool {
    Host::detect() == Host::Tmux
}

/// Writes the clipboard sequence for `text` to `out` (the terminal) and flushes it.
pub fn copy_to_terminal(text: &str, out: &mut impl io::Write) -> io::Result<()> {
    out.write_all(clipboard_sequence(text, Host::detect()).as_bytes())?;
    out.flush()
}

/// Text that is safe to paste into a shell: newlines and tabs stay, a CR before a newline goes,
/// and every other control character (ESC first: `ESC[201~` would end a shell's bracketed paste and
/// run what follows) and bidi control is replaced by its visible stand-in (`␛`, `␇`, `\u{202e}`).
/// Returns the text and how many characters were replaced.
pub fn paste_safe(text: &str) -> (Cow<'_, str>, usize) {
    let unsafe_char = |c: char| c != '\n' && c != '\t' && is_terminal_control(c);
    if !text.chars().any(unsafe_char) {
        return (Cow::Borrowed(text), 0);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut replaced = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !unsafe_char(c) {
            out.push(c);
        } else if c == '\r' && chars.peek() == Some(&'\n') {
            // CRLF bodies (some error bodies are) paste as plain lines.
        } else {
            push_visible(&mut out, c);
            replaced += 1;
        }
    }
    (Cow::Owned(out), replaced)
}

/// The status line after a copy: `copied MS-CV JduJle7LhkONxaJnLYlU7Q.0`,
/// `copied curl command (312 chars)`. Service text is sanitised.
pub fn describe(target: CopyTarget, text: &str) -> String {
    let chars = text.chars().count();
    if target.shows_value() && chars <= MAX_SHOWN_CHARS {
        format!("copied {} {}", target.label(), one_line(text))
    } else {
        format!("copied {} ({chars} chars)", target.label())
    }
}

/// [`describe`], saying how many control characters were replaced, if any:
/// `copied raw body (812 chars; 3 control characters replaced by visible ones, e.g. ␛)`.
pub fn describe_replaced(target: CopyTarget, text: &str, replaced: usize) -> String {
    let line = describe(target, text);
    match replaced {
        0 => line,
        1 => format!("{line}; 1 control character replaced by a visible one, e.g. ␛"),
        n => format!("{line}; {n} control characters replaced by visible ones, e.g. ␛"),
    }
}

/// Refuses text that holds the current token value: the clipboard outlives the session and ends up
/// in tickets.
pub fn guard_secret(text: &str, token: &AccessToken) -> Result<(), String> {
    let secret = token.expose();
    if !secret.is_empty() && text.contains(secret) {
        return Err("not copied: the text contains the access token".to_string());
    }
    Ok(())
}

/// Guards, makes safe to paste ([`paste_safe`]), copies and describes in one step: `Ok` holds the
/// status line, `Err` says why nothing was copied.
pub fn copy(
    target: CopyTarget,
    text: &str,
    token: &AccessToken,
    out: &mut impl io::Write,
) -> Result<String, String> {
    if text.is_empty() {
        return Err(format!("nothing to copy: no {}", target.label()));
    }
    let (text, replaced) = paste_safe(text);
    let text = text.as_ref();
    if text.len() > MAX_COPY_BYTES {
        return Err(format!(
            "not copied: the {} is {} bytes, too large for the terminal clipboard; export it instead",
            target.label(),
            text.len()
        ));
    }
    guard_secret(text, token)?;
    copy_to_terminal(text, out).map_err(|e| format!("copy failed: {e}"))?;
    Ok(describe_replaced(target, text, replaced))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_bytes_are_exact() {
        assert_eq!(osc52_sequence("hello"), "\x1b]52;c;aGVsbG8=\x1b\\");
        assert_eq!(osc52_sequence("é"), "\x1b]52;c;w6k=\x1b\\");
    }

    #[test]
    fn tmux_gets_the_plain_sequence_and_the_wrapped_one() {
        let plain = osc52_sequence("hello");
        assert_eq!(
            clipboard_sequence("hello", Host::Tmux),
            format!("{plain}\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x1b\x1b\\\x1b\\")
        );
        assert_eq!(clipboard_sequence("hello", Host::Plain), plain);
    }

    #[test]
    fn screen_gets_short_wrapped_pieces_ended_by_bel() {
        assert_eq!(
            clipboard_sequence("hello", Host::Screen),
            "\x1bP\x1b]52;c;aGVsbG8=\x1b\\\x1bP\x07\x1b\\"
        );
        let long = clipboard_sequence(&"x".repeat(300), Host::Screen);
        let pieces = long.matches("\x1bP").count();
        assert_eq!(pieces, 1 + 400 / 76 + 1, "{long:?}");
        assert!(long.split("\x1bP").all(|p| p.len() < 768));
    }

    #[test]
    fn copy_writes_the_sequence_and_describes_it() {
        let mut out = Vec::new();
        let status = copy(
            CopyTarget::MsCv,
            "JduJle7LhkONxaJnLYlU7Q.0",
            &AccessToken::new("eyJ.secret.sig"),
            &mut out,
        )
        .unwrap();
        assert_eq!(status, "copied MS-CV JduJle7LhkONxaJnLYlU7Q.0");
        let written = String::from_utf8(out).unwrap();
        assert!(
            written.contains("]52;c;SmR1SmxlN0xoa09OeGFKbkxZbFU3US4w"),
            "{written:?}"
        );
    }

    #[test]
    fn secret_guard_refuses_the_token() {
        let token = AccessToken::new("eyJhbGciOiJSUzI1NiJ9.payload.signature");
        let curl = format!(
            "curl -H 'Authorization: Bearer {}' https://x",
            token.expose()
        );
        let mut out = Vec::new();
        assert!(guard_secret(&curl, &token).is_err());
        assert!(copy(CopyTarget::Curl, &curl, &token, &mut out).is_err());
        assert!(out.is_empty(), "nothing may be written when refused");
        let safe = "curl -H \"Authorization: Bearer $AZURE_COMMUNICATION_ACCESS_TOKEN\" https://x";
        assert!(guard_secret(safe, &token).is_ok());
        assert!(guard_secret(safe, &AccessToken::default()).is_ok());
    }

    #[test]
    fn describe_summarises_long_or_bulky_values() {
        let curl = "c".repeat(312);
        assert_eq!(
            describe(CopyTarget::Curl, &curl),
            "copied curl command (312 chars)"
        );
        assert_eq!(
            describe(CopyTarget::Id, "19:abc@thread.v2"),
            "copied id 19:abc@thread.v2"
        );
        assert_eq!(describe(CopyTarget::Id, "\u{1b}[2Jx"), "copied id ␛[2Jx");
        assert_eq!(
            describe(CopyTarget::Id, &"a".repeat(200)),
            "copied id (200 chars)"
        );
    }

    #[test]
    fn copied_text_carries_no_control_characters() {
        let body = "{\r\n\"m\": \"a\u{1b}[201~; rm -rf ~\u{7}\u{9b}31m\u{202e}\tb\"\n}";
        let mut out = Vec::new();
        let status = copy(CopyTarget::RawBody, body, &AccessToken::default(), &mut out).unwrap();
        assert!(
            status.ends_with("; 4 control characters replaced by visible ones, e.g. ␛"),
            "{status}"
        );
        let written = String::from_utf8(out).unwrap();
        let payload = written
            .trim_start_matches("\x1b]52;c;")
            .trim_end_matches("\x1b\\");
        use base64::Engine;
        let copied = base64::engine::general_purpose::STANDARD
            .decode(payload)
            .unwrap();
        let copied = String::from_utf8(copied).unwrap();
        assert_eq!(
            copied,
            "{\n\"m\": \"a␛[201~; rm -rf ~␇\\u{9b}31m\\u{202e}\tb\"\n}"
        );
        assert!(
            !copied
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
        let (plain, replaced) = paste_safe("19:a@thread.v2");
        assert!(matches!(plain, Cow::Borrowed(_)) && replaced == 0);
    }

    #[test]
    fn menu_keys_round_trip() {
        for target in CopyTarget::ALL {
            assert_eq!(CopyTarget::from_key(target.key()), Some(target));
        }
        assert_eq!(CopyTarget::from_key('z'), None);
    }

    #[test]
    fn huge_text_is_not_copied() {
        let mut out = Vec::new();
        let body = "x".repeat(MAX_COPY_BYTES + 1);
        let err = copy(
            CopyTarget::RawBody,
            &body,
            &AccessToken::default(),
            &mut out,
        )
        .unwrap_err();
        assert!(err.contains("too large"), "{err}");
        assert!(out.is_empty());
    }

    #[test]
    fn empty_text_is_not_copied() {
        let mut out = Vec::new();
        let err = copy(CopyTarget::MsCv, "", &AccessToken::default(), &mut out).unwrap_err();
        assert_eq!(err, "nothing to copy: no MS-CV");
        assert!(out.is_empty());
    }
}
