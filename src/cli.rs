//! Command-line arguments: the outside contract in `docs/cli.md`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::acs::AcsError;
use crate::acs::client::DEFAULT_MAX_PAGES;
use crate::acs::endpoint::DEFAULT_API_VERSION;
pub use crate::emulator::{EmulatorArgs, FaultKind};

/// The default of `--timeout`, in seconds (a profile may replace it).
pub const DEFAULT_TIMEOUT_SECS: f64 = 30.0;

/// A keyboard-driven inspector for Azure Communication Services Chat threads.
#[derive(Debug, Clone, Parser)]
#[command(name = "acs-chat-inspector", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub connection: ConnectionArgs,

    /// Use the built-in emulator (no Azure account needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Thread to open in the TUI (19:...@thread.v2).
    #[arg(long, value_name = "ID")]
    pub thread: Option<String>,

    /// Message to open in the TUI.
    #[arg(long, value_name = "ID")]
    pub message: Option<String>,

    /// Leave the mouse to the terminal (text selection) instead of clicks and the wheel in the TUI.
    #[arg(long, global = true)]
    pub no_mouse: bool,

    /// Replace an existing output file (--har, bundle -o; never a link or anything but a regular file).
    #[arg(long, global = true)]
    pub force: bool,

    #[command(flatten)]
    pub emulator: EmulatorArgs,

    #[command(subcommand)]
    pub command: Option<Command>,
}

const AFTER_HELP: &str = "Without a subcommand the interactive inspector starts. \
Environment: AZURE_COMMUNICATION_ENDPOINT, AZURE_COMMUNICATION_ACCESS_TOKEN. \
Exit codes: 0 success, 2 bad input, 3 service error, 4 no usable answer. \
Config: profiles (--profile NAME, or P in the inspector) live in acs-chat-inspector/config.toml in the \
platform's config directory ($XDG_CONFIG_HOME or ~/.config on Linux, ~/Library/Application Support on macOS, \
%APPDATA% on Windows); the inspector's help (?) shows the exact path. Profiles never hold secrets.";

/// How to reach the service; every mode takes these. `Debug` masks the token.
#[derive(Clone, Args)]
pub struct ConnectionArgs {
    /// ACS endpoint (https://<resource>.communication.azure.com) or a whole connection string.
    // The variable's value stays out of --help: it may be a connection string holding the key.
    #[arg(
        long,
        env = "AZURE_COMMUNICATION_ENDPOINT",
        hide_env_values = true,
        global = true,
        value_name = "URL"
    )]
    pub endpoint: Option<String>,

    /// ACS user access token (never shown, logged or exported).
    #[arg(
        long,
        env = "AZURE_COMMUNICATION_ACCESS_TOKEN",
        hide_env_values = true,
        global = true,
        value_name = "TOKEN"
    )]
    pub token: Option<String>,

    /// Read the token from a file (`-` reads standard input).
    #[arg(long, global = true, value_name = "PATH")]
    pub token_file: Option<PathBuf>,

    /// REST api-version.
    #[arg(long, global = true, default_value = DEFAULT_API_VERSION, value_name = "V")]
    pub api_version: String,

    /// Per-request timeout in seconds.
    #[arg(long, global = true, default_value_t = DEFAULT_TIMEOUT_SECS, value_name = "SECS")]
    pub timeout: f64,

    /// Retries for 429, 503 and connection resets.
    #[arg(long, global = true, default_value_t = 3, value_name = "N")]
    pub retries: u32,

    /// A named profile from the config file.
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,

    /// Mint a token from the connection string in this environment variable (with --user).
    #[arg(long, global = true, value_name = "VAR")]
    pub connection_string_env: Option<String>,

    /// The identity (8:acs:...) to mint a token for.
    #[arg(long, global = true, value_name = "RAWID")]
    pub user: Option<String>,

    /// Write a debug log here (never holds a secret).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,

    /// Write every HTTP exchange of the run to this HAR 1.2 file (tokens and keys redacted).
    #[arg(long, global = true, value_name = "FILE")]
    pub har: Option<PathBuf>,

    /// No listing follows more pages than this (a service whose nextLinks never end).
    #[arg(long, global = true, default_value_t = DEFAULT_MAX_PAGES, value_name = "N", value_parser = at_least_one)]
    pub max_pages: usize,
}

