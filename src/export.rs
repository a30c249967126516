//! Bundles: everything about one thread in one JSON document, for a ticket. Never holds a token.
//!
//! A bundle keeps the service's items exactly as sent (field names, values, unknown fields) and lists
//! every HTTP exchange made to build it, with the `MS-CV` the service team asks for. The token travels
//! only in the `Authorization` header, which no part of a bundle records.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use crate::acs::{AcsError, ChatClient, Exchange, ListOptions, Pager};
use crate::bundle::{FORMAT_VERSION, REDACTED_FIELDS, RecordedExchange};
use crate::files::Overwrite;

/// The parts of a bundle that are fetched as lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundlePart {
    Thread,
    Messages,
    Participants,
    ReadReceipts,
}

impl BundlePart {
    /// The subcommand that lists this part.
    pub fn command(self) -> &'static str {
        match self {
            Self::Thread => "thread",
            Self::Messages => "messages",
            Self::Participants => "participants",
            Self::ReadReceipts => "receipts",
        }
    }

    /// The bundle's field name for this part.
    pub fn field(self) -> &'static str {
        match self {
            Self::Thread => "thread",
            Self::Messages => "messages",
            Self::Participants => "participants",
            Self::ReadReceipts => "readReceipts",
        }
    }
}

/// How far building a bundle has come: reported after every page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BundleProgress {
    pub part: BundlePart,
    pub pages: usize,
    pub items: usize,
}

/// A part that could not be fetched; the bundle keeps what succeeded.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BundleError {
    /// The bundle field that is missing or incomplete (`readReceipts`, ...).
    pub part: &'static str,
    /// The error line, as printed on stderr.
    pub error: String,
    pub status: Option<u16>,
    #[serde(rename = "MS-CV")]
    pub ms_cv: Option<String>,
    /// What a support engineer can try next.
    pub hint: String,
    /// The exit code this error gives (3 service error, 4 no usable answer).
    pub exit_code: i32,
}

impl BundleError {
    /// A list cut after `kept` items when the lists reached `limit` bytes.
    fn over_budget(part: BundlePart, kept: usize, limit: usize, exchange: &Exchange) -> Self {
        Self {
            part: part.field(),
            error: format!(
                "the bundle is full: the lists reached {:.1} MiB of the service's JSON; {} holds its first {kept} items",
                limit as f64 / (1024.0 * 1024.0),
                part.field()
            ),
            status: exchange.status,
            ms_cv: exchange.ms_cv().map(str::to_string),
            hint: format!(
                "a bundle is held in memory; `{}` streams a list of any length",
                part.command()
            ),
            exit_code: 4,
        }
    }

    fn new(part: BundlePart, error: &AcsError) -> Self {
        Self {
            part: part.field(),
            error: error.to_string(),
            status: error.status(),
            ms_cv: error.ms_cv().map(str::to_string),
            hint: error.command_hint(),
            exit_code: error.exit_code(),
        }
    }
}

/// Everything about one thread. Serialises to the contract's
/// `{"generatedAt","endpoint","apiVersion","thread","messages","participants","readReceipts","requests"}`,
/// after `formatVersion`, plus `errors` when a part failed. Each of `requests` carries the whole
/// answer (headers and body) since format 2; see [`crate::bundle`].
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bundle {
    pub format_version: u32,
    #[serde(serialize_with = "rfc3339_millis")]
    pub generated_at: DateTime<Utc>,
    pub endpoint: String,
    pub api_version: String,
    pub thread: Value,
    pub messages: Vec<Value>,
    pub participants: Vec<Value>,
    pub read_receipts: Vec<Value>,
    pub requests: Vec<RecordedExchange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<BundleError>,
}

fn rfc3339_millis<S: serde::Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
}

impl Bundle {
    /// 0 when every part was fetched, else the exit code of the first failure.
    pub fn exit_code(&self) -> i32 {
        self.errors.first().map_or(0, |e| e.exit_code)
    }

    /// The bundle as a JSON value (field order as in the contract).
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// `thread, 42 messages, 5 participants, 3 read receipts, 7 requests` (for confirmations).
    pub fn counts(&self) -> String {
        format!(
            "{} messages, {} participants, {} read receipts, {} requests",
            self.messages.len(),
            self.participants.len(),
            self.read_receipts.len(),
            self.requests.len()
        )
    }
}

/// The most JSON one bundle holds: a bundle is held in memory until it is written, so a service that
/// never stops sending must not grow it without end. Each list page is held twice (its items, and
/// the recorded answer of format 2), so this is 64 MiB of the service's answers.
/// The list subcommands stream and have no such limit.
pub const MAX_BUNDLE_BYTES: usize = 128 * 1024 * 1024;

