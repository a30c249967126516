//! The shown message: type, ids, sender, times, and its body (text, HTML as readable text, or the
//! content of a system event).

use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};

use crate::acs::{ChatMessage, ChatMessageType, ChatParticipant};
use crate::sanitize::{one_line, sanitize};

use super::super::action::Action;
use super::super::ids;
use super::super::keymap::{self, Context};
use super::super::state::{AppState, LoadStatus, MessageSource, Slot};
use super::{dim, field, long_field, status_lines, time};

/// Bodies longer than this are cut before rendering, so a huge message keeps every frame fast
/// (the raw view and the copy menu still have all of it).
const MAX_BODY: usize = 64 * 1024;

/// The shown message's panel; `shown` is [`AppState::shown_message`], decoded once by the caller.
pub fn lines(state: &AppState, shown: Option<&ChatMessage>, width: u16) -> Vec<Line<'static>> {
    let Some(message) = shown else {
        return placeholder(state);
    };
    let mut lines = match (state.message_source, &state.message) {
        (MessageSource::Fetched, Some(fetched)) => {
            let at = Some(fetched.exchange.started_at);
            super::refresh_banner(state, state.status(Slot::Message), at).unwrap_or_default()
        }
        _ => vec![],
    };
    lines.push(summary(state, message));
    lines.extend(body(message, width));
    lines.push(Line::default());
    lines.extend(header(state, message, width));
    lines
}

fn placeholder(state: &AppState) -> Vec<Line<'static>> {
    match state.message_source {
        MessageSource::Fetched => match status_lines(state, state.status(Slot::Message), "message")
        {
            Some(lines) if *state.status(Slot::Message) != LoadStatus::Idle => lines,
            _ => vec![dim(
                "No message: select one in the timeline, or give a message id.",
            )],
        },
        MessageSource::Timeline => vec![dim("No message selected in the timeline.")],
    }
}

/// Who, what, when, and where the message came from, in one line above the body.
fn summary(state: &AppState, m: &ChatMessage) -> Line<'static> {
    let who = m
        .sender_name()
        .map(|n| one_line(n).into_owned())
        .unwrap_or_else(|| "(system)".into());
    let mut text = format!(
        "{who} · {} · #{} · {}",
        m.message_type,
        m.sequence_id,
        time(state, &m.created_on)
    );
    if m.is_edited() {
        text.push_str(" · edited");
    }
    if m.is_deleted() {
        text.push_str(" · deleted");
    }
    let source = match state.message_source {
        MessageSource::Fetched => "  (fetched by id)".to_string(),
        MessageSource::Timeline => format!("  (timeline row {})", state.timeline.selected + 1),
    };
    let colour = m.sender_raw_id().as_deref().map_or(Color::Cyan, ids::color);
    Line::from(vec![
        Span::styled(one_line(&text).into_owned(), Style::default().fg(colour)),
        Span::styled(source, Style::default().fg(Color::DarkGray)),
    ])
}

fn header(state: &AppState, m: &ChatMessage, width: u16) -> Vec<Line<'static>> {
    let mut lines = vec![
        field("Type", m.message_type.as_str()),
        field("Id", &m.id),
        field("Sequence id", &m.sequence_id),
        field("Version", &m.version),
        field("Sender name", m.sender_name().unwrap_or("(none)")),
    ];
    if let Some(who) = &m.sender_communication_identifier {
        lines.extend(long_field(
            "Sender",
            &format!("{} ({})", who.raw_id(), who.kind().as_str()),
            width,
        ));
    } else {
        lines.push(field("Sender", "(none: written by the service)"));
    }
    lines.push(field("Created", &time(state, &m.created_on)));
    if let Some(edited) = &m.edited_on {
        lines.push(marked("Edited", &time(state, edited), Color::Yellow));
    }
    if let Some(deleted) = &m.deleted_on {
        lines.push(marked("Deleted", &time(state, deleted), Color::Red));
    }
    lines.extend(diagnosed(state, m));
    lines
}

