//! A scripted ACS Chat server on loopback, real-shaped tokens, and a way to run the binary.
#![allow(dead_code)]

use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::Response;

pub const THREAD: &str = "19:_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1@thread.v2";
pub const THREAD_ENCODED: &str = "19%3A_PQfjjcwP5IQnNCNPwtLNzZlRzfPuXSCvaK5g8RxnMs1%40thread.v2";
pub const IDENTITY: &str =
    "8:acs:dd9753c0-6e62-4f74-ab0f-c94f9723b4eb_0000001c-8f4e-8c40-e3c7-593a0d0046b5";
pub const MS_CV: &str = "JduJle7LhkONxaJnLYlU7Q.0";

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The path as sent (percent-encoding kept).
    pub raw_path: String,
    /// The path percent-decoded: `/chat/threads/19:...@thread.v2/messages`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub authorization: Option<String>,
}

impl Seen {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// An answer to send.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: vec![
                (
                    "Content-Type".into(),
                    "application/json; charset=utf-8".into(),
                ),
                ("MS-CV".into(), MS_CV.into()),
            ],
            body: body.into(),
        }
    }

    pub fn ok(body: impl Into<String>) -> Self {
        Self::json(200, body)
    }
}

type Handler = dyn Fn(&Seen, &str) -> Reply + Send + Sync;

#[derive(Clone)]
struct Shared {
    base: String,
    handler: Arc<Handler>,
    seen: Arc<Mutex<Vec<Seen>>>,
}

/// A loopback server answering every request with `handler(request, base_url)`.
pub struct Server {
    pub base: String,
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Server {
    pub fn start(handler: impl Fn(&Seen, &str) -> Reply + Send + Sync + 'static) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            base: base.clone(),
            handler: Arc::new(handler),
            seen: Arc::default(),
        };
        let seen = shared.seen.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                let app = axum::Router::new().fallback(answer).with_state(shared);
                axum::serve(listener, app).await.unwrap();
            });
        });
        Self { base, seen }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

async fn answer(State(shared): State<Shared>, request: Request) -> Response<Body> {
    let uri = request.uri();
    let seen = Seen {
        raw_path: uri.path().to_string(),
        path: percent_encoding::percent_decode_str(uri.path())
            .decode_utf8_lossy()
            .into_owned(),
        query: url::form_urlencoded::parse(uri.query().unwrap_or("").as_bytes())
            .into_owned()
            .collect(),
        authorization: request
            .headers()
            .get("authorization")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let reply = (shared.handler)(&seen, &shared.base);
    shared.seen.lock().unwrap().push(seen);
    let mut response = Response::builder().status(reply.status);
    for (k, v) in &reply.headers {
        response = response.header(k, v);
    }
    response.body(Body::from(reply.body)).unwrap()
}

/// A port nothing listens on.
pub fn refused_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// A server that accepts connections and never answers.
pub fn stalled_endpoint() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for stream in listener.incoming().flatten() {
            held.push(stream);
        }
    });
    format!("http://{addr}")
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A real-shaped ACS user token for [`IDENTITY`], expiring `expires_in` seconds from now.
pub fn token_expiring_in(expires_in: i64) -> String {
    super::tokens::expiring_in(expires_in)
}

pub fn token() -> String {
    token_expiring_in(24 * 3600)
}

pub use super::tokens::payload_segment;

/// Runs the binary with a clean environment (no AZURE_* from the caller's shell).
pub fn run(args: &[&str]) -> Output {
    run_with_env(args, &[])
}

pub fn run_with_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_acs-chat-inspector"));
    cmd.args(args)
        .env_remove("AZURE_COMMUNICATION_ENDPOINT")
        .env_remove("AZURE_COMMUNICATION_ACCESS_TOKEN")
        .env_remove("ACS_CHAT_INSPECTOR_LOG")
        .env(
            "XDG_CONFIG_HOME",
            std::env::temp_dir().join("acs-chat-inspector-tests-config"),
        )
        .env(
            "XDG_STATE_HOME",
            std::env::temp_dir().join("acs-chat-inspector-tests-state"),
        )
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `[sub, args..., --endpoint base, --token token, --retries 0]`.
pub fn against(server: &str, token: &str, args: &[&str]) -> Output {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--endpoint", server, "--token", token, "--retries", "0"]);
    run(&all)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// The stdout as one compact JSON document (one line, as when stdout is not a terminal).
pub fn json(output: &Output) -> serde_json::Value {
    let text = stdout(output);
    assert_eq!(
        text.trim_end().lines().count(),
        1,
        "stdout is not one compact line: {text}"
    );
    assert!(text.ends_with('\n'));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {text}"))
}

pub fn code(output: &Output) -> i32 {
    output.status.code().expect("exited by a signal")
}

/// The real-shaped thread (JS-PROPS) with an extra field the client does not know.
pub fn thread_body() -> String {
    format!(
        r#"{{"id":"{THREAD}","topic":"test topic","createdOn":"2023-11-21T01:09:34Z","createdByCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"futureField":{{"z":1,"a":[true,null]}}}}"#
    )
}

/// The real-shaped message (JS-MSG).
pub fn message_body() -> String {
    format!(
        r#"{{"id":"1691783412729","type":"text","sequenceId":"4","version":"1691783412729","content":{{"message":"content","attachments":[]}},"senderDisplayName":"","createdOn":"2023-08-11T19:50:12Z","senderCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}},"metadata":{{"tags":"sometag"}}}}"#
    )
}

/// A text message with the given id and sequence id.
pub fn message_item(id: u64, seq: u64) -> String {
    format!(
        r#"{{"id":"{id}","type":"text","sequenceId":"{seq}","version":"{id}","content":{{"message":"message {seq}"}},"senderDisplayName":"Jane","createdOn":"2023-10-19T10:46:27Z","senderCommunicationIdentifier":{{"rawId":"{IDENTITY}","communicationUser":{{"id":"{IDENTITY}"}}}}}}"#
    )
}

pub fn page(items: &[String], next_link: Option<String>) -> String {
    match next_link {
        Some(link) => format!(
            r#"{{"value":[{}],"nextLink":{}}}"#,
            items.join(","),
            serde_json::Value::String(link)
        ),
        None => format!(r#"{{"value":[{}]}}"#, items.join(",")),
    }
}

/// An emulator serving on a runtime of its own while a test runs the binary against it.
pub struct Served {
    pub info: acs_chat_inspector::emulator::EmulatorInfo,
    pub running: acs_chat_inspector::emulator::RunningEmulator,
    /// Serves the emulator; tests may run their own requests on it too.
    pub runtime: tokio::runtime::Runtime,
}

pub fn serve(config: acs_chat_inspector::emulator::EmulatorConfig) -> Served {
    serve_on(1, config)
}

/// [`serve`] on a runtime of `workers` threads.
pub fn serve_on(workers: usize, config: acs_chat_inspector::emulator::EmulatorConfig) -> Served {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap();
    let running = runtime
        .block_on(acs_chat_inspector::emulator::start(config))
        .unwrap();
    Served {
        info: running.info.clone(),
        running,
        runtime,
    }
}
