//! `open --check` and `diff`: bundles read back, offline (no endpoint, token or request).

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use super::failure::Failure;
use super::output::JsonOut;
use crate::bundle::OpenedBundle;
use crate::bundle::read::BundleReadError;
use crate::diff::{BundleDiff, diff as diff_bundles};

/// Reads a bundle; a file that is not one is bad input (exit 2) with its line and column.
pub fn read_bundle(path: &Path) -> Result<OpenedBundle, Failure> {
    let opened = OpenedBundle::read(path).map_err(read_failure)?;
    for warning in &opened.warnings {
        note(&format!("{}: {warning}", path.display()));
    }
    Ok(opened)
}

fn read_failure(e: BundleReadError) -> Failure {
    Failure::bad_input(e.to_string())
        .with_hint("give a file written by `bundle`, or by `e` or `E` in the inspector")
}

/// `open FILE --check`: what the bundle holds, as JSON; with `--diff OLDER`, what changed since.
pub fn open(file: &Path, older: Option<&Path>) -> Result<i32, Failure> {
    let opened = read_bundle(file)?;
    let mut summary = summary(file, &opened);
    if let Some(older) = older {
        let older = read_bundle(older)?;
        summary["diff"] = serde_json::to_value(compare(&older, &opened)?).unwrap_or_default();
    }
    JsonOut::stdout().value(&summary).map_err(Failure::output)?;
    Ok(0)
}

/// What an opened bundle holds: the first thing to check about a file a customer sent.
pub fn summary(file: &Path, b: &OpenedBundle) -> Value {
    let with_answers = b.exchanges.iter().filter(|e| e.has_answer).count();
    json!({
        "file": file.display().to_string(),
        "title": b.title(),
        "formatVersion": b.format_version,
        "threadId": b.thread_id(),
        "generatedAt": b.generated_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        "endpoint": b.endpoint,
        "apiVersion": b.api_version,
        "messages": b.messages.len(),
        "participants": b.participants.len(),
        "readReceipts": b.read_receipts.len(),
        "exchanges": b.exchanges.len(),
        "rawViews": with_answers,
        "redacted": b.redaction.is_some(),
        "redaction": b.redaction.as_ref().map(|r| r.fields.clone()),
        "incomplete": b.errors.iter().map(|e| e.part.clone()).collect::<Vec<_>>(),
        "warnings": b.warnings,
    })
}

/// `diff A B`: exit 0 when both hold the same thread state, 1 when they differ.
pub fn diff(a: &Path, b: &Path) -> Result<i32, Failure> {
    let (a, b) = (read_bundle(a)?, read_bundle(b)?);
    let result = compare(&a, &b)?;
    let value = serde_json::to_value(&result).map_err(|e| Failure {
        code: 4,
        message: Some(format!("cannot encode the differences: {e}")),
        hints: Vec::new(),
    })?;
    JsonOut::stdout().value(&value).map_err(Failure::output)?;
    Ok(if result.is_empty() { 0 } else { 1 })
}

/// Compares two bundles; when only one is redacted, the other is compared as if it were too, so
/// the redaction itself does not show as a change.
pub fn compare(a: &OpenedBundle, b: &OpenedBundle) -> Result<BundleDiff, Failure> {
    let (mut a, mut b) = (a.clone(), b.clone());
    match (a.redaction.is_some(), b.redaction.is_some()) {
        (true, false) => redact_items(&mut b),
        (false, true) => redact_items(&mut a),
        _ => {}
    }
    let result = diff_bundles(&a, &b).map_err(|e| Failure::bad_input(e.to_string()))?;
    for part in &result.incomplete {
        note(&format!(
            "{part} is incomplete in a bundle (listed under \"errors\"): not compared"
        ));
    }
    Ok(result)
}

fn redact_items(b: &mut OpenedBundle) {
    note("one bundle is redacted: text, names and metadata values are compared as redacted");
    let raw = &mut b.raw;
    crate::export::redact(&mut raw.thread);
    for item in raw
        .messages
        .iter_mut()
        .chain(raw.participants.iter_mut())
        .chain(raw.read_receipts.iter_mut())
    {
        crate::export::redact(item);
    }
}

fn note(line: &str) {
    let _ = writeln!(
        std::io::stderr(),
        "note: {}",
        crate::sanitize::one_line(line)
    );
}
