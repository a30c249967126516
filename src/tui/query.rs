//! The timeline filter's small query language, parsed and matched without any I/O.
//!
//! Words match anywhere in what a row shows and the ids behind it (names, raw ids and their GUIDs,
//! "deleted", "edited"), case-insensitively; `"two words"` match as one. Every term must match.
//!
//! | term | matches |
//! |---|---|
//! | `from:jane`, `from:0e59221d` | the sender's (or a system event's initiator's) name or raw id |
//! | `type:html`, `type:added` | the message type (`text`, `html`, `topicUpdated`, `participantAdded`, `participantRemoved`) |
//! | `is:deleted`, `is:edited`, `is:system` | deleted, edited, system messages |
//! | `has:attachment` | messages with attachments |
//! | `before:2026-01-15`, `after:2026-01-15T09:00:00Z` | created before / at or after a day (UTC) or a time |

use chrono::{DateTime, NaiveDate, Utc};

/// One condition of a query.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    /// Lowercased text found anywhere in the row's facts.
    Text(String),
    From(String),
    Type(String),
    Deleted,
    Edited,
    System,
    HasAttachment,
    Before(DateTime<Utc>),
    After(DateTime<Utc>),
}

/// A parsed query: every term must match.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// As typed (trimmed), shown in titles and the prompt.
    pub source: String,
    pub terms: Vec<Term>,
}

/// What a timeline row shows and the ids behind it, as queries see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Facts {
    /// Everything searchable, lowercased: text, names, raw ids, type, "deleted", "edited".
    pub text: String,
    /// The sender's, or a system event's initiator's, name and raw id, lowercased.
    pub from: Vec<String>,
    /// The message type as sent, lowercased.
    pub kind: String,
    pub deleted: bool,
    pub edited: bool,
    pub system: bool,
    pub attachments: usize,
    pub created: Option<DateTime<Utc>>,
}

/// Parses a query; `Ok(None)` for blank input, `Err` with what to fix.
pub fn parse(input: &str) -> Result<Option<Query>, String> {
    let source = input.trim();
    let terms = words(source)
        .into_iter()
        .map(|word| term(&word))
        .collect::<Result<Vec<_>, _>>()?;
    if terms.is_empty() {
        return Ok(None);
    }
    Ok(Some(Query {
        source: source.to_string(),
        terms,
    }))
}

/// Splits on blanks, keeping `"quoted words"` (and `key:"quoted words"`) together.
fn words(input: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    for c in input.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !current.is_empty() {
                    words.push(std::mem::take(&mut current));
                }
            }
            c => current.push(c),
        }
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

fn term(word: &str) -> Result<Term, String> {
    let Some((key, value)) = word.split_once(':') else {
        return Ok(Term::Text(word.to_lowercase()));
    };
    let value = value.to_lowercase();
    let needs = |what: &str| format!("{key}: needs {what}");
    match key.to_ascii_lowercase().as_str() {
        "from" if value.is_empty() => Err(needs("a name or raw id")),
        "from" => Ok(Term::From(value)),
        "type" if value.is_empty() => Err(needs("a type (text, html, topic, added, removed)")),
        "type" => Ok(Term::Type(value)),
        "is" => match value.as_str() {
            "deleted" => Ok(Term::Deleted),
            "edited" => Ok(Term::Edited),
            "system" => Ok(Term::System),
            _ => Err("is: takes deleted, edited or system".into()),
        },
        "has" => match value.as_str() {
            "attachment" | "attachments" | "file" | "image" => Ok(Term::HasAttachment),
            _ => Err("has: takes attachment".into()),
        },
        "before" => time(&value).map(Term::Before).ok_or_else(|| needs(DATE)),
        "after" => time(&value).map(Term::After).ok_or_else(|| needs(DATE)),
        // Raw ids (8:acs:…), thread ids (19:…) and times (12:30) are words, not keys.
        _ => Ok(Term::Text(word.to_lowercase())),
    }
}

const DATE: &str = "a date (2026-01-15) or a time (2026-01-15T09:00:00Z)";

/// A day (its start, UTC) or an RFC 3339 time.
fn time(value: &str) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(&value.to_uppercase()) {
        return Some(t.with_timezone(&Utc));
    }
    let day = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    Some(day.and_hms_opt(0, 0, 0)?.and_utc())
}

