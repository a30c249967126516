//! HAR 1.2 files (<http://www.softwareishard.com/blog/har-12-spec/>): the HTTP exchanges of a run, for
//! browsers' network panels, Fiddler and support portals.
//!
//! Each exchange becomes one entry: the request (method, URL, query, the headers the client sends with
//! `Authorization` shown as `[redacted]`), the response (status, headers in the order received with
//! `MS-CV` among them, the body as text) and the total time as `wait`. Every string passes through a
//! [`Scrubber`], so no token, payload segment or access key reaches the file. The client records no
//! request body (all its requests are GETs) and no cookies.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use crate::acs::client::REQUEST_HEADERS;
use crate::acs::{ChatClient, ClientEvent, Exchange};
use crate::files::Overwrite;
use crate::scrub::{REDACTED, Scrubber};

/// The whole HAR document of `exchanges` (oldest first).
pub fn har_document<'a>(
    exchanges: impl IntoIterator<Item = &'a Exchange>,
    scrubber: &Scrubber,
) -> Value {
    let entries: Vec<Value> = exchanges.into_iter().map(|e| entry(e, scrubber)).collect();
    json!({
        "log": {
            "version": "1.2",
            "creator": {"name": "acs-chat-inspector", "version": env!("CARGO_PKG_VERSION")},
            "entries": entries,
        }
    })
}

/// One HAR entry.
pub fn entry(exchange: &Exchange, scrubber: &Scrubber) -> Value {
    let wait_ms = exchange.duration.as_secs_f64() * 1000.0;
    let mut entry = json!({
        "startedDateTime": exchange
            .started_at
            .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "time": wait_ms,
        "request": request(exchange),
        "response": response(exchange),
        "cache": {},
        "timings": {"send": 0, "wait": wait_ms, "receive": 0},
        "comment": comment(exchange),
    });
    if let Some(error) = &exchange.error {
        entry["_error"] = Value::String(error.clone());
    }
    scrubber.scrub_json(&mut entry);
    entry
}

fn request(exchange: &Exchange) -> Value {
    let mut headers = vec![header("Authorization", REDACTED)];
    headers.extend(REQUEST_HEADERS.iter().map(|(k, v)| header(k, v)));
    let query: Vec<Value> = url::Url::parse(&exchange.url)
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "method": exchange.method,
        "url": exchange.url,
        "httpVersion": http_version(&exchange.url),
        "cookies": [],
        "headers": headers,
        "queryString": query,
        "headersSize": -1,
        "bodySize": 0,
    })
}

fn response(exchange: &Exchange) -> Value {
    let status = exchange.status.unwrap_or(0);
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let headers: Vec<Value> = exchange.headers.iter().map(|(k, v)| header(k, v)).collect();
    json!({
        "status": status,
        "statusText": reason,
        "httpVersion": if exchange.status.is_some() { http_version(&exchange.url) } else { "" },
        "cookies": [],
        "headers": headers,
        "content": {
            "size": exchange.body.len(),
            "mimeType": exchange.header("content-type").unwrap_or(""),
            "text": exchange.body,
        },
        "redirectURL": exchange.header("location").unwrap_or(""),
        "headersSize": -1,
        "bodySize": if exchange.status.is_some() { exchange.body.len() as i64 } else { -1 },
    })
}

/// reqwest speaks HTTP/1.1 to `http://` endpoints; over TLS it may negotiate HTTP/2, which the
/// exchange does not record, so the version is left unknown there.
fn http_version(url: &str) -> &'static str {
    if url.starts_with("http://") {
        "HTTP/1.1"
    } else {
        ""
    }
}

fn header(name: &str, value: &str) -> Value {
    json!({"name": name, "value": value})
}

/// `MS-CV JduJle7LhkONxaJnLYlU7Q.0; 1 retry`: what a support engineer looks for first.
fn comment(exchange: &Exchange) -> String {
    let mut parts = Vec::new();
    if let Some(cv) = exchange.ms_cv() {
        parts.push(format!("MS-CV {cv}"));
    }
    match exchange.retries() {
        0 => {}
        1 => parts.push("1 retry".into()),
        n => parts.push(format!("{n} retries")),
    }
    if exchange.status.is_none() {
        parts.push("no answer".into());
    }
    parts.join("; ")
}

/// Collects every exchange a client (and its clones) makes, for a HAR file at the end of the run.
#[derive(Clone)]
pub struct HarRecorder {
    path: PathBuf,
    scrubber: Scrubber,
    exchanges: Arc<Mutex<Vec<Arc<Exchange>>>>,
}

impl HarRecorder {
    /// A recorder that will write `path`; check the path first with [`check_target`].
    pub fn new(path: &Path, scrubber: Scrubber) -> Self {
        Self {
            path: path.to_path_buf(),
            scrubber,
            exchanges: Arc::default(),
        }
    }

    /// The client, with this recorder hearing of every exchange it logs.
    pub fn attach(&self, client: &ChatClient) -> ChatClient {
        let exchanges = self.exchanges.clone();
        client.with_added_observer(move |event| {
            if let ClientEvent::Logged(exchange) = event {
                exchanges
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(exchange);
            }
        })
    }

    /// How many exchanges were recorded so far.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Arc<Exchange>>> {
        self.exchanges.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Writes (or rewrites) the file with everything recorded so far.
    pub fn write(&self) -> std::io::Result<()> {
        let exchanges = self.lock().clone();
        // The file was checked (and --force given for an existing one) before the run; the
        // recorder rewrites its own file as the run goes on.
        write_har(
            &self.path,
            exchanges.iter().map(|e| &**e),
            &self.scrubber,
            Overwrite::Replace,
        )
        .map(|_| ())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A new file for the HAR of a session in `dir`: `acs-http-<thread>-<time>.har`, with `-2`, `-3`, ...
/// when that name is taken (an export never replaces another).
pub fn new_file_in(
    dir: &Path,
    thread_id: Option<&str>,
    at: chrono::DateTime<chrono::Utc>,
) -> PathBuf {
    let thread: String = thread_id
        .unwrap_or("no-thread")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .take(80)
        .collect();
    let stem = format!("acs-http-{thread}-{}", at.format("%Y%m%dT%H%M%SZ"));
    (1..)
        .map(|n| match n {
            1 => dir.join(format!("{stem}.har")),
            n => dir.join(format!("{stem}-{n}.har")),
        })
        .find(|p| std::fs::symlink_metadata(p).is_err())
        .unwrap_or_else(|| dir.join(format!("{stem}.har")))
}

/// Writes a HAR file as every file the program writes ([`crate::files`]): atomically, readable by
/// its owner only (it can hold customer content), never through a link. Returns the path written.
pub fn write_har<'a>(
    path: &Path,
    exchanges: impl IntoIterator<Item = &'a Exchange>,
    scrubber: &Scrubber,
    overwrite: Overwrite,
) -> std::io::Result<PathBuf> {
    let document = har_document(exchanges, scrubber);
    let mut text = serde_json::to_string_pretty(&document).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::files::write_private(path, text.as_bytes(), overwrite)
}

/// Whether `path` may receive a HAR file, checked before any request: its folder exists, it is not
/// a folder, a symbolic link or a special file, and an existing file is replaced only with `force`.
pub fn check_target(path: &Path, force: bool) -> Result<(), String> {
    let overwrite = if force {
        Overwrite::Replace
    } else {
        Overwrite::Refuse
    };
    crate::files::check_target(path, overwrite)
        .map_err(|e| format!("--har {}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
