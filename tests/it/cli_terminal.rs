//! On a terminal, stdout is pretty-printed and stderr shows page progress.

use std::io::Read;

use crate::support::headless::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

/// Runs the binary with stdout and stderr on a pseudo-terminal; returns what the terminal received and the exit code.
fn run_on_terminal(args: &[&str]) -> (String, u32) {
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 50,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_acs-chat-inspector"));
    cmd.args(args);
    cmd.env_remove("AZURE_COMMUNICATION_ENDPOINT");
    cmd.env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN");
    let mut child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().unwrap();
    let collector = std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let mut buf = [0u8; 4096];
        // The read fails (EIO) once the child has exited and the terminal is closed.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&buf[..n]);
        }
        bytes
    });
    let status = child.wait().unwrap();
    drop(pair.master);
    let text = String::from_utf8_lossy(&collector.join().unwrap()).replace("\r\n", "\n");
    (text, status.exit_code())
}

#[test]
fn a_terminal_gets_pretty_json_and_progress() {
    let server = Server::start(|seen, base| match seen.param("skip") {
        None => Reply::ok(page(
            &[message_item(2, 2)],
            Some(format!(
                "{base}/chat/threads/{THREAD}/messages?skip=1&api-version=2025-03-15"
            )),
        )),
        Some(_) => Reply::ok(page(&[message_item(1, 1)], None)),
    });
    let token = token();
    let (text, code) = run_on_terminal(&[
        "messages",
        THREAD,
        "--endpoint",
        &server.base,
        "--token",
        &token,
    ]);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("page 2, 2 items"),
        "no progress on the terminal: {text:?}"
    );
    assert!(
        text.contains("[\n  {\n    \"id\": \"2\""),
        "not pretty: {text:?}"
    );
    assert!(text.contains("\"sequenceId\": \"1\""), "{text:?}");
    let progress_at = text.find("page 2, 2 items").unwrap();
    let json_at = text.find("[\n  {").unwrap();
    assert!(
        progress_at < json_at,
        "progress must not interleave with the JSON: {text:?}"
    );
    assert!(!text.contains(payload_segment(&token)));
}