impl Query {
    pub fn matches(&self, facts: &Facts) -> bool {
        self.terms.iter().all(|term| match term {
            Term::Text(text) => facts.text.contains(text.as_str()),
            Term::From(who) => facts.from.iter().any(|f| f.contains(who.as_str())),
            Term::Type(kind) => type_matches(&facts.kind, kind),
            Term::Deleted => facts.deleted,
            Term::Edited => facts.edited,
            Term::System => facts.system,
            Term::HasAttachment => facts.attachments > 0,
            Term::Before(t) => facts.created.is_some_and(|c| c < *t),
            Term::After(t) => facts.created.is_some_and(|c| c >= *t),
        })
    }

    /// The words to highlight where a row shows them (lowercased).
    pub fn highlights(&self) -> Vec<&str> {
        self.terms
            .iter()
            .filter_map(|t| match t {
                Term::Text(text) | Term::From(text) => Some(text.as_str()),
                _ => None,
            })
            .collect()
    }
}

/// `type:topic` finds `topicUpdated`, `type:added` `participantAdded`.
fn type_matches(kind: &str, wanted: &str) -> bool {
    kind.contains(wanted)
}

/// The ranges of `text` where any of `needles` (lowercase) occurs, sorted and merged.
pub fn match_ranges(text: &str, needles: &[&str]) -> Vec<std::ops::Range<usize>> {
    let lower = text.to_lowercase();
    // Lowercasing may change byte lengths (rare scripts): then nothing is highlighted.
    if lower.len() != text.len() {
        return vec![];
    }
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::new();
    for needle in needles.iter().filter(|n| !n.is_empty()) {
        let mut from = 0;
        while let Some(at) = lower[from..].find(needle) {
            let start = from + at;
            ranges.push(start..start + needle.len());
            from = start + needle.len();
        }
    }
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<std::ops::Range<usize>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => merged.push(range),
        }
    }
    merged
        .into_iter()
        .filter(|r| text.is_char_boundary(r.start) && text.is_char_boundary(r.end))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            text: "jane let's head out 8:acs:8540c0de_0e59221d text".into(),
            from: vec!["jane".into(), "8:acs:8540c0de_0e59221d".into()],
            kind: "text".into(),
            created: Some("2026-01-15T11:50:00Z".parse().unwrap()),
            ..Facts::default()
        }
    }

    fn q(text: &str) -> Query {
        parse(text).unwrap().unwrap()
    }

    #[test]
    fn words_match_anywhere_and_every_term_must() {
        assert!(q("JANE").matches(&facts()));
        assert!(q("jane head").matches(&facts()));
        assert!(!q("jane bob").matches(&facts()));
        assert!(q("\"head out\"").matches(&facts()));
        assert!(q("0e59221d").matches(&facts()), "a GUID part of a raw id");
    }

    #[test]
    fn keys_narrow_by_sender_type_state_and_time() {
        assert!(q("from:jane").matches(&facts()));
        assert!(q("from:0e59221d").matches(&facts()));
        assert!(!q("from:bob").matches(&facts()));
        assert!(q("type:text").matches(&facts()));
        assert!(!q("type:html").matches(&facts()));
        assert!(!q("is:deleted").matches(&facts()));
        let deleted = Facts {
            deleted: true,
            attachments: 2,
            ..facts()
        };
        assert!(q("is:deleted has:attachment").matches(&deleted));
        assert!(q("after:2026-01-15").matches(&facts()));
        assert!(!q("before:2026-01-15").matches(&facts()));
        assert!(q("before:2026-01-15T12:00:00Z").matches(&facts()));
    }

    #[test]
    fn raw_ids_and_times_are_words_not_keys() {
        assert_eq!(
            q("8:acs:8540c0de_0e59221d").terms,
            [Term::Text("8:acs:8540c0de_0e59221d".into())]
        );
        assert_eq!(q("12:30").terms, [Term::Text("12:30".into())]);
        assert_eq!(
            q("from:\"Sam Rivera\"").terms,
            [Term::From("sam rivera".into())]
        );
    }

    #[test]
    fn mistakes_say_what_to_fix_and_blank_is_no_filter() {
        assert_eq!(parse("  ").unwrap(), None);
        assert!(parse("is:pinned").unwrap_err().contains("deleted, edited"));
        assert!(
            parse("before:yesterday")
                .unwrap_err()
                .contains("2026-01-15")
        );
        assert!(parse("from:").unwrap_err().contains("name or raw id"));
    }

    #[test]
    fn matches_are_found_case_insensitively_and_merged() {
        assert_eq!(match_ranges("Jane and JANET", &["jane"]), [0..4, 9..13]);
        assert_eq!(match_ranges("abcdef", &["abc", "cde"]), vec![(0..5)]);
        assert!(match_ranges("abc", &[""]).is_empty());
    }
}
