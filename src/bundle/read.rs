//! Reading a bundle back: typed items, the items exactly as recorded, and the recorded exchanges.
//!
//! Every way a file can fail to be a bundle gives one [`BundleReadError`] with the line and column
//! where the problem is: not JSON, cut short, JSON of another shape, an item that is not an item.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::{FORMAT_VERSION, REDACTED_FIELDS, RecordedExchange};
use crate::acs::{
    ChatMessage, ChatMessageReadReceipt, ChatParticipant, ChatThreadProperties, Exchange, Page,
};
use crate::export::BundlePart;

/// A bundle file that cannot be opened, and where. Always bad input (exit 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleReadError {
    pub path: Option<PathBuf>,
    /// 1-based, when the problem has a place in the text.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl BundleReadError {
    fn at(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_column(text, offset);
        Self {
            path: None,
            line: Some(line),
            column: Some(column),
            message: message.into(),
        }
    }

    fn in_file(mut self, path: &Path) -> Self {
        self.path = Some(path.to_path_buf());
        self
    }

    /// The exit code of every bundle that cannot be read.
    pub fn exit_code(&self) -> i32 {
        2
    }
}

impl fmt::Display for BundleReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, "line {line}, column {column}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for BundleReadError {}

/// What a redacted bundle had blanked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redaction {
    pub fields: Vec<String>,
}

/// A part the bundle could not fetch (its `errors`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PartFailure {
    #[serde(default)]
    pub part: String,
    #[serde(default)]
    pub error: String,
    #[serde(default)]
    pub status: Option<u16>,
    #[serde(rename = "MS-CV", default)]
    pub ms_cv: Option<String>,
    #[serde(default)]
    pub hint: Option<String>,
}

/// The items exactly as the service sent them (as the bundle holds them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawItems {
    pub thread: Value,
    /// Newest first, as listed.
    pub messages: Vec<Value>,
    pub participants: Vec<Value>,
    pub read_receipts: Vec<Value>,
}

/// One recorded exchange, ready for the request log and the raw view.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenedExchange {
    pub exchange: Arc<Exchange>,
    /// What it fetched, when it is one of the bundle's parts.
    pub part: Option<BundlePart>,
    /// False for format 1 bundles: status, `MS-CV` and timing only, no headers or body.
    pub has_answer: bool,
}

/// A bundle read back: everything `open` shows and `diff` compares.
#[derive(Debug, Clone)]
pub struct OpenedBundle {
    /// 1 for bundles written before `formatVersion` existed.
    pub format_version: u32,
    pub generated_at: DateTime<Utc>,
    pub endpoint: String,
    pub api_version: String,
    pub thread: ChatThreadProperties,
    /// Newest first, as listed.
    pub messages: Vec<ChatMessage>,
    pub participants: Vec<ChatParticipant>,
    pub read_receipts: Vec<ChatMessageReadReceipt>,
    pub raw: RawItems,
    /// Every exchange made to build the bundle, oldest first.
    pub exchanges: Vec<OpenedExchange>,
    pub errors: Vec<PartFailure>,
    /// Set when the bundle is redacted.
    pub redaction: Option<Redaction>,
    /// Things worth saying that do not stop the bundle from opening (a newer format).
    pub warnings: Vec<String>,
    /// Message id -> index in `exchanges` of the page it was listed in.
    message_pages: HashMap<String, usize>,
}

/// The top level of a bundle, items kept as text with their place in the file.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct BundleFile<'a> {
    format_version: Option<u32>,
    generated_at: Option<String>,
    endpoint: Option<String>,
    api_version: Option<String>,
    #[serde(borrow)]
    thread: Option<&'a RawValue>,
    #[serde(borrow)]
    messages: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    participants: Option<Vec<&'a RawValue>>,
    #[serde(borrow)]
    read_receipts: Option<Vec<&'a RawValue>>,
    #[serde(borrow, default)]
    requests: Vec<&'a RawValue>,
    #[serde(default)]
    errors: Vec<PartFailure>,
    #[serde(default)]
    redacted: bool,
    #[serde(default)]
    redaction: Option<Value>,
}

const SHAPE: &str = "a bundle is one JSON object with generatedAt, thread, messages, participants, \
readReceipts and requests (written by `bundle`, `e` or `E`)";

