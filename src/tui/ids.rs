//! How ids are shown: so that they differ where they differ.
//!
//! ACS raw ids of one resource share their first half (`8:acs:<resource>_<user>`), and thread ids
//! share their ends (`19:uni01_…@thread.v2`): cutting them from the right makes every user of a
//! resource read the same. [`fit`] keeps what tells them apart (the user part, the thread's own
//! characters) and puts the ellipsis in the middle; [`color`] gives each identity one colour in
//! every panel. A whole id is shown where it is the subject (a selected row, a detail, a field
//! being edited).

use ratatui::style::Color;
use unicode_width::UnicodeWidthStr;

use crate::sanitize::one_line;

/// Colours an identity may get: distinct from each other and from the error and warning colours.
const PALETTE: [Color; 8] = [
    Color::Cyan,
    Color::Green,
    Color::Blue,
    Color::LightMagenta,
    Color::LightCyan,
    Color::LightGreen,
    Color::LightBlue,
    Color::Magenta,
];

/// The ellipsis put where characters were left out.
const ELLIPSIS: char = '…';

/// An id in at most `width` columns: whole when it fits, else its distinctive part kept.
pub fn fit(id: &str, width: usize) -> String {
    let id = one_line(id);
    if id.width() <= width {
        return id.into_owned();
    }
    let (head, body, tail) = parts(&id);
    let room = width.saturating_sub(head.width() + tail.width());
    if room >= 4 {
        return format!("{head}{}{tail}", cut_end(body, room));
    }
    // Short of room, the shared end goes first, then a thread's kind: the distinctive start stays.
    let short = if id.starts_with("19:") { "19:" } else { "" };
    for head in [head.as_str(), short] {
        let room = width.saturating_sub(head.width());
        if room >= 4 && !head.is_empty() {
            return format!("{head}{}", cut_end(body, room));
        }
    }
    middle(&id, width)
}

/// The shared start, the distinctive middle and the shared end of an id.
fn parts(id: &str) -> (String, &str, &str) {
    // 8:acs:<resource>_<user>: the user part tells users of one resource apart.
    if let Some(rest) = id.strip_prefix("8:acs:")
        && let Some((_, user)) = rest.split_once('_')
    {
        return (format!("8:acs:{ELLIPSIS}_"), user, "");
    }
    // 19:<kind>_<unique>@thread.v2 (kind: uni01, meeting, acsV1, ...).
    if let Some(rest) = id.strip_prefix("19:")
        && let Some((body, domain)) = rest.rsplit_once('@')
    {
        let (kind, unique) = match body.split_once('_') {
            Some((kind, unique)) if kind.len() <= 8 => (format!("{kind}_"), unique),
            _ => (String::new(), body),
        };
        let tail = &id[id.len() - domain.len() - 1..];
        return (format!("19:{kind}"), unique, tail);
    }
    // 8:orgid:<guid>, 8:teamsvisitor:<guid>, 4:+1425...: the prefix, then the rest.
    match id.rsplit_once(':') {
        Some((prefix, rest)) if prefix.len() < 16 => {
            let head = &id[..prefix.len() + 1];
            (head.to_string(), rest, "")
        }
        _ => (String::new(), id, ""),
    }
}

/// The start of `text` in `room` columns, ending with an ellipsis when cut.
fn cut_end(text: &str, room: usize) -> String {
    if text.width() <= room {
        return text.to_string();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if out.width() >= room {
            out.pop();
            break;
        }
    }
    out.push(ELLIPSIS);
    out
}

/// The start and the end of `text` in `width` columns, an ellipsis between them.
pub fn middle(text: &str, width: usize) -> String {
    if text.width() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let keep = width - 1;
    let tail_len = keep / 2;
    let head_len = keep - tail_len;
    let head: String = chars.iter().take(head_len).collect();
    let tail: String = chars[chars.len().saturating_sub(tail_len)..]
        .iter()
        .collect();
    // Wide characters may still overflow: fall back to cutting from the right.
    let joined = format!("{head}{ELLIPSIS}{tail}");
    if joined.width() <= width {
        joined
    } else {
        cut_end(text, width)
    }
}

/// The one colour of an identity in every panel (stable across runs: a hash of its raw id).
pub fn color(raw_id: &str) -> Color {
    // FNV-1a: tiny, stable, and spreads similar ids apart.
    let hash = raw_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    PALETTE[(hash % PALETTE.len() as u64) as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    const JANE: &str =
        "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d-0c1d-46ae-9544-c963ce56c10b";
    const BOB: &str =
        "8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_00000000-0000-0000-0000-0000000000b0";

    #[test]
    fn users_of_one_resource_differ_where_they_differ() {
        assert_eq!(fit(JANE, 16), "8:acs:…_0e59221…");
        assert_ne!(fit(JANE, 16), fit(BOB, 16));
        assert_eq!(fit(JANE, 200), JANE, "whole when it fits");
        assert_eq!(
            fit("8:acs:8540c0de-899f-5cce-acb5-3ec493af3800_0e59221d", 18),
            "8:acs:…_0e59221d",
            "only what is cut gets an ellipsis"
        );
        assert_eq!(fit(JANE, 16).width(), 16);
    }

    #[test]
    fn thread_ids_keep_their_kind_their_own_start_and_their_end() {
        let id = "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2";
        assert_eq!(fit(id, 30), "19:uni01_zbnh3nt2df…@thread.v2");
        assert_eq!(fit(id, 30).width(), 30);
        assert_eq!(
            fit("19:meeting_NzA5YjlhZTgtODVk@thread.v2", 28),
            "19:meeting_NzA5Yj…@thread.v2"
        );
    }

    #[test]
    fn other_ids_cut_in_the_middle_and_never_overflow() {
        assert_eq!(middle("abcdefghij", 5), "ab…ij");
        for width in 0..40 {
            assert!(fit(JANE, width).width() <= width, "{width}");
            assert!(fit("19:x@thread.v2", width).width() <= width, "{width}");
        }
        assert_eq!(fit("8:orgid:1234567890abcdef", 14), "8:orgid:12345…");
        let thread = "19:uni01_zbnh3nt2dfuffezc3sox7dog7wfhk6y5qe2rwlnfhlhdzirihdpq@thread.v2";
        assert_eq!(
            fit(thread, 16),
            "19:uni01_zbnh3n…",
            "the shared end goes first"
        );
        assert_eq!(fit(thread, 12), "19:zbnh3nt2…", "then the thread's kind");
        for width in 0..40 {
            assert!(fit(thread, width).width() <= width, "{width}");
        }
    }

    #[test]
    fn an_identity_keeps_its_colour() {
        assert_eq!(color(JANE), color(JANE));
        let colours: std::collections::HashSet<_> =
            (0..40).map(|i| color(&format!("8:acs:r_{i}"))).collect();
        assert!(colours.len() > 4, "ids spread over the palette");
    }
}