/// What a page costs the budget: its items and its recorded answer.
const COPIES_HELD: usize = 2;

/// Fetches the thread, then every page of its messages, participants and read receipts.
///
/// A failure to get the thread itself is an error; a list that fails afterwards is recorded in
/// `errors` and the bundle keeps every item that did arrive. `progress` hears of every page.
/// The lists take in at most [`MAX_BUNDLE_BYTES`] together.
pub async fn build_bundle(
    client: &ChatClient,
    thread_id: &str,
    progress: impl FnMut(BundleProgress),
) -> Result<Bundle, AcsError> {
    build_bundle_within(client, thread_id, MAX_BUNDLE_BYTES, progress).await
}

/// [`build_bundle`] with a budget of `max_bytes` of list pages; a list that would go past it is cut
/// there and recorded in `errors` (exit code 4).
pub async fn build_bundle_within(
    client: &ChatClient,
    thread_id: &str,
    max_bytes: usize,
    mut progress: impl FnMut(BundleProgress),
) -> Result<Bundle, AcsError> {
    let first_seq = client.log().entries().last().map_or(0, |e| e.seq + 1);
    let generated_at = Utc::now();
    let thread_url = client.thread_url(thread_id, "")?;
    let thread = client.get_json::<Value>(thread_url).await?.value;
    progress(BundleProgress {
        part: BundlePart::Thread,
        pages: 1,
        items: 1,
    });
    let options = ListOptions::default();
    let mut lists = Lists {
        errors: Vec::new(),
        limit: max_bytes,
        budget: max_bytes,
        progress: &mut progress,
    };
    let messages = lists
        .collect(
            BundlePart::Messages,
            client.list_messages_as(thread_id, &options)?,
        )
        .await;
    let participants = lists
        .collect(
            BundlePart::Participants,
            client.list_participants_as(thread_id, &options)?,
        )
        .await;
    let read_receipts = lists
        .collect(
            BundlePart::ReadReceipts,
            client.list_read_receipts_as(thread_id, &options)?,
        )
        .await;
    let errors = lists.errors;
    let requests = client
        .log()
        .entries()
        .iter()
        .filter(|e| e.seq >= first_seq)
        .map(|e| RecordedExchange::from_exchange(e))
        .collect();
    Ok(Bundle {
        format_version: FORMAT_VERSION,
        generated_at,
        endpoint: client.config().endpoint.display(),
        api_version: client.config().api_version.clone(),
        thread,
        messages,
        participants,
        read_receipts,
        requests,
        errors,
    })
}

/// The lists of a bundle being collected: their errors, and what is left of the byte budget.
struct Lists<'p, P> {
    errors: Vec<BundleError>,
    limit: usize,
    budget: usize,
    progress: &'p mut P,
}

impl<P: FnMut(BundleProgress)> Lists<'_, P> {
    /// Every item of one list; on failure (or past the budget) the items so far, with the error
    /// recorded.
    async fn collect(&mut self, part: BundlePart, mut pager: Pager<Value>) -> Vec<Value> {
        let mut items = Vec::new();
        while let Some(page) = pager.next_page().await {
            let page = match page {
                Ok(page) => page,
                Err(e) => {
                    self.errors.push(BundleError::new(part, &e));
                    break;
                }
            };
            let cost = page.exchange.body.len().saturating_mul(COPIES_HELD);
            let Some(left) = self.budget.checked_sub(cost) else {
                self.errors.push(BundleError::over_budget(
                    part,
                    items.len(),
                    self.limit,
                    &page.exchange,
                ));
                break;
            };
            self.budget = left;
            items.extend(page.value.value);
            (self.progress)(BundleProgress {
                part,
                pages: pager.pages(),
                items: items.len(),
            });
        }
        items
    }
}

/// What redaction blanks inside items (besides every metadata value).
const NAME_FIELDS: [&str; 3] = ["topic", "displayName", "senderDisplayName"];
const ATTACHMENT_FIELDS: [&str; 3] = ["name", "url", "previewUrl"];
/// Bundle fields that hold no customer content and are never redacted.
const EVIDENCE_FIELDS: [&str; 2] = ["requests", "errors"];