impl OpenedBundle {
    /// Reads and checks a bundle file.
    pub fn read(path: &Path) -> Result<Self, BundleReadError> {
        let bytes = std::fs::read(path).map_err(|e| {
            BundleReadError {
                path: None,
                line: None,
                column: None,
                message: format!("cannot read it: {e}"),
            }
            .in_file(path)
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.utf8_error().valid_up_to();
            let text = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            BundleReadError::at(&text, valid, "not UTF-8 text: not a bundle").in_file(path)
        })?;
        Self::parse(&text).map_err(|e| e.in_file(path))
    }

    /// Checks and decodes a bundle's text.
    pub fn parse(text: &str) -> Result<Self, BundleReadError> {
        let start = text.len() - text.trim_start().len();
        match text.trim_start().chars().next() {
            None => return Err(BundleReadError::at(text, start, "empty file: not a bundle")),
            Some('{') => {}
            Some(_) => {
                let what = if serde_json::from_str::<Value>(text).is_ok() {
                    "JSON but not an object"
                } else {
                    "not JSON"
                };
                return Err(BundleReadError::at(
                    text,
                    start,
                    format!("{what}: not a bundle ({SHAPE})"),
                ));
            }
        }
        let file: BundleFile = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        Self::from_file(text, start, file)
    }

    fn from_file(text: &str, start: usize, file: BundleFile) -> Result<Self, BundleReadError> {
        let missing = |field: &str| {
            BundleReadError::at(
                text,
                start,
                format!("no \"{field}\": not a bundle ({SHAPE})"),
            )
        };
        let thread_raw = file.thread.ok_or_else(|| missing("thread"))?;
        let messages_raw = file.messages.ok_or_else(|| missing("messages"))?;
        let participants_raw = file.participants.ok_or_else(|| missing("participants"))?;
        let receipts_raw = file.read_receipts.ok_or_else(|| missing("readReceipts"))?;
        let generated = file.generated_at.ok_or_else(|| missing("generatedAt"))?;
        let generated_at = DateTime::parse_from_rfc3339(generated.trim())
            .map_err(|e| {
                BundleReadError::at(
                    text,
                    start,
                    format!("generatedAt {generated:?} is not an RFC 3339 time ({e})"),
                )
            })?
            .with_timezone(&Utc);
        let thread: ChatThreadProperties = decode_item(text, thread_raw, "thread")?;
        if thread.id.trim().is_empty() {
            return Err(BundleReadError::at(
                text,
                offset_of(text, thread_raw),
                "the thread has no \"id\"",
            ));
        }
        let endpoint = file.endpoint.unwrap_or_default();
        let exchanges = decode_exchanges(text, &file.requests, &endpoint)?;
        let format_version = file.format_version.unwrap_or(1);
        let mut opened = Self {
            format_version,
            generated_at,
            api_version: file.api_version.unwrap_or_default(),
            thread,
            messages: decode_items(text, &messages_raw, "messages")?,
            participants: decode_items(text, &participants_raw, "participants")?,
            read_receipts: decode_items(text, &receipts_raw, "readReceipts")?,
            raw: RawItems {
                thread: to_value(thread_raw),
                messages: messages_raw.iter().map(|r| to_value(r)).collect(),
                participants: participants_raw.iter().map(|r| to_value(r)).collect(),
                read_receipts: receipts_raw.iter().map(|r| to_value(r)).collect(),
            },
            message_pages: message_pages(&exchanges),
            exchanges,
            errors: file.errors,
            redaction: file.redacted.then(|| redaction_of(file.redaction.as_ref())),
            warnings: Vec::new(),
            endpoint,
        };
        if format_version > FORMAT_VERSION {
            opened.warnings.push(format!(
                "written by a newer version (format {format_version}; this one reads up to {FORMAT_VERSION}): fields it does not know are not shown"
            ));
        }
        Ok(opened)
    }

    /// `offline: bundle of 2026-11-23 10:52 UTC` (and `, redacted`), for a title bar.
    pub fn title(&self) -> String {
        format!(
            "offline: bundle of {}{}",
            self.generated_at.format("%Y-%m-%d %H:%M UTC"),
            if self.redaction.is_some() {
                ", redacted"
            } else {
                ""
            }
        )
    }

    pub fn thread_id(&self) -> &str {
        &self.thread.id
    }

    /// Every recorded exchange, oldest first: the request log of the bundle.
    pub fn request_log(&self) -> Vec<Arc<Exchange>> {
        self.exchanges.iter().map(|e| e.exchange.clone()).collect()
    }

    /// The exchanges (pages) that fetched one part, in order.
    pub fn exchanges_of(&self, part: BundlePart) -> Vec<&OpenedExchange> {
        self.exchanges
            .iter()
            .filter(|e| e.part == Some(part) && e.exchange.status.is_some_and(|s| s < 300))
            .collect()
    }