/// Reports a command-line error as every error is reported (one `error:` line, then `hint:` lines,
/// exit 2); `--help` and `--version` print as clap prints them (exit 0).
pub fn report_parse_error(e: &clap::Error) -> std::process::ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = e.print();
        return std::process::ExitCode::SUCCESS;
    }
    eprint!("{}", parse_error_lines(&e.render().to_string()));
    std::process::ExitCode::from(2)
}

/// clap's message as `error:` and `hint:` lines: its tips and usage become hints, its closing
/// "For more information" line the last hint.
fn parse_error_lines(rendered: &str) -> String {
    let mut error: Option<String> = None;
    let mut error_open = false;
    let mut hints = Vec::new();
    for line in rendered.lines().map(str::trim) {
        if line.is_empty() {
            error_open = false;
        } else if let Some(message) = line.strip_prefix("error:") {
            error.get_or_insert_with(|| message.trim().to_string());
            error_open = true;
        } else if let (true, Some(error)) = (error_open, error.as_mut()) {
            // What the error line goes on to name (the missing arguments).
            error.push(' ');
            error.push_str(line);
        } else if let Some(tip) = line.strip_prefix("tip:") {
            hints.push(tip.trim().to_string());
        } else if let Some(usage) = line.strip_prefix("Usage:") {
            hints.push(format!("usage: {}", usage.trim()));
        } else if line.starts_with("For more information") {
            hints.push("--help lists every flag and subcommand".to_string());
        } else {
            hints.push(line.to_string());
        }
    }
    let error = error.unwrap_or_else(|| "bad command line".into());
    let mut out = format!("error: {}\n", crate::sanitize::error_line(&error));
    for hint in hints {
        out.push_str(&format!("hint: {}\n", crate::sanitize::error_line(&hint)));
    }
    out
}

/// A count that must be 1 or more.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// Paging flags of the list subcommands.
#[derive(Debug, Clone, Default, Args)]
pub struct ListArgs {
    /// Stop after N items.
    #[arg(long, value_name = "N")]
    pub max: Option<usize>,

    /// Items per page (maxPageSize).
    #[arg(long, value_name = "N")]
    pub page_size: Option<u32>,
}

/// How work across many threads is scheduled (`threads --audit`, `search`).
#[derive(Debug, Clone, Args)]
pub struct AcrossArgs {
    /// Requests in flight at once.
    #[arg(long, default_value_t = crate::acs::scheduler::DEFAULT_CONCURRENCY, value_name = "N")]
    pub concurrency: usize,