/// Blanks customer content in a bundle (or in any item of one): message text (`content.message`),
/// topics, display names (system messages' participants included), metadata values (keys stay),
/// attachment names and URLs. Ids, types, times, sequence ids, raw ids and MS-CVs stay, so the
/// bundle still shows what happened. A whole bundle is marked `"redacted": true` and lists what was
/// blanked under `"redaction"`; the response bodies of its `requests` are redacted alike.
pub fn redact(bundle: &mut Value) {
    let is_bundle = bundle.get("requests").is_some() && bundle.get("generatedAt").is_some();
    if let Value::Object(map) = bundle {
        for (key, child) in map.iter_mut() {
            if !EVIDENCE_FIELDS.contains(&key.as_str()) {
                redact_field(key, child, "");
            }
        }
        if is_bundle {
            if let Some(requests) = map.get_mut("requests") {
                redact_response_bodies(requests);
            }
            map.insert("redacted".into(), Value::Bool(true));
            map.insert(
                "redaction".into(),
                serde_json::json!({ "fields": REDACTED_FIELDS }),
            );
        }
    }
}

/// A JSON body gets the items' redaction; any other non-empty body is blanked whole.
fn redact_response_bodies(requests: &mut Value) {
    for request in requests.as_array_mut().into_iter().flatten() {
        let Some(Value::String(body)) = request.get_mut("responseBody") else {
            continue;
        };
        *body = match serde_json::from_str::<Value>(body) {
            Ok(mut parsed) => {
                redact(&mut parsed);
                parsed.to_string()
            }
            Err(_) => String::new(),
        };
    }
}

