//! After the terminal was sent the clipboard sequence: a system clipboard program where there is
//! one, and what can be known about delivery, said honestly.
//!
//! No terminal acknowledges OSC 52, so a copy is only "confirmed" when something answers: a
//! clipboard program that exits 0 (`wl-copy`, `xclip`, `xsel`, `pbcopy`, `clip.exe`, or the
//! command in `ACS_CHAT_INSPECTOR_COPY_COMMAND`), or tmux holding the text in its newest buffer.
//! tmux's options say whether it drops the sequence (`set-clipboard`, `allow-passthrough`; tmux(1)).

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::clipboard::Host;

/// A clipboard program to run instead of (besides) the terminal; run through `sh -c`.
pub const COMMAND_VAR: &str = "ACS_CHAT_INSPECTOR_COPY_COMMAND";

/// A clipboard program gets this long before it is stopped.
const COMMAND_LIMIT: Duration = Duration::from_secs(3);

/// How the clipboard is reached in this session, worked out once at start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setup {
    pub host: Host,
    /// The clipboard program and its arguments, when one is at hand.
    pub command: Option<Vec<String>>,
}

impl Default for Setup {
    fn default() -> Self {
        Self {
            host: Host::Plain,
            command: None,
        }
    }
}

impl Setup {
    /// From the environment and the programs on `PATH`.
    pub fn detect() -> Self {
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        Self {
            host: Host::detect(),
            command: choose_command(env, on_path),
        }
    }
}

/// The clipboard program for this environment: the user's own, then the platform's.
pub fn choose_command(
    env: impl Fn(&str) -> Option<String>,
    found: impl Fn(&str) -> bool,
) -> Option<Vec<String>> {
    if let Some(command) = env(COMMAND_VAR) {
        return Some(vec!["sh".into(), "-c".into(), command]);
    }
    let candidates: &[(&[&str], bool)] = &[
        (&["pbcopy"], cfg!(target_os = "macos")),
        (&["wl-copy"], env("WAYLAND_DISPLAY").is_some()),
        (
            &["xclip", "-selection", "clipboard"],
            env("DISPLAY").is_some(),
        ),
        (
            &["xsel", "--clipboard", "--input"],
            env("DISPLAY").is_some(),
        ),
        (&["clip.exe"], env("WSL_DISTRO_NAME").is_some()),
    ];
    candidates
        .iter()
        .find(|(argv, applies)| *applies && found(argv[0]))
        .map(|(argv, _)| argv.iter().map(|a| a.to_string()).collect())
}

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()))
}

/// What became of a copy, for the status line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Whether the text surely reached a clipboard.
    pub confirmed: bool,
    pub text: String,
}

/// Runs the clipboard program (if any) and asks tmux (inside it) what it did with the sequence;
/// `what` names the copied thing ("MS-CV JduJ…"). Blocking: run it off the UI thread.
pub fn deliver(text: &str, what: &str, setup: &Setup) -> Report {
    let program = setup.command.as_ref().map(|argv| (argv, run(argv, text)));
    if let Some((argv, Ok(()))) = &program {
        return Report {
            confirmed: true,
            text: format!(
                "copied {what} to the system clipboard ({}); also sent to the terminal",
                program_name(argv)
            ),
        };
    }
    let failed = match &program {
        Some((argv, Err(e))) => format!("; {} failed: {e}", program_name(argv)),
        _ => String::new(),
    };
    let mut report = match setup.host {
        Host::Tmux => tmux_report(text, what),
        Host::Screen => unconfirmed(format!(
            "sent {what} through screen to the terminal (OSC 52: terminals do not confirm it)"
        )),
        Host::Plain => unconfirmed(format!(
            "sent {what} to the terminal (OSC 52: not confirmed, some terminals ignore it; \
             {COMMAND_VAR} names a clipboard program)"
        )),
    };
    report.text.push_str(&failed);
    report
}

fn unconfirmed(text: String) -> Report {
    Report {
        confirmed: false,
        text,
    }
}

/// `xclip`, or the user's command as typed.
fn program_name(argv: &[String]) -> &str {
    match argv {
        [sh, flag, command] if sh == "sh" && flag == "-c" => command,
        _ => argv.first().map_or("", String::as_str),
    }
}

