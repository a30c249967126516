//! A hostile service and careless hands: every case ends with its exit code, one clear error line,
//! no panic, bounded memory (read from `/proc/<pid>/status`), and no token in any output, log, file
//! or proxy. Each case failed on the binary before these safety rules held.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use crate::support::headless::{IDENTITY, Reply, Server, THREAD, token};
use crate::support::hostile::{
    BIDI, HostileMode, Proxy, Run, binary, files_hold_nothing_of, service,
};

/// What a list subcommand streaming page after page may hold, at most (KiB).
const STREAMING_PEAK_KIB: u64 = 64 * 1024;

#[test]
fn absurd_retry_headers_are_capped_not_a_panic() {
    let cases = [
        ("Retry-After", "1e30"),
        ("retry-after-ms", "1e300"),
        ("x-ms-retry-after-ms", "18446744073709551616000"),
        ("Retry-After", "-5"),
        ("retry-after-ms", "NaN"),
        ("Retry-After", "Fri, 31 Dec 9999 23:59:59 GMT"),
    ];
    for (name, value) in cases {
        for status in [429, 503] {
            let server = service(HostileMode::RetryHeader {
                status,
                name,
                value,
            });
            let token = token();
            let ran = Run::against(&server.base, &token, &["thread", THREAD]).finish();
            ran.fails_with(3, &status.to_string());
            ran.leaks_nothing_of(&token);
        }
    }
}

#[test]
fn a_next_link_cycle_of_three_pages_ends_with_exit_4() {
    let server = service(HostileMode::Cycle { len: 3 });
    let token = token();
    let ran = Run::against(&server.base, &token, &["messages", THREAD]).finish();
    ran.fails_with(4, "nextLink loop");
    let items: serde_json::Value = serde_json::from_str(&ran.stdout()).unwrap();
    assert_eq!(
        items.as_array().unwrap().len(),
        4,
        "the first page and the loop's three"
    );
    assert_eq!(server.seen().len(), 4, "no page is fetched twice");
    ran.leaks_nothing_of(&token);
}

#[test]
fn endless_next_links_stop_at_max_pages() {
    let server = service(HostileMode::Endless {
        items: 1,
        text_bytes: 10,
    });
    let token = token();
    let ran = Run::against(
        &server.base,
        &token,
        &["messages", THREAD, "--max-pages", "50"],
    )
    .finish();
    ran.fails_with(4, "too many pages");
    let items: serde_json::Value = serde_json::from_str(&ran.stdout()).unwrap();
    assert_eq!(items.as_array().unwrap().len(), 50);
    assert_eq!(server.seen().len(), 50);
}

#[test]
fn an_endless_list_streams_in_bounded_memory() {
    // 120 pages of 1 MiB: the whole list is 120 MiB, the program holds about one page.
    let server = service(HostileMode::Endless {
        items: 4,
        text_bytes: 256 * 1024,
    });
    let token = token();
    let ran = Run::against(
        &server.base,
        &token,
        &["messages", THREAD, "--max-pages", "120"],
    )
    .finish();
    ran.fails_with(4, "too many pages");
    assert_eq!(ran.output.stdout.len() / (1024 * 1024), 120);
    assert!(
        ran.peak_kib < STREAMING_PEAK_KIB,
        "peak {} KiB",
        ran.peak_kib
    );
}

#[test]
fn an_endless_bundle_stops_when_full_and_is_written() {
    let server = service(HostileMode::Endless {
        items: 4,
        text_bytes: 256 * 1024,
    });
    let token = token();
    let run = Run::against(&server.base, &token, &["bundle", THREAD]);
    let out = run.path("bundle.json");
    let ran = run.arg("-o").arg(&out).finish();
    assert_eq!(ran.code(), 4, "{}", ran.stderr());
    let stderr = ran.stderr();
    assert!(
        stderr.contains("error: messages: the bundle is full"),
        "{stderr}"
    );
    assert!(
        stderr.starts_with("wrote "),
        "the bundle is written first: {stderr}"
    );
    let bundle: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let kept = bundle["messages"].as_array().unwrap().len();
    assert!(
        (200..260).contains(&kept),
        "{kept} messages of 256 KiB kept"
    );
    assert_eq!(bundle["errors"][0]["part"], "messages");
    // 64 MiB of service JSON is held as values, as recorded answers and as the written text.
    assert!(ran.peak_kib < 700 * 1024, "peak {} KiB", ran.peak_kib);
    ran.leaks_nothing_of(&token);
    files_hold_nothing_of(ran.dir.path(), &token);
}

