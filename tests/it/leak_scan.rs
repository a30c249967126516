//! No secret in anything a case leaves behind: bundles (plain and redacted), HAR files and `watch`
//! output are scanned for the token, its payload segment, the access key and "Bearer ".

use acs_chat_inspector::emulator::data::{JANE, LUNCH_THREAD_ID};

use crate::support::cases::*;
use crate::support::headless::{code, run_with_env, stderr};

#[test]
fn bundles_har_files_and_watch_output_hold_no_secret() {
    let emu = Emulator::start();
    let token = emu.info.token.clone();
    let connection = emu.info.connection_string.clone().unwrap();
    let key = access_key(&connection).to_string();
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let mut written = Vec::new();

    for (name, redact) in [("plain", false), ("redacted", true)] {
        let (bundle, har) = (file(&format!("{name}.json")), file(&format!("{name}.har")));
        let mut args = vec!["bundle", LUNCH_THREAD_ID, "-o", &bundle, "--har", &har];
        if redact {
            args.push("--redact");
        }
        let out = emu.run(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        written.extend([bundle, har]);
    }

    // A token minted from the connection string: neither it nor the key may be written anywhere.
    let (minted_bundle, minted_har) = (file("minted.json"), file("minted.har"));
    let jane = JANE.raw_id();
    let args = [
        "bundle",
        LUNCH_THREAD_ID,
        "-o",
        &minted_bundle,
        "--har",
        &minted_har,
        "--connection-string-env",
        "CASE_CONNECTION",
        "--user",
        &jane,
    ];
    let out = run_with_env(&args, &[("CASE_CONNECTION", &connection)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    written.extend([minted_bundle, minted_har]);

    let watch_har = file("watch.har");
    let watch_output = watch_through_changes(&emu, &watch_har);
    written.push(watch_har);

    for path in &written {
        let text = std::fs::read_to_string(path).unwrap();
        assert_no_secrets(path, &text, &[&token], Some(&key));
        assert!(
            !crate::support::tokens::holds_jwt(&text),
            "{path}: something shaped like a token"
        );
    }
    assert_no_secrets("watch output", &watch_output, &[&token], Some(&key));
}

/// Runs `watch` over three changes, one at a time, and returns what it printed.
fn watch_through_changes(emu: &Emulator, har: &str) -> String {
    let args = emu.args(&["watch", LUNCH_THREAD_ID, "--interval", "0.2", "--har", har]);
    let listed_before = emu.message_listings();
    let watch = Watch::start(&args);
    wait_until("the baseline poll", || {
        emu.message_listings() > listed_before
    });
    let lines: Vec<String> = (0..3)
        .map(|_| {
            emu.step();
            watch.next_event().to_string()
        })
        .collect();
    let (code, rest) = watch.stop(libc::SIGINT);
    assert_eq!(code, 0);
    assert!(rest.is_empty(), "{rest:?}");
    lines.join("\n")
}
