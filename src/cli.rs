//! Command-line arguments: the outside contract in `docs/cli.md`.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::acs::client::DEFAULT_MAX_PAGES;
use crate::acs::endpoint::{DEFAULT_API_VERSION, validate_api_version};
use crate::acs::{AccessToken, AcsError, ClientConfig, Endpoint, RetryPolicy};

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
    #[arg(long, global = true, default_value_t = 30.0, value_name = "SECS")]
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

    /// No listing follows more pages than this (a service whose nextLinks never end).
    #[arg(long, global = true, default_value_t = DEFAULT_MAX_PAGES, value_name = "N", value_parser = at_least_one)]
    pub max_pages: usize,
}

/// The most a token file may hold: ACS tokens are a few KiB.
pub const MAX_TOKEN_FILE: u64 = 64 * 1024;

/// Reads at most [`MAX_TOKEN_FILE`] bytes of UTF-8 text; more is an error, not a longer read.
fn read_token_text(source: impl std::io::Read, what: &str) -> Result<String, AcsError> {
    use std::io::Read;
    let mut bytes = Vec::new();
    source
        .take(MAX_TOKEN_FILE + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AcsError::BadInput(format!("cannot read the token from {what}: {e}")))?;
    if bytes.len() as u64 > MAX_TOKEN_FILE {
        return Err(AcsError::BadInput(format!(
            "{what} holds more than {} KiB: it should hold one access token",
            MAX_TOKEN_FILE / 1024
        )));
    }
    String::from_utf8(bytes).map_err(|_| {
        AcsError::BadInput(format!(
            "{what} is not text: it should hold one access token"
        ))
    })
}

/// A probability: a number from 0 to 1 (`nan` is none).
fn fraction(s: &str) -> Result<f64, String> {
    let p: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err("must be a fraction from 0 to 1, e.g. 0.3".into())
    }
}

/// A generated thread's size, at most [`crate::emulator::generated::MAX_GENERATED`].
fn message_count(s: &str) -> Result<usize, String> {
    let max = crate::emulator::generated::MAX_GENERATED;
    let n: usize = s.trim().parse().map_err(|e| format!("{e}"))?;
    if n <= max {
        Ok(n)
    } else {
        Err(format!("at most {max} messages"))
    }
}

/// A count that must be 1 or more.
fn at_least_one(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(e.to_string()),
    }
}

/// How the built-in emulator misbehaves (for `emulator` and `--demo`).
#[derive(Debug, Clone, Default, Args)]
pub struct EmulatorArgs {
    /// Add a thread of N generated messages (at most 10,000,000).
    #[arg(long, global = true, value_name = "N", value_parser = message_count)]
    pub messages: Option<usize>,

    /// Delay every emulator answer by this many milliseconds.
    #[arg(long, global = true, default_value_t = 0, value_name = "MS")]
    pub latency_ms: u64,

    /// Add a random extra delay of 0..=MS milliseconds to every emulator answer.
    #[arg(long, global = true, default_value_t = 0, value_name = "MS")]
    pub latency_jitter_ms: u64,

    /// Fraction (0..1) of emulator answers that fail with 429 or 503.
    #[arg(long, global = true, default_value_t = 0.0, value_name = "P", value_parser = fraction)]
    pub fail_rate: f64,

    /// Make the emulator misbehave on purpose (repeatable).
    #[arg(long = "fault", global = true, value_name = "KIND")]
    pub faults: Vec<FaultKind>,
}

/// Faults the emulator can inject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, ValueEnum)]
pub enum FaultKind {
    /// Accept the request, never answer.
    Stall,
    /// Close the connection mid-body.
    Reset,
    /// Cut the JSON body short.
    Truncate,
    /// 200 with a non-JSON body.
    Garbage,
    /// A 10 MB message.
    Huge,
    /// Text, names and topics full of terminal escape sequences and control characters.
    Escape,
    /// Right-to-left text, emoji, combining marks, zero-width characters.
    Unicode,
    /// Tokens stop working after a few seconds (401).
    Expire,
    /// Unknown message types, identifier kinds and extra fields.
    Unknown,
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
    },
    /// Everything about one thread in one JSON document (never the token).
    Bundle {
        thread_id: String,
        /// Write to this file instead of stdout (a new file; see --force).
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Replace the -o file if it exists (never a link or anything but a regular file).
        #[arg(long, requires = "output")]
        force: bool,
        /// Blank message text, display names and metadata values.
        #[arg(long)]
        redact: bool,
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
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl ConnectionArgs {
    /// The token from --token, --token-file or the environment; `None` when none was given.
    /// A token file is read up to [`MAX_TOKEN_FILE`] (`--token-file /dev/zero` ends at once).
    pub fn read_token(&self) -> Result<Option<AccessToken>, AcsError> {
        if let Some(path) = &self.token_file {
            let text = if path.as_os_str() == "-" {
                read_token_text(std::io::stdin(), "standard input")?
            } else {
                let what = format!("--token-file {}", path.display());
                let file = std::fs::File::open(path)
                    .map_err(|e| AcsError::BadInput(format!("cannot read {what}: {e}")))?;
                read_token_text(file, &what)?
            };
            return Ok(Some(AccessToken::new(text)).filter(|t| !t.is_empty()));
        }
        Ok(self
            .token
            .as_deref()
            .map(AccessToken::new)
            .filter(|t| !t.is_empty()))
    }

    /// Validated endpoint, or a clear message.
    pub fn endpoint(&self) -> Result<Endpoint, AcsError> {
        Endpoint::parse(self.endpoint.as_deref().unwrap_or(""))
    }

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

    /// A full client configuration with `token`, everything validated before any request.
    pub fn client_config(
        &self,
        endpoint: Endpoint,
        token: AccessToken,
    ) -> Result<ClientConfig, AcsError> {
        let mut config = ClientConfig::new(endpoint, token);
        config.api_version = validate_api_version(&self.api_version)?.to_string();
        config.timeout = self.timeout()?;
        config.retry = RetryPolicy {
            max_retries: self.retries.min(20),
            ..RetryPolicy::default()
        };
        config.max_pages = self.max_pages;
        Ok(config)
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
    fn token_files_are_read_up_to_64_kib() {
        let read = |bytes: &[u8]| read_token_text(bytes, "--token-file t");
        assert_eq!(read(b"eyJ.a.b\n").unwrap(), "eyJ.a.b\n");
        let err = read(&vec![0u8; 10 * 1024 * 1024]).unwrap_err().to_string();
        assert_eq!(
            err,
            "--token-file t holds more than 64 KiB: it should hold one access token"
        );
        let err = read(&[0xff, 0xfe]).unwrap_err().to_string();
        assert!(err.contains("is not text"), "{err}");
        #[cfg(unix)]
        {
            let cli =
                Cli::try_parse_from(["acs-chat-inspector", "--token-file", "/dev/zero"]).unwrap();
            let err = cli.connection.read_token().unwrap_err().to_string();
            assert!(err.contains("more than 64 KiB"), "{err}");
        }
    }

    #[test]
    fn emulator_flags_out_of_range_are_refused() {
        for args in [
            ["emulator", "--fail-rate", "2"],
            ["emulator", "--fail-rate", "nan"],
            ["emulator", "--fail-rate", "-0.1"],
            ["emulator", "--messages", "10000001"],
            ["--demo", "--messages", "99999999999"],
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
