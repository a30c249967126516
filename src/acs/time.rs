//! Times as the service writes them, and as the tool shows them.
//!
//! Responses use RFC 3339 with 0 or 7 fractional digits; `nextLink`s carry .NET's
//! `1/1/1970 12:00:00 AM +00:00`. Both parse here.

use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone, Utc};

/// Parses any time shape the service sends; `None` for anything else (shown raw by callers).
pub fn parse_service_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // RFC 3339 without an offset: the service means UTC.
    if let Ok(t) = NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f") {
        return Some(Utc.from_utc_datetime(&t));
    }
    parse_dotnet_time(s)
}

/// `1/1/1970 12:00:00 AM +00:00` (month/day/year, 12-hour clock, offset).
pub fn parse_dotnet_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::<FixedOffset>::parse_from_str(s, "%m/%d/%Y %I:%M:%S %p %:z")
        .or_else(|_| DateTime::<FixedOffset>::parse_from_str(s, "%m/%d/%Y %I:%M:%S%.f %p %:z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// How times are shown; cycles with `t` in the TUI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeDisplay {
    #[default]
    Utc,
    Local,
    Relative,
}

impl TimeDisplay {
    pub fn next(self) -> Self {
        match self {
            Self::Utc => Self::Local,
            Self::Local => Self::Relative,
            Self::Relative => Self::Utc,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Utc => "UTC",
            Self::Local => "local",
            Self::Relative => "relative",
        }
    }

    /// Formats `t` in this mode; `now` is passed in so rendering stays a pure function of state.
    pub fn format(self, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
        match self {
            Self::Utc => t.format("%Y-%m-%d %H:%M:%S UTC").to_string(),
            Self::Local => t
                .with_timezone(&chrono::Local)
                .format("%Y-%m-%d %H:%M:%S %:z")
                .to_string(),
            Self::Relative => relative(t, now),
        }
    }

    /// Formats a service time string, falling back to the string itself when it does not parse.
    pub fn format_str(self, s: &str, now: DateTime<Utc>) -> String {
        parse_service_time(s)
            .map(|t| self.format(t, now))
            .unwrap_or_else(|| s.to_string())
    }
}

/// "3 h ago", "in 12 d", "just now".
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    if secs.abs() < 5 {
        return "just now".to_string();
    }
    let span = human_span(secs.unsigned_abs());
    if secs < 0 {
        format!("{span} ago")
    } else {
        format!("in {span}")
    }
}

/// A short human span: `42 s`, `5 min`, `3 h 10 min`, `12 d`, `2 y 40 d`.
pub fn human_span(secs: u64) -> String {
    const MIN: u64 = 60;
    const HOUR: u64 = 60 * MIN;
    const DAY: u64 = 24 * HOUR;
    const YEAR: u64 = 365 * DAY;
    match secs {
        s if s < MIN => format!("{s} s"),
        s if s < HOUR => format!("{} min", s / MIN),
        s if s < DAY => match (s % HOUR) / MIN {
            0 => format!("{} h", s / HOUR),
            m => format!("{} h {m} min", s / HOUR),
        },
        s if s < YEAR => match (s % DAY) / HOUR {
            h if s < 7 * DAY && h > 0 => format!("{} d {h} h", s / DAY),
            _ => format!("{} d", s / DAY),
        },
        s => format!("{} y {} d", s / YEAR, (s % YEAR) / DAY),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_service_shape() {
        let zero = Utc.timestamp_opt(0, 0).unwrap();
        assert_eq!(parse_service_time("1970-01-01T00:00:00Z"), Some(zero));
        assert_eq!(
            parse_service_time("1970-01-01T00:00:00.0000000Z"),
            Some(zero)
        );
        assert_eq!(
            parse_service_time("1/1/1970 12:00:00 AM +00:00"),
            Some(zero)
        );
        assert_eq!(parse_service_time("1970-01-01T00:00:00"), Some(zero));
        assert_eq!(parse_service_time("yesterday"), None);
    }

    #[test]
    fn relative_reads_naturally() {
        let now = Utc.timestamp_opt(1_000_000, 0).unwrap();
        assert_eq!(relative(now - chrono::Duration::hours(3), now), "3 h ago");
        assert_eq!(relative(now + chrono::Duration::days(12), now), "in 12 d");
        assert_eq!(relative(now, now), "just now");
    }
}
