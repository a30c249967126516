//! For the case-over-time tests: an in-process emulator whose demo thread changes when the test says,
//! the binary run against it, HAR files checked against the published HAR 1.2 schema, and a leak scan.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use acs_chat_inspector::emulator::activity::Change;
use acs_chat_inspector::emulator::{EmulatorConfig, EmulatorInfo, RunningEmulator, start};
use serde_json::Value;

use super::headless::{payload_segment, run};

/// An emulator on its own runtime; its activity moves only when [`Emulator::step`] is called.
pub struct Emulator {
    pub info: EmulatorInfo,
    pub running: RunningEmulator,
    _runtime: tokio::runtime::Runtime,
}

impl Emulator {
    pub fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let running = runtime.block_on(start(EmulatorConfig::default())).unwrap();
        Self {
            info: running.info.clone(),
            running,
            _runtime: runtime,
        }
    }

    /// The demo thread's next change.
    pub fn step(&self) -> Change {
        let state = self.running.state();
        state.activity().step(state.store()).unwrap()
    }

    /// The binary with `args`, then this emulator's endpoint and token.
    pub fn run(&self, args: &[&str]) -> Output {
        run(&self.args(args))
    }

    pub fn args<'a>(&'a self, args: &[&'a str]) -> Vec<&'a str> {
        let mut all = args.to_vec();
        all.extend([
            "--endpoint",
            self.info.endpoint.as_str(),
            "--token",
            self.info.token.as_str(),
        ]);
        all
    }

    /// Message listings served so far (each `watch` poll is one while nothing overflows).
    pub fn message_listings(&self) -> u64 {
        let stats = serde_json::to_value(self.running.stats()).unwrap();
        stats["routes"]["messages"]["requests"]
            .as_u64()
            .unwrap_or(0)
    }
}

/// A file in a fresh temporary directory (kept alive by the returned guard).
pub fn temp_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    (dir, path)
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// Checks a HAR document against the HAR 1.2 JSON Schema of `tests/fixtures/har-schema`.
pub fn assert_valid_har(har: &Value) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/har-schema");
    let base = "https://har-schema.test/";
    let mut registry = jsonschema::Registry::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let schema: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
            let name = path.file_name().unwrap().to_str().unwrap();
            registry = registry.add(format!("{base}{name}"), schema).unwrap();
        }
    }
    let registry = registry.prepare().unwrap();
    let root: Value =
        serde_json::from_slice(&std::fs::read(dir.join("har.json")).unwrap()).unwrap();
    let validator = jsonschema::options()
        .with_draft(jsonschema::Draft::Draft6)
        .with_registry(&registry)
        .with_base_uri(format!("{base}har.json"))
        .should_validate_formats(true)
        .build(&root)
        .unwrap();
    let errors: Vec<String> = validator
        .iter_errors(har)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "not valid HAR 1.2: {errors:#?}");
}

/// Fails when `text` holds a secret of the run: the token, its payload segment, an access key, or
/// any `Bearer ` credential.
pub fn assert_no_secrets(what: &str, text: &str, tokens: &[&str], access_key: Option<&str>) {
    for token in tokens {
        assert!(!text.contains(token), "{what}: the token leaked");
        assert!(
            !text.contains(payload_segment(token)),
            "{what}: the token's payload leaked"
        );
    }
    if let Some(key) = access_key {
        assert!(!text.contains(key), "{what}: the access key leaked");
    }
    assert!(
        !text.contains("Bearer "),
        "{what}: a Bearer credential leaked"
    );
}

/// The `accesskey=` value of a connection string.
pub fn access_key(connection_string: &str) -> &str {
    connection_string
        .split(';')
        .find_map(|p| p.strip_prefix("accesskey="))
        .unwrap()
}

/// Long enough for a loaded machine; reaching it is a failure, not a measurement.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub struct Watch {
    child: Child,
    lines: Receiver<String>,
}

impl Watch {
    pub fn start(args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"))
            .args(args)
            .env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN")
            .env_remove("AZURE_COMMUNICATION_ENDPOINT")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Self { child, lines }
    }

    pub fn next_event(&self) -> Value {
        let line = self
            .lines
            .recv_timeout(PATIENCE)
            .expect("watch printed no line for the change");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"))
    }

    /// Sends `signal`; returns the exit code and whatever else was printed.
    pub fn stop(mut self, signal: i32) -> (i32, Vec<String>) {
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let status = self.child.wait().unwrap();
        let rest: Vec<String> = self.lines.iter().collect();
        let mut err = String::new();
        use std::io::Read;
        self.child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert!(
            status.code().is_some(),
            "ended by the signal, not by itself: {err}"
        );
        (status.code().unwrap(), rest)
    }
}

pub fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = std::time::Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "gave up waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