    /// The recorded answer of `GET /chat/threads/{id}`, for the thread panel's raw view.
    pub fn thread_exchange(&self) -> Option<&Arc<Exchange>> {
        self.exchanges_of(BundlePart::Thread)
            .first()
            .filter(|e| e.has_answer)
            .map(|e| &e.exchange)
    }

    /// The page a message was listed in, for its raw view (format 2 bundles only).
    pub fn exchange_of_message(&self, message_id: &str) -> Option<&Arc<Exchange>> {
        let index = *self.message_pages.get(message_id)?;
        self.exchanges.get(index).map(|e| &e.exchange)
    }

    /// Whether a part is incomplete (listed under `errors`).
    pub fn is_incomplete(&self, part: BundlePart) -> bool {
        self.errors.iter().any(|e| e.part == part.field())
    }
}

fn redaction_of(described: Option<&Value>) -> Redaction {
    let listed = described
        .and_then(|d| d.get("fields"))
        .and_then(Value::as_array)
        .map(|fields| {
            fields
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        });
    Redaction {
        fields: listed.unwrap_or_else(|| REDACTED_FIELDS.iter().map(|f| f.to_string()).collect()),
    }
}

fn decode_exchanges(
    text: &str,
    requests: &[&RawValue],
    endpoint: &str,
) -> Result<Vec<OpenedExchange>, BundleReadError> {
    let recorded: Vec<RecordedExchange> = decode_items(text, requests, "requests")?;
    Ok(recorded
        .iter()
        .zip(1u64..)
        .map(|(r, seq)| OpenedExchange {
            exchange: Arc::new(r.to_exchange(endpoint, seq)),
            part: r.part(),
            has_answer: r.has_answer(),
        })
        .collect())
}

/// Which recorded page listed each message.
fn message_pages(exchanges: &[OpenedExchange]) -> HashMap<String, usize> {
    #[derive(Deserialize)]
    struct Id {
        #[serde(default)]
        id: String,
    }
    let mut pages = HashMap::new();
    for (index, e) in exchanges.iter().enumerate() {
        if e.part != Some(BundlePart::Messages) || !e.has_answer {
            continue;
        }
        if let Ok(page) = serde_json::from_str::<Page<Id>>(&e.exchange.body) {
            for item in page.value {
                pages.entry(item.id).or_insert(index);
            }
        }
    }
    pages
}

fn decode_items<T: DeserializeOwned>(
    text: &str,
    raws: &[&RawValue],
    field: &str,
) -> Result<Vec<T>, BundleReadError> {
    raws.iter()
        .enumerate()
        .map(|(i, raw)| decode_item(text, raw, &format!("{field}[{i}]")))
        .collect()
}

/// Decodes one item; an error points into the file, not into the item.
fn decode_item<T: DeserializeOwned>(
    text: &str,
    raw: &RawValue,
    what: &str,
) -> Result<T, BundleReadError> {
    serde_json::from_str(raw.get()).map_err(|e| {
        let base = offset_of(text, raw);
        let inner = offset_in(raw.get(), e.line(), e.column());
        BundleReadError::at(
            text,
            base + inner,
            format!("{what} is not what a bundle holds: {e}"),
        )
        .without_serde_position()
    })
}

impl BundleReadError {
    /// serde's message ends in "at line L column C", relative to the item: the error's own place
    /// replaces it.
    fn without_serde_position(mut self) -> Self {
        if let Some(cut) = self.message.rfind(" at line ") {
            self.message.truncate(cut);
        }
        self
    }
}

fn json_error(text: &str, e: &serde_json::Error) -> BundleReadError {
    let offset = offset_in(text, e.line(), e.column());
    let message = match e.classify() {
        serde_json::error::Category::Eof => {
            "the file ends in the middle of the JSON: truncated (a bundle that was cut short)"
                .to_string()
        }
        serde_json::error::Category::Syntax => format!("not JSON here: {e}"),
        _ => format!("not a bundle: {e} ({SHAPE})"),
    };
    BundleReadError::at(text, offset, message).without_serde_position()
}

/// Where a borrowed raw value starts in the text it was parsed from.
fn offset_of(text: &str, raw: &RawValue) -> usize {
    (raw.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// The byte offset of serde's 1-based line and column (column 0: before the line's first byte).
fn offset_in(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (line_start + column.saturating_sub(1)).min(text.len())
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

fn to_value(raw: &RawValue) -> Value {
    serde_json::from_str(raw.get()).unwrap_or(Value::Null)
}

#[cfg(test)]
mod tests;
