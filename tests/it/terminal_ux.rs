//! The real binary in a pseudo-terminal, for what only a terminal shows: what copying sends (and
//! what it says about it), mouse reports on and off, NO_COLOR, F1 from a field, the live filter.

use crate::support::pty::{PtySession, SEED};

/// The screen's text with line breaks and runs of blanks as single spaces: a status message
/// wraps wherever its words fall.
/// The demo opened and every request answered, so that a key or a click acts on what is shown
/// and no "loading" line stands in front of the notice it gives.
fn wait_ready(tty: &PtySession) {
    tty.wait_for(SEED);
    tty.wait_until("every request answered", |s| {
        s.contains("Timeline · all") && !s.contains("loading")
    });
}

fn flat(screen: &str) -> String {
    screen.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every OSC 52 the program wrote, as (wrapped for tmux, plain) counts.
fn osc52(raw: &[u8]) -> (usize, usize) {
    let count = |needle: &[u8]| raw.windows(needle.len()).filter(|w| *w == needle).count();
    let wrapped = count(b"\x1bPtmux;\x1b\x1b]52;c;");
    // A wrapped sequence holds the plain one's bytes too.
    (wrapped, count(b"\x1b]52;c;") - wrapped)
}

#[test]
fn a_copy_goes_to_the_clipboard_program_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("clipboard");
    let command = format!("cat > '{}'", file.display());
    let mut tty = PtySession::spawn_with_env(
        &["--demo"],
        100,
        30,
        &[("ACS_CHAT_INSPECTOR_COPY_COMMAND", &command)],
    );
    wait_ready(&tty);
    tty.send("y");
    tty.wait_for("Copy to the clipboard");
    tty.send("i");
    tty.wait_until("the program's copy reported", |s| {
        flat(s).contains("to the system clipboard")
    });
    let copied = std::fs::read_to_string(&file).unwrap();
    assert!(
        copied.len() >= 10 && copied.chars().all(|c| c.is_ascii_digit()),
        "the selected message's id: {copied:?}"
    );
    tty.send("q");
    tty.assert_exits_restored(true);
}

#[test]
fn inside_tmux_a_copy_is_sent_plain_and_wrapped_and_not_called_confirmed() {
    let mut tty = PtySession::spawn_with_env(
        &["--demo"],
        100,
        30,
        &[
            ("TMUX", "/nonexistent/tmux-socket,1,0"),
            ("TMUX_PANE", "%0"),
        ],
    );
    wait_ready(&tty);
    tty.send("y");
    tty.wait_for("Copy to the clipboard");
    tty.send("i");
    tty.wait_until("the copy's report", |s| s.contains("tmux"));
    let (wrapped, all) = osc52(&tty.raw());
    assert_eq!(wrapped, 1, "the passthrough-wrapped sequence");
    assert_eq!(all, 1, "and the plain one tmux takes with set-clipboard on");
    assert!(!tty.screen().contains("copied id"), "{}", tty.screen());
    tty.send("q");
    tty.assert_exits_restored(true);
}

#[test]
fn a_plain_terminal_copy_is_not_claimed_as_done() {
    let mut tty = PtySession::spawn(&["--demo"], 120, 30);
    wait_ready(&tty);
    tty.send("y");
    tty.wait_for("Copy to the clipboard");
    tty.send("i");
    tty.wait_until("the copy reported", |s| flat(s).contains("not confirmed"));
    let (wrapped, plain) = osc52(&tty.raw());
    assert_eq!((wrapped, plain), (0, 1));
    tty.send("q");
    tty.assert_exits_restored(true);
}

#[test]
fn a_click_selects_a_timeline_row_and_no_mouse_leaves_the_mouse_alone() {
    let mut tty = PtySession::spawn_80x24(&["--demo"]);
    wait_ready(&tty);
    assert!(
        tty.raw().windows(8).any(|w| w == b"\x1b[?1000h"),
        "mouse reports are asked for"
    );
    // A left press and release on the timeline's third row (column 20, row 8, 1-based).
    tty.send("\x1b[<0;20;8M\x1b[<0;20;8m");
    tty.wait_until("the third row selected", |s| {
        s.lines().nth(7).is_some_and(|l| l.contains('▶'))
    });
    tty.send("q");
    tty.assert_exits_restored(true);

    let mut tty = PtySession::spawn_80x24(&["--demo", "--no-mouse"]);
    wait_ready(&tty);
    assert!(!tty.raw().windows(8).any(|w| w == b"\x1b[?1000h"));
    tty.send("q");
    tty.assert_exits_restored(true);
}

#[test]
fn no_color_sends_no_colour_and_no_bold() {
    let mut tty = PtySession::spawn_with_env(&["--demo"], 100, 30, &[("NO_COLOR", "1")]);
    wait_ready(&tty);
    tty.send("?");
    tty.wait_for("Keys");
    let raw = tty.raw();
    for styling in [
        &b"38;5;"[..],
        b"48;5;",
        b"\x1b[1m",
        b"\x1b[7m",
        b"\x1b[4m",
        b"\x1b[36m",
    ] {
        assert!(
            !raw.windows(styling.len()).any(|w| w == styling),
            "{:?} was sent",
            String::from_utf8_lossy(styling)
        );
    }
    tty.send("q");
    tty.assert_exits_restored(true);
}

#[test]
fn f1_opens_the_help_from_a_field_and_the_filter_follows_typing() {
    let mut tty = PtySession::spawn_80x24(&["--demo"]);
    wait_ready(&tty);
    tty.send("\t\t");
    tty.wait_for("Enter fetch · Tab next");
    tty.send("\x1bOP");
    tty.wait_for("Keys");
    tty.send("\x1b");
    tty.send("\x1b");
    tty.wait_until("back on the results", |s| {
        !s.contains("Enter fetch · Tab next")
    });
    tty.send("/Jane");
    tty.wait_for("filter \"Jane\":");
    tty.send("\x1b");
    tty.send("q");
    tty.assert_exits_restored(true);
}
