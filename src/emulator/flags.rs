//! The emulator's own flags (`emulator` and `--demo` take them): how it misbehaves on purpose.

use clap::{Args, ValueEnum};

/// A probability: a number from 0 to 1 (`nan` is none).
fn fraction(s: &str) -> Result<f64, String> {
    let p: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err("must be a fraction from 0 to 1, e.g. 0.3".into())
    }
}

/// A generated thread's size, at most [`super::generated::MAX_GENERATED`].
fn message_count(s: &str) -> Result<usize, String> {
    let max = super::generated::MAX_GENERATED;
    let n: usize = s.trim().parse().map_err(|e| format!("{e}"))?;
    if n <= max {
        Ok(n)
    } else {
        Err(format!("at most {max} messages"))
    }
}

/// Seconds between two changes of `--activity`, refused when the emulator could not use them
/// (`--demo` included, which would otherwise show a thread that never moves).
fn activity_secs(s: &str) -> Result<f64, String> {
    let secs: f64 = s.trim().parse().map_err(|e| format!("{e}"))?;
    super::activity::interval(secs).map(|_| secs)
}

/// How the built-in emulator misbehaves (for `emulator` and `--demo`).
#[derive(Debug, Clone, Default, Args)]
pub struct EmulatorArgs {
    /// Add a thread of N generated messages (at most 10,000,000).
    #[arg(long, global = true, value_name = "N", value_parser = message_count)]
    pub messages: Option<usize>,

    /// Give the demo user N more threads (some left, deleted or soon deleted by retention).
    #[arg(long, global = true, default_value_t = 0, value_name = "N")]
    pub threads: usize,

    /// Answer 429 (with retry-after-ms) beyond the service's documented rate limits.
    #[arg(long, global = true)]
    pub rate_limit: bool,

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

    /// Every SECS seconds something happens in the demo thread (a message, an edit, a delete, ...).
    #[arg(long, global = true, value_name = "SECS", value_parser = activity_secs)]
    pub activity: Option<f64>,
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
