//! A hostile ACS service on loopback (one mode per misbehaviour), a stand-in proxy that records
//! what reaches it, and a runner that watches the binary's memory while it runs.
//!
//! The runner stops a child that grows past [`RSS_LIMIT`] or runs past [`RUN_LIMIT`]: both are
//! failure limits (the old code paged forever), never speed checks. Set `ACS_CHAT_INSPECTOR_BIN`
//! to run these tests against another build of the binary (an older one, to see them fail).
#![allow(dead_code)]

use std::io::Read;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::headless::{Reply, Seen, THREAD, message_item, page, thread_body};

/// A child whose resident memory passes this is stopped: far above what any listing needs.
pub const RSS_LIMIT_KIB: u64 = 2 * 1024 * 1024;
/// A child still running after this is stopped (it would page forever).
pub const RUN_LIMIT: Duration = Duration::from_secs(180);

/// The binary under test.
pub fn binary() -> PathBuf {
    std::env::var_os("ACS_CHAT_INSPECTOR_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_acs-chat-inspector")))
}

/// One run of the binary: a clean environment, a private folder, and a log file in it.
pub struct Run {
    command: Command,
    pub dir: tempfile::TempDir,
    file_size_limit: Option<u64>,
    log: bool,
}

/// What one run left behind.
pub struct Ran {
    pub output: Output,
    /// The largest resident set seen (`VmHWM` in `/proc/<pid>/status`, sampled every few
    /// milliseconds while the child runs), in KiB. The kernel's `ru_maxrss` is no use here: it
    /// counts the test process the child was forked from.
    pub peak_kib: u64,
    /// Why the runner stopped the child, if it did.
    pub stopped: Option<String>,
    /// The log file's text (`--log-file`), empty without one.
    pub log: String,
    /// The run's private folder, kept until this is dropped.
    pub dir: tempfile::TempDir,
}

impl Run {
    /// The binary with `args` and `--log-file <dir>/log`.
    pub fn new(args: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(binary());
        command
            .args(args)
            .env_remove("AZURE_COMMUNICATION_ENDPOINT")
            .env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN")
            .env_remove("ACS_CHAT_INSPECTOR_LOG")
            .env("XDG_CONFIG_HOME", dir.path().join("config"))
            .env("XDG_STATE_HOME", dir.path().join("state"))
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for proxy in PROXY_VARIABLES {
            command.env_remove(proxy);
        }
        Self {
            command,
            dir,
            file_size_limit: None,
            log: true,
        }
    }

    /// Without `--log-file` (a run whose files cannot grow could not write it either).
    pub fn without_log(mut self) -> Self {
        self.log = false;
        self
    }