/// Feeds `text` to the program; `Ok` when it exits 0 within [`COMMAND_LIMIT`].
fn run(argv: &[String], text: &str) -> Result<(), String> {
    let (program, args) = argv.split_first().ok_or("no program")?;
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| e.to_string())?;
    }
    let started = Instant::now();
    loop {
        match child.try_wait().map_err(|e| e.to_string())? {
            Some(status) if status.success() => return Ok(()),
            Some(status) => return Err(format!("exit status {status}")),
            None if started.elapsed() > COMMAND_LIMIT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err("no answer within 3 s".into());
            }
            None => std::thread::sleep(Duration::from_millis(10)),
        }
    }
}

/// One tmux option's value as tmux sees it for this pane.
fn tmux_option(name: &str) -> Option<String> {
    let output = Command::new("tmux")
        .args(["show-options", "-Av", name])
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// With `set-clipboard on` tmux keeps the text in a new buffer: reading it back confirms the copy.
fn tmux_buffer_holds(text: &str) -> bool {
    let started = Instant::now();
    while started.elapsed() < Duration::from_millis(500) {
        let buffer = Command::new("tmux")
            .arg("show-buffer")
            .stdin(Stdio::null())
            .stderr(Stdio::null())
            .output();
        if buffer.is_ok_and(|b| b.stdout == text.as_bytes()) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    false
}

fn tmux_report(text: &str, what: &str) -> Report {
    let clipboard = tmux_option("set-clipboard");
    let passthrough = tmux_option("allow-passthrough");
    match (clipboard.as_deref(), passthrough.as_deref()) {
        (Some("on"), _) if tmux_buffer_holds(text) => Report {
            confirmed: true,
            text: format!(
                "copied {what} into tmux's buffer (prefix ] pastes); tmux passes it on to the terminal"
            ),
        },
        (Some("on"), _) => unconfirmed(format!(
            "sent {what} to tmux (set-clipboard on); tmux has not shown it in a buffer yet"
        )),
        (_, Some("on" | "all")) => unconfirmed(format!(
            "sent {what} through tmux to the terminal (allow-passthrough on; terminals do not confirm OSC 52)"
        )),
        (Some(setting), Some(_)) => unconfirmed(format!(
            "not copied: tmux drops {what} (set-clipboard {setting}, allow-passthrough off); \
             `tmux set -g set-clipboard on` lets it through, or set {COMMAND_VAR}"
        )),
        _ => unconfirmed(format!(
            "sent {what} to tmux; its settings could not be read, so delivery is not confirmed"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(pairs: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_users_command_comes_first_then_the_display_servers_program() {
        let all = |_: &str| true;
        assert_eq!(
            choose_command(
                env(&[(COMMAND_VAR, "my-copy --in"), ("DISPLAY", ":0")]),
                all
            ),
            Some(vec!["sh".into(), "-c".into(), "my-copy --in".into()])
        );
        assert_eq!(
            choose_command(
                env(&[("WAYLAND_DISPLAY", "wayland-0"), ("DISPLAY", ":0")]),
                all
            )
            .map(|a| a[0].clone()),
            Some("wl-copy".into())
        );
        let no_xclip = |p: &str| p != "xclip";
        assert_eq!(
            choose_command(env(&[("DISPLAY", ":0")]), no_xclip).map(|a| a[0].clone()),
            Some("xsel".into())
        );
    }

    #[test]
    fn over_ssh_without_a_display_there_is_no_program() {
        if cfg!(target_os = "macos") {
            return;
        }
        assert_eq!(
            choose_command(env(&[("SSH_TTY", "/dev/pts/1")]), |_| true),
            None
        );
    }

    #[test]
    fn a_program_that_takes_the_text_confirms_the_copy() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("clip");
        let setup = Setup {
            host: Host::Plain,
            command: Some(vec![
                "sh".into(),
                "-c".into(),
                format!("cat > '{}'", file.display()),
            ]),
        };
        let report = deliver("19:a@thread.v2", "id 19:a@thread.v2", &setup);
        assert!(report.confirmed, "{report:?}");
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "19:a@thread.v2");
    }

    #[test]
    fn a_failing_program_and_a_bare_terminal_are_not_called_confirmed() {
        let setup = Setup {
            host: Host::Plain,
            command: Some(vec!["sh".into(), "-c".into(), "exit 3".into()]),
        };
        let report = deliver("x", "id x", &setup);
        assert!(!report.confirmed);
        assert!(report.text.contains("not confirmed"), "{report:?}");
        assert!(report.text.contains("exit 3 failed"), "{report:?}");
    }
}