#[test]
fn the_emulator_refuses_impossible_settings() {
    for (args, needle) in [
        (&["emulator", "--fail-rate", "2"][..], "--fail-rate"),
        (&["emulator", "--fail-rate", "nan"][..], "--fail-rate"),
        (&["emulator", "--messages", "10000001"][..], "--messages"),
        (&["emulator", "--addr", "0.0.0.0:0"][..], "--allow-remote"),
    ] {
        let ran = Run::new(args).finish();
        assert_eq!(ran.code(), 2, "{args:?}: {}", ran.stderr());
        assert!(ran.stderr().contains(needle), "{args:?}: {}", ran.stderr());
        assert!(ran.output.stdout.is_empty(), "{args:?} served");
    }
}

#[test]
fn the_emulator_on_every_interface_says_so_and_gives_a_loopback_endpoint() {
    let mut child = std::process::Command::new(binary())
        .args(["emulator", "--addr", "0.0.0.0:0", "--allow-remote"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    child.kill().unwrap();
    let output = child.wait_with_output().unwrap();
    let info: serde_json::Value = serde_json::from_str(&first).unwrap();
    let endpoint = info["endpoint"].as_str().unwrap();
    assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("every network interface"), "{stderr}");
    assert!(
        stderr.contains(&format!("Endpoint: {endpoint}")),
        "{stderr}"
    );
}

#[test]
fn loopback_requests_never_go_through_a_proxy() {
    let minted = token();
    let server = service(HostileMode::Plain {
        token: minted.clone(),
    });
    let proxy = Proxy::start();
    let token = token();
    let chat = proxy
        .route(Run::against(&server.base, &token, &["thread", THREAD]))
        .finish();
    assert_eq!(chat.code(), 0, "{}", chat.stderr());
    let key = "c2VjcmV0LWtleS1vZi10aGUtbG9vcGJhY2stcmVzb3VyY2UtZm9yLXRlc3Rz";
    let mint = proxy
        .route(Run::new(&[
            "token",
            "mint",
            "--connection-string-env",
            "HOSTILE_CONNECTION",
            "--user",
            IDENTITY,
        ]))
        .env(
            "HOSTILE_CONNECTION",
            format!("endpoint={}/;accesskey={key}", server.base),
        )
        .finish();
    assert_eq!(mint.code(), 0, "{}", mint.stderr());
    assert!(mint.stdout().contains(&minted));
    assert_eq!(
        proxy.connections(),
        0,
        "the proxy got: {}",
        proxy.received()
    );
    assert_eq!(server.seen().len(), 2);
    chat.leaks_nothing_of(&token);
    mint.leaks_nothing_of(key);
}

#[test]
fn help_never_prints_the_connection_string_in_the_environment() {
    let key = "c2VjcmV0LWtleS12YWx1ZS1pbi10aGUtZW52aXJvbm1lbnQtb2YtdGhlLWVuZ2luZWVy==";
    let connection = format!("endpoint=https://contoso.communication.azure.com/;accesskey={key}");
    for args in [
        &["--help"][..],
        &["thread", "--help"][..],
        &["bundle", "--help"][..],
        &["emulator", "--help"][..],
    ] {
        let ran = Run::new(args)
            .env("AZURE_COMMUNICATION_ENDPOINT", &connection)
            .finish();
        assert_eq!(ran.code(), 0, "{args:?}");
        assert!(ran.stdout().contains("AZURE_COMMUNICATION_ENDPOINT"));
        ran.leaks_nothing_of(key);
        ran.leaks_nothing_of("contoso");
    }
}

#[test]
fn a_token_typed_into_the_wrong_field_is_never_echoed() {
    let server = Server::start(|_, _| Reply::json(500, ""));
    let token = token();
    let endpoint = server.base.as_str();
    let cases: [&[&str]; 5] = [
        &["thread", THREAD, "--endpoint", &token],
        &[
            "thread",
            THREAD,
            "--endpoint",
            endpoint,
            "--api-version",
            &token,
        ],
        &[
            "messages",
            THREAD,
            "--endpoint",
            endpoint,
            "--since",
            &token,
        ],
        &["thread", &token, "--endpoint", endpoint],
        &["message", THREAD, &token, "--endpoint", endpoint],
    ];
    for args in cases {
        let ran = Run::new(args).arg("--token").arg(&token).finish();
        ran.fails_with(2, "");
        assert!(ran.stderr().contains("[masked token"), "{}", ran.stderr());
        ran.leaks_nothing_of(&token);
    }
    assert!(server.seen().is_empty());
}

#[test]
fn a_failing_token_command_does_not_echo_the_token_it_printed() {
    let token = token();
    let run = Run::new(&["thread", THREAD, "--profile", "careless"]);
    std::fs::write(run.path("token.txt"), &token).unwrap();
    let config = run.path("config/acs-chat-inspector");
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(
        config.join("config.toml"),
        format!(
            "[profiles.careless]\nendpoint = \"https://contoso.communication.azure.com\"\ntoken_command = \"cat '{}' >&2; exit 1\"\n",
            run.path("token.txt").display()
        ),
    )
    .unwrap();
    let ran = run.finish();
    ran.fails_with(2, "token_command failed");
    assert!(ran.stderr().contains("[masked token"), "{}", ran.stderr());
    ran.leaks_nothing_of(&token);
}

#[test]
fn an_endpoint_with_a_user_name_and_password_is_bad_input() {
    let server = Server::start(|_, _| Reply::json(500, ""));
    let endpoint = server.base.replace("http://", "http://engineer:hunter2@");
    let token = token();
    let ran = Run::against(&endpoint, &token, &["thread", THREAD]).finish();
    ran.fails_with(2, "user name or password");
    ran.leaks_nothing_of("hunter2");
    ran.leaks_nothing_of(&token);
    assert!(server.seen().is_empty());
}

#[test]
fn ids_that_are_path_steps_or_hold_controls_are_bad_input() {
    let server = Server::start(|_, _| Reply::json(500, ""));
    let token = token();
    for args in [
        &["thread", ".."][..],
        &["thread", "."][..],
        &["messages", ".."][..],
        &["message", THREAD, ".."][..],
        &["bundle", "a\u{7}b"][..],
        &["participants", "x\u{1b}[2J"][..],
    ] {
        let ran = Run::against(&server.base, &token, args).finish();
        ran.fails_with(2, "malformed");
        assert!(!ran.stderr().contains('\u{1b}'), "{args:?}");
    }
    assert!(server.seen().is_empty(), "{:?}", server.seen());
}

#[test]
fn a_twenty_megabyte_error_message_is_one_bounded_line() {
    let server = service(HostileMode::HugeError {
        bytes: 20 * 1024 * 1024,
    });
    let token = token();
    let ran = Run::against(&server.base, &token, &["thread", THREAD]).finish();
    let line = ran.fails_with(3, "500 Internal Server Error (InternalError)");
    assert!(line.len() < 2048, "{} bytes", line.len());
    assert!(line.contains("bytes more)"), "{line}");
    assert!(ran.stderr().len() < 4096);
}

#[test]
fn a_redirect_is_shown_and_not_followed() {
    let elsewhere = Server::start(|_, _| Reply::ok("{}"));
    let location = format!("{}/chat/threads/stolen", elsewhere.base);
    let server = service(HostileMode::Redirect {
        location: location.clone(),
    });
    let token = token();
    let ran = Run::against(&server.base, &token, &["thread", THREAD]).finish();
    let line = ran.fails_with(3, "302 Found");
    assert!(line.contains(&location), "{line}");
    assert!(ran.stderr().contains("never followed"));
    assert!(elsewhere.seen().is_empty(), "the other host was asked");
}

#[test]
fn bidi_controls_reach_stdout_escaped() {
    let server = service(HostileMode::Bidi);
    let ran = Run::against(&server.base, &token(), &["thread", THREAD]).finish();
    assert_eq!(ran.code(), 0, "{}", ran.stderr());
    let stdout = ran.stdout();
    assert!(!stdout.contains(BIDI), "a raw bidi control: {stdout:?}");
    for escaped in ["\\u202e", "\\u2066", "\\u200f", "\\u061c"] {
        assert!(stdout.contains(escaped), "{escaped} in {stdout}");
    }
    let thread: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(thread["topic"].as_str().unwrap().contains('\u{202e}'));
}

#[test]
fn headless_hints_name_no_key_of_the_inspector() {
    let server = service(HostileMode::Garbage);
    let ran = Run::against(&server.base, &token(), &["thread", THREAD]).finish();
    ran.fails_with(4, "not JSON");
    assert!(!ran.stderr().contains("(r)"), "{}", ran.stderr());
}

#[test]
fn a_token_file_is_read_up_to_64_kib() {
    let server = Server::start(|_, _| Reply::json(500, ""));
    let ran = Run::new(&[
        "thread",
        THREAD,
        "--endpoint",
        &server.base,
        "--token-file",
        "/dev/zero",
    ])
    .finish();
    ran.fails_with(2, "more than 64 KiB");
    assert!(ran.peak_kib < 64 * 1024, "peak {} KiB", ran.peak_kib);
}

mod files {
    use super::*;

    fn bundle_run(server: &Server, token: &str, out: &str, extra: &[&str]) -> Run {
        let mut args = vec!["bundle", THREAD, "-o", out];
        args.extend(extra);
        Run::against(&server.base, token, &args)
    }

    fn plain() -> Server {
        service(HostileMode::Plain {
            token: String::new(),
        })
    }

    #[test]
    fn a_link_a_fifo_or_a_folder_is_never_written_through() {
        let server = plain();
        let token = token();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "precious").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let fifo = dir.path().join("fifo.json");
        let c_path = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: creates a FIFO at a path inside this test's temporary folder.
        assert_eq!(unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) }, 0);
        for (path, why) in [
            (&link, "symbolic link"),
            (&fifo, "not a regular file"),
            (&dir.path().to_path_buf(), "folder"),
        ] {
            for force in [&[][..], &["--force"][..]] {
                let ran = bundle_run(&server, &token, path.to_str().unwrap(), force).finish();
                ran.fails_with(2, why);
            }
        }
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
        assert!(server.seen().is_empty(), "refused before any request");
    }

    #[test]
    fn an_existing_file_is_replaced_only_with_force() {
        let server = plain();
        let token = token();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bundle.json");
        std::fs::write(&out, "old bundle").unwrap();
        let path = out.to_str().unwrap();
        let ran = bundle_run(&server, &token, path, &[]).finish();
        ran.fails_with(2, "--force");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old bundle");
        let ran = bundle_run(&server, &token, path, &["--force"]).finish();
        assert_eq!(ran.code(), 0, "{}", ran.stderr());
        let bundle: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert_eq!(bundle["thread"]["id"], THREAD);
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        files_hold_nothing_of(dir.path(), &token);
    }

    #[test]
    fn a_full_disk_keeps_the_old_file() {
        let server = plain();
        let token = token();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("bundle.json");
        std::fs::write(&out, "old bundle").unwrap();
        let ran = bundle_run(&server, &token, out.to_str().unwrap(), &["--force"])
            .file_size_limit(200)
            .without_log()
            .finish();
        ran.fails_with(2, "cannot write");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "old bundle");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "no temporary file left: {left:?}");
    }
}

