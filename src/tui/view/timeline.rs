//! The timeline: one line per message, built only for the rows on screen.

use std::ops::Range;

use chrono::{DateTime, Utc};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use unicode_width::UnicodeWidthStr;

use crate::acs::time::relative;
use crate::acs::{ChatMessage, TimeDisplay};
use crate::diff::MessageChange;
use crate::sanitize::one_line;

use super::super::action::Action;
use super::super::ids;
use super::super::keymap::{self, Context};
use super::super::query::match_ranges;
use super::super::state::{AppState, Focus, LoadStatus, Slot};
use super::super::timeline::Entry;
use super::legend::{self, Marker, Seen};
use super::{dim, panel_block, spinner, status_lines};

thread_local! {
    /// Rows formatted on this thread since it started; shows that only visible rows are ever built.
    /// Per thread, so that one test's count is not another's.
    pub static ROWS_FORMATTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

const TIME_WIDTH: usize = 11;
const SENDER_WIDTH: usize = 14;

pub fn render(state: &AppState, frame: &mut Frame, area: Rect) {
    let inner_width = usize::from(area.width.saturating_sub(2));
    let t = &state.timeline;
    let height = usize::from(area.height.saturating_sub(2));
    let range = window(t.data.len(), t.selected, t.offset, height);
    let mut seen = Seen::new();
    let lines = rows(state, range, inner_width, &mut seen);
    let (more, legend) = bottom_titles(state, height, inner_width, &seen);
    let mut block = panel_block(&title(state), state.focus == Focus::Timeline);
    if let Some(legend) = legend {
        block = block.title_bottom(dim(legend).right_aligned());
    }
    if !more.is_empty() {
        block = block.title_bottom(dim(more));
    }
    if matches!(state.status(Slot::Timeline), LoadStatus::Failed(_)) && !t.data.is_empty() {
        block = block.border_style(Style::default().fg(Color::Red));
    }
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if t.data.is_empty() {
        frame.render_widget(
            Paragraph::new(empty_lines(state)).wrap(Wrap { trim: false }),
            inner,
        );
        return;
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The bottom border's texts: rows above and below those shown, and the widest legend of the
/// markers `seen` that fits beside them. Every marker explained matters more than the count
/// above, which goes first.
fn bottom_titles(
    state: &AppState,
    rows: usize,
    width: usize,
    seen: &Seen,
) -> (String, Option<String>) {
    let legends = legend::legends(seen);
    let legend_beside = |more: &str| {
        let room = width.saturating_sub(more.width() + 2);
        legends
            .iter()
            .position(|l| l.width() <= room)
            .unwrap_or(legends.len())
    };
    let with_above = more_text(state, rows, true);
    let below_only = more_text(state, rows, false);
    let (full, short) = (legend_beside(&with_above), legend_beside(&below_only));
    let (more, legend) = if short < full {
        (below_only, short)
    } else {
        (with_above, full)
    };
    (more, legends.get(legend).cloned())
}

/// ` ↑ 3 · ↓ 40 more `: rows above (when `above`) and below those shown (` ↓ more to load ` when
/// only further pages remain).
fn more_text(state: &AppState, rows: usize, above: bool) -> String {
    let t = &state.timeline;
    let range = window(t.data.len(), t.selected, t.offset, rows);
    let below = t.data.len().saturating_sub(range.end);
    let below = match (below, t.has_more && !t.data.oldest_first) {
        (0, false) => String::new(),
        (0, true) => "↓ more to load".to_string(),
        (n, _) => format!("↓ {n} more"),
    };
    let above = if above { range.start } else { 0 };
    match (above, below.is_empty()) {
        (0, true) => String::new(),
        (0, false) => format!(" {below} "),
        (above, true) => format!(" ↑ {above} above "),
        (above, false) => format!(" ↑ {above} · {below} "),
    }
}

fn title(state: &AppState) -> String {
    let t = &state.timeline;
    let loaded = t.data.loaded();
    let mut title = match (state.status(Slot::Timeline), t.has_more) {
        (LoadStatus::Idle, _) => "Timeline".to_string(),
        (LoadStatus::Loading { .. }, _) if t.stale => {
            format!(
                "Timeline · {loaded} loaded earlier {} refreshing",
                spinner(state)
            )
        }
        (LoadStatus::Loading { .. }, _) if loaded == 0 => {
            format!("Timeline {} loading", spinner(state))
        }
        (LoadStatus::Loading { .. }, _) => {
            format!("Timeline · {loaded} loaded {} loading more", spinner(state))
        }
        (LoadStatus::Failed(_), _) if loaded > 0 => {
            format!("Timeline · ⚠ refresh failed: {loaded} loaded earlier (see the status line)")
        }
        (_, true) => format!("Timeline · {loaded} loaded, more available"),
        (LoadStatus::Loaded, false) => format!("Timeline · all {loaded} loaded"),
        (_, false) => format!("Timeline · {loaded} loaded"),
    };
    title.push_str(if t.data.oldest_first {
        " · oldest first"
    } else {
        " · newest first"
    });
    let as_view = state
        .findings
        .as_ref()
        .filter(|_| state.as_identity.is_some());
    if let Some((findings, v)) = as_view.and_then(|f| f.diagnosis.view.as_ref().map(|v| (f, v))) {
        title.push_str(&format!(
            " · as {}: {} of {} visible",
            one_line(&short_label(&findings.diagnosis, &v.raw_id)),
            v.visible_count(),
            v.messages.len()
        ));
    }
    if let Some(filter) = t.data.filter() {
        title.push_str(&format!(
            " · filter \"{}\": {} of {loaded}",
            one_line(&filter.source),
            t.data.len()
        ));
    }
    title
}

/// A display name when the diagnosis knows one, else the raw id.
fn short_label(d: &crate::diagnose::Diagnosis, raw_id: &str) -> String {
    d.identity(raw_id)
        .and_then(|i| i.display_name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| raw_id.to_string())
}

fn empty_lines(state: &AppState) -> Vec<Line<'static>> {
    let t = &state.timeline;
    if let Some(filter) = t.data.filter() {
        return vec![dim(format!(
            "No loaded message matches \"{}\" ({} clears the filter).",
            one_line(&filter.source),
            keymap::label(Context::Results, &Action::Cancel)
        ))];
    }
    if state.form_is_empty() && *state.status(Slot::Timeline) == LoadStatus::Idle {
        return welcome();
    }
    match status_lines(state, state.status(Slot::Timeline), "messages") {
        Some(lines) => lines,
        None => vec![dim("This thread has no messages.")],
    }
}

/// What a first start without flags shows: how to begin, with the keys that work at once.
fn welcome() -> Vec<Line<'static>> {
    let key = |action: Action| keymap::label(Context::Results, &action);
    let row = |keys: String, what: &str| {
        Line::from(vec![
            Span::styled(format!("  {keys:<9}"), Style::default().fg(Color::Cyan)),
            Span::raw(what.to_string()),
        ])
    };
    vec![
        Line::from("Nothing to inspect yet. To begin:"),
        row(
            key(Action::Activate).into(),
            &format!(
                "type the endpoint, then the token and a thread id ({} moves on)",
                keymap::label(Context::Field, &Action::FocusNext)
            ),
        ),
        row(
            key(Action::OpenProfiles).into(),
            "pick a profile of the config file",
        ),
        row(
            format!(
                "{} {}",
                key(Action::ToggleHelp),
                keymap::label(Context::Always, &Action::ToggleHelp)
            ),
            "every key, from anywhere",
        ),
        row(
            key(Action::Quit).into(),
            "quit; `acs-chat-inspector --demo` tries it on the built-in emulator",
        ),
    ]
}

/// The display rows on screen: the stored offset, moved just enough to show the selection.
pub fn window(len: usize, selected: usize, offset: usize, height: usize) -> Range<usize> {
    if height == 0 || len == 0 {
        return 0..0;
    }
    let selected = selected.min(len - 1);
    let mut start = offset.min(len.saturating_sub(height));
    if selected < start {
        start = selected;
    } else if selected >= start + height {
        start = selected + 1 - height;
    }
    start..(start + height).min(len)
}

/// Lines for the given display rows only; their markers go into `seen`.
pub fn rows(
    state: &AppState,
    range: Range<usize>,
    width: usize,
    seen: &mut Seen,
) -> Vec<Line<'static>> {
    range
        .filter_map(|row| {
            let entry = state.timeline.data.row(row)?;
            let selected = row == state.timeline.selected;
            Some(row_line(state, entry, selected, width, seen))
        })
        .collect()
}