    /// The binary against `server` with `token` and no retries.
    pub fn against(server: &str, token: &str, args: &[&str]) -> Self {
        let mut all = args.to_vec();
        all.extend(["--endpoint", server, "--token", token, "--retries", "0"]);
        Self::new(&all)
    }

    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.env(key, value);
        self
    }

    pub fn env_remove(mut self, key: &str) -> Self {
        self.command.env_remove(key);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    /// A disk that fills up: files the child writes can grow to `bytes` only (`RLIMIT_FSIZE`;
    /// `SIGXFSZ` ignored so a write past it fails with `EFBIG` as a full disk fails with `ENOSPC`).
    pub fn file_size_limit(mut self, bytes: u64) -> Self {
        self.file_size_limit = Some(bytes);
        self
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// Runs to the end (or to a limit) and collects everything.
    pub fn finish(mut self) -> Ran {
        if self.log {
            self.command
                .arg("--log-file")
                .arg(self.dir.path().join("log"));
        }
        if let Some(bytes) = self.file_size_limit {
            limit_file_size(&mut self.command, bytes);
        }
        let mut child = self.command.spawn().expect("start the binary");
        let stdout = drain(child.stdout.take().unwrap());
        let stderr = drain(child.stderr.take().unwrap());
        let pid = child.id() as libc::pid_t;
        let started = Instant::now();
        let mut peak_kib = 0;
        let mut stopped = None;
        let status = loop {
            if let Some(status) = child.try_wait().expect("poll the binary") {
                break status;
            }
            let (hwm, rss) = memory_kib(pid);
            peak_kib = peak_kib.max(hwm);
            if stopped.is_none() && rss > RSS_LIMIT_KIB {
                stopped = Some(format!("resident memory passed {rss} KiB"));
            } else if stopped.is_none() && started.elapsed() > RUN_LIMIT {
                stopped = Some(format!("still running after {RUN_LIMIT:?}"));
            }
            if stopped.is_some() {
                let _ = child.kill();
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let log = std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default();
        Ran {
            output: Output {
                status,
                stdout: stdout.join().unwrap(),
                stderr: stderr.join().unwrap(),
            },
            peak_kib,
            stopped,
            log,
            dir: self.dir,
        }
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        bytes
    })
}

/// `VmHWM` and `VmRSS` of a running process, in KiB (0 when it is gone).
pub fn memory_kib(pid: libc::pid_t) -> (u64, u64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|line| line.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn limit_file_size(command: &mut Command, bytes: u64) {
    use std::os::unix::process::CommandExt;
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

impl Ran {
    pub fn code(&self) -> i32 {
        assert!(
            self.stopped.is_none(),
            "the runner stopped the binary: {}; stderr: {}",
            self.stopped.as_deref().unwrap_or(""),
            self.stderr_head()
        );
        self.output.status.code().expect("exited by a signal")
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    fn stderr_head(&self) -> String {
        self.stderr().chars().take(2000).collect()
    }

    /// Exits with `code`, without a panic, with one `error:` line (containing `needle`) and only
    /// `hint:` lines after it; returns the error line.
    pub fn fails_with(&self, code: i32, needle: &str) -> String {
        let stderr = self.stderr();
        assert!(
            !stderr.contains("panicked"),
            "a panic: {}",
            self.stderr_head()
        );
        assert_eq!(self.code(), code, "stderr: {}", self.stderr_head());
        let lines: Vec<&str> = stderr.lines().collect();
        let errors = lines.iter().filter(|l| l.starts_with("error: ")).count();
        assert_eq!(errors, 1, "one error line: {}", self.stderr_head());
        assert!(
            lines
                .iter()
                .all(|l| l.starts_with("error: ") || l.starts_with("hint: ")),
            "only error and hint lines: {}",
            self.stderr_head()
        );
        let error = lines.iter().find(|l| l.starts_with("error: ")).unwrap();
        assert!(error.contains(needle), "{needle:?} not in {error}");
        error.to_string()
    }

    /// `secret` (and its payload segment, for a JWT) appears in no output and no log.
    pub fn leaks_nothing_of(&self, secret: &str) {
        let parts = secret_parts(secret);
        for (what, text) in [
            ("stdout", self.stdout()),
            ("stderr", self.stderr()),
            ("log", self.log.clone()),
        ] {
            for part in &parts {
                assert!(!text.contains(part.as_str()), "{what} holds the secret");
            }
        }
    }
}

/// What a leak scan looks for: the secret itself and, for a JWT, its payload segment.
pub fn secret_parts(secret: &str) -> Vec<String> {
    let mut parts = vec![secret.to_string()];
    if let Some(payload) = secret.split('.').nth(1).filter(|p| p.len() > 16) {
        parts.push(payload.to_string());
    }
    parts
}

/// Every file under `dir` holds nothing of `secret`.
pub fn files_hold_nothing_of(dir: &Path, secret: &str) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files_hold_nothing_of(&path, secret);
            continue;
        }
        let text = String::from_utf8_lossy(&std::fs::read(&path).unwrap_or_default()).into_owned();
        for part in secret_parts(secret) {
            assert!(!text.contains(&part), "{} holds the secret", path.display());
        }
    }
}

/// The proxy variables reqwest (and curl) read.
pub const PROXY_VARIABLES: [&str; 8] = [
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
];

/// A loopback stand-in proxy: it accepts connections, keeps what they send, and answers nothing.
pub struct Proxy {
    pub url: String,
    connections: Arc<AtomicUsize>,
    received: Arc<Mutex<Vec<u8>>>,
}

impl Proxy {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let connections = Arc::new(AtomicUsize::new(0));
        let received = Arc::new(Mutex::new(Vec::new()));
        let (count, sink) = (connections.clone(), received.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                count.fetch_add(1, Ordering::SeqCst);
                let sink = sink.clone();
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                    let mut buf = [0u8; 4096];
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        sink.lock().unwrap().extend_from_slice(&buf[..n]);
                    }
                });
            }
        });
        Self {
            url,
            connections,
            received,
        }
    }

    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn received(&self) -> String {
        String::from_utf8_lossy(&self.received.lock().unwrap()).into_owned()
    }

    /// Points every proxy variable of `run` at this proxy.
    pub fn route(&self, mut run: Run) -> Run {
        for var in &PROXY_VARIABLES[..6] {
            run = run.env(var, &self.url);
        }
        run
    }
}