/// What the diagnosis says of this message: who has read up to it, whose history starts at it,
/// and whether the "as" identity sees it.
fn diagnosed(state: &AppState, m: &ChatMessage) -> Vec<Line<'static>> {
    let Some(findings) = &state.findings else {
        return vec![];
    };
    let mut lines: Vec<Line<'static>> = findings
        .marks_of(&m.id)
        .unwrap_or_default()
        .iter()
        .map(|mark| marked("Readers", mark, Color::Green))
        .collect();
    if state.as_identity.is_some()
        && let Some(why) = findings.hidden(&m.id)
    {
        lines.push(marked(
            "Hidden",
            &format!("from the \"as\" identity: {why}"),
            Color::DarkGray,
        ));
    }
    lines
}

fn marked(label: &str, value: &str, color: Color) -> Line<'static> {
    let mut line = field(label, "");
    line.spans.push(Span::styled(
        one_line(value).into_owned(),
        Style::default().fg(color),
    ));
    line
}

fn body(m: &ChatMessage, width: u16) -> Vec<Line<'static>> {
    let Some(content) = &m.content else {
        return vec![dim(if m.is_deleted() {
            "(deleted: no content)"
        } else {
            "(no content)"
        })];
    };
    let mut lines = Vec::new();
    if m.message_type.is_system() {
        lines.extend(system_event(m));
    } else if let Some(text) = content.message.as_deref() {
        let shown = head(text);
        if shown.len() < text.len() {
            let (kib, total) = (MAX_BODY / 1024, text.len() / 1024);
            let raw = keymap::label(Context::Results, &Action::ToggleRaw);
            lines.push(dim(format!(
                "(cut at {kib} KiB of {total} KiB: {raw} shows the whole body)"
            )));
        }
        lines.extend(if m.message_type.is_html() {
            html(shown, width)
        } else {
            text_lines(shown)
        });
    } else {
        lines.push(dim("(no text)"));
    }
    if !content.extra.is_empty() {
        let keys: Vec<&str> = content.extra.keys().map(String::as_str).collect();
        lines.push(dim(format!(
            "Other content fields: {}",
            one_line(&keys.join(", "))
        )));
    }
    lines
}

fn text_lines(text: &str) -> Vec<Line<'static>> {
    sanitize(text, true)
        .lines()
        .map(|l| Line::from(l.to_string()))
        .collect()
}

/// The first [`MAX_BODY`] bytes, cut at a character boundary.
fn head(text: &str) -> &str {
    if text.len() <= MAX_BODY {
        return text;
    }
    let end = (0..=MAX_BODY)
        .rev()
        .find(|i| text.is_char_boundary(*i))
        .unwrap_or(0);
    &text[..end]
}

/// HTML shown as readable text (links, lists), sanitized after rendering.
fn html(source: &str, width: u16) -> Vec<Line<'static>> {
    let width = usize::from(width.max(20));
    let readable = super::html::teams_markup(source);
    let mut lines = match html2text::from_read(readable.as_bytes(), width) {
        Ok(text) => text_lines(text.trim_end()),
        Err(e) => {
            let mut lines = vec![dim(format!(
                "(HTML could not be rendered: {e}; shown as sent)"
            ))];
            lines.extend(text_lines(source));
            lines
        }
    };
    lines.push(dim("(HTML, shown as text)"));
    lines
}

fn system_event(m: &ChatMessage) -> Vec<Line<'static>> {
    let Some(content) = &m.content else {
        return vec![];
    };
    let mut lines = Vec::new();
    if let Some(topic) = &content.topic {
        lines.push(field("New topic", topic));
    }
    let verb = match m.message_type {
        ChatMessageType::ParticipantAdded => "Added",
        ChatMessageType::ParticipantRemoved => "Removed",
        _ => "Participants",
    };
    for p in &content.participants {
        lines.push(field(verb, &participant(p)));
    }
    if let Some(who) = &content.initiator_communication_identifier {
        lines.push(field(
            "Initiator",
            &format!("{} ({})", who.raw_id(), who.kind().as_str()),
        ));
    }
    if lines.is_empty() {
        lines.push(dim("(system event without content)"));
    }
    lines
}

fn participant(p: &ChatParticipant) -> String {
    let id = p.communication_identifier.raw_id();
    match p.display_name.as_deref().filter(|n| !n.is_empty()) {
        Some(name) => format!("{name} <{id}>"),
        None => id,
    }
}