fn row_line(
    state: &AppState,
    entry: &Entry,
    selected: bool,
    width: usize,
    seen: &mut Seen,
) -> Line<'static> {
    ROWS_FORMATTED.set(ROWS_FORMATTED.get() + 1);
    let m = &entry.message();
    let kind = Marker::of_type(&m.message_type);
    seen.extend(kind);
    let (change, flags) = flags(state, entry, m, seen);
    let fixed = 2 + TIME_WIDTH + 1 + SENDER_WIDTH + 1 + 2 + 1 + flags.width() + 1;
    let preview_width = width.saturating_sub(fixed);
    let base = if m.is_deleted() {
        Style::default()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT)
    } else if m.message_type.is_system() {
        Style::default().fg(Color::Magenta)
    } else {
        Style::default()
    };
    // In the "as" view, what that identity cannot see is dimmed.
    let hidden = state.as_identity.is_some()
        && state
            .findings
            .as_ref()
            .is_some_and(|f| f.hidden(&m.id).is_some());
    let base = if hidden {
        base.fg(Color::DarkGray).add_modifier(Modifier::DIM)
    } else {
        base
    };
    let who = m.sender_raw_id();
    let sender_style = Style::default().fg(who.as_deref().map_or(Color::Gray, ids::color));
    let highlights = state
        .timeline
        .data
        .filter()
        .map(|q| q.highlights())
        .unwrap_or_default();
    let mut spans = vec![
        Span::raw(if selected { "▶ " } else { "  " }),
        Span::styled(
            fit(&short_time(state, m), TIME_WIDTH),
            Style::default().fg(Color::Gray),
        ),
        Span::raw(" "),
    ];
    spans.extend(highlighted(
        fit(&sender(state, m), SENDER_WIDTH),
        sender_style,
        &highlights,
    ));
    spans.push(Span::raw(" "));
    spans.push(Span::styled(
        format!("{} ", kind.map_or(" ", Marker::symbol)),
        Style::default().fg(Color::Magenta),
    ));
    let (text, mark) = with_marks(state, m, preview_width);
    spans.extend(highlighted(text, base, &highlights));
    spans.push(Span::styled(mark, Style::default().fg(Color::Green)));
    spans.push(Span::raw(" "));
    spans.push(change);
    spans.push(Span::styled(flags, Style::default().fg(Color::Yellow)));
    let line = Line::from(spans);
    if selected {
        line.style(Style::default().add_modifier(Modifier::REVERSED))
    } else {
        line
    }
}