    /// Keep within the documented rate limits from the first request (by default, from the
    /// service's first 429).
    #[arg(long)]
    pub paced: bool,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Thread properties as JSON.
    Thread { thread_id: String },
    /// One message as JSON.
    Message {
        thread_id: String,
        message_id: String,
    },
    /// Every message of a thread (newest first) as a JSON array.
    Messages {
        thread_id: String,
        #[command(flatten)]
        list: ListArgs,
        /// Only messages after this time (RFC 3339).
        #[arg(long, value_name = "RFC3339")]
        since: Option<String>,
    },
    /// Every participant of a thread as a JSON array.
    Participants {
        thread_id: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Every read receipt of a thread as a JSON array.
    Receipts {
        thread_id: String,
        #[command(flatten)]
        list: ListArgs,
    },
    /// The threads the token's user belongs to, as a JSON array.
    Threads {
        #[command(flatten)]
        list: ListArgs,
        /// Add each thread's membership, deletion, retention deletion date and last message time.
        #[arg(long)]
        audit: bool,
        #[command(flatten)]
        across: AcrossArgs,
    },
    /// Messages matching across every thread the token's user is in, as a JSON array.
    Search {
        /// Text to find: without case, HTML as the text it shows, topic changes too.
        text: Option<String>,
        /// Only messages from this sender (raw id 8:acs:..., or display name).
        #[arg(long, value_name = "RAWID")]
        from: Option<String>,
        /// Only the message with this id.
        #[arg(long = "id", value_name = "MESSAGE_ID")]
        message_id: Option<String>,
        /// Stop after N matches.
        #[arg(long, value_name = "N")]
        max: Option<usize>,
        /// Threads per page of the thread list (maxPageSize).
        #[arg(long, value_name = "N")]
        page_size: Option<u32>,
        #[command(flatten)]
        across: AcrossArgs,
    },
    /// Everything about one thread in one JSON document (never the token).
    Bundle {
        thread_id: String,
        /// Write to this file instead of stdout (a new file; see --force).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Blank message text, display names and metadata values.
        #[arg(long)]
        redact: bool,
    },
    /// Findings about one thread: who sees what, and why (JSON).
    Diagnose {
        thread_id: String,
        /// Whose view to diagnose (default: the token's identity).
        #[arg(long = "as", value_name = "RAWID")]
        as_identity: Option<String>,
    },
    /// Changes to a thread as they happen, one JSON object per line, until interrupted.
    Watch {
        thread_id: String,
        /// Seconds between polls while the thread changes (longer while it does not).
        #[arg(long, default_value_t = 2.0, value_name = "SECS")]
        interval: f64,
    },
    /// A saved bundle, offline: no endpoint, token or network.
    Open {
        #[arg(value_name = "BUNDLE_FILE")]
        file: PathBuf,
        /// Mark what changed since this older bundle of the same thread.
        #[arg(long, value_name = "BUNDLE_FILE")]
        diff: Option<PathBuf>,
        /// Check the bundle and print what it holds (JSON) instead of showing it.
        #[arg(long)]
        check: bool,
    },
    /// What changed between two bundles of one thread, as JSON (exit 1 when they differ).
    Diff {
        #[arg(value_name = "BUNDLE_A")]
        a: PathBuf,
        #[arg(value_name = "BUNDLE_B")]
        b: PathBuf,
    },
    /// Decode an access token offline, or mint one.
    #[command(args_conflicts_with_subcommands = true)]
    Token {
        #[command(subcommand)]
        action: Option<TokenAction>,
        /// The token (default: --token, --token-file or AZURE_COMMUNICATION_ACCESS_TOKEN).
        // Its own id: sharing the global `--token`'s id would make `token --token X` an error.
        #[arg(id = "token_argument", value_name = "TOKEN")]
        token: Option<String>,
    },
    /// Serve the built-in ACS Chat emulator on loopback.
    Emulator {
        /// Address to listen on (loopback unless --allow-remote).
        #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDR")]
        addr: String,
        /// Let --addr be an address other machines reach (0.0.0.0:0, a LAN address): they can then
        /// read the demo data with the printed tokens.
        #[arg(long)]
        allow_remote: bool,
    },
    /// Print a shell completion script; thread ids opened recently are offered for thread arguments.
    Completions {
        /// bash, zsh, fish, powershell or elvish.
        #[arg(value_name = "SHELL")]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `acs-chat-inspector man | man -l -`.
    Man,
}

#[derive(Debug, Clone, Subcommand)]
pub enum TokenAction {
    /// Issue a chat token through the Identity API; prints {"token","expiresOn","user"}.
    Mint,
}

impl std::fmt::Debug for ConnectionArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectionArgs")
            .field("endpoint", &self.endpoint)
            .field(
                "token",
                &self.token.as_deref().map(crate::acs::secret::mask),
            )
            .field("token_file", &self.token_file)
            .field("api_version", &self.api_version)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("profile", &self.profile)
            .field("connection_string_env", &self.connection_string_env)
            .field("user", &self.user)
            .field("log_file", &self.log_file)
            .field("har", &self.har)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl ConnectionArgs {
    pub fn timeout(&self) -> Result<Duration, AcsError> {
        if self.timeout.is_finite() && self.timeout > 0.0 && self.timeout <= 3600.0 {
            Ok(Duration::from_secs_f64(self.timeout))
        } else {
            Err(AcsError::BadInput(format!(
                "--timeout {} must be between 0 and 3600 seconds",
                self.timeout
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contract_flags_parse() {
        let cli = Cli::try_parse_from([
            "acs-chat-inspector",
            "messages",
            "19:a@thread.v2",
            "--max",
            "5",
            "--page-size",
            "2",
            "--endpoint",
            "https://x.communication.azure.com",
            "--retries",
            "1",
        ])
        .unwrap();
        assert_eq!(cli.connection.retries, 1);
        match cli.command {
            Some(Command::Messages { list, .. }) => {
                assert_eq!(list.max, Some(5));
                assert_eq!(list.page_size, Some(2));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn no_mouse_applies_to_the_offline_inspector_too() {
        let cli =
            Cli::try_parse_from(["acs-chat-inspector", "open", "case.json", "--no-mouse"]).unwrap();
        assert!(cli.no_mouse);
        assert!(matches!(cli.command, Some(Command::Open { .. })));
    }

    #[test]
    fn token_subcommand_takes_a_token_or_mint() {
        let cli = Cli::try_parse_from(["acs-chat-inspector", "token", "eyJ.x.y"]).unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Token {
                action: None,
                token: Some(_)
            })
        ));
        let cli = Cli::try_parse_from(["acs-chat-inspector", "token", "mint", "--user", "8:acs:x"])
            .unwrap();
        assert!(matches!(
            cli.command,
            Some(Command::Token {
                action: Some(TokenAction::Mint),
                ..
            })
        ));
    }

    #[test]
    fn debug_output_masks_the_token() {
        let cli = Cli::try_parse_from(["acs-chat-inspector", "--token", "eyJsecret.payload.sig"])
            .unwrap();
        let shown = format!("{cli:?}");
        assert!(!shown.contains("payload"), "{shown}");
        assert!(shown.contains("eyJs…(21 chars)"), "{shown}");
    }

    #[test]
    fn command_line_errors_are_one_error_line_then_hints() {
        let err = Cli::try_parse_from(["acs-chat-inspector", "thread", "--bogus"]).unwrap_err();
        let text = parse_error_lines(&err.render().to_string());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "error: unexpected argument '--bogus' found");
        assert!(lines[1..].iter().all(|l| l.starts_with("hint: ")), "{text}");
        assert!(
            text.contains("hint: usage: acs-chat-inspector thread"),
            "{text}"
        );
        let err = Cli::try_parse_from(["acs-chat-inspector", "emulator", "--fail-rate", "2"])
            .unwrap_err();
        let text = parse_error_lines(&err.render().to_string());
        assert!(
            text.starts_with("error: invalid value '2' for '--fail-rate <P>'"),
            "{text}"
        );
        assert!(!text.contains("\n\n"), "no blank lines: {text}");
        let err = Cli::try_parse_from(["acs-chat-inspector", "thread"]).unwrap_err();
        let text = parse_error_lines(&err.render().to_string());
        let expected = "error: the following required arguments were not provided: <THREAD_ID>\n";
        assert!(text.starts_with(expected), "{text}");
    }

    #[test]
    fn emulator_flags_out_of_range_are_refused() {
        for args in [
            ["emulator", "--fail-rate", "2"],
            ["emulator", "--fail-rate", "nan"],
            ["emulator", "--fail-rate", "-0.1"],
            ["emulator", "--messages", "10000001"],
            ["--demo", "--messages", "99999999999"],
            ["--demo", "--activity", "0"],
            ["emulator", "--activity", "nan"],
        ] {
            let err =
                Cli::try_parse_from(std::iter::once("acs-chat-inspector").chain(args)).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
        let ok = Cli::try_parse_from([
            "acs-chat-inspector",
            "emulator",
            "--fail-rate",
            "1",
            "--messages",
            "10000000",
        ])
        .unwrap();
        assert_eq!(ok.emulator.fail_rate, 1.0);
    }

    #[test]
    fn emulator_flags_work_with_demo() {
        let cli = Cli::try_parse_from([
            "acs-chat-inspector",
            "--demo",
            "--fault",
            "stall",
            "--fault",
            "escape",
            "--fail-rate",
            "0.3",
        ])
        .unwrap();
        assert!(cli.demo);
        assert_eq!(
            cli.emulator.faults,
            vec![FaultKind::Stall, FaultKind::Escape]
        );
    }
}
