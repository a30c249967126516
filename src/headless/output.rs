//! Standard output holds one JSON document and nothing else; progress goes to a terminal's stderr only.

use std::io::{self, BufWriter, IsTerminal, Stdout, Write};

use serde_json::Value;

/// JSON on stdout: pretty on a terminal, compact otherwise, one document ending in a newline.
pub struct JsonOut {
    out: BufWriter<Stdout>,
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

    /// Writes a whole document.
    pub fn value(&mut self, value: &Value) -> io::Result<()> {
        let text = if self.pretty {
            serde_json::to_string_pretty(value)
        } else {
            serde_json::to_string(value)
        }
        .map_err(io::Error::other)?;
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.out.flush()
    }

    /// An array written item by item, so a long list streams out as pages arrive.
    pub fn array(&mut self) -> ArrayOut<'_> {
        ArrayOut {
            json: self,
            pending: Vec::new(),
            items: 0,
            open: false,
        }
    }
}

/// A JSON array being streamed; nothing is written until the first item or [`ArrayOut::finish`].
///
/// Compact output (a pipe) goes out page by page. Pretty output (a terminal) is held until the end so
/// it does not interleave with the progress line on the same terminal.
pub struct ArrayOut<'a> {
    json: &'a mut JsonOut,
    pending: Vec<u8>,
    items: usize,
    open: bool,
}

impl ArrayOut<'_> {
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
        if pretty {
            let text = serde_json::to_string_pretty(item).map_err(io::Error::other)?;
            self.pending
                .extend_from_slice(text.replace('\n', "\n  ").as_bytes());
            Ok(())
        } else {
            serde_json::to_writer(&mut self.pending, item).map_err(io::Error::other)
        }
    }

    /// Sends what the last page added (compact output only).
    pub fn flush(&mut self) -> io::Result<()> {
        if self.json.pretty {
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