#[test]
fn exports_say_redacted_and_never_replace_each_other() {
    use acs_chat_inspector::export::{Bundle, bundle_file_name, export_to_file};
    let at = chrono::Utc::now();
    let plain = bundle_file_name(THREAD, at, false);
    let redacted = bundle_file_name(THREAD, at, true);
    assert_ne!(plain, redacted);
    assert!(redacted.contains("redacted") && !plain.contains("redacted"));
    let bundle = Bundle {
        format_version: acs_chat_inspector::bundle::FORMAT_VERSION,
        generated_at: at,
        endpoint: "https://contoso.communication.azure.com".into(),
        api_version: "2025-03-15".into(),
        thread: serde_json::json!({"id": THREAD, "topic": "secret topic"}),
        messages: Vec::new(),
        participants: Vec::new(),
        read_receipts: Vec::new(),
        requests: Vec::new(),
        errors: Vec::new(),
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(&plain);
    let first = export_to_file(&bundle, &path, false).unwrap();
    let second = export_to_file(&bundle, &path, true).unwrap();
    assert_eq!(first, path);
    assert_ne!(second, first, "the second export goes beside the first");
    assert!(
        std::fs::read_to_string(&first)
            .unwrap()
            .contains("secret topic")
    );
    assert!(
        !std::fs::read_to_string(&second)
            .unwrap()
            .contains("secret topic")
    );
}

#[test]
fn a_copied_body_never_carries_an_escape_sequence() {
    use acs_chat_inspector::acs::AccessToken;
    use acs_chat_inspector::clipboard::{CopyTarget, copy};
    use base64::Engine;
    let body = "{\"message\":\"hi\u{1b}[201~\necho pwned\u{1b}[200~ \u{9b}31m \u{202e}\"}";
    let mut written = Vec::new();
    let status = copy(
        CopyTarget::RawBody,
        body,
        &AccessToken::default(),
        &mut written,
    )
    .unwrap();
    assert!(status.contains("4 control characters replaced"), "{status}");
    let written = String::from_utf8(written).unwrap();
    let payload = written
        .strip_prefix("\u{1b}]52;c;")
        .and_then(|p| p.strip_suffix("\u{1b}\\"))
        .unwrap();
    let copied = base64::engine::general_purpose::STANDARD
        .decode(payload)
        .unwrap();
    let copied = String::from_utf8(copied).unwrap();
    assert!(!copied.contains('\u{1b}') && !copied.contains('\u{9b}'));
    assert!(copied.contains("␛[201~"), "{copied}");
}

#[test]
fn the_panic_report_is_plain_text_when_stderr_is_not_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("stderr");
    let mut session = crate::support::pty::PtySession::spawn_with_stderr_to(
        &["--demo"],
        100,
        30,
        &[
            ("ACS_CHAT_INSPECTOR_PANIC_AFTER_FRAMES", "1"),
            ("RUST_BACKTRACE", "0"),
        ],
        &report,
    );
    let status = session.wait_exit();
    assert!(!status.success());
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("panicked"), "{text}");
    assert!(!text.contains('\u{1b}'), "colours in a file: {text:?}");
}