/// `text` in `style`, the filter's words in it marked.
fn highlighted(text: String, style: Style, marks: &[&str]) -> Vec<Span<'static>> {
    let ranges = match_ranges(&text, marks);
    if ranges.is_empty() {
        return vec![Span::styled(text, style)];
    }
    let mark = style.fg(Color::Black).bg(Color::Yellow);
    let mut spans = Vec::new();
    let mut at = 0;
    for range in ranges {
        if range.start > at {
            spans.push(Span::styled(text[at..range.start].to_string(), style));
        }
        spans.push(Span::styled(text[range.clone()].to_string(), mark));
        at = range.end;
    }
    if at < text.len() {
        spans.push(Span::styled(text[at..].to_string(), style));
    }
    spans
}

/// Columns of preview a row keeps before it gives room to marks.
const PREVIEW_KEPT: usize = 24;

/// The preview, and where room allows, the marks of the diagnosis ("◂ Jane, Bob read up to here",
/// "┄ Sam sees from here", "⊘ hidden"): what each reader has read and where histories start.
fn with_marks(state: &AppState, m: &ChatMessage, width: usize) -> (String, String) {
    let preview = state.timeline.data.preview(m);
    let mut marks: Vec<String> = Vec::new();
    if let Some(findings) = &state.findings {
        if state.as_identity.is_some() && findings.hidden(&m.id).is_some() {
            marks.push("⊘ hidden".into());
        }
        marks.extend(findings.marks_of(&m.id).unwrap_or_default().iter().cloned());
    }
    if marks.is_empty() || width < PREVIEW_KEPT + 16 {
        return (fit(&preview, width), String::new());
    }
    // The preview keeps what it needs (at least PREVIEW_KEPT columns); the marks take the rest.
    let mark = format!(" ◂ {}", marks.join(" · "));
    let room = width
        .saturating_sub(mark.width())
        .clamp(PREVIEW_KEPT.min(width), width);
    let text = fit(
        preview.trim_end(),
        room.min(preview.width().max(PREVIEW_KEPT)),
    );
    let mark = fit(&mark, width - text.width());
    (text, mark)
}

