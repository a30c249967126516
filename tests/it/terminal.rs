//! Whole-program tests: the real binary in a pseudo-terminal, its screen read by a terminal emulator.
//! After every way of exiting, the terminal must be back as it was: main screen, cursor visible, raw mode off.

use crate::support::pty::{PtySession, process_alive};

const SEED: &str = "head out for lunch";

fn demo(cols: u16, rows: u16) -> PtySession {
    let session = PtySession::spawn(&["--demo"], cols, rows);
    session.wait_for(SEED);
    session
}

fn exits_restored(mut session: PtySession, expect_success: bool) {
    let pid = session.pid();
    let status = session.wait_exit();
    assert_eq!(status.success(), expect_success, "exit status {status:?}");
    session.assert_terminal_restored();
    assert!(!process_alive(pid), "the process is still running");
}

#[test]
fn demo_opens_on_the_seed_message_and_q_quits() {
    let mut session = demo(100, 30);
    let screen = session.screen();
    assert!(screen.contains("Lunch"), "{screen}");
    assert!(session.raw_mode_on(), "the TUI runs in raw mode");
    session.send("q");
    exits_restored(session, true);
}

#[test]
fn ctrl_c_quits_even_from_a_text_field() {
    let mut session = demo(100, 30);
    session.send("\t");
    session.send("\x03");
    exits_restored(session, true);
}

#[test]
fn sigterm_restores_the_terminal() {
    let session = demo(100, 30);
    // SAFETY: sends SIGTERM to the child this test started.
    unsafe { libc::kill(session.pid() as libc::pid_t, libc::SIGTERM) };
    let mut session = session;
    let pid = session.pid();
    session.wait_exit();
    session.assert_terminal_restored();
    assert!(!process_alive(pid));
}

#[test]
fn a_panic_restores_the_terminal_and_reports() {
    let mut session = PtySession::spawn_with_env(
        &["--demo"],
        100,
        30,
        &[
            ("ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES", "1"),
            ("RUST_BACKTRACE", "0"),
        ],
    );
    let status = session.wait_exit();
    assert!(!status.success());
    session.assert_terminal_restored();
    let raw = String::from_utf8_lossy(&session.raw()).into_owned();
    assert!(
        raw.contains("panicked"),
        "the panic message is printed after the terminal is restored"
    );
}

#[test]
fn help_raw_view_request_log_and_timeline_respond_to_keys() {
    let mut session = demo(100, 30);
    session.send("?");
    session.wait_for("Keys");
    session.send("\x1b");
    session.wait_until(|s| !s.contains("Keys"), "help closed");
    session.send("r");
    session.wait_until(
        |s| s.to_ascii_lowercase().contains("ms-cv"),
        "the MS-CV header in the raw view",
    );
    session.send("\x1b");
    session.send("l");
    session.wait_for("GET");
    session.send("\x1b");
    session.send("g");
    session.send("j");
    session.send("G");
    session.send("t");
    session.wait_for("local");
    session.send("q");
    exits_restored(session, true);
}

#[test]
fn export_writes_a_bundle_without_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let mut session = PtySession::spawn_in(&["--demo"], 100, 30, &[], Some(dir.path()));
    session.wait_for(SEED);
    session.send("e");
    session.wait_for("exported to");
    session.send("q");
    exits_restored(session, true);
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(files.len(), 1, "one bundle file");
    let text = std::fs::read_to_string(files[0].path()).unwrap();
    let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(bundle["thread"]["topic"], "Lunch");
    assert!(
        !text.contains("Bearer") && !text.contains("eyJ"),
        "no token in the bundle"
    );
}

#[test]
fn resize_down_to_40x10_and_back() {
    let mut session = demo(100, 30);
    session.resize(40, 10);
    session.wait_for("too small");
    session.resize(100, 30);
    session.wait_for(SEED);
    session.send("q");
    exits_restored(session, true);
}

/// Every fault the emulator can inject, driven through the UI: the app keeps answering keys and
/// never passes an escape sequence from the data to the terminal.
#[test]
fn the_ui_survives_every_fault() {
    let faults = [
        "stall", "reset", "truncate", "garbage", "huge", "escape", "unicode", "expire", "unknown",
    ];
    let handles: Vec<_> = faults
        .iter()
        .map(|fault| {
            let fault = fault.to_string();
            std::thread::spawn(move || {
                let mut session = PtySession::spawn(
                    &[
                        "--demo",
                        "--fault",
                        &fault,
                        "--timeout",
                        "1",
                        "--retries",
                        "1",
                    ],
                    100,
                    30,
                );
                session.wait_for("Lunch");
                session.send("?");
                session.wait_for("Keys");
                session.send("\x1b");
                session.send("j");
                session.send("q");
                let status = session.wait_exit();
                assert!(status.success(), "{fault}: {status:?}");
                session.assert_terminal_restored();
                let raw = session.raw();
                for hostile in [
                    &b"\x1b]52;c;cHduZWQ="[..],
                    b"\x1b]0;pwned",
                    b"\x1b]0;owned",
                    b"\x1b[31mred",
                    b"\xc2\x9b31m",
                ] {
                    assert!(
                        !raw.windows(hostile.len()).any(|w| w == hostile),
                        "{fault}: the data's escape sequence {hostile:?} reached the terminal"
                    );
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
}
