//! The timeline's markers and its legend: only the markers some row on screen has are explained,
//! so that the legend stays short enough for 80 columns and says what the reader is looking at.

use std::collections::BTreeSet;

use crate::acs::ChatMessageType;

/// A marker of a timeline row. The order is the legend's: what changed first, then the flags,
/// then the kinds of message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Marker {
    /// Arrived while live mode watched the thread.
    Arrived,
    /// Not in the older bundle of `open FILE --diff OLDER`.
    NewSinceOlder,
    /// Edited since the older bundle.
    ChangedSinceOlder,
    Edited,
    Deleted,
    Attachments,
    Read,
    Html,
    Topic,
    ParticipantAdded,
    ParticipantRemoved,
    OtherType,
}

/// The markers of the rows on screen.
pub type Seen = BTreeSet<Marker>;

impl Marker {
    pub fn symbol(self) -> &'static str {
        match self {
            Marker::Arrived | Marker::NewSinceOlder => "●",
            Marker::ChangedSinceOlder => "~",
            Marker::Edited => "✎",
            Marker::Deleted => "✗",
            Marker::Attachments => "⧉",
            Marker::Read => "✓",
            Marker::Html => "H",
            Marker::Topic => "T",
            Marker::ParticipantAdded => "+",
            Marker::ParticipantRemoved => "-",
            Marker::OtherType => "?",
        }
    }

    /// The marker of a message's type; none for plain text.
    pub fn of_type(kind: &ChatMessageType) -> Option<Marker> {
        match kind {
            ChatMessageType::Text => None,
            ChatMessageType::Html | ChatMessageType::RichtextHtml => Some(Marker::Html),
            ChatMessageType::TopicUpdated => Some(Marker::Topic),
            ChatMessageType::ParticipantAdded => Some(Marker::ParticipantAdded),
            ChatMessageType::ParticipantRemoved => Some(Marker::ParticipantRemoved),
            _ => Some(Marker::OtherType),
        }
    }

    fn is_type(self) -> bool {
        self >= Marker::Html
    }

    /// What the marker means, in words.
    fn word(self) -> &'static str {
        match self {
            Marker::Arrived => "new",
            Marker::NewSinceOlder => "new since older",
            Marker::ChangedSinceOlder => "changed since older",
            Marker::Edited => "edited",
            Marker::Deleted => "deleted",
            Marker::Attachments => "attachments",
            Marker::Read => "read by",
            Marker::Html => "html",
            Marker::Topic => "topic",
            Marker::ParticipantAdded => "added",
            Marker::ParticipantRemoved => "removed",
            Marker::OtherType => "other type",
        }
    }

    /// `✎ edited`, for when there is room.
    fn long(self) -> String {
        format!("{} {}", self.symbol(), self.word())
    }

    /// `✎edited`; a letter keeps its space, so that `H html` does not read as one word.
    fn short(self) -> String {
        let word = match self {
            Marker::Arrived | Marker::NewSinceOlder => "new",
            Marker::ChangedSinceOlder => "changed",
            Marker::Attachments => "files",
            Marker::Read => "read",
            Marker::OtherType => "other",
            _ => self.word(),
        };
        let letter = self.symbol().chars().all(|c| c.is_ascii_alphabetic());
        format!("{}{}{word}", self.symbol(), if letter { " " } else { "" })
    }
}

/// What the markers seen mean, widest first: every marker in words, then in short, then fewer
/// and fewer of them (the kinds of message go first).
pub fn legends(seen: &Seen) -> Vec<String> {
    if seen.is_empty() {
        return Vec::new();
    }
    let markers: Vec<Marker> = seen.iter().copied().collect();
    let mut legends = vec![
        legend(&markers, Marker::long, "  ", "  ·  "),
        legend(&markers, Marker::short, " ", " · "),
    ];
    legends.extend(
        (1..markers.len())
            .rev()
            .map(|n| legend(&markers[..n], Marker::short, " ", " · ")),
    );
    legends
}

/// ` ✎ edited  ✗ deleted  ·  H html `: the flags, then the kinds of message.
fn legend(markers: &[Marker], entry: fn(Marker) -> String, gap: &str, between: &str) -> String {
    let (kinds, flags): (Vec<Marker>, Vec<Marker>) = markers.iter().partition(|m| m.is_type());
    let words = |group: Vec<Marker>| group.into_iter().map(entry).collect::<Vec<_>>().join(gap);
    let groups: Vec<String> = [words(flags), words(kinds)]
        .into_iter()
        .filter(|g| !g.is_empty())
        .collect();
    format!(" {} ", groups.join(between))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_markers_seen_are_explained_widest_first() {
        let seen: Seen = [
            Marker::Edited,
            Marker::Read,
            Marker::Html,
            Marker::ParticipantAdded,
        ]
        .into_iter()
        .collect();
        let legends = legends(&seen);
        assert_eq!(legends[0], " ✎ edited  ✓ read by  ·  H html  + added ");
        assert_eq!(legends[1], " ✎edited ✓read · H html +added ");
        assert_eq!(legends[2], " ✎edited ✓read · H html ");
        assert_eq!(legends.last().unwrap(), " ✎edited ");
        assert!(super::legends(&Seen::new()).is_empty());
    }

    #[test]
    fn the_markers_of_a_diff_differ_from_those_of_the_kinds_of_message() {
        let diff = [Marker::NewSinceOlder, Marker::ChangedSinceOlder];
        let kinds = [
            Marker::Html,
            Marker::Topic,
            Marker::ParticipantAdded,
            Marker::ParticipantRemoved,
            Marker::OtherType,
        ];
        for d in diff {
            assert!(kinds.iter().all(|k| k.symbol() != d.symbol()), "{d:?}");
        }
    }
}