fn redact_node(value: &mut Value, parent_key: &str) {
    match value {
        Value::Object(map) => {
            for (key, child) in map.iter_mut() {
                redact_field(key, child, parent_key);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|i| redact_node(i, parent_key)),
        _ => {}
    }
}

fn redact_field(key: &str, child: &mut Value, parent_key: &str) {
    match key {
        "metadata" => blank_values(child),
        k if NAME_FIELDS.contains(&k) => blank(child),
        "message" if parent_key == "content" => blank(child),
        "attachments" => redact_attachments(child),
        _ => redact_node(child, key),
    }
}

fn redact_attachments(attachments: &mut Value) {
    for item in attachments.as_array_mut().into_iter().flatten() {
        if let Value::Object(map) = item {
            for field in ATTACHMENT_FIELDS {
                if let Some(v) = map.get_mut(field) {
                    blank(v);
                }
            }
        }
    }
}

/// Blanks every value of a metadata map, keeping its keys.
fn blank_values(metadata: &mut Value) {
    match metadata {
        Value::Object(map) => map.values_mut().for_each(blank),
        other => blank(other),
    }
}

fn blank(value: &mut Value) {
    if !value.is_null() {
        *value = Value::String(String::new());
    }
}

/// Writes a bundle as pretty JSON, readable by its owner only (mode 0600 on unix: it can hold
/// customer content), atomically and never through a link (see [`crate::files`]); returns the path
/// written.
pub fn write_bundle(path: &Path, bundle: &Value, overwrite: Overwrite) -> std::io::Result<PathBuf> {
    let mut text =
        crate::sanitize::terminal_safe_json(bundle, true).map_err(std::io::Error::other)?;
    text.push('\n');
    crate::files::write_private(path, text.as_bytes(), overwrite)
}

/// Writes `bundle` to `path`, redacted when asked: what the TUI's export does. An existing file is
/// never replaced: the bundle then goes to a numbered name beside it, which is returned.
pub fn export_to_file(bundle: &Bundle, path: &Path, redacted: bool) -> std::io::Result<PathBuf> {
    let mut value = bundle.to_value();
    if redacted {
        redact(&mut value);
    }
    write_bundle(path, &value, Overwrite::NumberNew)
}

/// A file name for a thread's bundle:
/// `acs-bundle-19_abc_thread.v2-20261123T105200.123Z.json`, or `...Z-redacted.json` for a redacted
/// one (only characters safe in any file system; milliseconds, so exports a second apart differ).
pub fn bundle_file_name(thread_id: &str, at: DateTime<Utc>, redacted: bool) -> String {
    let safe: String = thread_id
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '.' | '-' => c,
            _ => '_',
        })
        .take(80)
        .collect();
    let kind = if redacted { "-redacted" } else { "" };
    format!(
        "acs-bundle-{safe}-{}{kind}.json",
        at.format("%Y%m%dT%H%M%S%.3fZ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Value {
        json!({
            "generatedAt": "2026-01-01T00:00:00.000Z",
            "endpoint": "https://x.communication.azure.com",
            "apiVersion": "2025-03-15",
            "thread": {"id": "19:a@thread.v2", "topic": "Lunch", "createdOn": "2023-11-21T01:09:34Z",
                       "metadata": {"threadType": "primary"}},
            "messages": [
                {"id": "1", "type": "text", "sequenceId": "4", "senderDisplayName": "Jane",
                 "content": {"message": "secret plans", "attachments": [
                    {"id": "a1", "attachmentType": "file", "name": "plan.pdf", "url": "https://files/plan.pdf",
                     "previewUrl": "https://files/p"}]},
                 "metadata": {"tags": "x"}},
                {"id": "2", "type": "topicUpdated", "sequenceId": "2",
                 "content": {"topic": "Lunch", "initiatorCommunicationIdentifier": {"rawId": "8:acs:r_u"}}},
                {"id": "3", "type": "participantAdded", "sequenceId": "1",
                 "content": {"participants": [{"communicationIdentifier": {"rawId": "8:acs:r_v"},
                    "displayName": "Bob", "shareHistoryTime": "1970-01-01T00:00:00Z"}]}}
            ],
            "participants": [{"communicationIdentifier": {"rawId": "8:acs:r_v"}, "displayName": "Bob",
                              "metadata": {"role": "agent"}}],
            "readReceipts": [{"chatMessageId": "1", "readOn": "2023-10-19T10:46:28Z"}],
            "requests": [{"method": "GET", "path": "/chat/threads/19%3Aa%40thread.v2?api-version=2025-03-15",
                          "status": 200, "MS-CV": "cv.0", "durationMs": 3, "retries": 0}],
            "errors": [{"part": "readReceipts", "error": "403 Forbidden: message kept"}]
        })
    }

    #[test]
    fn redaction_blanks_content_and_keeps_evidence() {
        let mut b = sample();
        redact(&mut b);
        let m = &b["messages"];
        assert_eq!(b["thread"]["topic"], "");
        assert_eq!(b["thread"]["metadata"]["threadType"], "");
        assert_eq!(m[0]["content"]["message"], "");
        assert_eq!(m[0]["senderDisplayName"], "");
        assert_eq!(m[0]["metadata"]["tags"], "");
        let att = &m[0]["content"]["attachments"][0];
        assert_eq!(
            (&att["name"], &att["url"], &att["previewUrl"]),
            (&json!(""), &json!(""), &json!(""))
        );
        assert_eq!(att["id"], "a1");
        assert_eq!(m[1]["content"]["topic"], "");
        assert_eq!(m[2]["content"]["participants"][0]["displayName"], "");
        assert_eq!(b["participants"][0]["displayName"], "");
        assert_eq!(b["participants"][0]["metadata"]["role"], "");
        assert_eq!(b["redacted"], true);
        // What a ticket needs stays.
        assert_eq!(m[0]["id"], "1");
        assert_eq!(m[0]["sequenceId"], "4");
        assert_eq!(
            m[1]["content"]["initiatorCommunicationIdentifier"]["rawId"],
            "8:acs:r_u"
        );
        assert_eq!(b["thread"]["createdOn"], "2023-11-21T01:09:34Z");
        assert_eq!(b["requests"][0]["MS-CV"], "cv.0");
        assert_eq!(b["errors"][0]["error"], "403 Forbidden: message kept");
        assert_eq!(b["readReceipts"][0]["chatMessageId"], "1");
    }

    #[test]
    fn redaction_leaves_absent_fields_absent() {
        let mut item = json!({"id": "1", "content": {"message": "hi"}, "senderDisplayName": null});
        redact(&mut item);
        assert_eq!(
            item,
            json!({"id": "1", "content": {"message": ""}, "senderDisplayName": null})
        );
    }

    #[test]
    fn building_a_bundle_can_run_in_a_spawned_task() {
        fn assert_send<T: Send>(_: &T) {}
        let endpoint = crate::acs::Endpoint::parse("http://127.0.0.1:1").unwrap();
        let config = crate::acs::ClientConfig::new(endpoint, crate::acs::AccessToken::new("t"));
        let client = ChatClient::new(config).unwrap();
        let future = build_bundle(&client, "19:a@thread.v2", |_| {});
        assert_send(&future);
    }

    #[test]
    fn bundle_file_names_are_safe_and_say_redacted() {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 11, 23, 10, 52, 0).unwrap()
            + chrono::Duration::milliseconds(7);
        assert_eq!(
            bundle_file_name("19:ab/c@thread.v2", at, false),
            "acs-bundle-19_ab_c_thread.v2-20261123T105200.007Z.json"
        );
        assert_eq!(
            bundle_file_name("19:ab/c@thread.v2", at, true),
            "acs-bundle-19_ab_c_thread.v2-20261123T105200.007Z-redacted.json"
        );
    }

    #[test]
    fn written_bundles_are_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, "old").unwrap();
        write_bundle(&path, &sample(), Overwrite::Replace).unwrap();
        let back: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(back, sample());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