fn short_time(state: &AppState, m: &ChatMessage) -> String {
    let Some(t) = m.created() else {
        return one_line(&m.created_on).into_owned();
    };
    compact_time(state.time_display, t, state.now)
}

/// A time in at most [`TIME_WIDTH`] columns.
pub fn compact_time(display: TimeDisplay, t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    match display {
        TimeDisplay::Utc => t.format("%m-%d %H:%M").to_string(),
        TimeDisplay::Local => t
            .with_timezone(&chrono::Local)
            .format("%m-%d %H:%M")
            .to_string(),
        TimeDisplay::Relative => relative(t, now),
    }
}

/// The sender's name; for system events the initiator's; a raw id (its distinctive part) when
/// no name is known.
fn sender(state: &AppState, m: &ChatMessage) -> String {
    if let Some(name) = m.sender_name() {
        return one_line(name).into_owned();
    }
    let Some(raw) = m.sender_raw_id() else {
        return "(system)".into();
    };
    match state.timeline.data.name_of(&raw) {
        Some(name) => one_line(name).into_owned(),
        None => ids::fit(&raw, SENDER_WIDTH),
    }
}

/// What changed (`●` `~` `✎`) in its colour, then ✗ ⧉N ✓N in fixed columns; the markers shown go
/// into `seen`.
fn flags(
    state: &AppState,
    entry: &Entry,
    m: &ChatMessage,
    seen: &mut Seen,
) -> (Span<'static>, String) {
    let change = change_marker(state, m);
    let deleted = m.is_deleted().then_some(Marker::Deleted);
    let attachments = match m.attachments().len() {
        0 => String::new(),
        n => format!("{}{n}", Marker::Attachments.symbol()),
    };
    let read = if state.timeline.data.has_readers() {
        let count = state.timeline.data.read_count(entry.seq);
        format!("{}{count}", Marker::Read.symbol())
    } else {
        String::new()
    };
    seen.extend(change.into_iter().chain(deleted));
    seen.extend((!attachments.is_empty()).then_some(Marker::Attachments));
    seen.extend((!read.is_empty()).then_some(Marker::Read));
    let colour = match change {
        Some(Marker::Edited) | None => Color::Yellow,
        Some(_) => Color::Cyan,
    };
    let change = Span::styled(
        change.map_or(" ", Marker::symbol),
        Style::default().fg(colour),
    );
    let deleted = deleted.map_or(" ", Marker::symbol);
    (change, format!("{deleted} {attachments:<3} {read:<3}"))
}

/// The first flag: added or edited since the older bundle, arrived in live mode, or edited.
fn change_marker(state: &AppState, m: &ChatMessage) -> Option<Marker> {
    match state.offline.as_ref().and_then(|o| o.change(&m.id)) {
        Some(MessageChange::Added) => Some(Marker::NewSinceOlder),
        Some(MessageChange::Edited) => Some(Marker::ChangedSinceOlder),
        _ if state.live.as_ref().is_some_and(|l| l.new.contains(&m.id)) => Some(Marker::Arrived),
        _ if m.is_edited() => Some(Marker::Edited),
        _ => None,
    }
}

/// Cut to `width` columns (with … when cut) and padded to exactly `width`.
pub fn fit(s: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let cut = s.width() > width;
    let room = if cut { width - 1 } else { width };
    // Widths are measured on the growing prefix, not per character, so emoji sequences joined by
    // zero-width joiners count as the one glyph the terminal draws.
    let mut out = String::new();
    for c in s.chars() {
        out.push(c);
        if out.width() > room {
            out.pop();
            break;
        }
    }
    if cut {
        out.push('…');
    }
    let used = out.width();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_the_selection() {
        assert_eq!(window(100, 0, 0, 10), 0..10);
        assert_eq!(window(100, 15, 0, 10), 6..16);
        assert_eq!(window(100, 3, 50, 10), 3..13);
        assert_eq!(window(5, 4, 0, 10), 0..5);
        assert_eq!(window(0, 0, 0, 10), 0..0);
    }

    #[test]
    fn fit_cuts_by_columns() {
        assert_eq!(fit("hello", 3), "he…");
        assert_eq!(fit("hi", 4), "hi  ");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(fit("x", 0), "");
        assert_eq!(
            fit("👩\u{200d}💻 Dana", 8).width(),
            8,
            "a joined emoji is one glyph"
        );
    }
}
