//! Standard output holds one JSON document and nothing else; progress goes to a terminal's stderr only.

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use serde_json::Value;
use serde_json::value::RawValue;

use crate::sanitize::{escape_controls_in_json, terminal_safe_json};

/// JSON on stdout: pretty on a terminal, compact otherwise, one document ending in a newline.
pub struct JsonOut<W: Write = BufWriter<Stdout>> {
    out: W,
    pretty: bool,
}

impl JsonOut {
    pub fn stdout() -> Self {
        let stdout = io::stdout();
        Self {
            pretty: stdout.is_terminal(),
            out: BufWriter::new(stdout),
        }
    }
}

impl<W: Write> JsonOut<W> {
    pub fn new(out: W, pretty: bool) -> Self {
        Self { out, pretty }
    }

    pub fn into_inner(self) -> W {
        self.out
    }

    /// Writes a whole document.
    pub fn value(&mut self, value: &Value) -> io::Result<()> {
        let text = terminal_safe_json(value, self.pretty).map_err(io::Error::other)?;
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// An array written item by item, so a long list streams out as pages arrive.
    pub fn array(&mut self) -> ArrayOut<'_, W> {
        ArrayOut {
            json: self,
            pending: Vec::new(),
            items: 0,
            open: false,
        }
    }
}

/// Pretty output held back beyond this goes out anyway: memory stays bounded however long the list.
pub const PRETTY_HOLD_LIMIT: usize = 4 * 1024 * 1024;

/// A JSON array being streamed; nothing is written until the first item or [`ArrayOut::finish`].
///
/// Compact output (a pipe) goes out page by page. Pretty output (a terminal) is held until the end so
/// it does not interleave with the progress line on the same terminal, unless it grows past
/// [`PRETTY_HOLD_LIMIT`] (the caller then stops its progress line, see [`ArrayOut::holds_too_much`]).
pub struct ArrayOut<'a, W: Write> {
    json: &'a mut JsonOut<W>,
    pending: Vec<u8>,
    items: usize,
    open: bool,
}

impl<W: Write> ArrayOut<'_, W> {
    /// Pushes an item exactly as the service wrote it; compact output copies its text unchanged
    /// (no decoding), pretty output reformats it.
    pub fn push_raw(&mut self, item: &RawValue) -> io::Result<()> {
        if self.json.pretty {
            let value: Value = serde_json::from_str(item.get()).map_err(io::Error::other)?;
            return self.push(&value);
        }
        self.pending
            .extend_from_slice(if self.open { b"," } else { b"[" });
        self.open = true;
        self.items += 1;
        self.pending
            .extend_from_slice(escape_controls_in_json(item.get().to_string()).as_bytes());
        Ok(())
    }

    pub fn push(&mut self, item: &Value) -> io::Result<()> {
        let pretty = self.json.pretty;
        let separator = match (self.open, pretty) {
            (false, true) => "[\n  ",
            (false, false) => "[",
            (true, true) => ",\n  ",
            (true, false) => ",",
        };
        self.open = true;
        self.items += 1;
        self.pending.extend_from_slice(separator.as_bytes());
        let text = terminal_safe_json(item, pretty).map_err(io::Error::other)?;
        let text = if pretty {
            text.replace('\n', "\n  ")
        } else {
            text
        };
        self.pending.extend_from_slice(text.as_bytes());
        Ok(())
    }

    /// Whether pretty output held back has grown past [`PRETTY_HOLD_LIMIT`]: the next
    /// [`ArrayOut::flush`] writes it.
    pub fn holds_too_much(&self) -> bool {
        self.json.pretty && self.pending.len() > PRETTY_HOLD_LIMIT
    }

    /// Sends what the last pages added (compact output, or pretty output held too long).
    pub fn flush(&mut self) -> io::Result<()> {
        if self.json.pretty && !self.holds_too_much() {
            return Ok(());
        }
        self.json
            .out
            .write_all(&std::mem::take(&mut self.pending))?;
        self.json.out.flush()
    }

    pub fn items(&self) -> usize {
        self.items
    }

    /// Whether anything was written yet.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Closes the array (`[]` when empty), ending the document.
    pub fn finish(mut self) -> io::Result<()> {
        let end: &[u8] = match (self.open, self.json.pretty) {
            (false, _) => b"[]\n",
            (true, true) => b"\n]\n",
            (true, false) => b"]\n",
        };
        self.pending.extend_from_slice(end);
        self.json.out.write_all(&self.pending)?;
        self.json.out.flush()
    }
}

/// "page 3, 600 items" on stderr, rewritten in place; silent unless stderr is a terminal.
pub struct Progress {
    enabled: bool,
    shown: bool,
}

impl Progress {
    pub fn stderr() -> Self {
        Self {
            enabled: io::stderr().is_terminal(),
            shown: false,
        }
    }

    /// A progress that never writes (for tests and quiet callers).
    pub fn silent() -> Self {
        Self {
            enabled: false,
            shown: false,
        }
    }

    pub fn update(&mut self, text: &str) {
        if self.enabled {
            self.shown = true;
            let _ = write!(io::stderr(), "\r\x1b[K{text}");
        }
    }

    /// Clears the progress line and shows no more (output is about to share the terminal).
    pub fn stop(&mut self) {
        self.clear();
        self.enabled = false;
    }

    /// Clears the progress line so errors and the shell prompt start clean.
    pub fn clear(&mut self) {
        if std::mem::take(&mut self.shown) {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn streamed(items: &[Value], pretty: bool, flush_every: usize) -> String {
        let mut json = JsonOut::new(Vec::new(), pretty);
        let mut array = json.array();
        for (i, item) in items.iter().enumerate() {
            array.push(item).unwrap();
            if i % flush_every == 0 {
                array.flush().unwrap();
            }
        }
        array.finish().unwrap();
        String::from_utf8(json.into_inner()).unwrap()
    }

    #[test]
    fn streamed_arrays_match_serde_output() {
        let items = [
            json!({"id": "1", "content": {"message": "a\nb", "attachments": []}, "z": null}),
            json!({"id": "2", "metadata": {}, "list": [1, [2, {"x": "y"}]]}),
            json!("plain"),
        ];
        for n in 0..=items.len() {
            let whole = Value::Array(items[..n].to_vec());
            for pretty in [false, true] {
                let expected = if pretty {
                    serde_json::to_string_pretty(&whole).unwrap()
                } else {
                    serde_json::to_string(&whole).unwrap()
                };
                assert_eq!(streamed(&items[..n], pretty, 2), format!("{expected}\n"));
            }
        }
    }

    #[test]
    fn pretty_output_is_held_only_up_to_its_limit() {
        let mut json = JsonOut::new(Vec::new(), true);
        let mut array = json.array();
        let item = json!({"text": "x".repeat(64 * 1024)});
        for _ in 0..200 {
            array.push(&item).unwrap();
            array.flush().unwrap();
            assert!(array.pending.len() <= PRETTY_HOLD_LIMIT + 70 * 1024);
        }
        array.finish().unwrap();
        let text = String::from_utf8(json.into_inner()).unwrap();
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back.as_array().unwrap().len(), 200);
    }

    #[test]
    fn documents_end_with_a_newline() {
        let mut json = JsonOut::new(Vec::new(), false);
        json.value(&json!({"b": 1, "a": 2})).unwrap();
        assert_eq!(json.into_inner(), b"{\"b\":1,\"a\":2}\n");
    }
}