/// The service's misbehaviours, one per mode; [`HostileMode::reply`] answers like the service would
/// except for that one thing.
#[derive(Debug, Clone)]
pub enum HostileMode {
    /// Every request: `status` with one header (`Retry-After: 1e30`, ...).
    RetryHeader {
        status: u16,
        name: &'static str,
        value: &'static str,
    },
    /// Message pages `0 -> 1 -> ... -> len -> 1` (a loop of `len` nextLinks), one item each.
    Cycle { len: usize },
    /// Message pages without end, each with a new `nextLink` and `items` items of `text_bytes` text.
    Endless { items: usize, text_bytes: usize },
    /// `302 Found` to `location`.
    Redirect { location: String },
    /// `500` whose error message is `bytes` long.
    HugeError { bytes: usize },
    /// A message whose text holds every bidi control.
    Bidi,
    /// `200` with HTML (a captive portal).
    Garbage,
    /// The thread, and a token from the Identity API's `issueAccessToken`.
    Plain { token: String },
}

/// Every bidi control the JSON output escapes.
pub const BIDI: [char; 12] = [
    '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}', '\u{2068}',
    '\u{2069}', '\u{200e}', '\u{200f}', '\u{061c}',
];

impl HostileMode {
    pub fn reply(&self, seen: &Seen, base: &str) -> Reply {
        match self {
            Self::RetryHeader {
                status,
                name,
                value,
            } => {
                let mut reply = Reply::json(*status, "");
                reply.headers.push((name.to_string(), value.to_string()));
                reply
            }
            Self::Cycle { len } => list_or_thread(seen, |n| {
                let next = n % len + 1;
                page(
                    &[message_item(1000 + n as u64, n as u64 + 1)],
                    Some(messages_link(base, next)),
                )
            }),
            Self::Endless { items, text_bytes } => list_or_thread(seen, |n| {
                let text = "x".repeat(*text_bytes);
                let items: Vec<String> = (0..*items)
                    .map(|i| long_message(n * items + i, &text))
                    .collect();
                page(&items, Some(messages_link(base, n + 1)))
            }),
            Self::Redirect { location } => {
                let mut reply = Reply::json(302, "");
                reply.headers.push(("Location".into(), location.clone()));
                reply
            }
            Self::HugeError { bytes } => {
                let message = "m".repeat(*bytes);
                Reply::json(
                    500,
                    format!(r#"{{"error":{{"code":"InternalError","message":"{message}"}}}}"#),
                )
            }
            Self::Bidi => {
                let text: String = BIDI.iter().flat_map(|c| [*c, 'x']).collect();
                Reply::ok(format!(
                    r#"{{"id":"{THREAD}","topic":"{text}","createdOn":"2023-11-21T01:09:34Z"}}"#
                ))
            }
            Self::Garbage => Reply::ok("<html>captive portal</html>"),
            Self::Plain { token } if seen.path.ends_with(":issueAccessToken") => Reply::json(
                200,
                format!(r#"{{"token":"{token}","expiresOn":"2099-01-01T00:00:00Z"}}"#),
            ),
            Self::Plain { .. } => Reply::ok(thread_body()),
        }
    }
}

/// The thread for its own path, `page(n)` for a message page (`?page=n`), and empty lists for
/// participants and read receipts.
fn list_or_thread(seen: &Seen, page_n: impl Fn(usize) -> String) -> Reply {
    if seen.path.ends_with("/messages") {
        let n = seen.param("page").and_then(|p| p.parse().ok()).unwrap_or(0);
        return Reply::ok(page_n(n));
    }
    if seen.path.ends_with("/participants") || seen.path.ends_with("/readReceipts") {
        return Reply::ok(page(&[], None));
    }
    Reply::ok(thread_body())
}

fn messages_link(base: &str, n: usize) -> String {
    format!("{base}/chat/threads/{THREAD}/messages?page={n}&maxPageSize=1&api-version=2025-03-15")
}

fn long_message(n: usize, text: &str) -> String {
    format!(
        r#"{{"id":"{n}","type":"text","sequenceId":"{n}","version":"{n}","content":{{"message":"{text}"}},"createdOn":"2023-10-19T10:46:27Z"}}"#
    )
}

/// A hostile service in `mode`; its `seen()` lists the requests it answered.
pub fn service(mode: HostileMode) -> super::headless::Server {
    super::headless::Server::start(move |seen, base| mode.reply(seen, base))
}
