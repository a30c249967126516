//! Completion scripts and the manual page, from the same definitions as the parser.

use std::process::Command;

fn run(args: &[&str], state_home: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
        .args(args)
        .env("XDG_STATE_HOME", state_home)
        .output()
        .unwrap()
}

#[test]
fn completions_for_every_shell_offer_recently_opened_threads() {
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join("acs-chat-inspector");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("state.json"),
        r#"{"recent_threads": {"(none)": ["19:uni01_recentlyopened@thread.v2"]}}"#,
    )
    .unwrap();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = run(&["completions", shell], home.path());
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("participants"), "{shell}");
        // clap_complete's PowerShell script completes flags and subcommands, not values.
        if shell != "powershell" {
            assert!(
                script.contains("recentlyopened"),
                "{shell}: the recent thread is offered"
            );
        }
    }
    let out = run(&["completions", "nushell"], home.path());
    assert_eq!(out.status.code(), Some(2), "an unknown shell is bad input");
}

#[test]
fn the_manual_page_is_roff_of_every_subcommand_and_flag() {
    let home = tempfile::tempdir().unwrap();
    let out = run(&["man"], home.path());
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH acs-chat-inspector"),
        "{page}"
    );
    for word in ["bundle", "completions", "\\-\\-no\\-mouse", "\\-\\-thread"] {
        assert!(page.contains(word), "{word} missing");
    }
}
